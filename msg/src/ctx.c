// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ctx.c - the context: one NIC queue, its endpoints, and the one loop
 * that makes progress.
 *
 * msg_progress() is the only path: it reads the clock once, takes the
 * frames that arrived (a few bursts at most, so a flood cannot starve
 * the senders), hands each to the endpoint and peer its header names,
 * gives the buffers back to the NIC at once (payloads are copied out),
 * then lets every peer run its timers and send what its credit allows,
 * with the acknowledgements it owes riding along.  Waiting sleeps in
 * upci_nic_wait() no longer than the earliest peer timer, so a silent
 * peer always ends in a completion.  A NIC error is sticky: every peer
 * fails with it once, and every later call returns it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "msg_internal.h"

#define DEFAULT_WINDOW		64
#define DEFAULT_CQ_SIZE		1024
#define DEFAULT_MAX_SENDS	4096
#define DEFAULT_MAX_MSG_LEN	(64ull << 20)
#define DEFAULT_RTO_MIN_US	200
#define DEFAULT_RTO_MAX_US	100000
#define DEFAULT_PEER_TIMEOUT_MS	2000
#define TX_BLOCKED_WAIT_NS	1000000ull	/* retry a full TX ring after */

uint64_t msg_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void msg_log(struct upci_msg_ctx *ctx, int level, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (!ctx->cfg.log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ctx->cfg.log(ctx->cfg.log_arg, level, msg);
}

/* A random, non-zero session number other than @avoid. */
uint32_t msg_new_session(uint32_t avoid)
{
	uint32_t s = 0;

	while (!s || s == avoid) {
		if (getrandom(&s, sizeof(s), GRND_NONBLOCK) != sizeof(s))
			s = (uint32_t)(msg_clock_ns() * 0x9e3779b97f4a7c15ull >> 32);
	}
	return s;
}

/* ------------------------------------------------------------ set-up */

static int fill_config(const struct upci_msg_config *in,
		       const struct upci_nic_info *info,
		       struct upci_msg_config *out)
{
	*out = in ? *in : (struct upci_msg_config){ 0 };
	if (!out->window)
		out->window = info->ring_size / 2 < DEFAULT_WINDOW ?
			      info->ring_size / 2 : DEFAULT_WINDOW;
	if (!out->cq_size)
		out->cq_size = DEFAULT_CQ_SIZE;
	if (!out->max_sends)
		out->max_sends = DEFAULT_MAX_SENDS;
	if (!out->max_msg_len)
		out->max_msg_len = DEFAULT_MAX_MSG_LEN;
	if (!out->rto_min_us)
		out->rto_min_us = DEFAULT_RTO_MIN_US;
	if (!out->rto_max_us)
		out->rto_max_us = DEFAULT_RTO_MAX_US;
	if (!out->peer_timeout_ms)
		out->peer_timeout_ms = DEFAULT_PEER_TIMEOUT_MS;
	if (out->queue >= info->queues || !out->window ||
	    out->window > MSG_MAX_WINDOW || out->max_msg_len > UPCI_MSG_MAX_LEN ||
	    out->rto_max_us < out->rto_min_us ||
	    info->mtu <= UPCI_MSG_WIRE_HLEN || (info->mac[0] & 1))
		return -EINVAL;
	return 0;
}

int upci_msg_ctx_open(struct upci_nic *nic, const struct upci_msg_config *cfg,
		      struct upci_msg_ctx **ctx)
{
	struct upci_nic_info info;
	struct upci_msg_ctx *c;
	int ret;

	if (ctx)
		*ctx = NULL;
	if (!nic || !ctx)
		return -EINVAL;
	ret = upci_nic_info(nic, &info);
	if (ret)
		return ret;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	ret = fill_config(cfg, &info, &c->cfg);
	if (ret) {
		free(c);
		return ret;
	}
	c->nic = nic;
	memcpy(c->mac, info.mac, UPCI_NIC_ETH_ALEN);
	c->payload_max = info.mtu - UPCI_MSG_WIRE_HLEN;
	*ctx = c;
	return 0;
}

void upci_msg_ctx_close(struct upci_msg_ctx *ctx)
{
	if (!ctx)
		return;
	while (ctx->eps)
		upci_msg_close(ctx->eps);
	free(ctx);
}

int upci_msg_stats(struct upci_msg_ctx *ctx, struct upci_msg_stats *stats)
{
	if (!ctx || !stats)
		return -EINVAL;
	*stats = ctx->stats;
	return 0;
}

/* ------------------------------------------------------------ progress */

static int take_frames(struct upci_msg_ctx *ctx)
{
	struct upci_nic_frame frames[MSG_RX_BURST];
	int round, n, i, ret;

	for (round = 0; round < MSG_RX_ROUNDS; round++) {
		n = upci_nic_rx_burst(ctx->nic, ctx->cfg.queue, frames,
				      MSG_RX_BURST);
		if (n <= 0)
			return n;
		for (i = 0; i < n; i++)
			msg_frame_in(ctx, frames[i].data, frames[i].len);
		ret = upci_nic_rx_release(ctx->nic, ctx->cfg.queue, n);
		if (ret)
			return ret;
		if (n < MSG_RX_BURST)
			break;
	}
	return 0;
}

/* The NIC failed: every peer fails with its error, once. */
static void fail_everything(struct upci_msg_ctx *ctx)
{
	struct upci_msg_peer *p;
	struct upci_msg_ep *ep;

	for (ep = ctx->eps; ep; ep = ep->next)
		for (p = ep->peers; p; p = p->next)
			if (p->sendq || p->rx.active)
				msg_peer_fail(p, ctx->error);
}

int msg_progress(struct upci_msg_ctx *ctx)
{
	struct upci_msg_peer *p;
	struct upci_msg_ep *ep;
	int ret;

	if (!ctx->error) {
		ctx->now = msg_clock_ns();
		ret = take_frames(ctx);
		if (ret < 0 && !ctx->error) {
			ctx->error = ret;
			msg_log(ctx, UPCI_LOG_ERR, "NIC receive error %d", ret);
		}
	}
	for (ep = ctx->eps; ep && !ctx->error; ep = ep->next) {
		for (p = ep->peers; p && !ctx->error; p = p->next) {
			msg_peer_tick(p);
			msg_peer_push(p);
		}
	}
	if (ctx->error)
		fail_everything(ctx);
	return ctx->error;
}

/* The earliest peer timer, or UINT64_MAX. */
static uint64_t next_timer(struct upci_msg_ctx *ctx)
{
	uint64_t t = UINT64_MAX, pt;
	struct upci_msg_peer *p;
	struct upci_msg_ep *ep;

	for (ep = ctx->eps; ep; ep = ep->next) {
		for (p = ep->peers; p; p = p->next) {
			pt = msg_peer_next_timer(p);
			if (p->ack_needed || p->nak_needed || p->probe_needed)
				pt = ctx->now + TX_BLOCKED_WAIT_NS;
			if (pt < t)
				t = pt;
		}
	}
	return t;
}

static int ms_until(uint64_t t, uint64_t now)
{
	uint64_t ms;

	if (t == UINT64_MAX)
		return -1;
	if (t <= now)
		return 0;
	ms = (t - now + 999999) / 1000000;
	return ms > INT32_MAX ? INT32_MAX : (int)ms;
}

int upci_msg_wait(struct upci_msg_ep *ep, int timeout_ms)
{
	uint64_t deadline = UINT64_MAX, now, t;
	struct upci_msg_ctx *ctx;
	int ret;

	if (!ep || timeout_ms < -1)
		return -EINVAL;
	ctx = ep->ctx;
	if (timeout_ms >= 0)
		deadline = msg_clock_ns() + (uint64_t)timeout_ms * 1000000ull;
	for (;;) {
		ret = msg_progress(ctx);
		if (ep->cq_count)
			return 1;
		if (ret < 0)
			return ret;
		now = msg_clock_ns();
		if (now >= deadline)
			return 0;
		t = next_timer(ctx);
		ret = upci_nic_wait(ctx->nic, ms_until(t < deadline ? t : deadline, now));
		if (ret < 0 && !ctx->error) {
			ctx->error = ret;
			msg_log(ctx, UPCI_LOG_ERR, "NIC wait error %d", ret);
		}
	}
}

int upci_msg_arm(struct upci_msg_ep *ep, int *timeout_ms)
{
	struct upci_msg_ctx *ctx;
	int ret;

	if (!ep || !timeout_ms)
		return -EINVAL;
	ctx = ep->ctx;
	ret = msg_progress(ctx);
	if (ep->cq_count)
		return 1;
	if (ret < 0)
		return ret;
	ret = upci_nic_arm(ctx->nic);
	if (ret)
		return ret;
	*timeout_ms = ms_until(next_timer(ctx), msg_clock_ns());
	return 0;
}

int upci_msg_fd(struct upci_msg_ep *ep)
{
	if (!ep)
		return -EINVAL;
	return upci_nic_fd(ep->ctx->nic);
}
