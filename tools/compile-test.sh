#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make compile-test [ARCH=x86_64|arm64|s390]: compile the C files of the
# series that the KUnit kernel does not build (the drivers), in a kernel
# configured by allnoconfig + kunit/compile-test.config, in a build
# directory of its own per arch.  kunit/compile-test.objects says which
# option builds each file; where that option cannot be set on the arch,
# the file is reported as not buildable there, by name.
. "$(dirname "$0")/lib.sh"
lock_tree

ARCH=${1:-${ARCH:-x86_64}}
CROSS=$(arch_cross "$ARCH")
need make "${CROSS}gcc" ccache flex bison bc

"$REPO/tools/apply.sh"

DIR=$(git -C "$(kernel_dir)" rev-parse --show-toplevel)
BUILD=$BUILD_ROOT/ct-$ARCH
MAP=$REPO/kunit/compile-test.objects
FRAGMENT=$REPO/kunit/compile-test.config
mkdir -p "$BUILD" "$RESULTS_DIR"
TSV=$RESULTS_DIR/ct-$ARCH.tsv
rm -f "$TSV"
use_ccache

# The C files the series touches, from the patches themselves.
touched=$(for p in $(series_patches); do
	sed -n 's|^+++ b/\(.*\.c\)$|\1|p' "$REPO/patches/$p"
done | sort -u)

declare -A how
while read -r file what; do
	how[$file]=$what
done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$MAP")

missing=0
for f in $touched; do
	if [ -z "${how[$f]:-}" ]; then
		printf 'error: the series changes %s, but %s does not say how to build it\n' \
			"$f" "${MAP#"$REPO"/}" >&2
		missing=1
	fi
done
[ "$missing" -eq 0 ] || die "add the file(s) to ${MAP#"$REPO"/} (see its header)"

mk=(kmake "$DIR" "$BUILD" --jobs="$(nproc)")

# The outcome depends on the series' tree, the config fragment, the file
# map, the compilers and this script: a recorded pass of the same is
# shown again instead of rebuilt (lib.sh, step_key; CACHE=0 rebuilds).
KEY=$(step_key "compile-test $ARCH" "$(git -C "$DIR" rev-parse "HEAD^{tree}")" \
	@"$FRAGMENT" @"$MAP" @"$REPO/tools/compile-test.sh" "$(toolchain_id)")
if rec=$(step_reused compile-test "$KEY") && [ -f "$CACHE_DIR/steps/compile-test/$KEY.tsv" ]; then
	cp "$CACHE_DIR/steps/compile-test/$KEY.tsv" "$TSV"
	banner "compile-test $ARCH: reused ($rec): same tree, config, file map, compilers and script"
	sort "$TSV" | awk -F'\t' '{ printf "    %-56s %s\n", $1, $2 }'
	exit 0
fi

banner "compile-test $ARCH: allnoconfig + ${FRAGMENT#"$REPO"/} in $BUILD"
"${mk[@]}" -s KCONFIG_ALLCONFIG="$FRAGMENT" allnoconfig >"$BUILD/config.log" 2>&1 ||
	{ cat "$BUILD/config.log" >&2; die "compile-test $ARCH: allnoconfig failed"; }

objs=()
for f in $touched; do
	opt=${how[$f]}
	[ "$opt" = kunit ] && continue
	if grep -qxE "$opt=(y|m)" "$BUILD/.config"; then
		objs+=("${f%.c}.o")
	else
		printf '%s\tnot buildable: %s cannot be set on %s\n' "$f" "$opt" "$ARCH" >>"$TSV"
	fi
done

rc=0
if [ ${#objs[@]} -gt 0 ]; then
	banner "compile-test $ARCH: ${#objs[@]} object(s)"
	for o in "${objs[@]}"; do
		log=$BUILD/build-${o//\//_}.log
		# Rebuild the object itself, so that its warnings show again.
		rm -f "$BUILD/$o"
		if "${mk[@]}" "$o" >"$log" 2>&1; then
			if grep -q 'warning:' "$log"; then
				grep 'warning:' "$log" >&2
				printf '%s\tbuilt, with warnings (log: %s)\n' "${o%.o}.c" "$log" >>"$TSV"
				rc=1
			else
				printf '%s\tbuilt\n' "${o%.o}.c" >>"$TSV"
			fi
		else
			tail -30 "$log" >&2
			printf '%s\tFAILED (log: %s)\n' "${o%.o}.c" "$log" >>"$TSV"
			rc=1
		fi
	done
fi

banner "compile-test $ARCH: results"
sort "$TSV" | awk -F'\t' '{ printf "    %-56s %s\n", $1, $2 }'
if [ "$rc" -eq 0 ]; then
	step_record compile-test "$KEY" "passed $(date -u '+%Y-%m-%d %H:%M UTC')"
	cp "$TSV" "$CACHE_DIR/steps/compile-test/$KEY.tsv"
fi
exit "$rc"
