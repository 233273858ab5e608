#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""EDITOR for "b4 prep --edit-cover": replace the cover letter with the
subject and blurb of patches/0000-cover-letter.patch (b4 adds the shortlog,
diffstat and base-commit itself), signed by the sender."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cover  # noqa: E402

path = sys.argv[1]
text = open(os.environ['GUP_COVER']).read()
sob = 'Signed-off-by: ' + os.environ['GUP_SENDER']
old = open(path).read()
# Keep b4's own tracking section, if the editor is shown one.
tracking = ''
i = old.find('--- b4-submit-tracking ---')
if i >= 0:
    tracking = '\n\n' + old[i:]
open(path, 'w').write(f'{cover.subject(text, unfold=True)}\n\n{cover.blurb(text)}\n\n{sob}\n{tracking}')
