package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/chaosgen/chaosgen/chaoslib"
)

func init() {
	register("pack", "write a compact checkpoint (fixed couplings redrawn from the seed on load)", runPack)
}

func runPack(args []string) error {
	fs := newFlags("pack", "--checkpoint IN.npz --out OUT.npz")
	in := fs.String("checkpoint", "", "checkpoint to compact (required)")
	out := fs.String("out", "", "compact checkpoint to write (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *in == "" || *out == "" {
		return errors.New("--checkpoint IN and --out OUT are required")
	}
	ck, err := chaoslib.LoadCheckpoint(*in)
	if err != nil {
		return fmt.Errorf("--checkpoint: %v", err)
	}
	ck.Compact()
	if err := ck.Save(*out); err != nil {
		return fmt.Errorf("--out: %v", err)
	}
	a, _ := os.Stat(*in)
	b, _ := os.Stat(*out)
	fmt.Fprintf(os.Stderr, "wrote %s: %.1f MB (from %.1f MB); %d fixed couplings are redrawn from seed %d on load\n",
		*out, float64(b.Size())/1e6, float64(a.Size())/1e6, len(ck.Regenerated), ck.Config.Seed)
	return nil
}
