// SPDX-License-Identifier: GPL-2.0
/*
 * uring KIND: register a mapping of KIND as an io_uring fixed buffer
 * (IORING_REGISTER_BUFFERS: a long-term writable pin).  Prints "ok" or
 * the error.
 */
#define _GNU_SOURCE
#include <stdio.h>

#include "e2e.h"

#define NR_PAGES 16

int main(int argc, char **argv)
{
	struct e2e_map m;
	int ret;

	if (argc != 2) {
		fprintf(stderr, "usage: uring KIND\n");
		return 2;
	}
	e2e_map(argv[1], NR_PAGES * page_size, 'F', &m);
	e2e_touch(&m, 1, 'W');
	ret = e2e_uring_register(m.addr, m.size);
	printf("%s\n", ret ? e2e_errname(-ret) : "ok");
	return 0;
}
