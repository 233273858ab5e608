// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the e2e initramfs: mount what the tests need, run each line of
 * the plan (/e2e/plan, or /e2e/perf-plan with e2e_plan=perf on the kernel
 * command line) with its time limit, report, and reboot (QEMU runs with
 * -no-reboot, so that ends the run).
 *
 * With e2e_dir=DIR on the command line (make clients: the root is the
 * host's, read-only over 9p), the plan is DIR/plan, the programs are in
 * DIR/bin, and tmpfs goes on /tmp and /run, where programs write.
 *
 * A plan line is "NAME STOCK PATCHED SECONDS PROGRAM ARGS...": the
 * expected results are for the host; init needs the rest.  For each line
 * it prints
 *
 *   E2E-BEGIN NAME
 *   E2E-OUT NAME <line>         every line of output but the last
 *   E2E-RESULT NAME <result>    the last line, or timeout / signal:N /
 *                               exit:N / no-output
 *
 * on the console, where the kernel's own messages of the same moment go.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define MAX_ARGS 16

static void must_mount(const char *src, const char *dst, const char *type)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, 0, NULL))
		printf("E2E-INIT mount %s on %s failed: %s\n", type, dst,
		       strerror(errno));
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void run(char *name, int seconds, char **argv)
{
	char buf[4096], last[512] = "", line[512];
	size_t used = 0, linelen = 0;
	double deadline;
	int pipefd[2], status, timed_out = 0, i;
	pid_t pid;

	printf("E2E-BEGIN %s\n", name);
	fflush(stdout);
	if (pipe(pipefd)) {
		printf("E2E-RESULT %s init:pipe\n", name);
		return;
	}
	pid = fork();
	if (pid == 0) {
		setsid();
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		close(pipefd[0]);
		close(pipefd[1]);
		execv(argv[0], argv);
		printf("exec:%s\n", strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);

	deadline = now() + seconds;
	for (;;) {
		struct pollfd p = { .fd = pipefd[0], .events = POLLIN };
		int left = (int)((deadline - now()) * 1000);
		ssize_t n, i;

		if (left <= 0) {
			timed_out = 1;
			kill(-pid, SIGKILL);
			break;
		}
		if (poll(&p, 1, left) <= 0)
			continue;
		n = read(pipefd[0], buf, sizeof(buf));
		if (n <= 0) {
			/* A last line without its newline still counts. */
			if (linelen) {
				line[linelen] = 0;
				if (last[0])
					printf("E2E-OUT %s %s\n", name, last);
				memcpy(last, line, linelen + 1);
				used++;
			}
			break;
		}
		for (i = 0; i < n; i++) {
			if (buf[i] != '\n') {
				if (linelen < sizeof(line) - 1)
					line[linelen++] = buf[i];
				continue;
			}
			line[linelen] = 0;
			if (last[0])
				printf("E2E-OUT %s %s\n", name, last);
			memcpy(last, line, linelen + 1);
			linelen = 0;
			used++;
		}
	}
	close(pipefd[0]);
	/*
	 * A process stuck in the kernel (after an oops, say) may never
	 * die: give it a few seconds, then go on without it.
	 */
	for (i = 0; waitpid(pid, &status, WNOHANG) == 0; i++) {
		if (!timed_out && now() > deadline) {
			timed_out = 1;
			kill(-pid, SIGKILL);
			i = 0;
		}
		if (timed_out && i == 50) {
			printf("E2E-RESULT %s timeout:unkillable\n", name);
			fflush(stdout);
			return;
		}
		usleep(100000);
	}

	if (timed_out)
		printf("E2E-RESULT %s timeout:%ds\n", name, seconds);
	else if (WIFSIGNALED(status))
		printf("E2E-RESULT %s signal:%d\n", name, WTERMSIG(status));
	else if (WEXITSTATUS(status))
		printf("E2E-RESULT %s exit:%d:%s\n", name, WEXITSTATUS(status),
		       last[0] ? last : "no-output");
	else if (!used)
		printf("E2E-RESULT %s no-output\n", name);
	else
		printf("E2E-RESULT %s %s\n", name, last);
	fflush(stdout);
}

int main(void)
{
	const char *kernel = getenv("e2e_kernel"), *dir = getenv("e2e_dir");
	/* Which column of the plan is this kernel's: stock 0, patched 1. */
	int patched = kernel && !strcmp(kernel, "patched");
	char line[1024], path[512], plan[256];
	FILE *f;

	setvbuf(stdout, NULL, _IOLBF, 0);
	must_mount("devtmpfs", "/dev", "devtmpfs");
	must_mount("proc", "/proc", "proc");
	must_mount("sysfs", "/sys", "sysfs");
	must_mount("debugfs", "/sys/kernel/debug", "debugfs");
	must_mount("/dev/vda", "/mnt", "ext4");
	if (dir) {
		must_mount("tmpfs", "/tmp", "tmpfs");
		must_mount("tmpfs", "/run", "tmpfs");
	} else {
		dir = "/e2e";
	}

	snprintf(plan, sizeof(plan), "%s/%s", dir,
		 getenv("e2e_plan") && !strcmp(getenv("e2e_plan"), "perf") ? "perf-plan" : "plan");
	f = fopen(plan, "r");
	if (!f) {
		printf("E2E-INIT cannot open %s\n", plan);
		goto out;
	}
	printf("E2E-PLAN %s\n", plan);
	while (fgets(line, sizeof(line), f)) {
		char *argv[MAX_ARGS + 1], *exp[2], *name, *tok, *save;
		int argc = 0, seconds;

		line[strcspn(line, "\n")] = 0;
		name = strtok_r(line, " \t", &save);
		if (!name || name[0] == '#')
			continue;
		exp[0] = strtok_r(NULL, " \t", &save);	/* expected on stock */
		exp[1] = strtok_r(NULL, " \t", &save);	/* with the series */
		tok = strtok_r(NULL, " \t", &save);
		seconds = tok ? atoi(tok) : 0;
		while (argc < MAX_ARGS && (tok = strtok_r(NULL, " \t", &save)))
			argv[argc++] = tok;
		argv[argc] = NULL;
		if (!argc || seconds <= 0) {
			printf("E2E-RESULT %s init:bad-plan-line\n", name);
			continue;
		}
		/* "notrun": this test takes this kernel down; say so, skip it. */
		if (exp[patched] && !strcmp(exp[patched], "notrun")) {
			printf("E2E-RESULT %s skip:not run on the %s kernel, which it crashes\n",
			       name, patched ? "patched" : "stock");
			continue;
		}
		snprintf(path, sizeof(path), "%s/bin/%s", dir, argv[0]);
		argv[0] = path;
		run(name, seconds, argv);
	}
	fclose(f);
out:
	sync();
	printf("E2E-DONE\n");
	fflush(stdout);
	reboot(RB_AUTOBOOT);
	return 0;
}
