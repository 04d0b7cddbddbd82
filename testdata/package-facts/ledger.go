package facts

import "sync"

// Two functions hold rowsMu by convention: rowsMu guards rows, but only because
// ledger_sync.go locks it somewhere (a mutex nothing locks guards nothing). Clear is
// exported and never takes rowsMu, so its deferred delete runs without it: callers
// outside the package cannot hold an unexported mutex.
type Ledger struct {
	mu     sync.Mutex
	rowsMu sync.Mutex
	rows   map[int]int
}

// setA must be called with l.rowsMu held.
func (l *Ledger) setA(i int) { l.rows[i] = 1 }

// setB must be called with l.rowsMu held.
func (l *Ledger) setB(i int) { l.rows[i] = 2 }

func (l *Ledger) Clear(i int) {
	defer delete(l.rows, i) // want "deferred-write-unlocked"
	l.mu.Lock()
	l.rows[i] = 0
	l.mu.Unlock()
}
