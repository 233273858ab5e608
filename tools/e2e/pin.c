// SPDX-License-Identifier: GPL-2.0
/*
 * pin KIND ENTRY: a long-term writable pin (FOLL_PIN | FOLL_LONGTERM |
 * FOLL_WRITE) of a mapping of KIND through gup_test, by ENTRY:
 *
 *   slow       PIN_LONGTERM_TEST_START: pin_user_pages()
 *   fast       PIN_LONGTERM_TEST_START, USE_FAST: pin_user_pages_fast(),
 *              which falls back to the slow path
 *   fast-only  PIN_FAST_BENCHMARK with FOLL_FAST_ONLY: GUP-fast alone
 *   uring      io_uring's IORING_REGISTER_BUFFERS (a fixed buffer)
 *
 * Every page is written first, so that GUP-fast finds writable PTEs.
 * Prints "ok" (and checks that the pin sees what the process writes),
 * the error, or for fast-only how many pages GUP-fast pinned.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "e2e.h"
#include "gup_test.h"

#define NR_PAGES 16

static void pin_fast_only(int gup, struct e2e_map *m)
{
	struct gup_test g;
	size_t nr = m->size / page_size;

	memset(&g, 0, sizeof(g));
	g.addr = (uintptr_t)m->addr;
	g.size = m->size;
	/*
	 * One page per call: gup_test stops at the first call that pins
	 * nothing, so .size comes back as exactly what was pinned.
	 */
	g.nr_pages_per_call = 1;
	g.gup_flags = E2E_FOLL_WRITE | E2E_FOLL_LONGTERM | E2E_FOLL_FAST_ONLY;
	if (ioctl(gup, PIN_FAST_BENCHMARK, &g)) {
		printf("%s\n", e2e_errname(errno));
		return;
	}
	if (g.size == m->size)
		printf("ok\n");
	else if (!g.size)
		printf("none\n");
	else
		printf("partial:%zu/%zu\n", (size_t)(g.size / page_size), nr);
}

static void pin_longterm(int gup, struct e2e_map *m, int fast)
{
	struct pin_longterm_test args = {
		.addr = (uintptr_t)m->addr,
		.size = m->size,
		.flags = PIN_LONGTERM_TEST_FLAG_USE_WRITE |
			 (fast ? PIN_LONGTERM_TEST_FLAG_USE_FAST : 0),
	};
	char *copy;

	if (ioctl(gup, PIN_LONGTERM_TEST_START, &args)) {
		printf("%s\n", e2e_errname(errno));
		return;
	}
	/* The pin must see what the process writes from now on. */
	memset(m->addr, 'P', m->size);
	copy = e2e_pin_read_stop(gup, m->size);
	printf("%s\n", memcmp(copy, m->addr, m->size) ? "incoherent" : "ok");
}

int main(int argc, char **argv)
{
	struct e2e_map m;
	int gup;

	if (argc != 3) {
		fprintf(stderr, "usage: pin KIND slow|fast|fast-only|uring\n");
		return 2;
	}
	gup = e2e_gup_test_fd();
	e2e_map(argv[1], NR_PAGES * page_size, 'F', &m);
	e2e_touch(&m, 1, 'W');

	if (!strcmp(argv[2], "uring")) {
		int ret = e2e_uring_register(m.addr, m.size);

		printf("%s\n", ret ? e2e_errname(-ret) : "ok");
	} else if (!strcmp(argv[2], "fast-only"))
		pin_fast_only(gup, &m);
	else if (!strcmp(argv[2], "slow") || !strcmp(argv[2], "fast"))
		pin_longterm(gup, &m, argv[2][0] == 'f');
	else
		return 2;
	return 0;
}
