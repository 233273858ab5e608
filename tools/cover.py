# SPDX-License-Identifier: GPL-2.0
"""The parts of patches/0000-cover-letter.patch that are ours: its subject
and its blurb (everything before format-patch's shortlog).  Used by
tools/refresh.sh, which puts them into a regenerated cover letter, and by
tools/b4-cover.py, which puts them into b4's."""
import re

def subject(cover, unfold=False):
    """The subject after "[PATCH ...] ", folded as in the file unless unfold."""
    m = re.search(r'^Subject: \[PATCH[^\]]*\] (.*(?:\n [^\n]*)*)', cover, re.M)
    s = m.group(1)
    return ' '.join(l.strip() for l in s.split('\n')) if unfold else s

def blurb(cover):
    """The body up to format-patch's shortlog ("Name (N):")."""
    body = cover.split('\n\n', 1)[1]
    return re.split(r'^\S.* \(\d+\):$', body, maxsplit=1, flags=re.M)[0].rstrip('\n')
