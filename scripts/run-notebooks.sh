#!/usr/bin/env bash
# run-notebooks.sh — execute notebooks headlessly with the GoNB kernel and check them.
#
# Usage: scripts/run-notebooks.sh [OUTDIR] [notebook.ipynb ...]
#   OUTDIR     where the executed notebooks (.ipynb), their HTML, logs and
#              summary.txt go (default out/notebooks under the repo root; a
#              folder that holds one of the notebooks is refused)
#   notebooks  default: every notebooks/*.ipynb, sorted
#
# Environment (passed through to the kernel and so to the cells):
#   CHAOSGEN_QUICK=1  notebooks use tiny sizes (CI runs this way)
#   CHAOSGEN_ROOT     repo root for the notebooks' first cell (default: found from
#                     the notebook's directory with `go env GOMOD`)
#   NB_TIMEOUT        seconds one cell may run (default 1800)
#
# nbconvert runs with --allow-errors and does not fail on a panic or os.Exit in a
# cell, so every executed notebook is then checked by scripts/nbcheck: error
# outputs, panic/exit status/signal lines, cells marked "// expect: image" without
# an image, notebooks without any image. Exit status: 0 when all are ok, 1 otherwise.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { printf '[notebooks] %s\n' "$*" >&2; }
die() { printf '[notebooks] ERROR: %s\n' "$*" >&2; exit 1; }

# Paths given are read from the caller's folder, the defaults from the root.
abspath() { case "$1" in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$PWD" "$1" ;; esac; }
OUTDIR="$ROOT/out/notebooks"
if [ "$#" -gt 0 ]; then
	OUTDIR="$(abspath "$1")"
	shift
fi
NOTEBOOKS=()
for nb in "$@"; do
	NOTEBOOKS+=("$(abspath "$nb")")
done
cd "$ROOT"
if [ "${#NOTEBOOKS[@]}" -eq 0 ]; then
	shopt -s nullglob
	NOTEBOOKS=(notebooks/*.ipynb)
	shopt -u nullglob
	[ "${#NOTEBOOKS[@]}" -gt 0 ] || die "no notebooks/*.ipynb found in $ROOT"
	mapfile -t NOTEBOOKS < <(printf '%s\n' "${NOTEBOOKS[@]}" | LC_ALL=C sort)
fi
for nb in "${NOTEBOOKS[@]}"; do
	[ -f "$nb" ] || die "no such notebook: $nb"
	# nbconvert writes OUTDIR/<name>.ipynb: in the notebook's own folder that
	# would replace the notebook with its executed copy
	if [ -d "$OUTDIR" ] && [ "$(cd "$(dirname "$nb")" && pwd -P)" = "$(cd "$OUTDIR" && pwd -P)" ]; then
		die "OUTDIR $OUTDIR holds $nb itself; its executed copy would replace it: give another OUTDIR"
	fi
done
NB_TIMEOUT="${NB_TIMEOUT:-1800}"

# Tools: Go, goimports and gonb on PATH (GoNB calls goimports), a gonb kernel.
goenv="$(scripts/install.sh go-env)" || die "no usable Go (run scripts/install.sh)"
eval "$goenv"
export PYDEVD_DISABLE_FILE_VALIDATION=1 # silence ipykernel's debugger warning

have_kernel() {
	command -v jupyter >/dev/null 2>&1 && command -v goimports >/dev/null 2>&1 &&
		jupyter kernelspec list 2>/dev/null | awk '$1 == "gonb" {f = 1} END {exit !f}'
}
if ! have_kernel; then
	log "GoNB kernel not found: running scripts/install.sh jupyter"
	scripts/install.sh jupyter
	have_kernel || die "GoNB kernel still missing after scripts/install.sh jupyter"
fi

mkdir -p "$OUTDIR"
OUTDIR="$(cd "$OUTDIR" && pwd)"
TIMES="$OUTDIR/times.tsv"
: >"$TIMES"

# Build the checker first, so that a broken checker fails fast.
NBCHECK="$(mktemp -d)/nbcheck"
trap 'rm -rf "$(dirname "$NBCHECK")"' EXIT
go build -o "$NBCHECK" ./scripts/nbcheck

log "${#NOTEBOOKS[@]} notebook(s) -> $OUTDIR (CHAOSGEN_QUICK=${CHAOSGEN_QUICK:-}, cell timeout ${NB_TIMEOUT}s)"
EXECUTED=()
for nb in "${NOTEBOOKS[@]}"; do
	name="$(basename "$nb")"
	stem="${name%.ipynb}"
	rm -f "$OUTDIR/$name" "$OUTDIR/$stem.html"
	log "running $nb"
	start="$(date +%s.%N)"
	rc=0
	jupyter nbconvert --to notebook --execute --allow-errors \
		--ExecutePreprocessor.timeout="$NB_TIMEOUT" \
		--output-dir "$OUTDIR" "$nb" >"$OUTDIR/$stem.log" 2>&1 || rc=$?
	secs="$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')"
	printf '%s\t%s\t%s\n' "$name" "$secs" "$rc" >>"$TIMES"
	if [ "$rc" -ne 0 ]; then
		log "nbconvert failed on $nb (status $rc); last lines of $OUTDIR/$stem.log:"
		tail -n 15 "$OUTDIR/$stem.log" >&2 || true
	fi
	if [ -f "$OUTDIR/$name" ]; then
		jupyter nbconvert --to html --output-dir "$OUTDIR" "$OUTDIR/$name" >>"$OUTDIR/$stem.log" 2>&1 ||
			log "HTML conversion failed for $name (see $OUTDIR/$stem.log)"
	fi
	log "$name: ${secs}s"
	EXECUTED+=("$OUTDIR/$name")
done

rc=0
"$NBCHECK" -times "$TIMES" "${EXECUTED[@]}" | tee "$OUTDIR/summary.txt" || rc=${PIPESTATUS[0]}
exit "$rc"
