// SPDX-License-Identifier: GPL-2.0
/*
 * Description: libupci's error paths, against a fake sysfs and /dev: every
 * failure returns a negative errno, logs one line that says what to do,
 * frees everything (LeakSanitizer checks) and never prints or exits on its
 * own.
 */
#include <errno.h>

#include "fake_sysfs.h"
#include "unit.h"

static char last_msg[512];
static int messages;

static void capture(void *arg, int level, const char *msg)
{
	(void)arg;
	(void)level;
	snprintf(last_msg, sizeof(last_msg), "%s", msg);
	messages++;
}

static void devices(void)
{
	struct upci_dev *dev = (struct upci_dev *)1;
	struct upci_dma *dma;
	char path[512];
	int fd;

	fake_func("0000:00:03.0", 0x1234, 0x11e8, 0x00ff00, "upci", 3);
	fake_func("0000:00:04.0", 0x8086, 0x10d3, 0x020000, "e1000e", 4);
	fake_func("0000:00:05.0", 0x8086, 0x10d3, 0x020000, "", 5);
	fake_func("0000:00:06.0", 0x1234, 0x11e8, 0x00ff00, "vfio-pci", 6);

	T_EQ(upci_dev_open("nonsense", NULL, 0, &dev), -EINVAL, "bad address: EINVAL");
	T(dev == NULL, "the out-parameter is cleared on failure");
	T(strstr(last_msg, "not a PCI address") != NULL, "log: %s", last_msg);
	T_EQ(upci_dev_open("0000:00:09.0", NULL, 0, &dev), -ENODEV,
	     "no such function: ENODEV");
	T_EQ(upci_dev_open("0000:00:03.0", NULL, 1, &dev), -EOPNOTSUPP,
	     "unknown flag: EOPNOTSUPP");
	T_EQ(upci_dev_open("0000:00:04.0", NULL, 0, &dev), -ENODEV,
	     "bound to e1000e: ENODEV");
	T(strstr(last_msg, "e1000e") && strstr(last_msg, "upci bind 0000:00:04.0"),
	  "log names the driver and the command: %s", last_msg);
	T_EQ(upci_dev_open("00:05.0", NULL, 0, &dev), -ENODEV, "no driver: ENODEV");
	T(strstr(last_msg, "no driver") != NULL, "log: %s", last_msg);

	/* Bound to upci, but upci.ko is not there: no /dev/upci/iommu */
	T_EQ(upci_dev_open("00:03.0", NULL, 0, &dev), -ENOENT,
	     "no /dev/upci/iommu: ENOENT");
	T(strstr(last_msg, "upci.ko loaded") != NULL, "log: %s", last_msg);
	/* The space exists (a plain file), the node does not */
	snprintf(path, sizeof(path), "%s/upci", fake_dev);
	fake_mkdirs(path);
	fake_write("dev/upci/iommu", "");
	T_EQ(upci_dev_open("00:03.0", NULL, 0, &dev), -ENODEV, "no node: ENODEV");
	/* A node we may not open */
	fake_write("dev/upci/0000:00:03.0", "");
	snprintf(path, sizeof(path), "%s/upci/0000:00:03.0", fake_dev);
	chmod(path, 0);
	if (geteuid()) {
		T_EQ(upci_dev_open("00:03.0", NULL, 0, &dev), -EACCES,
		     "no permission: EACCES");
		T(strstr(last_msg, "upci bind 0000:00:03.0 --owner") != NULL,
		  "log gives the command that grants it: %s", last_msg);
	}
	chmod(path, 0600);
	/* A node that is not a upci device: the first ioctl fails */
	T_EQ(upci_dev_open("00:03.0", NULL, 0, &dev), -ENOTTY,
	     "not a upci node: the ioctl's errno");
	/* VFIO without /dev/vfio/vfio */
	T_EQ(upci_dev_open("00:06.0", NULL, 0, &dev), -ENOENT,
	     "vfio-pci but no /dev/vfio/vfio: ENOENT");

	/* A shared space binds to one backend; the other gets EXDEV */
	T_EQ(upci_dma_open(&dma), 0, "a shared space");
	T_EQ(upci__dma_bind(dma, UPCI_BACKEND_UPCI), 0, "bound to upci");
	T_EQ(upci_dev_open("00:06.0", dma, 0, &dev), -EXDEV,
	     "a VFIO device into a upci space: EXDEV");
	fd = 0;
	T_EQ(upci_dma_map(dma, path, 4096, 0, (uint64_t *)&fd), -EINVAL,
	     "map of a misaligned address: EINVAL");
	{
		static char page[4096] __attribute__((aligned(4096)));
		uint64_t iova;
		unsigned int n;
		int efd;

		T_EQ(upci_dma_map(dma, page, 4096, 0, &iova), -ENODEV,
		     "map before any device: ENODEV");
		T_EQ(upci_dma_map(dma, page, 0, 0, &iova), -EINVAL, "map of 0 bytes: EINVAL");
		T_EQ(upci_dma_map(dma, page, 4096, 1 << 9, &iova), -EINVAL,
		     "map with an unknown flag: EINVAL");
		T_EQ(upci_dma_event_fd(dma, &efd), -ENODEV, "event fd before any device: ENODEV");
		T_EQ(upci_dma_revoked(dma, NULL, 1, &n), -EINVAL, "revoked into NULL: EINVAL");
		T_EQ(upci_dma_unmap(dma, 0, 0), -EINVAL, "unmap of 0 bytes: EINVAL");
	}
	{
		struct upci_dma_buf buf;

		T_EQ(upci_dma_alloc(dma, 0, 0, &buf), -EINVAL, "alloc of 0 bytes: EINVAL");
		T_EQ(upci_dma_alloc(dma, 4096, 0, &buf), -ENODEV,
		     "alloc before any device: ENODEV, memory released");
		T_EQ(upci_dma_free(dma, &buf), -EINVAL, "free of nothing: EINVAL");
	}
	upci_dma_close(dma);
	upci_dma_close(NULL);
	upci_dev_close(NULL);
	T_EQ(upci_irq_enable(NULL, UPCI_MSI, 1), -EINVAL, "irq on NULL: EINVAL");
}

int main(void)
{
	fake_setup();
	upci_set_log(capture, NULL, UPCI_LOG_DEBUG);
	devices();
	T(messages > 0, "messages go to the callback only (%d)", messages);
	fake_teardown();
	return unit_done();
}
