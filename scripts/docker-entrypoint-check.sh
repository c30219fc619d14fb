#!/usr/bin/env bash
# docker-entrypoint-check.sh — without Docker, check on this machine what the
# image does: install with the image's install script, then smoke-test what the
# image's CMD and the CLI use.
#
# Usage: scripts/docker-entrypoint-check.sh [--no-install] [--no-notebook]
#   1. scripts/install.sh all        (the Dockerfile's RUN; skipped by --no-install)
#   2. go build ./cmd/chaosgen; chaosgen help
#   3. the CMD's program: jupyter notebook --version
#   4. jupyter kernelspec list shows gonb
#   5. scripts/run-notebooks.sh on scripts/testdata/smoke.ipynb (GoNB + plots +
#      nbui; about 20 s cold, 5 s warm; skipped by --no-notebook)
# Exit status 0 when all pass.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
install=1 notebook=1
for a in "$@"; do
	case "$a" in
	--no-install) install=0 ;;
	--no-notebook) notebook=0 ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "unknown argument: $a" >&2; exit 2 ;;
	esac
done
step() { printf '\n== %s\n' "$*"; }

if [ "$install" = 1 ]; then
	step "scripts/install.sh all (as in the Dockerfile)"
	scripts/install.sh all
fi
goenv="$(scripts/install.sh go-env)" # Go and GOBIN on PATH
eval "$goenv"
export PYDEVD_DISABLE_FILE_VALIDATION=1

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

step "chaosgen help (the CLI that 'docker run IMAGE chaosgen ...' runs)"
go build -o "$tmp/chaosgen" ./cmd/chaosgen
"$tmp/chaosgen" help

step "the image's CMD program"
cmd="$(awk 'toupper($1) == "CMD"' Dockerfile | tail -n 1)"
echo "$cmd"
case "$cmd" in
*'"jupyter", "notebook"'* | *'"jupyter","notebook"'*) jupyter notebook --version ;;
*'"jupyter", "lab"'* | *'"jupyter","lab"'*) jupyter lab --version ;;
*) echo "unexpected CMD in Dockerfile: $cmd" >&2; exit 1 ;;
esac

step "GoNB kernel"
jupyter kernelspec list
jupyter kernelspec list | awk '$1 == "gonb" {f = 1} END {exit !f}' || { echo "gonb kernel missing" >&2; exit 1; }

if [ "$notebook" = 1 ]; then
	step "smoke notebook"
	scripts/run-notebooks.sh "$tmp/nb" scripts/testdata/smoke.ipynb
fi
echo
echo "docker-entrypoint-check: ok"
