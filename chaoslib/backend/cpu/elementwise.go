package cpu

import (
	"fmt"

	"github.com/chaosgen/chaosgen/chaoslib/backend"
)

// Tanh sets dst = Tanh32(src) elementwise with the CPU's widest vector
// kernel, over the worker pool.
func (b *Backend) Tanh(dst, src backend.Mat) {
	d, s := mat(dst), mat(src)
	sameShape("Tanh", d, s)
	b.pool.run(job{op: opTanh, dst: d.Data, src: s.Data, cols: d.C}, d.R)
}

// Euler sets x ← x + k·(−x + field + bias), bias a 1×cols row (or nil), over
// the worker pool.
func (b *Backend) Euler(x, field, bias backend.Mat, k float32) {
	b.pool.run(eulerJob("Euler", x, nil, field, bias, k), mat(x).R)
}

// EulerTanh is Euler followed by phi = Tanh32(x), in one sweep over memory:
// each element of x is updated and its tanh written while it is in a
// register. The results equal those of Euler then Tanh bit for bit.
func (b *Backend) EulerTanh(x, phi, field, bias backend.Mat, k float32) {
	b.pool.run(eulerJob("EulerTanh", x, phi, field, bias, k), mat(x).R)
}

var _ backend.EulerTanher = (*Backend)(nil)

// eulerJob checks the shapes of an Euler pass and returns its job.
func eulerJob(op string, x, phi, field, bias backend.Mat, k float32) job {
	xm, fm := mat(x), mat(field)
	sameShape(op, xm, fm)
	j := job{op: opEuler, dst: xm.Data, src: fm.Data, cols: xm.C, k: k}
	if phi != nil {
		pm := mat(phi)
		sameShape(op, xm, pm)
		j.phi = pm.Data
	}
	if bias != nil {
		bm := mat(bias)
		if bm.R != 1 || bm.C != xm.C {
			panic(fmt.Sprintf("chaoslib: %s: bias %d×%d for x %d×%d", op, bm.R, bm.C, xm.R, xm.C))
		}
		j.bias = bm.Data
	}
	return j
}
