/* SPDX-License-Identifier: LGPL-2.1-or-later OR MIT */
/*
 * libupci internals: the objects behind the public handles and the two
 * backends.  A device (struct upci_dev) has a backend (upci or vfio) with
 * its own ops table; a DMA space (struct upci_dma) takes the backend of its
 * first device and keeps it.  Locking: a space's mutex covers its mappings,
 * its IOVA allocator and its device list; devices have no lock of their own
 * (the caller must not close a device another thread uses).
 */
#ifndef UPCI_INTERNAL_H
#define UPCI_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "upci.h"

#define UPCI_HIDDEN	__attribute__((visibility("hidden")))

#define UPCI_PAGE_SIZE	4096UL
#define UPCI_HUGE_SIZE	(2UL << 20)
#define UPCI_NUM_REGIONS_MAX	8
#define UPCI_MAX_VECTORS	2048

#define ALIGN_UP(x, a)		(((x) + (a) - 1) & ~((uint64_t)(a) - 1))
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------- log.c */

#define upci__err(...)		upci_log(UPCI_LOG_ERR, __VA_ARGS__)
#define upci__warn(...)		upci_log(UPCI_LOG_WARNING, __VA_ARGS__)
#define upci__info(...)		upci_log(UPCI_LOG_INFO, __VA_ARGS__)
#define upci__dbg(...)		upci_log(UPCI_LOG_DEBUG, __VA_ARGS__)

/* ---------------------------------------------------------------- sysfs.c */

/* Roots of sysfs and /dev; tests point them at a fake tree */
UPCI_HIDDEN extern const char *upci__sysfs_root;
UPCI_HIDDEN extern const char *upci__dev_root;

/* Reads sysfs file @dir/@name of function @bdf into @buf, trimmed */
UPCI_HIDDEN int upci__sysfs_read(const char *bdf, const char *name, char *buf,
				 size_t len);
/* Reads a hexadecimal or decimal number from a sysfs file */
UPCI_HIDDEN int upci__sysfs_read_ulong(const char *bdf, const char *name,
				       unsigned long *val);
/* The basename of a symbolic link of the function: driver, iommu_group */
UPCI_HIDDEN int upci__sysfs_link(const char *bdf, const char *name, char *buf,
				 size_t len);

/* ---------------------------------------------------------------- iova.c */

struct upci_iova_node;

/* A usable IOVA range, inclusive */
struct upci_iova_span {
	uint64_t start;
	uint64_t last;
};

/*
 * The IOVA allocator of a VFIO space (the upci backend lets the kernel
 * choose): the mappings as a treap keyed by start, next-fit from a cursor,
 * so that a million allocations in a row cost O(log n) each.
 */
struct upci_iova {
	struct upci_iova_node *root;
	size_t count;
	uint64_t cursor;
	struct upci_iova_span *spans;
	unsigned int nspans;
	uint32_t seed;
};

UPCI_HIDDEN void upci__iova_init(struct upci_iova *a);
UPCI_HIDDEN int upci__iova_set_spans(struct upci_iova *a,
				     const struct upci_iova_span *spans,
				     unsigned int n);
UPCI_HIDDEN int upci__iova_alloc(struct upci_iova *a, uint64_t len,
				 uint64_t align, uint64_t offset,
				 uint64_t limit, uint64_t *iova);
UPCI_HIDDEN int upci__iova_reserve(struct upci_iova *a, uint64_t iova,
				   uint64_t len);
UPCI_HIDDEN int upci__iova_free(struct upci_iova *a, uint64_t iova,
				uint64_t len);
UPCI_HIDDEN void upci__iova_destroy(struct upci_iova *a);

/* ---------------------------------------------------------------- objects */

struct upci_dma;
struct upci_vfio_group;

struct upci_dev_ops {
	int (*open)(struct upci_dev *dev);
	void (*close)(struct upci_dev *dev);
	int (*attach)(struct upci_dev *dev, struct upci_dma *dma);
	int (*region)(struct upci_dev *dev, unsigned int index);
	int (*reset)(struct upci_dev *dev);
	int (*irq_set)(struct upci_dev *dev, unsigned int type,
		       unsigned int count, const int *fds);
	int (*irq_unmask)(struct upci_dev *dev);
};

struct upci_dma_ops {
	int (*map)(struct upci_dma *dma, void *va, size_t len,
		   unsigned int flags, uint64_t *iova);
	int (*unmap)(struct upci_dma *dma, uint64_t iova, size_t len);
	int (*ranges)(struct upci_dma *dma, struct upci_dma_range *ranges,
		      unsigned int max, unsigned int *count);
	int (*event_fd)(struct upci_dma *dma, int *fd);
	int (*revoked)(struct upci_dma *dma, struct upci_dma_range *ranges,
		       unsigned int max, unsigned int *count);
	void (*destroy)(struct upci_dma *dma);
};

struct upci_region_cache {
	bool valid;
	uint64_t size;
	uint64_t offset;	/* file offset */
	uint32_t flags;		/* enum upci_region_bits */
	void *map;
};

struct upci_dev {
	char bdf[UPCI_BDF_LEN];
	int backend;
	const struct upci_dev_ops *ops;
	int fd;
	struct upci_dma *dma;
	struct upci_dev *dma_next;	/* the space's device list */
	unsigned int dma_bits;
	struct upci_dev_info info;
	struct upci_region_cache regions[UPCI_NUM_REGIONS_MAX];
	struct upci_vfio_group *group;	/* VFIO */
	unsigned int irq_type;
	unsigned int irq_count;
	int *irq_fds;
};

struct upci_dma {
	pthread_mutex_t lock;
	int refs;			/* holders: the opener, each device */
	int backend;			/* 0 until the first device */
	const struct upci_dma_ops *ops;
	int fd;				/* /dev/upci/iommu or VFIO container */
	int event_fd;
	uint64_t limit;			/* the lowest device mask */
	uint64_t pgsizes;
	struct upci_dev *devs;
	struct upci_iova iova;		/* VFIO */
	struct upci_vfio_group *groups;	/* VFIO */
	bool iommu_set;			/* VFIO: VFIO_SET_IOMMU done */
	uint32_t dma_avail;		/* VFIO: mappings left, if known */
};

UPCI_HIDDEN extern const struct upci_dev_ops upci__upci_dev_ops;
UPCI_HIDDEN extern const struct upci_dev_ops upci__vfio_dev_ops;
UPCI_HIDDEN extern const struct upci_dma_ops upci__upci_dma_ops;
UPCI_HIDDEN extern const struct upci_dma_ops upci__vfio_dma_ops;

/* dma.c: takes and drops references; dma_put destroys at zero */
UPCI_HIDDEN void upci__dma_get(struct upci_dma *dma);
UPCI_HIDDEN void upci__dma_put(struct upci_dma *dma);
/* dma.c: binds the space to a backend on its first device */
UPCI_HIDDEN int upci__dma_bind(struct upci_dma *dma, int backend);

/* irq.c: closes the eventfds of a device */
UPCI_HIDDEN void upci__irq_release(struct upci_dev *dev);

#endif /* UPCI_INTERNAL_H */
