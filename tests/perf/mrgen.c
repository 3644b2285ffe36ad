/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mrelay-gen: an RTP traffic generator and checker for one DPDK port
 * (net_memif in scripts/bench). It sends 214-byte G.711 frames on N flows at
 * a rate held by a TSC token bucket, receives what comes back on the same
 * port, and verifies every frame: the flow it belongs to (addresses and ports
 * against the flow plan), sequence continuity, the IPv4/UDP/RTP headers of
 * the relay's wire contract, and a CRC32-C of the payload. Latency comes from
 * the TSC stamped in the payload. One core does both directions.
 *
 *   mrelay-gen [OPTIONS] -- EAL-ARGS     (see --help)
 *
 * Every trial prints one "mrgen trial ..." line of key=value pairs; --search
 * runs an RFC 2544 binary search for the zero-loss rate and then two latency
 * trials (50% and 90% of that rate), and ends with one "mrgen result ..." line.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_hash_crc.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include <spandsp.h>

#include "mrgen-media.h"
#include "mrgen-t.h"
#include "proc_cpu.h"

#define MAX_BURST 64
#define RX_BURST 64
#define N_MBUFS 16383
#define MBUF_CACHE 256
#define CRC_SEED 0x6d72656cu

static const char *prog = "mrelay-gen";
static volatile sig_atomic_t stop_now;

struct gen_opts {
	enum gen_mode mode;
	uint32_t flows;
	double rate;		/* packets/s, 0 = as fast as the port takes them */
	double duration;	/* seconds per trial */
	bool search;
	double tolerance;	/* accepted loss fraction in a search trial */
	double precision;	/* search stops when hi - lo <= precision * hi */
	double search_max;	/* upper bound of the search, 0 = the max-rate trial */
	uint16_t burst;
	bool warmup;
	bool udp_cksum;
	uint32_t fault_drop;	/* drop 1 in N built frames */
	uint32_t fault_corrupt;	/* corrupt 1 in N payloads after the CRC */
	uint32_t drain_ms;
	bool have_dut_mac;
	enum gen_scenario scen;
	const char *program;	/* shm instance to program the flows into */
	uint32_t verify_every;
	uint32_t store_max;
	uint32_t fault_tag;
	int dut_pid;		/* the DUT's CPU time is read around each trial */
};

struct gen_tx_cursor {
	uint32_t flow;
	uint32_t addr;		/* flow / ports_per_addr */
	uint32_t pidx;		/* flow % ports_per_addr */
	uint64_t seq;
	uint32_t drop_left;
	uint32_t corrupt_left;
};

struct gen {
	struct gen_plan plan;
	struct gen_opts o;
	uint16_t port;
	uint64_t hz;
	struct rte_mempool *pool;
	uint8_t tmpl[GEN_FRAME_LEN];
	uint32_t tmpl_crc[3];	/* CRC chains over the template's constant payload */
	uint64_t tmpl_sum;	/* ones' complement sum of the same bytes */
	struct gen_flow_rx *rx;
	struct gen_counts c;
	struct gen_hist hist;
	uint16_t trial;
	uint16_t expect_flags;
	struct rte_mbuf *arp_out[RX_BURST];
	unsigned n_arp_out;
	struct gen_media *media;	/* SRTP and transcoding scenarios */
	double dut_cpu_s;		/* CPU time the DUT got during the last trial */
};

struct gen_result {
	double rate;		/* target, 0 = max */
	double tx_s;		/* seconds spent sending */
	double tx_pps, rx_pps;
	int64_t lost;
	bool offered_ok;	/* the target rate was reached */
	bool pass;
	const char *why;
	double p50_ns, p99_ns, p999_ns, max_ns;
};

/* ---- histogram ------------------------------------------------------- */

static unsigned hist_index(uint64_t v)
{
	if (v < (1u << GEN_HIST_SUB))
		return (unsigned)v;
	unsigned e = 63 - (unsigned)__builtin_clzll(v);	/* >= GEN_HIST_SUB */
	unsigned sub = (unsigned)(v >> (e - GEN_HIST_SUB)) & ((1u << GEN_HIST_SUB) - 1);

	return ((e - GEN_HIST_SUB + 1) << GEN_HIST_SUB) + sub;
}

/* The middle of the values bucket i holds. */
static double hist_value(unsigned i)
{
	if (i < (1u << GEN_HIST_SUB))
		return i;
	unsigned e = (i >> GEN_HIST_SUB) + GEN_HIST_SUB - 1;
	unsigned sub = i & ((1u << GEN_HIST_SUB) - 1);
	double lo = ldexp((double)((1u << GEN_HIST_SUB) + sub), (int)e - GEN_HIST_SUB);

	return lo + ldexp(1.0, (int)e - GEN_HIST_SUB) / 2;
}

static inline void hist_add(struct gen_hist *h, uint64_t v)
{
	h->count[hist_index(v)]++;
	h->total++;
	if (v > h->max)
		h->max = v;
}

static double hist_quantile(const struct gen_hist *h, double q)
{
	uint64_t want, acc = 0;

	if (h->total == 0)
		return 0;
	want = (uint64_t)ceil(q * (double)h->total);
	if (want == 0)
		want = 1;
	for (unsigned i = 0; i < GEN_HIST_BUCKETS; i++) {
		acc += h->count[i];
		if (acc >= want)
			return hist_value(i);
	}
	return (double)h->max;
}

/* ---- frames ---------------------------------------------------------- */

static void addr_of(const struct gen_plan *p, uint32_t flow, uint32_t *a, uint16_t *port)
{
	*a = flow / p->ports_per_addr;
	*port = (uint16_t)(p->port_base + flow % p->ports_per_addr);
}

void gen_flow_endpoints(const struct gen_plan *p, uint32_t flow, uint32_t *gen_ip,
			uint32_t *dut_ip, uint16_t *port)
{
	uint32_t a;

	addr_of(p, flow, &a, port);
	*gen_ip = p->gen_ip + a;
	*dut_ip = p->dut_ip + a;
}

/*
 * Payload check: CRC32-C of the payload's 20 64-bit words in three
 * interleaved chains (the crc32 instruction has a latency of three cycles),
 * the 16 constant words first so the sender only adds its 4 stamp words to a
 * precomputed state. The stamp's crc field is masked out of word 1.
 */
#define CRC_MASK_W1 0x00000000ffffffffull	/* little-endian: flow kept, crc masked */

static inline uint64_t load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static inline void crc_tail(const uint8_t *pl, uint32_t c[3])
{
	c[0] = c[1] = c[2] = CRC_SEED;
	for (int w = 4; w + 2 < 20; w += 3) {
		c[0] = rte_hash_crc_8byte(load64(pl + 8 * w), c[0]);
		c[1] = rte_hash_crc_8byte(load64(pl + 8 * (w + 1)), c[1]);
		c[2] = rte_hash_crc_8byte(load64(pl + 8 * (w + 2)), c[2]);
	}
	c[0] = rte_hash_crc_8byte(load64(pl + 8 * 19), c[0]);
}

static inline uint32_t crc_stamp(const uint8_t *pl, const uint32_t tail[3])
{
	uint32_t a = rte_hash_crc_8byte(load64(pl), tail[0]);
	uint32_t b = rte_hash_crc_8byte(load64(pl + 8) & CRC_MASK_W1, tail[1]);
	uint32_t c = rte_hash_crc_8byte(load64(pl + 16), tail[2]);

	a = rte_hash_crc_8byte(load64(pl + 24), a);
	return a ^ rte_hash_crc_4byte(b, c);
}

static inline uint32_t payload_crc(const uint8_t *pl)
{
	uint32_t t[3];

	crc_tail(pl, t);
	return crc_stamp(pl, t);
}

/* Ones' complement sum of buf (len a multiple of 4) in 64-bit steps, not
 * folded; equal to the 16-bit word sum after folding (RFC 1071). */
static inline uint64_t csum_add(const uint8_t *buf, size_t len, uint64_t sum)
{
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t w = load64(buf + i);

		sum += (w & 0xffffffffu) + (w >> 32);
	}
	if (i < len) {
		uint32_t w;

		memcpy(&w, buf + i, 4);
		sum += w;
	}
	return sum;
}

static inline uint16_t csum_fold(uint64_t sum)
{
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Pseudo header (RFC 768) of a UDP datagram, network byte order words. */
static inline uint64_t csum_phdr(const struct rte_ipv4_hdr *ip, const struct rte_udp_hdr *udp)
{
	return (uint64_t)ip->src_addr + ip->dst_addr +
	       rte_cpu_to_be_16(IPPROTO_UDP) + udp->dgram_len;
}

/* The frame every flow starts from: headers of flow 0 and a 1 kHz PCMU tone. */
static void build_template(struct gen *g)
{
	uint8_t *d = g->tmpl;
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)d;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(d + 14);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(d + 34);
	uint8_t *rtp = d + 42;

	memset(d, 0, GEN_FRAME_LEN);
	rte_ether_addr_copy(&g->plan.dut_mac, &eth->dst_addr);
	rte_ether_addr_copy(&g->plan.gen_mac, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(GEN_FRAME_LEN - 14);
	ip->packet_id = 0;
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	udp->dgram_len = rte_cpu_to_be_16(GEN_FRAME_LEN - 34);
	rtp[0] = 0x80;		/* V=2 */
	rtp[1] = 0;		/* PT 0, PCMU */
	for (int i = 0; i < GEN_PAYLOAD_LEN; i++) {
		double s = 8000.0 * sin(2 * M_PI * 1000.0 * i / 8000.0);

		d[GEN_HDR_LEN + i] = linear_to_ulaw((int)lrint(s));
	}
	crc_tail(d + GEN_HDR_LEN, g->tmpl_crc);
	g->tmpl_sum = csum_add(d + GEN_HDR_LEN + sizeof(struct gen_stamp),
			       GEN_PAYLOAD_LEN - sizeof(struct gen_stamp), 0);
}

static inline void build_frame(struct gen *g, struct rte_mbuf *m, struct gen_tx_cursor *cur,
			       uint64_t tsc)
{
	const struct gen_plan *p = &g->plan;
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(d + 14);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(d + 34);
	uint8_t *rtp = d + 42;
	uint8_t *pl = d + GEN_HDR_LEN;
	uint16_t port = (uint16_t)(p->port_base + cur->pidx);
	struct gen_stamp st = {
		.magic = GEN_STAMP_MAGIC,
		.trial = g->trial,
		.flags = g->expect_flags,
		.flow = cur->flow,
		.crc = 0,
		.seq = cur->seq,
		.tsc = tsc,
	};
	uint32_t v;
	uint16_t s16;

	rte_memcpy(d, g->tmpl, GEN_FRAME_LEN);
	ip->src_addr = rte_cpu_to_be_32(p->gen_ip + cur->addr);
	ip->dst_addr = rte_cpu_to_be_32(p->dut_ip + cur->addr);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp->src_port = rte_cpu_to_be_16(port);
	udp->dst_port = udp->src_port;
	s16 = rte_cpu_to_be_16((uint16_t)cur->seq);
	memcpy(rtp + 2, &s16, 2);
	v = rte_cpu_to_be_32((uint32_t)cur->seq * GEN_PAYLOAD_LEN);
	memcpy(rtp + 4, &v, 4);
	v = rte_cpu_to_be_32(0x6d720000u ^ cur->flow);
	memcpy(rtp + 8, &v, 4);
	memcpy(pl, &st, sizeof(st));
	v = crc_stamp(pl, g->tmpl_crc);
	memcpy(pl + offsetof(struct gen_stamp, crc), &v, 4);
	udp->dgram_cksum = 0;
	if (g->o.fault_corrupt && --cur->corrupt_left == 0) {
		cur->corrupt_left = g->o.fault_corrupt;
		pl[GEN_PAYLOAD_LEN - 7] ^= 0x5a;
		g->c.inj_corrupt++;
		/* The UDP checksum covers the corruption: only the payload
		 * CRC may catch it. */
		if (g->o.udp_cksum)
			udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
	} else if (g->o.udp_cksum) {
		/* The template's constant payload plus what changed. */
		uint64_t sum = csum_add((const uint8_t *)udp, 8 + 12 + sizeof(st), g->tmpl_sum);
		uint16_t ck = (uint16_t)~csum_fold(sum + csum_phdr(ip, udp));

		udp->dgram_cksum = ck ? ck : 0xffff;
	}
	m->data_len = GEN_FRAME_LEN;
	m->pkt_len = GEN_FRAME_LEN;

	if (++cur->pidx == p->ports_per_addr) {
		cur->pidx = 0;
		cur->addr++;
	}
	if (++cur->flow == p->flows) {
		cur->flow = 0;
		cur->addr = 0;
		cur->pidx = 0;
		cur->seq++;
	}
}

/* ---- ARP ------------------------------------------------------------- */

static bool is_gen_addr(const struct gen_plan *p, uint32_t ip)
{
	return ip - p->gen_ip < p->n_addrs;
}

/* Answers requests for the generator's addresses in place (queued for TX),
 * learns the DUT's MAC from its replies. Consumes m. */
static void handle_arp(struct gen *g, struct rte_mbuf *m)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(eth + 1);
	uint32_t tip, sip;

	if (m->data_len < sizeof(*eth) + sizeof(*arp) ||
	    arp->arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
	    arp->arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4)) {
		g->c.foreign++;
		rte_pktmbuf_free(m);
		return;
	}
	tip = rte_be_to_cpu_32(arp->arp_data.arp_tip);
	sip = rte_be_to_cpu_32(arp->arp_data.arp_sip);
	if (arp->arp_opcode == rte_cpu_to_be_16(RTE_ARP_OP_REPLY)) {
		if (sip == g->plan.dut_ip && !g->o.have_dut_mac) {
			rte_ether_addr_copy(&arp->arp_data.arp_sha, &g->plan.dut_mac);
			g->o.have_dut_mac = true;
		}
		rte_pktmbuf_free(m);
		return;
	}
	if (arp->arp_opcode != rte_cpu_to_be_16(RTE_ARP_OP_REQUEST) ||
	    !is_gen_addr(&g->plan, tip) || g->n_arp_out == RX_BURST) {
		g->c.foreign++;
		rte_pktmbuf_free(m);
		return;
	}
	rte_ether_addr_copy(&eth->src_addr, &eth->dst_addr);
	rte_ether_addr_copy(&g->plan.gen_mac, &eth->src_addr);
	arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REPLY);
	rte_ether_addr_copy(&arp->arp_data.arp_sha, &arp->arp_data.arp_tha);
	arp->arp_data.arp_tip = arp->arp_data.arp_sip;
	rte_ether_addr_copy(&g->plan.gen_mac, &arp->arp_data.arp_sha);
	arp->arp_data.arp_sip = rte_cpu_to_be_32(tip);
	g->arp_out[g->n_arp_out++] = m;
	g->c.arp_replies++;
}

static void flush_arp(struct gen *g)
{
	unsigned sent;

	if (g->n_arp_out == 0)
		return;
	sent = rte_eth_tx_burst(g->port, 0, g->arp_out, (uint16_t)g->n_arp_out);
	for (unsigned i = sent; i < g->n_arp_out; i++)
		rte_pktmbuf_free(g->arp_out[i]);
	g->n_arp_out = 0;
}

/* An ARP request from generator address sip for tip (sip = tip: gratuitous). */
static int send_arp(struct gen *g, uint32_t sip, uint32_t tip)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(g->pool);
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *arp;

	if (!m)
		return -ENOMEM;
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	arp = (struct rte_arp_hdr *)(eth + 1);
	memset(&eth->dst_addr, 0xff, RTE_ETHER_ADDR_LEN);
	rte_ether_addr_copy(&g->plan.gen_mac, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	arp->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = 4;
	arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
	rte_ether_addr_copy(&g->plan.gen_mac, &arp->arp_data.arp_sha);
	arp->arp_data.arp_sip = rte_cpu_to_be_32(sip);
	memset(&arp->arp_data.arp_tha, 0, RTE_ETHER_ADDR_LEN);
	arp->arp_data.arp_tip = rte_cpu_to_be_32(tip);
	m->data_len = m->pkt_len = RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN;
	memset((uint8_t *)(arp + 1), 0, m->data_len - sizeof(*eth) - sizeof(*arp));
	if (rte_eth_tx_burst(g->port, 0, &m, 1) != 1) {
		rte_pktmbuf_free(m);
		return -EAGAIN;
	}
	return 0;
}

static int send_arp_request(struct gen *g)
{
	return send_arp(g, g->plan.gen_ip, g->plan.dut_ip);
}

/*
 * A gratuitous ARP for each generator address: a relay that still knows
 * one of them from an earlier run (another MAC) takes the new one before
 * the first frame, instead of sending that address's flows elsewhere.
 */
static unsigned poll_rx(struct gen *g);

static void announce_addrs(struct gen *g)
{
	for (uint32_t a = 0; a < g->plan.n_addrs && !stop_now; a++)
		for (int k = 0; k < 1000 && send_arp(g, g->plan.gen_ip + a, g->plan.gen_ip + a) != 0; k++)
			poll_rx(g);
}

/* ---- receive and verify --------------------------------------------- */

static inline void track_seq(struct gen *g, struct gen_flow_rx *r, uint64_t s)
{
	if (s == r->next) {
		r->seen = (r->seen << 1) | 1;
		r->next = s + 1;
		g->c.rx_ok++;
	} else if (s > r->next) {
		uint64_t gap = s - r->next;

		g->c.gaps += gap;
		r->seen = gap + 1 >= 64 ? 1 : (r->seen << (gap + 1)) | 1;
		r->next = s + 1;
		g->c.rx_ok++;
	} else {
		uint64_t k = r->next - 1 - s;

		if (k < 64 && (r->seen >> k) & 1) {
			g->c.dup++;
			return;
		}
		if (k < 64)
			r->seen |= 1ull << k;
		g->c.reorder++;
		g->c.rx_ok++;
	}
}

/* ---- media scenarios (mrgen-media.c) -------------------------------- */

static inline bool seq_is_dup(const struct gen_flow_rx *r, uint64_t s)
{
	uint64_t k = r->next - 1 - s;

	return s < r->next && k < 64 && ((r->seen >> k) & 1);
}

/* SRTP and transcoded frames: the flow from the SSRC, the sequence number
 * from the RTP header (their stamp, if any, is encrypted), the full check
 * on a sample. Returns true (the caller frees m). */
static bool media_verify(struct gen *g, struct rte_mbuf *m, uint64_t now)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	enum gen_media_verdict v;
	struct gen_flow_rx *r;
	uint64_t ext, base, tsc = 0;
	uint32_t flow;
	uint16_t s16;
	bool anchor;

	v = m->nb_segs != 1 ? GEN_MV_FOREIGN
			    : gen_media_classify(g->media, d, m->data_len, &flow, &s16, &anchor);
	if (v == GEN_MV_OK && flow >= g->plan.flows) {
		g->c.stale++;	/* a flow this trial leaves idle */
		return true;
	}
	if (v == GEN_MV_OK) {
		r = &g->rx[flow];
		if (anchor) {
			gen_media_anchor(g->media, flow, s16, (uint16_t)r->next);
			s16 = (uint16_t)r->next;
		}
		ext = r->next + (uint64_t)(int64_t)(int16_t)(uint16_t)(s16 - (uint16_t)r->next);
		base = gen_media_base(g->media, flow);
		if (ext < base || ext > r->next + 32768) {
			g->c.stale++;
			return true;
		}
		if (seq_is_dup(r, ext)) {
			g->c.dup++;
			return true;
		}
		v = gen_media_check(g->media, d, m->data_len, flow, ext, &tsc);
		if (v == GEN_MV_OK) {
			track_seq(g, r, ext);
			if (tsc)
				hist_add(&g->hist, now - tsc);
			return true;
		}
	}
	switch (v) {
	case GEN_MV_MISDIRECTED: g->c.misdirected++; break;
	case GEN_MV_HDR: g->c.hdr_err++; break;
	case GEN_MV_AUTH: g->c.auth_fail++; break;
	case GEN_MV_CORRUPT: g->c.corrupt++; break;
	case GEN_MV_UNDECODABLE: g->c.undecodable++; break;
	default: g->c.foreign++; break;
	}
	return true;
}

static inline void media_build_frame(struct gen *g, struct rte_mbuf *m, struct gen_tx_cursor *cur,
				     uint64_t tsc)
{
	uint16_t len = gen_media_build(g->media, rte_pktmbuf_mtod(m, uint8_t *), cur->flow, tsc);

	m->data_len = len;
	m->pkt_len = len;
	if (++cur->flow == g->plan.flows) {
		cur->flow = 0;
		cur->seq++;
	}
}

/* Frames that came back and were judged, one way or another. */
static inline uint64_t accounted(const struct gen_counts *c)
{
	return c->rx_ok + c->corrupt + c->hdr_err + c->misdirected + c->auth_fail + c->undecodable;
}

/* Returns true when the caller frees m. */
static bool verify(struct gen *g, struct rte_mbuf *m, uint64_t now)
{
	const struct gen_plan *p = &g->plan;
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)d;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(d + 14);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(d + 34);
	uint8_t *pl = d + GEN_HDR_LEN;
	struct gen_stamp st;
	uint32_t a, sip, dip;
	uint16_t port;

	if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP)) {
		handle_arp(g, m);
		return false;
	}
	if (g->media)
		return media_verify(g, m, now);
	if (m->data_len != GEN_FRAME_LEN || m->pkt_len != GEN_FRAME_LEN ||
	    eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
	    ip->version_ihl != RTE_IPV4_VHL_DEF || ip->next_proto_id != IPPROTO_UDP) {
		g->c.foreign++;
		return true;
	}
	memcpy(&st, pl, sizeof(st));
	if (st.magic != GEN_STAMP_MAGIC) {
		g->c.foreign++;
		return true;
	}
	if (payload_crc(pl) != st.crc) {
		g->c.corrupt++;
		return true;
	}
	if (st.trial != g->trial || st.flags != g->expect_flags) {
		g->c.stale++;
		return true;
	}
	if (st.flow >= p->flows) {
		g->c.misdirected++;
		return true;
	}
	addr_of(p, st.flow, &a, &port);
	sip = rte_be_to_cpu_32(ip->src_addr);
	dip = rte_be_to_cpu_32(ip->dst_addr);
	if (!rte_is_same_ether_addr(&eth->dst_addr, &p->gen_mac) ||
	    rte_be_to_cpu_16(udp->dst_port) != port || rte_be_to_cpu_16(udp->src_port) != port ||
	    (g->o.mode == GEN_MODE_RELAY ? (dip != p->gen_ip + a || sip != p->dut_ip + a)
					 : (sip != p->gen_ip + a || dip != p->dut_ip + a))) {
		g->c.misdirected++;
		return true;
	}
	/* The relay's wire contract; the generator sends the same, so macswap
	 * must give it back unchanged. */
	if (ip->total_length != rte_cpu_to_be_16(GEN_FRAME_LEN - 14) || ip->packet_id != 0 ||
	    ip->fragment_offset != rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG) ||
	    ip->time_to_live != 64 || rte_ipv4_cksum(ip) != 0 ||
	    udp->dgram_len != rte_cpu_to_be_16(GEN_FRAME_LEN - 34) ||
	    (udp->dgram_cksum != 0 &&
	     csum_fold(csum_add((const uint8_t *)udp, GEN_FRAME_LEN - 34, csum_phdr(ip, udp))) != 0xffff) ||
	    d[42] != 0x80 || (d[43] & 0x7f) != 0) {
		g->c.hdr_err++;
		return true;
	}
	track_seq(g, &g->rx[st.flow], st.seq);
	hist_add(&g->hist, now - st.tsc);
	return true;
}

static unsigned poll_rx(struct gen *g)
{
	struct rte_mbuf *m[RX_BURST], *done[RX_BURST];
	unsigned n = rte_eth_rx_burst(g->port, 0, m, RX_BURST), nd = 0;
	uint64_t now;

	if (n == 0)
		return 0;
	now = rte_rdtsc();
	for (unsigned i = 0; i < n; i++) {
		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(m[i + 1], void *));
		if (verify(g, m[i], now))
			done[nd++] = m[i];
	}
	rte_pktmbuf_free_bulk(done, nd);
	flush_arp(g);
	return n;
}

/* ---- trials ---------------------------------------------------------- */

static void reset_trial(struct gen *g, uint16_t flags)
{
	memset(&g->c, 0, sizeof(g->c));
	memset(&g->hist, 0, sizeof(g->hist));
	memset(g->rx, 0, sizeof(*g->rx) * g->plan.flows);
	g->trial++;
	if (g->trial == 0)
		g->trial = 1;
	g->expect_flags = flags;
}

/*
 * One trial: send at `rate` (0 = as fast as the port accepts) for `duration`
 * seconds, or exactly one frame per flow when `count` is non-zero, then keep
 * receiving until nothing arrived for drain_ms.
 */
static void run_trial(struct gen *g, double rate, double duration, uint64_t count,
		      struct gen_result *res)
{
	struct rte_mbuf *pend[MAX_BURST];
	unsigned npend = 0, pidx = 0;
	struct gen_tx_cursor cur = {
		.drop_left = g->o.fault_drop,
		.corrupt_left = g->o.fault_corrupt,
	};
	uint64_t hz = g->hz, t0, tend, t_tx_end = 0, last_rx, built = 0;
	uint64_t drain = hz / 1000 * g->o.drain_ms, hard_end;
	uint64_t target = count ? count : (rate > 0 ? (uint64_t)(rate * duration) : UINT64_MAX);
	double pkt_per_cyc = rate / (double)hz;
	bool sending = true;

	uint64_t prev, stall = hz / 20000;
	uint64_t late = (uint64_t)((duration > 1 ? duration : 1) * (double)hz), deadline;

	if (g->media) {
		gen_media_stats_reset(g->media);
		gen_media_trial_begin(g->media, g->plan.flows, count ? count :
				      rate > 0 ? (uint64_t)(rate * duration) : 0);
		for (uint32_t f = 0; f < g->plan.flows; f++)
			g->rx[f].next = gen_media_base(g->media, f);
	}
	t0 = rte_rdtsc();
	prev = t0;
	tend = count ? UINT64_MAX : t0 + (uint64_t)(duration * (double)hz);
	deadline = count ? UINT64_MAX : rate > 0 ? tend + late : tend;
	last_rx = t0;
	for (;;) {
		uint64_t now = rte_rdtsc();

		if (now - prev > g->c.max_loop)
			g->c.max_loop = now - prev;
		if (now - prev > stall) {
			g->c.stalls++;
			/* The generator lost its core: a paced trial resumes its
			 * schedule from here instead of sending what it owes in one
			 * burst at the port's full speed. A tester that catches up
			 * offers the DUT bursts it never asked for (5 Mpps owed for
			 * 2 ms is 10,000 frames at once) and measures its own stall
			 * as the DUT's queueing; the trial still sends its whole
			 * count at its rate, only later. */
			if (rate > 0 && sending)
				g->c.shifted += now - prev;
		}
		prev = now;
		if (sending && npend == 0) {
			/* A paced trial sends its whole count, late by the time the
			 * core was taken away; it gives up one duration (at least
			 * 1 s) after the end. */
			if (built >= target || stop_now || now >= deadline) {
				sending = false;
				t_tx_end = now;
			} else {
				uint64_t want = g->o.burst;

				if (rate > 0) {
					uint64_t allowed = (uint64_t)((double)(now - t0 - g->c.shifted) * pkt_per_cyc);

					if (allowed > target)
						allowed = target;
					want = allowed > built ? allowed - built : 0;
					if (want > g->o.burst)
						want = g->o.burst;
				}
				if (count && want > count - built)
					want = count - built;
				if (want && rte_pktmbuf_alloc_bulk(g->pool, pend, (unsigned)want) == 0) {
					unsigned keep = 0;

					for (unsigned i = 0; i < want; i++) {
						if (g->media)
							media_build_frame(g, pend[i], &cur, now);
						else
							build_frame(g, pend[i], &cur, now);
						if (g->o.fault_drop && --cur.drop_left == 0) {
							cur.drop_left = g->o.fault_drop;
							rte_pktmbuf_free(pend[i]);
							g->c.inj_drop++;
							continue;
						}
						pend[keep++] = pend[i];
					}
					built += want;
					g->c.tx += want;
					npend = keep;
					pidx = 0;
				}
			}
		}
		if (npend) {
			unsigned sent = rte_eth_tx_burst(g->port, 0, pend + pidx, (uint16_t)npend);

			if (sent < npend)
				g->c.tx_retries++;
			pidx += sent;
			npend -= sent;
		}
		if (poll_rx(g))
			last_rx = rte_rdtsc();
		if (!sending) {
			const struct gen_counts *c = &g->c;

			/* Over once every frame sent is accounted for; else once
			 * nothing came for drain_ms (a loaded DUT answers late:
			 * late is not lost), and never more than 2 s on. */
			if (accounted(c) >= c->tx - c->inj_drop)
				break;
			now = rte_rdtsc();
			hard_end = t_tx_end + (2 * drain > 2 * hz ? 2 * drain : 2 * hz);
			if ((now - (last_rx > t_tx_end ? last_rx : t_tx_end) > drain) || now > hard_end)
				break;
		}
	}
	if (t_tx_end <= t0)
		t_tx_end = t0 + 1;
	res->rate = rate;
	res->tx_s = (double)(t_tx_end - t0) / (double)hz;
	res->tx_pps = (double)(g->c.tx - g->c.inj_drop) / res->tx_s;
	res->rx_pps = (double)g->c.rx_ok / res->tx_s;
	res->lost = (int64_t)g->c.tx - (int64_t)accounted(&g->c);
	res->offered_ok = rate <= 0 || count || (double)g->c.tx >= 0.999 * rate * duration;
	{
		uint64_t bad = (uint64_t)(res->lost > 0 ? res->lost : 0) + g->c.corrupt +
			       g->c.hdr_err + g->c.misdirected + g->c.dup + g->c.auth_fail +
			       g->c.undecodable;

		res->pass = res->offered_ok && (double)bad <= g->o.tolerance * (double)g->c.tx;
		res->why = !res->offered_ok ? (g->c.tx_retries ? "backpressure" : "generator-cpu")
			   : res->pass ? "ok" : "loss";
	}
	res->p50_ns = hist_quantile(&g->hist, 0.50) * 1e9 / (double)hz;
	res->p99_ns = hist_quantile(&g->hist, 0.99) * 1e9 / (double)hz;
	res->p999_ns = hist_quantile(&g->hist, 0.999) * 1e9 / (double)hz;
	res->max_ns = (double)g->hist.max * 1e9 / (double)hz;
}

/* The media scenarios' part of a trial line. */
static void print_media(const struct gen *g)
{
	struct gen_media_stats ms;

	if (g->media == NULL)
		return;
	gen_media_stats(g->media, &ms);
	printf(" scenario=%s auth_fail=%" PRIu64 " undecodable=%" PRIu64 " verified=%" PRIu64
	       " inline_built=%" PRIu64 " inj_tag=%" PRIu64 " dut_cpu_ms=%.0f",
	       gen_scenario_name(g->o.scen), g->c.auth_fail, g->c.undecodable, ms.verified,
	       ms.inline_built, ms.inj_tag, g->dut_cpu_s * 1000);
}

static void print_trial(const struct gen *g, const char *phase, const struct gen_result *r)
{
	const struct gen_counts *c = &g->c;

	printf("mrgen trial phase=%s trial=%u rate=%.0f duration=%.3f flows=%u tx=%" PRIu64
	       " rx=%" PRIu64 " lost=%" PRId64 " corrupt=%" PRIu64 " hdr_err=%" PRIu64
	       " misdirected=%" PRIu64 " dup=%" PRIu64 " reorder=%" PRIu64 " gaps=%" PRIu64
	       " stale=%" PRIu64 " foreign=%" PRIu64 " arp_replies=%" PRIu64
	       " inj_drop=%" PRIu64 " inj_corrupt=%" PRIu64 " tx_retries=%" PRIu64
	       " stalls=%" PRIu64 " max_loop_us=%.0f shifted_us=%.0f"
	       " tx_pps=%.0f rx_pps=%.0f lat_p50_ns=%.0f lat_p99_ns=%.0f lat_p999_ns=%.0f"
	       " lat_max_ns=%.0f pass=%d why=%s",
	       phase, g->trial, r->rate, r->tx_s, g->plan.flows, c->tx, c->rx_ok, r->lost,
	       c->corrupt, c->hdr_err, c->misdirected, c->dup, c->reorder, c->gaps, c->stale,
	       c->foreign, c->arp_replies, c->inj_drop, c->inj_corrupt, c->tx_retries,
	       c->stalls, (double)c->max_loop * 1e6 / (double)g->hz,
	       (double)c->shifted * 1e6 / (double)g->hz,
	       r->tx_pps, r->rx_pps, r->p50_ns, r->p99_ns, r->p999_ns, r->max_ns,
	       r->pass ? 1 : 0, r->why);
	print_media(g);
	printf("\n");
	fflush(stdout);
}

static int warmup(struct gen *g)
{
	struct gen_result r;
	/* Slow enough for a loaded DUT to keep every frame of a large plan. */
	double rate = g->o.rate > 0 && g->o.rate < 1e5 ? g->o.rate : 1e5;
	uint32_t fdrop = g->o.fault_drop, fcorr = g->o.fault_corrupt;
	int rc = -ETIMEDOUT;

	/* A transcoded frame costs the relay some 20 us: a few thousand a
	 * second keep its queues short. */
	if (g->o.scen == GEN_SCEN_TRANSCODE && rate > 5000)
		rate = 5000;
	if (g->media)
		gen_media_faults(g->media, false);
	g->o.fault_drop = g->o.fault_corrupt = 0;
	/* One frame per flow, so the relay has resolved the generator's
	 * addresses before any counted frame; retried for flows that lost it. */
	for (int round = 0; round < 3 && !stop_now; round++) {
		reset_trial(g, GEN_STAMP_F_WARMUP);
		run_trial(g, rate, 0, g->plan.flows, &r);
		print_trial(g, "warmup", &r);
		if (g->c.rx_ok == g->plan.flows) {
			rc = 0;
			break;
		}
	}
	g->o.fault_drop = fdrop;
	g->o.fault_corrupt = fcorr;
	if (g->media)
		gen_media_faults(g->media, true);
	return rc;
}

static void trial(struct gen *g, const char *phase, double rate, struct gen_result *r)
{
	double c0 = proc_cpu_s(g->o.dut_pid);

	reset_trial(g, 0);
	run_trial(g, rate, g->o.duration, 0, r);
	g->dut_cpu_s = proc_cpu_s(g->o.dut_pid) - c0;
	print_trial(g, phase, r);
}

/*
 * Transcoding: the most two-way calls (flows 2i and 2i+1, 50 frames/s each)
 * the relay carries with no frame lost, by binary search on the number of
 * calls among the flows programmed; then latency at 50% and 90% of it.
 */
static bool xc_trial(struct gen *g, const char *phase, uint32_t calls, struct gen_result *r)
{
	uint32_t all = g->plan.flows;

	g->plan.flows = 2 * calls;
	trial(g, phase, 100.0 * calls, r);
	g->plan.flows = all;
	return r->pass;
}

static int xc_search(struct gen *g)
{
	struct gen_result r, r50, r90;
	uint32_t hi = g->plan.flows / 2, lo = 0, best = 0;
	int trials = 1;

	if (xc_trial(g, "search", hi, &r)) {
		best = hi;
	} else {
		while (!stop_now && hi - lo > 1 && hi - lo > g->o.precision * hi && trials < 40) {
			uint32_t mid = (lo + hi) / 2;

			trials++;
			if (xc_trial(g, "search", mid, &r)) {
				lo = mid;
				best = mid;
			} else {
				hi = mid;
			}
		}
	}
	memset(&r50, 0, sizeof(r50));
	memset(&r90, 0, sizeof(r90));
	if (best > 0 && !stop_now) {
		xc_trial(g, "latency50", best / 2 ? best / 2 : 1, &r50);
		xc_trial(g, "latency90", best * 9 / 10 ? best * 9 / 10 : 1, &r90);
	}
	printf("mrgen result mode=%s scenario=transcode flows=%u calls_max=%u trial_s=%.3f"
	       " tolerance=%g precision=%g trials=%d calls=%u throughput_pps=%.0f"
	       " l50_p50_ns=%.0f l50_p99_ns=%.0f l50_p999_ns=%.0f l50_pass=%d"
	       " l90_p50_ns=%.0f l90_p99_ns=%.0f l90_p999_ns=%.0f l90_pass=%d\n",
	       g->o.mode == GEN_MODE_RELAY ? "relay" : "macswap", g->plan.flows,
	       g->plan.flows / 2, g->o.duration, g->o.tolerance, g->o.precision, trials, best,
	       100.0 * best, r50.p50_ns, r50.p99_ns, r50.p999_ns, r50.pass ? 1 : 0,
	       r90.p50_ns, r90.p99_ns, r90.p999_ns, r90.pass ? 1 : 0);
	fflush(stdout);
	return best > 0 ? 0 : -EIO;
}

/*
 * RFC 2544 section 26.1 throughput: the highest constant rate at which no
 * frame (or at most tolerance of them) is lost, found by binary search
 * between 0 and the rate a max-rate trial reached.
 */
static int search(struct gen *g)
{
	struct gen_result r, r50, r90;
	double lo = 0, hi, best = 0;
	int trials = 0;

	if (g->o.scen == GEN_SCEN_TRANSCODE)
		return xc_search(g);
	if (g->o.search_max > 0) {
		hi = g->o.search_max;
	} else {
		trial(g, "max", 0, &r);
		trials++;
		hi = r.rx_pps * 1.02;
	}
	if (hi < 1000)
		hi = 1000;
	/* Try the top first: a DUT that keeps up with everything ends here. */
	trial(g, "search", hi, &r);
	trials++;
	if (r.pass) {
		best = hi;
	} else {
		while (!stop_now && hi - lo > g->o.precision * hi && hi >= 1000 && trials < 40) {
			double mid = (lo + hi) / 2;

			trial(g, "search", mid, &r);
			trials++;
			if (r.pass) {
				lo = mid;
				best = mid;
			} else {
				hi = mid;
			}
		}
	}
	memset(&r50, 0, sizeof(r50));
	memset(&r90, 0, sizeof(r90));
	if (best > 0 && !stop_now) {
		trial(g, "latency50", best * 0.5, &r50);
		trial(g, "latency90", best * 0.9, &r90);
	}
	printf("mrgen result mode=%s scenario=%s flows=%u trial_s=%.3f tolerance=%g precision=%g"
	       " trials=%d throughput_pps=%.0f"
	       " l50_p50_ns=%.0f l50_p99_ns=%.0f l50_p999_ns=%.0f l50_pass=%d"
	       " l90_p50_ns=%.0f l90_p99_ns=%.0f l90_p999_ns=%.0f l90_pass=%d\n",
	       g->o.mode == GEN_MODE_RELAY ? "relay" : "macswap", gen_scenario_name(g->o.scen),
	       g->plan.flows, g->o.duration,
	       g->o.tolerance, g->o.precision, trials, best,
	       r50.p50_ns, r50.p99_ns, r50.p999_ns, r50.pass ? 1 : 0,
	       r90.p50_ns, r90.p99_ns, r90.p999_ns, r90.pass ? 1 : 0);
	fflush(stdout);
	return best > 0 ? 0 : -EIO;
}

/* ---- set-up ---------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [OPTIONS] -- EAL-ARGS\n"
		"RTP (G.711) generator and checker on the first DPDK port of the EAL arguments.\n\n"
		"Options:\n"
		"  -m, --mode MODE          relay (default) or macswap (frames come back with MACs swapped)\n"
		"  -n, --flows N            flows (default 1000)\n"
		"  -r, --rate PPS           packets per second, 0 = as fast as the port takes (default 0)\n"
		"  -d, --duration S         seconds per trial (default 2)\n"
		"  -s, --search             RFC 2544 zero-loss search, then latency at 50%% and 90%%\n"
		"      --tolerance F        loss fraction a search trial may have (default 0)\n"
		"      --precision F        search resolution, fraction of the rate (default 0.01)\n"
		"      --search-max PPS     upper bound of the search (default: a max-rate trial)\n"
		"      --gen-ip A           first generator address (default 198.18.0.2)\n"
		"      --dut-ip A           first relay address (default 198.18.0.1)\n"
		"      --port-base P        first UDP port (default 10000)\n"
		"      --ports-per-addr K   flows per address (default 50000)\n"
		"      --gen-mac MAC        generator MAC (default: the port's)\n"
		"      --dut-mac MAC        relay MAC (default: ARP for --dut-ip; macswap: any)\n"
		"      --burst B            TX burst, 1..%d (default 32)\n"
		"      --no-warmup          no warm-up round (one frame per flow) before the trials\n"
		"      --no-udp-cksum       send UDP checksum 0 (received ones are still verified)\n"
		"      --fault-drop N       build but do not send 1 in N frames (tests the checker)\n"
		"      --fault-corrupt N    flip a payload byte in 1 in N frames after the CRC\n"
		"      --drain-ms MS        a trial with frames missing ends MS after the last came back (default 500)\n"
		"      --scenario S         rtp (default), rtp-srtp, srtp-srtp (AES_CM_128_HMAC_SHA1_80, keys\n"
		"                           from getrandom), transcode (flow 2i PCMU->Opus, 2i+1 Opus->PCMU;\n"
		"                           --search then searches on the number of calls, 50 frames/s a flow)\n"
		"      --program INSTANCE   program the flows (with their keys) into the dataplane's shm ring first\n"
		"      --verify-every N     decrypt or decode 1 in N frames received (default 16; all are\n"
		"                           checked for flow, headers and sequence)\n"
		"      --store N            frames protected before a trial, at most (default 1048576)\n"
		"      --fault-tag N        flip a byte of the SRTP tag in 1 in N frames sent\n"
		"      --dut-pid PID        print the CPU time the DUT got in each trial (dut_cpu_ms)\n"
		"  -h, --help               this text\n"
		"  -V, --version            print the version and exit\n",
		prog, MAX_BURST);
}

static int parse_ip(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*out = ntohl(a.s_addr);
	return 0;
}

static int parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static int parse_double(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= lo && v <= hi))
		return -EINVAL;
	*out = v;
	return 0;
}

enum {
	OPT_TOL = 256, OPT_PREC, OPT_SMAX, OPT_GEN_IP, OPT_DUT_IP, OPT_PBASE, OPT_PPA,
	OPT_GEN_MAC, OPT_DUT_MAC, OPT_BURST, OPT_NO_WARMUP, OPT_NO_UCK, OPT_FDROP,
	OPT_FCORR, OPT_DRAIN, OPT_SCEN, OPT_PROGRAM, OPT_VERIFY, OPT_STORE, OPT_FTAG,
	OPT_DUT_PID,
};

/* Returns 0 to go on, 1 to exit 0 (help, version), -EINVAL for bad usage. */
static int parse_opts(int argc, char **argv, struct gen *g, bool *have_gen_mac)
{
	static const struct option opts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "flows", required_argument, NULL, 'n' },
		{ "rate", required_argument, NULL, 'r' },
		{ "duration", required_argument, NULL, 'd' },
		{ "search", no_argument, NULL, 's' },
		{ "tolerance", required_argument, NULL, OPT_TOL },
		{ "precision", required_argument, NULL, OPT_PREC },
		{ "search-max", required_argument, NULL, OPT_SMAX },
		{ "gen-ip", required_argument, NULL, OPT_GEN_IP },
		{ "dut-ip", required_argument, NULL, OPT_DUT_IP },
		{ "port-base", required_argument, NULL, OPT_PBASE },
		{ "ports-per-addr", required_argument, NULL, OPT_PPA },
		{ "gen-mac", required_argument, NULL, OPT_GEN_MAC },
		{ "dut-mac", required_argument, NULL, OPT_DUT_MAC },
		{ "burst", required_argument, NULL, OPT_BURST },
		{ "no-warmup", no_argument, NULL, OPT_NO_WARMUP },
		{ "no-udp-cksum", no_argument, NULL, OPT_NO_UCK },
		{ "fault-drop", required_argument, NULL, OPT_FDROP },
		{ "fault-corrupt", required_argument, NULL, OPT_FCORR },
		{ "drain-ms", required_argument, NULL, OPT_DRAIN },
		{ "scenario", required_argument, NULL, OPT_SCEN },
		{ "program", required_argument, NULL, OPT_PROGRAM },
		{ "verify-every", required_argument, NULL, OPT_VERIFY },
		{ "store", required_argument, NULL, OPT_STORE },
		{ "fault-tag", required_argument, NULL, OPT_FTAG },
		{ "dut-pid", required_argument, NULL, OPT_DUT_PID },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct gen_opts *o = &g->o;
	struct gen_plan *p = &g->plan;
	uint32_t v;
	int c, rc = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+m:n:r:d:shV", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (strcmp(optarg, "relay") == 0)
				o->mode = GEN_MODE_RELAY;
			else if (strcmp(optarg, "macswap") == 0)
				o->mode = GEN_MODE_MACSWAP;
			else
				rc = -EINVAL;
			break;
		case 'n': rc = parse_u32(optarg, 1, 16u << 20, &p->flows); break;
		case 'r': rc = parse_double(optarg, 0, 1e9, &o->rate); break;
		case 'd': rc = parse_double(optarg, 0.01, 3600, &o->duration); break;
		case 's': o->search = true; break;
		case OPT_TOL: rc = parse_double(optarg, 0, 0.5, &o->tolerance); break;
		case OPT_PREC: rc = parse_double(optarg, 0.0001, 0.5, &o->precision); break;
		case OPT_SMAX: rc = parse_double(optarg, 1000, 1e9, &o->search_max); break;
		case OPT_GEN_IP: rc = parse_ip(optarg, &p->gen_ip); break;
		case OPT_DUT_IP: rc = parse_ip(optarg, &p->dut_ip); break;
		case OPT_PBASE:
			rc = parse_u32(optarg, 1, 65535, &v);
			p->port_base = (uint16_t)v;
			break;
		case OPT_PPA: rc = parse_u32(optarg, 1, 65535, &p->ports_per_addr); break;
		case OPT_GEN_MAC:
			rc = rte_ether_unformat_addr(optarg, &p->gen_mac) ? -EINVAL : 0;
			*have_gen_mac = true;
			break;
		case OPT_DUT_MAC:
			rc = rte_ether_unformat_addr(optarg, &p->dut_mac) ? -EINVAL : 0;
			o->have_dut_mac = true;
			break;
		case OPT_BURST:
			rc = parse_u32(optarg, 1, MAX_BURST, &v);
			o->burst = (uint16_t)v;
			break;
		case OPT_NO_WARMUP: o->warmup = false; break;
		case OPT_NO_UCK: o->udp_cksum = false; break;
		case OPT_FDROP: rc = parse_u32(optarg, 2, UINT32_MAX, &o->fault_drop); break;
		case OPT_FCORR: rc = parse_u32(optarg, 2, UINT32_MAX, &o->fault_corrupt); break;
		case OPT_DRAIN: rc = parse_u32(optarg, 1, 10000, &o->drain_ms); break;
		case OPT_SCEN: rc = gen_scenario_parse(optarg, &o->scen); break;
		case OPT_PROGRAM: o->program = optarg; break;
		case OPT_VERIFY: rc = parse_u32(optarg, 1, 1u << 30, &o->verify_every); break;
		case OPT_STORE: rc = parse_u32(optarg, 0, 1u << 24, &o->store_max); break;
		case OPT_FTAG: rc = parse_u32(optarg, 2, UINT32_MAX, &o->fault_tag); break;
		case OPT_DUT_PID:
			rc = parse_u32(optarg, 1, INT32_MAX, &v);
			o->dut_pid = (int)v;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case 'V':
			printf("%s %s\n", prog, MR_VERSION);
			return 1;
		default:
			fprintf(stderr, "%s: unknown or incomplete option '%s'\n", prog,
				argv[optind - 1]);
			fprintf(stderr, "Try '%s --help'.\n", prog);
			return -EINVAL;
		}
		if (rc) {
			fprintf(stderr, "%s: bad value '%s' for '%s'\n", prog, optarg,
				argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (p->port_base + (p->ports_per_addr - 1) > 65535) {
		fprintf(stderr, "%s: --port-base + --ports-per-addr goes past port 65535\n", prog);
		return -EINVAL;
	}
	if (o->scen == GEN_SCEN_TRANSCODE && p->flows % 2) {
		fprintf(stderr, "%s: transcode takes two flows a call: --flows must be even\n", prog);
		return -EINVAL;
	}
	if (o->program && o->mode != GEN_MODE_RELAY) {
		fprintf(stderr, "%s: --program goes with --mode relay\n", prog);
		return -EINVAL;
	}
	p->n_addrs = (p->flows + p->ports_per_addr - 1) / p->ports_per_addr;
	if (p->n_addrs > 250) {
		fprintf(stderr, "%s: %u flows need %u addresses; raise --ports-per-addr\n",
			prog, p->flows, p->n_addrs);
		return -EINVAL;
	}
	return 0;
}

static int port_init(struct gen *g)
{
	struct rte_eth_conf conf;
	struct rte_eth_link link;
	uint16_t nb_rxd = 1024, nb_txd = 1024;
	int rc;

	memset(&conf, 0, sizeof(conf));
	if (rte_eth_dev_count_avail() == 0) {
		fprintf(stderr, "%s: no DPDK port (give one with --vdev after --)\n", prog);
		return -ENODEV;
	}
	g->port = 0;
	RTE_ETH_FOREACH_DEV(g->port)
		break;
	rc = rte_eth_dev_configure(g->port, 1, 1, &conf);
	if (rc == 0)
		rc = rte_eth_dev_adjust_nb_rx_tx_desc(g->port, &nb_rxd, &nb_txd);
	if (rc == 0)
		rc = rte_eth_rx_queue_setup(g->port, 0, nb_rxd, rte_eth_dev_socket_id(g->port),
					    NULL, g->pool);
	if (rc == 0)
		rc = rte_eth_tx_queue_setup(g->port, 0, nb_txd, rte_eth_dev_socket_id(g->port),
					    NULL);
	/* A memif client fails to start while the server still tears down its
	 * previous connection (or is not up yet): retry for 30 seconds. */
	for (int i = 0; rc == 0 && !stop_now; i++) {
		rc = rte_eth_dev_start(g->port);
		if (rc == 0 || i == 150)
			break;
		rc = 0;
		rte_delay_ms(200);
	}
	if (rc) {
		fprintf(stderr, "%s: port %u set-up failed: %s\n", prog, g->port, strerror(-rc));
		return rc;
	}
	for (int i = 0; i < 100 && !stop_now; i++) {
		memset(&link, 0, sizeof(link));
		if (rte_eth_link_get_nowait(g->port, &link) == 0 && link.link_status)
			return 0;
		rte_delay_ms(100);
	}
	fprintf(stderr, "%s: port %u link still down after 10 s (is the peer running?)\n",
		prog, g->port);
	return -ENOLINK;
}

static int resolve_dut(struct gen *g)
{
	uint64_t hz = g->hz, next = 0, end = rte_rdtsc() + 10 * hz;

	while (!g->o.have_dut_mac && !stop_now && rte_rdtsc() < end) {
		if (rte_rdtsc() >= next) {
			send_arp_request(g);
			next = rte_rdtsc() + hz / 5;
		}
		poll_rx(g);
	}
	if (!g->o.have_dut_mac) {
		fprintf(stderr, "%s: no ARP reply from the relay's address\n", prog);
		return -EHOSTUNREACH;
	}
	return 0;
}

/* The media scenarios: keys, sessions and signals, then the relay's flows. */
static int media_init(struct gen *g)
{
	struct gen_media_opts mo = {
		.scen = g->o.scen, .mode = g->o.mode, .verify_every = g->o.verify_every,
		.store_max = g->o.store_max, .fault_tag = g->o.fault_tag,
		.udp_cksum = g->o.udp_cksum,
	};
	int rc;

	g->media = gen_media_create(&mo, &g->plan);
	if (g->media == NULL) {
		fprintf(stderr, "%s: media scenario set-up failed: %s\n", prog, strerror(errno));
		return -errno;
	}
	if (g->o.program == NULL)
		return 0;
	rc = gen_media_program(g->media, g->o.program);
	if (rc)
		fprintf(stderr, "%s: programming %u flows into '%s': %s\n", prog, g->plan.flows,
			g->o.program, strerror(-rc));
	return rc;
}

static void on_signal(int sig)
{
	(void)sig;
	stop_now = 1;
}

int main(int argc, char **argv)
{
	static struct gen g;
	bool have_gen_mac = false;
	char ipbuf[2][INET_ADDRSTRLEN];
	struct in_addr ia;
	char *eal_argv[128];
	int eal_argc = 0, split = argc, rc;

	g.o = (struct gen_opts){
		.mode = GEN_MODE_RELAY, .rate = 0, .duration = 2, .precision = 0.01,
		.burst = 32, .warmup = true, .udp_cksum = true, .drain_ms = 500,
		.verify_every = 16, .store_max = 1u << 20,
	};
	g.plan = (struct gen_plan){
		.flows = 1000, .gen_ip = 0xc6120002u, .dut_ip = 0xc6120001u,
		.port_base = 10000, .ports_per_addr = 50000,
	};
	rte_ether_unformat_addr("02:00:00:00:00:02", &g.plan.dut_mac);
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			split = i;
			break;
		}
	rc = parse_opts(split, argv, &g, &have_gen_mac);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (optind != split) {
		fprintf(stderr, "%s: unexpected argument '%s'\nTry '%s --help'.\n", prog,
			argv[optind], prog);
		return 2;
	}
	eal_argv[eal_argc++] = argv[0];
	for (int i = split + 1; i < argc && eal_argc < 127; i++)
		eal_argv[eal_argc++] = argv[i];
	eal_argv[eal_argc] = NULL;
	if (rte_eal_init(eal_argc, eal_argv) < 0) {
		fprintf(stderr, "%s: EAL initialisation failed: %s\n", prog,
			rte_strerror(rte_errno));
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	g.hz = rte_get_tsc_hz();
	g.rx = calloc(g.plan.flows, sizeof(*g.rx));
	g.pool = rte_pktmbuf_pool_create("mrgen_pool", N_MBUFS, MBUF_CACHE, 0,
					 RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (!g.rx || !g.pool) {
		fprintf(stderr, "%s: out of memory for %u flows / mbufs\n", prog, g.plan.flows);
		rc = 1;
		goto done;
	}
	rc = port_init(&g);
	if (rc) {
		rc = 1;
		goto stop;
	}
	if (!have_gen_mac)
		rte_eth_macaddr_get(g.port, &g.plan.gen_mac);
	if (g.o.mode == GEN_MODE_RELAY && !g.o.have_dut_mac && resolve_dut(&g)) {
		rc = 1;
		goto stop;
	}
	if (g.o.mode == GEN_MODE_RELAY)
		announce_addrs(&g);
	build_template(&g);
	if (g.o.scen != GEN_SCEN_RTP && media_init(&g)) {
		rc = 1;
		goto stop;
	}
	ia.s_addr = htonl(g.plan.gen_ip);
	inet_ntop(AF_INET, &ia, ipbuf[0], sizeof(ipbuf[0]));
	ia.s_addr = htonl(g.plan.dut_ip);
	inet_ntop(AF_INET, &ia, ipbuf[1], sizeof(ipbuf[1]));
	printf("mrgen start mode=%s flows=%u gen_ip=%s dut_ip=%s addrs=%u port_base=%u"
	       " lcore=%u cpu=%d tsc_hz=%" PRIu64 " frame=%d scenario=%s gen_protect_ns=%.0f\n",
	       g.o.mode == GEN_MODE_RELAY ? "relay" : "macswap", g.plan.flows, ipbuf[0],
	       ipbuf[1], g.plan.n_addrs, g.plan.port_base, rte_lcore_id(), sched_getcpu(), g.hz,
	       GEN_FRAME_LEN, gen_scenario_name(g.o.scen),
	       g.media ? gen_media_protect_ns(g.media) : 0.0);
	fflush(stdout);
	rc = 0;
	if (g.o.warmup && warmup(&g)) {
		fprintf(stderr, "%s: warm-up: not every flow answered\n", prog);
		rc = 1;
		goto stop;
	}
	if (g.o.search) {
		rc = search(&g) ? 1 : 0;
	} else {
		struct gen_result r;

		trial(&g, "trial", g.o.rate, &r);
		rc = r.pass ? 0 : 3;
	}
stop:
	rte_eth_dev_stop(g.port);
	rte_eth_dev_close(g.port);
done:
	gen_media_free(g.media);
	free(g.rx);
	rte_eal_cleanup();
	return rc;
}
