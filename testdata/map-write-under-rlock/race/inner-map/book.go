// Package book keeps the addresses of each peer, a map of maps under b.mu. Forget
// deletes from the inner maps, reached by a range over the outer one, while holding
// only the read lock: the inner map is a part of the guarded map under another name,
// and two Forget calls (or a Forget and an Add) write it at once.
package book

import "sync"

type Book struct {
	mu    sync.RWMutex
	addrs map[string]map[string]int
}

func New() *Book {
	return &Book{addrs: make(map[string]map[string]int)}
}

// Add records that peer was seen at addr.
func (b *Book) Add(peer, addr string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	set := b.addrs[peer]
	if set == nil {
		set = make(map[string]int)
		b.addrs[peer] = set
	}
	set[addr]++
}

// Count is the number of addresses of peer.
func (b *Book) Count(peer string) int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return len(b.addrs[peer])
}

// Peers is the number of peers.
func (b *Book) Peers() int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return len(b.addrs)
}

// Forget drops addr from every peer.
func (b *Book) Forget(addr string) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	for _, set := range b.addrs {
		delete(set, addr)
	}
}
