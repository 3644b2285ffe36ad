/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DP_WORKER_H
#define DP_WORKER_H

#include "lcore-t.h"

/*
 * Build the forwarding lcores' contexts: lcore i polls RX queue i of every
 * port that has one, sends on TX queue i of every port. The first one also
 * sends what the main lcore hands it (ARP/NDP replies and probes) when
 * workers run on their own lcores. Returns 0 or -errno.
 */
int dp_lcores_setup(struct dp_ctx *ctx, const unsigned *lcore_ids);
void dp_lcores_free(struct dp_ctx *ctx);

/* One loop of the packet path: every RX queue once, then flush TX. */
void dp_worker_poll(struct dp_lcore *lc);

/* Worker lcore entry point (rte_eal_remote_launch): polls until ctx->quit. */
int dp_worker_main(void *arg);

#endif
