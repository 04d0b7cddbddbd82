package cases

import (
	"bufio"
	"bytes"
	"encoding/json"
	"log"
	"net"
	"os"
	"strings"
	"sync"
	"time"
)

// ReplayEach already runs the body in a function literal per iteration.
func (r *Replayer) ReplayEach(sc *bufio.Scanner) error {
	for sc.Scan() {
		func() {
			id, op, _ := strings.Cut(sc.Text(), " ")
			r.pending[id] = op
			defer delete(r.pending, id)
			r.apply(id, op)
		}()
	}
	return sc.Err()
}

// ServeEach defers the cleanup in the goroutine started per connection.
func (s *Server) ServeEach(ln net.Listener) error {
	for {
		conn, err := ln.Accept()
		if err != nil {
			return err
		}
		s.mu.Lock()
		s.conns[conn] = struct{}{}
		s.mu.Unlock()
		go func() {
			defer func() {
				s.mu.Lock()
				delete(s.conns, conn)
				s.mu.Unlock()
			}()
			s.handle(conn)
		}()
	}
}

// LoadConfigs defers Close in a loop; that is not a map write.
func LoadConfigs(paths []string) (map[string]map[string]any, error) {
	out := make(map[string]map[string]any)
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		var cfg map[string]any
		if err := json.NewDecoder(f).Decode(&cfg); err != nil {
			return nil, err
		}
		out[p] = cfg
	}
	return out, nil
}

// Uploader sends batches and tracks the batch in flight per tenant.
type Uploader struct {
	mu       sync.Mutex
	inflight map[string]int // guarded by mu
	send     func(tenant string, item []byte) error
}

// Upload defers one cleanup after the loop, for the whole call.
func (u *Uploader) Upload(tenant string, items [][]byte) error {
	u.mu.Lock()
	u.inflight[tenant] = len(items)
	u.mu.Unlock()
	defer func() {
		u.mu.Lock()
		delete(u.inflight, tenant)
		u.mu.Unlock()
	}()
	for _, item := range items {
		if err := u.send(tenant, item); err != nil {
			return err
		}
	}
	return nil
}

// RunEach calls a method whose defer runs when each call returns.
func (w *Worker) RunEach(jobs <-chan *Job) {
	for job := range jobs {
		w.process(job)
	}
}

func (w *Worker) process(job *Job) {
	w.mu.Lock()
	w.active[job.ID] = job
	w.mu.Unlock()
	defer func() {
		w.mu.Lock()
		delete(w.active, job.ID)
		w.mu.Unlock()
	}()
	if err := w.handle(job); err != nil {
		log.Printf("job %s: %v", job.ID, err)
	}
}

// RunInline deletes at the end of each iteration without defer.
func (w *Worker) RunInline(jobs <-chan *Job) {
	for job := range jobs {
		w.mu.Lock()
		w.active[job.ID] = job
		w.mu.Unlock()
		err := w.handle(job)
		w.mu.Lock()
		delete(w.active, job.ID)
		w.mu.Unlock()
		if err != nil {
			log.Printf("job %s: %v", job.ID, err)
		}
	}
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Encode returns each buffer to the pool per iteration, inside a literal.
func Encode(records <-chan map[string]string, emit func([]byte)) {
	for rec := range records {
		func() {
			buf := bufPool.Get().(*bytes.Buffer)
			buf.Reset()
			defer bufPool.Put(buf)
			if err := json.NewEncoder(buf).Encode(rec); err == nil {
				emit(buf.Bytes())
			}
		}()
	}
}

// Tick stops its ticker with a defer before the loop and deletes stale
// entries in the loop without defer.
func (w *Worker) Tick(done <-chan struct{}, maxAge time.Duration, seen map[string]time.Time) {
	t := time.NewTicker(maxAge)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case now := <-t.C:
			for id, at := range seen {
				if now.Sub(at) > maxAge {
					delete(seen, id)
				}
			}
		}
	}
}

// MarkBatch holds every key of a bounded batch until it returns; the slice's name
// sounds like a channel, but it is a slice, so the loop is bounded and may mean it.
func MarkBatch(held map[string]bool, line string, work func()) {
	batch := strings.Fields(line)
	for _, key := range batch {
		held[key] = true
		defer delete(held, key)
	}
	work()
}
