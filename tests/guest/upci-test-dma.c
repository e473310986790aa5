// SPDX-License-Identifier: GPL-2.0
/*
 * upci-test-dma: checks of DMA address spaces (/dev/upci/iommu) with the
 * edu device's DMA engine, run inside the guest by tests/guest/dma-*.sh.
 *
 *   upci-test-dma roundtrip NODE      RAM -> edu -> RAM, chosen and fixed IOVAs
 *   upci-test-dma unmapped NODE       DMA to and from IOVAs never mapped
 *   upci-test-dma revoke NODE HOW     munmap | dontneed | mremap revokes
 *   upci-test-dma revoke-queue N      N unread revocations (max_revoked) stop maps
 *   upci-test-dma compact MB          compaction of mapped shmem revokes
 *                                     nothing; a discard of it does (root)
 *   upci-test-dma fork NODE           fork + child write keeps the parent's DMA
 *   upci-test-dma memlock NODE        RLIMIT_MEMLOCK per user, kill -9
 *   upci-test-dma twodev NODE NODE    two devices in one space
 *   upci-test-dma bad NODE            bad inputs: errno and no side effect
 *   upci-test-dma scale NODE N        N mappings; time per map (root)
 *   upci-test-dma noiommu NODE        physical addresses (root, no IOMMU)
 *   upci-test-dma locked              print the user's locked pages
 *   upci-test-dma spin NODE MB        map and unmap MB-sized buffers forever
 *                                     (to be killed in the middle)
 *   upci-test-dma stuck-map NODE BDF  unbind while a map waits in a page
 *                                     fault (userfaultfd): it returns at once
 *   upci-test-dma hold NODE FIFO      attach, map, wait for a line on FIFO
 *                                     (the device is unbound meanwhile), then
 *                                     expect ENODEV on the device and a
 *                                     working address space
 *
 * Prints one "ok - ..." line per check; exits 0 when all pass, 1 otherwise.
 */
#define _GNU_SOURCE
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "upci-test.h"

#define PAGE		4096UL
#define EDU_LIMIT	((1ULL << 28) - 1)	/* edu's 28-bit DMA mask */

static int ioas_open(void)
{
	int fd = open("/dev/upci/iommu", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		DIE("open /dev/upci/iommu: %s", strerror(errno));
	return fd;
}

static struct upci_iova_range ranges[64];

static int ioas_info(int ioas, struct upci_ioas_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	info->num_ranges = 64;
	info->ranges = (uintptr_t)ranges;
	return ioctl(ioas, UPCI_IOAS_GET_INFO, info);
}

static int attach(int dev, int ioas)
{
	struct upci_device_attach a = { .size = sizeof(a), .ioas_fd = ioas };

	return ioctl(dev, UPCI_DEVICE_ATTACH, &a);
}

static int detach(int dev)
{
	struct upci_device_detach d = { .size = sizeof(d) };

	return ioctl(dev, UPCI_DEVICE_DETACH, &d);
}

/* Maps @len bytes at @va; returns 0 and the IOVA, or -1 with errno */
static int map_at(int ioas, void *va, size_t len, uint32_t flags, uint64_t iova,
		  uint64_t limit, uint64_t *out)
{
	struct upci_ioas_map m = {
		.size = sizeof(m), .flags = flags, .user_va = (uintptr_t)va,
		.length = len, .iova = iova, .iova_limit = limit,
	};
	int ret = ioctl(ioas, UPCI_IOAS_MAP, &m);

	if (!ret && out)
		*out = m.iova;
	return ret;
}

static uint64_t map_or_die(int ioas, void *va, size_t len, uint32_t flags,
			   uint64_t iova, uint64_t limit)
{
	uint64_t out;

	if (map_at(ioas, va, len, flags, iova, limit, &out))
		DIE("map %zu bytes at %p: %s", len, va, strerror(errno));
	return out;
}

static int unmap(int ioas, uint64_t iova, uint64_t len, uint64_t *unmapped)
{
	struct upci_ioas_unmap u = { .size = sizeof(u), .iova = iova, .length = len };
	int ret = ioctl(ioas, UPCI_IOAS_UNMAP, &u);

	if (unmapped)
		*unmapped = u.out_unmapped;
	return ret;
}

static void *buffer(size_t len, uint8_t fill)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		DIE("mmap %zu: %s", len, strerror(errno));
	memset(p, fill, len);
	return p;
}

static void pattern(uint8_t *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7 + seed);
}

#define RW (UPCI_IOAS_MAP_READ | UPCI_IOAS_MAP_WRITE)

/* src -> edu -> dst through the IOVAs; checks dst */
static void round_trip(volatile uint32_t *bar, uint8_t *src, uint64_t src_iova,
		       uint8_t *dst, uint64_t dst_iova, const char *what)
{
	memset(dst, 0, EDU_DMA_BUF_SIZE);
	CHECK(edu_dma(bar, src_iova, EDU_DMA_BUF_SIZE, 0) == 0 &&
	      edu_dma(bar, dst_iova, EDU_DMA_BUF_SIZE, 1) == 0,
	      "%s: DMA finished", what);
	CHECK(!memcmp(src, dst, EDU_DMA_BUF_SIZE),
	      "%s: data came back (src %#llx -> dst %#llx)", what,
	      (unsigned long long)src_iova, (unsigned long long)dst_iova);
}

static void test_roundtrip(const char *node)
{
	int dev, ioas = ioas_open();
	volatile uint32_t *bar = edu_open(node, &dev);
	uint8_t *src = buffer(PAGE, 0), *dst = buffer(PAGE, 0);
	uint64_t si, di, n;
	struct upci_ioas_info info;

	CHECK(attach(dev, ioas) == 0, "attach edu");
	pattern(src, PAGE, 1);
	si = map_or_die(ioas, src, PAGE, UPCI_IOAS_MAP_READ, 0, EDU_LIMIT);
	di = map_or_die(ioas, dst, PAGE, UPCI_IOAS_MAP_WRITE, 0, EDU_LIMIT);
	CHECK(si <= EDU_LIMIT - PAGE + 1 && di <= EDU_LIMIT - PAGE + 1 && si != di,
	      "kernel-chosen IOVAs %#llx, %#llx are below 2^28",
	      (unsigned long long)si, (unsigned long long)di);
	round_trip(bar, src, si, dst, di, "kernel-chosen IOVAs");
	CHECK(ioas_info(ioas, &info) == 0 && info.out_num_mappings == 2 &&
	      info.out_pinned_pages == 2 && info.out_num_devices == 1,
	      "info: 2 mappings, 2 pinned pages, 1 device (%llu, %llu, %u)",
	      (unsigned long long)info.out_num_mappings,
	      (unsigned long long)info.out_pinned_pages, info.out_num_devices);
	CHECK(unmap(ioas, si, PAGE, &n) == 0 && n == PAGE, "unmap the source");
	CHECK(unmap(ioas, di, PAGE, &n) == 0 && n == PAGE, "unmap the destination");

	pattern(src, PAGE, 2);
	map_or_die(ioas, src, PAGE, UPCI_IOAS_MAP_READ | UPCI_IOAS_MAP_FIXED_IOVA,
		   0x100000, 0);
	map_or_die(ioas, dst, PAGE, UPCI_IOAS_MAP_WRITE | UPCI_IOAS_MAP_FIXED_IOVA,
		   0x200000, 0);
	round_trip(bar, src, 0x100000, dst, 0x200000, "fixed IOVAs");

	{
		struct upci_ioas_unmap u = { .size = sizeof(u),
					     .flags = UPCI_IOAS_UNMAP_ALL };

		CHECK(ioctl(ioas, UPCI_IOAS_UNMAP, &u) == 0 &&
		      u.out_unmapped == 2 * PAGE, "unmap everything");
	}
	CHECK(ioas_info(ioas, &info) == 0 && info.out_num_mappings == 0 &&
	      info.out_pinned_pages == 0, "info: nothing mapped or pinned");

	/* memfd (shmem) memory, shared */
	{
		int mfd = memfd_create("upci-test", MFD_CLOEXEC);
		uint8_t *m;

		if (mfd < 0 || ftruncate(mfd, 2 * PAGE))
			DIE("memfd: %s", strerror(errno));
		m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
		if (m == MAP_FAILED)
			DIE("mmap memfd: %s", strerror(errno));
		pattern(m, PAGE, 8);
		si = map_or_die(ioas, m, 2 * PAGE, RW, 0, EDU_LIMIT);
		round_trip(bar, m, si, m + PAGE, si + PAGE, "memfd memory");
		CHECK(unmap(ioas, si, 2 * PAGE, NULL) == 0, "unmap the memfd mapping");
		munmap(m, 2 * PAGE);
		close(mfd);
	}
	/* A 2 MiB hugetlbfs page: the IOVA keeps the 2 MiB alignment */
	{
		size_t huge = 2 << 20;
		uint8_t *h = mmap(NULL, huge, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);

		if (h == MAP_FAILED) {
			printf("# no huge page (%s): hugetlbfs part skipped\n",
			       strerror(errno));
		} else {
			pattern(h, PAGE, 9);
			si = map_or_die(ioas, h, huge, RW, 0, EDU_LIMIT);
			CHECK(si % huge == 0, "huge page at a 2 MiB-aligned IOVA %#llx",
			      (unsigned long long)si);
			round_trip(bar, h, si, h + huge - PAGE, si + huge - PAGE,
				   "hugetlbfs memory");
			CHECK(unmap(ioas, si, huge, NULL) == 0, "unmap the huge page");
			munmap(h, huge);
		}
	}
	CHECK(detach(dev) == 0, "detach");
	CHECK_ERR(ENOENT, detach(dev), "detach again");
	close(ioas);
	close(dev);
}

static void test_unmapped(const char *node)
{
	int dev, ioas = ioas_open();
	volatile uint32_t *bar = edu_open(node, &dev);
	uint8_t *src = buffer(PAGE, 0), *dst = buffer(PAGE, 0xee);
	uint8_t *ref = buffer(PAGE, 0);
	uint64_t si, di;

	if (attach(dev, ioas))
		DIE("attach: %s", strerror(errno));
	pattern(src, PAGE, 3);
	si = map_or_die(ioas, src, PAGE, UPCI_IOAS_MAP_READ, 0, EDU_LIMIT);
	di = map_or_die(ioas, dst, PAGE, RW, 0, EDU_LIMIT);
	/* Load the device buffer with the pattern */
	CHECK(edu_dma(bar, si, PAGE, 0) == 0, "load the device buffer");
	memcpy(ref, dst, PAGE);
	/* Device -> an IOVA never mapped: blocked, nothing changes anywhere */
	CHECK(edu_dma(bar, 0x300000, PAGE, 1) == 0, "DMA to unmapped IOVA 0x300000 ends");
	CHECK(!memcmp(dst, ref, PAGE), "the process's buffers are unchanged");
	/* Unmapped IOVA -> device: the read is blocked and returns zeros */
	CHECK(edu_dma(bar, 0x380000, PAGE, 0) == 0, "DMA from unmapped IOVA 0x380000 ends");
	memset(dst, 0xee, PAGE);
	CHECK(edu_dma(bar, di, PAGE, 1) == 0, "read the device buffer back");
	CHECK(dst[0] == 0 && !memcmp(dst, dst + 1, PAGE - 1),
	      "the device read zeros, not memory (%#x)", dst[0]);
	close(ioas);
	close(dev);
}

/*
 * Maps a buffer, lets the process drop it (HOW), and checks that the mapping
 * is revoked at once: eventfd, GET_REVOKED, counters; a DMA to the old IOVA
 * then faults (the script checks the log), and the IOVA is free for reuse.
 */
static void test_revoke(const char *node, const char *how)
{
	int dev, ioas = ioas_open(), efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	volatile uint32_t *bar = edu_open(node, &dev);
	struct upci_ioas_set_eventfd se = { .size = sizeof(se), .fd = efd };
	struct upci_revoked_range rr[4];
	struct upci_ioas_get_revoked gr = {
		.size = sizeof(gr), .num_ranges = 4, .ranges = (uintptr_t)rr,
	};
	size_t len = 4 * PAGE;
	uint8_t *buf = buffer(len, 0x11), *src = buffer(PAGE, 0);
	struct upci_ioas_info before, after;
	uint64_t iova, si, count = 0;
	void *moved;

	if (attach(dev, ioas) || ioctl(ioas, UPCI_IOAS_SET_EVENTFD, &se))
		DIE("attach or set eventfd: %s", strerror(errno));
	madvise(buf, len, MADV_NOHUGEPAGE);
	iova = map_or_die(ioas, buf, len, RW, 0, EDU_LIMIT);
	ioas_info(ioas, &before);

	if (!strcmp(how, "munmap")) {
		CHECK(munmap(buf, len) == 0, "munmap the mapped buffer");
	} else if (!strcmp(how, "dontneed")) {
		CHECK(madvise(buf, len, MADV_DONTNEED) == 0, "MADV_DONTNEED the buffer");
	} else if (!strcmp(how, "mremap")) {
		moved = mremap(buf, len, 2 * len, MREMAP_MAYMOVE);
		CHECK(moved != MAP_FAILED && moved != buf, "mremap moves the buffer");
	} else {
		DIE("unknown way %s", how);
	}
	/* Synchronous: no waiting for anything */
	CHECK(read(efd, &count, sizeof(count)) == sizeof(count) && count == 1,
	      "%s: the eventfd counted 1 revocation (%llu)", how,
	      (unsigned long long)count);
	ioas_info(ioas, &after);
	CHECK(after.out_num_mappings == before.out_num_mappings - 1 &&
	      after.out_pinned_pages == before.out_pinned_pages - 4 &&
	      after.out_user_locked_pages == before.out_user_locked_pages - 4 &&
	      after.out_num_revoked == 1,
	      "%s: unpinned and uncharged (pinned %llu -> %llu, user %llu -> %llu)",
	      how, (unsigned long long)before.out_pinned_pages,
	      (unsigned long long)after.out_pinned_pages,
	      (unsigned long long)before.out_user_locked_pages,
	      (unsigned long long)after.out_user_locked_pages);
	CHECK(ioctl(ioas, UPCI_IOAS_GET_REVOKED, &gr) == 0 && gr.num_ranges == 1 &&
	      rr[0].iova == iova && rr[0].length == len &&
	      rr[0].user_va == (uintptr_t)buf && gr.out_remaining == 0,
	      "%s: GET_REVOKED gives the range", how);
	gr.num_ranges = 4;
	CHECK(ioctl(ioas, UPCI_IOAS_GET_REVOKED, &gr) == 0 && gr.num_ranges == 0,
	      "%s: and only once", how);
	CHECK_ERR(ENOENT, unmap(ioas, iova, len, NULL), "unmap of the revoked range");

	/* The device can no longer reach it: this faults (checked in the log) */
	pattern(src, PAGE, 4);
	si = map_or_die(ioas, src, PAGE, UPCI_IOAS_MAP_READ, 0, EDU_LIMIT);
	CHECK(edu_dma(bar, si, PAGE, 0) == 0 && edu_dma(bar, iova, PAGE, 1) == 0,
	      "DMA to the revoked IOVA %#llx ends", (unsigned long long)iova);
	printf("# revoked-iova %#llx\n", (unsigned long long)iova);
	/* The IOVA is free again; new memory there gets the device's writes */
	buf = buffer(PAGE, 0);
	map_or_die(ioas, buf, PAGE, RW | UPCI_IOAS_MAP_FIXED_IOVA, iova, 0);
	CHECK(edu_dma(bar, iova, PAGE, 1) == 0 && !memcmp(buf, src, PAGE),
	      "the IOVA is reusable and reaches only the new memory");
	CHECK(read(efd, &count, sizeof(count)) == -1 && errno == EAGAIN,
	      "no further revocation");
	close(ioas);
	close(dev);
}

/*
 * Revoked mappings wait for the user to read them, but not without bound:
 * with @n unread (the script sets max_revoked to @n), a map gets ENOSPC;
 * reading them lets maps through again.
 */
static void test_revoke_queue(unsigned long n)
{
	struct upci_revoked_range rr[64];
	struct upci_ioas_get_revoked gr = {
		.size = sizeof(gr), .num_ranges = 64, .ranges = (uintptr_t)rr,
	};
	int ioas = ioas_open();
	unsigned long i;
	uint8_t *p;

	if (n > 64)
		DIE("at most 64 revocations");
	for (i = 0; i < n; i++) {
		p = buffer(2 * PAGE, 1);
		map_or_die(ioas, p, 2 * PAGE, RW, 0, 0);
		munmap(p, 2 * PAGE);
	}
	p = buffer(PAGE, 1);
	CHECK_ERR(ENOSPC, map_at(ioas, p, PAGE, RW, 0, 0, NULL),
		  "map with the revocations unread");
	CHECK(ioctl(ioas, UPCI_IOAS_GET_REVOKED, &gr) == 0 && gr.num_ranges == n &&
	      gr.out_remaining == 0, "GET_REVOKED gives all %lu (%u)", n,
	      gr.num_ranges);
	CHECK(map_at(ioas, p, PAGE, RW, 0, 0, NULL) == 0,
	      "once they are read, maps go through again");
	close(ioas);
}

/*
 * Memory compaction tries to migrate pinned shmem pages, unmapping them
 * first, and fails: that revokes nothing.  A real discard of the same
 * memory (MADV_DONTNEED, a hole punched in the memfd) still does.  Root:
 * /proc/sys/vm/compact_memory.
 */
static void test_compact(unsigned long mb)
{
	const size_t chunk = 16 * PAGE, len = mb << 20;
	int ioas = ioas_open(), efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	int mfd = memfd_create("upci-compact", MFD_CLOEXEC), cfd, i;
	struct upci_ioas_set_eventfd se = { .size = sizeof(se), .fd = efd };
	struct upci_ioas_info info;
	uint64_t count = 0;
	size_t off;
	uint8_t *p;

	if (mfd < 0 || ftruncate(mfd, len))
		DIE("memfd: %s", strerror(errno));
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	if (p == MAP_FAILED || ioctl(ioas, UPCI_IOAS_SET_EVENTFD, &se))
		DIE("mmap or set eventfd: %s", strerror(errno));
	memset(p, 0x3c, len);
	for (off = 0; off < len; off += chunk)
		map_or_die(ioas, p + off, chunk, RW, 0, 0);
	cfd = open("/proc/sys/vm/compact_memory", O_WRONLY | O_CLOEXEC);
	for (i = 0; i < 3; i++)
		CHECK(cfd >= 0 && write(cfd, "1", 1) == 1, "compact memory (%d)", i);
	if (cfd >= 0)
		close(cfd);
	ioas_info(ioas, &info);
	CHECK(read(efd, &count, sizeof(count)) == -1 && errno == EAGAIN &&
	      info.out_num_revoked == 0 && info.out_num_mappings == len / chunk,
	      "compaction of %lu MiB of mapped shmem revoked nothing (%llu of %zu)",
	      mb, (unsigned long long)info.out_num_revoked, len / chunk);

	CHECK(madvise(p, 4 * chunk, MADV_DONTNEED) == 0 &&
	      read(efd, &count, sizeof(count)) == sizeof(count) && count == 4,
	      "MADV_DONTNEED of 4 mappings of it revokes 4 (%llu)",
	      (unsigned long long)count);
	CHECK(fallocate(mfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			4 * chunk, 2 * chunk) == 0 &&
	      read(efd, &count, sizeof(count)) == sizeof(count) && count == 2,
	      "a hole punched under 2 more revokes 2 (%llu)",
	      (unsigned long long)count);
	close(ioas);
	munmap(p, len);
	close(mfd);
	close(efd);
}

static void test_fork(const char *node)
{
	int dev, ioas = ioas_open(), efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	volatile uint32_t *bar = edu_open(node, &dev);
	struct upci_ioas_set_eventfd se = { .size = sizeof(se), .fd = efd };
	uint8_t *buf = buffer(PAGE, 0x22), *src = buffer(PAGE, 0);
	uint64_t iova, si, count;
	int status;
	pid_t pid;

	if (attach(dev, ioas) || ioctl(ioas, UPCI_IOAS_SET_EVENTFD, &se))
		DIE("attach or set eventfd: %s", strerror(errno));
	iova = map_or_die(ioas, buf, PAGE, RW, 0, EDU_LIMIT);
	pattern(src, PAGE, 5);
	si = map_or_die(ioas, src, PAGE, UPCI_IOAS_MAP_READ, 0, EDU_LIMIT);

	pid = fork();
	if (pid == 0) {
		memset(buf, 0x33, PAGE);	/* the child's own copy */
		_exit(0);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status), "the child wrote its copy and exited");
	CHECK(buf[0] == 0x22, "the parent's buffer is still its own (%#x)", buf[0]);
	CHECK(edu_dma(bar, si, PAGE, 0) == 0 && edu_dma(bar, iova, PAGE, 1) == 0,
	      "DMA into the parent's buffer");
	CHECK(!memcmp(buf, src, PAGE), "the parent sees what the device wrote");
	CHECK(read(efd, &count, sizeof(count)) == -1 && errno == EAGAIN,
	      "fork revoked nothing");
	CHECK(mprotect(buf, PAGE, PROT_READ) == 0 &&
	      read(efd, &count, sizeof(count)) == -1 && errno == EAGAIN,
	      "mprotect revoked nothing");
	close(ioas);
	close(dev);
}

static long user_locked(int ioas)
{
	struct upci_ioas_info info;

	if (ioas_info(ioas, &info))
		DIE("info: %s", strerror(errno));
	return (long)info.out_user_locked_pages;
}

static void test_memlock(void)
{
	struct rlimit rl = { 1 << 20, 1 << 20 };
	int ioas = ioas_open(), sync_pipe[2], status;
	uint8_t *big = buffer(2 << 20, 1), *half = buffer(512 << 10, 1);
	long base = user_locked(ioas);
	char c;
	pid_t pid;

	if (setrlimit(RLIMIT_MEMLOCK, &rl))
		DIE("setrlimit: %s", strerror(errno));
	CHECK_ERR(ENOMEM, map_at(ioas, big, 2 << 20, RW, 0, 0, NULL),
		  "2 MiB map with a 1 MiB RLIMIT_MEMLOCK");
	CHECK(user_locked(ioas) == base, "nothing stays charged");
	map_or_die(ioas, half, 512 << 10, RW, 0, 0);
	CHECK(user_locked(ioas) == base + 128, "512 KiB charged (%ld pages)",
	      user_locked(ioas) - base);

	/* Another process of the same user shares the limit */
	if (pipe(sync_pipe))
		DIE("pipe");
	pid = fork();
	if (pid == 0) {
		int child_ioas = ioas_open();
		uint8_t *more = buffer(768 << 10, 1);
		int ok = map_at(child_ioas, more, 768 << 10, RW, 0, 0, NULL) == -1 &&
			 errno == ENOMEM;

		ok = ok && !map_at(child_ioas, more, 256 << 10, RW, 0, 0, NULL);
		if (write(sync_pipe[1], ok ? "y" : "n", 1) != 1)
			_exit(2);
		pause();	/* killed with its mapping in place */
		_exit(0);
	}
	CHECK(read(sync_pipe[0], &c, 1) == 1 && c == 'y',
	      "a second process of the user gets ENOMEM past the shared limit");
	CHECK(user_locked(ioas) == base + 192, "the child's 256 KiB is charged too");
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	CHECK(WIFSIGNALED(status), "child killed with -9");
	CHECK(user_locked(ioas) == base + 128, "its pages are uncharged (%ld)",
	      user_locked(ioas) - base);
	close(ioas);
	ioas = ioas_open();
	CHECK(user_locked(ioas) == base, "after close, back to where it started");
	close(ioas);
}

static void test_twodev(const char *node1, const char *node2)
{
	int d1, d2, ioas = ioas_open();
	volatile uint32_t *b1 = edu_open(node1, &d1), *b2 = edu_open(node2, &d2);
	uint8_t *src = buffer(PAGE, 0), *dst = buffer(PAGE, 0);
	uint64_t si, di;

	pattern(src, PAGE, 6);
	si = map_or_die(ioas, src, PAGE, UPCI_IOAS_MAP_READ, 0, EDU_LIMIT);
	CHECK(attach(d1, ioas) == 0, "attach the first device after a map");
	CHECK(attach(d2, ioas) == 0, "attach the second device");
	di = map_or_die(ioas, dst, PAGE, UPCI_IOAS_MAP_WRITE, 0, EDU_LIMIT);
	{
		struct upci_ioas_info info;

		ioas_info(ioas, &info);
		printf("# the space keeps %u IOMMU domain(s)\n", info.out_num_domains);
		CHECK(info.out_num_domains == (getenv("UPCI_TEST_DOMAINS") ?
					       (unsigned int)atoi(getenv("UPCI_TEST_DOMAINS")) : 1),
		      "domains: %u", info.out_num_domains);
	}
	round_trip(b1, src, si, dst, di, "first device");
	round_trip(b2, src, si, dst, di, "second device");
	CHECK(detach(d1) == 0, "detach the first");
	round_trip(b2, src, si, dst, di, "second device after the first left");
	/* A mapping revoked while both domains hold it leaves neither */
	{
		uint8_t *gone = buffer(PAGE, 0x44);
		uint64_t gi = map_or_die(ioas, gone, PAGE, RW, 0, EDU_LIMIT);

		CHECK(attach(d1, ioas) == 0, "attach the first again (replay)");
		round_trip(b1, src, si, dst, di, "first device after the replay");
		munmap(gone, PAGE);
		CHECK(map_at(ioas, dst, PAGE, RW | UPCI_IOAS_MAP_FIXED_IOVA, gi, 0, NULL) == 0,
		      "the revoked IOVA is free in every domain");
		round_trip(b1, src, si, dst, gi, "first device, new memory at the old IOVA");
		round_trip(b2, src, si, dst, gi, "second device, new memory at the old IOVA");
		CHECK(detach(d1) == 0, "detach the first again");
	}
	memset(dst, 0, PAGE);
	CHECK(edu_dma(b1, si, PAGE, 0) == 0 && edu_dma(b1, di, PAGE, 1) == 0 &&
	      dst[0] == 0 && !memcmp(dst, dst + 1, PAGE - 1),
	      "the detached device's DMA is blocked");
	close(ioas);
	close(d1);
	close(d2);
}

static void test_bad(const char *node)
{
	int dev, ioas = ioas_open(), other = ioas_open();
	uint8_t *buf = buffer(4 * PAGE, 1), *ro;
	struct upci_ioas_info before, after;
	uint64_t iova;

	dev = open_node(node);
	/* A mapping made before attach where the device cannot have one */
	map_or_die(ioas, buf, PAGE, RW | UPCI_IOAS_MAP_FIXED_IOVA, 0xfee00000, 0);
	CHECK_ERR(EINVAL, attach(dev, ioas), "attach over a mapping in the MSI window");
	CHECK_ERR(EINVAL, attach(dev, ioas), "and again (nothing stuck half-attached)");
	CHECK(unmap(ioas, 0xfee00000, PAGE, NULL) == 0, "unmap it");
	CHECK(attach(dev, ioas) == 0, "attach");
	iova = map_or_die(ioas, buf, 2 * PAGE, RW, 0, 0);
	ioas_info(ioas, &before);

	CHECK_ERR(EINVAL, map_at(ioas, buf, 0, RW, 0, 0, NULL), "zero length");
	CHECK_ERR(EINVAL, map_at(ioas, buf + 1, PAGE, RW, 0, 0, NULL), "misaligned user_va");
	CHECK_ERR(EINVAL, map_at(ioas, buf, PAGE + 1, RW, 0, 0, NULL), "misaligned length");
	CHECK_ERR(EINVAL, map_at(ioas, buf, PAGE, RW | UPCI_IOAS_MAP_FIXED_IOVA,
				 0x1000001, 0, NULL), "misaligned IOVA");
	CHECK_ERR(EINVAL, map_at(ioas, buf, PAGE, 0, 0, 0, NULL), "neither read nor write");
	CHECK_ERR(EOPNOTSUPP, map_at(ioas, buf, PAGE, RW | 0x100, 0, 0, NULL),
		  "unknown flag");
	CHECK_ERR(EOVERFLOW, map_at(ioas, buf, 2 * PAGE, RW | UPCI_IOAS_MAP_FIXED_IOVA,
				    ~0ULL - PAGE + 1, 0, NULL),
		  "IOVA + length overflows");
	CHECK_ERR(EOVERFLOW, map_at(ioas, (void *)(~0UL - PAGE + 1), 2 * PAGE, RW, 0, 0,
				    NULL), "user_va + length overflows");
	CHECK_ERR(EINVAL, map_at(ioas, buf, PAGE, RW | UPCI_IOAS_MAP_FIXED_IOVA,
				 0xfee00000, 0, NULL), "IOVA in the MSI window");
	CHECK_ERR(EINVAL, map_at(ioas, buf, PAGE, RW | UPCI_IOAS_MAP_FIXED_IOVA,
				 1ULL << 60, 0, NULL), "IOVA beyond the aperture");
	CHECK_ERR(EINVAL, map_at(ioas, buf, PAGE, RW | UPCI_IOAS_MAP_FIXED_IOVA,
				 0x10000000, EDU_LIMIT, NULL), "fixed IOVA above the limit");
	CHECK_ERR(ENOSPC, map_at(ioas, buf, 4 * PAGE, RW, 0, 3 * PAGE - 1, NULL),
		  "no room below a tiny limit");
	CHECK_ERR(EEXIST, map_at(ioas, buf + 2 * PAGE, PAGE, RW | UPCI_IOAS_MAP_FIXED_IOVA,
				 iova + PAGE, 0, NULL), "fixed IOVA overlapping a mapping");
	CHECK_ERR(EINVAL, unmap(ioas, iova, PAGE, NULL), "unmap splitting a mapping");
	CHECK_ERR(ENOENT, unmap(ioas, iova + 16 * PAGE, PAGE, NULL), "unmap of nothing");
	CHECK_ERR(EOVERFLOW, unmap(ioas, ~0ULL - PAGE + 1, 2 * PAGE, NULL),
		  "unmap range overflows");
	CHECK_ERR(EFAULT, map_at(ioas, (void *)0x10000, PAGE, RW, 0, 0, NULL),
		  "unmapped user_va");
	/* Refused before its 2 GiB page array would be allocated */
	CHECK_ERR(ENOMEM, map_at(ioas, (void *)0x10000, 1ULL << 40, RW, 0, 0, NULL),
		  "1 TiB: over the memlock limit");
	ro = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK_ERR(EFAULT, map_at(ioas, ro, PAGE, UPCI_IOAS_MAP_WRITE, 0, 0, NULL),
		  "read-only memory mapped for device writes");
	CHECK(map_at(ioas, ro, PAGE, UPCI_IOAS_MAP_READ, 0, 0, &iova) == 0 &&
	      unmap(ioas, iova, PAGE, NULL) == 0, "but for device reads it maps");
	{
		struct upci_ioas_map m = { .size = sizeof(m) + 8 };
		char big[sizeof(m) + 8];

		memset(big, 0, sizeof(big));
		memcpy(big, &m, sizeof(m));
		big[sizeof(m)] = 1;
		CHECK_ERR(E2BIG, ioctl(ioas, UPCI_IOAS_MAP, big), "unknown non-zero tail");
		m.size = 8;
		CHECK_ERR(EINVAL, ioctl(ioas, UPCI_IOAS_MAP, &m), "struct too small");
	}
	{
		struct upci_ioas_info small = { .size = sizeof(small), .num_ranges = 0 };

		CHECK_ERR(EMSGSIZE, ioctl(ioas, UPCI_IOAS_GET_INFO, &small),
			  "info with no room for ranges");
		CHECK(small.num_ranges >= 2, "and it says how many (%u)", small.num_ranges);
	}
	{
		struct upci_ioas_set_eventfd se = { .size = sizeof(se), .fd = dev };

		CHECK_ERR(EBADF, ioctl(ioas, UPCI_IOAS_SET_EVENTFD, &se),
			  "a device fd is not an eventfd");
	}
	CHECK_ERR(EBADF, attach(dev, dev), "a device fd as the address space");
	CHECK_ERR(EBADF, attach(dev, 1000), "a closed fd as the address space");
	CHECK_ERR(EBUSY, attach(dev, ioas), "attaching twice");
	CHECK_ERR(EBUSY, attach(dev, other), "attaching to a second space");
	CHECK_ERR(ENOTTY, ioctl(ioas, _IO(UPCI_TYPE, 0x2f), &before), "unknown ioctl");

	ioas_info(ioas, &after);
	CHECK(after.out_num_mappings == before.out_num_mappings &&
	      after.out_pinned_pages == before.out_pinned_pages &&
	      after.out_user_locked_pages == before.out_user_locked_pages,
	      "no side effect: %llu mappings, %llu pinned",
	      (unsigned long long)after.out_num_mappings,
	      (unsigned long long)after.out_pinned_pages);
	close(other);
	close(ioas);
	close(dev);
}

/* A field of /proc/meminfo, in KiB */
static long meminfo(const char *field)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, field, strlen(field)) && line[strlen(field)] == ':')
			v = strtol(line + strlen(field) + 1, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

/*
 * N mappings: 1,024 distinct pages (or fewer), each mapped at many IOVAs;
 * prints the time per map around 1 k, 10 k, 100 k, 1 M mappings.
 */
static void test_scale(const char *node, unsigned long n)
{
	unsigned long npages = n < 1024 ? n : 1024, i, mark = 1000, prev = 0;
	int dev, ioas = ioas_open();
	uint8_t *pages = buffer(npages * PAGE, 1);
	double t0 = now_seconds(), tmark = t0, t;
	struct upci_ioas_info info;
	uint64_t unmapped;
	long free0, slab0;

	dev = open_node(node);
	if (attach(dev, ioas))
		DIE("attach: %s", strerror(errno));
	madvise(pages, npages * PAGE, MADV_NOHUGEPAGE);
	memset(pages, 1, npages * PAGE);
	free0 = meminfo("MemFree");
	slab0 = meminfo("Slab");
	for (i = 0; i < n; i++) {
		if (map_at(ioas, pages + (i % npages) * PAGE, PAGE, RW, 0, 0, NULL))
			DIE("map %lu: %s", i, strerror(errno));
		if (i + 1 == mark || i + 1 == n) {
			t = now_seconds();
			printf("# %lu mappings: %.1f us per map over the last %lu, %.1f s in all\n",
			       i + 1, (t - tmark) * 1e6 / (i + 1 - prev),
			       i + 1 - prev, t - t0);
			tmark = t;
			prev = i + 1;
			mark *= 10;
		}
	}
	CHECK(ioas_info(ioas, &info) == 0 && info.out_num_mappings == n,
	      "%lu mappings in one space", n);
	printf("# kernel memory per mapping: %.0f bytes in all (slab %.0f, the rest IOMMU page tables)\n",
	       (free0 - meminfo("MemFree")) * 1024.0 / n,
	       (meminfo("Slab") - slab0) * 1024.0 / n);
	t = now_seconds();
	{
		struct upci_ioas_unmap u = { .size = sizeof(u),
					     .flags = UPCI_IOAS_UNMAP_ALL };

		CHECK(ioctl(ioas, UPCI_IOAS_UNMAP, &u) == 0, "unmap them all");
		unmapped = u.out_unmapped;
	}
	printf("# unmap of %lu mappings: %.1f us per mapping\n", n,
	       (now_seconds() - t) * 1e6 / n);
	CHECK(unmapped == n * PAGE, "unmapped %llu bytes", (unsigned long long)unmapped);
	close(ioas);
	close(dev);
}

/* Reads the physical address of @va from /proc/self/pagemap (root only) */
static uint64_t phys_of(void *va)
{
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0 || pread(fd, &e, 8, (uintptr_t)va / PAGE * 8) != 8)
		DIE("pagemap: %s", strerror(errno));
	close(fd);
	return (e & ((1ULL << 55) - 1)) * PAGE;
}

static void test_noiommu(const char *node)
{
	size_t huge = 2 << 20;
	int dev, ioas = ioas_open();
	volatile uint32_t *bar = edu_open(node, &dev);
	struct upci_ioas_info info;
	uint8_t *hp, *pair = NULL;
	uint64_t iova;
	int i;

	CHECK(ioas_info(ioas, &info) == 0 && (info.out_flags & UPCI_IOAS_FLAG_NO_IOMMU),
	      "the space is in no-IOMMU mode");
	CHECK(attach(dev, ioas) == 0, "attach (%s)", strerror(errno));
	hp = mmap(NULL, huge, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (hp == MAP_FAILED)
		DIE("MAP_HUGETLB: %s", strerror(errno));
	memset(hp, 0, huge);
	pattern(hp, PAGE, 7);
	iova = map_or_die(ioas, hp, huge, RW, 0, 0);
	CHECK(iova == phys_of(hp), "the IOVA is the physical address %#llx",
	      (unsigned long long)iova);
	CHECK_ERR(EINVAL, map_at(ioas, hp, PAGE, RW | UPCI_IOAS_MAP_FIXED_IOVA,
				 0x100000, 0, NULL), "no fixed IOVA without an IOMMU");
	if (iova + huge - 1 <= EDU_LIMIT)
		round_trip(bar, hp, iova, hp + PAGE, iova + PAGE, "physical addresses");
	else
		printf("# skipped the DMA: %#llx is beyond edu's 28 bits\n",
		       (unsigned long long)iova);
	/* Two pages that are not physically adjacent */
	for (i = 0; i < 64 && !pair; i++) {
		uint8_t *p = buffer(2 * PAGE, 1);

		madvise(p, 2 * PAGE, MADV_NOHUGEPAGE);
		memset(p, 2, 2 * PAGE);
		if (phys_of(p) + PAGE != phys_of(p + PAGE))
			pair = p;
	}
	if (pair)
		CHECK_ERR(EINVAL, map_at(ioas, pair, 2 * PAGE, RW, 0, 0, NULL),
			  "non-contiguous memory");
	else
		CHECK(0, "found no physically discontiguous page pair");
	close(ioas);
	close(dev);
}

static void print_locked(void)
{
	int ioas = ioas_open();

	printf("%ld\n", user_locked(ioas));
	close(ioas);
}

static void spin(const char *node, size_t mb)
{
	int dev, ioas = ioas_open();
	size_t len = mb << 20;
	uint8_t *buf = buffer(len, 1);
	uint64_t iova;

	dev = open_node(node);
	if (attach(dev, ioas))
		DIE("attach: %s", strerror(errno));
	madvise(buf, len, MADV_NOHUGEPAGE);
	memset(buf, 2, len);
	printf("spinning\n");
	for (;;) {
		iova = map_or_die(ioas, buf, len, RW, 0, 0);
		unmap(ioas, iova, len, NULL);
	}
}

struct stuck_map {
	int ioas;
	void *va;
	int ret;
	int err;
};

static void *stuck_map_thread(void *arg)
{
	struct stuck_map *s = arg;

	s->ret = map_at(s->ioas, s->va, PAGE, RW, 0, EDU_LIMIT, NULL);
	s->err = errno;
	return NULL;
}

static double ms_since(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1e3 + (b.tv_nsec - a->tv_nsec) / 1e6;
}

/*
 * A map whose pinning waits for user space (a userfaultfd page nobody has
 * served yet) must not hold up the device's remove(): the unbind returns at
 * once; then the fault is served and the map completes.  Root (kernel-mode
 * userfaultfd faults need CAP_SYS_PTRACE).
 */
static void test_stuck_map(const char *node, const char *bdf)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct uffdio_copy copy = { .len = PAGE };
	struct stuck_map s = { .ioas = ioas_open() };
	struct pollfd pfd = { .events = POLLIN };
	uint8_t *src = buffer(PAGE, 0x5a);
	char path[128];
	struct uffd_msg msg;
	struct timespec t0;
	pthread_t t;
	int dev, fd;
	double ms;

	edu_open(node, &dev);
	if (attach(dev, s.ioas))
		DIE("attach: %s", strerror(errno));
	pfd.fd = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (pfd.fd < 0) {
		printf("no userfaultfd on this kernel: %s\n", strerror(errno));
		exit(77);
	}
	s.va = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	reg.range.start = (uintptr_t)s.va;
	reg.range.len = PAGE;
	if (s.va == MAP_FAILED || ioctl(pfd.fd, UFFDIO_API, &api) ||
	    ioctl(pfd.fd, UFFDIO_REGISTER, &reg))
		DIE("userfaultfd set-up: %s", strerror(errno));
	if (pthread_create(&t, NULL, stuck_map_thread, &s))
		DIE("pthread_create");
	CHECK(poll(&pfd, 1, 10000) == 1 &&
	      read(pfd.fd, &msg, sizeof(msg)) == sizeof(msg) &&
	      msg.event == UFFD_EVENT_PAGEFAULT,
	      "the map waits in a page fault that user space serves");

	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/upci/unbind");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fd = open(path, O_WRONLY);
	CHECK(fd >= 0 && write(fd, bdf, strlen(bdf)) == (ssize_t)strlen(bdf),
	      "unbind %s", bdf);
	if (fd >= 0)
		close(fd);
	ms = ms_since(&t0);
	CHECK(ms < 1000, "the unbind took %.0f ms while the map waited", ms);

	copy.dst = (uintptr_t)s.va;
	copy.src = (uintptr_t)src;
	CHECK(ioctl(pfd.fd, UFFDIO_COPY, &copy) == 0, "serve the fault");
	pthread_join(t, NULL);
	CHECK(s.ret == 0, "then the map completes (%s)",
	      s.ret ? strerror(s.err) : "0");
	CHECK(((uint8_t *)s.va)[0] == 0x5a, "with the page user space gave");
	CHECK_ERR(ENODEV, detach(dev), "the device is gone");
	close(pfd.fd);
	close(dev);
	close(s.ioas);
}

static void hold(const char *node, const char *fifo)
{
	int dev, ioas = ioas_open(), f;
	volatile uint32_t *bar = edu_open(node, &dev);
	uint8_t *src = buffer(PAGE, 0), *dst = buffer(PAGE, 0);
	struct upci_ioas_info info;
	uint64_t si, di;
	char c;

	(void)bar;
	if (attach(dev, ioas))
		DIE("attach: %s", strerror(errno));
	si = map_or_die(ioas, src, PAGE, RW, 0, EDU_LIMIT);
	di = map_or_die(ioas, dst, PAGE, RW, 0, EDU_LIMIT);
	printf("holding\n");
	f = open(fifo, O_RDONLY);
	if (f < 0 || read(f, &c, 1) != 1)
		DIE("fifo: %s", strerror(errno));
	CHECK_ERR(ENODEV, detach(dev), "detach after the device was removed");
	CHECK_ERR(ENODEV, attach(dev, ioas), "attach after the device was removed");
	CHECK(ioas_info(ioas, &info) == 0 && info.out_num_devices == 0 &&
	      info.out_num_mappings == 2,
	      "the space lost its device and kept its mappings (%u, %llu)",
	      info.out_num_devices, (unsigned long long)info.out_num_mappings);
	CHECK(unmap(ioas, si, PAGE, NULL) == 0 && unmap(ioas, di, PAGE, NULL) == 0,
	      "unmap still works");
	CHECK(close(dev) == 0 && close(ioas) == 0, "close works");
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "locked")) {
		print_locked();
		return 0;
	}
	if (argc < 3)
		goto usage;
	if (!strcmp(argv[1], "roundtrip"))
		test_roundtrip(argv[2]);
	else if (!strcmp(argv[1], "unmapped"))
		test_unmapped(argv[2]);
	else if (!strcmp(argv[1], "revoke") && argc == 4)
		test_revoke(argv[2], argv[3]);
	else if (!strcmp(argv[1], "compact"))
		test_compact(strtoul(argv[2], NULL, 0));
	else if (!strcmp(argv[1], "revoke-queue"))
		test_revoke_queue(strtoul(argv[2], NULL, 0));
	else if (!strcmp(argv[1], "fork"))
		test_fork(argv[2]);
	else if (!strcmp(argv[1], "memlock"))
		test_memlock();
	else if (!strcmp(argv[1], "twodev") && argc == 4)
		test_twodev(argv[2], argv[3]);
	else if (!strcmp(argv[1], "bad"))
		test_bad(argv[2]);
	else if (!strcmp(argv[1], "scale") && argc == 4)
		test_scale(argv[2], strtoul(argv[3], NULL, 0));
	else if (!strcmp(argv[1], "noiommu"))
		test_noiommu(argv[2]);
	else if (!strcmp(argv[1], "spin") && argc == 4)
		spin(argv[2], strtoul(argv[3], NULL, 0));
	else if (!strcmp(argv[1], "stuck-map") && argc == 4)
		test_stuck_map(argv[2], argv[3]);
	else if (!strcmp(argv[1], "hold") && argc == 4)
		hold(argv[2], argv[3]);
	else
		goto usage;
	return failures ? 1 : 0;
usage:
	fprintf(stderr, "usage: see the top of %s\n", __FILE__);
	return 2;
}
