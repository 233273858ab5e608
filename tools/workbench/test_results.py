# SPDX-License-Identifier: GPL-2.0
"""Unit tests of the results model on recorded outputs (testdata/).

testdata/run holds what the steps of make test leave behind: stages.tsv,
the per-arch KUnit TSV and kunit.py's JSON, the walk's and checkpatch's
logs, the gate table and the compile test's TSV (recorded from real runs,
with failing lines added so that every path is taken).  testdata/e2e
holds a plan and two console logs for tools/e2e/report.py.

Run: python3 -m unittest discover -s tools/workbench -t tools
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

from workbench import results
from workbench.results import FAIL, PASS, SKIP

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, 'testdata')
TOOLS = os.path.dirname(HERE)


class ResultsModel(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.mkdtemp()
        self.res = os.path.join(self.tmp, 'results')
        shutil.copytree(os.path.join(DATA, 'run'), self.res)
        # The e2e rows come from report.py itself, run on recorded consoles.
        e2e = os.path.join(DATA, 'e2e')
        rc = subprocess.run([sys.executable, os.path.join(TOOLS, 'e2e', 'report.py'), 'func',
                             '--arch', 'x86_64', '--plan', os.path.join(e2e, 'plan'),
                             '--stock', os.path.join(e2e, 'stock.log'),
                             '--patched', os.path.join(e2e, 'patched.log'),
                             '--out', os.path.join(self.res, 'e2e-x86_64.txt')],
                            stdout=subprocess.DEVNULL).returncode
        self.assertEqual(rc, 1, 'report.py func must fail on the row with a kernel report')
        self.steps = {s.name: s for s in results.steps_of(self.res, self.res)}

    def tearDown(self) -> None:
        shutil.rmtree(self.tmp)

    def counts(self, name: str) -> dict[str, int]:
        return self.steps[name].counts()

    def test_a_step_without_items_counts_once(self) -> None:
        self.assertEqual(self.counts('deps'), {PASS: 1, FAIL: 0, SKIP: 0})

    def test_kunit_cases_named_from_the_json_when_its_counts_agree(self) -> None:
        items = self.steps['kunit x86_64'].items
        self.assertEqual([i.name for i in items],
                         ['mm_writenotify.wn_shared_file_needs_tracking',
                          'mm_writenotify.wn_private_file', 'mm_writenotify.wn_softdirty',
                          'dma_buf_mmap.dbm_exporters.udmabuf', 'dma_buf_mmap.dbm_exporters.vgem'])
        self.assertEqual(self.counts('kunit x86_64'), {PASS: 4, FAIL: 0, SKIP: 1})

    def test_a_failed_kunit_run_with_every_case_passed_counts_a_failure(self) -> None:
        # arm64: the TSV says 4 passed, the stage failed (a kernel report,
        # a parse failure): never "0 failed".
        self.assertEqual(self.counts('kunit arm64'), {PASS: 4, FAIL: 1, SKIP: 0})

    def test_walk_steps_built_reused_and_failed(self) -> None:
        items = self.steps['walk x86_64'].items
        self.assertEqual(len(items), 6)
        self.assertEqual(items[0].detail, 'reused: kernel 122 s, driver files 5 s')
        self.assertEqual(items[3].detail, 'built: kernel 190 s, driver files 12 s')
        self.assertEqual(items[4].detail, 'built: kernel 21 s, driver files 0 s')
        self.assertEqual((items[5].status, items[5].detail), (FAIL, 'FAILED (kernel)'))
        self.assertEqual(self.counts('walk x86_64'), {PASS: 5, FAIL: 1, SKIP: 0})

    def test_gates_not_run_is_a_skip(self) -> None:
        s = self.steps['check x86_64']
        self.assertEqual(self.counts('check x86_64'), {PASS: 4, FAIL: 0, SKIP: 1})
        self.assertTrue(s.reused)

    def test_compile_test_and_checkpatch_items(self) -> None:
        self.assertEqual(self.counts('compile-test x86_64'), {PASS: 2, FAIL: 2, SKIP: 3})
        self.assertEqual(self.counts('checkpatch'), {PASS: 6, FAIL: 1, SKIP: 0})

    def test_e2e_rows(self) -> None:
        s = self.steps['e2e x86_64']
        self.assertEqual([(i.name, i.status) for i in s.items],
                         [('pin:anon:slow', PASS), ('pin:file:lt-w', FAIL),
                          ('uffd:wp', SKIP), ('crash:stock', SKIP)])
        self.assertEqual(s.items[2].detail, 'no uffd-wp on this arch')

    def test_selftest_items(self) -> None:
        items = self.steps['selftest'].items
        names = [i.name for i in items]
        self.assertIn('unit: Cover.test_malformed_cover_letter_is_a_value_error', names)
        self.assertIn('mypy', names)
        self.assertIn('shellcheck', names)
        self.assertIn('config fragments', names)
        self.assertEqual([i.name for i in items if i.status == FAIL], ['bad input: bisect in progress'])
        self.assertIn('resend: and its mails say v2', names)
        self.assertIn('unit: ResultsModel.test_with_docstring', names)
        # 14 unit tests (one with a docstring), config fragments, mypy, shellcheck,
        # 19 bad-input lines (one failed), 6 resend lines
        self.assertEqual(self.counts('selftest'), {PASS: 41, FAIL: 1, SKIP: 0})

    def test_the_closing_count(self) -> None:
        t = results.totals(self.steps.values())
        # deps 1 + selftest 41/1 + git am 1 + checkpatch 6/1 + compile-test
        # 2/2/3 + kunit x86_64 4/0/1 + arm64 4/1 + walk 4/1 + check 4/0/1
        # + e2e 1/1/2
        self.assertEqual(t, {PASS: 69, FAIL: 7, SKIP: 7})

    def test_writers(self) -> None:
        steps = list(self.steps.values())
        t = results.write_all(self.res, steps, ['walk x86_64: a step does not build'])
        with open(os.path.join(self.res, 'summary.json')) as f:
            summary = json.load(f)
        self.assertEqual((summary['passed'], summary['failed'], summary['skipped']),
                         (t[PASS], t[FAIL], t[SKIP]))
        self.assertEqual(len(summary['steps']), len(steps))
        with open(os.path.join(self.res, 'steps', 'walk-x86_64.json')) as f:
            rec = json.load(f)
        self.assertEqual((rec['kind'], rec['arch'], rec['counts']['fail']), ('walk', 'x86_64', 1))
        root = ET.parse(os.path.join(self.res, 'junit.xml')).getroot()
        self.assertEqual(root.tag, 'testsuites')
        self.assertEqual(int(root.get('failures', '-1')), t[FAIL])
        self.assertEqual(len(root.findall('.//testcase/failure')), t[FAIL])
        self.assertEqual(len(root.findall('.//testcase/skipped')), t[SKIP])
        with open(os.path.join(self.res, 'e2e-x86_64.ktap')) as f:
            ktap = f.read().splitlines()
        self.assertEqual(ktap[0], 'KTAP version 1')
        self.assertIn('    not ok 2 pin:file:lt-w', ktap)
        self.assertIn('    ok 3 uffd:wp # SKIP no uffd-wp on this arch', ktap)
        self.assertEqual(ktap[-1], 'not ok 1 e2e x86_64')
        with open(os.path.join(self.res, 'gates.ktap')) as f:
            gates = f.read()
        self.assertIn('ok 5 bisect # SKIP no make walk ARCH=x86_64 of this series', gates)

    def test_main_prints_the_count_and_fails(self) -> None:
        out = subprocess.run([sys.executable, '-m', 'workbench.results', self.res,
                              '--cache-dir', self.res], cwd=TOOLS, capture_output=True, text=True)
        self.assertEqual(out.returncode, 1)
        self.assertEqual(out.stdout.splitlines()[-1], '69 passed, 7 failed')


class Scratch(unittest.TestCase):
    """A test with a scratch directory, self.tmp, removed after it."""

    def setUp(self) -> None:
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)


class Figures(Scratch):
    def test_readme_blocks_and_cover_gate_table(self) -> None:
        from workbench import figures
        tmp = self.tmp
        res = os.path.join(tmp, 'results')
        shutil.copytree(os.path.join(DATA, 'run'), res)
        steps = results.steps_of(res, res)
        readme = os.path.join(tmp, 'README.md')
        with open(readme, 'w') as f:
            f.write('# x\n\n<!-- figures: kunit -->\nstale\n<!-- /figures: kunit -->\ntail\n')
        self.assertEqual(figures.update_readme(readme, res, steps), ['kunit'])
        with open(readme) as f:
            text = f.read()
        self.assertNotIn('stale', text)
        self.assertIn('| mm_writenotify | 2 / 0 / 1 | 4 / 0 / 0 | not run |', text)
        self.assertTrue(text.endswith('<!-- /figures: kunit -->\ntail\n'))
        cover = os.path.join(tmp, 'cover.patch')
        with open(cover, 'w') as f:
            f.write('Quality gates:\n\n  gate        result   detail\n  checkpatch  pass     old\n'
                    '                       old wrapped\n\nBase: x\n')
        self.assertTrue(figures.update_cover(cover, os.path.join(res, 'check-x86_64.txt')))
        with open(cover) as f:
            lines = f.read().splitlines()
        self.assertEqual(lines[3], '  checkpatch  pass     52 patches, 0 errors, 0 warnings, 0 checks')
        self.assertIn('  bisect      not run  no make walk ARCH=x86_64 of this series (it takes', lines)
        self.assertTrue(all(len(line) <= 72 for line in lines))
        self.assertEqual(lines[-1], 'Base: x')


class Warm(unittest.TestCase):
    def test_what_counts_as_built_anew(self) -> None:
        from workbench.figures import rebuilt
        for how in ('ran', 'booted (always); build reused: same tree, configs, compilers',
                    'ran: 55 of 55 verdicts reused', 'reused: all 55 steps, same trees, configs, compilers',
                    'booted (always); kernels: 2 of 2 reused', 'ran: 55 reused, 0 built'):
            self.assertFalse(rebuilt(how), how)
        for how in ('built (ccache 1209 hits, 5 misses), booted (always)', 'ran: 54 of 55 verdicts reused',
                    'booted (always); kernels: 1 of 2 reused', 'ran: 0 reused, 52 built',
                    'ran: no recorded pass with this key'):
            self.assertTrue(rebuilt(how), how)


class Clients(Scratch):
    def test_a_clients_step_counts_its_rows(self) -> None:
        # make clients writes its rows as make e2e does (report.py func,
        # e2e-clients-<arch>.json); the step counts each row.
        tmp = self.tmp
        res = os.path.join(tmp, 'results')
        os.makedirs(os.path.join(res, 'logs'))
        e2e = os.path.join(DATA, 'e2e')
        subprocess.run([sys.executable, os.path.join(TOOLS, 'e2e', 'report.py'), 'func',
                        '--arch', 'x86_64', '--plan', os.path.join(e2e, 'plan'),
                        '--stock', os.path.join(e2e, 'stock.log'),
                        '--patched', os.path.join(e2e, 'patched.log'),
                        '--out', os.path.join(res, 'e2e-clients-x86_64.txt')],
                       stdout=subprocess.DEVNULL)
        with open(os.path.join(res, 'stages.tsv'), 'w') as f:
            f.write('# stage\tstatus\tseconds\thow\nclients x86_64\tFAIL\t84\tbooted (always)\n')
        step = results.steps_of(res, res)[0]
        self.assertEqual(step.kind, 'clients')
        with open(os.path.join(e2e, 'plan')) as f:
            rows = [ln for ln in f if ln.split() and not ln.startswith('#')]
        self.assertEqual(len(step.items), len(rows))
        self.assertEqual(step.counts()[FAIL], 1)


class Vmtests(Scratch):
    def test_a_tests_own_running_line_is_no_title(self) -> None:
        # run_vmtests.sh prints each title between two rules of its
        # length; protection_keys prints "running PKEY tests ..." itself.
        tmp = self.tmp
        log = os.path.join(tmp, 'console.log')
        t1, t2 = 'running ./protection_keys_64', 'running ./soft-dirty'
        out = ['-' * len(t1), t1, '-' * len(t1), 'has pkeys: 0',
               'running PKEY tests for unsupported CPU/OS', '[PASS]',
               '-' * len(t2), t2, '-' * len(t2), '[FAIL]']
        with open(log, 'w') as f:
            f.write(''.join('E2E-OUT kselftest:vm %s\n' % o for o in out))
            f.write('E2E-RESULT kselftest:vm run_vmtests.sh:exit:1\n')
        sys.path.insert(0, os.path.join(TOOLS, 'e2e'))
        import importlib.util
        spec = importlib.util.spec_from_file_location('e2e_report', os.path.join(TOOLS, 'e2e', 'report.py'))
        assert spec and spec.loader
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        tests, _, done = mod.parse_vmtests(log)
        self.assertEqual(tests, {'./protection_keys_64': 'pass', './soft-dirty': 'fail'})
        self.assertTrue(done)


class Cover(unittest.TestCase):
    def test_malformed_cover_letter_is_a_value_error(self) -> None:
        sys.path.insert(0, TOOLS)
        import cover
        with self.assertRaises(ValueError):
            cover.subject('From: x\n\nno subject\n')
        with self.assertRaises(ValueError):
            cover.blurb('Subject: [PATCH 0/1] x\n')
        self.assertEqual(cover.subject('Subject: [PATCH 0/1] a\n b\n\nbody\n', unfold=True), 'a b')


if __name__ == '__main__':
    unittest.main()
