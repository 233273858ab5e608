# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# perftest.sh TEST [FILE]: one of Debian's perftest programs (ib_write_bw,
# ib_read_bw) as server and client over rxe0's loopback, 64 iterations
# of 64 KiB, in their own buffers (anonymous memory) or, with FILE, in
# FILE mapped with --mmap (perftest maps it MAP_SHARED and registers it
# writable: LOCAL_WRITE and the remote access the test needs).
#
# perftest says "Couldn't allocate MR" and no errno when ibv_reg_mr()
# fails; rxe says why in the kernel log ("Unable to pin memory region
# err = -14"): the last line is "ok", that errno's name, or
# perftest:<what failed>.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
test=$1
file=${2:-}
gid=$(grep -l ffff:0a09:0001 /sys/class/infiniband/rxe0/ports/1/gids/* 2>/dev/null | head -n 1)
[ -n "$gid" ] || { echo setup:no-ipv4-gid; exit 0; }
args=(-d rxe0 -x "${gid##*/}" -s 65536 -n 64 -F)
if [ -n "$file" ]; then
	dd if=/dev/zero of="$file" bs=64k count=2 status=none
	args+=(--mmap="$file")
fi
dmesg -c >/dev/null 2>&1
"$test" "${args[@]}" >/tmp/server.out 2>&1 &
server=$!
sleep 2
# The client under strace: how it maps FILE (MAP_SHARED, as said above).
timeout 120 strace -f -qq -o /tmp/client.strace -e trace=openat,mmap \
	"$test" "${args[@]}" 127.0.0.1 >/tmp/client.out 2>&1
crc=$?
if [ -n "$file" ]; then
	fd=$(sed -n "s|.*openat(.*\"$file\".*) = \([0-9]*\)$|\1|p" /tmp/client.strace | head -n 1)
	grep -E "mmap\(.*, MAP_(SHARED|PRIVATE), ${fd:-none}, " /tmp/client.strace |
		sed -n 's/.*\(MAP_SHARED\|MAP_PRIVATE\).*/client maps '"${file##*/}"' \1/p' | head -n 1
fi
wait "$server"
src=$?
sed -n -e '/^ *#bytes/{n;p}' -e '/Couldn.t\|failed\|Failed\|error/p' /tmp/client.out /tmp/server.out | head -n 6
if [ "$crc" -eq 0 ] && [ "$src" -eq 0 ]; then
	echo ok
elif grep -qs "allocate MR" /tmp/client.out /tmp/server.out; then
	e=$(dmesg | sed -n 's/.*Unable to pin memory region err = -\([0-9]*\).*/\1/p' | tail -n 1)
	dmesg | grep -m 2 'rxe' || true
	if [ -n "$e" ]; then
		python3 "$(dirname "$0")/errname.py" "$e"
	else
		echo perftest:mr-failed
	fi
else
	echo "perftest:client-exit:$crc:server-exit:$src"
fi
