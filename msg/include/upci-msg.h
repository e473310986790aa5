/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * upci-msg.h - reliable, ordered, low-latency messages between user-level
 * NIC functions (libupci-msg), on the NIC interface (upci-nic.h).
 *
 * Design.  A context owns one NIC queue and is the only thing that polls
 * it: every call that makes progress (upci_msg_send(), upci_msg_poll(),
 * upci_msg_wait(), upci_msg_arm()) on any of its endpoints takes the
 * frames that arrived, hands each to the endpoint its header names,
 * acknowledges, retransmits and sends what the credits allow.  There are
 * no threads.  An endpoint is (MAC, endpoint number); a peer is the
 * state of one pair of endpoints: sequence numbers both ways, the
 * messages in flight, the partly received message.  Messages of 0 bytes
 * to 4 GiB-1 are cut into frames of the NIC's MTU and sent go-back-N with
 * cumulative, piggybacked acknowledgements, retransmission on an adaptive
 * time-out, and credits: the receiver says how many frames it takes, and
 * the sender never sends more (QEMU's igb switch drops frames for a full
 * ring without telling anyone).  The wire format is in msg/src/wire.h.
 *
 * Buffers.  upci_msg_send() does not copy: the buffer must stay as it is
 * until its completion (it is read again for retransmissions).  A message
 * lands in the oldest buffer posted with upci_msg_post_recv(), or, when
 * none is posted, in one the library allocates and the caller frees with
 * upci_msg_buf_free().
 *
 * Failure.  A peer that does not answer for cfg->peer_timeout_ms while
 * something is outstanding fails every pending send with -ETIMEDOUT; a
 * peer that restarted (a new session) fails them with -ECONNRESET; a NIC
 * error (-ENETDOWN, -ENODEV) fails everything and is returned by every
 * later call.  Nothing waits for ever unless asked to.
 *
 * Threads: a context and its endpoints belong to one thread at a time.
 * Every function returns 0 (or a count) or -errno, never exits, and is
 * silent unless cfg->log is set (libupci's log callback type).
 */
#ifndef UPCI_MSG_H
#define UPCI_MSG_H

#include <stddef.h>
#include <stdint.h>

#include <upci.h>
#include <upci-nic.h>

#ifdef __cplusplus
extern "C" {
#endif

#define UPCI_MSG_MAX_LEN	0xffffffffu	/* the wire's limit */

/**
 * struct upci_msg_config - a context's settings (zeroes take defaults)
 * @queue: the NIC queue pair it uses (default 0)
 * @window: the most frames in flight per peer, and the credit it grants
 *	(default min(64, ring_size / 2); at most 32768)
 * @cq_size: completions an endpoint holds before it stops granting
 *	credit (default 1024)
 * @max_sends: sends outstanding per endpoint before upci_msg_send()
 *	says -EAGAIN (default 4096)
 * @max_msg_len: the largest message sent or accepted (default 64 MiB,
 *	at most UPCI_MSG_MAX_LEN)
 * @rto_min_us: the smallest retransmission time-out (default 200)
 * @rto_max_us: the largest, after back-off (default 100000)
 * @peer_timeout_ms: a peer silent this long while something is
 *	outstanding has failed (default 2000)
 * @log: libupci's log callback type (upci_log_stderr() does); NULL: silent
 * @log_arg: passed to @log
 */
struct upci_msg_config {
	unsigned int queue;
	unsigned int window;
	unsigned int cq_size;
	unsigned int max_sends;
	uint64_t max_msg_len;
	unsigned int rto_min_us;
	unsigned int rto_max_us;
	unsigned int peer_timeout_ms;
	upci_log_fn log;
	void *log_arg;
};

/* struct upci_msg_completion.type */
#define UPCI_MSG_SEND	1	/* a send finished (acknowledged, or failed) */
#define UPCI_MSG_RECV	2	/* a message arrived (or a receive failed) */

/* struct upci_msg_completion.flags */
#define UPCI_MSG_F_ALLOCATED	(1u << 0)	/* @buf is the library's: upci_msg_buf_free() */

/**
 * struct upci_msg_completion - one finished operation
 * @type: UPCI_MSG_SEND or UPCI_MSG_RECV
 * @status: 0, or -errno: -ETIMEDOUT (the peer stopped answering),
 *	-ECONNRESET (it restarted), -ECANCELED (the endpoint closed or was
 *	cancelled), -EMSGSIZE (a receive: message longer than the posted
 *	buffer, which holds its start, or than cfg->max_msg_len), -ENOMEM,
 *	or the NIC's error
 * @flags: UPCI_MSG_F_*
 * @context: what the caller gave upci_msg_send() or upci_msg_post_recv();
 *	NULL for a message in a library buffer
 * @peer: the peer it went to or came from (valid until upci_msg_close())
 * @buf: the buffer (the caller's, or the library's)
 * @len: the message's length (a truncated receive: its full length)
 * @tag: the message's tag
 * @imm: the message's immediate
 */
struct upci_msg_completion {
	int type;
	int status;
	unsigned int flags;
	void *context;
	struct upci_msg_peer *peer;
	void *buf;
	size_t len;
	uint64_t tag;
	uint32_t imm;
};

/**
 * struct upci_msg_stats - a context's counters since upci_msg_ctx_open()
 * @msgs_sent, @msgs_received: messages completed each way
 * @frames_sent: data frames sent, retransmissions included
 * @frames_received: data frames accepted in order
 * @retransmits: data frames sent again (evidence of loss)
 * @rto_expired: retransmission time-outs that fired
 * @naks_sent, @naks_received: go-back requests each way
 * @out_of_order: frames dropped because one before them was lost
 * @duplicates: frames that arrived twice
 * @no_credit: frames refused because the endpoint had no room
 * @acks_sent: ACK frames (acknowledgements not riding on data)
 * @bad_frames: frames with a bad header, for no endpoint, or stale
 * @tx_ring_full: times the NIC's transmit ring was full
 * @peer_failures: peers that timed out or restarted
 */
struct upci_msg_stats {
	uint64_t msgs_sent;
	uint64_t msgs_received;
	uint64_t frames_sent;
	uint64_t frames_received;
	uint64_t retransmits;
	uint64_t rto_expired;
	uint64_t naks_sent;
	uint64_t naks_received;
	uint64_t out_of_order;
	uint64_t duplicates;
	uint64_t no_credit;
	uint64_t acks_sent;
	uint64_t bad_frames;
	uint64_t tx_ring_full;
	uint64_t peer_failures;
};

struct upci_msg_ctx;
struct upci_msg_ep;
struct upci_msg_peer;

/**
 * upci_msg_ctx_open() - start messaging on one queue of an open NIC
 * @nic: the NIC (it stays the caller's: close it after the context)
 * @cfg: settings, or NULL for defaults
 * @ctx: the context, on success
 *
 * Return: 0; -EINVAL for a bad argument or setting (an MTU too small for
 * the header); -ENOMEM.
 */
int upci_msg_ctx_open(struct upci_nic *nic, const struct upci_msg_config *cfg,
		      struct upci_msg_ctx **ctx);

/**
 * upci_msg_ctx_close() - close every endpoint left and free the context.
 * NULL is a no-op.
 */
void upci_msg_ctx_close(struct upci_msg_ctx *ctx);

/** upci_msg_stats() - the context's counters. */
int upci_msg_stats(struct upci_msg_ctx *ctx, struct upci_msg_stats *stats);

/**
 * upci_msg_open() - open endpoint number @ep_no on a context
 * @ctx: the context
 * @ep_no: 0..65535, unique per context
 * @ep: the endpoint, on success
 *
 * Return: 0; -EADDRINUSE if the number is taken; -EINVAL; -ENOMEM.
 */
int upci_msg_open(struct upci_msg_ctx *ctx, unsigned int ep_no,
		  struct upci_msg_ep **ep);

/**
 * upci_msg_cancel() - fail every pending send and posted receive of @ep
 * with -ECANCELED (completions for upci_msg_poll()) and refuse new ones
 * with -ESHUTDOWN.  The library does not touch their buffers afterwards.
 */
int upci_msg_cancel(struct upci_msg_ep *ep);

/**
 * upci_msg_close() - cancel (upci_msg_cancel()), drop the completions not
 * yet polled (freeing library buffers among them) and free @ep and its
 * peers.  Frames that arrive for its number afterwards are dropped, so
 * its peers time out.  NULL is a no-op.
 */
void upci_msg_close(struct upci_msg_ep *ep);

/**
 * upci_msg_connect() - the peer for a remote endpoint
 * @ep: the local endpoint
 * @mac: the remote NIC's MAC address
 * @remote_ep: the remote endpoint number
 * @peer: the peer, on success; the same object each time for one remote
 *	endpoint, also for one that first sent to us
 *
 * Nothing goes on the wire: a peer that never answers is found out by its
 * first send's time-out (-ETIMEDOUT).  Connecting a peer that failed
 * starts a new session with it.
 * Return: 0; -EINVAL (a multicast MAC, a number over 65535); -ENOMEM.
 */
int upci_msg_connect(struct upci_msg_ep *ep, const uint8_t mac[UPCI_NIC_ETH_ALEN],
		     unsigned int remote_ep, struct upci_msg_peer **peer);

/**
 * upci_msg_peer_addr() - the MAC address and endpoint number of @peer
 * Return: 0 or -EINVAL.
 */
int upci_msg_peer_addr(const struct upci_msg_peer *peer,
		       uint8_t mac[UPCI_NIC_ETH_ALEN], unsigned int *remote_ep);

/**
 * upci_msg_send() - send a message; returns at once
 * @ep: the endpoint
 * @peer: the destination (from upci_msg_connect() or a completion)
 * @buf: the message; untouched by the caller until its completion
 * @len: its length, 0 to cfg->max_msg_len
 * @tag: carried opaquely
 * @imm: carried opaquely
 * @context: returned in the completion
 *
 * Return: 0 (a UPCI_MSG_SEND completion follows); -EMSGSIZE (too long);
 * -EAGAIN (cfg->max_sends outstanding: poll first); the peer's failure
 * (-ETIMEDOUT, -ECONNRESET) until it is connected again; -ESHUTDOWN after
 * upci_msg_cancel(); the NIC's error; -EINVAL.
 */
int upci_msg_send(struct upci_msg_ep *ep, struct upci_msg_peer *peer,
		  const void *buf, size_t len, uint64_t tag, uint32_t imm,
		  void *context);

/**
 * upci_msg_post_recv() - offer a buffer for the next message from any peer
 * @ep: the endpoint
 * @buf: the buffer (NULL if @cap is 0)
 * @cap: its size; a longer message fills it and completes with -EMSGSIZE
 * @context: returned in the completion
 *
 * Posted buffers are used oldest first.  Return: 0, -ESHUTDOWN, -ENOMEM,
 * -EINVAL.
 */
int upci_msg_post_recv(struct upci_msg_ep *ep, void *buf, size_t cap,
		       void *context);

/**
 * upci_msg_poll() - make progress and take up to @n completions
 * @ep: the endpoint
 * @c: room for @n completions
 * @n: how many at most
 *
 * Return: how many were taken (0 if none), or the NIC's error once
 * nothing is left to take.
 */
int upci_msg_poll(struct upci_msg_ep *ep, struct upci_msg_completion *c,
		  unsigned int n);

/**
 * upci_msg_wait() - make progress until @ep has a completion
 * @ep: the endpoint
 * @timeout_ms: how long at most; -1 for ever (a failing peer still ends
 *	in a completion after its time-out), 0 only looks
 *
 * Sleeps in upci_nic_wait() between retransmission timers.
 * Return: 1 if a completion is waiting, 0 on time-out, or -errno.
 */
int upci_msg_wait(struct upci_msg_ep *ep, int timeout_ms);

/**
 * upci_msg_arm() - get ready to sleep in poll(2) on upci_msg_fd()
 * @ep: the endpoint
 * @timeout_ms: set to the longest the caller may sleep before calling
 *	again (the next retransmission timer), -1 if unbounded
 *
 * Return: 1 if a completion is already waiting (do not sleep), 0 if the
 * NIC is armed, or -errno (-EOPNOTSUPP when the NIC has no interrupt).
 */
int upci_msg_arm(struct upci_msg_ep *ep, int *timeout_ms);

/**
 * upci_msg_fd() - the descriptor poll(2) reports readable after
 * upci_msg_arm() when a frame arrives (the NIC's upci_nic_fd()).
 */
int upci_msg_fd(struct upci_msg_ep *ep);

/** upci_msg_buf_free() - free a buffer of a UPCI_MSG_F_ALLOCATED completion. */
void upci_msg_buf_free(void *buf);

#ifdef __cplusplus
}
#endif

#endif /* UPCI_MSG_H */
