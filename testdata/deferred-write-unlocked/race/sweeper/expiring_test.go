package expiring

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestSweepWhileWriting(t *testing.T) {
	c := New(time.Microsecond)
	defer c.Close()
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				k := fmt.Sprintf("k%d", i%50)
				c.Put(k)
				c.Has(k)
			}
		}()
	}
	wg.Wait()
}
