#!/usr/bin/env bash
# install.sh — install what chaosgen needs to build, test and run its notebooks.
#
# The one install script: the README, CI (.ci/run) and the Dockerfile all call it.
# Idempotent: it installs only what is missing, so a second run changes nothing and
# needs no network. Works on Debian 12 / Ubuntu as root, or as a user with sudo
# (sudo is used only for apt-get, and only when something is missing).
#
# Usage: scripts/install.sh [PART ...]        (default: all)
#   deps     Go (see below) + apt: libopenblas-dev gcc g++ git ca-certificates,
#            and nodejs + npm when `npm` is missing. Enough for `go test ./...`.
#   jupyter  apt: jupyter-nbconvert jupyter-notebook jupyter-client python3-nbclient
#            python3-ipykernel (and jupyterlab where the distribution has it),
#            then GoNB + goimports via `go install`, then the GoNB kernel.
#   gonb     only the Go part of `jupyter` (GoNB, goimports, kernel spec); no apt.
#   all      deps + jupyter.
#   --no-jupyter is accepted as a synonym for `deps`.
#   go-env   only the Go part; prints the `export` lines for the Go it chose:
#              eval "$(scripts/install.sh go-env)"
#
# Go: the version is go.mod's `go` line. A new enough `go` on PATH or in
# /usr/local/go is used as it is. Otherwise a Go >= 1.21 from Debian
# (/usr/lib/go-1.N; on Debian 12 golang-1.23-go from bookworm-backports, installed
# here when missing, with a sources entry for the main suite's mirror) is used with
# GOTOOLCHAIN=go<go.mod's version>: Go then fetches that toolchain through the Go
# module proxy. scripts/main.sh and scripts/test.sh use `go-env` to get the same Go.
#
# Environment:
#   GONB_VERSION      GoNB module version            (default v0.11.3)
#   XTOOLS_VERSION    golang.org/x/tools for goimports (default v0.41.0)
#   GOBIN             where `go install` puts gonb and goimports
#                     (default $(go env GOPATH)/bin)
#   JUPYTER_DATA_DIR  where GoNB writes its kernel spec (default ~/.local/share/jupyter;
#                     the Dockerfile uses /usr/local/share/jupyter for all users)
#   INSTALL_GOPLS=1   also install gopls (optional; GoNB works without it)
#
# After it runs, `eval "$(scripts/install.sh go-env)"` puts its Go and $GOBIN on your PATH.
set -euo pipefail

GONB_VERSION="${GONB_VERSION:-v0.11.3}"
XTOOLS_VERSION="${XTOOLS_VERSION:-v0.41.0}"

log() { printf '[install] %s\n' "$*" >&2; }
die() { printf '[install] ERROR: %s\n' "$*" >&2; exit 1; }

# ---- privileges for apt-get ------------------------------------------------
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=(sudo)
	fi
fi

# pkg_installed NAME: true when dpkg has NAME installed.
pkg_installed() {
	[[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == *'install ok installed'* ]]
}

APT_UPDATED=0
apt_update_once() {
	if [ "$APT_UPDATED" -eq 0 ]; then
		log "apt-get update"
		"${SUDO[@]}" apt-get update -qq
		APT_UPDATED=1
	fi
}

# apt_install PKG...: install the packages that are not installed yet.
apt_install() {
	local missing=() p
	for p in "$@"; do
		pkg_installed "$p" || missing+=("$p")
	done
	if [ "${#missing[@]}" -eq 0 ]; then
		log "apt: already installed: $*"
		return 0
	fi
	command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install by hand: ${missing[*]}"
	if [ "$(id -u)" -ne 0 ] && [ "${#SUDO[@]}" -eq 0 ]; then
		die "need root or sudo to install: ${missing[*]}"
	fi
	apt_update_once
	log "apt-get install ${missing[*]}"
	"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# apt_has PKG: true when the package index knows PKG (has an install candidate).
apt_has() {
	local cand
	cand="$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}')"
	[ -n "$cand" ] && [ "$cand" != "(none)" ]
}

# ---- Go --------------------------------------------------------------------
# The Go version the build needs is written once, in go.mod's `go` line. It is
# read from the repository this script belongs to (or from a go.mod copied next
# to it, as the Dockerfile does).
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# go_wanted: the version of go.mod's `go` line, with a patch number (1.26 -> 1.26.0).
go_wanted() {
	local f v
	for f in "$SCRIPT_DIR/../go.mod" "$SCRIPT_DIR/go.mod"; do
		[ -f "$f" ] || continue
		v="$(awk '$1 == "go" {print $2; exit}' "$f")"
		[[ "$v" =~ ^[0-9]+\.[0-9]+$ ]] && v="$v.0"
		[[ "$v" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "cannot read the go version from $f (got '$v')"
		echo "$v"
		return 0
	done
	die "go.mod not found in $SCRIPT_DIR/.. or $SCRIPT_DIR"
}

# go_rank V: an integer that orders Go versions: 1.26.8 > 1.26.0 > 1.26rc1 > 1.25.9.
go_rank() {
	local v="${1#go}" major minor patch=0
	[[ "$v" =~ ^([0-9]+)\.([0-9]+)(\.([0-9]+))?(.*)$ ]] || { echo -1; return; }
	major="${BASH_REMATCH[1]}" minor="${BASH_REMATCH[2]}"
	if [ -n "${BASH_REMATCH[4]}" ]; then
		patch=$((BASH_REMATCH[4] + 1))
	elif [ -z "${BASH_REMATCH[5]}" ]; then
		patch=1 # "1.20": the release itself, before toolchain names had a patch
	fi
	echo $(((10#$major * 1000 + 10#$minor) * 1000 + patch))
}

# go_own_version BIN: the version of the Go binary BIN itself, with no toolchain switch.
go_own_version() { GOTOOLCHAIN=local "$1" env GOVERSION 2>/dev/null || true; }

# go_switches BIN: true when BIN can switch toolchains (Go 1.21 and later).
go_switches() { [ "$(go_rank "$(go_own_version "$1")")" -ge "$(go_rank 1.21.0)" ]; }

# select_go: put a Go that can build this module first on PATH. In order: the
# `go` on PATH, /usr/local/go (the upstream tarball), then Debian's versioned
# /usr/lib/go-1.N (the newest). A Go older than go.mod's that can switch
# toolchains (1.21+) is used with GOTOOLCHAIN=go<go.mod's version>: it then
# fetches that toolchain through the Go module proxy on first use (about 70 MB,
# into the module cache). Returns 1 when there is none.
select_go() {
	local want cand bin
	want="$(go_wanted)"
	cand=()
	command -v go >/dev/null 2>&1 && cand+=("$(command -v go)")
	[ -x /usr/local/go/bin/go ] && cand+=(/usr/local/go/bin/go)
	for bin in $(printf '%s\n' /usr/lib/go-1.*/bin/go | sort -t. -k2,2nr); do
		[ -x "$bin" ] && cand+=("$bin")
	done
	for bin in "${cand[@]}"; do # new enough on its own
		if [ "$(go_rank "$(go_own_version "$bin")")" -ge "$(go_rank "$want")" ]; then
			use_go "$bin" ""
			return 0
		fi
	done
	for bin in "${cand[@]}"; do # old, but can fetch go.mod's toolchain
		if go_switches "$bin"; then
			use_go "$bin" "go$want"
			return 0
		fi
	done
	return 1
}

# use_go BIN TOOLCHAIN: put BIN's directory first on PATH and set GOTOOLCHAIN
# (left as it is when TOOLCHAIN is empty).
use_go() {
	[ "$(command -v go)" = "$1" ] || export PATH="$(dirname "$1"):$PATH"
	[ -z "$2" ] || export GOTOOLCHAIN="$2"
	GO_TOOLCHAIN_SET="$2"
}

# install_go_apt: install a Go from apt that can switch toolchains. On Debian 12
# that is golang-1.23-go from bookworm-backports, whose sources entry (same
# mirror as the main suite) is added first. Elsewhere, the newest golang-1.N-go
# that apt offers.
install_go_apt() {
	local pkg
	command -v apt-get >/dev/null 2>&1 || die "no Go >= $(go_wanted) and no apt-get: install Go by hand (go.dev/doc/install)"
	if [ "$(. /etc/os-release 2>/dev/null && echo "${ID:-}-${VERSION_CODENAME:-}")" = debian-bookworm ]; then
		add_backports bookworm
	fi
	apt_update_once
	if apt_has golang-1.23-go; then
		pkg=golang-1.23-go
	else
		pkg="$(apt-cache pkgnames golang-1. 2>/dev/null | { grep -E '^golang-1\.[0-9]+-go$' || true; } | sort -t. -k2,2n | tail -n 1)"
		[ -n "$pkg" ] || die "apt offers no golang-1.N-go package: install Go $(go_wanted) by hand (go.dev/doc/install)"
	fi
	# ca-certificates: the toolchain is fetched over HTTPS.
	apt_install "$pkg" ca-certificates
}

# add_backports SUITE: add SUITE-backports (component main) on the mirror that
# serves SUITE, unless a sources entry for it exists already.
add_backports() {
	local suite="$1" files uri keyring line
	files=(/etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources)
	if grep -qsE "^[^#]*[[:space:]]$suite-backports([[:space:]]|$)" "${files[@]}"; then
		log "apt: $suite-backports is already a source"
		return 0
	fi
	# deb822 (.sources): the paragraph whose Suites has SUITE; one-line (.list): the deb line.
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		read -r uri keyring < <(awk -v s="$suite" '
			function flush() { if (hit && deb && u != "") { print u, k; found = 1; exit } u = k = ""; hit = deb = 0 }
			/^[[:space:]]*$/ { flush(); next }
			tolower($1) == "types:" { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
			tolower($1) == "uris:" { u = $2 }
			tolower($1) == "signed-by:" { k = $2 }
			tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == s) hit = 1 }
			END { if (!found) flush() }' "$f") || true
		[ -z "${uri:-}" ] || break
	done
	if [ -z "${uri:-}" ]; then
		uri="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk -v s="$suite" '
			$1 == "deb" { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } if ($(i + 1) == s) { print $i; exit } }')"
	fi
	[ -n "${uri:-}" ] || die "no apt source for '$suite' found in /etc/apt; add $suite-backports by hand"
	line="deb ${keyring:+[signed-by=$keyring] }$uri $suite-backports main"
	log "apt: adding /etc/apt/sources.list.d/$suite-backports.list: $line"
	printf '%s\n' "$line" | "${SUDO[@]}" tee "/etc/apt/sources.list.d/$suite-backports.list" >/dev/null
	APT_UPDATED=0
}

# check_go: make sure a Go that builds this module is first on PATH, installing
# one from apt when there is none.
GO_READY=0
GO_TOOLCHAIN_SET=""
check_go() {
	[ "$GO_READY" = 0 ] || return 0
	if ! select_go; then
		log "no Go >= $(go_wanted) that can build this module; installing one with apt"
		install_go_apt
		select_go || die "the Go installed by apt is older than 1.21 and cannot fetch Go $(go_wanted)"
	fi
	local v
	v="$(go env GOVERSION)" || die "$(command -v go) failed (GOTOOLCHAIN=${GOTOOLCHAIN:-}); is the Go module proxy reachable?"
	[ "$(go_rank "$v")" -ge "$(go_rank "$(go_wanted)")" ] ||
		die "Go $v at $(command -v go) is older than go.mod's $(go_wanted)"
	log "Go: $v at $(command -v go)${GO_TOOLCHAIN_SET:+ (GOTOOLCHAIN=$GO_TOOLCHAIN_SET)}"
	GOBIN_DIR="${GOBIN:-$(go env GOPATH)/bin}"
	case ":$PATH:" in
	*":$GOBIN_DIR:"*) ;;
	*) export PATH="$GOBIN_DIR:$PATH" ;;
	esac
	GO_READY=1
}

# print_go_env: the shell lines that give the caller the Go check_go chose:
#   eval "$(scripts/install.sh go-env)"
print_go_env() {
	check_go >&2 # stdout is eval'd by the caller: apt's and Go's messages go to stderr
	printf 'export PATH=%q\n' "$PATH"
	[ -z "$GO_TOOLCHAIN_SET" ] || printf 'export GOTOOLCHAIN=%q\n' "$GO_TOOLCHAIN_SET"
}

# ---- parts -----------------------------------------------------------------
install_deps() {
	check_go
	apt_install libopenblas-dev gcc g++ git ca-certificates
	if command -v npm >/dev/null 2>&1; then
		log "npm: already present ($(npm --version 2>/dev/null || echo '?'))"
	else
		# A nodejs from elsewhere (e.g. NodeSource) ships its own npm; Debian splits them.
		if command -v node >/dev/null 2>&1; then
			apt_install npm
		else
			apt_install nodejs npm
		fi
	fi
}

install_jupyter_apt() {
	apt_install jupyter-nbconvert jupyter-notebook jupyter-client python3-nbclient python3-ipykernel
	if pkg_installed jupyterlab; then
		log "apt: already installed: jupyterlab"
	else
		if apt_has jupyterlab; then
			apt_install jupyterlab
		else
			log "apt: jupyterlab is not packaged here; using the classic Jupyter Notebook"
		fi
	fi
}

# have_tool BIN MODPATH VERSION: true when BIN in GOBIN_DIR was built from MODPATH@VERSION.
have_tool() {
	local bin="$GOBIN_DIR/$1"
	[ -x "$bin" ] && go version -m "$bin" 2>/dev/null |
		awk -v m="$2" -v v="$3" '$1 == "mod" && $2 == m && $3 == v {found = 1} END {exit !found}'
}

# go_install_pinned PKG MODULE VERSION: `go install PKG@VERSION` does not work behind
# a proxy that refuses version lists, so resolve the version in a throwaway module.
go_install_pinned() {
	local pkg="$1" mod="$2" ver="$3" name tmp
	name="$(basename "$pkg")"
	if have_tool "$name" "$mod" "$ver"; then
		log "go: $name $ver already in $GOBIN_DIR"
		return 0
	fi
	log "go install $pkg ($mod $ver) -> $GOBIN_DIR"
	tmp="$(mktemp -d)"
	(
		cd "$tmp"
		go mod init tmp >/dev/null 2>&1
		go get "$pkg@$ver"
		GOBIN="$GOBIN_DIR" go install "$pkg"
	)
	rm -rf "$tmp"
}

install_gonb() {
	check_go
	mkdir -p "$GOBIN_DIR"
	go_install_pinned github.com/janpfeifer/gonb github.com/janpfeifer/gonb "$GONB_VERSION"
	go_install_pinned golang.org/x/tools/cmd/goimports golang.org/x/tools "$XTOOLS_VERSION"
	if [ "${INSTALL_GOPLS:-0}" = 1 ]; then
		go_install_pinned golang.org/x/tools/gopls golang.org/x/tools/gopls "${GOPLS_VERSION:-v0.21.1}"
	fi
	command -v jupyter >/dev/null 2>&1 || die "jupyter not found: run '$0 jupyter' (needs apt) first"
	log "gonb --install (kernel spec in ${JUPYTER_DATA_DIR:-\$HOME/.local/share/jupyter})"
	"$GOBIN_DIR/gonb" --install --force_deps --raw_error --logtostderr=false --log_file=/dev/null
	# Read the whole listing first: `jupyter … | grep -q` can fail under pipefail
	# when grep exits early and jupyter gets SIGPIPE.
	local specs
	specs="$(jupyter kernelspec list 2>/dev/null || true)"
	grep -q '^ *gonb ' <<<"$specs" ||
		die "GoNB kernel is not visible to 'jupyter kernelspec list'"
	log "GoNB kernel: $(awk '$1 == "gonb" {print $2}' <<<"$specs")"
	GONB_INSTALLED=1
}

main() {
	local parts=("$@")
	[ "${#parts[@]}" -gt 0 ] || parts=(all)
	local p
	for p in "${parts[@]}"; do
		case "$p" in
		all) install_deps; install_jupyter_apt; install_gonb ;;
		deps | --no-jupyter) install_deps ;;
		jupyter) install_jupyter_apt; install_gonb ;;
		gonb) install_gonb ;;
		go-env) print_go_env; return 0 ;;
		-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; return 0 ;;
		*) die "unknown part '$p' (want: all, deps, jupyter, gonb, go-env; see --help)" ;;
		esac
	done
	log "done."
	if [ "$GONB_INSTALLED" = 1 ]; then
		case ":${ORIG_PATH}:" in
		*":$GOBIN_DIR:"*) ;;
		*) log "hint: add $GOBIN_DIR to your PATH, e.g.  export PATH=\"$GOBIN_DIR:\$PATH\"" ;;
		esac
	fi
}

ORIG_PATH="$PATH"
GONB_INSTALLED=0
main "$@"
