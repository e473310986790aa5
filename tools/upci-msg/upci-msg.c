// SPDX-License-Identifier: GPL-2.0
/*
 * upci-msg: reliable messages between NIC functions through libupci-msg,
 * for tests, the demo and benchmarks.
 *
 *	upci-msg BDF info                        mac: and endpoint: lines
 *	upci-msg BDF recv --count N [--verify] [--slow US]
 *	upci-msg BDF send MAC[:EP] --count N (--size S | --sizes A,B,.. |
 *	                                      --random-sizes SEED [--max-size M])
 *	upci-msg BDF echo [--count N]            send every message back
 *	upci-msg BDF pingpong MAC[:EP] --size S --iters N
 *	upci-msg BDF rate MAC[:EP] --size S --seconds T
 *
 * Message i of a `send` carries its number as the immediate and its length
 * as the tag; its bytes derive from (--seed, i), so `recv --verify` checks
 * order, length and every byte.  `rate` ends with a message tagged
 * 0xffffffffffffffff, which ends a `recv --count 0`.  Every command ends
 * with a `stats:` line (retransmissions, gaps, duplicates, refusals) so a
 * test can show that frames were lost and recovered.
 *
 * Options: --ep N (our endpoint, default 1; a peer's default is 1 too),
 * --timeout MS (peer time-out, default 5000), --irq (default: spin, then
 * sleep on the interrupt) or --poll (spin only), --window N, --ring N,
 * --mtu N, --seed S, --linger MS (keep answering after the last message,
 * default 300), --max-msg BYTES (the largest message sent or accepted,
 * default the library's 64 MiB).  Exit status: 0 success, 1 failure, 2 bad usage.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <upci-msg.h>

#define END_TAG		0xffffffffffffffffull
#define MAX_SIZES	64
#define BATCH		32

struct opts {
	const char *bdf, *cmd, *peer;
	unsigned int ep, count, iters, seconds, slow_us, linger_ms, max_size;
	size_t sizes[MAX_SIZES];
	unsigned int nsizes;
	uint64_t seed, size_seed;
	bool verify, random_sizes, poll_only;
	struct upci_nic_config ncfg;
	struct upci_msg_config mcfg;
};

struct tool {
	struct opts *o;
	struct upci_nic *nic;
	struct upci_msg_ctx *ctx;
	struct upci_msg_ep *ep;
	struct upci_msg_peer *peer;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The byte at @off of message @no: changes with every shift of a fragment. */
static uint8_t pattern(uint64_t seed, uint64_t no, size_t off)
{
	uint64_t h = (seed ^ (no * 0x9e3779b97f4a7c15ull)) * 0xbf58476d1ce4e5b9ull;

	return (uint8_t)((h >> 29) + off * 0x9d + (off >> 8) * 0x35 + (off >> 16));
}

static void fill(uint8_t *buf, size_t len, uint64_t seed, uint64_t no)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = pattern(seed, no, i);
}

static size_t first_bad(const uint8_t *buf, size_t len, uint64_t seed, uint64_t no)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] != pattern(seed, no, i))
			return i;
	return len;
}

static int parse_peer(const char *s, uint8_t *mac, unsigned int *ep)
{
	unsigned int b[6], i;
	int n = 0;

	*ep = 1;
	if (sscanf(s, "%x:%x:%x:%x:%x:%x%n", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5], &n) != 6)
		return -EINVAL;
	if (s[n] == ':' && sscanf(s + n + 1, "%u", ep) != 1)
		return -EINVAL;
	else if (s[n] && s[n] != ':')
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			return -EINVAL;
		mac[i] = (uint8_t)b[i];
	}
	return 0;
}

/* Message @i's length for `send`. */
static size_t send_size(const struct opts *o, uint64_t i)
{
	uint64_t h;

	if (o->random_sizes) {
		h = (o->size_seed + i) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 31;
		return (size_t)(h % ((uint64_t)o->max_size + 1));
	}
	return o->sizes[i % o->nsizes];
}

/* ------------------------------------------------------------ waiting */

/* Up to @n completions; 0 if none came within @idle_ms; -errno. */
static int next(struct tool *t, struct upci_msg_completion *c, unsigned int n,
		int idle_ms)
{
	uint64_t deadline = now_ns() + (uint64_t)idle_ms * 1000000ull;
	int got;

	for (;;) {
		got = upci_msg_poll(t->ep, c, n);
		if (got)
			return got;
		if (now_ns() >= deadline)
			return 0;
		if (!t->o->poll_only) {
			got = upci_msg_wait(t->ep, idle_ms);
			if (got < 0)
				return got;
		}
	}
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "upci-msg: %s: %s\n", what, strerror(-err));
	return 1;
}

static void print_stats(struct tool *t)
{
	struct upci_msg_stats s;

	upci_msg_stats(t->ctx, &s);
	printf("stats: msgs_sent=%llu msgs_received=%llu frames_sent=%llu "
	       "retransmits=%llu rto_expired=%llu naks_sent=%llu naks_received=%llu "
	       "out_of_order=%llu duplicates=%llu no_credit=%llu acks_sent=%llu "
	       "bad_frames=%llu peer_failures=%llu drops_seen=%llu\n",
	       (unsigned long long)s.msgs_sent, (unsigned long long)s.msgs_received,
	       (unsigned long long)s.frames_sent, (unsigned long long)s.retransmits,
	       (unsigned long long)s.rto_expired, (unsigned long long)s.naks_sent,
	       (unsigned long long)s.naks_received, (unsigned long long)s.out_of_order,
	       (unsigned long long)s.duplicates, (unsigned long long)s.no_credit,
	       (unsigned long long)s.acks_sent, (unsigned long long)s.bad_frames,
	       (unsigned long long)s.peer_failures,
	       (unsigned long long)(s.out_of_order + s.naks_received + s.rto_expired));
}

/* Keep answering for --linger ms: our last ACK may have been lost. */
static void linger(struct tool *t)
{
	struct upci_msg_completion c[BATCH];
	uint64_t end = now_ns() + (uint64_t)t->o->linger_ms * 1000000ull;
	int got, i;

	while (now_ns() < end) {
		got = upci_msg_poll(t->ep, c, BATCH);
		for (i = 0; i < got; i++)
			if (c[i].flags & UPCI_MSG_F_ALLOCATED)
				upci_msg_buf_free(c[i].buf);
	}
}

/* ------------------------------------------------------------ commands */

static int cmd_info(struct tool *t)
{
	struct upci_nic_info info;
	int ret = upci_nic_info(t->nic, &info);

	if (ret)
		return fail("info", ret);
	printf("mac: %02x:%02x:%02x:%02x:%02x:%02x\n", info.mac[0], info.mac[1],
	       info.mac[2], info.mac[3], info.mac[4], info.mac[5]);
	printf("endpoint: %u\nmtu: %u\nlink: %s\n", t->o->ep, info.mtu,
	       info.link_up ? "up" : "down");
	return 0;
}

static int check_message(struct tool *t, const struct upci_msg_completion *c,
			 uint64_t no)
{
	size_t bad;

	if (c->status)
		return fail("receive", c->status);
	if (!t->o->verify)
		return 0;
	if (c->imm != (uint32_t)no || c->tag != c->len) {
		fprintf(stderr, "upci-msg: message %llu: got number %u, length %zu "
			"(tag says %llu)\n", (unsigned long long)no, c->imm, c->len,
			(unsigned long long)c->tag);
		return 1;
	}
	bad = first_bad(c->buf, c->len, t->o->seed, no);
	if (bad != c->len) {
		fprintf(stderr, "upci-msg: message %llu: byte %zu of %zu differs\n",
			(unsigned long long)no, bad, c->len);
		return 1;
	}
	return 0;
}

static int cmd_recv(struct tool *t)
{
	struct upci_msg_completion c[BATCH];
	int idle = (int)t->o->mcfg.peer_timeout_ms * 2;
	uint64_t no = 0, bytes = 0;
	bool end = false;
	int got, i, ret = 0;

	while (!ret && !end && (!t->o->count || no < t->o->count)) {
		got = next(t, c, t->o->slow_us ? 1 : BATCH, idle);
		if (got <= 0) {
			ret = got ? fail("receive", got) :
			      fail("receive: nothing arrived", -ETIMEDOUT);
			break;
		}
		for (i = 0; i < got; i++) {
			if (c[i].type == UPCI_MSG_RECV && c[i].tag == END_TAG && !c[i].status) {
				end = true;
			} else if (c[i].type == UPCI_MSG_RECV && !ret) {
				ret = check_message(t, &c[i], no++);
				bytes += c[i].len;
			}
			if (c[i].flags & UPCI_MSG_F_ALLOCATED)
				upci_msg_buf_free(c[i].buf);
		}
		if (t->o->slow_us)
			usleep(t->o->slow_us);
	}
	linger(t);
	printf("received: %llu\nbytes: %llu\n", (unsigned long long)no,
	       (unsigned long long)bytes);
	print_stats(t);
	return ret;
}

/* Wait for send completions until @outstanding is at most @keep. */
static int reap(struct tool *t, uint64_t *outstanding, uint64_t keep)
{
	struct upci_msg_completion c[BATCH];
	int idle = (int)t->o->mcfg.peer_timeout_ms * 2;
	int got, i;

	while (*outstanding > keep) {
		got = next(t, c, BATCH, idle);
		if (got <= 0)
			return fail("send", got ? got : -ETIMEDOUT);
		for (i = 0; i < got; i++) {
			if (c[i].type == UPCI_MSG_SEND) {
				(*outstanding)--;
				if (c[i].status)
					return fail("send", c[i].status);
				free(c[i].context);
			} else if (c[i].flags & UPCI_MSG_F_ALLOCATED) {
				upci_msg_buf_free(c[i].buf);
			}
		}
	}
	return 0;
}

static int send_one(struct tool *t, const void *src, size_t len, uint64_t tag,
		    uint32_t imm, uint64_t *outstanding)
{
	uint8_t *buf = malloc(len ? len : 1);
	int ret;

	if (!buf)
		return fail("send", -ENOMEM);
	if (src)
		memcpy(buf, src, len);
	else
		fill(buf, len, t->o->seed, imm);
	while ((ret = upci_msg_send(t->ep, t->peer, buf, len, tag, imm, buf)) == -EAGAIN)
		if (reap(t, outstanding, *outstanding - 1))
			break;
	if (ret) {
		free(buf);
		return fail("send", ret);
	}
	(*outstanding)++;
	return 0;
}

static int cmd_send(struct tool *t)
{
	uint64_t outstanding = 0, bytes = 0, i;
	uint64_t start = now_ns();
	size_t len;
	int ret = 0;

	for (i = 0; !ret && i < t->o->count; i++) {
		len = send_size(t->o, i);
		ret = send_one(t, NULL, len, len, (uint32_t)i, &outstanding);
		bytes += len;
		if (!ret && outstanding >= 256)
			ret = reap(t, &outstanding, 128);
	}
	if (!ret)
		ret = reap(t, &outstanding, 0);
	if (!ret)
		printf("sent: %llu\nbytes: %llu\nseconds: %.3f\n",
		       (unsigned long long)t->o->count, (unsigned long long)bytes,
		       (now_ns() - start) / 1e9);
	print_stats(t);
	return ret;
}

static int cmd_echo(struct tool *t)
{
	struct upci_msg_completion c[BATCH];
	int idle = (int)t->o->mcfg.peer_timeout_ms * 2;
	uint64_t echoed = 0;
	int got, i, ret = 0;

	while (!ret && (!t->o->count || echoed < t->o->count)) {
		got = next(t, c, BATCH, idle);
		if (got <= 0) {
			ret = fail("echo: nothing arrived", got ? got : -ETIMEDOUT);
			break;
		}
		for (i = 0; i < got && !ret; i++) {
			if (c[i].type == UPCI_MSG_SEND) {
				free(c[i].context);
				continue;
			}
			if (c[i].status) {
				ret = fail("echo", c[i].status);
				break;
			}
			t->peer = c[i].peer;
			/* the library's buffer is ours now: send it back as is */
			ret = upci_msg_send(t->ep, t->peer, c[i].buf, c[i].len,
					    c[i].tag, c[i].imm, c[i].buf);
			if (ret)
				ret = fail("echo: send", ret);
			echoed++;
		}
	}
	linger(t);
	printf("echoed: %llu\n", (unsigned long long)echoed);
	print_stats(t);
	return ret;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* One round trip of message @i; its time in *ns. */
static int round_trip(struct tool *t, const uint8_t *msg, size_t len,
		      uint32_t i, uint64_t *ns)
{
	struct upci_msg_completion c[4];
	uint64_t start = now_ns();
	bool sent = false, back = false;
	int idle = (int)t->o->mcfg.peer_timeout_ms * 2;
	int got, k, ret;

	ret = upci_msg_send(t->ep, t->peer, msg, len, len, i, NULL);
	if (ret)
		return fail("pingpong: send", ret);
	while (!sent || !back) {
		got = next(t, c, 4, idle);
		if (got <= 0)
			return fail("pingpong", got ? got : -ETIMEDOUT);
		for (k = 0; k < got; k++) {
			if (c[k].status)
				return fail("pingpong", c[k].status);
			if (c[k].type == UPCI_MSG_SEND) {
				sent = true;
				continue;
			}
			back = back || c[k].imm == i;
			if (c[k].len != len)
				ret = fail("pingpong: a reply of another length", -EPROTO);
			upci_msg_buf_free(c[k].buf);
			if (back && !*ns)
				*ns = now_ns() - start;
		}
	}
	return ret;
}

static int cmd_pingpong(struct tool *t)
{
	unsigned int warmup = t->o->iters / 10 + 1, n = t->o->iters, i;
	size_t len = t->o->nsizes ? t->o->sizes[0] : 64;
	uint64_t *rtt = calloc(n ? n : 1, sizeof(*rtt)), ns;
	uint8_t *msg = malloc(len ? len : 1);
	int ret = 0;

	if (!rtt || !msg) {
		free(rtt);
		free(msg);
		return fail("pingpong", -ENOMEM);
	}
	fill(msg, len, t->o->seed, 0);
	for (i = 0; !ret && i < warmup + n; i++) {
		ns = 0;
		ret = round_trip(t, msg, len, i, &ns);
		if (i >= warmup)
			rtt[i - warmup] = ns;
	}
	if (!ret && n) {
		qsort(rtt, n, sizeof(*rtt), cmp_u64);
		printf("size: %zu\niters: %u\nrtt_median_us: %.2f\nrtt_p99_us: %.2f\n",
		       len, n, rtt[n / 2] / 1e3, rtt[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1] / 1e3);
	}
	print_stats(t);
	free(rtt);
	free(msg);
	return ret;
}

static int cmd_rate(struct tool *t)
{
	size_t len = t->o->nsizes ? t->o->sizes[0] : 64;
	uint64_t start = now_ns(), end = start + t->o->seconds * 1000000000ull;
	uint64_t outstanding = 0, sent = 0, elapsed;
	int ret = 0;

	while (!ret && now_ns() < end) {
		ret = send_one(t, NULL, len, len, (uint32_t)sent, &outstanding);
		sent++;
		if (!ret && outstanding >= 512)
			ret = reap(t, &outstanding, 256);
	}
	if (!ret)
		ret = reap(t, &outstanding, 0);
	elapsed = now_ns() - start;
	if (!ret)
		ret = send_one(t, "", 0, END_TAG, 0, &outstanding);
	if (!ret)
		ret = reap(t, &outstanding, 0);
	if (!ret)
		printf("size: %zu\nmessages: %llu\nmsg_rate: %.0f\nmbytes_per_s: %.2f\n",
		       len, (unsigned long long)sent, sent / (elapsed / 1e9),
		       sent * (double)len / (elapsed / 1e3));
	print_stats(t);
	return ret;
}

/* ------------------------------------------------------------ options */

static int usage(void)
{
	fprintf(stderr,
		"usage: upci-msg BDF info|recv|send MAC[:EP]|echo|pingpong MAC[:EP]|rate MAC[:EP]\n"
		"  [--ep N] [--count N] [--verify] [--slow US] [--size S] [--sizes A,B,..]\n"
		"  [--random-sizes SEED] [--max-size M] [--iters N] [--seconds T]\n"
		"  [--timeout MS] [--irq|--poll] [--window N] [--ring N] [--mtu N]\n"
		"  [--seed S] [--linger MS] [--max-msg BYTES]\n");
	return 2;
}

static int parse_sizes(struct opts *o, const char *s)
{
	char *end;

	o->nsizes = 0;
	while (*s && o->nsizes < MAX_SIZES) {
		o->sizes[o->nsizes++] = strtoull(s, &end, 0);
		if (end == s || (*end && *end != ','))
			return -EINVAL;
		s = *end ? end + 1 : end;
	}
	return o->nsizes ? 0 : -EINVAL;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->ep = 1;
	o->seed = 1;
	o->linger_ms = 300;
	o->max_size = 1 << 20;
	o->iters = 1000;
	o->seconds = 5;
	o->mcfg.peer_timeout_ms = 5000;
	if (argc < 3)
		return -EINVAL;
	o->bdf = argv[1];
	o->cmd = argv[2];
	i = 3;
	if (!strcmp(o->cmd, "send") || !strcmp(o->cmd, "pingpong") || !strcmp(o->cmd, "rate")) {
		if (argc < 4)
			return -EINVAL;
		o->peer = argv[i++];
	}
	for (; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool has_value = true;

		if (!strcmp(a, "--verify"))
			o->verify = true, has_value = false;
		else if (!strcmp(a, "--poll"))
			o->poll_only = true, has_value = false;
		else if (!strcmp(a, "--irq"))
			o->poll_only = false, has_value = false;
		else if (!v)
			return -EINVAL;
		else if (!strcmp(a, "--ep"))
			o->ep = strtoul(v, NULL, 0);
		else if (!strcmp(a, "--count"))
			o->count = strtoul(v, NULL, 0);
		else if (!strcmp(a, "--slow"))
			o->slow_us = strtoul(v, NULL, 0);
		else if (!strcmp(a, "--size") || !strcmp(a, "--sizes")) {
			if (parse_sizes(o, v))
				return -EINVAL;
		} else if (!strcmp(a, "--random-sizes"))
			o->random_sizes = true, o->size_seed = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--max-size"))
			o->max_size = strtoul(v, NULL, 0);
		else if (!strcmp(a, "--iters"))
			o->iters = strtoul(v, NULL, 0);
		else if (!strcmp(a, "--seconds"))
			o->seconds = strtoul(v, NULL, 0);
		else if (!strcmp(a, "--timeout"))
			o->mcfg.peer_timeout_ms = strtoul(v, NULL, 0);
		else if (!strcmp(a, "--window"))
			o->mcfg.window = strtoul(v, NULL, 0);
		else if (!strcmp(a, "--ring"))
			o->ncfg.ring_size = strtoul(v, NULL, 0);
		else if (!strcmp(a, "--mtu"))
			o->ncfg.mtu = strtoul(v, NULL, 0);
		else if (!strcmp(a, "--seed"))
			o->seed = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--max-msg"))
			o->mcfg.max_msg_len = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--linger"))
			o->linger_ms = strtoul(v, NULL, 0);
		else
			return -EINVAL;
		i += has_value;
	}
	if (o->poll_only)
		o->ncfg.flags |= UPCI_NIC_NO_IRQ;
	if (!strcmp(o->cmd, "send") && (!o->count || (!o->nsizes && !o->random_sizes)))
		return -EINVAL;
	return 0;
}

static int run(struct tool *t)
{
	const char *cmd = t->o->cmd;

	if (!strcmp(cmd, "info"))
		return cmd_info(t);
	if (!strcmp(cmd, "recv"))
		return cmd_recv(t);
	if (!strcmp(cmd, "send"))
		return cmd_send(t);
	if (!strcmp(cmd, "echo"))
		return cmd_echo(t);
	if (!strcmp(cmd, "pingpong"))
		return cmd_pingpong(t);
	if (!strcmp(cmd, "rate"))
		return cmd_rate(t);
	return usage();
}

int main(int argc, char **argv)
{
	struct opts o;
	struct tool t = { .o = &o };
	uint8_t mac[UPCI_NIC_ETH_ALEN];
	unsigned int remote_ep;
	int ret;

	if (parse_opts(argc, argv, &o) || (o.peer && parse_peer(o.peer, mac, &remote_ep)))
		return usage();
	upci_set_log(upci_log_stderr, NULL, UPCI_LOG_WARNING);
	o.mcfg.log = upci_log_stderr;
	ret = upci_nic_open(o.bdf, &o.ncfg, &t.nic);
	if (ret)
		return fail(o.bdf, ret);
	ret = upci_msg_ctx_open(t.nic, &o.mcfg, &t.ctx);
	if (!ret)
		ret = upci_msg_open(t.ctx, o.ep, &t.ep);
	if (!ret && o.peer)
		ret = upci_msg_connect(t.ep, mac, remote_ep, &t.peer);
	ret = ret ? fail("messaging", ret) : run(&t);
	upci_msg_ctx_close(t.ctx);
	upci_nic_close(t.nic);
	return ret;
}
