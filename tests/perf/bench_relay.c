/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench-relay: cycles per packet of the dataplane's packet path on one core,
 * beside a MAC swap of the same frames through the same port (the floor of
 * any forwarding: rx burst, touch the Ethernet header, tx burst).
 *
 * The port is an ethdev on two rte_rings (rte_eth_from_rings): frames are
 * put into its RX ring, one dp_worker_poll() (or one macswap round) is timed
 * with the TSC, and what comes out of its TX ring is restored and recycled.
 * Only the poll is timed. 214-byte G.711 RTP frames to N flows in random
 * order; IPv4 in and out; software checksums (the ring port has no offload).
 *
 * With -x CALLS, what transcoding costs the forwarding lcore: CALLS two-way
 * calls (a PCMU -> Opus and an Opus -> PCMU flow each, 20 ms frames,
 * speech-like input, the Opus leg sending narrowband 16 kbit/s) fed in turn
 * with their own sequence numbers and timestamps, alternately
 *   inline: the worker's poll transcodes them (media-lcores = 0), and
 *   media:  the worker's poll hands them to a media lcore's ring; that
 *           lcore's poll (run after it, on the same thread, timed apart)
 *           transcodes them.
 * Beside them, in the same trials, plain relayed packets through the same
 * worker. These rounds are timed in thread CPU time (the cost of reading the
 * clock subtracted), not the TSC: a round of transcoding takes hundreds of
 * microseconds, long enough to be preempted on a shared machine.
 *
 * With -w 2, how the packet path scales to two forwarding lcores, each on a
 * CPU of its own (EAL --lcores 0@A,1@B, A and B the first two CPUs this
 * process may run on). The set-up is the dataplane's own for two lcores
 * (dp_port_init, dp_lcores_setup): one rte_hash flow table read under RCU,
 * a stats slot per lcore, the per-flow stats in shm. Lcore 0 is EAL's main
 * lcore (as with workers = 0), lcore 1 a worker lcore; their packet path is
 * the same (nothing reaches the main lcore's service). The ring port has an
 * RX and a TX ring per lcore, and flow i is fed to queue i % 2, as RSS keeps
 * a flow on one queue. Each lcore feeds its own RX ring, times its poll with
 * the TSC, reports its RCU quiescent state after it (as dp_worker_main
 * does), and checks and recycles what its TX ring gives back: every frame
 * fed must come out rewritten, or the run fails. A trial ends when the first
 * lcore has relayed PACKETS. Each trial runs lcore 0 alone with every flow
 * on its queue, then both lcores, then the same two with a MAC swap in place
 * of the poll (the same queues and checks, no relay state: what it loses on
 * two lcores is the harness's and the machine's); medians of the trials. No
 * NIC and no memif: the lcores share the flow table, the stats table, the
 * ring port and the CPU caches and host of this machine.
 *
 *   bench-relay [-n FLOWS] [-p PACKETS] [-t TRIALS] [-w 1|2] [-x CALLS [-X PACKETS]]
 * Prints one line per variant: "bench-relay relay flows=N cycles_pkt=X ns_pkt=Y mpps=Z".
 * then with -x "bench-relay transcode calls=C plain_ns_pkt=P inline_ns_pkt=T
 * handoff_ns_pkt=W media_ns_pkt=M" (thread CPU nanoseconds per packet).
 * With -w 2 instead of the relay and macswap lines, for 1 and 2 lcores:
 * "bench-relay relay-xL flows=N lcores=L poll_mpps=P wall_mpps=W cycles_pkt=C[,C]"
 * and the same as "macswap-xL":
 * poll_mpps sums each lcore's packets per second of its polls alone;
 * wall_mpps is every lcore's packets per second of wall clock, feeding and
 * recycling included; cycles_pkt is each lcore's poll per packet.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>
#include <rte_udp.h>

#include <opus.h>
#include <spandsp.h>

#include "cmdq.h"
#include "drop.h"
#include "codec/codec-t.h"
#include "config/config.h"
#include "flowtab.h"
#include "media.h"
#include "neigh.h"
#include "port.h"
#include "transcode.h"
#include "worker.h"
#include "../unit/codec_sig.h"

#define FLOWS_PER_ADDR 50000
#define MAX_ADDRS 64		/* 3.2 M flows */
#define MAX_IFACES 1		/* one interface, its addresses keying the flows */
#define POOL_FRAMES 8192

static struct dp_ctx ctx;

/* The region lives in /dev/shm (memory): never leave it behind, whatever the exit. */
static void shm_cleanup(void)
{
	mr_shm_detach(&ctx.shm);
}
static struct rte_ring *rx_ring[MAX_IFACES], *tx_ring[MAX_IFACES];
static uint8_t (*frames)[256];
static uint16_t *frame_len;
static uint8_t *frame_if;
static unsigned *frame_flow;

static const uint8_t peer_mac[6] = { 2, 0xaa, 0, 0, 0, 0x50 };

/* Transcoded flows (-x): ids n_flows.., even PCMU -> Opus, odd Opus -> PCMU. */
#define XC_FRAMES 50		/* one second of input, cycled */
#define PT_OPUS 111
static unsigned xc_first, xc_flows, xc_next;
static uint16_t *xc_seq;
static uint32_t *xc_ts;
static uint8_t xc_pcmu[XC_FRAMES][160];
static uint8_t xc_opus[XC_FRAMES][256];
static uint16_t xc_opus_len[XC_FRAMES];

/* The relay's address a: 198.18.0.(10 + a); the peer is 198.18.0.2. */
static uint32_t ip_of(unsigned a)
{
	return (198u << 24) | (18u << 16) | (10u + a);
}

#define PEER_IP ((198u << 24) | (18u << 16) | 2u)

/* An Ethernet/IPv4/UDP/RTP frame to flow `flow` into b; returns its length. */
static uint16_t put_frame(uint8_t *b, unsigned flow, uint8_t pt, uint16_t seq, uint32_t ts,
			  uint32_t ssrc, const uint8_t *pl, uint16_t plen)
{
	unsigned iface = 0, addr = flow / FLOWS_PER_ADDR;
	uint16_t port = (uint16_t)(10000 + flow % FLOWS_PER_ADDR);
	struct rte_ipv4_hdr *ip = (void *)(b + 14);
	struct rte_udp_hdr *uh = (void *)(b + 34);
	uint8_t *rtp = b + 42;

	memcpy(b, ctx.ifaces[iface].mac.addr_bytes, 6);
	memcpy(b + 6, peer_mac, 6);
	b[12] = 0x08;
	b[13] = 0x00;
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(20 + 8 + 12 + plen));
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(PEER_IP);
	ip->dst_addr = rte_cpu_to_be_32(ip_of(addr));
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	uh->src_port = rte_cpu_to_be_16(port);
	uh->dst_port = rte_cpu_to_be_16(port);
	uh->dgram_len = rte_cpu_to_be_16((uint16_t)(8 + 12 + plen));
	uh->dgram_cksum = 0;
	rtp[0] = 0x80;
	rtp[1] = pt;
	rtp[2] = (uint8_t)(seq >> 8);
	rtp[3] = (uint8_t)seq;
	rtp[4] = (uint8_t)(ts >> 24);
	rtp[5] = (uint8_t)(ts >> 16);
	rtp[6] = (uint8_t)(ts >> 8);
	rtp[7] = (uint8_t)ts;
	rtp[8] = (uint8_t)(ssrc >> 24);
	rtp[9] = (uint8_t)(ssrc >> 16);
	rtp[10] = (uint8_t)(ssrc >> 8);
	rtp[11] = (uint8_t)ssrc;
	memcpy(rtp + 12, pl, plen);
	uh->dgram_cksum = rte_ipv4_udptcp_cksum(ip, uh);
	return (uint16_t)(42 + 12 + plen);
}

static void build_frame(unsigned i, unsigned flow)
{
	uint8_t pl[160];

	memset(pl, 0xd5, sizeof(pl));
	frame_len[i] = put_frame(frames[i], flow, 0, (uint16_t)i, 0, flow & 0xff, pl, sizeof(pl));
	frame_if[i] = 0;
	frame_flow[i] = flow;
}

static void fill(struct rte_mbuf *m, unsigned i)
{
	rte_pktmbuf_reset(m);
	rte_memcpy(rte_pktmbuf_append(m, frame_len[i]), frames[i], frame_len[i]);
}

/* One timed round of `burst` frames; returns cycles spent in the poll. */
static uint64_t round_once(struct rte_mbuf **pkts, unsigned burst, unsigned *next, unsigned n_frames,
			   bool macswap, struct dp_lcore *lc, unsigned *out)
{
	unsigned per_if[MAX_IFACES] = { 0 };
	struct rte_mbuf *byif[MAX_IFACES][64];
	uint64_t t0, t1;

	for (unsigned k = 0; k < burst; k++) {
		unsigned i = (*next)++ % n_frames;

		fill(pkts[k], i);
		byif[frame_if[i]][per_if[frame_if[i]]++] = pkts[k];
	}
	for (unsigned f = 0; f < ctx.n_ifaces; f++)
		rte_ring_enqueue_burst(rx_ring[f], (void **)byif[f], per_if[f], NULL);
	t0 = rte_rdtsc_precise();
	if (macswap) {
		for (unsigned f = 0; f < ctx.n_ifaces; f++) {
			struct rte_mbuf *m[64];
			uint16_t n = rte_eth_rx_burst(ctx.ifaces[f].port_id, 0, m, 64);

			for (uint16_t j = 0; j < n; j++) {
				struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m[j], struct rte_ether_hdr *);
				struct rte_ether_addr t = eh->dst_addr;

				eh->dst_addr = eh->src_addr;
				eh->src_addr = t;
			}
			rte_eth_tx_burst(ctx.ifaces[f].port_id, 0, m, n);
		}
	} else {
		dp_worker_poll(lc);
	}
	t1 = rte_rdtsc_precise();
	*out = 0;
	for (unsigned f = 0; f < ctx.n_ifaces; f++) {
		unsigned got = rte_ring_dequeue_burst(tx_ring[f], (void **)pkts + *out, burst - *out, NULL);

		*out += got;
	}
	return t1 - t0;
}

static int cmp_d(const void *a, const void *b);
static int cmp_u64(const void *a, const void *b);

/* The transcoded calls' input: speech-like PCMU, and narrowband Opus made from it. */
static int xc_input_make(void)
{
	int16_t pcm[XC_FRAMES * 160];
	OpusEncoder *oe;
	int err;

	sig_speech(pcm, XC_FRAMES * 160, 8000, 3400);
	oe = opus_encoder_create(8000, 1, OPUS_APPLICATION_VOIP, &err);
	if (oe == NULL)
		return -1;
	opus_encoder_ctl(oe, OPUS_SET_BITRATE(16000));
	opus_encoder_ctl(oe, OPUS_SET_MAX_BANDWIDTH(OPUS_BANDWIDTH_NARROWBAND));
	for (unsigned f = 0; f < XC_FRAMES; f++) {
		int n;

		for (unsigned i = 0; i < 160; i++)
			xc_pcmu[f][i] = linear_to_ulaw(pcm[f * 160 + i]);
		n = opus_encode(oe, pcm + f * 160, 160, xc_opus[f], sizeof(xc_opus[f]));
		if (n <= 0) {
			opus_encoder_destroy(oe);
			return -1;
		}
		xc_opus_len[f] = (uint16_t)n;
	}
	opus_encoder_destroy(oe);
	return 0;
}

/* The next transcoded flow's next frame into m (flows in turn, each in sequence). */
static void xc_fill(struct rte_mbuf *m)
{
	unsigned j = xc_next++ % xc_flows, f = xc_seq[j] % XC_FRAMES;
	uint8_t *b;

	rte_pktmbuf_reset(m);
	b = (uint8_t *)rte_pktmbuf_append(m, 42 + 12 + 256);
	if (j % 2 == 0) {
		rte_pktmbuf_trim(m, (uint16_t)(256 - 160));
		put_frame(b, xc_first + j, 0, xc_seq[j], xc_ts[j], 0x10000 + j, xc_pcmu[f], 160);
		xc_ts[j] += 160;
	} else {
		rte_pktmbuf_trim(m, (uint16_t)(256 - xc_opus_len[f]));
		put_frame(b, xc_first + j, PT_OPUS, xc_seq[j], xc_ts[j], 0x10000 + j, xc_opus[f],
			  xc_opus_len[f]);
		xc_ts[j] += 960;
	}
	xc_seq[j]++;
	m->port = ctx.ifaces[0].port_id;
}

/* Thread CPU time in ns, and what reading it costs (median of back-to-back reads). */
static uint64_t cpu_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static uint64_t cpu_ns_overhead(void)
{
	uint64_t d[1001];

	for (unsigned i = 0; i < RTE_DIM(d); i++) {
		uint64_t t0 = cpu_ns();

		d[i] = cpu_ns() - t0;
	}
	qsort(d, RTE_DIM(d), sizeof(d[0]), cmp_u64);
	return d[RTE_DIM(d) / 2];
}

static uint64_t clock_cost;

static uint64_t timed_poll(void (*poll)(struct dp_lcore *), struct dp_lcore *lc)
{
	uint64_t t0 = cpu_ns(), dt;

	poll(lc);
	dt = cpu_ns() - t0;
	return dt > clock_cost ? dt - clock_cost : 0;
}

static void drain_tx(void)
{
	struct rte_mbuf *out[256];

	for (unsigned f = 0; f < ctx.n_ifaces; f++) {
		unsigned n;

		while ((n = rte_ring_dequeue_burst(tx_ring[f], (void **)out, RTE_DIM(out), NULL)) != 0)
			rte_pktmbuf_free_bulk(out, n);
	}
}

/*
 * One round of DP_BURST packets through the worker's poll (ns into *worker):
 * plain frames (xc false) or transcoded ones; with a media lcore (ml), its
 * polls until its ring is empty go into *media. What comes out is freed.
 */
static int bench_round(struct dp_lcore *lc, struct dp_lcore *ml, bool xc, unsigned n_frames,
		       uint64_t *worker, uint64_t *media)
{
	static unsigned plain_next;
	struct rte_mbuf *m[DP_BURST];

	if (rte_pktmbuf_alloc_bulk(ctx.pool, m, DP_BURST) != 0)
		return -ENOBUFS;
	for (unsigned k = 0; k < DP_BURST; k++) {
		unsigned f;

		if (xc) {
			xc_fill(m[k]);
			f = 0;
		} else {
			unsigned i = plain_next++ % n_frames;

			fill(m[k], i);
			f = frame_if[i];
		}
		rte_ring_enqueue(rx_ring[f], m[k]);
	}
	*worker += timed_poll(dp_worker_poll, lc);
	while (ml != NULL && rte_ring_count(ml->media_in) != 0)
		*media += timed_poll(dp_media_poll, ml);
	drain_tx();
	return 0;
}

/* Plain, transcoded inline, transcoded through a media lcore: interleaved rounds; medians of trials. */
static int xc_bench(unsigned calls, unsigned n_pkts, unsigned trials, unsigned n_frames)
{
	struct dp_lcore *lc = ctx.lcores[0], *ml = ctx.media[0];
	double pl[100], inl[100], hand[100], med[100];

	clock_cost = cpu_ns_overhead();
	for (unsigned t = 0; t < trials; t++) {
		uint64_t wp = 0, wi = 0, wm = 0, mm = 0, unused = 0;

		for (unsigned done = 0; done < n_pkts; done += DP_BURST) {
			lc->n_media = 0;
			if (bench_round(lc, NULL, false, n_frames, &wp, &unused) != 0 ||
			    bench_round(lc, NULL, true, n_frames, &wi, &unused) != 0)
				return -1;
			lc->n_media = 1;
			if (bench_round(lc, ml, true, n_frames, &wm, &mm) != 0)
				return -1;
		}
		pl[t] = (double)wp / n_pkts;
		inl[t] = (double)wi / n_pkts;
		hand[t] = (double)wm / n_pkts;
		med[t] = (double)mm / n_pkts;
	}
	lc->n_media = 0;
	qsort(pl, trials, sizeof(pl[0]), cmp_d);
	qsort(inl, trials, sizeof(inl[0]), cmp_d);
	qsort(hand, trials, sizeof(hand[0]), cmp_d);
	qsort(med, trials, sizeof(med[0]), cmp_d);
	printf("bench-relay transcode calls=%u plain_ns_pkt=%.1f inline_ns_pkt=%.1f "
	       "handoff_ns_pkt=%.1f media_ns_pkt=%.1f clock_ns=%" PRIu64 " trials=%u packets=%u\n",
	       calls, pl[trials / 2], inl[trials / 2], hand[trials / 2], med[trials / 2], clock_cost,
	       trials, n_pkts);
	return 0;
}

/* -w: one forwarding lcore's part of a run (its queue's rings and frames). */
#define PAR_MAX 2
struct par_lcore {
	struct dp_lcore *lc;
	struct rte_ring *rx, *tx;	/* its RX queue's ring, its TX queue's ring */
	const unsigned *ids;		/* frames[] of the flows its queue gets in this run */
	unsigned n_ids, next;
	unsigned cpu;
	/* The last trial: cycles in the poll, frames fed, out, out not rewritten or left over, TSC span. */
	uint64_t poll_cyc, in, out, bad, t0, t1;
	struct rte_mbuf *pkts[DP_BURST];
} __rte_cache_aligned;

static struct par_lcore par[PAR_MAX];
static unsigned par_worker;	/* the EAL lcore of par[1] */
static unsigned par_active;	/* lcores in this run */
static uint64_t par_target;	/* a trial ends when one lcore has relayed this many */
static unsigned par_ready;
static bool par_stop;
static bool par_macswap;	/* this run swaps MACs instead of polling the relay */
static unsigned n_addrs_used;

/* A frame a MAC swap sent: the Ethernet addresses swapped, nothing else touched. */
static bool is_swapped(const struct rte_mbuf *m)
{
	const uint8_t *b = rte_pktmbuf_mtod(m, const uint8_t *);

	return m->data_len >= 42 && memcmp(b, peer_mac, 6) == 0 &&
	       memcmp(b + 6, ctx.ifaces[0].mac.addr_bytes, 6) == 0;
}

/* A frame the relay sent: to the peer, from the relay's MAC and one of its addresses. */
static bool is_relayed(const struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, 14);

	return is_swapped(m) && ip->dst_addr == rte_cpu_to_be_32(PEER_IP) &&
	       rte_be_to_cpu_32(ip->src_addr) - ip_of(0) < n_addrs_used;
}

/* The floor of forwarding on the lcore's own queues: rx burst, swap the MACs, tx burst. */
static void macswap_poll(const struct dp_lcore *lc)
{
	struct rte_mbuf *m[DP_BURST];
	uint16_t port = lc->rxq[0].port_id;
	uint16_t n = rte_eth_rx_burst(port, lc->rxq[0].queue_id, m, DP_BURST);

	for (uint16_t j = 0; j < n; j++) {
		struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m[j], struct rte_ether_hdr *);
		struct rte_ether_addr t = eh->dst_addr;

		eh->dst_addr = eh->src_addr;
		eh->src_addr = t;
	}
	rte_eth_tx_burst(port, lc->txq[port].queue_id, m, n);	/* what it leaves shows as missing */
}

/*
 * One lcore's trial: feed a burst to its RX ring, time the poll, report the
 * quiescent state, take the burst back from its TX ring and check it; until
 * one lcore has relayed par_target frames or a burst comes back short.
 */
static int par_lcore_main(void *arg)
{
	struct par_lcore *p = arg;
	struct dp_lcore *lc = p->lc;

	p->poll_cyc = p->in = p->out = p->bad = 0;
	rte_rcu_qsbr_thread_register(lc->qsv, lc->index);
	rte_rcu_qsbr_thread_online(lc->qsv, lc->index);
	__atomic_fetch_add(&par_ready, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&par_ready, __ATOMIC_ACQUIRE) < par_active)
		rte_pause();
	p->t0 = rte_rdtsc_precise();
	while (!__atomic_load_n(&par_stop, __ATOMIC_RELAXED)) {
		uint64_t c0, c1;
		unsigned n;

		for (unsigned k = 0; k < DP_BURST; k++)
			fill(p->pkts[k], p->ids[p->next++ % p->n_ids]);
		n = rte_ring_enqueue_burst(p->rx, (void **)p->pkts, DP_BURST, NULL);
		p->in += n;
		c0 = rte_rdtsc_precise();
		if (par_macswap)
			macswap_poll(lc);
		else
			dp_worker_poll(lc);
		c1 = rte_rdtsc_precise();
		/* Nothing of the flow table is held across polls (dp_worker_main). */
		rte_rcu_qsbr_quiescent(lc->qsv, lc->index);
		p->poll_cyc += c1 - c0;
		n = rte_ring_dequeue_burst(p->tx, (void **)p->pkts, DP_BURST, NULL);
		for (unsigned j = 0; j < n; j++)
			p->bad += par_macswap ? !is_swapped(p->pkts[j]) : !is_relayed(p->pkts[j]);
		p->out += n;
		/* More than was fed is a failure too: it could hide a missing frame. */
		p->bad += rte_ring_count(p->tx);
		/* A short burst (dropped or held) or a bad frame ends the trial; the caller says why. */
		if (n != DP_BURST || p->bad != 0 || p->out >= par_target)
			__atomic_store_n(&par_stop, true, __ATOMIC_RELAXED);
		if (n != DP_BURST || p->bad != 0)
			break;
	}
	p->t1 = rte_rdtsc_precise();
	rte_rcu_qsbr_thread_offline(lc->qsv, lc->index);
	rte_rcu_qsbr_thread_unregister(lc->qsv, lc->index);
	return 0;
}

static void par_fail(unsigned active, const char *why)
{
	fprintf(stderr, "bench-relay: %u lcore(s): %s\n", active, why);
	for (unsigned k = 0; k < active; k++) {
		fprintf(stderr, "bench-relay: lcore %u (cpu %u): fed %" PRIu64 ", came out %" PRIu64
			", not rewritten or more than fed %" PRIu64 "\n", k, par[k].cpu, par[k].in,
			par[k].out, par[k].bad);
		for (unsigned i = 0; i < DP_DROP__COUNT; i++)
			if (ctx.shm.workers[k].drops[i])
				fprintf(stderr, "bench-relay: lcore %u dropped %" PRIu64 " (%s)\n", k,
					ctx.shm.workers[k].drops[i], dp_drop_names[i]);
	}
}

/* One trial of `active` lcores (lcore 0 alone gets every flow); 0, or -1 if a frame went missing. */
static int par_trial(unsigned active, bool macswap, const unsigned *ids_all, unsigned n_all,
		     unsigned *const ids_q[PAR_MAX], const unsigned n_q[PAR_MAX])
{
	par_macswap = macswap;
	par_active = active;
	par_ready = 0;
	par_stop = false;
	for (unsigned k = 0; k < active; k++) {
		par[k].ids = active == 1 ? ids_all : ids_q[k];
		par[k].n_ids = active == 1 ? n_all : n_q[k];
	}
	if (active > 1 && rte_eal_remote_launch(par_lcore_main, &par[1], par_worker) != 0) {
		par_fail(active, "cannot launch the second lcore");
		return -1;
	}
	par_lcore_main(&par[0]);
	if (active > 1)
		rte_eal_wait_lcore(par_worker);
	for (unsigned k = 0; k < active; k++) {
		if (par[k].in != par[k].out || par[k].bad != 0) {
			par_fail(active, macswap ? "a frame fed did not come out swapped"
						 : "a frame fed did not come out rewritten");
			return -1;
		}
	}
	return 0;
}

/* What the trials of one run (1 or W lcores) gave. */
struct par_result {
	double cyc[PAR_MAX][100];	/* per lcore: cycles per packet of its polls */
	double poll[100];		/* Mpps: sum of each lcore's packets / its poll time */
	double wall[100];		/* Mpps: all packets / the wall-clock span of the trial */
	uint64_t in[PAR_MAX], out[PAR_MAX];
};

static void par_collect(struct par_result *r, unsigned active, unsigned t)
{
	uint64_t first = UINT64_MAX, last = 0, sum = 0;

	r->poll[t] = 0;
	for (unsigned k = 0; k < active; k++) {
		const struct par_lcore *p = &par[k];

		/* An lcore that lost its CPU until the other had finished relayed nothing. */
		r->cyc[k][t] = p->out ? (double)p->poll_cyc / (double)p->out : 0;
		r->poll[t] += p->out ? (double)p->out * (double)ctx.tsc_hz / (double)p->poll_cyc / 1e6 : 0;
		/* One TSC for both lcores: invariant and synchronised across CPUs (as DPDK assumes). */
		first = RTE_MIN(first, p->t0);
		last = RTE_MAX(last, p->t1);
		sum += p->out;
		r->in[k] += p->in;
		r->out[k] += p->out;
	}
	r->wall[t] = (double)sum * (double)ctx.tsc_hz / (double)(last - first) / 1e6;
}

static void par_print(struct par_result *r, const char *what, unsigned active, unsigned n_flows,
		      unsigned trials, unsigned n_pkts)
{
	char cl[64];
	int off = 0;

	qsort(r->poll, trials, sizeof(r->poll[0]), cmp_d);
	qsort(r->wall, trials, sizeof(r->wall[0]), cmp_d);
	for (unsigned k = 0; k < active; k++) {
		qsort(r->cyc[k], trials, sizeof(r->cyc[k][0]), cmp_d);
		off += snprintf(cl + off, sizeof(cl) - (size_t)off, "%s%.1f", k ? "," : "",
				r->cyc[k][trials / 2]);
	}
	printf("bench-relay %s-x%u flows=%u lcores=%u poll_mpps=%.2f wall_mpps=%.2f "
	       "cycles_pkt=%s trials=%u packets=%u\n", what, active, n_flows, active, r->poll[trials / 2],
	       r->wall[trials / 2], cl, trials, n_pkts);
	for (unsigned k = 0; k < active; k++)
		printf("bench-relay %s-x%u lcore=%u cpu=%u fed=%" PRIu64 " out_checked=%" PRIu64 "\n",
		       what, active, k, par[k].cpu, r->in[k], r->out[k]);
}

/*
 * -w W: in each trial lcore 0 alone with every flow, then W lcores with
 * flow i on queue i % W (interleaved, so the machine's load moves both
 * alike); per lcore cycles per packet of the poll, and the aggregates. Then
 * the same with a MAC swap instead of the relay: no relay state shared, so
 * what it loses with W lcores is the harness's and the machine's.
 */
static int par_bench(unsigned w, unsigned n_flows, unsigned n_pkts, unsigned trials,
		     unsigned n_frames)
{
	unsigned *ids_all = malloc(n_frames * sizeof(unsigned)), *ids_q[PAR_MAX] = { NULL };
	unsigned n_q[PAR_MAX] = { 0 };
	static struct par_result res[2][2];	/* [relay, macswap][1 lcore, W lcores] */

	for (unsigned k = 0; k < w; k++)
		ids_q[k] = malloc(n_frames * sizeof(unsigned));
	for (unsigned k = 0; k < w; k++) {
		/*
		 * The frames each lcore feeds come from a pool of its own. Taken
		 * from one pool, the two lcores' 32 mbufs were neighbours (one per
		 * 4 KiB page without hugepages) and lcore 1 ran 4x slower beside
		 * lcore 0 in a MAC swap, 12 cycles a packet alone: most likely
		 * lcore 0, walking its own, had the CPU prefetch lcore 1's, which
		 * then paid for every write (16 pages apart, it was gone). A pool
		 * of its own keeps them hundreds of pages apart. The relay neither
		 * allocates nor frees in this loop, so which pool they come from is
		 * not its concern.
		 */
		char name[32];
		struct rte_mempool *mp;

		snprintf(name, sizeof(name), "bench_lcore%u", k);
		mp = rte_pktmbuf_pool_create(name, 255, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
					     (int)rte_socket_id());
		if (ids_all == NULL || ids_q[k] == NULL || mp == NULL ||
		    rte_pktmbuf_alloc_bulk(mp, par[k].pkts, DP_BURST) != 0) {
			fprintf(stderr, "bench-relay: no memory or mbufs for lcore %u\n", k);
			return -1;
		}
	}
	for (unsigned i = 0; i < n_frames; i++) {
		unsigned q = frame_flow[i] % w;

		ids_all[i] = i;
		ids_q[q][n_q[q]++] = i;
	}
	for (unsigned k = 0; k < w; k++) {
		if (n_q[k] == 0) {
			fprintf(stderr, "bench-relay: no flow for lcore %u\n", k);
			return -1;
		}
	}
	/* What the main lcore's set-up left in lcore 0's TX buffer (ARP) goes out first. */
	dp_worker_poll(ctx.lcores[0]);
	for (unsigned k = 0; k < w; k++) {
		struct rte_mbuf *m = NULL;

		while (rte_ring_dequeue(par[k].tx, (void **)&m) == 0)
			rte_pktmbuf_free(m);
	}
	par_target = n_pkts;
	for (unsigned t = 0; t < trials; t++) {
		for (unsigned v = 0; v < 2; v++) {
			if (par_trial(1, v == 1, ids_all, n_frames, ids_q, n_q) != 0)
				return -1;
			par_collect(&res[v][0], 1, t);
			if (par_trial(w, v == 1, ids_all, n_frames, ids_q, n_q) != 0)
				return -1;
			par_collect(&res[v][1], w, t);
		}
	}
	for (unsigned v = 0; v < 2; v++) {
		par_print(&res[v][0], v ? "macswap" : "relay", 1, n_flows, trials, n_pkts);
		par_print(&res[v][1], v ? "macswap" : "relay", w, n_flows, trials, n_pkts);
	}
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	unsigned n_flows = 1000, n_pkts = 2000000, trials = 5, burst = DP_BURST, n_addrs;
	unsigned calls = 0, xc_pkts = 4000, n_all, w = 1;
	char prefix[64], err[256], mem[16], lcores[64];
	char *eal[] = { "bench-relay", "--no-huge", "--no-shconf", "--no-pci", "-m", mem,
			"--log-level=lib.eal:error", "--log-level=port:warning", "-l", "0",
			"--file-prefix", prefix, NULL };
	unsigned lcore_ids[2];
	struct rte_mbuf *pkts[64];
	unsigned next = 0, n_frames;
	int c;

	while ((c = getopt(argc, argv, "n:p:t:w:x:X:")) != -1) {
		switch (c) {
		case 'n': n_flows = (unsigned)atoi(optarg); break;
		case 'p': n_pkts = (unsigned)atoi(optarg); break;
		case 't': trials = (unsigned)atoi(optarg); break;
		case 'w': w = (unsigned)atoi(optarg); break;
		case 'x': calls = (unsigned)atoi(optarg); break;
		case 'X': xc_pkts = (unsigned)atoi(optarg); break;
		default:
			fprintf(stderr, "usage: bench-relay [-n FLOWS] [-p PACKETS] [-t TRIALS] [-w 1|2] "
				"[-x CALLS [-X PACKETS]]\n");
			return 2;
		}
	}
	n_all = n_flows + 2 * calls;
	if (n_flows == 0 || n_all > FLOWS_PER_ADDR * MAX_ADDRS || trials == 0 || trials > 99 ||
	    calls > 5000 || xc_pkts < DP_BURST) {
		fprintf(stderr, "bench-relay: 1..%u flows (transcoded ones included), 1..99 trials, "
			"0..5000 calls, %u or more transcoded packets\n", FLOWS_PER_ADDR * MAX_ADDRS, DP_BURST);
		return 2;
	}
	if (w < 1 || w > PAR_MAX || n_flows < w || (w > 1 && calls) || n_pkts < DP_BURST) {
		fprintf(stderr, "bench-relay: -w 1 or 2 forwarding lcores, at least as many flows, "
			"%u or more packets; -x only with -w 1\n", DP_BURST);
		return 2;
	}
	if (w > 1) {
		/* Each lcore on a CPU of its own: the first W this process may run on. */
		cpu_set_t cs;
		unsigned n = 0;

		if (sched_getaffinity(0, sizeof(cs), &cs) == 0)
			for (unsigned cpu = 0; cpu < CPU_SETSIZE && n < w; cpu++)
				if (CPU_ISSET(cpu, &cs))
					par[n++].cpu = cpu;
		if (n == 0) {
			fprintf(stderr, "bench-relay: no CPU to run on\n");
			return 1;
		}
		if (n < w) {
			fprintf(stderr, "bench-relay: %u CPU(s) for %u lcores: they share CPUs, "
				"the rates mean nothing here\n", n, w);
			for (unsigned k = n; k < w; k++)
				par[k].cpu = par[k % n].cpu;
		}
		snprintf(lcores, sizeof(lcores), "0@%u,1@%u", par[0].cpu, par[1].cpu);
		eal[8] = "--lcores";
		eal[9] = lcores;
	}
	n_addrs = (n_all + FLOWS_PER_ADDR - 1) / FLOWS_PER_ADDR;
	n_addrs_used = n_addrs;
	{
		/* The flow table (2 slots per flow, a power of two) takes about
		 * 310 MiB of DPDK memory per million slots: see the memory line. */
		uint64_t cap = 1;

		while (cap < 2ull * n_all)
			cap <<= 1;
		snprintf(mem, sizeof(mem), "%u", (unsigned)(512 + cap * 340 / 1048576));
	}
	snprintf(prefix, sizeof(prefix), "bench-relay%d", (int)getpid());
	if (rte_eal_init((int)(sizeof(eal) / sizeof(eal[0])) - 1, eal) < 0) {
		fprintf(stderr, "bench-relay: EAL initialisation failed\n");
		return 1;
	}

	mr_config_defaults(&ctx.cfg);
	snprintf(ctx.cfg.dp.instance, sizeof(ctx.cfg.dp.instance), "benchrelay%d", (int)getpid());
	ctx.cfg.dp.workers = 0;
	ctx.cfg.dp.flows = 1;
	while (ctx.cfg.dp.flows < 2 * n_all)
		ctx.cfg.dp.flows <<= 1;
	ctx.cfg.n_ifaces = 1;
	for (unsigned f = 0; f < ctx.cfg.n_ifaces; f++) {
		struct mr_cfg_iface *ci = &ctx.cfg.ifaces[f];
		char name[32];
		int pid;

		memset(ci, 0, sizeof(*ci));
		snprintf(ci->name, sizeof(ci->name), "if%u", f);
		/* With -w 2, an RX and a TX ring per lcore (each fills and empties its own). */
		for (unsigned k = 0; k < w; k++) {
			snprintf(name, sizeof(name), "rin%u_%u", f, k);
			par[k].rx = rte_ring_create(name, 1024, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
			snprintf(name, sizeof(name), "rout%u_%u", f, k);
			par[k].tx = rte_ring_create(name, 1024, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
			if (par[k].rx == NULL || par[k].tx == NULL) {
				fprintf(stderr, "bench-relay: rings: %s\n", rte_strerror(rte_errno));
				return 1;
			}
		}
		rx_ring[f] = par[0].rx;
		tx_ring[f] = par[0].tx;
		snprintf(name, sizeof(name), "net_ring_bench%u", f);
		if (/* With -w 1, two TX queues on one ring: the worker's and the media lcore's. */
		    (pid = rte_eth_from_rings(name, (struct rte_ring *[]){ par[0].rx, par[1 % w].rx }, w,
					      (struct rte_ring *[]){ par[0].tx, par[1 % w].tx }, 2, 0)) < 0 ||
		    rte_eth_dev_get_name_by_port((uint16_t)pid, ci->device) != 0) {
			fprintf(stderr, "bench-relay: ring port: %s\n", rte_strerror(rte_errno));
			return 1;
		}
		ci->n_addrs4 = (uint16_t)n_addrs;
		for (unsigned a = 0; a < n_addrs; a++) {
			uint32_t be = rte_cpu_to_be_32(ip_of(a));

			ci->addrs4[a].family = 4;
			memcpy(ci->addrs4[a].addr, &be, 4);
		}
		ci->addr4 = ci->addrs4[0];
		ci->prefix4 = 24;
		ci->has_mac = true;
		memcpy(ci->mac, (uint8_t[]){ 2, 0, 0, 0, 0, (uint8_t)(1 + f) }, 6);
	}
	ctx.n_lcores = w;
	ctx.test.rxq_per_lcore = w > 1;	/* the ring port has no RSS: each lcore fills its queue */
	ctx.n_media = calls ? 1 : 0;
	ctx.cfg.dp.media_ring = 1024;
	ctx.tsc_hz = rte_get_tsc_hz();
	{
		struct mr_shm_params sp = { .instance = ctx.cfg.dp.instance, .n_flows = ctx.cfg.dp.flows,
					    .n_workers = w + ctx.n_media, .n_ifaces = ctx.cfg.n_ifaces };

		if (mr_shm_create(&ctx.shm, &sp) != 0) {
			fprintf(stderr, "bench-relay: shm\n");
			return 1;
		}
		atexit(shm_cleanup);
	}
	ctx.qsv = rte_zmalloc(NULL, rte_rcu_qsbr_get_memsize(2), RTE_CACHE_LINE_SIZE);
	rte_rcu_qsbr_init(ctx.qsv, 2);
	ctx.ft = dp_flowtab_create(ctx.cfg.dp.flows, ctx.qsv, 0);
	ctx.neigh = dp_neigh_create(64, 0);
	ctx.cfg.dp.mbufs = 16384;
	if (ctx.ft == NULL || ctx.neigh == NULL || dp_port_init(&ctx, err, sizeof(err)) != 0) {
		fprintf(stderr, "bench-relay: setup: %s\n", err);
		return 1;
	}
	ctx.local_ring = rte_ring_create("dp_local", 1024, 0, RING_F_SC_DEQ);
	ctx.learn_ring = rte_ring_create_elem("dp_learned", 4, 1024, 0, RING_F_SC_DEQ);
	ctx.park_ring = rte_ring_create("dp_park", 1024, 0, RING_F_SC_DEQ);
	if (dp_transcode_init(&ctx, 2 * calls) != 0 || (calls && xc_input_make() != 0)) {
		fprintf(stderr, "bench-relay: transcoders\n");
		return 1;
	}
	/* The media lcore's context runs on this thread too, after the worker's poll;
	 * with -w 2 the second forwarding lcore is EAL's worker lcore. */
	lcore_ids[0] = lcore_ids[1] = rte_lcore_id();
	if (w > 1)
		lcore_ids[1] = par_worker = rte_get_next_lcore(rte_lcore_id(), 1, 0);
	if (dp_lcores_setup(&ctx, lcore_ids) != 0) {
		fprintf(stderr, "bench-relay: lcores\n");
		return 1;
	}
	for (unsigned k = 0; k < w; k++) {
		par[k].lc = ctx.lcores[k];
		/* Lcore k polls RX queue k of the port and sends on TX queue k. */
		if (ctx.lcores[k]->n_rxq != 1 || ctx.lcores[k]->rxq[0].queue_id != k) {
			fprintf(stderr, "bench-relay: lcore %u does not poll RX queue %u (%u queue(s))\n", k, k,
				ctx.lcores[k]->n_rxq);
			return 1;
		}
	}
	ctx.rx_enabled = true;
	dp_cmdq_init(&ctx);

	/* Flows, through the command ring as control would program them. */
	for (unsigned i = 0; i < n_all; i++) {
		unsigned f = 0, addr = i / FLOWS_PER_ADDR;
		uint16_t port = (uint16_t)(10000 + i % FLOWS_PER_ADDR);
		struct mr_msg m;

		memset(&m, 0, sizeof(m));
		m.hdr.type = MR_MSG_FLOW_ADD;
		m.hdr.seq = i;
		m.u.flow.flow_id = i;
		m.u.flow.peer_flow_id = MR_FLOW_ID_NONE;
		m.u.flow.key.iface = (uint16_t)f;
		m.u.flow.key.family = 4;
		m.u.flow.key.port = port;
		{
			uint32_t a = rte_cpu_to_be_32(ip_of(addr)), d = rte_cpu_to_be_32(PEER_IP);

			memcpy(m.u.flow.key.addr, &a, 4);
			m.u.flow.out_iface = (uint16_t)f;
			m.u.flow.out_src.ip.family = 4;
			memcpy(m.u.flow.out_src.ip.addr, &a, 4);
			m.u.flow.out_src.port = port;
			m.u.flow.out_dst.ip.family = 4;
			memcpy(m.u.flow.out_dst.ip.addr, &d, 4);
			m.u.flow.out_dst.port = port;
		}
		if (i >= n_flows) {
			struct mr_transcode_spec *x = &m.u.flow.transcode;
			bool to_opus = (i - n_flows) % 2 == 0;

			m.u.flow.flags |= MR_FLOW_F_TRANSCODE;
			m.u.flow.ssrc_out = 0x20000 + i;
			x->in_codec = to_opus ? MR_CODEC_PCMU : MR_CODEC_OPUS;
			x->in_pt = to_opus ? 0 : PT_OPUS;
			x->out_codec = to_opus ? MR_CODEC_OPUS : MR_CODEC_PCMU;
			x->out_pt = to_opus ? PT_OPUS : 0;
			x->in_te_pt = x->out_te_pt = x->in_cn_pt = MR_CODEC_PT_NONE;
			x->opus_complexity = 0xff;
			x->out_ptime = 20;
		}
		while (mr_shm_cmd_send(&ctx.shm, &m, 1) != 1)
			dp_service(&ctx);
		if ((i & 255) == 255) {
			struct mr_msg e[256];

			dp_service(&ctx);
			while (mr_shm_evt_recv(&ctx.shm, e, 256) > 0)
				;
		}
	}
	for (unsigned k = 0; k < 64; k++) {
		struct mr_msg e[256];

		dp_service(&ctx);
		while (mr_shm_evt_recv(&ctx.shm, e, 256) > 0)
			;
	}
	if (dp_flowtab_count(ctx.ft) != n_all) {
		fprintf(stderr, "bench-relay: %u of %u flows installed\n", dp_flowtab_count(ctx.ft), n_all);
		return 1;
	}
	/* The generator's address is a neighbor: an ARP reply from it per interface. */
	for (unsigned f = 0; f < ctx.n_ifaces; f++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(ctx.pool);
		uint8_t *b = (uint8_t *)rte_pktmbuf_append(m, 42);
		uint32_t sip = rte_cpu_to_be_32(PEER_IP), tip = rte_cpu_to_be_32(ip_of(0));

		memcpy(b, ctx.ifaces[f].mac.addr_bytes, 6);
		memcpy(b + 6, peer_mac, 6);
		b[12] = 0x08, b[13] = 0x06;
		memcpy(b + 14, (uint8_t[]){ 0, 1, 8, 0, 6, 4, 0, 2 }, 8);
		memcpy(b + 22, peer_mac, 6);
		memcpy(b + 28, &sip, 4);
		memcpy(b + 32, ctx.ifaces[f].mac.addr_bytes, 6);
		memcpy(b + 38, &tip, 4);
		m->port = ctx.ifaces[f].port_id;
		rte_ring_enqueue(ctx.local_ring, m);
	}
	for (unsigned k = 0; k < 16; k++)
		dp_service(&ctx);

	{
		/* What the flows cost: DPDK's heap (flow table, actions, mbufs,
		 * rings), the shm region (stats table) and the resident total. */
		struct rte_malloc_socket_stats ms;
		long pages = 0, page = sysconf(_SC_PAGESIZE);
		FILE *f = fopen("/proc/self/statm", "r");

		memset(&ms, 0, sizeof(ms));
		rte_malloc_get_socket_stats(0, &ms);
		if (f) {
			long vsz;

			if (fscanf(f, "%ld %ld", &vsz, &pages) != 2)
				pages = 0;
			fclose(f);
		}
		printf("bench-relay memory flows=%u addresses=%u table_slots=%u dpdk_heap_mib=%.1f shm_mib=%.1f rss_mib=%.1f\n",
		       n_flows, n_addrs, ctx.cfg.dp.flows, (double)ms.heap_allocsz_bytes / 1048576.0,
		       (double)ctx.shm.hdr->size / 1048576.0, (double)pages * (double)page / 1048576.0);
	}
	n_frames = n_flows < POOL_FRAMES ? POOL_FRAMES : n_flows;
	frames = malloc((size_t)n_frames * sizeof(*frames));
	frame_len = malloc(n_frames * sizeof(*frame_len));
	frame_if = malloc(n_frames);
	frame_flow = malloc(n_frames * sizeof(*frame_flow));
	if (frames == NULL || frame_len == NULL || frame_if == NULL || frame_flow == NULL)
		return 1;
	srand(1);
	for (unsigned i = 0; i < n_frames; i++)
		build_frame(i, (unsigned)rand() % n_flows);
	if (w > 1) {
		uint64_t d = 0;

		if (par_bench(w, n_flows, n_pkts, trials, n_frames) != 0)
			return 1;
		for (unsigned k = 0; k < w; k++)
			for (unsigned i = 0; i < DP_DROP__COUNT; i++)
				d += ctx.shm.workers[k].drops[i];
		printf("bench-relay dropped=%lu (must be 0)\n", (unsigned long)d);
		return d ? 1 : 0;
	}
	if (rte_pktmbuf_alloc_bulk(ctx.pool, pkts, burst) != 0)
		return 1;

	for (int v = 0; v < 2; v++) {
		bool macswap = v == 1;
		uint64_t res[100];
		uint64_t sent = 0;

		for (unsigned t = 0; t < trials; t++) {
			uint64_t cyc = 0, done = 0;
			unsigned out, empty = 0;

			while (done < n_pkts) {
				cyc += round_once(pkts, burst, &next, n_frames, macswap, ctx.lcores[0], &out);
				done += out;
				sent += out;
				if (out == 0 && ++empty > 10000) {
					for (unsigned i = 0; i < DP_DROP__COUNT; i++)
						if (ctx.shm.workers[0].drops[i])
							fprintf(stderr, "bench-relay: nothing comes out; drop %u: %lu\n",
								i, (unsigned long)ctx.shm.workers[0].drops[i]);
					return 1;
				}
				if (out < burst) {
					/* Dropped frames went back to the pool: take new ones. */
					if (rte_pktmbuf_alloc_bulk(ctx.pool, pkts + out, burst - out) != 0)
						return 1;
				}
			}
			res[t] = cyc * 1000 / done;	/* milli-cycles per packet */
		}
		qsort(res, trials, sizeof(res[0]), cmp_u64);
		{
			double cpp = (double)res[trials / 2] / 1000.0;
			double ns = cpp * 1e9 / (double)ctx.tsc_hz;

			printf("bench-relay %s flows=%u cycles_pkt=%.1f ns_pkt=%.1f mpps=%.2f trials=%u packets=%u\n",
			       macswap ? "macswap" : "relay", n_flows, cpp, ns, 1e3 / ns, trials, n_pkts);
		}
	}
	printf("bench-relay relay-busy cycles_pkt=%.1f (the dataplane's own busy_tsc / rx_packets)\n",
	       (double)ctx.shm.workers[0].busy_tsc / (double)(ctx.shm.workers[0].rx_packets ?: 1));
	{
		uint64_t d = 0;

		for (unsigned i = 0; i < DP_DROP__COUNT; i++)
			d += ctx.shm.workers[0].drops[i];
		printf("bench-relay dropped=%lu (must be 0)\n", (unsigned long)d);
		if (d)
			return 1;
	}
	if (calls) {
		uint64_t d = 0;

		xc_first = n_flows;
		xc_flows = 2 * calls;
		xc_seq = calloc(xc_flows, sizeof(*xc_seq));
		xc_ts = calloc(xc_flows, sizeof(*xc_ts));
		if (xc_seq == NULL || xc_ts == NULL || xc_bench(calls, xc_pkts, trials, n_frames) != 0) {
			fprintf(stderr, "bench-relay: transcoding run failed\n");
			return 1;
		}
		for (unsigned slot = 0; slot < 2; slot++)
			for (unsigned i = 0; i < DP_DROP__COUNT; i++)
				d += ctx.shm.workers[slot].drops[i];
		printf("bench-relay transcode dropped=%lu (must be 0) transcoded=%" PRIu64 "\n",
		       (unsigned long)d, ctx.shm.workers[1].ring_packets);
		if (d)
			return 1;
	}
	return 0;
}
