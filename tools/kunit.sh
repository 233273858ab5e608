#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make kunit [ARCH=x86_64|arm64|s390]: apply the series, then build and run
# our suites with kunit.py under QEMU, in a build directory per arch.
. "$(dirname "$0")/lib.sh"

ARCH=${1:-${ARCH:-x86_64}}
CROSS=$(arch_cross "$ARCH")
QEMU=$(arch_qemu "$ARCH")
need python3 make "${CROSS}gcc" "$QEMU" ccache flex bison bc

"$REPO/tools/apply.sh"

DIR=$(git -C "$(kernel_dir)" rev-parse --show-toplevel)
BUILD=$BUILD_ROOT/$ARCH
mkdir -p "$BUILD" "$RESULTS_DIR"
rm -f "$BUILD/results.json" "$BUILD/test.log" "$RESULTS_DIR/$ARCH.tsv"

use_ccache
ccache --zero-stats >/dev/null

kunit_args "$ARCH" "$BUILD"
common=("${KUNIT_ARGS[@]}")

ACCEL=tcg
if [ "$ARCH" = x86_64 ]; then
	ACCEL=$("$REPO/tools/accel.sh" "$BUILD")
	if [ "$ACCEL" = unknown ]; then
		# Nothing to probe KVM with yet: build first.
		banner "kunit $ARCH: kunit.py build (to probe KVM with the kernel)"
		kunit_py "$DIR" build "${common[@]}" || BUILD_FAILED=1
		ACCEL=$("$REPO/tools/accel.sh" "$BUILD")
		[ "$ACCEL" != unknown ] || ACCEL=tcg
	fi
fi
export GUP_QEMU_ACCEL=$ACCEL

banner "kunit $ARCH: kunit.py run (build in $BUILD, QEMU $QEMU, accel $ACCEL)"
args=(run "${common[@]}" --timeout="${KUNIT_TIMEOUT:-600}" --json="$BUILD/results.json")

rc=0
if [ -z "${BUILD_FAILED:-}" ]; then
	kunit_py "$DIR" "${args[@]}" || rc=$?
else
	info "not running: the build failed (above)"
	rc=1
fi

info "ccache: $(ccache --print-stats 2>/dev/null | awk -F'\t' '$1=="direct_cache_hit"||$1=="preprocessed_cache_hit"{h+=$2} $1=="cache_miss"{m=$2} END{printf "%d hits, %d misses", h, m}')"
banner "kunit $ARCH: results (kunit.py exit status $rc)"
"$REPO/tools/results.py" --arch "$ARCH" --json "$BUILD/results.json" \
	--log "$BUILD/test.log" --suites "$REPO/kunit/suites" \
	--tsv "$RESULTS_DIR/$ARCH.tsv" || rc=1
exit "$rc"
