// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the igb VF driver's transmit path, as the messaging
 * library drives it through upci_nic_tx_alloc()/upci_nic_tx_burst(), in
 * front of a fake device that takes descriptors as QEMU's igb does: it
 * maps each data descriptor's buffer in one piece, and in DMA memory of
 * scattered small pages (every 4 KiB IOVA page somewhere else in the
 * guest) a piece that crosses a page cannot be mapped; the frame is then
 * dropped without a word while its descriptors still complete.  Frames of
 * every length up to a 9000-byte MTU's 9014 bytes must all leave the
 * device byte-exact, the ring must wrap many times, and every slot must
 * come back.  The driver is compiled in (its device part is not reachable
 * otherwise); the msg_ build rule links the NIC interface it sits behind.
 */
#include <stdlib.h>

#include "../../drivers/igbvf/igbvf.c"
#include "unit.h"

#define FAKE_IOVA	0x40000000ull	/* where the fake DMA area starts */
#define FAKE_PAGE	4096

struct fake_dev {
	struct igbvf *vf;
	unsigned int head;		/* TDH */
	uint8_t frame[16384];
	uint32_t got;			/* bytes of the frame so far */
	bool broken;			/* a piece could not be mapped */
	uint64_t next_seq;		/* the frame expected next */
	uint64_t sent, dropped, corrupt, bad_desc;
};

/* The byte at @i of frame @seq, its length at @len. */
static uint8_t pattern(uint64_t seq, uint32_t i)
{
	return (uint8_t)(seq * 131 + i * 7 + (i >> 8));
}

static uint32_t frame_len(uint64_t seq, uint32_t max)
{
	static const uint32_t lens[] = { 60, 61, 1514, 2048, 4095, 4096,
					 4097, 8192, 9014 };
	uint32_t len = seq % 4 ? lens[seq % 9] :
		       60 + (uint32_t)(seq * 2654435761u % (max - 59));

	return len > max ? max : len;
}

/* Read [iova, iova + len) as the device does: 0, or -1 if it cannot. */
static int dev_map(struct fake_dev *d, uint64_t iova, uint32_t len,
		   const uint8_t **va)
{
	struct igbvf *vf = d->vf;

	if (iova < vf->mem.iova || iova + len > vf->mem.iova + vf->mem.len)
		return -1;
	if (len && iova / FAKE_PAGE != (iova + len - 1) / FAKE_PAGE)
		return -1;		/* the next IOVA page is elsewhere */
	*va = (const uint8_t *)vf->mem.va + (iova - vf->mem.iova);
	return 0;
}

static void dev_frame_done(struct fake_dev *d)
{
	uint64_t seq = d->next_seq++;
	uint32_t i, len = frame_len(seq, d->vf->nic.info.mtu + 14);
	bool ok = d->got == len;

	if (d->broken) {
		d->dropped++;
	} else {
		for (i = 0; ok && i < len; i++)
			ok = d->frame[i] == pattern(seq, i);
		if (ok)
			d->sent++;
		else
			d->corrupt++;
	}
	d->got = 0;
	d->broken = false;
}

/* Take every descriptor up to TDT, as the device does on a TDT write. */
static void dev_run(struct fake_dev *d)
{
	struct igbvf *vf = d->vf;
	struct igbvf_queue *qu = &vf->q[0];
	unsigned int n = upci_mmio_read32(vf->bar, TDLEN(0)) / 16;
	unsigned int tdt = upci_mmio_read32(vf->bar, TDT(0));

	while (d->head != tdt) {
		struct igbvf_tx_desc *t = &qu->tx[d->head];
		uint32_t cmd = t->cmd_type_len, len = cmd & 0xffff;
		const uint8_t *va;

		if ((cmd & (TXD_DTYP_DATA | TXD_DEXT)) != (TXD_DTYP_DATA | TXD_DEXT))
			d->bad_desc++;
		if (d->broken || d->got + len > sizeof(d->frame) ||
		    dev_map(d, t->addr, len, &va)) {
			d->broken = true;
		} else {
			memcpy(d->frame + d->got, va, len);
			d->got += len;
		}
		if (cmd & TXD_RS)
			t->olinfo_status |= TXD_STAT_DD;
		if (cmd & TXD_EOP)
			dev_frame_done(d);
		d->head = (d->head + 1) % n;
	}
}

static struct igbvf *open_fake(unsigned int mtu, unsigned int ring)
{
	struct upci_nic_config in = { .mtu = mtu, .ring_size = ring,
				      .queues = 1, .flags = UPCI_NIC_NO_IRQ };
	struct upci_nic_config cfg;
	struct igbvf *vf = calloc(1, sizeof(*vf));
	size_t len;

	if (!vf || upci_nic__config(&in, &cfg, IGBVF_QUEUES) ||
	    upci_nic__init(&vf->nic, &igbvf_ops, "0000:00:00.0", &cfg))
		abort();
	set_sizes(vf);
	len = (rings_size(vf) + FAKE_PAGE - 1) & ~(size_t)(FAKE_PAGE - 1);
	vf->mem.va = aligned_alloc(FAKE_PAGE, len);
	vf->bar = calloc(1, IGBVF_BAR0_SIZE);
	if (!vf->mem.va || !vf->bar)
		abort();
	memset(vf->mem.va, 0, len);
	vf->mem.iova = FAKE_IOVA;
	vf->mem.len = len;
	if (lay_out_rings(vf))
		abort();
	start_queue(vf, 0);
	return vf;
}

static void close_fake(struct igbvf *vf)
{
	free(vf->q[0].tx_last);
	free(vf->mem.va);
	free(vf->bar);
	upci_nic__fini(&vf->nic);
	free(vf);
}

static void run(unsigned int mtu, unsigned int ring, unsigned int frames)
{
	struct igbvf *vf = open_fake(mtu, ring);
	struct fake_dev d = { .vf = vf };
	struct upci_nic_frame f[64];
	uint64_t seq = 0;
	unsigned int round = 0;
	int got, i, ret = 0, free_slots;

	while (seq < frames && ret >= 0) {
		unsigned int want = 1 + round % 37;

		if (want > frames - seq)
			want = (unsigned int)(frames - seq);

		got = upci_nic_tx_alloc(&vf->nic, 0, f, want < 64 ? want : 64);
		if (got <= 0) {		/* full: the device catches up */
			dev_run(&d);
			if (got < 0 || round++ > 10 * frames)
				break;
			continue;
		}
		for (i = 0; i < got; i++, seq++) {
			uint32_t j, len = frame_len(seq, mtu + UPCI_NIC_ETH_HLEN);

			for (j = 0; j < len; j++)
				((uint8_t *)f[i].data)[j] = pattern(seq, j);
			f[i].len = len;
		}
		ret = upci_nic_tx_burst(&vf->nic, 0, f, (unsigned int)got);
		if (round++ % 3)	/* now and then two bursts at once */
			dev_run(&d);
	}
	dev_run(&d);
	free_slots = upci_nic_tx_alloc(&vf->nic, 0, f, 64);
	upci_nic_tx_burst(&vf->nic, 0, f, 0);

	printf("# MTU %u, ring %u: %llu sent, %llu dropped, %llu corrupt\n",
	       mtu, ring, (unsigned long long)d.sent,
	       (unsigned long long)d.dropped, (unsigned long long)d.corrupt);
	T(ret >= 0, "MTU %u, ring %u: every burst accepted (%d)", mtu, ring, ret);
	T_EQ(d.sent, frames, "every frame left the device whole");
	T_EQ(d.dropped, 0, "no frame dropped for a buffer across a page");
	T_EQ(d.corrupt, 0, "no frame corrupted");
	T_EQ(d.bad_desc, 0, "advanced data descriptors only");
	T_EQ(free_slots, (int)(ring - 1 < 64 ? ring - 1 : 64),
	     "every transmit slot came back");
	close_fake(vf);
}

int main(void)
{
	run(9000, 64, 3000);
	run(9000, 8, 500);
	run(4000, 16, 500);
	run(1500, 64, 2000);
	return unit_done();
}
