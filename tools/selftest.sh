#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make selftest: the workbench's own checks, the first step of make test:
# the Python unit tests on recorded outputs (tools/workbench), no
# option set two ways in the config fragments of one kernel, mypy
# --strict on the workbench's Python, shellcheck on the shell scripts, and
# every bad input the tools must refuse (tools/tests/bad-input.sh, which
# also writes the README's table to $RESULTS_DIR/bad-input.md), and that
# a resend keeps b4's change-id (tools/tests/resend.sh).
. "$(dirname "$0")/lib.sh"
need python3 mypy shellcheck git b4
mkdir -p "$RESULTS_DIR"
bad=0
result() { # NAME RC
	printf '    selftest: %s: %s\n' "$1" "$([ "$2" -eq 0 ] && echo pass || echo FAIL)"
	[ "$2" -eq 0 ] || bad=1
}

banner "selftest: Python unit tests (tools/workbench/test_*.py, recorded outputs)"
rc=0
(cd "$REPO/tools" && python3 -m unittest discover -v -s workbench -t .) 2>&1 | sed 's/^/    /' ||
	rc=$?
result "unit tests" "$rc"

# The files each kernel's fragment is made of, in their order
# (lib.sh, test_fragment; e2e.sh, build_kernel): an option two of them
# set differently is decided silently by the order.
banner "selftest: config fragments: no option set two ways for one kernel"
rc=0
tmp=$(mktemp -d)
E2E=$REPO/tools/e2e
for a in x86_64 arm64 s390; do
	qemu_kconfig "$a" >"$tmp/kunit-qemu-$a.config"
	files=("$tmp/kunit-qemu-$a.config")
	mapfile -t -O 1 files < <(test_fragment_files "$a")
	for k in test soak check; do
		case $k in
		soak) [ -f "$E2E/soak-$a.config" ] || continue
		      f=("${files[@]}" "$E2E/soak-$a.config") ;;
		check) f=("$REPO/kunit/compile-test.config" "${files[@]}") ;;
		*) f=("${files[@]}") ;;
		esac
		out=$(cd "$REPO" && workbench configs conflicts "${f[@]#"$REPO"/}") ||
			{ rc=1; printf '    %s kernel, %s: %s\n' "$k" "$a" "$out"; }
	done
done
lean=("$E2E/kernel.config" "$E2E/kernel-x86_64.config")
for k in lean upstream; do
	extra=$E2E/kernel-lean-x86_64.config
	[ "$k" = lean ] || extra=$E2E/kernel-upstream.config
	out=$(cd "$REPO" && workbench configs conflicts "${lean[@]#"$REPO"/}" "${extra#"$REPO"/}") ||
		{ rc=1; printf '    %s kernel, x86_64: %s\n' "$k" "$out"; }
done
rm -rf "$tmp"
[ "$rc" -ne 0 ] || echo "    test and check kernels of x86_64, arm64, s390; soak, lean and upstream kernels of x86_64: no conflicts"
result "config fragments" "$rc"

# Every Python file of the workbench but check-norm.py (which make
# check's key holds: typing it is for the next change of make check).
banner "selftest: mypy --strict on the workbench's Python"
rc=0
(cd "$REPO/tools" && mypy --strict --no-error-summary workbench cover.py \
	e2e/report.py send-check.py b4-cover.py) 2>&1 | sed 's/^/    /' || rc=$?
result mypy "$rc"

banner "selftest: shellcheck -S warning on the shell scripts"
rc=0
(cd "$REPO" && shellcheck -x -S warning tools/*.sh tools/e2e/*.sh tools/tests/*.sh .ci/run) 2>&1 | sed 's/^/    /' || rc=$?
result shellcheck "$rc"

banner "selftest: bad input (a toy kernel tree and a copy of the workbench)"
rc=0
"$REPO/tools/tests/bad-input.sh" "$RESULTS_DIR/bad-input.md" 2>&1 | sed 's/^/    /' || rc=$?
result "bad input" "$rc"

banner "selftest: a resend keeps b4's change-id and goes out as v2 (the toy tree)"
rc=0
"$REPO/tools/tests/resend.sh" 2>&1 | grep -E '^(yes|no) |^resend|^error' | sed 's/^/    /' || rc=$?
result "resend" "$rc"
exit "$bad"
