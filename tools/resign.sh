#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run by "git rebase --exec" in tools/send.sh: the commit's author and its
# placeholder sign-off become the sender's (the git identity in effect).
set -e
ident="$(git config user.name) <$(git config user.email)>"
msg="$(git rev-parse --git-dir)/gup-resign-msg"
git log -1 --format=%B |
	sed "s|^Signed-off-by: GUP Series Placeholder <placeholder@gup-series.invalid>\$|Signed-off-by: $ident|" >"$msg"
git commit -q --amend --no-verify --reset-author -F "$msg"
rm -f "$msg"
