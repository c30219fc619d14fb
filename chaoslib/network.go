package chaoslib

import (
	"errors"
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

// New builds the model of cfg on be: trained parameters at 0, fixed couplings
// drawn from cfg.Seed. It refuses a nil be, a config that fails Validate,
// and one whose matrices need more memory than is available (CheckMemory).
func New(cfg Config, be backend.Backend) (*Model, error) {
	if be == nil {
		return nil, errors.New("chaoslib: New needs a backend (cpu.New, or device.Open of package device)")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := cfg.checkMemory(cfg.ModelBytes()); err != nil {
		return nil, err
	}
	m := &Model{Cfg: cfg, be: be}
	for i, s := range cfg.layerSizes() {
		m.Layers = append(m.Layers, Layer{Name: layerNames[i], Size: s, Bias: be.NewMat(1, s)})
	}
	for _, ab := range cfg.conns() {
		m.addConn(ab[0], ab[1])
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, streamCouplings))
	for i := range m.Conns {
		c := &m.Conns[i]
		na, nb := m.Layers[c.A].Size, m.Layers[c.B].Size
		if !c.selfConnect {
			be.Upload(c.JUp, gaussian(rng, na*nb, cfg.G/math.Sqrt(float64(na))))
		}
		be.Upload(c.JDown, gaussian(rng, na*nb, cfg.gainInto(c.A, c.B)/math.Sqrt(float64(nb))))
	}
	m.refresh()
	return m, nil
}

// gainInto is the gain of the fixed couplings into layer a from layer b:
// GVisible into the visible layer from the first hidden one when set, else G.
func (c Config) gainInto(a, b int) float64 {
	if a == 0 && b == 1 && c.GVisible > 0 {
		return c.GVisible
	}
	return c.G
}

// layerNames names the layers: visible, then hidden.
var layerNames = []string{"v", "h", "z"}

// layerSizes lists the layer sizes of cfg: N, then the hidden sizes.
func (c Config) layerSizes() []int { return append([]int{c.N}, c.Hidden...) }

// conns lists the connections (A, B) of cfg's architecture, in order: the
// visible self-connection of the unrestricted model, then each layer to
// the next.
func (c Config) conns() [][2]int {
	var out [][2]int
	if c.Arch == Unrestricted {
		out = append(out, [2]int{0, 0})
	}
	for i := 1; i < len(c.layerSizes()); i++ {
		out = append(out, [2]int{i - 1, i})
	}
	return out
}

func (m *Model) addConn(a, b int) {
	na, nb := m.Layers[a].Size, m.Layers[b].Size
	c := Conn{A: a, B: b, Name: connName(a, b), selfConnect: a == b}
	c.W, c.JDown, c.kDown, c.dW = m.be.NewMat(na, nb), m.be.NewMat(na, nb), m.be.NewMat(na, nb), m.be.NewMat(na, nb)
	if !c.selfConnect {
		c.JUp, c.kUp = m.be.NewMat(na, nb), m.be.NewMat(na, nb)
	}
	m.Conns = append(m.Conns, c)
}

func connName(a, b int) string { return layerNames[a] + "-" + layerNames[b] }

// paramKind tells which matrix of a layer or connection a parameter is.
type paramKind int

const (
	paramBias paramKind = iota
	paramW
	paramJUp
	paramJDown
)

// paramSpec is one matrix of a config's model with its checkpoint name and
// shape; index is its layer (bias) or connection (W, J).
type paramSpec struct {
	name       string
	rows, cols int
	kind       paramKind
	index      int
}

// trained reports whether the matrix is learned (biases and W) or fixed (J).
func (s paramSpec) trained() bool { return s.kind == paramBias || s.kind == paramW }

// paramSpecs lists every matrix of cfg's model without allocating it:
// biases "bias_v", trained couplings "W_v-h" (W_v-v is A for the
// unrestricted model) and fixed ones "Jup_v-h", "Jdown_v-h".
func (c Config) paramSpecs() []paramSpec {
	var out []paramSpec
	sizes := c.layerSizes()
	for l, s := range sizes {
		out = append(out, paramSpec{"bias_" + layerNames[l], 1, s, paramBias, l})
	}
	for i, ab := range c.conns() {
		name, na, nb := connName(ab[0], ab[1]), sizes[ab[0]], sizes[ab[1]]
		out = append(out, paramSpec{"W_" + name, na, nb, paramW, i})
		if ab[0] != ab[1] {
			out = append(out, paramSpec{"Jup_" + name, na, nb, paramJUp, i})
		}
		out = append(out, paramSpec{"Jdown_" + name, na, nb, paramJDown, i})
	}
	return out
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

// params lists every matrix of the model with its checkpoint name, in the
// order of paramSpecs.
func (m *Model) params() []paramRef {
	var out []paramRef
	for _, s := range m.Cfg.paramSpecs() {
		var mat backend.Mat
		switch s.kind {
		case paramBias:
			mat = m.Layers[s.index].Bias
		case paramW:
			mat = m.Conns[s.index].W
		case paramJUp:
			mat = m.Conns[s.index].JUp
		case paramJDown:
			mat = m.Conns[s.index].JDown
		}
		out = append(out, paramRef{s.name, mat, s.trained()})
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

// trainedShapes lists the trained matrices of c's model (see Params) by
// name and shape, without data: what the optimizer's state is laid out by.
func (c Config) trainedShapes() []Param {
	var out []Param
	for _, s := range c.paramSpecs() {
		if s.trained() {
			out = append(out, Param{Name: s.name, Rows: s.rows, Cols: s.cols, Trained: true})
		}
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

// Free releases the model's device memory. The model must not be used
// afterwards: on the CPU its matrices are emptied, and a later call panics
// on their sizes or reads zeros.
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
