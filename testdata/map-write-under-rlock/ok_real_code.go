package cases

// False-positive classes seen on real code, in minimal form: each must stay silent.

import (
	"sync"
)

// Two locks held: every method takes the gate's read lock for something else and the
// map's own lock exclusively. A write under any exclusive lock is not this bug.
type Broker struct {
	gate  sync.RWMutex
	lock  sync.Mutex
	byKey map[string]int
}

func (b *Broker) Set(k string, v int) {
	b.gate.RLock()
	defer b.gate.RUnlock()
	b.lock.Lock()
	defer b.lock.Unlock()
	b.byKey[k] = v
}

func (b *Broker) Get(k string) int {
	b.gate.RLock()
	defer b.gate.RUnlock()
	b.lock.Lock()
	defer b.lock.Unlock()
	return b.byKey[k]
}

func (b *Broker) Publish(k string, v int) {
	b.gate.RLock()
	defer b.gate.RUnlock()
	b.lock.Lock()
	defer b.lock.Unlock()
	b.byKey[k] += v
}

// A dedicated mutex for the map, inside a loop that holds another read lock.
type Crawler struct {
	filesMu sync.RWMutex
	files   []string
	seen    map[string]bool
}

func (c *Crawler) Seen(n string) bool {
	c.filesMu.RLock()
	defer c.filesMu.RUnlock()
	return c.seen[n]
}

func (c *Crawler) Mark() {
	var seenMu sync.Mutex
	c.filesMu.RLock()
	defer c.filesMu.RUnlock()
	for _, n := range c.files {
		seenMu.Lock()
		c.seen[n] = true
		seenMu.Unlock()
	}
}

// A fresh value: built here, nobody else can see it yet; its type's mutex is irrelevant.
type Table struct {
	mu   sync.RWMutex
	rows map[int]string
}

func (t *Table) Get(k int) string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.rows[k]
}

func (t *Table) Put(k int, v string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.rows[k] = v
}

func (t *Table) Snapshot() *Table {
	t.mu.RLock()
	defer t.mu.RUnlock()
	cp := &Table{rows: make(map[int]string, len(t.rows))}
	for k, v := range t.rows {
		cp.rows[k] = v
	}
	return cp
}

// DeepCopyInto fills out, which its caller made for the copy.
func (t *Table) DeepCopyInto(out *Table) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	for k, v := range t.rows {
		out.rows[k] = v
	}
}

func (t *Table) Tagged(tag string) *Table {
	t.mu.RLock()
	defer t.mu.RUnlock()
	c := t.clone()
	c.rows[0] = tag
	return c
}

func (t *Table) clone() *Table {
	return &Table{rows: map[int]string{}}
}

// A map owned by one goroutine: the run loop writes it without a lock; note happens to
// hold the read lock of another field while it writes.
type Watcher struct {
	inMu   sync.RWMutex
	in     []string
	active map[string]int
}

func (w *Watcher) Start(ch <-chan string) {
	go w.run(ch)
}

func (w *Watcher) run(ch <-chan string) {
	for n := range ch {
		w.active[n]++
		w.note(n)
	}
}

func (w *Watcher) note(n string) {
	w.inMu.RLock()
	defer w.inMu.RUnlock()
	w.active[n] = len(w.in)
}

// Weak or self-made evidence: the function's own accesses are the only ones that hold
// the lock, or a small minority of those that touch the map.
type Registry struct {
	mu    sync.RWMutex
	names map[string]int
	other map[string]int
}

func (r *Registry) Touch(k string) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	r.names[k] = 1
}

func (r *Registry) Bump(k string) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	r.other[k]++
}

func (r *Registry) Peek(k string) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.other[k]
}

func (r *Registry) Reset(k string) { r.other[k] = 0 }

func (r *Registry) Drop(k string) { delete(r.other, k) }

func (r *Registry) Count() int { return len(r.other) }
