#!/usr/bin/env python3
"""EDITOR for "b4 prep --edit-cover": replace the cover letter with the
subject and blurb of patches/0000-cover-letter.patch (b4 adds the shortlog,
diffstat and base-commit itself), signed by the sender."""
import os, re, sys
path = sys.argv[1]
cover = open(os.environ['GUP_COVER']).read()
head, body = cover.split('\n\n', 1)
m = re.search(r'^Subject: \[PATCH[^\]]*\] (.*(?:\n [^\n]*)*)', head, re.M)
subject = ' '.join(l.strip() for l in m.group(1).split('\n'))
# The blurb ends where format-patch's shortlog starts ("Name (N):").
blurb = re.split(r'^\S.* \(\d+\):$', body, maxsplit=1, flags=re.M)[0].rstrip('\n')
sob = 'Signed-off-by: ' + os.environ['GUP_SENDER']
old = open(path).read()
# Keep b4's own tracking section, if the editor is shown one.
tracking = ''
i = old.find('--- b4-submit-tracking ---')
if i >= 0:
    tracking = '\n\n' + old[i:]
open(path, 'w').write(f'{subject}\n\n{blurb}\n\n{sob}\n{tracking}')
