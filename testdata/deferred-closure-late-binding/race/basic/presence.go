// Package presence is a race-detector proof module for the defuse rule
// deferred-closure-late-binding. The hazard is a wrong result, not a race.
//
// Hazard: Rename defers a closure that releases the old name with
// "delete(d.conns, name)", then reassigns name = newName and registers the
// connection under it. The closure reads name only when it runs, at exit, so it
// deletes the entry Rename just made under the new name and never releases the
// old one: every renamed user drops out of the directory, and old names stay
// taken for good.
//
// Fix (deferred-closure-late-binding, review): the closure body is more than the
// delete call, so the closure takes name as a parameter, evaluated at defer time:
//
//	defer func(name string) {
//		d.mu.Lock()
//		defer d.mu.Unlock()
//		delete(d.conns, name)
//	}(name)
package presence

import (
	"errors"
	"fmt"
	"sync"
)

// ErrTaken is returned when a name belongs to another connection.
var ErrTaken = errors.New("presence: name taken")

// Directory maps user names to connection IDs.
type Directory struct {
	mu    sync.Mutex
	conns map[string]string // guarded by mu
}

// New returns an empty directory.
func New() *Directory {
	return &Directory{conns: make(map[string]string)}
}

// Claim registers conn under name.
func (d *Directory) Claim(name, conn string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.conns[name]; ok {
		return fmt.Errorf("claim %q: %w", name, ErrTaken)
	}
	d.conns[name] = conn
	return nil
}

// Lookup returns the connection registered under name.
func (d *Directory) Lookup(name string) (string, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	conn, ok := d.conns[name]
	return conn, ok
}

// Len returns the number of registered names.
func (d *Directory) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.conns)
}

// Rename moves the connection of name to newName and announces the change. The
// old name stays registered until the announcement is done, so that contacts
// can still resolve it meanwhile; it is released when Rename returns.
func (d *Directory) Rename(name, newName string, announce func(from, to string)) error {
	conn, ok := d.Lookup(name)
	if !ok {
		return fmt.Errorf("rename %q: no such user", name)
	}
	defer func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		delete(d.conns, name)
	}()

	from := name
	name = newName
	d.mu.Lock()
	d.conns[name] = conn
	d.mu.Unlock()
	announce(from, name)
	return nil
}
