package rbm

import "github.com/chaosgen/chaosgen/chaoslib"

// ConfigFields is the table of Config fields that have a flag in `chaosgen
// rbm`, in the order --resume names changes; it is of the same kind as
// chaoslib.ConfigFields, so that the flags, the --resume rule and the
// validation errors follow the chaotic models' ones. N has no flag: it is
// the data's pixel count.
var ConfigFields = []chaoslib.Field[Config]{
	{Name: "Dataset", Flag: "dataset", Help: "data set: mnist or fashion-mnist", Ptr: func(c *Config) any { return &c.Dataset }},
	{Name: "M", Flag: "hidden", Help: "hidden units M", Ptr: func(c *Config) any { return &c.M }},
	{Name: "K", Flag: "k", Help: "Gibbs steps v→h→v per update and per sample", Ptr: func(c *Config) any { return &c.K }},
	{Name: "LR", Flag: "lr", Help: "learning rate η", Ptr: func(c *Config) any { return &c.LR }},
	{Name: "Batch", Flag: "batch", Help: "minibatch size B", Ptr: func(c *Config) any { return &c.Batch }},
	{Name: "Chains", Flag: "chains", Help: "Gibbs chains P per update", Ptr: func(c *Config) any { return &c.Chains }},
	{Name: "Steps", Flag: "steps", Help: "total updates", Resume: true, Ptr: func(c *Config) any { return &c.Steps }},
	{Name: "Seed", Flag: "seed", Help: "random seed (initial W, minibatches, chains)", Ptr: func(c *Config) any { return &c.Seed }},
	{Name: "InitStd", Flag: "init-std", Help: "std of the N(0, std²) initial couplings W (assumed)", Ptr: func(c *Config) any { return &c.InitStd }},
	{Name: "Units", Flag: "units", Help: "unit values: spin (±1) or binary ({0,1})", Ptr: func(c *Config) any { return &c.Units }},
	{Name: "InitBias", Flag: "init-bias", Help: "initial visible biases: zero (as the chaotic models), or data (the units start at the training mean)", Ptr: func(c *Config) any { return &c.InitBias }},
}
