package cases

import (
	"log"
	"strings"
	"sync"
)

// CheckEach passes the loop variable as an argument.
func (c *Crawler) CheckEach(urls []string) {
	var wg sync.WaitGroup
	for _, url := range urls {
		wg.Add(1)
		go func(url string) {
			defer wg.Done()
			c.mu.Lock()
			c.status[url] = 0
			c.mu.Unlock()
		}(url)
	}
	wg.Wait()
}

// RunCopied starts the body with the per-iteration copies.
func RunCopied(jobs map[string]Job) map[string]error {
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		errs = make(map[string]error)
	)
	for id, job := range jobs {
		id := id
		job := job
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := job.Run()
			mu.Lock()
			errs[id] = err
			mu.Unlock()
		}()
	}
	wg.Wait()
	return errs
}

// CheckVia starts a method with the loop variable as an argument.
func (c *Crawler) CheckVia(urls []string) {
	var wg sync.WaitGroup
	for _, url := range urls {
		wg.Add(1)
		go c.check(url, &wg)
	}
	wg.Wait()
}

func (c *Crawler) check(url string, wg *sync.WaitGroup) {
	defer wg.Done()
	c.mu.Lock()
	c.status[url] = 200
	c.mu.Unlock()
}

// Normalize captures a variable declared in the body, not by the loop.
func Normalize(raw []string, fetch func(string) int) map[string]int {
	var (
		mu  sync.Mutex
		wg  sync.WaitGroup
		out = make(map[string]int)
	)
	for _, r := range raw {
		u := strings.TrimSpace(r)
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := fetch(u)
			mu.Lock()
			out[u] = n
			mu.Unlock()
		}()
	}
	wg.Wait()
	return out
}

// Index calls its closure at once, inside the iteration.
func Index(words []string) map[string]int {
	counts := make(map[string]int)
	for i, w := range words {
		func() {
			counts[w] = i
		}()
	}
	return counts
}

// Report defers a closure outside any loop.
func Report(totals map[string]int, keys []string) {
	last := ""
	defer func() {
		log.Printf("last key %s: %d", last, totals[last])
	}()
	for _, k := range keys {
		totals[k]++
		last = k
	}
}

// Sequential has a closure in the loop that is neither deferred nor started
// with go.
func Sequential(ids []string, seen map[string]bool) int {
	n := 0
	for _, id := range ids {
		mark := func() { seen[id] = true }
		if !seen[id] {
			mark()
			n++
		}
	}
	return n
}

// Leases hands out named leases; one goroutine owns it.
type Leases struct {
	held map[string]bool
}

func (l *Leases) release(name string) {
	delete(l.held, name)
}

// HoldAll defers a method call per lease: its argument is evaluated at the
// defer statement, so no closure captures the loop variable.
func (l *Leases) HoldAll(names []string, work func()) {
	for _, name := range names {
		l.held[name] = true
		defer l.release(name)
	}
	work()
}

// Fanout passes both loop variables as arguments.
func Fanout(targets map[string]string, send func(host, msg string) error) map[string]error {
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		errs = make(map[string]error)
	)
	for host, msg := range targets {
		wg.Add(1)
		go func(host, msg string) {
			defer wg.Done()
			err := send(host, msg)
			mu.Lock()
			errs[host] = err
			mu.Unlock()
		}(host, msg)
	}
	wg.Wait()
	return errs
}
