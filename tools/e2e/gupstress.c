// SPDX-License-Identifier: GPL-2.0
/*
 * gupstress SECONDS: long-term pins under churn, for SECONDS.
 *
 * Pinner threads (one per CPU) go round the kinds of memory (anonymous,
 * memfd, hugetlb, ext4 MAP_PRIVATE, ext4 MAP_SHARED) and the ways to pin
 * them long-term (gup_test's PIN_LONGTERM_TEST_START through
 * pin_user_pages() and pin_user_pages_fast(), read-only and writable;
 * io_uring buffer registration).  While a pin is held, the thread forks
 * a child that writes to the range, pages it out, write-protects it and
 * makes it writable again, and after each of these writes new contents
 * through its mapping and checks that the pinned pages hold them
 * (PIN_LONGTERM_TEST_READ): a pin must keep seeing what the process maps
 * as long as the process does not replace the mapping itself.
 *
 * Churn threads map, touch, MADV_DONTNEED, MADV_PAGEOUT, mprotect(),
 * ftruncate() and unmap memory of the same kinds, fork, and trigger
 * compaction all the time through /proc/sys/vm/compact_memory (the
 * debug kernel make soak boots has PROC_SYSCTL: tools/e2e/soak-x86_64.config).
 * The summary gives how often it was written and compaction's own
 * counters over the run (/proc/vmstat: compact_stall,
 * compact_migrate_scanned, compact_isolated, with VM_EVENT_COUNTERS); a
 * run that could not trigger compaction at all, or whose compaction
 * scanned no page, fails (unless its allocations are made to fail,
 * --faults, which the write itself may then hit).
 *
 * Checked: every pin is refused exactly where the series refuses it (a
 * writable long-term pin of ext4 MAP_SHARED: EFAULT, the only refusal),
 * every check of the pinned contents agrees with the mapping, and at the
 * end no pin of ours is left: /proc/vmstat's nr_foll_pin_acquired went
 * up by as much as nr_foll_pin_released (pass --no-vmstat when other
 * programs pin at the same time; /e2e/soak.sh checks the totals after
 * everything else has stopped).
 *
 * With --faults, the allocations of its threads fail at random (each
 * marks itself for the fault injection that /e2e/soak.sh has armed:
 * /proc/thread-self/make-it-fail with the fail_page_alloc and failslab
 * task filters).  A pin may then fail cleanly (-ENOMEM, -EFAULT, -EAGAIN:
 * counted as injected), a read of the pinned pages may fail (not
 * counted as a disagreement), but a pin must still never succeed where
 * the series refuses it, the contents that can be read must agree, and
 * no pin may be left behind.
 *
 * Prints counts, then one line: "ok" or "fail:<what>".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <linux/io_uring.h>

#include "e2e.h"
#include "gup_test.h"

#define NR_PAGES	4

static const char *const kinds[] = {
	"anon", "memfd-shared", "hugetlb-shared", "ext4-private", "ext4-shared",
};
#define NR_KINDS	(sizeof(kinds) / sizeof(kinds[0]))

enum how { SLOW_RO, SLOW_W, FAST_RO, FAST_W, URING, NR_HOW };
static const char *const how_names[] = {
	"slow read-only", "slow writable", "fast read-only", "fast writable",
	"io_uring",
};

static time_t deadline;
static int have_hugetlb;
static int faults;
static atomic_long pins, refusals, checks;
static atomic_long bad_refusals, bad_pins, bad_contents, churn_ops, forks;
static atomic_long unavailable, short_of_memory, unreadable, stuck_readonly, compaction_tries;
static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;

static int over(void)
{
	return time(NULL) >= deadline;
}

/* The first few problems, on the console as they happen. */
static void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void report(const char *fmt, ...)
{
	static int n;
	va_list ap;

	pthread_mutex_lock(&report_lock);
	if (n++ < 20) {
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		putchar('\n');
	}
	pthread_mutex_unlock(&report_lock);
}

static long vmstat(const char *name)
{
	FILE *f = fopen("/proc/vmstat", "r");
	char key[64];
	long v, found = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", key, &v) == 2)
		if (!strcmp(key, name))
			found = v;
	fclose(f);
	return found;
}

static size_t kind_size(const char *kind)
{
	return strncmp(kind, "hugetlb", 7) ? NR_PAGES * page_size :
					     e2e_hugepage_size();
}

/*
 * Map memory of @kind, filled with @fill, without exiting on failure
 * (e2e_map() does): under stress-ng, memory and huge pages run short at
 * times.  Returns 0, or -1 with nothing mapped.
 */
static int gs_map(const char *kind, char fill, struct e2e_map *m)
{
	int prot = PROT_READ | PROT_WRITE, flags = MAP_SHARED;
	static atomic_int seq;
	char path[64];

	m->fd = -1;
	m->size = kind_size(kind);
	if (!strcmp(kind, "anon")) {
		m->addr = mmap(NULL, m->size, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m->addr == MAP_FAILED)
			return -1;
		memset(m->addr, fill, m->size);
		return 0;
	}
	if (!strncmp(kind, "ext4", 4)) {
		snprintf(path, sizeof(path), "%s/gupstress-%d-%d", E2E_DIR,
			 (int)getpid(), atomic_fetch_add(&seq, 1));
		m->fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
		if (m->fd < 0)
			return -1;
		unlink(path);
		if (!strcmp(kind, "ext4-private"))
			flags = MAP_PRIVATE;
	} else {
		m->fd = memfd_create("gupstress", strcmp(kind, "hugetlb-shared") ? 0 : MFD_HUGETLB);
		if (m->fd < 0)
			return -1;
	}
	/* A hugetlb fault with no huge page free would SIGBUS: allocate first. */
	if (ftruncate(m->fd, m->size) || fallocate(m->fd, 0, 0, m->size)) {
		close(m->fd);
		return -1;
	}
	m->addr = mmap(NULL, m->size, prot, flags, m->fd, 0);
	if (m->addr == MAP_FAILED) {
		close(m->fd);
		return -1;
	}
	memset(m->addr, fill, m->size);
	return 0;
}

static void gs_unmap(struct e2e_map *m)
{
	munmap(m->addr, m->size);
	if (m->fd >= 0)
		close(m->fd);
}

/* IORING_REGISTER_BUFFERS on a ring of its own: 0 or an errno. */
static int gs_uring_register(struct e2e_map *m)
{
	struct iovec iov = { .iov_base = m->addr, .iov_len = m->size };
	struct io_uring_params p;
	int ring, err = 0;

	memset(&p, 0, sizeof(p));
	ring = syscall(__NR_io_uring_setup, 4, &p);
	if (ring < 0)
		return errno;
	if (syscall(__NR_io_uring_register, ring, IORING_REGISTER_BUFFERS, &iov, 1) < 0)
		err = errno;
	close(ring);
	return err;
}

/* What the series gives: only writable pins of ext4 MAP_SHARED fail. */
static int expect_refusal(const char *kind, enum how how)
{
	return !strcmp(kind, "ext4-shared") &&
	       (how == SLOW_W || how == FAST_W || how == URING);
}

/* Do the pinned pages hold what the mapping shows? */
static int pinned_match(int gup, struct e2e_map *m)
{
	char *copy = malloc(m->size);
	struct pin_longterm_test args = { .addr = (uintptr_t)copy };
	int same;

	if (!copy)
		return -1;
	if (ioctl(gup, PIN_LONGTERM_TEST_READ, &args)) {
		free(copy);
		return -1;
	}
	same = !memcmp(copy, m->addr, m->size);
	free(copy);
	return same;
}

static void check_contents(int gup, struct e2e_map *m, const char *what,
			   const char *kind, enum how how, char val)
{
	int r;

	memset(m->addr, val, m->size);
	r = pinned_match(gup, m);
	if (r < 0 && faults) {
		/* The copy out of the pinned pages hit an injected failure. */
		atomic_fetch_add(&unreadable, 1);
		return;
	}
	atomic_fetch_add(&checks, 1);
	if (r != 1) {
		atomic_fetch_add(&bad_contents, 1);
		report("pinned contents differ from the mapping after %s: %s, %s%s",
		       what, kind, how_names[how], r < 0 ? " (read failed)" : "");
	}
}

/* A child that writes to the range and exits: COW for private memory. */
static void fork_writer(struct e2e_map *m)
{
	pid_t pid = fork();

	if (pid == 0) {
		memset(m->addr, 'c', m->size);
		_exit(0);
	}
	if (pid > 0) {
		waitpid(pid, NULL, 0);
		atomic_fetch_add(&forks, 1);
	}
}

static void pin_once(int gup, const char *kind, enum how how, char val)
{
	struct pin_longterm_test args;
	int refused, err = 0;
	struct e2e_map m;

	if (gs_map(kind, val, &m)) {
		atomic_fetch_add(&unavailable, 1);
		return;
	}

	if (how == URING) {
		err = gs_uring_register(&m);
	} else {
		args.addr = (uintptr_t)m.addr;
		args.size = m.size;
		args.flags = (how == SLOW_W || how == FAST_W ?
			      PIN_LONGTERM_TEST_FLAG_USE_WRITE : 0) |
			     (how == FAST_RO || how == FAST_W ?
			      PIN_LONGTERM_TEST_FLAG_USE_FAST : 0);
		if (ioctl(gup, PIN_LONGTERM_TEST_START, &args))
			err = errno;
	}
	if (err == ENOMEM || err == EAGAIN ||
	    (faults && err == EFAULT && !expect_refusal(kind, how))) {
		/* Short of memory, not a refusal: counted apart. */
		atomic_fetch_add(&short_of_memory, 1);
		gs_unmap(&m);
		return;
	}
	refused = err != 0;
	atomic_fetch_add(refused ? &refusals : &pins, 1);
	if (refused != expect_refusal(kind, how) ||
	    (refused && how != URING && err != EFAULT)) {
		atomic_fetch_add(refused ? &bad_refusals : &bad_pins, 1);
		report("%s, %s: %s, expected %s", kind, how_names[how],
		       refused ? e2e_errname(err) : "pinned",
		       expect_refusal(kind, how) ? "a refusal" : "a pin");
	}

	if (!refused && how != URING) {
		check_contents(gup, &m, "a write", kind, how, val + 1);
		fork_writer(&m);
		check_contents(gup, &m, "fork", kind, how, val + 2);
		madvise(m.addr, m.size, MADV_PAGEOUT);
		check_contents(gup, &m, "MADV_PAGEOUT", kind, how, val + 3);
		if (!mprotect(m.addr, m.size, PROT_READ) &&
		    mprotect(m.addr, m.size, PROT_READ | PROT_WRITE)) {
			/*
			 * Left read-only (an injected failure in the VMA
			 * code, with --faults): nothing to write through.
			 */
			atomic_fetch_add(&stuck_readonly, 1);
		} else {
			check_contents(gup, &m, "mprotect", kind, how, val + 4);
		}
		if (ioctl(gup, PIN_LONGTERM_TEST_STOP))
			report("PIN_LONGTERM_TEST_STOP: %s", e2e_errname(errno));
	}
	gs_unmap(&m);
}

/*
 * With --faults, each thread marks itself once it runs (pthread_create()
 * itself must not fail); the children it forks inherit the mark.
 */
static void fail_from_now_on(void)
{
	int fd;

	if (!faults)
		return;
	fd = open("/proc/thread-self/make-it-fail", O_WRONLY);
	if (fd < 0 || write(fd, "1", 1) != 1)
		report("make-it-fail: %s", e2e_errname(errno));
	if (fd >= 0)
		close(fd);
}

static void *pinner(void *arg)
{
	unsigned int i = (unsigned int)(uintptr_t)arg;
	int gup = e2e_gup_test_fd();

	fail_from_now_on();

	while (!over()) {
		const char *kind = kinds[i % NR_KINDS];
		enum how how = (i / NR_KINDS) % NR_HOW;

		if (have_hugetlb || strncmp(kind, "hugetlb", 7))
			pin_once(gup, kind, how, 'a' + i % 20);
		i++;
	}
	close(gup);
	return NULL;
}

static void churn_once(const char *kind, unsigned int i)
{
	struct e2e_map m;
	size_t size;

	if (gs_map(kind, 'C', &m))
		return;
	size = m.size;
	switch (i % 5) {
	case 0:
		madvise(m.addr, size, MADV_DONTNEED);
		break;
	case 1:
		madvise(m.addr, size, MADV_PAGEOUT);
		break;
	case 2:
		mprotect(m.addr + page_size, page_size, PROT_READ);
		break;
	case 3:
		/* Unmapped past the new end first: no SIGBUS for anybody. */
		if (m.fd >= 0 && size > page_size) {
			munmap(m.addr + page_size, size - page_size);
			size = page_size;
			if (ftruncate(m.fd, page_size) == 0)
				(void)!ftruncate(m.fd, NR_PAGES * page_size);
		}
		break;
	case 4:
		fork_writer(&m);
		break;
	}
	m.size = size;
	e2e_touch(&m, 0, 0);
	gs_unmap(&m);
	atomic_fetch_add(&churn_ops, 1);
}

static void *churner(void *arg)
{
	unsigned int i = (unsigned int)(uintptr_t)arg;
	int compact = open("/proc/sys/vm/compact_memory", O_WRONLY);

	fail_from_now_on();

	while (!over()) {
		const char *kind = kinds[i % NR_KINDS];

		if (have_hugetlb || strncmp(kind, "hugetlb", 7))
			churn_once(kind, i / NR_KINDS);
		if (i % 16 == 0) {
			if (compact >= 0 && write(compact, "1", 1) == 1)
				atomic_fetch_add(&compaction_tries, 1);
		}
		i++;
	}
	if (compact >= 0)
		close(compact);
	return NULL;
}

int main(int argc, char **argv)
{
	long acq0, rel0, acq, rel, stall0, scan0, iso0, scanned = 0;
	int ncpu, n, i, vm = 1;
	pthread_t t[16];

	if (argc < 2 || atoi(argv[1]) <= 0) {
		fprintf(stderr, "usage: gupstress SECONDS [--no-vmstat] [--faults]\n");
		return 2;
	}
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--no-vmstat"))
			vm = 0;
		else if (!strcmp(argv[i], "--faults"))
			faults = 1;
	}
	deadline = time(NULL) + atoi(argv[1]);
	have_hugetlb = e2e_hugepage_size() != 0;
	close(e2e_gup_test_fd());	/* a setup failure without it */
	acq0 = vmstat("nr_foll_pin_acquired");
	rel0 = vmstat("nr_foll_pin_released");
	stall0 = vmstat("compact_stall");
	scan0 = vmstat("compact_migrate_scanned");
	iso0 = vmstat("compact_isolated");

	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpu < 1)
		ncpu = 1;
	if (ncpu > 4)
		ncpu = 4;
	n = 0;
	for (i = 0; i < ncpu; i++) {
		if (pthread_create(&t[n++], NULL, pinner, (void *)(uintptr_t)(i * 7)))
			e2e_setup_fail("pthread_create");
		if (pthread_create(&t[n++], NULL, churner, (void *)(uintptr_t)(i * 3)))
			e2e_setup_fail("pthread_create");
	}
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);

	acq = vmstat("nr_foll_pin_acquired") - acq0;
	rel = vmstat("nr_foll_pin_released") - rel0;
	if (scan0 < 0) {
		printf("compaction (/proc/sys/vm/compact_memory written %ld times): no compaction counters in /proc/vmstat (VM_EVENT_COUNTERS or COMPACTION off)\n",
		       atomic_load(&compaction_tries));
	} else {
		scanned = vmstat("compact_migrate_scanned") - scan0;
		printf("compaction (/proc/sys/vm/compact_memory written %ld times): %ld stalls, %ld pages scanned to migrate, %ld isolated\n",
		       atomic_load(&compaction_tries), vmstat("compact_stall") - stall0,
		       scanned, vmstat("compact_isolated") - iso0);
	}
	printf("pins %ld, refusals %ld, content checks %ld, forks %ld, churn %ld, no memory to map %ld, pins short of memory %ld, pinned pages unreadable %ld, left read-only %ld; pinned pages acquired %ld, released %ld\n",
	       atomic_load(&pins), atomic_load(&refusals), atomic_load(&checks),
	       atomic_load(&forks), atomic_load(&churn_ops), atomic_load(&unavailable),
	       atomic_load(&short_of_memory), atomic_load(&unreadable),
	       atomic_load(&stuck_readonly), acq, rel);
	if (atomic_load(&bad_refusals) || atomic_load(&bad_pins))
		printf("fail:%ld unexpected refusals, %ld unexpected pins\n",
		       atomic_load(&bad_refusals), atomic_load(&bad_pins));
	else if (atomic_load(&bad_contents))
		printf("fail:%ld content checks disagreed\n", atomic_load(&bad_contents));
	else if (!faults && atomic_load(&stuck_readonly))
		printf("fail:mprotect() could not make a range writable again %ld times\n",
		       atomic_load(&stuck_readonly));
	else if (!atomic_load(&pins) || !atomic_load(&checks))
		printf("fail:nothing was pinned\n");
	else if (vm && (acq0 < 0 || acq != rel))
		printf("fail:pins leaked: %ld pages acquired, %ld released\n", acq, rel);
	else if (!faults && !atomic_load(&compaction_tries))
		printf("fail:compaction was never triggered (no writable /proc/sys/vm/compact_memory: PROC_SYSCTL?)\n");
	else if (!faults && scan0 >= 0 && !scanned)
		printf("fail:compaction was triggered but scanned no page to migrate\n");
	else
		printf("ok\n");
	return 0;
}
