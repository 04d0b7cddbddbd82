package store

import "testing"

// expire is a test helper with the bug of Logout: the guard of s.sessions is known
// from store.go, since accesses in test files are no evidence of one.
func (s *Store) expire(id string) {
	s.mu.Lock()
	defer delete(s.sessions, id)
	defer s.mu.Unlock()
}

func TestLogout(t *testing.T) {
	s := New()
	s.Login("a", "ann")
	s.Logout("a")
	if s.Len() != 0 {
		t.Fatal("session kept")
	}
}
