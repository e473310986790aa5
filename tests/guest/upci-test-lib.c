// SPDX-License-Identifier: GPL-2.0
/*
 * upci-test-lib: libupci's calls against QEMU's edu device, the same code
 * whichever backend the function is bound to (tests/guest/lib-*.sh run it
 * once on upci and once on vfio-pci).
 *
 *   upci-test-lib basic BDF           info, regions, config, BARs, reset,
 *                                     DMA buffers under the mask, huge pages,
 *                                     round trips, MSI and INTx, revocation
 *   upci-test-lib shared BDF BDF      two devices in one shared DMA space
 *
 * Prints "ok - ..." per check; exits 0 when all pass.
 */
#define _GNU_SOURCE
#include <poll.h>

#include <upci.h>

#include "upci-test.h"

#define MASK28	((1ULL << 28) - 1)

static const char *backend_name(struct upci_dev *dev)
{
	struct upci_dev_info info;

	upci_dev_info(dev, &info);
	return info.backend == UPCI_BACKEND_UPCI ? "upci" : "vfio";
}

/* RAM -> edu -> RAM between two halves of @buf */
static int round_trip(void *bar, struct upci_dma_buf *buf, size_t off)
{
	uint8_t *src = (uint8_t *)buf->va + off, *dst = src + EDU_DMA_BUF_SIZE;
	size_t i;

	for (i = 0; i < EDU_DMA_BUF_SIZE; i++)
		src[i] = (uint8_t)(i * 13 + off);
	memset(dst, 0, EDU_DMA_BUF_SIZE);
	if (edu_dma(bar, buf->iova + off, EDU_DMA_BUF_SIZE, 0) ||
	    edu_dma(bar, buf->iova + off + EDU_DMA_BUF_SIZE, EDU_DMA_BUF_SIZE, 1))
		return -1;
	return memcmp(src, dst, EDU_DMA_BUF_SIZE) ? -1 : 0;
}

static void test_irq(struct upci_dev *dev, void *bar, unsigned int type,
		     const char *what)
{
	uint64_t n = 0;
	uint32_t st;
	int ret, fd;

	ret = upci_irq_enable(dev, type, 1);
	if (ret == -EOPNOTSUPP) {
		printf("# %s: not supported here, skipped\n", what);
		return;
	}
	CHECK(ret == 0, "%s: enable (%s)", what, strerror(-ret));
	if (ret)
		return;
	CHECK(upci_irq_fd(dev, 0, &fd) == 0 && fd >= 0, "%s: an eventfd", what);
	CHECK(upci_irq_wait(dev, 0, 0, NULL) == -ETIMEDOUT, "%s: nothing pending", what);
	upci_mmio_write32(bar, EDU_IRQ_RAISE, 0x1000 | type);
	ret = upci_irq_wait(dev, 0, 5000, &n);
	st = upci_mmio_read32(bar, EDU_IRQ_STATUS);
	CHECK(ret == 0 && n >= 1 && st == (0x1000 | type),
	      "%s: raised, woke up (%s, count %llu, status %#x)", what,
	      strerror(-ret), (unsigned long long)n, st);
	upci_mmio_write32(bar, EDU_IRQ_ACK, st);
	if (type == UPCI_INTX)
		CHECK(upci_irq_unmask(dev) == 0, "%s: unmask", what);
	/* A second one: INTx must have been unmasked */
	upci_mmio_write32(bar, EDU_IRQ_RAISE, 0x2000);
	ret = upci_irq_wait(dev, 0, 5000, NULL);
	CHECK(ret == 0, "%s: a second interrupt (%s)", what, strerror(-ret));
	upci_mmio_write32(bar, EDU_IRQ_ACK, upci_mmio_read32(bar, EDU_IRQ_STATUS));
	if (type == UPCI_INTX)
		upci_irq_unmask(dev);
	CHECK(upci_irq_disable(dev) == 0, "%s: disable", what);
	CHECK(upci_irq_wait(dev, 0, 0, NULL) == -EINVAL, "%s: no vector once disabled", what);
}

static void test_basic(const char *bdf)
{
	struct upci_dma_buf small, big;
	struct upci_dev_info info;
	struct upci_region r;
	struct upci_dma_range ranges[8];
	struct upci_dev *dev;
	struct upci_dma *dma;
	unsigned int n;
	uint16_t vendor = 0;
	size_t size;
	void *bar, *bar2;
	const char *be;
	int ret;

	ret = upci_dev_open(bdf, NULL, 0, &dev);
	if (ret)
		DIE("upci_dev_open %s: %s", bdf, strerror(-ret));
	be = backend_name(dev);
	printf("# backend: %s\n", be);
	CHECK(upci_dev_info(dev, &info) == 0 && info.vendor == 0x1234 &&
	      info.device == 0x11e8 && info.flags & UPCI_DEV_IOMMU &&
	      info.irq_types & UPCI_MSI && info.iommu_group >= 0,
	      "%s: info: edu, IOMMU, MSI, group %d", be, info.iommu_group);
	CHECK(upci_region_info(dev, 0, &r) == 0 && r.size == 1 << 20 &&
	      r.flags & UPCI_REGION_MAPPABLE, "%s: BAR0 is 1 MiB, mappable", be);
	CHECK(upci_region_info(dev, 1, &r) == 0 && r.size == 0, "%s: BAR1 is empty", be);
	CHECK(upci_region_info(dev, 8, &r) == -EINVAL, "%s: region 8: EINVAL", be);
	CHECK(upci_cfg_read(dev, 0, &vendor, 2) == 0 && vendor == 0x1234,
	      "%s: config space vendor %#x", be, vendor);
	CHECK(upci_cfg_read(dev, 4096, &vendor, 2) == -EINVAL,
	      "%s: config read past the end: EINVAL", be);
	CHECK(upci_bar_map(dev, 1, &bar, NULL) == -EINVAL, "%s: map empty BAR1: EINVAL", be);
	CHECK(upci_dev_enable(dev) == 0, "%s: enable decode and bus master", be);
	ret = upci_bar_map(dev, 0, &bar, &size);
	CHECK(ret == 0 && size == 1 << 20, "%s: map BAR0", be);
	if (ret)
		DIE("no BAR0");
	CHECK(upci_bar_map(dev, 0, &bar2, NULL) == 0 && bar2 == bar,
	      "%s: mapping again gives the same address", be);
	CHECK(upci_mmio_read32(bar, EDU_ID) == 0x010000ed, "%s: edu ID through MMIO", be);
	upci_mmio_write32(bar, 4, 0x0f0f0f0f);
	CHECK(upci_mmio_read32(bar, 4) == 0xf0f0f0f0, "%s: liveness register", be);

	dma = upci_dev_dma(dev);
	CHECK(upci_dev_set_dma_mask(dev, 28) == 0, "%s: 28-bit DMA mask", be);
	CHECK(upci_dev_set_dma_mask(dev, 65) == -EINVAL, "%s: 65-bit mask: EINVAL", be);
	CHECK(upci_dma_iova_ranges(dma, ranges, 8, &n) == 0 && n >= 1,
	      "%s: %u usable IOVA ranges, first %#llx+%#llx", be, n,
	      (unsigned long long)ranges[0].iova, (unsigned long long)ranges[0].len);
	ret = upci_dma_alloc(dma, 2 * EDU_DMA_BUF_SIZE, 0, &small);
	CHECK(ret == 0 && small.iova + small.len - 1 <= MASK28 && !small.huge,
	      "%s: small buffer at IOVA %#llx, below 2^28", be,
	      (unsigned long long)small.iova);
	if (!ret)
		CHECK(round_trip(bar, &small, 0) == 0, "%s: round trip through the small buffer", be);
	ret = upci_dma_alloc(dma, 4 << 20, 0, &big);
	CHECK(ret == 0 && big.huge && ((uintptr_t)big.va & ((2 << 20) - 1)) == 0 &&
	      (big.iova & ((2 << 20) - 1)) == 0 && big.iova + big.len - 1 <= MASK28,
	      "%s: 4 MiB buffer on huge pages (%d), VA and IOVA %#llx 2 MiB-aligned, below 2^28",
	      be, big.huge, (unsigned long long)big.iova);
	if (!ret) {
		CHECK(round_trip(bar, &big, (3 << 20) + 4096) == 0,
		      "%s: round trip through the second huge page", be);
		CHECK(upci_dma_unmap(dma, big.iova, 4096) == -EINVAL ||
		      upci_dma_unmap(dma, big.iova, 4096) == -ENOENT,
		      "%s: unmap of part of a buffer fails", be);
		CHECK(upci_dma_free(dma, &big) == 0, "%s: free the big buffer", be);
	}
	CHECK(upci_dma_unmap(dma, 0x0ff00000, 4096) == -ENOENT,
	      "%s: unmap where nothing is: ENOENT", be);
	{
		uint64_t iova = 0x0800000;
		uint8_t *page = small.va;

		CHECK(upci_dma_map(dma, page, 4096, UPCI_DMA_FIXED, &iova) == 0,
		      "%s: map at a fixed IOVA", be);
		CHECK(upci_dma_map(dma, page, 4096, UPCI_DMA_FIXED, &iova) == -EEXIST,
		      "%s: the same fixed IOVA again: EEXIST", be);
		CHECK(upci_dma_unmap(dma, iova, 4096) == 0, "%s: unmap it", be);
	}

	test_irq(dev, bar, UPCI_MSI, "MSI");
	test_irq(dev, bar, UPCI_INTX, "INTx");
	CHECK(upci_irq_enable(dev, UPCI_MSIX, 1) == -EOPNOTSUPP,
	      "%s: edu has no MSI-X: EOPNOTSUPP", be);

	/* Revocation: the memory of a mapping goes away under it */
	{
		int efd;
		struct upci_dma_range rv[4];
		struct pollfd p;

		ret = upci_dma_event_fd(dma, &efd);
		if (info.backend == UPCI_BACKEND_VFIO) {
			CHECK(ret == -EOPNOTSUPP, "vfio: no revocation events: EOPNOTSUPP");
		} else {
			CHECK(ret == 0, "upci: revocation eventfd");
			munmap(small.va, small.len);
			p.fd = efd;
			p.events = POLLIN;
			CHECK(poll(&p, 1, 2000) == 1, "upci: munmap of mapped memory signals it");
			CHECK(upci_dma_revoked(dma, rv, 4, &n) == 0 && n == 1 &&
			      rv[0].iova == small.iova && rv[0].len == small.len &&
			      rv[0].va == (uintptr_t)small.va,
			      "upci: the revoked range is reported (%u)", n);
			CHECK(upci_dma_unmap(dma, small.iova, small.len) == -ENOENT,
			      "upci: and it is gone");
			small.va = NULL;
		}
	}
	if (small.va)
		CHECK(upci_dma_free(dma, &small) == 0, "%s: free the small buffer", be);

	if (info.flags & UPCI_DEV_RESET) {
		CHECK(upci_dev_reset(dev) == 0, "%s: reset", be);
		upci_dev_enable(dev);
		CHECK(upci_mmio_read32(bar, EDU_ID) == 0x010000ed,
		      "%s: the BAR mapping works after reset", be);
	}
	upci_dev_close(dev);
	/* Closing released everything: it opens again at once */
	ret = upci_dev_open(bdf, NULL, 0, &dev);
	CHECK(ret == 0, "%s: opens again after close (%s)", be, strerror(-ret));
	upci_dev_close(dev);
}

static void test_shared(const char *a, const char *b)
{
	struct upci_dev *d1, *d2;
	struct upci_dma *dma;
	struct upci_dma_buf buf;
	void *bar1, *bar2;
	const char *be;
	int ret;

	CHECK(upci_dma_open(&dma) == 0, "a shared DMA space");
	ret = upci_dev_open(a, dma, 0, &d1);
	if (ret)
		DIE("open %s: %s", a, strerror(-ret));
	ret = upci_dev_open(b, dma, 0, &d2);
	if (ret)
		DIE("open %s: %s", b, strerror(-ret));
	be = backend_name(d1);
	upci_dma_close(dma);	/* the devices hold it now */
	CHECK(upci_dev_dma(d1) == dma && upci_dev_dma(d2) == dma,
	      "%s: both devices in the space", be);
	upci_dev_set_dma_mask(d1, 28);
	upci_dev_enable(d1);
	upci_dev_enable(d2);
	upci_bar_map(d1, 0, &bar1, NULL);
	upci_bar_map(d2, 0, &bar2, NULL);
	ret = upci_dma_alloc(dma, 3 * EDU_DMA_BUF_SIZE, 0, &buf);
	CHECK(ret == 0, "%s: one buffer for both", be);
	if (ret)
		DIE("alloc");
	memset(buf.va, 0x3c, EDU_DMA_BUF_SIZE);
	/* device 1 reads page 0; device 2 is loaded from page 0 too, writes page 2 */
	CHECK(edu_dma(bar1, buf.iova, EDU_DMA_BUF_SIZE, 0) == 0 &&
	      edu_dma(bar2, buf.iova, EDU_DMA_BUF_SIZE, 0) == 0 &&
	      edu_dma(bar2, buf.iova + 2 * EDU_DMA_BUF_SIZE, EDU_DMA_BUF_SIZE, 1) == 0 &&
	      !memcmp(buf.va, (uint8_t *)buf.va + 2 * EDU_DMA_BUF_SIZE, EDU_DMA_BUF_SIZE),
	      "%s: both devices reach the same IOVAs", be);
	upci_dma_free(dma, &buf);
	upci_dev_close(d1);
	/* The space lives on with d2 */
	ret = upci_dma_alloc(dma, EDU_DMA_BUF_SIZE, 0, &buf);
	CHECK(ret == 0, "%s: the space outlives its first device", be);
	if (!ret)
		upci_dma_free(dma, &buf);
	upci_dev_close(d2);
}

int main(int argc, char **argv)
{
	upci_set_log(upci_log_stderr, NULL, UPCI_LOG_WARNING);
	if (argc == 3 && !strcmp(argv[1], "basic"))
		test_basic(argv[2]);
	else if (argc == 4 && !strcmp(argv[1], "shared"))
		test_shared(argv[2], argv[3]);
	else {
		fprintf(stderr, "usage: see %s\n", __FILE__);
		return 2;
	}
	return failures ? 1 : 0;
}
