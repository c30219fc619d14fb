#!/usr/bin/env bash
# check-dockerfile.sh — lint the Dockerfile without Docker (run in CI).
#
# Usage: scripts/check-dockerfile.sh [Dockerfile]     (default: the repo root's Dockerfile; a path given is read from the current folder)
#
# Runs hadolint when it is installed (it is not packaged by Debian 12), and
# always these checks:
#   - every FROM names a version tag or a digest (no :latest, no bare name);
#   - every scripts/... path the Dockerfile mentions exists and is executable;
#   - the Dockerfile runs scripts/install.sh, and so does .ci/run, directly or
#     through a scripts/*.sh it calls (one install path);
#   - the last USER is not root;
#   - ENTRYPOINT uses tini; EXPOSE 8888; a CMD is set;
#   - every apt-get install has -y and --no-install-recommends;
#   - no ADD of a URL (use a package, or COPY).
# Exit status 0 when all pass; 1 with one "FAIL: ..." line per problem otherwise.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DF="${1:-$ROOT/Dockerfile}"
[ -f "$DF" ] || { echo "FAIL: no Dockerfile at $DF" >&2; exit 1; }

fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { echo "ok:   $*"; }

if command -v hadolint >/dev/null 2>&1; then
	if hadolint --ignore DL3008 "$DF"; then ok "hadolint"; else fail "hadolint found problems"; fi
fi

# Instructions: comments dropped, continuation lines joined, one per line,
# as "KEYWORD rest...".
INSTR="$(awk '
	/^[[:space:]]*#/ && cont == "" { next }
	{
		line = $0
		if (line ~ /\\[[:space:]]*$/) { sub(/\\[[:space:]]*$/, "", line); cont = cont line " "; next }
		line = cont line; cont = ""
		if (line ~ /^[[:space:]]*$/) next
		sub(/^[[:space:]]+/, "", line)
		print line
	}
	END { if (cont != "") print cont }
' "$DF")"
kw() { printf '%s\n' "$INSTR" | awk -v k="$1" 'toupper($1) == k'; }

# FROM pinned.
while read -r _ image _; do
	[ -n "${image:-}" ] || continue
	case "$image" in
	scratch) ok "FROM scratch" ;;
	*@sha256:*) ok "FROM $image (digest)" ;;
	*:latest) fail "FROM $image uses :latest; pin a version tag" ;;
	*:*[0-9]*) ok "FROM $image" ;;
	*) fail "FROM $image has no version tag" ;;
	esac
done < <(kw FROM | sed -E 's/--platform=[^ ]+ //')
[ -n "$(kw FROM)" ] || fail "no FROM"

# scripts/... paths exist and are executable (nbcheck is a Go package: a directory).
mapfile -t paths < <(printf '%s\n' "$INSTR" | grep -oE '(^|[ /"=])scripts/[A-Za-z0-9_./-]+' | sed -E 's#^[ /"=]?##' | sort -u)
for p in "${paths[@]}"; do
	if [ -d "$ROOT/$p" ]; then
		ok "$p (directory)"
	elif [ -f "$ROOT/$p" ] && [ -x "$ROOT/$p" ]; then
		ok "$p"
	elif [ -f "$ROOT/$p" ]; then
		fail "$p is not executable (chmod +x)"
	else
		fail "$p does not exist"
	fi
done

# One install script: the Dockerfile's and CI's.
# Here-strings, not pipes: under pipefail, `printf … | grep -q` fails when grep
# exits at its first match before printf has written everything (SIGPIPE).
if grep -qE 'scripts/install\.sh' <<<"$INSTR" && grep -qE 'install\.sh' <<<"$(kw RUN)"; then
	ok "Dockerfile runs scripts/install.sh"
else
	fail "Dockerfile does not run scripts/install.sh"
fi
if [ -f "$ROOT/.ci/run" ]; then
	# .ci/run, or a script or make target it calls (one level), must run install.sh.
	ci_files=("$ROOT/.ci/run")
	while read -r f; do
		[ -f "$ROOT/$f" ] && ci_files+=("$ROOT/$f")
	done < <(grep -oE 'scripts/[A-Za-z0-9_.-]+\.sh|Makefile' "$ROOT/.ci/run" | sort -u)
	grep -qE '(^|[[:space:]])make([[:space:]].*)?[[:space:]]deps' "$ROOT/.ci/run" && ci_files+=("$ROOT/Makefile")
	if grep -qE 'scripts/install\.sh' "${ci_files[@]}" 2>/dev/null; then
		ok "CI runs scripts/install.sh ($(grep -lE 'scripts/install\.sh' "${ci_files[@]}" | sed "s#^$ROOT/##" | head -n 1))"
	else
		fail ".ci/run does not run scripts/install.sh (directly or through the scripts it calls): CI and the image would install differently"
	fi
else
	echo "warn: no .ci/run yet; cannot check that CI uses scripts/install.sh" >&2
fi

# Non-root user.
last_user="$(kw USER | tail -n 1 | awk '{print $2}')"
case "${last_user%%:*}" in
"") fail "no USER: the image would run as root" ;;
root | 0) fail "last USER is $last_user" ;;
*) ok "USER $last_user" ;;
esac

# ENTRYPOINT, EXPOSE, CMD.
if grep -qE '"(/usr/bin/)?tini"|^ENTRYPOINT +(/usr/bin/)?tini( |$)' <<<"$(kw ENTRYPOINT)"; then ok "ENTRYPOINT tini"; else fail "ENTRYPOINT does not use tini"; fi
if grep -qwE '8888(/tcp)?' <<<"$(kw EXPOSE)"; then ok "EXPOSE 8888"; else fail "no EXPOSE 8888"; fi
if [ -n "$(kw CMD)" ]; then ok "CMD set"; else fail "no CMD"; fi

# apt-get install flags, per command (split RUN lines at && ; |).
while IFS= read -r cmd; do
	case "$cmd" in *"apt-get install"* | *"apt install"*) ;; *) continue ;; esac
	short="$(printf '%s' "$cmd" | sed -E 's/^[[:space:]]+//' | cut -c1-80)"
	grep -qE '(^|[[:space:]])(-y|--yes|--assume-yes|-[a-z]*y[a-z]*)([[:space:]]|$)' <<<"$cmd" ||
		fail "apt-get install without -y: $short"
	grep -q -- '--no-install-recommends' <<<"$cmd" ||
		fail "apt-get install without --no-install-recommends: $short"
done < <(kw RUN | sed -E 's/(&&|;|\|\|)/\n/g')
ok "apt-get install flags checked"

# No ADD of URLs.
if grep -qiE '(https?|ftp)://' <<<"$(kw ADD)"; then fail "ADD of a URL: $(kw ADD | grep -iE '(https?|ftp)://' | head -n 1)"; else ok "no ADD of URLs"; fi

if [ "$fails" -gt 0 ]; then
	echo "check-dockerfile: $fails problem(s) in $DF" >&2
	exit 1
fi
echo "check-dockerfile: $DF ok"
