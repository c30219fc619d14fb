package chaoslib

import (
	"fmt"
	"math"
)

// optimizer turns the CHL direction g of each trained matrix θ (the
// "clamped minus free" statistics, with −L2·W added for couplings) into the
// step added to θ at update number t (1, 2, …), with learning rate η:
//
//	sgd:       θ ← θ + η g
//	momentum:  v ← μ v + g,                        θ ← θ + η v
//	adam:      m ← β1 m + (1 − β1) g,  u ← β2 u + (1 − β2) g²,
//	           θ ← θ + η m̂ / (√û + ε),  m̂ = m/(1 − β1ᵗ),  û = u/(1 − β2ᵗ)
//
// with μ = β1 = Config.Beta1, β2 = Config.Beta2, ε = Config.AdamEps, and the
// state (v; or m and u) starting at 0. CHL ascends its direction, so the
// signs are those of gradient ascent. The state lives on the host, one
// float32 slice per matrix, computed elementwise in float64; checkpoints
// store it (see state), so that a resumed run continues bit-identically.
type optimizer struct {
	kind              string // "sgd", "momentum" or "adam"
	beta1, beta2, eps float64
	state             map[string][][]float32 // by matrix name: [v] or [m, u]
}

func newOptimizer(r LearningRule) *optimizer {
	kind, _ := optimizers.of(r.Optimizer)
	return &optimizer{kind: kind, beta1: r.Beta1, beta2: r.Beta2, eps: r.AdamEps, state: map[string][][]float32{}}
}

// stateNames are the checkpoint prefixes of the optimizer's state slices.
func (o *optimizer) stateNames() []string {
	switch o.kind {
	case "momentum":
		return []string{"momentum_"}
	case "adam":
		return []string{"adam_m_", "adam_u_"}
	}
	return nil
}

// slices returns the state of matrix name with n entries, made at 0 on
// first use.
func (o *optimizer) slices(name string, n int) [][]float32 {
	s, ok := o.state[name]
	if !ok {
		for range o.stateNames() {
			s = append(s, make([]float32, n))
		}
		o.state[name] = s
	}
	return s
}

// step replaces g, the direction of matrix name, by the step to add to it
// at update number t with learning rate eta. sgd has no state: the step is
// η g.
func (o *optimizer) step(name string, g []float32, t int, eta float64) {
	switch o.kind {
	case "sgd":
		for i, x := range g {
			g[i] = float32(eta * float64(x))
		}
	case "momentum":
		v := o.slices(name, len(g))[0]
		for i, x := range g {
			v[i] = float32(o.beta1*float64(v[i]) + float64(x))
			g[i] = float32(eta * float64(v[i]))
		}
	case "adam":
		s := o.slices(name, len(g))
		m, u := s[0], s[1]
		c1 := 1 - math.Pow(o.beta1, float64(t))
		c2 := 1 - math.Pow(o.beta2, float64(t))
		for i, x := range g {
			xf := float64(x)
			mi := o.beta1*float64(m[i]) + (1-o.beta1)*xf
			ui := o.beta2*float64(u[i]) + (1-o.beta2)*xf*xf
			m[i], u[i] = float32(mi), float32(ui)
			g[i] = float32(eta * (mi / c1) / (math.Sqrt(ui/c2) + o.eps))
		}
	default:
		panic("chaoslib: unknown optimizer " + o.kind)
	}
}

// params returns the optimizer's state as checkpoint arrays, named
// <prefix><matrix>, for the matrices of shapes (names and sizes only, in
// order; Config.trainedShapes).
func (o *optimizer) params(shapes []Param) []Param {
	var out []Param
	for _, p := range shapes {
		s := o.slices(p.Name, p.Rows*p.Cols)
		for k, prefix := range o.stateNames() {
			out = append(out, Param{Name: prefix + p.Name, Rows: p.Rows, Cols: p.Cols, Data: append([]float32(nil), s[k]...)})
		}
	}
	return out
}

// load restores the state saved by params; every matrix of shapes must be
// in stored.
func (o *optimizer) load(shapes []Param, stored map[string]Param) error {
	for _, p := range shapes {
		s := o.slices(p.Name, p.Rows*p.Cols)
		for k, prefix := range o.stateNames() {
			a, ok := stored[prefix+p.Name]
			if !ok || len(a.Data) != len(s[k]) {
				return fmt.Errorf("chaoslib: checkpoint lacks the %s state %s%s (%d×%d)", o.kind, prefix, p.Name, p.Rows, p.Cols)
			}
			copy(s[k], a.Data)
		}
	}
	return nil
}
