package sessions

import "sync"

type call struct {
	done chan struct{}
	sess *Session
	err  error
}

// Group collapses concurrent lookups of the same session ID into one call.
type Group struct {
	mu    sync.Mutex
	calls map[string]*call // guarded by mu
}

// Do runs load once per ID at a time; concurrent callers for the same ID wait
// for the first one and share its result.
func (g *Group) Do(id string, load func(string) (*Session, error)) (*Session, error) {
	g.mu.Lock()
	if g.calls == nil {
		g.calls = make(map[string]*call)
	}
	if c, ok := g.calls[id]; ok {
		g.mu.Unlock()
		<-c.done
		return c.sess, c.err
	}
	c := &call{done: make(chan struct{})}
	g.calls[id] = c
	g.mu.Unlock()

	// Safe: the deferred closure takes the lock itself before it deletes.
	defer func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		delete(g.calls, id)
	}()
	c.sess, c.err = load(id)
	close(c.done)
	return c.sess, c.err
}
