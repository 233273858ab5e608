#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make walk [ARCH=...]: bisectability.  Build the arch's test kernel after
# each patch of the series, incrementally, in a separate source worktree and
# build directory, so that the main tree and build directories keep their
# state (and mtimes).  Prints one line per patch with the build time.
. "$(dirname "$0")/lib.sh"
lock_tree

ARCH=${1:-${ARCH:-x86_64}}
CROSS=$(arch_cross "$ARCH")
need make "${CROSS}gcc" ccache
"$REPO/tools/apply.sh" >/dev/null
DIR=$(git -C "$(kernel_dir)" rev-parse --show-toplevel)
BASE=$(resolve_base "$DIR")
CONFIG=$BUILD_ROOT/$ARCH/.config
[ -f "$CONFIG" ] || die "no $CONFIG: run 'make kunit ARCH=$ARCH' first (the walk builds with its config)"

SRC=$(walk_worktree "$DIR" "$BASE")
OUT=$BUILD_ROOT/walk-$ARCH
banner "walk $ARCH: $(git -C "$DIR" rev-list --count "$BASE..$WORK_BRANCH") patches, worktree $SRC, build dir $OUT"
mkdir -p "$OUT"
use_ccache
arch_make() {
	kmake "$SRC" "$OUT" -s "$@"
}

bad=0
n=0
for c in $(git -C "$DIR" rev-list --reverse "$BASE..$WORK_BRANCH"); do
	n=$((n + 1))
	git -C "$SRC" checkout -q --detach "$c"
	# Start every step from the full test config: olddefconfig at an
	# early step drops the symbols that later patches add.
	cp "$CONFIG" "$OUT/.config"
	t0=$(date +%s)
	if arch_make olddefconfig >/dev/null 2>"$OUT/walk.log" &&
	   arch_make -j"$(nproc)" >/dev/null 2>>"$OUT/walk.log"; then
		status=ok
	else
		status=FAILED
		bad=1
	fi
	printf '    %2d %-60s %-6s %4ds\n' "$n" "$(git -C "$DIR" log -1 --format=%s "$c" | cut -c1-60)" \
		"$status" $(($(date +%s) - t0))
	[ "$status" = ok ] || sed 's/^/        /' "$OUT/walk.log" | tail -n 20
done
info "walk $ARCH: $n builds, $([ "$bad" -eq 0 ] && echo "all built" || echo "FAILED") [$(elapsed)]"
# For "make check": which series (by its tree) the walk was of, and how it went.
{
	git -C "$DIR" rev-parse "$c^{tree}"
	[ "$bad" -eq 0 ] && echo pass || echo FAIL
	echo "$n patches, the test kernel built after each ($(elapsed) for the walk)"
} >"$BUILD_ROOT/walk-$ARCH.result"
exit "$bad"
