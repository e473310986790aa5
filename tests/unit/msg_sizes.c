// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the messaging library carries every size class byte-exact
 * (0, 1, 59, 60, one frame's payload and one byte either side, 1500,
 * 9000, 64 KiB, 1 MiB, and seeded random sizes), with its tag and
 * immediate, in order, into library buffers and into posted ones, at MTU
 * 1500 and 9000, over a clean link and over one that drops, duplicates
 * and reorders frames.  Two fake NICs, one thread that polls both ends.
 */
#include <stdlib.h>
#include <time.h>

#include "upci-msg.h"
#include "fake_nic.h"
#include "unit.h"

#define SEED		0x5eed
#define N_RANDOM	16
#define MAX_SIZES	(16 + N_RANDOM)

struct run {
	const char *what;
	unsigned int mtu;
	unsigned int drop_ppm, dup_ppm, reorder_ppm;
	bool posted;
};

static size_t size_list(size_t *sizes, unsigned int payload_max)
{
	static const size_t fixed[] = { 0, 1, 59, 60, 1500, 9000, 65536, 1 << 20 };
	size_t n = 0, i;
	uint64_t r = SEED;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		sizes[n++] = fixed[i];
	sizes[n++] = payload_max - 1;
	sizes[n++] = payload_max;
	sizes[n++] = payload_max + 1;
	sizes[n++] = 2 * payload_max;
	for (i = 0; i < N_RANDOM; i++) {
		r = r * 6364136223846793005ull + 1442695040888963407ull;
		sizes[n++] = (r >> 33) % 200000;
	}
	return n;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct tally {
	size_t sent, received, bad_send, bad_recv, bad_data;
};

static void check_recv(const struct upci_msg_completion *c, const size_t *sizes,
		       struct tally *t, uint8_t **rbufs, bool posted)
{
	size_t i = t->received++;

	if (c->type != UPCI_MSG_RECV || c->status || c->len != sizes[i] ||
	    c->tag != 0x1000000000ull + i || c->imm != (uint32_t)i * 3 ||
	    (posted ? c->context != rbufs[i] || c->flags : c->context != NULL ||
	     !(c->flags & UPCI_MSG_F_ALLOCATED))) {
		printf("# recv %zu: type %d status %d len %zu (want %zu) tag %llx imm %u\n",
		       i, c->type, c->status, c->len, sizes[i],
		       (unsigned long long)c->tag, c->imm);
		t->bad_recv++;
	} else if (fake_check(c->buf, c->len, SEED, i) != c->len) {
		printf("# recv %zu: content differs at %zu\n", i,
		       fake_check(c->buf, c->len, SEED, i));
		t->bad_data++;
	}
	if (c->flags & UPCI_MSG_F_ALLOCATED)
		upci_msg_buf_free(c->buf);
}

static void run_one(const struct run *run)
{
	struct upci_nic_config ncfg = { .ring_size = 256, .mtu = run->mtu,
					.flags = UPCI_NIC_NO_IRQ };
	struct upci_msg_config mcfg = { 0 };
	struct upci_msg_completion c[16];
	size_t sizes[MAX_SIZES], n, i;
	uint8_t *sbufs[MAX_SIZES], *rbufs[MAX_SIZES] = { 0 };
	struct upci_msg_peer *peer;
	struct upci_msg_stats st;
	struct fake_nic *fa, *fb;
	struct msg_side a, b;
	struct tally t = { 0 };
	uint64_t deadline;
	int got, k;

	if (fake_nic_pair(&ncfg, &fa, &fb)) {
		T(0, "%s: fake NICs", run->what);
		return;
	}
	fa->drop_ppm = fb->drop_ppm = run->drop_ppm;
	fa->dup_ppm = fb->dup_ppm = run->dup_ppm;
	fa->reorder_ppm = fb->reorder_ppm = run->reorder_ppm;
	/*
	 * On a clean link, an RTO longer than the receiver's pauses (checking
	 * 1 MiB under ASan takes milliseconds) must give no retransmission.
	 */
	if (!run->drop_ppm)
		mcfg.rto_min_us = mcfg.rto_max_us = 500000;
	T_EQ(msg_side_open(&a, fa, &mcfg, 1), 0, "open side A");
	T_EQ(msg_side_open(&b, fb, NULL, 7), 0, "open side B");
	T_EQ(upci_msg_connect(a.ep, fb->nic.info.mac, 7, &peer), 0, "connect A to B:7");

	n = size_list(sizes, run->mtu - 48);
	/* all buffers first: a slow fill between sends would let the RTO fire */
	for (i = 0; i < n; i++) {
		sbufs[i] = malloc(sizes[i] ? sizes[i] : 1);
		fake_fill(sbufs[i], sizes[i], SEED, i);
	}
	for (i = 0; i < n; i++) {
		if (run->posted) {
			/* one buffer in four is larger than its message */
			rbufs[i] = malloc(sizes[i] + (i % 4 == 0 ? 100 : 0) + 1);
			if (upci_msg_post_recv(b.ep, rbufs[i],
					       sizes[i] + (i % 4 == 0 ? 100 : 0),
					       rbufs[i]))
				t.bad_recv++;
		}
		if (upci_msg_send(a.ep, peer, sbufs[i], sizes[i],
				  0x1000000000ull + i, (uint32_t)i * 3, sbufs[i]))
			t.bad_send++;
	}
	deadline = now_ms() + 60000;
	while ((t.sent < n || t.received < n) && now_ms() < deadline) {
		got = upci_msg_poll(a.ep, c, 16);
		for (k = 0; k < got; k++, t.sent++)
			if (c[k].type != UPCI_MSG_SEND || c[k].status ||
			    c[k].context != sbufs[t.sent] || c[k].len != sizes[t.sent])
				t.bad_send++;
		got = upci_msg_poll(b.ep, c, 16);
		for (k = 0; k < got; k++)
			check_recv(&c[k], sizes, &t, rbufs, run->posted);
	}
	T(t.sent == n && t.received == n, "%s: %zu messages sent and received (%zu, %zu)",
	  run->what, n, t.sent, t.received);
	T(!t.bad_send && !t.bad_recv && !t.bad_data,
	  "%s: completions in order, lengths, tags, immediates and bytes exact "
	  "(bad: %zu sends, %zu receives, %zu contents)", run->what,
	  t.bad_send, t.bad_recv, t.bad_data);
	upci_msg_stats(a.ctx, &st);
	if (run->drop_ppm)
		T(st.retransmits > 0 && fb->dropped_random + fa->dropped_random > 0,
		  "%s: frames were lost (%llu) and sent again (%llu)", run->what,
		  (unsigned long long)(fb->dropped_random + fa->dropped_random),
		  (unsigned long long)st.retransmits);
	else
		T(st.retransmits == 0, "%s: a clean link needs no retransmission (%llu)",
		  run->what, (unsigned long long)st.retransmits);
	msg_side_close(&a);
	msg_side_close(&b);
	for (i = 0; i < n; i++) {
		free(sbufs[i]);
		free(rbufs[i]);
	}
	upci_nic_close(&fa->nic);
	upci_nic_close(&fb->nic);
}

int main(void)
{
	static const struct run runs[] = {
		{ "mtu 1500, library buffers", 1500, 0, 0, 0, false },
		{ "mtu 1500, posted buffers", 1500, 0, 0, 0, true },
		{ "mtu 9000, library buffers", 9000, 0, 0, 0, false },
		{ "mtu 9000, posted buffers", 9000, 0, 0, 0, true },
		{ "mtu 1500, lossy link", 1500, 20000, 5000, 5000, false },
		{ "mtu 9000, lossy link, posted", 9000, 20000, 5000, 5000, true },
	};
	size_t i;

	for (i = 0; i < sizeof(runs) / sizeof(runs[0]); i++)
		run_one(&runs[i]);
	return unit_done();
}
