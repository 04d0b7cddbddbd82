// Package sessions is a small login-session service: a session store, a
// per-client rate limiter, an in-flight request deduplicator, a hub goroutine
// and HTTP handlers. It is the bundled example for defuse: a line that ends
// in a want comment naming a rule holds a hazard the tool reports; every other
// line is expected to stay silent.
package sessions

import (
	"sync"
	"time"
)

// Session is one logged-in user.
type Session struct {
	ID      string
	User    string
	Expires time.Time
	Revoked bool
}

// Store holds the live sessions. Its map carries no annotation: the tool
// learns that s.mu guards it from Add and Get, which access it under s.mu.
type Store struct {
	mu       sync.Mutex
	sessions map[string]*Session
	onEvict  func(*Session)
}

// NewStore returns an empty store; onEvict runs for every expired session.
func NewStore(onEvict func(*Session)) *Store {
	return &Store{sessions: make(map[string]*Session), onEvict: onEvict}
}

// Add registers sess.
func (s *Store) Add(sess *Session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions[sess.ID] = sess
}

// Get returns the live session with the given ID.
func (s *Store) Get(id string) (*Session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.sessions[id]
	if !ok || sess.Revoked {
		return nil, false
	}
	return sess, true
}

// Take removes and returns a session. Safe: the delete is deferred after the
// unlock, so LIFO runs it first, while s.mu is still held.
func (s *Store) Take(id string) (*Session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer delete(s.sessions, id)
	sess, ok := s.sessions[id]
	return sess, ok
}

// Logout ends a session and reports it to notify.
func (s *Store) Logout(id string, notify func(*Session)) {
	s.mu.Lock()
	// Hazard: deferred before the unlock, so LIFO unlocks first and the delete races with Add and Get.
	defer delete(s.sessions, id) // want "deferred-write-unlocked"
	defer s.mu.Unlock()
	if sess, ok := s.sessions[id]; ok {
		notify(sess)
	}
}

// Revoke marks a session revoked and drops it in the background.
func (s *Store) Revoke(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.sessions[id]
	if !ok {
		return false
	}
	sess.Revoked = true
	go func() {
		// Hazard: the goroutine starts inside the locked region but holds no lock when it runs.
		delete(s.sessions, id) // want "deferred-write-unlocked"
	}()
	return true
}

// Sweep evicts every session that expired before now.
func (s *Store) Sweep(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, sess := range s.sessions {
		if now.After(sess.Expires) {
			s.evictLocked(id)
		}
	}
}

// evictLocked removes one session and reports it. Safe: s.mu must be held by
// the caller, as the name says, so the deferred delete runs under the lock.
func (s *Store) evictLocked(id string) {
	defer delete(s.sessions, id)
	if sess := s.sessions[id]; sess != nil && s.onEvict != nil {
		s.onEvict(sess)
	}
}
