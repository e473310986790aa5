/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fake_nic.h - two NICs in one process for the messaging library's unit
 * tests, behind the real generic part (nic/src/nic.c) through struct
 * upci_nic_ops.
 *
 * Each fake has a receive ring of ring_size - 1 frames in memory and
 * behaves like QEMU's igb switch: a frame sent to a NIC whose ring is full
 * is dropped, silently (counted in dropped_full).  Frames for a MAC that is
 * not the other NIC's are dropped as well (an unknown peer).  On the
 * sending side, faults can be injected at random (a seeded generator, so a
 * failure repeats): drop, duplicate, or hold a frame back and deliver it
 * after the next one (reorder).  Short frames are padded to 60 bytes, as a
 * NIC does.  Interrupts: an eventfd, written when a frame lands on an
 * armed NIC.  A mutex per receive ring lets the two ends run in two
 * threads.  tap(), if set, sees every frame that is delivered.
 */
#ifndef UPCI_FAKE_NIC_H
#define UPCI_FAKE_NIC_H

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "nic_internal.h"

/* nic.c's driver table names the igb VF part; the fakes replace it. */
int upci_igbvf_open(const char *bdf, const struct upci_nic_config *cfg,
		    struct upci_nic **nic)
{
	(void)bdf;
	(void)cfg;
	*nic = NULL;
	return -ENODEV;
}

struct fake_nic {
	struct upci_nic nic;		/* first: nic.c's view */
	struct fake_nic *other;
	unsigned int ring;		/* slots; ring - 1 usable */
	unsigned int buf_size;
	pthread_mutex_t lock;		/* the receive ring's indices */
	uint8_t *rx_buf;
	uint32_t *rx_len;
	unsigned int rx_head, rx_held, rx_tail;	/* free-running */
	uint8_t *tx_buf;
	int efd;
	bool armed;
	/* faults on frames this NIC sends */
	unsigned int drop_ppm, dup_ppm, reorder_ppm;
	uint64_t rng;
	uint8_t *held;			/* a frame held back */
	uint32_t held_len;
	int fail;			/* every call returns this, if set */
	/* counters of frames sent to this NIC */
	uint64_t delivered, dropped_full, dropped_random, duplicated,
		 reordered, dropped_unknown;
	void (*tap)(void *arg, const uint8_t *frame, uint32_t len);
	void *tap_arg;
};

static struct fake_nic *fake_of(struct upci_nic *nic)
{
	return (struct fake_nic *)nic;
}

static uint32_t fake_rand(struct fake_nic *f)
{
	f->rng ^= f->rng << 13;
	f->rng ^= f->rng >> 7;
	f->rng ^= f->rng << 17;
	return (uint32_t)(f->rng >> 11);
}

static bool fake_chance(struct fake_nic *f, unsigned int ppm)
{
	return ppm && fake_rand(f) % 1000000 < ppm;
}

/* Put one frame into @dst's receive ring, or drop it. */
static void fake_deliver(struct fake_nic *dst, const uint8_t *data, uint32_t len)
{
	uint64_t one = 1;
	uint8_t *slot;

	if (memcmp(data, dst->nic.info.mac, UPCI_NIC_ETH_ALEN)) {
		__atomic_fetch_add(&dst->dropped_unknown, 1, __ATOMIC_RELAXED);
		return;
	}
	pthread_mutex_lock(&dst->lock);
	if (dst->rx_tail - dst->rx_head >= dst->ring - 1) {
		dst->dropped_full++;
		pthread_mutex_unlock(&dst->lock);
		return;
	}
	slot = dst->rx_buf + (size_t)(dst->rx_tail % dst->ring) * dst->buf_size;
	memcpy(slot, data, len);
	if (len < UPCI_NIC_MIN_FRAME) {
		memset(slot + len, 0, UPCI_NIC_MIN_FRAME - len);
		len = UPCI_NIC_MIN_FRAME;
	}
	dst->rx_len[dst->rx_tail % dst->ring] = len;
	dst->rx_tail++;
	dst->delivered++;
	if (dst->tap)
		dst->tap(dst->tap_arg, slot, len);
	if (dst->armed) {
		dst->armed = false;
		if (write(dst->efd, &one, sizeof(one)) < 0)
			abort();
	}
	pthread_mutex_unlock(&dst->lock);
}

/* The switch, with the faults of the sending NIC @src. */
static void fake_switch(struct fake_nic *src, const uint8_t *data, uint32_t len)
{
	struct fake_nic *dst = src->other;

	if (fake_chance(src, src->drop_ppm)) {
		dst->dropped_random++;
		return;
	}
	if (!src->held_len && fake_chance(src, src->reorder_ppm)) {
		memcpy(src->held, data, len);
		src->held_len = len;
		dst->reordered++;
		return;
	}
	fake_deliver(dst, data, len);
	if (fake_chance(src, src->dup_ppm)) {
		dst->duplicated++;
		fake_deliver(dst, data, len);
	}
	if (src->held_len) {
		fake_deliver(dst, src->held, src->held_len);
		src->held_len = 0;
	}
}

static void fake_close(struct upci_nic *nic)
{
	struct fake_nic *f = fake_of(nic);

	upci_nic__fini(nic);
	if (f->efd >= 0)
		close(f->efd);
	pthread_mutex_destroy(&f->lock);
	free(f->rx_buf);
	free(f->rx_len);
	free(f->tx_buf);
	free(f->held);
	free(f);
}

static int fake_link(struct upci_nic *nic, struct upci_nic_info *info)
{
	(void)nic;
	info->link_up = 1;
	info->speed_mbps = 1000;
	return 0;
}

static void fake_hw_stats(struct upci_nic *nic, struct upci_nic_stats *stats)
{
	(void)nic;
	(void)stats;
}

static int fake_set_multicast(struct upci_nic *nic, const uint8_t (*addrs)[6],
			      unsigned int n)
{
	(void)nic;
	(void)addrs;
	(void)n;
	return 0;
}

static int fake_tx_alloc(struct upci_nic *nic, unsigned int queue,
			 struct upci_nic_frame *frames, unsigned int n)
{
	struct fake_nic *f = fake_of(nic);
	unsigned int i;

	(void)queue;
	if (f->fail)
		return f->fail;
	if (n > f->ring)
		n = f->ring;
	for (i = 0; i < n; i++) {
		frames[i].data = f->tx_buf + (size_t)i * f->buf_size;
		frames[i].len = f->buf_size;
	}
	return (int)n;
}

static int fake_tx_burst(struct upci_nic *nic, unsigned int queue,
			 const struct upci_nic_frame *frames, unsigned int n)
{
	struct fake_nic *f = fake_of(nic);
	unsigned int i;

	(void)queue;
	if (f->fail)
		return f->fail;
	for (i = 0; i < n; i++)
		fake_switch(f, frames[i].data, frames[i].len);
	return (int)n;
}

static int fake_rx_burst(struct upci_nic *nic, unsigned int queue,
			 struct upci_nic_frame *frames, unsigned int n)
{
	struct fake_nic *f = fake_of(nic);
	unsigned int got = 0, at;

	(void)queue;
	if (f->fail)
		return f->fail;
	pthread_mutex_lock(&f->lock);
	while (got < n && f->rx_head + f->rx_held < f->rx_tail) {
		at = (f->rx_head + f->rx_held) % f->ring;
		frames[got].data = f->rx_buf + (size_t)at * f->buf_size;
		frames[got].len = f->rx_len[at];
		f->rx_held++;
		got++;
	}
	pthread_mutex_unlock(&f->lock);
	return (int)got;
}

static int fake_rx_release(struct upci_nic *nic, unsigned int queue,
			   unsigned int n)
{
	struct fake_nic *f = fake_of(nic);

	(void)queue;
	pthread_mutex_lock(&f->lock);
	f->rx_head += n;
	f->rx_held -= n;
	pthread_mutex_unlock(&f->lock);
	return 0;
}

static bool fake_rx_pending(struct upci_nic *nic)
{
	struct fake_nic *f = fake_of(nic);
	bool pending;

	pthread_mutex_lock(&f->lock);
	pending = f->rx_head + f->rx_held < f->rx_tail;
	pthread_mutex_unlock(&f->lock);
	return pending;
}

static int fake_irq_arm(struct upci_nic *nic)
{
	struct fake_nic *f = fake_of(nic);

	pthread_mutex_lock(&f->lock);
	f->armed = true;
	pthread_mutex_unlock(&f->lock);
	return 0;
}

static void fake_irq_disarm(struct upci_nic *nic)
{
	struct fake_nic *f = fake_of(nic);

	pthread_mutex_lock(&f->lock);
	f->armed = false;
	pthread_mutex_unlock(&f->lock);
}

static const struct upci_nic_ops fake_ops = {
	.name = "fake",
	.irq_queues = 1,
	.close = fake_close,
	.link = fake_link,
	.hw_stats = fake_hw_stats,
	.set_multicast = fake_set_multicast,
	.tx_alloc = fake_tx_alloc,
	.tx_burst = fake_tx_burst,
	.rx_burst = fake_rx_burst,
	.rx_release = fake_rx_release,
	.rx_pending = fake_rx_pending,
	.irq_arm = fake_irq_arm,
	.irq_disarm = fake_irq_disarm,
};

/* One fake NIC with MAC 02:00:00:00:00:@id; NULL on failure. */
static struct fake_nic *fake_nic_new(unsigned int id,
				     const struct upci_nic_config *in)
{
	struct upci_nic_config cfg;
	struct fake_nic *f;

	if (upci_nic__config(in, &cfg, 1))
		return NULL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->ring = cfg.ring_size;
	f->buf_size = UPCI_NIC_ETH_HLEN + cfg.mtu;
	f->rx_buf = calloc(f->ring, f->buf_size);
	f->rx_len = calloc(f->ring, sizeof(*f->rx_len));
	f->tx_buf = calloc(f->ring, f->buf_size);
	f->held = calloc(1, f->buf_size);
	f->rng = 0x9e3779b97f4a7c15ull * (id + 1);
	f->efd = -1;
	pthread_mutex_init(&f->lock, NULL);
	if (!f->rx_buf || !f->rx_len || !f->tx_buf || !f->held ||
	    upci_nic__init(&f->nic, &fake_ops, "0000:00:00.0", &cfg))
		goto fail;
	if (!(cfg.flags & UPCI_NIC_NO_IRQ)) {
		f->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (f->efd < 0 || upci_nic__watch_irq(&f->nic, f->efd))
			goto fail;
	}
	memcpy(f->nic.info.mac, (uint8_t[]){ 2, 0, 0, 0, 0, (uint8_t)id }, 6);
	return f;
fail:
	fake_close(&f->nic);
	return NULL;
}

/* Two NICs, 02:00:00:00:00:01 and :02, each the other's link partner. */
static int fake_nic_pair(const struct upci_nic_config *cfg,
			 struct fake_nic **a, struct fake_nic **b)
{
	*a = fake_nic_new(1, cfg);
	*b = fake_nic_new(2, cfg);
	if (!*a || !*b) {
		if (*a)
			fake_close(&(*a)->nic);
		if (*b)
			fake_close(&(*b)->nic);
		return -ENOMEM;
	}
	(*a)->other = *b;
	(*b)->other = *a;
	return 0;
}

/*
 * The content of byte @off of message @no: a hash of (seed, no) plus a
 * function of the offset that changes with every shift, so a lost, moved
 * or doubled fragment shows.
 */
static inline uint8_t fake_pattern(uint64_t seed, uint64_t no, size_t off)
{
	uint64_t h = (seed ^ (no * 0x9e3779b97f4a7c15ull)) * 0xbf58476d1ce4e5b9ull;

	return (uint8_t)((h >> 29) + off * 0x9d + (off >> 8) * 0x35 + (off >> 16));
}

static inline void fake_fill(uint8_t *buf, size_t len, uint64_t seed, uint64_t no)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = fake_pattern(seed, no, i);
}

/* The first offset where @buf differs from the pattern, or @len. */
static inline size_t fake_check(const uint8_t *buf, size_t len, uint64_t seed,
				uint64_t no)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != fake_pattern(seed, no, i))
			return i;
	return len;
}

#ifdef UPCI_MSG_H
/* One end of a test: a fake NIC, a messaging context on it, one endpoint. */
struct msg_side {
	struct fake_nic *f;
	struct upci_msg_ctx *ctx;
	struct upci_msg_ep *ep;
};

static inline int msg_side_open(struct msg_side *s, struct fake_nic *f,
				const struct upci_msg_config *cfg,
				unsigned int ep_no)
{
	int ret;

	s->f = f;
	s->ep = NULL;
	ret = upci_msg_ctx_open(&f->nic, cfg, &s->ctx);
	if (!ret)
		ret = upci_msg_open(s->ctx, ep_no, &s->ep);
	return ret;
}

static inline void msg_side_close(struct msg_side *s)
{
	upci_msg_ctx_close(s->ctx);
	s->ctx = NULL;
	s->ep = NULL;
}
#endif

#endif /* UPCI_FAKE_NIC_H */
