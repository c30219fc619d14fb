package chaos

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/chaosgen/chaosgen/chaoslib"
)

// ModelOptions sets a Lyapunov measurement on a model. Zero fields take the
// defaults in brackets.
type ModelOptions struct {
	Chains    int     // independent runs averaged [8]
	Transient float64 // time discarded first, in units of τ = 1 [50]; 0 means the default, so the shortest is one Euler step (Options.Transient may be 0)
	Time      float64 // averaging time t_max [200]
	Renorm    int     // Euler steps between renormalisations [5]
	Vectors   int     // exponents to compute (QR when > 1) [1]
	Seed      uint64  // random starts and tangent vectors
}

func (o ModelOptions) withDefaults() ModelOptions {
	if o.Chains == 0 {
		o.Chains = 8
	}
	if o.Transient == 0 {
		o.Transient = 50
	}
	if o.Time == 0 {
		o.Time = 200
	}
	if o.Vectors == 0 {
		o.Vectors = 1
	}
	return o
}

// streamStarts is the PCG stream of the random initial states.
const streamStarts = 0x7374617274 // "start"

// MeasureBytes estimates the memory of Measure on a model of cfg with
// chains runs and k tangent vectors each (k ≥ 1): the model, the runs'
// batch, the tangent batch of chains·k rows (Model.NewFlow) with its host
// copies, and Lyapunov's chains·k·D tangent vectors (D units in all).
func MeasureBytes(cfg chaoslib.Config, chains, k int) int64 {
	D := int64(Units(cfg))
	nk := int64(chains) * int64(k)
	return cfg.ModelBytes() + cfg.BatchBytes(chains) + cfg.BatchBytes(chains*k) + 4*(int64(chains)+nk)*D + 4*nk*D
}

// Units returns D = N + Σ M_l, the units of cfg's network: the dimension of
// its state, and so the most Lyapunov exponents it has.
func Units(cfg chaoslib.Config) int {
	D := cfg.N
	for _, h := range cfg.Hidden {
		D += h
	}
	return D
}

// Exponents runs Lyapunov on o.Chains free runs of m from x(0) ~ N(0, σ²):
// the o.Vectors leading exponents of the model's Euler map.
func Exponents(m *chaoslib.Model, o ModelOptions) (Spectrum, error) {
	o = o.withDefaults()
	if o.Chains < 0 || o.Vectors < 0 {
		return Spectrum{}, fmt.Errorf("chaos: %d chains, %d vectors; want > 0", o.Chains, o.Vectors)
	}
	f := m.NewFlow(o.Chains, o.Vectors, rand.New(rand.NewPCG(o.Seed, streamStarts)))
	defer f.Close()
	return Lyapunov(f, Options{Transient: o.Transient, Time: o.Time, Renorm: o.Renorm, Seed: o.Seed})
}

// FiniteTime returns the finite-time exponent λ_T over [0, T] (T of the
// model's config) from chains random starts, with no transient and the
// tangent vector renormalised every step, so that Growth holds
// ⟨ln ‖δ(t)‖⟩ at every Euler step.
func FiniteTime(m *chaoslib.Model, chains int, seed uint64) (Spectrum, error) {
	if chains <= 0 {
		return Spectrum{}, fmt.Errorf("chaos: FiniteTime: %d chains, want > 0", chains)
	}
	f := m.NewFlow(chains, 1, rand.New(rand.NewPCG(seed, streamStarts)))
	defer f.Close()
	return Lyapunov(f, Options{Time: m.Cfg.T, Renorm: 1, Seed: seed})
}

// Estimate is the chaos of one model: λ_max (mean and spread over chains),
// λ_T and, when more than one vector was asked for, the leading spectrum.
type Estimate struct {
	G               float64   `json:"g"`
	LambdaMax       float64   `json:"lambda_max"`
	LambdaMaxSpread float64   `json:"lambda_max_spread"` // standard deviation over chains
	LambdaT         float64   `json:"lambda_T"`
	LambdaTSpread   float64   `json:"lambda_T_spread"`
	T               float64   `json:"T"`     // the window of λ_T
	TMax            float64   `json:"t_max"` // averaging time of λ_max
	Transient       float64   `json:"transient"`
	Chains          int       `json:"chains"`
	Spectrum        []float64 `json:"spectrum,omitempty"`
}

// Measure returns λ_max (Exponents) and λ_T (FiniteTime, same chains and
// seed) of m.
func Measure(m *chaoslib.Model, o ModelOptions) (Estimate, error) {
	o = o.withDefaults()
	sp, err := Exponents(m, o)
	if err != nil {
		return Estimate{}, err
	}
	ft, err := FiniteTime(m, o.Chains, o.Seed)
	if err != nil {
		return Estimate{}, err
	}
	e := Estimate{
		G: m.Cfg.G, LambdaMax: sp.Exponents[0], LambdaMaxSpread: sp.Spread[0],
		LambdaT: ft.Exponents[0], LambdaTSpread: ft.Spread[0], T: ft.Time,
		TMax: sp.Time, Transient: sp.Transient, Chains: sp.Chains,
	}
	if o.Vectors > 1 {
		e.Spectrum = sp.Exponents
	}
	return e, nil
}

// Couplings returns the full D×D coupling matrix C of m (package doc), in
// float64: C[i][j] is the weight from unit j to unit i, units numbered layer
// by layer, visible first, so that the field of unit i is Σ_j C_ij φ(x_j).
// For a connection A → B with trained W and fixed JUp, JDown,
//
//	C[B_b][A_a] = W_ab + JUp_ab,   C[A_a][B_b] = W_ab + JDown_ab,
//
// and a self-connection has only the second.
func Couplings(m *chaoslib.Model) *mat.Dense {
	off := make([]int, len(m.Layers)+1)
	for l, layer := range m.Layers {
		off[l+1] = off[l] + layer.Size
	}
	D := off[len(m.Layers)]
	c := mat.NewDense(D, D, nil)
	ps := map[string]chaoslib.Param{}
	for _, p := range m.Params() {
		ps[p.Name] = p
	}
	for _, conn := range m.Conns {
		w, up, down := ps["W_"+conn.Name], ps["Jup_"+conn.Name], ps["Jdown_"+conn.Name]
		nb := w.Cols
		for a := range w.Rows {
			for b := range nb {
				i := a*nb + b
				c.Set(off[conn.A]+a, off[conn.B]+b, float64(w.Data[i])+float64(down.Data[i]))
				if conn.A != conn.B {
					c.Set(off[conn.B]+b, off[conn.A]+a, float64(w.Data[i])+float64(up.Data[i]))
				}
			}
		}
	}
	return c
}
