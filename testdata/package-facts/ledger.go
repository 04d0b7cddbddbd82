package facts

import "sync"

// Two accesses hold rowsMu by convention, one holds mu: rowsMu guards rows, but only
// because ledger_sync.go locks it somewhere. Clear does not touch rowsMu, so its
// deferred delete is not known to run unlocked: no finding. (Without ledger_sync.go,
// mu would be the guard and Clear would be reported.)
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
	defer delete(l.rows, i)
	l.mu.Lock()
	l.rows[i] = 0
	l.mu.Unlock()
}
