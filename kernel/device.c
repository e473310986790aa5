// SPDX-License-Identifier: GPL-2.0-only
/*
 * upci: the file operations of /dev/upci/<BDF>.
 */
#include <linux/fs.h>
#include <linux/module.h>

#include "upci_private.h"

static int upci_open(struct inode *inode, struct file *file)
{
	struct upci_device *udev = container_of(inode->i_cdev,
						struct upci_device, cdev);
	int ret = 0;

	mutex_lock(&udev->open_lock);
	if (udev->dead)
		ret = -ENODEV;
	else if (udev->open_count)
		ret = -EBUSY;
	else
		udev->open_count++;
	mutex_unlock(&udev->open_lock);
	if (ret)
		return ret;
	file->private_data = udev;
	file->f_mapping = udev->inode->i_mapping;
	return 0;
}

static int upci_release(struct inode *inode, struct file *file)
{
	struct upci_device *udev = file->private_data;

	mutex_lock(&udev->open_lock);
	udev->open_count--;
	mutex_unlock(&udev->open_lock);
	return 0;
}

const struct file_operations upci_fops = {
	.owner = THIS_MODULE,
	.open = upci_open,
	.release = upci_release,
};

void upci_device_revoke_mmaps(struct upci_device *udev)
{
	unmap_mapping_range(udev->inode->i_mapping, 0, 0, true);
}

void upci_device_shutdown(struct upci_device *udev, bool locked)
{
}

void upci_reset_prepare(struct pci_dev *pdev)
{
}

void upci_reset_done(struct pci_dev *pdev)
{
}
