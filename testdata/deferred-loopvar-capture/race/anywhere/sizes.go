// Package sizes measures names concurrently. The go statement is not the last of the
// loop body and the closure uses the loop variable only to read it, not in a map
// operation: under Go 1.21 every goroutine shares the one `name`, reads it while the
// loop changes it, and may measure the wrong one.
package sizes

import (
	"sync"
	"sync/atomic"
)

// Total adds up the lengths of names, one goroutine per name.
func Total(names []string) int64 {
	var total atomic.Int64
	var wg sync.WaitGroup
	for _, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			total.Add(int64(len(name)))
		}()
		queued(name)
	}
	wg.Wait()
	return total.Load()
}

func queued(string) {}
