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
#define KSM_SYSFS	"/sys/kernel/mm/ksm/"

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
	uint64_t pfn0 = e2e_pagemap(addr) & E2E_PM_PFN_MASK;
	int i, n = 0;

	for (i = 1; i < NR_PAGES; i++)
		n += pfn0 && (e2e_pagemap(addr + i * page_size) & E2E_PM_PFN_MASK) == pfn0;
	return n;
}

static int distinct(char *addr)
{
	uint64_t pfn[NR_PAGES];
	int i, j;

	for (i = 0; i < NR_PAGES; i++) {
		pfn[i] = e2e_pagemap(addr + i * page_size) & E2E_PM_PFN_MASK;
		if (!pfn[i])
			return 0;
		for (j = 0; j < i; j++)
			if (pfn[j] == pfn[i])
				return 0;
	}
	return 1;
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

	if (!(e2e_pagemap(&size) & E2E_PM_PRESENT))
		e2e_setup_fail("pagemap");
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

	/* The descriptor stays open: closing it would unprotect the range. */
	if (uffd_wp)
		e2e_uffd_protect(e2e_uffd_open(0), addr, size);
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
		if (uffd_wp && !(e2e_pagemap(addr + i * page_size) & E2E_PM_UFFD_WP)) {
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
