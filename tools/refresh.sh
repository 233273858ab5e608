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

bad=$("${G[@]}" log --format='%h %an <%ae>' "$BASE..HEAD" |
	grep -vF "$PLACEHOLDER_NAME <$PLACEHOLDER_EMAIL>" || true)
[ -z "$bad" ] || die "commits not authored by the placeholder identity ($PLACEHOLDER_NAME <$PLACEHOLDER_EMAIL>, see README); 'git commit --amend --reset-author' them in $DIR: nothing refreshed
$bad"
nosob=$("${G[@]}" log --format='%h%x09%(trailers:key=Signed-off-by,valueonly,separator=%x2C)' "$BASE..HEAD" |
	awk -F'\t' -v id="$PLACEHOLDER_NAME <$PLACEHOLDER_EMAIL>" 'index($2, id) == 0 { print $1 }')
[ -z "$nosob" ] || die "commits without 'Signed-off-by: $PLACEHOLDER_NAME <$PLACEHOLDER_EMAIL>': $nosob: nothing refreshed"

n=$("${G[@]}" rev-list --count "$BASE..HEAD")
banner "refresh: $n commit(s) $WORK_BRANCH (${BASE:0:12}..HEAD) -> patches/"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"${G[@]}" format-patch -q --zero-commit --no-signature --cover-letter --abbrev=9 \
	--base="$BASE" -o "$tmp" "$BASE..HEAD"

# The cover letter keeps its subject and text; the shortlog, diffstat and
# base-commit below them are regenerated.
cover=$REPO/patches/0000-cover-letter.patch
if [ -f "$cover" ]; then
	PYTHONPATH="$REPO/tools" python3 - "$cover" "$tmp/0000-cover-letter.patch" <<'PY'
import re, sys
import cover
old, new = (open(f).read() for f in sys.argv[1:])
new = new.replace('*** SUBJECT HERE ***', cover.subject(old))
new = new.replace('*** BLURB HERE ***', cover.blurb(old))
date = re.search(r'^Date: .*$', old, re.M)
if date:
    new = re.sub(r'^Date: .*$', lambda m: date.group(0), new, count=1, flags=re.M)
open(sys.argv[2], 'w').write(new)
PY
fi

find "$REPO/patches" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' -delete
: >"$REPO/series"
for p in "$tmp"/*.patch; do
	[ -e "$p" ] || continue
	mv "$p" "$REPO/patches/"
	case "${p##*/}" in 0000-cover-letter.patch) continue ;; esac
	printf '%s\n' "${p##*/}" >>"$REPO/series"
done
"${G[@]}" config gupseries.applied "$("${G[@]}" rev-parse HEAD)"
sed 's/^/    /' "$REPO/series"
git -C "$REPO" status --short -- patches series | sed 's/^/    /'
