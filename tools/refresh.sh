#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make refresh: regenerate patches/ and series from the commits on the
# work branch, with git format-patch.  Code is edited and committed in the
# kernel tree; .patch files are never edited by hand.
. "$(dirname "$0")/lib.sh"
lock_tree

need git
DIR=$(kernel_dir)
[ -d "$DIR/.git" ] || git -C "$DIR" rev-parse --git-dir >/dev/null 2>&1 ||
	die "no kernel tree at $DIR: run 'make kunit' (or 'make apply') first"
DIR=$(git -C "$DIR" rev-parse --show-toplevel)
G=(git -C "$DIR")
BASE=$(resolve_base "$DIR")

require_idle_tree "$DIR" "the kernel tree"
cur=$("${G[@]}" symbolic-ref -q --short HEAD || true)
[ "$cur" = "$WORK_BRANCH" ] || die "$DIR is on ${cur:-a detached HEAD}, not $WORK_BRANCH: nothing refreshed"
dirty=$("${G[@]}" status --porcelain --untracked-files=no)
[ -z "$dirty" ] || die "$DIR has uncommitted changes; commit them first: nothing refreshed
$dirty"
# Debian's top-level .gitignore hides every new file from "git status".
# The tools build out of tree, so the source tree should hold none.
hidden=$("${G[@]}" ls-files --others --ignored --exclude-standard | head -n 20)
if [ -n "$hidden" ] && [ -z "${FORCE:-}" ]; then
	die "files in $DIR that no commit holds (hidden by .gitignore; 'git add -f' them if they belong to the series, FORCE=1 to go on): nothing refreshed
$hidden"
fi

"${G[@]}" merge-base --is-ancestor "$BASE" HEAD ||
	die "the base ${BASE:0:12} is not an ancestor of $WORK_BRANCH in $DIR (rebased onto another base?): name the base with BASE_REF=<rev>; nothing refreshed"

# patches/ and series are written by this script only.  Edits to them
# that are neither committed nor this script's own last output would be
# lost: refuse (the cover letter's subject and blurb are kept anyway).
WRITTEN=$CACHE_DIR/refresh.written
uncommitted() { # the files under patches/ and series that differ from HEAD
	git -C "$REPO" status --porcelain --no-renames --untracked-files=all -- patches series | cut -c4-
}
file_state() { # FILE: its contents' sha1, or "deleted"
	if [ -f "$1" ]; then sha1sum <"$1" | cut -c1-40; else echo deleted; fi
}
handedits=()
while read -r f; do
	# What this script writes: the numbered patches and series (the
	# cover letter's subject and blurb are carried over, not lost).
	case "$f" in patches/0000-cover-letter.patch) continue ;; series|patches/[0-9][0-9][0-9][0-9]-*.patch) ;; *) continue ;; esac
	grep -qxF "$(file_state "$REPO/$f") $f" "$WRITTEN" 2>/dev/null || handedits+=("$f")
done < <(uncommitted)
if [ ${#handedits[@]} -gt 0 ] && [ -z "${FORCE:-}" ]; then
	die "edits in $REPO that make refresh did not write and no commit holds: ${handedits[*]}. Patches are regenerated from the commits in $DIR: put the change there (or commit or stash these files; FORCE=1 overwrites them); nothing refreshed"
fi

bad=$("${G[@]}" log --format='%h %an <%ae>' "$BASE..HEAD" |
	grep -vF "$PLACEHOLDER_NAME <$PLACEHOLDER_EMAIL>" || true)
[ -z "$bad" ] || die "commits not authored by the placeholder identity ($PLACEHOLDER_NAME <$PLACEHOLDER_EMAIL>, see README); 'git commit --amend --reset-author' them in $DIR: nothing refreshed
$bad"
nosob=$("${G[@]}" log --format='%h%x09%(trailers:key=Signed-off-by,valueonly,separator=%x2C)' "$BASE..HEAD" |
	awk -F'\t' -v id="$PLACEHOLDER_NAME <$PLACEHOLDER_EMAIL>" 'index($2, id) == 0 { print $1 }')
[ -z "$nosob" ] || die "commits without 'Signed-off-by: $PLACEHOLDER_NAME <$PLACEHOLDER_EMAIL>': $nosob: nothing refreshed"

n=$("${G[@]}" rev-list --count "$BASE..HEAD")
banner "refresh: $n commit(s) $WORK_BRANCH (${BASE:0:12}..HEAD) -> patches/"
# Everything is written beside patches/ first; the files are swapped in
# only when all are written, so an error or ^C before leaves patches/ and
# series as they were.
tmp=$(mktemp -d "$REPO/.refresh.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"${G[@]}" format-patch -q --zero-commit --no-signature --cover-letter --abbrev=9 \
	--base="$BASE" -o "$tmp" "$BASE..HEAD"

# The cover letter keeps its subject and text; the shortlog, diffstat and
# base-commit below them are regenerated.
cover=$REPO/patches/0000-cover-letter.patch
if [ -f "$cover" ]; then
	PYTHONPATH="$REPO/tools" python3 - "$cover" "$tmp/0000-cover-letter.patch" <<'PY' ||
import re, sys
import cover
old, new = (open(f).read() for f in sys.argv[1:])
try:
    new = new.replace('*** SUBJECT HERE ***', cover.subject(old))
    new = new.replace('*** BLURB HERE ***', cover.blurb(old))
except ValueError as e:
    sys.exit(f'error: patches/0000-cover-letter.patch: {e}: give it a "Subject: [PATCH 00/N] ..." '
             'header and a body (or remove it to start from format-patch\'s template)')
date = re.search(r'^Date: .*$', old, re.M)
if date:
    new = re.sub(r'^Date: .*$', lambda m: date.group(0), new, count=1, flags=re.M)
open(sys.argv[2], 'w').write(new)
PY
		die "the cover letter could not be carried over (above): nothing refreshed"
fi
for p in "$tmp"/*.patch; do
	[ -e "$p" ] || continue
	case "${p##*/}" in 0000-cover-letter.patch) continue ;; esac
	printf '%s\n' "${p##*/}" >>"$tmp/series"
done
touch "$tmp/series"

# The swap: new files in (one rename each), then the old ones that the
# series no longer has out, then series.
trap '' INT TERM
for p in "$tmp"/*.patch; do
	[ -e "$p" ] || continue
	mv -f "$p" "$REPO/patches/"
done
for p in "$REPO"/patches/[0-9][0-9][0-9][0-9]-*.patch; do
	[ -e "$p" ] || continue
	case "${p##*/}" in 0000-cover-letter.patch) continue ;; esac
	grep -qxF "${p##*/}" "$tmp/series" || rm -f "$p"
done
mv -f "$tmp/series" "$REPO/series"
trap - INT TERM
"${G[@]}" config gupseries.applied "$("${G[@]}" rev-parse HEAD)"
# What this run wrote: the next run tells these from edits by hand.
uncommitted | while read -r f; do
	printf '%s %s\n' "$(file_state "$REPO/$f")" "$f"
done >"$WRITTEN.tmp"
mv "$WRITTEN.tmp" "$WRITTEN"
sed 's/^/    /' "$REPO/series"
git -C "$REPO" status --short -- patches series | sed 's/^/    /'
