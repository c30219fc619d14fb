#!/usr/bin/env bash
# Rebuild pretrained/ from finished run folders, then RESULTS.md and the grids.
#
#   scripts/pretrained.sh RUNS
#
# RUNS holds one `chaosgen train` run folder per case (<model>-<dataset>/) and one
# `chaosgen rbm` run per data set (rbm-<dataset>/). For each, a chaotic run's
# last checkpoint is packed for sampling (`chaosgen pack --sampling --float16`:
# the averaged parameters only, in half floats, the fixed couplings redrawn from
# the seed on load) and an RBM's last checkpoint is copied as it is; then
# config.json and metrics.csv are copied.
# Then `go run ./scripts/results` scores them all (RESULTS.md at n = 10,000,
# pretrained/results.json with both the n = 1,000 check values and the
# n = 10,000 ones, docs/results/*.png).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:?usage: scripts/pretrained.sh RUNS}
go build -o out/chaosgen-pretrained ./cmd/chaosgen
cg=out/chaosgen-pretrained
last() { ls "$1"/checkpoints/step-*.npz | sort | tail -n 1; }
for src in "$runs"/*/; do
	src=${src%/}
	name=$(basename "$src")
	case $name in
	*-mnist) ;; # <model>-mnist, <model>-fashion-mnist, rbm-<dataset>
	*) continue ;;
	esac
	dst=pretrained/$name
	rm -rf "$dst"
	mkdir -p "$dst/checkpoints"
	ck=$(last "$src")
	case $name in # the checkpoint first: pack refuses to write into a folder that already holds a run
	rbm-*) cp "$ck" "$dst/checkpoints/" ;;
	*) "$cg" pack --sampling --float16 --checkpoint "$ck" --out "$dst/checkpoints/$(basename "$ck")" ;;
	esac
	cp "$src/config.json" "$src/metrics.csv" "$dst/"
done
du -sh pretrained
go run ./scripts/results
