// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * nic.c - the generic part of the NIC interface (upci-nic.h).
 *
 * It picks the device part by the function's vendor and device IDs, fills
 * in configuration defaults, checks every argument once so that device
 * parts need not, keeps the software counters, and implements the one
 * poll-then-block wait: spin on the device part's rx_pending() for
 * cfg.spin_us, then arm the interrupt, look once more (a frame that landed
 * between the last look and the arming raised no interrupt), and sleep in
 * epoll_wait() on the interrupt eventfds.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "nic_internal.h"

static const struct upci_nic_driver nic_drivers[] = {
	{ "igbvf", 0x8086, 0x10ca, upci_igbvf_open },	/* 82576 VF */
	{ "igbvf", 0x8086, 0x1520, upci_igbvf_open },	/* I350 VF */
};

int upci_nic__config(const struct upci_nic_config *in,
		     struct upci_nic_config *out, unsigned int max_queues)
{
	static const struct upci_nic_config defaults = {
		.queues = 1, .ring_size = 256, .mtu = 1500, .spin_us = 200,
	};

	*out = in ? *in : defaults;
	if (!out->queues)
		out->queues = defaults.queues;
	if (!out->ring_size)
		out->ring_size = defaults.ring_size;
	if (!out->mtu)
		out->mtu = defaults.mtu;
	if (!out->spin_us)
		out->spin_us = defaults.spin_us;
	if (out->flags & UPCI_NIC_NO_SPIN)
		out->spin_us = 0;
	if (out->queues > max_queues || out->queues > UPCI_NIC_MAX_QUEUES ||
	    out->ring_size < 8 || out->ring_size > 4096 ||
	    (out->ring_size & (out->ring_size - 1)) ||
	    out->mtu < 68 || out->mtu > UPCI_NIC_MAX_MTU ||
	    (out->flags & ~(UPCI_NIC_NO_IRQ | UPCI_NIC_NO_SPIN)))
		return -EINVAL;
	return 0;
}

int upci_nic__init(struct upci_nic *nic, const struct upci_nic_ops *ops,
		   const char *bdf, const struct upci_nic_config *cfg)
{
	nic->ops = ops;
	nic->cfg = *cfg;
	memset(&nic->info, 0, sizeof(nic->info));
	strncpy(nic->info.driver, ops->name, sizeof(nic->info.driver) - 1);
	strncpy(nic->info.bdf, bdf, sizeof(nic->info.bdf) - 1);
	nic->info.mtu = cfg->mtu;
	nic->info.queues = cfg->queues;
	nic->info.ring_size = cfg->ring_size;
	memset(&nic->stats, 0, sizeof(nic->stats));
	memset(nic->tx_lent, 0, sizeof(nic->tx_lent));
	memset(nic->rx_held, 0, sizeof(nic->rx_held));
	nic->epfd = -1;
	nic->revoke_fd = -1;
	if (cfg->flags & UPCI_NIC_NO_IRQ)
		return 0;
	nic->epfd = epoll_create1(EPOLL_CLOEXEC);
	return nic->epfd < 0 ? -errno : 0;
}

void upci_nic__fini(struct upci_nic *nic)
{
	if (nic->epfd >= 0)
		close(nic->epfd);
	nic->epfd = -1;
}

int upci_nic__watch_irq(struct upci_nic *nic, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	if (nic->epfd < 0)
		return -EOPNOTSUPP;
	if (epoll_ctl(nic->epfd, EPOLL_CTL_ADD, fd, &ev))
		return -errno;
	return 0;
}

int upci_nic__watch_revoke(struct upci_nic *nic, int fd)
{
	int ret = upci_nic__watch_irq(nic, fd);

	if (!ret)
		nic->revoke_fd = fd;
	return ret;
}

int upci_nic_open(const char *bdf, const struct upci_nic_config *cfg,
		  struct upci_nic **nic)
{
	struct upci_pci_func func;
	size_t i;
	int ret;

	if (!bdf || !nic)
		return -EINVAL;
	*nic = NULL;
	ret = upci_pci_lookup(bdf, &func);
	if (ret)
		return ret;
	for (i = 0; i < sizeof(nic_drivers) / sizeof(nic_drivers[0]); i++) {
		if (nic_drivers[i].vendor == func.vendor &&
		    nic_drivers[i].device == func.device)
			return nic_drivers[i].open(func.bdf, cfg, nic);
	}
	return -ENODEV;
}

void upci_nic_close(struct upci_nic *nic)
{
	if (nic)
		nic->ops->close(nic);
}

int upci_nic_info(struct upci_nic *nic, struct upci_nic_info *info)
{
	int ret;

	if (!nic || !info)
		return -EINVAL;
	ret = nic->ops->link(nic, &nic->info);
	if (ret)
		return ret;
	*info = nic->info;
	return 0;
}

int upci_nic_stats(struct upci_nic *nic, struct upci_nic_stats *stats)
{
	if (!nic || !stats)
		return -EINVAL;
	*stats = nic->stats;
	nic->ops->hw_stats(nic, stats);
	return 0;
}

int upci_nic_set_multicast(struct upci_nic *nic, const uint8_t (*addrs)[6],
			   unsigned int n)
{
	if (!nic || (n && !addrs))
		return -EINVAL;
	return nic->ops->set_multicast(nic, addrs, n);
}

int upci_nic_tx_alloc(struct upci_nic *nic, unsigned int queue,
		      struct upci_nic_frame *frames, unsigned int n)
{
	int ret;

	if (!nic || queue >= nic->cfg.queues || (n && !frames))
		return -EINVAL;
	ret = nic->ops->tx_alloc(nic, queue, frames, n);
	nic->tx_lent[queue] = ret > 0 ? (unsigned int)ret : 0;
	if (ret == 0 && n)
		nic->stats.tx_ring_full++;
	return ret;
}

int upci_nic_tx_burst(struct upci_nic *nic, unsigned int queue,
		      const struct upci_nic_frame *frames, unsigned int n)
{
	uint32_t cap = UPCI_NIC_ETH_HLEN + (nic ? nic->cfg.mtu : 0);
	uint64_t bytes = 0;
	unsigned int i;
	int ret;

	if (!nic || queue >= nic->cfg.queues || n > nic->tx_lent[queue] ||
	    (n && !frames))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (frames[i].len < UPCI_NIC_ETH_HLEN || frames[i].len > cap)
			return -EINVAL;
		bytes += frames[i].len;
	}
	if (!n)
		return 0;
	ret = nic->ops->tx_burst(nic, queue, frames, n);
	if (ret < 0)
		return ret;
	nic->tx_lent[queue] = 0;
	nic->stats.tx_frames += n;
	nic->stats.tx_bytes += bytes;
	return ret;
}

int upci_nic_rx_burst(struct upci_nic *nic, unsigned int queue,
		      struct upci_nic_frame *frames, unsigned int n)
{
	int ret, i;

	if (!nic || queue >= nic->cfg.queues || (n && !frames))
		return -EINVAL;
	ret = nic->ops->rx_burst(nic, queue, frames, n);
	if (ret <= 0)
		return ret;
	nic->rx_held[queue] += ret;
	nic->stats.rx_frames += ret;
	for (i = 0; i < ret; i++)
		nic->stats.rx_bytes += frames[i].len;
	return ret;
}

int upci_nic_rx_release(struct upci_nic *nic, unsigned int queue,
			unsigned int n)
{
	int ret;

	if (!nic || queue >= nic->cfg.queues || n > nic->rx_held[queue])
		return -EINVAL;
	if (!n)
		return 0;
	ret = nic->ops->rx_release(nic, queue, n);
	if (ret)
		return ret;
	nic->rx_held[queue] -= n;
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* Read every eventfd that fired, so that the next sleep really sleeps. */
static int drain_irqs(struct upci_nic *nic, int timeout_ms)
{
	struct epoll_event ev[4];
	uint64_t count;
	int n, i;

	n = epoll_wait(nic->epfd, ev, 4, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (i = 0; i < n; i++) {
		if (ev[i].events & (EPOLLERR | EPOLLHUP))
			return -ENODEV;
		if (ev[i].data.fd == nic->revoke_fd) {
			upci_log(UPCI_LOG_ERR, "%s: the kernel revoked DMA mappings of the NIC's memory (was it unmapped, or forked?): reopen the NIC",
				 nic->info.bdf);
			return -EFAULT;
		}
		if (read(ev[i].data.fd, &count, sizeof(count)) < 0 &&
		    errno != EAGAIN)
			return -errno;
	}
	if (n)
		nic->ops->irq_disarm(nic);
	return n;
}

int upci_nic_arm(struct upci_nic *nic)
{
	int ret;

	if (!nic)
		return -EINVAL;
	if (nic->epfd < 0)
		return -EOPNOTSUPP;
	ret = drain_irqs(nic, 0);
	if (ret < 0)
		return ret;
	if (nic->ops->rx_pending(nic))
		return 1;
	ret = nic->ops->irq_arm(nic);
	if (ret)
		return ret;
	return nic->ops->rx_pending(nic) ? 1 : 0;
}

int upci_nic_fd(struct upci_nic *nic)
{
	if (!nic)
		return -EINVAL;
	return nic->epfd < 0 ? -EOPNOTSUPP : nic->epfd;
}

int upci_nic_wait(struct upci_nic *nic, int timeout_ms)
{
	uint64_t start = now_ns(), spin_end, deadline = UINT64_MAX;
	int ret;

	if (!nic)
		return -EINVAL;
	if (timeout_ms >= 0)
		deadline = start + (uint64_t)timeout_ms * 1000000ull;
	spin_end = start + (uint64_t)nic->cfg.spin_us * 1000ull;
	if (nic->epfd < 0)
		spin_end = deadline;
	for (;;) {
		if (nic->ops->rx_pending(nic))
			return 1;
		if (now_ns() >= spin_end || now_ns() >= deadline)
			break;
	}
	if (nic->epfd < 0 || timeout_ms == 0)
		return 0;
	for (;;) {
		uint64_t now = now_ns();
		int ms;

		ret = upci_nic_arm(nic);
		if (ret)
			return ret;
		if (now >= deadline)
			return 0;
		ms = deadline == UINT64_MAX ? -1 :
		     (int)((deadline - now + 999999) / 1000000);
		if (nic->cfg.queues > nic->ops->irq_queues && (ms < 0 || ms > 1))
			ms = 1;		/* some queue has no interrupt: look often */
		nic->stats.irq_waits++;
		ret = drain_irqs(nic, ms);
		if (ret < 0)
			return ret;
		if (nic->ops->rx_pending(nic)) {
			nic->ops->irq_disarm(nic);
			return 1;
		}
	}
}
