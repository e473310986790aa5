// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the blocking paths and several endpoints per context, with
 * the two ends in two threads.  Each side has endpoints 1 and 2 on one
 * context; A sends on both and blocks in upci_msg_wait(); B sleeps in
 * poll(2) on upci_msg_fd() after upci_msg_arm() and echoes every message
 * back.  Each endpoint sees only its own stream, every echo comes back
 * intact, and the NICs' counters show that both sides really slept on
 * the interrupt.
 */
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>

#include "upci-msg.h"
#include "fake_nic.h"
#include "unit.h"

#define ROUNDS	300
#define SEED	0xe7e7

struct echo_side {
	struct upci_msg_ctx *ctx;
	struct upci_msg_ep *ep[2];
	unsigned int echoed, echoes_done, wrong_ep, sleeps;
	int error;
};

static void echo_all(struct echo_side *s, int e)
{
	struct upci_msg_completion c[8];
	int got, k, ret;

	got = upci_msg_poll(s->ep[e], c, 8);
	if (got < 0)
		s->error = got;
	for (k = 0; k < got; k++) {
		if (c[k].type == UPCI_MSG_SEND) {
			if (c[k].status)
				s->error = c[k].status;
			upci_msg_buf_free(c[k].buf);	/* the echo was ours */
			s->echoes_done++;
			continue;
		}
		if (c[k].status) {
			s->error = c[k].status;
			continue;
		}
		if (c[k].tag >> 32 != (uint64_t)e + 1)
			s->wrong_ep++;
		ret = upci_msg_send(s->ep[e], c[k].peer, c[k].buf, c[k].len,
				    c[k].tag, c[k].imm, NULL);
		if (ret)
			s->error = ret;
		s->echoed++;
	}
}

static void *echo_thread(void *arg)
{
	struct echo_side *s = arg;
	struct pollfd pfd;
	int timeout, ret;

	while (!s->error && s->echoes_done < 2 * ROUNDS) {
		echo_all(s, 0);
		echo_all(s, 1);
		ret = upci_msg_arm(s->ep[0], &timeout);
		if (ret < 0) {
			s->error = ret;
			break;
		}
		if (ret == 1)
			continue;
		pfd = (struct pollfd){ .fd = upci_msg_fd(s->ep[0]), .events = POLLIN };
		if (poll(&pfd, 1, timeout < 0 || timeout > 2000 ? 2000 : timeout) > 0)
			s->sleeps++;
	}
	/* answer a little longer: our last acknowledgements may be needed */
	upci_msg_wait(s->ep[0], 200);
	echo_all(s, 0);
	echo_all(s, 1);
	return NULL;
}

/* Send one message on endpoint @e and wait for its echo. */
static int round_trip(struct upci_msg_ep *ep, struct upci_msg_peer *peer,
		      int e, unsigned int i)
{
	uint8_t msg[700];
	struct upci_msg_completion c[4];
	size_t len = (i * 37) % sizeof(msg);
	bool sent = false, back = false;
	int got, k, bad = 0;

	fake_fill(msg, len, SEED, i);
	if (upci_msg_send(ep, peer, msg, len, ((uint64_t)e + 1) << 32 | i, i, NULL))
		return 1;
	while (!sent || !back) {
		if (upci_msg_wait(ep, 5000) != 1)
			return 1;
		got = upci_msg_poll(ep, c, 4);
		for (k = 0; k < got; k++) {
			if (c[k].status)
				bad++;
			if (c[k].type == UPCI_MSG_SEND) {
				sent = true;
				continue;
			}
			back = true;
			if (c[k].len != len || c[k].imm != i ||
			    c[k].tag != (((uint64_t)e + 1) << 32 | i) ||
			    fake_check(c[k].buf, len, SEED, i) != len)
				bad++;
			upci_msg_buf_free(c[k].buf);
		}
	}
	return bad;
}

int main(void)
{
	struct upci_nic_config ncfg = { .ring_size = 64, .spin_us = 20 };
	struct upci_msg_ep *ep[2];
	struct upci_msg_peer *peer[2];
	struct upci_nic_stats na, nb;
	struct echo_side b = { 0 };
	struct upci_msg_ctx *ctx;
	struct fake_nic *fa, *fb;
	unsigned int i, bad = 0;
	pthread_t thread;
	int e;

	if (fake_nic_pair(&ncfg, &fa, &fb))
		return 1;
	T_EQ(upci_msg_ctx_open(&fa->nic, NULL, &ctx), 0, "A's context");
	T_EQ(upci_msg_ctx_open(&fb->nic, NULL, &b.ctx), 0, "B's context");
	for (e = 0; e < 2; e++) {
		T_EQ(upci_msg_open(ctx, e + 1, &ep[e]), 0, "A's endpoint");
		T_EQ(upci_msg_open(b.ctx, e + 1, &b.ep[e]), 0, "B's endpoint");
		T_EQ(upci_msg_connect(ep[e], fb->nic.info.mac, e + 1, &peer[e]), 0,
		     "connect A:n to B:n");
	}
	T(upci_msg_fd(b.ep[0]) >= 0, "B has a descriptor to poll");
	if (pthread_create(&thread, NULL, echo_thread, &b))
		return 1;
	for (i = 0; i < ROUNDS; i++)
		for (e = 0; e < 2; e++)
			bad += round_trip(ep[e], peer[e], e, i);
	pthread_join(thread, NULL);
	T_EQ(bad, 0, "every echo came back intact on its own endpoint");
	T_EQ(b.error, 0, "B saw no error");
	T_EQ(b.echoed, 2 * ROUNDS, "B echoed every message");
	T_EQ(b.wrong_ep, 0, "each of B's endpoints got only its own stream");
	upci_nic_stats(&fa->nic, &na);
	upci_nic_stats(&fb->nic, &nb);
	T(na.irq_waits > 0, "A slept on the interrupt in upci_msg_wait (%llu)",
	  (unsigned long long)na.irq_waits);
	T(b.sleeps > 0, "B woke from poll(2) on the descriptor (%u)", b.sleeps);
	upci_msg_ctx_close(ctx);
	upci_msg_ctx_close(b.ctx);
	upci_nic_close(&fa->nic);
	upci_nic_close(&fb->nic);
	return unit_done();
}
