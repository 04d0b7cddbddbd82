// What test files say and do not say about a package: a test starts with no locks
// held, the first result of a call types its variable, and a test that calls a
// helper on its own value does not break the helper's caller fact.
package model

import "sync"

type fetcher struct {
	mu       sync.Mutex
	inflight map[string]bool
}

type server struct {
	fetcher *fetcher
}

func newServer() (*server, func()) {
	s := &server{fetcher: &fetcher{inflight: map[string]bool{}}}
	return s, func() {}
}

func (f *fetcher) Fetch(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mark(id)
}

func (f *fetcher) mark(id string) {
	f.inflight[id] = true
}
