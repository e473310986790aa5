/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * upci private definitions, shared by the files of upci.ko.
 *
 * Object model: one struct upci_device per PCI function bound to the driver.
 * It embeds the struct device of /dev/upci/<BDF> and its cdev, so its lifetime
 * is the device's reference count: probe holds one reference, and every open
 * file holds one through the cdev (cdev_device_add makes the cdev a child of
 * the device).  remove() drops probe's reference; the memory goes away with the
 * last close.
 *
 * Lock order (outermost first):
 *
 *   device_lock(&pdev->dev)        held by the driver core around probe/remove;
 *                                  we take it only with a trylock
 *     -> upci_device.open_lock     open, last close, remove
 *       -> mmap_lock / VMA lock    taken by the mm around our fault handler
 *         -> upci_device.memory_lock  (rw_semaphore)
 *
 * memory_lock guards everything that decides whether the device decodes memory
 * (COMMAND.MEM, the virtual power state, a reset in progress) and the dead
 * flag.  Holders of memory_lock never touch user memory: read/write copy
 * through a kernel bounce buffer outside it, because a user buffer may be our
 * own BAR mapping whose fault handler takes memory_lock.  memory_lock is
 * taken for writing in the reset_prepare error handler and released in
 * reset_done, so nothing may call a PCI reset function while holding it.
 */
#ifndef UPCI_PRIVATE_H
#define UPCI_PRIVATE_H

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/rwsem.h>
#include <linux/types.h>
#include <linux/upci.h>

#include "upci_compat.h"

#define UPCI_NAME		"upci"
/* Magic of the private pseudo file system that holds the per-device inodes */
#define UPCI_FS_MAGIC		0x55504349	/* "UPCI" */
/* Maximum number of devices (minor numbers) */
#define UPCI_MAX_DEVICES	256

struct upci_cfg;

/**
 * struct upci_device - one PCI function bound to upci
 * @dev: the class device of /dev/upci/<BDF>; owns the reference count
 * @cdev: the character device; pins @dev while a file is open
 * @pdev: the PCI function; a reference is held until @dev is released
 * @inode: per-device inode; every open file uses its address_space so that
 *	unmap_mapping_range() reaches every mapping of the device's BARs
 * @open_lock: serializes open, last close and remove
 * @open_count: number of open files (0 or 1), under @open_lock
 * @memory_lock: see the lock order above
 * @dead: set by remove(), under both @open_lock and @memory_lock (write);
 *	every later call fails with -ENODEV, every later fault with SIGBUS
 * @mem_enabled: the user's COMMAND.MEM and power state allow memory decode,
 *	under @memory_lock
 * @in_reset: a reset is in progress (between reset_prepare and reset_done)
 * @no_iommu: the open file runs in the unsafe no-IOMMU mode
 * @dma_owned: we hold DMA ownership of the device (iommu_device_claim_dma_owner)
 * @regions_requested: BAR regions requested at first open
 * @barmap: kernel mappings of the BARs, made at first open
 * @pristine: config state saved at first open, restored at last close
 * @reset_works: the function has a reset method
 * @cfg: virtual config space, built at first open, under @open_lock for
 *	structure and its own mutex for contents
 */
struct upci_device {
	struct device dev;
	struct cdev cdev;
	struct pci_dev *pdev;
	struct inode *inode;

	struct mutex open_lock;
	unsigned int open_count;

	struct rw_semaphore memory_lock;
	bool dead;
	bool mem_enabled;
	bool in_reset;

	bool no_iommu;
	bool dma_owned;
	bool regions_requested;
	bool reset_works;
	void __iomem *barmap[PCI_STD_NUM_BARS];
	struct pci_saved_state *pristine;
	struct upci_cfg *cfg;
};

static inline struct upci_device *to_upci_device(struct device *dev)
{
	return container_of(dev, struct upci_device, dev);
}

/* main.c */
extern const struct class upci_class;
struct inode *upci_alloc_inode(void);

/* device.c */
extern const struct file_operations upci_fops;
void upci_device_revoke_mmaps(struct upci_device *udev);
void upci_device_shutdown(struct upci_device *udev, bool locked);
void upci_reset_prepare(struct pci_dev *pdev);
void upci_reset_done(struct pci_dev *pdev);

/* config.c */
int upci_cfg_init(struct upci_device *udev);
void upci_cfg_free(struct upci_device *udev);
ssize_t upci_cfg_rw(struct upci_device *udev, char *buf, size_t count,
		    loff_t pos, bool write);

#endif /* UPCI_PRIVATE_H */
