package cases

import (
	"log"
	"sync"
	"time"
)

// SweepJoined joins every goroutine with wg.Wait before returning.
func SweepJoined(hosts []string, probe func(string) time.Duration) {
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		answered = make(map[string]time.Duration)
	)
	defer func() {
		for host, rtt := range answered {
			log.Printf("%s answered in %v", host, rtt)
		}
	}()
	for _, host := range hosts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rtt := probe(host)
			mu.Lock()
			answered[host] = rtt
			mu.Unlock()
		}()
	}
	wg.Wait()
}

// BuildIndex receives from done, which the goroutine closes after writing.
func BuildIndex(docs []string, tokenize func(string) []string) map[string]int {
	terms := make(map[string]int)
	done := make(chan struct{})
	defer func() {
		log.Printf("%d distinct terms", len(terms))
	}()
	go func() {
		defer close(done)
		for _, d := range docs {
			for _, t := range tokenize(d) {
				terms[t]++
			}
		}
	}()
	<-done
	return terms
}

// Preview starts goroutines that only read the map.
func Preview(templates map[string]string, render func(name, body string), budget time.Duration) {
	defer func() {
		for name := range templates {
			log.Printf("known template %s", name)
		}
	}()
	for name := range templates {
		go func() {
			render(name, templates[name])
		}()
	}
	time.Sleep(budget)
}

// WarmLocked locks the same mutex on both sides.
func WarmLocked(keys []string, load func(string) []byte, budget time.Duration) {
	var mu sync.Mutex
	loaded := make(map[string]int)
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		log.Printf("%d keys loaded", len(loaded))
	}()
	for _, k := range keys {
		go func() {
			n := len(load(k))
			mu.Lock()
			loaded[k] = n
			mu.Unlock()
		}()
	}
	time.Sleep(budget)
}

// MergeCounts: the goroutines write their own maps and send them back; every
// result is received before return.
func MergeCounts(chunks [][]string) map[string]int {
	total := make(map[string]int)
	defer func() {
		log.Printf("%d distinct words", len(total))
	}()
	parts := make(chan map[string]int)
	for _, chunk := range chunks {
		go func() {
			counts := make(map[string]int)
			for _, w := range chunk {
				counts[w]++
			}
			parts <- counts
		}()
	}
	for range chunks {
		for w, n := range <-parts {
			total[w] += n
		}
	}
	return total
}

// SweepSyncMap already uses sync.Map.
func SweepSyncMap(hosts []string, probe func(string) time.Duration, budget time.Duration) {
	var answered sync.Map
	defer func() {
		answered.Range(func(host, rtt any) bool {
			log.Printf("%v answered in %v", host, rtt)
			return true
		})
	}()
	for _, host := range hosts {
		go func() {
			answered.Store(host, probe(host))
		}()
	}
	time.Sleep(budget)
}

// Notify: the goroutine writes nothing the deferred code reads.
func Notify(users []string, send func(string) error, budget time.Duration) {
	attempts := make(map[string]int)
	defer func() {
		for u, n := range attempts {
			log.Printf("%s: %d attempts", u, n)
		}
	}()
	for _, u := range users {
		attempts[u]++
		go func() {
			if err := send(u); err != nil {
				log.Printf("notify %s: %v", u, err)
			}
		}()
	}
	time.Sleep(budget)
}

// Collect receives one result per goroutine before returning.
func Collect(ids []string, fetch func(string) int) map[string]int {
	var mu sync.Mutex
	out := make(map[string]int)
	defer func() {
		log.Printf("collected %d results", len(out))
	}()
	results := make(chan struct{}, len(ids))
	for _, id := range ids {
		go func() {
			n := fetch(id)
			mu.Lock()
			out[id] = n
			mu.Unlock()
			results <- struct{}{}
		}()
	}
	for range ids {
		<-results
	}
	return out
}
