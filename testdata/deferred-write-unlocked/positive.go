package cases

import (
	"context"
	"errors"
	"log"
	"net"
	"sync"
	"time"
)

// Shape a: the unlock is registered after the delete, so it runs first.
// The guard of t.sessions is known from guards.go only.
func (t *SessionTable) Logout(id string, hook func(*Session)) {
	t.mu.Lock()
	defer delete(t.sessions, id) // want "deferred-write-unlocked"
	defer t.mu.Unlock()
	if s, ok := t.sessions[id]; ok {
		hook(s)
	}
}

// Shape b: the delete is deferred before the lock is taken.
func (t *SessionTable) Import(staging string, sessions []*Session) int {
	defer delete(t.sessions, staging) // want "deferred-write-unlocked"
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sessions[staging] = &Session{ID: staging, User: "import"}
	for _, s := range sessions {
		t.sessions[s.ID] = s
	}
	return len(t.sessions)
}

// Shape c: the write is locked, the deferred delete is not.
func (s *InflightSet) Serve(route string, handle func() error) error {
	s.mu.Lock()
	s.next++
	id := s.next
	s.reqs[id] = route
	s.mu.Unlock()
	defer delete(s.reqs, id) // want "deferred-write-unlocked"
	return handle()
}

// Shape d: the goroutine sits in the locked region but holds no lock.
func (t *SessionTable) Revoke(id string, notify func(*Session)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s, ok := t.sessions[id]
	if !ok {
		return
	}
	go func() {
		delete(t.sessions, id) // want "deferred-write-unlocked"
		notify(s)
	}()
}

// RWMutex variant of shape c: the write lock was released before the delete.
func (c *StatsCache) Recompute(key string, compute func() float64) float64 {
	c.mu.Lock()
	c.stats[key+".pending"] = 0
	c.mu.Unlock()
	defer delete(c.stats, key+".pending") // want "deferred-write-unlocked"
	v := compute()
	c.Store(key, v)
	return v
}

// TTLCache keeps each value for a fixed time after it was set.
type TTLCache struct {
	mu    sync.Mutex
	items map[string][]byte // guarded by mu
}

// Set stores v under key and removes it after ttl, on the timer's goroutine.
func (c *TTLCache) Set(key string, v []byte, ttl time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items[key] = v
	time.AfterFunc(ttl, func() {
		delete(c.items, key) // want "deferred-write-unlocked"
	})
}

// Broker fans events out to subscribers.
type Broker struct {
	mu   sync.Mutex
	subs map[string]chan<- string // protected by mu
}

// Subscribe registers ch for topic until ctx is done; the AfterFunc callback
// runs on its own goroutine.
func (b *Broker) Subscribe(ctx context.Context, topic string, ch chan<- string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.subs[topic] = ch
	context.AfterFunc(ctx, func() {
		delete(b.subs, topic) // want "deferred-write-unlocked"
	})
}

// Limiter counts requests per client in the current window.
type Limiter struct {
	mu     sync.Mutex
	counts map[string]int // +checklocks:mu
	limit  int
}

// Allow counts a request of client; a goroutine started in the locked region
// increments the burst counter without the lock.
func (l *Limiter) Allow(client string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.counts[client] >= l.limit {
		go func() {
			l.counts[client+".rejected"]++ // want "deferred-write-unlocked"
		}()
		return false
	}
	l.counts[client]++
	return true
}

// Window ends the counting window: it reads the counts under the lock and
// clears them at exit, after the lock is gone.
func (l *Limiter) Window(report func(map[string]int)) {
	l.mu.Lock()
	snapshot := make(map[string]int, len(l.counts))
	for c, n := range l.counts {
		snapshot[c] = n
	}
	l.mu.Unlock()
	defer clear(l.counts) // want "deferred-write-unlocked"
	report(snapshot)
}

// JobTable records the state of background jobs.
type JobTable struct {
	mu    sync.Mutex
	state map[string]string // guarded by mu
}

// Run runs job; its final state is recorded by a deferred closure that was
// registered before the lock, so it runs after the unlock.
func (j *JobTable) Run(id string, job func() error) error {
	defer func() { // want "deferred-write-unlocked"
		j.state[id] = "done"
		log.Printf("jobs: %s done", id)
	}()
	j.mu.Lock()
	defer j.mu.Unlock()
	j.state[id] = "running"
	return job()
}

// A map declared next to a package-level mutex and only accessed under it.
var (
	driversMu sync.Mutex
	drivers   = map[string]func(dsn string) (net.Conn, error){}
)

// RegisterDriver makes a driver available by name.
func RegisterDriver(name string, open func(dsn string) (net.Conn, error)) {
	driversMu.Lock()
	defer driversMu.Unlock()
	drivers[name] = open
}

// WithTestDriver registers a driver for the duration of fn.
func WithTestDriver(name string, open func(dsn string) (net.Conn, error), fn func()) {
	driversMu.Lock()
	drivers[name] = open
	driversMu.Unlock()
	defer delete(drivers, name) // want "deferred-write-unlocked"
	fn()
}

var ErrDialing = errors.New("dial in progress")

// DialPool keeps one connection per address and dials outside the lock.
type DialPool struct {
	mu      sync.Mutex
	conns   map[string]net.Conn // guarded by mu
	dialing map[string]bool     // guarded by mu
}

// Get holds the lock on the cached and success paths and not on the dial
// error path: the delete runs locked on some paths only (reported, no fix).
func (p *DialPool) Get(addr string) (net.Conn, error) {
	p.mu.Lock()
	locked := true
	defer func() {
		if locked {
			p.mu.Unlock()
		}
	}()
	if c, ok := p.conns[addr]; ok {
		return c, nil
	}
	if p.dialing[addr] {
		return nil, ErrDialing
	}
	p.dialing[addr] = true
	defer delete(p.dialing, addr) // want "deferred-write-unlocked"

	p.mu.Unlock()
	locked = false
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	locked = true
	p.conns[addr] = c
	return c, nil
}

// Router forwards requests and tracks the keys in flight.
type Router struct {
	aliases  map[string]string // read-only after construction
	send     func(key string, payload []byte) error
	mu       sync.Mutex
	inflight map[string]struct{} // guarded by mu
}

// Forward relays payload; key is rewritten after the defer, so the fix must
// pass the value at defer time to the closure.
func (r *Router) Forward(key string, payload []byte) error {
	r.mu.Lock()
	r.inflight[key] = struct{}{}
	r.mu.Unlock()
	defer delete(r.inflight, key) // want "deferred-write-unlocked"

	if canonical, ok := r.aliases[key]; ok {
		key = canonical
	}
	return r.send(key, payload)
}
