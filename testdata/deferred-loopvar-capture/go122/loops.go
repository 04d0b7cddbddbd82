// The same loops as ../positive.go, in a module at go 1.22: every iteration
// has its own loop variables, and nothing here is reported.

package cases

import (
	"log"
	"net/http"
	"sync"
	"time"
)

// Crawler checks pages concurrently and records their status codes.
type Crawler struct {
	client *http.Client
	mu     sync.Mutex
	status map[string]int // guarded by mu
}

// CheckAll: the goroutines share the one url variable of the loop.
func (c *Crawler) CheckAll(urls []string) {
	var wg sync.WaitGroup
	for _, url := range urls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code := 0
			if resp, err := c.client.Head(url); err == nil {
				code = resp.StatusCode
				resp.Body.Close()
			}
			c.mu.Lock()
			c.status[url] = code
			c.mu.Unlock()
		}()
		log.Printf("checking %s", url)
	}
	wg.Wait()
}

type Job interface {
	Run() error
}

// RunAll: both range variables are captured.
func RunAll(jobs map[string]Job) map[string]error {
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		errs = make(map[string]error)
	)
	for id, job := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := job.Run()
			mu.Lock()
			errs[id] = err
			mu.Unlock()
		}()
		log.Printf("started %s", id)
	}
	wg.Wait()
	return errs
}

// WarmShards: the three-clause loop variable is shared too.
func WarmShards(shards int, load func(int) (int, error)) map[int]int {
	var (
		mu    sync.Mutex
		wg    sync.WaitGroup
		sizes = make(map[int]int)
	)
	for shard := 0; shard < shards; shard++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := load(shard)
			if err != nil {
				return
			}
			mu.Lock()
			sizes[shard] = n
			mu.Unlock()
		}()
		log.Printf("warming shard %d", shard)
	}
	wg.Wait()
	return sizes
}

type DB interface {
	Apply(step string) error
}

// Migrate: the deferred closures all run after the loop, with the last step.
func Migrate(db DB, steps []string) error {
	took := make(map[string]time.Duration)
	for _, step := range steps {
		defer func() {
			log.Printf("%s took %v", step, took[step])
		}()
		start := time.Now()
		if err := db.Apply(step); err != nil {
			return err
		}
		took[step] = time.Since(start)
	}
	return nil
}

// PurgeKey: the loop variable is the map operand; every goroutine may delete
// from the same table.
func PurgeKey(tables map[string]map[string][]byte, key string) {
	var wg sync.WaitGroup
	for name, tbl := range tables {
		wg.Add(1)
		go func() {
			defer wg.Done()
			delete(tbl, key)
		}()
		log.Printf("purging %s from %s", key, name)
	}
	wg.Wait()
}

// Refresh: the go statement is nested in an if inside the loop.
func Refresh(ids []string, stale map[string]bool, fetch func(string) []byte) map[string][]byte {
	var (
		mu  sync.Mutex
		wg  sync.WaitGroup
		out = make(map[string][]byte)
	)
	for _, id := range ids {
		if stale[id] {
			wg.Add(1)
			go func() {
				defer wg.Done()
				b := fetch(id)
				mu.Lock()
				out[id] = b
				mu.Unlock()
			}()
			log.Printf("refreshing %s", id)
		}
		log.Printf("checked %s", id)
	}
	wg.Wait()
	return out
}
