/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The neighbor table: next-hop MAC addresses learned with ARP (IPv4) and
 * NDP (IPv6), keyed by (interface, next-hop IP).
 *
 * Only the main lcore changes the table. Workers read one 64-bit word per
 * packet (dp_neigh_mac()): the MAC packed with a valid bit, published with
 * a release store, so a reader never sees half an address.
 *
 * Entry lifetime: dp_neigh_resolve() takes a reference for the flow that
 * will use the index; dp_neigh_release() drops it once no worker can still
 * read that flow (after its RCU grace period). Only unreferenced entries are
 * evicted, and only when the table is full, so an index held by a flow
 * always names the same neighbor.
 */
#ifndef DP_NEIGH_T_H
#define DP_NEIGH_T_H

#include <stdint.h>

#include <rte_common.h>
#include <rte_ether.h>

#include "common/mr_addr.h"

struct rte_hash;

/* dp_neigh::mac[] word: MAC bytes in bits 0..47 (memory order), valid bit 63. */
#define DP_NEIGH_MAC_VALID (UINT64_C(1) << 63)

enum dp_neigh_state {
	DP_NEIGH_INCOMPLETE,	/* no MAC yet, probing (broadcast / multicast) */
	DP_NEIGH_REACHABLE,	/* MAC confirmed within reachable_tsc */
	DP_NEIGH_STALE,		/* MAC usable but unconfirmed: probed when referenced */
	DP_NEIGH_PROBE,		/* MAC usable, re-probing (unicast first) */
	DP_NEIGH_FAILED,	/* probes unanswered: no MAC, retried with back-off */
	DP_NEIGH__STATES
};

/* Timers, in TSC cycles (dp_neigh_params_default() fills the usual values). */
struct dp_neigh_params {
	uint64_t reachable_tsc;		/* re-probe a confirmed entry after this (60 s) */
	uint64_t retrans_tsc;		/* between two probes of one round (1 s) */
	uint64_t backoff_max_tsc;	/* FAILED retry interval doubles up to this (60 s) */
	unsigned max_probes;		/* unanswered probes before FAILED (3) */
};

/* Main-lcore state of one entry (cold: workers never read it). */
struct dp_neigh_entry {
	struct mr_ip ip;		/* the neighbor (next hop) */
	uint16_t iface;			/* dp_iface.index */
	uint8_t used;
	uint8_t state;			/* enum dp_neigh_state */
	uint8_t probes;			/* sent in the current round */
	struct rte_ether_addr mac;	/* last known, also while not valid */
	uint32_t refcnt;		/* flows using this entry */
	uint64_t updated_tsc;		/* last confirmation or MAC change */
	uint64_t next_tsc;		/* next probe due */
	uint64_t backoff_tsc;		/* current FAILED retry interval */
};

/* Counters of the local protocols (main lcore only). */
struct dp_neigh_stats {
	uint64_t arp_replies;		/* ARP replies sent */
	uint64_t arp_requests;		/* ARP requests sent (probes) */
	uint64_t ns_sent;		/* neighbor solicitations sent (probes) */
	uint64_t na_sent;		/* neighbor advertisements sent */
	uint64_t echo4_replies;
	uint64_t echo6_replies;
	uint64_t learned;		/* MAC learned or changed */
	uint64_t confirmed;		/* reachability confirmations */
	uint64_t failed;		/* entries that went FAILED */
	uint64_t evicted;		/* unreferenced entries evicted for room */
	uint64_t conflicts;		/* someone else claims one of our addresses */
	uint64_t no_mbuf;		/* probes not sent: mempool empty */
};

struct dp_neigh {
	/* hot: read by every worker */
	uint64_t *mac;			/* [n_slots], see DP_NEIGH_MAC_VALID */
	uint32_t n_slots;
	/* ---- main lcore only (own cache lines: writes here never evict the
	 * workers' copy of the two fields above) ---- */
	struct rte_hash *hash __rte_cache_aligned;	/* (iface, ip) -> slot */
	struct dp_neigh_entry *entries;	/* [n_slots] */
	unsigned capacity;
	unsigned n_used;
	struct dp_neigh_params params;
	struct dp_neigh_stats stats;
	uint64_t *drops;		/* dp_neigh_set_drops(), may be NULL */
	uint64_t now_tsc;		/* the clock: last dp_neigh_tick()'s now_tsc */
	uint32_t tick_cursor;		/* dp_neigh_tick_step(): the next entry */
};

/* One entry as dp_neigh_dump()/dp_neigh_next() report it. */
struct dp_neigh_info {
	uint32_t idx;
	uint16_t iface;			/* dp_iface.index */
	uint8_t state;			/* enum dp_neigh_state */
	uint8_t mac_valid;		/* workers can forward to it */
	struct mr_ip ip;
	struct rte_ether_addr mac;
	uint32_t refcnt;
	uint64_t age_ms;		/* since the last confirmation or MAC change */
};

#endif
