/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbors and local protocols: ARP, NDP, ICMP/ICMPv6 echo for our
 * addresses. Everything runs on the main lcore except dp_neigh_mac(), which
 * any lcore may call per packet.
 */
#ifndef DP_NEIGH_H
#define DP_NEIGH_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_ether.h>

#include "iface-t.h"
#include "neigh-t.h"

struct rte_mbuf;
struct rte_mempool;
struct rte_tel_data;

/* The usual timers (60 s reachable, 1 s between probes, 3 probes, back-off
 * up to 60 s), converted with rte_get_tsc_hz(). */
void dp_neigh_params_default(struct dp_neigh_params *p);

/* A table for up to capacity neighbors, memory on socket_id. Returns NULL
 * with errno EINVAL (capacity 0 or bad params), ENOMEM, or rte_hash's errno. */
struct dp_neigh *dp_neigh_create(unsigned capacity, int socket_id);
/* Same with explicit timers (p NULL = defaults). */
struct dp_neigh *dp_neigh_create_params(unsigned capacity, int socket_id,
					const struct dp_neigh_params *p);
void dp_neigh_free(struct dp_neigh *n);

/*
 * Next hop for dst out of ifc: dst itself when on-link (addr4/prefix4,
 * addr6/prefix6, or IPv6 link-local fe80::/10), else the interface gateway.
 * Finds or creates (INCOMPLETE) the entry, takes a reference, stores its
 * index in *idx. Returns 0, -EAFNOSUPPORT (interface lacks that family),
 * -ENETUNREACH (off-link, no gateway), -EINVAL (dst unset, multicast,
 * broadcast, unspecified or our own address), -ENOSPC (table full of
 * referenced entries), -EOVERFLOW (reference count).
 */
int dp_neigh_resolve(struct dp_neigh *n, const struct dp_iface *ifc,
		     const struct mr_ip *dst, uint32_t *idx);
/* Drops the reference dp_neigh_resolve() took. Call only once no worker can
 * still read the flow that held idx (after its RCU grace period).
 * Returns 0 or -EINVAL (idx not in use or not referenced). */
int dp_neigh_release(struct dp_neigh *n, uint32_t idx);

/* Any lcore, per packet: the MAC of entry idx; false while unresolved. */
static inline bool
dp_neigh_mac(const struct dp_neigh *n, uint32_t idx, struct rte_ether_addr *mac)
{
	uint64_t w;

	if (unlikely(idx >= n->n_slots))
		return false;
	w = __atomic_load_n(&n->mac[idx], __ATOMIC_ACQUIRE);
	if (unlikely(!(w & DP_NEIGH_MAC_VALID)))
		return false;
	memcpy(mac->addr_bytes, &w, RTE_ETHER_ADDR_LEN);	/* little-endian packing */
	return true;
}

/*
 * m: an ARP, ICMP or ICMPv6 frame received on DPDK port m->port (Ethernet,
 * at most one 802.1Q tag, in the frame or stripped into m->vlan_tci); not a
 * clone, reference count 1, an external buffer only if unshared (a chain is
 * linearized), since the reply is written into it.
 * Answers ARP requests, ICMP/ICMPv6 echo requests and neighbor
 * solicitations for our addresses by rewriting m in place: returns 1 and the
 * caller transmits m on port m->port. Learns neighbors from ARP and NDP.
 * Otherwise frees m and returns 0; a drop is counted in drops[DP_DROP_*]
 * (handled messages that need no answer, e.g. an ARP reply, count nothing).
 */
int dp_neigh_input(struct dp_neigh *n, const struct dp_iface *ifaces, unsigned n_ifaces,
		   struct rte_mbuf *m, uint64_t *drops);

/*
 * Called every ~100 ms; now_tsc is the module's clock (confirmation times,
 * ages and back-off all count in it; it never goes backwards). Builds the
 * due ARP requests / neighbor solicitations
 * (mbuf port = the interface's port_id, 802.1Q tag in the frame when the
 * interface has a vlan) into out[], at most max; the rest wait for the next
 * call. When mp is empty, counts n->stats.no_mbuf (and drops[DP_DROP_NO_MBUF]
 * of the array given to dp_neigh_set_drops(), if any). Returns the count.
 */
unsigned dp_neigh_tick(struct dp_neigh *n, const struct dp_iface *ifaces, unsigned n_ifaces,
		       struct rte_mempool *mp, uint64_t now_tsc, struct rte_mbuf **out,
		       unsigned max);
/*
 * The same work in `steps` slices: one call looks at n_slots / steps entries
 * from where the last one stopped, so `steps` calls make one dp_neigh_tick().
 * For a lcore that also forwards: the whole table at once (16,384 entries)
 * holds it for tens of microseconds.
 */
unsigned dp_neigh_tick_step(struct dp_neigh *n, const struct dp_iface *ifaces, unsigned n_ifaces,
			    struct rte_mempool *mp, uint64_t now_tsc, struct rte_mbuf **out,
			    unsigned max, unsigned steps);
/* The main lcore's drop counters, for dp_neigh_tick()'s DP_DROP_NO_MBUF (may be NULL). */
void dp_neigh_set_drops(struct dp_neigh *n, uint64_t *drops);

/* The multicast MACs ifc's port must receive for NDP (all-nodes, and the
 * solicited-node groups of addr6 and addr6_ll), for rte_eth_dev_set_mc_addr_list().
 * Returns how many were written to out[] (at most max; 3 suffice). */
unsigned dp_neigh_mcast_macs(const struct dp_iface *ifc, struct rte_ether_addr *out, unsigned max);

/* Iterate: *cursor starts at 0. Returns 0 with *out filled, or -ENOENT at the end. */
int dp_neigh_next(const struct dp_neigh *n, uint32_t *cursor, uint64_t now_tsc,
		  struct dp_neigh_info *out);
/* Up to max entries into out[]; returns how many. */
unsigned dp_neigh_dump(const struct dp_neigh *n, uint64_t now_tsc, struct dp_neigh_info *out,
		       unsigned max);
/* Entries in use. */
unsigned dp_neigh_count(const struct dp_neigh *n);
/* "incomplete", "reachable", "stale", "probe", "failed". */
const char *dp_neigh_state_name(unsigned state);

/* Fills d (not yet started) with a dict: capacity, count, the counters, and
 * "entries": one string per entry "iface ip mac state age_ms refs" (at most
 * RTE_TEL_MAX_ARRAY_ENTRIES; "truncated": 1 when there were more).
 * Returns 0 or -ENOMEM. */
int dp_neigh_telemetry(const struct dp_neigh *n, uint64_t now_tsc, struct rte_tel_data *d);

#endif
