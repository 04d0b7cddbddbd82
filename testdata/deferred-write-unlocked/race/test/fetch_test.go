package fetch

import "testing"

// startFetcher gives a test a fetcher and the function that waits for its requests.
func startFetcher(t *testing.T) (*Fetcher, func()) {
	t.Helper()
	f := New()
	return f, f.Wait
}

func TestFetchSkipsInflight(t *testing.T) {
	f, wait := startFetcher(t)
	defer wait()
	func() {
		// Fake a request in flight to "c" and check that Fetch leaves it alone.
		f.inflight["c"] = struct{}{}
		defer delete(f.inflight, "c")
		if got := f.Fetch([]string{"a", "b", "c"}); len(got) != 2 {
			t.Fatalf("started %v, want a and b", got)
		}
	}()
}

// The cleanup under f.mu: silent.
func TestFetchSkipsInflightLocked(t *testing.T) {
	f, wait := startFetcher(t)
	defer wait()
	f.mu.Lock()
	f.inflight["c"] = struct{}{}
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		delete(f.inflight, "c")
	}()
	if got := f.Fetch([]string{"a", "c"}); len(got) != 1 {
		t.Fatalf("started %v, want a", got)
	}
}

// A fetcher the test made and never shares: silent, nothing else can see its map.
func TestInflightBookkeeping(t *testing.T) {
	f := New()
	f.inflight["c"] = struct{}{}
	defer delete(f.inflight, "c")
	if len(f.inflight) != 1 {
		t.Fatal("want one request in flight")
	}
}
