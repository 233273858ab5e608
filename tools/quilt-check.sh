#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# quilt-check.sh DIR BASE WORK: apply patches/ with "quilt push -a" onto the
# base versions of the files the series touches, in a scratch directory,
# and check the result is what git am made on WORK.  The kernel tree is
# only read.
. "$(dirname "$0")/lib.sh"

DIR=$1 BASE=$2 WORK=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mapfile -t FILES < <(series_patches | while read -r p; do
	sed -n 's|^diff --git a/\([^ ]*\) b/\([^ ]*\)$|\1\n\2|p' "$REPO/patches/$p"
done | sort -u)
for f in "${FILES[@]}"; do
	if git -C "$DIR" cat-file -e "$BASE:$f" 2>/dev/null; then
		mkdir -p "$tmp/tree/$(dirname "$f")"
		git -C "$DIR" show "$BASE:$f" >"$tmp/tree/$f"
	fi
done
mkdir -p "$tmp/tree/patches"
cp "$REPO/series" "$tmp/tree/patches/series"
series_patches | while read -r p; do cp "$REPO/patches/$p" "$tmp/tree/patches/"; done

if ! (cd "$tmp/tree" && QUILT_PATCHES=patches quilt push -a -q --fuzz=0) >"$tmp/log" 2>&1; then
	sed 's/^/    quilt: /' "$tmp/log"
	echo "error: quilt push -a failed (above)" >&2
	exit 1
fi
bad=0
for f in "${FILES[@]}"; do
	if git -C "$DIR" cat-file -e "$WORK:$f" 2>/dev/null; then
		git -C "$DIR" show "$WORK:$f" | cmp -s - "$tmp/tree/$f" || {
			echo "    quilt and git am disagree on $f"
			bad=1
		}
	elif [ -e "$tmp/tree/$f" ]; then
		echo "    quilt left $f, which git am removed"
		bad=1
	fi
done
[ "$bad" -eq 0 ] || exit 1
info "quilt push -a: $(series_patches | wc -l) patch(es) applied, ${#FILES[@]} file(s) identical to git am's"
