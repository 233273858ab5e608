#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""check-norm.py [--cocci] TOUCHED < output: the warnings in compiler, sparse
or spatch output that concern a file the series touches (TOUCHED lists
them), one line each, as "kind|file: message" ("w1" or "sparse"), or with
--cocci "file: message", line and column numbers dropped so that the base
and the series compare."""
import re, sys

cocci = sys.argv[1] == '--cocci'
touched = [l.strip() for l in open(sys.argv[-1]) if l.strip()]

def rel(path):
    path = path.lstrip('./')
    for t in touched:
        if path == t or path.endswith('/' + t):
            return t
    return None

diag = re.compile(r'^(?P<file>[^:\s]+):\d+:\d+: (?P<sev>warning|error): (?P<msg>.*)$')
spatch = re.compile(r'^(?P<file>[^:\s]+):\d+:\d+-\d+: (?P<msg>.*)$')
for line in sys.stdin:
    line = line.rstrip('\n')
    m = (spatch if cocci else diag).match(line)
    if not m:
        continue
    f = rel(m.group('file'))
    if not f:
        continue
    msg = re.sub(r'\b(lines?) \d+(-\d+)?', r'\1 N', m.group('msg'))
    if cocci:
        print(f'{f}: {msg}')
    else:
        kind = 'w1' if re.search(r'\[-W[^\]]*\]$', msg) or m.group('sev') == 'error' else 'sparse'
        print(f'{kind}|{f}: {m.group("sev")}: {msg}')
