/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DP_TELEMETRY_H
#define DP_TELEMETRY_H

#include "lcore-t.h"

/*
 * Register /mrelay/totals, /mrelay/drops, /mrelay/workers and
 * /mrelay/flow,<id> with rte_telemetry. They read the shm counters only.
 * Returns 0 or -errno.
 */
int dp_telemetry_init(struct dp_ctx *ctx);

#endif
