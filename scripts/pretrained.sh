#!/usr/bin/env bash
# Rebuild pretrained/ from finished run folders, then RESULTS.md and the grids.
#
#   scripts/pretrained.sh RUNS
#
# RUNS holds one `chaosgen train` run folder per case (<model>-<dataset>/) and one
# `chaosgen rbm` run per data set (rbm-<dataset>/); other folders are left out, and
# the cases not in RUNS keep their pretrained/ folder. For each, a chaotic run's
# last checkpoint is packed for sampling (`chaosgen pack --sampling --float16`:
# the averaged parameters only, in half floats, the fixed couplings redrawn from
# the seed on load) and an RBM's last checkpoint is copied as it is; then
# config.json and metrics.csv are copied.
# Then `go run ./scripts/results` scores them all (RESULTS.md at n = 10,000,
# pretrained/results.json with both the n = 1,000 check values and the
# n = 10,000 ones, docs/results/*.png).
set -euo pipefail
runs=${1:?usage: scripts/pretrained.sh RUNS}
runs=$(cd "$runs" && pwd) # read from the caller's folder
cd "$(dirname "$0")/.."
go build -o out/chaosgen-pretrained ./cmd/chaosgen
cg=out/chaosgen-pretrained
found=0
for src in "$runs"/*/; do
	src=${src%/}
	name=$(basename "$src")
	[[ $name =~ ^(unrestricted|restricted|deep|rbm)-(mnist|fashion-mnist)$ ]] || continue # not restricted-mnist-seed2
	ck=$(ls "$src"/checkpoints/step-*.npz 2>/dev/null | sort | tail -n 1) || true
	[ -n "$ck" ] || { echo "pretrained.sh: $src has no checkpoint" >&2; exit 1; }
	dst=pretrained/$name
	rm -rf "$dst.new" # built beside the old one, which is replaced only once this is complete
	mkdir -p "$dst.new/checkpoints"
	case $name in # the checkpoint first: pack refuses to write into a folder that already holds a run
	rbm-*) cp "$ck" "$dst.new/checkpoints/" ;;
	*) "$cg" pack --sampling --float16 --checkpoint "$ck" --out "$dst.new/checkpoints/$(basename "$ck")" ;;
	esac
	cp "$src/config.json" "$src/metrics.csv" "$dst.new/"
	rm -rf "$dst"
	mv "$dst.new" "$dst"
	found=$((found + 1))
done
[ "$found" -gt 0 ] || { echo "pretrained.sh: no <model>-<dataset>/ or rbm-<dataset>/ run folder in $runs" >&2; exit 1; }
du -sh pretrained
go run ./scripts/results
