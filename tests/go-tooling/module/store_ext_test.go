//go:build go1.21

// The line above gives this file Go 1.21 semantics, whatever go.mod says: one loop
// variable shared by every iteration, as the compiler reads it too.
package store_test

import (
	"sync"
	"testing"

	"example.com/store"
)

type prober struct {
	mu     sync.Mutex
	status map[string]int
}

// probeAll's goroutines share the one url variable of the loop.
func (p *prober) probeAll(urls []string, probe func(string) int) {
	var wg sync.WaitGroup
	for _, url := range urls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code := probe(url)
			p.mu.Lock()
			p.status[url] = code
			p.mu.Unlock()
		}()
	}
	wg.Wait()
}

func TestExternal(t *testing.T) {
	_ = store.New()
}
