// SPDX-License-Identifier: GPL-2.0
/*
 * upci-test-dev: checks of the device core (/dev/upci/<BDF>), run inside the
 * guest by tests/guest/dev-*.sh.
 *
 *   upci-test-dev open NODE [ERRNO]   open; expect success or errno ERRNO
 *   upci-test-dev busy NODE           open twice: the second gets EBUSY
 *   upci-test-dev sendfd NODE         pass the fd over a UNIX socket
 *   upci-test-dev abi NODE            every ioctl against the common frame
 *   upci-test-dev edu NODE            edu through mmap of BAR0
 *   upci-test-dev rom-io NODE HEX     e1000e's ROM (its first 16 bytes: HEX)
 *                                     and I/O BAR
 *   upci-test-dev config NODE         virtual config space of edu
 *   upci-test-dev mmap-bad NODE       refused mmaps
 *   upci-test-dev mem-off NODE        clearing COMMAND.MEM revokes mappings
 *   upci-test-dev reset NODE [ERRNO]  reset; expect success or errno ERRNO
 *   upci-test-dev nvme NODE           nvme registers answer through BAR0
 *   upci-test-dev hold NODE FIFO      map BAR0, wait for a line on FIFO (the
 *                                     device is unbound meanwhile), then
 *                                     expect SIGBUS, ENODEV and a clean close
 *
 * Prints one "ok - ..." line per check; exits 0 when all pass, 1 otherwise.
 */
#include <setjmp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "upci-test.h"

static sigjmp_buf sigbus_jmp;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(sigbus_jmp, 1);
}

/* Read a BAR word; return 1 if that raised SIGBUS */
static int read_gets_sigbus(volatile uint32_t *p, uint32_t *val)
{
	struct sigaction sa = { .sa_handler = on_sigbus };
	int bus;

	sigaction(SIGBUS, &sa, NULL);
	if (sigsetjmp(sigbus_jmp, 1)) {
		bus = 1;
	} else {
		*val = *p;
		bus = 0;
	}
	signal(SIGBUS, SIG_DFL);
	return bus;
}

static int errno_by_name(const char *name)
{
	static const struct { const char *n; int e; } tab[] = {
		{ "EACCES", EACCES }, { "EPERM", EPERM }, { "EBUSY", EBUSY },
		{ "ENODEV", ENODEV }, { "EOPNOTSUPP", EOPNOTSUPP },
		{ "EAGAIN", EAGAIN }, { "EINVAL", EINVAL },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (!strcmp(tab[i].n, name))
			return tab[i].e;
	fprintf(stderr, "unknown errno name %s\n", name);
	exit(2);
}

static void test_open(const char *node, const char *want)
{
	int fd = open(node, O_RDWR);

	if (!want) {
		CHECK(fd >= 0, "open %s (%s)", node, fd < 0 ? strerror(errno) : "");
	} else {
		int e = errno;

		CHECK(fd < 0 && e == errno_by_name(want), "open %s fails with %s (got %s)",
		      node, want, fd < 0 ? strerror(e) : "success");
	}
	if (fd >= 0)
		close(fd);
}

static void test_busy(const char *node)
{
	int fd = open_node(node);

	CHECK_ERR(EBUSY, open(node, O_RDWR), "second open");
	close(fd);
	CHECK_ERR(EACCES, open(node, O_RDONLY), "read-only open");
	CHECK_ERR(EACCES, open(node, O_WRONLY), "write-only open");
	fd = open(node, O_RDWR);
	CHECK(fd >= 0, "open after close works");
	close(fd);
}

static void test_sendfd(const char *node)
{
	int sv[2], fd, status;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
		perror("socketpair");
		exit(1);
	}
	pid = fork();
	if (pid == 0) {
		char dummy;
		char cbuf[CMSG_SPACE(sizeof(int))];
		struct iovec iov = { .iov_base = &dummy, .iov_len = 1 };
		struct msghdr msg = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
		};
		struct upci_device_info di = { .size = sizeof(di) };
		struct cmsghdr *c;
		int rfd;

		close(sv[0]);
		if (recvmsg(sv[1], &msg, 0) != 1)
			_exit(10);
		c = CMSG_FIRSTHDR(&msg);
		if (!c || c->cmsg_type != SCM_RIGHTS)
			_exit(11);
		memcpy(&rfd, CMSG_DATA(c), sizeof(int));
		if (ioctl(rfd, UPCI_DEVICE_GET_INFO, &di))
			_exit(12);
		if (cfg_read(rfd, 0, 2) != di.out_vendor)
			_exit(13);
		_exit(0);
	}
	close(sv[1]);
	fd = open_node(node);
	{
		char dummy = 'x';
		char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
		struct iovec iov = { .iov_base = &dummy, .iov_len = 1 };
		struct msghdr msg = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
		};
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
		if (sendmsg(sv[0], &msg, 0) != 1)
			perror("sendmsg");
	}
	close(fd);
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "the fd passed over a UNIX socket works in the receiver (status %d)",
	      WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/*
 * One ioctl against the common frame (see the errno table in upci.h);
 * @want is the errno of the call with the exact size (0: success).
 */
static void abi_one(int fd, const char *name, unsigned long cmd, size_t size,
		    void (*fill)(void *), int want)
{
	unsigned char *buf = calloc(1, 8192 + 16);
	int r, exact;

	/* Exact size: the reference result */
	fill(buf);
	*(uint32_t *)buf = size;
	r = ioctl(fd, cmd, buf);
	exact = r ? errno : 0;
	CHECK(exact == want, "%s with the exact size (%s)",
	      name, r ? strerror(exact) : "0");

	fill(buf);
	*(uint32_t *)buf = size - 1;
	CHECK_ERR(EINVAL, ioctl(fd, cmd, buf), name);

	fill(buf);
	*(uint32_t *)buf = size + 8;
	buf[size + 3] = 1;
	CHECK_ERR(E2BIG, ioctl(fd, cmd, buf), name);

	fill(buf);
	memset(buf + size, 0, 16);
	*(uint32_t *)buf = size + 8;
	r = ioctl(fd, cmd, buf);
	CHECK(r ? errno == exact : exact == 0,
	      "%s: a larger struct with a zero tail works as the exact one", name);

	fill(buf);
	*(uint32_t *)buf = size;
	((uint32_t *)buf)[1] = 0x80000000;
	CHECK_ERR(EOPNOTSUPP, ioctl(fd, cmd, buf), name);

	/* Larger than a page: refused before any of it is read */
	fill(buf);
	memset(buf + size, 0, 8192 + 16 - size);
	*(uint32_t *)buf = 8192;
	CHECK_ERR(E2BIG, ioctl(fd, cmd, buf), name);

	CHECK_ERR(EFAULT, ioctl(fd, cmd, (void *)8), name);
	free(buf);
}

static void fill_none(void *p)
{
	(void)p;
}

static void fill_region(void *p)
{
	((struct upci_region_info *)p)->index = UPCI_REGION_CONFIG;
}

static void fill_irq_info(void *p)
{
	((struct upci_irq_info *)p)->type = UPCI_IRQ_MSI;
}

/* Turning off a type that is not on: a no-op that succeeds */
static void fill_irq_set(void *p)
{
	struct upci_irq_set *s = p;

	s->type = UPCI_IRQ_MSI;
	s->start = 0;
	s->count = 0;
}

static void fill_irq_unmask(void *p)
{
	((struct upci_irq_unmask *)p)->type = UPCI_IRQ_INTX;
}

static void fill_attach(void *p)
{
	((struct upci_device_attach *)p)->ioas_fd = -1;
}

#define ABI_ONE(cmd, type, fill, want) \
	abi_one(fd, #cmd, cmd, sizeof(type), fill, want)

static void test_abi(const char *node)
{
	int fd = open_node(node);
	struct upci_info info = { .size = sizeof(info) };
	struct upci_device_info di = { .size = sizeof(di) };
	struct upci_region_info ri;

	CHECK(ioctl(fd, UPCI_DEVICE_GET_INFO, &di) == 0, "device info");
	CHECK(ioctl(fd, UPCI_INFO, &info) == 0 &&
	      info.out_api_version == UPCI_API_VERSION,
	      "UPCI_INFO gives API version %u", info.out_api_version);

	ABI_ONE(UPCI_INFO, struct upci_info, fill_none, 0);
	ABI_ONE(UPCI_DEVICE_GET_INFO, struct upci_device_info, fill_none, 0);
	ABI_ONE(UPCI_DEVICE_GET_REGION_INFO, struct upci_region_info,
		fill_region, 0);
	ABI_ONE(UPCI_DEVICE_RESET, struct upci_device_reset, fill_none,
		di.out_flags & UPCI_DEVICE_FLAG_RESET ? 0 : EOPNOTSUPP);
	ABI_ONE(UPCI_DEVICE_GET_IRQ_INFO, struct upci_irq_info, fill_irq_info, 0);
	ABI_ONE(UPCI_DEVICE_SET_IRQS, struct upci_irq_set, fill_irq_set, 0);
	ABI_ONE(UPCI_DEVICE_IRQ_UNMASK, struct upci_irq_unmask,
		fill_irq_unmask, ENOENT);
	ABI_ONE(UPCI_DEVICE_ATTACH, struct upci_device_attach, fill_attach,
		EBADF);
	ABI_ONE(UPCI_DEVICE_DETACH, struct upci_device_detach, fill_none,
		ENOENT);

	{
		/* In read-only memory: an ioctl without results never writes */
		static const struct upci_irq_set off = {
			.size = sizeof(off), .type = UPCI_IRQ_MSI,
		};

		CHECK(ioctl(fd, UPCI_DEVICE_SET_IRQS, &off) == 0,
		      "SET_IRQS from a const struct (%s)", strerror(errno));
	}
	CHECK_ERR(ENOTTY, ioctl(fd, _IO(UPCI_TYPE, 0x7f), &info), "unknown ioctl nr");
	CHECK_ERR(ENOTTY, ioctl(fd, _IOR(UPCI_TYPE, 0, struct upci_info), &info),
		  "ioctl with a size-encoding number");
	CHECK_ERR(ENOTTY, ioctl(fd, _IO('x', 0), &info), "ioctl of another type");
	CHECK_ERR(EINVAL, region_info(fd, UPCI_NUM_REGIONS, &ri), "region index out of range");
	close(fd);
}

/*
 * e1000e's expansion ROM (read-only; @want_hex: its first 16 bytes as root
 * read them from sysfs) and its I/O BAR (IOADDR/IODATA reach the same
 * registers as BAR0).
 */
static void test_rom_io(const char *node, const char *want_hex)
{
	int fd = open_node(node), io = -1, i;
	volatile uint32_t *bar = map_bar(fd, 0, NULL);
	struct upci_region_info ri;
	unsigned char rom[16], b[4] = { 0 };
	char hex[64] = "";
	uint32_t v;

	CHECK(region_info(fd, UPCI_REGION_ROM, &ri) == 0 && ri.out_size >= 512 &&
	      (ri.out_flags & UPCI_REGION_FLAG_READ) &&
	      !(ri.out_flags & (UPCI_REGION_FLAG_WRITE | UPCI_REGION_FLAG_MMAP)),
	      "ROM region: %llu bytes, read-only", (unsigned long long)ri.out_size);
	CHECK(pread(fd, rom, sizeof(rom), region_offset(UPCI_REGION_ROM)) ==
	      sizeof(rom) && rom[0] == 0x55 && rom[1] == 0xaa,
	      "the ROM starts with the 55 aa signature");
	for (i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", rom[i]);
	CHECK(!strcmp(hex, want_hex), "the ROM reads as sysfs shows it (%s, %s)",
	      hex, want_hex);
	CHECK_ERR(EINVAL, pwrite(fd, rom, 4, region_offset(UPCI_REGION_ROM)),
		  "ROM write");
	CHECK_ERR(EINVAL, pread(fd, rom, 4, region_offset(UPCI_REGION_ROM) +
				ri.out_size), "ROM read past its end");

	for (i = 0; i < UPCI_REGION_ROM; i++)
		if (!region_info(fd, i, &ri) && (ri.out_flags & UPCI_REGION_FLAG_IO))
			io = i;
	CHECK(io >= 0, "an I/O BAR (%d)", io);
	if (io < 0)
		goto out;
	v = 0x8;			/* IOADDR = STATUS */
	CHECK(pwrite(fd, &v, 4, region_offset(io)) == 4 &&
	      pread(fd, b, 4, region_offset(io) + 4) == 4,
	      "IOADDR/IODATA through the I/O BAR");
	memcpy(&v, b, 4);
	CHECK(v == bar[0x8 / 4], "STATUS through I/O space %#x, through BAR0 %#x",
	      v, bar[0x8 / 4]);
	CHECK_ERR(EINVAL, pread(fd, b, 4, region_offset(io) + 2),
		  "misaligned I/O access");
out:
	close(fd);
}

static void test_edu(const char *node)
{
	int fd = open_node(node);
	volatile uint32_t *bar = map_bar(fd, 0, NULL);
	uint32_t v;
	int i;

	CHECK(bar[0] == 0x010000ed, "edu identification is 0x010000ed (%#x)", bar[0]);
	bar[1] = 0x12345678;
	CHECK(bar[1] == ~0x12345678u, "edu liveness inverts (%#x)", bar[1]);

	bar[2] = 10;			/* factorial of 10 */
	for (i = 0; i < 100000 && (bar[8] & 1); i++)
		usleep(10);
	v = bar[2];
	CHECK(v == 3628800, "edu computes 10! = 3628800 (%u)", v);

	/* The same registers through pread/pwrite */
	v = 0;
	CHECK(pread(fd, &v, 4, region_offset(0)) == 4 && v == 0x010000ed,
	      "pread of BAR0 reads the identification");
	v = 0xa5a5a5a5;
	CHECK(pwrite(fd, &v, 4, region_offset(0) + 4) == 4 && bar[1] == ~v,
	      "pwrite of BAR0 reaches the liveness register");
	close(fd);
}

static unsigned int find_cap(int fd, unsigned int id)
{
	unsigned int pos = cfg_read(fd, 0x34, 1) & ~3u;
	int ttl = 48;

	while (pos >= 0x40 && ttl--) {
		if ((cfg_read(fd, pos, 1) & 0xff) == id)
			return pos;
		pos = cfg_read(fd, pos + 1, 1) & ~3u;
	}
	return 0;
}

static void test_config(const char *node, const char *bar0_after)
{
	int fd = open_node(node);
	struct upci_region_info ri;
	struct upci_device_info di = { .size = sizeof(di) };
	unsigned int msi;
	uint32_t v, orig;
	uint64_t q;
	char b[16];

	(void)bar0_after;
	CHECK(ioctl(fd, UPCI_DEVICE_GET_INFO, &di) == 0, "device info");
	CHECK(cfg_read(fd, 0, 2) == 0x1234 && cfg_read(fd, 2, 2) == 0x11e8,
	      "vendor and device IDs read 1234:11e8");
	CHECK(cfg_read(fd, 0, 4) == 0x11e81234, "dword read of the IDs");
	CHECK(region_info(fd, UPCI_REGION_CONFIG, &ri) == 0 && ri.out_size >= 256,
	      "config region of %llu bytes", (unsigned long long)ri.out_size);

	/* BAR0 sizing is emulated */
	orig = cfg_read(fd, 0x10, 4);
	cfg_write(fd, 0x10, 4, 0xffffffff);
	v = cfg_read(fd, 0x10, 4);
	CHECK((v & ~0xfu) == 0xfff00000, "BAR0 sizing reads 1 MiB (%#x)", v);
	cfg_write(fd, 0x10, 4, 0x12300000);
	v = cfg_read(fd, 0x10, 4);
	CHECK((v & ~0xfu) == 0x12300000, "BAR0 reads back the virtual address (%#x)", v);
	(void)orig;

	/* MSI control belongs to the kernel */
	msi = find_cap(fd, 0x05);
	if (msi) {
		uint16_t before = cfg_read(fd, msi + 2, 2);

		cfg_write(fd, msi + 2, 2, before | 1 | 0x70);
		CHECK(cfg_read(fd, msi + 2, 2) == before,
		      "MSI control write is ignored (%#x)", before);
		cfg_write(fd, msi + 4, 4, 0xfee01000);
		CHECK(cfg_read(fd, msi + 4, 4) != 0xfee01000 ||
		      before & 0x1, "MSI address write is ignored");
	} else {
		CHECK(0, "edu has an MSI capability");
	}

	/* Errors */
	CHECK_ERR(EINVAL, pread(fd, b, 2, region_offset(UPCI_REGION_CONFIG) + 1),
		  "misaligned 2-byte config read");
	CHECK_ERR(EINVAL, pread(fd, b, 4, region_offset(UPCI_REGION_CONFIG) + 2),
		  "misaligned 4-byte config read");
	CHECK_ERR(EINVAL, pread(fd, b, 3, region_offset(UPCI_REGION_CONFIG)),
		  "3-byte config read");
	CHECK_ERR(EINVAL, pread(fd, b, 4, region_offset(UPCI_REGION_CONFIG) +
				ri.out_size), "config read past the end");
	CHECK_ERR(EINVAL, pread(fd, b, 8, region_offset(UPCI_REGION_CONFIG) +
				ri.out_size - 4), "config read across the end");
	CHECK_ERR(EINVAL, pwrite(fd, b, 2, region_offset(UPCI_REGION_CONFIG) + 3),
		  "misaligned config write");
	CHECK_ERR(EINVAL, pread(fd, b, 4, region_offset(UPCI_NUM_REGIONS)),
		  "read of a region that does not exist");
	CHECK_ERR(EINVAL, pread(fd, b, 4, region_offset(UPCI_REGION_BAR5)),
		  "read of an unimplemented BAR");
	CHECK_ERR(EINVAL, pwrite(fd, b, 4, region_offset(UPCI_REGION_ROM)),
		  "write of the ROM");
	CHECK(pread(fd, &q, 8, region_offset(UPCI_REGION_CONFIG)) == 8 &&
	      (uint32_t)q == 0x11e81234, "8-byte config read is split");
	{
		char big[64];

		CHECK(pread(fd, big, 64, region_offset(UPCI_REGION_CONFIG)) == 64 &&
		      big[0] == 0x34, "64-byte config read");
		CHECK(pread(fd, big, 7, region_offset(UPCI_REGION_CONFIG) + 1) == -1,
		      "7-byte read is refused");
	}
	close(fd);
}

static void test_mmap_bad(const char *node)
{
	int fd = open_node(node);
	struct upci_region_info ri;
	long pg = sysconf(_SC_PAGESIZE);
	void *p;

	region_info(fd, 0, &ri);
	p = mmap(NULL, ri.out_size + pg, PROT_READ, MAP_SHARED, fd, ri.out_offset);
	CHECK(p == MAP_FAILED && errno == EINVAL, "mmap past the end of BAR0: EINVAL");
	p = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, ri.out_offset + ri.out_size);
	CHECK(p == MAP_FAILED && errno == EINVAL, "mmap starting at the end of BAR0: EINVAL");
	p = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, region_offset(UPCI_REGION_CONFIG));
	CHECK(p == MAP_FAILED && errno == EINVAL, "mmap of config space: EINVAL");
	p = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, region_offset(UPCI_REGION_BAR5));
	CHECK(p == MAP_FAILED && errno == EINVAL, "mmap of an unimplemented BAR: EINVAL");
	p = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, region_offset(13));
	CHECK(p == MAP_FAILED && errno == EINVAL, "mmap with a bad offset: EINVAL");
	p = mmap(NULL, pg, PROT_READ, MAP_PRIVATE, fd, ri.out_offset);
	CHECK(p == MAP_FAILED && errno == EINVAL, "private mmap of BAR0: EINVAL");
	p = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, ri.out_offset + ri.out_size - pg);
	CHECK(p != MAP_FAILED, "mmap of the last page of BAR0 works");
	close(fd);
}

static void test_mem_off(const char *node)
{
	int fd = open_node(node);
	volatile uint32_t *bar = map_bar(fd, 0, NULL);
	uint16_t cmd = cfg_read(fd, 4, 2);
	uint32_t v = 0;
	pid_t pid;
	int status;

	CHECK(!read_gets_sigbus(bar, &v) && v == 0x010000ed, "BAR0 reads before");
	/* A child inherits the mapping: it must be revoked there too */
	pid = fork();
	if (pid == 0) {
		usleep(300000);
		_exit(read_gets_sigbus(bar, &v) ? 0 : 1);
	}
	cfg_write(fd, 4, 2, cmd & ~0x2);
	CHECK(read_gets_sigbus(bar, &v), "with COMMAND.MEM clear, BAR access gets SIGBUS");
	CHECK_ERR(EIO, pread(fd, &v, 4, region_offset(0)), "pread of BAR0 with memory off");
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "the forked child's mapping is revoked too");
	cfg_write(fd, 4, 2, cmd | 0x2);
	CHECK(!read_gets_sigbus(bar, &v) && v == 0x010000ed,
	      "with COMMAND.MEM set again, BAR access works");
	close(fd);
}

static void test_reset(const char *node, const char *want)
{
	int fd = open_node(node);
	struct upci_device_reset r = { .size = sizeof(r) };
	struct upci_device_info di = { .size = sizeof(di) };
	int ret = ioctl(fd, UPCI_DEVICE_RESET, &r), e = errno;

	ioctl(fd, UPCI_DEVICE_GET_INFO, &di);
	if (!want) {
		CHECK(ret == 0, "reset (%s)", ret ? strerror(e) : "0");
		CHECK(di.out_flags & UPCI_DEVICE_FLAG_RESET, "device info says reset works");
	} else {
		CHECK(ret == -1 && e == errno_by_name(want), "reset fails with %s (%s)",
		      want, ret ? strerror(e) : "0");
		CHECK(!(di.out_flags & UPCI_DEVICE_FLAG_RESET),
		      "device info says no reset");
	}
	CHECK(cfg_read(fd, 0, 2) == di.out_vendor, "config space still answers");
	close(fd);
}

static void test_nvme(const char *node)
{
	int fd = open_node(node);
	volatile uint32_t *bar = map_bar(fd, 0, NULL);
	uint32_t vs = bar[2];		/* NVMe VS register */
	struct upci_device_reset r = { .size = sizeof(r) };

	CHECK(vs >= 0x10000 && vs < 0x30000, "nvme version register %#x", vs);
	CHECK(ioctl(fd, UPCI_DEVICE_RESET, &r) == 0, "nvme reset (FLR)");
	CHECK(bar[2] == vs, "nvme BAR0 answers after the reset (%#x)", bar[2]);
	/* CC.EN was cleared by the reset: CSTS.RDY reads 0 */
	CHECK((bar[0x1c / 4] & 1) == 0, "nvme controller is not ready after reset");
	close(fd);
}

static void test_hold(const char *node, const char *fifo)
{
	int fd = open_node(node);
	volatile uint32_t *bar = map_bar(fd, 0, NULL);
	struct upci_device_info di = { .size = sizeof(di) };
	uint32_t v = 0;
	char line[16];
	FILE *f;

	CHECK(!read_gets_sigbus(bar, &v), "BAR0 reads %#x before unbind", v);
	printf("ready\n");
	fflush(stdout);
	f = fopen(fifo, "r");
	if (!f || !fgets(line, sizeof(line), f)) {
		printf("not ok - waiting on %s\n", fifo);
		exit(1);
	}
	fclose(f);
	CHECK(read_gets_sigbus(bar, &v), "BAR access after unbind gets SIGBUS");
	CHECK_ERR(ENODEV, ioctl(fd, UPCI_DEVICE_GET_INFO, &di), "ioctl after unbind");
	CHECK_ERR(ENODEV, pread(fd, &v, 4, region_offset(UPCI_REGION_CONFIG)),
		  "config read after unbind");
	CHECK_ERR(ENODEV, pwrite(fd, &v, 4, region_offset(0)), "BAR write after unbind");
	CHECK(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED,
	      "mmap after unbind fails");
	CHECK(close(fd) == 0, "close after unbind");
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "", *node = argc > 2 ? argv[2] : "";
	const char *arg = argc > 3 ? argv[3] : NULL;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 3) {
		fprintf(stderr, "usage: %s TEST NODE [ARG]\n", argv[0]);
		return 2;
	}
	if (!strcmp(cmd, "open"))
		test_open(node, arg);
	else if (!strcmp(cmd, "busy"))
		test_busy(node);
	else if (!strcmp(cmd, "sendfd"))
		test_sendfd(node);
	else if (!strcmp(cmd, "abi"))
		test_abi(node);
	else if (!strcmp(cmd, "edu"))
		test_edu(node);
	else if (!strcmp(cmd, "rom-io") && arg)
		test_rom_io(node, arg);
	else if (!strcmp(cmd, "config"))
		test_config(node, arg);
	else if (!strcmp(cmd, "mmap-bad"))
		test_mmap_bad(node);
	else if (!strcmp(cmd, "mem-off"))
		test_mem_off(node);
	else if (!strcmp(cmd, "reset"))
		test_reset(node, arg);
	else if (!strcmp(cmd, "nvme"))
		test_nvme(node);
	else if (!strcmp(cmd, "hold") && arg)
		test_hold(node, arg);
	else {
		fprintf(stderr, "unknown test %s\n", cmd);
		return 2;
	}
	return failures ? 1 : 0;
}
