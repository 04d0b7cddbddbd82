package cases

import (
	"sync"
	"time"
)

// This file holds the types and their locked accessors. The fields carry no
// annotations: their guards are known only from the accesses below, under
// the same struct's mutex, which the hazards in positive.go rely on.

type Session struct {
	ID      string
	User    string
	Expires time.Time
}

// SessionTable tracks the live sessions of all users.
type SessionTable struct {
	mu       sync.Mutex
	sessions map[string]*Session
}

func NewSessionTable() *SessionTable {
	return &SessionTable{sessions: make(map[string]*Session)}
}

// Add registers s.
func (t *SessionTable) Add(s *Session) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sessions[s.ID] = s
}

// Get returns the session with the given ID.
func (t *SessionTable) Get(id string) (*Session, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s, ok := t.sessions[id]
	return s, ok
}

// Len returns the number of live sessions.
func (t *SessionTable) Len() int {
	t.mu.Lock()
	n := len(t.sessions)
	t.mu.Unlock()
	return n
}

// InflightSet tracks the requests being served, by request ID.
type InflightSet struct {
	mu   sync.Mutex
	reqs map[uint64]string
	next uint64
}

// Snapshot returns the routes of the requests being served.
func (s *InflightSet) Snapshot() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	routes := make([]string, 0, len(s.reqs))
	for _, r := range s.reqs {
		routes = append(routes, r)
	}
	return routes
}

// StatsCache is a read-mostly cache of computed statistics.
type StatsCache struct {
	mu    sync.RWMutex
	stats map[string]float64
}

// Lookup returns the cached statistic for key.
func (c *StatsCache) Lookup(key string) (float64, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.stats[key]
	return v, ok
}

// Store caches v under key.
func (c *StatsCache) Store(key string, v float64) {
	c.mu.Lock()
	c.stats[key] = v
	c.mu.Unlock()
}
