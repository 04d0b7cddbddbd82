// Package update is a race-detector proof module for the defuse rule
// deferred-write-unlocked, local-mutex shape: a local map with a local mutex that
// the goroutines take for their second write but not for their first.
//
// Hazard: the first write runs in every goroutine at once: go test -race reports a
// DATA RACE, and the runtime may abort with "concurrent map writes".
//
// Fix (deferred-write-unlocked): resultsMu is held around the first write too.
package update

import "sync"

// UpdateAll updates every name, one goroutine each, and returns the first error.
func UpdateAll(names []string, update func(string) error) error {
	var wg sync.WaitGroup
	var resultsMu sync.Mutex
	results := map[string]error{}
	for _, n := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[n] = nil
			err := update(n)
			resultsMu.Lock()
			defer resultsMu.Unlock()
			results[n] = err
		}()
	}
	wg.Wait()
	for _, err := range results {
		if err != nil {
			return err
		}
	}
	return nil
}
