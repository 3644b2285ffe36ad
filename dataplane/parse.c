/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The classifier of the packet path: from a received frame to a flow key or
 * a counted drop reason. Runs once per packet on every worker: no loops over
 * the payload except the UDP checksum, no allocation.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "drop.h"
#include "iface.h"
#include "parse.h"

#define ICMP6_PROTO 58
#define ICMP6_ECHO_REQUEST 128
#define ICMP6_NDP_FIRST 133	/* router solicitation */
#define ICMP6_NDP_LAST 137	/* redirect */

static inline enum dp_verdict drop(struct dp_pkt *p, enum dp_drop why)
{
	p->drop = (uint8_t)why;
	return DP_V_DROP;
}

static inline const struct dp_iface *iface_find(const struct dp_iface *ifaces, unsigned n,
						uint16_t port, uint16_t vlan)
{
	for (unsigned i = 0; i < n; i++)
		if (ifaces[i].port_id == port && ifaces[i].vlan == vlan)
			return &ifaces[i];
	return NULL;
}

static inline bool is_ll_or_mcast6(const uint8_t *a, const struct dp_iface *ifc)
{
	if (a[0] == 0xff)
		return true;
	return ifc->addr6_ll.family == 6 && memcmp(a, ifc->addr6_ll.addr, 16) == 0;
}

/*
 * 0 when the UDP checksum verifies (or the port says so), -1 otherwise. The
 * payload's sum is kept in p: the egress checksum then only adds the new
 * headers to it instead of reading the payload a second time.
 */
static inline int udp_csum_check(const struct rte_mbuf *m, const void *l3, const uint8_t *l4,
				 uint32_t l4_len, bool v4, struct dp_pkt *p)
{
	const struct rte_udp_hdr *uh = (const void *)l4;
	uint64_t f = m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;
	uint32_t sum;

	p->has_sum = 0;
	if (f == RTE_MBUF_F_RX_L4_CKSUM_GOOD)
		return 0;
	if (f == RTE_MBUF_F_RX_L4_CKSUM_BAD)
		return -1;
	p->payload_sum = rte_raw_cksum(l4 + sizeof(*uh), l4_len - sizeof(*uh));
	p->has_sum = 1;
	if (uh->dgram_cksum == 0)
		return v4 ? 0 : -1;	/* absent: allowed in IPv4, never in IPv6 (RFC 8200 8.1) */
	sum = (uint32_t)p->payload_sum + rte_raw_cksum(uh, sizeof(*uh)) +
	      (v4 ? rte_ipv4_phdr_cksum(l3, 0) : rte_ipv6_phdr_cksum(l3, 0));
	return __rte_raw_cksum_reduce(sum) == 0xffff ? 0 : -1;
}

enum dp_verdict dp_parse(struct rte_mbuf *m, const struct dp_iface *ifaces, unsigned n_ifaces,
			 struct dp_pkt *p)
{
	const uint8_t *b = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m);	/* headers must be in the first segment */
	const struct dp_iface *ifc;
	uint16_t et, vlan = 0, off = sizeof(struct rte_ether_hdr);
	uint32_t l3_len, l4_len;

	if (m->pkt_len < len)
		len = m->pkt_len;
	if (len < sizeof(struct rte_ether_hdr))
		return drop(p, DP_DROP_ETH_SHORT);
	et = rte_be_to_cpu_16(((const struct rte_ether_hdr *)b)->ether_type);
	if (et == RTE_ETHER_TYPE_VLAN) {
		if (len < off + sizeof(struct rte_vlan_hdr))
			return drop(p, DP_DROP_ETH_SHORT);
		const struct rte_vlan_hdr *vh = (const void *)(b + off);

		vlan = rte_be_to_cpu_16(vh->vlan_tci) & 0xfff;
		et = rte_be_to_cpu_16(vh->eth_proto);
		off += sizeof(struct rte_vlan_hdr);
		if (et == RTE_ETHER_TYPE_VLAN || et == RTE_ETHER_TYPE_QINQ)
			return drop(p, DP_DROP_VLAN);
	} else if (et == RTE_ETHER_TYPE_QINQ) {
		return drop(p, DP_DROP_VLAN);
	}
	ifc = iface_find(ifaces, n_ifaces, m->port, vlan);
	if (ifc == NULL)
		return drop(p, DP_DROP_VLAN);
	p->iface = (uint8_t)ifc->index;
	p->l3_off = off;
	l3_len = len - off;

	if (et == RTE_ETHER_TYPE_ARP)
		return DP_V_LOCAL;

	if (et == RTE_ETHER_TYPE_IPV4) {
		const struct rte_ipv4_hdr *ip = (const void *)(b + off);
		uint32_t tot, ihl;
		uint64_t f;

		if (l3_len < sizeof(*ip))
			return drop(p, DP_DROP_IP4_SHORT);
		if ((ip->version_ihl >> 4) != 4)
			return drop(p, DP_DROP_IP4_VERSION);
		ihl = (uint32_t)(ip->version_ihl & 0xf) * 4;
		if (ihl < sizeof(*ip) || ihl > l3_len)
			return drop(p, DP_DROP_IP4_IHL);
		tot = rte_be_to_cpu_16(ip->total_length);
		if (tot < ihl || tot > l3_len)
			return drop(p, DP_DROP_IP4_LEN);
		f = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;
		if (f == RTE_MBUF_F_RX_IP_CKSUM_BAD ||
		    (f != RTE_MBUF_F_RX_IP_CKSUM_GOOD && rte_raw_cksum(ip, ihl) != 0xffff))
			return drop(p, DP_DROP_IP4_CSUM);
		if (ihl != sizeof(*ip))
			return drop(p, DP_DROP_IP4_OPTIONS);
		if (rte_be_to_cpu_16(ip->fragment_offset) & (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))
			return drop(p, DP_DROP_IP4_FRAGMENT);
		if (!dp_iface_has4(ifc, (const uint8_t *)&ip->dst_addr)) {
			/* ICMP to a broadcast or another host is not ours either. */
			return drop(p, DP_DROP_NOT_OURS);
		}
		if (ip->next_proto_id == IPPROTO_ICMP)
			return DP_V_LOCAL;
		if (ip->next_proto_id != IPPROTO_UDP)
			return drop(p, DP_DROP_IP_PROTO);
		l4_len = tot - ihl;
		p->l4_off = (uint16_t)(off + ihl);
		p->family = 4;
		p->tos = ip->type_of_service;
		p->src_off = (uint16_t)(off + offsetof(struct rte_ipv4_hdr, src_addr));
		if (l4_len < sizeof(struct rte_udp_hdr))
			return drop(p, DP_DROP_UDP_SHORT);
		const struct rte_udp_hdr *uh = (const void *)(b + p->l4_off);

		if (rte_be_to_cpu_16(uh->dgram_len) != l4_len)
			return drop(p, DP_DROP_UDP_LEN);
		if (udp_csum_check(m, ip, b + p->l4_off, l4_len, true, p))
			return drop(p, DP_DROP_UDP_CSUM);
		memset(&p->key, 0, sizeof(p->key));
		memcpy(p->key.addr, &ip->dst_addr, 4);
		p->key.family = 4;
		p->sport = uh->src_port;
		p->key.port = rte_be_to_cpu_16(uh->dst_port);
	} else if (et == RTE_ETHER_TYPE_IPV6) {
		const struct rte_ipv6_hdr *ip = (const void *)(b + off);
		uint32_t plen;

		if (l3_len < sizeof(*ip))
			return drop(p, DP_DROP_IP6_SHORT);
		if ((rte_be_to_cpu_32(ip->vtc_flow) >> 28) != 6)
			return drop(p, DP_DROP_IP6_VERSION);
		plen = rte_be_to_cpu_16(ip->payload_len);
		if (plen > l3_len - sizeof(*ip))
			return drop(p, DP_DROP_IP6_LEN);
		if (ip->proto == ICMP6_PROTO) {
			/* NDP goes to link-local and multicast addresses as well. */
			if (ifc->addr6.family == 6 &&
			    (dp_iface_has6(ifc, ip->dst_addr) || is_ll_or_mcast6(ip->dst_addr, ifc))) {
				if (plen < 1)
					return drop(p, DP_DROP_ICMP);
				uint8_t type = b[off + sizeof(*ip)];

				if (type == ICMP6_ECHO_REQUEST ||
				    (type >= ICMP6_NDP_FIRST && type <= ICMP6_NDP_LAST))
					return DP_V_LOCAL;
				return drop(p, DP_DROP_ICMP_OTHER);
			}
			return drop(p, DP_DROP_NOT_OURS);
		}
		if (!dp_iface_has6(ifc, ip->dst_addr))
			return drop(p, DP_DROP_NOT_OURS);
		if (ip->proto != IPPROTO_UDP) {
			switch (ip->proto) {
			case 0: case 43: case 44: case 50: case 51: case 60: case 135: case 139:
			case 140: case 253: case 254:
				return drop(p, DP_DROP_IP6_EXT);
			default:
				return drop(p, DP_DROP_IP_PROTO);
			}
		}
		l4_len = plen;
		p->l4_off = (uint16_t)(off + sizeof(*ip));
		p->family = 6;
		p->tos = (uint8_t)(rte_be_to_cpu_32(ip->vtc_flow) >> 20);
		p->src_off = (uint16_t)(off + offsetof(struct rte_ipv6_hdr, src_addr));
		if (l4_len < sizeof(struct rte_udp_hdr))
			return drop(p, DP_DROP_UDP_SHORT);
		const struct rte_udp_hdr *uh = (const void *)(b + p->l4_off);

		if (rte_be_to_cpu_16(uh->dgram_len) != l4_len)
			return drop(p, DP_DROP_UDP_LEN);
		if (udp_csum_check(m, ip, b + p->l4_off, l4_len, false, p))
			return drop(p, DP_DROP_UDP_CSUM);
		memset(&p->key, 0, sizeof(p->key));
		memcpy(p->key.addr, ip->dst_addr, 16);
		p->key.family = 6;
		p->sport = uh->src_port;
		p->key.port = rte_be_to_cpu_16(uh->dst_port);
	} else {
		return drop(p, DP_DROP_ETHERTYPE);
	}
	p->key.iface = ifc->index;
	p->key.vlan = vlan;
	p->payload_off = (uint16_t)(p->l4_off + sizeof(struct rte_udp_hdr));
	p->payload_len = (uint16_t)(l4_len - sizeof(struct rte_udp_hdr));
	return DP_V_UDP;
}
