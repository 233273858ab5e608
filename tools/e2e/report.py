#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Read the e2e console logs and print the tables.

report.py func --arch A --plan PLAN --stock LOG --patched LOG [--out F]
    test x (stock, patched): expected and observed.  Exit 1 when a row
    is not as expected, a test is missing, a boot did not finish, or the
    kernel log holds a report (WARNING, BUG, Oops, panic) no row expects.

report.py without --arch A --plan PLAN --drop "N..." --log LOG [--out F]
    test x the series less DROP: which rows do not observe what the
    series gives (the patched column).  Exit 0 when the boot finished.

report.py perf --arch A [--out F] ROUND:VARIANT=LOG...
    per memory and operation: median ns per page of stock and patched
    over the rounds, their ratio, and the range of the per-round ratios.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
from typing import Any

# The kernel reports that fail a test: the same list as for KUnit's logs.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from workbench.kunit import REPORT  # noqa: E402


Bench = tuple[str, str, float]


def parse(path: str) -> tuple[dict[str, str], dict[str, list[str]], list[str], bool, list[Bench]]:
    """{name: observed}, {name: [report lines]}, [problems outside tests], done, [BENCH]"""
    observed: dict[str, str] = {}
    reports: dict[str, list[str]] = {}
    outside: list[str] = []
    bench: list[Bench] = []
    current: str | None = None
    done = False
    try:
        lines = open(path, errors='replace').read().splitlines()
    except OSError:
        return observed, reports, ['(no console log: %s)' % path], False, bench
    for raw in lines:
        line = raw.strip('\r')
        # The console may glue our line to the tail of a kernel message.
        m = re.search(r'E2E-(BEGIN|RESULT|OUT|DONE|INIT)\b ?(\S*) ?(.*)$', line)
        if m:
            kind, name, rest = m.groups()
            if kind == 'BEGIN':
                current = name
                reports.setdefault(name, [])
            elif kind == 'RESULT':
                observed[name] = rest.strip()
                current = None
            elif kind == 'OUT':
                b = re.match(r'BENCH (\S+) (\S+) ([\d.]+)$', rest.strip())
                if b:
                    bench.append((b.group(1), b.group(2), float(b.group(3))))
            elif kind == 'DONE':
                done = True
            elif kind == 'INIT':
                # init could not set something up (a mount, the plan).
                outside.append('init: ' + (name + ' ' + rest).strip())
            continue
        if REPORT.search(line):
            if current:
                reports[current].append(line.strip())
            else:
                outside.append(line.strip())
    return observed, reports, outside, done, bench


def plan_rows(path: str) -> list[tuple[str, str, str]]:
    rows = []
    for line in open(path):
        f = line.split()
        if not f or f[0].startswith('#'):
            continue
        rows.append((f[0], f[1], f[2]))
    return rows


def emit(out: str | None, lines: list[str]) -> None:
    text = '\n'.join(lines) + '\n'
    sys.stdout.write(text)
    if out:
        with open(out, 'w') as f:
            f.write(text)


def emit_json(out: str | None, data: dict[str, Any]) -> None:
    """The rows as data beside the table (<table>.json), for the results
    model (tools/workbench) and make report."""
    if out:
        with open(os.path.splitext(out)[0] + '.json', 'w') as f:
            json.dump(data, f, indent=1)


def columns(head: tuple[str, str, str, str], table: list[tuple[str, str, str, str]],
            rule: int = 15) -> list[str]:
    """A four-column table: the first three padded, the last as it is."""
    w = [max(len(r[i]) for r in table + [head]) for i in range(3)]
    fmt = '%%-%ds  %%-%ds  %%-%ds  %%s' % tuple(w)
    return [fmt % head, fmt % tuple('-' * n for n in w + [rule])] + [fmt % r for r in table]


def func(args: argparse.Namespace) -> int:
    runs = {v: parse(p) for v, p in (('stock', args.stock), ('patched', args.patched))}
    rows = plan_rows(args.plan)
    good = bad = skipped = 0
    details: list[str] = []
    table: list[tuple[str, str, str, str]] = []
    records: list[dict[str, Any]] = []
    for name, exp_s, exp_p in rows:
        cells, ok, skip = [], True, None
        record: dict[str, Any] = {'name': name}
        for variant, exp in (('stock', exp_s), ('patched', exp_p)):
            obs, reps = runs[variant][0].get(name), runs[variant][1].get(name, [])
            if reps:
                details += ['    %s %s: %s' % (variant, name, r) for r in reps]
            if exp == 'notrun':
                # Not run on this kernel on purpose (it would crash it).
                cell_ok = (obs or '').startswith('skip:') and not reps
                skip = (obs or 'skip:missing')[5:]
                obs = 'not run'
            elif obs is not None and obs.startswith('skip:'):
                skip, cell_ok = obs[5:], not reps
            elif exp == 'oops':
                # The kernel is expected to report a bug in this test
                # (and the test to have got as far as to provoke it).
                cell_ok = bool(reps) and not (obs or 'setup:').startswith('setup:')
                obs = ('oops' if reps else 'no report') + ' (%s)' % (obs or 'missing')
            elif obs is None:
                obs, cell_ok = 'missing', False
            else:
                cell_ok = obs == exp and not reps
                if reps:
                    obs += ' +%d report(s)' % len(reps)
            ok = ok and cell_ok
            record[variant] = {'expected': exp, 'observed': obs, 'ok': cell_ok}
            cells.append('%s / %s%s' % (exp, obs, '' if cell_ok else ' (!)'))
        if not ok:
            verdict = 'NOT AS EXPECTED'
            bad += 1
            record['status'] = 'fail'
        elif skip is not None:
            verdict = 'skipped: ' + (skip or '(no reason given)')
            skipped += 1
            record.update(status='skip', reason=skip)
        else:
            verdict = 'as expected'
            good += 1
            record['status'] = 'pass'
        records.append(record)
        table.append((name, cells[0], cells[1], verdict))
    head = ('test', 'stock: expected / observed', 'patched: expected / observed', 'verdict')
    out = ['e2e %s: %s' % (args.arch, args.title)] + columns(head, table)
    problems = []
    for variant, run in runs.items():
        if not run[3]:
            problems.append('%s: the boot did not finish (no E2E-DONE)' % variant)
        if run[2]:
            problems.append('%s: %d kernel report or init line(s) outside any test' % (variant, len(run[2])))
            details += ['    %s: %s' % (variant, r) for r in run[2][:20]]
    out.append('')
    out.append('e2e %s: %d tests: %d as expected on both kernels, %d not, %d skipped'
               % (args.arch, len(rows), good, bad, skipped))
    out += problems
    # The same report for every page says nothing new after the first.
    seen, uniq = set(), []
    for d in details:
        key = re.sub(r'[0-9a-f]{6,}', '#', d)
        if key not in seen:
            seen.add(key)
            uniq.append(d)
    if len(uniq) < len(details):
        uniq.append('    (%d more like these)' % (len(details) - len(uniq)))
    details = uniq
    if details:
        out.append('kernel reports (first lines):')
        out += details[:12]
        if len(details) > 12:
            out.append("    ... %d more in the console logs" % (len(details) - 12))
    emit(args.out, out)
    emit_json(args.out, {'arch': args.arch, 'title': args.title, 'rows': records, 'problems': problems})
    return 1 if bad or problems else 0


def without(args: argparse.Namespace) -> int:
    """The rows that do not observe, without the patches in DROP, what
    the series gives: the rows those patches are needed for.  Exit 0
    when the boot finished, whatever the rows say (like "make without"
    for KUnit: failing rows are the point)."""
    observed, reports, outside, done, _ = parse(args.log)
    table, failing, skipped = [], 0, 0
    for name, _, exp_p in plan_rows(args.plan):
        obs = observed.get(name)
        reps = reports.get(name, [])
        if obs is None:
            verdict = 'missing'
            failing += 1
        elif obs.startswith('skip:'):
            verdict = 'skipped: ' + obs[5:]
            skipped += 1
        elif obs == exp_p and not reps:
            verdict = 'as with the series'
        else:
            verdict = 'FAILS without %s' % args.drop
            failing += 1
        if reps:
            obs = '%s +%d report(s)' % (obs, len(reps))
        table.append((name, exp_p, obs or 'missing', verdict))
    head = ('test', 'with the series', 'without ' + args.drop, 'verdict')
    out = ['e2e %s: base + series less %s ("without") against what the series gives'
           % (args.arch, args.drop)] + columns(head, table, 18)
    out.append('')
    out.append('e2e %s without %s: %d tests: %d fail without them, %d as with the series, %d skipped'
               % (args.arch, args.drop, len(table), failing, len(table) - failing - skipped, skipped))
    if not done:
        out.append('the boot did not finish (no E2E-DONE): see %s' % args.log)
    if outside:
        out.append('%d kernel report or init line(s) outside any test' % len(outside))
    emit(args.out, out)
    return 0 if done else 1


def perf(args: argparse.Namespace) -> int:
    per: dict[tuple[str, str], dict[str, dict[str, float]]] = {}  # (memory, op) -> {variant: {round: ns}}
    order: list[tuple[str, str]] = []
    rounds = {'stock': 0, 'patched': 0}
    problems: list[str] = []
    records: list[dict[str, Any]] = []
    for spec in args.logs:
        # ROUND:VARIANT=LOG
        tag, path = spec.split('=', 1)
        rnd, variant = tag.split(':', 1)
        observed, _, _, done, bench = parse(path)
        if not done or not bench or observed.get('bench') != 'ok':
            problems.append('%s round %s: no complete benchmark in %s' % (variant, rnd, path))
            continue
        rounds[variant] += 1
        for mem, op, ns in bench:
            key = (mem, op)
            if key not in per:
                per[key] = {'stock': {}, 'patched': {}}
                order.append(key)
            per[key][variant][rnd] = ns
    unit = ('guest ns per page = instructions per page (QEMU -icount shift=0)'
            if args.clock == 'icount' else 'wall-clock ns per page under TCG')
    out = ['e2e-perf %s: %s, gup_test get time, median over %d stock and %d patched boots'
           % (args.arch, unit, rounds['stock'], rounds['patched']),
           '%-6s %-20s %8s %8s %7s  %s' % ('memory', 'operation', 'stock', 'patched',
                                           'ratio', 'per-round ratios (min..max)'),
           '%s %s %s %s %s  %s' % ('-' * 6, '-' * 20, '-' * 8, '-' * 8, '-' * 7, '-' * 27)]
    for key in order:
        s, p = per[key]['stock'], per[key]['patched']
        if not s or not p:
            continue
        ms, mp = statistics.median(s.values()), statistics.median(p.values())
        # Each round's patched boot against the same round's stock boot.
        pairs = [p[r] / s[r] for r in s if r in p and s[r]]
        records.append({'memory': key[0], 'operation': key[1], 'stock': ms, 'patched': mp,
                        'ratio': mp / ms if ms else None,
                        'rounds': {r: {'stock': s[r], 'patched': p.get(r)} for r in sorted(s)}})
        out.append('%-6s %-20s %8.1f %8.1f %7.3f  %.3f..%.3f' % (
            key[0], key[1], ms, mp, mp / ms if ms else float('nan'),
            min(pairs) if pairs else float('nan'), max(pairs) if pairs else float('nan')))
    out += problems
    emit(args.out, out)
    emit_json(args.out, {'arch': args.arch, 'clock': args.clock, 'unit': unit,
                         'rows': records, 'problems': problems})
    return 1 if problems or not order else 0


RANK = {'pass': 2, 'skip': 1, 'fail': 0}


def cell(result: str, nreports: int) -> str:
    return result + (' +%d report(s)' % nreports if nreports else '')


def parse_vmtests(path: str) -> tuple[dict[str, str], dict[str, list[str]], bool]:
    """The tests of run_vmtests.sh in a console log, in order: {title:
    result}, {title: [kernel report lines]}, and whether the run finished."""
    tests: dict[str, str] = {}
    reps: dict[str, list[str]] = {}
    current: str | None = None
    done = False
    prev = ''
    try:
        lines = open(path, errors='replace').read().splitlines()
    except OSError:
        return tests, reps, False
    for raw in lines:
        line = raw.strip('\r')
        m = re.search(r'E2E-OUT kselftest:vm (.*)$', line)
        if m:
            out = m.group(1).strip()
            # run_test() prints its title between two rules as long as
            # the title ("running PKEY tests for ..." from a test itself
            # is no title).
            is_title = out.startswith('running ') and len(prev) == len(out)
            prev = out
            if is_title:
                current = out[len('running '):]
                tests[current] = 'missing'
                reps[current] = []
            elif out in ('[PASS]', '[FAIL]', '[SKIP]') and current:
                tests[current] = out[1:-1].lower()
                current = None
            continue
        if re.search(r'E2E-RESULT kselftest:vm ', line):
            done = True
            current = None
            continue
        if REPORT.search(line) and current:
            reps[current].append(line.strip())
    return tests, reps, done


def kselftest(args: argparse.Namespace) -> int:
    """The base's vm selftests, stock vs patched: a test fails the
    comparison when it does worse with the series (a lower result, or a
    kernel report that stock did not give); not ok on both is listed as
    a pre-existing failure, not counted as a pass."""
    runs = {v: parse_vmtests(p) for v, p in (('stock', args.stock), ('patched', args.patched))}
    names = list(runs['stock'][0]) + [n for n in runs['patched'][0] if n not in runs['stock'][0]]
    records: list[dict[str, Any]] = []
    table: list[tuple[str, str, str, str]] = []
    worse = same = better = pre = 0
    for n in names:
        cells = {}
        for v in ('stock', 'patched'):
            cells[v] = (runs[v][0].get(n, 'missing'), len(runs[v][1].get(n, [])))
        (rs, ks), (rp, kp) = cells['stock'], cells['patched']
        score_s = RANK.get(rs, -1) - (1 if ks else 0) * 0.5
        score_p = RANK.get(rp, -1) - (1 if kp else 0) * 0.5
        if score_p < score_s:
            status, verdict = 'fail', 'WORSE with the series'
            worse += 1
        elif rs == rp == 'pass' and not ks and not kp:
            status, verdict = 'pass', 'same'
            same += 1
        elif score_p > score_s:
            status, verdict = 'pass', 'better with the series'
            better += 1
        else:
            status = 'skip'
            verdict = ('skipped on both' if rs == rp == 'skip' and not ks and not kp
                       else 'pre-existing: not ok on both kernels')
            pre += 1
        table.append((n, cell(rs, ks), cell(rp, kp), verdict))
        records.append({'name': n, 'status': status, 'reason': verdict,
                        'stock': {'expected': 'as stock', 'observed': cell(rs, ks), 'ok': True},
                        'patched': {'expected': 'not worse', 'observed': cell(rp, kp), 'ok': status != 'fail'}})
    head = ('test (run_vmtests.sh)', 'stock', 'patched', 'verdict')
    out = ['kselftest %s: the base\'s tools/testing/selftests/vm, run_vmtests.sh, stock vs patched (lean kernels)'
           % args.arch] + columns(head, table, 7)
    problems = ['%s: run_vmtests.sh did not finish (no result line)' % v
                for v, r in runs.items() if not r[2]]
    if not names:
        problems.append('no test of run_vmtests.sh found in the console logs')
    out += ['', 'kselftest %s: %d tests: %d same, %d better, %d WORSE with the series, '
            '%d not ok or skipped on both' % (args.arch, len(names), same, better, worse, pre)]
    out += problems
    emit(args.out, out)
    emit_json(args.out, {'arch': args.arch, 'title': 'kselftest vm, stock vs patched', 'rows': records,
                         'problems': problems})
    return 1 if worse or problems else 0


METRIC = re.compile(r'stress-ng: metrc: \[\d+\] (\S+)\s+(\d+)\s+([\d.]+)\s')


def soak(args: argparse.Namespace) -> int:
    """make soak: each stressor's result, bogo ops and the kernel reports
    while it ran, on the patched test kernel.  Fails on a stressor that
    did not end "ok" or "skip:", on any kernel report, and when the boot
    did not finish."""
    observed, reports, outside, done, _ = parse(args.log)
    bogo: dict[str, str] = {}
    # stress-ng's own "fail:" lines: a stressor may print them and still
    # end "successful run completed" (vm-rw without process_vm_readv()).
    fails: dict[str, int] = {}
    for line in open(args.log, errors='replace').read().splitlines() if os.path.exists(args.log) else []:
        m = re.search(r'E2E-OUT (soak:\S+) ', line)
        mm = METRIC.search(line)
        if mm and m:
            bogo[m.group(1)] = '%s bogo ops in %s s' % (mm.group(2), mm.group(3))
        if m and re.search(r'stress-ng: fail: ', line):
            fails[m.group(1)] = fails.get(m.group(1), 0) + 1
    records: list[dict[str, Any]] = []
    table: list[tuple[str, str, str, str]] = []
    bad = skipped = good = known = 0
    for name, obs in observed.items():
        reps = reports.get(name, [])
        if obs.startswith('skip:'):
            status, verdict = 'skip', obs[5:]
            skipped += 1
        elif obs == 'ok' and not reps and not fails.get(name):
            status, verdict = 'pass', 'ok'
            good += 1
        elif obs.startswith('known:') and not reps:
            # A leak soak.sh recognised as upstream's, outside the
            # series: shown as such in the table, not as "ok".
            status, verdict = 'pass', 'known upstream: ' + obs[6:]
            known += 1
        else:
            status, verdict = 'fail', 'FAILED' + (' (%d kernel report(s))' % len(reps) if reps else '') + \
                (" (%d of stress-ng's fail: lines)" % fails[name] if fails.get(name) else '')
            bad += 1
        shown = 'known' if status == 'pass' and obs.startswith('known:') else cell(obs, len(reps))
        table.append((name, shown, bogo.get(name, '-'), verdict))
        records.append({'name': name, 'status': status, 'reason': verdict, 'bogo': bogo.get(name),
                        'reports': reps[:5],
                        'stock': {'expected': 'not run', 'observed': 'not run', 'ok': True},
                        'patched': {'expected': 'ok', 'observed': cell(obs, len(reps)),
                                    'ok': status != 'fail'}})
    head = ('stressor', 'result', 'bogo ops', 'verdict')
    out = ['soak %s: stress-ng and gupstress on the patched soak kernel (the test kernel: KASAN, lockdep,'
           ' DEBUG_VM; plus /proc/sys and VM event counters; kmemleak and DEBUG_PAGEALLOC on)' % args.arch]
    out += columns(head, table, 7)
    problems = [] if done else ['the boot did not finish (no E2E-DONE)']
    if outside:
        problems.append('%d kernel report or init line(s) outside any stressor' % len(outside))
    out += ['', 'soak %s: %d stressors: %d ok, %d known upstream (not the series), %d FAILED, %d skipped'
            % (args.arch, len(table), good, known, bad, skipped)]
    out += problems
    for r in records:
        out += ['    %s: %s' % (r['name'], x) for x in r['reports']]
    out += ['    outside: %s' % x for x in outside[:10]]
    emit(args.out, out)
    emit_json(args.out, {'arch': args.arch, 'title': 'stress-ng soak, patched soak kernel', 'rows': records,
                         'problems': problems})
    return 1 if bad or problems else 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument('mode', choices=['func', 'perf', 'without', 'kselftest', 'soak'])
    ap.add_argument('--arch', required=True)
    ap.add_argument('--plan')
    ap.add_argument('--stock')
    ap.add_argument('--patched')
    ap.add_argument('--out')
    ap.add_argument('--clock', default='icount')
    ap.add_argument('--log')
    ap.add_argument('--title', default='stock = base + the gup_test patch; patched = base + series')
    ap.add_argument('--drop')
    ap.add_argument('logs', nargs='*')
    args = ap.parse_intermixed_args()
    return {'func': func, 'perf': perf, 'without': without, 'kselftest': kselftest,
            'soak': soak}[args.mode](args)


if __name__ == '__main__':
    sys.exit(main())
