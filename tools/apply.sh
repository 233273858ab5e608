#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Apply the series with git am on the work branch, fresh from the base.
#
# The work branch is reset to the base and the series applied again on
# every run.  Files whose contents end up unchanged get their old mtime
# back, so the per-arch build directories rebuild only what changed.
#
# Refuses, changing nothing, when the tree has uncommitted changes or the
# work branch holds commits that patches/ does not (run "make refresh"
# first, or FORCE=1), or a git operation is in progress in it.  If a patch
# does not apply, the am is aborted, the message names the patch and the
# file, and the tree is put back as it was (HEAD, the work branch).
. "$(dirname "$0")/lib.sh"
lock_tree

check_series_files
"$REPO/tools/tree.sh"

DIR=$(kernel_dir)
DIR=$(git -C "$DIR" rev-parse --show-toplevel)
G=(git -C "$DIR")
# git am records a committer; the Debian tree has the placeholder
# configured, a user tree uses the user's identity if it has one.
"${G[@]}" config user.email >/dev/null || G+=(-c "user.name=$PLACEHOLDER_NAME" -c "user.email=$PLACEHOLDER_EMAIL")

BASE=$(resolve_base "$DIR")
BASE_DESC=$("${G[@]}" describe --tags --always "$BASE" 2>/dev/null || echo "$BASE")
mapfile -t PATCHES < <(series_patches)

banner "apply: ${#PATCHES[@]} patch(es) on $WORK_BRANCH from $BASE_DESC in $DIR"
if is_user_tree; then
	info "KERNEL_DIR: only branch '$WORK_BRANCH' is created or reset; no other branch is touched"
fi

# An am of ours that was interrupted (^C, power loss) is rolled back;
# anything else in progress belongs to the user.  Ours: the tree's config
# says an am of this series (its base and number of patches) started and
# did not end, and the am in progress is on the work branch with as many
# patches.  A mark without an am in progress is stale (the user aborted
# it by hand): dropped.
ramp=$("${G[@]}" rev-parse --git-path rebase-apply)
case "$ramp" in /*) ;; *) ramp=$DIR/$ramp ;; esac
mark=$("${G[@]}" config --get gupseries.am || true)
if [ -n "$mark" ] && [ ! -e "$ramp/applying" ]; then
	"${G[@]}" config --unset gupseries.am || true
elif [ -n "$mark" ] && [ "$("${G[@]}" symbolic-ref -q --short HEAD || true)" = "$WORK_BRANCH" ] &&
     [ "$mark" = "$BASE ${#PATCHES[@]}" ] && [ "$(cat "$ramp/last" 2>/dev/null)" = "${#PATCHES[@]}" ]; then
	info "aborting an interrupted git am of the series on $WORK_BRANCH"
	"${G[@]}" am --abort
	"${G[@]}" config --unset gupseries.am || true
fi
require_idle_tree "$DIR" "the kernel tree"

dirty=$("${G[@]}" status --porcelain --untracked-files=no)
if [ -n "$dirty" ]; then
	printf '%s\n' "$dirty" | head -n 10 >&2
	die "$DIR has uncommitted changes (above): commit them on $WORK_BRANCH and run 'make refresh', or stash them; nothing was changed"
fi

TIP=$("${G[@]}" rev-parse -q --verify "refs/heads/$WORK_BRANCH" || true)
APPLIED=$("${G[@]}" config --get gupseries.applied || true)
if [ -n "$TIP" ] && [ "$TIP" != "$APPLIED" ] && [ "$TIP" != "$BASE" ]; then
	if [ -z "${FORCE:-}" ]; then
		die "branch $WORK_BRANCH in $DIR has commits that patches/ does not (tip $(git -C "$DIR" rev-parse --short "$TIP")): run 'make refresh' to keep them as patches, or FORCE=1 to drop them; nothing was changed"
	fi
	saved="refs/gup-series/dropped/$(date +%Y%m%d-%H%M%S)"
	"${G[@]}" update-ref "$saved" "$TIP"
	info "FORCE=1: dropping the unrefreshed commits on $WORK_BRANCH; they are kept at $saved"
fi

# The same patches on the same base, already applied, clean: nothing to do.
pfiles=()
for p in "${PATCHES[@]}"; do pfiles+=("@$REPO/patches/$p"); done
AKEY=$(step_key apply "$BASE" "${pfiles[@]}")
if [ -n "$TIP" ] && [ "$TIP" = "$APPLIED" ] && [ "$("${G[@]}" rev-parse HEAD)" = "$TIP" ] &&
   [ "$("${G[@]}" symbolic-ref -q --short HEAD || true)" = "$WORK_BRANCH" ] &&
   [ "$("${G[@]}" config --get gupseries.appliedkey || true)" = "$TIP $AKEY" ] &&
   [ "${CACHE:-1}" != 0 ]; then
	info "already applied: the same ${#PATCHES[@]} patch(es) on $BASE_DESC ($WORK_BRANCH at $("${G[@]}" rev-parse --short "$TIP"))"
	exit 0
fi
"${G[@]}" config --unset gupseries.appliedkey || true

# Remember the mtimes of the files the reset is about to rewrite, and
# where HEAD was (a branch, else the commit).
OLD=$("${G[@]}" rev-parse HEAD)
ORIG_HEAD=$("${G[@]}" symbolic-ref -q --short HEAD || echo "$OLD")
STAMPS=$(mktemp -d)
trap 'rm -rf "$STAMPS"' EXIT
mapfile -t CHANGED < <("${G[@]}" diff --name-only --no-renames "$OLD" "$BASE")
for f in "${CHANGED[@]}"; do
	[ -f "$DIR/$f" ] || continue
	mkdir -p "$STAMPS/${f%/*}"
	touch -r "$DIR/$f" "$STAMPS/$f"
done

restore_mtimes() {
	local f new=$1 n=0
	for f in "${CHANGED[@]}"; do
		[ -e "$STAMPS/$f" ] && [ -f "$DIR/$f" ] || continue
		[ "$("${G[@]}" rev-parse -q --verify "$OLD:$f")" = "$("${G[@]}" rev-parse -q --verify "$new:$f")" ] || continue
		touch -r "$STAMPS/$f" "$DIR/$f"
		n=$((n + 1))
	done
	[ "$n" -eq 0 ] || info "$n unchanged file(s) keep their mtime (no needless rebuild)"
}

"${G[@]}" checkout -q -B "$WORK_BRANCH" "$BASE"
"${G[@]}" config gupseries.applied "$BASE"
is_user_tree && ! "${G[@]}" config --get gupseries.base >/dev/null && "${G[@]}" config gupseries.base "$BASE"

# The committer date is the author date: the same series on the same
# base gives the same commit ids every time.
AM=(am --quiet --committer-date-is-author-date)
is_user_tree && AM+=(--3way)
paths=()
for p in "${PATCHES[@]}"; do paths+=("$REPO/patches/$p"); done

# Marks the am as ours: an interrupted one is rolled back by the next run
# (above), a user's own is never touched.
"${G[@]}" config gupseries.am "$BASE ${#PATCHES[@]}"
if [ ${#paths[@]} -gt 0 ] && ! out=$("${G[@]}" "${AM[@]}" "${paths[@]}" 2>&1); then
	num=$(printf '%s\n' "$out" | sed -n 's/^Patch failed at \([0-9]*\) .*/\1/p' | head -n 1)
	num=$((10#${num:-0}))
	name=${PATCHES[$((num - 1))]:-unknown}
	file=$(printf '%s\n' "$out" | sed -n \
		-e 's/^error: patch failed: \(.*\):\([0-9]*\)$/\1 (hunk at line \2)/p' \
		-e 's/^error: \(.*\): does not exist in index$/\1 (missing)/p' \
		-e 's/^error: \(.*\): already exists in index$/\1 (already exists)/p' \
		-e 's/^error: \(.*\): does not match index$/\1/p' \
		-e 's/^CONFLICT ([a-z]*): Merge conflict in \(.*\)$/\1 (conflict)/p' | head -n 1)
	"${G[@]}" am --abort >/dev/null 2>&1 || true
	"${G[@]}" config --unset gupseries.am || true
	# Back to where the tree was: the work branch at its old tip (or
	# gone, if this run made it) and HEAD where it was.
	if [ -n "$TIP" ]; then
		"${G[@]}" update-ref "refs/heads/$WORK_BRANCH" "$TIP"
	else
		"${G[@]}" update-ref -d "refs/heads/$WORK_BRANCH"
	fi
	"${G[@]}" checkout -q -f "$ORIG_HEAD"
	"${G[@]}" config gupseries.applied "${APPLIED:-$BASE}"
	restore_mtimes "$OLD"
	# git am's own advice (--continue, --skip) does not apply: we aborted.
	printf '%s\n' "$out" | grep -v -e '^hint:' -e '^When you have resolved' \
		-e '^If you prefer to skip' -e '^To restore the original branch' |
		sed 's/^/    git am: /' >&2
	die "patch $num of ${#PATCHES[@]}, patches/$name, does not apply to $BASE_DESC: ${file:-see git am output above}. The am was aborted; $DIR is as it was (HEAD ${ORIG_HEAD}, $WORK_BRANCH $([ -n "$TIP" ] && echo "at ${TIP:0:12}" || echo "not created"))."
fi

"${G[@]}" config --unset gupseries.am || true
NEW=$("${G[@]}" rev-parse HEAD)
"${G[@]}" config gupseries.applied "$NEW"
restore_mtimes "$NEW"
n=$("${G[@]}" rev-list --count "$BASE..$NEW")
[ "$n" -eq ${#PATCHES[@]} ] || die "git am made $n commits from ${#PATCHES[@]} patches"
# What was applied, and from which patch files: the next run skips the
# am when both still hold.
"${G[@]}" config gupseries.appliedkey "$NEW $AKEY"
"${G[@]}" log --reverse --format='    %h %s' "$BASE..$NEW"
info "$WORK_BRANCH is at $(git -C "$DIR" rev-parse --short "$NEW") ($n patch(es) on $BASE_DESC)"
