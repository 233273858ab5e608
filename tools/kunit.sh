#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make kunit [ARCH=x86_64|arm64|s390]: apply the series, then build and run
# our suites with kunit.py under QEMU, in a build directory per arch.
. "$(dirname "$0")/lib.sh"

ARCH=${1:-${ARCH:-x86_64}}
BUILT='' BUILD_FAILED='' REUSED=''
CROSS=$(arch_cross "$ARCH")
QEMU=$(arch_qemu "$ARCH")
need python3 make "${CROSS}gcc" "$QEMU" ccache flex bison bc

"$REPO/tools/apply.sh"

DIR=$(git -C "$(kernel_dir)" rev-parse --show-toplevel)
BUILD=$BUILD_ROOT/$ARCH
mkdir -p "$BUILD" "$RESULTS_DIR"
rm -f "$BUILD/results.json" "$BUILD/test.log" "$BUILD/ktap.log" "$BUILD/ktap.dropped" "$RESULTS_DIR/$ARCH.tsv"

use_ccache
ccache --zero-stats >/dev/null
mtimes_restore "$DIR" "$BUILD"

kunit_args "$ARCH" "$BUILD"
common=("${KUNIT_ARGS[@]}")

ACCEL=tcg
if [ "$ARCH" = x86_64 ]; then
	ACCEL=$("$REPO/tools/accel.sh" "$BUILD")
	if [ "$ACCEL" = unknown ]; then
		# Nothing to probe KVM with yet: build first.
		banner "kunit $ARCH: kunit.py build (to probe KVM with the kernel)"
		kunit_py "$DIR" build "${common[@]}" || BUILD_FAILED=1
		BUILT=1
		ACCEL=$("$REPO/tools/accel.sh" "$BUILD")
		[ "$ACCEL" != unknown ] || ACCEL=tcg
	fi
fi
export GUP_QEMU_ACCEL=$ACCEL

# Build, boot, parse: three kunit.py steps, so that the console log is
# cut down to its KTAP lines (tools/ktap.py) before kunit.py parses it.
# A kernel message printed in the middle of the KTAP output (an
# asynchronous probe) cannot then throw the parser off.
# The kernel depends on the tree, the kunitconfigs, the QEMU config (its
# kconfig part) and the compilers: when they are those of the last build
# and its image and .config are untouched, the build is skipped (it
# would be a no-op; CACHE=0 builds anyway).  The boot always runs.
case "$ARCH" in
x86_64) IMAGE=arch/x86/boot/bzImage ;;
arm64) IMAGE=arch/arm64/boot/Image.gz ;;
s390) IMAGE=arch/s390/boot/bzImage ;;
esac
CROSS=$(arch_cross "$ARCH")
KEY=$(step_key "kunit-build $ARCH" "$(git -C "$DIR" rev-parse "HEAD^{tree}")" \
	@"$REPO/kunit/gup-series.kunitconfig" @"$REPO/kunit/$ARCH.kunitconfig" \
	@"$REPO/kunit/rdma.kunitconfig" @"$REPO/kunit/iommu-$ARCH.kunitconfig" @"$REPO/kunit/qemu/$ARCH.py" "$(toolchain_id)" @"$REPO/tools/kunit.sh" \
	"$(printf '%s\n' "${common[@]}" | grep -v -e '^--jobs=' -e '^--build_dir=' -e '^--kunitconfig=' -e '^--qemu_config=')")
built_id() {
	cat "$BUILD/$IMAGE" "$BUILD/.config" 2>/dev/null | sha1sum | cut -c1-40
}
rc=0
if [ -z "${BUILT:-}" ] && [ -f "$BUILD/$IMAGE" ] &&
   [ "$(step_reused kunit-build "$KEY" || true)" = "$(built_id)" ]; then
	banner "kunit $ARCH: build reused: same tree, kunitconfigs, QEMU config and compilers as $BUILD/$IMAGE"
	BUILT=1
	REUSED=1
fi
if [ -z "${BUILT:-}" ]; then
	banner "kunit $ARCH: kunit.py build (in $BUILD)"
	kunit_py "$DIR" build "${common[@]}" || BUILD_FAILED=1
fi
if [ -z "${BUILD_FAILED:-}" ] && [ -f "$BUILD/$IMAGE" ]; then
	step_record kunit-build "$KEY" "$(built_id)"
	[ -n "${REUSED:-}" ] || mtimes_record "$DIR" "$BUILD"
fi
[ -n "${REUSED:-}" ] || info "ccache: $(ccache_stats)"

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
