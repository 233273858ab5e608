#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make kunit [ARCH=x86_64|arm64|s390]: apply the series, build the arch's
# test kernel (build_test_kernel: allnoconfig plus our kunitconfigs, the
# QEMU config's options and the e2e kernel's) and run our suites in it
# with kunit.py exec under QEMU, in a build directory per arch.
. "$(dirname "$0")/lib.sh"

ARCH=${1:-${ARCH:-x86_64}}
BUILT='' BUILD_FAILED=''
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

ACCEL=tcg
if [ "$ARCH" = x86_64 ]; then
	ACCEL=$("$REPO/tools/accel.sh" "$BUILD")
	if [ "$ACCEL" = unknown ]; then
		# Nothing to probe KVM with yet: build first.
		banner "kunit $ARCH: build (to probe KVM with the kernel)"
		test_kernel "$DIR" "$BUILD" "test kernel $ARCH" || BUILD_FAILED=1
		mtimes_record "$DIR" "$BUILD"
		BUILT=1
		ACCEL=$("$REPO/tools/accel.sh" "$BUILD")
		[ "$ACCEL" != unknown ] || ACCEL=tcg
	fi
fi
export GUP_QEMU_ACCEL=$ACCEL

# Build, boot, parse: the kernel is built here (allnoconfig-based, about
# two thirds of the objects of kunit.py's defaults-based config), booted
# by kunit.py exec, and its console log cut down to its KTAP lines
# (tools/ktap.py) before kunit.py parse reads it.  A kernel message
# printed in the middle of the KTAP output (an asynchronous probe) cannot
# then throw the parser off.
rc=0
if [ -z "${BUILT:-}" ]; then
	banner "kunit $ARCH: the test kernel (in $BUILD)"
	if test_kernel "$DIR" "$BUILD" "test kernel $ARCH"; then
		case "$TEST_KERNEL_HOW" in built*) mtimes_record "$DIR" "$BUILD" ;; esac
	else
		BUILD_FAILED=1
	fi
fi

if [ -z "${BUILD_FAILED:-}" ]; then
	banner "kunit $ARCH: kunit.py exec (QEMU $QEMU, accel $ACCEL)"
	kunit_exec_parse "$DIR" "$BUILD" || rc=$?
else
	info "not running: the build failed (above)"
	rc=1
fi

banner "kunit $ARCH: results (kunit.py exit status $rc)"
"$REPO/tools/results.py" --arch "$ARCH" --json "$BUILD/results.json" \
	--log "$BUILD/test.log" --dropped "$BUILD/ktap.dropped" \
	--suites "$REPO/kunit/suites" --tsv "$RESULTS_DIR/$ARCH.tsv" || rc=1
exit "$rc"
