#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make kunit-boots [ARCH=x86_64|arm64|s390] [BOOTS=20]: boot the KUnit
# kernel that "make kunit ARCH=..." built, BOOTS times, without building
# again (kunit.py exec), and count the clean parses.  Each boot's console
# is parsed twice:
#   raw       kunit.py parse of the whole console log, as kunit.py run
#             does (what the workbench did before workbench.ktap);
#   filtered  kunit.py parse of its KTAP lines only (what make kunit does).
# A parse is clean when its per-suite counts equal the kernel's own
# "# Totals:" lines and every expected suite is there.  Also counted:
# boots whose console held foreign lines inside the KTAP output.
# Writes $RESULTS_DIR/kunit-boots-<arch>.json; exits non-zero unless every
# filtered parse was clean and every case passed.
. "$(dirname "$0")/lib.sh"
lock_tree

ARCH=${1:-${ARCH:-x86_64}}
BOOTS=${BOOTS:-20}
case "$BOOTS" in '' | *[!0-9]* | 0) die "BOOTS must be a positive number, not '$BOOTS'" ;; esac
QEMU=$(arch_qemu "$ARCH")
need python3 "$QEMU"
DIR=$(git -C "$(kernel_dir)" rev-parse --show-toplevel)
BUILD=$BUILD_ROOT/$ARCH
[ -f "$BUILD/.config" ] && [ -f "$BUILD/vmlinux" ] ||
	die "no KUnit kernel in $BUILD: run 'make kunit ARCH=$ARCH' first"
kunit_args "$ARCH" "$BUILD"
export GUP_QEMU_ACCEL=tcg
[ "$ARCH" != x86_64 ] || GUP_QEMU_ACCEL=$("$REPO/tools/accel.sh" "$BUILD")
[ "$GUP_QEMU_ACCEL" != unknown ] || GUP_QEMU_ACCEL=tcg

OUT=$CACHE_DIR/kunit-boots/$ARCH
rm -rf "$OUT"
mkdir -p "$OUT" "$RESULTS_DIR"
banner "kunit-boots $ARCH: $BOOTS boots of $BUILD (accel $GUP_QEMU_ACCEL)"
for i in $(seq 1 "$BOOTS"); do
	t0=$(date +%s)
	kunit_exec_parse "$DIR" "$BUILD" >"$OUT/$i.parse" 2>&1 || true
	d=$OUT/$i
	mkdir -p "$d"
	cp "$BUILD/test.log" "$BUILD/ktap.log" "$BUILD/ktap.dropped" "$d/" 2>/dev/null || true
	cp "$BUILD/results.json" "$d/filtered.json" 2>/dev/null || true
	(cd "$DIR" && python3 tools/testing/kunit/kunit.py parse --json="$d/raw.json" "$d/test.log") \
		</dev/null >"$d/raw.parse" 2>&1 || true
	for kind in raw filtered; do
		workbench kunit --arch "$ARCH" --json "$d/$kind.json" \
			--log "$d/test.log" --dropped "$d/ktap.dropped" --suites "$REPO/kunit/suites" \
			--tsv "$d/$kind.tsv" >"$d/$kind.verdict" 2>&1 && echo ok >"$d/$kind.ok" || true
	done
	info "boot $i of $BOOTS: $(($(date +%s) - t0)) s, raw parse $([ -f "$d/raw.ok" ] && echo clean || echo FAILED), filtered parse $([ -f "$d/filtered.ok" ] && echo clean || echo FAILED), $(wc -l <"$d/ktap.dropped" 2>/dev/null || echo '?') foreign line(s) in the KTAP output [$(elapsed)]"
done

python3 - "$OUT" "$BOOTS" "$ARCH" "$RESULTS_DIR/kunit-boots-$ARCH.json" <<'PY'
import json, os, sys
out, n, arch, dest = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
boots = []
for i in range(1, n + 1):
    d = f'{out}/{i}'
    try:
        dropped = open(f'{d}/ktap.dropped').read().splitlines()
    except OSError:
        dropped = None
    boots.append({'boot': i,
                  'raw_parse_clean': os.path.exists(f'{d}/raw.ok'),
                  'filtered_parse_clean': os.path.exists(f'{d}/filtered.ok'),
                  'foreign_lines': dropped})
s = {'arch': arch, 'boots': n,
     'raw_clean': sum(b['raw_parse_clean'] for b in boots),
     'filtered_clean': sum(b['filtered_parse_clean'] for b in boots),
     'boots_with_foreign_lines': sum(bool(b['foreign_lines']) for b in boots),
     'details': boots}
json.dump(s, open(dest, 'w'), indent=1)
print(f"    {arch}: {s['filtered_clean']}/{n} filtered parses clean, "
      f"{s['raw_clean']}/{n} raw parses clean, "
      f"{s['boots_with_foreign_lines']} boot(s) with foreign lines in the KTAP output")
for b in boots:
    for l in (b['foreign_lines'] or [])[:3]:
        print(f"      boot {b['boot']}: {l}")
sys.exit(0 if s['filtered_clean'] == n else 1)
PY
