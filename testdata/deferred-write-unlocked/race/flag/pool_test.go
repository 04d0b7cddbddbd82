package pool

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"
)

// TestConcurrent drives both paths at once: odd addresses fail to dial (the delete runs
// without the lock), even ones succeed (the delete runs with the lock held, so a fix that
// always locks would deadlock here).
func TestConcurrent(t *testing.T) {
	p := New(func(addr string) (string, error) {
		runtime.Gosched()
		if addr[len(addr)-1]%2 == 1 {
			return "", errors.New("refused")
		}
		return "conn-" + addr, nil
	})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var wg sync.WaitGroup
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 500; i++ {
					_, _ = p.Get(fmt.Sprintf("10.0.%d.%d", g, i))
				}
			}()
		}
		wg.Wait()
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("Get deadlocked")
	}
	if n := p.Dialing(); n != 0 {
		t.Fatalf("%d dials still marked in progress", n)
	}
}
