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

// A Cancel while a call returns: ordered after the call started (the channel) but not
// after its deferred delete, so the race detector sees the two map writes unordered
// however the goroutines are scheduled; the test above needs them to interleave, which a
// busy machine may not do.
func TestCancelWhileACallReturns(t *testing.T) {
	c := New()
	running := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.Call("a", func() { close(running) })
	}()
	<-running
	c.Cancel("b")
	<-done
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
