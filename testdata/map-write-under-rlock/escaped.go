package cases

import "sync"

// A map of maps whose inner map escapes the critical section in one function
// (`add` writes `groups` after the unlock, a slip of its own) does not stop the
// outer field from counting as guarded: `add` takes the lock around the field
// itself, and that is its evidence. The cleanup then deletes from an inner map
// under the read lock.

type dispatcher struct {
	mtx    sync.RWMutex
	groups map[string]map[int]bool
}

func (d *dispatcher) add(route string, fp int) {
	d.mtx.Lock()
	groups, ok := d.groups[route]
	if !ok {
		groups = map[int]bool{}
		d.groups[route] = groups
	}
	d.mtx.Unlock()

	groups[fp] = true
}

func (d *dispatcher) count() int {
	d.mtx.RLock()
	defer d.mtx.RUnlock()
	n := 0
	for _, g := range d.groups {
		n += len(g)
	}
	return n
}

func (d *dispatcher) reset() {
	d.mtx.Lock()
	defer d.mtx.Unlock()
	d.groups = map[string]map[int]bool{}
}

func (d *dispatcher) cleanup() {
	d.mtx.RLock()
	for _, groups := range d.groups {
		for fp, live := range groups {
			if !live {
				delete(groups, fp) // want "map-write-under-rlock"
			}
		}
	}
	d.mtx.RUnlock()
}
