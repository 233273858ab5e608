#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make e2e [ARCH=]: boot the base kernel ("stock") and base + series
# ("patched") under QEMU and run the user-space tests of tools/e2e/plan
# in each; print test x (stock, patched), expected and observed.
#
# make without DROP="0049" E2E=1 [ARCH=]: boot base + series less the
# patches in DROP ("without") and run the same plan in it; print every
# row that does not observe what the series gives (the patched column),
# i.e. the rows that fail without those patches.
#
# e2e.sh x86_64 upstream (make upstream, tools/upstream.sh): the same
# with Debian's linux-source-6.12 untouched ("stock") and with the
# patches offered to mainline, patches/upstream ("patched"), lean kernels
# (as e2e-perf's), the plan tools/e2e/upstream-plan, and the patches'
# selftests built from the patched tree.
#
# make kselftest [ARCH=x86_64]: the base's own mm selftests
# (tools/testing/selftests/vm, 6.1's location, built static from the
# base tree) run by the base's own run_vmtests.sh, unmodified, under
# Debian's static bash and busybox, in the lean stock and patched
# kernels (make e2e-perf's, with tools/e2e/kernel-lean-x86_64.config:
# the test kernels have no /proc/sys, which the script needs); print
# test x (stock, patched) and whether the series makes a test worse.
# Each program is stopped after KSFT_TIMEOUT seconds (300).
#
# make soak [ARCH=x86_64] [SECONDS=30]: Debian's stress-ng (the host's
# binary and its shared libraries) on the patched test kernel (KASAN,
# lockdep, DEBUG_VM), its memory stressors one after the other, each
# SECONDS long with --verify; print each one's result and bogo ops, and
# fail on any kernel report.
#
# make clients (x86_64): real programs, the host's own Debian binaries
# (fio over io_uring with fixed buffers, libibverbs and perftest over
# soft-RoCE), on the lean stock and patched kernels, with the host's root
# file system read-only over 9p/virtio as the guest's root: the plan
# tools/e2e/clients-plan, the scripts and client of tools/e2e/clients/.
#
# make e2e-perf [ARCH=] [ROUNDS=]: boot stock and patched alternately,
# ROUNDS times each, run the GUP benchmark (tools/e2e/perf-plan) in each
# boot, and print the median time per page of each and their ratio.
# The guests run with QEMU's -icount shift=0: guest time advances 1 ns
# per instruction executed, so a "ns per page" is the number of
# instructions per page, the same on every run.  Wall-clock time under
# TCG measures the emulator more than the kernel (code layout alone moved
# it by tens of percent between two kernels with the same code on the
# benchmarked path); PERF_CLOCK=wall measures it anyway.
#
# Both kernels carry the series' gup_test patch: stock is the base plus
# that one patch (test infrastructure only), because the tests need its
# long-term pin ioctls.
#
# make e2e boots the test kernels (lib.sh, build_test_kernel: the KUnit
# suites' debug options, KASAN and lockdep among them, plus
# tools/e2e/kernel*.config), the configuration "make walk" builds after
# every patch: patched is the main tree's, the very kernel "make kunit"
# boots (build/<arch>), stock the stock tree's, in a worktree of its own.  KUnit is switched off on the
# command line.
# make e2e-perf boots lean kernels instead (allnoconfig plus
# tools/e2e/kernel.config and kernel-<arch>.config only, no debug
# options that would weigh on the measured path), built in worktrees and
# build directories of their own.
. "$(dirname "$0")/lib.sh"
lock_tree

ARCH=${1:-${ARCH:-x86_64}}
MODE=${2:-func}
ROUNDS=${ROUNDS:-5}
PERF_CLOCK=${PERF_CLOCK:-icount}
case "$PERF_CLOCK" in icount | wall) ;; *) die "PERF_CLOCK must be icount or wall, not '$PERF_CLOCK'" ;; esac
arch_srcarch "$ARCH" >/dev/null # dies on an unknown ARCH
CROSS=$(arch_cross "$ARCH")
QEMU=$(arch_qemu "$ARCH")
E2E=$REPO/tools/e2e
case "$MODE" in func | perf | without | upstream | kselftest | soak | clients) ;; *) die "e2e.sh: unknown mode '$MODE' (func, perf, without, upstream, kselftest, soak or clients)" ;; esac
[ "$MODE" != clients ] || [ "$ARCH" = x86_64 ] ||
	die "make clients: x86_64 only (the guest runs the host's own programs from its root file system)"
[ "$MODE" != kselftest ] || [ "$ARCH" = x86_64 ] ||
	die "make kselftest: x86_64 only for now (the selftests link libnuma and libcap statically, which Debian has for the host's arch)"
[ "$MODE" != soak ] || [ "$ARCH" = x86_64 ] ||
	die "make soak: x86_64 only for now (it runs the host's own stress-ng, with its shared libraries)"
SOAK_SECONDS=${SOAK_SECONDS:-30}
case "$SOAK_SECONDS" in '' | *[!0-9]* | 0) die "SECONDS (make soak) must be a positive number, not '$SOAK_SECONDS'" ;; esac
[ "$MODE" != upstream ] || [ "$ARCH" = x86_64 ] ||
	die "the upstream run is x86_64's (uffd-wp, which its fix is about, is x86_64-only among our arches)"
case "$ROUNDS" in '' | *[!0-9]* | 0) die "ROUNDS must be a positive number, not '$ROUNDS'" ;; esac
need make gcc "${CROSS}gcc" "$QEMU" ccache flex bison bc mkfs.ext4 python3
[ -z "$CROSS" ] || [ -f "/usr/${CROSS%-}/lib/libc.a" ] ||
	die "no static C library for $ARCH (/usr/${CROSS%-}/lib/libc.a): run 'make deps'"

OUT=$CACHE_DIR/e2e
mkdir -p "$OUT" "$RESULTS_DIR"
use_ccache
PLAN=plan
HUGEPAGES=4
MEM=1024
# Console logs $OUT/$LOGS-VARIANT.log, the table $RESULTS_DIR/$RESULT.
LOGS=$ARCH
RESULT=e2e-$ARCH.txt
TITLE="stock = base + the gup_test patch; patched = base + series"
# The stressors of make soak: GUP, COW, fork, page cache and uffd paths.
# Not io-uring: Debian 12's stress-ng (0.15.06) stat()s its file through
# IORING_OP_STATX after unlinking it and fails with ENOENT on any kernel
# (the host's 6.18 too); gupstress registers io_uring buffers instead.
SOAK_STRESSORS="vm mmap mmapfork mmaphuge madvise fork userfaultfd memfd shm msync mremap remap vm-splice vm-rw"
if [ "$MODE" = soak ]; then
	mkdir -p "$OUT"
	PLAN_FILE=$OUT/soak-plan
	# tools/e2e/gupstress.c runs in the background across every
	# stressor's row; the last row waits for it and checks the pins.
	n=$(echo "$SOAK_STRESSORS" | wc -w)
	{
		echo "# make soak: stress-ng on the patched test kernel, $SOAK_SECONDS s per stressor, gupstress across them"
		printf 'soak:%-16s notrun  ok  %d  bash /e2e/soak.sh gupstress-start %d\n' gupstress-start 30 $((n * SOAK_SECONDS))
		for st in $SOAK_STRESSORS; do
			printf 'soak:%-16s notrun  ok  %d  bash /e2e/soak.sh %s %d\n' "$st" $((SOAK_SECONDS + 120)) "$st" "$SOAK_SECONDS"
		done
		printf 'soak:%-16s notrun  ok  %d  bash /e2e/soak.sh gupstress-wait 0\n' gupstress $((n * SOAK_SECONDS + 300))
		printf 'soak:%-16s notrun  ok  %d  bash /e2e/soak.sh kmemleak 0\n' kmemleak 300
		printf 'soak:%-16s notrun  ok  %d  bash /e2e/soak.sh faults %d\n' faults $((2 * SOAK_SECONDS + 300)) $((2 * SOAK_SECONDS))
		printf 'soak:%-16s notrun  ok  %d  bash /e2e/soak.sh kmemleak 0\n' kmemleak-faults 300
	} >"$PLAN_FILE"
	LOGS=$ARCH-soak
	RESULT=soak-$ARCH.txt
	HUGEPAGES=64
fi
if [ "$MODE" = clients ]; then
	# The scripts, rdmamr and the plan, at the path the guest sees them
	# (the host's root is its root).
	CD=$OUT/clients-$ARCH
	PLAN_FILE=$CD/plan
	LOGS=$ARCH-clients
	RESULT=e2e-clients-$ARCH.txt
	TITLE="real clients; stock = base + the gup_test patch; patched = base + series (lean kernels)"
	HUGEPAGES=0
fi
if [ "$MODE" = kselftest ]; then
	PLAN=kselftest-plan
	LOGS=$ARCH-kselftest
	RESULT=kselftest-$ARCH.txt
	# run_vmtests.sh reserves 256 MiB of huge pages itself, and
	# mremap_test needs more than the 1 GiB less those.
	HUGEPAGES=0
	MEM=2048
fi
if [ "$MODE" = upstream ]; then
	# tools/upstream.sh made the tree and checked patches/upstream.
	KDIR=$UPSTREAM_KERNEL_DIR
	BASE=$UPSTREAM_BASE_TAG
	PATCH_DIR=$REPO/patches/upstream
	mapfile -t PATCHES < <(sed -e 's/#.*//' -e 's/[[:space:]].*//' "$PATCH_DIR/series" | sed '/^$/d')
	PLAN=upstream-plan
	LOGS=$ARCH-upstream
	RESULT=e2e-upstream-$ARCH.txt
	TITLE="stock = $UPSTREAM_DEB_PACKAGE $UPSTREAM_DEB_VERSION; patched = + patches/upstream"
	# uffd-unit-tests maps 32 MiB twice, in huge pages too.
	HUGEPAGES=40
else
	check_series_files
	"$REPO/tools/tree.sh"
	KDIR=$(git -C "$(kernel_dir)" rev-parse --show-toplevel)
	BASE=$(resolve_base "$KDIR")
	PATCH_DIR=$REPO/patches
	mapfile -t PATCHES < <(series_patches)
	mapfile -t GUP_TEST_PATCH < <(printf '%s\n' "${PATCHES[@]}" | grep -e '-mm-gup_test-' || true)
	[ ${#GUP_TEST_PATCH[@]} -eq 1 ] ||
		die "series must hold exactly one mm/gup_test patch (the e2e tests need its ioctls); found ${#GUP_TEST_PATCH[@]}"
fi

# tree_commit LABEL PATCH...: a commit of the base with PATCHes applied,
# made in a scratch index: no checkout or branch of the tree is touched.
# The same patches give the same commit, so a worktree switched to it
# keeps its files (and the build its objects) when nothing changed.
tree_commit() {
	local label=$1 idx err p n=0 tree
	shift
	idx=$(mktemp -u "$OUT/index.XXXXXX")
	err=$(mktemp)
	GIT_INDEX_FILE=$idx git -C "$KDIR" read-tree "$BASE"
	for p in "$@"; do
		n=$((n + 1))
		if ! GIT_INDEX_FILE=$idx git -C "$KDIR" apply --cached "$PATCH_DIR/$p" 2>"$err"; then
			sed 's/^/        /' "$err" >&2
			rm -f "$idx" "$err"
			die "e2e $label: patch $n of $#, ${PATCH_DIR#"$REPO"/}/$p, does not apply to $(git -C "$KDIR" describe --tags --always "$BASE"); nothing was changed"
		fi
	done
	tree=$(GIT_INDEX_FILE=$idx git -C "$KDIR" write-tree)
	rm -f "$idx" "$err"
	GIT_AUTHOR_NAME=$PLACEHOLDER_NAME GIT_AUTHOR_EMAIL=$PLACEHOLDER_EMAIL \
	GIT_COMMITTER_NAME=$PLACEHOLDER_NAME GIT_COMMITTER_EMAIL=$PLACEHOLDER_EMAIL \
	GIT_AUTHOR_DATE='@0 +0000' GIT_COMMITTER_DATE='@0 +0000' \
		git -C "$KDIR" commit-tree "$tree" -p "$BASE" -m "e2e $label"
}

TARGET=$(arch_field "$ARCH" 6)
IMAGE=$(arch_field "$ARCH" 7)
CONSOLE=$(arch_field "$ARCH" 8)
# memfd_secret() needs a direct map it can change: on arm64, rodata=full
# (the test kernel's allnoconfig leaves RODATA_FULL_DEFAULT_ENABLED off).
[ "$ARCH" != arm64 ] || ARCH_ARGS=rodata=full

# build_kernel VARIANT SRC: the e2e kernel of SRC in $OUT/build-$ARCH-VARIANT.
build_kernel() {
	local variant=$1 src=$2 b=$OUT/build-$ARCH-$1 frag missing log t0 rc=0 key
	mkdir -p "$b"
	frag=$b/e2e.fragment
	cat "$E2E/kernel.config" "$E2E/kernel-$ARCH.config" >"$frag.new"
	[[ "$variant" != up-* ]] || cat "$E2E/kernel-upstream.config" >>"$frag.new"
	# make clients and make kselftest boot the lean x86_64 kernels,
	# make e2e-perf's, with what they need.
	[[ "$ARCH" != x86_64 || "$variant" == up-* ]] || cat "$E2E/kernel-lean-x86_64.config" >>"$frag.new"
	log=$b/build.log
	if [ ! -f "$b/.config" ] || ! cmp -s "$frag" "$frag.new"; then
		mv "$frag.new" "$frag"
		kmake "$src" "$b" KCONFIG_ALLCONFIG="$frag" allnoconfig >"$log" 2>&1 ||
			{ tail -n 20 "$log" >&2; die "e2e $ARCH $variant: allnoconfig failed (log: $log)"; }
	else
		rm -f "$frag.new"
	fi
	missing=$(config_unmet "$frag" "$b/.config" "$src" --undefined)
	missing=$(printf '%s' "$missing" | tr '\n' ' ')
	[ -z "$missing" ] ||
		die "e2e $ARCH $variant: the kernel config lacks $missing(dependencies not met on $ARCH): fix tools/e2e/kernel*.config"
	# Same tree, config and compilers as the image in place, untouched:
	# the build would be a no-op, skip it (CACHE=0 builds anyway).
	key=$(step_key "e2e-kernel $ARCH $variant" "$(git -C "$src" rev-parse "HEAD^{tree}")" \
		@"$frag" "$(toolchain_id)")
	if [ -f "$b/$IMAGE" ] &&
	   [ "$(step_reused e2e-kernel "$key" || true)" = "$(cat "$b/$IMAGE" "$b/.config" | sha1sum | cut -c1-40)" ]; then
		info "$variant: $b/$IMAGE (reused: same tree, config and compilers)"
		return 0
	fi
	t0=$(date +%s)
	heartbeat_start "building $variant $ARCH"
	kmake "$src" "$b" -j"$(nproc)" "$TARGET" >"$log" 2>&1 || rc=$?
	heartbeat_stop
	if [ "$rc" -ne 0 ]; then
		grep -E 'error|Error' "$log" | head -n 20 | sed 's/^/        /' >&2
		die "e2e $ARCH $variant: kernel build failed (log: $log)"
	fi
	step_record e2e-kernel "$key" "$(cat "$b/$IMAGE" "$b/.config" | sha1sum | cut -c1-40)"
	info "$variant: $b/$IMAGE ($(($(date +%s) - t0)) s)"
}

declare -A KERNEL
FIRST=stock
[ "$MODE" != soak ] || FIRST=patched
if [ "$MODE" = without ]; then
	FIRST=without
	[ -n "${DROP:-}" ] || die 'name the patches to leave out: DROP="0049"'
	keep=()
	for d in $DROP; do
		printf '%s\n' "${PATCHES[@]}" | grep -q "^$d-" || die "DROP: no patch $d-* in series"
		[[ " ${GUP_TEST_PATCH[0]%%-*} " != *" $d "* ]] ||
			die "DROP: ${GUP_TEST_PATCH[0]} is the tests' interface, it cannot be left out"
	done
	for p in "${PATCHES[@]}"; do
		[[ " $DROP " == *" ${p%%-*} "* ]] || keep+=("$p")
	done
	banner "e2e $ARCH: test kernel \"without\" (base + series less $DROP: ${#keep[@]} patches)"
	WITHOUT=$(tree_commit without "${keep[@]}")
	SRC_WITHOUT=$(worktree_at "$KDIR" e2e-src-without "$WITHOUT")
	b=$(wt_build e2e-src-without "test-$ARCH")
	test_kernel "$SRC_WITHOUT" "$b" without ||
		die "e2e $ARCH: the series less $DROP does not build (log: $b/build.log)"
	KERNEL[without]=$b/$(arch_image "$ARCH")
	SRC_PATCHED=$SRC_WITHOUT
	APPEND=kunit.enable=0
elif [ "$MODE" = upstream ]; then
	banner "e2e $ARCH: upstream kernels (stock: $BASE; patched: + ${#PATCHES[@]} patch(es) of patches/upstream)"
	SRC_STOCK=$(worktree_at "$KDIR" e2e-src-up-stock "$(tree_commit up-stock)")
	SRC_PATCHED=$(worktree_at "$KDIR" e2e-src-up-patched "$(tree_commit up-patched "${PATCHES[@]}")")
	build_kernel up-stock "$SRC_STOCK"
	build_kernel up-patched "$SRC_PATCHED"
	KERNEL[stock]=$OUT/build-$ARCH-up-stock/$IMAGE
	KERNEL[patched]=$OUT/build-$ARCH-up-patched/$IMAGE
	APPEND=
else
STOCK=$(tree_commit stock "${GUP_TEST_PATCH[0]}")
SRC_STOCK=$(worktree_at "$KDIR" e2e-src-stock "$STOCK")
fi
if [ "$MODE" = without ] || [ "$MODE" = upstream ]; then
	:
elif [ "$MODE" = func ] || [ "$MODE" = soak ]; then
	banner "e2e $ARCH: test kernels (stock: base + ${GUP_TEST_PATCH[0]%%-*}; patched: base + ${#PATCHES[@]} patches)"
	"$REPO/tools/apply.sh" >/dev/null
	SRC_PATCHED=$KDIR
	# make soak boots the patched kernel only.
	if [ "$MODE" != soak ]; then
		b=$(wt_build e2e-src-stock "test-$ARCH")
		test_kernel "$SRC_STOCK" "$b" stock || die "e2e $ARCH: the stock test kernel does not build (log: $b/build.log)"
		KERNEL[stock]=$b/$(arch_image "$ARCH")
	fi
	# The patched kernel is "make kunit"'s: same config, same build
	# directory, reused when make kunit built it from the same tree.
	# make soak's is its debug variant: the same plus
	# tools/e2e/soak-<arch>.config (/proc/sys, for compaction), in a
	# build directory of its own, so that neither make kunit's kernel
	# nor the walk's and make check's configuration change for it.
	b=$BUILD_ROOT/$ARCH
	if [ "$MODE" = soak ]; then
		b=$BUILD_ROOT/soak-$ARCH
		export TEST_FRAGMENT_EXTRA=$E2E/soak-$ARCH.config
	fi
	test_kernel "$SRC_PATCHED" "$b" patched ||
		die "e2e $ARCH: the patched test kernel does not build (log: $b/build.log)"
	unset TEST_FRAGMENT_EXTRA
	KERNEL[patched]=$b/$(arch_image "$ARCH")
	APPEND=kunit.enable=0
	# make soak: the debug features the test kernel has built in, off
	# by default (kunit/gup-series.kunitconfig).
	[ "$MODE" != soak ] || APPEND+=" kmemleak=on debug_pagealloc=on"
else
	banner "e2e-$MODE $ARCH: lean kernels (stock: base + ${GUP_TEST_PATCH[0]%%-*}; patched: base + ${#PATCHES[@]} patches)"
	PATCHED=$(tree_commit patched "${PATCHES[@]}")
	SRC_PATCHED=$(worktree_at "$KDIR" e2e-src-patched "$PATCHED")
	build_kernel stock "$SRC_STOCK"
	build_kernel patched "$SRC_PATCHED"
	KERNEL[stock]=$OUT/build-$ARCH-stock/$IMAGE
	KERNEL[patched]=$OUT/build-$ARCH-patched/$IMAGE
	APPEND=
fi

banner "e2e $ARCH: user space (${CROSS}gcc -static) and initramfs"
U=$OUT/user-$ARCH
mkdir -p "$U"
CFLAGS=(-static -O2 -Wall -Wextra -Werror -I"$SRC_PATCHED/mm")
"${CROSS}gcc" "${CFLAGS[@]}" -o "$U/init" "$E2E/init.c" ||
	die "e2e: building init for $ARCH failed"
PROGS=(pin cow dmabuf uffd ksm bench)
[ "$MODE" != clients ] || PROGS=()
[ "$MODE" != upstream ] || PROGS=(uffd kselftest)
[ "$MODE" != kselftest ] || PROGS=()
[ "$MODE" != soak ] || PROGS=(gupstress)
for p in "${PROGS[@]}"; do
	"${CROSS}gcc" "${CFLAGS[@]}" -o "$U/$p" "$E2E/$p.c" "$E2E/common.c" ||
		die "e2e: building $p for $ARCH failed"
done
if [ "$MODE" = upstream ]; then
	# The selftest of the mainline patches, from the patched tree, against
	# its own UAPI headers, as tools/testing/selftests/mm/Makefile builds
	# it (but static, for the initramfs).
	# "make headers" leaves them in the build directory's usr/include
	# (headers_install would only copy them, with rsync).
	hdr=$OUT/build-$ARCH-up-patched/usr
	kmake "$SRC_PATCHED" "$OUT/build-$ARCH-up-patched" -s headers ||
		die "e2e: make headers in the patched 6.12 tree failed"
	st=$SRC_PATCHED/tools/testing/selftests
	"${CROSS}gcc" -static -O2 -Wall -I "$SRC_PATCHED" -isystem "$hdr/include" \
		-isystem "$SRC_PATCHED/tools/include/uapi" -I "$st" -I "$st/mm" \
		-o "$U/uffd-unit-tests" "$st/mm/uffd-unit-tests.c" "$st/mm/uffd-common.c" \
		"$st/mm/vm_util.c" "$st/mm/thp_settings.c" -lrt -lpthread -lm ||
		die "e2e: building the 6.12 selftest uffd-unit-tests failed"
	PROGS+=(uffd-unit-tests)
fi
KSFT_LIST=
if [ "$MODE" = clients ]; then
	need fio ib_write_bw ib_read_bw rdma ip strace python3 dpkg-query
	[ -f /usr/include/infiniband/verbs.h ] || die "make clients: no libibverbs headers: run make deps"
	rm -rf "$CD"
	mkdir -p "$CD/bin"
	gcc -O2 -Wall -Wextra -Werror -o "$CD/bin/rdmamr" "$E2E/clients/rdmamr.c" -libverbs ||
		die "make clients: building tools/e2e/clients/rdmamr.c failed"
	ln -s /bin/bash "$CD/bin/bash"
	cp "$E2E"/clients/*.sh "$E2E/clients/errname.py" "$CD/"
	sed "s|@DIR@|$CD|g" "$E2E/clients-plan" >"$PLAN_FILE"
	info "fio $(fio --version), perftest $(dpkg-query -W -f '${Version}' perftest), rdma-core $(dpkg-query -W -f '${Version}' rdma-core) (the host's, run by the guest from its root)"
fi
if [ "$MODE" = soak ]; then
	# Debian's stress-ng, as the host has it: the binary and the shared
	# libraries it loads, at their paths, with Debian's static bash.
	need stress-ng bash-static busybox ldd
	SK=$OUT/soak-$ARCH
	mkdir -p "$SK"
	sng=$(command -v stress-ng)
	{
		printf 'dir %s 0755 0 0\n' /bin /usr /usr/bin /tmp /lib /lib64 /lib/x86_64-linux-gnu /usr/lib \
			/usr/lib/x86_64-linux-gnu
		printf 'file /e2e/bin/bash /bin/bash-static 0755 0 0\n'
		printf 'file /bin/bash /bin/bash-static 0755 0 0\n'
		printf 'file /bin/busybox /bin/busybox 0755 0 0\n'
		printf 'file /usr/bin/stress-ng %s 0755 0 0\n' "$sng"
		printf 'file /e2e/soak.sh %s 0644 0 0\n' "$E2E/soak.sh"
		ldd "$sng" | sed -n -e 's/.* => \(\/[^ ]*\) .*/\1/p' -e 's/^[[:space:]]*\(\/[^ ]*\) .*/\1/p' |
			sort -u | while read -r lib; do printf 'file %s %s 0755 0 0\n' "$lib" "$(readlink -f "$lib")"; done
	} >"$SK/initramfs.list"
	KSFT_LIST=$SK/initramfs.list
	info "stress-ng $(stress-ng --version | awk '{print $3}') and $(grep -c '^file /lib\|^file /usr/lib' "$SK/initramfs.list") shared libraries"
fi
if [ "$MODE" = kselftest ]; then
	# The base's own tools/testing/selftests/vm, as its Makefile builds
	# them (static, for the initramfs), against the base's UAPI headers,
	# and run by its own run_vmtests.sh, unmodified, under Debian's static
	# bash and busybox.  Each program sits behind a wrapper that stops it
	# after KSFT_TIMEOUT seconds.
	need bash-static busybox
	[ -f /usr/lib/x86_64-linux-gnu/libnuma.a ] && [ -f /usr/lib/x86_64-linux-gnu/libcap.a ] ||
		die "make kselftest: no static libnuma or libcap: run make deps"
	[ -x /bin/busybox ] && file -L /bin/busybox | grep -q 'statically linked' ||
		die "make kselftest: /bin/busybox is not Debian's static one (busybox-static): run make deps"
	KS=$OUT/ksft-$ARCH
	rm -rf "$KS"
	mkdir -p "$KS/src" "$KS/bin" "$KS/vm"
	git -C "$KDIR" archive "$BASE" tools mm/gup_test.h lib/test_hmm_uapi.h include/vdso | tar -x -C "$KS/src"
	hb=$(wt_build e2e-src-stock "test-$ARCH")
	kmake "$SRC_STOCK" "$hb" -s headers || die "make kselftest: make headers in the stock tree failed"
	banner "e2e $ARCH: the base's tools/testing/selftests/vm (static)"
	# EXTRA_CFLAGS too: protection_keys_64's own rule ignores LDFLAGS.
	make -k -C "$KS/src/tools/testing/selftests/vm" -s -j"$(nproc)" OUTPUT="$KS/bin" \
		LDFLAGS=-static EXTRA_CFLAGS=-static KHDR_INCLUDES="-isystem $hb/usr/include" >"$KS/build.log" 2>&1 ||
		info "some selftests did not build (log: $KS/build.log): they fail on both kernels"
	timeout=${KSFT_TIMEOUT:-300}
	vm=$KS/src/tools/testing/selftests/vm
	{
		printf 'dir %s 0755 0 0\n' /bin /e2e/ksft /e2e/ksft/bin /usr /usr/bin /tmp
		printf 'file /bin/bash /bin/bash-static 0755 0 0\n'
		printf 'file /bin/busybox /bin/busybox 0755 0 0\n'
		printf 'file /e2e/bin/bash /bin/bash-static 0755 0 0\n'
		printf 'file /e2e/vmtests.sh %s 0644 0 0\n' "$E2E/vmtests.sh"
		printf 'file /bin/sudo %s 0755 0 0\n' "$U/sudo"
		printf 'file /e2e/ksft/run_vmtests.sh %s 0755 0 0\n' "$vm/run_vmtests.sh"
		for f in "$vm"/*.sh; do
			[ "${f##*/}" = run_vmtests.sh ] || printf 'file /e2e/ksft/%s %s 0755 0 0\n' "${f##*/}" "$f"
		done
		for f in "$KS"/bin/*; do
			[ -f "$f" ] && [ -x "$f" ] || continue
			n=${f##*/}
			printf '#!/bin/sh\n# %s, stopped after %s s\n/bin/timeout -s KILL %s /e2e/ksft/bin/%s "$@"\nrc=$?\n[ $rc -ne 137 ] || echo "kselftest: %s stopped after %s s"\nexit $rc\n' \
				"$n" "$timeout" "$timeout" "$n" "$n" "$timeout" >"$KS/vm/$n"
			printf 'file /e2e/ksft/bin/%s %s 0755 0 0\nfile /e2e/ksft/%s %s 0755 0 0\n' "$n" "$f" "$n" "$KS/vm/$n"
		done
	} >"$KS/initramfs.list"
	"${CROSS}gcc" "${CFLAGS[@]}" -o "$U/sudo" "$E2E/sudo.c" || die "e2e: building sudo for $ARCH failed"
	KSFT_LIST=$KS/initramfs.list
	info "$(find "$KS/bin" -maxdepth 1 -type f -perm -u+x | wc -l) selftest programs built (log: $KS/build.log)"
	for f in "$KS"/bin/*; do
		[ -x "$f" ] && ! file -L "$f" | grep -q 'statically linked' &&
			die "make kselftest: ${f##*/} is not linked static, so the initramfs cannot run it"
	done
fi
gcc -O2 -o "$OUT/gen_init_cpio" "$SRC_PATCHED/usr/gen_init_cpio.c" ||
	die "e2e: building usr/gen_init_cpio failed"
{
	printf 'dir /dev 0755 0 0\nnod /dev/console 0600 0 0 c 5 1\n'
	printf 'dir %s 0755 0 0\n' /proc /sys /mnt /e2e /e2e/bin
	printf 'file /init %s 0755 0 0\n' "$U/init"
	for p in "${PROGS[@]}"; do printf 'file /e2e/bin/%s %s 0755 0 0\n' "$p" "$U/$p"; done
	printf 'file /e2e/%s %s 0644 0 0\n' plan "${PLAN_FILE:-$E2E/$PLAN}" perf-plan "$E2E/perf-plan"
	[ -z "$KSFT_LIST" ] || cat "$KSFT_LIST"
} >"$U/initramfs.list"
"$OUT/gen_init_cpio" "$U/initramfs.list" >"$U/initramfs.cpio" ||
	die "e2e: gen_init_cpio failed"
info "$U/initramfs.cpio: init and ${#PROGS[@]} programs, $(du -k "$U/initramfs.cpio" | cut -f1) KiB"

DISK=$OUT/disk-$ARCH.img
ACCEL=tcg
if [ "$ARCH" = x86_64 ]; then
	ACCEL=$("$REPO/tools/accel.sh" "${KERNEL[$FIRST]%/arch/*}")
	[ "$ACCEL" != unknown ] || ACCEL=tcg
fi

# boot VARIANT LOG PLAN: boot the VARIANT kernel on a fresh ext4 image,
# running PLAN (func or perf); the console goes to LOG.
boot() {
	local variant=$1 log=$2 plan=$3 t0 rc=0 args boot_limit
	# Each test has its own limit in the plan; the boot as a whole gets
	# their sum and two minutes more, and is stopped if it hangs.
	boot_limit=$(awk '!/^#/ && NF >= 5 { s += $4 } END { print s + 120 }' \
		"$([ "$plan" = func ] && echo "${PLAN_FILE:-$E2E/$PLAN}" || echo "$E2E/perf-plan")")
	rm -f "$DISK"
	truncate -s 128M "$DISK"
	mkfs.ext4 -q -F "$DISK" || die "e2e: mkfs.ext4 failed"
	args=(-nodefaults -nographic -no-reboot -serial stdio -m "$MEM" -smp 2
		-kernel "${KERNEL[$variant]}"
		-drive "file=$DISK,format=raw,if=none,id=d0")
	if [ "$MODE" = clients ]; then
		# The host's root, read-only, as the guest's: init is ours
		# (static, the same as the initramfs's), the rest the host's.
		args+=(-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
			-append "console=$CONSOLE panic=-1 root=hostroot rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=262144 ro init=$U/init e2e_dir=$CD e2e_kernel=$variant${APPEND:+ $APPEND}")
	else
		args+=(-initrd "$U/initramfs.cpio"
			-append "console=$CONSOLE hugepages=$HUGEPAGES secretmem.enable=1${ARCH_ARGS:+ $ARCH_ARGS} panic=-1 e2e_plan=$plan e2e_kernel=$variant${APPEND:+ $APPEND}")
	fi
	case "$ARCH" in
	x86_64) args+=(-bios qboot.rom -accel "$ACCEL" -device "virtio-blk-pci,drive=d0") ;;
	arm64) args+=(-machine virt -cpu cortex-a57 -accel tcg -device "virtio-blk-pci,drive=d0") ;;
	s390) args+=(-machine s390-ccw-virtio -cpu qemu -accel tcg -device "virtio-blk-ccw,drive=d0") ;;
	esac
	if [ "$plan" = perf ] && [ "$PERF_CLOCK" = icount ]; then
		args+=(-icount shift=0)
	fi
	t0=$(date +%s)
	timeout "${E2E_BOOT_TIMEOUT:-$boot_limit}" "$QEMU" "${args[@]}" </dev/null >"$log" 2>&1 || rc=$?
	info "$variant: booted and ran in $(($(date +%s) - t0)) s (QEMU exit $rc, console: $log)"
	grep -q 'E2E-DONE' "$log" || info "$variant: the run did not finish (no E2E-DONE): see $log"
}

if [ "$MODE" = without ]; then
	banner "e2e $ARCH: boot without ($QEMU, accel $ACCEL)"
	boot without "$OUT/$ARCH-without.log" func
	banner "e2e $ARCH: the rows that fail without $DROP"
	"$E2E/report.py" without --arch "$ARCH" --plan "$E2E/plan" --drop "$DROP" \
		--log "$OUT/$ARCH-without.log" --out "$RESULTS_DIR/e2e-without-$ARCH.txt"
elif [ "$MODE" = soak ]; then
	banner "make soak $ARCH: boot patched ($QEMU, accel $ACCEL), $SOAK_SECONDS s per stressor"
	boot patched "$OUT/$LOGS-patched.log" func
	banner "make soak $ARCH: results"
	"$E2E/report.py" soak --arch "$ARCH" --log "$OUT/$LOGS-patched.log" --out "$RESULTS_DIR/$RESULT"
elif [ "$MODE" = kselftest ]; then
	for v in stock patched; do
		banner "make kselftest $ARCH: boot $v ($QEMU, accel $ACCEL)"
		boot "$v" "$OUT/$LOGS-$v.log" func
	done
	banner "make kselftest $ARCH: results"
	"$E2E/report.py" kselftest --arch "$ARCH" --stock "$OUT/$LOGS-stock.log" \
		--patched "$OUT/$LOGS-patched.log" --out "$RESULTS_DIR/$RESULT"
elif [ "$MODE" = func ] || [ "$MODE" = upstream ] || [ "$MODE" = clients ]; then
	rm -f "$RESULTS_DIR/$RESULT"
	for v in stock patched; do
		banner "e2e $ARCH: boot $v ($QEMU, accel $ACCEL)"
		boot "$v" "$OUT/$LOGS-$v.log" func
	done
	banner "e2e $ARCH: results"
	"$E2E/report.py" func --arch "$ARCH" --plan "${PLAN_FILE:-$E2E/$PLAN}" --title "$TITLE" \
		--stock "$OUT/$LOGS-stock.log" --patched "$OUT/$LOGS-patched.log" \
		--out "$RESULTS_DIR/$RESULT"
else
	logs=()
	for r in $(seq 1 "$ROUNDS"); do
		# Alternate which goes first, so that drift in the host's speed
		# over the run does not favour one kernel.
		order="stock patched"
		[ $((r % 2)) -eq 1 ] || order="patched stock"
		for v in $order; do
			banner "e2e-perf $ARCH: round $r of $ROUNDS, $v"
			boot "$v" "$OUT/$ARCH-perf-$r-$v.log" perf
			logs+=("$r:$v=$OUT/$ARCH-perf-$r-$v.log")
		done
	done
	banner "e2e-perf $ARCH: results"
	"$E2E/report.py" perf --arch "$ARCH" --clock "$PERF_CLOCK" --out "$RESULTS_DIR/e2e-perf-$ARCH.txt" "${logs[@]}"
fi
