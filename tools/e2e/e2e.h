/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers of the e2e programs.  Each program prints what it
 * observed as its last line; /init (init.c) reports it.
 */
#ifndef E2E_H
#define E2E_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * gup_test's benchmark ioctls take raw GUP flags.  These are 6.1's values
 * (include/linux/mm.h); they differ in later kernels, which is why the
 * PIN_LONGTERM_TEST_* ioctls take flags of their own.
 */
#define E2E_FOLL_WRITE		0x01
#define E2E_FOLL_LONGTERM	0x10000
#define E2E_FOLL_FAST_ONLY	0x80000

#define GUP_TEST_PATH		"/sys/kernel/debug/gup_test"
#define E2E_DIR			"/mnt"

extern size_t page_size;

struct e2e_map {
	char *addr;
	size_t size;
	int fd;			/* the file behind the mapping, or -1 */
};

/* Print "skip:<why>" or "setup:<what>:<errno name>" and exit 0. */
void e2e_skip(const char *why) __attribute__((noreturn));
void e2e_setup_fail(const char *what) __attribute__((noreturn));

/* The errno's symbolic name, "EFAULT" for EFAULT. */
const char *e2e_errname(int err);

/*
 * Map @size bytes of @kind: ext4-shared, ext4-private, memfd-shared,
 * anon, hugetlb-shared (size is rounded up to a huge page).  A file is
 * filled with @fill first; anonymous memory is left untouched.
 */
void e2e_map(const char *kind, size_t size, char fill, struct e2e_map *m);

/* Touch every page of @m: read it, or write @val to its first byte. */
void e2e_touch(struct e2e_map *m, int write, char val);

/* An ext4 file of @size bytes filled with @fill; returns an fd (O_RDWR). */
int e2e_ext4_file(const char *name, size_t size, char fill, int flags);

/* The default huge page size, 0 without hugetlb. */
size_t e2e_hugepage_size(void);

/* fork() with stdout flushed first; a failure is a setup failure. */
pid_t e2e_fork(void);

/* Open the GUP test interface; a setup failure without it. */
int e2e_gup_test_fd(void);

/*
 * With a PIN_LONGTERM_TEST_START pin of @size bytes held on @gup: read
 * the pinned pages' contents (malloc()ed, for the caller to free), and
 * keep the pin (e2e_pin_read()) or unpin (e2e_pin_read_stop()).  A
 * failure of an ioctl is a setup failure.
 */
char *e2e_pin_read(int gup, size_t size);
char *e2e_pin_read_stop(int gup, size_t size);

/* Register [addr, addr + size) as an io_uring fixed buffer: 0 or -errno. */
int e2e_uring_register(void *addr, size_t size);

/* /proc/self/pagemap's bits. */
#define E2E_PM_PFN_MASK		((1ULL << 55) - 1)
#define E2E_PM_SOFT_DIRTY	(1ULL << 55)
#define E2E_PM_UFFD_WP		(1ULL << 57)
#define E2E_PM_PRESENT		(1ULL << 63)

/* The pagemap entry of @addr in this process; 0 when it cannot be read. */
uint64_t e2e_pagemap(void *addr);

/*
 * A userfaultfd with @features (O_NONBLOCK: poll() on a blocking one only
 * reports an error), and [addr, addr + size) registered with it for
 * uffd-wp and write-protected.  A failure is a setup failure.
 */
int e2e_uffd_open(uint64_t features);
void e2e_uffd_protect(int fd, void *addr, size_t size);

#endif
