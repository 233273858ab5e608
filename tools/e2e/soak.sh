# SPDX-License-Identifier: GPL-2.0
# soak.sh STRESSOR SECONDS: run by /init with Debian's static bash (make
# soak, tools/e2e.sh): Debian's stress-ng with STRESSOR, two instances,
# for SECONDS, with --verify, its files on the guest's ext4 disk (/mnt),
# POSIX shared memory on a tmpfs at /dev/shm.  Prints stress-ng's
# output, then one result line: "ok", "skip:<why>" (stress-ng's exit 3:
# not enough resources; 4: not implemented here) or "exit:N".  The
# kernel log is read by the host (tools/e2e/report.py soak).
st=$1 secs=$2
[ -e /bin/sh ] || /bin/busybox --install -s /bin
export PATH=/bin:/usr/bin
mkdir -p /dev/shm
grep -q ' /dev/shm ' /proc/mounts || mount -t tmpfs tmpfs /dev/shm
cd /mnt || { echo "setup:no /mnt"; exit 1; }
stress-ng --"$st" 2 --timeout "${secs}s" --verify --metrics-brief --temp-path /mnt 2>&1
rc=$?
case $rc in
0) echo ok ;;
3) echo "skip:stress-ng exit 3 (not enough resources)" ;;
4) echo "skip:stress-ng exit 4 (not implemented on this kernel)" ;;
*) echo "exit:$rc" ;;
esac
