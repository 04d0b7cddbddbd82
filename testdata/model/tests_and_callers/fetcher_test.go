package model

import "testing"

func TestFetch(t *testing.T) {
	s, cleanup := newServer()
	defer cleanup()
	s.fetcher.mark("a")
	defer delete(s.fetcher.inflight, "a")
	s.fetcher.Fetch("b")
}
