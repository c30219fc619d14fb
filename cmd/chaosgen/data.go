package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/chaosgen/chaosgen/data"
)

func init() {
	register("data", "fetch, inspect and locate the MNIST / Fashion-MNIST data", runData)
}

const dataUsage = `usage: chaosgen data <fetch|info|path> [flags]

  fetch [--dir DIR]                                  download, convert and verify both data sets
  info  [--dataset mnist|fashion-mnist] [--json] [--dir DIR]
                                                     split sizes, class counts, skipped entries, checksums
  path  [--dir DIR]                                  print the data directory

The data directory is $CHAOSGEN_DATA, else $XDG_CACHE_HOME/chaosgen, else ~/.cache/chaosgen.
`

func runData(args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, dataUsage)
		return errors.New("missing subcommand: fetch, info or path")
	}
	switch args[0] {
	case "fetch":
		return runDataFetch(args[1:])
	case "info":
		return runDataInfo(args[1:])
	case "path":
		return runDataPath(args[1:])
	case "-h", "-help", "--help", "help":
		fmt.Fprint(os.Stderr, dataUsage)
		return flag.ErrHelp
	}
	return fmt.Errorf("unknown subcommand %q (valid: fetch, info, path)", args[0])
}

func runDataFetch(args []string) error {
	fs := newFlags("data fetch", "[--dir DIR]")
	dir := fs.String("dir", data.Dir(), "data directory")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *dir == "" {
		return errors.New("flag --dir: empty directory")
	}
	return data.Fetch(*dir, os.Stderr)
}

func runDataPath(args []string) error {
	fs := newFlags("data path", "[--dir DIR]")
	dir := fs.String("dir", data.Dir(), "data directory")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	fmt.Println(*dir)
	return nil
}

func runDataInfo(args []string) error {
	fs := newFlags("data info", "[--dataset mnist|fashion-mnist] [--json] [--dir DIR]")
	dir := fs.String("dir", data.Dir(), "data directory")
	dataset := fs.String("dataset", "", "data set: "+strings.Join(data.Datasets(), " or ")+" (default: both)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	names := data.Datasets()
	if *dataset != "" {
		names = []string{*dataset}
	}
	var infos []*data.Info
	for _, ds := range names {
		in, err := data.Inspect(*dir, ds)
		if err != nil {
			return fmt.Errorf("flag --dataset: %w", err)
		}
		infos = append(infos, in)
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		var err error
		if len(infos) == 1 {
			err = enc.Encode(infos[0])
		} else {
			err = enc.Encode(infos)
		}
		if err != nil {
			return err
		}
	} else {
		for _, in := range infos {
			printInfo(in)
		}
	}
	for _, in := range infos {
		if !in.OK {
			return fmt.Errorf("%s: data missing or not verified in %s; run `chaosgen data fetch`", in.Dataset, in.Dir)
		}
	}
	return nil
}

func printInfo(in *data.Info) {
	fmt.Printf("%s (%s)\n  source: %s\n  split:  %s\n", in.Dataset, in.Dir, in.Source, in.SplitRule)
	for _, sp := range in.Splits {
		fmt.Printf("  %-5s %6d images, per class %v\n", sp.Split, sp.Images, sp.ClassCounts)
	}
	fmt.Printf("  skipped source entries: %d\n", in.Skipped)
	for _, f := range in.Files {
		st := f.Status
		if f.OK && !f.GzipPinned {
			st += " (IDX data verified; .gz bytes differ from pin: other compressor)"
		}
		fmt.Printf("  %-42s %s\n", f.Name, st)
	}
}
