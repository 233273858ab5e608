#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# checkpatch.sh DIR: scripts/checkpatch.pl --strict over every patch in
# series.  Any ERROR, WARNING or CHECK fails, unless tools/checkpatch.exceptions
# lists that patch and message type with a reason.
. "$(dirname "$0")/lib.sh"

DIR=$1
EXC=$REPO/tools/checkpatch.exceptions
[ -x "$DIR/scripts/checkpatch.pl" ] || die "$DIR/scripts/checkpatch.pl not found"

# "<patch> <TYPE> <reason>": is this exception listed, with a reason?
excepted() {
	awk -v p="$1" -v t="$2" '
		/^#/ || NF < 3 { next }
		$1 == p && $2 == t { found = 1 }
		END { exit !found }
	' "$EXC"
}

# checkpatch's verdict on a patch depends on the patch, checkpatch.pl and
# its data files in the tree, the exceptions and this script: a clean
# verdict on the same is reused (lib.sh, step_key; CACHE=0 re-runs).
TOOLKEY=$(cd "$DIR" && cat scripts/checkpatch.pl scripts/spelling.txt scripts/const_structs.checkpatch \
	scripts/spdxcheck.py 2>/dev/null | sha1sum | cut -c1-40)
bad=0
nreused=0
while read -r p; do
	key=$(step_key checkpatch "$TOOLKEY" @"$REPO/patches/$p" @"$EXC" @"$REPO/tools/checkpatch.sh")
	if rec=$(step_reused checkpatch "$key"); then
		printf '    %-64s %s (reused)\n' "$p" "$rec"
		nreused=$((nreused + 1))
		continue
	fi
	out=$(cd "$DIR" && perl scripts/checkpatch.pl --strict --show-types --no-summary \
		"$REPO/patches/$p" 2>&1) || true
	n_err=0 n_warn=0 n_chk=0 n_exc=0
	while read -r level type; do
		if excepted "$p" "$type"; then
			n_exc=$((n_exc + 1))
			continue
		fi
		case "$level" in
		ERROR) n_err=$((n_err + 1)) ;;
		WARNING) n_warn=$((n_warn + 1)) ;;
		CHECK) n_chk=$((n_chk + 1)) ;;
		esac
	done < <(printf '%s\n' "$out" | sed -n 's/^\(ERROR\|WARNING\|CHECK\):\([A-Z_0-9]*\):.*/\1 \2/p')
	verdict=$(printf '%d errors, %d warnings, %d checks' "$n_err" "$n_warn" "$n_chk")
	[ "$n_exc" -eq 0 ] || verdict="$verdict ($n_exc excepted in ${EXC##*/})"
	printf '    %-64s %s\n' "$p" "$verdict"
	if [ $((n_err + n_warn + n_chk)) -gt 0 ]; then
		printf '%s\n' "$out" | sed 's/^/        /'
		bad=1
	else
		step_record checkpatch "$key" "$verdict"
	fi
done < <(series_patches)
[ "$nreused" -eq 0 ] ||
	info "$nreused verdict(s) reused: same patch, checkpatch.pl and exceptions as a clean run"
exit "$bad"
