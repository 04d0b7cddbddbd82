// Paths: an unlock in one branch makes the state unknown where the paths meet; a
// goroutine holds none of its creator's locks; a loop body runs twice.
package model

import "sync"

type Table struct {
	mu   sync.Mutex
	rows map[int]string
}

func (t *Table) Branch(k int, early bool) {
	t.mu.Lock()
	if early {
		t.mu.Unlock()
	}
	defer delete(t.rows, k)
}

func (t *Table) Spawn(k int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	go func() {
		delete(t.rows, k)
	}()
}

func (t *Table) Loop(keys []int) {
	for _, k := range keys {
		t.mu.Lock()
		t.rows[k] = "x"
		t.mu.Unlock()
	}
}

func (t *Table) Jump(k int) {
	t.mu.Lock()
	if k > 0 {
		goto out
	}
	t.rows[k] = "y"
out:
	t.mu.Unlock()
}
