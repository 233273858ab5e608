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

bad=0
while read -r p; do
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
	printf '    %-64s %d errors, %d warnings, %d checks' "$p" "$n_err" "$n_warn" "$n_chk"
	[ "$n_exc" -eq 0 ] && echo || echo " ($n_exc excepted in ${EXC##*/})"
	if [ $((n_err + n_warn + n_chk)) -gt 0 ]; then
		printf '%s\n' "$out" | sed 's/^/        /'
		bad=1
	fi
done < <(series_patches)
exit "$bad"
