/* SPDX-License-Identifier: BSD-3-Clause */
/* Egress headers of a relayed packet: the wire contract of the dataplane. */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "rewrite.h"
#include "rtp/rtp.h"

void dp_rewrite_rtp(uint8_t *pl, uint16_t len, const struct dp_flow_action *a)
{
	uint32_t v32;
	uint16_t v16;

	if (!(a->flags & MR_FLOW_F_REWRITE_SSRC) || len < 8 || (pl[0] >> 6) != MR_RTP_VERSION)
		return;
	if (mr_rtp_is_rtcp(pl, len)) {
		memcpy(pl + 4, &a->ssrc_out, 4);
		return;
	}
	if (len < MR_RTP_HDR_MIN)
		return;
	memcpy(&v16, pl + 2, 2);
	v16 = rte_cpu_to_be_16((uint16_t)(rte_be_to_cpu_16(v16) + a->seq_delta));
	memcpy(pl + 2, &v16, 2);
	memcpy(&v32, pl + 4, 4);
	v32 = rte_cpu_to_be_32(rte_be_to_cpu_32(v32) + a->ts_delta);
	memcpy(pl + 4, &v32, 4);
	memcpy(pl + 8, &a->ssrc_out, 4);
}

/* The UDP checksum from the payload's sum kept by the parser (never 0). */
static inline uint16_t udp_cksum(const struct dp_pkt *p, const struct rte_udp_hdr *uh, uint16_t phdr)
{
	uint32_t sum = (uint32_t)p->payload_sum + rte_raw_cksum(uh, sizeof(*uh)) + phdr;
	uint16_t c = (uint16_t)~__rte_raw_cksum_reduce(sum);

	return c == 0 ? 0xffff : c;
}

int dp_rewrite(struct rte_mbuf *m, const struct dp_pkt *p, const struct dp_flow_action *a,
	       const struct rte_ether_addr *dst_mac, const struct rte_ether_addr *src_mac,
	       uint8_t ttl, uint64_t tx_offloads)
{
	/* The payload is what the parser summed unless the SSRC rewrite changed it. */
	bool fast = p->has_sum && !(a->flags & MR_FLOW_F_REWRITE_SSRC);
	uint16_t l2 = (uint16_t)(sizeof(struct rte_ether_hdr) + (a->out_vlan ? sizeof(struct rte_vlan_hdr) : 0));
	uint16_t l3 = a->out_family == 4 ? sizeof(struct rte_ipv4_hdr) : sizeof(struct rte_ipv6_hdr);
	uint16_t hdr = (uint16_t)(l2 + l3 + sizeof(struct rte_udp_hdr));
	uint16_t udp_len = (uint16_t)(p->payload_len + sizeof(struct rte_udp_hdr));
	uint32_t want = (uint32_t)p->payload_off + p->payload_len;
	struct rte_ether_hdr *eh;
	struct rte_udp_hdr *uh;
	uint8_t *b;

	if (m->pkt_len > want)
		rte_pktmbuf_trim(m, (uint16_t)(m->pkt_len - want));
	if (hdr > p->payload_off) {
		if (rte_pktmbuf_prepend(m, (uint16_t)(hdr - p->payload_off)) == NULL)
			return -ENOSPC;
	} else if (hdr < p->payload_off) {
		rte_pktmbuf_adj(m, (uint16_t)(p->payload_off - hdr));
	}
	b = rte_pktmbuf_mtod(m, uint8_t *);
	eh = (struct rte_ether_hdr *)b;
	rte_ether_addr_copy(dst_mac, &eh->dst_addr);
	rte_ether_addr_copy(src_mac, &eh->src_addr);
	if (a->out_vlan) {
		struct rte_vlan_hdr *vh = (struct rte_vlan_hdr *)(eh + 1);

		eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
		vh->vlan_tci = rte_cpu_to_be_16(a->out_vlan);
		vh->eth_proto = rte_cpu_to_be_16(a->out_family == 4 ? RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6);
	} else {
		eh->ether_type = rte_cpu_to_be_16(a->out_family == 4 ? RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6);
	}
	uh = (struct rte_udp_hdr *)(b + l2 + l3);
	uh->src_port = a->out_sport;
	uh->dst_port = a->out_dport;
	uh->dgram_len = rte_cpu_to_be_16(udp_len);
	uh->dgram_cksum = 0;
	m->ol_flags &= RTE_MBUF_F_EXTERNAL | RTE_MBUF_F_INDIRECT;
	m->l2_len = l2;
	m->l3_len = l3;
	m->l4_len = sizeof(struct rte_udp_hdr);

	if (a->out_family == 4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(b + l2);

		ip->version_ihl = RTE_IPV4_VHL_DEF;
		ip->type_of_service = p->tos;
		ip->total_length = rte_cpu_to_be_16((uint16_t)(l3 + udp_len));
		ip->packet_id = 0;
		ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
		ip->time_to_live = ttl;
		ip->next_proto_id = IPPROTO_UDP;
		ip->hdr_checksum = 0;
		memcpy(&ip->src_addr, a->out_src, 4);
		memcpy(&ip->dst_addr, a->out_dst, 4);
		m->ol_flags |= RTE_MBUF_F_TX_IPV4;
		if (tx_offloads & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM)
			m->ol_flags |= RTE_MBUF_F_TX_IP_CKSUM;
		else
			ip->hdr_checksum = rte_ipv4_cksum(ip);
		if (tx_offloads & RTE_ETH_TX_OFFLOAD_UDP_CKSUM) {
			m->ol_flags |= RTE_MBUF_F_TX_UDP_CKSUM;
			uh->dgram_cksum = rte_ipv4_phdr_cksum(ip, m->ol_flags);
		} else {
			uh->dgram_cksum = fast ? udp_cksum(p, uh, rte_ipv4_phdr_cksum(ip, 0))
					       : rte_ipv4_udptcp_cksum_mbuf(m, ip, (uint16_t)(l2 + l3));
		}
	} else {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(b + l2);

		ip->vtc_flow = rte_cpu_to_be_32((6u << 28) | ((uint32_t)p->tos << 20));
		ip->payload_len = rte_cpu_to_be_16(udp_len);
		ip->proto = IPPROTO_UDP;
		ip->hop_limits = ttl;
		memcpy(ip->src_addr, a->out_src, 16);
		memcpy(ip->dst_addr, a->out_dst, 16);
		m->ol_flags |= RTE_MBUF_F_TX_IPV6;
		if (tx_offloads & RTE_ETH_TX_OFFLOAD_UDP_CKSUM) {
			m->ol_flags |= RTE_MBUF_F_TX_UDP_CKSUM;
			uh->dgram_cksum = rte_ipv6_phdr_cksum(ip, m->ol_flags);
		} else {
			uh->dgram_cksum = fast ? udp_cksum(p, uh, rte_ipv6_phdr_cksum(ip, 0))
					       : rte_ipv6_udptcp_cksum_mbuf(m, ip, (uint16_t)(l2 + l3));
		}
	}
	return 0;
}
