# SPDX-License-Identifier: GPL-2.0
"""Cut the KTAP output out of a raw kernel console log.

    python3 -m workbench.ktap CONSOLE KTAP [--dropped FILE]

kunit.py's 6.1 parser reads every console line after "KTAP version 1"
as part of the test output, and a kernel message from elsewhere (a
driver probing asynchronously, say) between "KTAP version 1" and
"# Subtest:" makes it lose its place: later cases are reported as
crashed although the kernel passed them.  This keeps only the lines of
the KTAP grammar (version, plan, result and "#" diagnostic lines, at any
indentation), and the indented lines that continue a kept diagnostic (a
failed expectation's "Expected ..." lines), and writes them to KTAP for
"kunit.py parse".  Every other line after the start is dropped and
listed, with its line number, in the --dropped file, except the lines
of a report that a test announced (KUNIT-EXPECT-REPORT-BEGIN ... -END,
see workbench.kunit).  The output ends where the kernel reboots.  The
console log itself is left as it is: workbench.kunit scans all of it for
kernel reports.
"""

from __future__ import annotations

import re
import sys
from typing import Iterable

START = re.compile(r'K?TAP version \d+$')
END = re.compile(r'(List of all partitions:|Kernel panic - not syncing: VFS:|'
                 r'reboot: )')
# A report a test provokes on purpose, between these (workbench.kunit).
BEGIN_ANNOUNCED = 'KUNIT-EXPECT-REPORT-BEGIN:'
END_ANNOUNCED = 'KUNIT-EXPECT-REPORT-END'

RESULT = re.compile(r'(not )?ok \d+(\s|$)')
GRAMMAR = re.compile(r'(K?TAP version \d+|\d+\.\.\d+|(not )?ok \d+|#)(\s|$)')


def extract(lines: Iterable[str]) -> tuple[list[str], list[tuple[int, str]]]:
    """Return (kept, dropped): kept lines, dropped (number, line) pairs.

    Lines of a report a test announced are left out of both."""
    kept: list[str] = []
    dropped: list[tuple[int, str]] = []
    prefix: int | None = None
    continuing = False
    announced = False
    for n, raw in enumerate(lines, 1):
        line = raw.rstrip('\n').rstrip()
        if prefix is None:
            m = START.search(line)
            if m:
                prefix = m.start()
                kept.append(line[prefix:])
            continue
        if END.search(line):
            break
        body = line[prefix:]
        stripped = body.lstrip()
        if GRAMMAR.match(stripped):
            # KTAP is kept even inside an announced report, and a result
            # line ends it: a test that crashes there never prints the
            # end marker.
            kept.append(body)
            if RESULT.match(stripped):
                announced = False
            continuing = stripped.startswith('#') and not announced
        elif BEGIN_ANNOUNCED in line or announced:
            announced = END_ANNOUNCED not in line
            continuing = False
        elif continuing and body[:1].isspace():
            kept.append(body)
        else:
            dropped.append((n, line))
            continuing = False
    return kept, dropped


def main() -> int:
    args = sys.argv[1:]
    dropped_path = None
    if '--dropped' in args:
        i = args.index('--dropped')
        dropped_path = args[i + 1]
        del args[i:i + 2]
    if len(args) != 2:
        sys.exit('usage: python3 -m workbench.ktap CONSOLE KTAP [--dropped FILE]')
    with open(args[0], errors='replace') as f:
        kept, dropped = extract(f)
    with open(args[1], 'w') as f:
        f.write(''.join(l + '\n' for l in kept))
    if dropped_path:
        with open(dropped_path, 'w') as f:
            f.write(''.join(f'{n}: {l}\n' for n, l in dropped))
    if not kept:
        print(f'workbench.ktap: no "KTAP version" line in {args[0]}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
