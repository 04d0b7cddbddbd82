package facts

import "sync"

// Store.put runs with s.mu held, since its only caller holds it (callers_put.go): its
// access is evidence that s.mu guards data.
type Store struct {
	mu   sync.Mutex
	data map[string]int
}

func (s *Store) put(k string) { s.data[k] = 1 }

func (s *Store) Del(k string) {
	defer delete(s.data, k) // want "deferred-write-unlocked"
	s.mu.Lock()
	defer s.mu.Unlock()
}

// Shelf.put has a caller with the lock (callers_put.go) and one without
// (callers_reset.go): no caller fact, no evidence, no guard, no finding.
type Shelf struct {
	mu    sync.Mutex
	books map[string]int
}

func (s *Shelf) put(k string) { s.books[k] = 1 }

func (s *Shelf) Del(k string) {
	defer delete(s.books, k)
	s.mu.Lock()
	defer s.mu.Unlock()
}
