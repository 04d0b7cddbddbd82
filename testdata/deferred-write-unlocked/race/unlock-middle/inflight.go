// Package inflight is a race-detector proof module for the defuse rule
// deferred-write-unlocked, "Unlock in the middle" shape (spec shape c).
//
// Hazard: Track registers the request under t.mu, unlocks, and then defers
// "delete(t.inflight, id)". The delete runs when Track returns, long after the
// explicit Unlock, so it writes the map without t.mu while other goroutines
// register requests or take snapshots under t.mu: go test -race reports a DATA
// RACE, and the runtime may abort with "concurrent map writes" or "concurrent
// map iteration and map write".
//
// Fix (deferred-write-unlocked, safe): the deferred call becomes a closure that
// takes the guarding lock around the delete:
//
//	defer func() {
//		t.mu.Lock()
//		defer t.mu.Unlock()
//		delete(t.inflight, id)
//	}()
package inflight

import (
	"sort"
	"sync"
	"time"
)

// Request is a request being served.
type Request struct {
	Method  string
	Path    string
	Started time.Time
}

// Tracker lists the requests that are currently being served, for a debug page.
type Tracker struct {
	mu       sync.Mutex
	nextID   uint64
	inflight map[uint64]Request
}

// NewTracker returns a tracker with nothing in flight.
func NewTracker() *Tracker {
	return &Tracker{inflight: make(map[uint64]Request)}
}

// Track runs serve for req and lists req as in flight while serve runs.
func (t *Tracker) Track(req Request, serve func() error) error {
	req.Started = time.Now()
	t.mu.Lock()
	t.nextID++
	id := t.nextID
	t.inflight[id] = req
	t.mu.Unlock()
	defer delete(t.inflight, id)

	return serve()
}

// Snapshot returns the requests in flight, oldest first.
func (t *Tracker) Snapshot() []Request {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]Request, 0, len(t.inflight))
	for _, r := range t.inflight {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Started.Before(out[j].Started) })
	return out
}

// Len returns the number of requests in flight.
func (t *Tracker) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.inflight)
}
