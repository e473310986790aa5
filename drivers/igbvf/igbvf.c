// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * igbvf.c - the device part of the NIC interface for the Intel 82576
 * virtual function (8086:10ca; the I350's VF 8086:1520 shares the layout),
 * on libupci, over upci.ko or VFIO alike.
 *
 * Bring-up (igbvf_open): reset the function (VTCTRL.RST), then talk to the
 * PF's kernel driver through the mailbox: VF_RESET gives the permanent MAC
 * and lets the PF turn on our queues in its switch (VFTE/VFRE); SET_MAC_ADDR
 * when the PF has no MAC for us or the caller asks for one; SET_LPE for the
 * frame size.  Then one or two queue pairs of advanced descriptors with one
 * buffer per slot, big enough for a whole frame, all in one
 * upci_dma_alloc() area; and MSI-X vector 1 for receive.
 *
 * Data path: transmit writes descriptors for lent buffers and moves TDT
 * once per burst; a frame takes one data descriptor per 4 KiB page its
 * buffer touches (see below), RS on its last, and its slot is free again
 * when the device has written that descriptor's DD bit back.  Receive
 * polls the DD bit of the next descriptor and hands the frame out in
 * place; released buffers go back to the ring and RDT follows.  One
 * descriptor of each receive ring stays with the driver (RDT == RDH means
 * empty), so N descriptors hold N - 1 frames.
 *
 * What QEMU's model (hw/net/igb*.c) does that real hardware would not, and
 * how this driver copes (../shared/research/drivers.md §1 has the sources):
 *  - RSTD is set only when the PF comes up, not after a VF reset: poll for
 *    it briefly and go on without it;
 *  - only 32-bit register accesses exist;
 *  - legacy descriptors are not implemented: advanced ones only;
 *  - IVAR entries written through VTIVAR are OR-ed into the PF's and never
 *    cleared: use exactly Linux igbvf's layout (TX0 on vector 0, RX0 on 1,
 *    mailbox "other" 2, which QEMU delivers on vector 1), so that a VF that
 *    the kernel driver used before ends up with the same entries;
 *  - an interrupt cause left set in EICR never fires again: clear it
 *    (VTEICR) before every arming;
 *  - VTEICR and VTEIMS reads mean nothing: never read them;
 *  - the internal switch drops frames when the receiving ring is full; the
 *    messaging library above copes with that;
 *  - a transmit buffer is mapped in one piece (pci_dma_map()), which through
 *    the IOMMU ends where the next IOVA page is not the next guest page, and
 *    a frame whose buffer was not mapped whole is dropped without a word
 *    (its descriptor still completes): frames above 2 KiB, in buffers that
 *    cross 4 KiB pages of scattered small-page memory, vanished.  So one
 *    descriptor never spans a page: a frame takes one data descriptor per
 *    page it touches, and the transmit ring has igbvf_tx_segs(buf_size)
 *    descriptors per buffer.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "nic_internal.h"
#include "igbvf_regs.h"

#define IGBVF_QUEUES		2
#define IGBVF_RX_VECTOR		1	/* Linux igbvf's layout, see above */
#define IGBVF_VECTORS		3
#define IGBVF_MBX_TIMEOUT_MS	2000	/* the PF answers from a threaded IRQ */
#define IGBVF_RESET_POLL_US	1000
#define IGBVF_TX_PAGE		4096	/* no transmit descriptor crosses one */

/*
 * Data descriptors a frame in a buffer of @size bytes may need at most (one
 * per page it touches, wherever the buffer starts), as a power of two.
 */
static unsigned int igbvf_tx_segs(uint32_t size)
{
	unsigned int need = (size - 1) / IGBVF_TX_PAGE + 2, segs = 1;

	while (segs < need)
		segs <<= 1;
	return segs;
}

struct igbvf_queue {
	struct igbvf_tx_desc *tx;	/* tx_mask + 1 descriptors */
	union igbvf_rx_desc *rx;	/* ring_size descriptors */
	uint8_t *tx_buf;		/* ring_size buffers of buf_size */
	uint8_t *rx_buf;
	uint64_t tx_iova, rx_iova;	/* the descriptor rings */
	uint64_t tx_buf_iova;
	uint64_t rx_buf_iova;
	uint32_t *tx_last;		/* per slot: its frame's last descriptor */
	unsigned int tx_tail;		/* next slot to fill */
	unsigned int tx_clean;		/* oldest slot not known sent */
	unsigned int tx_desc;		/* next transmit descriptor to write */
	unsigned int rx_next;		/* next descriptor to look at */
	unsigned int rx_fill;		/* oldest descriptor handed out */
};

struct igbvf {
	struct upci_nic nic;		/* first: the generic part */
	struct upci_dev *dev;
	void *bar;
	struct upci_dma_buf mem;
	uint32_t buf_size;
	uint32_t mask;			/* ring_size - 1: buffers, RX descriptors */
	uint32_t tx_mask;		/* TX descriptors - 1 */
	uint32_t mbx_r2c;		/* read-to-clear mailbox bits seen */
	uint32_t hw_base_rx, hw_base_tx;
	bool irq;
	struct igbvf_queue q[IGBVF_QUEUES];
};

static inline struct igbvf *to_igbvf(struct upci_nic *nic)
{
	return (struct igbvf *)nic;
}

static inline uint32_t rd32(struct igbvf *vf, size_t reg)
{
	return upci_mmio_read32(vf->bar, reg);
}

static inline void wr32(struct igbvf *vf, size_t reg, uint32_t val)
{
	upci_mmio_write32(vf->bar, reg, val);
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + ts.tv_nsec / 1000;
}

static void sleep_us(unsigned int us)
{
	struct timespec ts = { .tv_sec = us / 1000000,
			       .tv_nsec = (us % 1000000) * 1000l };

	nanosleep(&ts, NULL);
}

/* ---------------------------------------------------------------- mailbox */

/* VMAILBOX with the read-to-clear bits of earlier reads kept. */
static uint32_t mbx_read(struct igbvf *vf)
{
	uint32_t v = rd32(vf, VMAILBOX);

	vf->mbx_r2c |= v & MBX_R2C;
	return v | vf->mbx_r2c;
}

/* Waits for a read-to-clear bit and consumes it: 0 or -ETIMEDOUT. */
static int mbx_wait_bit(struct igbvf *vf, uint32_t bit, unsigned int ms)
{
	uint64_t deadline = now_us() + ms * 1000ull;

	for (;;) {
		if (mbx_read(vf) & bit) {
			vf->mbx_r2c &= ~bit;
			return 0;
		}
		if (now_us() > deadline)
			return -ETIMEDOUT;
		sleep_us(50);
	}
}

/* Takes the buffer: the PF lets us only while it does not hold it. */
static int mbx_lock(struct igbvf *vf)
{
	uint64_t deadline = now_us() + IGBVF_MBX_TIMEOUT_MS * 1000ull;

	for (;;) {
		wr32(vf, VMAILBOX, MBX_VFU);
		if (mbx_read(vf) & MBX_VFU)
			return 0;
		if (now_us() > deadline)
			return -ETIMEDOUT;
		sleep_us(50);
	}
}

/*
 * Sends @len words and reads the PF's reply into @reply (@rlen words).
 * Unsolicited PF_CONTROL messages in between are skipped.
 */
static int mbx_call(struct igbvf *vf, const uint32_t *msg, unsigned int len,
		    uint32_t *reply, unsigned int rlen)
{
	unsigned int i;
	int ret, tries;

	ret = mbx_lock(vf);
	if (ret)
		return ret;
	vf->mbx_r2c &= ~(MBX_PFSTS | MBX_PFACK);	/* stale ones */
	for (i = 0; i < len; i++)
		wr32(vf, VMBMEM(i), msg[i]);
	wr32(vf, VMAILBOX, MBX_REQ);
	ret = mbx_wait_bit(vf, MBX_PFACK, IGBVF_MBX_TIMEOUT_MS);
	if (ret)
		return ret;
	for (tries = 0; tries < 4; tries++) {
		ret = mbx_wait_bit(vf, MBX_PFSTS, IGBVF_MBX_TIMEOUT_MS);
		if (ret)
			return ret;
		ret = mbx_lock(vf);
		if (ret)
			return ret;
		for (i = 0; i < rlen; i++)
			reply[i] = rd32(vf, VMBMEM(i));
		wr32(vf, VMAILBOX, MBX_ACK);
		if ((reply[0] & MSG_TYPE_MASK) == (msg[0] & MSG_TYPE_MASK))
			return 0;
	}
	return -EPROTO;
}

/* One request whose reply is one word: 0, -EPERM if NACKed, -errno. */
static int mbx_request(struct igbvf *vf, const uint32_t *msg, unsigned int len,
		       const char *what)
{
	uint32_t reply;
	int ret = mbx_call(vf, msg, len, &reply, 1);

	if (ret) {
		upci_log(UPCI_LOG_ERR, "%s: %s: no answer from the PF (%s)",
			 vf->nic.info.bdf, what, strerror(-ret));
		return ret;
	}
	if (reply & MSG_NACK) {
		upci_log(UPCI_LOG_ERR, "%s: %s: refused by the PF",
			 vf->nic.info.bdf, what);
		return -EPERM;
	}
	return 0;
}

static int set_mac(struct igbvf *vf, const uint8_t *mac)
{
	uint32_t msg[3] = { MSG_SET_MAC_ADDR, 0, 0 };

	memcpy(&msg[1], mac, UPCI_NIC_ETH_ALEN);
	return mbx_request(vf, msg, 3, "set MAC address");
}

static int set_multicast(struct upci_nic *nic, const uint8_t (*addrs)[6],
			 unsigned int n)
{
	struct igbvf *vf = to_igbvf(nic);
	uint32_t msg[1 + MSG_MAX_MULTICAST / 2] = { 0 };
	uint16_t *hash = (uint16_t *)&msg[1];
	unsigned int i;

	if (n > MSG_MAX_MULTICAST)
		return -E2BIG;
	/* 12 bits of the address, as the 82576's 4096-bit table takes them */
	for (i = 0; i < n; i++)
		hash[i] = ((addrs[i][4] >> 4) | (addrs[i][5] << 4)) & 0xfff;
	msg[0] = MSG_SET_MULTICAST | n << MSG_INFO_SHIFT;
	return mbx_request(vf, msg, 1 + (n + 1) / 2, "set multicast list");
}

static bool mac_valid(const uint8_t *mac)
{
	static const uint8_t zero[UPCI_NIC_ETH_ALEN];

	return !(mac[0] & 1) && memcmp(mac, zero, UPCI_NIC_ETH_ALEN);
}

/*
 * A MAC for a VF that the PF has none for, the same at every open (the PF
 * forgets a MAC it did not set itself whenever the VF resets): locally
 * administered, 06 followed by the last four bytes of the PF's MAC and the
 * VF's number; random if sysfs does not say.
 */
static int stable_mac(const char *bdf, uint8_t *mac)
{
	char path[PATH_MAX], link[PATH_MAX];
	unsigned int pf[6], vfn = 0, i;
	struct dirent *e;
	FILE *f = NULL;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/physfn/net", bdf);
	d = opendir(path);
	while (d && (e = readdir(d)) && e->d_name[0] == '.')
		;
	if (d && e) {
		snprintf(path, sizeof(path),
			 "/sys/bus/pci/devices/%s/physfn/net/%s/address", bdf,
			 e->d_name);
		f = fopen(path, "r");
	}
	if (d)
		closedir(d);
	for (i = 0; i < 64; i++) {
		ssize_t n;

		snprintf(path, sizeof(path),
			 "/sys/bus/pci/devices/%s/physfn/virtfn%u", bdf, i);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0)
			break;
		link[n] = 0;
		if (strstr(link, bdf)) {
			vfn = i + 1;
			break;
		}
	}
	if (f && vfn && fscanf(f, "%x:%x:%x:%x:%x:%x", &pf[0], &pf[1], &pf[2],
			       &pf[3], &pf[4], &pf[5]) == 6) {
		fclose(f);
		mac[0] = 0x06;
		for (i = 1; i < 5; i++)
			mac[i] = pf[i + 1];
		mac[5] = vfn;
		return 0;
	}
	if (f)
		fclose(f);
	if (getrandom(mac, UPCI_NIC_ETH_ALEN, 0) != UPCI_NIC_ETH_ALEN)
		return -errno;
	mac[0] = (mac[0] & 0xfe) | 0x02;
	return 0;
}

/*
 * Resets the function and asks the PF for our MAC: afterwards the PF has
 * enabled our queues in its switch.
 */
static int reset_hw(struct igbvf *vf, const uint8_t *want_mac)
{
	uint32_t msg = MSG_VF_RESET, reply[3];
	uint8_t mac[UPCI_NIC_ETH_ALEN];
	int i, ret;

	wr32(vf, VTEIMC, 0x7);
	wr32(vf, VTCTRL, VTCTRL_RST);
	for (i = 0; i < 200 && !(mbx_read(vf) & MBX_RSTD); i++)
		sleep_us(IGBVF_RESET_POLL_US / 200 + 5);
	vf->mbx_r2c = 0;

	ret = mbx_call(vf, &msg, 1, reply, 3);
	if (ret) {
		upci_log(UPCI_LOG_ERR, "%s: the PF did not answer our reset (%s): is its driver loaded and its interface up?",
			 vf->nic.info.bdf, strerror(-ret));
		return -ENETDOWN;
	}
	memcpy(mac, (uint8_t *)&reply[1], UPCI_NIC_ETH_ALEN);
	if (mac_valid(want_mac) && memcmp(want_mac, mac, sizeof(mac))) {
		ret = set_mac(vf, want_mac);
		if (ret)
			return ret;
		memcpy(mac, want_mac, sizeof(mac));
	} else if (!(reply[0] & MSG_ACK) || !mac_valid(mac)) {
		ret = stable_mac(vf->nic.info.bdf, mac);
		if (!ret)
			ret = set_mac(vf, mac);
		if (ret)
			return ret;
	}
	memcpy(vf->nic.info.mac, mac, sizeof(mac));
	return 0;
}

/* ---------------------------------------------------------------- rings */

static uint64_t buf_iova(uint64_t base, struct igbvf *vf, unsigned int i)
{
	return base + (uint64_t)i * vf->buf_size;
}

/* The buffer size for the MTU and the transmit ring's descriptor count. */
static void set_sizes(struct igbvf *vf)
{
	vf->mask = vf->nic.cfg.ring_size - 1;
	/* a whole frame, a VLAN tag and the FCS, in 1 KiB units */
	vf->buf_size = (UPCI_NIC_ETH_HLEN + vf->nic.cfg.mtu + 8 + 1023) & ~1023u;
	vf->tx_mask = vf->nic.cfg.ring_size * igbvf_tx_segs(vf->buf_size) - 1;
}

/*
 * The bytes of DMA memory one queue takes: its buffers first, so that they
 * start on a page (a frame of up to 2 KiB then needs one descriptor), then
 * its rings, up to the next page.
 */
static size_t queue_size(const struct igbvf *vf)
{
	size_t n = vf->nic.cfg.ring_size;
	size_t len = 2 * n * vf->buf_size + (vf->tx_mask + 1) * 16ul + n * 16;

	return (len + IGBVF_TX_PAGE - 1) & ~(size_t)(IGBVF_TX_PAGE - 1);
}

static size_t rings_size(const struct igbvf *vf)
{
	return queue_size(vf) * vf->nic.cfg.queues;
}

/* Lays the rings and buffers of every queue out in vf->mem. */
static int lay_out_rings(struct igbvf *vf)
{
	size_t n = vf->nic.cfg.ring_size, bufs = n * vf->buf_size;
	size_t tx_ring = (vf->tx_mask + 1) * 16ul;
	unsigned int q;

	for (q = 0; q < vf->nic.cfg.queues; q++) {
		struct igbvf_queue *qu = &vf->q[q];
		size_t off = q * queue_size(vf);
		uint8_t *va = (uint8_t *)vf->mem.va + off;
		uint64_t iova = vf->mem.iova + off;

		qu->tx_last = calloc(n, sizeof(*qu->tx_last));
		if (!qu->tx_last)
			return -ENOMEM;
		qu->tx_buf = va;
		qu->rx_buf = va + bufs;
		qu->tx = (struct igbvf_tx_desc *)(va + 2 * bufs);
		qu->rx = (union igbvf_rx_desc *)(va + 2 * bufs + tx_ring);
		qu->tx_buf_iova = iova;
		qu->rx_buf_iova = iova + bufs;
		qu->tx_iova = iova + 2 * bufs;
		qu->rx_iova = iova + 2 * bufs + tx_ring;
	}
	return 0;
}

static void start_queue(struct igbvf *vf, unsigned int q)
{
	struct igbvf_queue *qu = &vf->q[q];
	unsigned int i;

	wr32(vf, TXDCTL(q), 0);
	wr32(vf, TDBAL(q), (uint32_t)qu->tx_iova);
	wr32(vf, TDBAH(q), (uint32_t)(qu->tx_iova >> 32));
	wr32(vf, TDLEN(q), (vf->tx_mask + 1) * 16);
	wr32(vf, TDH(q), 0);
	wr32(vf, TDT(q), 0);
	wr32(vf, TXDCTL(q), XDCTL_ENABLE);
	qu->tx_tail = qu->tx_clean = qu->tx_desc = 0;

	wr32(vf, RXDCTL(q), 0);
	wr32(vf, RDBAL(q), (uint32_t)qu->rx_iova);
	wr32(vf, RDBAH(q), (uint32_t)(qu->rx_iova >> 32));
	wr32(vf, RDLEN(q), vf->nic.cfg.ring_size * 16);
	wr32(vf, SRRCTL(q), (vf->buf_size >> SRRCTL_BSIZEPKT_SHIFT) |
	     SRRCTL_DESCTYPE_ADV_ONEBUF | SRRCTL_DROP_EN);
	for (i = 0; i <= vf->mask; i++) {
		qu->rx[i].read.pkt_addr = buf_iova(qu->rx_buf_iova, vf, i);
		qu->rx[i].read.hdr_addr = 0;
	}
	wr32(vf, RDH(q), 0);
	wr32(vf, RDT(q), 0);
	wr32(vf, RXDCTL(q), XDCTL_ENABLE);
	wr32(vf, RDT(q), vf->mask);
	qu->rx_next = qu->rx_fill = 0;
}

static void stop_queues(struct igbvf *vf)
{
	unsigned int q;

	for (q = 0; q < vf->nic.cfg.queues; q++) {
		wr32(vf, RXDCTL(q), 0);
		wr32(vf, TXDCTL(q), 0);
	}
}

/* ---------------------------------------------------------------- data path */

static unsigned int tx_free(struct igbvf *vf, struct igbvf_queue *qu)
{
	while (qu->tx_clean != qu->tx_tail &&
	       (__atomic_load_n(&qu->tx[qu->tx_last[qu->tx_clean]].olinfo_status,
				__ATOMIC_ACQUIRE) & TXD_STAT_DD))
		qu->tx_clean = (qu->tx_clean + 1) & vf->mask;
	return vf->mask - ((qu->tx_tail - qu->tx_clean) & vf->mask);
}

static int igbvf_tx_alloc(struct upci_nic *nic, unsigned int queue,
			  struct upci_nic_frame *frames, unsigned int n)
{
	struct igbvf *vf = to_igbvf(nic);
	struct igbvf_queue *qu = &vf->q[queue];
	unsigned int i, avail = tx_free(vf, qu);

	if (n > avail)
		n = avail;
	for (i = 0; i < n; i++) {
		unsigned int slot = (qu->tx_tail + i) & vf->mask;

		frames[i].data = qu->tx_buf + (size_t)slot * vf->buf_size;
		frames[i].len = UPCI_NIC_ETH_HLEN + nic->cfg.mtu;
	}
	return n;
}

static int igbvf_tx_burst(struct upci_nic *nic, unsigned int queue,
			  const struct upci_nic_frame *frames, unsigned int n)
{
	struct igbvf *vf = to_igbvf(nic);
	struct igbvf_queue *qu = &vf->q[queue];
	unsigned int i, slot = qu->tx_tail, desc = qu->tx_desc;

	for (i = 0; i < n; i++, slot = (slot + 1) & vf->mask) {
		if (frames[i].data != qu->tx_buf + (size_t)slot * vf->buf_size)
			return -EINVAL;
	}
	/* one data descriptor per page the frame touches, RS on the last */
	for (i = 0, slot = qu->tx_tail; i < n; i++, slot = (slot + 1) & vf->mask) {
		uint64_t iova = buf_iova(qu->tx_buf_iova, vf, slot);
		uint32_t len = frames[i].len, done = 0, piece;

		do {
			struct igbvf_tx_desc *d = &qu->tx[desc];

			piece = IGBVF_TX_PAGE -
				(uint32_t)((iova + done) % IGBVF_TX_PAGE);
			if (piece > len - done)
				piece = len - done;
			d->addr = iova + done;
			done += piece;
			d->cmd_type_len = piece | TXD_DTYP_DATA | TXD_DEXT |
					  TXD_IFCS |
					  (done == len ? TXD_EOP | TXD_RS : 0);
			d->olinfo_status = len << TXD_PAYLEN_SHIFT;
			qu->tx_last[slot] = desc;
			desc = (desc + 1) & vf->tx_mask;
		} while (done < len);
	}
	qu->tx_tail = slot;
	qu->tx_desc = desc;
	wr32(vf, TDT(queue), desc);	/* orders the descriptors before it */
	return n;
}

static uint32_t rx_status(struct igbvf_queue *qu, unsigned int i)
{
	return __atomic_load_n(&qu->rx[i].wb.status_error, __ATOMIC_ACQUIRE);
}

static void rx_refill(struct igbvf *vf, struct igbvf_queue *qu, unsigned int i)
{
	qu->rx[i].read.pkt_addr = buf_iova(qu->rx_buf_iova, vf, i);
	qu->rx[i].read.hdr_addr = 0;	/* also clears the written-back DD */
}

static int igbvf_rx_burst(struct upci_nic *nic, unsigned int queue,
			  struct upci_nic_frame *frames, unsigned int n)
{
	struct igbvf *vf = to_igbvf(nic);
	struct igbvf_queue *qu = &vf->q[queue];
	unsigned int k = 0;

	while (k < n) {
		unsigned int i = qu->rx_next;
		uint32_t st = rx_status(qu, i);

		if (!(st & RXD_STAT_DD))
			break;
		if ((st & RXD_ERR_FRAME) || !(st & RXD_STAT_EOP)) {
			/* Bad frame: recycle it once it is the oldest held */
			if (k || qu->rx_fill != qu->rx_next)
				break;
			nic->stats.rx_errors++;
			rx_refill(vf, qu, i);
			qu->rx_next = qu->rx_fill = (i + 1) & vf->mask;
			wr32(vf, RDT(queue), i);
			continue;
		}
		frames[k].data = qu->rx_buf + (size_t)i * vf->buf_size;
		frames[k].len = qu->rx[i].wb.length;
		qu->rx_next = (i + 1) & vf->mask;
		k++;
	}
	return k;
}

static int igbvf_rx_release(struct upci_nic *nic, unsigned int queue,
			    unsigned int n)
{
	struct igbvf *vf = to_igbvf(nic);
	struct igbvf_queue *qu = &vf->q[queue];
	unsigned int i;

	for (i = 0; i < n; i++) {
		rx_refill(vf, qu, qu->rx_fill);
		qu->rx_fill = (qu->rx_fill + 1) & vf->mask;
	}
	wr32(vf, RDT(queue), (qu->rx_fill - 1) & vf->mask);
	return 0;
}

static bool igbvf_rx_pending(struct upci_nic *nic)
{
	struct igbvf *vf = to_igbvf(nic);
	unsigned int q;

	for (q = 0; q < nic->cfg.queues; q++) {
		if (rx_status(&vf->q[q], vf->q[q].rx_next) & RXD_STAT_DD)
			return true;
	}
	return false;
}

/* ---------------------------------------------------------------- interrupts */

static int setup_irq(struct igbvf *vf)
{
	int fd, ret;

	ret = upci_irq_enable(vf->dev, UPCI_MSIX, IGBVF_VECTORS);
	if (ret)
		return ret;
	ret = upci_irq_fd(vf->dev, IGBVF_RX_VECTOR, &fd);
	if (!ret)
		ret = upci_nic__watch_irq(&vf->nic, fd);
	if (ret)
		return ret;
	/* upci revokes mappings of memory the process gives up; VFIO cannot */
	if (!upci_dma_event_fd(upci_dev_dma(vf->dev), &fd)) {
		ret = upci_nic__watch_revoke(&vf->nic, fd);
		if (ret)
			return ret;
	}
	wr32(vf, VTIVAR, (IVAR_VALID | IGBVF_RX_VECTOR) | (IVAR_VALID | 0) << 8);
	wr32(vf, VTIVAR_MISC, IVAR_VALID | 2);
	wr32(vf, VTEITR(IGBVF_RX_VECTOR), 0);
	wr32(vf, VTEIAC, 0x7);			/* causes clear on delivery */
	vf->irq = true;
	return 0;
}

static int igbvf_irq_arm(struct upci_nic *nic)
{
	struct igbvf *vf = to_igbvf(nic);

	wr32(vf, VTEICR, 1u << IGBVF_RX_VECTOR);
	wr32(vf, VTEIMS, 1u << IGBVF_RX_VECTOR);
	return 0;
}

static void igbvf_irq_disarm(struct upci_nic *nic)
{
	wr32(to_igbvf(nic), VTEIMC, 1u << IGBVF_RX_VECTOR);
}

/* ---------------------------------------------------------------- link, counters */

static int igbvf_link(struct upci_nic *nic, struct upci_nic_info *info)
{
	struct igbvf *vf = to_igbvf(nic);
	uint32_t st = rd32(vf, VTSTATUS);
	static const unsigned int speeds[] = { 10, 100, 1000, 1000 };

	if (mbx_read(vf) & MBX_RSTI) {
		upci_log(UPCI_LOG_ERR, "%s: the PF was reset under us: reopen the NIC",
			 nic->info.bdf);
		return -ENETDOWN;
	}
	info->link_up = !!(st & VTSTATUS_LU);
	info->speed_mbps = info->link_up ?
			   speeds[(st >> VTSTATUS_SPEED_SHIFT) & 3] : 0;
	return 0;
}

static void igbvf_hw_stats(struct upci_nic *nic, struct upci_nic_stats *stats)
{
	struct igbvf *vf = to_igbvf(nic);

	stats->hw_rx_frames = (uint32_t)(rd32(vf, VFGPRC) - vf->hw_base_rx);
	stats->hw_tx_frames = (uint32_t)(rd32(vf, VFGPTC) - vf->hw_base_tx);
}

/* ---------------------------------------------------------------- open, close */

static void igbvf_close(struct upci_nic *nic)
{
	struct igbvf *vf = to_igbvf(nic);
	unsigned int q;

	if (vf->bar) {
		wr32(vf, VTEIMC, 0x7);
		stop_queues(vf);
		wr32(vf, VTCTRL, VTCTRL_RST);	/* no DMA into freed memory */
	}
	if (vf->irq)
		upci_irq_disable(vf->dev);
	if (vf->mem.va)
		upci_dma_free(upci_dev_dma(vf->dev), &vf->mem);
	for (q = 0; q < IGBVF_QUEUES; q++)
		free(vf->q[q].tx_last);
	upci_dev_close(vf->dev);
	upci_nic__fini(nic);
	free(vf);
}

static const struct upci_nic_ops igbvf_ops = {
	.name = "igbvf",
	.irq_queues = 1,	/* QEMU ignores VTIVAR's queue 1 bytes */
	.close = igbvf_close,
	.link = igbvf_link,
	.hw_stats = igbvf_hw_stats,
	.set_multicast = set_multicast,
	.tx_alloc = igbvf_tx_alloc,
	.tx_burst = igbvf_tx_burst,
	.rx_burst = igbvf_rx_burst,
	.rx_release = igbvf_rx_release,
	.rx_pending = igbvf_rx_pending,
	.irq_arm = igbvf_irq_arm,
	.irq_disarm = igbvf_irq_disarm,
};

int upci_igbvf_open(const char *bdf, const struct upci_nic_config *cfg_in,
		    struct upci_nic **out)
{
	struct upci_nic_config cfg;
	struct igbvf *vf;
	size_t bar_size;
	unsigned int q;
	int ret;

	ret = upci_nic__config(cfg_in, &cfg, IGBVF_QUEUES);
	if (ret) {
		upci_log(UPCI_LOG_ERR, "%s: bad NIC configuration (queues 1-%d, ring size a power of two 8-4096, MTU 68-%d)",
			 bdf, IGBVF_QUEUES, UPCI_NIC_MAX_MTU);
		return ret;
	}
	vf = calloc(1, sizeof(*vf));
	if (!vf)
		return -ENOMEM;
	ret = upci_nic__init(&vf->nic, &igbvf_ops, bdf, &cfg);
	if (ret) {
		free(vf);
		return ret;
	}
	set_sizes(vf);

	ret = upci_dev_open(bdf, cfg.dma, 0, &vf->dev);
	if (ret)
		goto fail;
	ret = upci_dev_enable(vf->dev);
	if (ret)
		goto fail;
	ret = upci_bar_map(vf->dev, 0, &vf->bar, &bar_size);
	if (!ret && bar_size < IGBVF_BAR0_SIZE)
		ret = -ENODEV;
	if (ret) {
		vf->bar = NULL;
		goto fail;
	}
	ret = reset_hw(vf, cfg.mac);
	if (ret)
		goto fail;
	if (cfg.mtu > 1500) {
		uint32_t lpe[2] = { MSG_SET_LPE,
				    UPCI_NIC_ETH_HLEN + cfg.mtu + 8 };

		ret = mbx_request(vf, lpe, 2, "enable large frames");
		if (ret)
			goto fail;
	}
	ret = upci_dma_alloc(upci_dev_dma(vf->dev), rings_size(vf), 0,
			     &vf->mem);
	if (!ret)
		ret = lay_out_rings(vf);
	if (ret)
		goto fail;
	for (q = 0; q < cfg.queues; q++)
		start_queue(vf, q);
	if (!(cfg.flags & UPCI_NIC_NO_IRQ)) {
		ret = setup_irq(vf);
		if (ret)
			goto fail;
	}
	vf->hw_base_rx = rd32(vf, VFGPRC);
	vf->hw_base_tx = rd32(vf, VFGPTC);
	*out = &vf->nic;
	return 0;
fail:
	igbvf_close(&vf->nic);
	return ret;
}
