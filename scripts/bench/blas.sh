#!/usr/bin/env bash
# blas.sh — measure, in one run, the BLAS candidates for the training step on
# this machine: OpenBLAS's kernel families (OPENBLAS_CORETYPE), chaosgen's own
# choice (no variable), BLIS (if installed; swapped in with LD_PRELOAD), with
# 1 and 2 BLAS threads, and the PyTorch reference step (if python3-torch is
# installed) with the same kernels.
#
# Usage: scripts/bench/blas.sh [bench flags…]   (default: the 2-layer paper step;
#        the PyTorch rows run only for the default, the step reference_step.py runs)
# Output: one line per candidate: ms/step, GFLOP/s, SGEMM GFLOP/s, ratio.
set -euo pipefail
cd "$(dirname "$0")/../.."
args=("$@")
default_step=0 # the step that scripts/bench/reference_step.py also runs
[ ${#args[@]} -gt 0 ] || { args=(--preset paper --model restricted --hidden 500 --batch 200 --chains 200 --dt 0.2 --T 4); default_step=1; }
go build -o out/chaosgen-bench ./cmd/chaosgen
bench() { # label, then env assignments
	local label=$1
	shift
	env -u OPENBLAS_CORETYPE "$@" out/chaosgen-bench bench "${args[@]}" --json |
		python3 -c 'import json,sys; r=json.load(sys.stdin); print(f"%-34s %8.2f ms/step %7.1f GFLOP/s   SGEMM %7.1f GFLOP/s   ratio %.2f   [%s]" % (sys.argv[1], r["ms_per_step"], r["gflops"], r["gemm_gflops"], r["ratio"], r.get("blas_kernel","")))' "$label" ||
		echo "$label: failed (a kernel family this CPU lacks, or --chains with several values: give one)"
}
lscpu | grep -E 'Model name|^CPU\(s\)|Thread' | tr -s ' '
bench "chaosgen default (no variable)"
for core in Prescott Haswell Zen SkylakeX Cooperlake; do
	for th in 1 2; do
		bench "OPENBLAS_CORETYPE=$core threads=$th" OPENBLAS_CORETYPE=$core OPENBLAS_NUM_THREADS=$th
	done
done
blis=$(ls /usr/lib/x86_64-linux-gnu/blis-pthread/libblis.so.4 2>/dev/null || true)
if [ -n "$blis" ]; then
	for th in 1 2; do
		bench "BLIS (LD_PRELOAD) threads=$th" LD_PRELOAD="$blis" BLIS_NUM_THREADS=$th
	done
else
	echo "BLIS: not installed (apt-get install libblis4-pthread)"
fi
py=""
for p in python3 /usr/bin/python3; do
	if "$p" -c "import torch" 2>/dev/null; then py=$p; break; fi
done
if [ "$default_step" = 0 ]; then
	echo "PyTorch: left out (reference_step.py runs the default step only, not the flags given)"
elif [ -n "$py" ]; then
	for th in 1 2; do
		printf '%-34s ' "PyTorch, no variable, threads=$th"
		env -u OPENBLAS_CORETYPE OPENBLAS_NUM_THREADS=$th "$py" scripts/bench/reference_step.py --threads $th --repeat 20
		for core in Haswell SkylakeX; do
			printf '%-34s ' "PyTorch $core threads=$th"
			OPENBLAS_CORETYPE=$core OPENBLAS_NUM_THREADS=$th "$py" scripts/bench/reference_step.py --threads $th --repeat 20
		done
	done
else
	echo "PyTorch: not installed (apt-get install python3-torch)"
fi
