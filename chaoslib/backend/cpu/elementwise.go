package cpu

import (
	"fmt"

	"github.com/chaosgen/chaosgen/chaoslib/backend"
)

// Tanh sets dst = Tanh32(src) elementwise, over the worker pool.
func (b *Backend) Tanh(dst, src backend.Mat) {
	d, s := mat(dst), mat(src)
	sameShape("Tanh", d, s)
	b.pool.run(job{op: opTanh, dst: d.Data, src: s.Data, cols: d.C}, d.R)
}

// Euler sets x ← x + k·(−x + field + bias), bias a 1×cols row (or nil), over
// the worker pool.
func (b *Backend) Euler(x, field, bias backend.Mat, k float32) {
	xm, fm := mat(x), mat(field)
	sameShape("Euler", xm, fm)
	j := job{op: opEuler, dst: xm.Data, src: fm.Data, cols: xm.C, k: k}
	if bias != nil {
		bm := mat(bias)
		if bm.R != 1 || bm.C != xm.C {
			panic(fmt.Sprintf("chaoslib: Euler: bias %d×%d for x %d×%d", bm.R, bm.C, xm.R, xm.C))
		}
		j.bias = bm.Data
	}
	b.pool.run(j, xm.R)
}
