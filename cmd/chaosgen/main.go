// Command chaosgen trains, samples, scores and plots the chaotic generative
// networks of Fournier & Urbani (2024). Run `chaosgen help` for the
// subcommands.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/chaosgen/chaosgen/internal/openblas"
)

// command is one subcommand. run gets the arguments after the subcommand's
// name and returns an error to print; flag.ErrHelp means usage was shown.
type command struct {
	summary string
	run     func(args []string) error
}

var commands = map[string]command{}

// register adds a subcommand; each subcommand's file calls it from init.
func register(name, summary string, run func(args []string) error) {
	if _, dup := commands[name]; dup {
		panic("chaosgen: subcommand registered twice: " + name)
	}
	commands[name] = command{summary, run}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: chaosgen <command> [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(os.Stderr, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(os.Stderr, "\nRun `chaosgen <command> -h` for a command's flags.")
}

func main() {
	if len(os.Args) > 1 && os.Args[1] != "data" {
		openblas.Choose() // before any BLAS work: the fastest kernels, unless OPENBLAS_CORETYPE is set
	}
	os.Exit(run(os.Args[1:]))
}

// logsKernel lists the commands whose log names the OpenBLAS kernels in use
// (bench reports them in its result).
var logsKernel = map[string]bool{"train": true, "rbm": true, "sweep": true}

// Exit codes of run.
const (
	exitOK    = 0 // done, or help shown
	exitError = 1 // the command failed (bad flag, missing file, …): one "chaosgen CMD: …" line
	exitUsage = 2 // no command, or an unknown one: the usage is shown
	// exitInterrupted (128 + SIGINT, as shells report) follows SIGINT or
	// SIGTERM once the command has saved its state (errInterrupted).
	exitInterrupted = 130
)

// run dispatches args (without the program name) to a subcommand and
// returns the exit code.
func run(args []string) int {
	if len(args) < 1 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage()
		if len(args) < 1 {
			return exitUsage
		}
		return exitOK
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(os.Stderr, "chaosgen: unknown command %q\n\n", args[0])
		usage()
		return exitUsage
	}
	if logsKernel[args[0]] {
		fmt.Fprintln(os.Stderr, "chaosgen: OpenBLAS", openblas.Current())
	}
	if err := cmd.run(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		if errors.Is(err, errInterrupted) {
			return exitInterrupted
		}
		fmt.Fprintf(os.Stderr, "chaosgen %s: %v\n", args[0], err)
		return exitError
	}
	return exitOK
}

// newFlags returns a FlagSet for a subcommand that reports errors instead of
// exiting, so that every bad flag ends in one "chaosgen CMD: …" line and exit 1.
func newFlags(name, usageLine string) *flag.FlagSet {
	fs := flag.NewFlagSet("chaosgen "+name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: chaosgen %s %s\n\nflags:\n", name, usageLine)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args into fs, reading an integer flag's value that has
// leading zeros as decimal: --seed 010 is 10, where Go's flag package reads
// 010 as octal 8 and refuses 08. Zero-padded numbers are what scripts make
// with e.g. `seq -w`. -h and --help print the usage; a bad flag returns the
// parser's error with a pointer to them, without the flag list that the
// flag package would print above it.
func parseFlags(fs *flag.FlagSet, args []string) error {
	out := fs.Output()
	var printed bytes.Buffer
	fs.SetOutput(&printed)
	err := fs.Parse(decimalInts(fs, args))
	fs.SetOutput(out)
	switch {
	case errors.Is(err, flag.ErrHelp):
		_, _ = printed.WriteTo(out)
	case err != nil:
		return fmt.Errorf("%w (the flags: %s -h)", err, fs.Name())
	}
	return err
}

// decimalInts returns a copy of args in which every integer flag's value
// lost its leading zeros (see parseFlags). It follows the flag package's
// syntax: -name=value or -name value, with one dash or two; a boolean flag
// takes no separate value; the flags end at "--" or at the first argument
// that is not a flag (and at an unknown flag, which Parse then reports).
func decimalInts(fs *flag.FlagSet, args []string) []string {
	out := slices.Clone(args)
	for i := 0; i < len(out); i++ {
		a := out[i]
		if len(a) < 2 || a[0] != '-' || a == "--" {
			break
		}
		name, val, inline := strings.Cut(strings.TrimPrefix(a[1:], "-"), "=")
		f := fs.Lookup(name)
		if f == nil {
			break
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			continue
		}
		if !inline {
			if i++; i == len(out) {
				break
			}
			val = out[i]
		}
		if g, ok := f.Value.(flag.Getter); ok {
			switch g.Get().(type) {
			case int, int64, uint, uint64:
				out[i] = out[i][:len(out[i])-len(val)] + withoutLeadingZeros(val)
			}
		}
	}
	return out
}

// withoutLeadingZeros returns s, a signed run of digits, without the zeros
// that lead its digits ("-007" → "-7", "000" → "0"); anything else (0x10,
// 1_000, 1e3) is returned as it is.
func withoutLeadingZeros(s string) string {
	sign, digits := "", s
	if digits != "" && (digits[0] == '-' || digits[0] == '+') {
		sign, digits = digits[:1], digits[1:]
	}
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return s
	}
	if d := strings.TrimLeft(digits, "0"); d != "" {
		return sign + d
	}
	return sign + "0"
}

// noArgs rejects positional arguments left after flag parsing.
func noArgs(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (flags go before nothing else; see -h)", fs.Arg(0))
	}
	return nil
}
