// SPDX-License-Identifier: GPL-2.0
/*
 * upci-bench: the measurements behind `make bench`, made through libupci so
 * that the same code runs on upci.ko and on VFIO (whichever driver the
 * function is bound to).  Run inside the guest by tests/guest/bench.sh, once per
 * backend, as root (the 256 MiB and million-mapping runs exceed the
 * user's locked-memory limit).
 *
 *   upci-bench BDF [--runs N] [--max-mappings N] [--irqs N]
 *
 * Prints one line per sample, "sample BACKEND NAME UNIT VALUE", and
 * "note BACKEND NAME TEXT" for facts such as where VFIO stopped mapping;
 * bench/report.py turns them into medians, spreads and ratios.
 *
 *  map_unmap_256M_4K   one map + unmap of 256 MiB backed by 4 KiB pages
 *                      (MADV_NOHUGEPAGE: the guest has THP=always), ms
 *  map_unmap_256M_2M   the same on hugetlbfs 2 MiB pages, ms
 *  map_at_1k ... 1M    mean time per 4 KiB map over the decade that brings
 *                      the space to 1 k, 10 k, 100 k, 1 M mappings, us
 *  msi_median/_p99     edu MSI: MMIO write that raises it (another thread)
 *                      -> the thread asleep on its eventfd runs again, us
 *  bringup             open + attach to a new DMA space + first 4 KiB map, ms
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <upci.h>

#define PAGE		4096UL
#define M256		(256UL << 20)
#define EDU_IRQ_STATUS	0x24
#define EDU_IRQ_RAISE	0x60
#define EDU_IRQ_ACK	0x64

static const char *be;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sample(const char *name, const char *unit, double v)
{
	printf("sample %s %s %s %.3f\n", be, name, unit, v);
	fflush(stdout);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void map_unmap_256(struct upci_dma *dma, int huge, int runs)
{
	const char *name = huge ? "map_unmap_256M_2M" : "map_unmap_256M_4K";
	uint64_t iova;
	double t0;
	void *buf;
	int i, ret;

	buf = mmap(NULL, M256, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS |
		   (huge ? MAP_HUGETLB : 0), -1, 0);
	if (buf == MAP_FAILED) {
		printf("note %s %s no %s memory: %s\n", be, name,
		       huge ? "hugetlbfs" : "anonymous", strerror(errno));
		return;
	}
	if (!huge)
		madvise(buf, M256, MADV_NOHUGEPAGE);
	memset(buf, 1, M256);
	for (i = 0; i < runs; i++) {
		t0 = now();
		ret = upci_dma_map(dma, buf, M256, 0, &iova);
		if (!ret)
			ret = upci_dma_unmap(dma, iova, M256);
		if (ret) {
			printf("note %s %s failed: %s\n", be, name, strerror(-ret));
			break;
		}
		sample(name, "ms", (now() - t0) * 1e3);
	}
	munmap(buf, M256);
}

/*
 * Maps 4 KiB pages (@pages: 1024 pages, each at many IOVAs) up to @max
 * mappings.  The caller closes the space before it frees the pages, so that
 * upci does not revoke a million mappings one by one.
 */
static void scale(struct upci_dev *dev, uint8_t *pages, unsigned long max)
{
	static const char *const names[] = { "map_at_1k", "map_at_10k",
					     "map_at_100k", "map_at_1M" };
	unsigned long n, prev = 0, mark = 1000, npages = 1024;
	struct upci_dma *dma;
	double t0, tmark;
	uint64_t iova;
	int k = 0, ret;

	dma = upci_dev_dma(dev);
	t0 = tmark = now();
	for (n = 0; n < max; n++) {
		ret = upci_dma_map(dma, pages + (n % npages) * PAGE, PAGE, 0, &iova);
		if (ret) {
			printf("note %s scale stopped at %lu mappings: %s\n", be, n,
			       strerror(-ret));
			break;
		}
		if (n + 1 == mark) {
			double t = now();

			sample(names[k++], "us", (t - tmark) * 1e6 / (double)(n + 1 - prev));
			tmark = t;
			prev = n + 1;
			mark *= 10;
		}
	}
	printf("note %s scale %lu mappings in %.1f s\n", be, n, now() - t0);
}

/*
 * MSI latency with the waiter asleep: a second thread raises the interrupt
 * (an MMIO write to edu's IRQ_RAISE) once the waiter has had 200 us to block
 * in poll(); the waiter timestamps its wake-up.  Under TCG a raise from the
 * waiter's own thread would be delivered before it even reached poll().
 */
struct raiser {
	void *bar;
	int irqs;
	int stop;
	int ready;		/* the waiter is about to block */
	int64_t t_raise_ns;
};

static void *raiser_main(void *arg)
{
	struct raiser *r = arg;
	struct timespec pause = { 0, 200000 };
	int i;

	for (i = 0; i < r->irqs; i++) {
		while (!__atomic_load_n(&r->ready, __ATOMIC_ACQUIRE)) {
			if (__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE))
				return NULL;
		}
		__atomic_store_n(&r->ready, 0, __ATOMIC_RELAXED);
		nanosleep(&pause, NULL);
		__atomic_store_n(&r->t_raise_ns, (int64_t)(now() * 1e9), __ATOMIC_RELEASE);
		upci_mmio_write32(r->bar, EDU_IRQ_RAISE, 1);
	}
	return NULL;
}

static void msi_latency(struct upci_dev *dev, void *bar, int irqs, int runs)
{
	double *lat = calloc((size_t)irqs, sizeof(*lat)), t1;
	struct raiser r = { .bar = bar, .irqs = irqs };
	pthread_t th;
	int run, i, ret;

	if (!lat)
		return;
	ret = upci_irq_enable(dev, UPCI_MSI, 1);
	if (ret) {
		printf("note %s msi unavailable: %s\n", be, strerror(-ret));
		free(lat);
		return;
	}
	for (run = 0; run < runs; run++) {
		r.stop = 0;
		if (pthread_create(&th, NULL, raiser_main, &r))
			break;
		for (i = 0; i < irqs; i++) {
			__atomic_store_n(&r.ready, 1, __ATOMIC_RELEASE);
			ret = upci_irq_wait(dev, 0, 5000, NULL);
			t1 = now();
			lat[i] = t1 * 1e6 - (double)__atomic_load_n(&r.t_raise_ns, __ATOMIC_ACQUIRE) / 1e3;
			upci_mmio_write32(bar, EDU_IRQ_ACK,
					  upci_mmio_read32(bar, EDU_IRQ_STATUS));
			if (ret) {
				printf("note %s msi lost: %s\n", be, strerror(-ret));
				break;
			}
		}
		__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
		pthread_join(th, NULL);
		if (i < irqs)
			break;
		qsort(lat, (size_t)irqs, sizeof(*lat), cmp_double);
		sample("msi_median", "us", lat[irqs / 2]);
		sample("msi_p99", "us", lat[(irqs * 99) / 100]);
	}
	upci_irq_disable(dev);
	free(lat);
}

static int bringup(const char *bdf, int runs)
{
	struct upci_dev *dev;
	uint64_t iova;
	double t0;
	void *page;
	int i, ret = 0;

	page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		return -ENOMEM;
	memset(page, 0, PAGE);
	for (i = 0; i < runs && !ret; i++) {
		t0 = now();
		ret = upci_dev_open(bdf, NULL, 0, &dev);
		if (ret)
			break;
		ret = upci_dma_map(upci_dev_dma(dev), page, PAGE, 0, &iova);
		if (!ret)
			sample("bringup", "ms", (now() - t0) * 1e3);
		upci_dev_close(dev);
	}
	munmap(page, PAGE);
	return ret;
}

int main(int argc, char **argv)
{
	unsigned long max = 1000000;
	int runs = 5, irqs = 1000, i, ret;
	struct upci_dev_info info;
	struct upci_dev *dev;
	const char *bdf = NULL;
	uint8_t *pages;
	void *bar;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--max-mappings") && i + 1 < argc)
			max = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--irqs") && i + 1 < argc)
			irqs = atoi(argv[++i]);
		else if (argv[i][0] != '-' && !bdf)
			bdf = argv[i];
		else
			bdf = NULL, i = argc;
	}
	if (!bdf || runs < 1 || irqs < 100) {
		fprintf(stderr, "usage: upci-bench BDF [--runs N] [--max-mappings N] [--irqs N>=100]\n");
		return 2;
	}
	upci_set_log(upci_log_stderr, NULL, UPCI_LOG_WARNING);
	ret = upci_dev_open(bdf, NULL, 0, &dev);
	if (ret) {
		fprintf(stderr, "upci-bench: %s: %s\n", bdf, strerror(-ret));
		return 1;
	}
	upci_dev_info(dev, &info);
	be = info.backend == UPCI_BACKEND_UPCI ? "upci" : "vfio";
	upci_dev_enable(dev);
	ret = upci_bar_map(dev, 0, &bar, NULL);
	if (ret) {
		fprintf(stderr, "upci-bench: BAR0: %s\n", strerror(-ret));
		return 1;
	}
	map_unmap_256(upci_dev_dma(dev), 0, runs);
	map_unmap_256(upci_dev_dma(dev), 1, runs);
	msi_latency(dev, bar, irqs, runs);
	upci_dev_close(dev);
	/* Each scale run in a fresh space, so every run starts from zero */
	pages = mmap(NULL, 1024 * PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pages == MAP_FAILED)
		return 1;
	madvise(pages, 1024 * PAGE, MADV_NOHUGEPAGE);
	memset(pages, 1, 1024 * PAGE);
	for (i = 0; i < (runs < 3 ? runs : 3); i++) {
		ret = upci_dev_open(bdf, NULL, 0, &dev);
		if (ret)
			return 1;
		scale(dev, pages, max);
		upci_dev_close(dev);
	}
	munmap(pages, 1024 * PAGE);
	ret = bringup(bdf, 4 * runs);
	return ret ? 1 : 0;
}
