package cases

import (
	"sync"
	"time"
)

// Get counts a hit while holding only the read lock.
func (c *Cache) Get(key string) ([]byte, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.items[key]
	if ok {
		c.hits[key]++ // want "map-write-under-rlock"
	}
	return v, ok
}

// Fresh drops an expired entry while holding only the read lock.
func (c *Cache) Fresh(key string, now time.Time) ([]byte, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if exp, ok := c.expires[key]; ok && now.After(exp) {
		delete(c.items, key) // want "map-write-under-rlock"
		return nil, false
	}
	v, ok := c.items[key]
	return v, ok
}

// Take returns a value once: the deferred delete runs before the deferred
// RUnlock, with only the read lock held.
func (c *Cache) Take(key string) ([]byte, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	defer delete(c.items, key) // want "map-write-under-rlock"
	v, ok := c.items[key]
	return v, ok
}

// Touch refreshes the expiry inside an explicit RLock/RUnlock pair.
func (c *Cache) Touch(key string, ttl time.Duration) bool {
	c.mu.RLock()
	_, ok := c.items[key]
	if ok {
		c.expires[key] = time.Now().Add(ttl) // want "map-write-under-rlock"
	}
	c.mu.RUnlock()
	return ok
}

// ResetStats clears the hit counters under the read lock.
func (c *Cache) ResetStats() map[string]int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make(map[string]int, len(c.hits))
	for k, n := range c.hits {
		out[k] = n
	}
	clear(c.hits) // want "map-write-under-rlock"
	return out
}

// Alive reports whether peer beat recently and stamps the check; the deferred
// closure runs before the RUnlock.
func (p *Peers) Alive(peer string, within time.Duration) bool {
	p.mu.RLock()
	defer p.mu.RUnlock()
	defer func() {
		p.seen[peer+".checked"] = time.Now() // want "map-write-under-rlock"
	}()
	at, ok := p.seen[peer]
	return ok && time.Since(at) < within
}

// A package-level registry guarded by a package-level RWMutex.
var (
	codecsMu sync.RWMutex
	codecs   = map[string]func([]byte) ([]byte, error){}
	uses     = map[string]int{}
)

// RegisterCodec makes a codec available by name.
func RegisterCodec(name string, fn func([]byte) ([]byte, error)) {
	codecsMu.Lock()
	defer codecsMu.Unlock()
	codecs[name] = fn
	uses[name] = 0
}

// Codec returns the codec registered under name and counts its use.
func Codec(name string) (func([]byte) ([]byte, error), bool) {
	codecsMu.RLock()
	defer codecsMu.RUnlock()
	fn, ok := codecs[name]
	uses[name]++ // want "map-write-under-rlock"
	return fn, ok
}
