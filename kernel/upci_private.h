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
 *   device_lock(&pdev->dev)        held by the driver core around probe and
 *                                  remove, and by every PCI reset; we take it
 *                                  only with a trylock (pci_try_reset_function,
 *                                  pci_dev_trylock)
 *     -> upci_device.open_lock     open, last close, reset ioctl, remove
 *       -> upci_device.cfg_lock    config space accesses, remove
 *         -> upci_device.irq_lock  interrupt ioctls, and shutdown (irq.c)
 *           -> pci_cfg_access_lock   taken by the PCI core around resets
 *             -> mmap_lock / VMA lock   taken by the mm around our fault handler
 *               -> upci_device.memory_lock  (rw_semaphore)
 *                 -> upci_device.intx_lock  (spinlock, irqsave; also taken
 *                                           by the INTx hard interrupt handler)
 *
 * A config access may thus wait (in pci_user_*_config) for a reset that holds
 * memory_lock, so it never holds memory_lock while it does: the few config
 * writes that need memory_lock (COMMAND, and the ROM read) use the kernel's
 * accessors, which do not wait.
 *
 * memory_lock guards everything that decides whether the device decodes memory
 * (COMMAND.MEM, the virtual power state, a reset in progress) and the dead
 * flag.  Holders of memory_lock never touch user memory: read/write copy
 * through a kernel bounce buffer outside it, because a user buffer may be our
 * own BAR mapping whose fault handler takes memory_lock.  memory_lock is
 * taken for writing in the reset_prepare error handler and released in
 * reset_done, so nothing may call a PCI reset function while holding it.
 *
 * Interrupts: irq_lock serializes the interrupt ioctls with each other and
 * with shutdown; the active type changes only with memory_lock also held for
 * writing (so reset_done sees a stable state).  intx_lock makes every
 * read-modify-write of COMMAND atomic with respect to the INTx handler, which
 * sets INTx-disable from hard interrupt context: whoever writes COMMAND while
 * a handler may run (config space writes, the ROM read) holds it.
 */
#ifndef UPCI_PRIVATE_H
#define UPCI_PRIVATE_H

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/upci.h>

#include "upci_compat.h"
#include "upci_ioas.h"

#define UPCI_NAME		"upci"
/* Magic of the private pseudo file system that holds the per-device inodes */
#define UPCI_FS_MAGIC		0x55504349	/* "UPCI" */
/* Maximum number of devices (minor numbers) */
#define UPCI_MAX_DEVICES	256

struct upci_cfg;
struct upci_irq_vec;

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
 * @rom_invalid: the ROM holds no valid image (found at the first read; later
 *	reads fail at once, without the kernel's message about it again)
 * @mem_enabled: the user's COMMAND.MEM and power state allow memory decode,
 *	under @memory_lock
 * @cfg_lock: serializes config space accesses and guards @cfg's contents;
 *	remove() takes it after setting @dead to wait out accesses in flight
 * @no_iommu: the open file runs in the unsafe no-IOMMU mode
 * @dma_owned: we hold DMA ownership of the device (iommu_device_claim_dma_owner)
 * @dma_owner: the cookie of that ownership: the opener's user, referenced
 * @isolated_msi: the IOMMU group has interrupt remapping
 * @reset_works: the function has a reset method
 * @bars_requested: bitmap of the BARs requested and mapped at first open
 * @msix_bar: BAR holding the MSI-X table kept out of reach, or -1 (only
 *	without interrupt remapping)
 * @msix_start: page-aligned start of that range in the BAR
 * @msix_end: page-aligned end of that range
 * @barmap: kernel mappings of the BARs, made at first open
 * @pristine: config state saved at first open, restored at last close
 * @cfg: virtual config space: allocated at first open, freed with the device
 * @ioas: the DMA address space the device is attached to, or NULL; under
 *	@open_lock
 * @irq_lock: see the lock order above
 * @intx_lock: see the lock order above; guards @intx_masked and the
 *	hardware INTx-disable bit
 * @intx_masked: INTx is active and masked by its handler, waiting for the
 *	user's unmask
 * @irq_type: the active &enum upci_irq_type, or -1; changes under @irq_lock
 *	and @memory_lock (write)
 * @irq_nvec: number of entries of @irq_vecs
 * @irq_vecs: per-vector state of the active type (irq.c)
 */
struct upci_device {
	struct device dev;
	struct cdev cdev;
	struct pci_dev *pdev;
	struct inode *inode;

	struct mutex open_lock;		/* see the lock order above */
	unsigned int open_count;

	struct rw_semaphore memory_lock;
	bool dead;
	bool rom_invalid;
	bool mem_enabled;

	struct mutex cfg_lock;		/* see the lock order above */

	bool no_iommu;
	bool dma_owned;
	struct user_struct *dma_owner;
	bool isolated_msi;
	bool reset_works;
	int bars_requested;
	int msix_bar;
	u64 msix_start;
	u64 msix_end;
	void __iomem *barmap[PCI_STD_NUM_BARS];
	struct pci_saved_state *pristine;
	struct upci_cfg *cfg;
	struct upci_ioas *ioas;

	struct mutex irq_lock;		/* see the lock order above */
	spinlock_t intx_lock;		/* see the lock order above */
	bool intx_masked;
	int irq_type;
	unsigned int irq_nvec;
	struct upci_irq_vec *irq_vecs;
};

static inline struct upci_device *to_upci_device(struct device *dev)
{
	return container_of(dev, struct upci_device, dev);
}

/* main.c */
extern const struct class upci_class;
int upci_ioctl_copy_in(void *buf, u32 size, u32 min_size, u32 flags,
		       void __user *uarg, u32 *usize);
int upci_ioctl_copy_out(void __user *uarg, const void *buf, u32 size, u32 usize);
struct inode *upci_alloc_inode(void);

/* device.c */
extern const struct file_operations upci_fops;
void upci_device_revoke_mmaps(struct upci_device *udev);
void upci_device_shutdown(struct upci_device *udev, bool locked);
int upci_device_reset(struct upci_device *udev);
void upci_reset_prepare(struct pci_dev *pdev);
void upci_reset_done(struct pci_dev *pdev);

/* irq.c */
void upci_irq_probe(struct upci_device *udev);
void upci_irq_open(struct upci_device *udev);
void upci_irq_shutdown(struct upci_device *udev);
void upci_irq_reset_done(struct upci_device *udev);
void upci_command_update(struct upci_device *udev, u16 mask, u16 val);
int upci_ioctl_irq_info(struct upci_device *udev, void *arg);
int upci_ioctl_set_irqs(struct upci_device *udev, void *arg);
int upci_ioctl_irq_unmask(struct upci_device *udev, void *arg);

/* config.c */
int upci_cfg_init(struct upci_device *udev);
void upci_cfg_free(struct upci_device *udev);
int upci_cfg_rw(struct upci_device *udev, u8 *buf, size_t count,
		loff_t pos, bool write);

#endif /* UPCI_PRIVATE_H */
