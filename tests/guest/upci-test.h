/* SPDX-License-Identifier: GPL-2.0 */
/*
 * upci-test.h: helpers shared by the guest test programs (tests/guest/NAME.c):
 * TAP-style checks, device node access, config space and BAR mapping, and
 * the QEMU edu device's registers.  Header-only, so every test program stays
 * one static binary built from one .c file.
 */
#ifndef UPCI_TEST_H
#define UPCI_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/upci.h>

static int failures;

#define CHECK(cond, ...)						\
	do {								\
		if (cond) {						\
			printf("ok - ");				\
		} else {						\
			printf("not ok - ");				\
			failures++;					\
		}							\
		printf(__VA_ARGS__);					\
		printf(" (%s:%d)\n", __FILE__, __LINE__);		\
		fflush(stdout);						\
	} while (0)

/* CHECK_ERR(errno_value, call, what): call fails with that errno */
#define CHECK_ERR(want, call, what)					\
	do {								\
		long _r = (call);					\
		int _e = errno;						\
		CHECK(_r == -1 && _e == (want),				\
		      "%s: %s (got %ld, %s)", what, strerror(want),	\
		      _r, _r == -1 ? strerror(_e) : "success");		\
	} while (0)

/* Give up on the whole test: something it stands on does not work */
#define DIE(...)							\
	do {								\
		printf("not ok - ");					\
		printf(__VA_ARGS__);					\
		printf(" (%s:%d)\n", __FILE__, __LINE__);		\
		exit(1);						\
	} while (0)

static inline off_t region_offset(int index)
{
	return (off_t)index << UPCI_REGION_OFFSET_SHIFT;
}

static inline int open_node(const char *node)
{
	int fd = open(node, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		DIE("open %s: %s", node, strerror(errno));
	return fd;
}

static inline int region_info(int fd, int index, struct upci_region_info *ri)
{
	memset(ri, 0, sizeof(*ri));
	ri->size = sizeof(*ri);
	ri->index = index;
	return ioctl(fd, UPCI_DEVICE_GET_REGION_INFO, ri);
}

static inline uint32_t cfg_read(int fd, unsigned int pos, unsigned int len)
{
	uint32_t v = 0;

	if (pread(fd, &v, len, region_offset(UPCI_REGION_CONFIG) + pos) !=
	    (ssize_t)len) {
		printf("# config read at %#x: %s\n", pos, strerror(errno));
		failures++;
	}
	return v;
}

static inline void cfg_write(int fd, unsigned int pos, unsigned int len,
			     uint32_t v)
{
	if (pwrite(fd, &v, len, region_offset(UPCI_REGION_CONFIG) + pos) !=
	    (ssize_t)len) {
		printf("# config write at %#x: %s\n", pos, strerror(errno));
		failures++;
	}
}

static inline volatile uint32_t *map_bar(int fd, int index, size_t *size)
{
	struct upci_region_info ri;
	void *p;

	if (region_info(fd, index, &ri) || !(ri.out_flags & UPCI_REGION_FLAG_MMAP))
		DIE("BAR%d is not mappable", index);
	p = mmap(NULL, ri.out_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 ri.out_offset);
	if (p == MAP_FAILED)
		DIE("mmap BAR%d: %s", index, strerror(errno));
	if (size)
		*size = ri.out_size;
	return p;
}

static inline double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The QEMU edu device (docs/specs/edu.rst) */
#define EDU_ID			0x00
#define EDU_IRQ_STATUS		0x24
#define EDU_IRQ_RAISE		0x60
#define EDU_IRQ_ACK		0x64
#define EDU_DMA_SRC		0x80
#define EDU_DMA_DST		0x88
#define EDU_DMA_COUNT		0x90
#define EDU_DMA_CMD		0x98
#define EDU_DMA_CMD_START	0x1
#define EDU_DMA_CMD_TO_RAM	0x2
#define EDU_DMA_BUF		0x40000ULL	/* the device's 4 KiB buffer */
#define EDU_DMA_BUF_SIZE	4096

static inline void edu_write64(volatile uint32_t *bar, unsigned int off,
			       uint64_t v)
{
	*(volatile uint64_t *)((volatile char *)bar + off) = v;
}

/*
 * One edu DMA of @count bytes between @iova and the device buffer; it takes
 * 100 ms of virtual time.  Returns 0, or -1 if it did not finish in 5 s.
 */
static inline int edu_dma(volatile uint32_t *bar, uint64_t iova,
			  uint32_t count, int to_ram)
{
	double deadline = now_seconds() + 5;

	if (to_ram) {
		edu_write64(bar, EDU_DMA_SRC, EDU_DMA_BUF);
		edu_write64(bar, EDU_DMA_DST, iova);
	} else {
		edu_write64(bar, EDU_DMA_SRC, iova);
		edu_write64(bar, EDU_DMA_DST, EDU_DMA_BUF);
	}
	edu_write64(bar, EDU_DMA_COUNT, count);
	edu_write64(bar, EDU_DMA_CMD,
		    EDU_DMA_CMD_START | (to_ram ? EDU_DMA_CMD_TO_RAM : 0));
	while (*(volatile uint64_t *)((volatile char *)bar + EDU_DMA_CMD) &
	       EDU_DMA_CMD_START) {
		if (now_seconds() > deadline)
			return -1;
		usleep(1000);
	}
	return 0;
}

/* Opens an edu node, maps BAR0 and turns on memory decode and bus master */
static inline volatile uint32_t *edu_open(const char *node, int *fd)
{
	volatile uint32_t *bar;

	*fd = open_node(node);
	cfg_write(*fd, 0x04, 2, cfg_read(*fd, 0x04, 2) | 0x6);
	bar = map_bar(*fd, 0, NULL);
	if (bar[EDU_ID / 4] >> 16 != 0x0100)
		DIE("%s is not an edu device (id %#x)", node, bar[EDU_ID / 4]);
	return bar;
}

#endif /* UPCI_TEST_H */
