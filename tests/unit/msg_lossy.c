// SPDX-License-Identifier: GPL-2.0
/*
 * Description: 100,000 messages through a link that loses frames the way
 * QEMU's igb switch does (a full receive ring drops) and at random (drop,
 * duplicate, reorder), to a slow receiver (it polls one pass in three and
 * takes few completions at a time, so its backlog stops the credit).
 * Every message arrives once, in order, byte-exact; the test shows that
 * frames really were dropped (by the full ring and at random) and sent
 * again, that the credit closed, and, from a tap on the wire, that the
 * sequence numbers wrapped from 0xffffffff to 0.
 */
#include <endian.h>
#include <stdlib.h>
#include <time.h>

#include "upci-msg.h"
#include "wire.h"
#include "fake_nic.h"
#include "unit.h"

#define COUNT		100000
#define SEED		0x1055
#define MAX_LEN		5000

struct wire_tap {
	bool saw_last, saw_zero_after;
	uint64_t data_frames;
};

static void tap(void *arg, const uint8_t *frame, uint32_t len)
{
	const struct upci_msg_wire_hdr *h = (const void *)(frame + UPCI_NIC_ETH_HLEN);
	struct wire_tap *t = arg;
	uint32_t seq;

	if (len < UPCI_NIC_ETH_HLEN + UPCI_MSG_WIRE_HLEN || h->type != UPCI_MSG_WIRE_DATA)
		return;
	seq = be32toh(h->seq);
	t->data_frames++;
	if (seq == 0xffffffffu)
		t->saw_last = true;
	if (seq == 0 && t->saw_last)
		t->saw_zero_after = true;
}

/* Message i's length: mostly one frame, every 97th several. */
static size_t msg_len(uint64_t i)
{
	if (i % 97 == 0)
		return MAX_LEN - i % 1000;
	return (size_t)((i * 2654435761u) % 301);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct progress {
	uint64_t queued, sent, received, bad;
};

static void receive_some(struct msg_side *b, struct progress *p)
{
	struct upci_msg_completion c[4];
	int got, k;

	got = upci_msg_poll(b->ep, c, 4);
	for (k = 0; k < got; k++, p->received++) {
		if (c[k].status || c[k].imm != (uint32_t)p->received ||
		    c[k].tag != p->received * 11 || c[k].len != msg_len(p->received) ||
		    fake_check(c[k].buf, c[k].len, SEED, p->received) != c[k].len) {
			if (p->bad++ < 5)
				printf("# message %llu: status %d imm %u len %zu\n",
				       (unsigned long long)p->received, c[k].status,
				       c[k].imm, c[k].len);
		}
		upci_msg_buf_free(c[k].buf);
	}
}

int main(void)
{
	struct upci_nic_config ncfg = { .ring_size = 32, .flags = UPCI_NIC_NO_IRQ };
	struct upci_msg_config mcfg = { .window = 128, .cq_size = 16, .max_sends = 256,
					.peer_timeout_ms = 10000 };
	static uint8_t bufs[256][MAX_LEN];
	struct upci_msg_completion c[32];
	struct wire_tap wire = { 0 };
	struct upci_msg_peer *peer;
	struct progress p = { 0 };
	struct upci_msg_stats st;
	struct fake_nic *fa, *fb;
	struct msg_side a, b;
	uint64_t deadline, pass = 0;
	int got, k, ret;

	if (fake_nic_pair(&ncfg, &fa, &fb))
		return 1;
	fa->drop_ppm = fb->drop_ppm = 5000;
	fa->dup_ppm = fb->dup_ppm = 2000;
	fa->reorder_ppm = fb->reorder_ppm = 2000;
	fb->tap = tap;
	fb->tap_arg = &wire;
	T_EQ(msg_side_open(&a, fa, &mcfg, 3), 0, "open the sender");
	T_EQ(msg_side_open(&b, fb, &mcfg, 4), 0, "open the receiver");
	T_EQ(upci_msg_connect(a.ep, fb->nic.info.mac, 4, &peer), 0, "connect");

	deadline = now_ms() + 300000;
	while (p.received < COUNT && now_ms() < deadline) {
		/* the sender keeps up to max_sends in flight, one buffer each */
		while (p.queued < COUNT && p.queued - p.sent < 256) {
			uint8_t *buf = bufs[p.queued % 256];
			size_t len = msg_len(p.queued);

			fake_fill(buf, len, SEED, p.queued);
			ret = upci_msg_send(a.ep, peer, buf, len, p.queued * 11,
					    (uint32_t)p.queued, NULL);
			if (ret == -EAGAIN)
				break;
			if (ret) {
				T(0, "send %llu: %d", (unsigned long long)p.queued, ret);
				goto out;
			}
			p.queued++;
		}
		got = upci_msg_poll(a.ep, c, 32);
		for (k = 0; k < got; k++, p.sent++)
			if (c[k].status && p.bad++ < 5)
				printf("# send %llu: %d\n", (unsigned long long)p.sent,
				       c[k].status);
		if (++pass % 3 == 0)
			receive_some(&b, &p);
	}
out:
	T_EQ(p.received, COUNT, "every message arrived");
	T_EQ(p.bad, 0, "in order, byte-exact, with tag and immediate; no send failed");
	upci_msg_stats(a.ctx, &st);
	T(fb->dropped_full > 0, "the receiver's full ring dropped frames (%llu)",
	  (unsigned long long)fb->dropped_full);
	T(fb->dropped_random + fa->dropped_random > 0 && fb->duplicated > 0 &&
	  fb->reordered > 0, "random drops (%llu), duplicates (%llu), reorders (%llu)",
	  (unsigned long long)(fb->dropped_random + fa->dropped_random),
	  (unsigned long long)fb->duplicated, (unsigned long long)fb->reordered);
	T(st.retransmits > 0, "the sender retransmitted (%llu frames, %llu RTOs, %llu NAKs)",
	  (unsigned long long)st.retransmits, (unsigned long long)st.rto_expired,
	  (unsigned long long)st.naks_received);
	upci_msg_stats(b.ctx, &st);
	T(st.duplicates > 0 && st.out_of_order > 0,
	  "the receiver dropped duplicates (%llu) and frames after a gap (%llu)",
	  (unsigned long long)st.duplicates, (unsigned long long)st.out_of_order);
	T(st.no_credit > 0,
	  "a full completion backlog refused frames (%llu)",
	  (unsigned long long)st.no_credit);
	T(wire.saw_zero_after, "sequence numbers wrapped on the wire (%llu data frames)",
	  (unsigned long long)wire.data_frames);
	msg_side_close(&a);
	msg_side_close(&b);
	upci_nic_close(&fa->nic);
	upci_nic_close(&fb->nic);
	return unit_done();
}
