package cases

import (
	"sync"
	"time"
)

// A later write one call away: a deferred call, or a goroutine, that calls a helper
// writing the guarded map without the lock.

type Inflight struct {
	mu    sync.Mutex
	calls map[string]time.Time
}

func (i *Inflight) Start(k string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.calls[k] = time.Now()
}

func (i *Inflight) Running(k string) bool {
	i.mu.Lock()
	defer i.mu.Unlock()
	_, ok := i.calls[k]
	return ok
}

func (i *Inflight) Cancel(k string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.forget(k)
}

// forget must be called with i.mu held.
func (i *Inflight) forget(k string) {
	delete(i.calls, k)
}

// Do runs fn for k, and forgets k after the unlock: the deferred call runs last.
func (i *Inflight) Do(k string, fn func()) {
	i.mu.Lock()
	defer i.forget(k) // want "deferred-write-unlocked"
	defer i.mu.Unlock()
	i.calls[k] = time.Now()
	fn()
}

// drop forgets k and returns how to put it back; must be called with i.mu held.
func (i *Inflight) drop(k string) func() {
	t := i.calls[k]
	delete(i.calls, k)
	return func() { i.calls[k] = t }
}

// Abort drops k after the unlock. A helper whose result is a function writes all the
// same: the `func` of its result type starts no declaration.
func (i *Inflight) Abort(k string) {
	i.mu.Lock()
	defer i.drop(k) // want "deferred-write-unlocked"
	defer i.mu.Unlock()
	i.calls[k] = time.Now()
}

// expire forgets k through sweep: the delete is three calls below a call of expire,
// as deep as the summaries of what calls write go.
func (i *Inflight) expire(k string) {
	i.sweep(k)
}

func (i *Inflight) sweep(k string) {
	i.forget(k)
}

// Flush expires k after the unlock.
func (i *Inflight) Flush(k string) {
	i.mu.Lock()
	defer i.expire(k) // want "deferred-write-unlocked"
	defer i.mu.Unlock()
	i.calls[k] = time.Now()
}

// Expire forgets k in the background, where nothing holds i.mu.
func (i *Inflight) Expire(k string, after time.Duration) {
	time.AfterFunc(after, func() {
		i.forget(k) // want "deferred-write-unlocked"
	})
}

// ---- look-alikes that stay silent ----

// Finish forgets k in the background, taking the lock first.
func (i *Inflight) Finish(k string) {
	go func() {
		i.mu.Lock()
		defer i.mu.Unlock()
		i.forget(k)
	}()
}

// Run uses a local closure to lock: the deferred delete runs under it.
func (i *Inflight) Run(k string) {
	lock := func() { i.mu.Lock() }
	unlock := func() { i.mu.Unlock() }
	lock()
	defer unlock()
	defer delete(i.calls, k)
}
