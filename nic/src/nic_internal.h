/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nic_internal.h - between the generic NIC part (nic.c) and the device
 * parts (drivers/<nic>/).
 *
 * A device part allocates its own state with struct upci_nic as its first
 * member, fills in the ops below and registers its open function in the
 * table in nic.c.  The generic part owns everything that is not specific
 * to one NIC: argument checks, software counters, the poll-then-block
 * wait over the interrupt eventfds (one epoll set), the defaults.
 * Calls run one way: nic.c calls the ops; a device part calls back only
 * upci_nic__init() and upci_nic__watch_irq(), which touch nothing but the
 * generic fields.
 */
#ifndef UPCI_NIC_INTERNAL_H
#define UPCI_NIC_INTERNAL_H

#include <stdbool.h>

#include "upci-nic.h"

struct upci_nic_ops {
	const char *name;
	/* Receive queues 0..irq_queues-1 raise the interrupt; upci_nic_wait()
	 * sleeps at most 1 ms at a time when more queues are in use. */
	unsigned int irq_queues;
	void (*close)(struct upci_nic *nic);
	/* Fill link_up/speed_mbps (and anything read from the device now). */
	int (*link)(struct upci_nic *nic, struct upci_nic_info *info);
	/* Add the device's own counters (hw_*) to @stats. */
	void (*hw_stats)(struct upci_nic *nic, struct upci_nic_stats *stats);
	int (*set_multicast)(struct upci_nic *nic, const uint8_t (*addrs)[6],
			     unsigned int n);
	int (*tx_alloc)(struct upci_nic *nic, unsigned int queue,
			struct upci_nic_frame *frames, unsigned int n);
	int (*tx_burst)(struct upci_nic *nic, unsigned int queue,
			const struct upci_nic_frame *frames, unsigned int n);
	int (*rx_burst)(struct upci_nic *nic, unsigned int queue,
			struct upci_nic_frame *frames, unsigned int n);
	int (*rx_release)(struct upci_nic *nic, unsigned int queue,
			  unsigned int n);
	/* true if a received frame waits on any queue (no side effects) */
	bool (*rx_pending)(struct upci_nic *nic);
	/* Clear a stale cause and enable the receive interrupt. */
	int (*irq_arm)(struct upci_nic *nic);
	/* Disable it again (it fired, or the caller stopped waiting). */
	void (*irq_disarm)(struct upci_nic *nic);
};

/**
 * struct upci_nic - the generic part of every NIC
 * @ops: the device part
 * @cfg: the configuration with defaults filled in
 * @info: identity (driver, bdf, mac, mtu, queues, ring_size); link fields
 *	are refreshed by upci_nic_info()
 * @stats: software counters, kept by nic.c
 * @epfd: an epoll set over the interrupt eventfds, -1 without interrupts
 * @revoke_fd: the DMA space's revocation eventfd in that set, or -1
 * @tx_lent: per queue, buffers lent by the last tx_alloc (checked in nic.c)
 * @rx_held: per queue, frames taken and not yet released
 */
struct upci_nic {
	const struct upci_nic_ops *ops;
	struct upci_nic_config cfg;
	struct upci_nic_info info;
	struct upci_nic_stats stats;
	int epfd;
	int revoke_fd;
	unsigned int tx_lent[UPCI_NIC_MAX_QUEUES];
	unsigned int rx_held[UPCI_NIC_MAX_QUEUES];
};

/* A device part's open function, as listed in nic.c. */
struct upci_nic_driver {
	const char *name;
	uint16_t vendor;
	uint16_t device;
	int (*open)(const char *bdf, const struct upci_nic_config *cfg,
		    struct upci_nic **nic);
};

/* Fill the generic fields; cfg must already have its defaults. */
int upci_nic__init(struct upci_nic *nic, const struct upci_nic_ops *ops,
		   const char *bdf, const struct upci_nic_config *cfg);
/* Free the generic fields (the epoll set). */
void upci_nic__fini(struct upci_nic *nic);
/* Wake upci_nic_wait() when @fd (an interrupt eventfd) becomes readable. */
int upci_nic__watch_irq(struct upci_nic *nic, int fd);
/* Fail upci_nic_wait() with -EFAULT when @fd says DMA memory was revoked. */
int upci_nic__watch_revoke(struct upci_nic *nic, int fd);
/* Fill in the defaults of @in into @out and check it: 0 or -EINVAL. */
int upci_nic__config(const struct upci_nic_config *in,
		     struct upci_nic_config *out, unsigned int max_queues);

int upci_igbvf_open(const char *bdf, const struct upci_nic_config *cfg,
		    struct upci_nic **nic);

#endif /* UPCI_NIC_INTERNAL_H */
