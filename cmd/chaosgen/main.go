// Command chaosgen trains, samples, scores and plots the chaotic generative
// networks of Fournier & Urbani (2024). Run `chaosgen help` for the
// subcommands.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"

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
	if len(os.Args) < 2 || os.Args[1] == "help" || os.Args[1] == "-h" || os.Args[1] == "--help" {
		usage()
		if len(os.Args) < 2 {
			os.Exit(2)
		}
		return
	}
	cmd, ok := commands[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "chaosgen: unknown command %q\n\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	if hint := openblas.Hint(); hint != "" && os.Args[1] != "data" {
		fmt.Fprintln(os.Stderr, "chaosgen: note:", hint)
	}
	if err := cmd.run(os.Args[2:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintf(os.Stderr, "chaosgen %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
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

// noArgs rejects positional arguments left after flag parsing.
func noArgs(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (flags go before nothing else; see -h)", fs.Arg(0))
	}
	return nil
}
