/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mrelay-gen's media scenarios (see mrgen-media.h).
 *
 * SRTP: every flow gets its own keys from getrandom(): K1 for what the
 * generator sends (SRTP->SRTP), K2 for what the relay sends back. The
 * relay's side goes into its flow specs over the shm ring; the generator's
 * side into libsrtp sessions of its own (stock libsrtp, not the dataplane's
 * wrapper: an independent check). Protecting costs the generator's core
 * more than the relay's forwarding would, so frames that need a tag are
 * protected before the trial into a store (at most store_max of them) and
 * copied out on the send path; what comes back is checked for flow,
 * headers and sequence (all of it) and unprotected with K2, stamp and CRC
 * compared, for 1 in verify_every frames. Latency comes from a table of
 * send TSCs by flow and sequence number, since the stamp travels encrypted.
 *
 * Transcoding: flow 2i carries PCMU (20 ms of a speech-like signal) and
 * expects Opus back, flow 2i+1 carries Opus (narrowband, 16 kbit/s,
 * pre-encoded from the same signal) and expects PCMU back: flows 2i and
 * 2i+1 make one two-way call. The relay numbers its transcoded frames
 * itself; each flow's first frame back in a trial anchors the mapping to
 * the generator's numbering, after which sequence continuity is checked
 * as for relayed frames. 1 in verify_every Opus frames is decoded.
 *
 * In macswap mode (dpdk-testpmd) the generator sends what it expects the
 * relay to send (K2-protected SRTP, Opus on even flows, PCMU on odd ones):
 * the wire's ceiling for the same frames, and a test of the checker.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_hash_crc.h>
#include <rte_ip.h>
#include <rte_memcpy.h>
#include <rte_udp.h>

#include <opus.h>
#include <spandsp.h>
#include <srtp2/srtp.h>

#include "shm/shm.h"
#include "mrgen-media.h"

#define SSRC_BASE 0x6d720000u
#define CRC_SEED 0x6d72656cu
#define SRTP_KEY_LEN 30		/* AES_CM_128_HMAC_SHA1_80: 16-byte key, 14-byte salt */
#define SRTP_TAG_LEN 10
#define SUITE_AES_CM_128_SHA1_80 1	/* enum mr_srtp_suite (lib/sdes) */
#define CODEC_PCMU 1			/* enum mr_codec_id (lib/codec) */
#define CODEC_OPUS 4
#define PT_PCMU 0
#define PT_OPUS 96
#define SIG_FRAMES 50			/* 1 s of signal, repeated */
#define OPUS_MAX 200
#define FRAME_MAX 1514
#define STORE_STRIDE 256

struct media_flow {
	uint64_t tx_next;	/* next sequence number to send */
	uint64_t base;		/* the first of the current trial */
	srtp_t tx;		/* protects what the generator sends */
	srtp_t rx;		/* unprotects what comes back (K2) */
	uint16_t off;		/* transcoded: relay's number - ours */
	bool anchored;
};

struct gen_media {
	struct gen_media_opts o;
	const struct gen_plan *plan;
	uint32_t flows;
	struct media_flow *fl;
	uint64_t *sent;		/* [flow << rshift | seq & rmask] = tsc << 16 | seq16 */
	unsigned rshift;
	uint64_t rmask;
	uint8_t *store;		/* frames protected ahead, STORE_STRIDE each */
	uint32_t *store_flow;
	uint32_t store_cap, store_n, store_k;
	uint16_t store_len;
	uint32_t tag_left;
	uint64_t rx_count;
	OpusDecoder *dec;
	uint8_t pcmu[SIG_FRAMES][160];
	uint8_t opus[SIG_FRAMES][OPUS_MAX];
	uint16_t opus_len[SIG_FRAMES];
	uint8_t *keys;		/* K1, K2 of every flow until the relay has them */
	double protect_ns;
	struct gen_media_stats st;
	struct mr_msg scratch;	/* programming: one message at a time */
};

const char *gen_scenario_name(enum gen_scenario s)
{
	switch (s) {
	case GEN_SCEN_RTP: return "rtp";
	case GEN_SCEN_RTP_SRTP: return "rtp-srtp";
	case GEN_SCEN_SRTP_SRTP: return "srtp-srtp";
	case GEN_SCEN_TRANSCODE: return "transcode";
	}
	return "?";
}

int gen_scenario_parse(const char *s, enum gen_scenario *out)
{
	for (int i = GEN_SCEN_RTP; i <= GEN_SCEN_TRANSCODE; i++)
		if (strcmp(s, gen_scenario_name((enum gen_scenario)i)) == 0) {
			*out = (enum gen_scenario)i;
			return 0;
		}
	return -EINVAL;
}

static bool is_srtp(const struct gen_media *m)
{
	return m->o.scen == GEN_SCEN_RTP_SRTP || m->o.scen == GEN_SCEN_SRTP_SRTP;
}

/* Whether what the generator sends carries a tag. */
static bool sends_srtp(const struct gen_media *m)
{
	return is_srtp(m) && (m->o.mode == GEN_MODE_MACSWAP || m->o.scen == GEN_SCEN_SRTP_SRTP);
}

/* ---- signal ---------------------------------------------------------- */

/*
 * A speech-like signal at 8 kHz: a gliding pitch (95-165 Hz) whose
 * harmonics below 3.4 kHz are shaped by three formants, in 4 Hz syllables
 * with a pause every fourth, and a little noise.
 */
static void speech(int16_t *out, unsigned n)
{
	double ph[40] = { 0 };
	uint32_t rnd = 12345;

	for (unsigned i = 0; i < n; i++) {
		double t = i / 8000.0, s = 0;
		double f0 = 130 + 25 * sin(2 * M_PI * 0.7 * t) + 10 * sin(2 * M_PI * 3.1 * t);
		double syl = sin(M_PI * fmod(t * 4, 1.0));
		double env = syl * syl * (((int)(t * 4) % 4 == 3) ? 0.05 : 1.0);

		for (int k = 1; k < 40; k++) {
			double fk = k * f0;
			double w;

			if (fk >= 3400)
				break;
			w = 1 / (1 + pow((fk - 700) / 250, 2)) + 0.6 / (1 + pow((fk - 1200) / 350, 2)) +
			    0.3 / (1 + pow((fk - 2500) / 450, 2));
			ph[k] += 2 * M_PI * fk / 8000;
			s += w * sin(ph[k]);
		}
		rnd = rnd * 1103515245u + 12345u;
		out[i] = (int16_t)lrint(5000 * env * s / 3 + (double)((rnd >> 16) & 0xff) - 128);
	}
}

static int encode_signal(struct gen_media *m)
{
	int16_t pcm[SIG_FRAMES * 160];
	OpusEncoder *enc;
	int err;

	speech(pcm, SIG_FRAMES * 160);
	for (unsigned f = 0; f < SIG_FRAMES; f++)
		for (unsigned i = 0; i < 160; i++)
			m->pcmu[f][i] = linear_to_ulaw(pcm[f * 160 + i]);
	if (m->o.scen != GEN_SCEN_TRANSCODE)
		return 0;
	/* What a G.711-facing Opus leg should send: narrowband, 16 kbit/s. */
	enc = opus_encoder_create(8000, 1, OPUS_APPLICATION_VOIP, &err);
	if (enc == NULL)
		return -ENOMEM;
	opus_encoder_ctl(enc, OPUS_SET_BITRATE(16000));
	opus_encoder_ctl(enc, OPUS_SET_MAX_BANDWIDTH(OPUS_BANDWIDTH_NARROWBAND));
	for (unsigned f = 0; f < SIG_FRAMES; f++) {
		int n = opus_encode(enc, pcm + f * 160, 160, m->opus[f], OPUS_MAX);

		if (n <= 0) {
			opus_encoder_destroy(enc);
			return -EIO;
		}
		m->opus_len[f] = (uint16_t)n;
	}
	opus_encoder_destroy(enc);
	m->dec = opus_decoder_create(8000, 1, &err);
	return m->dec ? 0 : -ENOMEM;
}

/* ---- SRTP ------------------------------------------------------------ */

static int srtp_session(srtp_t *s, const uint8_t *key, uint32_t ssrc, bool tx)
{
	srtp_policy_t pol;
	uint8_t k[SRTP_KEY_LEN];

	memset(&pol, 0, sizeof(pol));
	memcpy(k, key, sizeof(k));
	srtp_crypto_policy_set_rtp_default(&pol.rtp);
	srtp_crypto_policy_set_rtcp_default(&pol.rtcp);
	pol.ssrc.type = ssrc_specific;
	pol.ssrc.value = ssrc;
	pol.key = k;
	pol.window_size = 1024;
	/* Frames protected ahead and not sent are protected again later. */
	pol.allow_repeat_tx = tx;
	if (srtp_create(s, &pol) != srtp_err_status_ok) {
		explicit_bzero(k, sizeof(k));
		return -EINVAL;
	}
	explicit_bzero(k, sizeof(k));
	return 0;
}

static int random_key(uint8_t *k, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = getrandom(k + got, n - got, 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		got += (size_t)r;
	}
	return 0;
}

/* ---- frames ---------------------------------------------------------- */

static inline uint32_t flow_ssrc(uint32_t flow)
{
	return SSRC_BASE ^ flow;
}

/* What flow `flow` sends: 0 PCMU, 1 Opus. */
static inline bool sends_opus(const struct gen_media *m, uint32_t flow)
{
	if (m->o.scen != GEN_SCEN_TRANSCODE)
		return false;
	return (flow & 1) == (m->o.mode == GEN_MODE_MACSWAP ? 0 : 1);
}

/* What comes back on `flow`: 0 PCMU, 1 Opus. */
static inline bool expects_opus(const struct gen_media *m, uint32_t flow)
{
	return m->o.scen == GEN_SCEN_TRANSCODE && (flow & 1) == 0;
}

static uint32_t stamp_crc(const uint8_t *pl)
{
	uint8_t c[GEN_PAYLOAD_LEN];

	memcpy(c, pl, sizeof(c));
	memset(c + offsetof(struct gen_stamp, crc), 0, 4);
	return rte_hash_crc(c, sizeof(c), CRC_SEED);
}

/* RTP header and payload at d + 42; the RTP length. */
static unsigned build_rtp(struct gen_media *m, uint8_t *rtp, uint32_t flow, uint64_t seq)
{
	bool opus = sends_opus(m, flow);
	uint32_t v, ts = (uint32_t)seq * (opus ? 960 : 160);
	uint16_t s16 = rte_cpu_to_be_16((uint16_t)seq);
	uint8_t *pl = rtp + 12;
	unsigned f = (unsigned)(seq % SIG_FRAMES);

	rtp[0] = 0x80;
	rtp[1] = opus ? PT_OPUS : PT_PCMU;
	memcpy(rtp + 2, &s16, 2);
	v = rte_cpu_to_be_32(ts);
	memcpy(rtp + 4, &v, 4);
	v = rte_cpu_to_be_32(flow_ssrc(flow));
	memcpy(rtp + 8, &v, 4);
	if (opus) {
		memcpy(pl, m->opus[f], m->opus_len[f]);
		return 12u + m->opus_len[f];
	}
	memcpy(pl, m->pcmu[f], GEN_PAYLOAD_LEN);
	if (is_srtp(m)) {
		struct gen_stamp st = {
			.magic = GEN_STAMP_MAGIC, .flow = flow, .seq = seq,
		};

		memcpy(pl, &st, sizeof(st));
		v = stamp_crc(pl);
		memcpy(pl + offsetof(struct gen_stamp, crc), &v, 4);
	}
	return 12u + GEN_PAYLOAD_LEN;
}

/* Ethernet, IPv4 and UDP in front of an RTP packet of rtp_len bytes. */
static uint16_t build_hdrs(struct gen_media *m, uint8_t *d, uint32_t flow, unsigned rtp_len)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)d;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(d + 14);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(d + 34);
	uint32_t gip, dip;
	uint16_t port;

	gen_flow_endpoints(m->plan, flow, &gip, &dip, &port);
	rte_ether_addr_copy(&m->plan->dut_mac, &eth->dst_addr);
	rte_ether_addr_copy(&m->plan->gen_mac, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(20 + 8 + rtp_len));
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(gip);
	ip->dst_addr = rte_cpu_to_be_32(dip);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp->src_port = rte_cpu_to_be_16(port);
	udp->dst_port = udp->src_port;
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(8 + rtp_len));
	udp->dgram_cksum = 0;
	if (m->o.udp_cksum)
		udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
	return (uint16_t)(42 + rtp_len);
}

/* A whole frame of `flow` with sequence number `seq`, protected if the
 * scenario sends SRTP. Returns its length, 0 if libsrtp refused. */
static uint16_t build_one(struct gen_media *m, uint8_t *d, uint32_t flow, uint64_t seq)
{
	int len = (int)build_rtp(m, d + 42, flow, seq);

	if (sends_srtp(m) && srtp_protect(m->fl[flow].tx, d + 42, &len) != srtp_err_status_ok)
		return 0;
	return build_hdrs(m, d, flow, (unsigned)len);
}

void gen_media_trial_begin(struct gen_media *m, uint32_t flows, uint64_t count)
{
	if (flows > m->flows)
		flows = m->flows;
	for (uint32_t f = 0; f < m->flows; f++) {
		m->fl[f].base = m->fl[f].tx_next;
		if (m->o.scen == GEN_SCEN_TRANSCODE)
			m->fl[f].anchored = false;
	}
	m->store_n = m->store_k = 0;
	if (!sends_srtp(m) || m->store == NULL || flows == 0)
		return;
	if (count == 0 || count > m->store_cap)
		count = m->store_cap;
	/* In the order the trial sends: flow by flow, round after round. */
	for (uint64_t k = 0; k < count; k++) {
		uint32_t f = (uint32_t)(k % flows);
		uint8_t *d = m->store + (size_t)k * STORE_STRIDE;
		uint16_t len = build_one(m, d, f, m->fl[f].tx_next + k / flows);

		if (len == 0 || len > STORE_STRIDE)
			break;
		m->store_flow[k] = f;
		m->store_len = len;
		m->store_n++;
	}
}

uint64_t gen_media_base(const struct gen_media *m, uint32_t flow)
{
	return m->fl[flow].base;
}

uint16_t gen_media_build(struct gen_media *m, uint8_t *d, uint32_t flow, uint64_t tsc)
{
	struct media_flow *fl = &m->fl[flow];
	uint64_t seq = fl->tx_next++;
	uint16_t len;

	if (m->store_k < m->store_n && m->store_flow[m->store_k] == flow) {
		len = m->store_len;
		rte_memcpy(d, m->store + (size_t)m->store_k * STORE_STRIDE, len);
		m->store_k++;
	} else {
		m->store_k = m->store_n;	/* out of step: the rest is built here */
		len = build_one(m, d, flow, seq);
		if (sends_srtp(m))
			m->st.inline_built++;
	}
	if (m->tag_left && sends_srtp(m) && --m->tag_left == 0) {
		m->tag_left = m->o.fault_tag;
		/* The last byte of the authentication tag. UDP checksum off:
		 * the tag alone must catch it. */
		d[len - 1] ^= 0x01;
		((struct rte_udp_hdr *)(d + 34))->dgram_cksum = 0;
		m->st.inj_tag++;
	}
	m->sent[((uint64_t)flow << m->rshift) | (seq & m->rmask)] = (tsc << 16) | (seq & 0xffff);
	return len;
}

/* ---- receive --------------------------------------------------------- */

enum gen_media_verdict gen_media_classify(struct gen_media *m, const uint8_t *d, uint32_t len,
					  uint32_t *flow, uint16_t *seq16, bool *anchor)
{
	const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)d;
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(d + 14);
	const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)(d + 34);
	const uint8_t *rtp = d + 42;
	uint32_t ssrc, f, gip, dip, sip, tip;
	uint16_t port, s16;
	uint8_t pt;

	*anchor = false;
	if (len < 42 + 12 || eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
	    ip->version_ihl != RTE_IPV4_VHL_DEF || ip->next_proto_id != IPPROTO_UDP ||
	    (rtp[0] & 0xc0) != 0x80)
		return GEN_MV_FOREIGN;
	memcpy(&ssrc, rtp + 8, 4);
	f = rte_be_to_cpu_32(ssrc) ^ SSRC_BASE;
	if (f >= m->flows)
		return GEN_MV_FOREIGN;
	gen_flow_endpoints(m->plan, f, &gip, &dip, &port);
	sip = rte_be_to_cpu_32(ip->src_addr);
	tip = rte_be_to_cpu_32(ip->dst_addr);
	if (!rte_is_same_ether_addr(&eth->dst_addr, &m->plan->gen_mac) ||
	    rte_be_to_cpu_16(udp->dst_port) != port || rte_be_to_cpu_16(udp->src_port) != port ||
	    (m->o.mode == GEN_MODE_RELAY ? (tip != gip || sip != dip) : (sip != gip || tip != dip)))
		return GEN_MV_MISDIRECTED;
	pt = rtp[1] & 0x7f;
	if (ip->total_length != rte_cpu_to_be_16((uint16_t)(len - 14)) ||
	    udp->dgram_len != rte_cpu_to_be_16((uint16_t)(len - 34)) ||
	    ip->fragment_offset != rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG) ||
	    rte_ipv4_cksum(ip) != 0 ||
	    (udp->dgram_cksum != 0 && rte_ipv4_udptcp_cksum_verify(ip, udp) != 0))
		return GEN_MV_HDR;
	if (expects_opus(m, f) ? (pt != PT_OPUS || len < 42 + 13)
	    : (pt != PT_PCMU ||
	       len != 42 + 12 + GEN_PAYLOAD_LEN + (is_srtp(m) ? SRTP_TAG_LEN : 0)))
		return GEN_MV_HDR;
	memcpy(&s16, rtp + 2, 2);
	s16 = rte_be_to_cpu_16(s16);
	*flow = f;
	if (m->o.scen == GEN_SCEN_TRANSCODE) {
		if (!m->fl[f].anchored)
			*anchor = true;
		else
			s16 = (uint16_t)(s16 - m->fl[f].off);
	}
	*seq16 = s16;
	return GEN_MV_OK;
}

void gen_media_anchor(struct gen_media *m, uint32_t flow, uint16_t out16, uint16_t sent16)
{
	m->fl[flow].off = (uint16_t)(out16 - sent16);
	m->fl[flow].anchored = true;
}

static enum gen_media_verdict check_srtp(struct gen_media *m, const uint8_t *d, uint32_t len,
					 uint32_t flow, uint64_t seq)
{
	uint8_t buf[FRAME_MAX];
	int l = (int)len - 42;
	struct gen_stamp st;
	const uint8_t *pl = buf + 12;

	memcpy(buf, d + 42, (size_t)l);
	if (srtp_unprotect(m->fl[flow].rx, buf, &l) != srtp_err_status_ok)
		return GEN_MV_AUTH;
	if (l != 12 + GEN_PAYLOAD_LEN)
		return GEN_MV_CORRUPT;
	memcpy(&st, pl, sizeof(st));
	if (st.magic != GEN_STAMP_MAGIC || st.flow != flow || st.seq != seq ||
	    st.crc != stamp_crc(pl))
		return GEN_MV_CORRUPT;
	return GEN_MV_OK;
}

static enum gen_media_verdict check_xc(struct gen_media *m, const uint8_t *d, uint32_t len,
				       uint32_t flow)
{
	opus_int16 pcm[960];
	int n;

	if (!expects_opus(m, flow))
		return GEN_MV_OK;	/* PCMU: 160 bytes of G.711 always decode */
	n = opus_decode(m->dec, d + 54, (opus_int32)(len - 54), pcm, 960, 0);
	return n == 160 ? GEN_MV_OK : GEN_MV_UNDECODABLE;
}

enum gen_media_verdict gen_media_check(struct gen_media *m, const uint8_t *d, uint32_t len,
				       uint32_t flow, uint64_t seq, uint64_t *tsc)
{
	uint64_t e = m->sent[((uint64_t)flow << m->rshift) | (seq & m->rmask)];
	enum gen_media_verdict v = GEN_MV_OK;

	*tsc = (e & 0xffff) == (seq & 0xffff) ? e >> 16 : 0;
	if (m->rx_count++ % m->o.verify_every != 0)
		return GEN_MV_OK;
	v = is_srtp(m) ? check_srtp(m, d, len, flow, seq) : check_xc(m, d, len, flow);
	m->st.verified++;
	return v;
}

/* ---- set-up ---------------------------------------------------------- */

static void wipe_keys(struct gen_media *m)
{
	if (m->keys == NULL)
		return;
	explicit_bzero(m->keys, (size_t)m->flows * 2 * SRTP_KEY_LEN);
	free(m->keys);
	m->keys = NULL;
}

/* libsrtp's protect of this scenario's frame on a session of its own, ns. */
static double measure_protect(void)
{
	uint8_t key[SRTP_KEY_LEN], pkt[FRAME_MAX];
	srtp_t s;
	uint64_t t0, t1;
	uint32_t ssrc;
	const int n = 20000;
	int ok = 0;

	if (random_key(key, sizeof(key)) || srtp_session(&s, key, SSRC_BASE, true)) {
		explicit_bzero(key, sizeof(key));
		return 0;
	}
	explicit_bzero(key, sizeof(key));
	memset(pkt, 0x55, 12 + GEN_PAYLOAD_LEN);
	pkt[0] = 0x80;
	pkt[1] = 0;
	ssrc = rte_cpu_to_be_32(SSRC_BASE);
	memcpy(pkt + 8, &ssrc, 4);
	t0 = rte_rdtsc();
	for (int i = 0; i < n; i++) {
		int len = 12 + GEN_PAYLOAD_LEN;

		pkt[2] = (uint8_t)(i >> 8);
		pkt[3] = (uint8_t)i;
		ok += srtp_protect(s, pkt, &len) == srtp_err_status_ok;
	}
	t1 = rte_rdtsc();
	srtp_dealloc(s);
	if (ok != n)
		return 0;
	return (double)(t1 - t0) * 1e9 / (double)rte_get_tsc_hz() / n;
}

static int srtp_setup(struct gen_media *m)
{
	static bool inited;
	size_t klen = (size_t)m->flows * 2 * SRTP_KEY_LEN;
	int rc;

	if (!inited) {
		if (srtp_init() != srtp_err_status_ok)
			return -EIO;
		inited = true;
	}
	m->keys = malloc(klen);
	if (m->keys == NULL)
		return -ENOMEM;
	rc = random_key(m->keys, klen);
	for (uint32_t f = 0; f < m->flows && rc == 0; f++) {
		const uint8_t *k1 = m->keys + (size_t)f * 2 * SRTP_KEY_LEN, *k2 = k1 + SRTP_KEY_LEN;
		struct media_flow *fl = &m->fl[f];

		/* Relay: the generator protects with K1 (SRTP->SRTP) and expects
		 * K2; macswap: it sends what it expects, K2 both ways. */
		rc = srtp_session(&fl->rx, k2, flow_ssrc(f), false);
		if (rc == 0 && m->o.mode == GEN_MODE_MACSWAP)
			rc = srtp_session(&fl->tx, k2, flow_ssrc(f), true);
		else if (rc == 0 && m->o.scen == GEN_SCEN_SRTP_SRTP)
			rc = srtp_session(&fl->tx, k1, flow_ssrc(f), true);
	}
	if (m->o.mode == GEN_MODE_MACSWAP)
		wipe_keys(m);
	if (rc)
		return rc;
	m->protect_ns = measure_protect();
	if (!sends_srtp(m) || m->o.store_max == 0)
		return 0;
	m->store_cap = m->o.store_max;
	m->store = malloc((size_t)m->store_cap * STORE_STRIDE);
	m->store_flow = malloc((size_t)m->store_cap * sizeof(*m->store_flow));
	return m->store && m->store_flow ? 0 : -ENOMEM;
}

struct gen_media *gen_media_create(const struct gen_media_opts *o, const struct gen_plan *plan)
{
	struct gen_media *m = calloc(1, sizeof(*m));
	uint64_t rounds;
	int rc;

	if (m == NULL)
		return NULL;
	m->o = *o;
	if (m->o.verify_every == 0)
		m->o.verify_every = 1;
	m->plan = plan;
	m->flows = plan->flows;
	m->tag_left = o->fault_tag;
	/* Send TSCs of the last `rounds` frames of every flow, 32 MiB at most. */
	for (rounds = 1024; rounds > 4 && (uint64_t)m->flows * rounds > (4u << 20); rounds >>= 1)
		;
	m->rmask = rounds - 1;
	m->rshift = (unsigned)__builtin_ctzll(rounds);
	m->fl = calloc(m->flows, sizeof(*m->fl));
	m->sent = calloc((size_t)m->flows << m->rshift, sizeof(*m->sent));
	rc = m->fl && m->sent ? encode_signal(m) : -ENOMEM;
	if (rc == 0 && is_srtp(m))
		rc = srtp_setup(m);
	if (rc) {
		gen_media_free(m);
		errno = -rc;
		return NULL;
	}
	return m;
}

void gen_media_free(struct gen_media *m)
{
	if (m == NULL)
		return;
	wipe_keys(m);
	for (uint32_t f = 0; m->fl && f < m->flows; f++) {
		if (m->fl[f].tx)
			srtp_dealloc(m->fl[f].tx);
		if (m->fl[f].rx)
			srtp_dealloc(m->fl[f].rx);
	}
	if (m->dec)
		opus_decoder_destroy(m->dec);
	free(m->fl);
	free(m->sent);
	free(m->store);
	free(m->store_flow);
	free(m);
}

void gen_media_stats(const struct gen_media *m, struct gen_media_stats *s)
{
	*s = m->st;
}

void gen_media_stats_reset(struct gen_media *m)
{
	memset(&m->st, 0, sizeof(m->st));
	m->rx_count = 0;
}

void gen_media_faults(struct gen_media *m, bool on)
{
	m->tag_left = on ? m->o.fault_tag : 0;
}

double gen_media_protect_ns(const struct gen_media *m)
{
	return m->protect_ns;
}

/* ---- programming the relay ------------------------------------------ */

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void sockaddr4(struct mr_sockaddr *sa, uint32_t ip, uint16_t port)
{
	uint32_t be = rte_cpu_to_be_32(ip);

	memset(sa, 0, sizeof(*sa));
	sa->ip.family = 4;
	memcpy(sa->ip.addr, &be, 4);
	sa->port = port;
}

static void fill_spec(struct gen_media *m, uint32_t f, struct mr_flow_spec *s)
{
	const uint8_t *k1 = m->keys ? m->keys + (size_t)f * 2 * SRTP_KEY_LEN : NULL;
	const uint8_t *k2 = k1 ? k1 + SRTP_KEY_LEN : NULL;

	uint32_t gip, dip, be;
	uint16_t port;

	gen_flow_endpoints(m->plan, f, &gip, &dip, &port);
	memset(s, 0, sizeof(*s));
	s->key.family = 4;
	s->key.port = port;
	be = rte_cpu_to_be_32(dip);
	memcpy(s->key.addr, &be, 4);
	s->flow_id = f;
	s->peer_flow_id = MR_FLOW_ID_NONE;
	sockaddr4(&s->out_src, dip, port);
	sockaddr4(&s->out_dst, gip, port);
	if (m->o.scen == GEN_SCEN_SRTP_SRTP && k1) {
		s->srtp_in.suite = SUITE_AES_CM_128_SHA1_80;
		s->srtp_in.key_len = SRTP_KEY_LEN;
		memcpy(s->srtp_in.key, k1, SRTP_KEY_LEN);
	}
	if (is_srtp(m) && k2) {
		s->srtp_out.suite = SUITE_AES_CM_128_SHA1_80;
		s->srtp_out.key_len = SRTP_KEY_LEN;
		memcpy(s->srtp_out.key, k2, SRTP_KEY_LEN);
	}
	if (m->o.scen == GEN_SCEN_TRANSCODE) {
		struct mr_transcode_spec *t = &s->transcode;

		s->flags |= MR_FLOW_F_TRANSCODE;
		s->ssrc_out = flow_ssrc(f);
		t->in_codec = (f & 1) ? CODEC_OPUS : CODEC_PCMU;
		t->out_codec = (f & 1) ? CODEC_PCMU : CODEC_OPUS;
		t->in_pt = (f & 1) ? PT_OPUS : PT_PCMU;
		t->out_pt = (f & 1) ? PT_PCMU : PT_OPUS;
		t->in_te_pt = t->out_te_pt = t->in_cn_pt = 0xff;
		t->opus_complexity = 0xff;
		t->opus_max_bw = 8;	/* the Opus side faces a G.711 caller */
		t->flags = 1u << 2;	/* MR_CODEC_F_NO_DTMF_DETECT: a benchmark of codecs */
	}
}

static int wait_acks(struct mr_shm *shm, unsigned *outstanding, unsigned until, int *failed)
{
	uint64_t deadline = mono_ms() + 30000;
	struct mr_msg e[32];

	while (*outstanding > until) {
		unsigned n = mr_shm_evt_recv(shm, e, 32);

		for (unsigned i = 0; i < n; i++) {
			if (e[i].hdr.type != MR_EVT_ACK)
				continue;
			(*outstanding)--;
			if (e[i].hdr.result != 0 && (*failed)++ == 0)
				fprintf(stderr, "mrelay-gen: flow %u refused: %s\n", e[i].hdr.flow_id,
					strerror(-e[i].hdr.result));
			deadline = mono_ms() + 30000;
		}
		if (n == 0) {
			if (mono_ms() > deadline)
				return -ETIMEDOUT;
			usleep(100);
		}
	}
	return 0;
}

static int send_cmd(struct mr_shm *shm, struct mr_msg *msg, uint32_t *seq,
		    unsigned *outstanding, int *failed)
{
	int rc;

	msg->hdr.seq = (*seq)++;
	msg->hdr.generation = shm->hdr->generation;
	/* Acks are read as they come so that the event ring never fills. */
	if (*outstanding >= 4096 && (rc = wait_acks(shm, outstanding, 2048, failed)))
		return rc;
	while (mr_shm_cmd_send(shm, msg, 1) != 1) {
		if (*outstanding == 0) {
			usleep(100);
			continue;
		}
		if ((rc = wait_acks(shm, outstanding, *outstanding - 1, failed)))
			return rc;
	}
	(*outstanding)++;
	return 0;
}

int gen_media_program(struct gen_media *m, const char *instance)
{
	struct mr_shm shm;
	struct mr_msg *msg = &m->scratch;
	uint64_t t0;
	unsigned outstanding = 0;
	uint32_t seq = 1;
	int rc, failed = 0;

	rc = mr_shm_attach_wait(&shm, instance, true, 30000);
	if (rc != 0)
		return rc;
	t0 = mono_ms();
	memset(msg, 0, sizeof(*msg));
	msg->hdr.type = MR_MSG_HELLO;
	msg->hdr.flow_id = MR_FLOW_ID_NONE;
	msg->u.hello.abi = MR_MSG_ABI;
	msg->u.hello.msg_size = sizeof(struct mr_msg);
	msg->u.hello.flow_spec_size = sizeof(struct mr_flow_spec);
	msg->u.hello.flow_stats_size = sizeof(struct mr_flow_stats);
	msg->u.hello.pid = (uint32_t)getpid();
	snprintf(msg->u.hello.name, sizeof(msg->u.hello.name), "mrelay-gen");
	rc = send_cmd(&shm, msg, &seq, &outstanding, &failed);
	if (rc == 0)
		rc = wait_acks(&shm, &outstanding, 0, &failed);
	for (uint32_t f = 0; f < m->flows && rc == 0 && !failed; f++) {
		memset(msg, 0, sizeof(*msg));
		msg->hdr.type = MR_MSG_FLOW_ADD;
		msg->hdr.flow_id = f;
		fill_spec(m, f, &msg->u.flow);
		rc = send_cmd(&shm, msg, &seq, &outstanding, &failed);
	}
	memset(msg, 0, sizeof(*msg));
	msg->hdr.type = MR_MSG_BARRIER;
	msg->hdr.flow_id = MR_FLOW_ID_NONE;
	if (rc == 0)
		rc = send_cmd(&shm, msg, &seq, &outstanding, &failed);
	if (rc == 0)
		rc = wait_acks(&shm, &outstanding, 0, &failed);
	mr_shm_detach(&shm);
	wipe_keys(m);
	if (rc == 0 && failed)
		rc = -EIO;
	if (rc == 0) {
		double s = (double)(mono_ms() - t0) / 1000;

		printf("mrgen program instance=%s flows=%u scenario=%s seconds=%.3f flows_per_s=%.0f\n",
		       instance, m->flows, gen_scenario_name(m->o.scen), s,
		       s > 0 ? m->flows / s : 0);
		fflush(stdout);
	}
	return rc;
}
