/* SPDX-License-Identifier: BSD-3-Clause */
/* What the classifier learns of one received frame. */
#ifndef DP_PARSE_T_H
#define DP_PARSE_T_H

#include <stdint.h>

#include "shm/msg-t.h"

enum dp_verdict {
	DP_V_UDP = 0,	/* UDP to one of our addresses: look up key */
	DP_V_LOCAL,	/* ARP, ICMP echo, ICMPv6 NDP/echo: hand to the main lcore */
	DP_V_DROP,	/* drop, reason in drop */
};

/*
 * Offsets are from the start of the frame (rte_pktmbuf_mtod). The whole
 * header chain lies in the first segment; the payload may not.
 */
struct dp_pkt {
	struct mr_flow_key key;		/* the flow this packet belongs to (UDP only) */
	uint16_t l3_off;		/* after Ethernet and 802.1Q */
	uint16_t l4_off;		/* the UDP header */
	uint16_t payload_off;		/* UDP payload */
	uint16_t payload_len;		/* UDP payload, without Ethernet padding */
	uint16_t sport;			/* remote UDP port, network order */
	uint8_t family;			/* 4 or 6 */
	uint8_t tos;			/* IPv4 TOS / IPv6 traffic class */
	uint8_t iface;			/* mrelay interface index */
	uint8_t drop;			/* enum dp_drop when DP_V_DROP */
	uint16_t src_off;		/* remote IP address in the frame */
	uint16_t payload_sum;		/* ones' complement sum of the payload, when has_sum */
	uint8_t has_sum;		/* 0 when the port checked the UDP checksum itself, or
					 * once anything (SRTP) changed the payload */
} __attribute__((aligned(8)));	/* key first: rte_hash's CRC reads it 8 bytes at a time */

#endif
