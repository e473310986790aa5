// SPDX-License-Identifier: GPL-2.0
/*
 * upci-test-irq: checks of interrupt delivery to eventfds, run inside the
 * guest by tests/guest/irq-*.sh.
 *
 *   upci-test-irq intx NODE           edu INTx: automask, unmask, factorial
 *   upci-test-irq msi NODE N          edu MSI: N raise/ack cycles, N counts
 *   upci-test-irq latency NODE N      edu MSI: print the raise-to-wake-up
 *                                     latency median and p99 over N
 *   upci-test-irq msix NODE           igb VF MSI-X: vectors reach only their
 *                                     own eventfd; add/remove while live
 *   upci-test-irq msix-pf NODE        igb PF MSI-X: the same with 10 vectors
 *   upci-test-irq bad NODE            edu: bad inputs, errno, no side effect
 *   upci-test-irq nomask NODE         INTx refused (nointxmask set by root)
 *   upci-test-irq storm NODE          edu INTx left asserted: no storm, the
 *                                     guest responsive, the process killable
 *   upci-test-irq hold NODE TYPE [FIFO]
 *                                     arm TYPE (intx, msi, msix), raise one
 *                                     interrupt, print "armed"; without FIFO
 *                                     sleep until killed; with FIFO wait for
 *                                     a line (the device is unbound
 *                                     meanwhile), then expect ENODEV
 *
 * Prints one "ok - ..." line per check; exits 0 when all pass, 1 otherwise.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/eventfd.h>
#include <sys/wait.h>

#include "upci-test.h"

/* edu registers not in upci-test.h */
#define EDU_FACT		0x08
#define EDU_STATUS		0x20
#define EDU_STATUS_IRQFACT	0x80

/* 82576 VF registers (BAR0), datasheet section 8.x "VF registers" */
#define VF_EICS			0x1520	/* extended interrupt cause set */
#define VF_EIMS			0x1524	/* ... mask set */
#define VF_EIMC			0x1528	/* ... mask clear */
#define VF_EIAC			0x152c	/* ... auto clear */
#define VF_EICR			0x1580	/* ... cause read */

#define EDU_BAR_SIZE		(1 << 20)

#define PCI_COMMAND		0x04
#define PCI_COMMAND_INTX_DISABLE 0x400

static int irq_info(int fd, uint32_t type, struct upci_irq_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	info->type = type;
	return ioctl(fd, UPCI_DEVICE_GET_IRQ_INFO, info);
}

static int irq_set(int fd, uint32_t type, uint32_t start, uint32_t count,
		   const int32_t *fds)
{
	struct upci_irq_set s = {
		.size = sizeof(s), .type = type, .start = start,
		.count = count, .eventfds = (uintptr_t)fds,
	};

	return ioctl(fd, UPCI_DEVICE_SET_IRQS, &s);
}

static int irq_set1(int fd, uint32_t type, uint32_t index, int32_t efd)
{
	return irq_set(fd, type, index, 1, &efd);
}

static int irq_unmask(int fd)
{
	struct upci_irq_unmask u = { .size = sizeof(u), .type = UPCI_IRQ_INTX };

	return ioctl(fd, UPCI_DEVICE_IRQ_UNMASK, &u);
}

static int efd_new(void)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	if (fd < 0)
		DIE("eventfd: %s", strerror(errno));
	return fd;
}

/* Waits up to @ms for @efd; returns its count (0 if nothing came) */
static uint64_t efd_wait(int efd, int ms)
{
	struct pollfd p = { .fd = efd, .events = POLLIN };
	uint64_t v = 0;

	if (poll(&p, 1, ms) == 1 && read(efd, &v, sizeof(v)) != sizeof(v))
		v = 0;
	return v;
}

/* Whether the active type is @type, with @connected eventfds */
static int irq_active(int fd, uint32_t type, uint32_t connected)
{
	struct upci_irq_info info;

	if (irq_info(fd, type, &info))
		return 0;
	return (info.out_flags & UPCI_IRQ_INFO_ACTIVE) &&
	       info.out_connected == connected;
}

static int irq_none_active(int fd)
{
	struct upci_irq_info info;
	uint32_t t;

	for (t = 0; t < UPCI_IRQ_NUM_TYPES; t++)
		if (irq_info(fd, t, &info) ||
		    (info.out_flags & UPCI_IRQ_INFO_ACTIVE))
			return 0;
	return 1;
}

static void edu_raise(volatile uint32_t *bar, uint32_t v)
{
	bar[EDU_IRQ_RAISE / 4] = v;
}

static void edu_ack(volatile uint32_t *bar, uint32_t v)
{
	bar[EDU_IRQ_ACK / 4] = v;
}

/* ---- INTx ---- */

static void test_intx(const char *node)
{
	struct upci_irq_info info;
	volatile uint32_t *bar;
	uint16_t cmd;
	int fd, efd, i, n;

	bar = edu_open(node, &fd);
	edu_ack(bar, ~0u);	/* a previous user may have left it asserting */
	efd = efd_new();

	CHECK(!irq_info(fd, UPCI_IRQ_INTX, &info) && info.out_count == 1 &&
	      (info.out_flags & UPCI_IRQ_INFO_MASKABLE) &&
	      (info.out_flags & UPCI_IRQ_INFO_AUTOMASKED) &&
	      !(info.out_flags & UPCI_IRQ_INFO_ACTIVE),
	      "INTx info: 1 vector, maskable, automasked, inactive (count %u flags %#x)",
	      info.out_count, info.out_flags);
	CHECK(!irq_info(fd, UPCI_IRQ_MSI, &info) && info.out_count == 1,
	      "MSI info: 1 vector (%u)", info.out_count);
	CHECK(!irq_info(fd, UPCI_IRQ_MSIX, &info) && info.out_count == 0,
	      "MSI-X info: none (%u)", info.out_count);

	CHECK(!irq_set1(fd, UPCI_IRQ_INTX, 0, efd), "connect INTx");
	CHECK(irq_active(fd, UPCI_IRQ_INTX, 1), "INTx is active, 1 eventfd");
	CHECK(efd_wait(efd, 200) == 0, "nothing before a raise");

	edu_raise(bar, 1);
	CHECK(efd_wait(efd, 2000) == 1, "a raise makes the eventfd readable");
	edu_raise(bar, 2);
	CHECK(efd_wait(efd, 300) == 0, "masked: a second raise delivers nothing");

	/* The user's INTx-disable is virtual: clearing it unmasks nothing */
	cmd = cfg_read(fd, PCI_COMMAND, 2);
	cfg_write(fd, PCI_COMMAND, 2, cmd | PCI_COMMAND_INTX_DISABLE);
	CHECK(cfg_read(fd, PCI_COMMAND, 2) & PCI_COMMAND_INTX_DISABLE,
	      "INTx-disable reads back as the user wrote it (1)");
	cfg_write(fd, PCI_COMMAND, 2, cmd & ~PCI_COMMAND_INTX_DISABLE);
	CHECK(!(cfg_read(fd, PCI_COMMAND, 2) & PCI_COMMAND_INTX_DISABLE),
	      "INTx-disable reads back as the user wrote it (0)");
	CHECK(efd_wait(efd, 300) == 0,
	      "clearing INTx-disable in config space does not unmask");

	CHECK(!irq_unmask(fd), "unmask");
	CHECK(efd_wait(efd, 2000) == 1,
	      "unmask while still asserted: the interrupt arrives");
	CHECK(bar[EDU_IRQ_STATUS / 4] == 3, "irq_status is 3 (%#x)",
	      bar[EDU_IRQ_STATUS / 4]);
	edu_ack(bar, 3);
	CHECK(!irq_unmask(fd), "ack, then unmask");
	CHECK(efd_wait(efd, 300) == 0, "nothing once serviced");
	CHECK(!irq_unmask(fd), "unmasking an unmasked INTx does nothing");
	CHECK(efd_wait(efd, 200) == 0, "still nothing");

	/* The factorial-done interrupt */
	bar[EDU_STATUS / 4] = EDU_STATUS_IRQFACT;
	bar[EDU_FACT / 4] = 10;
	CHECK(efd_wait(efd, 2000) == 1, "factorial-done interrupt");
	CHECK(bar[EDU_FACT / 4] == 3628800, "10! = %u", bar[EDU_FACT / 4]);
	CHECK(bar[EDU_IRQ_STATUS / 4] == 1, "irq_status is 1 (%#x)",
	      bar[EDU_IRQ_STATUS / 4]);
	edu_ack(bar, 1);
	bar[EDU_STATUS / 4] = 0;
	CHECK(!irq_unmask(fd), "unmask after the factorial");

	/* Cycles: each raise, one count */
	for (i = 0, n = 0; i < 100; i++) {
		edu_raise(bar, 4);
		n += efd_wait(efd, 2000);
		edu_ack(bar, 4);
		irq_unmask(fd);
	}
	CHECK(n == 100, "100 raise/ack/unmask cycles: %d counts", n);
	CHECK(efd_wait(efd, 200) == 0, "no extra count");

	/* Replace the eventfd while active */
	{
		int efd2 = efd_new();

		CHECK(!irq_set1(fd, UPCI_IRQ_INTX, 0, efd2), "replace the eventfd");
		edu_raise(bar, 1);
		CHECK(efd_wait(efd2, 2000) == 1 && efd_wait(efd, 200) == 0,
		      "the new eventfd gets it, the old one not");
		edu_ack(bar, 1);
		irq_unmask(fd);
		close(efd2);
	}

	CHECK(!irq_set(fd, UPCI_IRQ_INTX, 0, 0, NULL), "INTx off");
	CHECK(irq_none_active(fd), "no type active");
	edu_raise(bar, 1);
	CHECK(efd_wait(efd, 300) == 0, "off: nothing");
	edu_ack(bar, 1);

	/* And on again */
	CHECK(!irq_set1(fd, UPCI_IRQ_INTX, 0, efd), "INTx on again");
	edu_raise(bar, 1);
	CHECK(efd_wait(efd, 2000) == 1, "it works again");
	edu_ack(bar, 1);
	close(efd);
	close(fd);	/* armed: close frees it */
}

/* ---- MSI ---- */

static void test_msi(const char *node, int cycles)
{
	volatile uint32_t *bar;
	int fd, efd, efd2, i, bad = 0;
	uint64_t v, total = 0;

	bar = edu_open(node, &fd);
	edu_ack(bar, ~0u);
	efd = efd_new();
	CHECK(!irq_set1(fd, UPCI_IRQ_MSI, 0, efd), "connect MSI");
	CHECK(irq_active(fd, UPCI_IRQ_MSI, 1), "MSI is active, 1 eventfd");

	for (i = 0; i < cycles; i++) {
		edu_raise(bar, 1);
		v = efd_wait(efd, 2000);
		if (v != 1)
			bad++;
		total += v;
		edu_ack(bar, 1);
	}
	CHECK(!bad && total == (uint64_t)cycles,
	      "%d raise/ack cycles: %llu counts, %d cycles without exactly one",
	      cycles, (unsigned long long)total, bad);
	CHECK(efd_wait(efd, 200) == 0, "no extra count");

	CHECK(!irq_set1(fd, UPCI_IRQ_MSI, 0, -1), "disconnect the vector");
	CHECK(irq_active(fd, UPCI_IRQ_MSI, 0), "MSI active, no eventfd");
	edu_raise(bar, 1);
	CHECK(efd_wait(efd, 300) == 0, "disconnected: dropped");
	edu_ack(bar, 1);

	efd2 = efd_new();
	CHECK(!irq_set1(fd, UPCI_IRQ_MSI, 0, efd2), "connect another eventfd");
	edu_raise(bar, 1);
	CHECK(efd_wait(efd2, 2000) == 1 && efd_wait(efd, 200) == 0,
	      "only the new eventfd counts");
	edu_ack(bar, 1);
	CHECK(!irq_set1(fd, UPCI_IRQ_MSI, 0, efd2), "connect the same again");
	edu_raise(bar, 1);
	CHECK(efd_wait(efd2, 2000) == 1, "still one count per raise");
	edu_ack(bar, 1);

	/* An eventfd the user closed while connected is harmless */
	close(efd2);
	edu_raise(bar, 1);
	usleep(100000);
	edu_ack(bar, 1);
	CHECK(!irq_set(fd, UPCI_IRQ_MSI, 0, 0, NULL), "MSI off");
	CHECK(irq_none_active(fd), "no type active");
	close(efd);
	close(fd);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int lat_pipe[2];
static double lat_t0;
static volatile uint32_t *lat_bar;

static void pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/*
 * The raiser, on the other CPU: once the reader says it is about to block,
 * give it time to fall asleep in read(), take the time and raise.
 */
static void *lat_raiser(void *arg)
{
	int i, n = *(int *)arg;
	char c;

	pin_to_cpu(1);
	for (i = 0; i < n; i++) {
		if (read(lat_pipe[0], &c, 1) != 1)
			break;
		usleep(300);
		lat_t0 = now_seconds();
		edu_raise(lat_bar, 1);
	}
	return NULL;
}

static void print_lat(const char *what, double *lat, int n)
{
	qsort(lat, n, sizeof(*lat), cmp_double);
	printf("# %s over %d MSIs: median %.1f us, p99 %.1f us (min %.1f, max %.1f)\n",
	       what, n, lat[n / 2] * 1e6, lat[(n * 99) / 100] * 1e6,
	       lat[0] * 1e6, lat[n - 1] * 1e6);
}

/*
 * MSI to wake-up: the reader sleeps in read() on one CPU while the raiser
 * writes edu's raise register on the other; the time from just before that
 * write to the reader's return from read().  Also, as a floor, the same
 * with the reader raising itself (the interrupt is then delivered before it
 * reaches read(), which does not sleep).
 */
static void test_latency(const char *node, int n)
{
	double *lat;
	pthread_t t;
	uint64_t v;
	int fd, efd, i;

	if (n < 1)
		DIE("N must be positive");
	lat = calloc(n, sizeof(*lat));
	lat_bar = edu_open(node, &fd);
	edu_ack(lat_bar, ~0u);
	efd = eventfd(0, EFD_CLOEXEC);	/* blocking: read() sleeps */
	if (!lat || efd < 0)
		DIE("setup: %s", strerror(errno));
	CHECK(!irq_set1(fd, UPCI_IRQ_MSI, 0, efd), "connect MSI");

	pin_to_cpu(0);
	if (pipe(lat_pipe))
		DIE("pipe");
	if (pthread_create(&t, NULL, lat_raiser, &n))
		DIE("pthread_create");
	for (i = 0; i < n; i++) {
		if (write(lat_pipe[1], "x", 1) != 1)
			DIE("write");
		if (read(efd, &v, sizeof(v)) != sizeof(v) || v != 1)
			DIE("read: %s (%llu)", strerror(errno),
			    (unsigned long long)v);
		lat[i] = now_seconds() - lat_t0;
		edu_ack(lat_bar, 1);
	}
	pthread_join(t, NULL);
	print_lat("MSI to wake-up (reader asleep in read(), raised from the other CPU)",
		  lat, n);

	for (i = 0; i < n; i++) {
		double t0 = now_seconds();

		edu_raise(lat_bar, 1);
		if (read(efd, &v, sizeof(v)) != sizeof(v))
			DIE("read: %s", strerror(errno));
		lat[i] = now_seconds() - t0;
		edu_ack(lat_bar, 1);
	}
	print_lat("raise to read() return, same CPU (no sleep)", lat, n);
	CHECK(1, "latency measured over %d MSIs", n);
	free(lat);
	close(efd);
	close(fd);
}

/* ---- MSI-X on an igb VF ---- */

static volatile uint32_t *vf_bar;

static void vf_fire(unsigned int vec)
{
	vf_bar[VF_EICS / 4] = 1u << vec;
}

/* Fires @vec; checks that exactly efds[want] (or none if want < 0) counts */
static int vf_only(const int *efds, int n, unsigned int vec, int want)
{
	int i, ok = 1;

	vf_fire(vec);
	/* The right one first; a wrong one would have come by then too */
	if (want >= 0 && efd_wait(efds[want], 2000) != 1) {
		printf("# vector %u: eventfd %d counted nothing\n", vec, want);
		ok = 0;
	}
	usleep(want >= 0 ? 20000 : 100000);
	for (i = 0; i < n; i++) {
		uint64_t v = i == want ? 0 : efd_wait(efds[i], 0);

		if (v) {
			printf("# vector %u: eventfd %d counted %llu\n", vec, i,
			       (unsigned long long)v);
			ok = 0;
		}
	}
	return ok;
}

static atomic_int hammer_done, hammer_go;
static int hammer_efd;
static int hammer_missed;

/* Fires vector 0 and waits for it, over and over */
static void *hammer(void *arg)
{
	int i, n = *(int *)arg;

	/* Start once the other thread is changing vectors */
	while (!atomic_load(&hammer_go))
		usleep(1000);
	for (i = 0; i < n; i++) {
		vf_fire(0);
		if (efd_wait(hammer_efd, 2000) != 1 && ++hammer_missed > 3)
			break;
	}
	atomic_store(&hammer_done, 1);
	return NULL;
}

static void test_msix(const char *node)
{
	struct upci_irq_info info;
	int fd, e[3], e1b, i, n, changes = 0;
	int32_t three[3];
	pthread_t t;

	fd = open_node(node);
	vf_bar = map_bar(fd, 0, NULL);
	/* An MSI-X message is a memory write: the VF needs bus mastering */
	cfg_write(fd, PCI_COMMAND, 2, cfg_read(fd, PCI_COMMAND, 2) | 0x6);
	for (i = 0; i < 3; i++)
		e[i] = efd_new();

	CHECK(!irq_info(fd, UPCI_IRQ_MSIX, &info) && info.out_count == 3 &&
	      (info.out_flags & UPCI_IRQ_INFO_MASKABLE),
	      "MSI-X info: 3 vectors, maskable (count %u flags %#x)",
	      info.out_count, info.out_flags);
	CHECK(!irq_info(fd, UPCI_IRQ_INTX, &info) && info.out_count == 0,
	      "a VF has no INTx (%u)", info.out_count);
	CHECK(!irq_info(fd, UPCI_IRQ_MSI, &info) && info.out_count == 0,
	      "a VF has no MSI (%u)", info.out_count);
	CHECK_ERR(EINVAL, irq_set1(fd, UPCI_IRQ_INTX, 0, e[0]),
		  "INTx on a device without INTx");

	/* Auto-clear the causes, enable all three */
	vf_bar[VF_EIAC / 4] = 7;
	vf_bar[VF_EIMS / 4] = 7;

	CHECK(!irq_set1(fd, UPCI_IRQ_MSIX, 0, e[0]), "connect vector 0");
	CHECK(vf_only(e, 3, 0, 0), "vector 0 reaches eventfd 0 only");
	CHECK(!irq_set1(fd, UPCI_IRQ_MSIX, 2, e[2]),
	      "add vector 2 while 0 is live");
	CHECK(vf_only(e, 3, 0, 0) && vf_only(e, 3, 2, 2),
	      "vectors 0 and 2 reach their own eventfds");
	CHECK(!irq_set1(fd, UPCI_IRQ_MSIX, 1, e[1]), "add vector 1");
	CHECK(irq_active(fd, UPCI_IRQ_MSIX, 3), "MSI-X active, 3 eventfds");
	for (i = 0; i < 3; i++)
		CHECK(vf_only(e, 3, i, i), "vector %d reaches eventfd %d only",
		      i, i);

	CHECK(!irq_set1(fd, UPCI_IRQ_MSIX, 1, -1), "disconnect vector 1");
	CHECK(irq_active(fd, UPCI_IRQ_MSIX, 2), "2 eventfds left");
	CHECK(vf_only(e, 3, 0, 0) && vf_only(e, 3, 2, 2),
	      "vectors 0 and 2 still work");
	CHECK(vf_only(e, 3, 1, -1), "vector 1 reaches no eventfd");
	e1b = efd_new();
	CHECK(!irq_set1(fd, UPCI_IRQ_MSIX, 1, e1b), "reconnect vector 1");
	CHECK(efd_wait(e1b, 2000) == 1,
	      "the interrupt vector 1 got while disconnected was held pending and arrives");
	{
		int ev[3] = { e[0], e1b, e[2] };

		CHECK(vf_only(ev, 3, 1, 1), "vector 1 reaches its new eventfd");
	}

	/* Vectors come and go while vector 0 fires without a miss */
	n = 300;
	hammer_efd = e[0];
	atomic_store(&hammer_done, 0);
	if (pthread_create(&t, NULL, hammer, &n))
		DIE("pthread_create");
	while (!atomic_load(&hammer_done)) {
		int32_t off[2] = { -1, -1 }, on[2] = { e1b, e[2] };

		if (irq_set(fd, UPCI_IRQ_MSIX, 1, 2, off) ||
		    irq_set(fd, UPCI_IRQ_MSIX, 1, 2, on)) {
			printf("# SET_IRQS during the rounds: %s\n",
			       strerror(errno));
			break;
		}
		changes++;
		atomic_store(&hammer_go, 1);
	}
	atomic_store(&hammer_go, 1);
	pthread_join(t, NULL);
	CHECK(!hammer_missed && changes > 0,
	      "%d interrupts on vector 0 during %d disconnect/connect rounds of 1 and 2: %d missed",
	      n, changes, hammer_missed);
	/* What 1 and 2 may have caught meanwhile does not matter */
	efd_wait(e1b, 50);
	efd_wait(e[2], 50);

	three[0] = e[2];
	three[1] = e[0];
	three[2] = e1b;
	CHECK(!irq_set(fd, UPCI_IRQ_MSIX, 0, 3, three),
	      "set all three at once, permuted");
	{
		int ev[3] = { e[2], e[0], e1b };

		for (i = 0; i < 3; i++)
			CHECK(vf_only(ev, 3, i, i),
			      "permuted: vector %d reaches its eventfd only", i);
	}
	CHECK_ERR(EINVAL, irq_set1(fd, UPCI_IRQ_MSIX, 3, e[0]),
		  "vector 3 of 3");
	CHECK_ERR(EINVAL, irq_set1(fd, UPCI_IRQ_MSI, 0, e[0]),
		  "MSI, which a VF does not have, while MSI-X is active");
	CHECK(vf_only(e, 3, 1, 0), "and vector 1 still works");

	/* A function reset keeps MSI-X as the kernel programmed it */
	{
		struct upci_device_reset r = { .size = sizeof(r) };
		int ev[3] = { e[2], e[0], e1b };

		if (ioctl(fd, UPCI_DEVICE_RESET, &r)) {
			printf("# no reset (%s): skipping the reset check\n",
			       strerror(errno));
		} else {
			cfg_write(fd, PCI_COMMAND, 2,
				  cfg_read(fd, PCI_COMMAND, 2) | 0x6);
			vf_bar[VF_EIAC / 4] = 7;
			vf_bar[VF_EIMS / 4] = 7;
			for (i = 0, n = 1; i < 3; i++)
				n &= vf_only(ev, 3, i, i);
			CHECK(n, "after a function reset, every vector still reaches its eventfd only");
		}
	}

	CHECK(!irq_set(fd, UPCI_IRQ_MSIX, 0, 0, NULL), "MSI-X off");
	CHECK(irq_none_active(fd), "no type active");
	vf_bar[VF_EIMC / 4] = 7;
	for (i = 0; i < 3; i++)
		close(e[i]);
	close(e1b);
	close(fd);
}

#define IGB_GPIE		0x1514
#define IGB_GPIE_MSIX_MODE	0x10

/*
 * MSI-X on the igb PF (10 vectors, no SR-IOV needed): vectors connected in
 * a scattered order, each reaching only its own eventfd, one removed while
 * the others keep working.
 */
static void test_msix_pf(const char *node)
{
	static const int order[] = { 9, 0, 5, 2, 7, 1, 8, 3, 6, 4 };
	struct upci_irq_info info;
	int fd, e[10], i, j, ok, n;

	fd = open_node(node);
	vf_bar = map_bar(fd, 0, NULL);
	cfg_write(fd, PCI_COMMAND, 2, cfg_read(fd, PCI_COMMAND, 2) | 0x6);
	CHECK(!irq_info(fd, UPCI_IRQ_MSIX, &info) && info.out_count == 10,
	      "MSI-X info: 10 vectors (%u)", info.out_count);
	n = info.out_count == 10 ? 10 : 0;
	for (i = 0; i < n; i++)
		e[i] = efd_new();

	vf_bar[IGB_GPIE / 4] |= IGB_GPIE_MSIX_MODE;
	vf_bar[VF_EIAC / 4] = (1u << n) - 1;
	vf_bar[VF_EIMS / 4] = (1u << n) - 1;

	for (i = 0; i < n; i++) {
		int v = order[i];

		CHECK(!irq_set1(fd, UPCI_IRQ_MSIX, v, e[v]),
		      "connect vector %d (%d live)", v, i);
		for (ok = 1, j = 0; j <= i; j++)
			ok &= vf_only(e, n, order[j], order[j]);
		CHECK(ok, "all %d connected vectors reach their own eventfd only",
		      i + 1);
	}
	CHECK(irq_active(fd, UPCI_IRQ_MSIX, n), "MSI-X active, %d eventfds", n);
	CHECK(!irq_set1(fd, UPCI_IRQ_MSIX, 5, -1), "disconnect vector 5");
	for (ok = 1, i = 0; i < n; i++)
		ok &= vf_only(e, n, i, i == 5 ? -1 : i);
	CHECK(ok, "the 9 others still reach their own eventfd only, 5 none");
	CHECK(!irq_set1(fd, UPCI_IRQ_MSIX, 5, e[5]), "reconnect vector 5");
	CHECK(efd_wait(e[5], 2000) == 1, "its pending interrupt arrives");
	CHECK(!irq_set(fd, UPCI_IRQ_MSIX, 0, 0, NULL), "MSI-X off");
	CHECK(irq_none_active(fd), "no type active");
	for (i = 0; i < n; i++)
		close(e[i]);
	close(fd);
}

/* ---- bad inputs ---- */

static void test_bad(const char *node)
{
	volatile uint32_t *bar;
	int fd, efd, p[2], closed;
	int32_t two[2];
	struct upci_irq_set s;
	struct upci_irq_unmask u;

	bar = edu_open(node, &fd);
	edu_ack(bar, ~0u);
	efd = efd_new();
	if (pipe(p))
		DIE("pipe");
	closed = dup(efd);
	close(closed);

	CHECK_ERR(EINVAL, irq_info(fd, 3, &(struct upci_irq_info){0}),
		  "info on an unknown type");
	CHECK_ERR(EINVAL, irq_set1(fd, 3, 0, efd), "unknown type");
	CHECK_ERR(EINVAL, irq_set1(fd, 0xffffffff, 0, efd), "type ~0");
	CHECK_ERR(EINVAL, irq_set1(fd, UPCI_IRQ_MSI, 1, efd),
		  "MSI vector 1 of 1");
	two[0] = two[1] = efd;
	CHECK_ERR(EINVAL, irq_set(fd, UPCI_IRQ_MSI, 0, 2, two),
		  "MSI vectors 0-1 of 1");
	CHECK_ERR(EINVAL, irq_set(fd, UPCI_IRQ_MSI, 0xffffffff, 2, two),
		  "start + count overflows");
	CHECK_ERR(EINVAL, irq_set(fd, UPCI_IRQ_MSI, 1, 0xffffffff, two),
		  "count ~0");
	CHECK_ERR(EINVAL, irq_set1(fd, UPCI_IRQ_MSIX, 0, efd),
		  "MSI-X on a device without it");
	CHECK_ERR(EBADF, irq_set1(fd, UPCI_IRQ_MSI, 0, p[0]),
		  "a pipe is not an eventfd");
	CHECK_ERR(EBADF, irq_set1(fd, UPCI_IRQ_MSI, 0, fd),
		  "the device itself is not an eventfd");
	CHECK_ERR(EBADF, irq_set1(fd, UPCI_IRQ_MSI, 0, closed),
		  "a closed descriptor");
	CHECK_ERR(EBADF, irq_set1(fd, UPCI_IRQ_INTX, 0, 4000),
		  "a descriptor never opened");
	CHECK_ERR(EINVAL, irq_set1(fd, UPCI_IRQ_MSI, 0, -2), "descriptor -2");
	CHECK_ERR(EFAULT, irq_set(fd, UPCI_IRQ_MSI, 0, 1, (int32_t *)8),
		  "a bad eventfds pointer");
	CHECK_ERR(EINVAL, irq_set(fd, UPCI_IRQ_MSI, 1, 0, NULL),
		  "count 0 with start 1");

	memset(&s, 0, sizeof(s));
	s.size = sizeof(s);
	s.type = UPCI_IRQ_MSI;
	s.count = 1;
	s.eventfds = (uintptr_t)&efd;
	s.flags = 1;
	CHECK_ERR(EOPNOTSUPP, ioctl(fd, UPCI_DEVICE_SET_IRQS, &s),
		  "an unknown flag");
	s.flags = 0;
	s.__reserved = 1;
	CHECK_ERR(EINVAL, ioctl(fd, UPCI_DEVICE_SET_IRQS, &s),
		  "reserved not zero");
	s.__reserved = 0;
	s.size = 8;
	CHECK_ERR(EINVAL, ioctl(fd, UPCI_DEVICE_SET_IRQS, &s), "size 8");

	memset(&u, 0, sizeof(u));
	u.size = sizeof(u);
	CHECK_ERR(ENOENT, ioctl(fd, UPCI_DEVICE_IRQ_UNMASK, &u),
		  "unmask with INTx not active");
	u.type = UPCI_IRQ_MSI;
	CHECK_ERR(EINVAL, ioctl(fd, UPCI_DEVICE_IRQ_UNMASK, &u),
		  "unmask MSI");
	u.type = UPCI_IRQ_INTX;
	u.index = 1;
	CHECK_ERR(EINVAL, ioctl(fd, UPCI_DEVICE_IRQ_UNMASK, &u),
		  "unmask INTx vector 1");

	CHECK(irq_none_active(fd), "after all that, no type is active");
	CHECK(!irq_set(fd, UPCI_IRQ_INTX, 0, 0, NULL),
	      "turning off an inactive type succeeds");

	/* With MSI working, bad calls change nothing */
	CHECK(!irq_set1(fd, UPCI_IRQ_MSI, 0, efd), "connect MSI");
	CHECK_ERR(EBUSY, irq_set1(fd, UPCI_IRQ_INTX, 0, efd),
		  "INTx while MSI is active");
	CHECK_ERR(EBUSY, irq_set1(fd, UPCI_IRQ_INTX, 0, -1),
		  "even a disconnect of INTx");
	CHECK_ERR(EBADF, irq_set1(fd, UPCI_IRQ_MSI, 0, p[1]),
		  "replace with a pipe");
	CHECK_ERR(ENOENT, irq_unmask(fd), "unmask INTx while MSI is active");
	CHECK(!irq_set(fd, UPCI_IRQ_INTX, 0, 0, NULL),
	      "INTx off while MSI is active: nothing happens");
	CHECK(irq_active(fd, UPCI_IRQ_MSI, 1), "MSI still active, 1 eventfd");
	edu_raise(bar, 1);
	CHECK(efd_wait(efd, 2000) == 1, "and MSI still delivers");
	edu_ack(bar, 1);
	CHECK(!irq_set(fd, UPCI_IRQ_MSI, 0, 0, NULL), "MSI off");
	CHECK(!irq_set1(fd, UPCI_IRQ_INTX, 0, efd), "then INTx");
	edu_raise(bar, 1);
	CHECK(efd_wait(efd, 2000) == 1, "and INTx delivers");
	edu_ack(bar, 1);
	CHECK_ERR(EBUSY, irq_set1(fd, UPCI_IRQ_MSI, 0, efd),
		  "MSI while INTx is active");
	CHECK(!irq_unmask(fd), "unmask");
	edu_raise(bar, 1);
	CHECK(efd_wait(efd, 2000) == 1, "INTx still delivers");
	edu_ack(bar, 1);

	close(p[0]);
	close(p[1]);
	close(efd);
	close(fd);	/* INTx still active */
}

static void test_nomask(const char *node)
{
	struct upci_irq_info info;
	int fd, efd;

	fd = open_node(node);
	efd = efd_new();
	CHECK(!irq_info(fd, UPCI_IRQ_INTX, &info) && info.out_count == 1 &&
	      !(info.out_flags & (UPCI_IRQ_INFO_MASKABLE |
				  UPCI_IRQ_INFO_AUTOMASKED)),
	      "INTx info: 1 vector, not maskable (flags %#x)", info.out_flags);
	CHECK_ERR(EOPNOTSUPP, irq_set1(fd, UPCI_IRQ_INTX, 0, efd),
		  "INTx on a device that cannot mask it");
	CHECK(irq_none_active(fd), "nothing active");
	CHECK(!irq_set1(fd, UPCI_IRQ_MSI, 0, efd), "MSI still works");
	close(efd);
	close(fd);
}

/* ---- INTx left asserted ---- */

/* Counts of /proc/interrupts lines naming @name, summed over CPUs */
static unsigned long long proc_irq_count(const char *name)
{
	char line[1024];
	unsigned long long total = 0;
	FILE *f = fopen("/proc/interrupts", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *p = strchr(line, ':');

		if (!p || !strstr(line, name))
			continue;
		for (p++;;) {
			char *end;
			unsigned long long v = strtoull(p, &end, 10);

			if (end == p)
				break;
			total += v;
			p = end;
		}
	}
	fclose(f);
	return total;
}

/*
 * The child: opens the device, raises an INTx it never acknowledges, and
 * unmasks and reads as fast as it can, forever.
 */
static void storm_child(const char *node, int ready)
{
	volatile uint32_t *bar;
	uint64_t v;
	int fd, efd;

	bar = edu_open(node, &fd);
	efd = eventfd(0, EFD_CLOEXEC);
	if (efd < 0 || irq_set1(fd, UPCI_IRQ_INTX, 0, efd))
		_exit(2);
	edu_raise(bar, 1);
	if (read(efd, &v, sizeof(v)) != sizeof(v) ||
	    write(ready, "x", 1) != 1)
		_exit(3);
	for (;;) {
		irq_unmask(fd);
		if (read(efd, &v, sizeof(v)) != sizeof(v))
			_exit(4);
	}
}

static void test_storm(const char *node)
{
	char name[64], c;
	unsigned long long c0, c1;
	volatile uint32_t *bar;
	double t0, worst = 0;
	int fd, efd, p[2], status, i;
	pid_t pid;

	snprintf(name, sizeof(name), "upci-intx[0](%s)", strrchr(node, '/') + 1);

	/* 1. Never unmasked: the line stays quiet */
	bar = edu_open(node, &fd);
	edu_ack(bar, ~0u);
	efd = efd_new();
	CHECK(!irq_set1(fd, UPCI_IRQ_INTX, 0, efd), "connect INTx");
	edu_raise(bar, 1);
	CHECK(efd_wait(efd, 2000) == 1, "the interrupt arrives");
	c0 = proc_irq_count(name);
	usleep(1000000);
	c1 = proc_irq_count(name);
	CHECK(c0 > 0 && c1 - c0 <= 2,
	      "asserted but masked for a second: %llu more interrupts on the line",
	      c1 - c0);
	CHECK(efd_wait(efd, 100) == 0, "and no more counts");
	edu_ack(bar, 1);
	close(efd);
	munmap((void *)bar, EDU_BAR_SIZE);	/* the mapping holds the file */
	close(fd);

	/* 2. A user that unmasks without servicing, as fast as it can */
	if (pipe(p))
		DIE("pipe");
	pid = fork();
	if (pid < 0)
		DIE("fork");
	if (!pid) {
		close(p[0]);
		storm_child(node, p[1]);
	}
	close(p[1]);
	CHECK(read(p[0], &c, 1) == 1, "the child is looping on unmask + read");
	c0 = proc_irq_count(name);
	for (i = 0; i < 20; i++) {
		t0 = now_seconds();
		usleep(10000);
		t0 = now_seconds() - t0;
		if (t0 > worst)
			worst = t0;
	}
	c1 = proc_irq_count(name);
	printf("# while the child looped: %llu hardware interrupts, the worst 10 ms sleep took %.1f ms\n",
	       c1 - c0, worst * 1e3);
	CHECK(worst < 2.0, "the guest stays responsive (worst 10 ms sleep: %.1f ms)",
	      worst * 1e3);
	kill(pid, SIGKILL);
	CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
	      WTERMSIG(status) == SIGKILL, "the child dies of SIGKILL");
	close(p[0]);

	/* 3. The device works again */
	bar = edu_open(node, &fd);
	edu_ack(bar, ~0u);
	efd = efd_new();
	CHECK(!irq_set1(fd, UPCI_IRQ_INTX, 0, efd), "reopen and connect INTx");
	edu_raise(bar, 1);
	CHECK(efd_wait(efd, 2000) == 1, "INTx works after the kill");
	edu_ack(bar, 1);
	close(efd);
	close(fd);
}

/* ---- held across kill -9 or unbind ---- */

static void test_hold(const char *node, const char *type, const char *fifo)
{
	volatile uint32_t *bar;
	int fd, efd, i;
	uint32_t t;
	char line[16];
	FILE *f;

	fd = open_node(node);
	bar = map_bar(fd, 0, NULL);
	cfg_write(fd, PCI_COMMAND, 2, cfg_read(fd, PCI_COMMAND, 2) | 0x6);
	efd = efd_new();
	if (!strcmp(type, "intx"))
		t = UPCI_IRQ_INTX;
	else if (!strcmp(type, "msi"))
		t = UPCI_IRQ_MSI;
	else
		t = UPCI_IRQ_MSIX;

	if (t == UPCI_IRQ_MSIX) {
		int32_t fds[3] = { efd, efd, efd };

		vf_bar = bar;
		vf_bar[VF_EIAC / 4] = 7;
		vf_bar[VF_EIMS / 4] = 7;
		CHECK(!irq_set(fd, t, 0, 3, fds), "arm MSI-X, 3 vectors");
		for (i = 0; i < 3; i++)
			vf_fire(i);
	} else {
		CHECK(!irq_set1(fd, t, 0, efd), "arm %s", type);
		edu_raise(bar, 1);	/* never acknowledged */
	}
	CHECK(efd_wait(efd, 2000) >= 1, "an interrupt arrived");
	efd_wait(efd, 300);	/* the rest of them */
	printf("armed\n");
	fflush(stdout);
	while (!fifo)
		pause();	/* until killed */

	f = fopen(fifo, "r");
	if (!f || !fgets(line, sizeof(line), f))
		DIE("fifo %s", fifo);
	fclose(f);
	CHECK_ERR(ENODEV, irq_set(fd, t, 0, 0, NULL), "after unbind: SET_IRQS");
	CHECK_ERR(ENODEV, irq_info(fd, t, &(struct upci_irq_info){0}),
		  "after unbind: GET_IRQ_INFO");
	CHECK_ERR(ENODEV, irq_unmask(fd), "after unbind: IRQ_UNMASK");
	/*
	 * Whatever was signalled before the unbind (a late interrupt under a
	 * loaded TCG host) is read now; the unbind freed the vectors, so
	 * nothing may be signalled from here on.
	 */
	efd_wait(efd, 0);
	CHECK(efd_wait(efd, 200) == 0, "no interrupt after unbind");
	CHECK(!close(efd), "the eventfd closes");
	CHECK(!close(fd), "the device closes");
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 3 && !strcmp(mode, "intx"))
		test_intx(argv[2]);
	else if (argc >= 4 && !strcmp(mode, "msi"))
		test_msi(argv[2], atoi(argv[3]));
	else if (argc >= 4 && !strcmp(mode, "latency"))
		test_latency(argv[2], atoi(argv[3]));
	else if (argc >= 3 && !strcmp(mode, "msix-pf"))
		test_msix_pf(argv[2]);
	else if (argc >= 3 && !strcmp(mode, "msix"))
		test_msix(argv[2]);
	else if (argc >= 3 && !strcmp(mode, "bad"))
		test_bad(argv[2]);
	else if (argc >= 3 && !strcmp(mode, "nomask"))
		test_nomask(argv[2]);
	else if (argc >= 3 && !strcmp(mode, "storm"))
		test_storm(argv[2]);
	else if (argc >= 4 && !strcmp(mode, "hold"))
		test_hold(argv[2], argv[3], argc > 4 ? argv[4] : NULL);
	else
		DIE("usage: see the top of upci-test-irq.c");
	return failures ? 1 : 0;
}
