#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""errname.py N: the symbolic name of errno N as the C library spells it
(strerrorname_np(): EOPNOTSUPP, not Python's alias ENOTSUP, for 95)."""
import errno
import sys

n = int(sys.argv[1])
print('EOPNOTSUPP' if n == errno.EOPNOTSUPP else errno.errorcode.get(n, 'errno:%d' % n))
