// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libupci: devices, the part common to both backends: choosing the backend
 * from the bound driver, DMA space membership, regions, config space, BAR
 * mappings.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

#define PCI_COMMAND		0x04
#define PCI_COMMAND_IO		0x1
#define PCI_COMMAND_MEMORY	0x2
#define PCI_COMMAND_MASTER	0x4

/* Which backend serves @bdf, from the driver it is bound to */
static int pick_backend(const char *bdf)
{
	char driver[UPCI_DRIVER_LEN];
	int ret = upci__sysfs_link(bdf, "driver", driver, sizeof(driver));

	if (ret == -ENOENT) {
		unsigned long v;

		if (upci__sysfs_read_ulong(bdf, "vendor", &v)) {
			upci__err("%s: no such PCI function", bdf);
			return -ENODEV;
		}
		upci__err("%s is bound to no driver: grant it with `upci bind %s --owner USER`",
			  bdf, bdf);
		return -ENODEV;
	}
	if (ret)
		return ret;
	if (!strcmp(driver, "upci"))
		return UPCI_BACKEND_UPCI;
	if (!strcmp(driver, "vfio-pci"))
		return UPCI_BACKEND_VFIO;
	upci__err("%s is bound to the kernel driver %s, not to upci or vfio-pci: hand it out with `upci bind %s --owner USER`",
		  bdf, driver, bdf);
	return -ENODEV;
}

static void recompute_limit(struct upci_dma *dma)
{
	struct upci_dev *d;

	dma->limit = UINT64_MAX;
	for (d = dma->devs; d; d = d->dma_next)
		if (d->dma_bits < 64 && (1ULL << d->dma_bits) - 1 < dma->limit)
			dma->limit = (1ULL << d->dma_bits) - 1;
}

int upci_dev_open(const char *str, struct upci_dma *dma, unsigned int flags,
		  struct upci_dev **out)
{
	struct upci_dev *dev;
	int backend, ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (flags)
		return -EOPNOTSUPP;
	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	dev->fd = -1;
	dev->dma_bits = 64;
	ret = upci_parse_bdf(str, dev->bdf);
	if (ret) {
		upci__err("'%s' is not a PCI address (like 0000:00:03.0)", str ? str : "(null)");
		goto out_free;
	}
	backend = pick_backend(dev->bdf);
	if (backend < 0) {
		ret = backend;
		goto out_free;
	}
	dev->backend = backend;
	dev->ops = backend == UPCI_BACKEND_UPCI ? &upci__upci_dev_ops :
						 &upci__vfio_dev_ops;
	if (dma) {
		upci__dma_get(dma);
	} else {
		ret = upci_dma_open(&dma);
		if (ret)
			goto out_free;
	}
	/* The reference is the device's from here on */
	dev->dma = dma;
	pthread_mutex_lock(&dma->lock);
	ret = upci__dma_bind(dma, backend);
	if (!ret)
		ret = dev->ops->open(dev);
	if (!ret) {
		dev->dma_next = dma->devs;
		dma->devs = dev;
		recompute_limit(dma);
	}
	pthread_mutex_unlock(&dma->lock);
	if (ret)
		goto out_put;
	strcpy(dev->info.bdf, dev->bdf);
	dev->info.backend = backend;
	upci__dbg("%s: open through %s", dev->bdf,
		  backend == UPCI_BACKEND_UPCI ? "upci" : "vfio");
	*out = dev;
	return 0;

out_put:
	upci__dma_put(dma);
out_free:
	free(dev);
	return ret;
}

void upci_dev_close(struct upci_dev *dev)
{
	struct upci_dma *dma;
	struct upci_dev **p;
	unsigned int i;

	if (!dev)
		return;
	dma = dev->dma;
	upci__irq_release(dev);
	for (i = 0; i < UPCI_NUM_REGIONS_MAX; i++)
		if (dev->regions[i].map)
			munmap(dev->regions[i].map,
			       ALIGN_UP(dev->regions[i].size, UPCI_PAGE_SIZE));
	pthread_mutex_lock(&dma->lock);
	dev->ops->close(dev);
	for (p = &dma->devs; *p; p = &(*p)->dma_next) {
		if (*p == dev) {
			*p = dev->dma_next;
			break;
		}
	}
	recompute_limit(dma);
	pthread_mutex_unlock(&dma->lock);
	upci__dma_put(dma);
	free(dev);
}

int upci_dev_info(struct upci_dev *dev, struct upci_dev_info *info)
{
	if (!dev || !info)
		return -EINVAL;
	*info = dev->info;
	return 0;
}

int upci_dev_fd(const struct upci_dev *dev)
{
	return dev->fd;
}

struct upci_dma *upci_dev_dma(const struct upci_dev *dev)
{
	return dev->dma;
}

int upci_dev_set_dma_mask(struct upci_dev *dev, unsigned int bits)
{
	if (!dev || bits < 12 || bits > 64)
		return -EINVAL;
	pthread_mutex_lock(&dev->dma->lock);
	dev->dma_bits = bits;
	recompute_limit(dev->dma);
	pthread_mutex_unlock(&dev->dma->lock);
	return 0;
}

int upci_dev_reset(struct upci_dev *dev)
{
	if (!dev)
		return -EINVAL;
	return dev->ops->reset(dev);
}

static int region(struct upci_dev *dev, unsigned int index,
		  struct upci_region_cache **out)
{
	int ret;

	if (!dev || index >= UPCI_NUM_REGIONS_MAX)
		return -EINVAL;
	if (!dev->regions[index].valid) {
		ret = dev->ops->region(dev, index);
		if (ret)
			return ret;
		dev->regions[index].valid = true;
	}
	*out = &dev->regions[index];
	return 0;
}

int upci_region_info(struct upci_dev *dev, unsigned int index,
		     struct upci_region *out)
{
	struct upci_region_cache *r;
	int ret = region(dev, index, &r);

	if (ret)
		return ret;
	out->size = r->size;
	out->flags = r->flags;
	return 0;
}

static int check_range(const struct upci_region_cache *r, uint64_t offset,
		       size_t len, uint32_t need)
{
	if (!(r->flags & need))
		return -EINVAL;
	if (!len || offset > r->size || len > r->size - offset)
		return -EINVAL;
	return 0;
}

int upci_region_read(struct upci_dev *dev, unsigned int index, uint64_t offset,
		     void *buf, size_t len)
{
	struct upci_region_cache *r;
	ssize_t n;
	int ret = region(dev, index, &r);

	if (!ret)
		ret = check_range(r, offset, len, UPCI_REGION_READABLE);
	if (ret)
		return ret;
	n = pread(dev->fd, buf, len, (off_t)(r->offset + offset));
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int upci_region_write(struct upci_dev *dev, unsigned int index,
		      uint64_t offset, const void *buf, size_t len)
{
	struct upci_region_cache *r;
	ssize_t n;
	int ret = region(dev, index, &r);

	if (!ret)
		ret = check_range(r, offset, len, UPCI_REGION_WRITABLE);
	if (ret)
		return ret;
	n = pwrite(dev->fd, buf, len, (off_t)(r->offset + offset));
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int upci_cfg_read(struct upci_dev *dev, unsigned int offset, void *buf,
		  size_t len)
{
	return upci_region_read(dev, UPCI_REGION_CONFIG_INDEX, offset, buf, len);
}

int upci_cfg_write(struct upci_dev *dev, unsigned int offset, const void *buf,
		   size_t len)
{
	return upci_region_write(dev, UPCI_REGION_CONFIG_INDEX, offset, buf, len);
}

int upci_dev_enable(struct upci_dev *dev)
{
	struct upci_region r;
	uint16_t cmd, want = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	unsigned int i;
	int ret;

	for (i = 0; i < 6; i++)
		if (!upci_region_info(dev, i, &r) && r.size &&
		    (r.flags & UPCI_REGION_IO_PORT))
			want |= PCI_COMMAND_IO;
	ret = upci_cfg_read(dev, PCI_COMMAND, &cmd, sizeof(cmd));
	if (ret)
		return ret;
	if ((cmd & want) == want)
		return 0;
	cmd |= want;
	return upci_cfg_write(dev, PCI_COMMAND, &cmd, sizeof(cmd));
}

int upci_bar_map(struct upci_dev *dev, unsigned int index, void **addr,
		 size_t *size)
{
	struct upci_region_cache *r;
	void *p;
	int ret;

	if (index > 5 || !addr)
		return -EINVAL;
	ret = region(dev, index, &r);
	if (ret)
		return ret;
	if (!(r->flags & UPCI_REGION_MAPPABLE) || !r->size) {
		upci__err("%s: BAR%u cannot be mapped (size %llu)", dev->bdf,
			  index, (unsigned long long)r->size);
		return -EINVAL;
	}
	if (!r->map) {
		p = mmap(NULL, ALIGN_UP(r->size, UPCI_PAGE_SIZE),
			 PROT_READ | PROT_WRITE, MAP_SHARED, dev->fd,
			 (off_t)r->offset);
		if (p == MAP_FAILED) {
			ret = -errno;
			upci__err("%s: mmap of BAR%u: %s", dev->bdf, index,
				  strerror(errno));
			return ret;
		}
		r->map = p;
	}
	*addr = r->map;
	if (size)
		*size = r->size;
	return 0;
}
