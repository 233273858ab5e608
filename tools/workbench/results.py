# SPDX-License-Identifier: GPL-2.0
"""One results model for make test.

Every step of make test (a line of results/stages.tsv) becomes a Step with
the items it checked: the KUnit cases of an arch, the e2e rows, the walk's
steps (one per patch), the quality gates, the driver files of the compile
test, the patches checkpatch read.  Each item passed, failed or was
skipped (with its reason).  The closing count is the sum over the items:

  passed  = items that passed (a step without items counts as one item)
  failed  = items that failed, plus one for every failed step none of
            whose items failed (a boot that did not finish, a kernel
            report outside every test, a build that left no results)

so a failed step can never give "0 failed".  Skips are counted apart and
never as passes.

Written to the results directory: steps/<step>.json (one record per
step), summary.json, junit.xml (one <testsuite> per step) and KTAP
(e2e-<arch>.ktap per e2e step, gates.ktap for the gates and the walk).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Iterable, Iterator

PASS, FAIL, SKIP = 'pass', 'fail', 'skip'


@dataclass
class Item:
    """One thing a step checked."""
    name: str
    status: str
    detail: str = ''


@dataclass
class Step:
    """One line of stages.tsv and the items behind it."""
    name: str
    status: str
    seconds: int
    how: str
    log: str = ''
    items: list[Item] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.name.split()[0]

    @property
    def arch(self) -> str | None:
        words = self.name.split()
        return words[1] if len(words) > 1 and words[1] in ARCHES else None

    @property
    def reused(self) -> bool:
        return self.how.startswith('reused')

    def counts(self) -> dict[str, int]:
        c = {PASS: 0, FAIL: 0, SKIP: 0}
        for it in self.items:
            c[it.status] += 1
        if not self.items:
            c[PASS if self.status == PASS else FAIL] += 1
        elif self.status != PASS and c[FAIL] == 0:
            # The step failed for a reason no item carries.
            c[FAIL] += 1
        return c

    def record(self) -> dict[str, Any]:
        d = asdict(self)
        d.update(kind=self.kind, arch=self.arch, reused=self.reused, counts=self.counts())
        return d


ARCHES = ('x86_64', 'arm64', 's390')


def read_lines(path: str) -> list[str] | None:
    try:
        with open(path, errors='replace') as f:
            return f.read().splitlines()
    except OSError:
        return None


def matching(path: str, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
    """The matches of pattern at the start of the lines of path (none if
    it cannot be read)."""
    for line in read_lines(path) or []:
        m = pattern.match(line)
        if m:
            yield m


def parser(description: str) -> argparse.ArgumentParser:
    """The command line every workbench tool starts from: the results
    directory of a make test and the cache directory."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument('results', help='the results directory (stages.tsv and what the steps wrote)')
    ap.add_argument('--cache-dir', required=True, help='the cache directory (check-<arch>.txt, e2e/)')
    return ap


def tsv_rows(path: str) -> list[list[str]]:
    try:
        with open(path, newline='') as f:
            return [r for r in csv.reader(f, delimiter='\t')
                    if r and not r[0].startswith('#')]
    except OSError:
        return []


# --- readers, one per kind of step ------------------------------------------

def _leaves(group: dict[str, Any], prefix: str) -> Iterator[tuple[str, str]]:
    for case in group.get('test_cases', []):
        yield prefix + case['name'], case['status']
    for sub in group.get('sub_groups', []):
        yield from _leaves(sub, prefix + sub['name'] + '.')


KUNIT_STATUS = {'PASS': PASS, 'SKIP': SKIP}


def kunit_items(res: str, arch: str) -> tuple[list[Item], list[str]]:
    """Per case, named from kunit.py's --json where its counts agree with
    the per-suite TSV that tools/results.py checked against the kernel's
    own totals; the TSV's counts decide."""
    tsv = os.path.join(res, f'{arch}.tsv')
    jpath = os.path.join(res, f'kunit-{arch}.json')
    named: dict[str, list[tuple[str, str]]] = {}
    try:
        with open(jpath) as fh:
            root = json.load(fh)
        for sub in root.get('sub_groups', []):
            named[sub['name']] = list(_leaves(sub, sub['name'] + '.'))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    items: list[Item] = []
    for r in tsv_rows(tsv):
        suite, p, f, s = r[1], int(r[2]), int(r[3]), int(r[4])
        cases = [(n, KUNIT_STATUS.get(st, FAIL)) for n, st in named.get(suite, [])]
        if [st for _, st in cases].count(PASS) == p and \
           [st for _, st in cases].count(SKIP) == s and len(cases) == p + f + s:
            items += [Item(n, st) for n, st in cases]
        else:
            items += [Item(f'{suite}.case{i + 1}', PASS) for i in range(p)]
            items += [Item(f'{suite}.failed{i + 1}', FAIL, 'see the KUnit log')
                      for i in range(f)]
            items += [Item(f'{suite}.skipped{i + 1}', SKIP, 'see the KUnit log')
                      for i in range(s)]
    return items, [tsv, jpath]


def e2e_items(path: str) -> list[Item]:
    """The rows report.py func wrote beside its table (<table>.json)."""
    try:
        with open(path) as f:
            rows = json.load(f).get('rows', [])
    except (OSError, ValueError):
        return []
    out = []
    for r in rows:
        cells = '; '.join(f"{k}: expected {r[k]['expected']}, observed {r[k]['observed']}"
                          for k in ('stock', 'patched'))
        detail = r.get('reason', '') if r['status'] == SKIP else cells
        out.append(Item(r['name'], r['status'], detail))
    return out


WALK_LINE = re.compile(
    r'^\s+(\d+) (.*?)\s+(ok|FAILED \([^)]*\))\s+'
    r'(?:kernel\s+(\d+)s, (?:\s*(\d+) driver files\s+(\d+)s|\s*\d+ driver files as before'
    r'|driver files not tried)'
    r'|reused: .* built in (\d+)s \+ (\d+)s)')


def walk_items(log: str) -> list[Item]:
    """One item per patch from the walk's lines; detail holds the build
    seconds (kernel + driver files) that the report plots."""
    items = []
    for m in matching(log, WALK_LINE):
        n, subject, status = int(m.group(1)), m.group(2), m.group(3)
        if m.group(7) is not None:
            k, d, how = int(m.group(7)), int(m.group(8)), 'reused'
        else:
            k, d, how = int(m.group(4)), int(m.group(6) or 0), 'built'
        items.append(Item(f'{n:02d} {subject}', PASS if status == 'ok' else FAIL,
                          f'{how}: kernel {k} s, driver files {d} s'
                          if status == 'ok' else status))
    return items


GATE_LINE = re.compile(r'^  (checkpatch|W=1|sparse|coccinelle|bisect)\s+(not run|\S+)\s+(.*)$')


def gate_items(table: str) -> list[Item]:
    return [Item(m.group(1), {'pass': PASS, 'not run': SKIP}.get(m.group(2), FAIL), m.group(3))
            for m in matching(table, GATE_LINE)]


def compile_test_items(tsv: str) -> list[Item]:
    items = []
    for r in tsv_rows(tsv):
        what = r[1] if len(r) > 1 else ''
        # "built, with warnings" fails the compile test, as it does there.
        st = PASS if what == 'built' else SKIP if what.startswith('not buildable') else FAIL
        items.append(Item(r[0], st, what))
    return sorted(items, key=lambda i: i.name)


CHECKPATCH_LINE = re.compile(r'^    (\d{4}-\S+\.patch)\s+(\d+) errors, (\d+) warnings, (\d+) checks(.*)$')


def checkpatch_items(log: str) -> list[Item]:
    return [Item(m.group(1), FAIL if sum(int(m.group(i)) for i in (2, 3, 4)) else PASS,
                 m.string.split(m.group(1), 1)[1].strip())
            for m in matching(log, CHECKPATCH_LINE)]


UNITTEST_LINE = re.compile(r'^\s*(test_\w+) \(([\w.]+)\)( \.\.\. (ok|FAIL|ERROR|skipped ?(.*)))?$')
UNITTEST_RESULT = re.compile(r'.* \.\.\. (ok|FAIL|ERROR|skipped ?(.*))$')
TOY_LINE = re.compile(r'^\s*(yes|no) +(.+?)(?: +exit \d+ .*)?$')
SELFTEST_LINE = re.compile(r'^\s*selftest: (mypy|shellcheck|config fragments): (pass|FAIL)$')


def _unit_status(word: str, reason: str | None) -> tuple[str, str]:
    return (PASS, '') if word == 'ok' else (SKIP, reason or '') if word.startswith('skipped') \
        else (FAIL, word)


def selftest_items(log: str) -> list[Item]:
    """The unit tests (unittest -v: "test_x (module.Class.test_x) ... ok",
    the result on a later line when the test has a docstring), mypy,
    shellcheck, and the toy-tree checks of bad-input.sh and resend.sh
    ("yes  what" / "no   what")."""
    items = []
    section = ''
    pending: str | None = None
    for line in read_lines(log) or []:
        if line.startswith('==> ') and 'selftest: ' in line:
            section = ('bad input' if 'bad input' in line else 'resend' if 'resend' in line else '')
            pending = None
            continue
        m = UNITTEST_LINE.match(line)
        if m:
            where = m.group(2).split('.')
            cls = where[-2] if where[-1] == m.group(1) and len(where) > 1 else where[-1]
            name = f'unit: {cls}.{m.group(1)}'
            if m.group(4):
                items.append(Item(name, *_unit_status(m.group(4), m.group(5))))
            else:
                pending = name
            continue
        m = UNITTEST_RESULT.match(line)
        if m and pending:
            items.append(Item(pending, *_unit_status(m.group(1), m.group(2))))
            pending = None
            continue
        m = SELFTEST_LINE.match(line)
        if m:
            items.append(Item(m.group(1), PASS if m.group(2) == 'pass' else FAIL))
            continue
        m = TOY_LINE.match(line)
        if m and section:
            items.append(Item(f'{section}: {m.group(2)}', PASS if m.group(1) == 'yes' else FAIL))
    return items


# Where each kind of step leaves its rows, and how to read them:
# (path of the step, its results dir and the cache dir) -> file, parser.
StepSource = tuple[Callable[['Step', str, str], str], Callable[[str], list[Item]]]
STEP_SOURCES: dict[str, StepSource] = {
    'e2e': (lambda st, res, cache: os.path.join(res, f'e2e-{st.arch}.json'), e2e_items),
    'upstream': (lambda st, res, cache: os.path.join(res, 'e2e-upstream-x86_64.json'), e2e_items),
    'clients': (lambda st, res, cache: os.path.join(res, f'e2e-clients-{st.arch}.json'), e2e_items),
    'walk': (lambda st, res, cache: st.log, walk_items),
    'check': (lambda st, res, cache: os.path.join(cache, f'check-{st.arch}.txt'), gate_items),
    'compile-test': (lambda st, res, cache: os.path.join(res, f'ct-{st.arch}.tsv'), compile_test_items),
    'selftest': (lambda st, res, cache: st.log, selftest_items),
    'checkpatch': (lambda st, res, cache: st.log, checkpatch_items),
}
# The kinds whose rows do not depend on an arch.
ARCHLESS = {'upstream', 'walk', 'selftest', 'checkpatch'}


def steps_of(res: str, cache: str) -> list[Step]:
    steps = []
    for r in tsv_rows(os.path.join(res, 'stages.tsv')):
        name, status, secs, how = r[0], r[1].lower(), int(r[2]), r[3] if len(r) > 3 else ''
        st = Step(name, PASS if status == PASS else FAIL, secs, how,
                  log=os.path.join(res, 'logs', name.replace(' ', '-') + '.log'))
        a = st.arch
        if st.kind == 'kunit' and a:
            st.items, st.sources = kunit_items(res, a)
        elif st.kind in STEP_SOURCES and (a or st.kind in ARCHLESS):
            where, parse = STEP_SOURCES[st.kind]
            st.sources = [where(st, res, cache)]
            st.items = parse(st.sources[0])
        steps.append(st)
    return steps


def kunit_arches(steps: Iterable[Step]) -> list[str]:
    """The arches whose KUnit ran in this make test, in ARCHES' order."""
    ran = {s.arch for s in steps if s.kind == 'kunit'}
    return [a for a in ARCHES if a in ran]


# --- writers ----------------------------------------------------------------

def totals(steps: Iterable[Step]) -> dict[str, int]:
    t = {PASS: 0, FAIL: 0, SKIP: 0}
    for s in steps:
        for k, v in s.counts().items():
            t[k] += v
    return t


def junit(steps: list[Step]) -> ET.ElementTree:
    t = totals(steps)
    root = ET.Element('testsuites', name='make test', tests=str(sum(t.values())),
                      failures=str(t[FAIL]), skipped=str(t[SKIP]),
                      time=str(sum(s.seconds for s in steps)))
    for s in steps:
        c = s.counts()
        ts = ET.SubElement(root, 'testsuite', name=s.name, tests=str(sum(c.values())),
                           failures=str(c[FAIL]), skipped=str(c[SKIP]), time=str(s.seconds))
        props = ET.SubElement(ts, 'properties')
        ET.SubElement(props, 'property', name='how', value=s.how)
        ET.SubElement(props, 'property', name='log', value=s.log)
        items = s.items or [Item(s.name, s.status, s.how)]
        for it in items:
            tc = ET.SubElement(ts, 'testcase', classname=s.name, name=it.name)
            if it.status == FAIL:
                ET.SubElement(tc, 'failure', message=it.detail or 'failed')
            elif it.status == SKIP:
                ET.SubElement(tc, 'skipped', message=it.detail)
        if s.items and s.status != PASS and not any(i.status == FAIL for i in s.items):
            tc = ET.SubElement(ts, 'testcase', classname=s.name, name='(the step itself)')
            ET.SubElement(tc, 'failure', message=f'the step failed: see {s.log}')
    ET.indent(root)
    return ET.ElementTree(root)


def _ktap_desc(s: str) -> str:
    # A KTAP description may not hold '#' (it starts a directive).
    return re.sub(r'\s+', ' ', s.replace('#', '-')).strip()


def ktap(title: str, steps: list[Step]) -> str:
    """KTAP version 1: a subtest per step, a result line per item."""
    out = ['KTAP version 1', f'# {title}', f'1..{len(steps)}']
    for n, s in enumerate(steps, 1):
        items = s.items or [Item(s.name, s.status, s.how)]
        out += ['    KTAP version 1', f'    # Subtest: {_ktap_desc(s.name)}',
                f'    1..{len(items)}']
        for i, it in enumerate(items, 1):
            line = f"    {'not ok' if it.status == FAIL else 'ok'} {i} {_ktap_desc(it.name)}"
            if it.status == SKIP:
                line += f' # SKIP {_ktap_desc(it.detail)}'
            out.append(line)
        c = s.counts()
        out.append(f"{'not ok' if c[FAIL] else 'ok'} {n} {_ktap_desc(s.name)}")
    return '\n'.join(out) + '\n'


def write_all(res: str, steps: list[Step], failures: list[str]) -> dict[str, int]:
    os.makedirs(os.path.join(res, 'steps'), exist_ok=True)
    for s in steps:
        with open(os.path.join(res, 'steps', s.name.replace(' ', '-') + '.json'), 'w') as f:
            json.dump(s.record(), f, indent=1)
    t = totals(steps)
    t0 = os.environ.get('GUP_T0', '')
    summary = dict(passed=t[PASS], failed=t[FAIL], skipped=t[SKIP], failures=failures,
                   finished=time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime()),
                   wall_seconds=int(time.time()) - int(t0) if t0.isdigit() else None,
                   steps=[{k: v for k, v in s.record().items() if k != 'items'} for s in steps])
    with open(os.path.join(res, 'summary.json'), 'w') as f:
        json.dump(summary, f, indent=1)
    junit(steps).write(os.path.join(res, 'junit.xml'), encoding='utf-8', xml_declaration=True)
    for s in steps:
        if s.kind in ('e2e', 'upstream', 'clients'):
            with open(os.path.join(res, f"{s.name.replace(' ', '-')}.ktap"), 'w') as f:
                f.write(ktap(f'make test: {s.name}, one result per row (stock and patched as expected)', [s]))
    gates = [s for s in steps if s.kind in ('walk', 'check', 'checkpatch', 'compile-test')]
    with open(os.path.join(res, 'gates.ktap'), 'w') as f:
        f.write(ktap('make test: the walk, the quality gates, checkpatch, the compile test', gates))
    return t


def main(argv: list[str] | None = None) -> int:
    ap = parser(__doc__.split('\n')[0])
    ap.add_argument('--failure', action='append', default=[], help="a step's failure, for the summary")
    ap.add_argument('--table', action='store_true', help='print the steps table with their counts')
    a = ap.parse_args(argv)
    steps = steps_of(a.results, a.cache_dir)
    t = write_all(a.results, steps, a.failure)
    if a.table:
        print(f"    {'step':<22} {'passed':>7} {'failed':>7} {'skipped':>8}")
        for s in steps:
            c = s.counts()
            print(f'    {s.name:<22} {c[PASS]:>7} {c[FAIL]:>7} {c[SKIP]:>8}')
        print(f"    {'all':<22} {t[PASS]:>7} {t[FAIL]:>7} {t[SKIP]:>8}")
    print(f'{t[PASS]} passed, {t[FAIL]} failed')
    return 1 if t[FAIL] else 0


if __name__ == '__main__':
    sys.exit(main())
