// Package pagecache is a race-detector proof module for the defuse rule
// deferred-write-unlocked, goroutine shape (spec shape d).
//
// Hazard: Put holds c.mu ("c.mu.Lock(); defer c.mu.Unlock()") and, when the
// cache is full, starts "go func() { delete(c.pages, oldest) }()" to evict in
// the background. The goroutine runs on its own and holds none of its creator's
// locks, even though it sits lexically inside the locked region, so the delete
// races with every Put and Get: go test -race reports a DATA RACE, and the
// runtime may abort with "concurrent map writes".
//
// Fix (deferred-write-unlocked, safe): the goroutine's body gets the lock as its
// first statements:
//
//	go func() {
//		c.mu.Lock()
//		defer c.mu.Unlock()
//		delete(c.pages, oldest)
//	}()
package pagecache

import "sync"

// Cache is a size-bounded cache of rendered pages. When it is full, Put evicts
// the oldest page in the background so that callers never wait for eviction.
type Cache struct {
	mu    sync.Mutex
	max   int
	pages map[string][]byte // guarded by mu
	order []string          // keys in insertion order, guarded by mu
}

// New returns a cache that holds about size pages.
func New(size int) *Cache {
	return &Cache{max: size, pages: make(map[string][]byte)}
}

// Put stores the rendered page for key.
func (c *Cache) Put(key string, page []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.pages[key]; !ok {
		c.order = append(c.order, key)
	}
	c.pages[key] = page
	if len(c.order) > c.max {
		oldest := c.order[0]
		c.order = c.order[1:]
		go func() {
			delete(c.pages, oldest)
		}()
	}
}

// Get returns the rendered page for key.
func (c *Cache) Get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	page, ok := c.pages[key]
	return page, ok
}
