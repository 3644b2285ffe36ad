/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DP_REWRITE_H
#define DP_REWRITE_H

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "flowtab-t.h"
#include "parse-t.h"

/*
 * RTP/RTCP payload changes of MR_FLOW_F_REWRITE_SSRC: RTP gets SSRC =
 * ssrc_out, seq += seq_delta, ts += ts_delta; RTCP its first SSRC. Anything
 * that is not version 2 RTP/RTCP long enough is left alone.
 */
void dp_rewrite_rtp(uint8_t *payload, uint16_t len, const struct dp_flow_action *a);

/*
 * Replace the headers of a parsed UDP packet by the egress ones of the
 * action (the wire contract): Ethernet dst = next hop, src = egress MAC,
 * 802.1Q iff out_vlan, IPv4 (IHL 5, ID 0, DF, TTL = ttl) or IPv6 (flow label
 * 0, hop limit = ttl), TOS / traffic class copied, UDP ports of the action,
 * checksums in software unless tx_offloads has them. Ethernet padding is
 * trimmed. Returns 0, or -ENOSPC when the headroom cannot take a v4->v6
 * header growth.
 */
int dp_rewrite(struct rte_mbuf *m, const struct dp_pkt *p, const struct dp_flow_action *a,
	       const struct rte_ether_addr *dst_mac, const struct rte_ether_addr *src_mac,
	       uint8_t ttl, uint64_t tx_offloads);

#endif
