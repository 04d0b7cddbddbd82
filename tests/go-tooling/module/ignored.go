//go:build defuse_never

package store

// Only `-tags defuse_never` compiles this file, so a default go vet never reports it.
func (s *Store) Forget(id string) {
	s.mu.Lock()
	defer delete(s.sessions, id)
	defer s.mu.Unlock()
	_ = s.sessions[id]
}
