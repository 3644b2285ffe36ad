/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A dataplane interface: one DPDK port (or vdev) with our addresses on it.
 * Built by port.c at start-up from [interface NAME], read-only afterwards
 * except the counters; shared by the packet path, neigh.c and telemetry.
 */
#ifndef DP_IFACE_T_H
#define DP_IFACE_T_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#include "common/mr_addr.h"

#define DP_MAX_IFACES 8
#define DP_MAX_ADDRS 256	/* per interface and family (= MR_CFG_MAX_ADDRS) */

struct dp_iface {
	uint16_t index;			/* mrelay interface index = config order = mr_flow_key.iface */
	uint16_t port_id;		/* DPDK port */
	uint16_t vlan;			/* 0 = untagged */
	uint16_t n_txq;			/* TX queues configured on the port */
	struct rte_ether_addr mac;
	struct mr_ip addr4;		/* family 0 when the interface has no IPv4 */
	uint8_t prefix4;
	struct mr_ip addr6;		/* family 0 when the interface has no IPv6 */
	uint8_t prefix6;
	struct mr_ip addr6_ll;		/* link-local fe80::/64 from the MAC (NDP) */
	struct mr_ip gateway4;		/* family 0 = none: off-link peers unreachable */
	struct mr_ip gateway6;
	uint64_t tx_offloads;		/* RTE_ETH_TX_OFFLOAD_* enabled on the port */
	bool has_rss;
	char name[32];
	/*
	 * Every address of the interface (addr4/addr6 among them), sorted, for
	 * a binary search on the packet path when there are several (iface.h).
	 * n = 0 or 1: addr4/addr6 alone.
	 */
	uint16_t n_addrs4, n_addrs6;
	uint32_t addrs4[DP_MAX_ADDRS];		/* host byte order */
	uint8_t addrs6[DP_MAX_ADDRS][16];
};

#endif
