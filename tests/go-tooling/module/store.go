// Package store is the module tests/vettool.rs runs `go vet -vettool=defuse` and
// `go fix -fixtool=defuse` on: two findings in a file every build compiles (one with a
// safe fix, one with a fix that needs review), one in a file no default build compiles
// (ignored.go), and one each in an internal and an external test file, which go vet
// covers too.
package store

import "sync"

// Store maps session ids to users; sessions is guarded by mu.
type Store struct {
	mu       sync.Mutex
	sessions map[string]string
}

func New() *Store {
	return &Store{sessions: make(map[string]string)}
}

func (s *Store) Login(id, user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions[id] = user
}

func (s *Store) User(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions[id]
}

func (s *Store) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// Logout registers the delete before the unlock, so the unlock runs first.
func (s *Store) Logout(id string) {
	s.mu.Lock()
	defer delete(s.sessions, id)
	defer s.mu.Unlock()
	_ = s.sessions[id]
}

// Hits counts reads per key; hits is guarded by mu.
type Hits struct {
	mu   sync.RWMutex
	hits map[string]int
}

func (h *Hits) Reset(k string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.hits[k] = 0
}

// Get writes the map under the read lock. The fix (take the write lock) needs
// review, so go fix leaves it alone.
func (h *Hits) Get(k string) int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	h.hits[k]++
	return h.hits[k]
}
