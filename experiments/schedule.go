package experiments

import (
	"errors"
	"runtime"
	"slices"
	"sync"
)

// pool runs jobs on a fixed number of goroutines, the costliest waiting
// job first (longest processing time first, which keeps both cores busy to
// the end when the last jobs are short). Jobs may add jobs. Every job
// computes from its own inputs alone, so what each returns does not depend
// on the number of workers or on the order they run in: only the time does.
type pool struct {
	mu      sync.Mutex
	wake    *sync.Cond
	waiting []*job
	running int
	err     error
	panic   any // a job's panic, raised again by run on its caller's goroutine
}

// job is one unit of a pool's work; cost orders the waiting jobs.
type job struct {
	cost float64
	run  func() error
}

// workers is the number of goroutines a pool runs on: n, or GOMAXPROCS
// when n ≤ 0.
func workers(n int) int {
	if n <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return n
}

func newPool() *pool {
	p := &pool{}
	p.wake = sync.NewCond(&p.mu)
	return p
}

// add queues a job; it may be called from a running job.
func (p *pool) add(cost float64, run func() error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.waiting = append(p.waiting, &job{cost: cost, run: run})
	// Stable: jobs of equal cost run in the order they were added.
	slices.SortStableFunc(p.waiting, func(a, b *job) int {
		switch {
		case a.cost > b.cost:
			return -1
		case a.cost < b.cost:
			return 1
		}
		return 0
	})
	p.wake.Signal()
}

// run works through the jobs, and those they add, on n goroutines, and
// returns the first error; after an error no new job starts.
func (p *pool) run(n int) error {
	var wg sync.WaitGroup
	for range workers(n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				p.mu.Lock()
				for len(p.waiting) == 0 && p.running > 0 && p.err == nil {
					p.wake.Wait()
				}
				if len(p.waiting) == 0 || p.err != nil {
					// Nothing waits and nothing runs that could add a job.
					p.wake.Broadcast()
					p.mu.Unlock()
					return
				}
				j := p.waiting[0]
				p.waiting = p.waiting[1:]
				p.running++
				p.mu.Unlock()

				err, pan := call(j.run)

				p.mu.Lock()
				p.running--
				if pan != nil && p.panic == nil {
					p.panic, err = pan, errPanic
				}
				if err != nil && p.err == nil {
					p.err = err
				}
				p.wake.Broadcast()
				p.mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if p.panic != nil {
		panic(p.panic)
	}
	return p.err
}

// errPanic stops the pool after a job panicked.
var errPanic = errors.New("a job panicked")

// call runs f and returns its error, or what it panicked with.
func call(f func() error) (err error, pan any) {
	defer func() { pan = recover() }()
	return f(), nil
}
