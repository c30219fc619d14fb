#!/usr/bin/env bash
# install.sh — install what chaosgen needs to build, test and run its notebooks.
#
# The one install script: the README, CI (.ci/run) and the Dockerfile all call it.
# Idempotent: it installs only what is missing, so a second run changes nothing and
# needs no network. Works on Debian 12 / Ubuntu as root, or as a user with sudo
# (sudo is used only for apt-get, and only when something is missing).
#
# Usage: scripts/install.sh [PART ...]        (default: all)
#   deps     Go check (>= 1.26) + apt: libopenblas-dev gcc g++ git ca-certificates,
#            and nodejs + npm when `npm` is missing. Enough for `go test ./...`.
#   jupyter  apt: jupyter-nbconvert jupyter-notebook jupyter-client python3-nbclient
#            python3-ipykernel (and jupyterlab where the distribution has it),
#            then GoNB + goimports via `go install`, then the GoNB kernel.
#   gonb     only the Go part of `jupyter` (GoNB, goimports, kernel spec); no apt.
#   all      deps + jupyter.
#   --no-jupyter is accepted as a synonym for `deps`.
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
# After it runs, make sure $(go env GOPATH)/bin (or $GOBIN) is on your PATH.
set -euo pipefail

GONB_VERSION="${GONB_VERSION:-v0.11.3}"
XTOOLS_VERSION="${XTOOLS_VERSION:-v0.41.0}"
GO_MIN_MAJOR=1
GO_MIN_MINOR=26

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
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
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
check_go() {
	if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
		export PATH="/usr/local/go/bin:$PATH"
	fi
	command -v go >/dev/null 2>&1 ||
		die "Go not found. Install Go ${GO_MIN_MAJOR}.${GO_MIN_MINOR} or newer (see go.dev/doc/install; the Docker image uses golang:1.26-bookworm)."
	local v major minor
	v="$(go env GOVERSION)" # e.g. go1.26.8, go1.27rc1
	v="${v#go}"
	major="${v%%.*}"
	minor="${v#*.}"
	minor="${minor%%[!0-9]*}"
	if ! [[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]] ||
		[ "$major" -lt "$GO_MIN_MAJOR" ] ||
		{ [ "$major" -eq "$GO_MIN_MAJOR" ] && [ "$minor" -lt "$GO_MIN_MINOR" ]; }; then
		die "Go $(go env GOVERSION) is too old (or unparsable): install Go ${GO_MIN_MAJOR}.${GO_MIN_MINOR} or newer (the Docker image uses golang:1.26-bookworm)."
	fi
	log "Go: $(go env GOVERSION) at $(command -v go)"
	GOBIN_DIR="${GOBIN:-$(go env GOPATH)/bin}"
	case ":$PATH:" in
	*":$GOBIN_DIR:"*) ;;
	*) export PATH="$GOBIN_DIR:$PATH" ;;
	esac
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
		-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; return 0 ;;
		*) die "unknown part '$p' (want: all, deps, jupyter, gonb; see --help)" ;;
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
