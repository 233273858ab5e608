# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Sourced by the tests in tools/tests: a toy kernel tree $K (a git
# repository with a 6.1 Makefile, mm/gup.c and a stub get_maintainer.pl,
# at its base, tag "base") and a copy $W of the workbench whose patches/
# and series hold a two-patch series for it ($P1, $P2), in a temporary
# directory $T removed at exit.  Exports KERNEL_DIR, BASE_REF and
# CACHE_DIR for the tools.
set -euo pipefail
export LC_ALL=C
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
K=$T/linux
W=$T/wb
PH_NAME="GUP Series Placeholder"
PH_EMAIL="placeholder@gup-series.invalid"
export GIT_AUTHOR_NAME=$PH_NAME GIT_AUTHOR_EMAIL=$PH_EMAIL
export GIT_COMMITTER_NAME=$PH_NAME GIT_COMMITTER_EMAIL=$PH_EMAIL
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
unset GUP_LOCKED GUP_SENDER KERNEL_DIR BASE_REF FORCE CACHE GUP_DEPS_TRIED RESULTS_DIR BUILD_ROOT WORK_BRANCH \
	SET DROP E2E SUITE SEND_BRANCH SEND_DIR
# Not the variables of the make that runs us (make test KERNEL_DIR=...):
# they would reach the toy workbench's make through MAKEFLAGS.
unset MAKEFLAGS MFLAGS MAKELEVEL GNUMAKEFLAGS MAKEOVERRIDES
GUP_T0=$(date +%s)
export GUP_T0

g() { git -C "$K" "$@"; }

# --- the toy kernel tree and the workbench copy -----------------------------
git init -q -b master "$K"
printf 'VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 192\n' >"$K/Makefile"
mkdir -p "$K/mm" "$K/scripts"
seq -f 'line %g' 1 20 >"$K/mm/gup.c"
# b4 prep --auto-to-cc runs it (.b4-config): maintainers, then lists.
cat >"$K/scripts/get_maintainer.pl" <<'GM'
#!/bin/sh
case "$*" in
*--nol*) echo "Toy Maintainer <maintainer@example.invalid>" ;;
*) echo "toy-list@example.invalid" ;;
esac
GM
chmod +x "$K/scripts/get_maintainer.pl"
g add -A && g commit -q -m base && g tag base
g checkout -q -b gup-series
sed -i 's/^line 3$/line 3: patched/' "$K/mm/gup.c"
g commit -q -a -m "mm/gup: first change" -m "Signed-off-by: $PH_NAME <$PH_EMAIL>"
sed -i 's/^line 15$/line 15: patched/' "$K/mm/gup.c"
g commit -q -a -m "mm/gup: second change" -m "Signed-off-by: $PH_NAME <$PH_EMAIL>"
mkdir -p "$W/patches"
cp -r "$REPO/tools" "$REPO/Makefile" "$REPO/.b4-config" "$W/"
rm -rf "$W/tools/tests"
g format-patch -q --zero-commit --no-signature --cover-letter -o "$W/patches" base..gup-series
sed -i -e 's/\*\*\* SUBJECT HERE \*\*\*/the toy series/' \
	-e 's/\*\*\* BLURB HERE \*\*\*/A toy series for the bad-input tests./' "$W/patches/0000-cover-letter.patch"
for p in "$W"/patches/[0-9]*.patch; do
	case "${p##*/}" in 0000-*) ;; *) printf '%s\n' "${p##*/}" ;; esac
done >"$W/series"
git init -q -b main "$W" && git -C "$W" add -A && git -C "$W" commit -q -m "the toy workbench"
g checkout -q master
g branch -q -D gup-series
# shellcheck disable=SC2034 # for the tests that source this
P1=$(sed -n 1p "$W/series")
# shellcheck disable=SC2034
P2=$(sed -n 2p "$W/series")
# From here on, commits in the toy tree are the placeholder's through
# its config, as in the Debian tree; the environment names nobody.
for r in "$K" "$W"; do
	git -C "$r" config user.name "$PH_NAME"
	git -C "$r" config user.email "$PH_EMAIL"
done
unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL
export KERNEL_DIR=$K BASE_REF=base CACHE_DIR=$T/cache
run_tool() { # what the user runs, in the toy workbench
	(cd "$W" && "$@") </dev/null
}
