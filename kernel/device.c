// SPDX-License-Identifier: GPL-2.0-only
/*
 * upci: the file operations of /dev/upci/<BDF>.
 *
 * open() is where safety is decided: the function must sit in an IOMMU group
 * that we can take DMA ownership of (the IOMMU core refuses while any device
 * of the group is bound to a kernel driver that does DMA), with interrupt
 * remapping; otherwise only CAP_SYS_RAWIO may open it, in the unsafe
 * no-IOMMU mode, which warns and taints.  One file at a time: the first open
 * enables and resets the function and saves its state; the last close stops
 * bus mastering, resets it, restores that state and disables it.
 *
 * BAR mappings are fault-based (vmf_insert_pfn): every file of the device
 * shares the address_space of the device's private inode, so one
 * unmap_mapping_range() revokes every mapping, in every process, whenever the
 * BARs stop decoding (COMMAND.MEM cleared, reset, remove).  Faults then wait
 * on memory_lock and either map the page again or get SIGBUS.
 *
 * remove() marks the device dead under open_lock and memory_lock, revokes the
 * mappings, waits for config accesses in flight (cfg_lock), shuts the
 * hardware down and returns: from then on every call fails with -ENODEV and
 * only close() does anything.
 *
 * Locking: see upci_private.h.  No lock of ours is held while user memory is
 * touched.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitfield.h>
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/io.h>
#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/panic.h>
#include <linux/sched/signal.h>
#include <linux/sched/user.h>
#include <linux/uaccess.h>
#include <linux/unaligned.h>

#include "upci_private.h"

/*
 * DMA ownership is taken with the opener's user_struct as the cookie.  The
 * IOMMU core lets devices of one group be owned only under one cookie, and
 * a group has one DMA domain: when one function of the group is attached to
 * an address space, its siblings' DMA goes there too.  So the functions of
 * a group bound to upci can be open together only by one user, never by two
 * users who could then reach each other's memory.  The reference on the
 * user_struct keeps the cookie from being reused while it is held.
 */

/* Bytes moved per lock hold by read()/write() */
#define UPCI_RW_CHUNK		256

/* ---- open safety ---- */

struct upci_blocker {
	struct device *self;
	char name[80];
};

/*
 * Called under the group's mutex, which a kernel driver's unbind also needs
 * (to drop its use of the default domain) before dev->driver goes: @drv stays
 * valid while we look at it.
 */
static int upci_find_blocker(struct device *dev, void *data)
{
	struct upci_blocker *b = data;
	struct device_driver *drv = READ_ONCE(dev->driver);

	if (dev == b->self || !drv)
		return 0;
	if (dev_is_pci(dev) && to_pci_driver(drv)->driver_managed_dma)
		return 0;
	snprintf(b->name, sizeof(b->name), "%s (bound to %s)",
		 dev_name(dev), drv->name);
	return 1;
}

static int upci_claim_dma(struct upci_device *udev)
{
	struct device *dev = &udev->pdev->dev;
	struct iommu_group *group;
	const char *missing;
	int ret;

	group = iommu_group_get(dev);
	if (group) {
		udev->dma_owner = get_uid(current_user());
		ret = iommu_device_claim_dma_owner(dev, udev->dma_owner);
		if (ret) {
			struct upci_blocker b = { .self = dev };

			free_uid(udev->dma_owner);
			udev->dma_owner = NULL;
			iommu_group_for_each_dev(group, &b, upci_find_blocker);
			dev_warn_ratelimited(dev,
					     "open refused: IOMMU group %d is in use by %s\n",
					     iommu_group_id(group),
					     b.name[0] ? b.name : "another user's upci device");
			iommu_group_put(group);
			return -EBUSY;
		}
		udev->dma_owned = true;
		udev->isolated_msi = iommu_group_has_isolated_msi(group);
		iommu_group_put(group);
		if (udev->isolated_msi)
			return 0;
		missing = "interrupt remapping";
	} else {
		missing = "an IOMMU";
	}

	if (!capable(CAP_SYS_RAWIO)) {
		dev_info_ratelimited(dev,
				     "open refused: no %s, and the opener lacks CAP_SYS_RAWIO\n",
				     missing);
		if (udev->dma_owned) {
			iommu_device_release_dma_owner(dev);
			udev->dma_owned = false;
		}
		free_uid(udev->dma_owner);
		udev->dma_owner = NULL;
		return -EPERM;
	}
	dev_warn_once(dev,
		      "UNSAFE: opened without %s; the user can reach any memory (no-IOMMU mode), tainting the kernel\n",
		      missing);
	add_taint(TAINT_USER, LOCKDEP_STILL_OK);
	udev->no_iommu = !udev->dma_owned;
	return 0;
}

static void upci_release_dma(struct upci_device *udev)
{
	if (udev->dma_owned)
		iommu_device_release_dma_owner(&udev->pdev->dev);
	free_uid(udev->dma_owner);
	udev->dma_owner = NULL;
	udev->dma_owned = false;
	udev->no_iommu = false;
	udev->isolated_msi = false;
}

/*
 * Without interrupt remapping (unsafe mode only), the MSI-X table and PBA
 * must stay out of the user's reach: a forged MSI write is an interrupt
 * injection into the host.
 */
static void upci_setup_msix_exclude(struct upci_device *udev)
{
	struct pci_dev *pdev = udev->pdev;
	u32 table, pba;
	u16 flags;
	u64 start, end;

	udev->msix_bar = -1;
	if (udev->isolated_msi || !pdev->msix_cap)
		return;

	pci_read_config_word(pdev, pdev->msix_cap + PCI_MSIX_FLAGS, &flags);
	pci_read_config_dword(pdev, pdev->msix_cap + PCI_MSIX_TABLE, &table);
	pci_read_config_dword(pdev, pdev->msix_cap + PCI_MSIX_PBA, &pba);

	start = table & PCI_MSIX_TABLE_OFFSET;
	end = start + ((flags & PCI_MSIX_FLAGS_QSIZE) + 1) * PCI_MSIX_ENTRY_SIZE;
	if ((pba & PCI_MSIX_PBA_BIR) == (table & PCI_MSIX_TABLE_BIR)) {
		u64 pba_start = pba & PCI_MSIX_PBA_OFFSET;
		u64 pba_end = pba_start +
			DIV_ROUND_UP((flags & PCI_MSIX_FLAGS_QSIZE) + 1, 64) * 8;

		start = min(start, pba_start);
		end = max(end, pba_end);
	}
	udev->msix_bar = table & PCI_MSIX_TABLE_BIR;
	udev->msix_start = round_down(start, PAGE_SIZE);
	udev->msix_end = round_up(end, PAGE_SIZE);
}

static void upci_unmap_bars(struct upci_device *udev)
{
	struct pci_dev *pdev = udev->pdev;
	int i;

	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		if (udev->barmap[i])
			pci_iounmap(pdev, udev->barmap[i]);
		udev->barmap[i] = NULL;
	}
	if (udev->bars_requested)
		pci_release_selected_regions(pdev, udev->bars_requested);
	udev->bars_requested = 0;
}

static int upci_map_bars(struct upci_device *udev)
{
	struct pci_dev *pdev = udev->pdev;
	int bars, i, ret;

	bars = pci_select_bars(pdev, IORESOURCE_MEM | IORESOURCE_IO);
	for (i = 0; i < PCI_STD_NUM_BARS; i++)
		if (!pci_resource_len(pdev, i) ||
		    (pci_resource_flags(pdev, i) & IORESOURCE_UNSET))
			bars &= ~BIT(i);

	ret = pci_request_selected_regions(pdev, bars, UPCI_NAME);
	if (ret) {
		pci_warn(pdev, "cannot claim the BARs: %d\n", ret);
		return -EBUSY;
	}
	udev->bars_requested = bars;

	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		if (!(bars & BIT(i)))
			continue;
		udev->barmap[i] = pci_iomap(pdev, i, 0);
		if (!udev->barmap[i]) {
			upci_unmap_bars(udev);
			return -ENOMEM;
		}
	}
	return 0;
}

/* First open: called under open_lock */
static int upci_enable(struct upci_device *udev)
{
	struct pci_dev *pdev = udev->pdev;
	u16 cmd;
	int ret;

	lockdep_assert_held(&udev->open_lock);

	ret = upci_claim_dma(udev);
	if (ret)
		return ret;

	ret = pci_enable_device(pdev);
	if (ret)
		goto out_release_dma;
	/* Never capture bus mastering in the state restored at close */
	pci_clear_master(pdev);

	/* Trylock: remove() may hold the device lock and wait for open_lock */
	if (udev->reset_works) {
		ret = pci_try_reset_function(pdev);
		if (ret)
			pci_dbg(pdev, "no reset at open: %d\n", ret);
	}
	pci_save_state(pdev);
	/* Without it, close could not give the function back as it was */
	udev->pristine = pci_store_saved_state(pdev);
	if (!udev->pristine) {
		ret = -ENOMEM;
		goto out_disable;
	}

	ret = upci_map_bars(udev);
	if (ret)
		goto out_disable;

	upci_setup_msix_exclude(udev);

	ret = upci_cfg_init(udev);
	if (ret)
		goto out_unmap;
	upci_irq_open(udev);

	pci_read_config_word(pdev, PCI_COMMAND, &cmd);
	down_write(&udev->memory_lock);
	udev->mem_enabled = cmd & PCI_COMMAND_MEMORY || pdev->is_virtfn;
	up_write(&udev->memory_lock);
	return 0;

out_unmap:
	upci_unmap_bars(udev);
out_disable:
	kfree(udev->pristine);
	udev->pristine = NULL;
	pci_disable_device(pdev);
out_release_dma:
	upci_release_dma(udev);
	return ret;
}

void upci_device_revoke_mmaps(struct upci_device *udev)
{
	unmap_mapping_range(udev->inode->i_mapping, 0, 0, true);
}

/**
 * upci_device_shutdown - stop the function and give it back as we found it
 * @udev: the device, with an open file
 * @locked: the caller (remove()) holds the device lock
 *
 * Last close and remove(), under open_lock.  Stops DMA first, then resets the
 * function if it can, restores the state saved at first open and disables
 * it; DMA ownership goes last, once the function can no longer do DMA.
 * Never fails, and never waits for user space.
 */
void upci_device_shutdown(struct upci_device *udev, bool locked)
{
	struct pci_dev *pdev = udev->pdev;
	bool present = !pci_dev_is_disconnected(pdev);

	lockdep_assert_held(&udev->open_lock);

	/* Interrupts first: freeing MSI-X vectors needs memory decode */
	upci_irq_shutdown(udev);
	down_write(&udev->memory_lock);
	udev->mem_enabled = false;
	up_write(&udev->memory_lock);
	upci_device_revoke_mmaps(udev);

	if (present)
		pci_clear_master(pdev);
	/* Back to the blocking domain, before DMA ownership goes */
	if (udev->ioas) {
		upci_ioas_detach(udev->ioas, pdev);
		udev->ioas = NULL;
	}
	if (present) {
		if (udev->pristine &&
		    pci_load_and_free_saved_state(pdev, &udev->pristine))
			pci_warn(pdev, "cannot load the saved config state\n");
		/* Quiesce before reset: no decode, no INTx */
		pci_write_config_word(pdev, PCI_COMMAND,
				      PCI_COMMAND_INTX_DISABLE);
		if (udev->reset_works) {
			if (locked) {
				__pci_reset_function_locked(pdev);
			} else if (pci_dev_trylock(pdev)) {
				__pci_reset_function_locked(pdev);
				pci_dev_unlock(pdev);
			}
		}
		pci_restore_state(pdev);
	}
	kfree(udev->pristine);
	udev->pristine = NULL;

	upci_unmap_bars(udev);
	pci_disable_device(pdev);
	upci_release_dma(udev);
}

/*
 * A reset by anyone (our ioctl, FLR through config space, root writing
 * sysfs "reset", a bus reset of a sibling) brackets the reset with these two,
 * with the device lock held: no BAR access may reach the function while it
 * resets, so mappings go and faults wait.
 */
void upci_reset_prepare(struct pci_dev *pdev)
{
	struct upci_device *udev = pci_get_drvdata(pdev);

	if (!udev)
		return;
	down_write(&udev->memory_lock);
	upci_device_revoke_mmaps(udev);
}

void upci_reset_done(struct pci_dev *pdev)
{
	struct upci_device *udev = pci_get_drvdata(pdev);

	if (!udev)
		return;
	upci_irq_reset_done(udev);
	up_write(&udev->memory_lock);
}

/**
 * upci_device_reset - reset the function
 * @udev: the device
 *
 * The caller holds open_lock or cfg_lock, which keeps remove() from tearing
 * the device down under us, and checked that the device is not dead.
 * Return: 0, -EOPNOTSUPP without a reset method, -EAGAIN if the device is
 * locked by someone else.
 */
int upci_device_reset(struct upci_device *udev)
{
	int ret;

	if (!udev->reset_works)
		return -EOPNOTSUPP;
	ret = pci_try_reset_function(udev->pdev);
	if (ret == -ENOTTY)
		ret = -EOPNOTSUPP;
	return ret;
}

/* ---- open and release ---- */

static int upci_open(struct inode *inode, struct file *file)
{
	struct upci_device *udev = container_of(inode->i_cdev,
						struct upci_device, cdev);
	int ret = 0;

	/*
	 * Read and write, always: a read-only opener of a node its owner made
	 * readable to others would still take the one open slot, reset the
	 * device and program its interrupts.
	 */
	if ((file->f_mode & (FMODE_READ | FMODE_WRITE)) !=
	    (FMODE_READ | FMODE_WRITE))
		return -EACCES;

	mutex_lock(&udev->open_lock);
	if (udev->dead)
		ret = -ENODEV;
	else if (udev->open_count)
		ret = -EBUSY;
	else
		ret = upci_enable(udev);
	if (!ret)
		udev->open_count++;
	mutex_unlock(&udev->open_lock);
	if (ret)
		return ret;

	file->private_data = udev;
	/* All files of the device share one address_space: see the top */
	file->f_mapping = udev->inode->i_mapping;
	return 0;
}

static int upci_release(struct inode *inode, struct file *file)
{
	struct upci_device *udev = file->private_data;

	mutex_lock(&udev->open_lock);
	/* After remove(), the hardware is already shut down and not ours */
	if (!udev->dead)
		upci_device_shutdown(udev, false);
	udev->open_count--;
	mutex_unlock(&udev->open_lock);
	return 0;
}

/* ---- regions ---- */

static void upci_region_get(struct upci_device *udev, unsigned int index,
			    struct upci_region_info *info)
{
	struct pci_dev *pdev = udev->pdev;
	unsigned long rflags;

	info->out_offset = (u64)index << UPCI_REGION_OFFSET_SHIFT;
	info->out_flags = 0;
	info->out_size = 0;
	info->out_exclude_offset = 0;
	info->out_exclude_size = 0;

	if (index == UPCI_REGION_CONFIG) {
		info->out_size = pdev->cfg_size;
		info->out_flags = UPCI_REGION_FLAG_READ | UPCI_REGION_FLAG_WRITE;
		return;
	}
	if (index == UPCI_REGION_ROM) {
		info->out_size = pci_resource_len(pdev, PCI_ROM_RESOURCE);
		if (info->out_size)
			info->out_flags = UPCI_REGION_FLAG_READ;
		return;
	}

	/* A BAR: only those we claimed at open are accessible */
	if (!(udev->bars_requested & BIT(index)))
		return;
	rflags = pci_resource_flags(pdev, index);
	info->out_size = pci_resource_len(pdev, index);
	info->out_flags = UPCI_REGION_FLAG_READ | UPCI_REGION_FLAG_WRITE;
	if (rflags & IORESOURCE_IO) {
		info->out_flags |= UPCI_REGION_FLAG_IO;
		return;
	}
	if (rflags & IORESOURCE_MEM_64)
		info->out_flags |= UPCI_REGION_FLAG_MEM64;
	if (rflags & IORESOURCE_PREFETCH)
		info->out_flags |= UPCI_REGION_FLAG_PREFETCH;
	/* A BAR smaller than a page would share its page with another device */
	if (info->out_size >= PAGE_SIZE &&
	    PAGE_ALIGNED(pci_resource_start(pdev, index)))
		info->out_flags |= UPCI_REGION_FLAG_MMAP;
	if (udev->msix_bar == index) {
		info->out_flags |= UPCI_REGION_FLAG_MMAP_EXCLUDE;
		info->out_exclude_offset = udev->msix_start;
		info->out_exclude_size = udev->msix_end - udev->msix_start;
	}
}

static bool upci_excluded(struct upci_device *udev, unsigned int index,
			  u64 off, u64 len)
{
	return udev->msix_bar == index && off < udev->msix_end &&
	       off + len > udev->msix_start;
}

/* The width of the next access at @pos with @left bytes to go */
static unsigned int upci_width(u64 pos, size_t left, unsigned int max)
{
	unsigned int w = max;

	while (w > 1 && (w > left || pos & (w - 1)))
		w >>= 1;
	return w;
}

static int upci_bar_access(struct upci_device *udev, unsigned int index,
			   u64 off, u8 *buf, size_t len, bool write)
{
	void __iomem *base = udev->barmap[index];
	bool io = pci_resource_flags(udev->pdev, index) & IORESOURCE_IO;
	unsigned int w;
	int ret = 0;

	down_read(&udev->memory_lock);
	if (udev->dead) {
		ret = -ENODEV;
		goto out;
	}
	if (!io && !udev->mem_enabled) {
		ret = -EIO;
		goto out;
	}
	while (len) {
		void __iomem *addr = base + off;

		w = upci_width(off, len, io ? 4 : 8);
		switch (w) {
		case 8:
			if (write)
				writeq(get_unaligned_le64(buf), addr);
			else
				put_unaligned_le64(readq(addr), buf);
			break;
		case 4:
			if (write)
				iowrite32(get_unaligned_le32(buf), addr);
			else
				put_unaligned_le32(ioread32(addr), buf);
			break;
		case 2:
			if (write)
				iowrite16(get_unaligned_le16(buf), addr);
			else
				put_unaligned_le16(ioread16(addr), buf);
			break;
		default:
			if (write)
				iowrite8(*buf, addr);
			else
				*buf = ioread8(addr);
			break;
		}
		off += w;
		buf += w;
		len -= w;
	}
out:
	up_read(&udev->memory_lock);
	return ret;
}

/*
 * The ROM decodes only with COMMAND.MEM and its own enable bit set: turn them
 * on for the copy, with memory_lock held for writing so that nothing else
 * sees or changes decode meanwhile.
 */
static int upci_rom_read(struct upci_device *udev, u64 off, u8 *buf,
			 size_t len)
{
	struct pci_dev *pdev = udev->pdev;
	void __iomem *rom;
	size_t size;
	u16 cmd;
	int ret = 0;

	down_write(&udev->memory_lock);
	if (udev->dead) {
		ret = -ENODEV;
		goto out;
	}
	/* pci_map_rom() logs every failure: one message, not one per read */
	if (udev->rom_invalid) {
		ret = -EIO;
		goto out;
	}
	pci_read_config_word(pdev, PCI_COMMAND, &cmd);
	/* Read-modify-write with the INTx handler locked out (irq.c) */
	if (!(cmd & PCI_COMMAND_MEMORY))
		upci_command_update(udev, PCI_COMMAND_MEMORY,
				    PCI_COMMAND_MEMORY);
	rom = pci_map_rom(pdev, &size);
	if (!rom) {
		udev->rom_invalid = true;
		ret = -EIO;
	} else {
		/* Past the image the kernel found, the ROM reads as ones */
		size_t n = off < size ? min_t(size_t, len, size - off) : 0;

		memcpy_fromio(buf, rom + off, n);
		memset(buf + n, 0xff, len - n);
		pci_unmap_rom(pdev, rom);
	}
	if (!(cmd & PCI_COMMAND_MEMORY))
		upci_command_update(udev, PCI_COMMAND_MEMORY, 0);
out:
	up_write(&udev->memory_lock);
	return ret;
}

static ssize_t upci_rw(struct file *file, char __user *ubuf, size_t count,
		       loff_t *ppos, bool write)
{
	struct upci_device *udev = file->private_data;
	struct upci_region_info info;
	unsigned int index;
	u64 pos = *ppos, off;
	size_t done = 0;
	u64 kbuf[UPCI_RW_CHUNK / sizeof(u64)];
	int ret = 0;

	if (READ_ONCE(udev->dead))
		return -ENODEV;
	if (*ppos < 0)
		return -EINVAL;
	index = pos >> UPCI_REGION_OFFSET_SHIFT;
	off = pos & (BIT_ULL(UPCI_REGION_OFFSET_SHIFT) - 1);
	if (index >= UPCI_NUM_REGIONS)
		return -EINVAL;
	index = array_index_nospec(index, UPCI_NUM_REGIONS);

	upci_region_get(udev, index, &info);
	if (!(info.out_flags &
	      (write ? UPCI_REGION_FLAG_WRITE : UPCI_REGION_FLAG_READ)))
		return -EINVAL;
	if (!count)
		return 0;
	if (off >= info.out_size || count > info.out_size - off)
		return -EINVAL;
	if (count <= 8 && (!is_power_of_2(count) || off & (count - 1)))
		return -EINVAL;
	if (index < PCI_STD_NUM_BARS && upci_excluded(udev, index, off, count))
		return -EINVAL;

	while (done < count) {
		size_t n = min_t(size_t, count - done, UPCI_RW_CHUNK);

		if (write && copy_from_user(kbuf, ubuf + done, n)) {
			ret = -EFAULT;
			break;
		}
		if (index == UPCI_REGION_CONFIG)
			ret = upci_cfg_rw(udev, (u8 *)kbuf, n, off + done,
					  write);
		else if (index == UPCI_REGION_ROM)
			ret = upci_rom_read(udev, off + done, (u8 *)kbuf, n);
		else
			ret = upci_bar_access(udev, index, off + done,
					      (u8 *)kbuf, n, write);
		if (ret)
			break;
		if (!write && copy_to_user(ubuf + done, kbuf, n)) {
			ret = -EFAULT;
			break;
		}
		done += n;
		if (fatal_signal_pending(current))
			break;
		cond_resched();
	}
	if (!done)
		return ret;
	*ppos += done;
	return done;
}

static ssize_t upci_read(struct file *file, char __user *buf, size_t count,
			 loff_t *ppos)
{
	return upci_rw(file, buf, count, ppos, false);
}

static ssize_t upci_write(struct file *file, const char __user *buf,
			  size_t count, loff_t *ppos)
{
	return upci_rw(file, (char __user *)buf, count, ppos, true);
}

/* ---- mmap ---- */

static vm_fault_t upci_mmap_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct upci_device *udev = vma->vm_private_data;
	unsigned int index = vma->vm_pgoff >>
		(UPCI_REGION_OFFSET_SHIFT - PAGE_SHIFT);
	unsigned long pgoff = (vma->vm_pgoff &
			       (BIT(UPCI_REGION_OFFSET_SHIFT - PAGE_SHIFT) - 1)) +
			      ((vmf->address - vma->vm_start) >> PAGE_SHIFT);
	vm_fault_t ret = VM_FAULT_SIGBUS;

	down_read(&udev->memory_lock);
	if (!udev->dead && udev->mem_enabled)
		ret = vmf_insert_pfn(vma, vmf->address,
				     (pci_resource_start(udev->pdev, index) >>
				      PAGE_SHIFT) + pgoff);
	up_read(&udev->memory_lock);
	return ret;
}

static const struct vm_operations_struct upci_vm_ops = {
	.fault = upci_mmap_fault,
};

static int upci_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct upci_device *udev = file->private_data;
	struct upci_region_info info;
	unsigned long index;
	u64 off, len;
	int ret = 0;

	index = vma->vm_pgoff >> (UPCI_REGION_OFFSET_SHIFT - PAGE_SHIFT);
	off = (u64)(vma->vm_pgoff &
		    (BIT(UPCI_REGION_OFFSET_SHIFT - PAGE_SHIFT) - 1)) << PAGE_SHIFT;
	len = vma->vm_end - vma->vm_start;

	if (index >= PCI_STD_NUM_BARS)
		return -EINVAL;
	index = array_index_nospec(index, PCI_STD_NUM_BARS);
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;

	down_read(&udev->memory_lock);
	if (udev->dead) {
		ret = -ENODEV;
		goto out;
	}
	upci_region_get(udev, index, &info);
	if (!(info.out_flags & UPCI_REGION_FLAG_MMAP) ||
	    off >= info.out_size || len > PAGE_ALIGN(info.out_size) - off ||
	    upci_excluded(udev, index, off, len)) {
		ret = -EINVAL;
		goto out;
	}

	vma->vm_private_data = udev;
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	vma->vm_page_prot = pgprot_decrypted(vma->vm_page_prot);
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &upci_vm_ops;
out:
	up_read(&udev->memory_lock);
	return ret;
}

/* ---- ioctls ---- */

static int upci_ioctl_info(struct upci_device *udev, void *arg)
{
	struct upci_info *cmd = arg;

	cmd->out_api_version = UPCI_API_VERSION;
	cmd->out_caps = UPCI_CAP_REGION_RW | UPCI_CAP_MMAP | UPCI_CAP_RESET |
			UPCI_CAP_CONFIG_VIRT | UPCI_CAP_IRQ;
	return 0;
}

static int upci_ioctl_device_info(struct upci_device *udev, void *arg)
{
	struct upci_device_info *cmd = arg;
	struct pci_dev *pdev = udev->pdev;
	struct iommu_group *group;
	u16 flags;

	cmd->out_flags = 0;
	if (udev->dma_owned)
		cmd->out_flags |= UPCI_DEVICE_FLAG_IOMMU;
	if (udev->isolated_msi)
		cmd->out_flags |= UPCI_DEVICE_FLAG_ISOLATED_MSI;
	if (udev->no_iommu)
		cmd->out_flags |= UPCI_DEVICE_FLAG_NO_IOMMU;
	if (udev->reset_works)
		cmd->out_flags |= UPCI_DEVICE_FLAG_RESET;
	if (pci_is_pcie(pdev))
		cmd->out_flags |= UPCI_DEVICE_FLAG_PCIE;
	if (pdev->is_virtfn)
		cmd->out_flags |= UPCI_DEVICE_FLAG_VF;

	cmd->out_num_regions = UPCI_NUM_REGIONS;
	cmd->out_vendor = pdev->vendor;
	cmd->out_device = pdev->device;
	cmd->out_subsystem_vendor = pdev->subsystem_vendor;
	cmd->out_subsystem_device = pdev->subsystem_device;
	cmd->out_class = pdev->class;

	cmd->out_irq_types = 0;
	cmd->out_num_msi = 0;
	cmd->out_num_msix = 0;
	if (pdev->pin)
		cmd->out_irq_types |= UPCI_IRQ_TYPE_INTX;
	if (pdev->msi_cap) {
		cmd->out_irq_types |= UPCI_IRQ_TYPE_MSI;
		pci_read_config_word(pdev, pdev->msi_cap + PCI_MSI_FLAGS,
				     &flags);
		cmd->out_num_msi = 1 << FIELD_GET(PCI_MSI_FLAGS_QMASK, flags);
	}
	if (pdev->msix_cap) {
		cmd->out_irq_types |= UPCI_IRQ_TYPE_MSIX;
		cmd->out_num_msix = pci_msix_vec_count(pdev);
	}

	group = iommu_group_get(&pdev->dev);
	cmd->out_iommu_group = group ? iommu_group_id(group) : U32_MAX;
	iommu_group_put(group);

	cmd->out_domain = pci_domain_nr(pdev->bus);
	cmd->out_bus = pdev->bus->number;
	cmd->out_devfn = pdev->devfn;
	cmd->__reserved = 0;
	return 0;
}

static int upci_ioctl_region_info(struct upci_device *udev, void *arg)
{
	struct upci_region_info *cmd = arg;

	if (cmd->index >= UPCI_NUM_REGIONS)
		return -EINVAL;
	upci_region_get(udev, array_index_nospec(cmd->index, UPCI_NUM_REGIONS),
			cmd);
	return 0;
}

static int upci_ioctl_reset(struct upci_device *udev, void *arg)
{
	int ret;

	mutex_lock(&udev->open_lock);
	ret = udev->dead ? -ENODEV : upci_device_reset(udev);
	mutex_unlock(&udev->open_lock);
	return ret;
}

static int upci_ioctl_attach(struct upci_device *udev, void *arg)
{
	struct upci_device_attach *cmd = arg;
	struct upci_ioas *ioas;
	int ret;

	if (cmd->__reserved)
		return -EINVAL;
	ioas = upci_ioas_get_from_fd(cmd->ioas_fd);
	if (IS_ERR(ioas))
		return PTR_ERR(ioas);
	mutex_lock(&udev->open_lock);
	if (udev->dead)
		ret = -ENODEV;
	else if (udev->ioas)
		ret = -EBUSY;
	else
		ret = upci_ioas_attach(ioas, udev->pdev, udev->no_iommu);
	if (!ret)
		udev->ioas = ioas;	/* upci_ioas_attach() took a reference */
	mutex_unlock(&udev->open_lock);
	upci_ioas_put(ioas);
	return ret;
}

static int upci_ioctl_detach(struct upci_device *udev, void *arg)
{
	int ret = 0;

	mutex_lock(&udev->open_lock);
	if (udev->dead)
		ret = -ENODEV;
	else if (!udev->ioas)
		ret = -ENOENT;
	else
		upci_ioas_detach(udev->ioas, udev->pdev);
	udev->ioas = NULL;
	mutex_unlock(&udev->open_lock);
	return ret;
}

union upci_ioctl_buffer {
	struct upci_info info;
	struct upci_device_info device_info;
	struct upci_region_info region_info;
	struct upci_device_reset reset;
	struct upci_device_attach attach;
	struct upci_device_detach detach;
	struct upci_irq_info irq_info;
	struct upci_irq_set irq_set;
	struct upci_irq_unmask irq_unmask;
};

/**
 * struct upci_ioctl_op - one ioctl
 * @size: size of the struct this kernel knows
 * @min_size: size of its first version
 * @flags: the input flags it accepts
 * @locked: run under memory_lock (read), after checking for a dead device
 * @out: the struct has out_* fields, copied back on success (an ioctl with
 *	 none never fails with EFAULT after doing its work)
 * @execute: the handler, on a kernel copy of the argument
 */
struct upci_ioctl_op {
	unsigned int size;
	unsigned int min_size;
	u32 flags;
	bool locked;
	bool out;
	int (*execute)(struct upci_device *udev, void *arg);
};

#define UPCI_IOCTL_OP(_nr, _fn, _struct, _last, _locked, _out)	\
	[_nr] = {							\
		.size = sizeof(_struct),				\
		.min_size = offsetofend(_struct, _last),		\
		.flags = 0,						\
		.locked = _locked,					\
		.out = _out,						\
		.execute = _fn,						\
	}

static const struct upci_ioctl_op upci_ioctl_ops[] = {
	UPCI_IOCTL_OP(UPCI_CMD_INFO, upci_ioctl_info, struct upci_info,
		      out_caps, true, true),
	UPCI_IOCTL_OP(UPCI_CMD_DEVICE_GET_INFO, upci_ioctl_device_info,
		      struct upci_device_info, __reserved, true, true),
	UPCI_IOCTL_OP(UPCI_CMD_DEVICE_GET_REGION_INFO, upci_ioctl_region_info,
		      struct upci_region_info, out_exclude_size, true, true),
	UPCI_IOCTL_OP(UPCI_CMD_DEVICE_RESET, upci_ioctl_reset,
		      struct upci_device_reset, flags, false, false),
	UPCI_IOCTL_OP(UPCI_CMD_DEVICE_ATTACH, upci_ioctl_attach,
		      struct upci_device_attach, __reserved, false, false),
	UPCI_IOCTL_OP(UPCI_CMD_DEVICE_DETACH, upci_ioctl_detach,
		      struct upci_device_detach, flags, false, false),
	/* irq.c; they take irq_lock, which comes before memory_lock */
	UPCI_IOCTL_OP(UPCI_CMD_DEVICE_GET_IRQ_INFO, upci_ioctl_irq_info,
		      struct upci_irq_info, out_connected, false, true),
	UPCI_IOCTL_OP(UPCI_CMD_DEVICE_SET_IRQS, upci_ioctl_set_irqs,
		      struct upci_irq_set, eventfds, false, false),
	UPCI_IOCTL_OP(UPCI_CMD_DEVICE_IRQ_UNMASK, upci_ioctl_irq_unmask,
		      struct upci_irq_unmask, index, false, false),
};

/*
 * The common frame of every ioctl: read the size, copy the struct in (E2BIG
 * for a non-zero tail we do not know), check the flags, run the handler with
 * no user memory in reach, copy the result out if there is one.
 */
static long upci_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct upci_device *udev = file->private_data;
	void __user *uarg = (void __user *)arg;
	const struct upci_ioctl_op *op;
	union upci_ioctl_buffer buf;
	unsigned int nr = _IOC_NR(cmd);
	u32 usize;
	int ret;

	if (nr >= ARRAY_SIZE(upci_ioctl_ops) || cmd != _IO(UPCI_TYPE, nr))
		return -ENOTTY;
	op = &upci_ioctl_ops[array_index_nospec(nr, ARRAY_SIZE(upci_ioctl_ops))];
	if (!op->execute)
		return -ENOTTY;
	if (READ_ONCE(udev->dead))
		return -ENODEV;

	ret = upci_ioctl_copy_in(&buf, op->size, op->min_size, op->flags, uarg,
				 &usize);
	if (ret)
		return ret;

	if (op->locked) {
		down_read(&udev->memory_lock);
		ret = udev->dead ? -ENODEV : op->execute(udev, &buf);
		up_read(&udev->memory_lock);
	} else {
		ret = READ_ONCE(udev->dead) ? -ENODEV : op->execute(udev, &buf);
	}
	if (ret || !op->out)
		return ret;
	return upci_ioctl_copy_out(uarg, &buf, op->size, usize);
}

const struct file_operations upci_fops = {
	.owner = THIS_MODULE,
	.open = upci_open,
	.release = upci_release,
	.read = upci_read,
	.write = upci_write,
	.llseek = default_llseek,
	.mmap = upci_mmap,
	.unlocked_ioctl = upci_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};
