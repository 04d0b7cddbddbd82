package facts

// Guarded by evidence in access.go.
func (r *Registry) Drop(k string) {
	defer delete(r.items, k) // want "deferred-write-unlocked"
	r.mu.Lock()
	defer r.mu.Unlock()
}

// A package variable guarded by a package mutex, by evidence in access.go.
func Unmark(k string) {
	defer delete(table, k) // want "deferred-write-unlocked"
	tableMu.Lock()
	defer tableMu.Unlock()
}

// An embedded RWMutex: Count in access.go writes under Lock.
func (c *Cache) Bump(k string) {
	c.RLock()
	defer c.RUnlock()
	c.hits[k]++ // want "map-write-under-rlock"
}

// Owner.names reached through a field of another struct.
func (r *Registry) Forget(k string) {
	r.owner.mu.RLock()
	defer r.owner.mu.RUnlock()
	delete(r.owner.names, k) // want "map-write-under-rlock"
}
