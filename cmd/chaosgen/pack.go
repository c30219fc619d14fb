package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/device"
)

func init() {
	register("pack", "write a compact checkpoint (fixed couplings redrawn from the seed on load, checked before writing)", runPack)
}

func runPack(args []string) error {
	fs := newFlags("pack", "--checkpoint IN.npz --out OUT.npz [--sampling [--float16]]")
	in := fs.String("checkpoint", "", "checkpoint to compact (required)")
	out := fs.String("out", "", "compact checkpoint to write (required)")
	sampling := fs.Bool("sampling", false, "keep only what sampling needs: the averaged parameters in place of the raw ones, no optimizer state (about 4× smaller with --ema and Adam; cannot --resume)")
	half := fs.Bool("float16", false, "with --sampling: store the parameters as IEEE half floats, each rounded to 11 significant bits (about half the size; the rounded model samples differently from the float32 one)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *in == "" {
		return errors.New("--checkpoint IN is required: the checkpoint to compact")
	}
	if *out == "" {
		return errors.New("--out OUT.npz is required: the compact checkpoint to write")
	}
	if *half && !*sampling {
		return errors.New("--float16 needs --sampling: a checkpoint to resume from keeps float32")
	}
	if err := checkOutputs([]string{*in}, output{"out", *out, ".npz"}); err != nil {
		return err
	}
	ck, err := loadCheckpoint(*in)
	if err != nil {
		return err
	}
	ck.Compact()
	if *sampling {
		ck.ForSampling()
	}
	if *half {
		if err := ck.Float16(); err != nil {
			return err
		}
	}
	if err := verifyRedraw(ck); err != nil {
		return fmt.Errorf("--checkpoint %s: %v; not packed", *in, err)
	}
	if err := ck.Save(*out); err != nil {
		return fmt.Errorf("--out: %v", err)
	}
	a, _ := os.Stat(*in)
	b, _ := os.Stat(*out)
	fmt.Fprintf(os.Stderr, "wrote %s: %.1f MB (from %.1f MB); %d fixed couplings are redrawn from seed %d on load\n",
		*out, float64(b.Size())/1e6, float64(a.Size())/1e6, len(ck.Regenerated), ck.Config.Seed)
	return nil
}

// verifyRedraw rebuilds the compacted ck on the CPU, which redraws its
// fixed couplings from the seed and checks them against the SHA-256 of the
// stored ones: a checkpoint whose couplings are not its seed's would not
// load once packed.
func verifyRedraw(ck *chaoslib.Checkpoint) error {
	be, err := device.Open("cpu")
	if err != nil {
		return err
	}
	defer be.Close()
	m, err := ck.Model(be)
	if err != nil {
		return err
	}
	m.Free()
	return nil
}
