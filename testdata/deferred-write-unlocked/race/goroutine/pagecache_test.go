package pagecache

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
)

// TestConcurrent renders and reads pages from several goroutines, so that the
// cache is full and evicts all the time.
func TestConcurrent(t *testing.T) {
	const workers, iters = 8, 1000
	c := New(64)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < iters; i++ {
				key := fmt.Sprintf("/w%d/page%d", w, i)
				page := []byte("<html>" + key + "</html>")
				c.Put(key, page)
				// The page may already be evicted again; if it is there, it
				// must be the one just stored.
				if got, ok := c.Get(key); ok && !bytes.Equal(got, page) {
					t.Errorf("Get(%q) = %q, want %q", key, got, page)
					return
				}
			}
		}()
	}
	wg.Wait()
}
