package cases

import (
	"sync"
	"time"
)

// Pull starts one goroutine per image; they all store into the same map with no lock.
// The wait orders them before the return, not against each other.
func Pull(images []string, pull func(string) string) map[string]string {
	var wg sync.WaitGroup
	ids := map[string]string{}
	for _, name := range images {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids[name] = pull(name) // want "deferred-map-shared-with-goroutine"
		}()
	}
	wg.Wait()
	return ids
}

// CollectUntil starts one collector and reads its map before anything waits for it.
func CollectUntil(in <-chan string, poll func(map[string]int) bool) {
	seen := map[string]int{}
	go func() {
		for s := range in {
			seen[s]++ // want "deferred-map-shared-with-goroutine"
		}
	}()
	for !poll(nil) {
		if seen["done"] > 0 {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// ---- look-alikes that stay silent ----

// PerGoroutine: each goroutine fills a map of its own.
func PerGoroutine(keys []string, out chan<- map[string]bool) {
	for _, k := range keys {
		go func() {
			own := map[string]bool{}
			own[k] = true
			out <- own
		}()
	}
}

// OneAtATime: the loop waits for each goroutine before starting the next.
func OneAtATime(keys []string, work func(string) int) map[string]int {
	res := map[string]int{}
	for _, k := range keys {
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[k] = work(k)
		}()
		wg.Wait()
	}
	return res
}

// Drained: the function ranges over the channel the goroutine closes, so it reads the
// map only after the goroutine is done.
func Drained(in []string) int {
	counts := map[string]int{}
	errs := make(chan error)
	go func() {
		defer close(errs)
		for _, s := range in {
			counts[s]++
		}
	}()
	for err := range errs {
		_ = err
	}
	return len(counts)
}

// Locked: the goroutines take a mutex; the lock rules judge them.
func Locked(keys []string) map[string]bool {
	var mu sync.Mutex
	var wg sync.WaitGroup
	res := map[string]bool{}
	for _, k := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			res[k] = true
			mu.Unlock()
		}()
	}
	wg.Wait()
	return res
}
