// SPDX-License-Identifier: GPL-2.0
/*
 * upci-failnth: run a sequence of calls on upci with the Nth fault-injection
 * point of the task failing, for N = 1, 2, ... until the sequence runs
 * through without reaching the Nth point.  Every run whose allocation
 * failed must have returned an error (and cleaned up after itself: the
 * next run starts from scratch, the device must open again, and the
 * harness's kmemleak scan and splat check cover the rest).
 *
 *   upci-failnth dev NODE      open, device and region info, config read,
 *                              mmap of BAR0, close
 *   upci-failnth dma NODE      open, address space, attach, map, unmap,
 *                              revocation by munmap, close
 *   upci-failnth irq NODE      open, MSI to an eventfd, one interrupt, the
 *                              eventfd swapped, MSI off, INTx on and off
 *
 * Only allocations with upci.ko on the call stack fail (the fault
 * injection's require-start/end range), and none under one kernel function
 * per sequence (its reject-start/end range), each for a kernel bug outside
 * upci:
 *   acpi_pci_irq_enable  an allocation failing while ACPICA evaluates the
 *                        PCI routing table for pci_enable_device() corrupts
 *                        ACPICA's reference counts and ends in a
 *                        use-after-free there;
 *   register_irq_proc    request_irq() ignores a /proc/irq/N file it could
 *                        not create, and freeing the vector then WARNs that
 *                        the file is missing.
 * The irq sequence opens the device without injection (the dev sequence
 * covers open), so that it needs only the second.
 * The final close() runs without injection: upci only frees there.
 *
 * Needs root, the debug kernel's fault injection (failslab,
 * fail_page_alloc) and /proc/thread-self/fail-nth.  Exits 77 without them.
 */
#include <poll.h>
#include <sys/eventfd.h>

#include "upci-test.h"

typedef int (*sequence_fn)(const char *node);

static int failnth_fd = -1;

static int set_fail_nth(unsigned int n);

/* close() with fault injection off; returns the points still left */
static long close_uninjected(int fd);

static int set_fail_nth(unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	return pwrite(failnth_fd, buf, len, 0) == len ? 0 : -1;
}

/* 0 when the injected failure happened, else how many points were left */
static long get_fail_nth(void)
{
	char buf[16] = "";

	if (pread(failnth_fd, buf, sizeof(buf) - 1, 0) <= 0)
		return -1;
	return strtol(buf, NULL, 10);
}

static long left_at_close = -1;

static void end_injection(void);

static long close_uninjected(int fd)
{
	end_injection();
	return close(fd);
}

/* Stop injecting: record the points left (for main) and turn fail-nth off */
static void end_injection(void)
{
	left_at_close = get_fail_nth();
	set_fail_nth(0);
}

/* open() of the device, the first injected step; ends injection on failure */
static int open_injected(const char *node)
{
	int fd = open(node, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		fd = -errno;
		end_injection();
	}
	return fd;
}

/* open() of the device with injection paused: the points left stay */
static int open_uninjected(const char *node)
{
	long left = get_fail_nth();
	int fd;

	set_fail_nth(0);
	fd = open(node, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fd = -errno;
		left_at_close = left;
	} else {
		set_fail_nth(left);
	}
	return fd;
}

static const char *failed_step;

#define STEP(call)							\
	do {								\
		if ((call) < 0) {					\
			ret = -errno;					\
			failed_step = #call;				\
			goto out;					\
		}							\
	} while (0)

static int seq_dev(const char *node)
{
	struct upci_device_info di = { .size = sizeof(di) };
	struct upci_info info = { .size = sizeof(info) };
	struct upci_region_info ri;
	void *bar = MAP_FAILED;
	uint32_t id;
	int fd, ret = 0;

	fd = open_injected(node);
	if (fd < 0)
		return fd;
	STEP(ioctl(fd, UPCI_INFO, &info));
	STEP(ioctl(fd, UPCI_DEVICE_GET_INFO, &di));
	STEP(region_info(fd, UPCI_REGION_BAR0, &ri));
	STEP(pread(fd, &id, 4, region_offset(UPCI_REGION_CONFIG)));
	bar = mmap(NULL, ri.out_size, PROT_READ, MAP_SHARED, fd, ri.out_offset);
	if (bar == MAP_FAILED) {
		ret = -errno;
		goto out;
	}
	id = *(volatile uint32_t *)bar;
	if (id != 0x010000ed)
		ret = -EIO;
	munmap(bar, ri.out_size);
out:
	close_uninjected(fd);
	return ret;
}

static int seq_dma(const char *node)
{
	struct upci_ioas_set_eventfd se = { .size = sizeof(se), .fd = -1 };
	struct upci_device_attach at = { .size = sizeof(at) };
	struct upci_ioas_unmap um = { .size = sizeof(um) };
	struct upci_ioas_map m = {
		.size = sizeof(m),
		.flags = UPCI_IOAS_MAP_READ | UPCI_IOAS_MAP_WRITE,
		.length = 8 << 12,
	};
	int dev, ioas = -1, ret = 0;
	uint8_t *buf;

	buf = mmap(NULL, m.length, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (buf == MAP_FAILED)
		return -errno;
	dev = open_injected(node);
	if (dev < 0) {
		ret = dev;
		goto out_buf;
	}
	STEP(ioas = open("/dev/upci/iommu", O_RDWR | O_CLOEXEC));
	at.ioas_fd = ioas;
	STEP(ioctl(dev, UPCI_DEVICE_ATTACH, &at));
	STEP(ioctl(ioas, UPCI_IOAS_SET_EVENTFD, &se));
	m.user_va = (uintptr_t)buf;
	STEP(ioctl(ioas, UPCI_IOAS_MAP, &m));
	um.iova = m.iova;
	um.length = m.length;
	STEP(ioctl(ioas, UPCI_IOAS_UNMAP, &um));
	STEP(ioctl(ioas, UPCI_IOAS_MAP, &m));
	/* Revoked by the notifier, then freed by close */
	STEP(munmap(buf, m.length));
	buf = MAP_FAILED;
out:
	end_injection();
	if (ioas >= 0)
		close(ioas);
	close(dev);
out_buf:
	if (buf != MAP_FAILED)
		munmap(buf, 8 << 12);
	return ret;
}

/*
 * Interrupts: MSI with an eventfd, a raise that must arrive, the eventfd
 * swapped for another, off, then INTx on and off.
 */
static int seq_irq(const char *node)
{
	struct upci_region_info ri;
	struct upci_irq_set set = { .size = sizeof(set), .count = 1 };
	volatile uint32_t *bar = MAP_FAILED;
	int fd, efd = -1, efd2 = -1, ret = 0;
	struct pollfd pfd = { .events = POLLIN };
	int32_t fds[1];
	uint64_t n;

	fd = open_uninjected(node);
	if (fd < 0)
		return fd;
	STEP(region_info(fd, UPCI_REGION_BAR0, &ri));
	bar = mmap(NULL, ri.out_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   ri.out_offset);
	if (bar == MAP_FAILED) {
		ret = -errno;
		goto out;
	}
	STEP(efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
	STEP(efd2 = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
	set.type = UPCI_IRQ_MSI;
	set.eventfds = (uintptr_t)fds;
	fds[0] = efd;
	STEP(ioctl(fd, UPCI_DEVICE_SET_IRQS, &set));
	/* Memory decode and bus mastering: an MSI is a write by the device */
	cfg_write(fd, 0x04, 2, cfg_read(fd, 0x04, 2) | 0x6);
	bar[0x60 / 4] = 1;		/* edu: raise interrupt bit 0 */
	pfd.fd = efd;
	STEP(poll(&pfd, 1, 5000) == 1 ? 0 : (errno = ETIMEDOUT, -1));
	bar[0x64 / 4] = 1;		/* and acknowledge it */
	STEP(read(efd, &n, sizeof(n)));
	fds[0] = efd2;
	STEP(ioctl(fd, UPCI_DEVICE_SET_IRQS, &set));
	set.count = 0;
	STEP(ioctl(fd, UPCI_DEVICE_SET_IRQS, &set));
	set.type = UPCI_IRQ_INTX;
	set.count = 1;
	STEP(ioctl(fd, UPCI_DEVICE_SET_IRQS, &set));
	set.count = 0;
	STEP(ioctl(fd, UPCI_DEVICE_SET_IRQS, &set));
out:
	if (bar != MAP_FAILED)
		munmap((void *)bar, ri.out_size);
	close_uninjected(fd);
	if (efd >= 0)
		close(efd);
	if (efd2 >= 0)
		close(efd2);
	return ret;
}

static int setup_knobs(void);

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n = fd < 0 ? -1 : write(fd, val, strlen(val));

	if (fd >= 0)
		close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

/* [start, end) of upci.ko in memory, from /proc/modules */
static int module_range(unsigned long long *start, unsigned long long *end)
{
	char line[256], name[64];
	unsigned long long size = 0, base = 0;
	FILE *f = fopen("/proc/modules", "r");
	int found = 0;

	while (f && !found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%63s %llu %*s %*s %*s %llx", name, &size,
			       &base) == 3 && !strcmp(name, "upci");
	if (f)
		fclose(f);
	*start = base;
	*end = base + size;
	return found && base ? 0 : -1;
}

/* [start, end) of the kernel function @name, from /proc/kallsyms */
static int function_range(const char *name, unsigned long long *start,
			  unsigned long long *end)
{
	unsigned long long addr, at = 0, after = ~0ULL;
	char line[512], type, sym[256];
	FILE *f = fopen("/proc/kallsyms", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %255s", &addr, &type, sym) == 3 &&
		    !strcmp(sym, name))
			at = addr;
	if (f)
		rewind(f);
	while (f && at && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx", &addr) == 1 && addr > at && addr < after)
			after = addr;
	if (f)
		fclose(f);
	*start = at;
	*end = after;
	return at && after != ~0ULL ? 0 : -1;
}

/*
 * Let failslab and fail_page_alloc fail upci's allocations, quietly, except
 * under the kernel function @reject
 */
static int setup_fault_injection(const char *reject)
{
	static const char *const dirs[] = {
		"/sys/kernel/debug/failslab", "/sys/kernel/debug/fail_page_alloc",
	};
	unsigned long long ms, me, as, ae;
	char path[128], val[32];
	size_t i;

	if (module_range(&ms, &me) ||
	    function_range(reject, &as, &ae))
		return -1;
	for (i = 0; i < 2; i++) {
		const struct { const char *file; unsigned long long v; } knobs[] = {
			{ "require-start", ms }, { "require-end", me },
			{ "reject-start", as }, { "reject-end", ae },
			{ "stacktrace-depth", 64 },
		};
		size_t k;

		for (k = 0; k < sizeof(knobs) / sizeof(knobs[0]); k++) {
			snprintf(path, sizeof(path), "%s/%s", dirs[i], knobs[k].file);
			snprintf(val, sizeof(val), "%llu", knobs[k].v);
			if (write_file(path, val))
				return -1;
		}
	}
	printf("# failures only under upci.ko %#llx-%#llx, never under %s %#llx-%#llx\n",
	       ms, me, reject, as, ae);
	return setup_knobs();
}

static int setup_knobs(void)
{
	const char *const files[][2] = {
		{ "/sys/kernel/debug/failslab/ignore-gfp-wait", "N" },
		{ "/sys/kernel/debug/failslab/verbose", getenv("UPCI_FAILNTH_VERBOSE") ? "2" : "0" },
		{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-wait", "N" },
		{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem", "N" },
		{ "/sys/kernel/debug/fail_page_alloc/min-order", "0" },
		{ "/sys/kernel/debug/fail_page_alloc/verbose", getenv("UPCI_FAILNTH_VERBOSE") ? "2" : "0" },
	};
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (write_file(files[i][0], files[i][1]))
			return -1;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		sequence_fn fn;
		const char *reject;	/* see the top of this file */
	} sequences[] = {
		{ "dev", seq_dev, "acpi_pci_irq_enable" },
		{ "dma", seq_dma, "acpi_pci_irq_enable" },
		{ "irq", seq_irq, "register_irq_proc" },
	};
	unsigned int n, injected = 0, absorbed = 0;
	size_t i;
	sequence_fn seq;
	long left;
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 3) {
		fprintf(stderr, "usage: upci-failnth dev|dma|irq NODE\n");
		return 2;
	}
	for (i = 0; i < sizeof(sequences) / sizeof(sequences[0]); i++)
		if (!strcmp(argv[1], sequences[i].name))
			break;
	if (i == sizeof(sequences) / sizeof(sequences[0]))
		return 2;
	seq = sequences[i].fn;
	failnth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (failnth_fd < 0 || setup_fault_injection(sequences[i].reject)) {
		printf("no fault injection (fail-nth, failslab, fail_page_alloc) on this kernel\n");
		return 77;
	}
	ret = seq(argv[2]);
	CHECK(ret == 0, "%s: the sequence works without injected failures (%s%s%s)",
	      argv[1], strerror(-ret), ret ? " at " : "", ret ? failed_step : "");
	for (n = 1; n < 100000; n++) {
		if (set_fail_nth(n))
			DIE("fail-nth: %s", strerror(errno));
		ret = seq(argv[2]);
		left = left_at_close;
		set_fail_nth(0);
		if (left > 0)
			break;		/* ran through without reaching point n */
		injected++;
		if (!ret) {
			absorbed++;
			if (getenv("UPCI_FAILNTH_VERBOSE"))
				printf("# absorbed: failure %u\n", n);
		}
		/* Whatever failed, the device must open again */
		if (n % 16 == 0 || ret) {
			int fd = open(argv[2], O_RDWR | O_CLOEXEC);

			if (fd < 0)
				DIE("after failure %u (%s) the device does not open: %s",
				    n, strerror(-ret), strerror(errno));
			close(fd);
		}
	}
	CHECK(ret == 0, "%s: after %u injected failures the sequence runs through",
	      argv[1], injected);
	/*
	 * A failure can be absorbed legitimately (an optional allocation, a
	 * retry): report them, and require that most surfaced as errors.
	 */
	printf("# %s: %u injection points, %u surfaced as errors, %u absorbed\n",
	       argv[1], injected, injected - absorbed, absorbed);
	CHECK(injected > 0 && injected - absorbed > 0,
	      "%s: injected failures surfaced as errors", argv[1]);
	return failures ? 1 : 0;
}
