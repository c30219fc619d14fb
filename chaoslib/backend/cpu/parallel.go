package cpu

import (
	"sync"
)

// op names an elementwise pass that the pool runs over row ranges.
type op uint8

const (
	opTanh  op = iota // dst = tanh(src)
	opEuler           // x += k(−x + field + bias), then φ = tanh(x) when phi is set
)

// job is one row range of one elementwise pass. It is sent by value, so a
// pass allocates nothing.
type job struct {
	op                  op
	lo, hi              int // element range, row-aligned
	cols                int
	dst, src, phi, bias []float32
	k                   float32
}

func (j *job) run() {
	switch j.op {
	case opTanh:
		tanhVec(vecLevel, j.dst[j.lo:j.hi], j.src[j.lo:j.hi])
	case opEuler:
		var phi []float32
		if j.phi != nil {
			phi = j.phi[j.lo:j.hi]
		}
		eulerVec(vecLevel, j.dst[j.lo:j.hi], phi, j.src[j.lo:j.hi], j.bias, j.cols, j.k)
	}
}

// pool is a fixed set of worker goroutines for elementwise passes.
type pool struct {
	workers int
	jobs    chan job
	wg      sync.WaitGroup
	closed  bool
}

// minChunk is the fewest elements worth handing to another goroutine.
const minChunk = 16384

func newPool(workers int) *pool {
	p := &pool{workers: workers, jobs: make(chan job, workers)}
	for w := 1; w < workers; w++ { // the caller is the last worker
		go func() {
			for j := range p.jobs {
				j.run()
				p.wg.Done()
			}
		}()
	}
	return p
}

// run splits the rows×j.cols elements into row-aligned chunks and runs them
// on the pool, the last chunk on the calling goroutine.
func (p *pool) run(j job, rows int) {
	if p.closed {
		panic("chaoslib: cpu backend used after Close")
	}
	n := rows * j.cols
	parts := min(p.workers, rows)
	if n/minChunk < parts {
		parts = max(1, n/minChunk)
	}
	chunk := (rows + parts - 1) / parts * j.cols
	parts = (n + chunk - 1) / chunk
	p.wg.Add(parts - 1)
	for w := 0; w < parts; w++ {
		j.lo, j.hi = w*chunk, min(n, (w+1)*chunk)
		if w == parts-1 {
			j.run()
		} else {
			p.jobs <- j
		}
	}
	p.wg.Wait()
}

// close stops the workers; a second close does nothing.
func (p *pool) close() {
	if !p.closed {
		p.closed = true
		close(p.jobs)
	}
}
