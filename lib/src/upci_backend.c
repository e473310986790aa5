// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libupci: the upci.ko backend.  A device is /dev/upci/<BDF>, a DMA space
 * is an open file of /dev/upci/iommu; the kernel chooses IOVAs (below the
 * limit given with each map) and revokes mappings whose memory goes away.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/upci.h>

#include "internal.h"

#define UPCI_ARG(type, name)	struct type name = { .size = sizeof(name) }

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

static int open_space(struct upci_dma *dma)
{
	char path[PATH_MAX];

	if (dma->fd >= 0)
		return 0;
	snprintf(path, sizeof(path), "%s/upci/iommu", upci__dev_root);
	dma->fd = open(path, O_RDWR | O_CLOEXEC);
	if (dma->fd < 0) {
		int ret = -errno;

		upci__err("cannot open %s: %s (is upci.ko loaded?)", path,
			  strerror(errno));
		return ret;
	}
	return 0;
}

static int explain_open(const char *bdf, const char *path, int err)
{
	switch (err) {
	case ENOENT:
		upci__err("%s: no node %s: is the function bound to upci?", bdf, path);
		return -ENODEV;
	case EACCES:
		upci__err("%s: permission denied on %s: an administrator grants it with `upci bind %s --owner USER`",
			  bdf, path, bdf);
		break;
	case EBUSY:
		upci__err("%s: busy: the node is open elsewhere (one open file at a time), or a kernel driver holds a function of its IOMMU group (see `upci info %s`)",
			  bdf, bdf);
		break;
	case EPERM:
		upci__err("%s: no IOMMU isolates it: only a process with CAP_SYS_RAWIO may open it",
			  bdf);
		break;
	default:
		upci__err("%s: open %s: %s", bdf, path, strerror(err));
	}
	return -err;
}

static int ub_open(struct upci_dev *dev)
{
	UPCI_ARG(upci_info, mi);
	UPCI_ARG(upci_device_info, di);
	UPCI_ARG(upci_device_attach, at);
	char path[PATH_MAX];
	int ret;

	ret = open_space(dev->dma);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/upci/%s", upci__dev_root, dev->bdf);
	dev->fd = open(path, O_RDWR | O_CLOEXEC);
	if (dev->fd < 0)
		return explain_open(dev->bdf, path, errno);
	ret = xioctl(dev->fd, UPCI_INFO, &mi);
	if (!ret && mi.out_api_version != UPCI_API_VERSION) {
		upci__err("%s: upci.ko speaks API version %u, this library %u",
			  dev->bdf, mi.out_api_version, UPCI_API_VERSION);
		ret = -EPROTO;
	}
	if (!ret)
		ret = xioctl(dev->fd, UPCI_DEVICE_GET_INFO, &di);
	if (ret)
		goto out_close;
	dev->info.flags = (di.out_flags & UPCI_DEVICE_FLAG_IOMMU ? UPCI_DEV_IOMMU : 0) |
		(di.out_flags & UPCI_DEVICE_FLAG_RESET ? UPCI_DEV_RESET : 0) |
		(di.out_flags & UPCI_DEVICE_FLAG_PCIE ? UPCI_DEV_PCIE : 0) |
		(di.out_flags & UPCI_DEVICE_FLAG_NO_IOMMU ? UPCI_DEV_NO_IOMMU : 0);
	dev->info.vendor = di.out_vendor;
	dev->info.device = di.out_device;
	dev->info.subsystem_vendor = di.out_subsystem_vendor;
	dev->info.subsystem_device = di.out_subsystem_device;
	dev->info.class_code = di.out_class;
	dev->info.irq_types = (di.out_irq_types & UPCI_IRQ_TYPE_INTX ? UPCI_INTX : 0) |
		(di.out_irq_types & UPCI_IRQ_TYPE_MSI ? UPCI_MSI : 0) |
		(di.out_irq_types & UPCI_IRQ_TYPE_MSIX ? UPCI_MSIX : 0);
	dev->info.num_msi = di.out_num_msi;
	dev->info.num_msix = di.out_num_msix;
	dev->info.iommu_group = (int)di.out_iommu_group;
	at.ioas_fd = dev->dma->fd;
	ret = xioctl(dev->fd, UPCI_DEVICE_ATTACH, &at);
	if (ret) {
		upci__err("%s: attach to its DMA space: %s", dev->bdf, strerror(-ret));
		goto out_close;
	}
	return 0;

out_close:
	close(dev->fd);
	dev->fd = -1;
	return ret;
}

static void ub_close(struct upci_dev *dev)
{
	/* Closing the device detaches it and frees its interrupts */
	if (dev->fd >= 0)
		close(dev->fd);
	dev->fd = -1;
}

static int ub_region(struct upci_dev *dev, unsigned int index)
{
	UPCI_ARG(upci_region_info, ri);
	struct upci_region_cache *r = &dev->regions[index];
	int ret;

	ri.index = index;
	ret = xioctl(dev->fd, UPCI_DEVICE_GET_REGION_INFO, &ri);
	if (ret)
		return ret;
	r->size = ri.out_size;
	r->offset = ri.out_offset;
	r->flags = (ri.out_flags & UPCI_REGION_FLAG_READ ? UPCI_REGION_READABLE : 0) |
		(ri.out_flags & UPCI_REGION_FLAG_WRITE ? UPCI_REGION_WRITABLE : 0) |
		(ri.out_flags & UPCI_REGION_FLAG_MMAP ? UPCI_REGION_MAPPABLE : 0) |
		(ri.out_flags & UPCI_REGION_FLAG_IO ? UPCI_REGION_IO_PORT : 0);
	return 0;
}

static int ub_reset(struct upci_dev *dev)
{
	UPCI_ARG(upci_device_reset, rs);

	return xioctl(dev->fd, UPCI_DEVICE_RESET, &rs);
}

static unsigned int irq_type(unsigned int mode)
{
	return mode == UPCI_INTX ? UPCI_IRQ_INTX :
	       mode == UPCI_MSI ? UPCI_IRQ_MSI : UPCI_IRQ_MSIX;
}

static int ub_irq_set(struct upci_dev *dev, unsigned int mode,
		      unsigned int count, const int *fds)
{
	UPCI_ARG(upci_irq_set, set);
	int ret;

	set.type = irq_type(mode);
	set.count = count;
	set.eventfds = (uintptr_t)fds;
	ret = xioctl(dev->fd, UPCI_DEVICE_SET_IRQS, &set);
	if (ret == -ENOTTY)
		ret = -EOPNOTSUPP;	/* a module without interrupts */
	return ret;
}

static int ub_irq_unmask(struct upci_dev *dev)
{
	UPCI_ARG(upci_irq_unmask, um);

	um.type = UPCI_IRQ_INTX;
	return xioctl(dev->fd, UPCI_DEVICE_IRQ_UNMASK, &um);
}

const struct upci_dev_ops upci__upci_dev_ops = {
	.open = ub_open,
	.close = ub_close,
	.region = ub_region,
	.reset = ub_reset,
	.irq_set = ub_irq_set,
	.irq_unmask = ub_irq_unmask,
};

static int ub_map(struct upci_dma *dma, void *va, size_t len,
		    unsigned int flags, uint64_t *iova)
{
	UPCI_ARG(upci_ioas_map, m);
	int ret;

	m.flags = (flags & UPCI_DMA_READ ? UPCI_IOAS_MAP_READ : 0) |
		  (flags & UPCI_DMA_WRITE ? UPCI_IOAS_MAP_WRITE : 0) |
		  (flags & UPCI_DMA_FIXED ? UPCI_IOAS_MAP_FIXED_IOVA : 0);
	m.user_va = (uintptr_t)va;
	m.length = len;
	if (flags & UPCI_DMA_FIXED)
		m.iova = *iova;
	else
		m.iova_limit = dma->limit == UINT64_MAX ? 0 : dma->limit;
	ret = xioctl(dma->fd, UPCI_IOAS_MAP, &m);
	if (ret) {
		upci__dbg("map %zu bytes at %p: %s", len, va, strerror(-ret));
		if (ret == -ENOMEM)
			upci__err("DMA map of %zu bytes: over the locked-memory limit (ulimit -l)",
				  len);
		return ret;
	}
	*iova = m.iova;
	return 0;
}

static int ub_unmap(struct upci_dma *dma, uint64_t iova, size_t len)
{
	UPCI_ARG(upci_ioas_unmap, u);

	u.iova = iova;
	u.length = len;
	return xioctl(dma->fd, UPCI_IOAS_UNMAP, &u);
}

static int ub_ranges(struct upci_dma *dma, struct upci_dma_range *out,
		       unsigned int max, unsigned int *count)
{
	UPCI_ARG(upci_ioas_info, info);
	struct upci_iova_range *r;
	unsigned int i;
	int ret;

	/* First the count (EMSGSIZE when there is any), then the ranges */
	ret = xioctl(dma->fd, UPCI_IOAS_GET_INFO, &info);
	if (ret && ret != -EMSGSIZE)
		return ret;
	r = calloc(info.num_ranges ? info.num_ranges : 1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	info.ranges = (uintptr_t)r;
	ret = xioctl(dma->fd, UPCI_IOAS_GET_INFO, &info);
	if (!ret) {
		for (i = 0; i < info.num_ranges && i < max; i++) {
			out[i].iova = r[i].start;
			out[i].len = r[i].last - r[i].start + 1;
			out[i].va = 0;
		}
		*count = info.num_ranges;
	}
	free(r);
	return ret;
}

static int ub_event_fd(struct upci_dma *dma, int *fd)
{
	UPCI_ARG(upci_ioas_set_eventfd, se);
	int ret;

	if (dma->event_fd < 0) {
		dma->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (dma->event_fd < 0)
			return -errno;
		se.fd = dma->event_fd;
		ret = xioctl(dma->fd, UPCI_IOAS_SET_EVENTFD, &se);
		if (ret) {
			close(dma->event_fd);
			dma->event_fd = -1;
			return ret;
		}
	}
	*fd = dma->event_fd;
	return 0;
}

static int ub_revoked(struct upci_dma *dma, struct upci_dma_range *out,
			unsigned int max, unsigned int *count)
{
	UPCI_ARG(upci_ioas_get_revoked, g);
	struct upci_revoked_range r[64];
	unsigned int n = 0, i;
	uint64_t drain;
	int ret;

	/* Clear the eventfd first: a revocation after this read signals again */
	if (dma->event_fd >= 0 &&
	    read(dma->event_fd, &drain, sizeof(drain)) < 0 && errno != EAGAIN)
		return -errno;
	while (n < max) {
		g.num_ranges = max - n < ARRAY_SIZE(r) ? max - n : ARRAY_SIZE(r);
		g.ranges = (uintptr_t)r;
		ret = xioctl(dma->fd, UPCI_IOAS_GET_REVOKED, &g);
		if (ret)
			return ret;
		for (i = 0; i < g.num_ranges; i++, n++) {
			out[n].iova = r[i].iova;
			out[n].len = r[i].length;
			out[n].va = r[i].user_va;
		}
		if (!g.num_ranges || !g.out_remaining)
			break;
	}
	*count = n;
	return 0;
}

static void ub_destroy(struct upci_dma *dma)
{
	if (dma->fd >= 0)
		close(dma->fd);
	dma->fd = -1;
}

const struct upci_dma_ops upci__upci_dma_ops = {
	.map = ub_map,
	.unmap = ub_unmap,
	.ranges = ub_ranges,
	.event_fd = ub_event_fd,
	.revoked = ub_revoked,
	.destroy = ub_destroy,
};
