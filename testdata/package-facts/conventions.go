package facts

import "sync"

// The last functions the facts need can be read in the last round of the analysis: here
// flushLocked, a caller of put found only once put is known to touch the map. Its name
// says its callers hold s.mu, so put runs under s.mu, and its write counts as guarded.

type Spool struct {
	mu      sync.Mutex
	pending map[string]int
}

func (s *Spool) Drop(k string) {
	s.mu.Lock()
	s.pending[k]++
	s.mu.Unlock()
	defer delete(s.pending, k) // want "deferred-write-unlocked"
}

func (s *Spool) Count(k string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pending[k]
}

func (s *Spool) put(k string) {
	s.pending[k] = 1
}

func (s *Spool) flushLocked() {
	s.put("flushed")
}
