#!/usr/bin/env bash
# The GPU check of package gpu, in two halves:
#
#   scripts/cuda/device-check.sh build
#       Here (Go + the CUDA 11.8 toolkit of scripts/cuda/install.sh, no GPU
#       needed): cross-builds the test binary of ./gpu/ (parity tests and
#       BenchmarkTrainingStepChains) into gpu-check/ with everything it needs
#       on a GPU machine that has no Go and a different CUDA (see below),
#       checks that it loads, and keeps the folder under 60 MiB.
#
#   bash scripts/cuda/device-check.sh run
#       There (the lent GPU machine; run from the repository root, with
#       gpu-check/ carried along: gpu-check/gpu.test is git-ignored, so name
#       "gpu-check" in the run tool's carry): runs the tests (-test.v) and
#       the benchmark (-test.bench . -test.benchtime 3x), writing the logs
#       and a summary to $OUT (or gpu-check/out).
#
# Libraries on the GPU machine (CUDA 13, probably no Go, unknown OS):
#   - libcuda.so.1 is the machine's driver; its symbols are unversioned, so
#     the binary linked here against Debian's driver library binds to it.
#   - cuBLAS: Debian's is libcublas.so.11, with symbols versioned
#     "libcublas.so.11"; the machine has libcublas.so.13. gpu-check/lib gets
#     a forwarding shim libcublas.so.11 (scripts/cuda/cublas-shim.sh) that
#     dlopens the real library; "run" finds it and sets CHAOSGEN_CUBLAS.
#   - OpenBLAS (the CPU reference backend) and its Fortran runtime are copied
#     into gpu-check/lib.
#   - glibc: the binary needs GLIBC_2.34 (Debian 12 has 2.36). If the
#     machine's loader refuses it, "run" starts it with Debian's loader and
#     libc copied into gpu-check/glibc instead.
set -euo pipefail

DIR=${GPU_CHECK_DIR:-gpu-check}
BIN=$DIR/gpu.test
LIMIT_MIB=60

die() {
	echo "device-check: $*" >&2
	exit 1
}

build() {
	command -v go >/dev/null || die "go not found"
	command -v nvcc >/dev/null || die "nvcc not found: run scripts/cuda/install.sh"
	rm -rf "$DIR"
	mkdir -p "$DIR/lib" "$DIR/glibc"
	echo "device-check: building $BIN"
	go test -c -tags cuda -trimpath -ldflags=-s -o "$BIN" ./gpu/

	scripts/cuda/cublas-shim.sh "$BIN" "$DIR/lib"

	# Non-system shared libraries the binary needs (OpenBLAS and its
	# runtime). The C library, the GCC runtime and CUDA's own libraries are
	# the GPU machine's.
	ldd "$BIN" | awk '$2 == "=>" && $3 ~ /^\// {print $1, $3}' | while read -r name path; do
		case "$name" in
		libc.so.* | libm.so.* | libpthread.so.* | libdl.so.* | librt.so.* | ld-linux* | \
			libgcc_s.so.* | libstdc++.so.* | libcuda.so.* | libcublas*) ;;
		*) cp -L "$path" "$DIR/lib/$name" ;;
		esac
	done

	# Debian's loader and C library, for a machine whose glibc is too old.
	local l
	for l in ld-linux-x86-64.so.2 libc.so.6 libm.so.6 libpthread.so.0 libdl.so.2 librt.so.1 libgcc_s.so.1; do
		cp -L "/lib/x86_64-linux-gnu/$l" "$DIR/glibc/$l"
	done

	# Self-check: with the shim forwarding to Debian's real cuBLAS 11, every
	# symbol must bind (LD_BIND_NOW) and the binary must reach cuInit, which
	# fails here without a GPU ("NoDevice"). Same through Debian's loader.
	local real out rc
	real=$(readlink -f "$(ldconfig -p | awk '/libcublas\.so\.11 / {print $NF; exit}')")
	[ -f "$real" ] || die "Debian's libcublas.so.11 not found"
	for mode in system bundled; do
		set +e
		if [ "$mode" = system ]; then
			out=$(LD_LIBRARY_PATH="$DIR/lib" LD_BIND_NOW=1 CHAOSGEN_CUBLAS="$real" "$BIN" -test.list 'NONE' 2>&1)
		else
			out=$(LD_BIND_NOW=1 CHAOSGEN_CUBLAS="$real" "$DIR/glibc/ld-linux-x86-64.so.2" \
				--library-path "$DIR/glibc:$DIR/lib" "$BIN" -test.list 'NONE' 2>&1)
		fi
		rc=$?
		set -e
		if [ $rc = 0 ]; then
			echo "device-check: $mode loader: binary loads and found a GPU"
		elif grep -q "Error in initialization" <<<"$out"; then
			echo "device-check: $mode loader: binary loads, all symbols bind; cuInit fails here as expected (no GPU)"
		else
			echo "$out" >&2
			die "$mode loader: the binary does not load with the shim (rc $rc)"
		fi
	done

	local size
	size=$(du -sb "$DIR" | cut -f1)
	du -sh "$DIR"/* "$DIR"/lib/* "$DIR"/glibc
	[ "$size" -le $((LIMIT_MIB << 20)) ] || die "$DIR is $((size >> 20)) MiB, over $LIMIT_MIB MiB"
	echo "device-check: $DIR is $((size >> 20)) MiB; run it with: bash scripts/cuda/device-check.sh run   (carry: [\"$DIR\"])"
}

# find_cublas prints the path of the GPU machine's newest real cuBLAS
# (12 or later), or nothing.
find_cublas() {
	if [ -n "${CHAOSGEN_CUBLAS:-}" ]; then
		echo "$CHAOSGEN_CUBLAS"
		return
	fi
	local p
	for v in 13 12; do
		p=$({ ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null || true; } |
			awk -v s="libcublas.so.$v" '$1 == s {print $NF; exit}')
		if [ -n "$p" ]; then
			echo "$p"
			return
		fi
		p=$(find /usr/local /usr/lib /usr/lib64 /lib /opt /usr/local/lib /root 2>/dev/null \
			-maxdepth 7 -name "libcublas.so.$v*" ! -name '*Lt*' -print 2>/dev/null | sort | head -n 1)
		if [ -n "$p" ]; then
			echo "$p"
			return
		fi
	done
}

run() {
	[ -f "$BIN" ] || die "$BIN missing: run 'scripts/cuda/device-check.sh build' first and carry $DIR"
	local out=${OUT:-$DIR/out}
	mkdir -p "$out"
	chmod +x "$BIN" "$DIR/glibc/ld-linux-x86-64.so.2" 2>/dev/null || true
	local sum=$out/summary.txt
	: >"$sum"
	note() { echo "$*" | tee -a "$sum"; }

	{
		uname -a
		cat /etc/os-release 2>/dev/null | head -n 3
		ldd --version 2>&1 | head -n 1
		nvidia-smi 2>&1 || echo "nvidia-smi not available"
	} >"$out/env.txt" 2>&1

	local cublas
	cublas=$(find_cublas)
	[ -n "$cublas" ] || die "no libcublas.so.13 or .so.12 found on this machine (set CHAOSGEN_CUBLAS)"
	cublas=$(readlink -f "$cublas")
	export CHAOSGEN_CUBLAS=$cublas
	export LD_LIBRARY_PATH="$PWD/$DIR/lib:$(dirname "$cublas")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
	export CHAOSGEN_CUBLAS_SHIM_VERBOSE=1
	note "real cuBLAS: $cublas"

	# Which loader: the machine's, unless it refuses the binary.
	local -a runner=()
	local probe rc
	set +e
	probe=$("$BIN" -test.list 'NONE' 2>&1)
	rc=$?
	set -e
	if [ $rc != 0 ] && grep -qE "GLIBC_|version .* not found|error while loading shared libraries" <<<"$probe"; then
		note "system loader refused the binary: $(head -n 2 <<<"$probe" | tr '\n' ' ')"
		runner=("$PWD/$DIR/glibc/ld-linux-x86-64.so.2" --library-path "$PWD/$DIR/glibc:$LD_LIBRARY_PATH")
		set +e
		probe=$("${runner[@]}" "$BIN" -test.list 'NONE' 2>&1)
		rc=$?
		set -e
		note "using Debian's loader and libc from $DIR/glibc"
	fi
	echo "$probe" >"$out/probe.txt"
	if [ $rc != 0 ]; then
		note "the test binary cannot start (rc $rc):"
		note "$probe"
		exit 1
	fi

	note "== tests"
	set +e
	timeout 240 "${runner[@]}" "$BIN" -test.v -test.skip 'MarginCalibration' -test.timeout 230s >"$out/test.log" 2>&1
	local trc=$?
	set -e
	grep -E "^(--- |ok|PASS|FAIL)|margin|gaps:|cpu:|not bit-identical|shim" "$out/test.log" | tee -a "$sum" || true
	note "tests: rc $trc"

	note "== benchmark"
	set +e
	timeout 240 "${runner[@]}" "$BIN" -test.run 'NONE' -test.bench . -test.benchtime 3x -test.timeout 230s >"$out/bench.log" 2>&1
	local brc=$?
	set -e
	grep -E "Benchmark|ms/step|GFLOP|^ok|FAIL" "$out/bench.log" | tee -a "$sum" || true
	note "benchmark: rc $brc"
	[ $trc = 0 ] && [ $brc = 0 ]
}

case "${1:-}" in
build) build ;;
run) run ;;
*)
	echo "usage: $0 build|run" >&2
	exit 2
	;;
esac
