package cases

import (
	"sync"
	"time"
)

// Generic types: methods of `Index[T]` are modeled like any other methods, and so
// are generic functions taking an `*Index[T]`.

type Index[T any] struct {
	mu   sync.Mutex
	byID map[string]T
}

func NewIndex[T any]() *Index[T] {
	return &Index[T]{byID: make(map[string]T)}
}

func (x *Index[T]) Put(id string, v T) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.byID[id] = v
}

func (x *Index[T]) Get(id string) (T, bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	v, ok := x.byID[id]
	return v, ok
}

func (x *Index[T]) Len() int {
	x.mu.Lock()
	defer x.mu.Unlock()
	return len(x.byID)
}

// Expire drops the entry later, on a timer that holds no lock.
func (x *Index[T]) Expire(id string, after time.Duration) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if _, ok := x.byID[id]; !ok {
		return
	}
	time.AfterFunc(after, func() {
		delete(x.byID, id) // want "deferred-write-unlocked"
	})
}

// Drop takes the lock in the timer callback: silent.
func (x *Index[T]) Drop(id string, after time.Duration) {
	time.AfterFunc(after, func() {
		x.mu.Lock()
		defer x.mu.Unlock()
		delete(x.byID, id)
	})
}

type Cache[K comparable, V any] struct {
	mu      sync.Mutex
	entries map[K]V
}

func (c *Cache[K, V]) Put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[k] = v
}

func (c *Cache[K, V]) Get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.entries[k]
	return v, ok
}

func (c *Cache[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// Evict drops the entry on a goroutine of its own, in a generic function.
func Evict[K comparable, V any](c *Cache[K, V], k K) {
	go func() {
		delete(c.entries, k) // want "deferred-write-unlocked"
	}()
}
