# SPDX-License-Identifier: GPL-2.0
"""Unit tests of workbench.configs, on a toy tree and small fragments."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import tempfile
import unittest

from workbench import configs

KCONFIG = '''\
config MMU
\tdef_bool y

menuconfig NET
\tbool "Networking"

config  INET
\tbool "TCP/IP" if NET
\tdepends on NET

config GUP_TEST
\tbool "GUP test"
'''


class Configs(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)

    def toy_tree(self) -> str:
        tree = os.path.join(self.tmp, 'tree')
        os.makedirs(os.path.join(tree, 'net'))
        with open(os.path.join(tree, 'net', 'Kconfig'), 'w') as f:
            f.write(KCONFIG)
        # A symbol that only a file outside every Kconfig names.
        with open(os.path.join(tree, 'README'), 'w') as f:
            f.write('config DOCS_ONLY\n')
        env = dict(os.environ, GIT_AUTHOR_NAME='t', GIT_AUTHOR_EMAIL='t@t',
                   GIT_COMMITTER_NAME='t', GIT_COMMITTER_EMAIL='t@t')
        for cmd in (['init', '-q'], ['add', '.'], ['commit', '-q', '-m', 'toy']):
            subprocess.run(['git', '-C', tree, *cmd], check=True, env=env)
        return tree

    def test_parse_reads_set_and_not_set_lines_in_order(self) -> None:
        got = configs.parse(['# a comment', 'CONFIG_A=y', '', '# CONFIG_B is not set',
                             'CONFIG_C="x y"', 'CONFIG_A=m  '])
        self.assertEqual(got, [('CONFIG_A', 'y'), ('CONFIG_B', 'n'), ('CONFIG_C', '"x y"'),
                               ('CONFIG_A', 'm')])

    def test_kconfig_symbols_of_config_and_menuconfig_entries_only(self) -> None:
        self.assertEqual(configs.kconfig_symbols(self.toy_tree()), {'MMU', 'NET', 'INET', 'GUP_TEST'})

    def test_unmet_names_what_allnoconfig_dropped(self) -> None:
        frag = configs.parse(['CONFIG_NET=y', 'CONFIG_INET=y', 'CONFIG_GUP_TEST=m',
                              'CONFIG_NOT_IN_THIS_TREE=y', '# CONFIG_MMU is not set',
                              'CONFIG_NR_CPUS=4'])
        dot = configs.parse(['CONFIG_NET=y', '# CONFIG_INET is not set', 'CONFIG_GUP_TEST=y'])
        syms = {'MMU', 'NET', 'INET', 'GUP_TEST'}
        # INET: dropped; GUP_TEST: asked m, got y; an option the tree
        # does not define and values other than y/m are not asked for.
        self.assertEqual(configs.unmet(frag, dot, syms), ['CONFIG_GUP_TEST=m', 'CONFIG_INET=y'])

    def test_a_tristate_is_read_by_its_first_character(self) -> None:
        self.assertEqual(configs.parse(['CONFIG_A=y # why', 'CONFIG_B=m\t', 'CONFIG_C=yes']),
                         [('CONFIG_A', 'y'), ('CONFIG_B', 'm'), ('CONFIG_C', 'yes')])

    def test_undefined_names_what_no_kconfig_defines(self) -> None:
        frag = configs.parse(['CONFIG_NET=y', 'CONFIG_NETT=y', '# CONFIG_GONE is not set'])
        self.assertEqual(configs.undefined(frag, {'NET'}), ['CONFIG_NETT=y'])

    def test_unmet_takes_the_last_setting_of_an_option(self) -> None:
        frag = configs.parse(['CONFIG_INET=y', '# CONFIG_INET is not set'])
        self.assertEqual(configs.unmet(frag, [], {'INET'}), [])

    def test_conflicts_name_every_file_that_sets_the_option(self) -> None:
        got = configs.conflicts([
            ('a.kunitconfig', configs.parse(['CONFIG_X=y', 'CONFIG_Y=y'])),
            ('b.config', configs.parse(['# CONFIG_X is not set', 'CONFIG_Y=y'])),
        ])
        self.assertEqual(got, ['CONFIG_X set differently (a.kunitconfig: y, b.config: not set); '
                               'the last one wins'])

    def test_main_unmet_and_conflicts(self) -> None:
        tree = self.toy_tree()
        frag = os.path.join(self.tmp, 'frag')
        dot = os.path.join(self.tmp, '.config')
        with open(frag, 'w') as f:
            f.write('CONFIG_NET=y\nCONFIG_INET=y\n')
        with open(dot, 'w') as f:
            f.write('CONFIG_NET=y\n')
        out = subprocess.run(['python3', '-m', 'workbench.configs', 'unmet', frag, dot, tree],
                             capture_output=True, text=True, check=False,
                             cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        self.assertEqual((out.returncode, out.stdout), (0, 'CONFIG_INET=y\n'))
        self.assertEqual(configs.main(['conflicts', frag, frag]), 0)
        with open(dot, 'w') as f:
            f.write('# CONFIG_NET is not set\n')
        said = io.StringIO()
        with contextlib.redirect_stdout(said):
            self.assertEqual(configs.main(['conflicts', frag, dot]), 1)
        self.assertEqual(said.getvalue(), f'CONFIG_NET set differently ({frag}: y, {dot}: not set); '
                         'the last one wins\n')


if __name__ == '__main__':
    unittest.main()
