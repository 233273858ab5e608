# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Run by /init with Debian's static bash (tools/e2e/kselftest-plan): the
# base's own tools/testing/selftests/vm/run_vmtests.sh, unmodified, in
# /e2e/ksft, where each program sits behind a wrapper that stops it after
# a time limit (tools/e2e.sh, make kselftest).  busybox gives the
# commands the script calls; the kernel runs no #! scripts (no
# BINFMT_SCRIPT in the test kernel): bash and execvp() run them as shell
# scripts themselves.
/bin/busybox --install -s /bin
export PATH=/bin:/usr/bin
cd /e2e/ksft || { echo "setup:no /e2e/ksft"; exit 1; }
bash ./run_vmtests.sh
echo "run_vmtests.sh:exit:$?"
