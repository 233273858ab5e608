# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# make clients, first row: the guest's network and soft-RoCE device.
# A veth pair (veth0 10.9.0.1, its peer up), rxe0 on veth0, and the
# versions of the clients that run, from the host's dpkg database.
# Last line: "ok" or "setup:<what failed>".
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
ip link set lo up || { echo setup:lo; exit 0; }
ip link add veth0 type veth peer name veth1 || { echo setup:veth; exit 0; }
ip addr add 10.9.0.1/24 dev veth0 || { echo setup:address; exit 0; }
ip link set veth1 up && ip link set veth0 up || { echo setup:link-up; exit 0; }
rdma link add rxe0 type rxe netdev veth0 || { echo setup:rdma-link; exit 0; }
# The GID of 10.9.0.1 (::ffff:10.9.0.1) comes from a notifier: wait.
for _ in $(seq 50); do
	grep -qs ffff:0a09:0001 /sys/class/infiniband/rxe0/ports/1/gids/* && break
	sleep 0.2
done
grep -qs ffff:0a09:0001 /sys/class/infiniband/rxe0/ports/1/gids/* || { echo setup:no-ipv4-gid; exit 0; }
echo "clients: $(fio --version) $(dpkg-query -W -f '${Package} ${Version} ' rdma-core ibverbs-providers perftest iproute2)"
echo ok
