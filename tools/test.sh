#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make test: series checks, git am and quilt on a clean base, checkpatch
# --strict, the drivers' compile test and make kunit on x86_64, arm64 and
# s390, the x86_64 walk and quality gates, and the end-to-end tests.
# Ends with a table (arch x suite) and the line "N passed, N failed".
. "$(dirname "$0")/lib.sh"
lock_tree

ARCHES=${ARCHES-x86_64 arm64 s390}
failures=()
# What the last make test left is not this one's: its records go, so
# that nothing below can count them again (the results of make e2e-perf,
# kunit-boots and without, which make test does not run, stay).
mkdir -p "$RESULTS_DIR"
(cd "$RESULTS_DIR" && rm -rf logs steps report stages.tsv summary.json junit.xml count.txt ./*.ktap \
	kunit-x86_64.json kunit-arm64.json kunit-s390.json x86_64.tsv arm64.tsv s390.tsv ct-*.tsv bad-input.md \
	e2e-x86_64.* e2e-arm64.* e2e-s390.* e2e-upstream-* e2e-clients-*)
rm -f "$CACHE_DIR"/check-*.txt
mkdir -p "$RESULTS_DIR/logs"
STAGES=$RESULTS_DIR/stages.tsv
printf '# stage\tstatus\tseconds\thow\n' >"$STAGES"

# The closing count, whatever happens: also when a step below stops make
# test early (the series does not apply), the last line is the count of
# what ran, with the failure in it (tools/workbench/results.py).
COUNTED=
count() {
	local rc=0 fargs=() f line
	for f in "${failures[@]}"; do fargs+=(--failure "$f"); done
	workbench results "$RESULTS_DIR" --cache-dir "$CACHE_DIR" \
		--table "${fargs[@]}" >"$RESULTS_DIR/count.txt" || rc=$?
	sed '$d' "$RESULTS_DIR/count.txt"
	info "results: $RESULTS_DIR/summary.json, junit.xml, gates.ktap, e2e-<arch>.ktap, steps/, logs/ (make report draws them)"
	line=$(tail -n 1 "$RESULTS_DIR/count.txt")
	case "$line" in
	*" passed, "*" failed") ;;
	*) line="0 passed, 1 failed"; info "the results model did not count (tools/workbench/results.py)"; rc=1 ;;
	esac
	COUNTED=1
	printf '%s\n' "$line"
	return "$rc"
}
on_exit() {
	local rc=$?
	if [ -z "$COUNTED" ]; then
		banner "test: stopped early (exit $rc); the count of what ran"
		count || true
	fi
	exit "$rc"
}
trap on_exit EXIT

# stage NAME WHY-IF-FAILED CMD...: run one step of make test with its
# output shown and kept in $RESULTS_DIR/logs/NAME.log, and record in
# stages.tsv whether it passed, how long it took, and whether it ran or
# reused recorded results (what the step itself printed about that).
stage() {
	local name=$1 why=$2 t0 rc=0 log how
	shift 2
	log=$RESULTS_DIR/logs/${name// /-}.log
	t0=$(date +%s)
	"$@" 2>&1 | tee "$log" || rc=${PIPESTATUS[0]}
	how=$(stage_how "$name" "$log")
	printf '%s\t%s\t%d\t%s\n' "$name" "$([ "$rc" -eq 0 ] && echo pass || echo FAIL)" \
		$(($(date +%s) - t0)) "$how" >>"$STAGES"
	[ "$rc" -eq 0 ] || failures+=("$name: $why")
	return 0
}

# What a step's log says about reuse: the walk, the gates and checkpatch
# reuse recorded passes (lib.sh, step_key); KUnit and e2e always run.
stage_how() {
	local l
	case "$1" in
	walk*) l=$(sed -n 's/.*steps (\([0-9]* reused, [0-9]* built\)).*/\1/p' "$2" | tail -n 1)
	       case "$l" in
	       *" 0 built") echo "reused: all ${l%% *} steps, same trees, configs, compilers" ;;
	       *) echo "ran: ${l:-?}" ;;
	       esac ;;
	check\ *) if grep -q "check [a-z0-9_]*: reused" "$2"; then
			echo "reused: same base, series, walk verdict, configs, scripts, tools"
		else
			echo "ran: no recorded pass with this key"
		fi ;;
	compile-test*) if grep -q "compile-test [a-z0-9_]*: reused" "$2"; then
			echo "reused: same tree, config, file map, compilers, script"
		else
			echo "ran: no recorded pass with this key"
		fi ;;
	send-dry-run*) if grep -q "send dry-run: reused" "$2"; then
			echo "reused: same base, series, patch files, b4 and sender"
		else
			echo "ran: no recorded pass with this key"
		fi ;;
	checkpatch) l=$(sed -n 's/.* \([0-9]*\) verdict(s) reused.*/\1/p' "$2")
		echo "ran: ${l:-0} of $(series_patches | wc -l) verdicts reused" ;;
	kunit*) l=$(sed -n 's/^ *ccache: \(.*\)/\1/p' "$2" | tail -n 1)
		if grep -q "build reused" "$2"; then
			echo "booted (always); build reused: same tree, configs, compilers"
		else
			echo "built (ccache ${l:-?}), booted (always)"
		fi ;;
	e2e* | clients*) echo "booted (always); kernels: $(grep -c '(reused: same tree' "$2" || true) of 2 reused" ;;
	*) echo "ran" ;;
	esac
}

stage deps "make deps failed" "$REPO/tools/deps.sh"
stage selftest "the workbench's own checks failed (see above)" "$REPO/tools/selftest.sh"

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
	printf 'series checks\tFAIL\t0\t%s\n' "${#failures[@]} problem(s), above" >>"$STAGES"
	die "series checks failed"
fi
printf 'series checks\tpass\t0\tran\n' >>"$STAGES"

banner "test: git am on a clean base"
stage "git am" "the series does not apply" "$REPO/tools/apply.sh"
grep -q $'^git am\tpass' "$STAGES" || die "the series does not apply: nothing else can be checked"
DIR=$(git -C "$(kernel_dir)" rev-parse --show-toplevel)
BASE=$(resolve_base "$DIR")

banner "test: quilt push -a on a clean base"
need quilt patch
stage quilt "the series does not apply with quilt, or gives another tree than git am" \
	"$REPO/tools/quilt-check.sh" "$DIR" "$BASE" "$WORK_BRANCH"

banner "test: the KTAP cut on a console with kernel messages inside the KTAP output"
stage "ktap cut" "workbench.ktap does not fix the parse of tools/ktap-test/console.log (see above)" \
	"$REPO/tools/ktap-test/run.sh" "$DIR"

banner "test: checkpatch --strict"
stage checkpatch "see above" "$REPO/tools/checkpatch.sh" "$DIR"

banner "test: MAINTAINERS.fragment"
stage maintainers "MAINTAINERS.fragment is not in order (see above)" \
	"$REPO/tools/maintainers-check.sh"

banner "test: make send-dry-run"
stage send-dry-run "the series does not come out of b4 as it should (see above)" \
	"$REPO/tools/send.sh" dry-run

# per_arch STEP ARCHES FAILURE CMD...: "make STEP ARCH=a" as a stage for
# each arch a in ARCHES, @ARCH@ in CMD standing for it.
per_arch() {
	local step=$1 arches=$2 failure=$3 a
	shift 3
	for a in $arches; do
		banner "test: make $step ARCH=$a"
		stage "$step $a" "$failure" "${@//@ARCH@/$a}"
	done
}

# ARCHES bounds every step: a step's own list (WALK_ARCHES, CHECK_ARCHES,
# E2E_ARCHES) keeps only the arches ARCHES names.
within_arches() {
	local a
	for a in $1; do
		case " $ARCHES " in *" $a "*) printf '%s ' "$a" ;; esac
	done
}

per_arch compile-test "$ARCHES" "a driver file of the series does not compile (see above)" \
	"$REPO/tools/compile-test.sh" @ARCH@
per_arch kunit "$ARCHES" "see its results above" "$REPO/tools/kunit.sh" @ARCH@

# Bisectability: the test kernel and the driver files built after each
# patch.  x86_64 only by default, to stay well inside CI's time: the
# other arches' walks are run by hand (README), and "make check" reports
# the last walk of this series on each arch.
WALK_ARCHES=$(within_arches "${WALK_ARCHES-x86_64}")
per_arch walk "$WALK_ARCHES" "a step of the series does not build (see above)" "$REPO/tools/walk.sh" @ARCH@

# The quality gates (W=1, sparse, coccinelle against the base; the last
# walk's verdict).  x86_64 only by default: arm64 and s390 take as long
# again each (README).
CHECK_ARCHES=$(within_arches "${CHECK_ARCHES-x86_64}")
per_arch check "$CHECK_ARCHES" "a quality gate failed (see its table above)" "$REPO/tools/check.sh" @ARCH@

# End to end: stock and patched kernels booted, user-space tests.
E2E_ARCHES=$(within_arches "${E2E_ARCHES-x86_64 arm64 s390}")
per_arch e2e "$E2E_ARCHES" "a user-space test is not as expected on stock or patched (see above)" \
	"$REPO/tools/e2e.sh" @ARCH@ func

# Real clients (fio, libibverbs, perftest: the host's own programs) on
# the lean x86_64 kernels, the host's root over 9p.  x86_64 only.
CLIENT_ARCHES=$(within_arches x86_64)
[ "${CLIENTS:-1}" = 0 ] || per_arch clients "$CLIENT_ARCHES" \
	"a real client does not see what the series should give it (see above)" "$REPO/tools/e2e.sh" @ARCH@ clients

# The fix offered to mainline (patches/upstream) on Debian's 6.12: it
# applies, both kernels build, its rows and selftest are as expected on
# stock and patched 6.12; and its mails come out of b4.  UPSTREAM=0
# leaves it out.
# make upstream boots x86_64 kernels: ARCHES without x86_64 leaves it out.
case " $ARCHES " in *" x86_64 "*) ;; *) UPSTREAM=0 ;; esac
if [ "${UPSTREAM:-1}" != 0 ]; then
	banner "test: make upstream"
	stage "upstream" "the mainline patches do not apply, build or pass on 6.12 (see above)" \
		"$REPO/tools/upstream.sh"
	banner "test: make send-dry-run SET=upstream"
	stage "send-dry-run upstream" "the mainline patches do not come out of b4 as they should (see above)" \
		env SET=upstream "$REPO/tools/send.sh" dry-run
fi

banner "test: summary"
printf '    %-22s %-6s %8s  %s\n' step result time how
while IFS=$'\t' read -r name st secs how; do
	case "$name" in '#'*) continue ;; esac
	printf '    %-22s %-6s %5dm%02ds  %s\n' "$name" "$st" $((secs / 60)) $((secs % 60)) "$how"
done <"$STAGES"
echo
total_p=0 total_f=0 total_s=0
printf '    %-8s %-28s %7s %7s %7s\n' arch suite passed failed skipped
for a in $ARCHES; do
	tsv=$RESULTS_DIR/$a.tsv
	if [ ! -f "$tsv" ]; then
		printf '    %-8s %-28s %7s %7s %7s\n' "$a" "(no results)" - - -
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
for a in $CLIENT_ARCHES; do
	[ "${CLIENTS:-1}" = 0 ] && break
	line=$(grep -h "^e2e $a: .* tests:" "$RESULTS_DIR/e2e-clients-$a.txt" 2>/dev/null || echo "e2e $a: no results")
	info "clients: ${line#e2e }"
done
if [ "${UPSTREAM:-1}" != 0 ]; then
	line=$(grep -h "^e2e x86_64: .* tests:" "$RESULTS_DIR/e2e-upstream-x86_64.txt" 2>/dev/null ||
		echo "e2e x86_64: no results")
	info "upstream (6.12): ${line#e2e }"
fi
info "wall time $(elapsed)"
for f in "${failures[@]}"; do
	printf '    FAILED: %s\n' "$f"
done
# Every failure counts (tools/workbench/results.py): each KUnit case, e2e
# row, walk step, gate, compile-tested file and patch checkpatch read is
# an item; a failed step none of whose items failed counts once more.
# The same records go to steps/*.json, summary.json, junit.xml and KTAP.
banner "test: the count, per step"
rc=0
count || rc=$?
[ "$rc" -eq 0 ] && [ ${#failures[@]} -eq 0 ] && [ "$total_f" -eq 0 ]
