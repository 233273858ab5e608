#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make figures: regenerate the README's result tables (between its
# "<!-- figures: NAME -->" markers) and the cover letter's gate table from
# the records of the last make test (tools/workbench/figures.py).
. "$(dirname "$0")/lib.sh"

[ -f "$RESULTS_DIR/stages.tsv" ] ||
	die "no results in $RESULTS_DIR (stages.tsv): run make test first"
banner "figures: from $RESULTS_DIR"
PYTHONPATH=$REPO/tools python3 -m workbench.figures "$RESULTS_DIR" --cache-dir "$CACHE_DIR" \
	--readme "$REPO/README.md" --cover "$REPO/patches/0000-cover-letter.patch" | sed 's/^/    /'
git -C "$REPO" diff --stat -- README.md patches/0000-cover-letter.patch | sed 's/^/    /'
