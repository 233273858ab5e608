#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make test: series checks, git am and quilt on a clean base, checkpatch
# --strict, the drivers' compile test and make kunit on x86_64, arm64 and
# s390, the x86_64 walk and quality gates, and the end-to-end tests.
# Ends with a table (arch x suite) and the line "N passed, N failed".
. "$(dirname "$0")/lib.sh"
lock_tree

ARCHES=${ARCHES:-x86_64 arm64 s390}
failures=()

"$REPO/tools/deps.sh"

banner "test: series checks"
check_series_files
mapfile -t PATCHES < <(series_patches)
[ ${#PATCHES[@]} -gt 0 ] || die "series is empty"
for p in "${PATCHES[@]}"; do
	f=$REPO/patches/$p
	head -n 1 "$f" | grep -qE '^From [0-9a-f]{40} Mon Sep 17 00:00:00 2001$' ||
		failures+=("$p: not git format-patch output (no mbox 'From <commit>' line)")
	for h in From Date Subject; do
		grep -q "^$h: " "$f" || failures+=("$p: no $h: header")
	done
	grep -qxF "From: $PLACEHOLDER_NAME <$PLACEHOLDER_EMAIL>" "$f" ||
		failures+=("$p: author is not the placeholder identity")
	grep -qxF "Signed-off-by: $PLACEHOLDER_NAME <$PLACEHOLDER_EMAIL>" "$f" ||
		failures+=("$p: no Signed-off-by: $PLACEHOLDER_NAME <$PLACEHOLDER_EMAIL>")
done
cover=$REPO/patches/0000-cover-letter.patch
if [ -f "$cover" ]; then
	! grep -q -e '\*\*\* SUBJECT HERE \*\*\*' -e '\*\*\* BLURB HERE \*\*\*' "$cover" ||
		failures+=("0000-cover-letter.patch: still format-patch's template")
	grep -q '^base-commit: [0-9a-f]\{40\}$' "$cover" ||
		failures+=("0000-cover-letter.patch: no base-commit: line (make refresh adds it)")
	n=$(sed -n 's/^Subject: \[PATCH[^]]* 0*0\/\([0-9]*\)\].*/\1/p' "$cover")
	[ "${n:-0}" -eq ${#PATCHES[@]} ] ||
		failures+=("0000-cover-letter.patch: says 0/${n:-?}, series has ${#PATCHES[@]} (make refresh)")
fi
info "${#PATCHES[@]} patch(es) listed, all present, format-patch output with Subject and Signed-off-by"
if [ ${#failures[@]} -gt 0 ]; then
	printf 'error: %s\n' "${failures[@]}" >&2
	die "series checks failed"
fi

banner "test: git am on a clean base"
"$REPO/tools/apply.sh"
DIR=$(git -C "$(kernel_dir)" rev-parse --show-toplevel)
BASE=$(resolve_base "$DIR")

banner "test: quilt push -a on a clean base"
need quilt patch
"$REPO/tools/quilt-check.sh" "$DIR" "$BASE" "$WORK_BRANCH" ||
	failures+=("quilt: the series does not apply with quilt, or gives another tree than git am")

# Patches held back until their preconditions hold (patches/held/README)
# must keep applying on top of the series.
held=("$REPO"/patches/held/*.patch)
if [ -e "${held[0]}" ]; then
	banner "test: held patches still apply on top of the series"
	for p in "${held[@]}"; do
		if git -C "$DIR" apply --check "$p"; then
			info "applies: ${p#"$REPO"/}"
		else
			failures+=("held: ${p#"$REPO"/} no longer applies on top of the series")
		fi
	done
fi

banner "test: checkpatch --strict"
"$REPO/tools/checkpatch.sh" "$DIR" || failures+=("checkpatch: see above")

banner "test: MAINTAINERS.fragment"
"$REPO/tools/maintainers-check.sh" ||
	failures+=("maintainers: MAINTAINERS.fragment is not in order (see above)")

banner "test: make send-dry-run"
"$REPO/tools/send.sh" dry-run ||
	failures+=("send-dry-run: the series does not come out of b4 as it should (see above)")

for a in $ARCHES; do
	banner "test: make compile-test ARCH=$a"
	"$REPO/tools/compile-test.sh" "$a" ||
		failures+=("compile-test $a: a driver file of the series does not compile (see above)")
done

declare -A arch_rc
for a in $ARCHES; do
	banner "test: make kunit ARCH=$a"
	rc=0
	"$REPO/tools/kunit.sh" "$a" || rc=$?
	arch_rc[$a]=$rc
	[ "$rc" -eq 0 ] || failures+=("kunit $a: exit status $rc (see its results above)")
done

# Bisectability: the test kernel and the driver files built after each
# patch.  x86_64 only by default, to stay well inside CI's time: the
# other arches' walks are run by hand (README), and "make check" reports
# the last walk of this series on each arch.
WALK_ARCHES=${WALK_ARCHES-x86_64}
for a in $WALK_ARCHES; do
	banner "test: make walk ARCH=$a"
	"$REPO/tools/walk.sh" "$a" ||
		failures+=("walk $a: a step of the series does not build (see above)")
done

# The quality gates (W=1, sparse, coccinelle against the base; the last
# walk's verdict).  x86_64 only by default: arm64 and s390 take as long
# again each (README).
CHECK_ARCHES=${CHECK_ARCHES-x86_64}
for a in $CHECK_ARCHES; do
	banner "test: make check ARCH=$a"
	"$REPO/tools/check.sh" "$a" ||
		failures+=("check $a: a quality gate failed (see its table above)")
done

# End to end: stock and patched kernels booted, user-space tests.
E2E_ARCHES=${E2E_ARCHES-x86_64 arm64 s390}
for a in $E2E_ARCHES; do
	banner "test: make e2e ARCH=$a"
	"$REPO/tools/e2e.sh" "$a" func ||
		failures+=("e2e $a: a user-space test is not as expected on stock or patched (see above)")
done

banner "test: summary"
total_p=0 total_f=0 total_s=0
printf '    %-8s %-28s %7s %7s %7s\n' arch suite passed failed skipped
for a in $ARCHES; do
	tsv=$RESULTS_DIR/$a.tsv
	if [ ! -f "$tsv" ]; then
		printf '    %-8s %-28s %7s %7s %7s\n' "$a" "(no results)" - - -
		total_f=$((total_f + 1))
		continue
	fi
	while IFS=$'\t' read -r arch suite p f s; do
		case "$arch" in '#'*) continue ;; esac
		printf '    %-8s %-28s %7d %7d %7d\n' "$arch" "$suite" "$p" "$f" "$s"
		total_p=$((total_p + p)) total_f=$((total_f + f)) total_s=$((total_s + s))
	done <"$tsv"
done
printf '    %-8s %-28s %7d %7d %7d\n' all total "$total_p" "$total_f" "$total_s"
for a in $E2E_ARCHES; do
	line=$(grep -h "^e2e $a: .* tests:" "$RESULTS_DIR/e2e-$a.txt" 2>/dev/null || echo "e2e $a: no results")
	info "$line"
done
info "wall time $(elapsed)"
for f in "${failures[@]}"; do
	printf '    FAILED: %s\n' "$f"
done
printf '%d passed, %d failed\n' "$total_p" "$total_f"
[ ${#failures[@]} -eq 0 ] && [ "$total_f" -eq 0 ]
