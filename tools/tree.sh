#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Make sure the kernel tree exists and is a 6.1 tree we may use.
#
# Default: Debian's linux-source-6.1 at the version in tools/base.conf,
# fetched with apt-get, unpacked under $CACHE_DIR and turned into a git
# repository whose first commit is the untouched tarball, tagged
# debian/<version>.  With KERNEL_DIR=, the user's own 6.1.y git tree.
. "$(dirname "$0")/lib.sh"

# Fixed identity and date for the base commit, so that every machine that
# imports the same tarball gets the same commit id.
base_commit_env() {
	export GIT_AUTHOR_NAME="Debian $BASE_DEB_PACKAGE" GIT_AUTHOR_EMAIL="debian-kernel@lists.debian.org"
	export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
	export GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z"
}

import_debian_tree() {
	local dir=$1 tmp deb
	need apt-get dpkg-deb tar xz git
	mkdir -p "$CACHE_DIR/debs"
	deb="$CACHE_DIR/debs/${BASE_DEB_PACKAGE}_${BASE_DEB_VERSION}_all.deb"
	if [ ! -s "$deb" ]; then
		banner "tree: fetching $BASE_DEB_PACKAGE=$BASE_DEB_VERSION with apt-get"
		(cd "$CACHE_DIR/debs" && apt-get download -q "$BASE_DEB_PACKAGE=$BASE_DEB_VERSION" 2>&1 | grep -v '^W: Download is performed unsandboxed') ||
			(cd "$CACHE_DIR/debs" && { [ "$(id -u)" -ne 0 ] || apt-get update -q >/dev/null; } &&
			 apt-get download -q "$BASE_DEB_PACKAGE=$BASE_DEB_VERSION" 2>&1 | grep -v '^W: Download') ||
			die "could not download $BASE_DEB_PACKAGE=$BASE_DEB_VERSION with apt-get (is that version still in the archive? 'apt-cache policy $BASE_DEB_PACKAGE' lists the available ones; tools/base.conf records the base)"
		[ -s "$deb" ] || die "apt-get download did not produce $deb"
	fi

	banner "tree: unpacking $(basename "$deb") into $dir"
	# Unpack next to the final place and rename at the end, so an
	# interrupted import never leaves a half tree where the tools look.
	tmp=$(mktemp -d "$CACHE_DIR/import.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" "./usr/src/$BASE_DEB_PACKAGE.tar.xz" ||
		die "$deb holds no usr/src/$BASE_DEB_PACKAGE.tar.xz"
	tar -xJf "$tmp/usr/src/$BASE_DEB_PACKAGE.tar.xz" -C "$tmp"
	[ -f "$tmp/$BASE_DEB_PACKAGE/Makefile" ] || die "unexpected tarball layout in $deb"

	banner "tree: committing the untouched base and tagging it $DEFAULT_BASE_TAG"
	(
		cd "$tmp/$BASE_DEB_PACKAGE"
		git init -q -b "$WORK_BRANCH"
		git config core.autocrlf false
		# A repack of a kernel-sized repository must not start in the
		# middle of a test run.
		git config gc.auto 0
		# Debian's top-level .gitignore ends with "/*": it ignores
		# every top-level path.  Add with -f so the base commit is the
		# whole tarball, byte for byte, .gitignore included.
		git add -f -A .
		base_commit_env
		git commit -q -m "Debian $BASE_DEB_PACKAGE $BASE_DEB_VERSION, untouched" \
			-m "Imported from ${deb##*/} by gup-series tools/tree.sh."
		git tag "$DEFAULT_BASE_TAG"
		git config user.name "$PLACEHOLDER_NAME"
		git config user.email "$PLACEHOLDER_EMAIL"
		git config gupseries.base "$DEFAULT_BASE_TAG"
		git config gupseries.applied "$(git rev-parse HEAD)"
	)
	mv "$tmp/$BASE_DEB_PACKAGE" "$dir"
	rm -rf "$tmp"
	trap - EXIT
	info "base commit $(git -C "$dir" rev-parse --short HEAD) ($DEFAULT_BASE_TAG)"
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
	local dir base
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
