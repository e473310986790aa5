// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ep.c - endpoints: the completion ring, sends, posted receives, peers.
 *
 * The completion ring never overflows because every operation reserves
 * its slot when it starts (a send when it is queued, a posted receive
 * when it is posted, a message into a library buffer at its first
 * fragment) and the ring grows at that moment, where a failure can still
 * be returned; pushing a completion then always has room.  cfg.cq_size
 * is not the ring's size but the backlog at which the endpoint stops
 * granting credit for messages into library buffers: a receiver that
 * does not poll makes its senders wait instead of growing without end.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "msg_internal.h"

#define CQ_MIN_CAP	64

/* ------------------------------------------------------------ completions */

static int cq_grow(struct upci_msg_ep *ep, unsigned int need)
{
	unsigned int cap = ep->cq_cap ? ep->cq_cap : CQ_MIN_CAP, i;
	struct upci_msg_completion *cq;

	while (cap < need)
		cap *= 2;
	cq = calloc(cap, sizeof(*cq));
	if (!cq)
		return -ENOMEM;
	for (i = 0; i < ep->cq_count; i++)
		cq[i] = ep->cq[(ep->cq_head + i) % ep->cq_cap];
	free(ep->cq);
	ep->cq = cq;
	ep->cq_cap = cap;
	ep->cq_head = 0;
	return 0;
}

int msg_cq_reserve(struct upci_msg_ep *ep)
{
	unsigned int need = ep->cq_count + ep->cq_reserved + 1;

	if (need > ep->cq_cap && cq_grow(ep, need))
		return -ENOMEM;
	ep->cq_reserved++;
	return 0;
}

void msg_cq_push(struct upci_msg_ep *ep, const struct upci_msg_completion *c)
{
	ep->cq_reserved--;
	ep->cq[(ep->cq_head + ep->cq_count) % ep->cq_cap] = *c;
	ep->cq_count++;
}

static unsigned int cq_pop(struct upci_msg_ep *ep,
			   struct upci_msg_completion *c, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n && ep->cq_count; i++) {
		c[i] = ep->cq[ep->cq_head];
		ep->cq_head = (ep->cq_head + 1) % ep->cq_cap;
		ep->cq_count--;
	}
	return i;
}

bool msg_ep_has_room(const struct upci_msg_ep *ep)
{
	return ep->posts || ep->cq_count + ep->lib_rx < ep->ctx->cfg.cq_size;
}

struct msg_post *msg_take_post(struct upci_msg_ep *ep)
{
	struct msg_post *post = ep->posts;

	if (post) {
		ep->posts = post->next;
		if (!ep->posts)
			ep->posts_tail = NULL;
	}
	return post;
}

/* ------------------------------------------------------------ endpoints */

int upci_msg_open(struct upci_msg_ctx *ctx, unsigned int ep_no,
		  struct upci_msg_ep **ep)
{
	struct upci_msg_ep *e;

	if (ep)
		*ep = NULL;
	if (!ctx || !ep || ep_no > UINT16_MAX)
		return -EINVAL;
	for (e = ctx->eps; e; e = e->next)
		if (e->no == ep_no)
			return -EADDRINUSE;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->ctx = ctx;
	e->no = (uint16_t)ep_no;
	e->next = ctx->eps;
	ctx->eps = e;
	*ep = e;
	return 0;
}

int upci_msg_cancel(struct upci_msg_ep *ep)
{
	struct upci_msg_peer *p;
	struct msg_post *post;

	if (!ep)
		return -EINVAL;
	ep->shut = true;
	for (p = ep->peers; p; p = p->next)
		msg_peer_fail(p, -ECANCELED);
	while ((post = msg_take_post(ep))) {
		struct upci_msg_completion c = {
			.type = UPCI_MSG_RECV, .status = -ECANCELED,
			.context = post->context, .buf = post->buf,
		};

		msg_cq_push(ep, &c);
		free(post);
	}
	return 0;
}

void upci_msg_close(struct upci_msg_ep *ep)
{
	struct upci_msg_ep **link;
	struct upci_msg_completion c;
	struct upci_msg_peer *p;

	if (!ep)
		return;
	upci_msg_cancel(ep);
	for (link = &ep->ctx->eps; *link; link = &(*link)->next) {
		if (*link == ep) {
			*link = ep->next;
			break;
		}
	}
	while (cq_pop(ep, &c, 1))
		if (c.flags & UPCI_MSG_F_ALLOCATED)
			free(c.buf);
	while ((p = ep->peers)) {
		ep->peers = p->next;
		msg_peer_free(p);
	}
	free(ep->cq);
	free(ep);
}

/* ------------------------------------------------------------ peers */

struct upci_msg_peer *msg_peer_get(struct upci_msg_ep *ep, const uint8_t *mac,
				   uint16_t no)
{
	struct upci_msg_peer *p;

	for (p = ep->peers; p; p = p->next)
		if (p->remote_ep == no && !memcmp(p->mac, mac, UPCI_NIC_ETH_ALEN))
			return p;
	p = malloc(sizeof(*p));
	if (!p)
		return NULL;
	msg_peer_init(p, ep, mac, no);
	p->next = ep->peers;
	ep->peers = p;
	return p;
}

int upci_msg_connect(struct upci_msg_ep *ep, const uint8_t mac[UPCI_NIC_ETH_ALEN],
		     unsigned int remote_ep, struct upci_msg_peer **peer)
{
	struct upci_msg_peer *p;

	if (peer)
		*peer = NULL;
	if (!ep || !mac || !peer || remote_ep > UINT16_MAX || (mac[0] & 1))
		return -EINVAL;
	if (ep->shut)
		return -ESHUTDOWN;
	p = msg_peer_get(ep, mac, (uint16_t)remote_ep);
	if (!p)
		return -ENOMEM;
	p->error = 0;		/* a failed peer already has a new session */
	*peer = p;
	return 0;
}

int upci_msg_peer_addr(const struct upci_msg_peer *peer,
		       uint8_t mac[UPCI_NIC_ETH_ALEN], unsigned int *remote_ep)
{
	if (!peer || !mac || !remote_ep)
		return -EINVAL;
	memcpy(mac, peer->mac, UPCI_NIC_ETH_ALEN);
	*remote_ep = peer->remote_ep;
	return 0;
}

/* ------------------------------------------------------------ operations */

static int send_check(struct upci_msg_ep *ep, struct upci_msg_peer *peer,
		      const void *buf, size_t len)
{
	if (!ep || !peer || peer->ep != ep || (!buf && len))
		return -EINVAL;
	if (ep->ctx->error)
		return ep->ctx->error;
	if (ep->shut)
		return -ESHUTDOWN;
	if (len > ep->ctx->cfg.max_msg_len)
		return -EMSGSIZE;
	if (peer->error)
		return peer->error;
	if (ep->sends >= ep->ctx->cfg.max_sends)
		return -EAGAIN;
	return 0;
}

int upci_msg_send(struct upci_msg_ep *ep, struct upci_msg_peer *peer,
		  const void *buf, size_t len, uint64_t tag, uint32_t imm,
		  void *context)
{
	uint32_t payload_max, nframes;
	struct upci_msg_ctx *ctx;
	struct msg_send *s;
	int ret;

	ret = send_check(ep, peer, buf, len);
	if (ret)
		return ret;
	ctx = ep->ctx;
	payload_max = ctx->payload_max;
	nframes = len ? (uint32_t)((len + payload_max - 1) / payload_max) : 1;
	/* keep every seq in flight within half the sequence space */
	if (peer->snd_end - peer->snd_una + (uint64_t)nframes >= (1u << 30))
		return -EAGAIN;
	s = malloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	if (msg_cq_reserve(ep)) {
		free(s);
		return -ENOMEM;
	}
	*s = (struct msg_send){
		.buf = buf, .len = (uint32_t)len, .first_seq = peer->snd_end,
		.nframes = nframes, .tag = tag, .imm = imm, .context = context,
	};
	ctx->now = msg_clock_ns();
	if (!peer->sendq) {
		peer->sendq = s;
		peer->busy_since = ctx->now;
	} else {
		peer->sendq_tail->next = s;
	}
	peer->sendq_tail = s;
	if (!peer->tx_op)
		peer->tx_op = s;
	peer->snd_end += nframes;
	ep->sends++;
	msg_peer_push(peer);	/* a NIC error shows at the next poll */
	return 0;
}

int upci_msg_post_recv(struct upci_msg_ep *ep, void *buf, size_t cap,
		       void *context)
{
	struct msg_post *post;

	if (!ep || (!buf && cap))
		return -EINVAL;
	if (ep->shut)
		return -ESHUTDOWN;
	post = malloc(sizeof(*post));
	if (!post)
		return -ENOMEM;
	if (msg_cq_reserve(ep)) {
		free(post);
		return -ENOMEM;
	}
	*post = (struct msg_post){ .buf = buf, .cap = cap, .context = context };
	if (ep->posts_tail)
		ep->posts_tail->next = post;
	else
		ep->posts = post;
	ep->posts_tail = post;
	return 0;
}

int upci_msg_poll(struct upci_msg_ep *ep, struct upci_msg_completion *c,
		  unsigned int n)
{
	int ret;

	if (!ep || (n && !c))
		return -EINVAL;
	ret = msg_progress(ep->ctx);
	if (ep->cq_count || !n)
		return (int)cq_pop(ep, c, n);
	return ret < 0 ? ret : 0;
}

void upci_msg_buf_free(void *buf)
{
	free(buf);
}
