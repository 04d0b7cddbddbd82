// Package warm is a race-detector proof module for the defuse rule
// deferred-loopvar-capture. Its go.mod says go 1.21, so a range loop has one
// key variable shared by all iterations.
//
// Hazard: Warm starts "go func() { ... c.values[key] = v ... }()" for every key
// of a range loop. Under go 1.21 every goroutine captures the same key
// variable, which the loop keeps overwriting: the goroutines read it while the
// loop writes it (go test -race reports a DATA RACE) and most of them load and
// store whatever key the loop has reached, so keys are missing or hold another
// key's value.
//
// Fix (deferred-loopvar-capture, safe): a per-iteration copy as the first
// statement of the loop body:
//
//	for i, key := range keys {
//		key := key
//		wg.Add(1)
//		...
package warm

import "sync"

// Cache holds values loaded from a slow backend.
type Cache struct {
	load func(key string) string

	mu     sync.Mutex
	values map[string]string // guarded by mu
}

// New returns an empty cache that loads values with load.
func New(load func(key string) string) *Cache {
	return &Cache{load: load, values: make(map[string]string)}
}

// Warm loads every key into the cache, batch loads at a time.
func (c *Cache) Warm(keys []string, batch int) {
	var wg sync.WaitGroup
	for i, key := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := c.load(key)
			c.mu.Lock()
			c.values[key] = v
			c.mu.Unlock()
		}()
		if (i+1)%batch == 0 {
			wg.Wait()
		}
	}
	wg.Wait()
}

// Get returns the cached value of key.
func (c *Cache) Get(key string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.values[key]
	return v, ok
}

// Len returns the number of cached values.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.values)
}
