#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make report: the results of the last make test as a static HTML page,
# $RESULTS_DIR/report/index.html (tools/workbench/report.py).
. "$(dirname "$0")/lib.sh"

[ -f "$RESULTS_DIR/stages.tsv" ] ||
	die "no results in $RESULTS_DIR (stages.tsv): run make test first"
python3 -c 'import matplotlib' 2>/dev/null ||
	die "python3-matplotlib is not installed (it draws the plots): run make deps"
banner "report: $RESULTS_DIR"
index=$(workbench report "$RESULTS_DIR" --cache-dir "$CACHE_DIR")
info "open $index (a static page: no server needed)"
