#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make without DROP="0020 0021" [ARCH=...] [SUITE=mm_gup_longterm]:
# prove that tests can fail.  Builds the series without the patches named
# in DROP (their numbers), in the walk's worktree and build directory, runs
# the KUnit suites and lists every case with its result.  The cases that
# cover the dropped fixes are expected to FAIL here; the command exits 0
# when the run itself worked, whatever the cases say.
# With E2E=1, the end-to-end plan instead (tools/e2e.sh without): base +
# series less DROP booted under QEMU, and the rows that fail there.
. "$(dirname "$0")/lib.sh"
if [ "${E2E:-0}" = 1 ]; then
	exec "$REPO/tools/e2e.sh" "${1:-${ARCH:-x86_64}}" without
fi
lock_tree

ARCH=${1:-${ARCH:-x86_64}}
CROSS=$(arch_cross "$ARCH")
QEMU=$(arch_qemu "$ARCH")
[ -n "${DROP:-}" ] || die 'name the patches to leave out: DROP="0020 0021"'
need python3 make "${CROSS}gcc" "$QEMU" ccache
"$REPO/tools/apply.sh" >/dev/null
DIR=$(git -C "$(kernel_dir)" rev-parse --show-toplevel)
BASE=$(resolve_base "$DIR")

# Map patch numbers to the work branch's commits, in series order.
mapfile -t commits < <(git -C "$DIR" rev-list --reverse "$BASE..$WORK_BRANCH")
mapfile -t names < <(series_patches)
[ ${#commits[@]} -eq ${#names[@]} ] || die "the work branch does not match series: run 'make apply'"
keep=()
dropped=()
for d in $DROP; do
	printf '%s\n' "${names[@]}" | grep -q "^$d-" || die "DROP: no patch $d-* in series"
done
for i in "${!names[@]}"; do
	n=${names[$i]%%-*}
	if [[ " $DROP " == *" $n "* ]]; then
		dropped+=("${names[$i]}")
	else
		keep+=("${commits[$i]}")
	fi
done

SRC=$(walk_worktree "$DIR" "$BASE")
OUT=$(wt_build walk-src "kunit-$ARCH")
banner "without $ARCH: the series less ${dropped[*]}"
git -C "$SRC" checkout -q --detach "$BASE"
git -C "$SRC" -c user.name="$PLACEHOLDER_NAME" -c user.email="$PLACEHOLDER_EMAIL" \
	cherry-pick --allow-empty "${keep[@]}" >/dev/null 2>"$OUT.pick.log" || {
	git -C "$SRC" cherry-pick --abort 2>/dev/null || true
	git -C "$SRC" checkout -q --detach "$BASE"
	cat "$OUT.pick.log" >&2
	die "the series does not apply without ${dropped[*]}: a later patch needs them"
}

use_ccache
mkdir -p "$OUT"
# The arch's test kernel of that tree (lib.sh, test_kernel: the config of
# "make kunit"), booted once with kunit.py exec, its KTAP parsed.
banner "without $ARCH: the test kernel of the series less ${dropped[*]} (in $OUT)"
test_kernel "$SRC" "$OUT" without || {
	git -C "$SRC" checkout -q --detach "$BASE"
	die "without $ARCH: the kernel does not build without ${dropped[*]} (log: $OUT/build.log)"
}
kunit_args "$ARCH" "$OUT"
# The accelerator the main run found (tools/accel.sh keeps its verdict).
GUP_QEMU_ACCEL=tcg
if [ "$ARCH" = x86_64 ]; then
	GUP_QEMU_ACCEL=$("$REPO/tools/accel.sh" "$OUT")
	[ "$GUP_QEMU_ACCEL" != unknown ] || GUP_QEMU_ACCEL=tcg
fi
export GUP_QEMU_ACCEL

banner "without $ARCH: kunit.py exec${SUITE:+ of $SUITE}"
KUNIT_FILTER=${SUITE:-} kunit_exec_parse "$SRC" "$OUT" || true
git -C "$SRC" checkout -q --detach "$BASE"
[ -f "$OUT/results.json" ] || { tail -n 40 "$OUT/exec.out" >&2; die "without $ARCH: the run did not complete (log: $OUT/test.log)"; }

banner "without $ARCH: every case (series less ${dropped[*]})"
python3 - "$OUT/results.json" <<'PY'
import json, sys
# kunit.py's JSON: a root group, a group per suite, one per parameterised case.
def walk(g, path):
    for c in g.get('test_cases', []):
        print(f"    [{c['status']}] {'.'.join(path + [c['name']])}")
    for s in g.get('sub_groups', []):
        walk(s, path + [s['name']])
walk(json.load(open(sys.argv[1])), [])
PY

# A case can pass while the kernel warns (a lock assertion, KASAN): the
# reports in the log count as make kunit counts them (workbench.kunit).
banner "without $ARCH: kernel reports in the log (make kunit fails on any it does not expect)"
PYTHONPATH=$REPO/tools python3 - "$OUT/test.log" <<'PY'
import sys
from workbench.kunit import REPORT
lines = [l.rstrip() for l in open(sys.argv[1], errors='replace') if REPORT.search(l)]
print('\n'.join('    ' + l for l in lines) if lines else '    none')
PY
