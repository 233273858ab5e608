#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""send-check.py DIR N PLACEHOLDER: the messages "b4 send -o" wrote to DIR
are a cover letter and N patches, numbered 0/N .. N/N, each with To and
Cc, the cover with a base-commit, and none carries the placeholder
identity.  Prints one line per problem; exits 1 if there is any."""
import email, email.policy, glob, os, re, sys

d, n, placeholder = sys.argv[1], int(sys.argv[2]), sys.argv[3]
files = sorted(glob.glob(os.path.join(d, '*.eml')))
bad = []
if len(files) != n + 1:
    bad.append(f'{len(files)} messages, want {n + 1} (a cover letter and {n} patches)')
for i, f in enumerate(files):
    msg = email.message_from_binary_file(open(f, 'rb'), policy=email.policy.default)
    name = os.path.basename(f)
    subj = ' '.join(str(msg['Subject'] or '').split())
    m = re.match(r'\[PATCH[^\]]* (\d+)/(\d+)\]', subj)
    if not m or int(m.group(1)) != i or int(m.group(2)) != n:
        bad.append(f'{name}: subject "{subj[:60]}" is not numbered {i}/{n}')
    for h in ('To', 'Cc'):
        if not msg[h]:
            bad.append(f'{name}: no {h}:')
    text = msg.as_string()
    if placeholder in text or placeholder.split('<')[1].rstrip('>') in text:
        bad.append(f'{name}: carries the placeholder identity {placeholder}')
    if i == 0 and not re.search(r'^base-commit: [0-9a-f]{40}$', text, re.M):
        bad.append(f'{name}: the cover letter has no base-commit')
for b in bad:
    print(f'    error: {b}')
if not bad:
    print(f'    {len(files)} messages: cover letter and {n} patches, numbered 0/{n}..{n}/{n}, '
          'To and Cc in each, base-commit in the cover, no placeholder identity')
sys.exit(1 if bad else 0)
