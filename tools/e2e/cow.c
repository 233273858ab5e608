// SPDX-License-Identifier: GPL-2.0
/*
 * cow KIND ENTRY [fork]: is a read-only long-term pin coherent with what
 * the process maps?  Map KIND (ext4-private: a MAP_PRIVATE file mapping;
 * anon-zeropage: anonymous memory only read so far; anon: written
 * anonymous memory), read every page, take a read-only long-term pin
 * through gup_test (ENTRY slow or fast), write new data through the
 * mapping, and read the pinned pages.
 *
 * With "fork", the process forks after pinning; the child checks that
 * it sees the old data, writes its own and exits; the pin must not see
 * the child's write, and must see the parent's.
 *
 * Prints "coherent" when the pin sees the new data, "stale" when it
 * still sees the old, "child-leak" when it saw the child's write,
 * "child-wrong" when the child did not see what it should, or the
 * error of the pin.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e.h"
#include "gup_test.h"

#define NR_PAGES 16

static int all(const char *p, size_t n, char c)
{
	while (n--)
		if (*p++ != c)
			return 0;
	return 1;
}

/*
 * Fork; the child must see @old, and its write must stay its own: the
 * pin, read through gup_test, still holds @old after the child is gone.
 * Returns non-zero, having printed the verdict, when that fails.
 */
static int fork_child(struct e2e_map *m, char old, int gup)
{
	char *pinned;
	int status;
	pid_t pid;

	pid = e2e_fork();
	if (!pid) {
		int ok = all(m->addr, m->size, old);

		memset(m->addr, 'C', m->size);
		_exit(ok && all(m->addr, m->size, 'C') ? 0 : 1);
	}
	if (waitpid(pid, &status, 0) != pid)
		e2e_setup_fail("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		printf("child-wrong\n");
		return 1;
	}
	pinned = e2e_pin_read(gup, m->size);
	if (!all(pinned, m->size, old)) {
		printf("child-leak\n");
		return 1;
	}
	free(pinned);
	return 0;
}

int main(int argc, char **argv)
{
	struct pin_longterm_test args;
	struct e2e_map m;
	char old = 'F', *copy;
	int gup;

	if (argc < 3 || argc > 4 ||
	    (strcmp(argv[2], "slow") && strcmp(argv[2], "fast")) ||
	    (argc == 4 && strcmp(argv[3], "fork"))) {
		fprintf(stderr, "usage: cow KIND slow|fast [fork]\n");
		return 2;
	}
	gup = e2e_gup_test_fd();
	if (!strcmp(argv[1], "anon-zeropage")) {
		e2e_map("anon", NR_PAGES * page_size, 0, &m);
		old = 0;
	} else {
		e2e_map(argv[1], NR_PAGES * page_size, old, &m);
		if (!strcmp(argv[1], "anon"))
			memset(m.addr, old, m.size);
	}
	e2e_touch(&m, 0, 0);

	args.addr = (uintptr_t)m.addr;
	args.size = m.size;
	args.flags = argv[2][0] == 'f' ? PIN_LONGTERM_TEST_FLAG_USE_FAST : 0;
	if (ioctl(gup, PIN_LONGTERM_TEST_START, &args)) {
		printf("%s\n", e2e_errname(errno));
		return 0;
	}
	if (argc == 4 && fork_child(&m, old, gup))
		return 0;
	memset(m.addr, 'N', m.size);
	copy = e2e_pin_read_stop(gup, m.size);

	if (all(copy, m.size, 'N'))
		printf("coherent\n");
	else if (all(copy, m.size, old))
		printf("stale\n");
	else
		printf("mixed\n");
	return 0;
}
