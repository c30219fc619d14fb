package runs

import (
	"math/rand/v2"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib/rbm"
)

// rbmSampleStream is the PCG stream of RBMSamples.
const rbmSampleStream = 0x72626d73 // "rbms"

// RBMSamples draws the n samples that RESULTS.md scores for an RBM
// baseline: visible means after k Gibbs steps from random starts (seeded).
func RBMSamples(r *rbm.RBM, n int, seed uint64) blas32.General {
	return r.Sample(n, rand.New(rand.NewPCG(seed, rbmSampleStream)))
}
