package index

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestExpireWhileWriting(t *testing.T) {
	x := New[int]()
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				id := fmt.Sprintf("id%d", i%50)
				x.Put(id, i)
				x.Expire(id, time.Microsecond)
				x.Get(id)
			}
		}()
	}
	wg.Wait()
	time.Sleep(10 * time.Millisecond)
	_ = x.Len()
}
