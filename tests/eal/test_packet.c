/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the classifier (parse.c) and the egress rewrite (rewrite.c)
 * on real mbufs from a mempool, under an EAL started with --no-huge.
 * Frames are built by code here; the byte-exact end-to-end vectors are
 * scripts/dpvectors.py's (test_relay.py).
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "drop.h"
#include "parse.h"
#include "rewrite.h"

static struct rte_mempool *pool;
static struct dp_iface ifaces[2];

static const uint8_t our_mac[6] = { 2, 0, 0, 0, 0, 1 };
static const uint8_t peer_mac[6] = { 2, 0xaa, 0, 0, 0, 0x50 };
static const uint8_t a4[4] = { 198, 18, 0, 1 }, p4[4] = { 198, 18, 0, 50 };
static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0xa, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t p6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0xa, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x50 };

/* ---- frame builder ---- */

struct frame {
	uint8_t b[512];
	size_t len;
};

static void put(struct frame *f, const void *p, size_t n)
{
	memcpy(f->b + f->len, p, n);
	f->len += n;
}

static void put16(struct frame *f, uint16_t v)
{
	v = rte_cpu_to_be_16(v);
	put(f, &v, 2);
}

static void l2(struct frame *f, uint16_t vlan, uint16_t et)
{
	f->len = 0;
	put(f, our_mac, 6);
	put(f, peer_mac, 6);
	if (vlan) {
		put16(f, RTE_ETHER_TYPE_VLAN);
		put16(f, vlan);
	}
	put16(f, et);
}

static size_t rtp_payload(uint8_t *p, uint16_t seq, uint32_t ts, uint32_t ssrc, size_t n)
{
	p[0] = 0x80;
	p[1] = 0;
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	for (int i = 0; i < 4; i++) {
		p[4 + i] = (uint8_t)(ts >> (24 - 8 * i));
		p[8 + i] = (uint8_t)(ssrc >> (24 - 8 * i));
	}
	memset(p + 12, 0xd5, n);
	return 12 + n;
}

/* An IPv4 UDP frame to a4:dport; tweak fields afterwards with the offsets. */
static void udp4(struct frame *f, uint16_t vlan, uint16_t dport, uint8_t tos, size_t n)
{
	uint8_t pl[256];
	size_t plen = rtp_payload(pl, 1000, 160000, 0xabcdef01, n);
	struct rte_ipv4_hdr ip = {
		.version_ihl = RTE_IPV4_VHL_DEF,
		.type_of_service = tos,
		.total_length = rte_cpu_to_be_16((uint16_t)(20 + 8 + plen)),
		.packet_id = rte_cpu_to_be_16(77),
		.time_to_live = 9,
		.next_proto_id = IPPROTO_UDP,
	};
	struct rte_udp_hdr uh = {
		.src_port = rte_cpu_to_be_16(5000),
		.dst_port = rte_cpu_to_be_16(dport),
		.dgram_len = rte_cpu_to_be_16((uint16_t)(8 + plen)),
	};
	size_t ip_off;

	memcpy(&ip.src_addr, p4, 4);
	memcpy(&ip.dst_addr, a4, 4);
	ip.hdr_checksum = rte_ipv4_cksum(&ip);
	l2(f, vlan, RTE_ETHER_TYPE_IPV4);
	ip_off = f->len;
	put(f, &ip, sizeof(ip));
	put(f, &uh, sizeof(uh));
	put(f, pl, plen);
	uh.dgram_cksum = rte_ipv4_udptcp_cksum((const void *)(f->b + ip_off), f->b + ip_off + 20);
	memcpy(f->b + ip_off + 20, &uh, sizeof(uh));
}

static void udp6(struct frame *f, uint16_t dport, uint8_t tc, size_t n)
{
	uint8_t pl[256];
	size_t plen = rtp_payload(pl, 7, 70, 0x12345678, n);
	struct rte_ipv6_hdr ip = {
		.vtc_flow = rte_cpu_to_be_32(6u << 28 | (uint32_t)tc << 20 | 0xbeef),
		.payload_len = rte_cpu_to_be_16((uint16_t)(8 + plen)),
		.proto = IPPROTO_UDP,
		.hop_limits = 3,
	};
	struct rte_udp_hdr uh = {
		.src_port = rte_cpu_to_be_16(5004),
		.dst_port = rte_cpu_to_be_16(dport),
		.dgram_len = rte_cpu_to_be_16((uint16_t)(8 + plen)),
	};
	size_t ip_off;

	memcpy(ip.src_addr, p6, 16);
	memcpy(ip.dst_addr, a6, 16);
	l2(f, 0, RTE_ETHER_TYPE_IPV6);
	ip_off = f->len;
	put(f, &ip, sizeof(ip));
	put(f, &uh, sizeof(uh));
	put(f, pl, plen);
	uh.dgram_cksum = rte_ipv6_udptcp_cksum((const void *)(f->b + ip_off), f->b + ip_off + 40);
	memcpy(f->b + ip_off + 40, &uh, sizeof(uh));
}

static struct rte_mbuf *mbuf_of(const struct frame *f, uint16_t port)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_nonnull(rte_pktmbuf_append(m, (uint16_t)f->len));
	memcpy(rte_pktmbuf_mtod(m, void *), f->b, f->len);
	m->port = port;
	return m;
}

/* Parse f and expect a drop for reason why. */
static void expect_drop(const struct frame *f, enum dp_drop why)
{
	struct rte_mbuf *m = mbuf_of(f, 0);
	struct dp_pkt p;
	enum dp_verdict v = dp_parse(m, ifaces, 2, &p);

	ck_assert_int_eq(v, DP_V_DROP);
	ck_assert_msg(p.drop == why, "dropped as %s, expected %s", dp_drop_names[p.drop],
		      dp_drop_names[why]);
	rte_pktmbuf_free(m);
}

static void refresh_ip4_csum(struct frame *f, size_t ip_off)
{
	struct rte_ipv4_hdr *ip = (void *)(f->b + ip_off);

	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

/* ---- parse ---- */

START_TEST(parse_udp4)
{
	struct frame f;
	struct rte_mbuf *m;
	struct dp_pkt p;

	udp4(&f, 0, 30000, 0xb8, 160);
	f.len += 6;	/* Ethernet padding after the datagram */
	m = mbuf_of(&f, 0);
	ck_assert_int_eq(dp_parse(m, ifaces, 2, &p), DP_V_UDP);
	ck_assert_uint_eq(p.key.iface, 0);
	ck_assert_uint_eq(p.key.family, 4);
	ck_assert_uint_eq(p.key.port, 30000);
	ck_assert_mem_eq(p.key.addr, a4, 4);
	ck_assert_uint_eq(p.key.addr[4], 0);
	ck_assert_uint_eq(p.tos, 0xb8);
	ck_assert_uint_eq(p.l4_off, 34);
	ck_assert_uint_eq(p.payload_off, 42);
	ck_assert_uint_eq(p.payload_len, 172);
	ck_assert_uint_eq(rte_be_to_cpu_16(p.sport), 5000);
	ck_assert_mem_eq(rte_pktmbuf_mtod(m, uint8_t *) + p.src_off, p4, 4);
	rte_pktmbuf_free(m);
}
END_TEST

START_TEST(parse_vlan_and_v6)
{
	struct frame f;
	struct rte_mbuf *m;
	struct dp_pkt p;

	udp4(&f, 20, 40000, 0, 20);
	m = mbuf_of(&f, 0);
	ck_assert_int_eq(dp_parse(m, ifaces, 2, &p), DP_V_DROP);	/* 198.18.0.1 is not b's */
	ck_assert_uint_eq(p.drop, DP_DROP_NOT_OURS);
	rte_pktmbuf_free(m);

	udp6(&f, 30004, 0x2e, 160);
	m = mbuf_of(&f, 0);
	ck_assert_int_eq(dp_parse(m, ifaces, 2, &p), DP_V_UDP);
	ck_assert_uint_eq(p.key.family, 6);
	ck_assert_uint_eq(p.key.port, 30004);
	ck_assert_mem_eq(p.key.addr, a6, 16);
	ck_assert_uint_eq(p.tos, 0x2e);
	ck_assert_uint_eq(p.payload_off, 62);
	rte_pktmbuf_free(m);

	udp4(&f, 99, 30000, 0, 20);
	expect_drop(&f, DP_DROP_VLAN);
}
END_TEST

START_TEST(parse_local)
{
	struct frame f;
	struct rte_mbuf *m;
	struct dp_pkt p;
	uint8_t icmp[8] = { 8, 0, 0, 0, 0, 1, 0, 1 };

	l2(&f, 0, RTE_ETHER_TYPE_ARP);
	memset(f.b + f.len, 0, 28);
	f.len += 28;
	m = mbuf_of(&f, 0);
	ck_assert_int_eq(dp_parse(m, ifaces, 2, &p), DP_V_LOCAL);
	rte_pktmbuf_free(m);

	udp4(&f, 0, 30000, 0, 0);
	f.b[14 + 9] = IPPROTO_ICMP;
	refresh_ip4_csum(&f, 14);
	memcpy(f.b + 34, icmp, sizeof(icmp));
	m = mbuf_of(&f, 0);
	ck_assert_int_eq(dp_parse(m, ifaces, 2, &p), DP_V_LOCAL);
	rte_pktmbuf_free(m);

	/* A neighbor solicitation to our solicited-node multicast address. */
	udp6(&f, 1, 0, 20);
	f.b[14 + 6] = 58;
	f.b[14 + 24] = 0xff;
	f.b[14 + 25] = 0x02;
	f.b[54] = 135;
	m = mbuf_of(&f, 0);
	ck_assert_int_eq(dp_parse(m, ifaces, 2, &p), DP_V_LOCAL);
	rte_pktmbuf_free(m);

	f.b[54] = 1;	/* destination unreachable: not answered */
	expect_drop(&f, DP_DROP_ICMP_OTHER);
}
END_TEST

START_TEST(parse_malformed)
{
	struct frame f, g;

	udp4(&g, 0, 30000, 0, 160);

	f = g;
	f.len = 13;
	expect_drop(&f, DP_DROP_ETH_SHORT);
	f = g;
	f.len = 14 + 19;
	expect_drop(&f, DP_DROP_IP4_SHORT);
	f = g;
	f.b[14] = 0x65;
	expect_drop(&f, DP_DROP_IP4_VERSION);
	f = g;
	f.b[14] = 0x44;
	expect_drop(&f, DP_DROP_IP4_IHL);
	f = g;
	f.len = 14 + 40;
	f.b[14] = 0x4f;
	expect_drop(&f, DP_DROP_IP4_IHL);
	f = g;
	f.b[16] = 0x01;	/* total length 256+ > frame */
	refresh_ip4_csum(&f, 14);
	expect_drop(&f, DP_DROP_IP4_LEN);
	f = g;
	f.len -= 1;	/* truncated datagram */
	expect_drop(&f, DP_DROP_IP4_LEN);
	f = g;
	f.b[24] ^= 1;
	expect_drop(&f, DP_DROP_IP4_CSUM);
	f = g;
	f.b[20] = 0x20;	/* MF */
	refresh_ip4_csum(&f, 14);
	expect_drop(&f, DP_DROP_IP4_FRAGMENT);
	f = g;
	f.b[21] = 0x01;	/* offset 8 */
	refresh_ip4_csum(&f, 14);
	expect_drop(&f, DP_DROP_IP4_FRAGMENT);
	f = g;
	f.b[33] = 2;	/* 198.18.0.2 */
	refresh_ip4_csum(&f, 14);
	expect_drop(&f, DP_DROP_NOT_OURS);
	f = g;
	f.b[23] = IPPROTO_TCP;
	refresh_ip4_csum(&f, 14);
	expect_drop(&f, DP_DROP_IP_PROTO);
	f = g;
	f.b[16] = 0;
	f.b[17] = 24;	/* 4 bytes of UDP */
	refresh_ip4_csum(&f, 14);
	f.len = 14 + 24;
	expect_drop(&f, DP_DROP_UDP_SHORT);
	f = g;
	f.b[39] -= 1;	/* UDP length */
	expect_drop(&f, DP_DROP_UDP_LEN);
	f = g;
	f.b[45] ^= 0xff;	/* payload byte: checksum no longer matches */
	expect_drop(&f, DP_DROP_UDP_CSUM);

	udp6(&g, 30004, 0, 160);
	f = g;
	f.len = 14 + 39;
	expect_drop(&f, DP_DROP_IP6_SHORT);
	f = g;
	f.b[14] = 0x40;
	expect_drop(&f, DP_DROP_IP6_VERSION);
	f = g;
	f.b[18] += 1;
	expect_drop(&f, DP_DROP_IP6_LEN);
	f = g;
	f.b[20] = 44;
	expect_drop(&f, DP_DROP_IP6_EXT);
	f = g;
	f.b[60] = f.b[61] = 0;	/* UDP checksum 0 is not allowed over IPv6 */
	expect_drop(&f, DP_DROP_UDP_CSUM);
	l2(&f, 0, 0x88cc);
	f.len = 60;
	expect_drop(&f, DP_DROP_ETHERTYPE);
}
END_TEST

/* ---- rewrite ---- */

static struct dp_flow_action action4(void)
{
	struct dp_flow_action a;
	const uint8_t src[4] = { 198, 19, 0, 1 }, dst[4] = { 198, 19, 0, 60 };

	memset(&a, 0, sizeof(a));
	a.out_family = 4;
	a.out_sport = rte_cpu_to_be_16(40000);
	a.out_dport = rte_cpu_to_be_16(6000);
	memcpy(a.out_src, src, 4);
	memcpy(a.out_dst, dst, 4);
	a.has_dst = 1;
	return a;
}

static struct dp_flow_action action6(void)
{
	struct dp_flow_action a;

	memset(&a, 0, sizeof(a));
	a.out_family = 6;
	a.out_sport = rte_cpu_to_be_16(30008);
	a.out_dport = rte_cpu_to_be_16(5008);
	memcpy(a.out_src, a6, 16);
	memcpy(a.out_dst, p6, 16);
	a.has_dst = 1;
	return a;
}

static const struct rte_ether_addr nh = { { 2, 0xbb, 0, 0, 0, 0x60 } };
static const struct rte_ether_addr me = { { 2, 0, 0, 0, 0, 1 } };

/* Parse, rewrite, and check the generic wire-contract invariants. */
static struct rte_mbuf *relay(const struct frame *f, const struct dp_flow_action *a, struct dp_pkt *p)
{
	struct rte_mbuf *m = mbuf_of(f, 0);

	ck_assert_int_eq(dp_parse(m, ifaces, 2, p), DP_V_UDP);
	dp_rewrite_rtp(rte_pktmbuf_mtod(m, uint8_t *) + p->payload_off, p->payload_len, a);
	ck_assert_int_eq(dp_rewrite(m, p, a, &nh, &me, 64, 0), 0);
	return m;
}

START_TEST(rewrite_v4_vlan)
{
	struct frame f;
	struct dp_flow_action a = action4();
	struct dp_pkt p;
	struct rte_mbuf *m;
	uint8_t *b;
	const struct rte_ipv4_hdr *ip;

	a.out_vlan = 20;
	udp4(&f, 0, 30000, 0xb8, 160);
	f.len += 8;	/* padding must not leave */
	m = relay(&f, &a, &p);
	b = rte_pktmbuf_mtod(m, uint8_t *);
	ck_assert_uint_eq(rte_pktmbuf_pkt_len(m), 14 + 4 + 20 + 8 + 172);
	ck_assert_mem_eq(b, nh.addr_bytes, 6);
	ck_assert_mem_eq(b + 6, me.addr_bytes, 6);
	ck_assert_uint_eq(b[12], 0x81);
	ck_assert_uint_eq(b[13], 0x00);
	ck_assert_uint_eq(b[14], 0);
	ck_assert_uint_eq(b[15], 20);
	ip = (const void *)(b + 18);
	ck_assert_uint_eq(ip->version_ihl, 0x45);
	ck_assert_uint_eq(ip->type_of_service, 0xb8);
	ck_assert_uint_eq(rte_be_to_cpu_16(ip->total_length), 200);
	ck_assert_uint_eq(ip->packet_id, 0);
	ck_assert_uint_eq(rte_be_to_cpu_16(ip->fragment_offset), 0x4000);
	ck_assert_uint_eq(ip->time_to_live, 64);
	ck_assert_uint_eq(rte_raw_cksum(ip, 20), 0xffff);
	ck_assert_int_eq(rte_ipv4_udptcp_cksum_verify(ip, b + 38), 0);
	ck_assert_uint_eq(b[38] << 8 | b[39], 40000);
	ck_assert_uint_eq(b[40] << 8 | b[41], 6000);
	ck_assert_uint_eq(b[46 + 8], 0xab);	/* SSRC untouched without the flag */
	rte_pktmbuf_free(m);
}
END_TEST

START_TEST(rewrite_family_change)
{
	struct frame f;
	struct dp_flow_action a = action6();
	struct dp_pkt p;
	struct rte_mbuf *m;
	uint8_t *b;

	/* v4 -> v6: 20 bytes more header, from the headroom. */
	udp4(&f, 0, 30006, 0xb9, 160);
	m = relay(&f, &a, &p);
	b = rte_pktmbuf_mtod(m, uint8_t *);
	ck_assert_uint_eq(rte_pktmbuf_pkt_len(m), 14 + 40 + 8 + 172);
	ck_assert_uint_eq(b[12] << 8 | b[13], RTE_ETHER_TYPE_IPV6);
	{
		uint32_t vtc;

		memcpy(&vtc, b + 14, 4);
		ck_assert_uint_eq(rte_be_to_cpu_32(vtc), 6u << 28 | 0xb9u << 20);
	}
	ck_assert_uint_eq(b[14 + 7], 64);
	ck_assert_int_eq(rte_ipv6_udptcp_cksum_verify((const void *)(b + 14), b + 54), 0);
	ck_assert_uint_eq(b[62], 0x80);	/* payload starts right after */
	rte_pktmbuf_free(m);

	/* v6 -> v4 */
	a = action4();
	udp6(&f, 30010, 0x88, 160);
	m = relay(&f, &a, &p);
	b = rte_pktmbuf_mtod(m, uint8_t *);
	ck_assert_uint_eq(rte_pktmbuf_pkt_len(m), 14 + 20 + 8 + 172);
	ck_assert_uint_eq(b[15], 0x88);
	ck_assert_uint_eq(rte_raw_cksum(b + 14, 20), 0xffff);
	ck_assert_int_eq(rte_ipv4_udptcp_cksum_verify((const void *)(b + 14), b + 34), 0);
	rte_pktmbuf_free(m);
}
END_TEST

START_TEST(rewrite_ssrc)
{
	struct frame f;
	struct dp_flow_action a = action4();
	struct dp_pkt p;
	struct rte_mbuf *m;
	uint8_t *pl;

	a.flags = MR_FLOW_F_REWRITE_SSRC;
	a.ssrc_out = rte_cpu_to_be_32(0x11223344);
	a.seq_delta = 65000;
	a.ts_delta = 0xfffff000;
	udp4(&f, 0, 30016, 0, 160);
	m = relay(&f, &a, &p);
	pl = rte_pktmbuf_mtod(m, uint8_t *) + 42;
	ck_assert_uint_eq(pl[2] << 8 | pl[3], (1000 + 65000) & 0xffff);
	ck_assert_uint_eq((uint32_t)pl[4] << 24 | pl[5] << 16 | pl[6] << 8 | pl[7],
			  (uint32_t)(160000u + 0xfffff000u));
	ck_assert_uint_eq((uint32_t)pl[8] << 24 | pl[9] << 16 | pl[10] << 8 | pl[11], 0x11223344);
	ck_assert_int_eq(rte_ipv4_udptcp_cksum_verify(rte_pktmbuf_mtod_offset(m, void *, 14), pl - 8), 0);
	rte_pktmbuf_free(m);

	/* RTCP: only the first SSRC (bytes 4..7). */
	{
		uint8_t rtcp[28] = { 0x80, 200, 0, 6, 0, 0, 0, 0xa7 };

		dp_rewrite_rtp(rtcp, sizeof(rtcp), &a);
		ck_assert_uint_eq(rtcp[4], 0x11);
		ck_assert_uint_eq(rtcp[7], 0x44);
		ck_assert_uint_eq(rtcp[2], 0);
	}
	/* Not RTP (version 0): untouched. */
	{
		uint8_t x[16] = { 0 };

		dp_rewrite_rtp(x, sizeof(x), &a);
		for (unsigned i = 0; i < sizeof(x); i++)
			ck_assert_uint_eq(x[i], 0);
	}
}
END_TEST

START_TEST(rewrite_no_headroom)
{
	struct frame f;
	struct dp_flow_action a = action6();
	struct dp_pkt p;
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

	udp4(&f, 0, 30006, 0, 20);
	m->data_off = 0;	/* no room in front for the larger IPv6 header */
	ck_assert_ptr_nonnull(rte_pktmbuf_append(m, (uint16_t)f.len));
	memcpy(rte_pktmbuf_mtod(m, void *), f.b, f.len);
	m->port = 0;
	ck_assert_int_eq(dp_parse(m, ifaces, 2, &p), DP_V_UDP);
	ck_assert_int_eq(dp_rewrite(m, &p, &a, &nh, &me, 64, 0), -ENOSPC);
	rte_pktmbuf_free(m);
}
END_TEST

/*
 * Mutated frames (bytes flipped, lengths cut or padded, tags inserted) never
 * crash the classifier or the rewrite, and every verdict is one of three
 * with a valid drop reason. Deterministic (fixed seed); ASan checks bounds.
 */
START_TEST(parse_mutations)
{
	struct dp_flow_action act4 = action4(), act6 = action6();
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	unsigned verdicts[3] = { 0 };

	for (unsigned i = 0; i < 200000; i++) {
		struct frame f;
		struct rte_mbuf *m;
		struct dp_pkt p;
		enum dp_verdict v;
		unsigned flips;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		if (seed >> 63)
			udp4(&f, (seed >> 40) & 1 ? 20 : 0, 30000, 0, (seed >> 8) & 0x7f);
		else
			udp6(&f, 30004, 0, (seed >> 8) & 0x7f);
		flips = (unsigned)(seed >> 20) & 3;
		for (unsigned k = 0; k < flips; k++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			f.b[(seed >> 33) % f.len] ^= (uint8_t)(1u << ((seed >> 29) & 7));
		}
		if ((seed >> 24) & 1)
			f.len = (size_t)((seed >> 40) % (f.len + 1));
		else if ((seed >> 25) & 1)
			f.len += (seed >> 45) & 31;	/* trailing bytes */
		m = mbuf_of(&f, 0);
		v = dp_parse(m, ifaces, 2, &p);
		ck_assert_int_le(v, DP_V_DROP);
		verdicts[v]++;
		if (v == DP_V_DROP)
			ck_assert_uint_lt(p.drop, DP_DROP__COUNT);
		if (v == DP_V_UDP) {
			const struct dp_flow_action *a = (seed >> 50) & 1 ? &act4 : &act6;

			ck_assert_uint_le((uint32_t)p.payload_off + p.payload_len, rte_pktmbuf_data_len(m));
			dp_rewrite_rtp(rte_pktmbuf_mtod(m, uint8_t *) + p.payload_off, p.payload_len, a);
			ck_assert_int_eq(dp_rewrite(m, &p, a, &nh, &me, 64, 0), 0);
		}
		rte_pktmbuf_free(m);
	}
	/* The mutations reach every verdict. */
	ck_assert_uint_gt(verdicts[DP_V_UDP], 1000);
	ck_assert_uint_gt(verdicts[DP_V_DROP], 1000);
}
END_TEST

static Suite *packet_suite(void)
{
	Suite *s = suite_create("packet");
	TCase *tp = tcase_create("parse");
	TCase *tr = tcase_create("rewrite");

	tcase_add_test(tp, parse_udp4);
	tcase_add_test(tp, parse_vlan_and_v6);
	tcase_add_test(tp, parse_local);
	tcase_add_test(tp, parse_malformed);
	tcase_add_test(tr, rewrite_v4_vlan);
	tcase_add_test(tr, rewrite_family_change);
	tcase_add_test(tr, rewrite_ssrc);
	tcase_add_test(tr, rewrite_no_headroom);
	tcase_add_test(tr, parse_mutations);
	suite_add_tcase(s, tp);
	suite_add_tcase(s, tr);
	return s;
}

int main(void)
{
	char prefix[64];
	char *eal[] = { "test_packet", "--no-huge", "--no-shconf", "--no-pci", "-m", "64",
			"--log-level=lib.eal:error", "-l", "0", "--file-prefix", prefix, NULL };
	SRunner *sr;
	int failed;

	snprintf(prefix, sizeof(prefix), "tpkt%d", (int)getpid());
	if (rte_eal_init((int)(sizeof(eal) / sizeof(eal[0])) - 1, eal) < 0) {
		printf("Bail out! EAL initialisation failed\n");
		return 1;
	}
	pool = rte_pktmbuf_pool_create("test_mbufs", 256, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (pool == NULL) {
		printf("Bail out! no mempool\n");
		return 1;
	}
	ifaces[0] = (struct dp_iface){ .index = 0, .port_id = 0, .vlan = 0 };
	ifaces[0].addr4.family = 4;
	memcpy(ifaces[0].addr4.addr, a4, 4);
	ifaces[0].addr6.family = 6;
	memcpy(ifaces[0].addr6.addr, a6, 16);
	ifaces[1] = (struct dp_iface){ .index = 1, .port_id = 0, .vlan = 20 };
	ifaces[1].addr4.family = 4;
	memcpy(ifaces[1].addr4.addr, (uint8_t[]){ 198, 19, 0, 1 }, 4);

	sr = srunner_create(packet_suite());
	srunner_set_fork_status(sr, CK_NOFORK);	/* one EAL, in this process */
	srunner_set_tap(sr, "-");
	srunner_run_all(sr, CK_SILENT);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	rte_mempool_free(pool);
	rte_eal_cleanup();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
