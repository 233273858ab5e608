#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make selftest: the workbench's own checks, the first step of make test:
# the Python unit tests on recorded outputs (tools/workbench), mypy
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

# Every Python file of the workbench but check-norm.py (which make
# check's key holds: typing it is for the next change of make check).
banner "selftest: mypy --strict on the workbench's Python"
rc=0
(cd "$REPO/tools" && mypy --strict --no-error-summary workbench cover.py results.py ktap.py \
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
