/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Transcoding in the dataplane: a pool of lib/codec transcoders filled at
 * start-up, one bound to a flow's action when the flow is programmed with
 * MR_FLOW_F_TRANSCODE, released after a grace period when the flow goes.
 * Workers transcode inline (the flow's lcore owns its transcoder); each
 * digit detected goes to the main lcore on a ring and on to control.
 */
#ifndef DP_TRANSCODE_H
#define DP_TRANSCODE_H

#include <stdint.h>

#include "codec/codec-t.h"

struct dp_ctx;
struct dp_lcore;
struct dp_flow_slot;
struct dp_flow_action;
struct dp_pkt;
struct mr_flow_spec;
struct rte_mbuf;
struct rte_ether_addr;
struct rte_ring;

/* A digit on its way from a worker to the main lcore. */
struct dp_transcode_dtmf {
	uint32_t flow_id;
	struct mr_codec_dtmf d;
};

/* Interval of the RTCP the relay sends for each transcoded leg. */
#define DP_TRANSCODE_RTCP_MS 5000

/*
 * Start-up: the pool of n transcoders ([dataplane] transcoders, at most one
 * per flow), the grace-period queue, the DTMF ring. Returns 0 or -errno.
 */
int dp_transcode_init(struct dp_ctx *ctx, unsigned n);
void dp_transcode_fini(struct dp_ctx *ctx);

/*
 * Main lcore, while building a flow's action: give it a transcoder when the
 * spec asks for one (the slot's own when nothing changed). Returns 0,
 * -EINVAL (bad spec), -ENOSPC (pool empty) or -ENOTSUP (no pool).
 */
int dp_transcode_bind(struct dp_ctx *ctx, const struct mr_flow_spec *spec, struct dp_flow_action *a);
/* The action was published: the slot now owns its transcoder; a replaced one goes after a grace period. */
void dp_transcode_published(struct dp_ctx *ctx, struct dp_flow_slot *s, const struct dp_flow_action *a);
/* The action is discarded unpublished: a transcoder it alone held goes back at once. */
void dp_transcode_unbind(struct dp_ctx *ctx, struct dp_flow_action *a);
/* The flow was removed: its transcoder goes after a grace period. */
void dp_transcode_release(struct dp_ctx *ctx, struct dp_flow_slot *s);
/* Main lcore, each round: return transcoders whose grace period is over. */
void dp_transcode_reclaim(struct dp_ctx *ctx);
/* The ring of digits (struct dp_transcode_dtmf elements), for the main lcore. */
struct rte_ring *dp_transcode_dtmf_ring(struct dp_ctx *ctx);

/*
 * Worker: one packet of a transcoded flow (MR_FLOW_F_TRANSCODE), consumed. The output
 * packets go out through the lcore's TX buffer with the action's addresses;
 * RTCP from the remote is consumed: the relay sends the leg's own SR.
 */
void dp_transcode_packet(struct dp_lcore *lc, struct rte_mbuf *m, const struct dp_pkt *p,
			 const struct dp_flow_action *a, const struct rte_ether_addr *mac, uint64_t now);

#endif
