package cases

import (
	"sync"
	"time"
)

// Expiring: every method holds c.mu for c.entries, but the sweeper goroutine
// the constructor starts never takes it.
type Expiring struct {
	mu      sync.RWMutex
	entries map[string]time.Time
}

func NewExpiring(ttl time.Duration) *Expiring {
	c := &Expiring{entries: map[string]time.Time{}}
	go func() {
		for {
			time.Sleep(ttl)
			for k, at := range c.entries {
				if time.Since(at) > ttl {
					delete(c.entries, k) // want "deferred-write-unlocked"
				}
			}
		}
	}()
	return c
}

func (c *Expiring) Put(k string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[k] = time.Now()
}

func (c *Expiring) Has(k string) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	_, ok := c.entries[k]
	return ok
}

func (c *Expiring) Drop(k string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, k)
}

// Tenants: Prune holds t.mu while it waits, but its goroutines, one per tenant,
// delete at the same time as each other; locking inside them would deadlock.
type Tenants struct {
	mu      sync.Mutex
	tenants map[string]int
}

func (t *Tenants) Prune(stale []string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var wg sync.WaitGroup
	for _, id := range stale {
		wg.Add(1)
		go func() {
			defer wg.Done()
			delete(t.tenants, id) // want "deferred-write-unlocked"
		}()
	}
	wg.Wait()
}

func (t *Tenants) Add(id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.tenants[id]++
}

func (t *Tenants) Count(id string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.tenants[id]
}

// UpdateAll: a local map with a local mutex that the goroutines take for their
// second write but not for the first.
func UpdateAll(names []string, update func(string) error) error {
	var wg sync.WaitGroup
	var resultsMu sync.Mutex
	results := map[string]error{}
	for _, n := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[n] = nil // want "deferred-write-unlocked"
			err := update(n)
			resultsMu.Lock()
			defer resultsMu.Unlock()
			results[n] = err
		}()
	}
	wg.Wait()
	for _, err := range results {
		if err != nil {
			return err
		}
	}
	return nil
}
