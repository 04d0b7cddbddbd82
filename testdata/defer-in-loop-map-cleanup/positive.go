package cases

import (
	"bufio"
	"context"
	"log"
	"net"
	"strings"
	"sync"
	"time"
)

type Job struct {
	ID      string
	Payload []byte
}

// Worker processes jobs and shows the ones in progress on a status page.
type Worker struct {
	mu     sync.Mutex
	active map[string]*Job   // guarded by mu
	state  map[string]string // guarded by mu
	last   map[string][]byte // owned by Run
	handle func(*Job) error
}

// Run drains the channel; each job's removal waits until Run returns.
func (w *Worker) Run(jobs <-chan *Job) {
	for job := range jobs {
		w.mu.Lock()
		w.active[job.ID] = job
		w.mu.Unlock()
		defer func() { // want "defer-in-loop-map-cleanup"
			w.mu.Lock()
			delete(w.active, job.ID)
			w.mu.Unlock()
		}()

		if err := w.handle(job); err != nil {
			log.Printf("job %s: %v", job.ID, err)
		}
	}
}

// Replayer re-applies journal entries; one goroutine owns it.
type Replayer struct {
	pending map[string]string
	apply   func(id, op string)
}

// Replay marks each entry pending while it is applied, until the whole
// journal is done.
func (r *Replayer) Replay(sc *bufio.Scanner) error {
	for sc.Scan() {
		id, op, _ := strings.Cut(sc.Text(), " ")
		r.pending[id] = op
		defer delete(r.pending, id) // want "defer-in-loop-map-cleanup"
		r.apply(id, op)
	}
	return sc.Err()
}

// Server tracks its open connections so that Shutdown can close them.
type Server struct {
	mu     sync.Mutex
	conns  map[net.Conn]struct{} // guarded by mu
	handle func(net.Conn)
}

// Serve: the body returns, so the finding has no fix.
func (s *Server) Serve(ln net.Listener) error {
	for {
		conn, err := ln.Accept()
		if err != nil {
			return err
		}
		s.mu.Lock()
		s.conns[conn] = struct{}{}
		s.mu.Unlock()
		defer func() { // want "defer-in-loop-map-cleanup"
			s.mu.Lock()
			delete(s.conns, conn)
			s.mu.Unlock()
		}()
		go s.handle(conn)
	}
}

// Poll runs until ctx is done; the deferred overwrite of each job's state
// piles up with every tick.
func (w *Worker) Poll(ctx context.Context, next func() *Job) {
	for ctx.Err() == nil {
		job := next()
		w.mu.Lock()
		w.state[job.ID] = "running"
		w.mu.Unlock()
		defer func() { // want "defer-in-loop-map-cleanup"
			w.mu.Lock()
			w.state[job.ID] = "idle"
			w.mu.Unlock()
		}()
		if err := w.handle(job); err != nil {
			log.Printf("job %s: %v", job.ID, err)
		}
		time.Sleep(time.Second)
	}
}

// Batch collects payloads per job and flushes them; the deferred clear only
// runs when Batch returns, one per iteration. Batch is exported and never takes
// w.mu, which guards w.last: the clear also runs unlocked.
func (w *Worker) Batch(jobs <-chan *Job, flush func(map[string][]byte)) {
	for job := range jobs {
		w.last[job.ID] = job.Payload
		defer clear(w.last) // want "defer-in-loop-map-cleanup" "deferred-write-unlocked"
		flush(w.last)
	}
}

// Listen uses a select loop with a break to a label: no fix.
func (s *Server) Listen(ctx context.Context, conns <-chan net.Conn) {
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case c := <-conns:
			s.mu.Lock()
			s.conns[c] = struct{}{}
			s.mu.Unlock()
			defer func() { // want "defer-in-loop-map-cleanup"
				s.mu.Lock()
				delete(s.conns, c)
				s.mu.Unlock()
			}()
			go s.handle(c)
		}
	}
}

// Consume ranges over a channel it makes itself: the loop ends only when the feed
// closes, so the deferred deletes pile up until then.
func (r *Replayer) Consume(lines []string) {
	feed := make(chan string)
	go func() {
		for _, l := range lines {
			feed <- l
		}
		close(feed)
	}()
	for id := range feed {
		r.pending[id] = "seen"
		defer delete(r.pending, id) // want "defer-in-loop-map-cleanup"
	}
}
