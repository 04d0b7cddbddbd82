package cases

import (
	"errors"
	"fmt"
	"log"
	"strings"
)

// Cache is owned by one goroutine.
type Cache struct {
	entries map[string][]byte
	fetch   func(string) ([]byte, error)
}

// Load keeps the entry only if the fetch succeeded: the named result err is
// read at exit on purpose.
func (c *Cache) Load(key string) (v []byte, err error) {
	c.entries[key] = nil
	defer func() {
		if err != nil {
			delete(c.entries, key)
		}
	}()
	v, err = c.fetch(key)
	if err != nil {
		return nil, err
	}
	c.entries[key] = v
	return v, nil
}

var ErrExhausted = errors.New("no free port")

// Ports hands out ports; one goroutine owns it.
type Ports struct {
	next, max int
	used      map[int]string
}

// Reserve: port is a named result, assigned after the defer on purpose.
func (p *Ports) Reserve(owner string, probe func(int) error) (port int, err error) {
	defer func() {
		if err != nil {
			delete(p.used, port)
		}
	}()
	if p.next > p.max {
		return 0, ErrExhausted
	}
	port = p.next
	p.next++
	p.used[port] = owner
	if err = probe(port); err != nil {
		return port, fmt.Errorf("probe %d: %w", port, err)
	}
	return port, nil
}

// Publish passes the staging key to the closure as an argument.
func (s *Store) Publish(name string, data []byte) {
	key := name + ".partial"
	s.blobs[key] = data
	defer func(staged string) {
		delete(s.blobs, staged)
	}(key)
	key = name
	s.blobs[key] = data
}

// Promote defers the delete call itself: its operands are evaluated now.
func (s *Store) Promote(name string, data []byte) {
	key := name + ".partial"
	s.blobs[key] = data
	defer delete(s.blobs, key)
	key = name
	s.blobs[key] = data
}

// Serve never reassigns the key.
func (d *Directory) Serve(name, conn string, handle func() error) error {
	d.conns[name] = conn
	defer func() {
		delete(d.conns, name)
		d.log.Printf("%s disconnected", name)
	}()
	return handle()
}

// Consumer checkpoints the offset reached per partition.
type Consumer struct {
	checkpoints map[string]int64
}

// Drain: the deferred write wants the latest offset; no write under a new key
// follows the reassignment.
func (c *Consumer) Drain(partition string, start int64, next func(int64) (int64, bool)) {
	offset := start
	defer func() {
		c.checkpoints[partition] = offset
	}()
	for {
		n, ok := next(offset)
		if !ok {
			return
		}
		offset = n
	}
}

// Runner runs named jobs one at a time.
type Runner struct {
	running map[string]bool
	failed  map[string]error
}

// Run records the failure in err, whose final value is meant.
func (r *Runner) Run(name string, job func() error) error {
	r.running[name] = true
	var err error
	defer func() {
		delete(r.running, name)
		if err != nil {
			r.failed[name] = err
		}
	}()
	err = job()
	return err
}

// Lock normalizes the key before the defer, never after it.
func (s *Store) Lock(key string, use func(string)) {
	key = strings.ToLower(strings.TrimPrefix(key, "/"))
	s.blobs[key+".lock"] = nil
	defer func() {
		delete(s.blobs, key+".lock")
	}()
	use(key)
}

// Trace reads the map in the deferred closure; it writes nothing.
func (d *Directory) Trace(name, alias string) {
	defer func() {
		log.Printf("%s -> %s", name, d.conns[name])
	}()
	name = alias
	d.conns[name] = "pending"
}
