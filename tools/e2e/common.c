// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <linux/io_uring.h>
#include <linux/userfaultfd.h>

#include "e2e.h"
#include "gup_test.h"

size_t page_size;

static void __attribute__((constructor)) e2e_init(void)
{
	page_size = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
}

void e2e_skip(const char *why)
{
	printf("skip:%s\n", why);
	exit(0);
}

void e2e_setup_fail(const char *what)
{
	printf("setup:%s:%s\n", what, e2e_errname(errno));
	exit(0);
}

const char *e2e_errname(int err)
{
	static char buf[16];

	switch (err) {
	case EFAULT: return "EFAULT";
	case EINVAL: return "EINVAL";
	case ENOMEM: return "ENOMEM";
	case ENOTTY: return "ENOTTY";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ENOENT: return "ENOENT";
	case ENODEV: return "ENODEV";
	case EBUSY: return "EBUSY";
	case EAGAIN: return "EAGAIN";
	case EIO: return "EIO";
	case ENOSYS: return "ENOSYS";
	case E2BIG: return "E2BIG";
	}
	snprintf(buf, sizeof(buf), "errno%d", err);
	return buf;
}

int e2e_ext4_file(const char *name, size_t size, char fill, int flags)
{
	struct statfs st;
	char path[256];
	char *buf;
	int fd;

	/* Not on ext4 (the disk did not mount): the test would be void. */
	if (statfs(E2E_DIR, &st) || st.f_type != 0xEF53) {
		errno = ENODEV;
		e2e_setup_fail("no-ext4-on-" E2E_DIR);
	}
	snprintf(path, sizeof(path), "%s/%s-%d", E2E_DIR, name, (int)getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | flags, 0600);
	if (fd < 0)
		e2e_setup_fail("open-ext4-file");
	unlink(path);
	buf = aligned_alloc(page_size, size);
	if (!buf)
		e2e_setup_fail("alloc");
	memset(buf, fill, size);
	if (pwrite(fd, buf, size, 0) != (ssize_t)size || fsync(fd))
		e2e_setup_fail("write-ext4-file");
	free(buf);
	return fd;
}

size_t e2e_hugepage_size(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	size_t kb = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Hugepagesize: %zu kB", &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

/* Maps all @size bytes of m->fd shared, filled with @fill. */
static void map_fd_shared(struct e2e_map *m, size_t size, char fill,
			  const char *what)
{
	if (ftruncate(m->fd, size))
		e2e_setup_fail(what);
	m->addr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       m->fd, 0);
	if (m->addr != MAP_FAILED)
		memset(m->addr, fill, size);
}

void e2e_map(const char *kind, size_t size, char fill, struct e2e_map *m)
{
	int prot = PROT_READ | PROT_WRITE;

	m->fd = -1;
	m->size = size;
	if (!strcmp(kind, "ext4-shared") || !strcmp(kind, "ext4-private")) {
		m->fd = e2e_ext4_file(kind, size, fill, 0);
		m->addr = mmap(NULL, size, prot,
			       kind[5] == 's' ? MAP_SHARED : MAP_PRIVATE,
			       m->fd, 0);
	} else if (!strcmp(kind, "memfd-shared")) {
		m->fd = memfd_create("e2e", 0);
		if (m->fd < 0)
			e2e_setup_fail("memfd");
		map_fd_shared(m, size, fill, "memfd");
	} else if (!strcmp(kind, "anon")) {
		m->addr = mmap(NULL, size, prot, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);
	} else if (!strcmp(kind, "hugetlb-shared")) {
		size_t hsize = e2e_hugepage_size();

		if (!hsize)
			e2e_skip("no-hugetlb");
		m->size = size = (size + hsize - 1) / hsize * hsize;
		m->fd = memfd_create("e2e", MFD_HUGETLB);
		if (m->fd < 0)
			e2e_skip("no-hugetlb-memfd");
		if (ftruncate(m->fd, size))
			e2e_setup_fail("hugetlb-ftruncate");
		m->addr = mmap(NULL, size, prot, MAP_SHARED, m->fd, 0);
		if (m->addr == MAP_FAILED && errno == ENOMEM)
			e2e_skip("no-free-huge-pages");
		/* A fault with no huge page free would SIGBUS: check first. */
		if (m->addr != MAP_FAILED &&
		    fallocate(m->fd, 0, 0, size))
			e2e_skip("no-free-huge-pages");
		if (m->addr != MAP_FAILED)
			memset(m->addr, fill, size);
	} else if (!strcmp(kind, "secretmem")) {
#ifdef SYS_memfd_secret
		m->fd = syscall(SYS_memfd_secret, 0);
#else
		errno = ENOSYS;
#endif
		/* Not built in, or not enabled: secretmem.enable=1 on 6.1. */
		if (m->fd < 0)
			e2e_skip("no-memfd_secret");
		map_fd_shared(m, size, fill, "secretmem");
	} else {
		errno = EINVAL;
		e2e_setup_fail(kind);
	}
	if (m->addr == MAP_FAILED)
		e2e_setup_fail("mmap");
}

void e2e_touch(struct e2e_map *m, int write, char val)
{
	volatile char *p;
	size_t off;
	char sink = 0;

	for (off = 0; off < m->size; off += page_size) {
		p = m->addr + off;
		if (write)
			*p = val;
		else
			sink ^= *p;
	}
	(void)sink;
}

pid_t e2e_fork(void)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		e2e_setup_fail("fork");
	return pid;
}

int e2e_gup_test_fd(void)
{
	int fd = open(GUP_TEST_PATH, O_RDWR);

	if (fd < 0)
		e2e_setup_fail("open-gup_test");
	return fd;
}

char *e2e_pin_read(int gup, size_t size)
{
	char *copy = malloc(size);
	__u64 dst = (uintptr_t)copy;

	if (!copy)
		e2e_setup_fail("malloc");
	if (ioctl(gup, PIN_LONGTERM_TEST_READ, &dst))
		e2e_setup_fail("PIN_LONGTERM_TEST_READ");
	return copy;
}

char *e2e_pin_read_stop(int gup, size_t size)
{
	char *copy = e2e_pin_read(gup, size);

	if (ioctl(gup, PIN_LONGTERM_TEST_STOP))
		e2e_setup_fail("PIN_LONGTERM_TEST_STOP");
	return copy;
}

int e2e_uring_register(void *addr, size_t size)
{
	struct io_uring_params p;
	struct iovec iov = { .iov_base = addr, .iov_len = size };
	int ring, ret;

	memset(&p, 0, sizeof(p));
	ring = syscall(__NR_io_uring_setup, 4, &p);
	if (ring < 0)
		e2e_setup_fail("io_uring_setup");
	ret = syscall(__NR_io_uring_register, ring, IORING_REGISTER_BUFFERS,
		      &iov, 1);
	ret = ret < 0 ? -errno : 0;
	close(ring);
	return ret;
}

uint64_t e2e_pagemap(void *addr)
{
	uint64_t ent;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return 0;
	if (pread(fd, &ent, sizeof(ent),
		  (uintptr_t)addr / page_size * sizeof(ent)) != sizeof(ent))
		ent = 0;
	close(fd);
	return ent;
}

int e2e_uffd_open(uint64_t features)
{
	struct uffdio_api api = { .api = UFFD_API, .features = features };
	int fd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		e2e_setup_fail("userfaultfd");
	if (ioctl(fd, UFFDIO_API, &api))
		e2e_setup_fail("UFFDIO_API");
	return fd;
}

void e2e_uffd_protect(int fd, void *addr, size_t size)
{
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)addr, .len = size },
		.mode = UFFDIO_REGISTER_MODE_WP,
	};
	struct uffdio_writeprotect wp = {
		.range = reg.range,
		.mode = UFFDIO_WRITEPROTECT_MODE_WP,
	};

	if (ioctl(fd, UFFDIO_REGISTER, &reg))
		e2e_setup_fail("UFFDIO_REGISTER");
	if (ioctl(fd, UFFDIO_WRITEPROTECT, &wp))
		e2e_setup_fail("UFFDIO_WRITEPROTECT");
}
