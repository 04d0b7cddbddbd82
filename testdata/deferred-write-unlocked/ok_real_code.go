package cases

// False-positive classes seen on real code, in minimal form: each must stay silent.

import (
	"sync"
)

// A lock handed to a goroutine: the creator locks, the goroutine unlocks after its write.
// Go mutexes are not owned by goroutines: the write runs with the lock held.
type Pool struct {
	mu    sync.Mutex
	conns map[int]string
}

func (p *Pool) Add(k int, c string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.conns[k] = c
}

func (p *Pool) Get(k int) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.conns[k]
}

func (p *Pool) Len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.conns)
}

func (p *Pool) Drain(wg *sync.WaitGroup, k int) {
	p.mu.Lock()
	go func() {
		wg.Wait()
		delete(p.conns, k)
		p.mu.Unlock()
	}()
}
