// SPDX-License-Identifier: GPL-2.0
/*
 * ksm CASE: does MADV_UNMERGEABLE give every page its own frame again?
 * Map NR_PAGES anonymous pages of equal contents, let ksmd merge them
 * (all map one frame, read from /proc/self/pagemap), then unmerge.
 *
 * plain   nothing else: the control, on every architecture.
 * uffd-wp the range is write-protected with userfaultfd before the
 *         unmerge; the pages must come apart all the same, and stay
 *         write-protected.  uffd-wp is x86_64-only in 6.1: elsewhere
 *         the case skips, saying so.
 *
 * Prints "unmerged" (each page its own frame, contents intact and, for
 * uffd-wp, still protected), "merged" (pages still share a frame after
 * MADV_UNMERGEABLE returned 0), "wp-lost", "corrupt", or the error of
 * MADV_UNMERGEABLE.  The unmerge must finish within HANG_SECONDS (the
 * process is killed by SIGALRM otherwise, which init reports).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <linux/userfaultfd.h>

#include "e2e.h"

#define NR_PAGES	8
#define MERGE_SECONDS	30
#define HANG_SECONDS	10
#define PM_PFN_MASK	((1ULL << 55) - 1)
#define PM_UFFD_WP	(1ULL << 57)
#define KSM_SYSFS	"/sys/kernel/mm/ksm/"

static int pagemap_fd;

static uint64_t pagemap(char *addr)
{
	uint64_t ent;

	if (pread(pagemap_fd, &ent, sizeof(ent),
		  (uintptr_t)addr / page_size * sizeof(ent)) != sizeof(ent))
		e2e_setup_fail("pagemap");
	return ent;
}

static void ksm_set(const char *knob, const char *val)
{
	int fd = open(knob, O_WRONLY);

	if (fd < 0 || write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		e2e_setup_fail(knob);
	close(fd);
}

/* How many pages share their frame with page 0. */
static int sharing(char *addr)
{
	uint64_t pfn0 = pagemap(addr) & PM_PFN_MASK;
	int i, n = 0;

	for (i = 1; i < NR_PAGES; i++)
		n += pfn0 && (pagemap(addr + i * page_size) & PM_PFN_MASK) == pfn0;
	return n;
}

static int distinct(char *addr)
{
	uint64_t pfn[NR_PAGES];
	int i, j;

	for (i = 0; i < NR_PAGES; i++) {
		pfn[i] = pagemap(addr + i * page_size) & PM_PFN_MASK;
		if (!pfn[i])
			return 0;
		for (j = 0; j < i; j++)
			if (pfn[j] == pfn[i])
				return 0;
	}
	return 1;
}

static void uffd_protect(char *addr, size_t size)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)addr, .len = size },
		.mode = UFFDIO_REGISTER_MODE_WP,
	};
	struct uffdio_writeprotect wp = {
		.range = reg.range,
		.mode = UFFDIO_WRITEPROTECT_MODE_WP,
	};
	int fd = syscall(__NR_userfaultfd, O_CLOEXEC);

	if (fd < 0)
		e2e_setup_fail("userfaultfd");
	if (ioctl(fd, UFFDIO_API, &api))
		e2e_setup_fail("UFFDIO_API");
	if (ioctl(fd, UFFDIO_REGISTER, &reg))
		e2e_setup_fail("UFFDIO_REGISTER");
	if (ioctl(fd, UFFDIO_WRITEPROTECT, &wp))
		e2e_setup_fail("UFFDIO_WRITEPROTECT");
	/* The descriptor stays open: closing it would unprotect the range. */
}

int main(int argc, char **argv)
{
	size_t size = NR_PAGES * page_size;
	struct timespec nap = { 0, 100 * 1000 * 1000 };
	int uffd_wp, i, waited;
	struct utsname u;
	char *addr;

	if (argc != 2 || (strcmp(argv[1], "plain") && strcmp(argv[1], "uffd-wp"))) {
		fprintf(stderr, "usage: ksm plain|uffd-wp\n");
		return 2;
	}
	uffd_wp = !strcmp(argv[1], "uffd-wp");
	if (uffd_wp && (uname(&u) || strcmp(u.machine, "x86_64")))
		e2e_skip("uffd-wp is x86_64-only in 6.1 (HAVE_ARCH_USERFAULTFD_WP)");

	pagemap_fd = open("/proc/self/pagemap", O_RDONLY);
	if (pagemap_fd < 0)
		e2e_setup_fail("open-pagemap");
	addr = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (addr == MAP_FAILED)
		e2e_setup_fail("mmap");
	/* No THP: KSM would have to split it first. */
	madvise(addr, size, MADV_NOHUGEPAGE);
	memset(addr, 'K', size);

	ksm_set(KSM_SYSFS "pages_to_scan", "1000");
	ksm_set(KSM_SYSFS "sleep_millisecs", "10");
	ksm_set(KSM_SYSFS "run", "1");
	if (madvise(addr, size, MADV_MERGEABLE))
		e2e_setup_fail("MADV_MERGEABLE");
	for (waited = 0; sharing(addr) < NR_PAGES - 1; waited++) {
		if (waited == MERGE_SECONDS * 10) {
			errno = ETIMEDOUT;
			e2e_setup_fail("ksm-merge");
		}
		nanosleep(&nap, NULL);
	}
	ksm_set(KSM_SYSFS "run", "0");

	if (uffd_wp)
		uffd_protect(addr, size);
	alarm(HANG_SECONDS);
	if (madvise(addr, size, MADV_UNMERGEABLE)) {
		printf("%s\n", e2e_errname(errno));
		return 0;
	}
	alarm(0);

	if (!distinct(addr)) {
		printf("merged\n");
		return 0;
	}
	for (i = 0; i < NR_PAGES; i++)
		if (uffd_wp && !(pagemap(addr + i * page_size) & PM_UFFD_WP)) {
			printf("wp-lost\n");
			return 0;
		}
	for (i = 0; i < (int)size; i++)
		if (addr[i] != 'K') {
			printf("corrupt\n");
			return 0;
		}
	printf("unmerged\n");
	return 0;
}
