// Package session is a race-detector proof module for the defuse rule
// deferred-write-unlocked, direct "defer delete" shape (spec shape a).
//
// Hazard: Logout takes r.mu, registers "defer delete(r.sessions, id)" and only
// then "defer r.mu.Unlock()". Deferred calls run last in, first out, so the
// unlock runs first and the delete runs after r.mu has been released. It races
// with every other goroutine that uses r.sessions under r.mu: go test -race
// reports a DATA RACE, and the runtime may abort with "concurrent map writes".
//
// Fix (deferred-write-unlocked, safe): the deferred call becomes a closure that
// takes the guarding lock around the delete:
//
//	defer func() {
//		r.mu.Lock()
//		defer r.mu.Unlock()
//		delete(r.sessions, id)
//	}()
package session

import (
	"sync"
	"time"
)

// Session is one logged-in user.
type Session struct {
	ID      string
	User    string
	Expires time.Time
}

// Registry tracks the live sessions of all users.
type Registry struct {
	mu       sync.Mutex
	sessions map[string]*Session // guarded by mu
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{sessions: make(map[string]*Session)}
}

// Login starts a session for user that is valid for ttl.
func (r *Registry) Login(id, user string, ttl time.Duration) *Session {
	s := &Session{ID: id, User: user, Expires: time.Now().Add(ttl)}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sessions[id] = s
	return s
}

// Lookup returns the session with the given ID, if it has not expired.
func (r *Registry) Lookup(id string) (*Session, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.sessions[id]
	if !ok || time.Now().After(s.Expires) {
		return nil, false
	}
	return s, true
}

// Len returns the number of sessions, expired or not.
func (r *Registry) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.sessions)
}

// Logout ends the session and runs the logout hook while the registry is locked.
func (r *Registry) Logout(id string, hook func(*Session)) {
	r.mu.Lock()
	defer delete(r.sessions, id)
	defer r.mu.Unlock()
	if s, ok := r.sessions[id]; ok && hook != nil {
		hook(s)
	}
}
