/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The packet path, run to completion per burst:
 * rx burst -> prefetch -> parse -> bulk lookup -> per flow: demultiplex
 * (RFC 7983) -> source check and learning -> RTP statistics -> rewrite ->
 * per-port TX buffer -> flush. Never allocates, locks, logs or makes a
 * system call; every drop is counted.
 */
#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_hash.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_pause.h>
#include <rte_prefetch.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "capture.h"
#include "dtmf.h"
#include "flowtab.h"
#include "neigh.h"
#include "parse.h"
#include "port.h"
#include "rewrite.h"
#include "rtcp.h"
#include "rtp/rtp.h"
#include "srtp.h"
#include "transcode.h"
#include "worker.h"

static void tx_error(struct rte_mbuf **pkts, uint16_t unsent, void *arg)
{
	struct dp_lcore *lc = arg;

	rte_pktmbuf_free_bulk(pkts, unsent);
	lc->drops[DP_DROP_TX_FULL] += unsent;
	lc->ws->tx_dropped += unsent;
}

/*
 * What every lcore context has: the tables, a stats slot, and a TX buffer on
 * TX queue txq of every port.
 */
static struct dp_lcore *lcore_new(struct dp_ctx *ctx, unsigned lcore_id, unsigned index,
				  unsigned slot, uint16_t txq, uint32_t role)
{
	struct dp_lcore *lc = rte_zmalloc("dp_lcore", sizeof(*lc), RTE_CACHE_LINE_SIZE);

	if (lc == NULL)
		return NULL;
	lc->ctx = ctx;
	lc->index = index;
	lc->lcore_id = lcore_id;
	lc->is_main = lcore_id == rte_get_main_lcore();
	lc->hash = dp_flowtab_hash(ctx->ft);
	lc->neigh = ctx->neigh;
	lc->flow_stats = ctx->shm.flows;
	lc->pt_maps = dp_flowtab_pt_maps(ctx->ft);
	lc->ws = &ctx->shm.workers[slot];
	lc->ws->role = role;
	lc->ws->lcore_id = lcore_id;
	lc->drops = lc->ws->drops;
	lc->ifaces = ctx->ifaces;
	lc->n_ifaces = (uint16_t)ctx->n_ifaces;
	lc->local_ring = ctx->local_ring;
	lc->learn_ring = ctx->learn_ring;
	lc->park_ring = ctx->park_ring;
	lc->qsv = ctx->qsv;
	lc->tsc_hz = ctx->tsc_hz;
	lc->gap_tsc = ctx->tsc_hz / 1000000 * MR_POLL_GAP_US;
	lc->ttl = ctx->cfg.dp.ttl;
	lc->burst = ctx->test.burst ? ctx->test.burst : DP_BURST;
	lc->test_mode = ctx->test.exit_when_idle_ms != 0 || ctx->test.start_on_barrier;
	for (unsigned p = 0; p < ctx->n_ports; p++) {
		uint16_t pid = ctx->ports[p];
		struct dp_txq *tq = &lc->txq[pid];

		tq->buf = rte_zmalloc_socket("dp_txbuf", RTE_ETH_TX_BUFFER_SIZE(DP_BURST), 0,
					     (int)rte_lcore_to_socket_id(lcore_id));
		if (tq->buf == NULL)
			return lc;	/* freed by dp_lcores_free() */
		rte_eth_tx_buffer_init(tq->buf, DP_BURST);
		rte_eth_tx_buffer_set_err_callback(tq->buf, tx_error, lc);
		tq->port_id = pid;
		tq->queue_id = txq;
		lc->tx_ports[lc->n_tx_ports++] = pid;
	}
	return lc;
}

int dp_lcores_setup(struct dp_ctx *ctx, const unsigned *lcore_ids)
{
	/* Stats slots: the forwarding lcores, the main lcore's own (with workers), the media lcores. */
	unsigned media_slot = ctx->n_lcores + (lcore_ids[0] == rte_get_main_lcore() ? 0 : 1);

	for (unsigned k = 0; k < ctx->n_media; k++) {
		unsigned id = lcore_ids[ctx->n_lcores + k];
		struct dp_lcore *lc = lcore_new(ctx, id, ctx->n_lcores + k, media_slot + k,
						(uint16_t)(ctx->n_lcores + k), MR_WORKER_ROLE_MEDIA);
		char name[32];

		if (lc == NULL)
			return -ENOMEM;
		ctx->media[k] = lc;
		if (lc->n_tx_ports != ctx->n_ports)
			return -ENOMEM;
		snprintf(name, sizeof(name), "dp_media%u", k);
		lc->media_in = rte_ring_create(name, ctx->cfg.dp.media_ring,
					       (int)rte_lcore_to_socket_id(id), RING_F_SC_DEQ);
		if (lc->media_in == NULL)
			return -rte_errno;
	}
	for (unsigned i = 0; i < ctx->n_lcores; i++) {
		bool is_main = lcore_ids[i] == rte_get_main_lcore();
		struct dp_lcore *lc = lcore_new(ctx, lcore_ids[i], i, i, (uint16_t)i,
						is_main ? MR_WORKER_ROLE_MAIN : MR_WORKER_ROLE_WORKER);

		if (lc == NULL)
			return -ENOMEM;
		ctx->lcores[i] = lc;
		if (lc->n_tx_ports != ctx->n_ports)
			return -ENOMEM;
		lc->rx_pace_us = ctx->test.rx_pace_us;
		for (unsigned p = 0; p < ctx->n_ports; p++) {
			uint16_t pid = ctx->ports[p];

			if (i < dp_port_rxq_count(pid))
				lc->rxq[lc->n_rxq++] = (struct dp_rxq){ .port_id = pid, .queue_id = (uint16_t)i };
		}
		lc->n_media = (uint16_t)ctx->n_media;
		for (unsigned k = 0; k < ctx->n_media; k++)
			lc->media_ring[k] = ctx->media[k]->media_in;
		/* The main lcore's replies go out through the first worker's queues. */
		if (i == 0 && !lc->is_main) {
			char name[32];

			snprintf(name, sizeof(name), "dp_tx_in%u", i);
			lc->tx_in = rte_ring_create(name, 1024, (int)rte_socket_id(),
						    RING_F_SP_ENQ | RING_F_SC_DEQ);
			if (lc->tx_in == NULL)
				return -rte_errno;
		}
	}
	if (!ctx->lcores[0]->is_main) {
		ctx->shm.workers[ctx->n_lcores].role = MR_WORKER_ROLE_MAIN;
		ctx->shm.workers[ctx->n_lcores].lcore_id = rte_get_main_lcore();
	}
	return 0;
}

static void lcore_free(struct dp_lcore *lc)
{
	struct rte_mbuf *m;

	for (unsigned p = 0; p < lc->n_tx_ports; p++)
		rte_free(lc->txq[lc->tx_ports[p]].buf);
	if (lc->tx_in != NULL) {
		while (rte_ring_dequeue(lc->tx_in, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(lc->tx_in);
	}
	if (lc->media_in != NULL) {
		while (rte_ring_dequeue(lc->media_in, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(lc->media_in);
	}
	rte_free(lc);
}

void dp_lcores_free(struct dp_ctx *ctx)
{
	for (unsigned i = 0; i < ctx->n_lcores; i++) {
		if (ctx->lcores[i] != NULL)
			lcore_free(ctx->lcores[i]);
		ctx->lcores[i] = NULL;
	}
	for (unsigned k = 0; k < ctx->n_media; k++) {
		if (ctx->media[k] != NULL)
			lcore_free(ctx->media[k]);
		ctx->media[k] = NULL;
	}
}

static inline void drop(struct dp_lcore *lc, struct rte_mbuf *m, unsigned why)
{
	lc->drops[why]++;
	rte_pktmbuf_free(m);
}

static inline bool addr_eq(const uint8_t *a, const uint8_t *b, uint8_t family)
{
	if (family == 4)
		return memcmp(a, b, 4) == 0;
	return memcmp(a, b, 16) == 0;
}

/*
 * Source check and learning. Returns true when the packet may pass. The
 * learned source lives in the flow's stats slot (this lcore is its only
 * writer): LEARNED with the action's epoch in the upper flag bits.
 */
static inline bool source_ok(struct dp_lcore *lc, struct mr_flow_stats *fs,
			     const struct dp_flow_action *a, const struct dp_pkt *p,
			     const uint8_t *src, uint64_t now)
{
	uint32_t flags = fs->flags;
	uint16_t sport = rte_be_to_cpu_16(p->sport);

	if ((flags & MR_FLOW_STATS_F_LEARNED) && (flags >> DP_LEARN_EPOCH_SHIFT) == a->learn_epoch) {
		if (fs->learned.ip.family == p->family && fs->learned.port == sport &&
		    addr_eq(fs->learned.ip.addr, src, p->family))
			return true;
		return !(a->flags & MR_FLOW_F_STRICT_SOURCE);
	}
	if ((a->flags & MR_FLOW_F_LEARN) && now < a->learn_until_tsc) {
		uint32_t id = a->flow_id;

		memset(&fs->learned, 0, sizeof(fs->learned));
		fs->learned.ip.family = p->family;
		memcpy(fs->learned.ip.addr, src, p->family == 4 ? 4 : 16);
		fs->learned.port = sport;
		__atomic_store_n(&fs->flags,
				 (flags & 0xffffu) | MR_FLOW_STATS_F_LEARNED |
				 ((uint32_t)a->learn_epoch << DP_LEARN_EPOCH_SHIFT),
				 __ATOMIC_RELEASE);
		/* The main lcore reports it and re-points the peer; a full ring
		 * only delays that to its periodic scan. */
		rte_ring_enqueue_elem(lc->learn_ring, &id, sizeof(id));
		return true;
	}
	if (!(a->flags & MR_FLOW_F_STRICT_SOURCE))
		return true;
	if (a->expect_family == p->family && addr_eq(a->expect_src, src, p->family) &&
	    (a->expect_port == 0 || a->expect_port == p->sport))
		return true;
	return false;
}

static inline void rtp_stats(struct mr_flow_stats *fs, const struct dp_flow_action *a,
			     const uint8_t *pl, uint16_t len, bool rtcp, uint64_t now)
{
	uint32_t ssrc, ts;
	uint16_t seq;

	if (rtcp) {
		fs->rtcp_packets++;
		return;
	}
	if (len < MR_RTP_HDR_MIN)
		return;
	memcpy(&seq, pl + 2, 2);
	memcpy(&ts, pl + 4, 4);
	memcpy(&ssrc, pl + 8, 4);
	seq = rte_be_to_cpu_16(seq);
	ts = rte_be_to_cpu_32(ts);
	ssrc = rte_be_to_cpu_32(ssrc);
	if (fs->rtp.ssrc != ssrc || !(fs->rtp.probation || fs->rtp.valid))
		mr_rtp_source_init(&fs->rtp, ssrc, seq);
	if (mr_rtp_source_update(&fs->rtp, seq))
		mr_rtp_source_jitter(&fs->rtp, (uint32_t)(((unsigned __int128)now * a->arrival_mult) >> 32), ts);
	fs->pt_last = pl[1] & 0x7f;
}

/* Per-flow drop counters for an SRTP failure. */
static inline unsigned srtp_flow_drop(int rc)
{
	return rc == -EBADMSG ? MR_FLOW_DROP_SRTP_AUTH
	     : rc == -EALREADY ? MR_FLOW_DROP_SRTP_REPLAY : MR_FLOW_DROP_OTHER;
}

/*
 * SRTP of a packet on a flow with keys: unprotect what arrives, in place,
 * before the source check (only authenticated packets are learned from).
 * Returns 0 or the libsrtp wrapper's error.
 */
static inline int srtp_in(struct dp_lcore *lc, const struct dp_flow_srtp *sr, struct rte_mbuf *m,
			  struct dp_pkt *p, uint8_t *pl, bool rtcp)
{
	unsigned l = p->payload_len;
	int rc;

	if (unlikely((uint32_t)p->payload_off + p->payload_len > m->data_len))
		return -EINVAL;	/* payload across segments: libsrtp needs it whole */
	dp_srtp_set_events(sr->in, lc->ws->srtp_events);
	rc = dp_srtp_unprotect(sr->in, pl, &l, rtcp);
	if (likely(rc == 0)) {
		p->payload_len = (uint16_t)l;
		p->has_sum = 0;	/* the parser's payload sum no longer holds */
	}
	return rc;
}

/*
 * Pass-through (both legs share the keys): the tag is verified, and the
 * replay window advanced, on a copy; the packet leaves as it came.
 */
static inline int srtp_verify(struct dp_lcore *lc, const struct dp_flow_srtp *sr,
			      struct rte_mbuf *m, const struct dp_pkt *p, const uint8_t *pl, bool rtcp)
{
	if (unlikely((uint32_t)p->payload_off + p->payload_len > m->data_len))
		return -EINVAL;
	dp_srtp_set_events(sr->in, lc->ws->srtp_events);
	return dp_srtp_verify(sr->in, pl, p->payload_len, rtcp, lc->srtp_scratch,
			      sizeof(lc->srtp_scratch));
}

/* Protect what leaves, in place; the trailer goes into the buffer's tailroom. */
static inline int srtp_out(struct dp_lcore *lc, const struct dp_flow_srtp *sr, struct rte_mbuf *m,
			   struct dp_pkt *p, uint8_t *pl, bool rtcp)
{
	unsigned l = p->payload_len;
	unsigned cap, end;
	int rc;

	if (unlikely((uint32_t)p->payload_off + p->payload_len > m->data_len || m->nb_segs != 1))
		return -EINVAL;
	cap = (unsigned)m->buf_len - m->data_off - p->payload_off;
	dp_srtp_set_events(sr->out, lc->ws->srtp_events);
	rc = dp_srtp_protect(sr->out, pl, &l, cap, rtcp);
	if (unlikely(rc))
		return rc;
	end = (unsigned)p->payload_off + l;
	if (end > m->pkt_len && rte_pktmbuf_append(m, (uint16_t)(end - m->pkt_len)) == NULL)
		return -ENOSPC;
	p->payload_len = (uint16_t)l;
	p->has_sum = 0;	/* the parser's payload sum no longer holds */
	return 0;
}

static inline void flow_packet(struct dp_lcore *lc, struct rte_mbuf *m, struct dp_pkt *p,
			       const struct dp_flow_action *a, uint64_t now, bool cap)
{
	struct mr_flow_stats *fs = &lc->flow_stats[a->flow_id];
	uint8_t *b = rte_pktmbuf_mtod(m, uint8_t *);
	uint8_t *pl = b + p->payload_off;
	uint16_t len = p->payload_len;
	const struct dp_iface *out;
	struct rte_ether_addr mac;
	bool have_mac;
	struct dp_txq *tq;
	bool rtcp;
	uint8_t pt_out = 0;

	if (unlikely(a->flags & MR_FLOW_F_TRANSCODE) && lc->n_media != 0) {
		/*
		 * To the flow's media lcore, which looks the flow up again: nothing
		 * of the action crosses the ring, and only that lcore touches the
		 * flow's codec state and stats slot.
		 */
		unsigned k = a->flow_id % lc->n_media;

		lc->media_buf[k][lc->media_n[k]++] = m;
		return;
	}
	/* As received, before anything is checked or changed (by the lcore that handles it). */
	if (unlikely(cap))
		dp_capture_packet(lc, m, a->flow_id, m->port, (uint16_t)lc->index, now,
				  RTE_PCAPNG_DIRECTION_IN);
	/* RFC 7983 demultiplexing on the first byte. */
	if (unlikely(len == 0 || pl[0] < 128 || pl[0] > 191)) {
		unsigned why = DP_DROP_NOT_RTP;

		if (len && pl[0] <= 3)
			why = DP_DROP_STUN;
		else if (len && pl[0] >= 20 && pl[0] <= 63)
			why = DP_DROP_DTLS;
		fs->drops[MR_FLOW_DROP_MALFORMED]++;
		drop(lc, m, why);
		return;
	}
	/* RTP or RTCP, once: unprotecting leaves the header as it was. */
	rtcp = mr_rtp_is_rtcp(pl, len);
	if (a->srtp != NULL && a->srtp->in != NULL) {
		int rc = a->srtp->pass ? srtp_verify(lc, a->srtp, m, p, pl, rtcp)
				       : srtp_in(lc, a->srtp, m, p, pl, rtcp);

		if (unlikely(rc)) {
			fs->drops[srtp_flow_drop(rc)]++;
			drop(lc, m, dp_srtp_drop_reason(rc));
			return;
		}
		len = p->payload_len;
	}
	if (unlikely(!source_ok(lc, fs, a, p, b + p->src_off, now))) {
		fs->drops[MR_FLOW_DROP_SOURCE]++;
		drop(lc, m, DP_DROP_SOURCE);
		return;
	}
	if (unlikely(fs->first_seen_tsc == 0))
		fs->first_seen_tsc = now;
	fs->packets++;
	fs->bytes += len;
	__atomic_store_n(&fs->last_seen_tsc, now, __ATOMIC_RELAXED);
	rtp_stats(fs, a, pl, len, rtcp, now);
	if (unlikely(a->flags & (MR_FLOW_F_RTCP_TERM | MR_FLOW_F_TRANSCODE)) && rtcp) {
		/* The remote's reports on a transcoded leg: the relay sends its own. */
		if (dp_rtcp_consume(lc, fs, pl, len, now) < 0) {
			fs->drops[MR_FLOW_DROP_MALFORMED]++;
			drop(lc, m, DP_DROP_XC_RTCP);
			return;
		}
		rte_pktmbuf_free(m);
		return;
	}
	if (!rtcp && len >= MR_RTP_HDR_MIN && (a->pt_map != 0 || (a->flags & MR_FLOW_F_DTMF))) {
		/* The payload type as the flow sends it: same codec, maybe another number. */
		pt_out = pl[1] & 0x7f;
		if (a->pt_map != 0)
			pt_out = lc->pt_maps[(size_t)(a->pt_map - 1) * DP_PT_MAP_SIZE + pt_out];
		/* te_pt is the telephone-event as the flow sends it (remapped). */
		if (unlikely(a->flags & MR_FLOW_F_DTMF) && pt_out == a->te_pt)
			dp_dtmf_pass(lc, fs, a, pl, len);
	}

	if (unlikely((a->flags & MR_FLOW_F_BLACKHOLE) || !a->has_dst)) {
		fs->drops[MR_FLOW_DROP_BLACKHOLE]++;
		drop(lc, m, DP_DROP_BLACKHOLE);
		return;
	}
	have_mac = dp_neigh_mac(lc->neigh, a->neigh_idx, &mac);
	if (unlikely(!have_mac)) {
		/*
		 * The next hop is still being resolved (a new peer: the probe
		 * left when the flow was programmed). The frame is finished
		 * below and parked with the main lcore, which sends it once the
		 * reply arrives, as a kernel's unresolved-neighbor queue does.
		 */
		if (a->flags & MR_FLOW_F_TRANSCODE) {
			fs->drops[MR_FLOW_DROP_OTHER]++;
			drop(lc, m, DP_DROP_NO_NEIGH);
			return;
		}
		memset(&mac, 0, sizeof(mac));
	}
	if (a->flags & MR_FLOW_F_TRANSCODE) {
		/* Decoded and re-encoded here: the transcoder sends what it makes. */
		dp_transcode_packet(lc, m, p, a, &mac, now);
		return;
	}
	dp_rewrite_rtp(pl, len, a);
	if (a->pt_map != 0 && len >= MR_RTP_HDR_MIN && !rtcp) {
		/* The table was built when the flow was programmed. */
		pl[1] = (uint8_t)((pl[1] & 0x80) | pt_out);
		p->has_sum = 0;	/* the parser's payload sum no longer holds */
	}
	if (a->srtp != NULL && a->srtp->out != NULL) {
		int rc = srtp_out(lc, a->srtp, m, p, pl, rtcp);

		if (unlikely(rc)) {
			fs->drops[MR_FLOW_DROP_OTHER]++;
			drop(lc, m, dp_srtp_drop_reason(rc));
			return;
		}
	}
	out = &lc->ifaces[a->out_iface];
	if (unlikely(dp_rewrite(m, p, a, &mac, &out->mac, lc->ttl, out->tx_offloads) != 0)) {
		fs->drops[MR_FLOW_DROP_OTHER]++;
		drop(lc, m, DP_DROP_NO_MBUF);
		return;
	}
	/* As sent (a frame parked for its next hop still lacks the destination MAC). */
	if (unlikely(cap))
		dp_capture_packet(lc, m, a->flow_id, a->out_port, (uint16_t)lc->index, now,
				  RTE_PCAPNG_DIRECTION_OUT);
	if (unlikely(!have_mac)) {
		m->port = a->out_port;
		m->hash.usr = a->neigh_idx;
		if (rte_ring_enqueue(lc->park_ring, m) != 0) {
			fs->drops[MR_FLOW_DROP_OTHER]++;
			drop(lc, m, DP_DROP_NO_NEIGH);
		}
		return;
	}
	tq = &lc->txq[a->out_port];
	lc->ws->tx_packets++;
	rte_eth_tx_buffer(tq->port_id, tq->queue_id, tq->buf, m);
}

/* The transcoded packets of this burst to their media lcores; a full ring drops, never waits. */
static inline void media_flush(struct dp_lcore *lc)
{
	for (unsigned k = 0; k < lc->n_media; k++) {
		unsigned n = lc->media_n[k], sent;

		if (n == 0)
			continue;
		sent = rte_ring_enqueue_burst(lc->media_ring[k], (void **)lc->media_buf[k], n, NULL);
		if (unlikely(sent < n)) {
			lc->drops[DP_DROP_MEDIA_RING] += n - sent;
			rte_pktmbuf_free_bulk(&lc->media_buf[k][sent], n - sent);
		}
		lc->media_n[k] = 0;
	}
}

void dp_worker_burst(struct dp_lcore *lc, struct rte_mbuf **pkts, uint16_t n, uint64_t now)
{
	const void *keys[DP_BURST];
	void *data[DP_BURST];
	uint8_t idx[DP_BURST];
	uint64_t hits = 0;
	unsigned n_udp = 0;
	bool cap;

	for (uint16_t i = 0; i < n; i++) {
		struct dp_pkt *p = &lc->pkts[i];

		switch (dp_parse(pkts[i], lc->ifaces, lc->n_ifaces, p)) {
		case DP_V_UDP:
			keys[n_udp] = &p->key;
			idx[n_udp++] = (uint8_t)i;
			break;
		case DP_V_LOCAL:
			if (rte_ring_enqueue(lc->local_ring, pkts[i]) != 0)
				drop(lc, pkts[i], DP_DROP_LOCAL_RING);
			break;
		default:
			drop(lc, pkts[i], p->drop);
			break;
		}
	}
	if (unlikely(lc->rx_pace_us))
		rte_delay_us_block(lc->rx_pace_us);	/* tests only */
	if (n_udp == 0)
		return;
	cap = dp_capture_on(lc);	/* when no capture runs, this is all it costs */
	rte_hash_lookup_bulk_data(lc->hash, keys, n_udp, &hits, data);
	/* Actions, then the stats slots they name: with many flows both miss. */
	for (unsigned j = 0; j < n_udp; j++)
		if (hits & (1ull << j))
			rte_prefetch0(data[j]);
	for (unsigned j = 0; j < n_udp; j++)
		if (hits & (1ull << j))
			rte_prefetch0(&lc->flow_stats[((const struct dp_flow_action *)data[j])->flow_id]);
	for (unsigned j = 0; j < n_udp; j++) {
		struct rte_mbuf *m = pkts[idx[j]];

		if (!(hits & (1ull << j))) {
			/* On a media lcore: the flow went while its packet was in the ring. */
			drop(lc, m, lc->media_in != NULL ? DP_DROP_MEDIA_NO_FLOW : DP_DROP_NO_FLOW);
			continue;
		}
		flow_packet(lc, m, &lc->pkts[idx[j]], data[j], now, cap);
	}
	if (lc->n_media != 0)
		media_flush(lc);
}

static inline void rx_queue(struct dp_lcore *lc, const struct dp_rxq *q)
{
	struct rte_mbuf *pkts[DP_BURST];
	uint64_t now;
	uint16_t n;

	n = rte_eth_rx_burst(q->port_id, q->queue_id, pkts, lc->burst);
	if (n == 0)
		return;
	now = rte_rdtsc();
	lc->ws->rx_packets += n;
	if (unlikely(lc->test_mode))
		lc->ctx->last_rx_tsc = now;
	for (uint16_t i = 0; i < n; i++) {
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
		pkts[i]->port = q->port_id;	/* net_ring, for one, leaves it to us */
	}
	dp_worker_burst(lc, pkts, n, now);
}

/* Tests only: until every media lcore has sent what it was handed. */
static void media_wait(const struct dp_lcore *lc)
{
	const struct dp_ctx *ctx = lc->ctx;

	for (unsigned k = 0; k < ctx->n_media; k++) {
		const struct dp_lcore *ml = ctx->media[k];

		for (;;) {
			rte_smp_mb();
			if ((rte_ring_count(ml->media_in) == 0 && !ml->media_busy) || ctx->quit)
				break;
			rte_pause();
		}
	}
}

void dp_worker_poll(struct dp_lcore *lc)
{
	uint64_t start = rte_rdtsc();
	uint64_t rx = lc->ws->rx_packets;

	if (unlikely(lc->test_mode) && !lc->is_main) {
		/* Tests only: what was handed to the main lcore (ARP, NDP, learned
		 * sources) is handled before the next packet, as with workers = 0:
		 * runs are deterministic. */
		while (rte_ring_count(lc->local_ring) != 0 || rte_ring_count(lc->learn_ring) != 0 ||
		       lc->ctx->local_busy)
			rte_pause();
	}
	if (unlikely(lc->test_mode) && lc->n_media != 0 && !lc->ctx->media_held)
		media_wait(lc);	/* the same for the transcoded packets of the last burst */
	if (likely(lc->ctx->rx_enabled))
		for (unsigned i = 0; i < lc->n_rxq; i++)
			rx_queue(lc, &lc->rxq[i]);
	if (lc->tx_in != NULL) {
		struct rte_mbuf *m[DP_BURST];
		unsigned n = rte_ring_dequeue_burst(lc->tx_in, (void **)m, DP_BURST, NULL);

		for (unsigned i = 0; i < n; i++) {
			struct dp_txq *tq;

			if (m[i]->port >= RTE_MAX_ETHPORTS || lc->txq[m[i]->port].buf == NULL) {
				drop(lc, m[i], DP_DROP_TX_FULL);
				continue;
			}
			tq = &lc->txq[m[i]->port];
			lc->ws->tx_packets++;
			rte_eth_tx_buffer(tq->port_id, tq->queue_id, tq->buf, m[i]);
		}
	}
	dp_lcore_tx_flush(lc);
	if (lc->ws->rx_packets != rx)
		lc->ws->busy_tsc += rte_rdtsc() - start;
	dp_lcore_loop_done(lc, start);
}

int dp_worker_main(void *arg)
{
	struct dp_lcore *lc = arg;
	struct dp_ctx *ctx = lc->ctx;

	rte_rcu_qsbr_thread_register(lc->qsv, lc->index);
	rte_rcu_qsbr_thread_online(lc->qsv, lc->index);
	while (!ctx->quit) {
		dp_worker_poll(lc);
		/* Nothing of the flow table is held across loops. */
		rte_rcu_qsbr_quiescent(lc->qsv, lc->index);
	}
	rte_rcu_qsbr_thread_offline(lc->qsv, lc->index);
	rte_rcu_qsbr_thread_unregister(lc->qsv, lc->index);
	return 0;
}
