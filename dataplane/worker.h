/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DP_WORKER_H
#define DP_WORKER_H

#include <rte_branch_prediction.h>
#include <rte_ethdev.h>

#include "lcore-t.h"

/*
 * Build the lcores' contexts. lcore_ids holds ctx->n_lcores forwarding
 * lcores, then ctx->n_media media lcores. Forwarding lcore i polls RX queue
 * i of every port that has one, sends on TX queue i of every port; the first
 * one also sends what the main lcore hands it (ARP/NDP replies and probes)
 * when workers run on their own lcores. Media lcore k has its ring
 * ([dataplane] media-ring) and sends on TX queue n_lcores + k. Stats slots:
 * forwarding lcores, the main lcore's own (with workers), media lcores.
 * Returns 0 or -errno.
 */
int dp_lcores_setup(struct dp_ctx *ctx, const unsigned *lcore_ids);
void dp_lcores_free(struct dp_ctx *ctx);

/*
 * Parse, look up and handle n received frames (their ->port set); now is
 * their arrival tsc. Transcoded flows go to the media lcores when there are
 * some (enqueued before it returns). Also the media lcores' step.
 */
void dp_worker_burst(struct dp_lcore *lc, struct rte_mbuf **pkts, uint16_t n, uint64_t now);

/* One loop of the packet path: every RX queue once, then flush TX. */
void dp_worker_poll(struct dp_lcore *lc);

/* What the lcore's TX buffers hold goes out (end of each loop). */
static inline void dp_lcore_tx_flush(struct dp_lcore *lc)
{
	for (unsigned i = 0; i < lc->n_tx_ports; i++) {
		struct dp_txq *tq = &lc->txq[lc->tx_ports[i]];

		rte_eth_tx_buffer_flush(tq->port_id, tq->queue_id, tq->buf);
	}
}

/* End of a loop that began at `start`: the time since the previous one, and
 * whether it was a gap packets had to wait through (mr_worker_stats). */
static inline void dp_lcore_loop_done(struct dp_lcore *lc, uint64_t start)
{
	if (lc->loop_tsc) {
		uint64_t d = start - lc->loop_tsc;

		lc->ws->total_tsc += d;
		if (unlikely(d > lc->gap_tsc)) {
			lc->ws->poll_gaps++;
			if (d > lc->ws->poll_gap_max_tsc)
				lc->ws->poll_gap_max_tsc = d;
		}
	}
	lc->loop_tsc = start;
}

/* Worker lcore entry point (rte_eal_remote_launch): polls until ctx->quit. */
int dp_worker_main(void *arg);

#endif
