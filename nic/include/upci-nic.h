/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * upci-nic.h - the NIC interface: one Ethernet function driven from user
 * space through libupci, as a few burst calls.
 *
 * Design: ixy's split.  This header and nic/src/nic.c are the generic part
 * (open by PCI address, the poll-then-block wait, the frame-buffer model);
 * each NIC has a device part under drivers/ (today drivers/igbvf/, the
 * 82576 virtual function) that fills in struct upci_nic_ops
 * (nic/src/nic_internal.h).  Nothing above this header touches a register
 * or a descriptor; nothing below it knows about messages.
 *
 * Buffers belong to the NIC and live in its DMA memory: one buffer per
 * descriptor, each large enough for a whole frame of the configured MTU,
 * so a frame is never split across descriptors.
 *  - Transmit: upci_nic_tx_alloc() lends the buffers of the next free
 *    descriptors; the caller writes frames into them and hands the first
 *    n of them to upci_nic_tx_burst(), in the order lent.  Buffers lent but
 *    not sent are simply lent again by the next upci_nic_tx_alloc().
 *  - Receive: upci_nic_rx_burst() returns the frames that arrived, in
 *    place (zero copy); they stay valid until upci_nic_rx_release() gives
 *    their buffers back to the ring, oldest first.
 *  - Waiting: upci_nic_wait() spins on the receive rings for a while, then
 *    arms the device's interrupt and sleeps on it.  upci_nic_fd() is a
 *    descriptor to poll(2) from an event loop after upci_nic_arm().
 *
 * Threads: one queue is used by one thread at a time; different queues
 * may run in different threads.  upci_nic_wait(), upci_nic_arm() and the
 * fd cover every queue and belong to one thread.
 *
 * Every function returns 0 (or a count) on success and -errno on failure,
 * never exits, and logs through libupci's log callback (upci_set_log()).
 */
#ifndef UPCI_NIC_H
#define UPCI_NIC_H

#include <stddef.h>
#include <stdint.h>

#include <upci.h>

#ifdef __cplusplus
extern "C" {
#endif

#define UPCI_NIC_ETH_ALEN	6
#define UPCI_NIC_ETH_HLEN	14	/* destination, source, EtherType */
#define UPCI_NIC_MIN_FRAME	60	/* without FCS; shorter frames are padded */
#define UPCI_NIC_MAX_QUEUES	8
#define UPCI_NIC_MAX_MTU	9000

/* upci_nic_config.flags */
#define UPCI_NIC_NO_IRQ		(1u << 0)	/* never block: upci_nic_wait() only spins */
#define UPCI_NIC_NO_SPIN	(1u << 1)	/* upci_nic_wait() blocks at once */

/**
 * struct upci_nic_config - how to bring a NIC up (zeroes take defaults)
 * @queues: queue pairs (default 1; the 82576 VF has 2)
 * @ring_size: descriptors per ring (default 256; a power of two, 8..4096)
 * @mtu: largest Ethernet payload (default 1500, at most 9000): every
 *	buffer holds UPCI_NIC_ETH_HLEN + mtu bytes
 * @flags: UPCI_NIC_* flags
 * @spin_us: how long upci_nic_wait() spins before it blocks (default
 *	200; UPCI_NIC_NO_SPIN blocks at once)
 * @mac: a MAC address to ask the PF for, or all zero for the one it gives
 * @dma: a DMA space to share (for instance with a second NIC), or NULL for
 *	a private one
 */
struct upci_nic_config {
	unsigned int queues;
	unsigned int ring_size;
	unsigned int mtu;
	unsigned int flags;
	unsigned int spin_us;
	uint8_t mac[UPCI_NIC_ETH_ALEN];
	struct upci_dma *dma;
};

/**
 * struct upci_nic_info - what a NIC is
 * @driver: the device part's name ("igbvf")
 * @bdf: the PCI address
 * @mac: its MAC address (what the PF assigned, or what it accepted)
 * @mtu: the configured MTU
 * @queues: queue pairs in use
 * @ring_size: descriptors per ring
 * @link_up: 1 if the link is up
 * @speed_mbps: link speed, 0 if unknown
 */
struct upci_nic_info {
	char driver[16];
	char bdf[UPCI_BDF_LEN];
	uint8_t mac[UPCI_NIC_ETH_ALEN];
	unsigned int mtu;
	unsigned int queues;
	unsigned int ring_size;
	int link_up;
	unsigned int speed_mbps;
};

/**
 * struct upci_nic_stats - counters since upci_nic_open()
 * @tx_frames, @tx_bytes: frames and bytes handed to the device
 * @rx_frames, @rx_bytes: frames and bytes received
 * @rx_errors: frames the device marked bad (dropped by the driver)
 * @tx_ring_full: upci_nic_tx_alloc() calls that found no free descriptor
 * @irq_waits: times upci_nic_wait() slept on the interrupt
 * @hw_tx_frames, @hw_rx_frames: the device's own counters, where it has
 *	them (0 otherwise)
 */
struct upci_nic_stats {
	uint64_t tx_frames;
	uint64_t tx_bytes;
	uint64_t rx_frames;
	uint64_t rx_bytes;
	uint64_t rx_errors;
	uint64_t tx_ring_full;
	uint64_t irq_waits;
	uint64_t hw_tx_frames;
	uint64_t hw_rx_frames;
};

/**
 * struct upci_nic_frame - one frame in a NIC buffer
 * @data: the frame, from the destination MAC on
 * @len: its length in bytes (receive: as the device wrote it, so short
 *	frames are padded to UPCI_NIC_MIN_FRAME; transmit: set by the caller)
 */
struct upci_nic_frame {
	void *data;
	uint32_t len;
};

struct upci_nic;

/**
 * upci_nic_open() - open a NIC function and bring it up
 * @bdf: its PCI address; it must be bound to upci (or vfio-pci) and open to
 *	the caller
 * @cfg: the configuration, or NULL for defaults
 * @nic: the NIC, on success
 *
 * Return: 0; -ENODEV if no device part drives this function; -ETIMEDOUT if
 * the device (or the PF behind it) did not answer; -ENETDOWN if the PF
 * refused to bring it up; -EINVAL for a bad configuration; libupci's errors.
 */
int upci_nic_open(const char *bdf, const struct upci_nic_config *cfg,
		  struct upci_nic **nic);

/** upci_nic_close() - stop the NIC and free everything.  NULL is a no-op. */
void upci_nic_close(struct upci_nic *nic);

/** upci_nic_info() - what the NIC is and its link state, read now. */
int upci_nic_info(struct upci_nic *nic, struct upci_nic_info *info);

/** upci_nic_stats() - its counters. */
int upci_nic_stats(struct upci_nic *nic, struct upci_nic_stats *stats);

/**
 * upci_nic_set_multicast() - receive these multicast groups (replaces the
 * list; 0 addresses clears it)
 *
 * Return: 0; -E2BIG above the device's limit (30 for the 82576 VF); -EPERM
 * if the PF refused; -ETIMEDOUT if it did not answer.
 */
int upci_nic_set_multicast(struct upci_nic *nic, const uint8_t (*addrs)[6],
			   unsigned int n);

/**
 * upci_nic_tx_alloc() - lend the buffers of the next free transmit slots
 * @nic: the NIC
 * @queue: the queue pair
 * @frames: filled with up to @n buffers (@data set, @len set to the
 *	buffer's capacity)
 * @n: how many are wanted
 *
 * Return: how many were lent (0 if the ring is full), or -errno.
 */
int upci_nic_tx_alloc(struct upci_nic *nic, unsigned int queue,
		      struct upci_nic_frame *frames, unsigned int n);

/**
 * upci_nic_tx_burst() - send the first @n buffers lent by the last
 * upci_nic_tx_alloc(), each @len bytes long, in order
 *
 * Return: @n, or -EINVAL if more than were lent or a length is out of range
 * (nothing is sent then), -ENETDOWN if the NIC was reset under the caller.
 */
int upci_nic_tx_burst(struct upci_nic *nic, unsigned int queue,
		      const struct upci_nic_frame *frames, unsigned int n);

/**
 * upci_nic_rx_burst() - take up to @n received frames, in place
 *
 * Return: how many were taken (0 if none), or -errno.  They stay valid until
 * upci_nic_rx_release().
 */
int upci_nic_rx_burst(struct upci_nic *nic, unsigned int queue,
		      struct upci_nic_frame *frames, unsigned int n);

/**
 * upci_nic_rx_release() - give the oldest @n taken frames' buffers back
 *
 * Return: 0, or -EINVAL if fewer than @n are held.
 */
int upci_nic_rx_release(struct upci_nic *nic, unsigned int queue,
			unsigned int n);

/**
 * upci_nic_wait() - wait until a frame is waiting on any queue
 * @timeout_ms: how long at most; -1 forever, 0 only looks
 *
 * Spins for cfg->spin_us, then arms the interrupt and sleeps on it.
 * Return: 1 if a frame is waiting, 0 on time-out, or -errno (-ENODEV when
 * the device was taken away, -EFAULT when the kernel revoked the DMA
 * mapping of the NIC's memory).
 */
int upci_nic_wait(struct upci_nic *nic, int timeout_ms);

/**
 * upci_nic_arm() - make upci_nic_fd() readable when a frame arrives
 *
 * Return: 1 if a frame is already waiting (do not sleep), 0 if armed, or
 * -errno (-EOPNOTSUPP with UPCI_NIC_NO_IRQ).
 */
int upci_nic_arm(struct upci_nic *nic);

/**
 * upci_nic_fd() - a descriptor that poll(2) reports readable after
 * upci_nic_arm() when a frame arrives; upci_nic_wait() and
 * upci_nic_arm() consume its events.  -EOPNOTSUPP with UPCI_NIC_NO_IRQ.
 */
int upci_nic_fd(struct upci_nic *nic);

#ifdef __cplusplus
}
#endif

#endif /* UPCI_NIC_H */
