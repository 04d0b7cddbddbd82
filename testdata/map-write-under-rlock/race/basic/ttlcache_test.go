package ttlcache

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestConcurrent fills the cache with live and stale entries, then reads them
// from several goroutines at once, so that readers drop stale entries while
// other readers hold the read lock. No writer runs during the read phase.
func TestConcurrent(t *testing.T) {
	const workers, iters, live = 8, 1000, 16
	c := New()
	for w := 0; w < workers; w++ {
		for i := 0; i < live; i++ {
			key := fmt.Sprintf("live/w%d/%d", w, i)
			c.Set(key, key, time.Minute)
		}
		for i := 0; i < iters; i++ {
			key := fmt.Sprintf("stale/w%d/%d", w, i)
			c.Set(key, key, -time.Second)
		}
	}

	start := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for i := 0; i < iters; i++ {
				key := fmt.Sprintf("live/w%d/%d", w, i%live)
				if v, ok := c.Get(key); !ok || v != key {
					t.Errorf("Get(%q) = %q, %v; want %q, true", key, v, ok, key)
					return
				}
				key = fmt.Sprintf("stale/w%d/%d", w, i)
				if v, ok := c.Get(key); ok {
					t.Errorf("Get(%q) = %q, true; want a miss for a stale entry", key, v)
					return
				}
			}
		}()
	}
	close(start)
	wg.Wait()
	if n := c.Len(); n != workers*live {
		t.Errorf("Len() = %d, want %d live entries and no stale ones", n, workers*live)
	}
}
