// SPDX-License-Identifier: GPL-2.0
/*
 * bench MIB REPS: time gup_test's benchmark ioctls on MIB MiB of
 * anonymous and of shmem (memfd) memory, every page written first.
 * For each memory and operation prints
 *
 *   BENCH <memory> <operation> <ns per page, median of REPS runs>
 *
 * and "ok" last.  Operations: pin_user_pages_fast() (PIN_FAST_BENCHMARK)
 * without and with FOLL_LONGTERM, and pin_user_pages() with FOLL_LONGTERM
 * (PIN_LONGTERM_BENCHMARK), each read-only and writable (-w).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "e2e.h"
#include "gup_test.h"

#define PAGES_PER_CALL 512

static const struct op {
	const char *name;
	unsigned long cmd;
	unsigned int gup_flags;
} ops[] = {
	{ "pin-fast", PIN_FAST_BENCHMARK, 0 },
	{ "pin-fast-w", PIN_FAST_BENCHMARK, E2E_FOLL_WRITE },
	{ "pin-fast-longterm", PIN_FAST_BENCHMARK, E2E_FOLL_LONGTERM },
	{ "pin-fast-longterm-w", PIN_FAST_BENCHMARK,
	  E2E_FOLL_LONGTERM | E2E_FOLL_WRITE },
	{ "pin-longterm", PIN_LONGTERM_BENCHMARK, 0 },
	{ "pin-longterm-w", PIN_LONGTERM_BENCHMARK, E2E_FOLL_WRITE },
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void bench(int gup, const char *mem, struct e2e_map *m, int reps)
{
	double *ns = calloc(reps, sizeof(*ns));
	size_t nr = m->size / page_size, i;
	struct gup_test g;
	int r;

	if (!ns)
		e2e_setup_fail("calloc");
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		/* One run not counted: the first touches cold caches. */
		for (r = -1; r < reps; r++) {
			memset(&g, 0, sizeof(g));
			g.addr = (uintptr_t)m->addr;
			g.size = m->size;
			g.nr_pages_per_call = PAGES_PER_CALL;
			g.gup_flags = ops[i].gup_flags;
			if (ioctl(gup, ops[i].cmd, &g))
				e2e_setup_fail(ops[i].name);
			/*
			 * Everything is pinnable here; a short pin would
			 * show as a short .size (to the call's 512 pages).
			 */
			if (g.size != m->size) {
				errno = EFAULT;
				e2e_setup_fail(ops[i].name);
			}
			if (r >= 0)
				ns[r] = g.get_delta_usec * 1000.0 / nr;
		}
		qsort(ns, reps, sizeof(*ns), cmp_double);
		printf("BENCH %s %s %.2f\n", mem, ops[i].name, ns[reps / 2]);
	}
	free(ns);
}

int main(int argc, char **argv)
{
	struct e2e_map m;
	size_t size;
	int gup, reps;

	if (argc != 3) {
		fprintf(stderr, "usage: bench MIB REPS\n");
		return 2;
	}
	size = strtoul(argv[1], NULL, 0) << 20;
	reps = atoi(argv[2]);
	if (!size || reps < 1)
		return 2;
	gup = e2e_gup_test_fd();

	e2e_map("anon", size, 0, &m);
	e2e_touch(&m, 1, 'W');
	bench(gup, "anon", &m, reps);
	munmap(m.addr, m.size);

	e2e_map("memfd-shared", size, 'F', &m);
	e2e_touch(&m, 1, 'W');
	bench(gup, "shmem", &m, reps);

	printf("ok\n");
	return 0;
}
