# SPDX-License-Identifier: GPL-2.0
"""The workbench's Python core: what the tools parse and report.

results: one results model for every step of make test (items, steps,
         the summary), read from what each step leaves behind, written
         as JSON, JUnit XML and KTAP; the closing count.
configs: the kernel config fragments, read one way: what allnoconfig
         dropped, and options two fragments of one kernel set apart.
report:  make report, a static HTML page with tables and plots.
"""
