// SPDX-License-Identifier: GPL-2.0
/*
 * upci-nic: bring a NIC function up through the NIC interface (libupci-nic)
 * and move raw frames, for tests and by hand.
 *
 *	upci-nic BDF info                       identity and link
 *	upci-nic BDF send DSTMAC --count N      N test frames
 *	upci-nic BDF recv --count N             N test frames, contents checked
 *	upci-nic BDF respond --ip A.B.C.D       answer ARP and ping for that IP
 *
 * Test frames have EtherType 0x88b6 (IEEE 802 local experimental 2); their
 * payload is the frame's number (32 bits, little endian) followed by bytes
 * derived from it, so the receiver checks every byte.  `respond` speaks
 * just enough IPv4 for the kernel's own ping to reach this driver: it
 * answers ARP requests and ICMP echo requests for its address, which shows
 * that frames of programs nobody here wrote pass both ways.
 *
 * Options: --size BYTES (frame length, 14..MTU+14; default 64), --mtu N,
 * --timeout MS (default 5000), --no-irq (spin only), --queue Q,
 * --queues N.  Exit status: 0 success, 1 failure, 2 bad usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <upci-nic.h>

#define TEST_ETHERTYPE	0x88b6
#define ETH_P_ARP	0x0806
#define ETH_P_IPV4	0x0800

struct opts {
	const char *bdf, *cmd, *peer, *ip;
	unsigned int count, size, queue;
	int timeout_ms;
	struct upci_nic_config cfg;
};

static int parse_mac(const char *s, uint8_t *mac)
{
	unsigned int b[6], i;
	char end;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &end) != 6)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			return -EINVAL;
		mac[i] = b[i];
	}
	return 0;
}

static int parse_ip(const char *s, uint8_t *ip)
{
	unsigned int b[4], i;
	char end;

	if (sscanf(s, "%u.%u.%u.%u%c", &b[0], &b[1], &b[2], &b[3], &end) != 4)
		return -EINVAL;
	for (i = 0; i < 4; i++) {
		if (b[i] > 255)
			return -EINVAL;
		ip[i] = b[i];
	}
	return 0;
}

static uint8_t pattern(uint32_t frame, uint32_t i)
{
	return (uint8_t)(frame * 131u + i * 7u + 1u);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void print_mac(const char *what, const uint8_t *m)
{
	printf("%s%02x:%02x:%02x:%02x:%02x:%02x\n", what, m[0], m[1], m[2],
	       m[3], m[4], m[5]);
}

static int do_info(struct upci_nic *nic)
{
	struct upci_nic_info info;
	int ret = upci_nic_info(nic, &info);

	if (ret)
		return ret;
	printf("driver: %s\nbdf: %s\n", info.driver, info.bdf);
	print_mac("mac: ", info.mac);
	printf("mtu: %u\nqueues: %u\nring-size: %u\nlink: %s\nspeed: %u\n",
	       info.mtu, info.queues, info.ring_size,
	       info.link_up ? "up" : "down", info.speed_mbps);
	return 0;
}

/* Sends one frame built by @fill; retries while the ring is full. */
static int send_one(struct upci_nic *nic, const struct opts *o,
		    void (*fill)(uint8_t *, uint32_t, const void *),
		    uint32_t len, const void *arg)
{
	struct upci_nic_frame f;
	int64_t deadline = now_ms() + o->timeout_ms;
	int ret;

	while ((ret = upci_nic_tx_alloc(nic, o->queue, &f, 1)) == 0) {
		if (now_ms() > deadline)
			return -ETIMEDOUT;
	}
	if (ret < 0)
		return ret;
	fill(f.data, len, arg);
	f.len = len;
	ret = upci_nic_tx_burst(nic, o->queue, &f, 1);
	return ret < 0 ? ret : 0;
}

struct test_frame {
	const uint8_t *dst, *src;
	uint32_t number;
};

static void fill_test(uint8_t *p, uint32_t len, const void *arg)
{
	const struct test_frame *t = arg;
	uint32_t i;

	memcpy(p, t->dst, 6);
	memcpy(p + 6, t->src, 6);
	put16(p + 12, TEST_ETHERTYPE);
	memcpy(p + 14, &t->number, len >= 18 ? 4 : len - 14);
	for (i = 18; i < len; i++)
		p[i] = pattern(t->number, i);
}

static int do_send(struct upci_nic *nic, const struct opts *o)
{
	struct upci_nic_info info;
	struct test_frame t;
	uint8_t dst[6];
	uint32_t i;
	int ret;

	if (parse_mac(o->peer, dst)) {
		fprintf(stderr, "upci-nic: bad MAC address '%s'\n", o->peer);
		return -EINVAL;
	}
	ret = upci_nic_info(nic, &info);
	if (ret)
		return ret;
	t.dst = dst;
	t.src = info.mac;
	for (i = 0; i < o->count; i++) {
		t.number = i;
		ret = send_one(nic, o, fill_test, o->size, &t);
		if (ret)
			return ret;
	}
	printf("sent: %u\n", o->count);
	return 0;
}

/* Checks a received test frame: 1 good, 0 not a test frame, -1 corrupt. */
static int check_test(const struct upci_nic_frame *f, uint32_t expect,
		      uint32_t size)
{
	const uint8_t *p = f->data;
	uint32_t i, number;

	if (f->len < UPCI_NIC_ETH_HLEN || get16(p + 12) != TEST_ETHERTYPE)
		return 0;
	if (f->len != (size < 60 ? 60 : size))
		return -1;
	if (size < 18)		/* too short to carry its number */
		return 1;
	memcpy(&number, p + 14, 4);
	if (number != expect)
		return -1;
	for (i = 18; i < size; i++) {
		if (p[i] != pattern(number, i))
			return -1;
	}
	return 1;
}

static int do_recv(struct upci_nic *nic, const struct opts *o)
{
	struct upci_nic_frame f[32];
	int64_t deadline = now_ms() + o->timeout_ms;
	uint32_t got = 0, bad = 0, other = 0;
	int n, i, ret;

	printf("listening\n");
	fflush(stdout);

	while (got + bad < o->count) {
		ret = upci_nic_wait(nic, (int)(deadline - now_ms()));
		if (ret < 0)
			return ret;
		if (ret == 0 || now_ms() > deadline)
			break;
		n = upci_nic_rx_burst(nic, o->queue, f, 32);
		if (n < 0)
			return n;
		for (i = 0; i < n; i++) {
			int c = check_test(&f[i], got + bad, o->size);

			if (c > 0)
				got++;
			else if (c < 0)
				bad++;
			else
				other++;
		}
		ret = upci_nic_rx_release(nic, o->queue, n);
		if (ret)
			return ret;
	}
	printf("received: %u\nbad: %u\nother: %u\n", got, bad, other);
	if (got != o->count) {
		fprintf(stderr, "upci-nic: %u of %u frames arrived intact\n",
			got, o->count);
		return -EIO;
	}
	return 0;
}

struct reply {
	const uint8_t *req;
	const uint8_t *mac;
};

/* ARP reply to req (an ARP request for our address) */
static void fill_arp(uint8_t *p, uint32_t len, const void *arg)
{
	const struct reply *r = arg;
	const uint8_t *q = r->req;

	(void)len;
	memcpy(p, q + 6, 6);
	memcpy(p + 6, r->mac, 6);
	put16(p + 12, ETH_P_ARP);
	memcpy(p + 14, q + 14, 6);		/* htype, ptype, hlen, plen */
	put16(p + 20, 2);			/* reply */
	memcpy(p + 22, r->mac, 6);		/* sender: us */
	memcpy(p + 28, q + 38, 4);
	memcpy(p + 32, q + 22, 10);		/* target: the asker */
	memset(p + 42, 0, 18);
}

static uint16_t csum(const uint8_t *p, uint32_t len)
{
	uint32_t sum = 0, i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len & 1)
		sum += p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* ICMP echo reply to req; len is the request's IP length + 14 */
static void fill_echo(uint8_t *p, uint32_t len, const void *arg)
{
	const struct reply *r = arg;
	uint32_t ihl = (r->req[14] & 0xf) * 4;

	memcpy(p, r->req, len);
	memcpy(p, r->req + 6, 6);
	memcpy(p + 6, r->mac, 6);
	memcpy(p + 26, r->req + 30, 4);		/* swap the IP addresses */
	memcpy(p + 30, r->req + 26, 4);
	p[22] = 64;				/* TTL */
	put16(p + 24, 0);
	put16(p + 24, csum(p + 14, ihl));
	p[14 + ihl] = 0;			/* echo reply */
	put16(p + 14 + ihl + 2, 0);
	put16(p + 14 + ihl + 2, csum(p + 14 + ihl, len - 14 - ihl));
}

/* Answers one frame if it is ARP or ping for @ip: 1 ping answered, 0, -errno */
static int answer(struct upci_nic *nic, const struct opts *o, const uint8_t *ip,
		  const uint8_t *mac, const struct upci_nic_frame *f)
{
	const uint8_t *p = f->data;
	struct reply r = { p, mac };
	uint32_t len;
	int ret;

	if (get16(p + 12) == ETH_P_ARP && f->len >= 42 && get16(p + 20) == 1 &&
	    !memcmp(p + 38, ip, 4))
		return send_one(nic, o, fill_arp, 60, &r);
	if (get16(p + 12) != ETH_P_IPV4 || f->len < 34 || memcmp(p + 30, ip, 4) ||
	    p[23] != 1)
		return 0;
	len = 14 + get16(p + 16);
	if (len > f->len || len < 14 + (p[14] & 0xfu) * 4 + 8 ||
	    p[14 + (p[14] & 0xf) * 4] != 8)
		return 0;
	ret = send_one(nic, o, fill_echo, len, &r);
	return ret ? ret : 1;
}

static int do_respond(struct upci_nic *nic, const struct opts *o)
{
	struct upci_nic_frame f[32];
	struct upci_nic_info info;
	int64_t deadline = now_ms() + o->timeout_ms;
	uint32_t echoes = 0;
	uint8_t ip[4];
	int n, i, ret;

	if (!o->ip || parse_ip(o->ip, ip)) {
		fprintf(stderr, "upci-nic: respond needs --ip A.B.C.D\n");
		return -EINVAL;
	}
	ret = upci_nic_info(nic, &info);
	if (ret)
		return ret;
	printf("responding: %s\n", o->ip);
	fflush(stdout);
	while (!o->count || echoes < o->count) {
		ret = upci_nic_wait(nic, (int)(deadline - now_ms()));
		if (ret <= 0 || now_ms() > deadline)
			break;
		n = upci_nic_rx_burst(nic, o->queue, f, 32);
		if (n < 0)
			return n;
		for (i = 0; i < n; i++) {
			ret = answer(nic, o, ip, info.mac, &f[i]);
			if (ret < 0)
				return ret;
			echoes += ret;
		}
		ret = upci_nic_rx_release(nic, o->queue, n);
		if (ret)
			return ret;
	}
	printf("echo-replies: %u\n", echoes);
	return o->count && echoes < o->count ? -ETIMEDOUT : 0;
}

static void print_stats(struct upci_nic *nic)
{
	struct upci_nic_stats st;

	if (upci_nic_stats(nic, &st))
		return;
	printf("stats: tx %llu rx %llu rx-errors %llu tx-ring-full %llu irq-waits %llu hw-tx %llu hw-rx %llu\n",
	       (unsigned long long)st.tx_frames, (unsigned long long)st.rx_frames,
	       (unsigned long long)st.rx_errors, (unsigned long long)st.tx_ring_full,
	       (unsigned long long)st.irq_waits, (unsigned long long)st.hw_tx_frames,
	       (unsigned long long)st.hw_rx_frames);
}

static int usage(void)
{
	fprintf(stderr,
		"usage: upci-nic BDF info|send DSTMAC|recv|respond [--count N] [--size BYTES]\n"
		"                [--ip A.B.C.D] [--mtu N] [--timeout MS] [--no-irq] [--queue Q] [--queues N]\n");
	return 2;
}

static int parse_uint(const char *s, unsigned int *v)
{
	char *end;
	unsigned long x;

	errno = 0;
	x = strtoul(s, &end, 0);
	if (errno || *end || end == s || x > 0xffffffffu)
		return -EINVAL;
	*v = x;
	return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	unsigned int to = 5000;
	int i;

	memset(o, 0, sizeof(*o));
	o->size = 64;
	if (argc < 3)
		return -EINVAL;
	o->bdf = argv[1];
	o->cmd = argv[2];
	i = 3;
	if (!strcmp(o->cmd, "send")) {
		if (argc < 4)
			return -EINVAL;
		o->peer = argv[i++];
	}
	for (; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		unsigned int *num = !strcmp(a, "--count") ? &o->count :
				    !strcmp(a, "--ring") ? &o->cfg.ring_size :
				    !strcmp(a, "--size") ? &o->size :
				    !strcmp(a, "--mtu") ? &o->cfg.mtu :
				    !strcmp(a, "--timeout") ? &to :
				    !strcmp(a, "--queue") ? &o->queue :
				    !strcmp(a, "--queues") ? &o->cfg.queues : NULL;

		if (num) {
			if (!v || parse_uint(v, num))
				return -EINVAL;
			i++;
		} else if (!strcmp(a, "--ip") && v) {
			o->ip = v;
			i++;
		} else if (!strcmp(a, "--no-irq")) {
			o->cfg.flags |= UPCI_NIC_NO_IRQ;
		} else {
			return -EINVAL;
		}
	}
	o->timeout_ms = (int)(to > 3600000 ? 3600000 : to);
	return 0;
}

int main(int argc, char **argv)
{
	struct upci_nic *nic;
	struct opts o;
	int ret;

	if (parse_args(argc, argv, &o))
		return usage();
	if (strcmp(o.cmd, "info") && strcmp(o.cmd, "send") &&
	    strcmp(o.cmd, "recv") && strcmp(o.cmd, "respond"))
		return usage();
	if (o.size < 14 || o.size > 14 + (o.cfg.mtu ? o.cfg.mtu : 1500)) {
		fprintf(stderr, "upci-nic: --size %u is outside 14..MTU+14\n", o.size);
		return 2;
	}
	if ((!strcmp(o.cmd, "send") || !strcmp(o.cmd, "recv")) && !o.count)
		o.count = 1;
	upci_set_log(upci_log_stderr, NULL, UPCI_LOG_INFO);
	ret = upci_nic_open(o.bdf, &o.cfg, &nic);
	if (ret) {
		fprintf(stderr, "upci-nic: %s: cannot bring the NIC up: %s\n",
			o.bdf, strerror(-ret));
		return 1;
	}
	if (!strcmp(o.cmd, "info"))
		ret = do_info(nic);
	else if (!strcmp(o.cmd, "send"))
		ret = do_send(nic, &o);
	else if (!strcmp(o.cmd, "recv"))
		ret = do_recv(nic, &o);
	else
		ret = do_respond(nic, &o);
	if (ret)
		fprintf(stderr, "upci-nic: %s %s: %s\n", o.bdf, o.cmd, strerror(-ret));
	print_stats(nic);
	upci_nic_close(nic);
	return ret ? 1 : 0;
}
