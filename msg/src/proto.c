// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * proto.c - the protocol between two endpoints (wire.h): go-back-N with
 * cumulative acknowledgements and credits, per peer.
 *
 * Sending: each message takes consecutive sequence numbers, one per
 * fragment, when it is queued (first_seq, nframes), so a sequence number
 * always names one fragment of one queued send.  msg_peer_push() sends
 * from snd_nxt while it is below both the end of the queue and wnd_end
 * (the peer's ack + credit).  An acknowledgement completes every send it
 * covers; a NAK or the retransmission timer sets snd_nxt back to snd_una
 * and everything from there goes again.  The time-out follows the
 * measured round trip (Jacobson's estimator, one frame timed at a time,
 * never a retransmitted one, as Karn says) and doubles on each expiry.
 *
 * Receiving: only seq == rcv_nxt is taken; its payload goes straight into
 * the message's buffer (posted, or allocated at the first fragment).
 * Duplicates are acknowledged again, a gap is NAKed once, a frame with no
 * room (the endpoint's completions are full) is refused and NAKed.
 *
 * Liveness: a peer with sends queued that sends nothing back for
 * cfg.peer_timeout_ms fails them all with -ETIMEDOUT.  Sessions: each peer
 * object has a random session number; a frame from a new session of a
 * known peer means it restarted (-ECONNRESET for what was pending, then a
 * fresh start), and a frame addressed to an old session of ours is stale
 * and answered with an ACK that shows our current one.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "msg_internal.h"

static struct upci_msg_ctx *peer_ctx(const struct upci_msg_peer *p)
{
	return p->ep->ctx;
}

/* ------------------------------------------------------------ state */

static bool peer_busy(const struct upci_msg_peer *p)
{
	return p->sendq != NULL;
}

static void peer_reset_stream(struct upci_msg_peer *p)
{
	struct upci_msg_ctx *ctx = peer_ctx(p);

	p->snd_una = p->snd_nxt = p->snd_max = p->snd_end = UPCI_MSG_WIRE_SEQ0;
	p->wnd_end = UPCI_MSG_WIRE_SEQ0 + ctx->cfg.window;
	p->tx_op = NULL;
	p->rto_at = 0;
	p->backoff = 0;
	p->timing = false;
	p->nak_guard = 0;
	p->rcv_nxt = UPCI_MSG_WIRE_SEQ0;
	p->ack_needed = p->nak_needed = p->probe_needed = false;
	p->nak_sent = false;
	p->adv_credit = 0;
}

void msg_peer_init(struct upci_msg_peer *p, struct upci_msg_ep *ep,
		   const uint8_t *mac, uint16_t remote_ep)
{
	memset(p, 0, sizeof(*p));
	p->ep = ep;
	memcpy(p->mac, mac, UPCI_NIC_ETH_ALEN);
	p->remote_ep = remote_ep;
	p->session = msg_new_session(0);
	peer_reset_stream(p);
}

static void complete_send(struct upci_msg_peer *p, struct msg_send *s,
			  int status)
{
	struct upci_msg_completion c = {
		.type = UPCI_MSG_SEND, .status = status, .context = s->context,
		.peer = p, .buf = (void *)s->buf, .len = s->len,
		.tag = s->tag, .imm = s->imm,
	};

	msg_cq_push(p->ep, &c);
	p->ep->sends--;
	if (!status)
		peer_ctx(p)->stats.msgs_sent++;
	free(s);
}

static void complete_rx(struct upci_msg_peer *p, int status)
{
	struct msg_rx *rx = &p->rx;
	struct upci_msg_completion c = {
		.type = UPCI_MSG_RECV, .status = status, .context = rx->context,
		.peer = p, .buf = rx->buf, .len = rx->len,
		.tag = rx->tag, .imm = rx->imm,
	};

	if (rx->allocated) {
		p->ep->lib_rx--;
		c.flags = UPCI_MSG_F_ALLOCATED;
		if (status) {		/* nothing to hand over */
			free(rx->buf);
			c.buf = NULL;
			c.flags = 0;
		}
	}
	msg_cq_push(p->ep, &c);
	if (!status)
		peer_ctx(p)->stats.msgs_received++;
	memset(rx, 0, sizeof(*rx));
}

/*
 * Complete everything pending with @error and start a fresh stream (the
 * session stays: the peer may still know it).
 */
static void peer_abort(struct upci_msg_peer *p, int error)
{
	struct msg_send *s;

	while ((s = p->sendq)) {
		p->sendq = s->next;
		complete_send(p, s, error);
	}
	p->sendq_tail = NULL;
	if (p->rx.active)
		complete_rx(p, error);
	peer_reset_stream(p);
}

void msg_peer_fail(struct upci_msg_peer *p, int error)
{
	struct upci_msg_ctx *ctx = peer_ctx(p);

	if (error != -ECANCELED)
		msg_log(ctx, UPCI_LOG_WARNING,
			"peer %02x:%02x:%02x:%02x:%02x:%02x ep %u: %s",
			p->mac[0], p->mac[1], p->mac[2], p->mac[3], p->mac[4],
			p->mac[5], p->remote_ep,
			error == -ETIMEDOUT ? "silent for the peer time-out" :
			error == -ECONNRESET ? "restarted (a new session)" :
			strerror(-error));
	if (error != -ECANCELED && (peer_busy(p) || p->rx.active))
		ctx->stats.peer_failures++;
	peer_abort(p, error);
	if (error == -ETIMEDOUT || error == -EPROTO) {
		/* Whatever it still knows of us is over. */
		p->session = msg_new_session(p->session);
		p->old_remote_session = p->remote_session;
		p->remote_session = 0;
		p->error = error;
	}
}

void msg_peer_free(struct upci_msg_peer *p)
{
	peer_abort(p, -ECANCELED);
	free(p);
}

/* ------------------------------------------------------------ timers */

static uint64_t peer_rto_ns(const struct upci_msg_peer *p)
{
	const struct upci_msg_config *cfg = &peer_ctx(p)->cfg;
	uint64_t lo = cfg->rto_min_us * 1000ull, hi = cfg->rto_max_us * 1000ull;
	uint64_t rto;

	if (!p->srtt_ns)
		rto = MSG_RTO_INITIAL_US * 1000ull;
	else
		rto = p->srtt_ns + 4 * p->rttvar_ns;
	if (rto < lo)
		rto = lo;
	rto <<= p->backoff < 16 ? p->backoff : 16;
	return rto > hi ? hi : rto;
}

static void rtt_sample(struct upci_msg_peer *p, uint64_t rtt)
{
	uint64_t err;

	if (!p->srtt_ns) {
		p->srtt_ns = rtt;
		p->rttvar_ns = rtt / 2;
		return;
	}
	err = rtt > p->srtt_ns ? rtt - p->srtt_ns : p->srtt_ns - rtt;
	p->rttvar_ns = (3 * p->rttvar_ns + err) / 4;
	p->srtt_ns = (7 * p->srtt_ns + rtt) / 8;
}

static uint64_t peer_deadline(const struct upci_msg_peer *p)
{
	uint64_t last = p->heard_ns > p->busy_since ? p->heard_ns : p->busy_since;

	return last + peer_ctx(p)->cfg.peer_timeout_ms * 1000000ull;
}

uint64_t msg_peer_next_timer(const struct upci_msg_peer *p)
{
	uint64_t t = UINT64_MAX;

	if (p->rto_at)
		t = p->rto_at;
	if (peer_busy(p) && peer_deadline(p) < t)
		t = peer_deadline(p);
	return t;
}

static void go_back(struct upci_msg_peer *p)
{
	p->snd_nxt = p->snd_una;
	p->tx_op = p->sendq;
	p->timing = false;
}

/* Called once per progress pass: the peer time-out and the RTO. */
int msg_peer_tick(struct upci_msg_peer *p)
{
	struct upci_msg_ctx *ctx = peer_ctx(p);

	if (peer_busy(p) && ctx->now >= peer_deadline(p)) {
		msg_peer_fail(p, -ETIMEDOUT);
		return 0;
	}
	if (!p->rto_at || ctx->now < p->rto_at)
		return 0;
	ctx->stats.rto_expired++;
	if (p->backoff < 16)
		p->backoff++;
	if (p->snd_una != p->snd_max)
		go_back(p);
	if (!seq_lt(p->snd_nxt, p->wnd_end))
		p->probe_needed = true;	/* no credit (its update may be lost): ask */
	p->rto_at = peer_busy(p) ? ctx->now + peer_rto_ns(p) : 0;
	return 0;
}

/* ------------------------------------------------------------ frames out */

static uint16_t peer_credit(const struct upci_msg_peer *p)
{
	if (p->rx.active || msg_ep_has_room(p->ep))
		return (uint16_t)peer_ctx(p)->cfg.window;
	return 0;
}

/* The Ethernet and message headers common to every frame to @p. */
static void put_headers(struct upci_msg_peer *p, uint8_t *frame, uint8_t type,
			uint32_t seq)
{
	struct upci_msg_ctx *ctx = peer_ctx(p);
	struct upci_msg_wire_hdr h = {
		.version = UPCI_MSG_WIRE_VERSION,
		.type = type,
		.dst_ep = htobe16(p->remote_ep),
		.src_ep = htobe16(p->ep->no),
		.src_session = htobe32(p->session),
		.dst_session = htobe32(p->remote_session),
		.seq = htobe32(seq),
		.ack = htobe32(p->rcv_nxt),
	};
	uint16_t credit = peer_credit(p);
	uint16_t ethertype = htobe16(UPCI_MSG_WIRE_ETHERTYPE);

	if (p->nak_needed)
		h.flags |= UPCI_MSG_WIRE_NAK;
	if (p->probe_needed)
		h.flags |= UPCI_MSG_WIRE_ACK_REQ;
	h.credit = htobe16(credit);
	memcpy(frame, p->mac, UPCI_NIC_ETH_ALEN);
	memcpy(frame + UPCI_NIC_ETH_ALEN, ctx->mac, UPCI_NIC_ETH_ALEN);
	memcpy(frame + 2 * UPCI_NIC_ETH_ALEN, &ethertype, 2);
	memcpy(frame + UPCI_NIC_ETH_HLEN, &h, sizeof(h));
	if (p->nak_needed)
		ctx->stats.naks_sent++;
	p->ack_needed = p->nak_needed = p->probe_needed = false;
	p->adv_credit = credit;
}

/* Write the frame for seq p->snd_nxt into @f and move on by one. */
static void put_data_frame(struct upci_msg_peer *p, struct upci_nic_frame *f)
{
	struct upci_msg_ctx *ctx = peer_ctx(p);
	struct msg_send *s = p->tx_op;
	uint32_t idx = p->snd_nxt - s->first_seq;
	uint32_t off = idx * ctx->payload_max;
	uint32_t plen = s->len - off < ctx->payload_max ? s->len - off :
			ctx->payload_max;
	uint8_t *frame = f->data;
	struct upci_msg_wire_hdr *h;

	put_headers(p, frame, UPCI_MSG_WIRE_DATA, p->snd_nxt);
	h = (struct upci_msg_wire_hdr *)(frame + UPCI_NIC_ETH_HLEN);
	h->payload_len = htobe16((uint16_t)plen);
	h->msg_len = htobe32(s->len);
	h->frag_off = htobe32(off);
	h->imm = htobe32(s->imm);
	h->tag = htobe64(s->tag);
	if (plen)
		memcpy(frame + UPCI_NIC_ETH_HLEN + UPCI_MSG_WIRE_HLEN,
		       s->buf + off, plen);
	f->len = UPCI_NIC_ETH_HLEN + UPCI_MSG_WIRE_HLEN + plen;

	ctx->stats.frames_sent++;
	if (seq_lt(p->snd_nxt, p->snd_max)) {
		ctx->stats.retransmits++;
	} else if (!p->timing) {
		p->timing = true;
		p->timed_seq = p->snd_nxt;
		p->timed_ns = ctx->now;
	}
	p->snd_nxt++;
	if (seq_lt(p->snd_max, p->snd_nxt))
		p->snd_max = p->snd_nxt;
	if (idx + 1 == s->nframes)
		p->tx_op = s->next;
}

static uint32_t sendable(const struct upci_msg_peer *p)
{
	uint32_t by_queue = p->snd_end - p->snd_nxt;
	uint32_t by_credit = seq_lt(p->snd_nxt, p->wnd_end) ?
			     p->wnd_end - p->snd_nxt : 0;

	return by_queue < by_credit ? by_queue : by_credit;
}

static int nic_error(struct upci_msg_ctx *ctx, int ret)
{
	if (!ctx->error) {
		ctx->error = ret;
		msg_log(ctx, UPCI_LOG_ERR, "NIC error %d: messaging stops", ret);
	}
	return ret;
}

/* Send what the credit allows; then an ACK if one is still owed. */
int msg_peer_push(struct upci_msg_peer *p)
{
	struct upci_msg_ctx *ctx = peer_ctx(p);
	struct upci_nic_frame frames[MSG_TX_BURST];
	uint32_t want;
	int got, i, ret;

	while ((want = sendable(p))) {
		got = upci_nic_tx_alloc(ctx->nic, ctx->cfg.queue, frames,
					want < MSG_TX_BURST ? want : MSG_TX_BURST);
		if (got < 0)
			return nic_error(ctx, got);
		if (!got) {
			ctx->stats.tx_ring_full++;
			return 0;
		}
		for (i = 0; i < got; i++)
			put_data_frame(p, &frames[i]);
		ret = upci_nic_tx_burst(ctx->nic, ctx->cfg.queue, frames, got);
		if (ret < 0)
			return nic_error(ctx, ret);
		if (!p->rto_at)
			p->rto_at = ctx->now + peer_rto_ns(p);
	}
	if (peer_busy(p) && !p->rto_at)	/* stopped by credit: probe later */
		p->rto_at = ctx->now + peer_rto_ns(p);
	if (p->adv_credit == 0 && peer_credit(p))
		p->ack_needed = true;		/* room again: say so */
	if (!p->ack_needed && !p->nak_needed && !p->probe_needed)
		return 0;
	got = upci_nic_tx_alloc(ctx->nic, ctx->cfg.queue, frames, 1);
	if (got <= 0) {
		if (!got)
			ctx->stats.tx_ring_full++;
		return got ? nic_error(ctx, got) : 0;
	}
	put_headers(p, frames[0].data, UPCI_MSG_WIRE_ACK, p->snd_nxt);
	frames[0].len = UPCI_NIC_ETH_HLEN + UPCI_MSG_WIRE_HLEN;
	ret = upci_nic_tx_burst(ctx->nic, ctx->cfg.queue, frames, 1);
	if (ret < 0)
		return nic_error(ctx, ret);
	ctx->stats.acks_sent++;
	return 0;
}

/* ------------------------------------------------------------ frames in */

/* The acknowledgement and credit that every frame from the peer carries. */
static void take_ack(struct upci_msg_peer *p, uint32_t ack, uint16_t credit,
		     bool nak)
{
	struct upci_msg_ctx *ctx = peer_ctx(p);
	struct msg_send *s;

	if (seq_lt(ack, p->snd_una) || seq_lt(p->snd_max, ack))
		return;				/* old, or not ours */
	if (seq_lt(p->snd_una, ack)) {
		if (p->timing && seq_lt(p->timed_seq, ack)) {
			rtt_sample(p, ctx->now - p->timed_ns);
			p->timing = false;
		}
		p->snd_una = ack;
		p->backoff = 0;
		while ((s = p->sendq) && seq_le(s->first_seq + s->nframes, ack)) {
			p->sendq = s->next;
			if (p->tx_op == s)
				p->tx_op = s->next;
			complete_send(p, s, 0);
		}
		if (!p->sendq)
			p->sendq_tail = NULL;
		if (seq_lt(p->snd_nxt, p->snd_una)) {
			p->snd_nxt = p->snd_una;
			p->tx_op = p->sendq;
		}
		p->rto_at = peer_busy(p) ? ctx->now + peer_rto_ns(p) : 0;
	}
	/* the peer's credit, and never more than our own window */
	p->wnd_end = ack + (credit < ctx->cfg.window ? credit : ctx->cfg.window);
	if (!nak)
		return;
	ctx->stats.naks_received++;
	if (ack == p->snd_una && p->snd_una != p->snd_max &&
	    ctx->now >= p->nak_guard) {
		go_back(p);
		p->nak_guard = ctx->now + (p->srtt_ns ? p->srtt_ns :
				ctx->cfg.rto_min_us * 1000ull);
	}
}

/* Where the first fragment of a message goes; -EAGAIN if nowhere yet. */
static int rx_start(struct upci_msg_peer *p, const struct upci_msg_wire_hdr *h)
{
	struct upci_msg_ep *ep = p->ep;
	struct msg_rx *rx = &p->rx;
	uint32_t len = be32toh(h->msg_len);
	struct msg_post *post = msg_take_post(ep);

	memset(rx, 0, sizeof(*rx));
	if (post) {			/* its completion slot is reserved */
		rx->buf = post->buf;
		rx->cap = post->cap;
		rx->context = post->context;
		rx->status = len > post->cap ? -EMSGSIZE : 0;
		free(post);
	} else {
		if (!msg_ep_has_room(ep) || msg_cq_reserve(ep))
			return -EAGAIN;
		rx->allocated = true;
		ep->lib_rx++;
		if (len > ep->ctx->cfg.max_msg_len)
			rx->status = -EMSGSIZE;
		else if (len && !(rx->buf = malloc(len)))
			rx->status = -ENOMEM;
		else
			rx->cap = len;
	}
	rx->active = true;
	rx->len = len;
	rx->tag = be64toh(h->tag);
	rx->imm = be32toh(h->imm);
	return 0;
}

/* Take the in-order DATA frame: 0, -EAGAIN (no room), -EPROTO. */
static int rx_data(struct upci_msg_peer *p, const struct upci_msg_wire_hdr *h,
		   const uint8_t *payload)
{
	struct msg_rx *rx = &p->rx;
	uint32_t off = be32toh(h->frag_off), plen = be16toh(h->payload_len);
	int ret;

	if (!rx->active) {
		if (off)
			return -EPROTO;
		ret = rx_start(p, h);
		if (ret)
			return ret;
	} else if (off != rx->got || be32toh(h->msg_len) != rx->len) {
		return -EPROTO;
	}
	if (plen > rx->len - rx->got || (!plen && rx->len))
		return -EPROTO;
	if (rx->got < rx->cap)
		memcpy(rx->buf + rx->got, payload,
		       plen < rx->cap - rx->got ? plen : rx->cap - rx->got);
	rx->got += plen;
	if (rx->got == rx->len)
		complete_rx(p, rx->status);
	return 0;
}

static void rx_frame(struct upci_msg_peer *p, const struct upci_msg_wire_hdr *h,
		     const uint8_t *payload)
{
	struct upci_msg_ctx *ctx = peer_ctx(p);
	uint32_t seq = be32toh(h->seq);
	int ret;

	if (seq_lt(seq, p->rcv_nxt)) {
		ctx->stats.duplicates++;
		p->ack_needed = true;
		return;
	}
	if (seq != p->rcv_nxt) {
		ctx->stats.out_of_order++;
		if (!p->nak_sent)
			p->nak_needed = p->nak_sent = true;
		return;
	}
	ret = rx_data(p, h, payload);
	if (ret == -EAGAIN) {
		ctx->stats.no_credit++;
		p->nak_needed = true;
		return;
	}
	if (ret) {
		/* A broken stream: end the session, the peer sees a restart. */
		ctx->stats.bad_frames++;
		msg_peer_fail(p, ret);
		return;
	}
	ctx->stats.frames_received++;
	p->rcv_nxt++;
	p->nak_sent = false;
	p->ack_needed = true;
}

static struct upci_msg_ep *find_ep(struct upci_msg_ctx *ctx, uint16_t no)
{
	struct upci_msg_ep *ep;

	for (ep = ctx->eps; ep; ep = ep->next)
		if (ep->no == no)
			return ep;
	return NULL;
}

/*
 * Sessions: false if the frame must be dropped (stale); a new session of
 * a known peer resets it first.
 */
static bool session_check(struct upci_msg_peer *p, uint32_t src, uint32_t dst)
{
	if (dst && dst != p->session) {
		p->ack_needed = true;		/* show it our session */
		return false;
	}
	if (src == p->remote_session)
		return true;
	if (p->remote_session && src == p->old_remote_session)
		return false;
	if (p->remote_session) {
		p->old_remote_session = p->remote_session;
		msg_peer_fail(p, -ECONNRESET);
	}
	p->remote_session = src;
	p->error = 0;
	return true;
}

static const struct upci_msg_wire_hdr *parse(struct upci_msg_ctx *ctx,
					     const uint8_t *frame, uint32_t len)
{
	const struct upci_msg_wire_hdr *h;
	uint16_t ethertype;

	if (len < UPCI_NIC_ETH_HLEN + UPCI_MSG_WIRE_HLEN)
		return NULL;
	memcpy(&ethertype, frame + 2 * UPCI_NIC_ETH_ALEN, 2);
	if (be16toh(ethertype) != UPCI_MSG_WIRE_ETHERTYPE ||
	    memcmp(frame, ctx->mac, UPCI_NIC_ETH_ALEN))
		return NULL;
	h = (const struct upci_msg_wire_hdr *)(frame + UPCI_NIC_ETH_HLEN);
	if (h->version != UPCI_MSG_WIRE_VERSION ||
	    (h->type != UPCI_MSG_WIRE_DATA && h->type != UPCI_MSG_WIRE_ACK) ||
	    !h->src_session ||
	    be16toh(h->payload_len) > len - UPCI_NIC_ETH_HLEN - UPCI_MSG_WIRE_HLEN)
		return NULL;
	return h;
}

/* One received frame, in the NIC's buffer: dispatch it to its endpoint. */
void msg_frame_in(struct upci_msg_ctx *ctx, const uint8_t *frame, uint32_t len)
{
	const struct upci_msg_wire_hdr *h = parse(ctx, frame, len);
	const uint8_t *src_mac = frame + UPCI_NIC_ETH_ALEN;
	struct upci_msg_peer *p;
	struct upci_msg_ep *ep;

	ep = h ? find_ep(ctx, be16toh(h->dst_ep)) : NULL;
	p = ep && !ep->shut ? msg_peer_get(ep, src_mac, be16toh(h->src_ep)) : NULL;
	if (!p) {
		ctx->stats.bad_frames++;
		return;
	}
	if (!session_check(p, be32toh(h->src_session), be32toh(h->dst_session))) {
		ctx->stats.bad_frames++;
		return;
	}
	p->heard_ns = ctx->now;
	take_ack(p, be32toh(h->ack), be16toh(h->credit),
		 h->flags & UPCI_MSG_WIRE_NAK);
	if (h->flags & UPCI_MSG_WIRE_ACK_REQ)
		p->ack_needed = true;
	if (h->type == UPCI_MSG_WIRE_DATA)
		rx_frame(p, h, (const uint8_t *)(h + 1));
}
