#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bad-input.sh [OUT.md]: every bad input the tools must refuse, tried on a
# toy kernel tree (a git repository with a 6.1 Makefile and one file) and
# a copy of the workbench with a two-patch series of its own.  For each:
# the tool must exit non-zero, say what is wrong and what to do, and
# leave the kernel tree, patches/ and series exactly as they were (their
# state is compared before and after: HEAD, branch, refs, status, diff,
# git operation in progress, the files).  Writes the table as Markdown to
# OUT.md (the README's table) and exits non-zero if a case failed.
set -euo pipefail
OUTMD=${1:-}
# shellcheck source=toy.sh
. "$(dirname "$0")/toy.sh"

# Everything a tool could lose or leave half-done.
state() {
	local gd
	gd=$(g rev-parse --absolute-git-dir)
	g rev-parse HEAD
	g symbolic-ref -q HEAD || echo detached
	g for-each-ref --format='%(refname) %(objectname)'
	g status --porcelain=v1 --untracked-files=all
	g diff HEAD | sha1sum
	for op in rebase-merge rebase-apply MERGE_HEAD CHERRY_PICK_HEAD REVERT_HEAD BISECT_LOG; do
		[ -e "$gd/$op" ] && echo "in progress: $op"
	done
	(cd "$W" && find patches series -type f -print0 | sort -z | xargs -0 sha1sum)
	git -C "$W" status --porcelain=v1
}

rows=()
fails=0
# case NAME EXPECT-REGEX CMD...: CMD must fail, print EXPECT, change nothing.
case_() {
	local name=$1 expect=$2 before after out rc=0 ok=yes why=
	shift 2
	before=$(state)
	out=$(run_tool "$@" 2>&1) || rc=$?
	after=$(state)
	if [ "$rc" -eq 0 ]; then
		ok=no why="exit status 0"
	elif ! printf '%s\n' "$out" | grep -qE "$expect"; then
		ok=no why="message does not match /$expect/"
	elif [ "$before" != "$after" ]; then
		ok=no why="the state changed: $(diff <(echo "$before") <(echo "$after") | head -n 4 | tr '\n' ' ')"
	fi
	local msg
	msg=$(printf '%s\n' "$out" | grep -m1 '^error:' || printf '%s\n' "$out" | tail -n 1)
	printf '%-4s %-44s exit %d  %s\n' "$ok" "$name" "$rc" "${why:-$msg}"
	[ "$ok" = yes ] || { fails=$((fails + 1)); printf '%s\n' "$out" | sed 's/^/        | /'; }
	msg=${msg//"$T"/<toy>}
	rows+=("| $name | \`${*//"$T"/<toy>}\` | ${msg//|/\\|} | $rc | $([ "$ok" = yes ] && echo "yes: unchanged" || echo "NO: $why") |")
}

must() { # a setup step that must work
	"$@" >/dev/null 2>&1 || { echo "bad-input.sh: setup failed: $*" >&2; exit 1; }
}

# case_committed MESSAGE NAME EXPECT CMD...: case_ on the workbench copy
# with its uncommitted edit committed as MESSAGE, the commit dropped after.
case_committed() {
	must git -C "$W" commit -q -a -m "$1"
	shift
	case_ "$@"
	must git -C "$W" reset -q --hard HEAD~1
}

echo "bad-input: the toy tree $K, the workbench copy $W"
# The series applies, first (else every refusal below would be moot).
out=$(run_tool tools/apply.sh 2>&1) || { printf '%s\n' "$out"; echo "bad-input: the toy series does not apply" >&2; exit 1; }

# 1. uncommitted changes in the kernel tree
echo "a change of the user's" >>"$K/mm/gup.c"
case_ "uncommitted change in the kernel tree" "uncommitted changes.*nothing was changed" make -s apply
must g checkout -q -- mm/gup.c

# 2. operations in progress
must g checkout -q -b other base
sed -i 's/^line 3$/line 3: other/' "$K/mm/gup.c"
must g commit -q -a -m other
g rebase -q gup-series >/dev/null 2>&1 || true
case_ "rebase in progress (it stopped on a conflict)" "a rebase is in progress.*git rebase --abort" make -s apply
case_ "the same, make refresh" "a rebase is in progress" make -s refresh
must g rebase --abort
must g checkout -q gup-series
g cherry-pick other >/dev/null 2>&1 || true
case_ "cherry-pick in progress" "a cherry-pick is in progress" make -s apply
must g cherry-pick --abort
g merge -q --no-edit other >/dev/null 2>&1 || true
case_ "merge in progress" "a merge is in progress" make -s apply
must g merge --abort
g format-patch -q -1 --stdout other >"$T/other.patch"
g am -q "$T/other.patch" >/dev/null 2>&1 || true
case_ "the user's own git am in progress on the work branch" "a git am is in progress.*git am --abort" make -s apply
must g am --abort
# The mark an interrupted am of ours leaves when the user aborts it by
# hand: the user's own am later is still not ours to abort.
g config gupseries.am "$(g rev-parse base) 2"
g am -q "$T/other.patch" >/dev/null 2>&1 || true
case_ "the user's own git am, and a stale mark of one of ours" "a git am is in progress" make -s apply
must g am --abort
g config --unset gupseries.am || true
must g bisect start gup-series base
case_ "bisect in progress" "a bisect is in progress.*git bisect reset" make -s apply
must g bisect reset
must g checkout -q gup-series

# 3. the series itself
cp "$W/patches/$P2" "$W/patches/0003-unlisted.patch"
case_ "a patch in patches/ that series does not list" "0003-unlisted.patch is not listed in series" make -s apply
rm "$W/patches/0003-unlisted.patch"
echo "0009-missing.patch" >>"$W/series"
case_ "series lists a patch that does not exist" "series lists 0009-missing.patch but patches/0009-missing.patch does not exist" make -s apply
must git -C "$W" checkout -- series
sed -i 's/^ line 16$/ line sixteen/' "$W/patches/$P2"
case_committed "a patch that does not apply" \
	"a patch that does not apply" "patch 2 of 2, patches/$P2, does not apply to .*mm/gup.c" make -s apply

# 4. the base
sed -i 's/^PATCHLEVEL = 1$/PATCHLEVEL = 2/' "$K/Makefile"
case_ "KERNEL_DIR is not a 6.1 tree" "is Linux 6.2.192, not 6.1.y.*FORCE=1" make -s apply
must g checkout -q -- Makefile
mkdir -p "$T/cache2"
must git clone -q "$K" "$T/cache2/linux-6.1.192-2"
sed -i 's/^SUBLEVEL = 192$/SUBLEVEL = 100/' "$T/cache2/linux-6.1.192-2/Makefile"
case_ "the Debian tree is another 6.1.y than tools/base.conf" "is Linux 6.1.100 but tools/base.conf says 6.1.192" \
	env -u KERNEL_DIR -u BASE_REF make -s apply CACHE_DIR="$T/cache2"
case_ "refresh with a base that is not an ancestor" "is not an ancestor of gup-series" env BASE_REF=other make -s refresh

# 5. a missing tool
case_ "a tool missing after make deps" "required tool\\(s\\) not found even after 'make deps': no-such-tool" \
	bash -c '. tools/lib.sh; GUP_DEPS_TRIED=1 need git no-such-tool'

# 6. sending
case_ "make send as the placeholder identity" "no sender identity of your own.*never goes out" \
	make -s send GUP_SENDER="$PH_NAME <$PH_EMAIL>"
case_ "make send before a dry run of the same" "no make send-dry-run of this series as .* has passed.*nothing was sent" \
	make -s send GUP_SENDER="A Sender <sender@example.invalid>"

# 7. make refresh
echo "# an edit by hand" >>"$W/patches/$P1"
case_ "refresh over a patch edited by hand" "edits in .* that make refresh did not write.*$P1.*nothing refreshed" make -s refresh
must git -C "$W" checkout -- patches
sed -i '/^Subject:/,/^$/d' "$W/patches/0000-cover-letter.patch"
case_committed "a cover letter without a subject" \
	"refresh with a malformed cover letter (stops before the swap)" "cover-letter.patch: no \"Subject: \\[PATCH .*give it" make -s refresh
# Its own output is no hand edit: a change committed in the kernel tree,
# refreshed twice without committing the patches in between.
sed -i 's/^line 9$/line 9: patched/' "$K/mm/gup.c"
must g commit -q -a -m "mm/gup: third change" -m "Signed-off-by: $PH_NAME <$PH_EMAIL>"
if run_tool tools/refresh.sh >/dev/null 2>&1 && run_tool tools/refresh.sh >/dev/null 2>&1 &&
   [ "$(wc -l <"$W/series")" -eq 3 ]; then
	printf '%-4s %-44s\n' yes "refresh twice, patches not committed between: allowed"
else
	printf '%-4s %-44s\n' no "refresh twice, patches not committed between: refused or wrong"
	fails=$((fails + 1))
fi

# 8. make upstream: its own tree (6.12), a git operation in progress there
UV=$(sed -n 's/^UPSTREAM_DEB_VERSION=//p' "$W/tools/base.conf")
KU=$T/cache3/linux-${UV//\~/_}
must git clone -q "$K" "$KU"
must git -C "$KU" tag "debian/${UV//\~/_}" base
mkdir -p "$W/patches/upstream"
cp "$W/patches/$P1" "$W/patches/upstream/"
echo "$P1" >"$W/patches/upstream/series"
must git -C "$W" add patches/upstream
must git -C "$W" commit -q -m "a toy patches/upstream"
must git -C "$KU" bisect start HEAD base
K_MAIN=$K
K=$KU
case_ "make upstream, a bisect in progress in the 6.12 tree" \
	"make upstream: a bisect is in progress in .*git bisect reset" make -s upstream CACHE_DIR="$T/cache3"
K=$K_MAIN
must git -C "$KU" bisect reset

if [ -n "$OUTMD" ]; then
	{
		echo "| bad input | command | what the tool says | exit | kernel tree, patches/, series |"
		echo "| --- | --- | --- | --- | --- |"
		printf '%s\n' "${rows[@]}"
	} >"$OUTMD"
fi
echo "bad-input: ${#rows[@]} cases, $((${#rows[@]} - fails)) refused as they should, $fails not"
[ "$fails" -eq 0 ]
