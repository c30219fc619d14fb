package chaos

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas/blas32"
)

// System is a batch of trajectories of a map that carries tangent vectors:
// chaoslib.Flow, or any other map (the tests use a linear one). Tangents
// and SetTangents use the layout of chaoslib.Flow: row c·k + j is vector j
// of chain c, k = Vectors().
type System interface {
	Chains() int
	Vectors() int
	Dim() int
	Dt() float64
	Step(n int)
	Tangents() blas32.General
	SetTangents(blas32.General) error
}

// Options sets the length of a Lyapunov run.
type Options struct {
	Transient float64 // time run first, growth discarded (tangents are still renormalised)
	Time      float64 // averaging time after the transient; > 0
	Renorm    int     // Euler steps between renormalisations; 0 means 5
	Seed      uint64  // draws the random initial tangent vectors
}

// Spectrum is the outcome of a Lyapunov run.
type Spectrum struct {
	Exponents []float64   // λ_1, …, λ_k, mean over chains (ordered λ_1 ≥ λ_2 ≥ … only in the limit of long runs)
	Spread    []float64   // standard deviation of each exponent over chains
	PerChain  [][]float64 // chains × k
	// Times are the averaging times (after the transient) at which the
	// vectors were renormalised, and Growth the mean over chains of
	// Σ ln R_11 up to then: the log growth of a leading tangent vector.
	Times, Growth []float64
	Transient     float64 // transient actually run (whole Euler steps)
	Time          float64 // averaging time actually run (whole Euler steps)
	Chains        int
}

// streamTangents is the PCG stream of the initial tangent vectors.
const streamTangents = 0x74616e67656e74 // "tangent"

// Lyapunov runs sys for opt.Transient then opt.Time, renormalising its k
// tangent vectors every opt.Renorm steps by Gram–Schmidt, and returns the k
// leading exponents (package doc). The initial vectors are i.i.d. Gaussian,
// orthonormalised.
func Lyapunov(sys System, opt Options) (Spectrum, error) {
	k, n, D := sys.Vectors(), sys.Chains(), sys.Dim()
	switch {
	case k <= 0:
		return Spectrum{}, errors.New("chaos: Lyapunov: the system carries no tangent vectors")
	case k > D:
		return Spectrum{}, fmt.Errorf("chaos: Lyapunov: %d vectors in %d dimensions", k, D)
	case !(opt.Time > 0) || math.IsInf(opt.Time, 0):
		return Spectrum{}, fmt.Errorf("chaos: Lyapunov: averaging time %g, want finite > 0", opt.Time)
	case !(opt.Transient >= 0) || math.IsInf(opt.Transient, 0):
		return Spectrum{}, fmt.Errorf("chaos: Lyapunov: transient %g, want finite ≥ 0", opt.Transient)
	case opt.Renorm < 0:
		return Spectrum{}, fmt.Errorf("chaos: Lyapunov: renormalisation every %d steps", opt.Renorm)
	}
	r := opt.Renorm
	if r == 0 {
		r = 5
	}
	dt := sys.Dt()
	nTrans, nAvg := int(math.Round(opt.Transient/dt)), max(1, int(math.Round(opt.Time/dt)))

	rng := rand.New(rand.NewPCG(opt.Seed, streamTangents))
	v := blas32.General{Rows: n * k, Cols: D, Stride: D, Data: make([]float32, n*k*D)}
	for i := range v.Data {
		v.Data[i] = float32(rng.NormFloat64())
	}
	logR := make([]float64, n*k)
	if err := orthonormalise(v, k, logR, 0); err != nil {
		return Spectrum{}, err
	}
	if err := sys.SetTangents(v); err != nil {
		return Spectrum{}, err
	}

	sum := make([]float64, n*k)
	sp := Spectrum{Chains: n, Transient: float64(nTrans) * dt, Time: float64(nAvg) * dt}
	for done := 0; done < nTrans+nAvg; {
		// blocks end at the transient's end, so that it is discarded exactly
		end := min(done+r, nTrans+nAvg)
		if done < nTrans {
			end = min(end, nTrans)
		}
		sys.Step(end - done)
		done = end
		v = sys.Tangents()
		least := 0.0 // the transient lines the vectors up; its growth is discarded
		if done > nTrans {
			least = minKept
		}
		if err := orthonormalise(v, k, logR, least); err != nil {
			return Spectrum{}, fmt.Errorf("%v at t = %g, renormalising every %d Euler steps: renormalise more often (Options.Renorm; lyapunov --renorm)", err, float64(done)*dt, r)
		}
		if err := sys.SetTangents(v); err != nil {
			return Spectrum{}, err
		}
		if done <= nTrans {
			continue
		}
		var g float64
		for c := range n {
			for j := range k {
				sum[c*k+j] += logR[c*k+j]
			}
			g += sum[c*k]
		}
		sp.Times = append(sp.Times, float64(done-nTrans)*dt)
		sp.Growth = append(sp.Growth, g/float64(n))
	}
	sp.Exponents, sp.Spread = make([]float64, k), make([]float64, k)
	for c := range n {
		row := make([]float64, k)
		for j := range k {
			row[j] = sum[c*k+j] / sp.Time
			sp.Exponents[j] += row[j] / float64(n)
		}
		sp.PerChain = append(sp.PerChain, row)
	}
	for j := range k {
		var ss float64
		for c := range n {
			d := sp.PerChain[c][j] - sp.Exponents[j]
			ss += d * d
		}
		sp.Spread[j] = math.Sqrt(ss / float64(n))
	}
	return sp, nil
}

// minKept is the least fraction of its norm, kept = R_jj/‖v_j‖, that a
// tangent vector may keep after its projections on the vectors before it,
// in a block after the transient. The vectors are float32 (ε ≈ 6·10⁻⁸):
// each Euler step of a block of r rounds every vector by about ε‖v_1‖, so
// the part of v_j that carries λ_j comes out with a relative error of about
// √r·ε/kept. At kept = 10⁻⁵ that is 10⁻²·√r, no longer small: the vectors
// were renormalised too seldom and had all turned towards the leading one.
const minKept = 1e-5

// orthonormalise replaces each chain's k vectors (rows c·k … c·k+k−1 of v)
// by an orthonormal set by modified Gram–Schmidt in float64, and writes
// ln R_jj, the log of the norm each vector had after the projections, to
// logR[c·k+j]. It fails on a norm that is not finite and > 0, and on a
// vector that kept less than least of its norm (0: no such check).
func orthonormalise(v blas32.General, k int, logR []float64, least float64) error {
	D := v.Cols
	q := make([][]float64, k)
	for j := range q {
		q[j] = make([]float64, D)
	}
	for c := 0; c < v.Rows/k; c++ {
		for j := range k {
			row := v.Data[(c*k+j)*v.Stride : (c*k+j)*v.Stride+D]
			var before float64
			for i, x := range row {
				q[j][i] = float64(x)
				before += q[j][i] * q[j][i]
			}
			for p := range j {
				var dot float64
				for i := range D {
					dot += q[p][i] * q[j][i]
				}
				for i := range D {
					q[j][i] -= dot * q[p][i]
				}
			}
			var nrm float64
			for _, x := range q[j] {
				nrm += x * x
			}
			nrm = math.Sqrt(nrm)
			if !(nrm > 0) || math.IsInf(nrm, 0) {
				return fmt.Errorf("chaos: tangent vector %d of chain %d has norm %g", j, c, nrm)
			}
			if kept := nrm / math.Sqrt(before); kept < least {
				return fmt.Errorf("chaos: tangent vector %d of chain %d kept %.1e of its norm after the projections on the vectors before it (below %g, float32 rounding swamps the part that carries λ_%d)", j, c, kept, least, j+1)
			}
			logR[c*k+j] = math.Log(nrm)
			for i := range D {
				q[j][i] /= nrm
				row[i] = float32(q[j][i])
			}
		}
	}
	return nil
}
