package cases

import (
	"log"
	"net"
	"time"
)

// Sweep waits a fixed time instead of joining; slow probes still write
// answered while the deferred closure ranges over it.
func Sweep(hosts []string, deadline time.Duration) {
	answered := make(map[string]time.Duration)
	defer func() { // want "deferred-map-shared-with-goroutine"
		for host, rtt := range answered {
			log.Printf("%s answered in %v", host, rtt)
		}
	}()
	for _, host := range hosts {
		go func() {
			start := time.Now()
			conn, err := net.DialTimeout("tcp", host, deadline)
			if err != nil {
				return
			}
			conn.Close()
			answered[host] = time.Since(start) // want "deferred-map-shared-with-goroutine"
		}()
	}
	time.Sleep(deadline)
}

// Warm reads len(loaded) at exit while loads may still be running (no fix:
// len has no sync.Map counterpart).
func Warm(keys []string, load func(string) []byte, budget time.Duration) {
	loaded := make(map[string]int)
	defer func() { // want "deferred-map-shared-with-goroutine"
		log.Printf("%d of %d keys loaded", len(loaded), len(keys))
	}()
	for _, k := range keys {
		go func() {
			loaded[k] = len(load(k)) // want "deferred-map-shared-with-goroutine"
		}()
	}
	time.Sleep(budget)
}

// Monitor remembers when each peer last answered a ping.
type Monitor struct {
	lastSeen map[string]time.Time
	ping     func(peer string) error
}

// Refresh pings in the background and logs the stale peers at exit (no fix:
// the map is a field).
func (m *Monitor) Refresh(peers []string, stale time.Duration) {
	defer func() { // want "deferred-map-shared-with-goroutine"
		for peer, at := range m.lastSeen {
			if time.Since(at) > stale {
				log.Printf("%s is stale", peer)
			}
		}
	}()
	for _, p := range peers {
		go func() {
			if m.ping(p) == nil {
				m.lastSeen[p] = time.Now() // want "deferred-map-shared-with-goroutine"
			}
		}()
	}
}

// Prefetch releases its buffers with a deferred clear while fetches may
// still be storing into the map.
func Prefetch(keys []string, fetch func(string) []byte, use func(map[string][]byte), budget time.Duration) {
	bufs := make(map[string][]byte)
	defer clear(bufs) // want "deferred-map-shared-with-goroutine"
	for _, k := range keys {
		go func(key string) {
			bufs[key] = fetch(key) // want "deferred-map-shared-with-goroutine"
		}(k)
	}
	time.Sleep(budget)
	use(bufs)
}

// Elect asks every candidate in the background and, at exit, logs the vote
// of the primary if it arrived; the comma-ok read races with the writers.
func Elect(candidates []string, primary string, ask func(string) bool, budget time.Duration) {
	votes := make(map[string]bool)
	defer func() { // want "deferred-map-shared-with-goroutine"
		if v, ok := votes[primary]; ok {
			log.Printf("primary voted %v", v)
		}
	}()
	for _, c := range candidates {
		go func() {
			votes[c] = ask(c) // want "deferred-map-shared-with-goroutine"
		}()
	}
	time.Sleep(budget)
}

// Drain deletes the sentinel at exit while workers may still be marking
// their keys done.
func Drain(keys []string, work func(string), budget time.Duration) {
	done := make(map[string]bool)
	done["_start"] = true
	defer delete(done, "_start") // want "deferred-map-shared-with-goroutine"
	for _, k := range keys {
		go func() {
			work(k)
			done[k] = true // want "deferred-map-shared-with-goroutine"
		}()
	}
	time.Sleep(budget)
}
