// SPDX-License-Identifier: GPL-2.0
/*
 * uffd KIND CASE: what fork() does to private memory that userfaultfd
 * write-protects (uffd-wp).  KIND is anon (MAP_PRIVATE anonymous memory)
 * or hugetlb (MAP_PRIVATE anonymous huge pages); the memory is written
 * first, so that it is mapped.
 *
 * fork        The userfaultfd has no UFFD_FEATURE_EVENT_FORK: the child's
 *             mapping has no uffd-wp, so its page must not be marked
 *             write-protected in its /proc/self/pagemap, and its first
 *             write must complete.  Prints "ok", "wp-bit" (the write
 *             completed, the bit was there), or "hang" (the write had
 *             not completed after HANG_SECONDS: the child was killed).
 * event-lost  With EVENT_FORK, and the userfaultfd taken (pidfd_getfd())
 *             by a monitor process that then holds the only reference and
 *             exits without reading the fork event: the child's context
 *             is dropped, so its page must not stay write-protected.
 *             Prints what "fork" prints.
 * event-read  The same with a monitor that reads the fork event and
 *             waits for a write fault on the child's userfaultfd: the
 *             child keeps its protection and its write is a userfault,
 *             which the monitor resolves.  Prints "trapped",
 *             "not-trapped" (the write went through), or "hang".
 * pin-fork    event-read after a writable long-term pin through
 *             gup_test: fork copies the pinned page for the child at
 *             once, and the copy must stay write-protected.  Prints what
 *             event-read prints, or "not-copied" when the child maps the
 *             parent's page (then the case tested nothing).
 *
 * unshare     A child keeps the page shared (fork() without EVENT_FORK),
 *             and a read-only long-term pin makes GUP unshare it: the
 *             parent's exclusive copy must still be write-protected, so
 *             its next write is a userfault that a monitor process sees.
 *             Prints "trapped", "not-trapped" or "not-unshared".
 * unprotect   KIND shmem only (a MAP_SHARED memfd page): with soft-dirty
 *             tracking restarted (clear_refs 4), protect the page with
 *             uffd-wp, unprotect it, write it: the write must still be
 *             seen, i.e. the page must be soft-dirty in pagemap.  Prints
 *             "soft-dirty" or "clean".
 * pin-armed   KIND shmem only: register the memfd page with userfaultfd in
 *             write-protect mode (uffd-wp armed, the page left writable)
 *             and take a writable long-term pin through gup_test.  Prints
 *             "ok" or the errno's name.
 *
 * uffd-wp exists on x86_64 only in 6.1 (HAVE_ARCH_USERFAULTFD_WP): on
 * other architectures the program skips, saying so.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
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
/* The child's verdicts, as its exit status. */
enum { CHILD_OK, CHILD_WP_BIT, CHILD_NO_WP_BIT, CHILD_NOT_COPIED,
       CHILD_PAGEMAP };

/*
 * What the monitor process needs: the range, what to do, and the number
 * of the parent's userfaultfd, which it takes with pidfd_getfd() (the
 * e2e kernel has no sockets to pass it with SCM_RIGHTS).
 */
enum monitor_mode {
	MON_LOSE_EVENT,		/* exit once the fork event is pending */
	MON_CHILD_FAULT,	/* read it, wait for the child's WP fault */
	MON_FAULT,		/* wait for a WP fault on this userfaultfd */
};

struct monitor_job {
	uint64_t addr, size;
	int mode, fd;
};

/* The parent's end: pipes to[1] (jobs) and from[0] (replies). */
static int to_mon[2], from_mon[2];

static void send_fd(int fd, struct monitor_job *job)
{
	char ack;

	job->fd = fd;
	if (write(to_mon[1], job, sizeof(*job)) != sizeof(*job))
		e2e_setup_fail("write-job");
	if (read(from_mon[0], &ack, 1) != 1 || ack != 'G') {
		errno = 0;
		e2e_setup_fail("monitor-pidfd_getfd");
	}
}

static int recv_fd(struct monitor_job *job)
{
	int pidfd, fd;

	if (read(to_mon[0], job, sizeof(*job)) != sizeof(*job))
		return -1;
	pidfd = syscall(__NR_pidfd_open, getppid(), 0);
	if (pidfd < 0)
		return -1;
	fd = syscall(__NR_pidfd_getfd, pidfd, job->fd, 0);
	close(pidfd);
	if (fd >= 0 && write(from_mon[1], "G", 1) != 1)
		return -1;
	return fd;
}

/*
 * The monitor: take the parent's userfaultfd and do what job.mode says.
 * MON_LOSE_EVENT: exit, once the fork event is pending, without reading
 * it (the only reference goes).  MON_CHILD_FAULT: read it, and wait on
 * the child's userfaultfd.  MON_FAULT: wait on the parent's.  Waiting:
 * for a write fault on a write-protected page; report it (one byte: 'T'
 * trapped, 'N' no such fault within HANG_SECONDS) and resolve it.
 */
static void monitor_process(void)
{
	struct pollfd pfd = { .events = POLLIN };
	struct uffdio_writeprotect wp = { 0 };
	struct monitor_job job;
	struct uffd_msg msg;
	char verdict = 'N';
	int fd;

	fd = recv_fd(&job);
	if (fd < 0)
		_exit(1);
	pfd.fd = fd;
	if (job.mode != MON_FAULT) {
		if (poll(&pfd, 1, HANG_SECONDS * 1000) != 1 || pfd.revents != POLLIN)
			_exit(1);
		if (job.mode == MON_LOSE_EVENT)
			_exit(0);
		if (read(fd, &msg, sizeof(msg)) != sizeof(msg) ||
		    msg.event != UFFD_EVENT_FORK)
			_exit(1);
		pfd.fd = fd = msg.arg.fork.ufd;
	}
	if (poll(&pfd, 1, HANG_SECONDS * 1000) == 1 && pfd.revents == POLLIN &&
	    read(fd, &msg, sizeof(msg)) == sizeof(msg) &&
	    msg.event == UFFD_EVENT_PAGEFAULT &&
	    (msg.arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_WP))
		verdict = 'T';
	if (write(from_mon[1], &verdict, 1) != 1)
		_exit(1);
	/* Let the faulting write go through. */
	wp.range.start = job.addr;
	wp.range.len = job.size;
	ioctl(fd, UFFDIO_WRITEPROTECT, &wp);
	_exit(0);
}

/* Fork, let the child run @fn, and return its verdict (-1: timeout). */
static int run_child(int (*fn)(char *, uint64_t), char *addr, uint64_t pfn)
{
	int status;
	pid_t pid;

	pid = e2e_fork();
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
	uint64_t ent = e2e_pagemap(addr);

	(void)pfn;
	if (!(ent & E2E_PM_PRESENT))
		return CHILD_PAGEMAP;
	*(volatile char *)addr = 'C';
	return ent & E2E_PM_UFFD_WP ? CHILD_WP_BIT : CHILD_OK;
}

static int child_pin_fork(char *addr, uint64_t pfn)
{
	uint64_t ent = e2e_pagemap(addr);

	if (!(ent & E2E_PM_PRESENT) || !(ent & E2E_PM_PFN_MASK))
		return CHILD_PAGEMAP;
	if ((ent & E2E_PM_PFN_MASK) == pfn)
		return CHILD_NOT_COPIED;
	return child_fork(addr, pfn);
}

/* A written page of a MAP_SHARED memfd mapping. */
static char *memfd_page(void)
{
	struct e2e_map m;

	e2e_map("memfd-shared", page_size, 'S', &m);
	return m.addr;
}

/* The unprotect case: does the write after uffd-wp is lifted count? */
static void unprotect(void)
{
	struct uffdio_writeprotect wp = { 0 };
	char *addr = memfd_page();
	int uffd, cr;

	cr = open("/proc/self/clear_refs", O_WRONLY);
	if (cr < 0 || write(cr, "4", 1) != 1)
		e2e_setup_fail("clear_refs");
	close(cr);
	if (e2e_pagemap(addr) & E2E_PM_SOFT_DIRTY)
		e2e_setup_fail("still-soft-dirty");
	uffd = e2e_uffd_open(0);
	e2e_uffd_protect(uffd, addr, page_size);
	wp.range.start = (uintptr_t)addr;
	wp.range.len = page_size;
	if (ioctl(uffd, UFFDIO_WRITEPROTECT, &wp))
		e2e_setup_fail("UFFDIO_WRITEPROTECT-off");
	*(volatile char *)addr = 'W';
	printf("%s\n", e2e_pagemap(addr) & E2E_PM_SOFT_DIRTY ? "soft-dirty" : "clean");
	exit(0);
}

/*
 * The pin-armed case: uffd-wp armed on a shared memfd mapping (registered
 * in write-protect mode, the page itself left writable) makes the VMA
 * want write notification, but shmem needs no dirty tracking, so a
 * writable long-term pin must still be taken.
 */
static void pin_armed(void)
{
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_WP };
	struct pin_longterm_test args = {
		.flags = PIN_LONGTERM_TEST_FLAG_USE_WRITE,
	};
	char *addr = memfd_page();
	int uffd, gup;

	uffd = e2e_uffd_open(0);
	reg.range.start = (uintptr_t)addr;
	reg.range.len = page_size;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg))
		e2e_setup_fail("UFFDIO_REGISTER");
	gup = e2e_gup_test_fd();
	args.addr = (uintptr_t)addr;
	args.size = page_size;
	if (ioctl(gup, PIN_LONGTERM_TEST_START, &args)) {
		printf("%s\n", e2e_errname(errno));
		exit(0);
	}
	if (ioctl(gup, PIN_LONGTERM_TEST_STOP))
		e2e_setup_fail("PIN_LONGTERM_TEST_STOP");
	printf("ok\n");
	exit(0);
}

static const char *fork_verdict(int ret)
{
	return ret < 0 ? "hang" : ret == CHILD_OK ? "ok" :
	       ret == CHILD_WP_BIT ? "wp-bit" : "child-pagemap";
}

static const char *trap_verdict(int ret, char verdict)
{
	if (ret < 0)
		return "hang";
	if (ret == CHILD_NOT_COPIED)
		return "not-copied";
	if (ret == CHILD_PAGEMAP)
		return "child-pagemap";
	if (verdict != 'T')
		return "not-trapped";
	return ret == CHILD_WP_BIT ? "trapped" : "trapped-without-bit";
}

/*
 * The unshare case: fork a child that only keeps the page shared, take
 * a read-only pin (GUP unshares: the parent gets an exclusive copy),
 * then write: the copy must still be write-protected.  The child is
 * gone when this returns; prints the verdict.
 */
static void unshare(char *addr, uint64_t pfn, struct monitor_job *job)
{
	struct pin_longterm_test args = { .addr = (uintptr_t)addr,
					  .size = page_size };
	int gup = e2e_gup_test_fd(), hold[2], status;
	char verdict;
	pid_t sharer;

	if (pipe(hold))
		e2e_setup_fail("pipe");
	fflush(stdout);
	sharer = fork();
	if (sharer < 0)
		e2e_setup_fail("fork");
	if (!sharer) {
		close(hold[1]);
		/* Keep the page shared until the parent closes the pipe. */
		_exit(read(hold[0], &verdict, 1) < 0);
	}
	close(hold[0]);
	if (ioctl(gup, PIN_LONGTERM_TEST_START, &args))
		e2e_setup_fail("PIN_LONGTERM_TEST_START");
	if ((e2e_pagemap(addr) & E2E_PM_PFN_MASK) == pfn) {
		printf("not-unshared\n");
		exit(0);
	}
	job->mode = MON_FAULT;
	send_fd(job->fd, job);
	*(volatile char *)addr = 'W';
	if (read(from_mon[0], &verdict, 1) != 1)
		e2e_setup_fail("monitor-verdict");
	close(hold[1]);
	waitpid(sharer, &status, 0);
	if (ioctl(gup, PIN_LONGTERM_TEST_STOP))
		e2e_setup_fail("PIN_LONGTERM_TEST_STOP");
	printf("%s\n", verdict == 'T' ? "trapped" : "not-trapped");
	exit(0);
}

int main(int argc, char **argv)
{
	struct pin_longterm_test args = { 0 };
	int pin_fork, event, uffd, gup = -1, ret, hugetlb, status;
	size_t size = page_size;
	struct monitor_job job;
	struct utsname u;
	char verdict = 0;
	pid_t mon = -1;
	uint64_t pfn;
	char *addr;

	if (argc == 3 && !strcmp(argv[1], "shmem") &&
	    (!strcmp(argv[2], "unprotect") || !strcmp(argv[2], "pin-armed"))) {
		if (uname(&u) || strcmp(u.machine, "x86_64"))
			e2e_skip("uffd-wp is x86_64-only in 6.1 (HAVE_ARCH_USERFAULTFD_WP)");
		if (!strcmp(argv[2], "unprotect"))
			unprotect();
		pin_armed();
	}
	if (argc != 3 || (strcmp(argv[1], "anon") && strcmp(argv[1], "hugetlb")) ||
	    (strcmp(argv[2], "fork") && strcmp(argv[2], "pin-fork") &&
	     strcmp(argv[2], "event-lost") && strcmp(argv[2], "event-read") &&
	     strcmp(argv[2], "unshare"))) {
		fprintf(stderr, "usage: uffd anon|hugetlb fork|event-lost|event-read|pin-fork|unshare\n"
			"       uffd shmem unprotect|pin-armed\n");
		return 2;
	}
	hugetlb = !strcmp(argv[1], "hugetlb");
	pin_fork = !strcmp(argv[2], "pin-fork");
	/* Every case but "fork" has a monitor process. */
	event = strcmp(argv[2], "fork");
	if (uname(&u) || strcmp(u.machine, "x86_64"))
		e2e_skip("uffd-wp is x86_64-only in 6.1 (HAVE_ARCH_USERFAULTFD_WP)");
	if (event) {
		/* The monitor, forked before there is anything to copy. */
		if (pipe(to_mon) || pipe(from_mon))
			e2e_setup_fail("pipe");
		fflush(stdout);
		mon = fork();
		if (mon < 0)
			e2e_setup_fail("fork-monitor");
		if (!mon)
			monitor_process();
	}

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
	pfn = e2e_pagemap(addr) & E2E_PM_PFN_MASK;
	uffd = e2e_uffd_open(event && strcmp(argv[2], "unshare") ?
			     UFFD_FEATURE_EVENT_FORK : 0);
	e2e_uffd_protect(uffd, addr, size);
	if (!(e2e_pagemap(addr) & E2E_PM_UFFD_WP))
		e2e_setup_fail("parent-not-protected");

	if (!event) {
		printf("%s\n", fork_verdict(run_child(child_fork, addr, pfn)));
		return 0;
	}

	job.addr = (uintptr_t)addr;
	job.size = size;
	if (!strcmp(argv[2], "unshare")) {
		job.fd = uffd;
		unshare(addr, pfn, &job);
	}
	job.mode = strcmp(argv[2], "event-lost") ? MON_CHILD_FAULT : MON_LOSE_EVENT;
	send_fd(uffd, &job);
	close(uffd);	/* the monitor holds the only reference now */
	ret = run_child(pin_fork ? child_pin_fork : child_fork, addr, pfn);
	if (waitpid(mon, &status, 0) != mon || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		errno = 0;
		e2e_setup_fail("monitor");
	}
	if (pin_fork && ioctl(gup, PIN_LONGTERM_TEST_STOP))
		e2e_setup_fail("PIN_LONGTERM_TEST_STOP");
	if (job.mode == MON_LOSE_EVENT) {
		printf("%s\n", fork_verdict(ret));
		return 0;
	}
	if (read(from_mon[0], &verdict, 1) != 1)
		e2e_setup_fail("monitor-verdict");
	printf("%s\n", trap_verdict(ret, verdict));
	return 0;
}
