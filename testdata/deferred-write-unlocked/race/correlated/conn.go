// Package conn tracks the calls in flight on a connection, under c.mu. do takes the lock
// only when its caller does not hold it (`locked`), and releases it on the same
// condition before running the call; its deferred delete then runs after the unlock on
// the !locked path, racing with Pending and Cancel. The fix must take the lock on that
// path only: CallLocked calls do with c.mu held, and a deferred closure that locked
// unconditionally would deadlock there (TestCallWhileHoldingTheLock).
package conn

import "sync"

type Conn struct {
	mu    sync.Mutex
	calls map[string]func()
	seq   int
}

func New() *Conn {
	return &Conn{calls: make(map[string]func())}
}

func (c *Conn) do(id string, locked bool, fn func()) {
	if !locked {
		c.mu.Lock()
	}
	c.calls[id] = fn
	defer delete(c.calls, id)
	if !locked {
		c.mu.Unlock()
	}
	fn()
}

// Call runs fn as the call id.
func (c *Conn) Call(id string, fn func()) {
	c.do(id, false, fn)
}

// CallLocked runs fn as the next call while holding the connection.
func (c *Conn) CallLocked(id string, fn func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	c.do(id, true, fn)
}

// Pending is the number of calls in flight.
func (c *Conn) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.calls)
}

// Cancel forgets the call id.
func (c *Conn) Cancel(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.calls, id)
}
