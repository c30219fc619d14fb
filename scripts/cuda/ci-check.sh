#!/usr/bin/env bash
# CI check of the CUDA build on a machine without a GPU (run from the
# repository root):
#   1. installs the CUDA 11.8 toolchain (scripts/cuda/install.sh; idempotent);
#   2. go vet -tags cuda ./...  (the cuda build compiles and vets, cgo included);
#   3. go test -c -tags cuda ./gpu/  (the GPU tests compile and link against
#      libcuda.so.1 and libcublas.so.11; they cannot run here);
#   4. the committed PTX (gpu/kernels/*.ptx) is what the //go:generate line
#      of gpu/doc.go makes from the .cu sources now (nvcc 11.8's PTX is
#      deterministic and carries no paths or dates, so it is compared
#      byte for byte).
set -euo pipefail

root=$(pwd)
[ -f go.mod ] && [ -d gpu ] || {
	echo "cuda/ci-check: run from the repository root" >&2
	exit 1
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== cuda: install toolchain"
bash scripts/cuda/install.sh

echo "== cuda: go vet -tags cuda ./..."
go vet -tags cuda ./...

echo "== cuda: go test -c -tags cuda ./gpu/"
go test -c -tags cuda -o "$tmp/gpu.test" ./gpu/
needed=$(readelf -d "$tmp/gpu.test")
for lib in libcuda.so.1 libcublas.so.11; do # both, as the header says
	grep -F "NEEDED" <<<"$needed" | grep -F "[$lib]" || {
		echo "cuda/ci-check: the GPU tests do not link $lib" >&2
		exit 1
	}
done

echo "== cuda: committed PTX matches the kernels"
gen=$(sed -n 's|^//go:generate ||p' gpu/doc.go)
[ -n "$gen" ] || {
	echo "cuda/ci-check: no //go:generate line in gpu/doc.go" >&2
	exit 1
}
mkdir -p "$tmp/gpu/kernels"
cp gpu/kernels/*.cu "$tmp/gpu/kernels/"
(cd "$tmp/gpu" && eval "$gen")
status=0
for f in "$tmp"/gpu/kernels/*.ptx; do
	name=kernels/$(basename "$f")
	if ! cmp -s "$f" "$root/gpu/$name"; then
		echo "cuda/ci-check: gpu/$name is stale; run 'go generate ./gpu/' (nvcc $(nvcc --version | sed -n 's/.*release \([0-9.]*\).*/\1/p'))" >&2
		diff -u "$root/gpu/$name" "$f" | head -n 40 >&2 || true
		status=1
	fi
done
for f in gpu/kernels/*.ptx; do
	[ -f "$tmp/gpu/kernels/$(basename "$f")" ] || {
		echo "cuda/ci-check: $f has no source" >&2
		status=1
	}
done
if [ $status != 0 ]; then
	echo "cuda: ci-check FAILED" >&2
	exit 1
fi
echo "cuda: PTX up to date"
echo "cuda: ci-check passed"
