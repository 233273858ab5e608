# SPDX-License-Identifier: GPL-2.0
"""make report: the results of the last make test as one static HTML page.

Reads what make test left in the results directory (the same records as
the closing count, tools/workbench/results.py) and writes
<results>/report/index.html with its pictures beside it: the steps with
their times and counts, KUnit arch x suite, the e2e rows per arch, the
gates, a plot of the walk's build time per patch and, when make e2e-perf
has run, a plot of its per-round patched/stock ratios per row.  No
server: open the file.
"""

from __future__ import annotations

import html
import json
import os
import sys
from typing import Any

from workbench.results import ARCHES, FAIL, PASS, SKIP, Step, kunit_arches, parser, steps_of, totals, tsv_rows


def esc(s: object) -> str:
    return html.escape(str(s))


def table(head: list[str], rows: list[list[str]], cls: list[str] | None = None) -> str:
    """rows hold HTML already escaped; cls gives each row's class."""
    out = ['<table><thead><tr>' + ''.join(f'<th>{esc(h)}</th>' for h in head) + '</tr></thead><tbody>']
    for i, r in enumerate(rows):
        c = f' class="{cls[i]}"' if cls and cls[i] else ''
        out.append(f'<tr{c}>' + ''.join(f'<td>{x}</td>' for x in r) + '</tr>')
    out.append('</tbody></table>')
    return '\n'.join(out)


def status_cell(st: str) -> str:
    return f'<span class="{st}">{ {PASS: "pass", FAIL: "FAIL", SKIP: "skip"}.get(st, esc(st)) }</span>'


def mmss(secs: int) -> str:
    return f'{secs // 60}m{secs % 60:02d}s'


def pyplot() -> Any:
    """matplotlib's pyplot, drawing to files (Debian's python3-matplotlib)."""
    import matplotlib  # type: ignore[import]
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt  # type: ignore[import]
    return plt


def plot_walk(steps: list[Step], outdir: str) -> list[str]:
    """A bar chart per walk: kernel and driver-file seconds per patch."""
    plt = pyplot()
    files = []
    for s in steps:
        if s.kind != 'walk' or not s.items:
            continue
        n, kern, drv, reused, failed = [], [], [], [], []
        for it in s.items:
            n.append(int(it.name.split()[0]))
            k = d = 0
            if it.status == PASS:
                # "built: kernel K s, driver files D s" or "reused: ..."
                parts = it.detail.split()
                k, d = int(parts[2]), int(parts[6])
            else:
                failed.append(n[-1])
            kern.append(k)
            drv.append(d)
            reused.append(it.detail.startswith('reused'))
        fig, ax = plt.subplots(figsize=(13, 3.6), dpi=100)
        for was_reused, alpha, label in ((False, 1.0, 'built in this run'),
                                         (True, 0.45, 'reused (its recorded time)')):
            sel = [i for i, r in enumerate(reused) if r == was_reused]
            if not sel:
                continue
            ax.bar([n[i] for i in sel], [kern[i] for i in sel], color='#4878a8', alpha=alpha,
                   label=f'test kernel, {label}')
            ax.bar([n[i] for i in sel], [drv[i] for i in sel], bottom=[kern[i] for i in sel],
                   color='#e8a040', alpha=alpha, label=f'driver files, {label}')
        top = max([k + d for k, d in zip(kern, drv)] + [1])
        if failed:
            ax.scatter(failed, [top * 0.05] * len(failed), marker='x', color='#c03030', s=80,
                       zorder=5, label='did not build')
        ax.set_xlabel('patch')
        ax.set_ylabel('seconds to build (when last built)')
        ax.set_title(f'{s.name}: build time after each patch ({len(n)} steps)')
        ax.set_xlim(0.3, max(n) + 0.7)
        ax.legend(loc='upper left', bbox_to_anchor=(1.01, 1.0), fontsize='small')
        ax.grid(axis='y', alpha=0.3)
        fig.tight_layout()
        f = f"{s.name.replace(' ', '-')}.png"
        fig.savefig(os.path.join(outdir, f))
        plt.close(fig)
        files.append(f)
    return files


def plot_perf(perf: dict[str, Any], outdir: str) -> str:
    """Per row, each round's patched/stock ratio, with the 1.02 target."""
    plt = pyplot()
    rows = perf['rows']
    fig, ax = plt.subplots(figsize=(11, 0.42 * len(rows) + 1.6), dpi=100)
    labels = []
    for y, r in enumerate(rows):
        ratios = [v['patched'] / v['stock'] for v in r['rounds'].values()
                  if v.get('patched') and v.get('stock')]
        ax.scatter(ratios, [y] * len(ratios), color='#4878a8', s=18, zorder=3,
                   label='one round' if y == 0 else None)
        if r.get('ratio'):
            ax.scatter([r['ratio']], [y], color='#202020', marker='|', s=300, zorder=4,
                       label='ratio of the medians' if y == 0 else None)
        labels.append(f"{r['memory']} {r['operation']}")
    ax.axvline(1.0, color='#808080', lw=1)
    ax.axvline(1.02, color='#c03030', lw=1, ls='--', label='target 1.02')
    ax.set_yticks(range(len(rows)), labels)
    ax.invert_yaxis()
    ax.set_xlabel(f"patched / stock ({perf.get('unit', '')})")
    ax.set_title(f"make e2e-perf ARCH={perf.get('arch')}: GUP-fast cost per row and round")
    ax.legend(loc='lower right', fontsize='small')
    ax.grid(axis='x', alpha=0.3)
    fig.tight_layout()
    f = f"e2e-perf-{perf.get('arch')}.png"
    fig.savefig(os.path.join(outdir, f))
    plt.close(fig)
    return f


CSS = '''
body { font: 14px/1.4 sans-serif; margin: 1.5em 2em; color: #202020; max-width: 1200px; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.8em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.6em 0; }
th, td { border: 1px solid #d0d0d0; padding: 2px 8px; text-align: left; vertical-align: top; }
th { background: #f0f0f0; } td.n { text-align: right; }
tr.fail td { background: #fbe4e4; } tr.skip td { color: #606060; }
span.pass { color: #207020; } span.fail { color: #c03030; font-weight: bold; } span.skip { color: #806000; }
.count { font-size: 1.3em; font-weight: bold; } .muted { color: #606060; }
img { max-width: 100%; border: 1px solid #e0e0e0; }
summary { cursor: pointer; color: #404040; margin: 0.4em 0; }
'''


def build(res: str, cache: str, outdir: str) -> str:
    os.makedirs(outdir, exist_ok=True)
    steps = steps_of(res, cache)
    if not steps:
        raise SystemExit(f'report: no results in {res} (stages.tsv missing): run make test first')
    t = totals(steps)
    body = [f'<h1>make test: results</h1>',
            f'<p class="count">{t[PASS]} passed, {t[FAIL]} failed</p>',
            f'<p class="muted">{t[SKIP]} skipped (not counted as passed); wall time of the steps '
            f'{mmss(sum(s.seconds for s in steps))}; from {esc(res)}</p>']

    # What failed, first: every failed item, and every failed step that
    # no failed item explains.
    bad = []
    for s in steps:
        its = [i for i in s.items if i.status == FAIL]
        bad += [[esc(s.name), esc(i.name), esc(i.detail)] for i in its]
        if s.status != PASS and not its:
            bad.append([esc(s.name), '(the step itself)', f'see {esc(s.log)}'])
    if bad:
        body += ['<h2>Failures</h2>', table(['step', 'what', 'detail'], bad, [FAIL] * len(bad))]

    rows, cls = [], []
    for s in steps:
        c = s.counts()
        rows.append([esc(s.name), status_cell(s.status), f'<span class="n">{mmss(s.seconds)}</span>',
                     str(c[PASS]), str(c[FAIL]), str(c[SKIP]), esc(s.how)])
        cls.append(FAIL if s.status != PASS else '')
    body += ['<h2>Steps</h2>', table(['step', 'result', 'time', 'passed', 'failed', 'skipped', 'ran or reused'],
                                     rows, cls)]

    # KUnit: arch x suite
    suites: dict[str, dict[str, list[str]]] = {}
    for a in kunit_arches(steps):
        for r in tsv_rows(os.path.join(res, f'{a}.tsv')):
            suites.setdefault(r[1], {})[a] = r[2:5]
    if suites:
        rows, cls = [], []
        for suite, per in suites.items():
            cells = [esc(suite)]
            any_failed = False
            for a in ARCHES:
                if a in per:
                    p, f, sk = per[a]
                    any_failed = any_failed or f != '0'
                    cells.append(f'{p} / {f} / {sk}')
                else:
                    cells.append('<span class="muted">not run</span>')
            rows.append(cells)
            cls.append(FAIL if any_failed else '')
        body += ['<h2>KUnit (passed / failed / skipped)</h2>', table(['suite', *ARCHES], rows, cls)]

    # e2e rows, one table per arch
    for s in steps:
        if s.kind not in ('e2e', 'upstream', 'clients') or not s.sources:
            continue
        try:
            with open(s.sources[0]) as fh:
                data: dict[str, Any] = json.load(fh)
        except (OSError, ValueError):
            body += [f'<h2>{esc(s.name)}</h2><p>no rows recorded ({esc(s.sources[0])})</p>']
            continue
        rows, cls = [], []
        for row in data['rows']:
            cells = [esc(row['name'])]
            for v in ('stock', 'patched'):
                c = row.get(v, {})
                mark = '' if c.get('ok') else ' <span class="fail">(!)</span>'
                cells.append(f"{esc(c.get('expected', ''))} / {esc(c.get('observed', ''))}{mark}")
            cells.append(status_cell(row['status']) + (f" {esc(row.get('reason', ''))}" if row['status'] == SKIP else ''))
            rows.append(cells)
            cls.append(row['status'] if row['status'] != PASS else '')
        body += [f'<h2>{esc(s.name)}: {esc(data.get("title", ""))}</h2>',
                 table(['test', 'stock: expected / observed', 'patched: expected / observed', 'verdict'], rows, cls)]
        body += [f'<p class="fail">{esc(p)}</p>' for p in data.get('problems', [])]

    # gates; a long table with nothing failed is folded
    for s in steps:
        if s.kind in ('check', 'compile-test', 'checkpatch', 'selftest') and s.items:
            rows = [[esc(i.name), status_cell(i.status), esc(i.detail)] for i in s.items]
            cls = [i.status if i.status != PASS else '' for i in s.items]
            c = s.counts()
            tbl = table(["what", "result", "detail"], rows, cls)
            if len(rows) > 8:
                tbl = (f"<details{' open' if c[FAIL] else ''}><summary>{len(rows)} items: {c[PASS]} passed, "
                       f"{c[FAIL]} failed, {c[SKIP]} skipped</summary>{tbl}</details>")
            body += [f"<h2>{esc(s.name)}</h2>", tbl]

    # make kselftest and make soak (by hand, not in make test)
    for what, title in (('kselftest', "the base's vm selftests, stock vs patched"),
                        ('soak', 'stress-ng on the patched soak kernel')):
        for a in ARCHES:
            try:
                with open(os.path.join(res, f'{what}-{a}.json')) as fh:
                    ks: dict[str, Any] = json.load(fh)
            except (OSError, ValueError):
                continue
            rows = [[esc(r['name']), esc(r['stock']['observed']), esc(r['patched']['observed']),
                     status_cell(r['status']) + ' ' + esc(r.get('reason', '')) +
                     (f" ({esc(r['bogo'])})" if r.get('bogo') else '')] for r in ks['rows']]
            cls = [r['status'] if r['status'] != PASS else '' for r in ks['rows']]
            body += [f'<h2>make {what} ARCH={esc(a)}: {esc(title)}</h2>',
                     table(['test', 'stock', 'patched', 'verdict'], rows, cls)]
            body += [f'<p class="fail">{esc(p)}</p>' for p in ks.get('problems', [])]

    # pictures
    for png in plot_walk(steps, outdir):
        body += ['<h2>The walk: build time per patch</h2>',
                 '<p class="muted">Seconds of the build when the step last ran (a reused step shows its '
                 'recorded time); red: the step did not build.</p>', f'<img src="{esc(png)}" alt="walk">']
    for a in ARCHES:
        try:
            with open(os.path.join(res, f'e2e-perf-{a}.json')) as fh:
                perf = json.load(fh)
        except (OSError, ValueError):
            continue
        if perf.get('rows'):
            body += [f'<h2>make e2e-perf ARCH={esc(a)}</h2>',
                     f'<img src="{esc(plot_perf(perf, outdir))}" alt="e2e-perf {esc(a)}">']

    page = ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<title>make test: {t[PASS]} passed, {t[FAIL]} failed</title><style>{CSS}</style></head>'
            '<body>\n' + '\n'.join(body) + '\n</body></html>\n')
    index = os.path.join(outdir, 'index.html')
    with open(index, 'w') as fh:
        fh.write(page)
    return index


def main(argv: list[str] | None = None) -> int:
    ap = parser('make report: the last make test as a static HTML page')
    ap.add_argument('--out', help='directory of the page (default: <results>/report)')
    a = ap.parse_args(argv)
    print(build(a.results, a.cache_dir, a.out or os.path.join(a.results, 'report')))
    return 0


if __name__ == '__main__':
    sys.exit(main())
