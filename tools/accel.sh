#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# accel.sh BUILD_DIR: print the QEMU accelerator to run x86_64 test kernels
# with: "kvm" if KVM boots our kernel here, "tcg" if not, "unknown" if
# BUILD_DIR holds no kernel yet to try.  ACCEL=kvm|tcg overrides.
#
# /dev/kvm can exist on a nested hypervisor that never gets a Linux guest
# going, and a trivial real-mode guest may still run there, so the probe
# boots the kernel we built, with its tests disabled, and waits for it to
# reach the point where it looks for a root file system.  The verdict is
# kept per host kernel and QEMU version.
. "$(dirname "$0")/lib.sh"

BUILD=$1
if [ -n "${ACCEL:-}" ]; then
	echo "$ACCEL"
	exit 0
fi
if [ ! -w /dev/kvm ]; then
	echo >&2 "    accel: /dev/kvm not usable: TCG"
	echo tcg
	exit 0
fi

key="$(uname -r) $(qemu-system-x86_64 --version | head -n 1)"
verdict_file=$CACHE_DIR/accel.x86_64
if [ -f "$verdict_file" ] && [ "$(head -n 1 "$verdict_file")" = "$key" ]; then
	v=$(sed -n 2p "$verdict_file")
	echo >&2 "    accel: $v (probed before on this host: $verdict_file)"
	echo "$v"
	exit 0
fi

image=$BUILD/arch/x86/boot/bzImage
if [ ! -f "$image" ]; then
	echo unknown
	exit 0
fi

log=$(mktemp)
timeout 30 qemu-system-x86_64 -accel kvm -bios qboot.rom -nodefaults -nographic \
	-no-reboot -m 1024 -serial stdio -kernel "$image" \
	-append "console=ttyS0 kunit.enable=0 panic=-1" </dev/null >"$log" 2>&1 || true
if grep -q -e 'VFS: Unable to mount root' -e 'Kernel panic - not syncing' "$log" &&
   grep -q 'Linux version' "$log"; then
	v=kvm
else
	v=tcg
fi
echo >&2 "    accel: probed KVM by booting $image: $v ($(wc -l <"$log") console lines)"
rm -f "$log"
mkdir -p "$CACHE_DIR"
printf '%s\n%s\n' "$key" "$v" >"$verdict_file"
echo "$v"
