package chaoslib

// Streams of the PCG generator. Every random draw of a model comes from
// rand.NewPCG(Config.Seed, stream) with its own stream, so that each kind of
// draw is a pure function of the seed and adding draws of one kind never
// shifts another. Packages built on chaoslib name their own streams beside
// their code (rbm, runs, figures); the value is the ASCII of the name.
const (
	// streamCouplings draws the fixed random couplings J (New).
	streamCouplings = 0x636f75706c696e67 // "coupling"
	// streamTraining draws the minibatches and the free chains' starts of
	// training (Trainer).
	streamTraining = 0x747261696e696e67 // "training"
	// StreamEval draws the samples that are scored: the free runs and
	// reconstruction starts of Evaluate, in training runs, figures and
	// `chaosgen eval` alike. (The RBM baseline has its own,
	// runs.StreamRBMSamples.)
	StreamEval = 0x6576616c // "eval"
)
