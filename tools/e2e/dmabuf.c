// SPDX-License-Identifier: GPL-2.0
/*
 * dmabuf EXPORTER CHECK: mmap a dma-buf from EXPORTER (udmabuf over a
 * memfd, udmabuf-hugetlb over a hugetlbfs memfd, or the system heap) and
 * check what GUP makes of the mapping:
 *
 *   vmflags  "pfnmap" when /proc/self/smaps shows VM_PFNMAP ("pf"),
 *            "pages" otherwise
 *   odirect  an O_DIRECT read from an ext4 file into the mapping
 *   uring    io_uring fixed-buffer registration of the mapping
 *   pin      a long-term writable pin through gup_test
 *
 *   touch    write the whole mapping, unmap it and release the buffer
 *            (6.1's udmabuf maps hugetlb subpages as if they were
 *            ordinary pages, which the kernel does not survive)
 *   fork     fork(): the child's mapping must be the same memory (the
 *            child reads the parent's data and the parent then reads
 *            the child's), "separate" otherwise
 *   private-ro  a private read-only mapping: "ok" if it shows the
 *            buffer and mprotect() cannot make it writable, "writable"
 *            if mprotect() can, or the error of mmap()
 *   grow     mremap() the mapping one page larger and touch that page:
 *            "EFAULT" when mremap() refuses (VM_DONTEXPAND), "SIGBUS"
 *            when the exporter's fault handler refuses the page past
 *            its end, "ok" if the page could be touched
 *   release  close every descriptor, so that only the mapping keeps the
 *            buffer, write and read through the mapping, unmap it: the
 *            buffer is released then, and a use-after-free is KASAN's
 *            to report
 *
 * odirect, uring, pin, touch, fork and release print "ok" or the error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <linux/dma-heap.h>
#include <linux/udmabuf.h>

#include "e2e.h"
#include "gup_test.h"

#define NR_PAGES 16

static int udmabuf_export(size_t size, int hugetlb)
{
	struct udmabuf_create create;
	int dev, memfd, buf;

	dev = open("/dev/udmabuf", O_RDWR);
	if (dev < 0)
		e2e_setup_fail("open-udmabuf");
	memfd = memfd_create("e2e-udmabuf",
			     MFD_ALLOW_SEALING | (hugetlb ? MFD_HUGETLB : 0));
	if (memfd < 0 && hugetlb)
		e2e_skip("no-hugetlb-memfd");
	if (hugetlb && fallocate(memfd, 0, 0, size))
		e2e_skip("no-free-huge-pages");
	if (memfd < 0 || ftruncate(memfd, size) ||
	    fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK))
		e2e_setup_fail("memfd");
	memset(&create, 0, sizeof(create));
	create.memfd = memfd;
	create.flags = UDMABUF_FLAGS_CLOEXEC;
	create.size = size;
	buf = ioctl(dev, UDMABUF_CREATE, &create);
	if (buf < 0)
		e2e_setup_fail("UDMABUF_CREATE");
	/* The buffer holds the memfd's pages: only its descriptor is kept. */
	close(memfd);
	close(dev);
	return buf;
}

static int heap_export(size_t size)
{
	struct dma_heap_allocation_data alloc;
	int heap;

	heap = open("/dev/dma_heap/system", O_RDWR);
	if (heap < 0)
		e2e_setup_fail("open-system-heap");
	memset(&alloc, 0, sizeof(alloc));
	alloc.len = size;
	alloc.fd_flags = O_RDWR | O_CLOEXEC;
	if (ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &alloc))
		e2e_setup_fail("DMA_HEAP_IOCTL_ALLOC");
	close(heap);
	return alloc.fd;
}

static const char *vmflags(void *addr)
{
	char line[256], start[32];
	const char *ret = "setup:no-smaps-entry";
	int in = 0;
	FILE *f;

	snprintf(start, sizeof(start), "%lx-", (unsigned long)addr);
	f = fopen("/proc/self/smaps", "r");
	if (!f)
		e2e_setup_fail("smaps");
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, start, strlen(start)))
			in = 1;
		else if (in && !strncmp(line, "VmFlags:", 8)) {
			ret = strstr(line, " pf") ? "pfnmap" : "pages";
			break;
		}
	}
	fclose(f);
	return ret;
}

static const char *odirect(char *addr, size_t size)
{
	ssize_t n;
	int fd;

	fd = e2e_ext4_file("dio", size, 'D', O_DIRECT);
	n = pread(fd, addr, size, 0);
	if (n < 0)
		return e2e_errname(errno);
	if ((size_t)n != size || addr[0] != 'D' || addr[size - 1] != 'D')
		return "short-or-wrong-data";
	return "ok";
}

static const char *gup_pin(void *addr, size_t size)
{
	struct pin_longterm_test args = {
		.addr = (uintptr_t)addr,
		.size = size,
		.flags = PIN_LONGTERM_TEST_FLAG_USE_WRITE,
	};
	int gup = e2e_gup_test_fd();

	if (ioctl(gup, PIN_LONGTERM_TEST_START, &args))
		return e2e_errname(errno);
	ioctl(gup, PIN_LONGTERM_TEST_STOP);
	return "ok";
}

static const char *forked(char *addr, size_t size)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		e2e_setup_fail("fork");
	if (!pid) {
		/* The parent wrote 'W' everywhere before forking. */
		if (addr[0] != 'W' || addr[size - 1] != 'W')
			_exit(1);
		memset(addr, 'C', size);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		e2e_setup_fail("waitpid");
	if (!WIFEXITED(status))
		return "child-killed";
	if (WEXITSTATUS(status))
		return "separate";
	return addr[0] == 'C' && addr[size - 1] == 'C' ? "ok" : "separate";
}

static const char *private_ro(int buf, size_t size)
{
	char *ro;

	ro = mmap(NULL, size, PROT_READ, MAP_PRIVATE, buf, 0);
	if (ro == MAP_FAILED)
		return e2e_errname(errno);
	/* The shared mapping wrote 'W' everywhere. */
	if (ro[0] != 'W' || ro[size - 1] != 'W')
		return "wrong-data";
	if (!mprotect(ro, size, PROT_READ | PROT_WRITE))
		return "writable";
	return errno == EACCES ? "ok" : e2e_errname(errno);
}

static sigjmp_buf bus_jmp;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(bus_jmp, 1);
}

static const char *grown(char *addr, size_t size)
{
	volatile char *big;

	big = mremap(addr, size, size + page_size, MREMAP_MAYMOVE);
	if (big == MAP_FAILED)
		return e2e_errname(errno);
	signal(SIGBUS, on_sigbus);
	if (sigsetjmp(bus_jmp, 1))
		return "SIGBUS";
	big[size] = 'G';
	return "ok";
}

static const char *released(char *addr, size_t size, int buf)
{
	if (close(buf))
		e2e_setup_fail("close");
	memset(addr, 'R', size);
	if (addr[0] != 'R' || addr[size - 1] != 'R')
		return "lost-writes";
	if (munmap(addr, size))
		e2e_setup_fail("munmap");
	return "ok";
}

int main(int argc, char **argv)
{
	size_t size;
	char *addr;
	int buf, ret;

	if (argc != 3) {
		fprintf(stderr, "usage: dmabuf udmabuf|udmabuf-hugetlb|system-heap vmflags|odirect|uring|pin|touch|fork|private-ro|grow|release\n");
		return 2;
	}
	size = NR_PAGES * page_size;
	if (!strcmp(argv[1], "udmabuf")) {
		buf = udmabuf_export(size, 0);
	} else if (!strcmp(argv[1], "udmabuf-hugetlb")) {
		size = e2e_hugepage_size();
		if (!size)
			e2e_skip("no-hugetlb");
		buf = udmabuf_export(size, 1);
	} else if (!strcmp(argv[1], "system-heap")) {
		buf = heap_export(size);
	} else {
		return 2;
	}

	addr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, buf, 0);
	if (addr == MAP_FAILED)
		e2e_setup_fail("mmap-dma-buf");
	memset(addr, 'W', size);

	if (!strcmp(argv[2], "vmflags")) {
		printf("%s\n", vmflags(addr));
	} else if (!strcmp(argv[2], "odirect")) {
		printf("%s\n", odirect(addr, size));
	} else if (!strcmp(argv[2], "uring")) {
		ret = e2e_uring_register(addr, size);
		printf("%s\n", ret ? e2e_errname(-ret) : "ok");
	} else if (!strcmp(argv[2], "pin")) {
		printf("%s\n", gup_pin(addr, size));
	} else if (!strcmp(argv[2], "touch")) {
		if (munmap(addr, size) || close(buf))
			e2e_setup_fail("release");
		printf("ok\n");
	} else if (!strcmp(argv[2], "fork")) {
		printf("%s\n", forked(addr, size));
	} else if (!strcmp(argv[2], "private-ro")) {
		printf("%s\n", private_ro(buf, size));
	} else if (!strcmp(argv[2], "grow")) {
		printf("%s\n", grown(addr, size));
	} else if (!strcmp(argv[2], "release")) {
		printf("%s\n", released(addr, size, buf));
	} else {
		return 2;
	}
	return 0;
}
