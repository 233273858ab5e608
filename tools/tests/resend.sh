#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# resend.sh: make send-dry-run keeps the b4 prep branch's change-id and
# revision from run to run, so that after a real send (b4 moves the
# revision on) the next one goes out as v2 of the same series.  On the
# toy tree of toy.sh.  The real send is stood in for by what "b4 send"
# does to the prep branch after sending: it moves the revision in the
# cover commit's tracking on (here with b4 prep --force-revision 2, as
# b4's reroll after a send needs the sent thread from lore, offline here).
set -euo pipefail
# shellcheck source=toy.sh
. "$(dirname "$0")/toy.sh"
export GUP_SENDER="A Sender <sender@example.invalid>"
fails=0
check() { # WHAT CONDITION-RESULT
	if [ "$2" = yes ]; then
		printf 'yes  %s\n' "$1"
	else
		printf 'no   %s\n' "$1"
		fails=$((fails + 1))
	fi
}
info_of() { # the prep branch's change-id and revision
	(cd "$K" && git checkout -q gup-series-send && b4 prep --show-info 2>/dev/null |
		grep -E '^(change-id|revision):'; git checkout -q gup-series)
}
subjects() {
	grep -h '^Subject:' "$CACHE_DIR"/send/*.eml | sort
}

out=$(run_tool tools/send.sh dry-run 2>&1) || { printf '%s\n' "$out"; echo "resend: the first dry run failed" >&2; exit 1; }
first=$(info_of)
check "the first dry run enrolls a prep branch ($(echo "$first" | tr '\n' ' '))" \
	"$(grep -q '^revision: 1$' <<<"$first" && echo yes || echo no)"
check "and numbers the mails v1 (no version prefix)" \
	"$(subjects | grep -q '^Subject: \[PATCH 6.1 0/2\]' && echo yes || echo no)"

# The same again: the dry run is found recorded (as make send looks it
# up: with the tracking the prep branch has now).
out=$(run_tool tools/send.sh dry-run 2>&1) || { printf '%s\n' "$out"; echo "resend: the repeated dry run failed" >&2; exit 1; }
check "the same dry run again is reused (make send would find it)" \
	"$(grep -q 'send dry-run: reused' <<<"$out" && echo yes || echo no)"

# A changed series, refreshed: the next dry run keeps the change-id.
sed -i 's/^line 9$/line 9: patched/' "$K/mm/gup.c"
g commit -q -a -m "mm/gup: third change" -m "Signed-off-by: $PH_NAME <$PH_EMAIL>"
run_tool tools/refresh.sh >/dev/null 2>&1 || { echo "resend: refresh failed" >&2; exit 1; }
out=$(run_tool tools/send.sh dry-run 2>&1) || { printf '%s\n' "$out"; echo "resend: the second dry run failed" >&2; exit 1; }
second=$(info_of)
check "a dry run of the changed series keeps change-id and revision" \
	"$([ "$first" = "$second" ] && echo yes || echo no)"
check "and sends its 3 patches" \
	"$(subjects | grep -q '^Subject: \[PATCH 6.1 0/3\]' && echo yes || echo no)"

# What b4 send does after sending v1: move the revision to 2.
(cd "$K" && git checkout -q gup-series-send && b4 -q prep --force-revision 2 && git checkout -q gup-series)
out=$(run_tool tools/send.sh dry-run 2>&1) || { printf '%s\n' "$out"; echo "resend: the dry run after the reroll failed" >&2; exit 1; }
third=$(info_of)
check "after a send, the next one is v2 of the same change-id" \
	"$([ "$(grep change-id <<<"$third")" = "$(grep change-id <<<"$first")" ] &&
	   grep -q '^revision: 2$' <<<"$third" && echo yes || echo no)"
check "and its mails say v2" \
	"$(subjects | grep -q '^Subject: \[PATCH 6.1 v2 0/3\]' && echo yes || echo no)"
echo "resend: $fails failed"
[ "$fails" -eq 0 ]
