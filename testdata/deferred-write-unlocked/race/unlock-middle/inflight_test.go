package inflight

import (
	"fmt"
	"sync"
	"testing"
)

// TestConcurrent serves requests from several goroutines while the debug page
// takes snapshots of what is in flight.
func TestConcurrent(t *testing.T) {
	const workers, iters = 8, 1000
	tr := NewTracker()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < iters; i++ {
				req := Request{Method: "GET", Path: fmt.Sprintf("/w%d/r%d", w, i)}
				err := tr.Track(req, func() error {
					if tr.Len() == 0 {
						return fmt.Errorf("%s not listed while being served", req.Path)
					}
					if i%50 == 0 {
						_ = tr.Snapshot()
					}
					return nil
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if n := tr.Len(); n != 0 {
		t.Errorf("Len() = %d after every request finished, want 0", n)
	}
}
