package book

import (
	"fmt"
	"sync"
	"testing"
)

func TestForgetFromManyGoroutines(t *testing.T) {
	b := New()
	for p := 0; p < 4; p++ {
		b.Add(fmt.Sprint("peer", p), "a0")
	}
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 300; i++ {
				b.Forget(fmt.Sprint("a", i%7))
				_ = b.Count("peer0")
			}
		}()
	}
	wg.Wait()
}
