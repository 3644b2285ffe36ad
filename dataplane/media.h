/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Media lcores: transcoding off the forwarding lcores. A worker hands each
 * packet of a transcoded flow to media lcore flow_id % n (a flow's codec
 * state is only ever touched by one lcore) over that lcore's rte_ring,
 * never waiting: a full ring is a counted drop (media-ring-full). The media
 * lcore is an RCU reader of the flow table: it parses the frame and looks
 * the flow up again (no action pointer crosses the ring), then runs the
 * packet path for it (SRTP unprotect, source check, statistics, decode,
 * encode, SRTP protect) and sends on its own TX queue of every port.
 */
#ifndef DP_MEDIA_H
#define DP_MEDIA_H

#include "lcore-t.h"

/* One round: up to DP_BURST packets from the ring, then flush TX. */
void dp_media_poll(struct dp_lcore *lc);

/* Media lcore entry point (rte_eal_remote_launch): polls until ctx->quit. */
int dp_media_main(void *arg);

#endif
