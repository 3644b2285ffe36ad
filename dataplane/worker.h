/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DP_WORKER_H
#define DP_WORKER_H

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

/* Worker lcore entry point (rte_eal_remote_launch): polls until ctx->quit. */
int dp_worker_main(void *arg);

#endif
