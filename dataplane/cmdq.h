/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The main lcore's service work: the command ring (HELLO, FLOW_ADD/MOD/DEL,
 * DUMP, BARRIER, each acked on the event ring in order), learned sources,
 * idle reports, ARP/NDP via neigh, heartbeat and interface counters.
 * Never blocks: a full event ring pauses command intake until it drains.
 */
#ifndef DP_CMDQ_H
#define DP_CMDQ_H

#include "lcore-t.h"

/* Set up the service state (after flowtab, neigh, ports and lcores). 0 or -errno. */
int dp_cmdq_init(struct dp_ctx *ctx);
void dp_cmdq_fini(struct dp_ctx *ctx);

/* One round of service work; cheap when there is nothing to do. */
void dp_service(struct dp_ctx *ctx);

/* Counters of the main lcore's own work (drops of local traffic). */
uint64_t *dp_service_drops(struct dp_ctx *ctx);

#endif
