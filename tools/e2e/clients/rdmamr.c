// SPDX-License-Identifier: GPL-2.0
/*
 * rdmamr DEVICE KIND ACCESS: a user of Debian's libibverbs, as RDMA
 * applications are.  Maps 4 pages of KIND (anon, memfd, ext4-private,
 * ext4-shared: a file in $RDMAMR_DIR, /mnt by default), registers them
 * as a memory region of DEVICE (rxe0: soft-RoCE) with ibv_reg_mr() and
 * ACCESS
 *
 *   ro   IBV_ACCESS_REMOTE_READ: a read-only MR (no LOCAL_WRITE)
 *   rw   IBV_ACCESS_LOCAL_WRITE | REMOTE_WRITE | REMOTE_READ
 *
 * then moves data through it over a loopback RC connection of two
 * queue pairs of the device: an RDMA WRITE into it (rw only), checked
 * through the process's own mapping, and an RDMA READ from it, checked
 * against the mapping.  Prints what ibv_reg_mr() gave ("ok" or the
 * errno's name) and, after a registration, the data check; the last
 * line is "ok", the errno's name, or "data:<what went wrong>".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <infiniband/verbs.h>

#define NR_PAGES 4

static size_t len;

/* The errno's symbolic name, "EFAULT" for EFAULT (glibc 2.32). */
static const char *errname(int err)
{
	const char *name = strerrorname_np(err);

	return name ? name : "unknown-errno";
}

static void die(const char *what, int err)
{
	printf("setup:%s:%s\n", what, errname(err));
	exit(0);
}

static char *map_kind(const char *kind)
{
	const char *dir = getenv("RDMAMR_DIR") ? getenv("RDMAMR_DIR") : "/mnt";
	int flags = MAP_SHARED, fd = -1;
	char path[256];
	char *p;

	if (!strcmp(kind, "anon")) {
		flags = MAP_PRIVATE | MAP_ANONYMOUS;
	} else if (!strcmp(kind, "memfd")) {
		fd = memfd_create("rdmamr", 0);
	} else if (!strcmp(kind, "ext4-private") || !strcmp(kind, "ext4-shared")) {
		snprintf(path, sizeof(path), "%s/rdmamr-%d", dir, (int)getpid());
		fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
		unlink(path);
		if (kind[5] == 'p')
			flags = MAP_PRIVATE;
	} else {
		die("kind", EINVAL);
	}
	if (flags != (MAP_PRIVATE | MAP_ANONYMOUS) && (fd < 0 || ftruncate(fd, len)))
		die("file", errno);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, fd, 0);
	if (p == MAP_FAILED)
		die("mmap", errno);
	memset(p, 'M', len);
	if (fd >= 0 && flags == MAP_SHARED && msync(p, len, MS_SYNC))
		die("msync", errno);
	return p;
}

static struct ibv_qp *make_qp(struct ibv_pd *pd, struct ibv_cq *cq)
{
	struct ibv_qp_init_attr a = {
		.send_cq = cq, .recv_cq = cq, .qp_type = IBV_QPT_RC,
		.cap = { .max_send_wr = 4, .max_recv_wr = 4,
			 .max_send_sge = 1, .max_recv_sge = 1 },
		.sq_sig_all = 1,
	};
	struct ibv_qp *qp = ibv_create_qp(pd, &a);

	if (!qp)
		die("ibv_create_qp", errno);
	return qp;
}

/*
 * The port's GID of an IPv4 address (::ffff:a.b.c.d): RoCE v2 over IPv4.
 * The default GID (index 0, link-local IPv6) needs IPv6, which the guest
 * kernel does without.
 */
static int ipv4_gid(struct ibv_context *ctx, union ibv_gid *gid)
{
	static const unsigned char v4mapped[12] = { [10] = 0xff, [11] = 0xff };
	int i;

	for (i = 0; i < 16; i++)
		if (!ibv_query_gid(ctx, 1, i, gid) &&
		    !memcmp(gid->raw, v4mapped, sizeof(v4mapped)))
			return i;
	die("no-ipv4-gid", ENODEV);
	return -1;
}

/* RESET -> INIT -> RTR -> RTS, towards @dest on the same port (loopback). */
static void connect_qp(struct ibv_qp *qp, uint32_t dest, union ibv_gid *gid, int gid_index)
{
	struct ibv_qp_attr a;
	int err;

	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_INIT;
	a.port_num = 1;
	a.qp_access_flags = IBV_ACCESS_REMOTE_READ | IBV_ACCESS_REMOTE_WRITE;
	err = ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_PKEY_INDEX | IBV_QP_PORT |
			    IBV_QP_ACCESS_FLAGS);
	if (err)
		die("qp-init", err);

	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTR;
	a.path_mtu = IBV_MTU_1024;
	a.dest_qp_num = dest;
	a.max_dest_rd_atomic = 1;
	a.min_rnr_timer = 12;
	a.ah_attr.is_global = 1;
	a.ah_attr.grh.dgid = *gid;
	a.ah_attr.grh.sgid_index = gid_index;
	a.ah_attr.grh.hop_limit = 1;
	a.ah_attr.port_num = 1;
	err = ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_AV | IBV_QP_PATH_MTU |
			    IBV_QP_DEST_QPN | IBV_QP_RQ_PSN | IBV_QP_MAX_DEST_RD_ATOMIC |
			    IBV_QP_MIN_RNR_TIMER);
	if (err)
		die("qp-rtr", err);

	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTS;
	a.timeout = 14;
	a.retry_cnt = 7;
	a.rnr_retry = 7;
	a.max_rd_atomic = 1;
	err = ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_TIMEOUT | IBV_QP_RETRY_CNT |
			    IBV_QP_RNR_RETRY | IBV_QP_SQ_PSN | IBV_QP_MAX_QP_RD_ATOMIC);
	if (err)
		die("qp-rts", err);
}

/* One RDMA operation of @len bytes between @local and the MR; its status. */
static int rdma(struct ibv_qp *qp, struct ibv_cq *cq, enum ibv_wr_opcode op,
		struct ibv_mr *local, struct ibv_mr *mr)
{
	struct ibv_sge sge = { .addr = (uintptr_t)local->addr, .length = len,
			       .lkey = local->lkey };
	struct ibv_send_wr wr = { .sg_list = &sge, .num_sge = 1, .opcode = op,
				  .send_flags = IBV_SEND_SIGNALED }, *bad;
	struct ibv_wc wc;
	int n, tries;

	wr.wr.rdma.remote_addr = (uintptr_t)mr->addr;
	wr.wr.rdma.rkey = mr->rkey;
	if (ibv_post_send(qp, &wr, &bad))
		return -1;
	for (tries = 0; tries < 10000; tries++) {
		n = ibv_poll_cq(cq, 1, &wc);
		if (n < 0)
			return -1;
		if (n == 1)
			return wc.status;
		usleep(1000);
	}
	return -2;	/* no completion in 10 s */
}

int main(int argc, char **argv)
{
	struct ibv_device **list, *dev = NULL;
	struct ibv_mr *mr, *local;
	struct ibv_context *ctx;
	struct ibv_qp *qp1, *qp2;
	union ibv_gid gid;
	struct ibv_cq *cq;
	struct ibv_pd *pd;
	char *mem, *buf;
	int i, n, access, st, gid_index;

	if (argc != 4 || (strcmp(argv[3], "ro") && strcmp(argv[3], "rw"))) {
		fprintf(stderr, "usage: rdmamr DEVICE anon|memfd|ext4-private|ext4-shared ro|rw\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	len = NR_PAGES * sysconf(_SC_PAGESIZE);
	list = ibv_get_device_list(&n);
	for (i = 0; list && i < n; i++)
		if (!strcmp(ibv_get_device_name(list[i]), argv[1]))
			dev = list[i];
	if (!dev)
		die("no-device", ENODEV);
	ctx = ibv_open_device(dev);
	if (!ctx)
		die("ibv_open_device", errno);
	pd = ibv_alloc_pd(ctx);
	if (!pd)
		die("ibv_alloc_pd", errno);

	mem = map_kind(argv[2]);
	access = !strcmp(argv[3], "ro") ? IBV_ACCESS_REMOTE_READ :
		 IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ;
	mr = ibv_reg_mr(pd, mem, len, access);
	if (!mr) {
		printf("%s\n", errname(errno));
		return 0;
	}
	printf("ibv_reg_mr: ok\n");

	/* The other end: anonymous memory of our own, always writable. */
	buf = aligned_alloc(4096, len);
	if (!buf)
		die("alloc", ENOMEM);
	local = ibv_reg_mr(pd, buf, len, IBV_ACCESS_LOCAL_WRITE);
	if (!local)
		die("ibv_reg_mr-local", errno);
	cq = ibv_create_cq(ctx, 8, NULL, NULL, 0);
	if (!cq)
		die("ibv_create_cq", errno);
	gid_index = ipv4_gid(ctx, &gid);
	qp1 = make_qp(pd, cq);
	qp2 = make_qp(pd, cq);
	connect_qp(qp1, qp2->qp_num, &gid, gid_index);
	connect_qp(qp2, qp1->qp_num, &gid, gid_index);

	if (access & IBV_ACCESS_REMOTE_WRITE) {
		memset(buf, 'W', len);
		st = rdma(qp1, cq, IBV_WR_RDMA_WRITE, local, mr);
		if (st) {
			printf("data:RDMA WRITE completed with status %d\n", st);
			return 0;
		}
		for (i = 0; i < (int)len; i++)
			if (mem[i] != 'W') {
				printf("data:the mapping does not show the RDMA WRITE at byte %d\n", i);
				return 0;
			}
		printf("RDMA WRITE: the mapping shows the data\n");
	}
	memset(mem, 'R', len);
	memset(buf, 0, len);
	st = rdma(qp1, cq, IBV_WR_RDMA_READ, local, mr);
	if (st) {
		printf("data:RDMA READ completed with status %d\n", st);
		return 0;
	}
	if (memcmp(buf, mem, len)) {
		printf("data:the RDMA READ did not return what the mapping holds\n");
		return 0;
	}
	printf("RDMA READ: what the mapping holds\n");
	printf("ok\n");
	return 0;
}
