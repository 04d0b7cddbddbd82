package cases

import "sync"

// The map under another name: an element of a map of maps, a local bound to a
// guarded field or to an element, a map of a nested struct. Each write is a
// write of the guarded map.

type addrSet map[string]int

type Book struct {
	mu    sync.RWMutex
	addrs map[string]addrSet
	index map[string]map[string]bool
	seen  map[string]int
	state bookState
}

type bookState struct {
	calls map[string]int
}

func (b *Book) Add(p, a string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.addrs[p] == nil {
		b.addrs[p] = addrSet{}
	}
	b.addrs[p][a]++
	b.index[p] = map[string]bool{a: true}
	b.seen[p]++
	b.state.calls[p]++
}

func (b *Book) Count(p string) int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return len(b.addrs[p]) + len(b.index[p]) + b.seen[p] + b.state.calls[p]
}

func (b *Book) Reset(p string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.addrs, p)
	delete(b.index, p)
	delete(b.seen, p)
	delete(b.state.calls, p)
}

// Expire deletes from an inner map while holding only the read lock.
func (b *Book) Expire(p string, stale []string) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	for _, a := range stale {
		delete(b.addrs[p], a) // want "map-write-under-rlock"
	}
}

// Forget goes through a local bound to the inner map.
func (b *Book) Forget(p, a string) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	set, ok := b.index[p]
	if !ok {
		return
	}
	inner := b.index[p]
	delete(inner, a) // want "map-write-under-rlock"
	_ = set
}

// Prune ranges over the outer map and deletes from each element.
func (b *Book) Prune(a string) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	for _, set := range b.index {
		delete(set, a) // want "map-write-under-rlock"
	}
}

// Mark writes through a local bound to the field itself.
func (b *Book) Mark(p string) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	seen := b.seen
	seen[p]++ // want "map-write-under-rlock"
}

// Tally writes a map of a nested struct that b.mu guards.
func (b *Book) Tally(p string) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	b.state.calls[p]++ // want "map-write-under-rlock"
}

// Swap replaces the field under the write lock; the old map is its own afterwards.
func (b *Book) Swap() map[string]int {
	b.mu.Lock()
	old := b.seen
	b.seen = map[string]int{}
	b.mu.Unlock()
	for k := range old {
		old[k] = 0
	}
	return old
}
