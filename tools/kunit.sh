#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make kunit [ARCH=x86_64|arm64|s390]: apply the series, build the arch's
# test kernel, boot it under QEMU with kunit.py and check our suites'
# results, in a build directory per arch.
. "$(dirname "$0")/lib.sh"

ARCH=${1:-${ARCH:-x86_64}}
BUILD_FAILED=''
CROSS=$(arch_cross "$ARCH")
QEMU=$(arch_qemu "$ARCH")
need python3 make "${CROSS}gcc" "$QEMU" ccache flex bison bc

"$REPO/tools/apply.sh"

DIR=$(git -C "$(kernel_dir)" rev-parse --show-toplevel)
BUILD=$BUILD_ROOT/$ARCH
mkdir -p "$BUILD" "$RESULTS_DIR"
rm -f "$BUILD/results.json" "$BUILD/test.log" "$BUILD/ktap.log" "$BUILD/ktap.dropped" "$RESULTS_DIR/$ARCH.tsv"

use_ccache
mtimes_restore "$DIR" "$BUILD"

kunit_args "$ARCH" "$BUILD"

# The kernel is the arch's test kernel (lib.sh, build_test_kernel):
# allnoconfig with test_fragment, every option of which must come out
# set; "make e2e" boots the same image from the same build directory,
# and the walk's last step and "make check" build the same config.  Its
# build is skipped when the tree, the fragment and the compilers are
# those of the image in place (CACHE=0 builds anyway); the boot always
# runs.  Three kunit.py-side steps follow: boot, cut the console log down
# to its KTAP lines (workbench.ktap), parse, so that a kernel message
# printed in the middle of the KTAP output cannot throw the parser off.
banner "kunit $ARCH: the test kernel (in $BUILD)"
if test_kernel "$DIR" "$BUILD" "kunit $ARCH"; then
	case "$TEST_KERNEL_HOW" in
	reused*) info "build reused: same tree, configs, compilers" ;;
	*) mtimes_record "$DIR" "$BUILD"
	   info "ccache: $(sed -n 's/.*(ccache \(.*\))$/\1/p' <<<"$TEST_KERNEL_HOW")" ;;
	esac
else
	BUILD_FAILED=1
fi

ACCEL=tcg
if [ "$ARCH" = x86_64 ] && [ -z "${BUILD_FAILED:-}" ]; then
	ACCEL=$("$REPO/tools/accel.sh" "$BUILD")
	[ "$ACCEL" != unknown ] || ACCEL=tcg
fi
export GUP_QEMU_ACCEL=$ACCEL

rc=0
if [ -z "${BUILD_FAILED:-}" ]; then
	banner "kunit $ARCH: kunit.py exec (QEMU $QEMU, accel $ACCEL)"
	kunit_exec_parse "$DIR" "$BUILD" || rc=$?
else
	info "not running: the build failed (above)"
	rc=1
fi

banner "kunit $ARCH: results (kunit.py exit status $rc)"
workbench kunit --arch "$ARCH" --json "$BUILD/results.json" \
	--log "$BUILD/test.log" --dropped "$BUILD/ktap.dropped" \
	--suites "$REPO/kunit/suites" --tsv "$RESULTS_DIR/$ARCH.tsv" || rc=1
exit "$rc"
