# SPDX-License-Identifier: GPL-2.0
"""The parts of patches/0000-cover-letter.patch that are ours: its subject
and its blurb (everything before format-patch's shortlog).  Used by
tools/refresh.sh, which puts them into a regenerated cover letter, and by
tools/b4-cover.py, which puts them into b4's."""
import re

def subject(cover: str, unfold: bool = False) -> str:
    """The subject after "[PATCH ...] ", folded as in the file unless unfold."""
    m = re.search(r'^Subject: \[PATCH[^\]]*\] (.*(?:\n [^\n]*)*)', cover, re.M)
    if not m:
        raise ValueError('no "Subject: [PATCH ...] <subject>" header')
    s = m.group(1)
    return ' '.join(l.strip() for l in s.split('\n')) if unfold else s

def blurb(cover: str) -> str:
    """The body up to format-patch's shortlog ("Name (N):")."""
    parts = cover.split('\n\n', 1)
    if len(parts) < 2 or not parts[1].strip():
        raise ValueError('no body after the headers')
    body = parts[1]
    return re.split(r'^\S.* \(\d+\):$', body, maxsplit=1, flags=re.M)[0].rstrip('\n')
