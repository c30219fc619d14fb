package chaoslib

import "math/rand/v2"

// streamEpochs is the first PCG stream of the epoch shuffles: epoch e uses
// stream streamEpochs + e.
const streamEpochs = 0x65706f6368000000 // "epoch"

// epochSampler draws minibatches without replacement (Minibatch "epoch"):
// each epoch visits the n training points once, in an order shuffled by its
// own PCG generator (Config.Seed, stream streamEpochs + epoch), and update s
// takes the points s·B … s·B + B − 1 of the epochs laid end to end. A batch
// that runs past the end of an epoch finishes with the start of the next.
// The draw is a function of the seed and the step only, so a checkpoint
// needs no state for it and a resumed run draws the same batches.
type epochSampler struct {
	n     int
	seed  uint64
	epoch int   // the epoch perm belongs to
	perm  []int // nil until first use
}

// index returns the training point at position k of the epochs laid end to
// end.
func (e *epochSampler) index(k int) int {
	if ep := k / e.n; e.perm == nil || ep != e.epoch {
		e.epoch = ep
		e.perm = rand.New(rand.NewPCG(e.seed, streamEpochs+uint64(ep))).Perm(e.n)
	}
	return e.perm[k%e.n]
}
