package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/rbm"
	"github.com/chaosgen/chaosgen/chaoslib/runs"
	"github.com/chaosgen/chaosgen/data"
	"github.com/chaosgen/chaosgen/device"
	"github.com/chaosgen/chaosgen/internal/npz"
)

// deviceFlag registers --device, the compute backend of a command.
func deviceFlag(fs *flag.FlagSet) *string {
	return fs.String("device", "cpu", "compute device: "+strings.Join(device.Names(), " or "))
}

// sampleTimeHelp is the help of --t where it is a sampling time.
const sampleTimeHelp = "sampling time, a whole number of Euler steps dt (default: the model's T; 0 is the random start)"

// ckHelp is the per-command help of the checkpoint consumers' shared
// flags; a flag whose help is "" is not registered.
type ckHelp struct {
	checkpoint string // "" for "checkpoint file (.npz) (required)"
	n          string
	nDefault   int
	t          string
	dataset    string
	seed       string
	json       string
}

// ckFlags are the flags of the commands that read a checkpoint (sample,
// eval, attractors, inpaint, lyapunov): --checkpoint, --n, --t, --dataset,
// --seed, --json and --device.
type ckFlags struct {
	fs         *flag.FlagSet
	checkpoint string
	n          int
	t          float64
	dataset    string
	seed       uint64
	json       bool
	device     *string
}

// addCheckpointFlags registers the flags of h on fs.
func addCheckpointFlags(fs *flag.FlagSet, h ckHelp) *ckFlags {
	c := &ckFlags{fs: fs}
	if h.checkpoint == "" {
		h.checkpoint = "checkpoint file (.npz) (required)"
	}
	fs.StringVar(&c.checkpoint, "checkpoint", "", h.checkpoint)
	if h.n != "" {
		fs.IntVar(&c.n, "n", h.nDefault, h.n)
	}
	if h.t != "" {
		fs.Float64Var(&c.t, "t", 0, h.t)
	}
	if h.dataset != "" {
		fs.StringVar(&c.dataset, "dataset", "", h.dataset)
	}
	fs.Uint64Var(&c.seed, "seed", 1, h.seed)
	if h.json != "" {
		fs.BoolVar(&c.json, "json", false, h.json)
	}
	c.device = deviceFlag(fs)
	return c
}

// parse parses args and refuses positional arguments.
func (c *ckFlags) parse(args []string) error {
	if err := parseFlags(c.fs, args); err != nil {
		return err
	}
	return noArgs(c.fs)
}

// requireCheckpoint refuses a command line without --checkpoint.
func (c *ckFlags) requireCheckpoint() error {
	if c.checkpoint == "" {
		return errors.New("--checkpoint FILE is required")
	}
	return nil
}

// tGiven reports whether --t was on the command line.
func (c *ckFlags) tGiven() bool { return setFlag(c.fs, "t") }

// time returns --t, or def when --t was not given, checked (checkTime).
func (c *ckFlags) time(cfg chaoslib.Config, def float64) (float64, error) {
	t := def
	if c.tGiven() {
		t = c.t
	}
	return t, checkTime("t", t, cfg)
}

// open loads the --checkpoint's model on the --device backend and the
// --dataset (default: the checkpoint's) with its 1-NN classifier; closeAll
// releases the model and the backend. check (may be nil) sees the
// checkpoint's config before the data are loaded, so that flags checked
// against the model (--t, memory) fail at once.
func (c *ckFlags) open(check func(chaoslib.Config) error) (m *chaoslib.Model, ck *chaoslib.Checkpoint, d *runs.Data, closeAll func(), err error) {
	if ck, err = loadCheckpoint(c.checkpoint); err != nil {
		return nil, nil, nil, nil, err
	}
	if check != nil {
		if err := check(ck.Config); err != nil {
			return nil, nil, nil, nil, err
		}
	}
	dataset := c.dataset
	if dataset == "" {
		dataset = ck.Config.Dataset
	}
	if err := checkDataset(dataset); err != nil {
		return nil, nil, nil, nil, err
	}
	if ck.Config.N != data.Pixels {
		return nil, nil, nil, nil, fmt.Errorf("--checkpoint: the model has N = %d visible units, not the %d pixels of %s's images", ck.Config.N, data.Pixels, dataset)
	}
	be, d, err := openDeviceAndData(*c.device, dataset)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	if m, err = ck.Model(be); err != nil {
		be.Close()
		return nil, nil, nil, nil, err
	}
	return m, ck, d, func() { m.Free(); be.Close() }, nil
}

// printJSON writes v as indented JSON to standard output.
func printJSON(v any) error {
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// loadCheckpoint is chaoslib.LoadCheckpoint for --checkpoint; an RBM's file
// is named as such, since of the commands only eval reads those.
func loadCheckpoint(path string) (*chaoslib.Checkpoint, error) {
	ck, err := chaoslib.LoadCheckpoint(path)
	if fe := (*npz.FormatError)(nil); errors.As(err, &fe) && fe.Format == rbm.FileFormat {
		return nil, fmt.Errorf("--checkpoint: %s is an RBM's file; of the commands, only eval reads those", path)
	}
	if err != nil {
		return nil, fmt.Errorf("--checkpoint: %v", err)
	}
	return ck, nil
}
