// SPDX-License-Identifier: GPL-2.0
/*
 * upci-edu: a user-level driver for QEMU's edu device (1234:11e8), on
 * libupci.  It runs unchanged whether the function is bound to upci or to
 * vfio-pci, without root once the device is granted:
 *
 *	upci bind 0000:00:03.0 --owner alice       # as root, once
 *	upci-edu 0000:00:03.0                      # as alice
 *
 * What it does, following QEMU's docs/specs/edu.rst:
 *  1. identify: the ID register (0x00) reads 0x010000ed for version 1.0,
 *     and the liveness register (0x04) returns the inverse of what was
 *     written;
 *  2. factorial: write n to 0x08, wait for bit 0 of the status register
 *     (0x20) to clear, or for the interrupt that bit 7 asks for;
 *  3. DMA round trip: RAM -> the device's 4 KiB buffer at 0x40000 -> RAM,
 *     through IOVAs below the device's 28-bit DMA mask;
 *  4. interrupt wait: raise an interrupt (0x60), sleep on its eventfd,
 *     acknowledge it (0x64), and say how long the wake-up took.
 *
 * Exit status: 0 when every step worked, 1 when one failed, 2 for bad usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <upci.h>

/* Registers of BAR0 (edu.rst) */
#define EDU_ID		0x00
#define EDU_LIVENESS	0x04
#define EDU_FACTORIAL	0x08
#define EDU_STATUS	0x20
#define   EDU_STATUS_COMPUTING	0x01
#define   EDU_STATUS_IRQ	0x80
#define EDU_IRQ_STATUS	0x24
#define EDU_IRQ_RAISE	0x60
#define EDU_IRQ_ACK	0x64
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_COUNT	0x90
#define EDU_DMA_CMD	0x98
#define   EDU_DMA_START		0x1
#define   EDU_DMA_TO_RAM	0x2
#define   EDU_DMA_IRQ		0x4
#define EDU_BUFFER	0x40000		/* the device's DMA buffer */
#define EDU_BUFFER_SIZE	4096u
#define EDU_DMA_BITS	28

/* Interrupt causes, as IRQ_STATUS reports them */
#define EDU_CAUSE_FACTORIAL	0x001
#define EDU_CAUSE_DMA		0x100

struct edu {
	struct upci_dev *dev;
	void *bar;
	int irq;		/* 1 when an interrupt vector is connected */
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Waits for an interrupt and acknowledges @cause; 0 or -errno */
static int edu_wait_irq(struct edu *e, uint32_t cause, int timeout_ms)
{
	uint32_t status;
	int ret = upci_irq_wait(e->dev, 0, timeout_ms, NULL);

	if (ret)
		return ret;
	status = upci_mmio_read32(e->bar, EDU_IRQ_STATUS);
	upci_mmio_write32(e->bar, EDU_IRQ_ACK, status);
	return status & cause ? 0 : -EIO;
}

/* Polls a BAR0 register until (value & mask) == 0, for up to 5 s */
static int edu_poll_clear(struct edu *e, size_t reg, uint64_t mask, int wide)
{
	double deadline = now() + 5;
	struct timespec pause = { 0, 1000000 };

	while ((wide ? upci_mmio_read64(e->bar, reg) :
		upci_mmio_read32(e->bar, reg)) & mask) {
		if (now() > deadline)
			return -ETIMEDOUT;
		nanosleep(&pause, NULL);
	}
	return 0;
}

static int edu_identify(struct edu *e)
{
	uint32_t id = upci_mmio_read32(e->bar, EDU_ID), probe = 0x12345678, back;

	printf("identify: id register %#010x: edu version %u.%u\n", id,
	       id >> 24, (id >> 16) & 0xff);
	if ((id & 0xff) != 0xed) {
		printf("identify: not an edu device\n");
		return -ENODEV;
	}
	upci_mmio_write32(e->bar, EDU_LIVENESS, probe);
	back = upci_mmio_read32(e->bar, EDU_LIVENESS);
	printf("liveness: wrote %#010x, read back %#010x: %s\n", probe, back,
	       back == ~probe ? "ok" : "WRONG");
	return back == ~probe ? 0 : -EIO;
}

static int edu_factorial(struct edu *e, uint32_t n)
{
	uint32_t want = 1, got, i;
	double t0 = now();
	int ret;

	for (i = 2; i <= n; i++)
		want *= i;
	upci_mmio_write32(e->bar, EDU_STATUS, e->irq ? EDU_STATUS_IRQ : 0);
	upci_mmio_write32(e->bar, EDU_FACTORIAL, n);
	ret = e->irq ? edu_wait_irq(e, EDU_CAUSE_FACTORIAL, 5000) :
		       edu_poll_clear(e, EDU_STATUS, EDU_STATUS_COMPUTING, 0);
	if (ret) {
		printf("factorial: no completion: %s\n", strerror(-ret));
		return ret;
	}
	got = upci_mmio_read32(e->bar, EDU_FACTORIAL);
	printf("factorial: %u! = %u (%s, %.1f ms): %s\n", n, got,
	       e->irq ? "interrupt" : "polled", (now() - t0) * 1e3,
	       got == want ? "ok" : "WRONG");
	return got == want ? 0 : -EIO;
}

/* One DMA between the device buffer and @iova */
static int edu_dma(struct edu *e, uint64_t iova, uint32_t len, int to_ram)
{
	uint64_t cmd = EDU_DMA_START | (to_ram ? EDU_DMA_TO_RAM : 0) |
		       (e->irq ? EDU_DMA_IRQ : 0);

	upci_mmio_write64(e->bar, EDU_DMA_SRC, to_ram ? EDU_BUFFER : iova);
	upci_mmio_write64(e->bar, EDU_DMA_DST, to_ram ? iova : EDU_BUFFER);
	upci_mmio_write64(e->bar, EDU_DMA_COUNT, len);
	upci_mmio_write64(e->bar, EDU_DMA_CMD, cmd);
	if (e->irq)
		return edu_wait_irq(e, EDU_CAUSE_DMA, 5000);
	return edu_poll_clear(e, EDU_DMA_CMD, EDU_DMA_START, 1);
}

static int edu_dma_round_trip(struct edu *e)
{
	struct upci_dma *dma = upci_dev_dma(e->dev);
	struct upci_dma_buf buf;
	uint8_t *src, *dst;
	int ret, same;
	size_t i;

	ret = upci_dma_alloc(dma, 2 * EDU_BUFFER_SIZE, 0, &buf);
	if (ret) {
		printf("DMA: cannot allocate a buffer: %s\n", strerror(-ret));
		return ret;
	}
	src = buf.va;
	dst = src + EDU_BUFFER_SIZE;
	for (i = 0; i < EDU_BUFFER_SIZE; i++)
		src[i] = (uint8_t)(i * 7 + 3);
	ret = edu_dma(e, buf.iova, EDU_BUFFER_SIZE, 0);
	if (!ret)
		ret = edu_dma(e, buf.iova + EDU_BUFFER_SIZE, EDU_BUFFER_SIZE, 1);
	same = !ret && !memcmp(src, dst, EDU_BUFFER_SIZE);
	printf("DMA: %u bytes RAM (IOVA %#llx) -> device -> RAM (IOVA %#llx): %s\n",
	       EDU_BUFFER_SIZE, (unsigned long long)buf.iova,
	       (unsigned long long)buf.iova + EDU_BUFFER_SIZE,
	       ret ? strerror(-ret) : same ? "data came back" : "DATA DIFFERS");
	if (!ret && buf.iova + buf.len - 1 >= 1ULL << EDU_DMA_BITS) {
		printf("DMA: IOVA above the 28-bit mask\n");
		ret = -ERANGE;
	}
	upci_dma_free(dma, &buf);
	return ret ? ret : same ? 0 : -EIO;
}

static int edu_interrupt(struct edu *e)
{
	const uint32_t cause = 0x5a000000;
	double t0, dt;
	uint32_t status;
	int ret;

	t0 = now();
	upci_mmio_write32(e->bar, EDU_IRQ_RAISE, cause);
	ret = upci_irq_wait(e->dev, 0, 5000, NULL);
	dt = now() - t0;
	if (ret) {
		printf("interrupt: raised, none arrived: %s\n", strerror(-ret));
		return ret;
	}
	status = upci_mmio_read32(e->bar, EDU_IRQ_STATUS);
	upci_mmio_write32(e->bar, EDU_IRQ_ACK, status);
	printf("interrupt: raised %#x, woke up after %.0f us, status %#x: %s\n",
	       cause, dt * 1e6, status, status == cause ? "ok" : "WRONG");
	return status == cause ? 0 : -EIO;
}

static int usage(void)
{
	fprintf(stderr, "usage: upci-edu [-v] [--no-irq] BDF\n"
		"  drives QEMU's edu device through libupci (upci or vfio-pci)\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct upci_dev_info info;
	const char *bdf = NULL;
	struct edu e = { 0 };
	int i, ret, failed = 0, want_irq = 1;

	upci_set_log(upci_log_stderr, NULL, UPCI_LOG_WARNING);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v"))
			upci_set_log(upci_log_stderr, NULL, UPCI_LOG_DEBUG);
		else if (!strcmp(argv[i], "--no-irq"))
			want_irq = 0;
		else if (argv[i][0] != '-' && !bdf)
			bdf = argv[i];
		else
			return usage();
	}
	if (!bdf)
		return usage();

	ret = upci_dev_open(bdf, NULL, 0, &e.dev);
	if (ret) {
		fprintf(stderr, "upci-edu: cannot open %s: %s\n", bdf, strerror(-ret));
		return 1;
	}
	upci_dev_info(e.dev, &info);
	printf("device: %s, %04x:%04x, through %s, IOMMU group %d\n", info.bdf,
	       info.vendor, info.device,
	       info.backend == UPCI_BACKEND_UPCI ? "upci" : "vfio", info.iommu_group);
	if (info.vendor != 0x1234 || info.device != 0x11e8) {
		fprintf(stderr, "upci-edu: %s is not an edu device\n", bdf);
		upci_dev_close(e.dev);
		return 1;
	}
	ret = upci_dev_set_dma_mask(e.dev, EDU_DMA_BITS);
	if (!ret)
		ret = upci_dev_enable(e.dev);
	if (!ret)
		ret = upci_bar_map(e.dev, 0, &e.bar, NULL);
	if (ret) {
		fprintf(stderr, "upci-edu: %s: set-up: %s\n", bdf, strerror(-ret));
		upci_dev_close(e.dev);
		return 1;
	}
	if (want_irq) {
		ret = upci_irq_enable(e.dev, UPCI_MSI, 1);
		if (ret)
			printf("interrupts: MSI unavailable (%s): polling instead\n",
			       strerror(-ret));
		else
			e.irq = 1;
	}

	failed |= edu_identify(&e) != 0;
	failed |= edu_factorial(&e, 10) != 0;
	failed |= edu_dma_round_trip(&e) != 0;
	if (e.irq)
		failed |= edu_interrupt(&e) != 0;

	upci_dev_close(e.dev);
	printf("%s\n", failed ? "FAILED" : "all done");
	return failed;
}
