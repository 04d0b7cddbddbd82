package sessions

import "log"

type event struct {
	conn string
	user string
}

// Hub tracks websocket connections. Only the hub goroutine touches its maps,
// so they need no lock.
type Hub struct {
	active map[string]string // connection ID -> user
	names  map[string]string // display name -> connection ID
	log    *log.Logger
	notify func(event)
}

// run serves hub events until the process exits.
func (h *Hub) run(events <-chan event) {
	for {
		ev := <-events
		h.active[ev.conn] = ev.user
		// Hazard: defers run when run returns, which is never; each event leaks an entry and a deferred call.
		defer delete(h.active, ev.conn) // want "defer-in-loop-map-cleanup"
		h.notify(ev)
	}
}

// Rename moves a connection from name to newName.
func (h *Hub) Rename(name, newName string) bool {
	conn, ok := h.names[name]
	if !ok {
		return false
	}
	// Hazard: the closure reads name at exit, after it became newName, so it deletes the new entry.
	defer func() { // want "deferred-closure-late-binding"
		delete(h.names, name)
		h.log.Printf("released name %q", name)
	}()
	name = newName
	h.names[name] = conn
	return true
}
