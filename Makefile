# SPDX-License-Identifier: GPL-2.0
# The series' workbench.  README.md documents every target.
#
# Variables (environment or command line):
#   ARCH=x86_64|arm64|s390   arch for "make kunit" (default x86_64)
#   KERNEL_DIR=/path         use your own 6.1.y git tree instead of Debian's
#   BASE_REF=<rev>           with KERNEL_DIR: the base to apply the series on
#   FORCE=1                  accept another kernel version, or drop unrefreshed commits
#   CACHE_DIR=/path          where the Debian tree, build dirs and ccache live
#   DROP="0020 0021"         for "make without": the patches to leave out
#   E2E=1                    for "make without": the e2e plan instead of KUnit
#   SET=upstream             for "make send-dry-run"/"make send": the mainline patches
#   UPSTREAM=0               for "make test": leave out "make upstream" and its dry run
#   CLIENTS=0                for "make test": leave out "make clients"
#   ROUNDS=5                 for "make e2e-perf": boots of each kernel
#   PERF_CLOCK=icount|wall   for "make e2e-perf": instruction count or TCG wall clock
#   BOOTS=20                 for "make kunit-boots": boots of the built KUnit kernel
#   CACHE=0                  run every step, reusing no recorded result
#   SECONDS=30               for "make soak": how long each stressor runs
#   SAVE_AS=cold             for "make figures": keep these results for the README's NAME@cold blocks
#   WALK_ARCHES, CHECK_ARCHES, E2E_ARCHES  for "make test": the arches of its
#                            walk, check and e2e steps (README)

ARCH ?= x86_64
export ARCH KERNEL_DIR BASE_REF FORCE CACHE_DIR DROP E2E SET UPSTREAM CLIENTS SUITE ROUNDS PERF_CLOCK BOOTS CACHE SAVE_AS

.PHONY: all deps tree apply kunit kunit-boots compile-test test refresh walk \
	without send-dry-run send check e2e e2e-perf upstream report selftest figures kselftest soak clients apply-matrix help

all: test

deps:
	@tools/deps.sh

tree:
	@tools/tree.sh

apply:
	@tools/apply.sh

kunit:
	@tools/kunit.sh $(ARCH)

kunit-boots:
	@tools/kunit-boots.sh $(ARCH)

test:
	@tools/test.sh

refresh:
	@tools/refresh.sh

walk:
	@tools/walk.sh $(ARCH)

compile-test:
	@tools/compile-test.sh $(ARCH)

without:
	@tools/without.sh $(ARCH)

send-dry-run:
	@tools/send.sh dry-run

send:
	@tools/send.sh send

check:
	@tools/check.sh $(ARCH)

e2e:
	@tools/e2e.sh $(ARCH) func

e2e-perf:
	@tools/e2e.sh $(ARCH) perf

kselftest:
	@tools/e2e.sh $(ARCH) kselftest

clients:
	@tools/e2e.sh x86_64 clients

soak:
	@SOAK_SECONDS=$(SECONDS) tools/e2e.sh $(ARCH) soak

apply-matrix:
	@tools/apply-matrix.sh

upstream:
	@tools/upstream.sh

report:
	@tools/report.sh

selftest:
	@tools/selftest.sh

figures:
	@tools/figures.sh

# One line per target; README.md has the rest.
help:
	@printf '%s\n' \
	'make kunit [ARCH=]          build the test kernel, boot it, run the KUnit suites (the main job)' \
	'make test                   what CI runs (series checks, compile tests, KUnit, walk, check, e2e, upstream); ends "N passed, N failed"' \
	'make deps                   install the Debian packages the tools need' \
	'make tree                   fetch and import the base tree (tools/base.conf)' \
	'make apply                  apply the series to the kernel tree with git am' \
	'make refresh                write patches/ and series back from the kernel tree' \
	'make compile-test [ARCH=]   compile the driver files the test kernel does not build' \
	'make walk [ARCH=]           bisectability: build after every patch' \
	'make check [ARCH=]          checkpatch, W=1, sparse, coccinelle, against the base' \
	'make without DROP="NN.."    the KUnit suites (E2E=1: the e2e plan) without some patches' \
	'make e2e [ARCH=]            user-space tests, stock vs patched kernel, under QEMU' \
	'make e2e-perf [ARCH=]       GUP-fast instruction counts, stock vs patched' \
	'make kselftest [ARCH=]      the base tree'"'"'s own mm selftests, stock vs patched' \
	'make clients                fio, libibverbs and perftest (the host'"'"'s), stock vs patched, x86_64' \
	'make soak [SECONDS=]        stress-ng, gupstress and fault injection on the debug kernel' \
	'make upstream               the mainline patches on Debian'"'"'s 6.12, stock vs patched' \
	'make kunit-boots [BOOTS=]   boot the KUnit kernel BOOTS times, count clean parses' \
	'make apply-matrix           which 6.1.y versions Debian serves the series applies to' \
	'make send-dry-run           b4 prep and a dry run of the mails' \
	'make send                   send them (after a passed dry run of the same tree)' \
	'make selftest               the workbench'"'"'s own tests (Python, mypy, shellcheck, bad input)' \
	'make report                 the last make test as an HTML page' \
	'make figures [SAVE_AS=]     README and cover-letter tables from the records' \
	'make help                   this list'
