/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtp-load: G.711 RTP load over kernel UDP sockets on loopback, through a
 * relay that speaks the ng protocol (scripts/bench's rtpengine baseline),
 * or straight between its own sockets (--direct: the tool's own ceiling).
 *
 * Sets up N calls with ng offer/answer (real SDP; every leg a socket of its
 * own on 127.0.0.1), then each call's two legs send RTP to the relay's
 * ports: 172-byte PCMU packets whose payload carries the sending flow, a
 * 32-bit sequence and a CLOCK_MONOTONIC stamp, then mu-law speech. Packets
 * are paced per stream (phases spread over the streams), sent with
 * sendmmsg, received with recvmmsg (epoll), and every one is verified:
 * flow, SSRC, sequence (gaps, late), payload bytes; loss is counted per
 * trial by sequence, latency from the stamp. The peer's CPU time comes from
 * /proc/<pid>/stat, the tool's own from CLOCK_PROCESS_CPUTIME_ID, and drops
 * at the tool's own sockets from SO_RXQ_OVFL (so a tool that cannot keep up
 * is seen, not blamed on the peer).
 *
 * --search: RFC 2544 throughput, a binary search on the total rate (both
 * directions) for the highest rate whose trial loses at most --tolerance.
 * --transcode: the callee answers Opus only and sends Opus (libopus,
 * narrowband 16 kbit/s), the caller sends PCMU; offered with ng
 * codec-transcode=opus. Output is counted and checked (payload type, 20 ms
 * Opus frames, sequence continuity); CPU of the peer per call is reported.
 *
 * Output: "rtpload trial ..." per trial, "rtpload result ..." at the end.
 * Exit: 0 every trial passed (or the search ended), 3 a plain trial lost or
 * corrupted packets, 1 setup failed, 2 bad arguments.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <opus.h>
#include <spandsp.h>

#include "bencode/bencode.h"
#include "sdp/sdp.h"
#include "../unit/codec_sig.h"
#include "proc_cpu.h"

#define PKT_LEN		172	/* 12 RTP + 160 PCMU */
#define STAMP_LEN	16	/* flow, sequence, send time */
#define AUDIO_FRAMES	250	/* 5 s of speech, looped */
#define BATCH		64	/* sendmmsg / recvmmsg vector */
#define LAT_BUCKETS	200000	/* 1 us each */
#define OPUS_PT_DEFAULT	96

struct leg {
	int fd;
	uint16_t port;			/* ours */
	struct sockaddr_in dst;		/* where this leg sends */
	uint32_t ssrc;
	/* Sending. */
	uint32_t tx_seq;		/* next 32-bit sequence to number */
	uint64_t trial_numbered;	/* numbered in this trial */
	uint32_t trial_first;		/* first sequence of this trial */
	/* Receiving (from the other leg of the call). */
	uint32_t rx_next;		/* next sequence expected */
	bool rx_any;
	uint16_t rx_last16;		/* transcode: last RTP sequence */
	uint32_t ovfl;			/* SO_RXQ_OVFL: datagrams the kernel dropped at this socket */
};

struct counts {
	uint64_t numbered, tx, rx, inj_drop, tx_fail, gaps, late, stale, corrupt, misdirected, rtcp;
	uint64_t rx_a, rx_b, tx_a, tx_b;	/* per direction: A legs (caller) and B legs */
};

static struct {
	unsigned n_calls, n_legs, burst, drop_every, drain_ms;
	bool direct, transcode, quiet;
	int peer_pid, ep;
	struct sockaddr_in ng;
	int ng_fd;
	unsigned opus_pt;
	struct leg *legs;
	struct counts c;
	uint64_t drop_ctr;
	uint32_t lat[LAT_BUCKETS + 1];
	uint64_t lat_n;
	uint8_t ulaw[AUDIO_FRAMES * 160];
	uint8_t opus[AUDIO_FRAMES][256];
	uint16_t opus_len[AUDIO_FRAMES];
	unsigned run;
} L = { .burst = 1, .drain_ms = 2000 };

static struct mr_sdp sdp_buf;

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static double self_cpu_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* User + system time of a whole process (every thread), in seconds. */
static void put32(uint8_t *b, uint32_t v)
{
	sig_put32(b, v);
}

static uint32_t get32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* Speech, mu-law for the PCMU legs and Opus (narrowband 16 kbit/s) for the Opus legs. */
static int audio_init(void)
{
	static int16_t pcm[AUDIO_FRAMES * 160];
	OpusEncoder *enc;
	int err;

	sig_speech(pcm, AUDIO_FRAMES * 160, 8000, 3800);
	for (unsigned i = 0; i < AUDIO_FRAMES * 160; i++)
		L.ulaw[i] = linear_to_ulaw(pcm[i]);
	if (!L.transcode)
		return 0;
	enc = opus_encoder_create(8000, 1, OPUS_APPLICATION_VOIP, &err);
	if (enc == NULL)
		return -ENOMEM;
	opus_encoder_ctl(enc, OPUS_SET_BITRATE(16000));
	opus_encoder_ctl(enc, OPUS_SET_COMPLEXITY(5));
	for (unsigned i = 0; i < AUDIO_FRAMES; i++) {
		int n = opus_encode(enc, pcm + i * 160, 160, L.opus[i], sizeof(L.opus[i]));

		if (n <= 0) {
			opus_encoder_destroy(enc);
			return -EINVAL;
		}
		L.opus_len[i] = (uint16_t)n;
	}
	opus_encoder_destroy(enc);
	return 0;
}

static int leg_open(struct leg *g)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	int one = 1, sz = 256 << 10;	/* about 280 datagrams queued per leg */

	g->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (g->fd < 0)
		return -errno;
	if (setsockopt(g->fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(g->fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (setsockopt(g->fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(g->fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	setsockopt(g->fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one));
	if (bind(g->fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(g->fd, (struct sockaddr *)&a, &al) < 0)
		return -errno;
	g->port = ntohs(a.sin_port);
	return 0;
}

/* ------------------------------------------------------------------ ng */

static char *sdp_make(char *out, size_t cap, const struct leg *g, bool opus)
{
	if (opus)
		snprintf(out, cap, "v=0\r\no=- %u 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
			 "m=audio %u RTP/AVP %u\r\na=rtpmap:%u opus/48000/2\r\n"
			 "a=fmtp:%u maxplaybackrate=8000;sprop-maxcapturerate=8000\r\n"
			 "a=ptime:20\r\na=rtcp-mux\r\na=sendrecv\r\n",
			 g->ssrc, g->port, OPUS_PT_DEFAULT, OPUS_PT_DEFAULT, OPUS_PT_DEFAULT);
	else
		snprintf(out, cap, "v=0\r\no=- %u 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
			 "m=audio %u RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=ptime:20\r\na=rtcp-mux\r\n"
			 "a=sendrecv\r\n", g->ssrc, g->port);
	return out;
}

/*
 * One ng request (stage 0 offer, 1 answer, 2 delete) for call i and its
 * reply, retransmitted up to 3 times. On success with an SDP in the reply,
 * *dst is the relay's media address and *opus_pt the payload type it gave
 * Opus (when it lists Opus). Returns 0 or -errno (-EPROTO: an error reply).
 */
static int ng_request(unsigned i, unsigned stage, struct sockaddr_in *dst, unsigned *opus_pt)
{
	static uint8_t req[8192], rep[65536];
	static struct mr_bencode_node nodes[512];
	struct mr_bencode_doc doc;
	struct mr_bencode_enc e;
	char cookie[48], cid[48], sdp[1024];
	size_t cl, len;
	struct mr_str ck, msg, s;
	const char *why = NULL;

	cl = (size_t)snprintf(cookie, sizeof(cookie), "%u_%u_%u ", L.run, i, stage);
	snprintf(cid, sizeof(cid), "rtpload-%u-%u@127.0.0.1", L.run, i);
	memcpy(req, cookie, cl);
	mr_bencode_enc_init(&e, req + cl, sizeof(req) - cl);
	mr_bencode_enc_dict_start(&e);
	mr_bencode_enc_kv_cstr(&e, "command", stage == 0 ? "offer" : stage == 1 ? "answer" : "delete");
	mr_bencode_enc_kv_cstr(&e, "call-id", cid);
	mr_bencode_enc_kv_cstr(&e, "from-tag", "caller");
	if (stage == 1)
		mr_bencode_enc_kv_cstr(&e, "to-tag", "callee");
	if (stage < 2) {
		mr_bencode_enc_kv_cstr(&e, "sdp", sdp_make(sdp, sizeof(sdp), &L.legs[2 * i + stage],
							  stage == 1 && L.transcode));
		mr_bencode_enc_key(&e, "flags");
		mr_bencode_enc_list_start(&e);
		mr_bencode_enc_cstr(&e, "trust-address");
		mr_bencode_enc_end(&e);
		mr_bencode_enc_key(&e, "replace");
		mr_bencode_enc_list_start(&e);
		mr_bencode_enc_cstr(&e, "origin");
		mr_bencode_enc_cstr(&e, "session-connection");
		mr_bencode_enc_end(&e);
		if (stage == 0 && L.transcode) {
			mr_bencode_enc_key(&e, "codec");
			mr_bencode_enc_dict_start(&e);
			mr_bencode_enc_key(&e, "transcode");
			mr_bencode_enc_list_start(&e);
			mr_bencode_enc_cstr(&e, "opus");
			mr_bencode_enc_end(&e);
			mr_bencode_enc_end(&e);
		}
	}
	mr_bencode_enc_end(&e);
	if (mr_bencode_enc_finish(&e, &len) < 0)
		return -ENOSPC;
	len += cl;

	for (int tries = 0; tries < 4; tries++) {
		struct pollfd pf = { .fd = L.ng_fd, .events = POLLIN };
		uint64_t until = now_ns() + 1000000000u;

		if (send(L.ng_fd, req, len, 0) < 0)
			return -errno;
		while (now_ns() < until) {
			ssize_t r;

			if (poll(&pf, 1, 100) != 1)
				continue;
			r = recv(L.ng_fd, rep, sizeof(rep), 0);
			if (r <= 0 || (size_t)r < cl || memcmp(rep, cookie, cl) != 0)
				continue;	/* a late reply to an earlier request */
			mr_bencode_doc_init(&doc, nodes, MR_ARRAY_SIZE(nodes));
			if (mr_bencode_cookie_split(rep, (size_t)r, &ck, &msg, &why) < 0 ||
			    mr_bencode_decode_dict(&doc, (const uint8_t *)msg.p, msg.len, &why) < 0) {
				fprintf(stderr, "rtp-load: bad ng reply: %s\n", why ? why : "?");
				return -EBADMSG;
			}
			if (mr_bencode_dict_get_str(&doc, mr_bencode_root(&doc), "result", &s) < 0 ||
			    !mr_str_eq(s, MR_STR_LIT("ok"))) {
				struct mr_str er = MR_STR_LIT("?");

				mr_bencode_dict_get_str(&doc, mr_bencode_root(&doc), "error-reason", &er);
				if (stage < 2 || !L.quiet)
					fprintf(stderr, "rtp-load: ng %s of call %u: %.*s\n",
						stage == 0 ? "offer" : stage == 1 ? "answer" : "delete", i,
						(int)er.len, er.p);
				return -EPROTO;
			}
			if (stage == 2)
				return 0;
			if (mr_bencode_dict_get_str(&doc, mr_bencode_root(&doc), "sdp", &s) < 0 ||
			    mr_sdp_parse((const uint8_t *)s.p, s.len, &sdp_buf, &why) < 0 ||
			    sdp_buf.n_media < 1) {
				fprintf(stderr, "rtp-load: no usable SDP in the ng reply (%s)\n", why ? why : "?");
				return -EBADMSG;
			}
			{
				const struct mr_sdp_conn *c = mr_sdp_media_conn(&sdp_buf, 0);
				const struct mr_sdp_media *m = &sdp_buf.media[0];

				if (c == NULL || c->af != MR_SDP_AF_IP4 || m->port == 0) {
					fprintf(stderr, "rtp-load: reply SDP has no IPv4 media address\n");
					return -EBADMSG;
				}
				memset(dst, 0, sizeof(*dst));
				dst->sin_family = AF_INET;
				memcpy(&dst->sin_addr, c->addr, 4);
				dst->sin_port = htons(m->port);
				for (unsigned k = 0; opus_pt && k < m->n_fmt; k++)
					if (m->fmt[k].encoding.len == 4 &&
					    strncasecmp(m->fmt[k].encoding.p, "opus", 4) == 0)
						*opus_pt = (unsigned)m->fmt[k].pt;
			}
			return 0;
		}
	}
	fprintf(stderr, "rtp-load: no ng reply to call %u stage %u\n", i, stage);
	return -ETIMEDOUT;
}

static int calls_setup(void)
{
	for (unsigned i = 0; i < L.n_calls; i++) {
		struct leg *a = &L.legs[2 * i], *b = &L.legs[2 * i + 1];
		unsigned pt = 0;
		int rc;

		if (L.direct) {
			a->dst = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(b->port),
						       .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
			b->dst = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(a->port),
						       .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		} else {
			/* The offer's reply goes to the callee: where B sends. The answer's, to A. */
			rc = ng_request(i, 0, &b->dst, &pt);
			if (rc < 0)
				return rc;
			if (L.transcode) {
				if (pt == 0) {
					fprintf(stderr, "rtp-load: the relay did not offer Opus to the callee\n");
					return -EPROTO;
				}
				L.opus_pt = pt;
			}
			rc = ng_request(i, 1, &a->dst, NULL);
			if (rc < 0)
				return rc;
		}
		/* Connected: only the relay's port for this leg is received from. */
		if (connect(a->fd, (struct sockaddr *)&a->dst, sizeof(a->dst)) < 0 ||
		    connect(b->fd, (struct sockaddr *)&b->dst, sizeof(b->dst)) < 0)
			return -errno;
	}
	return 0;
}

static void calls_delete(void)
{
	bool q = L.quiet;

	if (L.direct)
		return;
	L.quiet = true;
	for (unsigned i = 0; i < L.n_calls; i++) {
		struct sockaddr_in dummy;

		if (ng_request(i, 2, &dummy, NULL) == -ETIMEDOUT)
			break;
	}
	L.quiet = q;
}

/*
 * Fresh calls for the next trial (new call-ids, new relay ports, the same
 * sockets): a relay that was overloaded in a trial may leave its streams
 * in a state of its own (rtpengine stops forwarding a stream whose socket
 * queue overflowed), and each trial must start from the same state.
 */
static int calls_renew(void)
{
	calls_delete();
	L.run += 100000;
	return calls_setup();
}

/* ------------------------------------------------------------- traffic */

/* k packets of leg f now (k <= BATCH). */
static void send_burst(unsigned f, unsigned k)
{
	static uint8_t pkt[BATCH][PKT_LEN];
	static struct iovec iov[BATCH];
	static struct mmsghdr mm[BATCH];
	struct leg *g = &L.legs[f];
	bool opus = L.transcode && (f & 1);
	uint64_t t = now_ns();
	unsigned n = 0;
	int sent;

	for (unsigned i = 0; i < k; i++) {
		uint32_t seq = g->tx_seq++;
		uint8_t *p = pkt[n];
		unsigned fr = seq % AUDIO_FRAMES;
		size_t len = PKT_LEN;

		g->trial_numbered++;
		L.c.numbered++;
		if (L.drop_every && ++L.drop_ctr % L.drop_every == 0) {
			L.c.inj_drop++;	/* numbered, never sent: the receiver must count it lost */
			continue;
		}
		p[0] = 0x80;
		p[1] = opus ? (uint8_t)L.opus_pt : 0;
		sig_put16(p + 2, (uint16_t)seq);
		put32(p + 4, seq * (opus ? 960u : 160u));
		put32(p + 8, g->ssrc);
		if (opus) {
			memcpy(p + 12, L.opus[fr], L.opus_len[fr]);
			len = 12u + L.opus_len[fr];
		} else if (L.transcode) {
			memcpy(p + 12, L.ulaw + fr * 160, 160);
		} else {
			put32(p + 12, f);
			put32(p + 16, seq);
			memcpy(p + 20, &t, 8);
			memcpy(p + 12 + STAMP_LEN, L.ulaw + fr * 160 + STAMP_LEN, 160 - STAMP_LEN);
		}
		iov[n] = (struct iovec){ .iov_base = p, .iov_len = len };
		mm[n].msg_hdr = (struct msghdr){ .msg_iov = &iov[n], .msg_iovlen = 1 };
		n++;
	}
	for (unsigned off = 0; off < n;) {
		sent = sendmmsg(g->fd, mm + off, n - off, 0);
		if (sent <= 0) {
			L.c.tx_fail += n - off;	/* ENOBUFS, or ICMP unreachable from a port nobody holds */
			break;
		}
		off += (unsigned)sent;
		L.c.tx += (unsigned)sent;
		if (f & 1)
			L.c.tx_b += (unsigned)sent;
		else
			L.c.tx_a += (unsigned)sent;
	}
}

static void on_packet(unsigned gi, const uint8_t *p, size_t len, uint64_t t)
{
	struct leg *g = &L.legs[gi];
	const struct leg *from = &L.legs[gi ^ 1];

	if (len >= 2 && p[1] >= 192 && p[1] <= 223) {
		L.c.rtcp++;	/* RTCP on the muxed port (RFC 5761) */
		return;
	}
	if (L.transcode) {
		uint16_t seq;
		bool opus = gi & 1;	/* B legs receive Opus */

		if (len < 12 || p[0] >> 6 != 2 ||
		    (p[1] & 0x7f) != (opus ? L.opus_pt : 0) ||
		    (opus ? opus_packet_get_nb_samples(p + 12, (opus_int32)(len - 12), 48000) != 960
			  : len != PKT_LEN)) {
			L.c.corrupt++;
			return;
		}
		seq = (uint16_t)(p[2] << 8 | p[3]);
		if (g->rx_any && seq != (uint16_t)(g->rx_last16 + 1))
			L.c.gaps++;
		g->rx_any = true;
		g->rx_last16 = seq;
		L.c.rx++;
		if (opus)
			L.c.rx_b++;
		else
			L.c.rx_a++;
		return;
	}
	if (len != PKT_LEN || p[0] != 0x80 || (p[1] & 0x7f) != 0 || get32(p + 8) != from->ssrc) {
		L.c.corrupt++;
		return;
	}
	if (get32(p + 12) != (gi ^ 1u)) {
		L.c.misdirected++;
		return;
	}
	{
		uint32_t seq = get32(p + 16);
		uint64_t sent;

		if ((uint16_t)seq != (uint16_t)(p[2] << 8 | p[3]) ||
		    memcmp(p + 12 + STAMP_LEN, L.ulaw + (seq % AUDIO_FRAMES) * 160 + STAMP_LEN,
			   160 - STAMP_LEN) != 0) {
			L.c.corrupt++;
			return;
		}
		if ((int32_t)(seq - from->trial_first) < 0) {
			L.c.stale++;	/* from an earlier trial, after its drain */
			return;
		}
		if (seq == g->rx_next) {
			g->rx_next = seq + 1;
		} else if ((int32_t)(seq - g->rx_next) > 0) {
			L.c.gaps++;
			g->rx_next = seq + 1;
		} else {
			L.c.late++;	/* reordered or duplicated: not counted as received twice */
			return;
		}
		memcpy(&sent, p + 20, 8);
		L.lat[t - sent < (uint64_t)LAT_BUCKETS * 1000 ? (t - sent) / 1000 : LAT_BUCKETS]++;
		L.lat_n++;
		L.c.rx++;
		if (gi & 1)
			L.c.rx_b++;
		else
			L.c.rx_a++;
	}
}

/* Drain every ready socket once; wait at most timeout_ns for the first. */
static void rx_poll(uint64_t timeout_ns)
{
	static uint8_t buf[BATCH][2048];
	static char ctl[BATCH][CMSG_SPACE(sizeof(uint32_t))];
	static struct iovec iov[BATCH];
	static struct mmsghdr mm[BATCH];
	struct epoll_event ev[256];
	struct timespec to = { .tv_sec = (time_t)(timeout_ns / 1000000000u),
			       .tv_nsec = (long)(timeout_ns % 1000000000u) };
	int n = epoll_pwait2(L.ep, ev, 256, &to, NULL);

	for (int i = 0; i < n; i++) {
		unsigned gi = ev[i].data.u32;
		struct leg *g = &L.legs[gi];
		int r;

		for (unsigned k = 0; k < BATCH; k++) {
			iov[k] = (struct iovec){ .iov_base = buf[k], .iov_len = sizeof(buf[k]) };
			mm[k].msg_hdr = (struct msghdr){ .msg_iov = &iov[k], .msg_iovlen = 1,
							 .msg_control = ctl[k], .msg_controllen = sizeof(ctl[k]) };
		}
		r = recvmmsg(g->fd, mm, BATCH, MSG_DONTWAIT, NULL);
		if (r <= 0)
			continue;
		{
			uint64_t t = now_ns();

			for (int k = 0; k < r; k++) {
				struct cmsghdr *c;

				on_packet(gi, buf[k], mm[k].msg_len, t);
				for (c = CMSG_FIRSTHDR(&mm[k].msg_hdr); c; c = CMSG_NXTHDR(&mm[k].msg_hdr, c))
					if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL)
						memcpy(&g->ovfl, CMSG_DATA(c), sizeof(uint32_t));
			}
		}
	}
}

/*
 * Empty every socket before a trial: what an overloaded trial left queued
 * (up to a socket buffer per leg) would otherwise crowd out the next
 * trial's packets. Returns the datagrams thrown away.
 */
static uint64_t flush_sockets(void)
{
	static uint8_t buf[BATCH][64];
	static char ctl[BATCH][CMSG_SPACE(sizeof(uint32_t))];
	static struct iovec iov[BATCH];
	static struct mmsghdr mm[BATCH];
	uint64_t n = 0;

	for (unsigned gi = 0; gi < L.n_legs; gi++) {
		for (;;) {
			int r;

			for (unsigned k = 0; k < BATCH; k++) {
				iov[k] = (struct iovec){ .iov_base = buf[k], .iov_len = sizeof(buf[k]) };
				mm[k].msg_hdr = (struct msghdr){ .msg_iov = &iov[k], .msg_iovlen = 1,
								 .msg_control = ctl[k],
								 .msg_controllen = sizeof(ctl[k]) };
			}
			r = recvmmsg(L.legs[gi].fd, mm, BATCH, MSG_DONTWAIT, NULL);
			if (r <= 0)
				break;
			n += (unsigned)r;
			for (struct cmsghdr *c = CMSG_FIRSTHDR(&mm[r - 1].msg_hdr); c;
			     c = CMSG_NXTHDR(&mm[r - 1].msg_hdr, c))
				if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL)
					memcpy(&L.legs[gi].ovfl, CMSG_DATA(c), sizeof(uint32_t));
		}
	}
	return n;
}

static uint64_t own_drops(void)
{
	uint64_t s = 0;

	for (unsigned i = 0; i < L.n_legs; i++)
		s += L.legs[i].ovfl;
	return s;
}

static uint64_t lat_pct(double q)
{
	uint64_t want = (uint64_t)(q * (double)L.lat_n), acc = 0;

	if (L.lat_n == 0)
		return 0;
	for (unsigned i = 0; i <= LAT_BUCKETS; i++) {
		acc += L.lat[i];
		if (acc > want)
			return (uint64_t)i * 1000 + 500;
	}
	return (uint64_t)LAT_BUCKETS * 1000;
}

struct trial_res {
	double rate, secs, peer_cpu, self_cpu, offered;
	uint64_t lost, own_drops;
	bool pass, behind;
	struct counts c;
};

/*
 * One trial: every stream at rate / streams packets per second for secs,
 * then up to drain_ms for the rest to arrive. Loss is counted by sequence
 * against what was numbered in the trial, so what an earlier trial lost
 * late never counts here.
 */
static void trial(double rate, double secs, double tolerance, const char *phase, struct trial_res *res)
{
	unsigned ns = L.n_legs;
	double per = rate / ns, c0, s0, c1, s1;
	uint64_t t0, tend, o0, last_rx_t, t_flush = 0, flushed;
	bool sending = true;

	flushed = flush_sockets();

	memset(&L.c, 0, sizeof(L.c));
	memset(L.lat, 0, sizeof(L.lat));
	L.lat_n = 0;
	for (unsigned f = 0; f < ns; f++) {
		L.legs[f].trial_numbered = 0;
		L.legs[f].trial_first = L.legs[f].tx_seq;
	}
	for (unsigned f = 0; f < ns; f++)
		L.legs[f].rx_next = L.legs[f ^ 1].tx_seq;
	o0 = own_drops();
	c0 = proc_cpu_s(L.peer_pid);
	s0 = self_cpu_s();
	t0 = now_ns();
	tend = t0 + (uint64_t)(secs * 1e9);
	last_rx_t = t0;
	for (;;) {
		uint64_t t = now_ns(), before = L.c.rx + L.c.corrupt + L.c.misdirected;

		if (sending) {
			double dt = (double)((t < tend ? t : tend) - t0) / 1e9;
			bool last = t >= tend;

			for (unsigned f = 0; f < ns; f++) {
				struct leg *g = &L.legs[f];
				uint64_t due = (uint64_t)(per * dt + (double)f / ns);

				while (due > g->trial_numbered &&
				       (last || due - g->trial_numbered >= L.burst)) {
					uint64_t k = due - g->trial_numbered;

					send_burst(f, k > BATCH ? BATCH : (unsigned)k);
				}
			}
			if (last) {
				sending = false;
				t_flush = now_ns();
				last_rx_t = t;
			}
		}
		/* Sleep about until the next burst is due, unless packets arrive. */
		rx_poll(sending ? (uint64_t)(1e9 * L.burst / (rate > 1 ? rate : 1) / 2) + 20000 : 10000000);
		if (L.c.rx + L.c.corrupt + L.c.misdirected != before)
			last_rx_t = now_ns();
		if (!sending) {
			uint64_t got = L.c.rx + L.c.corrupt + L.c.misdirected;
			uint64_t want = L.transcode ? 0 : L.c.numbered - L.c.inj_drop - L.c.tx_fail;

			t = now_ns();
			if (!L.transcode && got >= want)
				break;
			/* Transcoded streams may differ in count: stop after 300 ms of silence. */
			if (L.transcode && t - last_rx_t > 300000000u)
				break;
			if (t - tend > (uint64_t)L.drain_ms * 1000000u)
				break;
		}
	}
	c1 = proc_cpu_s(L.peer_pid);
	s1 = self_cpu_s();
	res->rate = rate;
	res->secs = (double)(now_ns() - t0) / 1e9;
	res->peer_cpu = c1 - c0;
	res->self_cpu = s1 - s0;
	res->c = L.c;
	res->own_drops = own_drops() - o0;
	res->lost = L.c.numbered > L.c.rx ? L.c.numbered - L.c.rx : 0;
	/*
	 * The rate offered is what was numbered over the time it took: a tool
	 * that fell behind offered less than asked and the trial does not count.
	 */
	res->offered = (double)L.c.numbered / ((double)(t_flush - t0) / 1e9);
	res->behind = res->offered < 0.95 * rate && strcmp(phase, "warmup") != 0;
	res->pass = !res->behind && !L.transcode && L.c.corrupt == 0 && L.c.misdirected == 0 &&
		    (double)res->lost <= tolerance * (double)L.c.numbered;
	if (L.transcode)
		res->pass = !res->behind && L.c.corrupt == 0;
	printf("rtpload trial phase=%s rate=%.0f offered_pps=%.0f behind=%d seconds=%.3f numbered=%" PRIu64 " tx=%" PRIu64
	       " rx=%" PRIu64 " lost=%" PRIu64 " inj_drop=%" PRIu64 " tx_fail=%" PRIu64 " gaps=%" PRIu64
	       " late=%" PRIu64 " stale=%" PRIu64 " corrupt=%" PRIu64 " misdirected=%" PRIu64
	       " rtcp=%" PRIu64 " own_sock_drops=%" PRIu64 " flushed_before=%" PRIu64 " tx_a=%" PRIu64 " rx_a=%" PRIu64
	       " tx_b=%" PRIu64 " rx_b=%" PRIu64 " peer_cpu_s=%.3f self_cpu_s=%.3f"
	       " lat_p50_ns=%" PRIu64 " lat_p99_ns=%" PRIu64 " lat_p999_ns=%" PRIu64 " pass=%d\n",
	       phase, rate, res->offered, res->behind, res->secs, L.c.numbered, L.c.tx, L.c.rx, res->lost, L.c.inj_drop,
	       L.c.tx_fail, L.c.gaps, L.c.late, L.c.stale, L.c.corrupt, L.c.misdirected, L.c.rtcp,
	       res->own_drops, flushed, L.c.tx_a, L.c.rx_a, L.c.tx_b, L.c.rx_b, res->peer_cpu, res->self_cpu,
	       lat_pct(0.5), lat_pct(0.99), lat_pct(0.999), res->pass);
	fflush(stdout);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: rtp-load (--ng HOST:PORT | --direct) [-n CALLS] [-r PPS] [-d SECONDS]\n"
		"                [--search [--max-rate PPS] [--precision F] [--tolerance F]]\n"
		"                [--transcode] [--pid PEER-PID] [--burst N] [--drop-every K]\n"
		"                [--drain-ms MS] [--run ID]\n"
		"  -r: total packets per second, both directions (default 50 per stream)\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ng", required_argument, NULL, 'g' },
		{ "direct", no_argument, NULL, 'D' },
		{ "calls", required_argument, NULL, 'n' },
		{ "rate", required_argument, NULL, 'r' },
		{ "duration", required_argument, NULL, 'd' },
		{ "search", no_argument, NULL, 'S' },
		{ "max-rate", required_argument, NULL, 'M' },
		{ "precision", required_argument, NULL, 'P' },
		{ "tolerance", required_argument, NULL, 'T' },
		{ "transcode", no_argument, NULL, 'x' },
		{ "pid", required_argument, NULL, 'p' },
		{ "burst", required_argument, NULL, 'b' },
		{ "drop-every", required_argument, NULL, 'k' },
		{ "drain-ms", required_argument, NULL, 'w' },
		{ "run", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	double rate = 0, secs = 1, max_rate = 400000, precision = 0.02, tolerance = 0;
	bool search = false;
	struct trial_res res, best = { 0 };
	int c, rc = 0;

	L.n_calls = 100;
	L.run = (unsigned)getpid();
	while ((c = getopt_long(argc, argv, "n:r:d:", opts, NULL)) != -1) {
		char *end = NULL;

		switch (c) {
		case 'g': {
			char host[64];
			unsigned port;

			if (sscanf(optarg, "%63[^:]:%u", host, &port) != 2 || port == 0 || port > 65535 ||
			    inet_pton(AF_INET, host, &L.ng.sin_addr) != 1) {
				fprintf(stderr, "rtp-load: --ng wants IPv4:PORT, not '%s'\n", optarg);
				return 2;
			}
			L.ng.sin_family = AF_INET;
			L.ng.sin_port = htons((uint16_t)port);
			break;
		}
		case 'D': L.direct = true; break;
		case 'n': L.n_calls = (unsigned)strtoul(optarg, &end, 10); break;
		case 'r': rate = strtod(optarg, &end); break;
		case 'd': secs = strtod(optarg, &end); break;
		case 'S': search = true; break;
		case 'M': max_rate = strtod(optarg, &end); break;
		case 'P': precision = strtod(optarg, &end); break;
		case 'T': tolerance = strtod(optarg, &end); break;
		case 'x': L.transcode = true; break;
		case 'p': L.peer_pid = atoi(optarg); break;
		case 'b': L.burst = (unsigned)strtoul(optarg, &end, 10); break;
		case 'k': L.drop_every = (unsigned)strtoul(optarg, &end, 10); break;
		case 'w': L.drain_ms = (unsigned)strtoul(optarg, &end, 10); break;
		case 'R': L.run = (unsigned)strtoul(optarg, &end, 10); break;
		default: usage(); return 2;
		}
		if (end != NULL && (*end != '\0' || end == optarg)) {
			fprintf(stderr, "rtp-load: bad number '%s'\n", optarg);
			return 2;
		}
	}
	if ((L.ng.sin_family == 0) == !L.direct || L.n_calls == 0 || L.n_calls > 20000 || secs <= 0 ||
	    L.burst == 0 || L.burst > BATCH || max_rate <= 0 || precision <= 0 || tolerance < 0 ||
	    (L.transcode && (L.direct || search))) {
		usage();
		return 2;
	}
	L.n_legs = 2 * L.n_calls;
	if (rate <= 0)
		rate = 50.0 * L.n_legs;
	signal(SIGPIPE, SIG_IGN);
	if (audio_init() < 0) {
		fprintf(stderr, "rtp-load: cannot encode the Opus frames\n");
		return 1;
	}
	L.legs = calloc(L.n_legs, sizeof(*L.legs));
	L.ep = epoll_create1(0);
	if (L.legs == NULL || L.ep < 0)
		return 1;
	for (unsigned f = 0; f < L.n_legs; f++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = f };
		int e = leg_open(&L.legs[f]);

		if (e < 0 || epoll_ctl(L.ep, EPOLL_CTL_ADD, L.legs[f].fd, &ev) < 0) {
			fprintf(stderr, "rtp-load: socket %u: %s (raise ulimit -n?)\n", f, strerror(e < 0 ? -e : errno));
			return 1;
		}
		L.legs[f].ssrc = 0x10000000u + (L.run & 0xffff) * 0x1000u + f;
		L.legs[f].tx_seq = (uint32_t)f * 7919u;	/* sequences do not start in step */
		L.legs[f].rx_next = 0;
	}
	for (unsigned f = 0; f < L.n_legs; f++)
		L.legs[f].rx_next = L.legs[f ^ 1].tx_seq;
	if (!L.direct) {
		L.ng_fd = socket(AF_INET, SOCK_DGRAM, 0);
		if (L.ng_fd < 0 || connect(L.ng_fd, (struct sockaddr *)&L.ng, sizeof(L.ng)) < 0)
			return 1;
	}
	{
		uint64_t t0 = now_ns();

		if (calls_setup() < 0) {
			rc = 1;
			goto out;
		}
		printf("rtpload setup calls=%u streams=%u mode=%s seconds=%.3f\n", L.n_calls, L.n_legs,
		       L.direct ? "direct" : L.transcode ? "transcode" : "relay", (double)(now_ns() - t0) / 1e9);
	}

	/* Warm-up: a few packets per stream at a low rate; every stream must answer. */
	if (!L.transcode) {
		unsigned save_drop = L.drop_every;

		L.drop_every = 0;
		trial(L.n_legs * 10.0 < rate ? L.n_legs * 10.0 : rate, 0.3, 0, "warmup", &res);
		L.drop_every = save_drop;
		if (res.c.rx == 0) {
			fprintf(stderr, "rtp-load: nothing came back in the warm-up\n");
			rc = 1;
			goto out;
		}
	}
	if (!search) {
		trial(rate, secs, tolerance, "trial", &res);
		best = res;
		rc = res.pass ? 0 : 3;
	} else {
		double lo = 0, hi = max_rate, r = max_rate;
		unsigned n = 0;

		for (;;) {
			if (n > 0 && !L.direct && calls_renew() < 0) {
				rc = 1;
				goto out;
			}
			trial(r, secs, tolerance, "search", &res);
			n++;
			if (res.pass) {
				lo = r;
				best = res;
			} else {
				hi = r;
			}
			if (lo >= max_rate || (hi - lo) / hi < precision || hi < 100 || n > 30)
				break;
			r = (lo + hi) / 2;
		}
		printf("rtpload result throughput_pps=%.0f trial_s=%.3f tolerance=%g precision=%g trials=%u"
		       " max_rate=%.0f", lo, secs, tolerance, precision, n, max_rate);
		if (best.rate > 0)
			printf(" peer_cpu_pct=%.1f peer_pkts_per_cpu_s=%.0f self_cpu_pct=%.1f self_ns_per_pkt=%.0f",
			       100 * best.peer_cpu / best.secs,
			       best.peer_cpu > 0 ? (double)best.c.rx / best.peer_cpu : 0,
			       100 * best.self_cpu / best.secs,
			       1e9 * best.self_cpu / (double)(best.c.tx + best.c.rx));
		printf("\n");
	}
	if (L.transcode && best.secs > 0) {
		/*
		 * A two-way call is 100 frames a second through the relay (50 each
		 * way): its CPU per frame, both directions averaged, gives calls
		 * per core whatever share of a core the relay got.
		 */
		uint64_t frames = best.c.tx_a + best.c.tx_b;
		double us = frames ? 1e6 * best.peer_cpu / (double)frames : 0;

		printf("rtpload transcode calls=%u seconds=%.3f frames_in=%" PRIu64 " frames_out=%" PRIu64
		       " peer_cpu_s=%.3f peer_core_share=%.3f us_per_frame=%.1f two_way_calls_per_core=%.1f"
		       " opus_pt=%u\n", L.n_calls, secs, frames, best.c.rx, best.peer_cpu, best.peer_cpu / secs,
		       us, us > 0 ? 1e6 / (us * 100) : 0.0, L.opus_pt);
	} else if (!search && best.secs > 0) {
		printf("rtpload result rate=%.0f trial_s=%.3f peer_cpu_pct=%.1f peer_pkts_per_cpu_s=%.0f"
		       " self_cpu_pct=%.1f self_ns_per_pkt=%.0f\n", best.rate, secs,
		       100 * best.peer_cpu / best.secs,
		       best.peer_cpu > 0 ? (double)best.c.rx / best.peer_cpu : 0,
		       100 * best.self_cpu / best.secs,
		       1e9 * best.self_cpu / (double)(best.c.tx + best.c.rx + 1));
	}
out:
	calls_delete();
	for (unsigned f = 0; f < L.n_legs; f++)
		if (L.legs[f].fd > 0)
			close(L.legs[f].fd);
	free(L.legs);
	return rc;
}
