// Package index is a generic in-memory index whose entries expire on a timer.
package index

import (
	"sync"
	"time"
)

// Index maps IDs to values of any type.
type Index[T any] struct {
	mu   sync.Mutex
	byID map[string]T
}

// New returns an empty index.
func New[T any]() *Index[T] {
	return &Index[T]{byID: make(map[string]T)}
}

// Put stores v under id.
func (x *Index[T]) Put(id string, v T) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.byID[id] = v
}

// Get returns the value under id.
func (x *Index[T]) Get(id string) (T, bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	v, ok := x.byID[id]
	return v, ok
}

// Len returns how many entries the index holds.
func (x *Index[T]) Len() int {
	x.mu.Lock()
	defer x.mu.Unlock()
	return len(x.byID)
}

// Expire drops the entry under id after the given time.
func (x *Index[T]) Expire(id string, after time.Duration) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if _, ok := x.byID[id]; !ok {
		return
	}
	time.AfterFunc(after, func() {
		delete(x.byID, id)
	})
}
