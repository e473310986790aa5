/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * msg_internal.h - the messaging library's objects, shared by its three
 * files: ctx.c (the context: the one RX loop, timers, waiting), ep.c
 * (endpoints: completions, sends, posted receives, the public calls) and
 * proto.c (the protocol of one peer: frames out, frames in, go-back-N,
 * credits, time-outs).
 *
 * Ownership: a context owns its endpoints (a list), an endpoint owns its
 * peers (a list), its completion ring and its posted receives; a peer
 * owns its queue of sends (the caller's buffers are only borrowed) and
 * the message it is receiving.  Lists are linear: a context serves a
 * handful of endpoints and peers (an MPI job's ranks), not thousands.
 */
#ifndef UPCI_MSG_INTERNAL_H
#define UPCI_MSG_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "upci-msg.h"
#include "wire.h"

#define MSG_RX_BURST	64	/* frames taken from the NIC per call */
#define MSG_RX_ROUNDS	4	/* bursts per progress pass, at most */
#define MSG_TX_BURST	32	/* frames handed to the NIC per call */
#define MSG_RTO_INITIAL_US	1000	/* before the first round-trip sample */
#define MSG_MAX_WINDOW	32768	/* half the sequence space of 16-bit credit */

/* Sequence numbers wrap: compare by the sign of the difference. */
static inline bool seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static inline bool seq_le(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}

/* One message being sent: the caller's buffer, borrowed until it completes. */
struct msg_send {
	struct msg_send *next;
	const uint8_t *buf;
	uint32_t len;
	uint32_t first_seq;	/* the seq of its first frame */
	uint32_t nframes;
	uint64_t tag;
	uint32_t imm;
	void *context;
};

/* A buffer given by upci_msg_post_recv(). */
struct msg_post {
	struct msg_post *next;
	void *buf;
	size_t cap;
	void *context;
};

/* The message a peer is receiving. */
struct msg_rx {
	bool active;
	bool allocated;		/* buf is the library's */
	uint8_t *buf;
	size_t cap;
	void *context;
	uint32_t len;
	uint32_t got;
	uint64_t tag;
	uint32_t imm;
	int status;		/* what its completion will say */
};

struct upci_msg_peer {
	struct upci_msg_peer *next;
	struct upci_msg_ep *ep;
	uint8_t mac[UPCI_NIC_ETH_ALEN];
	uint16_t remote_ep;
	uint32_t session;		/* ours, for this peer */
	uint32_t remote_session;	/* 0 until the peer is heard */
	uint32_t old_remote_session;	/* its previous one: frames are stale */
	int error;			/* a failed peer's error, 0 if fine */

	/* Sending: [snd_una, snd_max) in flight, snd_nxt the next to go. */
	struct msg_send *sendq, *sendq_tail;
	struct msg_send *tx_op;		/* the send holding snd_nxt, or NULL */
	uint32_t snd_una, snd_nxt, snd_max, snd_end;
	uint32_t wnd_end;		/* ack + credit: never send at or past */
	uint64_t rto_at;		/* retransmission timer, 0 if off */
	unsigned int backoff;
	bool timing;			/* one frame is timed for the RTT */
	uint32_t timed_seq;
	uint64_t timed_ns;
	uint64_t srtt_ns, rttvar_ns;
	uint64_t busy_since, heard_ns;
	uint64_t nak_guard;		/* ignore NAKs until then */

	/* Receiving */
	uint32_t rcv_nxt;
	struct msg_rx rx;
	bool ack_needed, nak_needed, probe_needed;
	bool nak_sent;			/* one NAK per hole at rcv_nxt */
	uint16_t adv_credit;		/* the credit in our last frame */
};

struct upci_msg_ep {
	struct upci_msg_ep *next;
	struct upci_msg_ctx *ctx;
	uint16_t no;
	bool shut;			/* upci_msg_cancel() ran */
	struct upci_msg_peer *peers;
	struct msg_post *posts, *posts_tail;
	unsigned int sends;		/* sends not completed */
	unsigned int lib_rx;		/* receives into library buffers under way */
	/* completion ring; cq_reserved slots are promised to operations */
	struct upci_msg_completion *cq;
	unsigned int cq_cap, cq_head, cq_count, cq_reserved;
};

struct upci_msg_ctx {
	struct upci_nic *nic;
	struct upci_msg_config cfg;
	uint8_t mac[UPCI_NIC_ETH_ALEN];
	unsigned int payload_max;	/* payload bytes per frame */
	int error;			/* the NIC's error, sticky */
	uint64_t now;			/* ns, read once per progress pass */
	struct upci_msg_ep *eps;
	struct upci_msg_stats stats;
};

/* ctx.c */
uint64_t msg_clock_ns(void);
int msg_progress(struct upci_msg_ctx *ctx);
void msg_log(struct upci_msg_ctx *ctx, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
uint32_t msg_new_session(uint32_t avoid);

/* ep.c */
int msg_cq_reserve(struct upci_msg_ep *ep);
void msg_cq_push(struct upci_msg_ep *ep, const struct upci_msg_completion *c);
struct msg_post *msg_take_post(struct upci_msg_ep *ep);
bool msg_ep_has_room(const struct upci_msg_ep *ep);
struct upci_msg_peer *msg_peer_get(struct upci_msg_ep *ep, const uint8_t *mac,
				   uint16_t no);

/* proto.c */
void msg_peer_init(struct upci_msg_peer *p, struct upci_msg_ep *ep,
		   const uint8_t *mac, uint16_t remote_ep);
void msg_peer_fail(struct upci_msg_peer *p, int error);
void msg_peer_free(struct upci_msg_peer *p);
int msg_peer_push(struct upci_msg_peer *p);
int msg_peer_tick(struct upci_msg_peer *p);
uint64_t msg_peer_next_timer(const struct upci_msg_peer *p);
void msg_frame_in(struct upci_msg_ctx *ctx, const uint8_t *frame, uint32_t len);

#endif /* UPCI_MSG_INTERNAL_H */
