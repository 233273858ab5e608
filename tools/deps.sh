#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make deps: install every Debian package the tools call.  Installs only
# what is missing, so it is cheap to run again.
. "$(dirname "$0")/lib.sh"

PACKAGES=(
	# building the kernels
	make gcc libc6-dev flex bison bc libelf-dev libssl-dev ccache
	cpio kmod xz-utils perl python3 git
	gcc-aarch64-linux-gnu gcc-s390x-linux-gnu
	# make e2e: static user-space programs for the three arches, and
	# the guest's ext4 disk image
	libc6-dev-arm64-cross libc6-dev-s390x-cross e2fsprogs
	# running them
	qemu-system-x86 qemu-system-arm qemu-system-misc
	# the series and its checks
	quilt b4 sparse coccinelle
	# some coccinelle scripts are OCaml: spatch needs the compiler
	ocaml-nox
	# checkpatch.pl runs scripts/spdxcheck.py, which needs these
	python3-ply python3-git
	# make report's plots; the workbench's own checks (make test)
	python3-matplotlib mypy shellcheck
	# make kselftest: the base's vm selftests, static, and the shell and
	# commands its run_vmtests.sh needs in the guest
	libnuma-dev libcap-dev bash-static busybox-static
	# make soak: Debian's stress-ng in the guest
	stress-ng
	# the real clients (tools/e2e/clients/): fio over io_uring, and
	# rdma-core with its providers, tools and perftest over soft-RoCE;
	# libibverbs-dev builds our own verbs client; strace shows how
	# perftest maps its file
	fio rdma-core ibverbs-providers ibverbs-utils perftest iproute2 libibverbs-dev strace
)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done

banner "deps: ${#PACKAGES[@]} Debian packages needed, ${#missing[@]} missing"
if [ ${#missing[@]} -eq 0 ]; then
	info "all installed"
	exit 0
fi
info "installing: ${missing[*]}"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
command -v apt-get >/dev/null || die "apt-get not found: this needs a Debian system"
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"; then
	info "install failed; refreshing the package lists and retrying"
	$SUDO apt-get update -q || die "apt-get update failed"
	$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" ||
		die "apt-get install failed for: ${missing[*]}"
fi
info "installed ${#missing[@]} package(s)"
