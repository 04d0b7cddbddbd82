// Package pool is a race-detector proof module for the defuse rule
// defer-in-loop-map-cleanup. The hazard is a wrong result, not a race.
//
// Hazard: a worker lists each job in p.active and defers the cleanup closure
// inside its "for job := range jobs" loop. Deferred calls run when the function
// returns, not at the end of the iteration, so a worker's finished jobs stay in
// p.active until the jobs channel is closed: Active() reports every job ever
// started, and the map grows without bound while the pool runs.
//
// Fix (defer-in-loop-map-cleanup, review): wrap the loop body in a function
// literal called at once, so that the cleanup runs per iteration:
//
//	for job := range jobs {
//		func() {
//			...loop body, unchanged...
//		}()
//	}
package pool

import (
	"sort"
	"sync"
)

// Job is one unit of work.
type Job struct {
	ID   int
	Name string
	Do   func()
}

// Pool runs jobs on a fixed number of workers and lists the jobs in progress.
type Pool struct {
	mu     sync.Mutex
	active map[int]string // job ID -> name, guarded by mu
}

// New returns an idle pool.
func New() *Pool {
	return &Pool{active: make(map[int]string)}
}

// Run runs the jobs on n workers until the jobs channel is closed.
func (p *Pool) Run(jobs <-chan Job, n int) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.work(jobs)
		}()
	}
	wg.Wait()
}

func (p *Pool) work(jobs <-chan Job) {
	for job := range jobs {
		p.mu.Lock()
		p.active[job.ID] = job.Name
		p.mu.Unlock()
		defer func() {
			p.mu.Lock()
			defer p.mu.Unlock()
			delete(p.active, job.ID)
		}()

		job.Do()
	}
}

// Active returns the names of the jobs in progress, sorted.
func (p *Pool) Active() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	names := make([]string, 0, len(p.active))
	for _, name := range p.active {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
