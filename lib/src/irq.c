// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libupci: interrupts.  Every vector signals an eventfd of the library's;
 * the backend tells the kernel which (VFIO_DEVICE_SET_IRQS or upci's
 * interrupt ioctls).  Waiting is poll() plus read() on that eventfd.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "internal.h"

/* Closes the eventfds; the kernel must have been told first */
static void close_fds(struct upci_dev *dev)
{
	unsigned int i;

	for (i = 0; i < dev->irq_count; i++)
		close(dev->irq_fds[i]);
	free(dev->irq_fds);
	dev->irq_fds = NULL;
	dev->irq_count = 0;
	dev->irq_type = 0;
}

void upci__irq_release(struct upci_dev *dev)
{
	if (!dev->irq_fds)
		return;
	if (dev->fd >= 0)
		dev->ops->irq_set(dev, dev->irq_type, 0, NULL);
	close_fds(dev);
}

int upci_irq_enable(struct upci_dev *dev, unsigned int type, unsigned int count)
{
	unsigned int i, max;
	int *fds, ret;

	if (!dev)
		return -EINVAL;
	if (type != UPCI_INTX && type != UPCI_MSI && type != UPCI_MSIX)
		return -EINVAL;
	if (!(dev->info.irq_types & type)) {
		upci__err("%s: the function has no %s", dev->bdf,
			  type == UPCI_INTX ? "INTx pin" :
			  type == UPCI_MSI ? "MSI capability" : "MSI-X capability");
		return -EOPNOTSUPP;
	}
	max = type == UPCI_INTX ? 1 : type == UPCI_MSI ? dev->info.num_msi :
	      dev->info.num_msix;
	if (!count || count > max || count > UPCI_MAX_VECTORS)
		return -EINVAL;
	upci__irq_release(dev);
	fds = calloc(count, sizeof(*fds));
	if (!fds)
		return -ENOMEM;
	for (i = 0; i < count; i++) {
		fds[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (fds[i] < 0) {
			ret = -errno;
			goto out_close;
		}
	}
	ret = dev->ops->irq_set(dev, type, count, fds);
	if (ret) {
		upci__err("%s: enabling %u interrupt vector(s): %s", dev->bdf,
			  count, strerror(-ret));
		goto out_close;
	}
	dev->irq_fds = fds;
	dev->irq_count = count;
	dev->irq_type = type;
	return 0;

out_close:
	while (i--)
		close(fds[i]);
	free(fds);
	return ret;
}

int upci_irq_disable(struct upci_dev *dev)
{
	int ret = 0;

	if (!dev)
		return -EINVAL;
	if (!dev->irq_fds)
		return 0;
	ret = dev->ops->irq_set(dev, dev->irq_type, 0, NULL);
	close_fds(dev);
	return ret;
}

int upci_irq_fd(struct upci_dev *dev, unsigned int vector, int *fd)
{
	if (!dev || !fd || vector >= dev->irq_count)
		return -EINVAL;
	*fd = dev->irq_fds[vector];
	return 0;
}

int upci_irq_wait(struct upci_dev *dev, unsigned int vector, int timeout_ms,
		  uint64_t *count)
{
	struct pollfd pfd;
	uint64_t n;
	int ret;

	if (!dev || vector >= dev->irq_count)
		return -EINVAL;
	pfd.fd = dev->irq_fds[vector];
	pfd.events = POLLIN;
	for (;;) {
		if (read(pfd.fd, &n, sizeof(n)) == sizeof(n))
			break;
		if (errno != EAGAIN)
			return -errno;
		ret = poll(&pfd, 1, timeout_ms);
		if (ret < 0)
			return -errno;
		if (!ret)
			return -ETIMEDOUT;
	}
	if (count)
		*count = n;
	return 0;
}

int upci_irq_unmask(struct upci_dev *dev)
{
	if (!dev || dev->irq_type != UPCI_INTX)
		return -EINVAL;
	return dev->ops->irq_unmask(dev);
}
