// SPDX-License-Identifier: GPL-2.0
/*
 * uffd KIND CASE: what fork() does to private memory that userfaultfd
 * write-protects (uffd-wp).  KIND is anon (MAP_PRIVATE anonymous memory)
 * or hugetlb (MAP_PRIVATE anonymous huge pages); the memory is written
 * first, so that it is mapped.
 *
 * fork      The userfaultfd has no UFFD_FEATURE_EVENT_FORK: the child's
 *           mapping has no uffd-wp, so its page must not be marked
 *           write-protected in its /proc/self/pagemap, and its first
 *           write must complete.  Prints "ok", "wp-bit" (the write
 *           completed, the bit was there), or "hang" (the write had not
 *           completed after HANG_SECONDS: the child is killed).
 * pin-fork  With EVENT_FORK (a thread of the parent reads the fork
 *           event), after a writable long-term pin through gup_test:
 *           fork copies the pinned page for the child at once; the copy
 *           must stay write-protected in the child.  Prints "protected",
 *           "unprotected", or "not-copied" when the child maps the
 *           parent's page (then the case tested nothing).
 *
 * uffd-wp exists on x86_64 only in 6.1 (HAVE_ARCH_USERFAULTFD_WP): on
 * other architectures the program skips, saying so.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/userfaultfd.h>

#include "e2e.h"
#include "gup_test.h"

#define HANG_SECONDS	10
#define PM_PFN_MASK	((1ULL << 55) - 1)
#define PM_UFFD_WP	(1ULL << 57)
#define PM_PRESENT	(1ULL << 63)

/* The child's verdicts, as its exit status. */
enum { CHILD_OK, CHILD_WP_BIT, CHILD_NO_WP_BIT, CHILD_NOT_COPIED,
       CHILD_PAGEMAP };

static uint64_t pagemap(void *addr)
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

static int uffd_open(uint64_t features)
{
	struct uffdio_api api = { .api = UFFD_API, .features = features };
	int fd = syscall(__NR_userfaultfd, O_CLOEXEC);

	if (fd < 0)
		e2e_setup_fail("userfaultfd");
	if (ioctl(fd, UFFDIO_API, &api))
		e2e_setup_fail("UFFDIO_API");
	return fd;
}

static void uffd_protect(int fd, void *addr, size_t size)
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

/* Reads the parent's fork event, without which fork() does not return. */
static void *monitor(void *arg)
{
	struct uffd_msg msg;
	int fd = *(int *)arg;

	while (read(fd, &msg, sizeof(msg)) == sizeof(msg))
		if (msg.event == UFFD_EVENT_FORK)
			break;
	return NULL;
}

/* Fork, let the child run @fn, and return its verdict (-1: timeout). */
static int run_child(int (*fn)(char *, uint64_t), char *addr, uint64_t pfn)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		e2e_setup_fail("fork");
	if (!pid) {
		alarm(HANG_SECONDS);
		_exit(fn(addr, pfn));
	}
	if (waitpid(pid, &status, 0) != pid)
		e2e_setup_fail("waitpid");
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		return -1;
	if (!WIFEXITED(status)) {
		errno = 0;
		e2e_setup_fail("child-died");
	}
	return WEXITSTATUS(status);
}

static int child_fork(char *addr, uint64_t pfn)
{
	uint64_t ent = pagemap(addr);

	(void)pfn;
	if (!(ent & PM_PRESENT))
		return CHILD_PAGEMAP;
	*(volatile char *)addr = 'C';
	return ent & PM_UFFD_WP ? CHILD_WP_BIT : CHILD_OK;
}

static int child_pin_fork(char *addr, uint64_t pfn)
{
	uint64_t ent = pagemap(addr);

	if (!(ent & PM_PRESENT) || !(ent & PM_PFN_MASK))
		return CHILD_PAGEMAP;
	if ((ent & PM_PFN_MASK) == pfn)
		return CHILD_NOT_COPIED;
	return ent & PM_UFFD_WP ? CHILD_OK : CHILD_NO_WP_BIT;
}

int main(int argc, char **argv)
{
	struct pin_longterm_test args = { 0 };
	int pin_fork, uffd, gup = -1, ret, hugetlb;
	size_t size = page_size;
	struct utsname u;
	pthread_t thread;
	uint64_t pfn;
	char *addr;

	if (argc != 3 || (strcmp(argv[1], "anon") && strcmp(argv[1], "hugetlb")) ||
	    (strcmp(argv[2], "fork") && strcmp(argv[2], "pin-fork"))) {
		fprintf(stderr, "usage: uffd anon|hugetlb fork|pin-fork\n");
		return 2;
	}
	hugetlb = !strcmp(argv[1], "hugetlb");
	pin_fork = !strcmp(argv[2], "pin-fork");
	if (uname(&u) || strcmp(u.machine, "x86_64"))
		e2e_skip("uffd-wp is x86_64-only in 6.1 (HAVE_ARCH_USERFAULTFD_WP)");

	if (hugetlb) {
		size = e2e_hugepage_size();
		if (!size)
			e2e_skip("no-hugetlb");
	}
	addr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		    MAP_ANONYMOUS | (hugetlb ? MAP_HUGETLB : 0), -1, 0);
	if (addr == MAP_FAILED && hugetlb && errno == ENOMEM)
		e2e_skip("no-free-huge-pages");
	if (addr == MAP_FAILED)
		e2e_setup_fail("mmap");
	memset(addr, 'P', size);

	if (pin_fork) {
		/* Pin while writable: a write pin of a protected page faults. */
		gup = e2e_gup_test_fd();
		args.addr = (uintptr_t)addr;
		args.size = page_size;
		args.flags = PIN_LONGTERM_TEST_FLAG_USE_WRITE;
		if (ioctl(gup, PIN_LONGTERM_TEST_START, &args))
			e2e_setup_fail("PIN_LONGTERM_TEST_START");
	}
	pfn = pagemap(addr) & PM_PFN_MASK;
	uffd = uffd_open(pin_fork ? UFFD_FEATURE_EVENT_FORK : 0);
	uffd_protect(uffd, addr, size);
	if (!(pagemap(addr) & PM_UFFD_WP))
		e2e_setup_fail("parent-not-protected");

	if (!pin_fork) {
		ret = run_child(child_fork, addr, pfn);
		printf("%s\n", ret < 0 ? "hang" : ret == CHILD_OK ? "ok" :
		       ret == CHILD_WP_BIT ? "wp-bit" : "child-pagemap");
		return 0;
	}

	if (pthread_create(&thread, NULL, monitor, &uffd))
		e2e_setup_fail("pthread_create");
	ret = run_child(child_pin_fork, addr, pfn);
	pthread_join(thread, NULL);
	if (ioctl(gup, PIN_LONGTERM_TEST_STOP))
		e2e_setup_fail("PIN_LONGTERM_TEST_STOP");
	printf("%s\n", ret < 0 ? "hang" : ret == CHILD_OK ? "protected" :
	       ret == CHILD_NO_WP_BIT ? "unprotected" :
	       ret == CHILD_NOT_COPIED ? "not-copied" : "child-pagemap");
	return 0;
}
