// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the messaging library's failures.  Bad arguments get the
 * errno the header promises; a message too long for the posted buffer or
 * for the receiver's limit completes with -EMSGSIZE and the stream goes
 * on; an unknown peer, a closed endpoint and a peer that dies end in
 * -ETIMEDOUT within the configured time-out, never a hang; a peer that
 * restarts is detected from both sides (-ECONNRESET) and the new session
 * works; cancel and close complete or free everything pending (ASan's
 * leak check runs at exit); a NIC error fails what is pending and every
 * later call.
 */
#include <stdlib.h>
#include <time.h>

#include "upci-msg.h"
#include "fake_nic.h"
#include "unit.h"

#define TIMEOUT_MS	300
#define SEED		0xfa11

static const struct upci_nic_config ncfg = { .ring_size = 64, .flags = UPCI_NIC_NO_IRQ };
static const struct upci_msg_config mcfg = { .peer_timeout_ms = TIMEOUT_MS,
					     .max_msg_len = 1 << 20 };

struct bag {
	struct upci_msg_completion c[64];
	int n;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void take(struct msg_side *s, struct bag *bag)
{
	/* pump() calls it only for a live side: never with a NULL bag */
	// cppcheck-suppress ctunullpointer
	int got = upci_msg_poll(s->ep, bag->c + bag->n, 64 - bag->n);

	if (got > 0)
		bag->n += got;
}

/* Poll both ends @passes times (a NULL side is dead). */
static void pump(struct msg_side *a, struct bag *ba, struct msg_side *b,
		 struct bag *bb, int passes)
{
	while (passes--) {
		if (a)
			take(a, ba);
		if (b)
			take(b, bb);
	}
}

static void free_bag(struct bag *bag)
{
	int i;

	for (i = 0; i < bag->n; i++)
		if (bag->c[i].flags & UPCI_MSG_F_ALLOCATED)
			upci_msg_buf_free(bag->c[i].buf);
	bag->n = 0;
}

static int count(const struct bag *bag, int type, int status)
{
	int i, n = 0;

	for (i = 0; i < bag->n; i++)
		n += bag->c[i].type == type && bag->c[i].status == status;
	return n;
}

static int count_peer(const struct bag *bag, struct upci_msg_peer *peer, int status)
{
	int i, n = 0;

	for (i = 0; i < bag->n; i++)
		n += bag->c[i].peer == peer && bag->c[i].status == status;
	return n;
}

static void pair_open(struct fake_nic **fa, struct fake_nic **fb,
		      struct msg_side *a, struct msg_side *b,
		      struct upci_msg_peer **ab)
{
	if (fake_nic_pair(&ncfg, fa, fb))
		abort();
	if (msg_side_open(a, *fa, &mcfg, 1) || msg_side_open(b, *fb, &mcfg, 2) ||
	    upci_msg_connect(a->ep, (*fb)->nic.info.mac, 2, ab))
		abort();
}

static void pair_close(struct fake_nic *fa, struct fake_nic *fb,
		       struct msg_side *a, struct msg_side *b)
{
	msg_side_close(a);
	msg_side_close(b);
	upci_nic_close(&fa->nic);
	upci_nic_close(&fb->nic);
}

static void bad_arguments(void)
{
	static const uint8_t mcast[6] = { 1, 0, 0x5e, 0, 0, 1 };
	struct upci_msg_config cfg = mcfg;
	struct upci_msg_ctx *ctx = (void *)1;
	struct upci_msg_ep *ep = (void *)1, *other;
	struct upci_msg_peer *peer, *peer2;
	struct upci_msg_completion c;
	struct fake_nic *fa, *fb;
	struct msg_side a, b;
	static char big[(1 << 20) + 1];
	int i, t;

	pair_open(&fa, &fb, &a, &b, &peer);
	T_EQ(upci_msg_ctx_open(NULL, NULL, &ctx), -EINVAL, "ctx_open(NULL nic)");
	T(ctx == NULL, "the out-parameter is cleared on failure");
	T_EQ(upci_msg_ctx_open(&fa->nic, NULL, NULL), -EINVAL, "ctx_open(NULL out)");
	cfg.window = 40000;
	T_EQ(upci_msg_ctx_open(&fa->nic, &cfg, &ctx), -EINVAL, "a window over 32768");
	cfg = mcfg;
	cfg.queue = 1;
	T_EQ(upci_msg_ctx_open(&fa->nic, &cfg, &ctx), -EINVAL, "a queue the NIC lacks");
	cfg = mcfg;
	cfg.max_msg_len = 1ull << 32;
	T_EQ(upci_msg_ctx_open(&fa->nic, &cfg, &ctx), -EINVAL, "max_msg_len over 4 GiB-1");
	cfg = mcfg;
	cfg.rto_min_us = 1000;
	cfg.rto_max_us = 10;
	T_EQ(upci_msg_ctx_open(&fa->nic, &cfg, &ctx), -EINVAL, "rto_max below rto_min");

	T_EQ(upci_msg_open(a.ctx, 70000, &ep), -EINVAL, "endpoint number over 65535");
	T(ep == NULL, "the out-parameter is cleared on failure");
	T_EQ(upci_msg_open(a.ctx, 1, &ep), -EADDRINUSE, "endpoint number taken");
	T_EQ(upci_msg_open(NULL, 3, &ep), -EINVAL, "open(NULL ctx)");
	T_EQ(upci_msg_connect(a.ep, mcast, 2, &peer2), -EINVAL, "connect to multicast");
	T_EQ(upci_msg_connect(a.ep, fb->nic.info.mac, 65536, &peer2), -EINVAL,
	     "connect to endpoint 65536");
	T_EQ(upci_msg_connect(a.ep, NULL, 2, &peer2), -EINVAL, "connect(NULL mac)");
	T_EQ(upci_msg_connect(a.ep, fb->nic.info.mac, 2, &peer2), 0, "connect again");
	T(peer2 == peer, "one peer object per remote endpoint");

	T_EQ(upci_msg_send(NULL, peer, "x", 1, 0, 0, NULL), -EINVAL, "send(NULL ep)");
	T_EQ(upci_msg_send(a.ep, NULL, "x", 1, 0, 0, NULL), -EINVAL, "send(NULL peer)");
	T_EQ(upci_msg_send(a.ep, peer, NULL, 1, 0, 0, NULL), -EINVAL, "send(NULL buf, 1)");
	T_EQ(upci_msg_send(a.ep, peer, big, sizeof(big), 0, 0, NULL), -EMSGSIZE,
	     "a message over max_msg_len");
	T_EQ(upci_msg_open(a.ctx, 9, &other), 0, "a second endpoint");
	T_EQ(upci_msg_send(other, peer, "x", 1, 0, 0, NULL), -EINVAL,
	     "send to a peer of another endpoint");
	T_EQ(upci_msg_post_recv(a.ep, NULL, 5, NULL), -EINVAL, "post_recv(NULL, 5)");
	T_EQ(upci_msg_poll(NULL, &c, 1), -EINVAL, "poll(NULL)");
	T_EQ(upci_msg_poll(a.ep, NULL, 1), -EINVAL, "poll(NULL completions)");
	T_EQ(upci_msg_wait(a.ep, -2), -EINVAL, "wait(-2)");
	T_EQ(upci_msg_arm(a.ep, NULL), -EINVAL, "arm(NULL)");
	T_EQ(upci_msg_arm(a.ep, &t), -EOPNOTSUPP, "arm without interrupts");
	T_EQ(upci_msg_fd(a.ep), -EOPNOTSUPP, "fd without interrupts");
	T_EQ(upci_msg_stats(a.ctx, NULL), -EINVAL, "stats(NULL)");
	T_EQ(upci_msg_peer_addr(NULL, NULL, NULL), -EINVAL, "peer_addr(NULL)");
	T_EQ(upci_msg_wait(a.ep, 0), 0, "wait(0) with nothing pending");
	upci_msg_close(other);
	upci_msg_close(NULL);
	upci_msg_ctx_close(NULL);
	for (i = 0; i < 4096; i++)
		if (upci_msg_send(a.ep, peer, "x", 1, 0, 0, NULL))
			break;
	T_EQ(upci_msg_send(a.ep, peer, "x", 1, 0, 0, NULL), -EAGAIN,
	     "max_sends outstanding: EAGAIN");
	pair_close(fa, fb, &a, &b);
}

/* Too long for the posted buffer, or for the receiver: -EMSGSIZE, go on. */
static void too_long(void)
{
	struct upci_msg_config small = mcfg;
	struct upci_msg_peer *peer;
	struct fake_nic *fa, *fb;
	struct msg_side a, b;
	struct bag ba = { 0 }, bb = { 0 };
	uint8_t msg[5000], post[100];

	if (fake_nic_pair(&ncfg, &fa, &fb))
		abort();
	small.max_msg_len = 1000;
	T_EQ(msg_side_open(&a, fa, &mcfg, 1), 0, "open A");
	T_EQ(msg_side_open(&b, fb, &small, 2), 0, "open B, messages up to 1000 bytes");
	T_EQ(upci_msg_connect(a.ep, fb->nic.info.mac, 2, &peer), 0, "connect");
	fake_fill(msg, sizeof(msg), SEED, 0);
	T_EQ(upci_msg_post_recv(b.ep, post, sizeof(post), post), 0, "post 100 bytes");
	T_EQ(upci_msg_send(a.ep, peer, msg, 300, 1, 1, NULL), 0, "send 300 bytes");
	T_EQ(upci_msg_send(a.ep, peer, msg, 5000, 2, 2, NULL), 0, "send 5000 bytes");
	T_EQ(upci_msg_send(a.ep, peer, msg, 10, 3, 3, NULL), 0, "send 10 bytes");
	pump(&a, &ba, &b, &bb, 200);
	T(bb.n == 3 && bb.c[0].status == -EMSGSIZE && bb.c[0].context == post &&
	  bb.c[0].len == 300 && fake_check(post, sizeof(post), SEED, 0) == sizeof(post),
	  "300 bytes into 100: -EMSGSIZE, full length, the first 100 bytes");
	T(bb.n == 3 && bb.c[1].status == -EMSGSIZE && bb.c[1].buf == NULL &&
	  bb.c[1].len == 5000 && bb.c[1].tag == 2,
	  "5000 bytes over the receiver's limit: -EMSGSIZE, no buffer");
	T(bb.n == 3 && bb.c[2].status == 0 && bb.c[2].len == 10 && bb.c[2].tag == 3 &&
	  fake_check(bb.c[2].buf, 10, SEED, 0) == 10, "the next message arrives intact");
	T_EQ(count(&ba, UPCI_MSG_SEND, 0), 3, "the sender sees three sends done");
	free_bag(&bb);
	pair_close(fa, fb, &a, &b);
}

/* Send to nobody; wait for ever: the time-out ends it. */
static void expect_timeout(const char *what, struct msg_side *a,
			   struct upci_msg_peer *peer, int nsends)
{
	struct bag ba = { 0 };
	uint64_t t0 = now_ms(), dt;
	int i, ret = 0;

	for (i = 0; i < nsends; i++)
		upci_msg_send(a->ep, peer, "hello", 5, i, 0, NULL);
	while (count_peer(&ba, peer, -ETIMEDOUT) < nsends && ba.n < 64 &&
	       (ret = upci_msg_wait(a->ep, -1)) == 1)
		take(a, &ba);
	dt = now_ms() - t0;
	T(ret == 1 && count_peer(&ba, peer, -ETIMEDOUT) == nsends &&
	  count(&ba, UPCI_MSG_SEND, -ETIMEDOUT) == ba.n,
	  "%s: %d sends end in -ETIMEDOUT (wait said %d)", what, nsends, ret);
	T(dt >= TIMEOUT_MS && dt < TIMEOUT_MS + 700,
	  "%s: after the %d ms time-out (%llu ms)", what, TIMEOUT_MS,
	  (unsigned long long)dt);
	T_EQ(upci_msg_send(a->ep, peer, "x", 1, 0, 0, NULL), -ETIMEDOUT,
	     "a failed peer refuses sends");
}

static void unknown_and_dead_peers(void)
{
	static const uint8_t nobody[6] = { 2, 0, 0, 0, 0, 0x99 };
	struct upci_msg_peer *peer, *ghost, *closed;
	struct upci_msg_stats st;
	struct fake_nic *fa, *fb;
	struct bag ba = { 0 }, bb = { 0 };
	struct msg_side a, b;

	pair_open(&fa, &fb, &a, &b, &peer);
	T_EQ(upci_msg_connect(a.ep, nobody, 2, &ghost), 0, "connect to an unknown MAC");
	expect_timeout("unknown peer", &a, ghost, 3);
	T_EQ(upci_msg_connect(a.ep, nobody, 2, &ghost), 0, "connect again");
	T_EQ(upci_msg_send(a.ep, ghost, "x", 1, 0, 0, NULL), 0,
	     "a reconnected peer takes sends");
	T_EQ(upci_msg_connect(a.ep, fb->nic.info.mac, 5, &closed), 0,
	     "connect to an endpoint B never opened");
	expect_timeout("closed endpoint", &a, closed, 2);
	take(&b, &bb);
	upci_msg_stats(b.ctx, &st);
	T(st.bad_frames > 0, "B dropped the frames for no endpoint (%llu)",
	  (unsigned long long)st.bad_frames);

	upci_msg_send(a.ep, peer, "alive", 5, 0, 0, NULL);
	pump(&a, &ba, &b, &bb, 50);
	T(count(&bb, UPCI_MSG_RECV, 0) == 1 && count(&ba, UPCI_MSG_SEND, 0) == 1,
	  "B answers before it dies");
	free_bag(&bb);
	msg_side_close(&b);		/* B dies: nobody polls its NIC */
	expect_timeout("dead peer", &a, peer, 5);
	msg_side_close(&a);
	upci_nic_close(&fa->nic);
	upci_nic_close(&fb->nic);
}

/* B restarts while A has sends in flight: A sees -ECONNRESET. */
static void receiver_restarts(void)
{
	struct upci_msg_peer *peer, *back;
	struct fake_nic *fa, *fb;
	struct bag ba = { 0 }, bb = { 0 };
	struct msg_side a, b;
	int i;

	pair_open(&fa, &fb, &a, &b, &peer);
	for (i = 0; i < 3; i++)
		upci_msg_send(a.ep, peer, "before", 6, i, 0, NULL);
	pump(&a, &ba, &b, &bb, 50);
	T(count(&bb, UPCI_MSG_RECV, 0) == 3, "three messages before the restart");
	free_bag(&bb);
	ba.n = 0;
	msg_side_close(&b);
	for (i = 0; i < 4; i++)
		upci_msg_send(a.ep, peer, "lost", 4, i, 0, NULL);
	pump(&a, &ba, NULL, NULL, 5);
	T_EQ(msg_side_open(&b, fb, &mcfg, 2), 0, "B starts again, same endpoint");
	pump(&a, &ba, &b, &bb, 100);
	T_EQ(count(&ba, UPCI_MSG_SEND, -ECONNRESET), 4,
	     "A's four pending sends end in -ECONNRESET");
	T_EQ(bb.n, 0, "the new B got none of the old session's messages");
	ba.n = 0;
	T_EQ(upci_msg_send(a.ep, peer, "after", 5, 9, 0, NULL), 0, "A sends again");
	pump(&a, &ba, &b, &bb, 50);
	T(count(&bb, UPCI_MSG_RECV, 0) == 1 && bb.c[0].tag == 9,
	  "the new session delivers");
	T(bb.n == 1 && upci_msg_send(b.ep, bb.c[0].peer, "reply", 5, 0, 0, NULL) == 0,
	  "B replies through the peer of the completion");
	free_bag(&bb);
	pump(&a, &ba, &b, &bb, 50);
	T(count(&ba, UPCI_MSG_RECV, 0) == 1, "A gets the reply");
	back = NULL;
	for (i = 0; i < ba.n; i++)
		if (ba.c[i].type == UPCI_MSG_RECV)
			back = ba.c[i].peer;
	T(back == peer, "a reply comes from the connected peer object");
	free_bag(&ba);
	pair_close(fa, fb, &a, &b);
}

/* A restarts in the middle of a 1 MiB message: B sees -ECONNRESET. */
static void sender_restarts(void)
{
	static uint8_t big[1 << 20];
	struct upci_msg_peer *peer;
	struct fake_nic *fa, *fb;
	struct bag ba = { 0 }, bb = { 0 };
	struct msg_side a, b;

	pair_open(&fa, &fb, &a, &b, &peer);
	T_EQ(upci_msg_send(a.ep, peer, big, sizeof(big), 1, 0, NULL), 0, "send 1 MiB");
	pump(&a, &ba, &b, &bb, 3);
	T_EQ(bb.n, 0, "B has part of it");
	msg_side_close(&a);
	T_EQ(msg_side_open(&a, fa, &mcfg, 1), 0, "A starts again");
	T_EQ(upci_msg_connect(a.ep, fb->nic.info.mac, 2, &peer), 0, "and connects");
	T_EQ(upci_msg_send(a.ep, peer, "new", 3, 2, 0, NULL), 0, "send 3 bytes");
	pump(&a, &ba, &b, &bb, 100);
	T(bb.n == 2 && bb.c[0].type == UPCI_MSG_RECV && bb.c[0].status == -ECONNRESET &&
	  bb.c[0].tag == 1, "B: the partial message ends in -ECONNRESET");
	T(bb.n == 2 && bb.c[1].status == 0 && bb.c[1].len == 3 && bb.c[1].tag == 2,
	  "B: then the new session's message");
	free_bag(&bb);
	pair_close(fa, fb, &a, &b);
}

static void cancel_and_close(void)
{
	struct upci_msg_peer *peer;
	struct fake_nic *fa, *fb;
	struct bag ba = { 0 }, bb = { 0 };
	struct msg_side a, b;
	char post[2][8];
	int i;

	pair_open(&fa, &fb, &a, &b, &peer);
	for (i = 0; i < 10; i++)
		upci_msg_send(a.ep, peer, "pending", 7, i, 0, NULL);
	upci_msg_post_recv(a.ep, post[0], 8, post[0]);
	upci_msg_post_recv(a.ep, post[1], 8, post[1]);
	T_EQ(upci_msg_cancel(a.ep), 0, "cancel");
	pump(&a, &ba, NULL, NULL, 1);
	T(count(&ba, UPCI_MSG_SEND, -ECANCELED) == 10 &&
	  count(&ba, UPCI_MSG_RECV, -ECANCELED) == 2 && ba.c[11].context == post[1],
	  "ten sends and two posted receives end in -ECANCELED");
	T_EQ(upci_msg_send(a.ep, peer, "x", 1, 0, 0, NULL), -ESHUTDOWN, "send after cancel");
	T_EQ(upci_msg_post_recv(a.ep, post[0], 8, NULL), -ESHUTDOWN, "post after cancel");
	msg_side_close(&a);
	/* frames sent before the cancel still arrive: cancel recalls none */
	pump(NULL, NULL, &b, &bb, 2);
	T(bb.n <= 10, "B got at most the ten cancelled sends (%d)", bb.n);
	free_bag(&bb);

	/* close with sends pending and library buffers not polled: no leak */
	T_EQ(msg_side_open(&a, fa, &mcfg, 1), 0, "A again");
	T_EQ(upci_msg_connect(a.ep, fb->nic.info.mac, 2, &peer), 0, "connect");
	for (i = 0; i < 5; i++)
		upci_msg_send(a.ep, peer, "to B", 4, i, 0, NULL);
	pump(&a, &ba, NULL, NULL, 1);
	take(&b, &bb);
	take(&a, &ba);
	upci_msg_send(a.ep, peer, "pending", 7, 0, 0, NULL);
	T(bb.n == 5, "B received five (%d) and leaves them in place", bb.n);
	free_bag(&bb);
	for (i = 0; i < 5; i++)
		upci_msg_send(a.ep, peer, "unpolled", 8, i, 0, NULL);
	pump(&a, &ba, NULL, NULL, 1);
	upci_msg_poll(b.ep, NULL, 0);	/* progress only: five unpolled */
	pair_close(fa, fb, &a, &b);
	T(1, "closed with pending sends and unpolled messages (LeakSanitizer checks)");
}

static void nic_error(void)
{
	struct upci_msg_completion c;
	struct upci_msg_peer *peer;
	struct fake_nic *fa, *fb;
	struct bag ba = { 0 };
	struct msg_side a, b;
	int i;

	pair_open(&fa, &fb, &a, &b, &peer);
	for (i = 0; i < 3; i++)
		upci_msg_send(a.ep, peer, "doomed", 6, i, 0, NULL);
	fa->fail = -ENETDOWN;
	pump(&a, &ba, NULL, NULL, 2);
	T_EQ(count(&ba, UPCI_MSG_SEND, -ENETDOWN), 3, "pending sends end in -ENETDOWN");
	T_EQ(upci_msg_poll(a.ep, &c, 1), -ENETDOWN, "then poll returns -ENETDOWN");
	T_EQ(upci_msg_send(a.ep, peer, "x", 1, 0, 0, NULL), -ENETDOWN, "and send");
	T_EQ(upci_msg_wait(a.ep, 100), -ENETDOWN, "and wait");
	fa->fail = 0;
	pair_close(fa, fb, &a, &b);
}

int main(void)
{
	bad_arguments();
	too_long();
	unknown_and_dead_peers();
	receiver_restarts();
	sender_restarts();
	cancel_and_close();
	nic_error();
	return unit_done();
}
