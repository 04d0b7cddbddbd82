package pool

import (
	"fmt"
	"sync"
	"testing"
)

func TestSend(t *testing.T) {
	p := New()
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				p.Send(fmt.Sprintf("host-%d-%d", w, i))
			}
		}()
	}
	wg.Wait()
}
