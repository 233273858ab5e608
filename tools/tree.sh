#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Make sure the kernel tree exists and is a 6.1 tree we may use.
#
# Default: Debian's linux-source-6.1 at the version in tools/base.conf,
# fetched with apt-get, unpacked under $CACHE_DIR and turned into a git
# repository whose first commit is the untouched tarball, tagged
# debian/<version>.  With KERNEL_DIR=, the user's own 6.1.y git tree.
. "$(dirname "$0")/lib.sh"

import_debian_tree() {
	local dir=$1
	import_debian_source "$BASE_DEB_PACKAGE" "$BASE_DEB_VERSION" "$dir" "$DEFAULT_BASE_TAG" \
		'tools/base.conf records the base'
	git -C "$dir" config user.name "$PLACEHOLDER_NAME"
	git -C "$dir" config user.email "$PLACEHOLDER_EMAIL"
	git -C "$dir" config gupseries.base "$DEFAULT_BASE_TAG"
	git -C "$dir" config gupseries.applied "$(git -C "$dir" rev-parse HEAD)"
}

check_version() {
	local dir=$1 v
	v=$(tree_kversion "$dir")
	[ -n "$v" ] || die "$dir/Makefile does not look like a kernel Makefile"
	if is_user_tree; then
		case "$v" in
		6.1.*) ;;
		*)
			[ -n "${FORCE:-}" ] ||
				die "$dir is Linux $v, not 6.1.y: the series is for 6.1 (FORCE=1 to try anyway)"
			info "FORCE=1: using a $v tree; the series was verified on $BASE_KVERSION"
			;;
		esac
		[ "$v" = "$BASE_KVERSION" ] ||
			info "note: $dir is $v; the series was last verified on $BASE_KVERSION (Debian $BASE_DEB_VERSION); applying with 3-way fallback"
	elif [ "$v" != "$BASE_KVERSION" ]; then
		[ -n "${FORCE:-}" ] ||
			die "$dir is Linux $v but tools/base.conf says $BASE_KVERSION (Debian $BASE_DEB_VERSION) (FORCE=1 to use it anyway)"
		info "FORCE=1: using a $v tree; tools/base.conf says $BASE_KVERSION"
	fi
}

main() {
	local dir
	dir=$(kernel_dir)
	need git
	if is_user_tree; then
		[ -d "$dir" ] || die "KERNEL_DIR=$dir does not exist"
		git -C "$dir" rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
			die "KERNEL_DIR=$dir is not a git work tree (the tools apply the series with git am)"
		dir=$(git -C "$dir" rev-parse --show-toplevel)
	elif [ ! -d "$dir/.git" ]; then
		[ ! -e "$dir" ] || die "$dir exists but is not a git tree: remove it and run again"
		mkdir -p "$CACHE_DIR"
		import_debian_tree "$dir"
	fi
	check_version "$dir"
}

main "$@"
