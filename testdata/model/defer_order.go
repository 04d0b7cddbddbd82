// Deferred calls run last-in, first-out, against each exit's lock state (Go fact 3):
// the delete registered before the unlock runs after it.
package model

import "sync"

type Store struct {
	mu sync.Mutex
	m  map[string]int
}

func (s *Store) Put(k string, v int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[k] = v
}

func (s *Store) Take(k string) int {
	s.mu.Lock()
	defer delete(s.m, k)
	defer s.mu.Unlock()
	return s.m[k]
}

func (s *Store) Safe(k string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer delete(s.m, k)
}
