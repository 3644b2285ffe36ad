/* SPDX-License-Identifier: BSD-3-Clause */
/* Transcoding in the dataplane: pool, binding to flows, the inline packet step. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_random.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "codec/codec.h"
#include "flowtab.h"
#include "rewrite.h"
#include "rtcp.h"
#include "rtp/rtp.h"
#include "srtp.h"
#include "transcode.h"
#include "worker.h"

#define DTMF_RING_SIZE 1024

struct dp_transcode {
	struct mr_codec_pool *pool;
	struct rte_rcu_qsbr_dq *dq;	/* transcoders waiting for their grace period */
	struct rte_ring *dtmf;		/* workers -> main lcore */
	struct dp_rtcp_tx *rtcp;	/* by flow id: the flow's reports (its lcore's) */
	uint32_t n_flows;
	uint64_t rtcp_tsc;		/* between reports */
};

static void dq_free(void *p, void *e, unsigned n)
{
	struct mr_codec_xc **xc = e;

	for (unsigned i = 0; i < n; i++)
		mr_codec_xc_put(p, xc[i]);
}

int dp_transcode_init(struct dp_ctx *ctx, unsigned n)
{
	struct dp_transcode *t = rte_zmalloc("dp_transcode", sizeof(*t), 0);
	struct rte_rcu_qsbr_dq_parameters dp = {
		.name = "dp_xc_dq",
		.size = n,
		.esize = sizeof(struct mr_codec_xc *),
		.trigger_reclaim_limit = 16,
		.max_reclaim_size = 64,
		.free_fn = dq_free,
		.v = ctx->qsv,
	};

	if (t == NULL)
		return -ENOMEM;
	ctx->xc = t;
	/* Digits of flows that are not transcoded use the ring too (dtmf.c). */
	t->dtmf = rte_ring_create_elem("dp_xc_dtmf", sizeof(struct dp_transcode_dtmf),
				       DTMF_RING_SIZE, (int)rte_socket_id(), RING_F_SC_DEQ);
	if (t->dtmf == NULL)
		return -rte_errno;
	if (n == 0)
		return 0;
	t->n_flows = ctx->cfg.dp.flows;
	t->rtcp_tsc = ctx->tsc_hz * DP_TRANSCODE_RTCP_MS / 1000;
	t->rtcp = rte_zmalloc("dp_xc_rtcp", sizeof(*t->rtcp) * t->n_flows, RTE_CACHE_LINE_SIZE);
	if (t->rtcp == NULL)
		return -ENOMEM;
	t->pool = mr_codec_pool_create(n);
	if (t->pool == NULL)
		return -errno;
	dp.p = t->pool;
	t->dq = rte_rcu_qsbr_dq_create(&dp);
	if (t->dq == NULL)
		return -rte_errno;
	return 0;
}

void dp_transcode_fini(struct dp_ctx *ctx)
{
	struct dp_transcode *t = ctx->xc;

	if (t == NULL)
		return;
	if (t->dq != NULL)
		rte_rcu_qsbr_dq_delete(t->dq);
	rte_ring_free(t->dtmf);
	rte_free(t->rtcp);
	mr_codec_pool_free(t->pool);
	rte_free(t);
	ctx->xc = NULL;
}

int dp_transcode_bind(struct dp_ctx *ctx, const struct mr_flow_spec *spec, struct dp_flow_action *a)
{
	struct dp_transcode *t = ctx->xc;
	struct dp_flow_slot *s = dp_flowtab_slot(ctx->ft, spec->flow_id);
	struct mr_codec_params p;
	struct mr_codec_xc *xc;
	int rc;

	a->xc_slot = UINT32_MAX;
	if (!(spec->flags & MR_FLOW_F_TRANSCODE))
		return 0;
	if (t == NULL || t->pool == NULL)
		return -ENOTSUP;
	/* Re-pointed or re-programmed without a codec change: same transcoder, same stream. */
	t->rtcp[spec->flow_id].rtcp_flow_id = spec->transcode.rtcp_flow_id;
	if (s != NULL && s->xc != NULL && s->act != NULL && (s->spec.flags & MR_FLOW_F_TRANSCODE) &&
	    s->spec.ssrc_out == spec->ssrc_out &&
	    memcmp(&s->spec.transcode, &spec->transcode, sizeof(spec->transcode)) == 0) {
		a->xc_slot = mr_codec_xc_slot(s->xc);
		return 0;
	}
	rc = mr_codec_params_from_spec(&spec->transcode, spec->ssrc_out, (uint16_t)rte_rand(),
				       (uint32_t)rte_rand(), &p);
	if (rc)
		return rc;
	xc = mr_codec_xc_get(t->pool, &p);
	if (xc == NULL)
		return -errno;
	a->xc_slot = mr_codec_xc_slot(xc);
	t->rtcp[spec->flow_id].next_tsc = 0;	/* armed by the first packet */
	memset(&t->rtcp[spec->flow_id].iv, 0, sizeof(t->rtcp[spec->flow_id].iv));
	return 0;
}

/* The transcoder an action names, or NULL. */
static struct mr_codec_xc *action_xc(const struct dp_transcode *t, const struct dp_flow_action *a)
{
	if (!(a->flags & MR_FLOW_F_TRANSCODE) || t == NULL || t->pool == NULL)
		return NULL;
	return mr_codec_pool_slot(t->pool, a->xc_slot);
}

static void defer_put(struct dp_transcode *t, struct mr_codec_xc *xc)
{
	while (rte_rcu_qsbr_dq_enqueue(t->dq, &xc) != 0)
		rte_rcu_qsbr_dq_reclaim(t->dq, UINT32_MAX, NULL, NULL, NULL);
}

void dp_transcode_published(struct dp_ctx *ctx, struct dp_flow_slot *s, const struct dp_flow_action *a)
{
	struct mr_codec_xc *xc = action_xc(ctx->xc, a);

	if (s->xc != NULL && s->xc != xc)
		defer_put(ctx->xc, s->xc);
	s->xc = xc;
}

void dp_transcode_unbind(struct dp_ctx *ctx, struct dp_flow_action *a)
{
	struct dp_flow_slot *s = dp_flowtab_slot(ctx->ft, a->flow_id);
	struct mr_codec_xc *xc = action_xc(ctx->xc, a);

	if (xc != NULL && (s == NULL || s->xc != xc))
		mr_codec_xc_put(ctx->xc->pool, xc);	/* never visible to a worker */
	a->xc_slot = UINT32_MAX;
}

void dp_transcode_release(struct dp_ctx *ctx, struct dp_flow_slot *s)
{
	if (s->xc != NULL)
		defer_put(ctx->xc, s->xc);
	s->xc = NULL;
}

void dp_transcode_reclaim(struct dp_ctx *ctx)
{
	if (ctx->xc != NULL && ctx->xc->dq != NULL)
		rte_rcu_qsbr_dq_reclaim(ctx->xc->dq, 64, NULL, NULL, NULL);
}

struct rte_ring *dp_transcode_dtmf_ring(struct dp_ctx *ctx)
{
	return ctx->xc != NULL ? ctx->xc->dtmf : NULL;
}

/* ---- worker side ---- */

struct emit_ctx {
	struct dp_lcore *lc;
	const struct dp_flow_action *a;
	const struct rte_ether_addr *mac;
	uint8_t tos;
};

/* One RTP packet of the transcoded leg: a fresh mbuf, the flow's headers, TX. */
static int emit(void *arg, const uint8_t *pkt, uint16_t len)
{
	struct emit_ctx *e = arg;
	struct dp_lcore *lc = e->lc;
	const struct dp_flow_action *a = e->a;
	const struct dp_iface *out = &lc->ifaces[a->out_iface];
	struct dp_pkt q = { .payload_off = 0, .payload_len = len, .tos = e->tos };
	struct rte_mbuf *m = rte_pktmbuf_alloc(lc->ctx->pool);
	struct dp_txq *tq;
	char *d;

	if (unlikely(m == NULL)) {
		lc->drops[DP_DROP_NO_MBUF]++;
		return -ENOBUFS;
	}
	d = rte_pktmbuf_append(m, len);
	if (unlikely(d == NULL))
		goto nobuf;
	memcpy(d, pkt, len);
	if (a->srtp != NULL && a->srtp->out != NULL) {
		/* SRTP on the transcoded leg: protected in place, trailer in the tailroom. */
		unsigned l = len, cap = (unsigned)m->buf_len - m->data_off;
		int rc;

		dp_srtp_set_events(a->srtp->out, lc->ws->srtp_events);
		rc = dp_srtp_protect(a->srtp->out, (uint8_t *)d, &l, cap, mr_rtp_is_rtcp(pkt, len));
		if (unlikely(rc)) {
			rte_pktmbuf_free(m);
			lc->drops[dp_srtp_drop_reason(rc)]++;
			return rc;
		}
		if (l > len && rte_pktmbuf_append(m, (uint16_t)(l - len)) == NULL)
			goto nobuf;
		q.payload_len = (uint16_t)l;
	}
	if (unlikely(dp_rewrite(m, &q, a, e->mac, &out->mac, lc->ttl, out->tx_offloads) != 0))
		goto nobuf;
	tq = &lc->txq[a->out_port];
	lc->ws->tx_packets++;
	rte_eth_tx_buffer(tq->port_id, tq->queue_id, tq->buf, m);
	return 0;
nobuf:
	rte_pktmbuf_free(m);
	lc->drops[DP_DROP_NO_MBUF]++;
	return -ENOBUFS;
}

/*
 * The leg's RTCP, every DP_TRANSCODE_RTCP_MS: an SR of what this flow sends,
 * with a report block of what its peer flow receives from the same remote
 * (RFC 3550 6.4): loss over the interval since the previous report, LSR and
 * DLSR from that remote's last SR; to the RTP port with rtcp-mux, else to
 * the next port up.
 */
static void send_rtcp(struct dp_lcore *lc, const struct dp_flow_action *a, struct mr_codec_xc *xc,
		      struct dp_rtcp_tx *tx, const struct rte_ether_addr *mac, uint8_t tos, uint64_t now)
{
	struct dp_flow_action ra = *a;
	struct emit_ctx e = { lc, &ra, mac, tos };
	struct mr_rtcp_rb rb;
	uint8_t buf[128];
	char cname[24];
	bool have_rb;
	int len;

	have_rb = dp_rtcp_report_block(lc, a, tx, now, &rb);
	snprintf(cname, sizeof(cname), "mrelay-%08x", rte_be_to_cpu_32(a->ssrc_out));
	len = mr_codec_xc_rtcp(xc, dp_rtcp_ntp(lc, now), 0, have_rb ? &rb : NULL, cname, buf, sizeof(buf));
	if (len <= 0)
		return;
	if (!(a->flags & MR_FLOW_F_RTCP_MUX)) {
		ra.out_sport = rte_cpu_to_be_16((uint16_t)(rte_be_to_cpu_16(a->out_sport) + 1));
		ra.out_dport = rte_cpu_to_be_16((uint16_t)(rte_be_to_cpu_16(a->out_dport) + 1));
	}
	emit(&e, buf, (uint16_t)len);
}

void dp_transcode_packet(struct dp_lcore *lc, struct rte_mbuf *m, const struct dp_pkt *p,
			 const struct dp_flow_action *a, const struct rte_ether_addr *mac, uint64_t now)
{
	struct dp_rtcp_tx *tx = &lc->ctx->xc->rtcp[a->flow_id];
	struct mr_codec_xc *xc = mr_codec_pool_slot(lc->ctx->xc->pool, a->xc_slot);
	struct emit_ctx e = { lc, a, mac, p->tos };
	uint8_t buf[2048];
	const uint8_t *pl;
	struct dp_transcode_dtmf ev;

	if (unlikely(p->payload_len > sizeof(buf))) {
		lc->drops[DP_DROP_XC_INPUT]++;
		rte_pktmbuf_free(m);
		return;
	}
	pl = rte_pktmbuf_read(m, p->payload_off, p->payload_len, buf);
	if (unlikely(pl == NULL || mr_rtp_is_rtcp(pl, p->payload_len))) {
		lc->drops[pl == NULL ? DP_DROP_XC_INPUT : DP_DROP_XC_RTCP]++;
		rte_pktmbuf_free(m);
		return;
	}
	if (unlikely(mr_codec_xc_input(xc, pl, p->payload_len, emit, &e) < 0))
		lc->drops[DP_DROP_XC_INPUT]++;
	rte_pktmbuf_free(m);
	if (unlikely(now >= tx->next_tsc)) {
		if (tx->next_tsc != 0)
			send_rtcp(lc, a, xc, tx, mac, p->tos, now);
		tx->next_tsc = now + lc->ctx->xc->rtcp_tsc;
	}
	ev.flow_id = a->flow_id;
	while (unlikely(mr_codec_xc_dtmf_pop(xc, &ev.d) == 0))
		if (rte_ring_enqueue_elem(lc->ctx->xc->dtmf, &ev, sizeof(ev)) != 0)
			lc->drops[DP_DROP_XC_EVENT]++;
}
