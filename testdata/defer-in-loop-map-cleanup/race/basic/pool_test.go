package pool

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

// TestConcurrent runs many jobs on several workers and checks that no more jobs
// are listed as active than there are workers.
func TestConcurrent(t *testing.T) {
	const workers, njobs = 8, 1000
	p := New()
	jobs := make(chan Job)
	var maxActive atomic.Int64
	var ran atomic.Int64

	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		p.Run(jobs, workers)
	}()
	for i := 0; i < njobs; i++ {
		jobs <- Job{ID: i, Name: fmt.Sprintf("job%04d", i), Do: func() {
			ran.Add(1)
			n := int64(len(p.Active()))
			for {
				old := maxActive.Load()
				if n <= old || maxActive.CompareAndSwap(old, n) {
					break
				}
			}
		}}
	}
	close(jobs)
	wg.Wait()

	if got := ran.Load(); got != njobs {
		t.Errorf("%d jobs ran, want %d", got, njobs)
	}
	if got := maxActive.Load(); got > workers {
		t.Errorf("up to %d jobs listed as active with %d workers; finished jobs are not removed", got, workers)
	}
	if n := len(p.Active()); n != 0 {
		t.Errorf("%d jobs still active after the pool stopped, want 0", n)
	}
}
