package conn

import (
	"fmt"
	"sync"
	"testing"
)

func TestCallsWhileCancelling(t *testing.T) {
	c := New()
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				id := fmt.Sprintf("w%d-%d", w, i)
				c.Call(id, func() {})
				c.Cancel(fmt.Sprintf("w%d-%d", (w+1)%4, i))
				_ = c.Pending()
			}
		}()
	}
	wg.Wait()
}

// With the lock held by the caller, do must not take it again.
func TestCallWhileHoldingTheLock(t *testing.T) {
	c := New()
	ran := false
	c.CallLocked("x", func() { ran = true })
	if !ran || c.Pending() != 0 {
		t.Fatalf("ran=%v pending=%d", ran, c.Pending())
	}
}
