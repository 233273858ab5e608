# SPDX-License-Identifier: GPL-2.0
"""Read one kunit.py run: its --json results and its kernel log.

    python3 -m workbench.kunit --arch A --json J --log L --suites S --tsv T [--dropped D]

Writes one TSV row per suite (arch, suite, passed, failed, skipped) to the
file named by --tsv and prints a short per-arch report.  Exits non-zero if
a case failed or crashed, an expected suite is missing, or the kernel log
holds a report (WARNING, BUG, KASAN, lockdep, Oops, panic, UBSAN) that no
test announced beforehand.

A test that provokes a report on purpose brackets it with two log lines:
    KUNIT-EXPECT-REPORT-BEGIN: <why>
    KUNIT-EXPECT-REPORT-END
and reports in between are allowed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
from typing import Any, Iterator

REPORT = re.compile(r'(WARNING:|BUG:|kernel BUG at|Oops|Kernel panic|UBSAN:|'
                    r'INFO: possible|general protection fault|'
                    r'Unable to handle kernel|KASAN:)')
BEGIN = 'KUNIT-EXPECT-REPORT-BEGIN:'
TOTALS = re.compile(r'^# Totals: pass:(\d+) fail:(\d+) skip:(\d+) total:(\d+)')
SUITE_END = re.compile(r'^(?:not )?ok \d+ (\S+)')
END = 'KUNIT-EXPECT-REPORT-END'
RESULT = re.compile(r'(not )?ok \d+(\s|$)')


def leaves(group: dict[str, Any]) -> Iterator[str]:
    """Yield the status of every leaf case (each parameter counts)."""
    for case in group.get('test_cases', []):
        yield case['status']
    for sub in group.get('sub_groups', []):
        yield from leaves(sub)


def suites(root: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Top-level groups are suites; kunit.py nests them one level down."""
    for sub in root.get('sub_groups', []):
        yield sub['name'], sub


def scan_log(path: str) -> tuple[list[str], int]:
    unexpected: list[str] = []
    expected = 0
    announced = False
    try:
        lines = open(path, errors='replace').read().splitlines()
    except OSError as e:
        return [f'cannot read kernel log: {e}'], 0
    for line in lines:
        if BEGIN in line:
            announced = True
            continue
        if END in line:
            announced = False
            continue
        # A result line ends an announced report too: a case that
        # crashed inside one never printed the end marker.
        if RESULT.match(line.strip()):
            announced = False
        if REPORT.search(line):
            if announced:
                expected += 1
            else:
                unexpected.append(line.strip())
    return unexpected, expected


def kernel_totals(path: str) -> dict[str, tuple[int, ...]]:
    """The kernel's own per-suite counts: '# Totals:' before 'ok N suite'."""
    totals: dict[str, tuple[int, ...]] = {}
    last: tuple[int, ...] | None = None
    try:
        lines = open(path, errors='replace').read().splitlines()
    except OSError:
        return totals
    for line in lines:
        m = TOTALS.match(line)
        if m:
            last = tuple(int(x) for x in m.groups()[:3])
            continue
        m = SUITE_END.match(line)
        if m and last:
            totals[m.group(1)] = last
            last = None
    return totals


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument('--arch', required=True)
    ap.add_argument('--json', required=True)
    ap.add_argument('--log', required=True)
    ap.add_argument('--suites', required=True, help='file: expected suites')
    ap.add_argument('--tsv', required=True)
    ap.add_argument('--dropped', help='file: console lines workbench.ktap left out')
    a = ap.parse_args()

    problems = []
    rows = []
    try:
        root = json.load(open(a.json))
    except (OSError, ValueError) as e:
        root = {}
        problems.append(f'no KUnit results ({e}): the build or the boot failed')
        try:
            os.remove(os.path.join(os.path.dirname(a.tsv) or '.', f'kunit-{a.arch}.json'))
        except OSError:
            pass
    else:
        # kunit.py's own --json (KernelCI's format), kept per arch beside
        # the TSV: the next arch's run or the next boot would replace it.
        shutil.copyfile(a.json, os.path.join(os.path.dirname(a.tsv) or '.',
                                             f'kunit-{a.arch}.json'))

    seen = set()
    parse_failed = False
    ktotals = kernel_totals(a.log)
    for name, group in suites(root):
        st = list(leaves(group))
        passed = st.count('PASS')
        skipped = st.count('SKIP')
        failed = len(st) - passed - skipped
        rows.append((a.arch, name, passed, failed, skipped))
        seen.add(name)
        if failed:
            problems.append(f'{name}: {failed} case(s) failed or crashed')
        if not st:
            problems.append(f'{name}: no cases ran')
        # A skip kunit.py cannot see (6.1 prints no SKIP directive for
        # parameters unless the series' KUnit fix is in) must not pass.
        k = ktotals.get(name)
        if k and k != (passed, failed, skipped):
            problems.append(f'{name}: the PARSE FAILED, not necessarily the cases: '
                            f'kunit.py counts {passed}/{failed}/{skipped} '
                            f'(passed/failed/skipped), the kernel\'s own "# Totals:" '
                            f'line {k[0]}/{k[1]}/{k[2]}')
            parse_failed = True

    expected = [l.split('#')[0].strip() for l in open(a.suites)]
    for name in filter(None, expected):
        if name not in seen:
            rows.append((a.arch, name, 0, 1, 0))
            problems.append(f'{name}: suite missing from the results')

    for name in sorted(set(ktotals) - seen):
        k = ktotals[name]
        problems.append(f'{name}: the PARSE FAILED: the kernel reports this suite '
                        f'({k[0]}/{k[1]}/{k[2]} passed/failed/skipped), kunit.py does not')
        parse_failed = True
    if parse_failed:
        try:
            dropped = open(a.dropped).read().splitlines() if a.dropped else []
        except OSError:
            dropped = []
        if dropped:
            problems.append('console lines inside the KTAP output that were not KTAP '
                            f'(line: text), {len(dropped)} in all:')
            problems.extend(f'    {l}' for l in dropped[:5])
        else:
            problems.append(f'no foreign line inside the KTAP output: compare {a.log} '
                            'with kunit.py\'s output above')

    unexpected, allowed = scan_log(a.log)
    for line in unexpected[:10]:
        problems.append(f'kernel log: {line}')
    if len(unexpected) > 10:
        problems.append(f'kernel log: ... {len(unexpected) - 10} more reports')

    with open(a.tsv, 'w') as f:
        for r in rows:
            f.write('\t'.join(map(str, r)) + '\n')
        f.write(f'#log\t{a.arch}\t{len(unexpected)}\t{allowed}\n')

    for r in rows:
        print(f'    {r[1]:<28} {r[2]:>4} passed {r[3]:>4} failed {r[4]:>4} skipped')
    if allowed:
        print(f'    kernel log: {allowed} announced report line(s), allowed')
    for p in problems:
        print(f'    FAIL: {p}')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
