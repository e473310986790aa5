// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libupci: the VFIO backend (group + type1 container, the only VFIO API of
 * some kernels).  A DMA space is a container; a device brings its IOMMU
 * group into the container (the first group selects the type1v2 IOMMU) and
 * gets its device fd from the group.  Type1 lets the caller choose IOVAs:
 * iova.c does, within the usable ranges the container reports and below the
 * space's DMA mask.  Groups are shared by the devices of a space; a group
 * can be in one container only.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "internal.h"

struct upci_vfio_group {
	int num;
	int fd;
	int refs;
	struct upci_vfio_group *next;
};

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

static int open_container(struct upci_dma *dma)
{
	char path[PATH_MAX];
	int ret;

	if (dma->fd >= 0)
		return 0;
	snprintf(path, sizeof(path), "%s/vfio/vfio", upci__dev_root);
	dma->fd = open(path, O_RDWR | O_CLOEXEC);
	if (dma->fd < 0) {
		ret = -errno;
		upci__err("cannot open %s: %s (is vfio loaded?)", path, strerror(errno));
		return ret;
	}
	if (ioctl(dma->fd, VFIO_GET_API_VERSION) != VFIO_API_VERSION ||
	    ioctl(dma->fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) <= 0) {
		upci__err("%s: no VFIO type1v2 IOMMU (is the vfio_iommu_type1 module loaded?)", path);
		close(dma->fd);
		dma->fd = -1;
		return -EOPNOTSUPP;
	}
	return 0;
}

/* Reads the container's usable IOVA ranges, page sizes and mapping budget */
static int refresh(struct upci_dma *dma)
{
	struct vfio_iommu_type1_info *info;
	struct vfio_info_cap_header *cap;
	struct upci_iova_span *spans = NULL;
	uint32_t size = sizeof(*info), off;
	unsigned int n = 0, i;
	int ret;

	for (;;) {
		info = calloc(1, size);
		if (!info)
			return -ENOMEM;
		info->argsz = size;
		ret = xioctl(dma->fd, VFIO_IOMMU_GET_INFO, info);
		if (ret || info->argsz <= size)
			break;
		size = info->argsz;
		free(info);
	}
	if (ret)
		goto out;
	dma->pgsizes = info->flags & VFIO_IOMMU_INFO_PGSIZES ?
		       info->iova_pgsizes : UPCI_PAGE_SIZE;
	off = info->flags & VFIO_IOMMU_INFO_CAPS ? info->cap_offset : 0;
	while (off && off + sizeof(*cap) <= size) {
		cap = (struct vfio_info_cap_header *)((char *)info + off);
		if (cap->id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE && !spans) {
			struct vfio_iommu_type1_info_cap_iova_range *r = (void *)cap;

			spans = calloc(r->nr_iovas ? r->nr_iovas : 1, sizeof(*spans));
			if (!spans) {
				ret = -ENOMEM;
				goto out;
			}
			for (i = 0; i < r->nr_iovas; i++) {
				spans[i].start = r->iova_ranges[i].start;
				spans[i].last = r->iova_ranges[i].end;
			}
			n = r->nr_iovas;
		} else if (cap->id == VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL) {
			dma->dma_avail = ((struct vfio_iommu_type1_info_dma_avail *)cap)->avail;
		}
		off = cap->next;
	}
	if (!spans) {
		/* An old kernel: everything but the x86 MSI window */
		static const struct upci_iova_span all[] = {
			{ 0, 0xfedfffff }, { 0xfef00000, UINT64_MAX },
		};

		ret = upci__iova_set_spans(&dma->iova, all, ARRAY_SIZE(all));
	} else {
		ret = upci__iova_set_spans(&dma->iova, spans, n);
	}
out:
	free(spans);
	free(info);
	return ret;
}

static int explain_group(const char *bdf, const char *path, int err)
{
	switch (err) {
	case EACCES:
		upci__err("%s: permission denied on %s: an administrator grants it with `upci bind %s --driver vfio-pci --owner USER`",
			  bdf, path, bdf);
		break;
	case EBUSY:
		upci__err("%s: %s is open already (in another process or DMA space)",
			  bdf, path);
		break;
	case ENOENT:
		upci__err("%s: no %s: is vfio-pci bound to it?", bdf, path);
		return -ENODEV;
	default:
		upci__err("%s: open %s: %s", bdf, path, strerror(err));
	}
	return -err;
}

static int get_group(struct upci_dev *dev, struct upci_vfio_group **out)
{
	struct upci_dma *dma = dev->dma;
	struct vfio_group_status st = { .argsz = sizeof(st) };
	struct upci_vfio_group *g;
	char path[PATH_MAX], name[32], blocker[UPCI_BDF_LEN], drv[UPCI_DRIVER_LEN];
	int num, ret;

	ret = upci__sysfs_link(dev->bdf, "iommu_group", name, sizeof(name));
	if (ret) {
		upci__err("%s: no IOMMU group (VFIO needs an IOMMU)", dev->bdf);
		return -EPERM;
	}
	num = atoi(name);
	for (g = dma->groups; g; g = g->next) {
		if (g->num == num) {
			g->refs++;
			*out = g;
			return 0;
		}
	}
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->num = num;
	g->refs = 1;
	snprintf(path, sizeof(path), "%s/vfio/%d", upci__dev_root, num);
	g->fd = open(path, O_RDWR | O_CLOEXEC);
	if (g->fd < 0) {
		ret = explain_group(dev->bdf, path, errno);
		free(g);
		return ret;
	}
	ret = xioctl(g->fd, VFIO_GROUP_GET_STATUS, &st);
	if (!ret && !(st.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		if (upci_group_check(dev->bdf, blocker, drv) == -EBUSY)
			upci__err("%s: IOMMU group %d is not viable: %s is bound to %s",
				  dev->bdf, num, blocker, drv);
		else
			upci__err("%s: IOMMU group %d is not viable", dev->bdf, num);
		ret = -EBUSY;
	}
	if (!ret)
		ret = xioctl(g->fd, VFIO_GROUP_SET_CONTAINER, &dma->fd);
	if (!ret && !dma->iommu_set) {
		ret = xioctl(dma->fd, VFIO_SET_IOMMU, (void *)(uintptr_t)VFIO_TYPE1v2_IOMMU);
		if (!ret)
			dma->iommu_set = true;
	}
	if (!ret)
		ret = refresh(dma);	/* a new group may narrow the ranges */
	if (ret) {
		if (ret != -EBUSY)
			upci__err("%s: VFIO group %d: %s", dev->bdf, num, strerror(-ret));
		close(g->fd);
		free(g);
		return ret;
	}
	g->next = dma->groups;
	dma->groups = g;
	*out = g;
	return 0;
}

static void put_group(struct upci_dma *dma, struct upci_vfio_group *g)
{
	struct upci_vfio_group **p;

	if (--g->refs)
		return;
	for (p = &dma->groups; *p; p = &(*p)->next) {
		if (*p == g) {
			*p = g->next;
			break;
		}
	}
	ioctl(g->fd, VFIO_GROUP_UNSET_CONTAINER);
	close(g->fd);
	free(g);
	if (!dma->groups) {
		/* The container lost its IOMMU, and every mapping with it */
		dma->iommu_set = false;
		upci__iova_destroy(&dma->iova);
	}
}

static int region_raw(struct upci_dev *dev, unsigned int index,
		      struct vfio_region_info *ri)
{
	memset(ri, 0, sizeof(*ri));
	ri->argsz = sizeof(*ri);
	ri->index = index;
	return xioctl(dev->fd, VFIO_DEVICE_GET_REGION_INFO, ri);
}

static int vfio_region(struct upci_dev *dev, unsigned int index)
{
	struct upci_region_cache *r = &dev->regions[index];
	struct vfio_region_info ri;
	int ret = region_raw(dev, index, &ri);

	if (ret)
		return ret;
	r->size = ri.size;
	r->offset = ri.offset;
	r->flags = (ri.flags & VFIO_REGION_INFO_FLAG_READ ? UPCI_REGION_READABLE : 0) |
		(ri.flags & VFIO_REGION_INFO_FLAG_WRITE ? UPCI_REGION_WRITABLE : 0) |
		(ri.flags & VFIO_REGION_INFO_FLAG_MMAP ? UPCI_REGION_MAPPABLE : 0);
	if (index < 6 && ri.size && !(ri.flags & VFIO_REGION_INFO_FLAG_MMAP)) {
		/* An I/O BAR (or a small memory one): ask config space */
		uint32_t bar = 0;

		if (!upci_cfg_read(dev, 0x10 + 4 * index, &bar, 4) && (bar & 1))
			r->flags |= UPCI_REGION_IO_PORT;
	}
	return 0;
}

static uint32_t irq_count(struct upci_dev *dev, unsigned int index)
{
	struct vfio_irq_info ii = { .argsz = sizeof(ii), .index = index };

	return xioctl(dev->fd, VFIO_DEVICE_GET_IRQ_INFO, &ii) ? 0 : ii.count;
}

/* Fills dev->info from the device fd and config space */
static int fill_info(struct upci_dev *dev)
{
	struct vfio_device_info di = { .argsz = sizeof(di) };
	struct upci_dev_info *info = &dev->info;
	uint8_t cfg[64], pos = 0, hdr[2];
	int ret, guard = 48;

	ret = xioctl(dev->fd, VFIO_DEVICE_GET_INFO, &di);
	if (!ret)
		ret = upci_cfg_read(dev, 0, cfg, sizeof(cfg));
	if (ret)
		return ret;
	info->vendor = (uint16_t)(cfg[0] | cfg[1] << 8);
	info->device = (uint16_t)(cfg[2] | cfg[3] << 8);
	info->class_code = (uint32_t)(cfg[9] | cfg[10] << 8 | cfg[11] << 16);
	info->subsystem_vendor = (uint16_t)(cfg[0x2c] | cfg[0x2d] << 8);
	info->subsystem_device = (uint16_t)(cfg[0x2e] | cfg[0x2f] << 8);
	info->flags = UPCI_DEV_IOMMU |
		(di.flags & VFIO_DEVICE_FLAGS_RESET ? UPCI_DEV_RESET : 0);
	/* The capability list, for the PCI Express capability */
	if (cfg[6] & 0x10)
		pos = cfg[0x34] & 0xfc;
	while (pos >= 0x40 && guard--) {
		if (upci_cfg_read(dev, pos, hdr, 2))
			break;
		if (hdr[0] == 0x10) {
			info->flags |= UPCI_DEV_PCIE;
			break;
		}
		pos = hdr[1] & 0xfc;
	}
	info->num_msi = irq_count(dev, VFIO_PCI_MSI_IRQ_INDEX);
	info->num_msix = irq_count(dev, VFIO_PCI_MSIX_IRQ_INDEX);
	info->irq_types = (irq_count(dev, VFIO_PCI_INTX_IRQ_INDEX) ? UPCI_INTX : 0) |
		(info->num_msi ? UPCI_MSI : 0) | (info->num_msix ? UPCI_MSIX : 0);
	info->iommu_group = dev->group->num;
	return 0;
}

static int vfio_open(struct upci_dev *dev)
{
	int ret;

	ret = open_container(dev->dma);
	if (ret)
		return ret;
	ret = get_group(dev, &dev->group);
	if (ret)
		return ret;
	dev->fd = ioctl(dev->group->fd, VFIO_GROUP_GET_DEVICE_FD, dev->bdf);
	if (dev->fd < 0) {
		ret = -errno;
		upci__err("%s: VFIO_GROUP_GET_DEVICE_FD: %s", dev->bdf, strerror(errno));
		goto out_put;
	}
	ret = fill_info(dev);
	if (ret) {
		close(dev->fd);
		dev->fd = -1;
		goto out_put;
	}
	return 0;

out_put:
	put_group(dev->dma, dev->group);
	dev->group = NULL;
	return ret;
}

static void vfio_close(struct upci_dev *dev)
{
	if (dev->fd >= 0)
		close(dev->fd);
	dev->fd = -1;
	if (dev->group)
		put_group(dev->dma, dev->group);
	dev->group = NULL;
}

static int vfio_reset(struct upci_dev *dev)
{
	if (!(dev->info.flags & UPCI_DEV_RESET))
		return -EOPNOTSUPP;
	return ioctl(dev->fd, VFIO_DEVICE_RESET) ? -errno : 0;
}

static unsigned int irq_index(unsigned int type)
{
	return type == UPCI_INTX ? VFIO_PCI_INTX_IRQ_INDEX :
	       type == UPCI_MSI ? VFIO_PCI_MSI_IRQ_INDEX : VFIO_PCI_MSIX_IRQ_INDEX;
}

static int vfio_irq_set(struct upci_dev *dev, unsigned int type,
			unsigned int count, const int *fds)
{
	struct vfio_irq_set *set;
	size_t size = sizeof(*set) + count * sizeof(int);
	int ret;

	set = calloc(1, size);
	if (!set)
		return -ENOMEM;
	set->argsz = (uint32_t)size;
	set->index = irq_index(type);
	set->start = 0;
	set->count = count;
	set->flags = VFIO_IRQ_SET_ACTION_TRIGGER |
		     (count ? VFIO_IRQ_SET_DATA_EVENTFD : VFIO_IRQ_SET_DATA_NONE);
	if (count)
		memcpy(set->data, fds, count * sizeof(int));
	ret = xioctl(dev->fd, VFIO_DEVICE_SET_IRQS, set);
	free(set);
	return ret;
}

static int vfio_irq_unmask(struct upci_dev *dev)
{
	struct vfio_irq_set set = {
		.argsz = sizeof(set),
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
		.index = VFIO_PCI_INTX_IRQ_INDEX,
		.start = 0,
		.count = 1,
	};

	return xioctl(dev->fd, VFIO_DEVICE_SET_IRQS, &set);
}

const struct upci_dev_ops upci__vfio_dev_ops = {
	.open = vfio_open,
	.close = vfio_close,
	.region = vfio_region,
	.reset = vfio_reset,
	.irq_set = vfio_irq_set,
	.irq_unmask = vfio_irq_unmask,
};

/* The largest supported page size that fits in @len */
static uint64_t best_align(uint64_t pgsizes, uint64_t len)
{
	uint64_t align = UPCI_PAGE_SIZE;
	int bit;

	for (bit = 12; bit < 40; bit++)
		if ((pgsizes & (1ULL << bit)) && (1ULL << bit) <= len)
			align = 1ULL << bit;
	return align;
}

static int vfio_map(struct upci_dma *dma, void *va, size_t len,
		    unsigned int flags, uint64_t *iova)
{
	struct vfio_iommu_type1_dma_map m = { .argsz = sizeof(m) };
	uint64_t align = best_align(dma->pgsizes, len);
	int ret;

	if (flags & UPCI_DMA_FIXED)
		ret = upci__iova_reserve(&dma->iova, *iova, len);
	else
		ret = upci__iova_alloc(&dma->iova, len, align,
				       (uintptr_t)va & (align - 1), dma->limit,
				       iova);
	if (ret) {
		upci__dbg("no IOVA for %zu bytes below %#llx: %s", len,
			  (unsigned long long)dma->limit, strerror(-ret));
		return ret;
	}
	m.flags = (flags & UPCI_DMA_READ ? VFIO_DMA_MAP_FLAG_READ : 0) |
		  (flags & UPCI_DMA_WRITE ? VFIO_DMA_MAP_FLAG_WRITE : 0);
	m.vaddr = (uintptr_t)va;
	m.iova = *iova;
	m.size = len;
	ret = xioctl(dma->fd, VFIO_IOMMU_MAP_DMA, &m);
	if (ret) {
		upci__iova_free(&dma->iova, *iova, len);
		if (ret == -ENOSPC)
			upci__err("VFIO: the container's mapping limit is reached (%zu mappings)",
				  dma->iova.count);
		else if (ret == -ENOMEM)
			upci__err("DMA map of %zu bytes: over the locked-memory limit (ulimit -l)",
				  len);
		return ret;
	}
	return 0;
}

static int vfio_unmap(struct upci_dma *dma, uint64_t iova, size_t len)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u), .iova = iova, .size = len,
	};
	int ret = upci__iova_free(&dma->iova, iova, len);

	if (ret)
		return ret;
	ret = xioctl(dma->fd, VFIO_IOMMU_UNMAP_DMA, &u);
	if (ret)
		upci__iova_reserve(&dma->iova, iova, len);
	return ret;
}

static int vfio_ranges(struct upci_dma *dma, struct upci_dma_range *out,
		       unsigned int max, unsigned int *count)
{
	unsigned int i;

	for (i = 0; i < dma->iova.nspans && i < max; i++) {
		out[i].iova = dma->iova.spans[i].start;
		out[i].len = dma->iova.spans[i].last - dma->iova.spans[i].start + 1;
		out[i].va = 0;
	}
	*count = dma->iova.nspans;
	return 0;
}

static int vfio_no_events(struct upci_dma *dma, int *fd)
{
	(void)dma;
	(void)fd;
	return -EOPNOTSUPP;
}

static int vfio_no_revoked(struct upci_dma *dma, struct upci_dma_range *r,
			   unsigned int max, unsigned int *count)
{
	(void)dma;
	(void)r;
	(void)max;
	*count = 0;
	return -EOPNOTSUPP;
}

static void vfio_destroy(struct upci_dma *dma)
{
	if (dma->fd >= 0)
		close(dma->fd);
	dma->fd = -1;
}

const struct upci_dma_ops upci__vfio_dma_ops = {
	.map = vfio_map,
	.unmap = vfio_unmap,
	.ranges = vfio_ranges,
	.event_fd = vfio_no_events,
	.revoked = vfio_no_revoked,
	.destroy = vfio_destroy,
};
