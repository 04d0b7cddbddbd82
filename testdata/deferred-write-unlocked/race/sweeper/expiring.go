// Package expiring is a race-detector proof module for the defuse rule
// deferred-write-unlocked, unlocked-goroutine shape: every method holds c.mu for
// c.entries, but the sweeper goroutine the constructor starts never takes it.
//
// Hazard: the sweeper deletes from c.entries while Put and Has run under the
// lock: go test -race reports a DATA RACE, and the runtime may abort with
// "concurrent map read and map write".
//
// Fix (deferred-write-unlocked): the sweeper takes c.mu around its delete.
package expiring

import (
	"sync"
	"time"
)

// Expiring forgets keys older than its time to live.
type Expiring struct {
	mu      sync.RWMutex
	entries map[string]time.Time
	stop    chan struct{}
}

// New starts the sweeper; Close stops it.
func New(ttl time.Duration) *Expiring {
	c := &Expiring{entries: map[string]time.Time{}, stop: make(chan struct{})}
	go func() {
		for {
			select {
			case <-c.stop:
				return
			case <-time.After(ttl):
			}
			for k, at := range c.entries {
				if time.Since(at) > ttl {
					delete(c.entries, k)
				}
			}
		}
	}()
	return c
}

// Put records k now.
func (c *Expiring) Put(k string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[k] = time.Now()
}

// Has reports whether k is recorded.
func (c *Expiring) Has(k string) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	_, ok := c.entries[k]
	return ok
}

// Drop forgets k.
func (c *Expiring) Drop(k string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, k)
}

// Close stops the sweeper.
func (c *Expiring) Close() { close(c.stop) }
