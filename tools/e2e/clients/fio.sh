# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# fio.sh KIND: Debian's fio, io_uring with fixed (registered) buffers in
# memory of KIND: malloc (anonymous), shm (System V), mmap (a file of the
# ext4 disk, MAP_PRIVATE) or mmapshared (the same, MAP_SHARED).  A small
# verified job: 1 MiB of random 4 KiB O_DIRECT writes to a file of the
# ext4 disk, each block read back and checked (crc32c) afterwards.
#
# fio registers the buffers once (io_uring_register(IORING_REGISTER_BUFFERS))
# before any I/O and does not fall back when that fails: it stops the
# job with "err=N/..., func=io_queue_init" (td_verror).  The last line is
# "ok" when the job ran and verified, the errno's name (EFAULT) when the
# registration or an I/O failed, or fio:exit:N.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
case "${1:-}" in
malloc | shm) iomem=$1 ;;
mmap | mmapshared) iomem=$1:/mnt/fio-$1.buf ;;
*) echo "usage: fio.sh malloc|shm|mmap|mmapshared"; exit 2 ;;
esac
# fio sizes the file of a private mapping itself (ftruncate()), but maps
# that of a shared one as it finds it: give it the size of the buffers.
[ "$1" != mmapshared ] || truncate -s 1M /mnt/fio-mmapshared.buf || { echo setup:truncate; exit 0; }
out=$(fio --name=fixedbufs --ioengine=io_uring --fixedbufs --iomem="$iomem" \
	--filename=/mnt/fio.dat --size=1M --bs=4k --iodepth=4 --direct=1 \
	--rw=randwrite --verify=crc32c --do_verify=1 2>&1)
rc=$?
printf '%s\n' "$out" | grep -E 'err=|error|verify|WRITE:|READ:' | head -n 8
err=$(printf '%s\n' "$out" | sed -n 's/.*err= *\([0-9][0-9]*\).*/\1/p' | head -n 1)
# A job that ran prints "err= 0"; one that failed "err=N/...".
if [ "$rc" -eq 0 ] && [ "${err:-0}" = 0 ]; then
	echo ok
elif [ -n "$err" ] && [ "$err" != 0 ]; then
	python3 "$(dirname "$0")/errname.py" "$err"
else
	echo "fio:exit:$rc"
fi
