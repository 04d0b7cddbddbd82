package cases

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log"
)

var ErrCorrupt = errors.New("checksum mismatch")

// Store keeps build artifacts by name; one build goroutine owns it.
type Store struct {
	blobs map[string][]byte
}

// Put stages data, verifies it and publishes it under name; on success the
// deferred closure deletes the published artifact instead of the staging one.
func (s *Store) Put(name string, data []byte, sum string) error {
	key := name + ".partial"
	s.blobs[key] = data
	defer func() { // want "deferred-closure-late-binding"
		delete(s.blobs, key)
	}()

	h := sha256.Sum256(data)
	if hex.EncodeToString(h[:]) != sum {
		return ErrCorrupt
	}
	key = name
	s.blobs[key] = data
	return nil
}

// Directory maps user names to connection IDs; the hub goroutine owns it.
type Directory struct {
	conns map[string]string
	log   *log.Logger
}

// Rename moves a connection to newName; the deferred release hits the new name.
func (d *Directory) Rename(name, newName string, announce func(from, to string)) {
	conn, ok := d.conns[name]
	if !ok {
		return
	}
	defer func() { // want "deferred-closure-late-binding"
		delete(d.conns, name)
		d.log.Printf("released %q", name)
	}()

	from := name
	name = newName
	d.conns[name] = conn
	announce(from, name)
}

type Job struct {
	ID  string
	Run func() error
}

// Scheduler runs jobs from its loop goroutine and retries failed ones.
type Scheduler struct {
	running int
	delayed map[string]*Job
}

// attempt runs j; a failed job moves to the delayed set through the same
// variable, and the deferred cleanup then deletes it from there.
func (s *Scheduler) attempt(queue map[string]*Job, j *Job) error {
	queue[j.ID] = j
	s.running++
	defer func() { // want "deferred-closure-late-binding"
		delete(queue, j.ID)
		s.running--
	}()

	err := j.Run()
	if err != nil {
		queue = s.delayed
		queue[j.ID] = j
	}
	return err
}

// Slots tracks which worker slots are busy; one goroutine owns it.
type Slots struct {
	state map[int]string
}

// Handoff moves the work from slot to next; the deferred overwrite marks the
// new slot idle and leaves the old one busy.
func (s *Slots) Handoff(slot, next int, work func(int)) {
	s.state[slot] = "busy"
	defer func() { // want "deferred-closure-late-binding"
		s.state[slot] = "idle"
	}()
	work(slot)
	slot = next
	s.state[slot] = "busy"
	work(slot)
}

// Walk follows parent links from start, marking each node as on the path; the
// deferred unmark removes the last node instead of start.
func Walk(parent map[string]string, onPath map[string]bool, start string) []string {
	cur := start
	onPath[cur] = true
	defer func() { // want "deferred-closure-late-binding"
		delete(onPath, cur)
	}()
	path := []string{cur}
	for parent[cur] != "" && !onPath[parent[cur]] {
		cur = parent[cur]
		onPath[cur] = true
		path = append(path, cur)
	}
	return path
}
