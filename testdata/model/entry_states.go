// Entry states: a `...Locked` name, a doc comment, every caller holding the lock, the
// function's own unlock without a lock, and nothing said at all.
package model

import "sync"

type Cache struct {
	mu    sync.RWMutex
	items map[string]string
}

func (c *Cache) Get(k string) string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.items[k]
}

func (c *Cache) evictLocked(k string) {
	delete(c.items, k)
}

// drop removes k. c.mu must be held.
func (c *Cache) drop(k string) {
	delete(c.items, k)
}

func (c *Cache) reset() {
	c.items = map[string]string{}
}

func (c *Cache) Clear() {
	c.mu.Lock()
	c.reset()
	c.mu.Unlock()
}

func (c *Cache) finish(k string) {
	c.items[k] = "done"
	c.mu.Unlock()
}

func (c *Cache) Unsure(k string) {
	delete(c.items, k)
}
