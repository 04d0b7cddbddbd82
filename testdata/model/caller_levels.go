package model

import "sync"

// Shape 10 of the recall work: a helper called only from helpers that are themselves
// called with the lock held holds it too, through every level. Its deferred write runs
// under the lock (silent), and its writes count as held for the map's guard.

type ledger struct {
	mu      sync.Mutex
	entries map[string]int
}

func (l *ledger) Add(k string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.record(k)
}

func (l *ledger) Get(k string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.entries[k]
}

func (l *ledger) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.entries)
}

// Two levels below Add: every caller holds l.mu, so the deferred delete runs under it.
func (l *ledger) record(k string) {
	l.entries[k]++
	l.trim(k)
}

func (l *ledger) trim(k string) {
	defer delete(l.entries, k+"-old")
	l.entries[k]--
}
