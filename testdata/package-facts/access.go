package facts

// The accesses that make mu, tableMu, the embedded RWMutex and Owner.mu guards.

func (r *Registry) Add(k string) {
	r.mu.Lock()
	r.items[k] = 1
	r.mu.Unlock()
}

func (r *Registry) Get(k string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.items[k]
}

func Mark(k string) {
	tableMu.Lock()
	table[k] = true
	tableMu.Unlock()
}

func (c *Cache) Count(k string) {
	c.Lock()
	c.hits[k]++
	c.Unlock()
}

func (o *Owner) Rename(k, v string) {
	o.mu.Lock()
	o.names[k] = v
	o.mu.Unlock()
}
