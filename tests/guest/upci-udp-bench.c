// SPDX-License-Identifier: GPL-2.0
/*
 * upci-udp-bench: the kernel's side of the NIC benchmark (make bench,
 * tests/guest/bench-nic.sh): UDP over ordinary sockets, so that upci-msg's
 * figures have the kernel's network stack (igbvf + UDP) as their peer.
 *
 *   upci-udp-bench echo --port P [--busy-poll] [--timeout S]
 *	echo every datagram back to its sender; exits after S seconds
 *	without one (default 600)
 *   upci-udp-bench ping ADDR --port P --size BYTES --iters N [--warmup N]
 *			[--busy-poll]
 *	N round trips of BYTES-byte datagrams (8 to 65507); prints
 *	rtt_median_us:, rtt_p99_us:, lost:
 *   upci-udp-bench sink --port P [--busy-poll] [--timeout S]
 *	counts the datagrams of one blast; prints received: and msg_rate:
 *	(datagrams received per second, first to last)
 *   upci-udp-bench blast ADDR --port P --size BYTES --seconds T
 *	sends BYTES-byte datagrams as fast as it can for T seconds, then
 *	end markers; prints sent: and send_rate:
 *   upci-udp-bench coalesce IFACE USECS
 *	sets the interface's rx/tx interrupt coalescing (ethtool -C
 *	rx-usecs USECS tx-usecs USECS): 0 is igbvf's lowest throttling
 *
 * --busy-poll: the receiving side never sleeps: SO_BUSY_POLL on the
 * socket (the driver's NAPI poll runs in the receive call) and
 * non-blocking receives in a loop.  Without it, receives block and the
 * interrupt wakes them.  Every "listening" line is printed once the socket
 * is bound, for scripts that start the other side after it.
 * Exit status: 0 success, 1 failure, 2 bad usage.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_UDP		65507	/* 65535 - IPv4 header - UDP header */
#define BATCH		32	/* datagrams per sendmmsg/recvmmsg */
#define SINK_SLOT	2048	/* receive buffer per datagram in sink */
#define END_MARK_LEN	1	/* blast's end marker: a 1-byte datagram */
#define LOSS_WAIT_NS	1000000000ull	/* a ping reply later than this is lost */
#define SINK_IDLE_NS	2000000000ull	/* sink: quiet this long after data: done */

struct opts {
	const char *addr;
	unsigned int port;
	size_t size;
	unsigned long iters;
	unsigned long warmup;
	double seconds;
	unsigned int timeout_s;
	int busy;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: upci-udp-bench echo --port P [--busy-poll] [--timeout S]\n"
		"       upci-udp-bench ping ADDR --port P --size BYTES --iters N [--warmup N] [--busy-poll]\n"
		"       upci-udp-bench sink --port P [--busy-poll] [--timeout S]\n"
		"       upci-udp-bench blast ADDR --port P --size BYTES --seconds T\n"
		"       upci-udp-bench coalesce IFACE USECS\n");
	return 2;
}

static int parse_ul(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 0);
	if (errno || end == s || *end || *v > max || s[0] == '-') {
		fprintf(stderr, "upci-udp-bench: bad number '%s' (0 to %lu)\n", s, max);
		return -1;
	}
	return 0;
}

/* A UDP socket bound to @port (0: any), with busy polling if asked. */
static int udp_socket(const struct opts *o, unsigned int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct timeval tv = { .tv_sec = 0, .tv_usec = 100000 };
	int fd, one = 1, bufsz = 8 << 20, usecs = 50;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("upci-udp-bench: socket");
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* Big buffers help the kernel's rate (root may exceed rmem_max). */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bufsz, sizeof(bufsz)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &bufsz, sizeof(bufsz)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bufsz, sizeof(bufsz));
	/* Blocking receives wake up every 100 ms to check their deadline. */
	if (!o->busy)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (o->busy && setsockopt(fd, SOL_SOCKET, SO_BUSY_POLL, &usecs, sizeof(usecs)))
		fprintf(stderr, "upci-udp-bench: SO_BUSY_POLL: %s (spinning on non-blocking receives only)\n",
			strerror(errno));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "upci-udp-bench: bind to UDP port %u: %s\n", port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int peer_addr(const struct opts *o, struct sockaddr_in *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons(o->port);
	if (inet_pton(AF_INET, o->addr, &sa->sin_addr) != 1) {
		fprintf(stderr, "upci-udp-bench: '%s' is not an IPv4 address\n", o->addr);
		return -1;
	}
	return 0;
}

/*
 * Receive one datagram, waiting until @deadline (ns, CLOCK_MONOTONIC, checked
 * every 100 ms or 256 spins): spinning on non-blocking receives with
 * --busy-poll, else blocking.  Returns its length, -2 at the deadline,
 * -1 on an error (reported).
 */
static ssize_t recv_until(const struct opts *o, int fd, void *buf, size_t cap,
			  struct sockaddr_in *from, uint64_t deadline)
{
	socklen_t fl = sizeof(*from);
	unsigned int spins = 0;
	ssize_t n;

	for (;;) {
		n = recvfrom(fd, buf, cap, o->busy ? MSG_DONTWAIT : 0,
			     (struct sockaddr *)from, &fl);
		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			perror("upci-udp-bench: recvfrom");
			return -1;
		}
		if (o->busy && ++spins % 256)
			continue;
		if (now_ns() >= deadline)
			return -2;
	}
}

static int cmd_echo(const struct opts *o)
{
	struct sockaddr_in from;
	unsigned long echoed = 0;
	char *buf;
	ssize_t n;
	int fd;

	buf = malloc(MAX_UDP + 1);
	fd = buf ? udp_socket(o, o->port) : -1;
	if (fd < 0) {
		free(buf);
		return 1;
	}
	printf("listening on UDP port %u (%s)\n", o->port, o->busy ? "busy-poll" : "blocking");
	fflush(stdout);
	for (;;) {
		n = recv_until(o, fd, buf, MAX_UDP + 1, &from,
			       now_ns() + o->timeout_s * 1000000000ull);
		if (n == -2)
			break;
		if (n < 0) {
			free(buf);
			close(fd);
			return 1;
		}
		if (sendto(fd, buf, n, 0, (struct sockaddr *)&from, sizeof(from)) != n)
			perror("upci-udp-bench: echo sendto");
		echoed++;
	}
	printf("echoed: %lu\n", echoed);
	free(buf);
	close(fd);
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmd_ping(const struct opts *o)
{
	unsigned long total = o->warmup + o->iters, i, lost = 0, got = 0;
	struct sockaddr_in to, from;
	uint64_t *rtt;
	char *tx, *rx;
	int fd, ret = 1;

	if (o->size < 8 || o->size > MAX_UDP || !o->iters) {
		fprintf(stderr, "upci-udp-bench: ping needs --size 8..%d and --iters N > 0\n", MAX_UDP);
		return 2;
	}
	if (peer_addr(o, &to))
		return 2;
	tx = calloc(1, o->size);
	rx = malloc(MAX_UDP + 1);
	rtt = calloc(o->iters, sizeof(*rtt));
	fd = tx && rx && rtt ? udp_socket(o, 0) : -1;
	if (fd < 0)
		goto out;
	for (i = 0; i < total; i++) {
		uint64_t seq = i + 1, t0, dl;
		ssize_t n;

		memcpy(tx, &seq, sizeof(seq));
		t0 = now_ns();
		if (sendto(fd, tx, o->size, 0, (struct sockaddr *)&to, sizeof(to)) != (ssize_t)o->size) {
			fprintf(stderr, "upci-udp-bench: sendto %s:%u: %s\n", o->addr, o->port, strerror(errno));
			goto out;
		}
		dl = t0 + LOSS_WAIT_NS;
		for (;;) {
			uint64_t rseq;

			n = recv_until(o, fd, rx, MAX_UDP + 1, &from, dl);
			if (n == -1)
				goto out;
			if (n == -2) {
				lost++;
				break;
			}
			memcpy(&rseq, rx, sizeof(rseq));
			if (n == (ssize_t)o->size && rseq == seq) {
				if (i >= o->warmup)
					rtt[got++] = now_ns() - t0;
				break;
			}
			/* a late reply to an earlier, lost, round: skip it */
		}
		if (lost > total / 10 + 10) {
			fprintf(stderr, "upci-udp-bench: %lu of %lu round trips lost: is the echo server at %s:%u running?\n",
				lost, i + 1, o->addr, o->port);
			goto out;
		}
	}
	if (!got) {
		fprintf(stderr, "upci-udp-bench: no round trip completed\n");
		goto out;
	}
	qsort(rtt, got, sizeof(*rtt), cmp_u64);
	printf("size: %zu\niters: %lu\nlost: %lu\n", o->size, got, lost);
	printf("rtt_median_us: %.3f\n", (got % 2 ? rtt[got / 2] : (rtt[got / 2 - 1] + rtt[got / 2]) / 2) / 1e3);
	printf("rtt_p99_us: %.3f\n", rtt[(got * 99 + 99) / 100 - 1] / 1e3);
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	free(tx);
	free(rx);
	free(rtt);
	return ret;
}

static int cmd_sink(const struct opts *o)
{
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	uint64_t first = 0, last = 0, received = 0, start = now_ns();
	unsigned int spins = 0;
	char *buf;
	int fd, i, n, done = 0;

	buf = malloc(BATCH * SINK_SLOT);
	fd = buf ? udp_socket(o, o->port) : -1;
	if (fd < 0) {
		free(buf);
		return 1;
	}
	printf("listening on UDP port %u (%s)\n", o->port, o->busy ? "busy-poll" : "blocking");
	fflush(stdout);
	while (!done) {
		for (i = 0; i < BATCH; i++) {
			iov[i].iov_base = buf + i * SINK_SLOT;
			iov[i].iov_len = SINK_SLOT;
			memset(&msg[i].msg_hdr, 0, sizeof(msg[i].msg_hdr));
			msg[i].msg_hdr.msg_iov = &iov[i];
			msg[i].msg_hdr.msg_iovlen = 1;
		}
		n = recvmmsg(fd, msg, BATCH, o->busy ? MSG_DONTWAIT : MSG_WAITFORONE, NULL);
		if (n < 0) {
			uint64_t t;

			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
				perror("upci-udp-bench: recvmmsg");
				free(buf);
				close(fd);
				return 1;
			}
			if (o->busy && ++spins % 256)
				continue;
			t = now_ns();
			if (received ? t - last > SINK_IDLE_NS
				     : t - start > o->timeout_s * 1000000000ull)
				break;
			continue;
		}
		for (i = 0; i < n; i++) {
			if (msg[i].msg_len == END_MARK_LEN) {
				done = 1;
				break;
			}
			received++;
		}
		if (i) {
			last = now_ns();
			if (!first)
				first = last;
		}
	}
	printf("received: %llu\n", (unsigned long long)received);
	if (received < 2 || last <= first) {
		fprintf(stderr, "upci-udp-bench: sink received %llu datagrams: no rate\n",
			(unsigned long long)received);
		free(buf);
		close(fd);
		return 1;
	}
	printf("seconds: %.3f\n", (last - first) / 1e9);
	printf("msg_rate: %.0f\n", received / ((last - first) / 1e9));
	free(buf);
	close(fd);
	return 0;
}

static int cmd_blast(const struct opts *o)
{
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in to;
	uint64_t sent = 0, full = 0, start, end, t;
	char *buf;
	int fd, i, n;

	if (o->size <= END_MARK_LEN || o->size > MAX_UDP || o->seconds <= 0) {
		fprintf(stderr, "upci-udp-bench: blast needs --size 2..%d and --seconds T > 0\n", MAX_UDP);
		return 2;
	}
	if (peer_addr(o, &to))
		return 2;
	buf = calloc(BATCH, o->size);
	fd = buf ? udp_socket(o, 0) : -1;
	if (fd < 0) {
		free(buf);
		return 1;
	}
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = buf + i * o->size;
		iov[i].iov_len = o->size;
		memset(&msg[i].msg_hdr, 0, sizeof(msg[i].msg_hdr));
		msg[i].msg_hdr.msg_name = &to;
		msg[i].msg_hdr.msg_namelen = sizeof(to);
		msg[i].msg_hdr.msg_iov = &iov[i];
		msg[i].msg_hdr.msg_iovlen = 1;
	}
	start = now_ns();
	end = start + (uint64_t)(o->seconds * 1e9);
	do {
		for (i = 0; i < BATCH; i++) {
			uint64_t seq = sent + i;

			memcpy(buf + i * o->size, &seq, o->size < 8 ? o->size : 8);
		}
		n = sendmmsg(fd, msg, BATCH, 0);
		if (n < 0) {
			if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR) {
				fprintf(stderr, "upci-udp-bench: sendmmsg to %s:%u: %s\n",
					o->addr, o->port, strerror(errno));
				free(buf);
				close(fd);
				return 1;
			}
			full++;	/* a full queue: the kernel dropped or refused it */
			n = 0;
		}
		sent += n;
		t = now_ns();
	} while (t < end);
	/* End markers, spread out so that one gets through a full ring. */
	for (i = 0; i < 20; i++) {
		struct timespec ts = { 0, 20000000 };

		sendto(fd, buf, END_MARK_LEN, 0, (struct sockaddr *)&to, sizeof(to));
		nanosleep(&ts, NULL);
	}
	printf("sent: %llu\nsend_full: %llu\nsend_rate: %.0f\n", (unsigned long long)sent,
	       (unsigned long long)full, sent / ((t - start) / 1e9));
	free(buf);
	close(fd);
	return 0;
}

static int cmd_coalesce(const char *ifname, unsigned long usecs)
{
	struct ethtool_coalesce ec = { .cmd = ETHTOOL_GCOALESCE };
	struct ifreq ifr;
	int fd, ret = 0;

	if (strlen(ifname) >= IFNAMSIZ) {
		fprintf(stderr, "upci-udp-bench: interface name '%s' too long\n", ifname);
		return 2;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("upci-udp-bench: socket");
		return 1;
	}
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, ifname);
	ifr.ifr_data = (void *)&ec;
	if (ioctl(fd, SIOCETHTOOL, &ifr)) {
		fprintf(stderr, "upci-udp-bench: %s: reading interrupt coalescing: %s\n", ifname, strerror(errno));
		close(fd);
		return 1;
	}
	ec.cmd = ETHTOOL_SCOALESCE;
	ec.rx_coalesce_usecs = usecs;
	ec.tx_coalesce_usecs = usecs;
	if (ioctl(fd, SIOCETHTOOL, &ifr)) {
		/* igbvf takes tx-usecs only with separate TX interrupts */
		ec.tx_coalesce_usecs = 0;
		if (ioctl(fd, SIOCETHTOOL, &ifr)) {
			fprintf(stderr, "upci-udp-bench: %s: setting rx-usecs %lu: %s\n", ifname, usecs,
				strerror(errno));
			ret = 1;
		}
	}
	if (!ret)
		printf("%s: rx-usecs %lu\n", ifname, usecs);
	close(fd);
	return ret;
}

int main(int argc, char **argv)
{
	struct opts o = { .timeout_s = 600, .iters = 0, .warmup = 10 };
	const char *cmd;
	unsigned long v;
	int i = 2;

	if (argc < 2)
		return usage();
	cmd = argv[1];
	if (!strcmp(cmd, "coalesce")) {
		if (argc != 4 || parse_ul(argv[3], 100000, &v))
			return usage();
		return cmd_coalesce(argv[2], v);
	}
	if (!strcmp(cmd, "ping") || !strcmp(cmd, "blast")) {
		if (argc < 3 || argv[2][0] == '-')
			return usage();
		o.addr = argv[2];
		i = 3;
	} else if (strcmp(cmd, "echo") && strcmp(cmd, "sink")) {
		fprintf(stderr, "upci-udp-bench: unknown command '%s'\n", cmd);
		return usage();
	}
	for (; i < argc; i++) {
		const char *a = argv[i];
		int has = i + 1 < argc;

		if (!strcmp(a, "--busy-poll")) {
			o.busy = 1;
		} else if (!strcmp(a, "--port") && has) {
			if (parse_ul(argv[++i], 65535, &v))
				return 2;
			o.port = v;
		} else if (!strcmp(a, "--size") && has) {
			if (parse_ul(argv[++i], MAX_UDP, &v))
				return 2;
			o.size = v;
		} else if (!strcmp(a, "--iters") && has) {
			if (parse_ul(argv[++i], 100000000, &o.iters))
				return 2;
		} else if (!strcmp(a, "--warmup") && has) {
			if (parse_ul(argv[++i], 100000000, &o.warmup))
				return 2;
		} else if (!strcmp(a, "--timeout") && has) {
			if (parse_ul(argv[++i], 86400, &v))
				return 2;
			o.timeout_s = v;
		} else if (!strcmp(a, "--seconds") && has) {
			char *end;

			o.seconds = strtod(argv[++i], &end);
			if (*end || o.seconds <= 0 || o.seconds > 86400) {
				fprintf(stderr, "upci-udp-bench: bad --seconds '%s'\n", argv[i]);
				return 2;
			}
		} else {
			fprintf(stderr, "upci-udp-bench: unknown or incomplete option '%s'\n", a);
			return usage();
		}
	}
	if (!o.port) {
		fprintf(stderr, "upci-udp-bench: --port P is needed\n");
		return 2;
	}
	if (!strcmp(cmd, "echo"))
		return cmd_echo(&o);
	if (!strcmp(cmd, "sink"))
		return cmd_sink(&o);
	if (!strcmp(cmd, "ping"))
		return cmd_ping(&o);
	return cmd_blast(&o);
}
