// Package ttlcache is a race-detector proof module for the defuse rule
// map-write-under-rlock.
//
// Hazard: Get holds only the read lock ("c.mu.RLock(); defer c.mu.RUnlock()")
// but drops an expired entry with "delete(c.entries, key)". Any number of
// readers hold the read lock at once, so concurrent Gets write the map at the
// same time: go test -race reports a DATA RACE, and the runtime may abort with
// "concurrent map writes".
//
// Fix (map-write-under-rlock, safe): Get takes the write lock instead,
// c.mu.RLock() -> c.mu.Lock() and c.mu.RUnlock() -> c.mu.Unlock(), nothing
// else (reads of the cache now serialize).
package ttlcache

import (
	"sync"
	"time"
)

type entry struct {
	value   string
	expires time.Time
}

// Cache is a read-mostly cache whose entries expire.
type Cache struct {
	mu      sync.RWMutex
	entries map[string]entry
}

// New returns an empty cache.
func New() *Cache {
	return &Cache{entries: make(map[string]entry)}
}

// Set stores value under key for ttl. A ttl that is not positive stores an
// entry that is already stale.
func (c *Cache) Set(key, value string, ttl time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[key] = entry{value: value, expires: time.Now().Add(ttl)}
}

// Get returns the value stored under key. Expired entries are dropped on the way.
func (c *Cache) Get(key string) (string, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.entries[key]
	if !ok {
		return "", false
	}
	if time.Now().After(e.expires) {
		delete(c.entries, key)
		return "", false
	}
	return e.value, true
}

// Len returns the number of entries, expired or not.
func (c *Cache) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries)
}
