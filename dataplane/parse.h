/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DP_PARSE_H
#define DP_PARSE_H

#include <rte_mbuf.h>

#include "iface-t.h"
#include "parse-t.h"

/*
 * Classify a received frame: Ethernet, at most one 802.1Q tag matching one of
 * our interfaces on m->port, IPv4 without options or fragments, or IPv6
 * without extension headers, UDP with consistent lengths and checksum, to one
 * of our addresses. Every length is checked before it is read. Checksums are
 * verified in software unless the port flagged them good or bad.
 * Returns DP_V_UDP (p->key filled), DP_V_LOCAL, or DP_V_DROP (p->drop set).
 */
enum dp_verdict dp_parse(struct rte_mbuf *m, const struct dp_iface *ifaces, unsigned n_ifaces,
			 struct dp_pkt *p);

#endif
