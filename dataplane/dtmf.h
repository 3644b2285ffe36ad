/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Digits of flows that are not transcoded (MR_FLOW_F_DTMF): RFC 4733 packets
 * of the flow's telephone-event payload type are read, never changed; each
 * event (one RTP timestamp) is reported once, when its end bit first
 * arrives (the end packet is sent three times), or when the next event
 * starts without an end seen. Reports go to the main lcore on the
 * transcoders' DTMF ring and on to control as MR_EVT_DTMF.
 */
#ifndef DP_DTMF_H
#define DP_DTMF_H

#include <stdint.h>

struct dp_lcore;
struct dp_flow_action;
struct mr_flow_stats;

/* One RTP packet whose payload type (remapped) is a->te_pt: the worker checked it. */
void dp_dtmf_pass(struct dp_lcore *lc, struct mr_flow_stats *fs, const struct dp_flow_action *a,
		  const uint8_t *pl, uint16_t len);

#endif
