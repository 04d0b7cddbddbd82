// Package facts spreads what a finding rests on over many files: the lazy analysis,
// which models only the functions that can matter, must see the same facts as the
// analysis of every file (tests/prefilter.rs). Each case says which file decides it.
package facts

import "sync"

type Registry struct {
	mu    sync.Mutex
	items map[string]int
	owner *Owner
}

type Owner struct {
	mu    sync.RWMutex
	names map[string]string
}

type Cache struct {
	sync.RWMutex
	hits map[string]int
}

var (
	tableMu sync.Mutex
	table   = map[string]bool{}
)
