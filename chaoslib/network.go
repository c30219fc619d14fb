package chaoslib

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/chaosgen/chaosgen/chaoslib/backend"
)

// Layer is a population of units with a trained field (bias).
type Layer struct {
	Name string
	Size int
	Bias backend.Mat // 1×Size, trained, starts at 0
}

// Conn joins layer A to layer B (A == B for a self-connection).
//
// The trained part W (Size_A × Size_B) is shared by both directions, which
// makes it symmetric. Each direction has its own fixed random part:
//
//	field_B += φ(x_A) · (W + JUp)       (A → B; absent for a self-connection)
//	field_A += φ(x_B) · (W + JDown)ᵀ    (B → A)
//
// so (field_A)_i = Σ_a (W_ia + JDown_ia) φ(x_B)_a, as in docs/MODEL.md with
// JDown = J_vh and JUp = J_hvᵀ. Each J is i.i.d. N(0, g²/fan-in), fan-in
// being the size of the layer the direction reads from.
type Conn struct {
	A, B        int         // layer indices
	W           backend.Mat // trained, Size_A × Size_B, starts at 0
	JUp, JDown  backend.Mat // fixed; JUp is nil for a self-connection
	kUp, kDown  backend.Mat // W + J, refreshed by Model.refresh
	dW          backend.Mat // scratch for the Hebbian update
	Name        string      // e.g. "v-h"
	selfConnect bool
}

// Model is a network of layers and connections on a backend. Layer 0 is the
// visible layer.
type Model struct {
	Cfg    Config
	be     backend.Backend
	Layers []Layer
	Conns  []Conn
}

// Streams of the PCG generator (seeded by Config.Seed) that draw the fixed
// couplings, so that they are a pure function of the seed.
const streamCouplings = 0x636f75706c696e67 // "coupling"

// New builds the model of cfg on be: trained parameters at 0, fixed couplings
// drawn from cfg.Seed.
func New(cfg Config, be backend.Backend) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m := &Model{Cfg: cfg, be: be}
	names := []string{"v", "h", "z"}
	sizes := append([]int{cfg.N}, cfg.Hidden...)
	for i, s := range sizes {
		m.Layers = append(m.Layers, Layer{Name: names[i], Size: s, Bias: be.NewMat(1, s)})
	}
	if cfg.Arch == Unrestricted {
		m.addConn(0, 0)
	}
	for i := 1; i < len(sizes); i++ {
		m.addConn(i-1, i)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, streamCouplings))
	for i := range m.Conns {
		c := &m.Conns[i]
		na, nb := m.Layers[c.A].Size, m.Layers[c.B].Size
		if !c.selfConnect {
			be.Upload(c.JUp, gaussian(rng, na*nb, cfg.G/math.Sqrt(float64(na))))
		}
		be.Upload(c.JDown, gaussian(rng, na*nb, cfg.G/math.Sqrt(float64(nb))))
	}
	m.refresh()
	return m, nil
}

func (m *Model) addConn(a, b int) {
	na, nb := m.Layers[a].Size, m.Layers[b].Size
	c := Conn{A: a, B: b, Name: m.Layers[a].Name + "-" + m.Layers[b].Name, selfConnect: a == b}
	c.W, c.JDown, c.kDown, c.dW = m.be.NewMat(na, nb), m.be.NewMat(na, nb), m.be.NewMat(na, nb), m.be.NewMat(na, nb)
	if !c.selfConnect {
		c.JUp, c.kUp = m.be.NewMat(na, nb), m.be.NewMat(na, nb)
	}
	m.Conns = append(m.Conns, c)
}

// gaussian draws n i.i.d. N(0, std²) values as float32.
func gaussian(rng *rand.Rand, n int, std float64) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = float32(rng.NormFloat64() * std)
	}
	return out
}

// refresh recomputes K = W + J for every direction; call after W changes.
func (m *Model) refresh() {
	for i := range m.Conns {
		c := &m.Conns[i]
		m.be.Add(c.kDown, c.W, c.JDown)
		if c.kUp != nil {
			m.be.Add(c.kUp, c.W, c.JUp)
		}
	}
}

// Backend returns the backend the model lives on.
func (m *Model) Backend() backend.Backend { return m.be }

// Param is a named host copy of one trained or fixed matrix.
type Param struct {
	Name       string
	Rows, Cols int
	Data       []float32
	Trained    bool
}

// paramRef is one matrix of the model with its checkpoint name.
type paramRef struct {
	name    string
	mat     backend.Mat
	trained bool
}

// params lists every matrix of the model with its checkpoint name.
func (m *Model) params() []paramRef {
	type p = paramRef
	var out []p
	for _, l := range m.Layers {
		out = append(out, p{"bias_" + l.Name, l.Bias, true})
	}
	for _, c := range m.Conns {
		out = append(out, p{"W_" + c.Name, c.W, true})
		if c.JUp != nil {
			out = append(out, p{"Jup_" + c.Name, c.JUp, false})
		}
		out = append(out, p{"Jdown_" + c.Name, c.JDown, false})
	}
	return out
}

// Params returns host copies of every matrix: biases "bias_v", trained
// couplings "W_v-h" (W_v-v is A for the unrestricted model) and fixed ones
// "Jup_v-h", "Jdown_v-h".
func (m *Model) Params() []Param {
	var out []Param
	for _, p := range m.params() {
		d := make([]float32, p.mat.Rows()*p.mat.Cols())
		m.be.Download(d, p.mat)
		out = append(out, Param{p.name, p.mat.Rows(), p.mat.Cols(), d, p.trained})
	}
	return out
}

// Param returns the host copy of one named matrix (see Params).
func (m *Model) Param(name string) (Param, error) {
	for _, p := range m.Params() {
		if p.Name == name {
			return p, nil
		}
	}
	return Param{}, fmt.Errorf("chaoslib: model %s has no parameter %q", m.Cfg.Arch, name)
}

// SetParam uploads a named matrix (see Params) and refreshes W + J.
func (m *Model) SetParam(name string, data []float32) error {
	for _, p := range m.params() {
		if p.name == name {
			if len(data) != p.mat.Rows()*p.mat.Cols() {
				return fmt.Errorf("chaoslib: parameter %s is %d×%d, got %d values", name, p.mat.Rows(), p.mat.Cols(), len(data))
			}
			m.be.Upload(p.mat, data)
			m.refresh()
			return nil
		}
	}
	return fmt.Errorf("chaoslib: model %s has no parameter %q", m.Cfg.Arch, name)
}

// Norms returns the root-mean-square value of every trained matrix, by name.
func (m *Model) Norms() map[string]float64 {
	out := map[string]float64{}
	for _, p := range m.params() {
		if p.trained {
			out[p.name] = math.Sqrt(m.be.SumSquares(p.mat) / float64(p.mat.Rows()*p.mat.Cols()))
		}
	}
	return out
}

// Free releases the model's device memory.
func (m *Model) Free() {
	for _, p := range m.params() {
		m.be.Free(p.mat)
	}
	for _, c := range m.Conns {
		m.be.Free(c.kDown)
		m.be.Free(c.dW)
		if c.kUp != nil {
			m.be.Free(c.kUp)
		}
	}
}
