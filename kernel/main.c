// SPDX-License-Identifier: GPL-2.0-only
/*
 * upci: drive a PCIe function from user space, safely.
 *
 * The driver has no ID table: it never takes a device by itself.  Root hands
 * a function to it, and then to a user:
 *
 *   echo upci > /sys/bus/pci/devices/0000:00:03.0/driver_override
 *   echo 0000:00:03.0 > /sys/bus/pci/devices/0000:00:03.0/driver/unbind
 *   echo 0000:00:03.0 > /sys/bus/pci/drivers_probe
 *   chown user /dev/upci/0000:00:03.0
 *
 * This file holds the module, the PCI driver and the class device of
 * /dev/upci/<BDF>; device.c holds its file operations and config.c the
 * virtual config space.  See upci_private.h for the object model and the
 * lock order.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs_context.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/pseudo_fs.h>
#include <linux/slab.h>

#include <linux/uaccess.h>

#include "upci_private.h"

static dev_t upci_devt;
static DEFINE_IDA(upci_minors);

static struct vfsmount *upci_mnt;
static int upci_mnt_count;

static char *upci_devnode(const struct device *dev, umode_t *mode)
{
	if (mode)
		*mode = 0600;
	return kasprintf(GFP_KERNEL, UPCI_NAME "/%s", dev_name(dev));
}

const struct class upci_class = {
	.name = UPCI_NAME,
	.devnode = upci_devnode,
};

/*
 * Every device gets an inode of this private file system, and every open file
 * of the device uses that inode's address_space: one place from which
 * unmap_mapping_range() revokes all of the device's BAR mappings, whatever
 * device node or process they came through.
 */
static int upci_fs_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, UPCI_FS_MAGIC) ? 0 : -ENOMEM;
}

/*
 * No .owner: the module keeps the file system mounted from init to exit, and
 * a module reference held by that mount would make rmmod impossible.
 */
static struct file_system_type upci_fs_type = {
	.name = UPCI_NAME,
	.init_fs_context = upci_fs_init_fs_context,
	.kill_sb = kill_anon_super,
};

struct inode *upci_alloc_inode(void)
{
	return alloc_anon_inode(upci_mnt->mnt_sb);
}

static void upci_device_release(struct device *dev)
{
	struct upci_device *udev = to_upci_device(dev);

	upci_cfg_free(udev);
	if (udev->inode)
		iput(udev->inode);
	ida_free(&upci_minors, MINOR(dev->devt));
	pci_dev_put(udev->pdev);
	mutex_destroy(&udev->irq_lock);
	mutex_destroy(&udev->cfg_lock);
	mutex_destroy(&udev->open_lock);
	kfree(udev);
}

static int upci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct upci_device *udev;
	int minor, ret;

	/* Bridges route other devices' traffic: never hand one to a user */
	if (pdev->hdr_type != PCI_HEADER_TYPE_NORMAL) {
		pci_info(pdev, "not a type 0 function, not binding\n");
		return -EINVAL;
	}

	udev = kzalloc(sizeof(*udev), GFP_KERNEL);
	if (!udev)
		return -ENOMEM;

	minor = ida_alloc_max(&upci_minors, UPCI_MAX_DEVICES - 1, GFP_KERNEL);
	if (minor < 0) {
		kfree(udev);
		return minor;
	}

	udev->pdev = pci_dev_get(pdev);
	mutex_init(&udev->open_lock);
	mutex_init(&udev->cfg_lock);
	init_rwsem(&udev->memory_lock);
	upci_irq_probe(udev);
	udev->reset_works = pdev->reset_methods[0] != 0;
	udev->msix_bar = -1;

	/* From here on, put_device() frees everything through the release */
	device_initialize(&udev->dev);
	udev->dev.class = &upci_class;
	udev->dev.parent = &pdev->dev;
	udev->dev.devt = MKDEV(MAJOR(upci_devt), minor);
	udev->dev.release = upci_device_release;
	ret = dev_set_name(&udev->dev, "%s", pci_name(pdev));
	if (ret)
		goto out_put;

	udev->inode = upci_alloc_inode();
	if (IS_ERR(udev->inode)) {
		ret = PTR_ERR(udev->inode);
		udev->inode = NULL;
		goto out_put;
	}

	cdev_init(&udev->cdev, &upci_fops);
	udev->cdev.owner = THIS_MODULE;
	pci_set_drvdata(pdev, udev);

	ret = cdev_device_add(&udev->cdev, &udev->dev);
	if (ret)
		goto out_clear;

	return 0;

out_clear:
	pci_set_drvdata(pdev, NULL);
out_put:
	put_device(&udev->dev);
	return ret;
}

/*
 * Never waits for user space: an open file keeps only the struct upci_device
 * alive, and every call on it fails with -ENODEV from now on.
 */
static void upci_remove(struct pci_dev *pdev)
{
	struct upci_device *udev = pci_get_drvdata(pdev);

	/* No new opens; an open in progress finishes first (open_lock) */
	cdev_device_del(&udev->cdev, &udev->dev);

	mutex_lock(&udev->open_lock);
	down_write(&udev->memory_lock);
	udev->dead = true;
	up_write(&udev->memory_lock);
	upci_device_revoke_mmaps(udev);
	/* Config accesses in flight finish; later ones see dead */
	mutex_lock(&udev->cfg_lock);
	if (udev->open_count)
		upci_device_shutdown(udev, true);
	mutex_unlock(&udev->cfg_lock);
	mutex_unlock(&udev->open_lock);

	pci_set_drvdata(pdev, NULL);
	/* Balances device_initialize() in probe */
	put_device(&udev->dev);
}

static const struct pci_error_handlers upci_err_handlers = {
	.reset_prepare = upci_reset_prepare,
	.reset_done = upci_reset_done,
};

static struct pci_driver upci_driver = {
	.name = UPCI_NAME,
	.id_table = NULL,		/* binds only through driver_override */
	.probe = upci_probe,
	.remove = upci_remove,
	.err_handler = &upci_err_handlers,
	.driver_managed_dma = true,	/* we claim DMA ownership at open */
};

/**
 * upci_ioctl_copy_in() - the first half of every ioctl's frame
 * @buf: kernel buffer for the struct, at least @size bytes
 * @size: size of the struct this kernel knows
 * @min_size: size of the struct's first version
 * @flags: the input flags the ioctl accepts
 * @uarg: the user's argument
 * @usize: out: the size the user gave, for upci_ioctl_copy_out()
 *
 * Reads the leading size, copies the struct in (an older, smaller struct is
 * zero-extended; a newer, larger one must have a zero tail) and checks the
 * flags, so that handlers see a complete kernel copy and no user memory.
 * Return: 0, -EFAULT, -EINVAL (smaller than the first version), -E2BIG
 * (unknown non-zero tail, or larger than a page), -EOPNOTSUPP (unknown flag).
 */
int upci_ioctl_copy_in(void *buf, u32 size, u32 min_size, u32 flags,
		       void __user *uarg, u32 *usize)
{
	int ret;

	if (get_user(*usize, (u32 __user *)uarg))
		return -EFAULT;
	if (*usize < min_size)
		return -EINVAL;
	/* No struct is near a page: do not scan gigabytes for a zero tail */
	if (*usize > PAGE_SIZE)
		return -E2BIG;
	ret = copy_struct_from_user(buf, size, uarg, *usize);
	if (ret)
		return ret;
	if (((u32 *)buf)[1] & ~flags)
		return -EOPNOTSUPP;
	return 0;
}

/**
 * upci_ioctl_copy_out() - the second half: results back to the user
 * @uarg: the user's argument
 * @buf: the kernel copy
 * @size: size of the struct this kernel knows
 * @usize: the size the user gave
 *
 * Return: 0 or -EFAULT.
 */
int upci_ioctl_copy_out(void __user *uarg, const void *buf, u32 size, u32 usize)
{
	return copy_to_user(uarg, buf, min(size, usize)) ? -EFAULT : 0;
}

static int __init upci_init(void)
{
	int ret;

	ret = alloc_chrdev_region(&upci_devt, 0, UPCI_MAX_DEVICES, UPCI_NAME);
	if (ret)
		return ret;

	ret = class_register(&upci_class);
	if (ret)
		goto out_chrdev;

	ret = simple_pin_fs(&upci_fs_type, &upci_mnt, &upci_mnt_count);
	if (ret)
		goto out_class;

	ret = upci_ioas_init();
	if (ret)
		goto out_fs;

	ret = pci_register_driver(&upci_driver);
	if (ret)
		goto out_ioas;

	return 0;

out_ioas:
	upci_ioas_exit();
out_fs:
	simple_release_fs(&upci_mnt, &upci_mnt_count);
out_class:
	class_unregister(&upci_class);
out_chrdev:
	unregister_chrdev_region(upci_devt, UPCI_MAX_DEVICES);
	return ret;
}

static void __exit upci_exit(void)
{
	/* Unbinds every device; remove() does not wait for user space */
	pci_unregister_driver(&upci_driver);
	upci_ioas_exit();
	simple_release_fs(&upci_mnt, &upci_mnt_count);
	class_unregister(&upci_class);
	unregister_chrdev_region(upci_devt, UPCI_MAX_DEVICES);
	ida_destroy(&upci_minors);
}

module_init(upci_init);
module_exit(upci_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Safe user-level drivers for PCI functions");
