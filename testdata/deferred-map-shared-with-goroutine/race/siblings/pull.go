// Package pull is a race-detector proof module for the defuse rule
// deferred-map-shared-with-goroutine, sibling shape: goroutines started once per
// iteration store into one local map with no lock (an errgroup's or a WaitGroup's
// workers writing their results).
//
// Hazard: the workers write ids at the same time as each other; the wait orders
// them before the return, not against each other. go test -race reports a DATA
// RACE, and the runtime may abort with "concurrent map writes".
//
// Fix (review): ids becomes a sync.Map, every use converted.
package pull

import "sync"

// Pull resolves every image name to an id, one goroutine per image.
func Pull(images []string, resolve func(string) string) int {
	var wg sync.WaitGroup
	ids := map[string]string{}
	for _, name := range images {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids[name] = resolve(name)
		}()
	}
	wg.Wait()
	n := 0
	for range ids {
		n++
	}
	return n
}
