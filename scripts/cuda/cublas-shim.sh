#!/usr/bin/env bash
# Builds a forwarding shim libcublas.so.11 for running a binary linked here
# (against Debian's cuBLAS 11) on a machine that has a newer cuBLAS
# (libcublas.so.13 or .so.12) and no libcublas.so.11.
#
# Usage: cublas-shim.sh BINARY OUTDIR
#
# Why: cuBLAS versions its symbols by soname. A binary linked against
# Debian's libcublas.so.11 records "needs libcublas.so.11" and
# "cublasSgemm_v2@libcublas.so.11" etc., which a libcublas.so.13 (whose
# symbols are cublasSgemm_v2@@libcublas.so.13) cannot satisfy, so the binary
# does not even start.
#
# What: a small shared library with soname libcublas.so.11 that defines, under
# the version node libcublas.so.11, every cuBLAS symbol BINARY imports. Each
# one is a single indirect jump (x86-64) through a table that a constructor
# fills, before the program's own code runs, by dlopen()ing the real library
# and dlsym()ing each name (the real library's default version). The jump
# leaves every argument register and the stack untouched, so no signature is
# needed; it relies on the cuBLAS C API of the functions actually called
# being the same in both versions, which holds for what package gpu calls
# (cublasCreate_v2, cublasDestroy_v2, cublasSgemm_v2).
#
# The real library is the first of: $CHAOSGEN_CUBLAS (a path or a soname),
# libcublas.so.13, libcublas.so.12, found on the usual search path
# (LD_LIBRARY_PATH, then the system's). A name the real library lacks points
# to a stub that reports it and aborts if called. Set
# CHAOSGEN_CUBLAS_SHIM_VERBOSE=1 to print what was loaded.
set -euo pipefail

bin=${1:?usage: cublas-shim.sh BINARY OUTDIR}
out=${2:?usage: cublas-shim.sh BINARY OUTDIR}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Imported cuBLAS symbols, without their @version.
nm -D --undefined-only "$bin" | awk '{print $2}' | sed 's/@.*//' | { grep -E '^cublas' || true; } | sort -u >"$work/syms"
n=$(wc -l <"$work/syms")
if [ "$n" = 0 ]; then
	echo "cublas-shim: $bin imports no cuBLAS symbol" >&2
	exit 1
fi
soname=$(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(libcublas\.so\.[0-9]*\)\].*/\1/p' | head -n 1)
if [ -z "$soname" ]; then
	echo "cublas-shim: $bin does not need a libcublas.so.N" >&2
	exit 1
fi

{
	echo '#define _GNU_SOURCE'
	echo '#include <dlfcn.h>'
	echo '#include <stdio.h>'
	echo '#include <stdlib.h>'
	echo '#include <string.h>'
	echo "#define NSYM $n"
	echo 'static const char *const names[NSYM] = {'
	sed 's/.*/\t"&",/' "$work/syms"
	echo '};'
	cat <<'EOF'
__attribute__((visibility("hidden"))) void *cg_shim_ptrs[NSYM];
static char missing[4096];
static char loaded[512];

static void cg_shim_missing(void)
{
	fprintf(stderr, "chaosgen cublas shim: %s lacks a function that was called; missing: %s\n",
		loaded, missing);
	abort();
}

__attribute__((constructor)) static void cg_shim_init(void)
{
	const char *cands[] = {getenv("CHAOSGEN_CUBLAS"), "libcublas.so.13", "libcublas.so.12"};
	void *h = NULL;
	const char *err = "";
	for (unsigned i = 0; i < sizeof cands / sizeof cands[0] && h == NULL; i++) {
		if (cands[i] == NULL || cands[i][0] == 0) {
			continue;
		}
		h = dlopen(cands[i], RTLD_NOW | RTLD_LOCAL);
		if (h != NULL) {
			snprintf(loaded, sizeof loaded, "%s", cands[i]);
		} else {
			err = dlerror();
		}
	}
	if (h == NULL) {
		fprintf(stderr, "chaosgen cublas shim: cannot load a real cuBLAS (CHAOSGEN_CUBLAS, libcublas.so.13, libcublas.so.12): %s\n", err);
		exit(127);
	}
	Dl_info self, got;
	if (dladdr((void *)cg_shim_missing, &self) == 0) {
		self.dli_fbase = NULL;
	}
	int nmiss = 0;
	for (int i = 0; i < NSYM; i++) {
		cg_shim_ptrs[i] = dlsym(h, names[i]);
		if (cg_shim_ptrs[i] != NULL && dladdr(cg_shim_ptrs[i], &got) != 0 && got.dli_fbase == self.dli_fbase) {
			fprintf(stderr, "chaosgen cublas shim: %s resolved to the shim itself, not a real cuBLAS\n", loaded);
			exit(127);
		}
		if (cg_shim_ptrs[i] == NULL) {
			cg_shim_ptrs[i] = (void *)cg_shim_missing;
			if (strlen(missing) + strlen(names[i]) + 2 < sizeof missing) {
				strcat(missing, names[i]);
				strcat(missing, " ");
			}
			nmiss++;
		}
	}
	const char *v = getenv("CHAOSGEN_CUBLAS_SHIM_VERBOSE");
	if (v != NULL && strcmp(v, "1") == 0) {
		fprintf(stderr, "chaosgen cublas shim: forwarding %d functions to %s; %d missing there: %s\n",
			NSYM, loaded, nmiss, missing);
	}
}
EOF
} >"$work/shim.c"

{
	echo '.text'
	i=0
	while read -r s; do
		printf '.globl %s\n.type %s,@function\n.p2align 4\n%s:\n\tjmp *cg_shim_ptrs+%d(%%rip)\n.size %s,.-%s\n' \
			"$s" "$s" "$s" $((8 * i)) "$s" "$s"
		i=$((i + 1))
	done <"$work/syms"
	echo '.section .note.GNU-stack,"",@progbits'
} >"$work/tramp.S"

{
	echo "$soname {"
	echo '  global:'
	sed 's/.*/    &;/' "$work/syms"
	echo '  local: *;'
	echo '};'
} >"$work/shim.map"

gcc -shared -fPIC -O2 -o "$out/$soname" -Wl,-soname,"$soname" -Wl,--version-script="$work/shim.map" \
	"$work/shim.c" "$work/tramp.S" -ldl
echo "cublas-shim: $out/$soname forwards $n cuBLAS functions"
