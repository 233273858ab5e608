#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# send.sh dry-run|send: the series as mail, through b4.
#
# Builds a b4 prep branch ($SEND_BRANCH) in the kernel tree from the
# applied series: the subject and blurb of patches/0000-cover-letter.patch
# become b4's cover letter (b4 writes the shortlog, diffstat and
# base-commit itself), every patch is re-signed with the sender's git
# identity, so that the placeholder identity of patches/ never goes out,
# and "b4 prep --auto-to-cc" adds To/Cc from the base tree's MAINTAINERS
# (the commands in .b4-config).
#
# dry-run: "b4 send -o" writes the messages to $SEND_DIR, and they are
#          checked: a cover and one message per patch, numbered n/N, with
#          To, Cc and base-commit, no placeholder identity, and "git am"
#          of them onto a fresh base gives the tree of the series.  Without
#          a sender identity it signs as "gup-series dry run", which no
#          message can reach.
# send:    "b4 send", which asks before sending; refused without a sender
#          identity of your own.
#
# The sender identity: GUP_SENDER="Name <email>", else git config --global
# user.name and user.email.
#
# SET=upstream: the same for the patches offered to mainline,
# patches/upstream (tools/upstream.sh applies them on the 6.12 tree's
# branch "upstream"), with their own cover letter, no "6.1" subject
# prefix, prep branch gup-upstream-send and messages in
# $CACHE_DIR/send-upstream.
. "$(dirname "$0")/lib.sh"

MODE=${1:?usage: send.sh dry-run|send}
case "$MODE" in dry-run|send) ;; *) die "usage: send.sh dry-run|send" ;; esac
SET=${SET:-series}
case "$SET" in
series)
	SEND_BRANCH=${SEND_BRANCH:-gup-series-send}
	SEND_DIR=${SEND_DIR:-$CACHE_DIR/send}
	PATCH_DIR=$REPO/patches
	;;
upstream)
	SEND_BRANCH=gup-upstream-send
	SEND_DIR=$CACHE_DIR/send-upstream
	PATCH_DIR=$REPO/patches/upstream
	;;
*) die "SET must be series or upstream, not '$SET'" ;;
esac
DRY_IDENT="gup-series dry run <dry-run@gup-series.invalid>"
PLACEHOLDER="$PLACEHOLDER_NAME <$PLACEHOLDER_EMAIL>"

lock_tree
need git b4 python3

# The sender, decided before anything changes.
sender=${GUP_SENDER:-}
if [ -z "$sender" ]; then
	n=$(git config --global user.name || true)
	e=$(git config --global user.email || true)
	[ -n "$n" ] && [ -n "$e" ] && sender="$n <$e>"
fi
case "$sender" in
*"<"*@*">") ;;
"") ;;
*) die "GUP_SENDER='$sender' is not \"Name <email>\"" ;;
esac
if [ -z "$sender" ] || [ "$sender" = "$PLACEHOLDER" ]; then
	if [ "$MODE" = send ]; then
		die "make send: no sender identity of your own (${sender:-none set}); set git config --global user.name and user.email, or GUP_SENDER=\"Name <email>\": the placeholder identity never goes out"
	fi
	info "no sender identity set: the dry run signs as \"$DRY_IDENT\""
	sender=$DRY_IDENT
fi
sname=${sender% <*}
semail=${sender##*<}
semail=${semail%>}

if [ "$SET" = upstream ]; then
	"$REPO/tools/upstream.sh" apply
	DIR=$UPSTREAM_KERNEL_DIR
	BASE=$(git -C "$DIR" rev-parse "$UPSTREAM_BASE_TAG^{commit}")
	WORK_BRANCH=upstream
else
	"$REPO/tools/apply.sh"
	DIR=$(git -C "$(kernel_dir)" rev-parse --show-toplevel)
	BASE=$(resolve_base "$DIR")
fi
G=(git -C "$DIR")
N=$("${G[@]}" rev-list --count "$BASE..$WORK_BRANCH")

# A dry run's outcome depends on the base, the series' tree, the patch
# files (messages, cover letter), the b4 config and version, the sending
# tools and the sender: a recorded pass of the same is not re-run
# (lib.sh, step_key; CACHE=0 re-runs).
# "make send" sends only what a dry run of the same (the same key, with
# the same sender) has checked.
# b4 keeps the series' change-id and revision in the prep branch's cover
# commit (strategy "commit"), and "b4 send" moves the revision on after a
# real send.  So the prep branch is kept: it is rebuilt from the series on
# top of a copy of its own cover commit (on the current base), and b4 sends
# the next revision under the same change-id.  Only a new prep branch is
# enrolled ("b4 prep -e").  The tracking is part of what the mails are.
TRACK='^--- b4-submit-tracking ---$'
old_cover=$("${G[@]}" log -1 --format=%H --grep="$TRACK" "refs/heads/$SEND_BRANCH" -- 2>/dev/null || true)
tracking=
[ -z "$old_cover" ] ||
	tracking=$("${G[@]}" log -1 --format=%B "$old_cover" | sed -n "/$TRACK/,\$p")
files=()
for f in "$PATCH_DIR"/*.patch "$REPO"/.b4-config "$REPO"/tools/{send.sh,send-check.py,b4-cover.py,cover.py,resign.sh}; do
	files+=("@$f")
done
# send_key TRACKING: the key of a dry run with the prep branch's tracking.
send_key() {
	step_key "send-dry-run $SET" "$BASE" "$("${G[@]}" rev-parse "$WORK_BRANCH^{tree}")" \
		"${files[@]}" "$(b4 --version 2>&1)" "$sname <$semail>" "$1"
}
KEY=$(send_key "$tracking")
if [ "$MODE" = dry-run ]; then
	if [ "$(cat "$SEND_DIR/.key" 2>/dev/null)" = "$KEY" ] && rec=$(step_reused send-dry-run "$KEY"); then
		banner "send dry-run: reused ($rec): same base, series, patch files, b4 and sender; messages in $SEND_DIR"
		exit 0
	fi
elif ! rec=$(CACHE=1 step_reused send-dry-run "$KEY"); then
	die "make send: no make send-dry-run of this series$([ "$SET" = series ] || echo " (SET=$SET)") as $sname <$semail> has passed: run it first (it checks every message and that they apply with git am), then make send; nothing was sent"
else
	info "checked by make send-dry-run ($rec)"
fi

# Put the tree back on the work branch, clean, whatever happens.
cleanup() {
	rm -f "$DIR/.b4-config"
	"${G[@]}" rebase --abort >/dev/null 2>&1 || true
	"${G[@]}" checkout -q -f "$WORK_BRANCH" 2>/dev/null || true
	[ -n "${AM_TREE:-}" ] && { "${G[@]}" worktree remove --force "$AM_TREE" 2>/dev/null || true; }
	true
}
trap cleanup EXIT

# b4 and the re-signing see the sender's identity, nothing else of the
# user's configuration changes.  A dry run needs no SMTP server, but b4
# insists on one (or on its web endpoint, which wants a signing key).
export GIT_CONFIG_COUNT=2
export GIT_CONFIG_KEY_0=user.name GIT_CONFIG_VALUE_0="$sname"
export GIT_CONFIG_KEY_1=user.email GIT_CONFIG_VALUE_1="$semail"
if [ "$MODE" = dry-run ]; then
	export GIT_CONFIG_COUNT=3
	export GIT_CONFIG_KEY_2=sendemail.smtpserver GIT_CONFIG_VALUE_2=/bin/false
fi

banner "send $MODE: b4 prep branch $SEND_BRANCH from $WORK_BRANCH ($N patches on ${BASE:0:12}), as $sname <$semail>"
if [ "$SET" = upstream ]; then
	# Mainline: no "6.1" in the subject prefix.
	grep -v '^[[:space:]]*send-prefixes' "$REPO/.b4-config" >"$DIR/.b4-config"
else
	cp "$REPO/.b4-config" "$DIR/.b4-config"
fi
if [ -n "$old_cover" ]; then
	# The old prep branch stays reachable (trailers b4 collected there).
	"${G[@]}" update-ref "refs/gup-series/send-prev/$SEND_BRANCH" "refs/heads/$SEND_BRANCH"
	new_cover=$("${G[@]}" log -1 --format=%B "$old_cover" |
		"${G[@]}" commit-tree "$BASE^{tree}" -p "$BASE")
	"${G[@]}" checkout -q -B "$SEND_BRANCH" "$WORK_BRANCH"
	"${G[@]}" rebase -q --onto "$new_cover" "$BASE" ||
		die "rebuilding $SEND_BRANCH on its cover commit failed"
	info "kept the prep branch's b4 tracking: $(cd "$DIR" && b4 prep --show-info 2>/dev/null |
		sed -n -e 's/^change-id: /change-id /p' -e 's/^revision: /revision v/p' | paste -sd' ')"
else
	"${G[@]}" checkout -q -B "$SEND_BRANCH" "$WORK_BRANCH"
	(cd "$DIR" && b4 -q prep -e "$BASE") || die "b4 prep -e $BASE failed"
	info "new prep branch: b4 gave it $(cd "$DIR" && b4 prep --show-info 2>/dev/null |
		sed -n 's/^change-id: /change-id /p')"
fi
cover=$("${G[@]}" rev-list "$BASE..HEAD" | tail -n 1)
# The key this run records: with the tracking the branch now has (a new
# prep branch's, the first time), which is what the next dry run and
# make send find.
KEY=$(send_key "$("${G[@]}" log -1 --format=%B "$cover" | sed -n "/$TRACK/,\$p")")

info "cover letter from ${PATCH_DIR#"$REPO"/}/0000-cover-letter.patch"
(cd "$DIR" && GUP_COVER="$PATCH_DIR/0000-cover-letter.patch" \
	GUP_SENDER="$sname <$semail>" EDITOR="python3 $REPO/tools/b4-cover.py" \
	b4 -q prep --edit-cover) || die "b4 prep --edit-cover failed"
cover=$("${G[@]}" rev-list "$BASE..HEAD" | tail -n 1)

info "re-signing $N patches as $sname <$semail>"
(cd "$DIR" && GUP_PLACEHOLDER="$PLACEHOLDER" git rebase -q --exec "$REPO/tools/resign.sh" "$cover" >"$CACHE_DIR/send-resign.log" 2>&1) ||
	{ cat "$CACHE_DIR/send-resign.log" >&2; false; } ||
	die "re-signing the patches failed"

info "To/Cc from MAINTAINERS (b4 prep --auto-to-cc)"
(cd "$DIR" && b4 -q prep --auto-to-cc >/dev/null) || die "b4 prep --auto-to-cc failed"

if [ "$MODE" = send ]; then
	banner "send: b4 send (it shows the messages and asks before sending)"
	(cd "$DIR" && b4 send) || die "b4 send failed or was cancelled"
	exit 0
fi

rm -rf "$SEND_DIR"
(cd "$DIR" && b4 -q send --no-sign -o "$SEND_DIR" >/dev/null) || die "b4 send -o $SEND_DIR failed"

banner "send dry-run: checking the messages in $SEND_DIR"
python3 "$REPO/tools/send-check.py" "$SEND_DIR" "$N" "$PLACEHOLDER" ||
	die "the messages in $SEND_DIR are not what should go out (see above)"

AM_TREE=$(mktemp -d -u "$CACHE_DIR/send-am.XXXXXX")
"${G[@]}" worktree add -q --detach "$AM_TREE" "$BASE"
msgs=("$SEND_DIR"/*.eml)
git -C "$AM_TREE" am -q "${msgs[@]:1}" ||
	die "the messages in $SEND_DIR do not apply with git am onto $BASE"
want=$("${G[@]}" rev-parse "$WORK_BRANCH^{tree}")
got=$(git -C "$AM_TREE" rev-parse "HEAD^{tree}")
[ "$want" = "$got" ] ||
	die "git am of the messages gives tree $got, the series gives $want"
info "git am of the ${#msgs[@]} messages' $N patches onto ${BASE:0:12}: the series' tree (${want:0:12})"
banner "send dry-run: $((N + 1)) messages in $SEND_DIR, ready"
step_record send-dry-run "$KEY" "passed $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "$KEY" >"$SEND_DIR/.key"
