#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make walk [ARCH=...]: bisectability.  After each patch of the series,
# build the arch's test kernel (allnoconfig plus the options of
# test_fragment: the KUnit suites with their debug options and the e2e
# kernel's), and compile the driver files of the series that it does not
# build (kunit/compile-test.objects) in a kernel configured like "make
# compile-test" does.  Both builds are incremental, in a separate source
# worktree and build directories of the walk's own, so that the main tree
# and build directories keep their state (and mtimes).  A header whose
# change at a step is in comments and white space only keeps its mtime,
# so that the files that include it are not compiled again for nothing
# (comments cannot change whether a file compiles).  Prints one line per
# patch with the build times.
. "$(dirname "$0")/lib.sh"
lock_tree

ARCH=${1:-${ARCH:-x86_64}}
CROSS=$(arch_cross "$ARCH")
need make "${CROSS}gcc" ccache
"$REPO/tools/apply.sh" >/dev/null
DIR=$(git -C "$(kernel_dir)" rev-parse --show-toplevel)
BASE=$(resolve_base "$DIR")
MAP=$REPO/kunit/compile-test.objects
FRAGMENT=$REPO/kunit/compile-test.config

SRC=$(walk_worktree "$DIR" "$BASE")
OUT=$(wt_build walk-src "test-$ARCH")
CT=$(wt_build walk-src "ct-$ARCH")
banner "walk $ARCH: $(git -C "$DIR" rev-list --count "$BASE..$WORK_BRANCH") patches, worktree $SRC, build dirs $OUT and $CT"
mkdir -p "$OUT" "$CT"
CONFIG=$OUT/test.fragment
test_fragment "$ARCH" >"$CONFIG"
use_ccache
arch_make() { # build-dir args...
	local out=$1
	shift
	kmake "$SRC" "$out" -s "$@"
}

# The driver files and the option that builds each (not the "kunit" ones).
declare -A how
while read -r file what; do
	[ "$what" = kunit ] || how[$file]=$what
done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$MAP")
MAP_DRIVERS=$(for f in "${!how[@]}"; do printf '%s %s\n' "$f" "${how[$f]}"; done | sort)

# checkout_keeping_comment_mtimes REV: check the worktree out at REV; a
# header that changes only in comments and white space gets its mtime
# of before back.  Sets "kept" to those headers.
checkout_keeping_comment_mtimes() {
	local rev=$1 f
	local -A mt=() old=()
	kept=
	while read -r f; do
		[ -f "$SRC/$f" ] || continue
		mt[$f]=$(stat -c %.9Y "$SRC/$f")
		old[$f]=$(uncommented <"$SRC/$f")
	done < <(git -C "$SRC" diff --name-only --no-renames HEAD "$rev" -- '*.h')
	git -C "$SRC" checkout -q --detach "$rev"
	for f in "${!mt[@]}"; do
		[ -f "$SRC/$f" ] && [ "$(uncommented <"$SRC/$f")" = "${old[$f]}" ] || continue
		touch -d "@${mt[$f]}" "$SRC/$f"
		kept+="${kept:+ }${f##*/}"
	done
}
# The C source on stdin without its comments, and without line numbers.
uncommented() {
	gcc -fpreprocessed -dD -E -P -x c - 2>/dev/null
}

bad=0
failed=()
n=0
nobj=0
unbuildable=()
nreused=0
nlast=0
prev_ok=0
TOOLCHAIN=$(toolchain_id)
for c in $(git -C "$DIR" rev-list --reverse "$BASE..$WORK_BRANCH"); do
	n=$((n + 1))
	subject=$(git -C "$DIR" log -1 --format=%s "$c" | cut -c1-56)
	# What decides this step: its tree, the configs, the driver files of
	# the file map (not its comments, nor the files the KUnit kernel
	# builds, which the walk leaves to the test kernel), the compilers
	# and this script.  A recorded pass of the same is reused.
	key=$(step_key "walk $ARCH" "$(git -C "$DIR" rev-parse "$c^{tree}")" \
		@"$CONFIG" @"$FRAGMENT" "$MAP_DRIVERS" @"$REPO/tools/walk.sh" "$TOOLCHAIN")
	if rec=$(step_reused walk "$key"); then
		read -r k_s d_s nob rest <<<"$rec"
		read -r -a unbuildable <<<"$rest"
		[ "$nob" -le "$nobj" ] || nobj=$nob
		nlast=$nob prev_ok=1
		nreused=$((nreused + 1))
		printf '    %2d %-56s %-6s reused: same tree, configs, compilers and walk.sh built in %ds + %ds (%d driver files)\n' \
			"$n" "$subject" ok "$k_s" "$d_s" "$nob"
		continue
	fi
	checkout_keeping_comment_mtimes "$c"
	# Configure every step from the fragment: an olddefconfig at an
	# early step would drop the symbols that later patches add.
	t0=$(date +%s)
	status=ok
	if ! arch_make "$OUT" KCONFIG_ALLCONFIG="$CONFIG" allnoconfig >/dev/null 2>"$OUT/walk.log"; then
		status="FAILED (kernel)"
		log=$OUT/walk.log
	elif unmet=$(config_unmet "$CONFIG" "$OUT/.config" "$SRC") && [ -n "$unmet" ]; then
		# An option that Kconfig drops leaves its code unbuilt: a gap.
		echo "options of the test kernel that this step drops: $unmet" >>"$OUT/walk.log"
		status="FAILED (kernel)"
		log=$OUT/walk.log
	elif ! arch_make "$OUT" -j"$(nproc)" >/dev/null 2>>"$OUT/walk.log"; then
		status="FAILED (kernel)"
		log=$OUT/walk.log
	fi
	t1=$(date +%s)
	# The drivers: every mapped file that exists at this step and whose
	# option can be set on the arch, in one incremental make.  A step that
	# touches none of them, no header and no build file (only other C
	# files, documentation, MAINTAINERS) leaves their objects as the step
	# before built them: not tried again when that step passed.
	drivers_same=1
	[ "$prev_ok" = 1 ] || drivers_same=
	while read -r f; do
		case "$f" in
		Documentation/* | MAINTAINERS) ;;
		*.c) [ -z "${how[$f]:-}" ] || drivers_same= ;;
		*) drivers_same= ;;
		esac
	done < <(git -C "$DIR" diff-tree --no-commit-id --name-only -r "$c")
	if [ -n "$drivers_same" ] && [ "$status" = ok ]; then
		printf '    %2d %-56s %-6s kernel %3ds, %2d driver files as before (no header, build file or driver file touched)%s\n' "$n" "$subject" \
			"$status" $((t1 - t0)) "$nlast" "${kept:+ (comments only, mtime kept: $kept)}"
		step_record walk "$key" "$((t1 - t0)) 0 $nlast ${unbuildable[*]}"
		continue
	fi
	objs=()
	unbuildable=()
	if arch_make "$CT" KCONFIG_ALLCONFIG="$FRAGMENT" allnoconfig >/dev/null 2>"$CT/walk.log"; then
		for f in $(printf '%s\n' "${!how[@]}" | sort); do
			[ -f "$SRC/$f" ] || continue
			if grep -qxE "${how[$f]}=(y|m)" "$CT/.config"; then
				objs+=("${f%.c}.o")
			else
				unbuildable+=("$f")
			fi
		done
		if [ "$status" = ok ] && [ ${#objs[@]} -gt 0 ] &&
		   ! arch_make "$CT" -j"$(nproc)" "${objs[@]}" >/dev/null 2>>"$CT/walk.log"; then
			status="FAILED (drivers)"
			log=$CT/walk.log
		fi
	elif [ "$status" = ok ]; then
		status="FAILED (drivers' config)"
		log=$CT/walk.log
	fi
	[ ${#objs[@]} -le "$nobj" ] || nobj=${#objs[@]}
	nlast=${#objs[@]}
	if [ "$status" = "FAILED (kernel)" ]; then
		drivers="driver files not tried"
	else
		drivers=$(printf '%2d driver files %3ds' ${#objs[@]} $(($(date +%s) - t1)))
	fi
	printf '    %2d %-56s %-6s kernel %3ds, %s%s\n' "$n" "$subject" \
		"$status" $((t1 - t0)) "$drivers" "${kept:+ (comments only, mtime kept: $kept)}"
	[ "$status" != ok ] ||
		step_record walk "$key" "$((t1 - t0)) $(($(date +%s) - t1)) ${#objs[@]} ${unbuildable[*]}"
	prev_ok=$([ "$status" = ok ] && echo 1 || echo 0)
	if [ "$status" != ok ]; then
		bad=1
		failed+=("$n")
		sed 's/^/        /' "$log" | tail -n 20
	fi
done
[ ${#unbuildable[@]} -eq 0 ] ||
	info "not buildable on $ARCH (option cannot be set): ${unbuildable[*]}"
info "walk $ARCH: $n steps ($nreused reused, $((n - nreused)) built), $([ "$bad" -eq 0 ] && echo "all built" || echo "FAILED") [$(elapsed)]"
# For "make check": which series (by its tree) the walk was of, and how it went.
{
	git -C "$DIR" rev-parse "$c^{tree}"
	[ "$bad" -eq 0 ] && echo pass || echo FAIL
	if [ "$bad" -eq 0 ]; then
		echo "$n patches, after each the test kernel and $nobj driver files built ($(elapsed) for the walk)"
	else
		echo "$n patches, ${#failed[@]} steps failed to build, at patches ${failed[*]} ($(elapsed) for the walk)"
	fi
} >"$BUILD_ROOT/walk-$ARCH.result"
exit "$bad"
