package session

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestConcurrent logs users in and out from several goroutines at once.
func TestConcurrent(t *testing.T) {
	const workers, iters = 8, 1000
	r := NewRegistry()
	var hooks atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < iters; i++ {
				id := fmt.Sprintf("w%d-s%d", w, i)
				r.Login(id, fmt.Sprintf("user%d", w), time.Minute)
				if _, ok := r.Lookup(id); !ok {
					t.Errorf("Lookup(%q) after Login: not found", id)
					return
				}
				r.Logout(id, func(*Session) { hooks.Add(1) })
				// Let the other users at the registry before this one
				// touches it again.
				runtime.Gosched()
				if _, ok := r.Lookup(id); ok {
					t.Errorf("Lookup(%q) after Logout: still found", id)
					return
				}
			}
		}()
	}
	wg.Wait()
	if n := r.Len(); n != 0 {
		t.Errorf("Len() = %d after every session logged out, want 0", n)
	}
	if got := hooks.Load(); got != workers*iters {
		t.Errorf("logout hook ran %d times, want %d", got, workers*iters)
	}
}
