package sessions

import (
	"sync"
	"time"
)

type bucket struct {
	tokens int
	last   time.Time
}

// Limiter allows Burst requests per client and refills one token per Every.
// Reads take the read lock, writes the write lock.
type Limiter struct {
	mu      sync.RWMutex
	buckets map[string]*bucket
	Burst   int
	Every   time.Duration
	Idle    time.Duration
}

// NewLimiter returns a limiter with the given burst and refill interval.
func NewLimiter(burst int, every, idle time.Duration) *Limiter {
	return &Limiter{buckets: make(map[string]*bucket), Burst: burst, Every: every, Idle: idle}
}

// Allow takes a token for client, refilling its bucket first.
func (l *Limiter) Allow(client string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[client]
	if !ok {
		b = &bucket{tokens: l.Burst, last: now}
		l.buckets[client] = b
	}
	if l.Every > 0 {
		refill := int(now.Sub(b.last) / l.Every)
		b.tokens = min(l.Burst, b.tokens+refill)
		b.last = b.last.Add(time.Duration(refill) * l.Every)
	}
	if b.tokens == 0 {
		return false
	}
	b.tokens--
	return true
}

// Remaining reports the tokens client has left. Safe: a read under RLock.
func (l *Limiter) Remaining(client string) (int, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	b, ok := l.buckets[client]
	if !ok {
		return 0, false
	}
	return b.tokens, true
}

// Forget drops client's bucket if it has been idle for l.Idle.
func (l *Limiter) Forget(client string, now time.Time) bool {
	l.mu.RLock()
	defer l.mu.RUnlock()
	b, ok := l.buckets[client]
	if !ok || now.Sub(b.last) < l.Idle {
		return false
	}
	// Hazard: RLock admits other readers, so this write races with Remaining (and any other Forget).
	delete(l.buckets, client) // want "map-write-under-rlock"
	return true
}
