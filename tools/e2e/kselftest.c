// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest PROGRAM [ARGS...]: run a kernel selftest program of
 * /e2e/bin, let its output through, and print its outcome as the last
 * line, which is what /init (init.c) reports: "pass" (exit status 0,
 * KSFT_PASS), "fail" (1, KSFT_FAIL), "skip:kselftest" (4, KSFT_SKIP),
 * "exit:N" for any other status, "signal:N" when it was killed.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char path[256];
	int status;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: kselftest PROGRAM [ARGS...]\n");
		return 2;
	}
	snprintf(path, sizeof(path), "/e2e/bin/%s", argv[1]);
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("setup:fork\n");
		return 0;
	}
	if (!pid) {
		execv(path, argv + 1);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid) {
		printf("setup:waitpid\n");
		return 0;
	}
	if (WIFSIGNALED(status))
		printf("signal:%d\n", WTERMSIG(status));
	else if (WEXITSTATUS(status) == 0)
		printf("pass\n");
	else if (WEXITSTATUS(status) == 1)
		printf("fail\n");
	else if (WEXITSTATUS(status) == 4)
		printf("skip:kselftest\n");
	else
		printf("exit:%d\n", WEXITSTATUS(status));
	return 0;
}
