# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Shared shell helpers for the tools/ scripts.  Source it; do not run it.
# Its globals are used by the scripts that source it:
# shellcheck disable=SC2034

set -euo pipefail

# git and sort speak one language, whatever the user's locale: under a
# German locale git's messages (which apply.sh reads to name the patch
# that failed) would not be the ones looked for, and sort would order
# otherwise.  Not LC_ALL for everything: ccache hashes the locale
# variables, so a locale of our own would miss every object the user's
# builds (and ours before) cached.  kunit.py and the Python scripts read
# KTAP, JSON and their own output, none of which is translated.
git() { LC_ALL=C command git "$@"; }
sort() { LC_ALL=C command sort "$@"; }

# Debian's own python3 and tools first: a python3 from pyenv or a venv
# lacks the Debian modules (ply, git) that checkpatch's spdxcheck.py uses.
export PATH=/usr/bin:/bin:$PATH

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=base.conf
. "$REPO/tools/base.conf"
BASE_KVERSION=${BASE_DEB_VERSION%-*}

CACHE_DIR=${CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/gup-series}
BUILD_ROOT=${BUILD_ROOT:-$CACHE_DIR/build}
RESULTS_DIR=${RESULTS_DIR:-$CACHE_DIR/results}
WORK_BRANCH=${WORK_BRANCH:-gup-series}
DEFAULT_KERNEL_DIR=$CACHE_DIR/linux-$BASE_DEB_VERSION
DEFAULT_BASE_TAG=debian/$BASE_DEB_VERSION
# The tree of the patches offered to mainline (tools/upstream.sh).  A tag
# cannot hold Debian's "~".
UPSTREAM_KERNEL_DIR=$CACHE_DIR/linux-${UPSTREAM_DEB_VERSION//\~/_}
UPSTREAM_BASE_TAG=debian/${UPSTREAM_DEB_VERSION//\~/_}
# The placeholder identity every patch in patches/ carries (README).
PLACEHOLDER_NAME="GUP Series Placeholder"
PLACEHOLDER_EMAIL="placeholder@gup-series.invalid"

# One clock for a whole "make test": the first script started sets it.
export GUP_T0=${GUP_T0:-$(date +%s)}

elapsed() {
	local s=$(($(date +%s) - GUP_T0))
	printf '%02d:%02d' $((s / 60)) $((s % 60))
}

banner() {
	printf '\n==> [%s] %s\n' "$(elapsed)" "$*"
}

info() {
	printf '    %s\n' "$*"
}

die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# The kernel tree in use: KERNEL_DIR if the user named one, else the
# Debian tree in the cache.
kernel_dir() {
	if [ -n "${KERNEL_DIR:-}" ]; then
		printf '%s\n' "$KERNEL_DIR"
	else
		printf '%s\n' "$DEFAULT_KERNEL_DIR"
	fi
}

is_user_tree() {
	[ -n "${KERNEL_DIR:-}" ]
}

# Commands every target needs.  A missing one runs "make deps" once;
# if it is still missing afterwards we name it and stop.
need() {
	local missing=() c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || missing+=("$c")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ -z "${GUP_DEPS_TRIED:-}" ]; then
		info "missing: ${missing[*]}; running tools/deps.sh"
		GUP_DEPS_TRIED=1 "$REPO/tools/deps.sh" || die "tools/deps.sh failed"
		export GUP_DEPS_TRIED=1
		need "$@"
		return
	fi
	die "required tool(s) not found even after 'make deps': ${missing[*]}"
}

# "make kernelversion" without running make: VERSION.PATCHLEVEL.SUBLEVEL.
tree_kversion() {
	awk -F' = ' '
		$1 == "VERSION" { v = $2 }
		$1 == "PATCHLEVEL" { p = $2 }
		$1 == "SUBLEVEL" { s = $2 }
		END { if (v != "") printf "%s.%s.%s\n", v, p, s }
	' "$1/Makefile" 2>/dev/null
}

# The patches named in series, in order, one per line.
series_patches() {
	sed -e 's/#.*//' -e 's/[[:space:]].*//' "$REPO/series" | sed '/^$/d'
}

# The series files exist and patches/ holds nothing that series omits.
check_series_files() {
	local p b bad=0
	[ -f "$REPO/series" ] || die "series file missing: $REPO/series"
	while read -r p; do
		if [ ! -f "$REPO/patches/$p" ]; then
			printf 'error: series lists %s but patches/%s does not exist\n' "$p" "$p" >&2
			bad=1
		fi
	done < <(series_patches)
	for p in "$REPO"/patches/*.patch; do
		[ -e "$p" ] || continue
		b=${p##*/}
		case "$b" in 0000-cover-letter.patch) continue ;; esac
		if ! series_patches | grep -qxF "$b"; then
			printf 'error: patches/%s is not listed in series\n' "$b" >&2
			bad=1
		fi
	done
	[ "$bad" -eq 0 ] || die "series and patches/ disagree (see above)"
}

# The arches, one row each (kunit.py's own QEMU settings are in
# kunit/qemu/<arch>.py, the e2e guests' machine options in e2e.sh's
# boot, and make selftest lists the three by name): the name (kunit.py's
# ARCH), the kernel's SRCARCH, the cross compiler's prefix ("-": none),
# the QEMU binary, the test kernel's image (make kunit, make e2e), and
# the lean e2e kernels' make target, image and console.
ARCH_TABLE='
x86_64  x86    -                   qemu-system-x86_64   arch/x86/boot/bzImage     bzImage  arch/x86/boot/bzImage   ttyS0
arm64   arm64  aarch64-linux-gnu-  qemu-system-aarch64  arch/arm64/boot/Image.gz  Image    arch/arm64/boot/Image   ttyAMA0
s390    s390   s390x-linux-gnu-    qemu-system-s390x    arch/s390/boot/bzImage    bzImage  arch/s390/boot/bzImage  ttyS0
'

# arch_field ARCH N: field N (1-8, as above) of ARCH's row.
arch_field() {
	local v
	v=$(awk -v a="$1" -v n="$2" '$1 == a { print $n }' <<<"$ARCH_TABLE")
	[ -n "$v" ] || die "unknown ARCH '$1' (use $(awk 'NF { a[++n] = $1 } END { for (i = 1; i <= n; i++) printf "%s%s", a[i], i == n ? "" : i == n - 1 ? " or " : ", " }' <<<"$ARCH_TABLE"))"
	[ "$v" != - ] || v=
	printf '%s\n' "$v"
}
arch_srcarch() { arch_field "$1" 2; }
arch_cross() { arch_field "$1" 3; }
arch_qemu() { arch_field "$1" 4; }
# The image a test kernel boots from, in its build directory.
arch_image() { arch_field "$1" 5; }

# The revision the series is applied on, as a commit id.  BASE_REF wins;
# else what the tree recorded (the tag for the Debian tree; for a user
# tree, its HEAD when the tools first used it).
resolve_base() {
	local dir=$1 base
	if [ -n "${BASE_REF:-}" ]; then
		base=$BASE_REF
	else
		base=$(git -C "$dir" config --get gupseries.base || true)
	fi
	if [ -z "$base" ]; then
		is_user_tree || die "$dir has no recorded base: remove it and run again to re-import"
		[ "$(git -C "$dir" symbolic-ref -q --short HEAD || true)" != "$WORK_BRANCH" ] ||
			die "$dir is on $WORK_BRANCH but has no recorded base: name it with BASE_REF=<rev>"
		base=HEAD
	fi
	git -C "$dir" rev-parse -q --verify "$base^{commit}" ||
		die "base revision '$base' not found in $dir"
}

# require_idle_tree DIR [NAME]: refuse to touch the git tree DIR (NAME:
# what it is, for the message) while a git operation is in progress in
# it: a rebase (interactive or not), am, merge, cherry-pick, revert or
# bisect.  The message names the operation and how to finish or abort
# it.  Nothing is changed either way.
require_idle_tree() {
	local dir=$1 name=${2:-$1} op path what
	for op in rebase-merge rebase-apply MERGE_HEAD CHERRY_PICK_HEAD REVERT_HEAD sequencer BISECT_LOG; do
		path=$(git -C "$dir" rev-parse --git-path "$op") || die "$name ($dir) is not a git tree"
		case "$path" in /*) ;; *) path=$dir/$path ;; esac
		[ -e "$path" ] || continue
		case "$op" in
		rebase-merge) what="a rebase (git rebase --continue, or git rebase --abort)" ;;
		rebase-apply)
			if [ -e "$path/applying" ]; then
				what="a git am (git am --continue, or git am --abort)"
			else
				what="a rebase (git rebase --continue, or git rebase --abort)"
			fi ;;
		MERGE_HEAD) what="a merge (git merge --continue, or git merge --abort)" ;;
		CHERRY_PICK_HEAD) what="a cherry-pick (git cherry-pick --continue, or git cherry-pick --abort)" ;;
		REVERT_HEAD) what="a revert (git revert --continue, or git revert --abort)" ;;
		sequencer) what="a cherry-pick or revert of several commits (git cherry-pick --continue or --abort; git revert the same)" ;;
		BISECT_LOG) what="a bisect (git bisect reset)" ;;
		esac
		die "$name: ${what%% (*} is in progress in $dir: finish or abort it there first (${what#* (}; nothing was changed"
	done
}

# One tool at a time per kernel tree: a second "make kunit" resetting the
# work branch under a running build would corrupt it.  Children of the
# holder (test.sh -> kunit.sh -> apply.sh) inherit the lock.
lock_tree() {
	[ -z "${GUP_LOCKED:-}" ] || return 0
	mkdir -p "$CACHE_DIR"
	exec 9>"$CACHE_DIR/lock"
	flock -n 9 || die "another make kunit/test/refresh is running (lock $CACHE_DIR/lock held): wait for it"
	export GUP_LOCKED=1
}

# ccache through Debian's masquerade directory: "gcc" and the cross
# compilers resolve to ccache, which calls the real ones.  One cache for
# every arch and for the walk.
use_ccache() {
	export PATH=/usr/lib/ccache:$PATH
	export CCACHE_DIR=${CCACHE_DIR:-$CACHE_DIR/ccache}
	# Paths under the cache directory are hashed relative to the
	# compiler's working directory, and that directory itself is not
	# hashed: a worktree laid out like the main tree (worktree_at) hits
	# on what the main tree's builds compiled.
	export CCACHE_BASEDIR=$CACHE_DIR CCACHE_NOHASHDIR=1
	mkdir -p "$CCACHE_DIR"
	ccache --max-size=8G >/dev/null
}

# kunit.py's arguments for booting the test kernel of arch $1 built in
# $2 (kunit.py exec; build_test_kernel builds it): our kunitconfigs, the
# QEMU config and the cross compiler.  Sets the array KUNIT_ARGS.
kunit_args() {
	local cross f
	cross=$(arch_cross "$1")
	KUNIT_ARGS=(--arch="$1" --build_dir="$2")
	for f in $(kunit_configs "$1"); do
		KUNIT_ARGS+=(--kunitconfig="$f")
	done
	KUNIT_ARGS+=(--qemu_config="$REPO/kunit/qemu/$1.py")
	if [ -n "$cross" ]; then
		KUNIT_ARGS+=(--cross_compile="$cross")
	fi
}

# heartbeat_start WHAT: say every minute that WHAT still runs, until
# heartbeat_stop.  For steps that are silent for minutes (kernel builds).
# The loop runs without the lock's descriptor, and takes its sleep down
# with it when stopped.
heartbeat_start() {
	local what=$1
	(exec 9>&-; trap 'kill $! 2>/dev/null; exit 0' TERM
	 while sleep 60 & wait $!; do info "... $what still running [$(elapsed)]"; done) &
	HEARTBEAT_PID=$!
}

heartbeat_stop() {
	kill "$HEARTBEAT_PID" 2>/dev/null || true
	wait "$HEARTBEAT_PID" 2>/dev/null || true
}

# kunit_py SRC ARGS...: kunit.py of the kernel tree SRC, its output to
# KUNIT_LOG if set.  It is silent while make runs, so say every minute
# that it still is.
kunit_py() {
	local src=$1 rc=0
	shift
	heartbeat_start "kunit.py $1 ${ARCH:-}"
	if [ -n "${KUNIT_LOG:-}" ]; then
		(cd "$src" && python3 tools/testing/kunit/kunit.py "$@") </dev/null \
			>"$KUNIT_LOG" 2>&1 || rc=$?
	else
		(cd "$src" && python3 tools/testing/kunit/kunit.py "$@") </dev/null || rc=$?
	fi
	heartbeat_stop
	return "$rc"
}

# ccache's hits and misses since the last --zero-stats, in one line.
ccache_stats() {
	ccache --print-stats 2>/dev/null | awk -F'\t' '
		$1 == "direct_cache_hit" || $1 == "preprocessed_cache_hit" { h += $2 }
		$1 == "cache_miss" { m = $2 }
		END { printf "%d hits, %d misses", h, m }'
}

# workbench MODULE ARGS...: run a module of the workbench's Python core
# (tools/workbench: configs, ktap, kunit, results, figures, report).
workbench() {
	PYTHONPATH=$REPO/tools python3 -m "workbench.$1" "${@:2}"
}

# kunit_exec_parse SRC BUILD: boot the KUnit kernel in BUILD once
# (kunit.py exec, KUNIT_ARGS; only the suites that match the glob
# KUNIT_FILTER if set), cut the console log down to its KTAP lines
# (workbench.ktap) and let kunit.py parse those, writing BUILD/results.json.
# kunit.py writes the console to BUILD/test.log; the lines it held inside
# the KTAP output that were not KTAP are listed in BUILD/ktap.dropped.
kunit_exec_parse() {
	local src=$1 b=$2 args=("${KUNIT_ARGS[@]}") rc=0 n
	[ -z "${KUNIT_FILTER:-}" ] || args+=("$KUNIT_FILTER")
	rm -f "$b/test.log" "$b/ktap.log" "$b/ktap.dropped" "$b/results.json"
	heartbeat_start "kunit.py exec ${ARCH:-}"
	(cd "$src" && python3 tools/testing/kunit/kunit.py exec "${args[@]}" \
		--timeout="${KUNIT_TIMEOUT:-600}" --raw_output=all) </dev/null >"$b/exec.out" 2>&1 || rc=$?
	heartbeat_stop
	[ "$rc" -eq 0 ] || info "kunit.py exec exited with $rc (its output: $b/exec.out)"
	if [ ! -f "$b/test.log" ]; then
		info "no console log: the kernel did not start (see $b/exec.out)"
		return 1
	fi
	if ! workbench ktap "$b/test.log" "$b/ktap.log" --dropped "$b/ktap.dropped"; then
		info "no KTAP output in the console log: the kernel did not reach the tests ($b/test.log)"
		return 1
	fi
	n=$(wc -l <"$b/ktap.dropped")
	[ "$n" -eq 0 ] ||
		info "$n line(s) inside the KTAP output were not KTAP (kernel messages); parsed without them, listed in $b/ktap.dropped"
	(cd "$src" && python3 tools/testing/kunit/kunit.py parse --json="$b/results.json" "$b/ktap.log") </dev/null || rc=$?
	return "$rc"
}

# The fragment of the arch's test kernel, for allnoconfig: the options
# of the QEMU config kunit.py boots it with, every kunitconfig of ours
# (kunit_configs), the e2e kernel's options and the test kernel's own
# (tools/e2e/test-<arch>.config, if any).  One config per arch:
# build_test_kernel builds it for "make kunit" and "make e2e" (one
# kernel, one build directory), "make walk" after every patch, and
# "make check" with the compile-test options added.  With
# TEST_FRAGMENT_EXTRA set, that file's options last: the debug variant
# make soak boots (tools/e2e/soak-<arch>.config), in a build directory
# of its own.
test_fragment() { # ARCH
	local f
	qemu_kconfig "$1"
	for f in $(test_fragment_files "$1"); do cat "$f"; done
}

# The files of test_fragment after the QEMU config's options, in their
# order, a path a line (make selftest checks them for conflicts).
test_fragment_files() { # ARCH
	kunit_configs "$1"
	echo "$REPO/tools/e2e/kernel.config"
	echo "$REPO/tools/e2e/kernel-$1.config"
	[ ! -f "$REPO/tools/e2e/test-$1.config" ] || echo "$REPO/tools/e2e/test-$1.config"
	[ -z "${TEST_FRAGMENT_EXTRA:-}" ] || echo "$TEST_FRAGMENT_EXTRA"
}

# The kunitconfigs of arch $1, a path a line: the suites with their
# debug options, the arch's additions, the RDMA core, the IOMMU.
kunit_configs() { # ARCH
	local f
	for f in gup-series "$1" rdma "iommu-$1"; do
		[ ! -f "$REPO/kunit/$f.kunitconfig" ] || echo "$REPO/kunit/$f.kunitconfig"
	done
}

# The options of the QEMU config kunit.py boots the arch's kernel with
# (the kconfig of kunit/qemu/ARCH.py), one a line.
qemu_kconfig() { # ARCH
	sed -n "/kconfig='''/,/'''/{s/.*kconfig='''//;s/'''.*//;/^$/d;p}" "$REPO/kunit/qemu/$1.py"
}

# config_unmet FRAG DOTCONFIG SRC [--undefined]: the options FRAG sets
# (=y or =m) that DOTCONFIG lacks although SRC's Kconfig defines them, a
# line each (with --undefined, also those no Kconfig of SRC defines): an
# allnoconfig drops an option whose dependencies are not met, silently
# (tools/workbench/configs.py, the one reader of configs).  Never
# silent when the check itself fails: its callers read any output as
# options that are missing.
config_unmet() {
	workbench configs unmet "$@" ||
		echo "(the check of the options failed: tools/workbench/configs.py, above)"
}

# build_test_kernel SRC BUILD: the arch's test kernel of tree SRC in BUILD:
# allnoconfig with test_fragment, every option of which must come out
# set, then the default targets (the image kunit.py and the e2e boot).
# The one kernel serves KUnit (kunit.py exec), the e2e tests and the walk:
# its objects are ccache hits across them.  Returns make's status.
build_test_kernel() {
	local src=$1 b=$2 unmet
	mkdir -p "$b"
	test_fragment "$ARCH" >"$b/test.fragment"
	kmake "$src" "$b" -s KCONFIG_ALLCONFIG="$b/test.fragment" allnoconfig >"$b/config.log" 2>&1 ||
		{ cat "$b/config.log" >&2; return 1; }
	unmet=$(config_unmet "$b/test.fragment" "$b/.config" "$src")
	unmet=$(printf '%s' "$unmet" | tr '\n' ' ')
	if [ -n "$unmet" ]; then
		info "the test kernel's config lacks $unmet(dependencies not met on $ARCH): fix kunit/*.kunitconfig or tools/e2e/kernel*.config"
		return 1
	fi
	kmake "$src" "$b" -s --jobs="$(nproc)"
}

# test_kernel SRC BUILD LABEL: the test kernel of SRC's HEAD in BUILD.
# What decides it is the tree, the test fragment, the compilers and the
# code that builds it (build_test_kernel and the helpers it calls, not
# the rest of this file, whose edits need not rebuild every test
# kernel): when they are those of the image in BUILD
# (recorded at its build, image and .config untouched since) and SRC has
# no uncommitted change, the build is skipped (it would be a no-op;
# CACHE=0 builds anyway).  The build's output goes to BUILD/build.log.
# Sets TEST_KERNEL_HOW ("reused ..." or "built ...") for the caller.
test_kernel() {
	local src=$1 b=$2 label=$3 key img rc=0
	mkdir -p "$b"
	img=$b/$(arch_image "$ARCH")
	key=$(step_key "test-kernel $ARCH" "$(git -C "$src" rev-parse "HEAD^{tree}")" \
		"$(test_fragment "$ARCH")" "$(toolchain_id)" \
		"$(declare -f build_test_kernel kmake config_unmet workbench)" @"$REPO/tools/workbench/configs.py")
	id() { cat "$img" "$b/.config" 2>/dev/null | sha1sum | cut -c1-40; }
	if [ -f "$img" ] && [ -z "$(git -C "$src" status --porcelain --untracked-files=no)" ] &&
	   [ "$(step_reused test-kernel "$key" || true)" = "$(id)" ]; then
		TEST_KERNEL_HOW="reused: same tree, test fragment and compilers"
		info "$label: $img ($TEST_KERNEL_HOW)"
		return 0
	fi
	ccache --zero-stats >/dev/null
	local t0=$SECONDS
	heartbeat_start "building $label"
	build_test_kernel "$src" "$b" >"$b/build.log" 2>&1 || rc=$?
	heartbeat_stop
	if [ "$rc" -ne 0 ] || [ ! -f "$img" ]; then
		grep -E 'error|Error|lacks' "$b/build.log" | head -n 20 | sed 's/^/        /' >&2
		info "$label: the build failed (log: $b/build.log)"
		return 1
	fi
	step_record test-kernel "$key" "$(id)"
	TEST_KERNEL_HOW="built in $((SECONDS - t0)) s (ccache $(ccache_stats))"
	info "$label: $img ($TEST_KERNEL_HOW)"
}

# The worktree that "make walk" and "make without" build in, shared so
# that they share a build directory per arch.  Created at base $2 from
# the tree $1 when missing; prints its path.
walk_worktree() {
	local src
	src=$(wt_path "$1" walk-src)
	if [ ! -d "$src" ]; then
		worktree_at "$1" walk-src "$2"
	else
		printf '%s\n' "$src"
	fi
}

# Worktrees and their build directories are laid out like the main tree
# and its builds: $CACHE_DIR/wt/NAME/<tree's name> and
# $CACHE_DIR/wt/NAME/build/<dir>, as $CACHE_DIR/<tree's name> and
# $CACHE_DIR/build/<dir>.  The path from a build directory to its source
# is then the same everywhere, and with ccache's base_dir (use_ccache)
# an object the main tree's build compiled is a hit in a worktree's.
wt_path() { # DIR NAME
	printf '%s\n' "$CACHE_DIR/wt/$2/$(basename "$1")"
}

wt_build() { # NAME DIR
	printf '%s\n' "$CACHE_DIR/wt/$1/build/$2"
}

# worktree_at DIR NAME REV: the worktree wt_path DIR NAME of DIR's
# repository, made if missing (or broken), detached at REV.  Prints its
# path.  A worktree of the old layout ($CACHE_DIR/NAME) is removed.
worktree_at() {
	local wt old
	wt=$(wt_path "$1" "$2")
	old=$CACHE_DIR/$2
	if [ -e "$old/.git" ]; then
		git -C "$1" worktree remove --force "$old" 2>/dev/null || rm -rf "$old"
	fi
	if git -C "$wt" rev-parse --git-dir >/dev/null 2>&1; then
		git -C "$wt" checkout -q -f --detach "$3"
	else
		rm -rf "$wt"
		mkdir -p "${wt%/*}"
		git -C "$1" worktree prune
		git -C "$1" worktree add -q --detach "$wt" "$3"
	fi
	printf '%s\n' "$wt"
}

# Content-addressed results of the slow, deterministic steps (a walk
# step, the quality gates): a step whose key (everything that decides
# its outcome) matches a recorded pass is not run again.  CACHE=0 runs
# everything.  Only passes are recorded: a failure always runs again.
#
# step_key PART...: the key of the parts, each a string or @FILE (the
# file's contents, not its path: a fresh clone elsewhere has the same
# keys).
step_key() {
	local p
	for p in "$@"; do
		case "$p" in
		@*) printf 'file '; sha1sum <"${p#@}" ;;
		*) printf '%s\n' "$p" ;;
		esac
	done | sha1sum | cut -c1-40
}

# step_reused KIND KEY: print the recorded pass of KIND with KEY, if any.
step_reused() {
	[ "${CACHE:-1}" != 0 ] || return 1
	cat "$CACHE_DIR/steps/$1/$2" 2>/dev/null
}

# step_record KIND KEY LINE: record a pass.
step_record() {
	mkdir -p "$CACHE_DIR/steps/$1"
	printf '%s\n' "$3" >"$CACHE_DIR/steps/$1/$2.tmp"
	mv "$CACHE_DIR/steps/$1/$2.tmp" "$CACHE_DIR/steps/$1/$2"
}

# The compilers that build for ARCH (CROSS), as one line, for keys.
toolchain_id() {
	printf '%s; %s' "$("${CROSS:-}gcc" --version | head -n 1)" "$(make --version | head -n 1)"
}

# A rebase in the kernel tree (the fixup of one patch, README) rewrites
# every file that the patches after it touch, with new mtimes, although
# most come back with the same contents: make would then rebuild most of
# the kernel.  mtimes_record remembers, after a build of SRC in BUILD,
# the contents and mtime of every file the series touches and BUILD's
# vmlinux mtime; mtimes_restore gives those files whose contents are
# unchanged their old mtime back, but only while BUILD has not been
# built since (vmlinux unchanged), so no object can be older than
# contents it was not built from.
mtimes_record() { # SRC BUILD
	local src=$1 b=$2 base
	local -a files=()
	[ -f "$b/vmlinux" ] || return 0
	base=$(resolve_base "$src")
	mapfile -t files < <(git -C "$src" diff --name-only --no-renames "$base" HEAD |
		while read -r f; do [ -f "$src/$f" ] && printf '%s\n' "$f"; done)
	{
		printf 'vmlinux\t%s\n' "$(stat -c %.9Y "$b/vmlinux")"
		[ ${#files[@]} -eq 0 ] ||
			paste <(printf '%s\n' "${files[@]}") \
				<(git -C "$src" hash-object -- "${files[@]}") \
				<(cd "$src" && stat -c %.9Y -- "${files[@]}")
	} >"$b/.gup-mtimes.new"
	mv "$b/.gup-mtimes.new" "$b/.gup-mtimes"
}

mtimes_restore() { # SRC BUILD
	local src=$1 b=$2 rec=$2/.gup-mtimes f blob mt cur n=0
	local -a files=() blobs=() mts=() have=()
	[ -f "$rec" ] && [ -f "$b/vmlinux" ] || return 0
	[ "$(sed -n '1s/^vmlinux\t//p' "$rec")" = "$(stat -c %.9Y "$b/vmlinux")" ] || return 0
	while IFS=$'\t' read -r f blob mt; do
		[ -f "$src/$f" ] || continue
		files+=("$f") blobs+=("$blob") mts+=("$mt")
	done < <(tail -n +2 "$rec")
	[ ${#files[@]} -gt 0 ] || return 0
	mapfile -t have < <(git -C "$src" hash-object -- "${files[@]}")
	for i in "${!files[@]}"; do
		[ "${have[$i]}" = "${blobs[$i]}" ] || continue
		cur=$(stat -c %.9Y "$src/${files[$i]}")
		[ "$cur" != "${mts[$i]}" ] || continue
		touch -d "@${mts[$i]}" "$src/${files[$i]}"
		n=$((n + 1))
	done
	[ "$n" -eq 0 ] || info "$n file(s) rewritten with the contents of the last build get its mtime back (no needless rebuild)"
}

# import_debian_source PKG VERSION DIR TAG WHERE: Debian's kernel source
# package PKG=VERSION (linux-source-6.1, or -6.12 for the upstream
# patches), fetched with apt-get into $CACHE_DIR/debs, unpacked and
# turned into a git repository at DIR whose one commit is the untouched
# tarball, tagged TAG.  The commit's identity and date are fixed, so
# every machine that imports the same tarball gets the same commit id.
# WHERE names the file that records VERSION, for the error message.
import_debian_source() {
	local pkg=$1 ver=$2 dir=$3 tag=$4 where=$5 tmp deb
	need apt-get dpkg-deb tar xz git
	mkdir -p "$CACHE_DIR/debs"
	deb="$CACHE_DIR/debs/${pkg}_${ver}_all.deb"
	if [ ! -s "$deb" ]; then
		banner "tree: fetching $pkg=$ver with apt-get"
		(cd "$CACHE_DIR/debs" && apt-get download -q "$pkg=$ver" 2>&1 | grep -v '^W: Download is performed unsandboxed') ||
			(cd "$CACHE_DIR/debs" && { [ "$(id -u)" -ne 0 ] || apt-get update -q >/dev/null; } &&
			 apt-get download -q "$pkg=$ver" 2>&1 | grep -v '^W: Download') ||
			die "could not download $pkg=$ver with apt-get (is that version still in the archive? 'apt-cache policy $pkg' lists the available ones; $where)"
		[ -s "$deb" ] || die "apt-get download did not produce $deb"
	fi

	banner "tree: unpacking $(basename "$deb") into $dir"
	# Unpack next to the final place and rename at the end, so an
	# interrupted import never leaves a half tree where the tools look.
	tmp=$(mktemp -d "$CACHE_DIR/import.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" "./usr/src/$pkg.tar.xz" ||
		die "$deb holds no usr/src/$pkg.tar.xz"
	tar -xJf "$tmp/usr/src/$pkg.tar.xz" -C "$tmp"
	[ -f "$tmp/$pkg/Makefile" ] || die "unexpected tarball layout in $deb"

	banner "tree: committing the untouched base and tagging it $tag"
	(
		cd "$tmp/$pkg"
		git init -q -b "$WORK_BRANCH"
		git config core.autocrlf false
		# A repack of a kernel-sized repository must not start in the
		# middle of a test run.
		git config gc.auto 0
		# Debian's top-level .gitignore ends with "/*": it ignores
		# every top-level path.  Add with -f so the base commit is the
		# whole tarball, byte for byte, .gitignore included.
		git add -f -A .
		export GIT_AUTHOR_NAME="Debian $pkg" GIT_AUTHOR_EMAIL="debian-kernel@lists.debian.org"
		export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
		export GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z"
		# The message names tree.sh, where this began: the same
		# message keeps the base commit ids of earlier imports.
		git commit -q -m "Debian $pkg $ver, untouched" \
			-m "Imported from ${deb##*/} by gup-series tools/tree.sh."
		git tag "$tag"
	)
	mv "$tmp/$pkg" "$dir"
	rm -rf "$tmp"
	trap - EXIT
	info "base commit $(git -C "$dir" rev-parse --short HEAD) ($tag)"
}

# kmake SRC BUILD ARGS...: make in kernel tree SRC, building in BUILD, for
# the caller's ARCH (and its cross compiler, CROSS).
kmake() {
	local src=$1 out=$2
	shift 2
	make -C "$src" O="$out" ARCH="$ARCH" ${CROSS:+CROSS_COMPILE=$CROSS} "$@"
}
