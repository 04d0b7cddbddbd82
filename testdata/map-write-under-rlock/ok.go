package cases

import (
	"fmt"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Delete writes under the write lock.
func (c *Cache) Delete(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.items, key)
	delete(c.hits, key)
}

// Keys only reads under the read lock.
func (c *Cache) Keys() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	keys := make([]string, 0, len(c.items))
	for k := range c.items {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Lookup hands the eviction to a goroutine that takes the write lock.
func (c *Cache) Lookup(key string, now time.Time) ([]byte, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if exp, ok := c.expires[key]; ok && now.After(exp) {
		go func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			delete(c.items, key)
		}()
		return nil, false
	}
	v, ok := c.items[key]
	return v, ok
}

// Snapshot writes only a local map under the read lock.
func (c *Cache) Snapshot() map[string][]byte {
	out := make(map[string][]byte)
	c.mu.RLock()
	defer c.mu.RUnlock()
	for k, v := range c.items {
		out[k] = v
	}
	return out
}

// Expire upgrades: it releases the read lock before taking the write lock.
func (c *Cache) Expire(key string, now time.Time) bool {
	c.mu.RLock()
	exp, ok := c.expires[key]
	c.mu.RUnlock()
	if !ok || now.Before(exp) {
		return false
	}
	c.mu.Lock()
	delete(c.items, key)
	delete(c.expires, key)
	c.mu.Unlock()
	return true
}

// Evict registers a self-locking closure before the read lock: it runs after
// the deferred RUnlock.
func (c *Cache) Evict(key string) ([]byte, bool) {
	defer func() {
		c.mu.Lock()
		delete(c.items, key)
		c.mu.Unlock()
	}()
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.items[key]
	return v, ok
}

// Tagged is an entry with its own lock for its tags.
type Tagged struct {
	mu   sync.Mutex
	tags map[string]bool // guarded by mu
}

// Index maps names to tagged entries.
type Index struct {
	mu      sync.RWMutex
	entries map[string]*Tagged // guarded by mu
	lookups atomic.Int64
}

// Tag adds a tag to an entry: the entry's own mutex guards the write.
func (ix *Index) Tag(name, tag string) bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	ix.lookups.Add(1)
	e, ok := ix.entries[name]
	if !ok {
		return false
	}
	e.mu.Lock()
	e.tags[tag] = true
	e.mu.Unlock()
	return true
}

// MissCounter has its own mutex for the misses.
type MissCounter struct {
	mu     sync.RWMutex
	items  map[string]string // guarded by mu
	missMu sync.Mutex
	misses map[string]int // guarded by missMu
}

// Get counts misses under missMu while holding items' read lock.
func (m *MissCounter) Get(key string) (string, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	v, ok := m.items[key]
	if !ok {
		m.missMu.Lock()
		m.misses[key]++
		m.missMu.Unlock()
	}
	return v, ok
}

// Dump reads under RLock and closes its file with defer.
func (p *Peers) Dump(path string) error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	for peer, at := range p.seen {
		if _, err := fmt.Fprintf(f, "%s %s\n", peer, at.Format(time.RFC3339)); err != nil {
			return err
		}
	}
	return nil
}
