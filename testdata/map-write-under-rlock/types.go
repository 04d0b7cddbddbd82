package cases

import (
	"sync"
	"time"
)

// Cache is a read-mostly key/value cache with per-key statistics.
type Cache struct {
	mu      sync.RWMutex
	items   map[string][]byte    // guarded by mu
	hits    map[string]int       // guarded by mu
	expires map[string]time.Time // guarded by mu
}

// Set stores v under key until exp.
func (c *Cache) Set(key string, v []byte, exp time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items[key] = v
	c.expires[key] = exp
}

// Peers holds the last heartbeat per peer; the guard is known from the
// accesses under p.mu in this package, not from an annotation.
type Peers struct {
	mu   sync.RWMutex
	seen map[string]time.Time
}

// Beat records a heartbeat of peer.
func (p *Peers) Beat(peer string, at time.Time) {
	p.mu.Lock()
	p.seen[peer] = at
	p.mu.Unlock()
}
