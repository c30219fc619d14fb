#!/usr/bin/env bash
# Installs the CUDA 11.8 toolchain from Debian 12's contrib/non-free
# components: headers and libraries (nvidia-cuda-dev), nvcc
# (nvidia-cuda-toolkit) and the driver API library libcuda.so (libcuda1).
#
# Idempotent: the sources file is edited only when it lacks the components,
# and apt is not touched when every package is already installed.
# Needs root. About 1.5 GB to download and 5 GB installed.
#
# --no-install-recommends keeps apt from pulling in the kernel driver
# (nvidia-kernel-dkms and friends), which cannot be built or loaded in a
# container and is not needed to compile, vet or link the cuda build.
set -euo pipefail

PKGS=(nvidia-cuda-dev nvidia-cuda-toolkit libcuda1)
SOURCES=/etc/apt/sources.list.d/debian.sources

have_all() {
	local p
	for p in "${PKGS[@]}"; do
		[[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" == *'install ok installed'* ]] || return 1
	done
	command -v nvcc >/dev/null 2>&1
}

if have_all; then
	echo "cuda/install.sh: CUDA packages already installed ($(nvcc --version | tail -n 2 | head -n 1))"
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "cuda/install.sh: must run as root" >&2
	exit 1
fi

# Add contrib and non-free to every Components: line that lacks them.
if [ -f "$SOURCES" ]; then
	changed=0
	for comp in contrib non-free; do
		if grep -E '^Components:' "$SOURCES" | grep -vE "(^|[[:space:]])${comp}([[:space:]]|$)" >/dev/null; then
			sed -i -E "/^Components:/{/(^|[[:space:]])${comp}([[:space:]]|\$)/!s/\$/ ${comp}/}" "$SOURCES"
			changed=1
		fi
	done
	[ "$changed" = 1 ] && echo "cuda/install.sh: added contrib non-free to $SOURCES"
else
	echo "cuda/install.sh: $SOURCES not found; expecting contrib non-free to be enabled elsewhere" >&2
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${PKGS[@]}"

nvcc --version | tail -n 2
