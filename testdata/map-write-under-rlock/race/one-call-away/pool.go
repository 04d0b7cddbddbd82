// Package pool is a race-detector proof module for the defuse rule
// map-write-under-rlock, one call away: Send holds only the read lock and calls
// connFor, which inserts into p.conns on a miss.
//
// Hazard: two Sends for new addresses insert at once: go test -race reports a DATA
// RACE, and the runtime may abort with "concurrent map writes".
//
// Fix (map-write-under-rlock, review): Send takes the write lock.
package pool

import "sync"

// Pool hands out one connection number per address.
type Pool struct {
	mu    sync.RWMutex
	conns map[string]int
}

// New returns an empty pool.
func New() *Pool { return &Pool{conns: map[string]int{}} }

// Add registers addr.
func (p *Pool) Add(addr string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.conns[addr]++
}

// Has reports whether addr is registered.
func (p *Pool) Has(addr string) bool {
	p.mu.RLock()
	defer p.mu.RUnlock()
	_, ok := p.conns[addr]
	return ok
}

// Close forgets addr.
func (p *Pool) Close(addr string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.conns, addr)
}

func (p *Pool) connFor(addr string) int {
	n, ok := p.conns[addr]
	if !ok {
		p.conns[addr] = len(p.conns)
	}
	return n
}

// Send returns the connection for addr, making one on a miss.
func (p *Pool) Send(addr string) int {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.connFor(addr)
}
