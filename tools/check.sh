#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check [ARCH=x86_64]: the quality gates over what the series touches,
# each compared with the base, so that only what the series adds counts.
#
#   checkpatch   scripts/checkpatch.pl --strict on every patch (tools/checkpatch.sh)
#   W=1          compiler warnings of "make W=1" in the touched files
#   sparse       warnings of "make C=2" (sparse) in the touched files
#   coccinelle   every script in scripts/coccinelle, report mode, on the
#                touched C files
#   bisect       the last "make walk ARCH=<arch>" of this very series
#
# The base and the series are checked out in two worktrees of the kernel
# repository and their touched objects built in two build directories
# configured alike: allnoconfig plus kunit/compile-test.config and the
# test kernel's options (test_fragment).  A warning counts as the series' when the series has it
# and the base has not, compared by file and message (line numbers move).
# Prints a table and writes it to $CACHE_DIR/check-<arch>.txt.
. "$(dirname "$0")/lib.sh"

ARCH=${1:-x86_64}
CROSS=$(arch_cross "$ARCH")
lock_tree
need git make "${CROSS}gcc" sparse spatch python3
use_ccache

"$REPO/tools/apply.sh" >/dev/null
DIR=$(git -C "$(kernel_dir)" rev-parse --show-toplevel)
BASE=$(resolve_base "$DIR")
G=(git -C "$DIR")
TIP=$("${G[@]}" rev-parse "$WORK_BRANCH")
OUT=$CACHE_DIR/check-$ARCH
mkdir -p "$OUT"
TABLE=$CACHE_DIR/check-$ARCH.txt
declare -A result detail

# Everything the series touches, and the C files among them.
mapfile -t touched < <("${G[@]}" diff --name-only "$BASE" "$TIP")
mapfile -t cfiles < <(printf '%s\n' "${touched[@]}" | grep '\.c$')
printf '%s\n' "${touched[@]}" >"$OUT/touched"

# What decides the gates' outcome: the base, the series' tree and its
# patch files (checkpatch reads their messages), the last walk's verdict,
# the configs, the gates' scripts and exception lists, and the tools.
# A recorded pass of the same is shown again instead of re-run.
# (the walk's result: the series' tree and the verdict, not its time)
walkres=$(head -n 2 "$BUILD_ROOT/walk-$ARCH.result" 2>/dev/null || true)
patchfiles=()
for p in $(series_patches); do patchfiles+=("@$REPO/patches/$p"); done
KEY=$(step_key "check $ARCH" "$BASE" "$("${G[@]}" rev-parse "$TIP^{tree}")" "${patchfiles[@]}" \
	"$walkres" @"$REPO/tools/check.sh" @"$REPO/tools/check-norm.py" \
	@"$REPO/tools/checkpatch.sh" @"$REPO/tools/checkpatch.exceptions" \
	@"$REPO/tools/cocci.exceptions" @"$REPO/kunit/compile-test.config" \
	"$(test_fragment "$ARCH")" \
	"$(toolchain_id)" "$(sparse --version 2>&1)" "$(spatch --version 2>&1 | head -n 1)")
if rec=$(step_reused check "$KEY") && [ -f "$CACHE_DIR/steps/check/$KEY.table" ]; then
	banner "check $ARCH: reused ($rec): same base, series, walk verdict, configs, scripts and tools"
	cp "$CACHE_DIR/steps/check/$KEY.table" "$TABLE"
	sed 's/^/    /' "$TABLE"
	exit 0
fi

banner "check $ARCH: ${#touched[@]} files touched (${#cfiles[@]} C files), base ${BASE:0:12}, series ${TIP:0:12}"

# --- checkpatch -----------------------------------------------------------
if "$REPO/tools/checkpatch.sh" "$DIR" >"$OUT/checkpatch.log" 2>&1; then
	result[checkpatch]=pass
	detail[checkpatch]="0 errors, 0 warnings, 0 checks on $(series_patches | wc -l) patches"
else
	result[checkpatch]=FAIL
	detail[checkpatch]="see $OUT/checkpatch.log"
fi
info "checkpatch: ${result[checkpatch]} (${detail[checkpatch]})"

# --- worktrees and build directories -------------------------------------
SRC_BASE=$(worktree_at "$DIR" check-src-base "$BASE")
SRC_TIP=$(worktree_at "$DIR" check-src-tip "$TIP")

# The drivers' options and the test kernel's (which bring what the core
# files need: SYSFS for HUGETLBFS, for one).
frag=$OUT/allconfig
{ cat "$REPO/kunit/compile-test.config"; test_fragment "$ARCH"; } >"$frag"
configure() { # src build
	mkdir -p "$2"
	kmake "$1" "$2" -s --jobs="$(nproc)" KCONFIG_ALLCONFIG="$frag" allnoconfig >"$2/config.log" 2>&1 &&
		kmake "$1" "$2" -s --jobs="$(nproc)" prepare >>"$2/config.log" 2>&1
}
BLD_BASE=$BUILD_ROOT/check-base-$ARCH
BLD_TIP=$BUILD_ROOT/check-tip-$ARCH
banner "check $ARCH: configuring the base and the series (allnoconfig + compile-test and KUnit configs)"
configure "$SRC_BASE" "$BLD_BASE" || die "configuring the base failed: $BLD_BASE/config.log"
configure "$SRC_TIP" "$BLD_TIP" || die "configuring the series failed: $BLD_TIP/config.log"
unmet=$(config_unmet "$frag" "$BLD_TIP/.config" "$SRC_TIP" | tr '\n' ' ')
[ -z "$unmet" ] || info "options that $ARCH cannot set (dependencies not met): $unmet"

# The warnings of the touched objects of one tree, "kind|file: message"
# lines for the touched files.  One make for all of them, on every CPU:
# the comparison is over the whole set, by file and message, so which
# object printed a line does not matter; -Otarget keeps each compiler's
# lines whole, -k goes on past a driver that does not build on this
# arch, which leaves no object and is reported as not built.
warnings() { # src build objs...
	local src=$1 bld=$2 o
	shift 2
	for o in "$@"; do rm -f "$bld/$o"; done
	{ kmake "$src" "$bld" -k --jobs="$(nproc)" -Otarget W=1 C=2 CHECK=sparse "$@" 2>&1 || true; } |
		python3 "$REPO/tools/check-norm.py" "$OUT/touched"
}

banner "check $ARCH: W=1 and sparse, the touched objects of the series and of the base"
tipobjs=() baseobjs=()
for f in "${cfiles[@]}"; do
	tipobjs+=("${f%.c}.o")
	[ ! -f "$SRC_BASE/$f" ] || baseobjs+=("${f%.c}.o")
done
warnings "$SRC_TIP" "$BLD_TIP" "${tipobjs[@]}" >"$OUT/warnings.tip"
built=0 notbuilt=() baseobjs_built=()
for f in "${cfiles[@]}"; do
	if [ -f "$BLD_TIP/${f%.c}.o" ]; then
		built=$((built + 1))
		[ ! -f "$SRC_BASE/$f" ] || baseobjs_built+=("${f%.c}.o")
	else
		notbuilt+=("$f")
	fi
done
# A file that does not build on this arch (its driver cannot be
# configured here) is listed as not built, and its errors are not
# warnings of the series.
printf '%s\n' "${notbuilt[@]}" >"$OUT/notbuilt"
python3 - "$OUT/warnings.tip" "$OUT/notbuilt" <<'PY'
import sys
skip = {l.strip() for l in open(sys.argv[2]) if l.strip()}
lines = [l for l in open(sys.argv[1]) if l.split('|', 1)[1].split(':', 1)[0] not in skip]
open(sys.argv[1], 'w').writelines(lines)
PY
# The base: the same objects, those that exist there and built in the series.
: >"$OUT/warnings.base"
[ ${#baseobjs_built[@]} -eq 0 ] ||
	warnings "$SRC_BASE" "$BLD_BASE" "${baseobjs_built[@]}" >"$OUT/warnings.base"
python3 - "$OUT" <<'PY'
import collections, sys
out = sys.argv[1]
rd = lambda n: collections.Counter(open(f'{out}/warnings.{n}').read().splitlines())
new = rd('tip') - rd('base')
files = {'w1': open(f'{out}/w1.new', 'w'), 'sparse': open(f'{out}/sparse.new', 'w')}
for line in sorted(new.elements()):
    kind, text = line.split('|', 1)
    files[kind].write(text + '\n')
PY
nw=$(wc -l <"$OUT/w1.new")
ns=$(wc -l <"$OUT/sparse.new")
result[W=1]=$([ "$nw" -eq 0 ] && echo pass || echo FAIL)
result[sparse]=$([ "$ns" -eq 0 ] && echo pass || echo FAIL)
detail[W=1]="$nw new warnings, $built objects built${notbuilt:+, ${#notbuilt[@]} not built on $ARCH}"
detail[sparse]="$ns new warnings, $built objects checked"
sed 's/^/    W=1: /' "$OUT/w1.new"
sed 's/^/    sparse: /' "$OUT/sparse.new"
[ ${#notbuilt[@]} -eq 0 ] || info "not built on $ARCH: ${notbuilt[*]}"
info "W=1: ${result[W=1]} (${detail[W=1]}); sparse: ${result[sparse]} (${detail[sparse]})"

# --- coccinelle -------------------------------------------------------------
# Every script on the series' touched C files, two scripts at a time (one
# per CPU).  A script's new reports are its reports on the series less its
# reports on the base, so the base is run only for the scripts that report
# something on the series (a script silent on the series adds nothing).
# Reports are recorded per script and file: what decides them is the
# script, the file's contents, the headers the series touches (a file's
# local includes may be among them), spatch and this code; a script runs
# only on the files without a record of the same (CACHE=0: on all).
banner "check $ARCH: coccinelle, every script in report mode"
cocci_one() { # src script out: "file: message" lines in out; out.timeout if spatch ran out of time
	local src=$1 s=$2 out=$3 opt f k files=() keys=() rc=0 rec=$CACHE_DIR/steps/cocci
	local skey
	skey=$(cat "$s" - <<<"$COCCI_KEY" | sha1sum | cut -c1-40)
	while read -r f; do
		[ -z "$f" ] || [ ! -f "$src/$f" ] || {
			k=$(printf '%s %s\n' "$skey" "$(git -C "$src" rev-parse "HEAD:$f")" | sha1sum | cut -c1-40)
			keys+=("$f $k")
			[ "${CACHE:-1}" != 0 ] && [ -f "$rec/$k" ] || files+=("$f")
		}
	done <<<"$CFILES_LIST"
	rm -f "$out.timeout" "$out.unrecorded"
	touch "$out.new" "$out.files"
	if [ ${#files[@]} -gt 0 ]; then
		opt=$(sed -n 's/^.*Options://p' "$s")
		# shellcheck disable=SC2086
		(cd "$src" && timeout 300 spatch -D report --very-quiet --no-show-diff \
			--cocci-file "$s" $opt -I include -I include/uapi \
			-I "arch/$SRCARCH/include" \
			--include include/linux/kconfig.h "${files[@]}" 2>/dev/null) >"$out.raw" || rc=$?
		python3 "$REPO/tools/check-norm.py" --cocci "$OUT/touched" <"$out.raw" >"$out.new"
		rm -f "$out.raw"
		printf '%s: \n' "${files[@]}" >"$out.files"
		if [ "$rc" -eq 124 ]; then # not recorded: run again next time
			echo "${s#"$src"/}" >"$out.timeout"
		elif grep -v -F -f "$out.files" "$out.new" >/dev/null; then
			# A report on a file it was not run on (a header): kept
			# for this run only, so that the script runs again.
			echo "${s#"$src"/}" >"$out.unrecorded"
		else
			mkdir -p "$rec"
			for f in "${files[@]}"; do
				k=$(printf '%s\n' "${keys[@]}" | awk -v f="$f" '$1 == f { print $2 }')
				grep -F -- "$f: " "$out.new" | awk -v f="$f" 'index($0, f ": ") == 1' >"$rec/$k.tmp" || true
				mv "$rec/$k.tmp" "$rec/$k"
			done
		fi
	fi
	: >"$out"
	for k in "${keys[@]}"; do
		cat "$rec/${k#* }" 2>/dev/null >>"$out" || true
	done
	[ ! -f "$out.timeout" ] && [ ! -f "$out.unrecorded" ] || cat "$out.new" >>"$out"
	rm -f "$out.new" "$out.files" "$out.unrecorded"
	echo "${#files[@]}" >"$out.ran"
}
cocci_all() { # src outdir scripts... (relative to scripts/coccinelle)
	local src=$1 dir=$2 s
	shift 2
	mkdir -p "$dir"
	for s in "$@"; do
		printf '%s\0' "$s"
	done | xargs -0 -r -P "$(nproc)" -I{} bash -c \
		'cocci_one "$1" "$1/scripts/coccinelle/$2" "$3/$(echo "$2" | tr / _).out"' \
		_ "$src" {} "$dir"
}
SRCARCH=$(arch_srcarch "$ARCH")
# What every record depends on besides the script and the file: the
# touched headers of the tree (by blob), spatch, the arch and this code.
cocci_key() { # src
	printf '%s\n' "$(spatch --version 2>&1 | head -n 1)" "$SRCARCH" "$(declare -f cocci_one)" \
		"$(sha1sum <"$REPO/tools/check-norm.py")"
	printf '%s\n' "${touched[@]}" | grep '\.h$' | while read -r f; do
		printf '%s %s\n' "$f" "$(git -C "$1" rev-parse "HEAD:$f" 2>/dev/null || echo none)"
	done
}
export -f cocci_one
export OUT REPO SRCARCH CACHE_DIR CACHE
cfiles_str=$(printf '%s\n' "${cfiles[@]}")
mapfile -t scripts < <(cd "$SRC_TIP/scripts/coccinelle" && ls -- */*.cocci)
rm -rf "$OUT/cocci.tip.d"
# cocci_one reads the file list and the key from the environment in the child shells.
CFILES_LIST=$cfiles_str COCCI_KEY=$(cocci_key "$SRC_TIP") cocci_all "$SRC_TIP" "$OUT/cocci.tip.d" "${scripts[@]}"
reporting=()
for s in "${scripts[@]}"; do
	[ ! -s "$OUT/cocci.tip.d/$(echo "$s" | tr / _).out" ] || reporting+=("$s")
done
bdir=$OUT/cocci.base.d
rm -rf "$bdir"
[ ${#reporting[@]} -eq 0 ] ||
	CFILES_LIST=$cfiles_str COCCI_KEY=$(cocci_key "$SRC_BASE") cocci_all "$SRC_BASE" "$bdir" "${reporting[@]}"
ran() { cat "$1"/*.ran 2>/dev/null | awk '{ n += $1 } END { print n + 0 }'; }
info "coccinelle: ${#scripts[@]} scripts on the series, ${#reporting[@]} of them report and ran on the base; spatch runs on a file: $(ran "$OUT/cocci.tip.d") on the series and $(ran "$bdir") on the base, the rest recorded"
for s in "${reporting[@]}"; do
	n=$(echo "$s" | tr / _).out
	python3 - "$OUT/cocci.tip.d/$n" "$bdir/$n" <<'PY'
import collections, sys
rd = lambda p: collections.Counter(open(p).read().splitlines())
for line in sorted((rd(sys.argv[1]) - rd(sys.argv[2])).elements()):
    print(line)
PY
done >"$OUT/cocci.tipnew"
cat "$OUT/cocci.tip.d"/*.out >"$OUT/cocci.tip" 2>/dev/null || : >"$OUT/cocci.tip"
# A script that ran out of time reported nothing: a gate finding, not a pass.
cat "$OUT/cocci.tip.d"/*.timeout "$bdir"/*.timeout 2>/dev/null | sort -u >"$OUT/cocci.timeouts" || true
# New reports, less those tools/cocci.exceptions accepts (with a reason).
python3 - "$OUT" "$REPO/tools/cocci.exceptions" <<'PY'
import collections, sys
out, exc = sys.argv[1:]
new = collections.Counter(open(f'{out}/cocci.tipnew').read().splitlines())
ok = {}
for line in open(exc):
    if line.strip() and not line.startswith('#'):
        f, msg, why = line.rstrip('\n').split('\t')
        ok[f'{f}: {msg}'] = why
with open(f'{out}/cocci.new', 'w') as n, open(f'{out}/cocci.excepted', 'w') as e:
    for l in new.elements():
        if l in ok:
            e.write(f'{l} ({ok[l]})\n')
        else:
            n.write(l + '\n')
PY
sed 's/^/(timed out after 300 s, so unchecked): /' "$OUT/cocci.timeouts" >>"$OUT/cocci.new"
nc=$(wc -l <"$OUT/cocci.new")
ne=$(wc -l <"$OUT/cocci.excepted")
result[coccinelle]=$([ "$nc" -eq 0 ] && echo pass || echo FAIL)
detail[coccinelle]="$nc new reports, $ne excepted in tools/cocci.exceptions ($(wc -l <"$OUT/cocci.tip") reports on the series in all), ${#scripts[@]} scripts"
sed 's/^/    coccinelle, excepted: /' "$OUT/cocci.excepted"
sed 's/^/    coccinelle: /' "$OUT/cocci.new"
info "coccinelle: ${result[coccinelle]} (${detail[coccinelle]})"

# --- bisect -------------------------------------------------------------------
wres=$BUILD_ROOT/walk-$ARCH.result
if [ -f "$wres" ] && [ "$(sed -n 1p "$wres")" = "$("${G[@]}" rev-parse "$TIP^{tree}")" ]; then
	result[bisect]=$(sed -n 2p "$wres")
	detail[bisect]=$(sed -n 3p "$wres")
else
	result[bisect]="not run"
	detail[bisect]="no make walk ARCH=$ARCH of this series (it takes long: run it yourself)"
fi
info "bisect: ${result[bisect]} (${detail[bisect]})"

# --- table ----------------------------------------------------------------------
{
	printf 'Quality gates, %s, series %s on %s (%s):\n\n' "$ARCH" "${TIP:0:12}" "${BASE:0:12}" "$(date -u +%Y-%m-%d)"
	printf '  %-11s %-8s %s\n' gate result detail
	for g in checkpatch W=1 sparse coccinelle bisect; do
		printf '  %-11s %-8s %s\n' "$g" "${result[$g]}" "${detail[$g]}"
	done
} >"$TABLE"
banner "check $ARCH: results (also in $TABLE) [$(elapsed)]"
sed 's/^/    /' "$TABLE"
for g in checkpatch W=1 sparse coccinelle; do
	[ "${result[$g]}" = pass ] || exit 1
done
[ "${result[bisect]}" != FAIL ] || exit 1
step_record check "$KEY" "passed $(date -u '+%Y-%m-%d %H:%M UTC')"
cp "$TABLE" "$CACHE_DIR/steps/check/$KEY.table"
exit 0
