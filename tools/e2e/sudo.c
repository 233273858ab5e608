// SPDX-License-Identifier: GPL-2.0
/*
 * sudo -u nobody PROGRAM [ARGS...]: what the base's run_vmtests.sh asks
 * of sudo (on-fault-limit must run as an unprivileged user), in a guest
 * that has no sudo and no /etc/passwd: nobody is uid and gid 65534.
 */
#define _GNU_SOURCE
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 4 || strcmp(argv[1], "-u") || strcmp(argv[2], "nobody")) {
		fprintf(stderr, "usage: sudo -u nobody PROGRAM [ARGS...]\n");
		return 1;
	}
	if (setgroups(0, NULL) || setgid(65534) || setuid(65534)) {
		perror("sudo: cannot become nobody");
		return 1;
	}
	/* execvp() runs a script (our time-limit wrappers) with /bin/sh. */
	execvp(argv[3], argv + 3);
	perror("sudo: exec");
	return 127;
}
