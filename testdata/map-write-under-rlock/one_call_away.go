package cases

import "sync"

// One call away: a helper that writes the map, called while only the read lock is
// held.

type Pool struct {
	mu    sync.RWMutex
	conns map[string]int
}

func (p *Pool) Add(addr string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.conns[addr]++
}

func (p *Pool) Has(addr string) bool {
	p.mu.RLock()
	defer p.mu.RUnlock()
	_, ok := p.conns[addr]
	return ok
}

func (p *Pool) Close(addr string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.conns, addr)
}

// connFor inserts a connection on a miss; its callers must hold the write lock.
func (p *Pool) connFor(addr string) int {
	n, ok := p.conns[addr]
	if !ok {
		p.conns[addr] = 1
	}
	return n
}

// Send holds only the read lock while connFor may insert.
func (p *Pool) Send(addr string) int {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.connFor(addr) // want "map-write-under-rlock"
}

// ---- look-alikes that stay silent ----

// withLock runs f holding the write lock: the callback's writes are under it.
func (p *Pool) withLock(f func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f()
}

func (p *Pool) Reset(addr string) {
	p.withLock(func() {
		p.conns[addr] = 0
	})
}

// Lookup calls a helper that only reads.
func (p *Pool) Lookup(addr string) int {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.count(addr)
}

func (p *Pool) count(addr string) int {
	return p.conns[addr]
}
