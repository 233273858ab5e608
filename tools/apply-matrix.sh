#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make apply-matrix: which 6.1.y the series applies to.  For every version
# of $BASE_DEB_PACKAGE that apt's archive serves (apt-cache madison),
# download the package (kept in $CACHE_DIR/debs), unpack from its tarball
# only the files the series changes, commit them untouched in a scratch
# repository and "git am" the series on top, as a user would.  Prints a
# table (version, result, the first patch that does not apply and the
# file it stops at) and writes it, with a JSON record, to
# $RESULTS_DIR/apply-matrix.{txt,json}.  The kernel tree is not touched.
. "$(dirname "$0")/lib.sh"

need apt-get apt-cache dpkg-deb tar xz git
check_series_files
OUT=$CACHE_DIR/apply-matrix
mkdir -p "$OUT" "$CACHE_DIR/debs" "$RESULTS_DIR"
pkg=$BASE_DEB_PACKAGE

mapfile -t versions < <(LC_ALL=C apt-cache madison "$pkg" | awk -F'|' '{ gsub(/ /, "", $2); print $2 }' | sort -uV)
[ ${#versions[@]} -gt 0 ] ||
	die "apt-cache madison $pkg lists no version: run 'apt-get update' (as root), or check the sources"
mapfile -t patches < <(series_patches | grep -v '^0000-')
# The files the series changes that exist before it (git am needs those).
mapfile -t files < <(cd "$REPO/patches" && sed -n 's|^--- a/\(.*\)$|\1|p' "${patches[@]}" | sort -u)
banner "apply-matrix: ${#patches[@]} patches (${#files[@]} files they change) on ${#versions[@]} versions of $pkg: ${versions[*]}"

rows=()
for v in "${versions[@]}"; do
	deb=$CACHE_DIR/debs/${pkg}_${v}_all.deb
	if [ ! -s "$deb" ]; then
		(cd "$CACHE_DIR/debs" && apt-get download -q "$pkg=$v" 2>&1 | grep -v '^W: Download is performed unsandboxed') ||
			{ rows+=("$v	not downloaded	apt-get download $pkg=$v failed	-"); continue; }
	fi
	t0=$SECONDS
	d=$OUT/$v
	rm -rf "$d"
	mkdir -p "$d"
	# Only the files the series changes; tar says which do not exist
	# in this version (a file of a later stable release), and git am
	# names them below.
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/$pkg.tar.xz" |
		tar -xJ -C "$d" "${files[@]/#/$pkg/}" 2>/dev/null || true
	(
		cd "$d/$pkg" || exit 1
		git init -q -b base
		git add -f -A .
		git -c user.name="$PLACEHOLDER_NAME" -c user.email="$PLACEHOLDER_EMAIL" commit -q -m "$pkg $v, the files the series changes"
	) || { rows+=("$v	not unpacked	$deb holds no $pkg tree	-"); continue; }
	first='' where='' applied=0
	for p in "${patches[@]}"; do
		if git -C "$d/$pkg" -c user.name="$PLACEHOLDER_NAME" -c user.email="$PLACEHOLDER_EMAIL" \
			am -q "$REPO/patches/$p" >"$d/am.log" 2>&1; then
			applied=$((applied + 1))
			continue
		fi
		first=$p
		where=$(sed -n -e 's/^error: patch failed: \([^:]*\):.*/\1/p' \
			-e 's/^error: \([^:]*\): does not exist in index/\1 (missing)/p' "$d/am.log" | head -n 1)
		git -C "$d/$pkg" am --abort 2>/dev/null || true
		break
	done
	if [ -z "$first" ]; then
		rows+=("$v	applies	all ${#patches[@]} patches with git am	-")
	else
		rows+=("$v	does not apply	$applied of ${#patches[@]} applied; stops at $first	${where:-see $d/am.log}")
	fi
	info "$v: ${rows[-1]#*	} ($((SECONDS - t0)) s) [$(elapsed)]"
	rm -rf "${d:?}/$pkg"
done

banner "apply-matrix: results"
{
	printf '%s\t%s\t%s\t%s\n' version result detail 'stops in'
	printf '%s\n' "${rows[@]}"
} >"$OUT/matrix.tsv"
python3 - "$OUT/matrix.tsv" "$RESULTS_DIR/apply-matrix" "$BASE_DEB_VERSION" <<'PY'
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1]), delimiter='\t'))
head, body = rows[0], rows[1:]
w = [max(len(r[i]) for r in rows) for i in range(len(head))]
out = ['  '.join(c.ljust(w[i]) for i, c in enumerate(r)).rstrip() for r in [head] + body]
out.insert(1, '  '.join('-' * x for x in w))
ok = [r[0] for r in body if r[1] == 'applies']
out += ['', 'applies to %d of %d versions%s; the base (tools/base.conf) is %s'
        % (len(ok), len(body), ': ' + ', '.join(ok) if ok else '', sys.argv[3])]
open(sys.argv[2] + '.txt', 'w').write('\n'.join(out) + '\n')
json.dump({'base': sys.argv[3], 'versions': [dict(zip(['version', 'result', 'detail', 'stops_in'], r)) for r in body]},
          open(sys.argv[2] + '.json', 'w'), indent=1)
print('\n'.join('    ' + l for l in out))
PY
