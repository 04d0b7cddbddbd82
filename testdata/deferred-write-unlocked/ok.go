package cases

import (
	"bytes"
	"fmt"
	"log"
	"os"
	"sync"
	"time"
)

// The delete is registered after the unlock, runs first, under the lock.
func (t *SessionTable) Remove(id string, hook func(*Session)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	defer delete(t.sessions, id)
	if s, ok := t.sessions[id]; ok {
		hook(s)
	}
}

// The deferred closure takes the lock itself.
func (s *InflightSet) Track(route string, handle func() error) error {
	s.mu.Lock()
	s.next++
	id := s.next
	s.reqs[id] = route
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		delete(s.reqs, id)
	}()
	return handle()
}

// A goroutine and a timer callback that lock for themselves.
func (t *SessionTable) Schedule(s *Session) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sessions[s.ID] = s
	time.AfterFunc(time.Until(s.Expires), func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		delete(t.sessions, s.ID)
	})
	go func() {
		t.mu.Lock()
		t.sessions[s.ID+".audit"] = s
		t.mu.Unlock()
	}()
}

// ExpireAll calls a ...Locked method while holding the lock.
func (t *SessionTable) ExpireAll(now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for id, s := range t.sessions {
		if now.After(s.Expires) {
			t.endLocked(id)
		}
	}
}

// endLocked runs with t.mu held by its caller.
func (t *SessionTable) endLocked(id string) {
	defer delete(t.sessions, id)
	log.Printf("session %s ended", id)
}

// drop forgets the request id.
// s.mu must be held.
func (s *InflightSet) drop(id uint64) {
	defer delete(s.reqs, id)
	log.Printf("request %d dropped", id)
}

// DropAll drops every request of route.
func (s *InflightSet) DropAll(route string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, r := range s.reqs {
		if r == route {
			s.drop(id)
		}
	}
}

// forget is only called with t.mu held (by Purge below).
func (t *SessionTable) forget(id string) {
	defer delete(t.sessions, id)
	log.Printf("session %s forgotten", id)
}

// Purge removes every session of user.
func (t *SessionTable) Purge(user string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for id, s := range t.sessions {
		if s.User == user {
			t.forget(id)
		}
	}
}

// Package graph: a recursion guard on a local map.
type Package struct {
	Path    string
	Imports []string
}

// Resolver resolves import graphs under a lock.
type Resolver struct {
	mu   sync.Mutex
	pkgs map[string]*Package // guarded by mu
}

// CheckCycles reports an import cycle reachable from root.
func (r *Resolver) CheckCycles(root string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	onStack := make(map[string]bool)
	var visit func(path string) error
	visit = func(path string) error {
		if onStack[path] {
			return fmt.Errorf("import cycle through %s", path)
		}
		onStack[path] = true
		defer delete(onStack, path)
		if p := r.pkgs[path]; p != nil {
			for _, imp := range p.Imports {
				if err := visit(imp); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return visit(root)
}

// Flush: delete on a nil map is a no-op.
func (c *StatsCache) Flush(emit func(map[string]float64)) {
	var skipped map[string]float64
	defer delete(skipped, "flush")
	c.mu.Lock()
	defer c.mu.Unlock()
	emit(c.stats)
}

// Parser is used by one goroutine; its mutex guards only the error count that
// other goroutines read.
type Parser struct {
	mu     sync.Mutex
	errors int // guarded by mu

	scopes map[string]int // owned by the parsing goroutine
}

// enter opens a scope and closes it when the block is parsed.
func (p *Parser) enter(name string, parse func() error) error {
	p.scopes[name]++
	defer delete(p.scopes, name)
	if err := parse(); err != nil {
		p.mu.Lock()
		p.errors++
		p.mu.Unlock()
		return err
	}
	return nil
}

// A map borrowed from a sync.Pool, cleared and returned at exit, and a buffer
// returned with defer pool.Put(buf).
var (
	labelPool = sync.Pool{New: func() any { return make(map[string]string) }}
	bufPool   = sync.Pool{New: func() any { return new(bytes.Buffer) }}
)

// Encoder counts the metrics it encoded.
type Encoder struct {
	mu      sync.Mutex
	encoded int
}

// Encode renders one metric line.
func (e *Encoder) Encode(name string, kv ...string) string {
	labels := labelPool.Get().(map[string]string)
	defer func() {
		clear(labels)
		labelPool.Put(labels)
	}()
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	for i := 0; i+1 < len(kv); i += 2 {
		labels[kv[i]] = kv[i+1]
	}
	fmt.Fprintf(buf, "%s %v", name, labels)
	e.mu.Lock()
	e.encoded++
	e.mu.Unlock()
	return buf.String()
}

// Deferred read-only range for metrics, running before the unlock.
func (c *StatsCache) Report(threshold float64) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	defer func() {
		for k, v := range c.stats {
			if v > threshold {
				log.Printf("stat %s = %.2f", k, v)
			}
		}
	}()
	log.Printf("%d stats cached", len(c.stats))
}

// The usual defers: unlock and close.
func (c *StatsCache) Save(path string) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	for k, v := range c.stats {
		if _, err := fmt.Fprintf(f, "%s\t%g\n", k, v); err != nil {
			return err
		}
	}
	return nil
}

// A map passed as an argument has no known guard.
func (s *InflightSet) CopyTo(dst map[uint64]string, skip uint64) {
	defer delete(dst, skip)
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, r := range s.reqs {
		dst[id] = r
	}
}
