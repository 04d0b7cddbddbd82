// Package pool keeps one connection per address and dials outside the lock.
//
// Hazard (deferred-write-unlocked, lock held on some paths only): Get re-locks after a
// successful dial and tracks that in the `locked` flag. The deferred delete runs first
// at exit: under the lock on the success path, without it on the dial-error path, where
// it races with every other Get. A fix that always locks would deadlock on the success
// path; the fix must lock only when `locked` says the lock is not held.
package pool

import (
	"errors"
	"sync"
)

var ErrDialing = errors.New("pool: dial in progress")

// Pool maps addresses to connections (strings stand in for net.Conn).
type Pool struct {
	mu      sync.Mutex
	conns   map[string]string // guarded by mu
	dialing map[string]bool   // guarded by mu
	dial    func(addr string) (string, error)
}

func New(dial func(addr string) (string, error)) *Pool {
	return &Pool{conns: map[string]string{}, dialing: map[string]bool{}, dial: dial}
}

// Get returns the pooled connection to addr, dialing it outside the lock.
func (p *Pool) Get(addr string) (string, error) {
	p.mu.Lock()
	locked := true
	defer func() {
		if locked {
			p.mu.Unlock()
		}
	}()
	if c, ok := p.conns[addr]; ok {
		return c, nil
	}
	if p.dialing[addr] {
		return "", ErrDialing
	}
	p.dialing[addr] = true
	defer delete(p.dialing, addr)

	p.mu.Unlock()
	locked = false
	c, err := p.dial(addr)
	if err != nil {
		return "", err
	}
	p.mu.Lock()
	locked = true
	p.conns[addr] = c
	return c, nil
}

// Dialing reports how many dials are in progress.
func (p *Pool) Dialing() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.dialing)
}
