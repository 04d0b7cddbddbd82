// Package fetch starts one request per id and remembers which are in flight, under
// f.mu. Its test pokes the in-flight set directly, and its deferred cleanup deletes
// from it without f.mu while the requests Fetch started are still finishing: the
// shape of nomad's TestStatsFetcher before its fix.
package fetch

import (
	"sync"
	"time"
)

type Fetcher struct {
	mu       sync.Mutex
	inflight map[string]struct{}
	running  sync.WaitGroup
}

func New() *Fetcher {
	return &Fetcher{inflight: make(map[string]struct{})}
}

// Fetch starts a request for every id not already in flight and returns those.
func (f *Fetcher) Fetch(ids []string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var started []string
	for _, id := range ids {
		if _, ok := f.inflight[id]; ok {
			continue
		}
		f.inflight[id] = struct{}{}
		started = append(started, id)
		f.running.Add(1)
		go f.fetch(id)
	}
	return started
}

func (f *Fetcher) fetch(id string) {
	defer f.running.Done()
	time.Sleep(time.Millisecond) // the request
	f.mu.Lock()
	delete(f.inflight, id)
	f.mu.Unlock()
}

// Wait returns when every request started has finished.
func (f *Fetcher) Wait() {
	f.running.Wait()
}
