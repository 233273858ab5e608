# SPDX-License-Identifier: GPL-2.0
"""Kernel configuration fragments, read one way for every kernel.

Every kernel the tools build (KUnit, the walk, make check, the compile
test, the e2e kernels) is allnoconfig with a fragment given as
KCONFIG_ALLCONFIG: CONFIG_X=value lines and "# CONFIG_X is not set"
lines, concatenated from several files.  Two things go wrong silently
there, and this module finds both:

  unmet      an option the fragment sets to y or m that the resulting
             .config does not have so, although the tree's Kconfig
             defines it: allnoconfig drops an option whose dependencies
             are not met without a word, and the code behind it goes
             unbuilt and untested;
  conflicts  an option two of the files set differently: the later one
             wins, and the earlier file's author never learns.

Command line (lib.sh, config_unmet; make selftest):

  python3 -m workbench.configs unmet FRAGMENT DOTCONFIG SRCTREE [--undefined]
  python3 -m workbench.configs conflicts FILE...
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from typing import Iterable

SET = re.compile(r'^(CONFIG_[A-Za-z0-9_]+)=(.*)$')
NOT_SET = re.compile(r'^# (CONFIG_[A-Za-z0-9_]+) is not set$')
KCONFIG_SYMBOL = re.compile(r'^\s*(?:menu)?config\s+([A-Za-z0-9_]+)\s*$')
# Kconfig reads a bool or tristate by its first character: "=y # why" is y.
TRISTATE = re.compile(r'^([ymn])(?:\s|#|$)')


def parse(lines: Iterable[str]) -> list[tuple[str, str]]:
    """The assignments of a fragment or .config, in order: (CONFIG_X, value),
    value 'n' for "is not set".  Comments and blank lines are skipped."""
    out = []
    for raw in lines:
        line = raw.strip()
        m = SET.match(line)
        if m:
            t = TRISTATE.match(m.group(2))
            out.append((m.group(1), t.group(1) if t else m.group(2)))
            continue
        m = NOT_SET.match(line)
        if m:
            out.append((m.group(1), 'n'))
    return out


def read(path: str) -> list[tuple[str, str]]:
    with open(path, encoding='utf-8', errors='replace') as f:
        return parse(f)


def kconfig_symbols(srctree: str) -> set[str]:
    """The symbols the tree's Kconfig files define ("config X", "menuconfig X")."""
    out = subprocess.run(['git', '-C', srctree, 'grep', '-h', '-E',
                          r'^[[:space:]]*(menu)?config[[:space:]]+[A-Za-z0-9_]+[[:space:]]*$',
                          '--', '*Kconfig*'],
                         capture_output=True, text=True, check=False,
                         env=dict(os.environ, LC_ALL='C'))
    if out.returncode not in (0, 1):
        raise RuntimeError(f'git grep in {srctree} failed: {out.stderr.strip()}')
    syms = set()
    for line in out.stdout.splitlines():
        m = KCONFIG_SYMBOL.match(line)
        if m:
            syms.add(m.group(1))
    return syms


def unmet(fragment: list[tuple[str, str]], dotconfig: list[tuple[str, str]],
          symbols: set[str]) -> list[str]:
    """The y/m options of FRAGMENT that DOTCONFIG lacks (not set, or set to
    another value), of those SYMBOLS defines, as CONFIG_X=value, sorted."""
    have = dict(dotconfig)
    want = {}
    for opt, val in fragment:
        want[opt] = val
    return sorted(f'{opt}={val}' for opt, val in want.items()
                  if val in ('y', 'm') and have.get(opt) != val
                  and opt[len('CONFIG_'):] in symbols)


def undefined(fragment: list[tuple[str, str]], symbols: set[str]) -> list[str]:
    """The y/m options of FRAGMENT that SYMBOLS (the tree's Kconfig) does not
    define at all: a typo, or a symbol another version renamed."""
    return sorted({f'{opt}={val}' for opt, val in fragment
                   if val in ('y', 'm') and opt[len('CONFIG_'):] not in symbols})


def conflicts(files: list[tuple[str, list[tuple[str, str]]]]) -> list[str]:
    """Options that two of FILES (name, assignments), concatenated in this
    order, set to different values: one line each, naming every setting."""
    seen: dict[str, list[tuple[str, str]]] = {}
    for name, assignments in files:
        for opt, val in assignments:
            seen.setdefault(opt, []).append((name, val))
    out = []
    for opt, settings in seen.items():
        if len({val for _, val in settings}) > 1:
            how = ', '.join(f'{name}: {"not set" if val == "n" else val}' for name, val in settings)
            out.append(f'{opt} set differently ({how}); the last one wins')
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog='workbench.configs', description=__doc__.split('\n\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    u = sub.add_parser('unmet', help='y/m options of FRAGMENT that DOTCONFIG lacks')
    u.add_argument('fragment')
    u.add_argument('dotconfig')
    u.add_argument('srctree')
    u.add_argument('--undefined', action='store_true',
                   help='also name the options the tree does not define at all')
    c = sub.add_parser('conflicts', help='options the FILEs set differently')
    c.add_argument('files', nargs='+')
    args = ap.parse_args(argv)
    if args.cmd == 'unmet':
        frag, syms = read(args.fragment), kconfig_symbols(args.srctree)
        for line in unmet(frag, read(args.dotconfig), syms):
            print(line)
        if args.undefined:
            for line in undefined(frag, syms):
                print(f'{line} (no Kconfig of the tree defines it)')
        return 0
    found = conflicts([(f, read(f)) for f in args.files])
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main())
