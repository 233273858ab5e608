#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run by "git rebase --exec" in tools/send.sh: the commit's author and its
# placeholder sign-off (GUP_PLACEHOLDER, from tools/lib.sh) become the
# sender's (the git identity in effect).
set -e
ident="$(git config user.name) <$(git config user.email)>"
msg="$(git rev-parse --git-dir)/gup-resign-msg"
git log -1 --format=%B |
	GUP_IDENT="$ident" python3 -c '
import os, sys
old = "Signed-off-by: " + os.environ["GUP_PLACEHOLDER"]
new = "Signed-off-by: " + os.environ["GUP_IDENT"]
sys.stdout.write("".join(new + "\n" if l.rstrip("\n") == old else l for l in sys.stdin))' >"$msg"
git commit -q --amend --no-verify --reset-author -F "$msg"
rm -f "$msg"
