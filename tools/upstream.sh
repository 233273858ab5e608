#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make upstream: the patches offered to mainline (patches/upstream/, in
# the order of patches/upstream/series), on the newest tree Debian
# packages (linux-source-6.12, tools/base.conf):
#
#   1. the tree: fetched with apt-get and imported untouched, like the 6.1
#      base (lib.sh, import_debian_source), at $UPSTREAM_KERNEL_DIR;
#   2. git am of the patches on branch "upstream" from the base tag, with
#      a fixed committer and dates, so the same patches give the same
#      commits everywhere; a patch that does not apply stops here, the
#      branch left where it was;
#   3. "tools/e2e.sh x86_64 upstream": the stock and the patched 6.12
#      kernels built, the selftests of the patches built from the patched
#      tree, both kernels booted under QEMU with tools/e2e/upstream-plan.
#
# uffd-wp, which the fix is about, exists on x86_64 only in 6.12 among
# the project's arches: the run is x86_64's.  "make send-dry-run
# SET=upstream" writes the mails (tools/send.sh).
#
# upstream.sh apply only does 1 and 2 (send.sh uses it).
. "$(dirname "$0")/lib.sh"
lock_tree

WHAT=${1:-all}
case "$WHAT" in all | apply) ;; *) die "usage: upstream.sh [all|apply]" ;; esac
UP=$REPO/patches/upstream
UPSTREAM_BRANCH=upstream

[ -f "$UP/series" ] || die "patches/upstream/series is missing"
mapfile -t UP_PATCHES < <(sed -e 's/#.*//' -e 's/[[:space:]].*//' "$UP/series" | sed '/^$/d')
[ ${#UP_PATCHES[@]} -gt 0 ] || die "patches/upstream/series lists no patch"
for p in "${UP_PATCHES[@]}"; do
	[ -f "$UP/$p" ] || die "patches/upstream/series lists $p but patches/upstream/$p does not exist"
done
for f in "$UP"/*.patch; do
	b=${f##*/}
	[ "$b" = 0000-cover-letter.patch ] && continue
	printf '%s\n' "${UP_PATCHES[@]}" | grep -qxF "$b" ||
		die "patches/upstream/$b is not listed in patches/upstream/series"
done

if [ ! -d "$UPSTREAM_KERNEL_DIR/.git" ]; then
	[ ! -e "$UPSTREAM_KERNEL_DIR" ] ||
		die "$UPSTREAM_KERNEL_DIR exists but is not a git tree: remove it and run again"
	mkdir -p "$CACHE_DIR"
	import_debian_source "$UPSTREAM_DEB_PACKAGE" "$UPSTREAM_DEB_VERSION" \
		"$UPSTREAM_KERNEL_DIR" "$UPSTREAM_BASE_TAG" 'tools/base.conf records the version'
	git -C "$UPSTREAM_KERNEL_DIR" config user.name "$PLACEHOLDER_NAME"
	git -C "$UPSTREAM_KERNEL_DIR" config user.email "$PLACEHOLDER_EMAIL"
fi
G=(git -C "$UPSTREAM_KERNEL_DIR")
"${G[@]}" rev-parse -q --verify "$UPSTREAM_BASE_TAG^{commit}" >/dev/null ||
	die "$UPSTREAM_KERNEL_DIR has no tag $UPSTREAM_BASE_TAG: remove the directory and run again"
require_idle_tree "$UPSTREAM_KERNEL_DIR" "make upstream"

# The branch is made in a scratch worktree and moved only when every
# patch applied, so a failure leaves it (and the checkout) as it was.
banner "upstream: git am of ${#UP_PATCHES[@]} patch(es) from patches/upstream on $UPSTREAM_BASE_TAG"
tmp=$(mktemp -d -u "$CACHE_DIR/upstream-am.XXXXXX")
"${G[@]}" worktree add -q --detach "$tmp" "$UPSTREAM_BASE_TAG"
trap '"${G[@]}" worktree remove --force "$tmp" 2>/dev/null || true' EXIT
files=()
for p in "${UP_PATCHES[@]}"; do files+=("$UP/$p"); done
if ! GIT_COMMITTER_NAME=$PLACEHOLDER_NAME GIT_COMMITTER_EMAIL=$PLACEHOLDER_EMAIL \
	GIT_COMMITTER_DATE='2000-01-01T00:00:00Z' \
	git -C "$tmp" am -q --committer-date-is-author-date "${files[@]}" 2>"$tmp.err"; then
	sed 's/^/        /' "$tmp.err" >&2
	rm -f "$tmp.err"
	git -C "$tmp" am --abort 2>/dev/null || true
	die "patches/upstream does not apply to $UPSTREAM_BASE_TAG (above); branch $UPSTREAM_BRANCH unchanged"
fi
rm -f "$tmp.err"
head=$(git -C "$tmp" rev-parse HEAD)
if [ "$("${G[@]}" symbolic-ref -q --short HEAD || true)" = "$UPSTREAM_BRANCH" ]; then
	"${G[@]}" checkout -q --detach
fi
"${G[@]}" branch -f "$UPSTREAM_BRANCH" "$head"
info "branch $UPSTREAM_BRANCH at ${head:0:12}: $("${G[@]}" rev-list --count "$UPSTREAM_BASE_TAG..$head") patch(es) on $UPSTREAM_BASE_TAG"
[ "$WHAT" = apply ] && exit 0

# checkpatch of the 6.12 tree.  UNKNOWN_COMMIT_ID is ignored: the tree
# is one imported commit without history, so no Fixes: id can be found
# in it (the ids are checked as the 6.1 series' are, tools/checkpatch.exceptions).
banner "upstream: checkpatch --strict"
bad=0
for p in "${UP_PATCHES[@]}"; do
	if out=$(cd "$UPSTREAM_KERNEL_DIR" && ./scripts/checkpatch.pl --strict -q \
		--ignore UNKNOWN_COMMIT_ID "$UP/$p" 2>&1); then
		info "$p: clean"
	else
		printf '%s\n' "$out" | sed 's/^/        /'
		bad=1
	fi
done
[ "$bad" -eq 0 ] || die "checkpatch --strict finds problems in patches/upstream (above)"

"$REPO/tools/e2e.sh" x86_64 upstream
