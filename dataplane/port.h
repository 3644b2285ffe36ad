/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DP_PORT_H
#define DP_PORT_H

#include <stddef.h>

#include "lcore-t.h"

/*
 * The EAL arguments that the configuration implies: one --vdev per virtual
 * device and -a per PCI device named by [interface] sections. Appends to
 * argv (at most max entries, strings owned by the config); returns the new
 * count or -E2BIG.
 */
int dp_port_eal_args(const struct mr_config *cfg, char **argv, int argc, int max);

/*
 * After rte_eal_init: find each interface's port, configure it once with
 * ctx->n_lcores RX queues (RSS on the UDP 5-tuple when there are several and
 * the port has RSS; otherwise one) and n_lcores + n_media TX queues, the mbuf pool, checksum
 * offloads the port has, then start it; fill ctx->ifaces and ctx->ports.
 * Returns 0 or -errno with the reason in err.
 */
int dp_port_init(struct dp_ctx *ctx, char *err, size_t errlen);

/* RX queues of a port (1 when it has no RSS or a single queue). */
uint16_t dp_port_rxq_count(uint16_t port_id);

/* Copy interface state and port counters into the shm interface table. */
void dp_port_publish(struct dp_ctx *ctx);

/* Stop and close every port (flushes pcap writers). */
void dp_port_close(struct dp_ctx *ctx);

#endif
