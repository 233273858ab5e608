#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# ktap-test/run.sh KERNEL_DIR: the KTAP cut (workbench.ktap) against a
# console log of our x86_64 KUnit kernel into which two kernel messages
# were put where they broke 6.1's kunit.py parser: the PS/2 mouse probe
# between "KTAP version 1" and "# Subtest:" of a parameterised case, and
# "random: crng init done" right after a suite's "# Subtest:" line.
# Passes when kunit.py's parse of the whole log disagrees with the
# kernel's "# Totals:" lines (the failure is real) and its parse of the
# cut log agrees with them (the cut fixes it), with both lines listed.
# The fixture holds the four suites of its time (tools/ktap-test/suites),
# not the ones kunit/suites expects now.
. "$(dirname "$0")/../lib.sh"

K=$1
T=$REPO/tools/ktap-test
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
py() { (cd "$K" && python3 tools/testing/kunit/kunit.py parse "$@") </dev/null >/dev/null 2>&1 || true; }
verdict() { # json -> workbench.kunit exit status
	workbench kunit --arch x86_64 --json "$1" --log "$T/console.log" \
		--dropped "$tmp/dropped" --suites "$T/suites" --tsv "$tmp/tsv" >"$tmp/v" 2>&1
}
workbench ktap "$T/console.log" "$tmp/ktap" --dropped "$tmp/dropped"
py --json="$tmp/raw.json" "$T/console.log"
py --json="$tmp/cut.json" "$tmp/ktap"
bad=0
if verdict "$tmp/raw.json"; then
	info "kunit.py parsed the whole log correctly: the fixture no longer shows the failure"
	bad=1
else
	info "whole log: $(grep -c 'PARSE FAILED' "$tmp/v") suite(s) with a failed parse (expected)"
fi
if verdict "$tmp/cut.json"; then
	info "cut log: every suite's counts equal the kernel's # Totals: lines"
else
	sed 's/^/    /' "$tmp/v"
	bad=1
fi
for l in 'input: ImExPS/2' 'random: crng init done'; do
	grep -q "$l" "$tmp/dropped" || { info "not listed as foreign: $l"; bad=1; }
done
[ "$(wc -l <"$tmp/dropped")" -eq 2 ] || { info "foreign lines listed: $(wc -l <"$tmp/dropped"), expected 2"; bad=1; }
exit "$bad"
