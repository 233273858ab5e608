#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make figures: regenerate the README's result tables (between its
# "<!-- figures: NAME -->" markers) and the cover letter's gate table from
# the records of the last make test (tools/workbench/figures.py).
. "$(dirname "$0")/lib.sh"

[ -f "$RESULTS_DIR/stages.tsv" ] ||
	die "no results in $RESULTS_DIR (stages.tsv): run make test first"
# SAVE_AS=LABEL keeps this run's results as $CACHE_DIR/results-LABEL (the
# cold run's, say) for the README's blocks NAME@LABEL; every saved run
# is offered to them.
if [ -n "${SAVE_AS:-}" ]; then
	case "$SAVE_AS" in *[!a-z0-9-]*) die "SAVE_AS must be a label of a-z, 0-9 and -, not '$SAVE_AS'" ;; esac
	rm -rf "$CACHE_DIR/results-$SAVE_AS.tmp"
	cp -a "$RESULTS_DIR" "$CACHE_DIR/results-$SAVE_AS.tmp"
	# The gate tables live beside the results; the snapshot keeps its own.
	for t in "$CACHE_DIR"/check-*.txt; do
		[ ! -f "$t" ] || cp "$t" "$CACHE_DIR/results-$SAVE_AS.tmp/"
	done
	rm -rf "$CACHE_DIR/results-$SAVE_AS"
	mv "$CACHE_DIR/results-$SAVE_AS.tmp" "$CACHE_DIR/results-$SAVE_AS"
	info "saved as $CACHE_DIR/results-$SAVE_AS"
fi
snaps=()
for d in "$CACHE_DIR"/results-*/; do
	[ -f "$d/stages.tsv" ] || continue
	d=${d%/}
	snaps+=(--snapshot "${d##*/results-}=$d")
done
banner "figures: from $RESULTS_DIR"
workbench figures "$RESULTS_DIR" --cache-dir "$CACHE_DIR" \
	--readme "$REPO/README.md" --readme "$REPO/tools/figures.md" --cover "$REPO/patches/0000-cover-letter.patch" "${snaps[@]}" | sed 's/^/    /'
git -C "$REPO" diff --stat -- README.md tools/figures.md patches/0000-cover-letter.patch | sed 's/^/    /'
