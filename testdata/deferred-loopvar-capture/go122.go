//go:build go1.22

package cases

import (
	"log"
	"sync"
)

// This file's build constraint raises its language version to 1.22: every
// iteration has its own loop variables and nothing here is reported.

// RunAll122 is RunAll under Go 1.22 semantics.
func RunAll122(jobs map[string]Job) map[string]error {
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

// WarmShards122 is WarmShards under Go 1.22 semantics.
func WarmShards122(shards int, load func(int) (int, error)) map[int]int {
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
	}
	wg.Wait()
	return sizes
}

// PurgeKey122 is PurgeKey under Go 1.22 semantics.
func PurgeKey122(tables map[string]map[string][]byte, key string) {
	var wg sync.WaitGroup
	for _, tbl := range tables {
		wg.Add(1)
		go func() {
			defer wg.Done()
			delete(tbl, key)
		}()
	}
	wg.Wait()
}
