#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# maintainers-check.sh: MAINTAINERS.fragment, merged into a scratch copy of
# the base tree's MAINTAINERS, is in the format the kernel's own scripts
# read (scripts/parse-maintainers.pl parses it, get_maintainer.pl
# --self-test=sections finds nothing to say about its entries), every F:
# file exists in the applied series, and get_maintainer.pl -f on each
# names the entry's maintainers and lists.  The tree is left as it was.
. "$(dirname "$0")/lib.sh"

lock_tree
need git perl python3
FRAG=$REPO/MAINTAINERS.fragment
[ -f "$FRAG" ] || die "no $FRAG"

"$REPO/tools/apply.sh" >/dev/null
DIR=$(git -C "$(kernel_dir)" rev-parse --show-toplevel)
tmp=$(mktemp -d)
restore() {
	git -C "$DIR" checkout -q -- MAINTAINERS 2>/dev/null || true
	rm -rf "$tmp"
}
trap restore EXIT

banner "maintainers: ${FRAG#"$REPO"/} merged into the base tree's MAINTAINERS"
base_lines=$(wc -l <"$DIR/MAINTAINERS")
{ cat "$DIR/MAINTAINERS"; echo; cat "$FRAG"; } >"$tmp/MAINTAINERS"

(cd "$DIR" && perl scripts/parse-maintainers.pl --input="$tmp/MAINTAINERS" \
	--output="$tmp/MAINTAINERS.sorted" --order) >"$tmp/parse.log" 2>&1 ||
	{ cat "$tmp/parse.log" >&2; die "scripts/parse-maintainers.pl cannot parse the merged MAINTAINERS"; }
info "scripts/parse-maintainers.pl: parses"

# --self-test reads ./MAINTAINERS and takes no other option: swap it in.
cp "$tmp/MAINTAINERS" "$DIR/MAINTAINERS"
(cd "$DIR" && perl scripts/get_maintainer.pl --self-test=sections) >"$tmp/self-test.log" 2>&1 || true
ours=$(awk -F: -v n="$base_lines" '$2 + 0 > n' "$tmp/self-test.log")
[ -z "$ours" ] || { printf '%s\n' "$ours" >&2; die "get_maintainer.pl --self-test=sections warns about the fragment"; }
info "get_maintainer.pl --self-test=sections: nothing about the fragment's entries"

# Each F: file: present, and get_maintainer.pl -f names its entry's M: and L:.
python3 - "$FRAG" "$DIR" <<'PY' || die "get_maintainer.pl does not name the intended maintainers and lists (see above)"
import os, re, subprocess, sys
frag, d = sys.argv[1:]
entries, cur, bad = [], None, 0
for n, line in enumerate(open(frag), 1):
    line = line.rstrip('\n')
    if not line:
        cur = None
    elif cur is None:
        cur = {'title': line, 'lines': []}
        entries.append(cur)
    elif re.match(r'^[A-Z]:\t\S', line):
        cur['lines'].append((line[0], line[3:]))
    else:
        print(f'    error: MAINTAINERS.fragment:{n}: not "X:<tab>value": {line}')
        bad = 1
for e in entries:
    kinds = {k for k, _ in e['lines']}
    for k in 'MLSF':
        if k not in kinds:
            print(f'    error: {e["title"]}: no {k}: line')
            bad = 1
for e in entries:
    for kind, val in e['lines']:
        if kind != 'F':
            continue
        if subprocess.run(['git', '-C', d, 'ls-files', '--error-unmatch', val],
                          capture_output=True).returncode:
            print(f'    error: {val} ({e["title"]}) is not in the series')
            bad = 1
            continue
        out = subprocess.run(['perl', 'scripts/get_maintainer.pl', '--nogit',
                              '--nogit-fallback', '-f', val], cwd=d,
                             capture_output=True, text=True).stdout
        missing = []
        for k, v in e['lines']:
            if k == 'M':
                addr = v.split('<')[1].rstrip('>') if '<' in v else v
                ok = f'maintainer:{e["title"]})' in out
            elif k == 'L':
                addr = v.split()[0]
                ok = any(addr in l and e['title'] in l for l in out.splitlines())
            else:
                continue
            if not ok:
                missing.append(addr)
        state = 'names ' + ', '.join(v.split()[0] for k, v in e['lines'] if k == 'L')
        if missing:
            state = 'MISSING ' + ', '.join(missing)
            bad = 1
        print(f'    {val:<40} {state}')
sys.exit(bad)
PY
banner "maintainers: ${FRAG#"$REPO"/} is in order"
