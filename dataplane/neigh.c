/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbor table (ARP, RFC 826; NDP, RFC 4861) and the local protocols the
 * dataplane answers itself: ARP requests, neighbor solicitations and
 * ICMP/ICMPv6 echo for our own addresses. Main lcore only, except the MAC
 * words that workers read through dp_neigh_mac().
 *
 * Replies reuse the received mbuf. Nothing here allocates per packet; the
 * only allocations are the table (dp_neigh_create) and probe mbufs
 * (dp_neigh_tick, from the caller's mempool).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_telemetry.h>

#include "drop-t.h"
#include "iface.h"
#include "neigh.h"

#define ARP_LEN 28		/* Ethernet/IPv4 ARP payload */
#define IP4_HDR_LEN 20
#define IP6_HDR_LEN 40
#define ICMP6_ND_LEN 24		/* NS/NA without options */
#define ND_REPLY_LEN 32		/* NA with a target link-layer option */
#define DEFAULT_TTL 64

#define ICMP_ECHO_REPLY 0
#define ICMP_ECHO_REQUEST 8
#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129
#define ND_NS 135
#define ND_NA 136
#define ND_OPT_SLLA 1
#define ND_OPT_TLLA 2
#define NA_FLAG_S 0x40
#define NA_FLAG_O 0x20

/* Results of the per-protocol handlers besides a drop reason (>= 0). */
#define LOCAL_REPLY (-1)	/* m rewritten, transmit it */
#define LOCAL_DONE (-2)		/* handled, nothing to send, not a drop */

struct neigh_key {
	uint8_t addr[16];
	uint16_t iface;
	uint8_t family;
	uint8_t pad;
};

/* A received frame once Ethernet and the optional tag are parsed. */
struct frame {
	uint8_t *p;			/* Ethernet header */
	uint32_t len;			/* bytes from p (contiguous) */
	uint32_t l3;			/* offset of ARP/IP */
	bool vlan_stripped;		/* tag was in m->vlan_tci */
	const struct dp_iface *ifc;
};

static unsigned hash_seq;

static const uint8_t bcast_mac[RTE_ETHER_ADDR_LEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static uint64_t mac_word(const uint8_t *mac)
{
	uint64_t w = 0;

	memcpy(&w, mac, RTE_ETHER_ADDR_LEN);
	return w | DP_NEIGH_MAC_VALID;
}

static inline bool mac_is_group(const uint8_t *mac)
{
	return mac[0] & 1;
}

static bool mac_is_zero(const uint8_t *mac)
{
	static const uint8_t zero[RTE_ETHER_ADDR_LEN];

	return memcmp(mac, zero, RTE_ETHER_ADDR_LEN) == 0;
}

/* The module's clock: the now_tsc of the last dp_neigh_tick() (100 ms
 * resolution is plenty for neighbor ages), so every timer here runs on the
 * caller's time base alone. */
static uint64_t tsc_now(const struct dp_neigh *n)
{
	return n->now_tsc;
}

/* ---- the table --------------------------------------------------------- */

void dp_neigh_params_default(struct dp_neigh_params *p)
{
	uint64_t hz = rte_get_tsc_hz();

	p->reachable_tsc = 60 * hz;
	p->retrans_tsc = hz;
	p->backoff_max_tsc = 60 * hz;
	p->max_probes = 3;
}

struct dp_neigh *dp_neigh_create_params(unsigned capacity, int socket_id,
					const struct dp_neigh_params *p)
{
	struct rte_hash_parameters hp = { 0 };
	char name[RTE_HASH_NAMESIZE];
	struct dp_neigh *n;
	int32_t max_id;
	int err;

	if (capacity == 0 || capacity > (1u << 24) ||
	    (p && (p->max_probes == 0 || p->max_probes > 255 || p->retrans_tsc == 0))) {
		errno = EINVAL;
		return NULL;
	}
	n = rte_zmalloc_socket("dp_neigh", sizeof(*n), RTE_CACHE_LINE_SIZE, socket_id);
	if (!n) {
		errno = ENOMEM;
		return NULL;
	}
	if (p)
		n->params = *p;
	else
		dp_neigh_params_default(&n->params);
	n->capacity = capacity;
	n->now_tsc = rte_get_tsc_cycles();

	snprintf(name, sizeof(name), "dp_neigh_%u", __atomic_fetch_add(&hash_seq, 1,
								    __ATOMIC_RELAXED));
	hp.name = name;
	/* rte_hash needs at least one bucket; our own count enforces capacity. */
	hp.entries = RTE_MAX(capacity, 16u);
	hp.key_len = sizeof(struct neigh_key);
	hp.socket_id = socket_id;
	/* Extendable buckets: every one of `entries` keys fits, whatever the hash. */
	hp.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE;
	n->hash = rte_hash_create(&hp);
	if (!n->hash) {
		err = rte_errno ? rte_errno : ENOMEM;
		goto fail;
	}
	max_id = rte_hash_max_key_id(n->hash);
	if (max_id < 0) {
		err = EINVAL;
		goto fail;
	}
	n->n_slots = (uint32_t)max_id + 1;
	n->mac = rte_zmalloc_socket("dp_neigh_mac", n->n_slots * sizeof(*n->mac),
				    RTE_CACHE_LINE_SIZE, socket_id);
	n->entries = rte_zmalloc_socket("dp_neigh_entries", n->n_slots * sizeof(*n->entries),
					RTE_CACHE_LINE_SIZE, socket_id);
	if (!n->mac || !n->entries) {
		err = ENOMEM;
		goto fail;
	}
	return n;
fail:
	dp_neigh_free(n);
	errno = err;
	return NULL;
}

struct dp_neigh *dp_neigh_create(unsigned capacity, int socket_id)
{
	return dp_neigh_create_params(capacity, socket_id, NULL);
}

void dp_neigh_free(struct dp_neigh *n)
{
	if (!n)
		return;
	rte_hash_free(n->hash);
	rte_free(n->mac);
	rte_free(n->entries);
	rte_free(n);
}

void dp_neigh_set_drops(struct dp_neigh *n, uint64_t *drops)
{
	n->drops = drops;
}

static void key_make(struct neigh_key *k, uint16_t iface, const struct mr_ip *ip)
{
	memset(k, 0, sizeof(*k));
	k->iface = iface;
	k->family = ip->family;
	memcpy(k->addr, ip->addr, ip->family == 4 ? 4 : 16);
}

static int32_t entry_find(const struct dp_neigh *n, uint16_t iface, const struct mr_ip *ip)
{
	struct neigh_key k;

	key_make(&k, iface, ip);
	return rte_hash_lookup(n->hash, &k);
}

static void mac_publish(struct dp_neigh *n, uint32_t idx, uint64_t w)
{
	__atomic_store_n(&n->mac[idx], w, __ATOMIC_RELEASE);
}

/* Removes an unreferenced entry (no flow can read its slot any more). */
static void entry_evict(struct dp_neigh *n, uint32_t idx)
{
	struct dp_neigh_entry *e = &n->entries[idx];
	struct neigh_key k;

	key_make(&k, e->iface, &e->ip);
	rte_hash_del_key(n->hash, &k);
	mac_publish(n, idx, 0);
	memset(e, 0, sizeof(*e));
	n->n_used--;
	n->stats.evicted++;
}

/* The unreferenced entry heard from least recently, or -1. */
static int64_t victim_find(const struct dp_neigh *n)
{
	int64_t best = -1;
	uint32_t i;

	for (i = 0; i < n->n_slots; i++) {
		const struct dp_neigh_entry *e = &n->entries[i];

		if (!e->used || e->refcnt)
			continue;
		if (best < 0 || e->updated_tsc < n->entries[best].updated_tsc)
			best = i;
	}
	return best;
}

/* Adds (iface, ip), INCOMPLETE. evict: may make room by evicting an
 * unreferenced entry. Returns the slot or -ENOSPC. */
static int32_t entry_add(struct dp_neigh *n, uint16_t iface, const struct mr_ip *ip, bool evict)
{
	struct dp_neigh_entry *e;
	struct neigh_key k;
	int32_t pos = -ENOSPC;

	key_make(&k, iface, ip);
	if (n->n_used < n->capacity)
		pos = rte_hash_add_key(n->hash, &k);
	if (pos == -ENOSPC && evict) {
		int64_t v = victim_find(n);

		if (v < 0)
			return -ENOSPC;
		entry_evict(n, (uint32_t)v);
		pos = rte_hash_add_key(n->hash, &k);
	}
	if (pos < 0)
		return pos;
	if ((uint32_t)pos >= n->n_slots) {	/* cannot happen: max_key_id bounds it */
		rte_hash_del_key(n->hash, &k);
		return -ENOSPC;
	}
	e = &n->entries[pos];
	memset(e, 0, sizeof(*e));
	e->used = 1;
	e->ip = *ip;
	memset(e->ip.pad, 0, sizeof(e->ip.pad));
	e->iface = iface;
	e->state = DP_NEIGH_INCOMPLETE;
	e->updated_tsc = tsc_now(n);
	mac_publish(n, pos, 0);
	n->n_used++;
	return pos;
}

/*
 * What a received message tells about (iface, ip): its MAC, and whether it
 * proves two-way reachability (confirm) or only claims an address (then a
 * changed MAC makes the entry STALE). create: add the entry when missing.
 */
static void learn(struct dp_neigh *n, uint16_t iface, const struct mr_ip *ip, const uint8_t *mac,
		  bool confirm, bool create)
{
	struct dp_neigh_entry *e;
	int32_t pos = entry_find(n, iface, ip);
	bool changed;

	if (pos < 0) {
		if (!create)
			return;
		pos = entry_add(n, iface, ip, false);
		if (pos < 0)
			return;
	}
	e = &n->entries[pos];
	changed = !(n->mac[pos] & DP_NEIGH_MAC_VALID) ||
		  memcmp(e->mac.addr_bytes, mac, RTE_ETHER_ADDR_LEN) != 0;
	if (changed) {
		memcpy(e->mac.addr_bytes, mac, RTE_ETHER_ADDR_LEN);
		mac_publish(n, pos, mac_word(mac));
		n->stats.learned++;
	}
	if (confirm) {
		e->state = DP_NEIGH_REACHABLE;
		e->updated_tsc = tsc_now(n);
		e->probes = 0;
		e->backoff_tsc = 0;
		n->stats.confirmed++;
	} else if (changed) {
		e->state = DP_NEIGH_STALE;
		e->updated_tsc = tsc_now(n);
		e->probes = 0;
		e->backoff_tsc = 0;
	}
}

/* ---- addresses --------------------------------------------------------- */

static bool ip6_eq(const uint8_t *a, const struct mr_ip *b)
{
	return b->family == 6 && memcmp(a, b->addr, 16) == 0;
}

static void ip_set(struct mr_ip *ip, int family, const uint8_t *addr)
{
	memset(ip, 0, sizeof(*ip));
	ip->family = family;
	memcpy(ip->addr, addr, family == 4 ? 4 : 16);
}

static bool ip6_is_linklocal(const uint8_t *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

static bool ip6_is_unspecified(const uint8_t *a)
{
	static const uint8_t zero[16];

	return memcmp(a, zero, 16) == 0;
}

/* ff02::1:ffXX:XXXX for target t */
static void ip6_solicited_node(uint8_t *out, const uint8_t *t)
{
	memset(out, 0, 16);
	out[0] = 0xff;
	out[1] = 0x02;
	out[11] = 0x01;
	out[12] = 0xff;
	memcpy(out + 13, t + 13, 3);
}

static bool ip6_is_solicited_node_of(const uint8_t *dst, const uint8_t *t)
{
	uint8_t sn[16];

	ip6_solicited_node(sn, t);
	return memcmp(dst, sn, 16) == 0;
}

static bool ip6_is_ours(const struct dp_iface *ifc, const uint8_t *a)
{
	return dp_iface_has6(ifc, a) || ip6_eq(a, &ifc->addr6_ll);
}

static uint32_t be32_get(const uint8_t *a)
{
	return (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
}

/* The directed broadcast of our IPv4 subnet (none on /31 and /32). */
static bool ip4_net_bcast(const struct dp_iface *ifc, const uint8_t *a)
{
	uint32_t mask;

	if (ifc->addr4.family != 4 || ifc->prefix4 >= 31)
		return false;
	mask = ifc->prefix4 ? ~UINT32_C(0) << (32 - ifc->prefix4) : 0;
	return be32_get(a) == ((be32_get(ifc->addr4.addr) & mask) | ~mask);
}

/* Never a neighbor, never answered: 0/8, loopback, multicast, class E,
 * broadcast, the subnet broadcast, our own addresses. */
static bool ip4_is_bad_peer(const struct dp_iface *ifc, const uint8_t *a)
{
	return a[0] == 0 || a[0] == 127 || a[0] >= 224 || ip4_net_bcast(ifc, a) ||
	       dp_iface_has4(ifc, a);
}

static bool ip6_is_bad_peer(const struct dp_iface *ifc, const uint8_t *a)
{
	static const uint8_t loop[16] = { [15] = 1 };

	return a[0] == 0xff || ip6_is_unspecified(a) || memcmp(a, loop, 16) == 0 ||
	       ip6_is_ours(ifc, a);
}

/* ---- resolve ----------------------------------------------------------- */

int dp_neigh_resolve(struct dp_neigh *n, const struct dp_iface *ifc, const struct mr_ip *dst,
		     uint32_t *idx)
{
	struct dp_neigh_entry *e;
	struct mr_ip nh;
	int32_t pos;

	if (dst->family == 4) {
		if (ifc->addr4.family != 4)
			return -EAFNOSUPPORT;
		if (ip4_is_bad_peer(ifc, dst->addr))
			return -EINVAL;
		if (mr_ip_same_net(dst, &ifc->addr4, ifc->prefix4))
			ip_set(&nh, 4, dst->addr);
		else if (ifc->gateway4.family == 4)
			ip_set(&nh, 4, ifc->gateway4.addr);
		else
			return -ENETUNREACH;
	} else if (dst->family == 6) {
		if (ifc->addr6.family != 6 && ifc->addr6_ll.family != 6)
			return -EAFNOSUPPORT;
		if (ip6_is_bad_peer(ifc, dst->addr))
			return -EINVAL;
		if (ip6_is_linklocal(dst->addr) ||
		    (ifc->addr6.family == 6 && mr_ip_same_net(dst, &ifc->addr6, ifc->prefix6)))
			ip_set(&nh, 6, dst->addr);
		else if (ifc->gateway6.family == 6)
			ip_set(&nh, 6, ifc->gateway6.addr);
		else
			return -ENETUNREACH;
	} else {
		return -EINVAL;
	}

	pos = entry_find(n, ifc->index, &nh);
	if (pos < 0) {
		pos = entry_add(n, ifc->index, &nh, true);
		if (pos < 0)
			return pos;
	}
	e = &n->entries[pos];
	if (e->refcnt == UINT32_MAX)
		return -EOVERFLOW;
	e->refcnt++;
	/* A new flow towards a FAILED neighbor asks again at the next tick
	 * instead of waiting out the back-off, at most once per retrans_tsc. */
	if (e->state == DP_NEIGH_FAILED) {
		uint64_t now = tsc_now(n), last = e->next_tsc - e->backoff_tsc;

		if ((int64_t)(now - last) >= (int64_t)n->params.retrans_tsc && e->next_tsc > now)
			e->next_tsc = now;
	}
	*idx = (uint32_t)pos;
	return 0;
}

int dp_neigh_release(struct dp_neigh *n, uint32_t idx)
{
	struct dp_neigh_entry *e;

	if (idx >= n->n_slots)
		return -EINVAL;
	e = &n->entries[idx];
	if (!e->used || e->refcnt == 0)
		return -EINVAL;
	e->refcnt--;
	return 0;
}

/* ---- frames ------------------------------------------------------------ */

/* One's complement sum of a pseudo-header and an ICMPv6 message, complemented. */
static uint16_t icmp6_cksum(const uint8_t *ip6, const uint8_t *icmp, uint32_t len)
{
	uint32_t sum = 0;
	uint8_t tail[8] = { 0 };

	put16(tail, (uint16_t)(len >> 16));	/* upper-layer length, 32 bits */
	put16(tail + 2, (uint16_t)len);
	tail[7] = IPPROTO_ICMPV6;
	sum = __rte_raw_cksum(ip6 + 8, 32, sum);	/* source and destination */
	sum = __rte_raw_cksum(tail, sizeof(tail), sum);
	sum = __rte_raw_cksum(icmp, len, sum);
	return (uint16_t)~__rte_raw_cksum_reduce(sum);
}

/* True when the ICMPv6 checksum of the message verifies. */
static bool icmp6_cksum_ok(const uint8_t *ip6, const uint8_t *icmp, uint32_t len)
{
	return icmp6_cksum(ip6, icmp, len) == 0;
}

static void icmp6_cksum_set(uint8_t *ip6, uint8_t *icmp, uint32_t len)
{
	uint16_t c;

	icmp[2] = icmp[3] = 0;
	c = icmp6_cksum(ip6, icmp, len);
	memcpy(icmp + 2, &c, 2);
}

static void ip4_cksum_set(uint8_t *ip)
{
	uint16_t c;

	ip[10] = ip[11] = 0;
	c = (uint16_t)~rte_raw_cksum(ip, IP4_HDR_LEN);
	memcpy(ip + 10, &c, 2);
}

/* Makes m's length exactly len bytes (trim or append in the first segment).
 * Returns 0, or -1 when there is no room. */
static int frame_set_len(struct rte_mbuf *m, uint32_t len)
{
	if (len <= m->pkt_len)
		return rte_pktmbuf_trim(m, m->pkt_len - len) == 0 ? 0 : -1;
	return rte_pktmbuf_append(m, len - m->pkt_len) ? 0 : -1;
}

/* Ethernet, optional tag, interface. Returns -1 or a drop reason. */
static int frame_parse(struct rte_mbuf *m, const struct dp_iface *ifaces, unsigned n_ifaces,
		       struct frame *f, uint16_t *ethertype)
{
	uint16_t vid = 0, type;
	unsigned i;

	/* Rewritten in place: a buffer nobody else holds (not a clone, no
	 * second reference, an external buffer only when not shared). */
	if (RTE_MBUF_CLONED(m) || rte_mbuf_refcnt_read(m) != 1 ||
	    (RTE_MBUF_HAS_EXTBUF(m) && rte_mbuf_ext_refcnt_read(m->shinfo) != 1))
		return DP_DROP_LOCAL_BUF;
	if (m->nb_segs > 1 && rte_pktmbuf_linearize(m) != 0)
		return DP_DROP_LOCAL_BUF;
	f->p = rte_pktmbuf_mtod(m, uint8_t *);
	f->len = rte_pktmbuf_data_len(m);
	f->ifc = NULL;
	f->vlan_stripped = false;
	if (f->len < RTE_ETHER_HDR_LEN)
		return DP_DROP_ETH_SHORT;
	type = get16(f->p + 12);
	f->l3 = RTE_ETHER_HDR_LEN;
	if (m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED) {
		f->vlan_stripped = true;
		vid = m->vlan_tci & 0xfff;
	}
	if (type == RTE_ETHER_TYPE_VLAN) {
		if (f->vlan_stripped)
			return DP_DROP_VLAN;
		if (f->len < RTE_ETHER_HDR_LEN + 4)
			return DP_DROP_ETH_SHORT;
		vid = get16(f->p + 14) & 0xfff;
		type = get16(f->p + 16);
		f->l3 += 4;
	}
	if (type == RTE_ETHER_TYPE_VLAN || type == RTE_ETHER_TYPE_QINQ)
		return DP_DROP_VLAN;
	for (i = 0; i < n_ifaces; i++) {
		if (ifaces[i].port_id == m->port && ifaces[i].vlan == vid) {
			f->ifc = &ifaces[i];
			break;
		}
	}
	if (!f->ifc)
		return DP_DROP_VLAN;
	/* A group source address is never genuine; our own is a loop. */
	if (mac_is_group(f->p + 6) ||
	    memcmp(f->p + 6, f->ifc->mac.addr_bytes, RTE_ETHER_ADDR_LEN) == 0)
		return DP_DROP_LOCAL_SOURCE;
	/* Unicast frames for someone else (promiscuous port). */
	if (!mac_is_group(f->p) && memcmp(f->p, f->ifc->mac.addr_bytes, RTE_ETHER_ADDR_LEN) != 0)
		return DP_DROP_NOT_OURS;
	*ethertype = type;
	return -1;
}

/* Reply goes back where the frame came from, from our MAC. */
static void eth_reply(struct frame *f, const uint8_t *dst)
{
	uint8_t d[RTE_ETHER_ADDR_LEN];

	memcpy(d, dst, sizeof(d));	/* dst may point into the frame */
	memcpy(f->p, d, sizeof(d));
	memcpy(f->p + 6, f->ifc->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
}

/* ---- ARP --------------------------------------------------------------- */

static int arp_input(struct dp_neigh *n, struct frame *f, struct rte_mbuf *m)
{
	const struct dp_iface *ifc = f->ifc;
	uint8_t *a = f->p + f->l3;
	uint8_t sha[RTE_ETHER_ADDR_LEN], spa[4];
	uint16_t op;
	struct mr_ip sender;

	if (f->len - f->l3 < ARP_LEN)
		return DP_DROP_ARP;
	if (get16(a) != RTE_ARP_HRD_ETHER || get16(a + 2) != RTE_ETHER_TYPE_IPV4 ||
	    a[4] != RTE_ETHER_ADDR_LEN || a[5] != 4)
		return DP_DROP_ARP;
	op = get16(a + 6);
	if (op != RTE_ARP_OP_REQUEST && op != RTE_ARP_OP_REPLY)
		return DP_DROP_ARP;
	memcpy(sha, a + 8, sizeof(sha));
	memcpy(spa, a + 14, sizeof(spa));
	if (ifc->addr4.family != 4)
		return DP_DROP_ARP_OTHER;
	if (mac_is_group(sha) || mac_is_zero(sha))
		return DP_DROP_LOCAL_SOURCE;
	if (dp_iface_has4(ifc, spa)) {
		n->stats.conflicts++;	/* another host claims one of our addresses */
		return DP_DROP_LOCAL_SOURCE;
	}
	ip_set(&sender, 4, spa);

	if (dp_iface_has4(ifc, a + 24)) {
		uint8_t tpa[4];

		memcpy(tpa, a + 24, sizeof(tpa));	/* the address asked for answers */
		/* RFC 826: the target merges the sender. A probe (sender
		 * 0.0.0.0, RFC 5227) is answered but teaches nothing. */
		if (ip4_is_bad_peer(ifc, spa)) {
			if (be32_get(spa) != 0)
				return DP_DROP_LOCAL_SOURCE;
		} else {
			/* New entries only for on-link senders; one we asked
			 * for (a gateway outside our prefix) is completed too. */
			learn(n, ifc->index, &sender, sha, true,
			      mr_ip_same_net(&sender, &ifc->addr4, ifc->prefix4));
		}
		if (op == RTE_ARP_OP_REPLY)
			return LOCAL_DONE;
		put16(a + 6, RTE_ARP_OP_REPLY);
		memcpy(a + 18, sha, RTE_ETHER_ADDR_LEN);
		memcpy(a + 24, spa, 4);
		memcpy(a + 8, ifc->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
		memcpy(a + 14, tpa, 4);
		eth_reply(f, sha);
		if (frame_set_len(m, f->l3 + ARP_LEN) != 0)
			return DP_DROP_ARP;
		n->stats.arp_replies++;
		return LOCAL_REPLY;
	}
	/* Gratuitous ARP (sender = target): refresh an entry we already have. */
	if (memcmp(spa, a + 24, 4) == 0 && entry_find(n, ifc->index, &sender) >= 0) {
		learn(n, ifc->index, &sender, sha, false, false);
		return LOCAL_DONE;
	}
	return DP_DROP_ARP_OTHER;
}

/* ---- IPv4 / ICMP ------------------------------------------------------- */

static int ip4_input(struct dp_neigh *n, struct frame *f, struct rte_mbuf *m)
{
	const struct dp_iface *ifc = f->ifc;
	uint8_t *ip = f->p + f->l3, *icmp;
	uint32_t avail = f->len - f->l3, tot, ilen;
	uint16_t c;
	uint8_t tmp[4];

	if (avail < IP4_HDR_LEN)
		return DP_DROP_IP4_SHORT;
	if (ip[0] >> 4 != 4)
		return DP_DROP_IP4_VERSION;
	if ((ip[0] & 0xf) < 5)
		return DP_DROP_IP4_IHL;
	if ((ip[0] & 0xf) > 5)
		return DP_DROP_IP4_OPTIONS;
	tot = get16(ip + 2);
	if (tot < IP4_HDR_LEN || tot > avail)
		return DP_DROP_IP4_LEN;
	if (rte_raw_cksum(ip, IP4_HDR_LEN) != 0xffff)
		return DP_DROP_IP4_CSUM;
	if (get16(ip + 6) & 0x3fff)
		return DP_DROP_IP4_FRAGMENT;
	if (ip[9] != IPPROTO_ICMP)
		return DP_DROP_IP_PROTO;
	if (!dp_iface_has4(ifc, ip + 16))
		return DP_DROP_NOT_OURS;
	if (ip4_is_bad_peer(ifc, ip + 12))
		return DP_DROP_LOCAL_SOURCE;
	icmp = ip + IP4_HDR_LEN;
	ilen = tot - IP4_HDR_LEN;
	if (ilen < 8 || rte_raw_cksum(icmp, ilen) != 0xffff)
		return DP_DROP_ICMP;
	if (icmp[0] != ICMP_ECHO_REQUEST || icmp[1] != 0)
		return DP_DROP_ICMP_OTHER;

	icmp[0] = ICMP_ECHO_REPLY;
	icmp[2] = icmp[3] = 0;
	c = (uint16_t)~rte_raw_cksum(icmp, ilen);
	memcpy(icmp + 2, &c, 2);
	memcpy(tmp, ip + 12, 4);
	memcpy(ip + 12, ip + 16, 4);
	memcpy(ip + 16, tmp, 4);
	ip[8] = DEFAULT_TTL;
	ip4_cksum_set(ip);
	eth_reply(f, f->p + 6);
	if (frame_set_len(m, f->l3 + tot) != 0)
		return DP_DROP_ICMP;
	n->stats.echo4_replies++;
	return LOCAL_REPLY;
}

/* ---- IPv6 / ICMPv6 / NDP ----------------------------------------------- */

/* NDP options after the fixed part: every length non-zero and inside the
 * message (RFC 4861 7.1). *lla = the first option of type want, if any. */
static int nd_options(const uint8_t *opt, uint32_t len, uint8_t want, const uint8_t **lla)
{
	*lla = NULL;
	while (len > 0) {
		uint32_t olen;

		if (len < 2)
			return -1;
		olen = (uint32_t)opt[1] * 8;
		if (olen == 0 || olen > len)
			return -1;
		if (opt[0] == want && !*lla && olen >= 8)
			*lla = opt + 2;
		opt += olen;
		len -= olen;
	}
	return 0;
}

static bool nd_on_link(const struct dp_iface *ifc, const uint8_t *a)
{
	struct mr_ip ip;

	if (ip6_is_linklocal(a))
		return true;
	if (ifc->addr6.family != 6)
		return false;
	ip_set(&ip, 6, a);
	return mr_ip_same_net(&ip, &ifc->addr6, ifc->prefix6);
}

static int ns_input(struct dp_neigh *n, struct frame *f, struct rte_mbuf *m, uint8_t *ip,
		    uint32_t ilen)
{
	const struct dp_iface *ifc = f->ifc;
	uint8_t *icmp = ip + IP6_HDR_LEN;
	uint8_t target[16], src[16], dmac[RTE_ETHER_ADDR_LEN];
	const uint8_t *slla;
	bool dad;

	if (ip[7] != 255 || icmp[1] != 0 || ilen < ICMP6_ND_LEN || icmp[8] == 0xff)
		return DP_DROP_NDP;
	if (nd_options(icmp + ICMP6_ND_LEN, ilen - ICMP6_ND_LEN, ND_OPT_SLLA, &slla) != 0)
		return DP_DROP_NDP;
	memcpy(target, icmp + 8, 16);
	memcpy(src, ip + 8, 16);
	dad = ip6_is_unspecified(src);
	/* Duplicate address detection: to the solicited-node group, no SLLA. */
	if (dad && (!ip6_is_solicited_node_of(ip + 24, target) || slla))
		return DP_DROP_NDP;
	if (slla && (mac_is_group(slla) || mac_is_zero(slla)))
		return DP_DROP_NDP;
	if (!ip6_is_ours(ifc, target))
		return DP_DROP_NDP_OTHER;
	if (!ip6_is_ours(ifc, ip + 24) && !ip6_is_solicited_node_of(ip + 24, target))
		return DP_DROP_NDP_OTHER;
	if (!dad && ip6_is_bad_peer(ifc, src))
		return DP_DROP_LOCAL_SOURCE;

	if (slla) {
		struct mr_ip s;

		memcpy(dmac, slla, sizeof(dmac));
		ip_set(&s, 6, src);
		learn(n, ifc->index, &s, dmac, false, nd_on_link(ifc, src));
	} else if (dad) {
		static const uint8_t all_nodes_mac[] = { 0x33, 0x33, 0, 0, 0, 1 };

		memcpy(dmac, all_nodes_mac, sizeof(dmac));
	} else {
		memcpy(dmac, f->p + 6, sizeof(dmac));
	}

	/* The advertisement: S unless answering DAD (then to all-nodes), O always. */
	if (frame_set_len(m, f->l3 + IP6_HDR_LEN + ND_REPLY_LEN) != 0)
		return DP_DROP_NO_MBUF;
	eth_reply(f, dmac);
	ip[0] = 0x60;		/* version 6, traffic class 0, flow label 0 */
	ip[1] = ip[2] = ip[3] = 0;
	put16(ip + 4, ND_REPLY_LEN);
	ip[6] = IPPROTO_ICMPV6;
	ip[7] = 255;
	memcpy(ip + 8, target, 16);
	if (dad) {
		static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };

		memcpy(ip + 24, all_nodes, 16);
	} else {
		memcpy(ip + 24, src, 16);
	}
	icmp[0] = ND_NA;
	icmp[1] = 0;
	icmp[4] = (dad ? 0 : NA_FLAG_S) | NA_FLAG_O;
	icmp[5] = icmp[6] = icmp[7] = 0;
	memcpy(icmp + 8, target, 16);
	icmp[24] = ND_OPT_TLLA;
	icmp[25] = 1;
	memcpy(icmp + 26, ifc->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	icmp6_cksum_set(ip, icmp, ND_REPLY_LEN);
	n->stats.na_sent++;
	return LOCAL_REPLY;
}

static int na_input(struct dp_neigh *n, struct frame *f, uint8_t *ip, uint32_t ilen)
{
	const struct dp_iface *ifc = f->ifc;
	uint8_t *icmp = ip + IP6_HDR_LEN;
	const uint8_t *tlla;
	struct dp_neigh_entry *e;
	struct mr_ip t;
	int32_t pos;
	bool solicited, override, valid;

	if (ip[7] != 255 || icmp[1] != 0 || ilen < ICMP6_ND_LEN || icmp[8] == 0xff)
		return DP_DROP_NDP;
	solicited = icmp[4] & NA_FLAG_S;
	override = icmp[4] & NA_FLAG_O;
	if (solicited && ip[24] == 0xff)
		return DP_DROP_NDP;
	if (nd_options(icmp + ICMP6_ND_LEN, ilen - ICMP6_ND_LEN, ND_OPT_TLLA, &tlla) != 0)
		return DP_DROP_NDP;
	if (tlla && (mac_is_group(tlla) || mac_is_zero(tlla)))
		return DP_DROP_NDP;
	if (ip[24] != 0xff && !ip6_is_ours(ifc, ip + 24))
		return DP_DROP_NOT_OURS;
	if (ip6_is_ours(ifc, icmp + 8)) {
		n->stats.conflicts++;
		return DP_DROP_LOCAL_SOURCE;
	}
	ip_set(&t, 6, icmp + 8);
	pos = entry_find(n, ifc->index, &t);
	if (pos < 0)
		return DP_DROP_NDP_OTHER;	/* RFC 4861 7.2.5: no entry, discard */
	e = &n->entries[pos];
	valid = n->mac[pos] & DP_NEIGH_MAC_VALID;
	/* RFC 4861 7.2.5, simplified to our states. */
	if (!valid) {
		if (!tlla)
			return LOCAL_DONE;
		learn(n, ifc->index, &t, tlla, solicited, false);
	} else if (!tlla || override ||
		   memcmp(tlla, e->mac.addr_bytes, RTE_ETHER_ADDR_LEN) == 0) {
		if (tlla)
			learn(n, ifc->index, &t, tlla, solicited, false);
		else if (solicited)
			learn(n, ifc->index, &t, e->mac.addr_bytes, true, false);
	} else if (e->state == DP_NEIGH_REACHABLE) {
		/* A different address without override: doubt, keep the old one. */
		e->state = DP_NEIGH_STALE;
	}
	return LOCAL_DONE;
}

static int ip6_input(struct dp_neigh *n, struct frame *f, struct rte_mbuf *m)
{
	const struct dp_iface *ifc = f->ifc;
	uint8_t *ip = f->p + f->l3, *icmp;
	uint32_t avail = f->len - f->l3, plen;
	uint8_t tmp[16];

	if (avail < IP6_HDR_LEN)
		return DP_DROP_IP6_SHORT;
	if (ip[0] >> 4 != 6)
		return DP_DROP_IP6_VERSION;
	plen = get16(ip + 4);
	if (IP6_HDR_LEN + plen > avail)
		return DP_DROP_IP6_LEN;
	switch (ip[6]) {
	case IPPROTO_ICMPV6:
		break;
	case IPPROTO_HOPOPTS:
	case IPPROTO_ROUTING:
	case IPPROTO_FRAGMENT:
	case IPPROTO_DSTOPTS:
	case IPPROTO_AH:
	case IPPROTO_ESP:
		return DP_DROP_IP6_EXT;
	default:
		return DP_DROP_IP_PROTO;
	}
	if (ip[8] == 0xff)
		return DP_DROP_LOCAL_SOURCE;
	icmp = ip + IP6_HDR_LEN;
	if (plen < 4 || !icmp6_cksum_ok(ip, icmp, plen))
		return DP_DROP_ICMP;
	switch (icmp[0]) {
	case ND_NS:
		return ns_input(n, f, m, ip, plen);
	case ND_NA:
		return na_input(n, f, ip, plen);
	case ICMP6_ECHO_REQUEST:
		break;
	default:
		return DP_DROP_ICMP_OTHER;
	}
	if (icmp[1] != 0)
		return DP_DROP_ICMP_OTHER;
	if (plen < 8)
		return DP_DROP_ICMP;
	if (!ip6_is_ours(ifc, ip + 24))
		return DP_DROP_NOT_OURS;
	if (ip6_is_bad_peer(ifc, ip + 8))
		return DP_DROP_LOCAL_SOURCE;

	icmp[0] = ICMP6_ECHO_REPLY;
	memcpy(tmp, ip + 8, 16);
	memcpy(ip + 8, ip + 24, 16);
	memcpy(ip + 24, tmp, 16);
	ip[7] = DEFAULT_TTL;
	icmp6_cksum_set(ip, icmp, plen);
	eth_reply(f, f->p + 6);
	if (frame_set_len(m, f->l3 + IP6_HDR_LEN + plen) != 0)
		return DP_DROP_ICMP;
	n->stats.echo6_replies++;
	return LOCAL_REPLY;
}

int dp_neigh_input(struct dp_neigh *n, const struct dp_iface *ifaces, unsigned n_ifaces,
		   struct rte_mbuf *m, uint64_t *drops)
{
	struct frame f;
	uint16_t type = 0;
	int r;

	r = frame_parse(m, ifaces, n_ifaces, &f, &type);
	if (r < 0) {
		switch (type) {
		case RTE_ETHER_TYPE_ARP:
			r = arp_input(n, &f, m);
			break;
		case RTE_ETHER_TYPE_IPV4:
			r = ip4_input(n, &f, m);
			break;
		case RTE_ETHER_TYPE_IPV6:
			r = ip6_input(n, &f, m);
			break;
		default:
			r = DP_DROP_ETHERTYPE;
			break;
		}
	}
	if (r == LOCAL_REPLY) {
		/* The tag goes back where it came from: in the frame already, or
		 * stripped by the NIC and re-inserted here. No TX offloads. */
		if (f.vlan_stripped && rte_vlan_insert(&m) != 0) {
			drops[DP_DROP_NO_MBUF]++;
			rte_pktmbuf_free(m);
			return 0;
		}
		m->ol_flags &= RTE_MBUF_F_EXTERNAL;	/* a buffer property, not an offload */
		return 1;
	}
	if (r >= 0)
		drops[r]++;
	rte_pktmbuf_free(m);
	return 0;
}

/* ---- probes ------------------------------------------------------------ */

/* An mbuf holding len bytes of Ethernet (+ tag) for ifc, or NULL (counted). */
static uint8_t *probe_alloc(struct dp_neigh *n, const struct dp_iface *ifc,
			    struct rte_mempool *mp, uint32_t l3_len, const uint8_t *dmac,
			    uint16_t type, struct rte_mbuf **mo, uint32_t *l3)
{
	uint32_t hl = RTE_ETHER_HDR_LEN + (ifc->vlan ? 4 : 0);
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint8_t *p;

	p = m ? (uint8_t *)rte_pktmbuf_append(m, hl + l3_len) : NULL;
	if (!p) {
		rte_pktmbuf_free(m);
		n->stats.no_mbuf++;
		if (n->drops)
			n->drops[DP_DROP_NO_MBUF]++;
		return NULL;
	}
	memset(p, 0, hl + l3_len);
	memcpy(p, dmac, RTE_ETHER_ADDR_LEN);
	memcpy(p + 6, ifc->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	if (ifc->vlan) {
		put16(p + 12, RTE_ETHER_TYPE_VLAN);
		put16(p + 14, ifc->vlan & 0xfff);	/* PCP 0, DEI 0 */
		put16(p + 16, type);
	} else {
		put16(p + 12, type);
	}
	m->port = ifc->port_id;
	*mo = m;
	*l3 = hl;
	return p;
}

static struct rte_mbuf *arp_probe(struct dp_neigh *n, const struct dp_iface *ifc,
				  struct rte_mempool *mp, const struct dp_neigh_entry *e,
				  bool unicast)
{
	struct rte_mbuf *m;
	uint32_t l3;
	uint8_t *p, *a;

	if (ifc->addr4.family != 4)
		return NULL;
	p = probe_alloc(n, ifc, mp, ARP_LEN, unicast ? e->mac.addr_bytes : bcast_mac,
			RTE_ETHER_TYPE_ARP, &m, &l3);
	if (!p)
		return NULL;
	a = p + l3;
	put16(a, RTE_ARP_HRD_ETHER);
	put16(a + 2, RTE_ETHER_TYPE_IPV4);
	a[4] = RTE_ETHER_ADDR_LEN;
	a[5] = 4;
	put16(a + 6, RTE_ARP_OP_REQUEST);
	memcpy(a + 8, ifc->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	memcpy(a + 14, ifc->addr4.addr, 4);
	/* target hardware address stays zero */
	memcpy(a + 24, e->ip.addr, 4);
	n->stats.arp_requests++;
	return m;
}

static struct rte_mbuf *ns_probe(struct dp_neigh *n, const struct dp_iface *ifc,
				 struct rte_mempool *mp, const struct dp_neigh_entry *e,
				 bool unicast)
{
	const struct mr_ip *src;
	uint8_t dip[16], dmac[RTE_ETHER_ADDR_LEN];
	struct rte_mbuf *m;
	uint8_t *p, *ip, *icmp;
	uint32_t l3;

	/* Link-local targets are asked from our link-local address. */
	if (ifc->addr6.family == 6 && !ip6_is_linklocal(e->ip.addr))
		src = &ifc->addr6;
	else if (ifc->addr6_ll.family == 6)
		src = &ifc->addr6_ll;
	else if (ifc->addr6.family == 6)
		src = &ifc->addr6;
	else
		return NULL;
	if (unicast) {
		memcpy(dip, e->ip.addr, 16);
		memcpy(dmac, e->mac.addr_bytes, sizeof(dmac));
	} else {
		ip6_solicited_node(dip, e->ip.addr);
		dmac[0] = dmac[1] = 0x33;
		memcpy(dmac + 2, dip + 12, 4);
	}
	p = probe_alloc(n, ifc, mp, IP6_HDR_LEN + ND_REPLY_LEN, dmac, RTE_ETHER_TYPE_IPV6, &m,
			&l3);
	if (!p)
		return NULL;
	ip = p + l3;
	icmp = ip + IP6_HDR_LEN;
	ip[0] = 0x60;
	put16(ip + 4, ND_REPLY_LEN);
	ip[6] = IPPROTO_ICMPV6;
	ip[7] = 255;
	memcpy(ip + 8, src->addr, 16);
	memcpy(ip + 24, dip, 16);
	icmp[0] = ND_NS;
	memcpy(icmp + 8, e->ip.addr, 16);
	icmp[24] = ND_OPT_SLLA;
	icmp[25] = 1;
	memcpy(icmp + 26, ifc->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	icmp6_cksum_set(ip, icmp, ND_REPLY_LEN);
	n->stats.ns_sent++;
	return m;
}

static void entry_fail(struct dp_neigh *n, uint32_t idx, uint64_t now)
{
	struct dp_neigh_entry *e = &n->entries[idx];

	mac_publish(n, idx, 0);
	e->state = DP_NEIGH_FAILED;
	e->probes = 0;
	e->backoff_tsc = RTE_MIN(n->params.retrans_tsc * 2, n->params.backoff_max_tsc);
	e->next_tsc = now + e->backoff_tsc;
	n->stats.failed++;
}

static const struct dp_iface *iface_find(const struct dp_iface *ifaces, unsigned n_ifaces,
					 uint16_t index)
{
	unsigned i;

	if (index < n_ifaces && ifaces[index].index == index)
		return &ifaces[index];
	for (i = 0; i < n_ifaces; i++)
		if (ifaces[i].index == index)
			return &ifaces[i];
	return NULL;
}

/* Ages and probes `slots` entries from n->tick_cursor on (wrapping). */
static unsigned tick_slots(struct dp_neigh *n, const struct dp_iface *ifaces, unsigned n_ifaces,
			   struct rte_mempool *mp, uint64_t now_tsc, struct rte_mbuf **out,
			   unsigned max, uint32_t slots)
{
	const struct dp_neigh_params *pr = &n->params;
	unsigned count = 0;

	if (now_tsc > n->now_tsc)
		n->now_tsc = now_tsc;
	now_tsc = n->now_tsc;

	for (uint32_t k = 0; k < slots; k++) {
		uint32_t i = n->tick_cursor;
		struct dp_neigh_entry *e = &n->entries[i];
		const struct dp_iface *ifc;
		struct rte_mbuf *m;
		bool unicast = false;

		n->tick_cursor = i + 1 >= n->n_slots ? 0 : i + 1;

		if (!e->used)
			continue;
		/* Age confirmed entries; unreferenced ones are not probed. */
		if (e->state == DP_NEIGH_REACHABLE && now_tsc - e->updated_tsc >= pr->reachable_tsc &&
		    now_tsc > e->updated_tsc)
			e->state = DP_NEIGH_STALE;
		if (e->refcnt == 0)
			continue;
		if (e->state == DP_NEIGH_STALE) {
			e->state = DP_NEIGH_PROBE;
			e->probes = 0;
			e->next_tsc = now_tsc;
		}
		if (e->state == DP_NEIGH_REACHABLE || now_tsc < e->next_tsc)
			continue;
		if ((e->state == DP_NEIGH_INCOMPLETE || e->state == DP_NEIGH_PROBE) &&
		    e->probes >= pr->max_probes) {
			entry_fail(n, i, now_tsc);
			continue;
		}
		if (count == max)
			continue;	/* due: next call */
		ifc = iface_find(ifaces, n_ifaces, e->iface);
		if (!ifc)
			continue;
		/* A known MAC is asked directly first (RFC 4861 7.3.3). */
		if (e->state == DP_NEIGH_PROBE && e->probes == 0)
			unicast = true;
		m = e->ip.family == 4 ? arp_probe(n, ifc, mp, e, unicast) :
					ns_probe(n, ifc, mp, e, unicast);
		if (!m)
			continue;
		out[count++] = m;
		if (e->state == DP_NEIGH_FAILED) {
			e->backoff_tsc = RTE_MIN(e->backoff_tsc * 2, pr->backoff_max_tsc);
			e->next_tsc = now_tsc + e->backoff_tsc;
		} else {
			e->probes++;
			e->next_tsc = now_tsc + pr->retrans_tsc;
		}
	}
	return count;
}

unsigned dp_neigh_tick(struct dp_neigh *n, const struct dp_iface *ifaces, unsigned n_ifaces,
		       struct rte_mempool *mp, uint64_t now_tsc, struct rte_mbuf **out,
		       unsigned max)
{
	n->tick_cursor = 0;
	return tick_slots(n, ifaces, n_ifaces, mp, now_tsc, out, max, n->n_slots);
}

unsigned dp_neigh_tick_step(struct dp_neigh *n, const struct dp_iface *ifaces, unsigned n_ifaces,
			    struct rte_mempool *mp, uint64_t now_tsc, struct rte_mbuf **out,
			    unsigned max, unsigned steps)
{
	uint32_t slots = steps > 1 ? (n->n_slots + steps - 1) / steps : n->n_slots;

	return tick_slots(n, ifaces, n_ifaces, mp, now_tsc, out, max, slots);
}

static unsigned mcast_add(struct rte_ether_addr *out, unsigned k, unsigned max,
			  const uint8_t *mac)
{
	unsigned i;

	for (i = 0; i < k; i++)
		if (memcmp(out[i].addr_bytes, mac, RTE_ETHER_ADDR_LEN) == 0)
			return k;
	if (k < max)
		memcpy(out[k++].addr_bytes, mac, RTE_ETHER_ADDR_LEN);
	return k;
}

unsigned dp_neigh_mcast_macs(const struct dp_iface *ifc, struct rte_ether_addr *out, unsigned max)
{
	static const uint8_t all_nodes[RTE_ETHER_ADDR_LEN] = { 0x33, 0x33, 0, 0, 0, 1 };
	const struct mr_ip *a[2] = { &ifc->addr6, &ifc->addr6_ll };
	unsigned k = 0, i;

	if (ifc->addr6.family != 6 && ifc->addr6_ll.family != 6)
		return 0;
	k = mcast_add(out, k, max, all_nodes);
	for (i = 0; i < 2; i++) {
		uint8_t mac[RTE_ETHER_ADDR_LEN] = { 0x33, 0x33, 0xff };

		if (a[i]->family != 6)
			continue;
		memcpy(mac + 3, a[i]->addr + 13, 3);
		k = mcast_add(out, k, max, mac);
	}
	/* The solicited-node groups of the other addresses (as many as fit:
	 * the port runs all-multicast where it can anyway). */
	for (i = 0; i < ifc->n_addrs6; i++) {
		uint8_t mac[RTE_ETHER_ADDR_LEN] = { 0x33, 0x33, 0xff };

		memcpy(mac + 3, ifc->addrs6[i] + 13, 3);
		k = mcast_add(out, k, max, mac);
	}
	return k;
}

/* ---- inspection -------------------------------------------------------- */

static const char *const state_names[DP_NEIGH__STATES] = {
	[DP_NEIGH_INCOMPLETE] = "incomplete",
	[DP_NEIGH_REACHABLE] = "reachable",
	[DP_NEIGH_STALE] = "stale",
	[DP_NEIGH_PROBE] = "probe",
	[DP_NEIGH_FAILED] = "failed",
};

const char *dp_neigh_state_name(unsigned state)
{
	return state < DP_NEIGH__STATES ? state_names[state] : "?";
}

unsigned dp_neigh_count(const struct dp_neigh *n)
{
	return n->n_used;
}

int dp_neigh_next(const struct dp_neigh *n, uint32_t *cursor, uint64_t now_tsc,
		  struct dp_neigh_info *out)
{
	uint32_t i;

	for (i = *cursor; i < n->n_slots; i++) {
		const struct dp_neigh_entry *e = &n->entries[i];
		uint64_t w;

		if (!e->used)
			continue;
		w = __atomic_load_n(&n->mac[i], __ATOMIC_ACQUIRE);
		memset(out, 0, sizeof(*out));
		out->idx = i;
		out->iface = e->iface;
		out->state = e->state;
		out->mac_valid = !!(w & DP_NEIGH_MAC_VALID);
		out->ip = e->ip;
		out->mac = e->mac;
		out->refcnt = e->refcnt;
		out->age_ms = now_tsc > e->updated_tsc ?
			(now_tsc - e->updated_tsc) / RTE_MAX(rte_get_tsc_hz() / 1000, UINT64_C(1)) : 0;
		*cursor = i + 1;
		return 0;
	}
	*cursor = n->n_slots;
	return -ENOENT;
}

unsigned dp_neigh_dump(const struct dp_neigh *n, uint64_t now_tsc, struct dp_neigh_info *out,
		       unsigned max)
{
	uint32_t cursor = 0;
	unsigned k = 0;

	while (k < max && dp_neigh_next(n, &cursor, now_tsc, &out[k]) == 0)
		k++;
	return k;
}

int dp_neigh_telemetry(const struct dp_neigh *n, uint64_t now_tsc, struct rte_tel_data *d)
{
	const struct dp_neigh_stats *s = &n->stats;
	struct rte_tel_data *arr;
	struct dp_neigh_info info;
	uint32_t cursor = 0;
	unsigned k = 0;
	bool truncated = false;

	arr = rte_tel_data_alloc();
	if (!arr)
		return -ENOMEM;
	rte_tel_data_start_array(arr, RTE_TEL_STRING_VAL);
	while (dp_neigh_next(n, &cursor, now_tsc, &info) == 0) {
		char line[RTE_TEL_MAX_STRING_LEN], ip[MR_IP_STRLEN], mac[RTE_ETHER_ADDR_FMT_SIZE];

		if (k == RTE_TEL_MAX_ARRAY_ENTRIES) {
			truncated = true;
			break;
		}
		mr_ip_format(&info.ip, ip, sizeof(ip));
		rte_ether_format_addr(mac, sizeof(mac), &info.mac);
		snprintf(line, sizeof(line), "%u %s %s %s %" PRIu64 " %u", info.iface, ip,
			 info.mac_valid ? mac : "-", dp_neigh_state_name(info.state),
			 info.age_ms, info.refcnt);
		rte_tel_data_add_array_string(arr, line);
		k++;
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "capacity", n->capacity);
	rte_tel_data_add_dict_u64(d, "count", n->n_used);
	rte_tel_data_add_dict_u64(d, "arp_replies", s->arp_replies);
	rte_tel_data_add_dict_u64(d, "arp_requests", s->arp_requests);
	rte_tel_data_add_dict_u64(d, "ns_sent", s->ns_sent);
	rte_tel_data_add_dict_u64(d, "na_sent", s->na_sent);
	rte_tel_data_add_dict_u64(d, "echo4_replies", s->echo4_replies);
	rte_tel_data_add_dict_u64(d, "echo6_replies", s->echo6_replies);
	rte_tel_data_add_dict_u64(d, "learned", s->learned);
	rte_tel_data_add_dict_u64(d, "confirmed", s->confirmed);
	rte_tel_data_add_dict_u64(d, "failed", s->failed);
	rte_tel_data_add_dict_u64(d, "evicted", s->evicted);
	rte_tel_data_add_dict_u64(d, "conflicts", s->conflicts);
	rte_tel_data_add_dict_u64(d, "no_mbuf", s->no_mbuf);
	rte_tel_data_add_dict_u64(d, "truncated", truncated);
	rte_tel_data_add_dict_container(d, "entries", arr, 0);
	return 0;
}
