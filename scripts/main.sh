#!/usr/bin/env bash
# main.sh — the README's main-job command: set up a fresh Debian/Ubuntu
# machine (root or sudo; scripts/install.sh installs Go when needed), fetch the data, then execute
# every notebook headlessly and regenerate every figure of the paper.
#
# Small by default (CHAOSGEN_QUICK=1: tiny models, about 10 minutes on a 2-core machine). For the
# full paper-sized run set CHAOSGEN_QUICK=0 (hours on a laptop CPU).
# Outputs: out/notebooks (executed .ipynb + .html) and out/figures (PNG).
set -euo pipefail
cd "$(dirname "$0")/.."
export CHAOSGEN_QUICK="${CHAOSGEN_QUICK:-1}"
scripts/install.sh all
goenv="$(scripts/install.sh go-env)" # the Go install.sh chose, and GOBIN, on PATH
eval "$goenv"
go run ./cmd/chaosgen data fetch
scripts/run-notebooks.sh out/notebooks
quick=()
[ "$CHAOSGEN_QUICK" = 1 ] && quick=(--quick)
go run ./cmd/chaosgen figures "${quick[@]}" --out out/figures
echo "main.sh: notebooks in out/notebooks, figures in out/figures"
