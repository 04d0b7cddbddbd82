package cases

import "sync"

// Shape 3 of the recall work: two `if`s on the same unchanged condition are one
// decision. On the `!locked` path the deferred delete runs after the unlock; on the
// other the function never takes the lock, and the fix must not either.

type session struct {
	mu    sync.Mutex
	calls map[string]func()
}

func (s *session) do(id string, locked bool, fn func()) {
	if !locked {
		s.mu.Lock()
	}
	s.calls[id] = fn
	defer delete(s.calls, id) // want "deferred-write-unlocked"
	if !locked {
		s.mu.Unlock()
	}
	fn()
}

func (s *session) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.calls)
}

func (s *session) Cancel(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.calls, id)
}

// The unlock is deferred too, and runs after the delete: no correlated second `if`, so
// at most a low-confidence finding, hidden by default.
func (s *session) doDeferred(id string, locked bool, fn func()) {
	if !locked {
		s.mu.Lock()
		defer s.mu.Unlock()
	}
	s.calls[id] = fn
	defer delete(s.calls, id)
	fn()
}

// The condition changes between the two `if`s: they are two decisions, and the model
// does not pretend to know (at most a low-confidence finding, hidden by default).
func (s *session) doChanged(id string, locked bool, fn func()) {
	if !locked {
		s.mu.Lock()
	}
	s.calls[id] = fn
	defer delete(s.calls, id)
	locked = s.calls == nil
	if !locked {
		s.mu.Unlock()
	}
	fn()
}
