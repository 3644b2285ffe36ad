/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dataplane/neigh.c under EAL (--no-huge --in-memory): replies compared byte
 * for byte with the pcaps scripts/gen-vectors.py writes (argv[1] = their
 * folder), negative cases built here by code with their drop counters,
 * resolution, probing and learning. Checksums of every reply are verified
 * with this file's own RFC 1071 sum, not the code under test's.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <check.h>
#include <pcap/pcap.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_telemetry.h>

#include "drop-t.h"
#include "neigh.h"

static const char *vec_dir;
static struct rte_mempool *mp;
static struct dp_iface ifs[2];
static uint64_t drops[DP_DROP__COUNT];

/* The topology scripts/gen-vectors.py (set "neigh") assumes. */
static const uint8_t US_MAC[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t PEER_MAC[6] = { 0x02, 0, 0, 0, 0, 0xaa };
static const uint8_t OTHER_MAC[6] = { 0x02, 0, 0, 0, 0, 0xbb };
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
#define VLAN 100

static struct mr_ip ipa(const char *s)
{
	struct mr_ip ip;

	ck_assert_int_eq(mr_ip_parse(s, &ip), 0);
	return ip;
}

static void topology(void)
{
	memset(ifs, 0, sizeof(ifs));
	ifs[0].index = 0;
	ifs[0].port_id = 0;
	memcpy(ifs[0].mac.addr_bytes, US_MAC, 6);
	ifs[0].addr4 = ipa("198.18.0.1");
	ifs[0].prefix4 = 24;
	ifs[0].addr6 = ipa("2001:db8:0:1::1");
	ifs[0].prefix6 = 64;
	ifs[0].addr6_ll = ipa("fe80::ff:fe00:1");
	ifs[0].gateway4 = ipa("198.18.0.254");
	ifs[0].gateway6 = ipa("fe80::1");
	/* Three IPv4 and two IPv6 addresses, sorted as port.c sorts them. */
	ifs[0].n_addrs4 = 3;
	ifs[0].addrs4[0] = 0xc6120001;	/* 198.18.0.1 */
	ifs[0].addrs4[1] = 0xc6120007;	/* 198.18.0.7 */
	ifs[0].addrs4[2] = 0xc61200c8;	/* 198.18.0.200 */
	ifs[0].n_addrs6 = 2;
	memcpy(ifs[0].addrs6[0], ifs[0].addr6.addr, 16);
	memcpy(ifs[0].addrs6[1], ipa("2001:db8:0:1::7").addr, 16);
	snprintf(ifs[0].name, sizeof(ifs[0].name), "media");
	ifs[1].index = 1;
	ifs[1].port_id = 0;
	ifs[1].vlan = VLAN;
	memcpy(ifs[1].mac.addr_bytes, US_MAC, 6);
	ifs[1].addr4 = ipa("198.51.100.1");
	ifs[1].prefix4 = 24;
	snprintf(ifs[1].name, sizeof(ifs[1].name), "vlan");
}

/* ---- independent checks -------------------------------------------------- */

static uint32_t sum16(const uint8_t *p, size_t len, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* Verifies every checksum in an Ethernet frame we produced. */
static void check_sums(const uint8_t *f, size_t len)
{
	size_t l3 = 14;
	uint16_t type = f[12] << 8 | f[13];

	if (type == 0x8100) {
		type = f[16] << 8 | f[17];
		l3 = 18;
	}
	if (type == 0x0800) {
		const uint8_t *ip = f + l3;
		size_t tot = ip[2] << 8 | ip[3];

		ck_assert_uint_eq(l3 + tot, len);
		ck_assert_uint_eq(fold(sum16(ip, 20, 0)), 0xffff);
		if (ip[9] == 1)
			ck_assert_uint_eq(fold(sum16(ip + 20, tot - 20, 0)), 0xffff);
	} else if (type == 0x86dd) {
		const uint8_t *ip = f + l3;
		size_t plen = ip[4] << 8 | ip[5];
		uint32_t s;

		ck_assert_uint_eq(l3 + 40 + plen, len);
		ck_assert_uint_eq(ip[6], 58);
		s = sum16(ip + 8, 32, 0);
		s += plen + 58;
		s = sum16(ip + 40, plen, s);
		ck_assert_uint_eq(fold(s), 0xffff);
	}
}

/* ---- frames ---------------------------------------------------------------- */

static struct rte_mbuf *mbuf_of(const uint8_t *b, size_t len, uint16_t port)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	char *p;

	ck_assert_ptr_nonnull(m);
	p = rte_pktmbuf_append(m, len);
	ck_assert_ptr_nonnull(p);
	memcpy(p, b, len);
	m->port = port;
	return m;
}

/* A tiny frame builder: each put_* appends to fb.b. */
struct fb {
	uint8_t b[2048];
	size_t len;
};

static void put(struct fb *f, const void *p, size_t n)
{
	ck_assert_uint_le(f->len + n, sizeof(f->b));
	memcpy(f->b + f->len, p, n);
	f->len += n;
}

static void put8(struct fb *f, uint8_t v)
{
	put(f, &v, 1);
}

static void put16(struct fb *f, uint16_t v)
{
	uint8_t b[2] = { v >> 8, v & 0xff };

	put(f, b, 2);
}

static void put_ip(struct fb *f, const char *s)
{
	struct mr_ip ip = ipa(s);

	put(f, ip.addr, ip.family == 4 ? 4 : 16);
}

static void put_eth(struct fb *f, const uint8_t *dst, const uint8_t *src, uint16_t vlan,
		    uint16_t type)
{
	f->len = 0;
	put(f, dst, 6);
	put(f, src, 6);
	if (vlan) {
		put16(f, 0x8100);
		put16(f, vlan);
	}
	put16(f, type);
}

static void put_arp(struct fb *f, uint16_t htype, uint16_t op, const uint8_t *sha, const char *spa,
		    const uint8_t *tha, const char *tpa)
{
	put16(f, htype);
	put16(f, 0x0800);
	put8(f, 6);
	put8(f, 4);
	put16(f, op);
	put(f, sha, 6);
	put_ip(f, spa);
	put(f, tha, 6);
	put_ip(f, tpa);
}

/* IPv4 + ICMP message (type, code, payload); checksums right unless bad_icmp. */
static void put_ip4_icmp(struct fb *f, const char *src, const char *dst, uint8_t type,
			 uint8_t code, const uint8_t *pl, size_t pl_len, bool bad_icmp)
{
	size_t ip = f->len, icmp;
	uint16_t c;

	put8(f, 0x45);
	put8(f, 0);
	put16(f, (uint16_t)(20 + 4 + pl_len));
	put16(f, 0);
	put16(f, 0x4000);
	put8(f, 64);
	put8(f, 1);
	put16(f, 0);
	put_ip(f, src);
	put_ip(f, dst);
	c = ~fold(sum16(f->b + ip, 20, 0));
	f->b[ip + 10] = c >> 8;
	f->b[ip + 11] = c & 0xff;
	icmp = f->len;
	put8(f, type);
	put8(f, code);
	put16(f, 0);
	put(f, pl, pl_len);
	c = ~fold(sum16(f->b + icmp, 4 + pl_len, 0));
	if (bad_icmp)
		c ^= 0x0100;
	f->b[icmp + 2] = c >> 8;
	f->b[icmp + 3] = c & 0xff;
}

/* IPv6 + ICMPv6 message; body follows type/code/checksum. */
static void put_ip6_icmp(struct fb *f, const char *src, const char *dst, uint8_t hlim,
			 uint8_t type, uint8_t code, const uint8_t *body, size_t body_len,
			 bool bad_sum)
{
	size_t ip = f->len, plen = 4 + body_len;
	uint32_t s;
	uint16_t c;

	put8(f, 0x60);
	put8(f, 0);
	put16(f, 0);
	put16(f, (uint16_t)plen);
	put8(f, 58);
	put8(f, hlim);
	put_ip(f, src);
	put_ip(f, dst);
	put8(f, type);
	put8(f, code);
	put16(f, 0);
	put(f, body, body_len);
	s = sum16(f->b + ip + 8, 32, 0) + plen + 58;
	c = ~fold(sum16(f->b + ip + 40, plen, s));
	if (bad_sum)
		c ^= 0x0001;
	f->b[ip + 42] = c >> 8;
	f->b[ip + 43] = c & 0xff;
}

/* NS/NA body: 4 flag/reserved bytes, target, optional link-layer option. */
static size_t nd_body(uint8_t *b, uint8_t flags, const char *target, uint8_t opt,
		      const uint8_t *lla)
{
	struct mr_ip t = ipa(target);
	size_t n = 20;

	memset(b, 0, 4);
	b[0] = flags;
	memcpy(b + 4, t.addr, 16);
	if (opt) {
		b[20] = opt;
		b[21] = 1;
		memcpy(b + 22, lla, 6);
		n += 8;
	}
	return n;
}

/* ---- pcap vectors ------------------------------------------------------- */

struct vec {
	uint8_t data[2048];
	size_t len;
};

static unsigned vec_read(const char *name, const char *dir, struct vec *v, unsigned max)
{
	char path[512], err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	unsigned k = 0;
	pcap_t *p;

	snprintf(path, sizeof(path), "%s/neigh_%s.%s.pcap", vec_dir, name, dir);
	p = pcap_open_offline(path, err);
	ck_assert_msg(p != NULL, "%s: %s", path, err);
	while (pcap_next_ex(p, &h, &d) == 1) {
		ck_assert_uint_lt(k, max);
		ck_assert_uint_le(h->caplen, sizeof(v[k].data));
		memcpy(v[k].data, d, h->caplen);
		v[k].len = h->caplen;
		k++;
	}
	pcap_close(p);
	return k;
}

static void assert_frame(struct rte_mbuf *m, const struct vec *want)
{
	const uint8_t *got = rte_pktmbuf_mtod(m, const uint8_t *);
	size_t i;

	ck_assert_uint_eq(m->nb_segs, 1);
	ck_assert_uint_eq(rte_pktmbuf_pkt_len(m), want->len);
	for (i = 0; i < want->len; i++)
		ck_assert_msg(got[i] == want->data[i], "byte %zu: got %02x want %02x", i, got[i],
			      want->data[i]);
	check_sums(got, want->len);
}

/* ---- fixtures ------------------------------------------------------------ */

static struct dp_neigh *nt;
static unsigned pool_free;

static struct dp_neigh_params test_params(void)
{
	struct dp_neigh_params p;

	dp_neigh_params_default(&p);
	return p;
}

static void setup(void)
{
	struct dp_neigh_params p = test_params();

	topology();
	memset(drops, 0, sizeof(drops));
	nt = dp_neigh_create_params(64, SOCKET_ID_ANY, &p);
	ck_assert_ptr_nonnull(nt);
	pool_free = rte_mempool_avail_count(mp);
}

static void teardown(void)
{
	dp_neigh_free(nt);
	nt = NULL;
	/* Every mbuf given to or made by the code under test came back. */
	ck_assert_uint_eq(rte_mempool_avail_count(mp), pool_free);
}

static uint64_t drops_total(void)
{
	uint64_t t = 0;
	unsigned i;

	for (i = 0; i < DP_DROP__COUNT; i++)
		t += drops[i];
	return t;
}

/* Feeds a frame that must be dropped for reason r (and nothing else). */
static void expect_drop(const struct fb *f, uint16_t port, unsigned r)
{
	struct rte_mbuf *m = mbuf_of(f->b, f->len, port);

	memset(drops, 0, sizeof(drops));
	ck_assert_int_eq(dp_neigh_input(nt, ifs, 2, m, drops), 0);
	ck_assert_msg(drops[r] == 1 && drops_total() == 1, "expected drop %u", r);
	ck_assert_uint_eq(rte_mempool_avail_count(mp), pool_free);
}

/* Feeds a frame handled without an answer and without a drop. */
static void expect_done(const struct fb *f, uint16_t port)
{
	struct rte_mbuf *m = mbuf_of(f->b, f->len, port);

	memset(drops, 0, sizeof(drops));
	ck_assert_int_eq(dp_neigh_input(nt, ifs, 2, m, drops), 0);
	ck_assert_uint_eq(drops_total(), 0);
}

/* Resolves dst on iface i and returns whether its MAC is known (and which). */
static bool mac_of(unsigned i, const char *dst, uint8_t *mac_out, uint32_t *idx_out)
{
	struct mr_ip d = ipa(dst);
	struct rte_ether_addr a;
	uint32_t idx;
	bool ok;

	ck_assert_int_eq(dp_neigh_resolve(nt, &ifs[i], &d, &idx), 0);
	ok = dp_neigh_mac(nt, idx, &a);
	if (ok && mac_out)
		memcpy(mac_out, a.addr_bytes, 6);
	if (idx_out)
		*idx_out = idx;
	else
		ck_assert_int_eq(dp_neigh_release(nt, idx), 0);
	return ok;
}

/* ---- replies from the generated vectors ---------------------------------- */

static void run_vector(const char *name)
{
	struct vec in[1], out[1];
	struct rte_mbuf *m;

	ck_assert_uint_eq(vec_read(name, "in", in, 1), 1);
	ck_assert_uint_eq(vec_read(name, "out", out, 1), 1);
	m = mbuf_of(in[0].data, in[0].len, 0);
	ck_assert_int_eq(dp_neigh_input(nt, ifs, 2, m, drops), 1);
	ck_assert_uint_eq(drops_total(), 0);
	ck_assert_uint_eq(m->port, 0);
	assert_frame(m, &out[0]);
	rte_pktmbuf_free(m);
}

START_TEST(vec_arp_request)
{
	uint8_t mac[6];

	run_vector("arp_request");
	/* The request taught us the sender. */
	ck_assert(mac_of(0, "198.18.0.10", mac, NULL));
	ck_assert_mem_eq(mac, PEER_MAC, 6);
	ck_assert_uint_eq(nt->stats.arp_replies, 1);
}
END_TEST

START_TEST(vec_arp_request_vlan)
{
	uint8_t mac[6];

	run_vector("arp_request_vlan");
	ck_assert(mac_of(1, "198.51.100.10", mac, NULL));
	ck_assert_mem_eq(mac, PEER_MAC, 6);
	/* Learned on the tagged interface only. */
	ck_assert(!mac_of(0, "198.18.0.10", NULL, NULL));
}
END_TEST

START_TEST(vec_icmp4_echo)
{
	run_vector("icmp4_echo");
	run_vector("icmp4_echo_vlan");
	ck_assert_uint_eq(nt->stats.echo4_replies, 2);
}
END_TEST

START_TEST(vec_ns)
{
	uint8_t mac[6];

	run_vector("ns_multicast");
	/* The source link-layer option taught us the sender. */
	ck_assert(mac_of(0, "2001:db8:0:1::10", mac, NULL));
	ck_assert_mem_eq(mac, PEER_MAC, 6);
	run_vector("ns_linklocal");
	ck_assert(mac_of(0, "fe80::aa", mac, NULL));
	run_vector("ns_unicast");
	ck_assert_uint_eq(nt->stats.na_sent, 3);
}
END_TEST

START_TEST(vec_icmp6_echo)
{
	run_vector("icmp6_echo");
	ck_assert_uint_eq(nt->stats.echo6_replies, 1);
}
END_TEST

/* A second address of the interface: ARP, ICMP echo, NS, ICMPv6 echo. */
START_TEST(vec_second_address)
{
	struct fb f;
	uint8_t mac[6];

	run_vector("arp_request_addr2");
	ck_assert(mac_of(0, "198.18.0.10", mac, NULL));
	ck_assert_mem_eq(mac, PEER_MAC, 6);
	run_vector("icmp4_echo_addr2");
	run_vector("ns_addr2");
	run_vector("icmp6_echo_addr2");
	ck_assert_uint_eq(nt->stats.arp_replies, 1);
	ck_assert_uint_eq(nt->stats.echo4_replies, 1);
	ck_assert_uint_eq(nt->stats.na_sent, 1);
	ck_assert_uint_eq(nt->stats.echo6_replies, 1);
	/* The last one of the list answers too; one between them does not. */
	put_eth(&f, BCAST, PEER_MAC, 0, 0x0806);
	put_arp(&f, 1, 1, PEER_MAC, "198.18.0.10", (const uint8_t[6]){ 0 }, "198.18.0.200");
	{
		static const uint8_t last[4] = { 198, 18, 0, 200 };
		struct rte_mbuf *m = mbuf_of(f.b, f.len, 0);

		ck_assert_int_eq(dp_neigh_input(nt, ifs, 2, m, drops), 1);
		/* The reply's sender protocol address (Ethernet 14 + ARP 14). */
		ck_assert_mem_eq(rte_pktmbuf_mtod(m, const uint8_t *) + 28, last, 4);
		rte_pktmbuf_free(m);
	}
	put_eth(&f, BCAST, PEER_MAC, 0, 0x0806);
	put_arp(&f, 1, 1, PEER_MAC, "198.18.0.10", (const uint8_t[6]){ 0 }, "198.18.0.8");
	expect_drop(&f, 0, DP_DROP_ARP_OTHER);
	/* Another host claiming a second address is a conflict, as for the first. */
	put_eth(&f, BCAST, PEER_MAC, 0, 0x0806);
	put_arp(&f, 1, 1, PEER_MAC, "198.18.0.7", (const uint8_t[6]){ 0 }, "198.18.0.7");
	expect_drop(&f, 0, DP_DROP_LOCAL_SOURCE);
	ck_assert_uint_eq(nt->stats.conflicts, 1);
	/* And our own addresses are never neighbors. */
	{
		struct mr_ip d = ipa("198.18.0.200");
		uint32_t idx;

		ck_assert_int_eq(dp_neigh_resolve(nt, &ifs[0], &d, &idx), -EINVAL);
	}
}
END_TEST

/* A tag stripped by the NIC into vlan_tci goes back into the reply frame. */
START_TEST(vlan_stripped)
{
	struct vec in[1], out[1];
	struct rte_mbuf *m;
	uint8_t untagged[2048];

	ck_assert_uint_eq(vec_read("arp_request_vlan", "in", in, 1), 1);
	ck_assert_uint_eq(vec_read("arp_request_vlan", "out", out, 1), 1);
	memcpy(untagged, in[0].data, 12);
	memcpy(untagged + 12, in[0].data + 16, in[0].len - 16);
	m = mbuf_of(untagged, in[0].len - 4, 0);
	m->ol_flags |= RTE_MBUF_F_RX_VLAN_STRIPPED | RTE_MBUF_F_RX_VLAN;
	m->vlan_tci = VLAN;
	ck_assert_int_eq(dp_neigh_input(nt, ifs, 2, m, drops), 1);
	assert_frame(m, &out[0]);
	ck_assert_uint_eq(m->ol_flags, 0);
	rte_pktmbuf_free(m);
}
END_TEST

/* A chained frame is linearized and answered; a shared one is not touched. */
START_TEST(segments)
{
	struct vec in[1], out[1];
	struct rte_mbuf *m, *tail;
	size_t cut = 30;

	ck_assert_uint_eq(vec_read("icmp4_echo", "in", in, 1), 1);
	ck_assert_uint_eq(vec_read("icmp4_echo", "out", out, 1), 1);
	m = mbuf_of(in[0].data, cut, 0);
	tail = mbuf_of(in[0].data + cut, in[0].len - cut, 0);
	ck_assert_int_eq(rte_pktmbuf_chain(m, tail), 0);
	ck_assert_uint_eq(m->nb_segs, 2);
	ck_assert_int_eq(dp_neigh_input(nt, ifs, 2, m, drops), 1);
	assert_frame(m, &out[0]);
	rte_pktmbuf_free(m);

	m = mbuf_of(in[0].data, in[0].len, 0);
	rte_mbuf_refcnt_update(m, 1);
	ck_assert_int_eq(dp_neigh_input(nt, ifs, 2, m, drops), 0);
	ck_assert_uint_eq(drops[DP_DROP_LOCAL_BUF], 1);
	ck_assert_uint_eq(rte_mbuf_refcnt_read(m), 1);
	ck_assert_mem_eq(rte_pktmbuf_mtod(m, uint8_t *), in[0].data, in[0].len);
	rte_pktmbuf_free(m);
}
END_TEST

START_TEST(mcast_macs)
{
	struct rte_ether_addr a[4];

	/* 2001:db8:0:1::1 and fe80::ff:fe00:1 share their solicited-node group;
	 * the second address 2001:db8:0:1::7 has its own. */
	ck_assert_uint_eq(dp_neigh_mcast_macs(&ifs[0], a, 4), 3);
	ck_assert_mem_eq(a[0].addr_bytes, ((const uint8_t[6]){ 0x33, 0x33, 0, 0, 0, 1 }), 6);
	ck_assert_mem_eq(a[1].addr_bytes, ((const uint8_t[6]){ 0x33, 0x33, 0xff, 0, 0, 1 }), 6);
	ck_assert_mem_eq(a[2].addr_bytes, ((const uint8_t[6]){ 0x33, 0x33, 0xff, 0, 0, 7 }), 6);
	ifs[0].addr6_ll = ipa("fe80::1:2:3");
	ck_assert_uint_eq(dp_neigh_mcast_macs(&ifs[0], a, 4), 4);
	ck_assert_mem_eq(a[2].addr_bytes, ((const uint8_t[6]){ 0x33, 0x33, 0xff, 0x02, 0, 3 }), 6);
	ck_assert_mem_eq(a[3].addr_bytes, ((const uint8_t[6]){ 0x33, 0x33, 0xff, 0, 0, 7 }), 6);
	ck_assert_uint_eq(dp_neigh_mcast_macs(&ifs[0], a, 1), 1);
	ck_assert_uint_eq(dp_neigh_mcast_macs(&ifs[1], a, 4), 0);
}
END_TEST

/* ---- mutated input ------------------------------------------------------- */

static void ext_free(void *addr, void *opaque)
{
	free(addr);
	free(opaque);
}

/* An mbuf whose data is exactly a malloc'd copy of b (external buffer, no
 * head- or tailroom): AddressSanitizer sees any read past the frame. */
static struct rte_mbuf *mbuf_exact(const uint8_t *b, size_t len, uint16_t port)
{
	struct rte_mbuf_ext_shared_info *sh = calloc(1, sizeof(*sh));
	uint8_t *buf = malloc(len ? len : 1);
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);

	ck_assert(sh && buf && m);
	memcpy(buf, b, len);
	sh->free_cb = ext_free;
	sh->fcb_opaque = sh;
	rte_mbuf_ext_refcnt_set(sh, 1);
	rte_pktmbuf_attach_extbuf(m, buf, (rte_iova_t)(uintptr_t)buf, (uint16_t)len, sh);
	m->data_off = 0;
	m->data_len = (uint16_t)len;
	m->pkt_len = (uint32_t)len;
	m->port = port;
	return m;
}

static uint64_t rnd_state;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/* Feeds one frame; a reply must be well formed whatever the input was. */
static int feed_any(const uint8_t *b, size_t len)
{
	static const uint8_t all_nodes[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	struct rte_mbuf *m = mbuf_exact(b, len, 0);
	const uint8_t *r;
	int rc;

	memset(drops, 0, sizeof(drops));
	rc = dp_neigh_input(nt, ifs, 2, m, drops);
	ck_assert(rc == 0 || rc == 1);
	if (rc == 0) {
		ck_assert_uint_le(drops_total(), 1);
		return 0;
	}
	ck_assert_uint_eq(drops_total(), 0);
	r = rte_pktmbuf_mtod(m, const uint8_t *);
	ck_assert_uint_ge(rte_pktmbuf_pkt_len(m), 14 + 28);
	ck_assert_mem_eq(r + 6, US_MAC, 6);
	ck_assert(!(r[0] & 1) || memcmp(r, all_nodes, 6) == 0);
	check_sums(r, rte_pktmbuf_pkt_len(m));
	rte_pktmbuf_free(m);
	return 1;
}

START_TEST(mutations)
{
	static const char *const names[] = { "arp_request", "arp_request_vlan", "icmp4_echo",
		"icmp4_echo_vlan", "ns_multicast", "ns_linklocal", "ns_unicast", "icmp6_echo" };
	unsigned replies = 0, calls = 0, i, k;
	struct vec v[1];
	uint8_t b[2048];
	size_t len;

	rnd_state = 0x9e3779b97f4a7c15ull;
	for (i = 0; i < RTE_DIM(names); i++) {
		ck_assert_uint_eq(vec_read(names[i], "in", v, 1), 1);
		/* Every truncation. */
		for (len = 0; len <= v[0].len; len++, calls++)
			replies += feed_any(v[0].data, len);
		/* Random bytes changed, now and then cut short too. */
		for (k = 0; k < 1500; k++, calls++) {
			unsigned flips = 1 + rnd() % 4, j;

			memcpy(b, v[0].data, v[0].len);
			len = v[0].len;
			for (j = 0; j < flips; j++) {
				size_t pos = rnd() % len;

				if (rnd() & 1)
					b[pos] ^= (uint8_t)(1u << (rnd() % 8));
				else
					b[pos] = (uint8_t)rnd();
			}
			if (rnd() % 8 == 0)
				len = rnd() % (len + 1);
			replies += feed_any(b, len);
		}
	}
	/* Both outcomes happened: the loop exercised the checks and the replies. */
	ck_assert_uint_gt(replies, RTE_DIM(names));
	ck_assert_uint_lt(replies, calls / 2);
}
END_TEST

/* ---- negative cases, built by code --------------------------------------- */

START_TEST(arp_drops)
{
	struct fb f;

	/* For someone else's address. */
	put_eth(&f, BCAST, PEER_MAC, 0, 0x0806);
	put_arp(&f, 1, 1, PEER_MAC, "198.18.0.10", (const uint8_t[6]){ 0 }, "198.18.0.77");
	expect_drop(&f, 0, DP_DROP_ARP_OTHER);
	/* Truncated: the target protocol address cut off. */
	put_eth(&f, BCAST, PEER_MAC, 0, 0x0806);
	put_arp(&f, 1, 1, PEER_MAC, "198.18.0.10", (const uint8_t[6]){ 0 }, "198.18.0.1");
	f.len -= 3;
	expect_drop(&f, 0, DP_DROP_ARP);
	/* Hardware type 6 (IEEE 802), not Ethernet. */
	put_eth(&f, BCAST, PEER_MAC, 0, 0x0806);
	put_arp(&f, 6, 1, PEER_MAC, "198.18.0.10", (const uint8_t[6]){ 0 }, "198.18.0.1");
	expect_drop(&f, 0, DP_DROP_ARP);
	/* Opcode 3 (RARP). */
	put_eth(&f, BCAST, PEER_MAC, 0, 0x0806);
	put_arp(&f, 1, 3, PEER_MAC, "198.18.0.10", (const uint8_t[6]){ 0 }, "198.18.0.1");
	expect_drop(&f, 0, DP_DROP_ARP);
	/* From a broadcast Ethernet source: never answered. */
	put_eth(&f, BCAST, BCAST, 0, 0x0806);
	put_arp(&f, 1, 1, PEER_MAC, "198.18.0.10", (const uint8_t[6]){ 0 }, "198.18.0.1");
	expect_drop(&f, 0, DP_DROP_LOCAL_SOURCE);
	/* A multicast sender hardware address. */
	put_eth(&f, BCAST, PEER_MAC, 0, 0x0806);
	put_arp(&f, 1, 1, (const uint8_t[6]){ 0x01, 0, 0x5e, 0, 0, 1 }, "198.18.0.10",
		(const uint8_t[6]){ 0 }, "198.18.0.1");
	expect_drop(&f, 0, DP_DROP_LOCAL_SOURCE);
	/* Someone claims our own address. */
	put_eth(&f, BCAST, PEER_MAC, 0, 0x0806);
	put_arp(&f, 1, 1, PEER_MAC, "198.18.0.1", (const uint8_t[6]){ 0 }, "198.18.0.1");
	expect_drop(&f, 0, DP_DROP_LOCAL_SOURCE);
	ck_assert_uint_eq(nt->stats.conflicts, 1);
	/* A tag no interface uses. */
	put_eth(&f, BCAST, PEER_MAC, 200, 0x0806);
	put_arp(&f, 1, 1, PEER_MAC, "198.18.0.10", (const uint8_t[6]){ 0 }, "198.18.0.1");
	expect_drop(&f, 0, DP_DROP_VLAN);
	/* A port with no interface. */
	put_eth(&f, BCAST, PEER_MAC, 0, 0x0806);
	put_arp(&f, 1, 1, PEER_MAC, "198.18.0.10", (const uint8_t[6]){ 0 }, "198.18.0.1");
	expect_drop(&f, 3, DP_DROP_VLAN);
	/* Shorter than Ethernet. */
	f.len = 10;
	expect_drop(&f, 0, DP_DROP_ETH_SHORT);
	/* Unicast to another station's MAC (promiscuous port). */
	put_eth(&f, OTHER_MAC, PEER_MAC, 0, 0x0806);
	put_arp(&f, 1, 1, PEER_MAC, "198.18.0.10", (const uint8_t[6]){ 0 }, "198.18.0.1");
	expect_drop(&f, 0, DP_DROP_NOT_OURS);
	/* Nothing was learned from any of these, nothing answered. */
	ck_assert_uint_eq(dp_neigh_count(nt), 0);
	ck_assert_uint_eq(nt->stats.arp_replies, 0);
}
END_TEST

START_TEST(icmp4_drops)
{
	static const uint8_t echo[8] = { 0, 1, 0, 1, 'a', 'b', 'c', 'd' };
	struct fb f;

	/* Bad ICMP checksum. */
	put_eth(&f, US_MAC, PEER_MAC, 0, 0x0800);
	put_ip4_icmp(&f, "198.18.0.10", "198.18.0.1", 8, 0, echo, sizeof(echo), true);
	expect_drop(&f, 0, DP_DROP_ICMP);
	/* Types we ignore: timestamp, echo reply, destination unreachable. */
	put_eth(&f, US_MAC, PEER_MAC, 0, 0x0800);
	put_ip4_icmp(&f, "198.18.0.10", "198.18.0.1", 13, 0, echo, sizeof(echo), false);
	expect_drop(&f, 0, DP_DROP_ICMP_OTHER);
	put_eth(&f, US_MAC, PEER_MAC, 0, 0x0800);
	put_ip4_icmp(&f, "198.18.0.10", "198.18.0.1", 0, 0, echo, sizeof(echo), false);
	expect_drop(&f, 0, DP_DROP_ICMP_OTHER);
	put_eth(&f, US_MAC, PEER_MAC, 0, 0x0800);
	put_ip4_icmp(&f, "198.18.0.10", "198.18.0.1", 3, 3, echo, sizeof(echo), false);
	expect_drop(&f, 0, DP_DROP_ICMP_OTHER);
	/* Echo from a multicast Ethernet source. */
	put_eth(&f, US_MAC, (const uint8_t[6]){ 0x01, 0, 0x5e, 0, 0, 5 }, 0, 0x0800);
	put_ip4_icmp(&f, "198.18.0.10", "198.18.0.1", 8, 0, echo, sizeof(echo), false);
	expect_drop(&f, 0, DP_DROP_LOCAL_SOURCE);
	/* Echo from a multicast or broadcast IP source (smurf reflection). */
	put_eth(&f, US_MAC, PEER_MAC, 0, 0x0800);
	put_ip4_icmp(&f, "224.0.0.5", "198.18.0.1", 8, 0, echo, sizeof(echo), false);
	expect_drop(&f, 0, DP_DROP_LOCAL_SOURCE);
	put_eth(&f, US_MAC, PEER_MAC, 0, 0x0800);
	put_ip4_icmp(&f, "198.18.0.255", "198.18.0.1", 8, 0, echo, sizeof(echo), false);
	expect_drop(&f, 0, DP_DROP_LOCAL_SOURCE);
	/* Echo to an address that is not ours, and to the subnet broadcast. */
	put_eth(&f, US_MAC, PEER_MAC, 0, 0x0800);
	put_ip4_icmp(&f, "198.18.0.10", "198.18.0.2", 8, 0, echo, sizeof(echo), false);
	expect_drop(&f, 0, DP_DROP_NOT_OURS);
	put_eth(&f, BCAST, PEER_MAC, 0, 0x0800);
	put_ip4_icmp(&f, "198.18.0.10", "198.18.0.255", 8, 0, echo, sizeof(echo), false);
	expect_drop(&f, 0, DP_DROP_NOT_OURS);
	/* IPv4 header checksum broken. */
	put_eth(&f, US_MAC, PEER_MAC, 0, 0x0800);
	put_ip4_icmp(&f, "198.18.0.10", "198.18.0.1", 8, 0, echo, sizeof(echo), false);
	f.b[14 + 8] = 5;	/* TTL changed after the checksum */
	expect_drop(&f, 0, DP_DROP_IP4_CSUM);
	/* Total length past the frame. */
	put_eth(&f, US_MAC, PEER_MAC, 0, 0x0800);
	put_ip4_icmp(&f, "198.18.0.10", "198.18.0.1", 8, 0, echo, sizeof(echo), false);
	f.len -= 2;
	expect_drop(&f, 0, DP_DROP_IP4_LEN);
	/* ICMP shorter than its header. */
	put_eth(&f, US_MAC, PEER_MAC, 0, 0x0800);
	put_ip4_icmp(&f, "198.18.0.10", "198.18.0.1", 8, 0, echo, 0, false);
	f.b[14 + 3] = 20 + 3;
	f.b[14 + 10] = f.b[14 + 11] = 0;
	{
		uint16_t c = ~fold(sum16(f.b + 14, 20, 0));

		f.b[14 + 10] = c >> 8;
		f.b[14 + 11] = c & 0xff;
	}
	expect_drop(&f, 0, DP_DROP_ICMP);
	ck_assert_uint_eq(nt->stats.echo4_replies, 0);
}
END_TEST

START_TEST(ndp_drops)
{
	uint8_t body[64];
	size_t bl;
	struct fb f;

	/* NS with hop limit 254 (came through a router). */
	bl = nd_body(body, 0, "2001:db8:0:1::1", 1, PEER_MAC);
	put_eth(&f, (const uint8_t[6]){ 0x33, 0x33, 0xff, 0, 0, 1 }, PEER_MAC, 0, 0x86dd);
	put_ip6_icmp(&f, "2001:db8:0:1::10", "ff02::1:ff00:1", 254, 135, 0, body, bl, false);
	expect_drop(&f, 0, DP_DROP_NDP);
	/* NS with code 1. */
	put_eth(&f, (const uint8_t[6]){ 0x33, 0x33, 0xff, 0, 0, 1 }, PEER_MAC, 0, 0x86dd);
	put_ip6_icmp(&f, "2001:db8:0:1::10", "ff02::1:ff00:1", 255, 135, 1, body, bl, false);
	expect_drop(&f, 0, DP_DROP_NDP);
	/* NS with a bad checksum. */
	put_eth(&f, (const uint8_t[6]){ 0x33, 0x33, 0xff, 0, 0, 1 }, PEER_MAC, 0, 0x86dd);
	put_ip6_icmp(&f, "2001:db8:0:1::10", "ff02::1:ff00:1", 255, 135, 0, body, bl, true);
	expect_drop(&f, 0, DP_DROP_ICMP);
	/* NS for a target that is not ours. */
	bl = nd_body(body, 0, "2001:db8:0:1::2", 1, PEER_MAC);
	put_eth(&f, (const uint8_t[6]){ 0x33, 0x33, 0xff, 0, 0, 2 }, PEER_MAC, 0, 0x86dd);
	put_ip6_icmp(&f, "2001:db8:0:1::10", "ff02::1:ff00:2", 255, 135, 0, body, bl, false);
	expect_drop(&f, 0, DP_DROP_NDP_OTHER);
	/* NS with an option of length 0. */
	bl = nd_body(body, 0, "2001:db8:0:1::1", 1, PEER_MAC);
	body[21] = 0;
	put_eth(&f, (const uint8_t[6]){ 0x33, 0x33, 0xff, 0, 0, 1 }, PEER_MAC, 0, 0x86dd);
	put_ip6_icmp(&f, "2001:db8:0:1::10", "ff02::1:ff00:1", 255, 135, 0, body, bl, false);
	expect_drop(&f, 0, DP_DROP_NDP);
	/* NS shorter than 24 bytes. */
	put_eth(&f, (const uint8_t[6]){ 0x33, 0x33, 0xff, 0, 0, 1 }, PEER_MAC, 0, 0x86dd);
	put_ip6_icmp(&f, "2001:db8:0:1::10", "ff02::1:ff00:1", 255, 135, 0, body, 12, false);
	expect_drop(&f, 0, DP_DROP_NDP);
	/* DAD (unspecified source) with a source link-layer option. */
	bl = nd_body(body, 0, "2001:db8:0:1::1", 1, PEER_MAC);
	put_eth(&f, (const uint8_t[6]){ 0x33, 0x33, 0xff, 0, 0, 1 }, PEER_MAC, 0, 0x86dd);
	put_ip6_icmp(&f, "::", "ff02::1:ff00:1", 255, 135, 0, body, bl, false);
	expect_drop(&f, 0, DP_DROP_NDP);
	/* Truncated ICMPv6: payload length 2. */
	put_eth(&f, US_MAC, PEER_MAC, 0, 0x86dd);
	put_ip6_icmp(&f, "2001:db8:0:1::10", "2001:db8:0:1::1", 64, 128, 0, body, 0, false);
	f.b[14 + 5] = 2;
	f.len -= 2;
	expect_drop(&f, 0, DP_DROP_ICMP);
	/* Payload length past the frame. */
	put_eth(&f, US_MAC, PEER_MAC, 0, 0x86dd);
	put_ip6_icmp(&f, "2001:db8:0:1::10", "2001:db8:0:1::1", 64, 128, 0, body, 8, false);
	f.len -= 1;
	expect_drop(&f, 0, DP_DROP_IP6_LEN);
	/* Echo from a multicast source address. */
	put_eth(&f, US_MAC, PEER_MAC, 0, 0x86dd);
	put_ip6_icmp(&f, "ff02::1", "2001:db8:0:1::1", 64, 128, 0, body, 8, false);
	expect_drop(&f, 0, DP_DROP_LOCAL_SOURCE);
	/* Echo from a multicast Ethernet source. */
	put_eth(&f, US_MAC, (const uint8_t[6]){ 0x33, 0x33, 0, 0, 0, 1 }, 0, 0x86dd);
	put_ip6_icmp(&f, "2001:db8:0:1::10", "2001:db8:0:1::1", 64, 128, 0, body, 8, false);
	expect_drop(&f, 0, DP_DROP_LOCAL_SOURCE);
	/* Echo to all-nodes: never answered. */
	put_eth(&f, (const uint8_t[6]){ 0x33, 0x33, 0, 0, 0, 1 }, PEER_MAC, 0, 0x86dd);
	put_ip6_icmp(&f, "2001:db8:0:1::10", "ff02::1", 64, 128, 0, body, 8, false);
	expect_drop(&f, 0, DP_DROP_NOT_OURS);
	/* Router advertisement: not handled. */
	put_eth(&f, (const uint8_t[6]){ 0x33, 0x33, 0, 0, 0, 1 }, PEER_MAC, 0, 0x86dd);
	put_ip6_icmp(&f, "fe80::1", "ff02::1", 255, 134, 0, body, 12, false);
	expect_drop(&f, 0, DP_DROP_ICMP_OTHER);
	/* Unsolicited NA about a neighbor we do not know. */
	bl = nd_body(body, 0x20, "2001:db8:0:1::10", 2, PEER_MAC);
	put_eth(&f, (const uint8_t[6]){ 0x33, 0x33, 0, 0, 0, 1 }, PEER_MAC, 0, 0x86dd);
	put_ip6_icmp(&f, "2001:db8:0:1::10", "ff02::1", 255, 136, 0, body, bl, false);
	expect_drop(&f, 0, DP_DROP_NDP_OTHER);
	/* Solicited NA to a multicast destination (RFC 4861 7.1.2). */
	bl = nd_body(body, 0x60, "2001:db8:0:1::10", 2, PEER_MAC);
	put_eth(&f, (const uint8_t[6]){ 0x33, 0x33, 0, 0, 0, 1 }, PEER_MAC, 0, 0x86dd);
	put_ip6_icmp(&f, "2001:db8:0:1::10", "ff02::1", 255, 136, 0, body, bl, false);
	expect_drop(&f, 0, DP_DROP_NDP);
	/* IPv6 ethertype, version 4 inside. */
	put_eth(&f, US_MAC, PEER_MAC, 0, 0x86dd);
	put_ip6_icmp(&f, "2001:db8:0:1::10", "2001:db8:0:1::1", 64, 128, 0, body, 8, false);
	f.b[14] = 0x40;
	expect_drop(&f, 0, DP_DROP_IP6_VERSION);
	/* A hop-by-hop header first (MLD): not ours to parse. */
	put_eth(&f, US_MAC, PEER_MAC, 0, 0x86dd);
	put_ip6_icmp(&f, "2001:db8:0:1::10", "2001:db8:0:1::1", 64, 128, 0, body, 8, false);
	f.b[14 + 6] = 0;
	expect_drop(&f, 0, DP_DROP_IP6_EXT);
	/* IPv6 on the tagged interface, which has no IPv6. */
	put_eth(&f, US_MAC, PEER_MAC, VLAN, 0x86dd);
	put_ip6_icmp(&f, "2001:db8:0:1::10", "2001:db8:0:1::1", 64, 128, 0, body, 8, false);
	expect_drop(&f, 0, DP_DROP_NOT_OURS);
	ck_assert_uint_eq(dp_neigh_count(nt), 0);
	ck_assert_uint_eq(nt->stats.na_sent + nt->stats.echo6_replies, 0);
}
END_TEST

/* DAD for our address is defended: NA to all-nodes, S clear, O set. */
START_TEST(ndp_dad)
{
	uint8_t body[64];
	struct rte_mbuf *m;
	const uint8_t *r;
	struct mr_ip us = ipa("2001:db8:0:1::1"), all = ipa("ff02::1");
	struct fb f;
	size_t bl;

	bl = nd_body(body, 0, "2001:db8:0:1::1", 0, NULL);
	put_eth(&f, (const uint8_t[6]){ 0x33, 0x33, 0xff, 0, 0, 1 }, PEER_MAC, 0, 0x86dd);
	put_ip6_icmp(&f, "::", "ff02::1:ff00:1", 255, 135, 0, body, bl, false);
	m = mbuf_of(f.b, f.len, 0);
	ck_assert_int_eq(dp_neigh_input(nt, ifs, 2, m, drops), 1);
	r = rte_pktmbuf_mtod(m, const uint8_t *);
	ck_assert_uint_eq(rte_pktmbuf_pkt_len(m), 14 + 40 + 32);
	ck_assert_mem_eq(r, ((const uint8_t[6]){ 0x33, 0x33, 0, 0, 0, 1 }), 6);
	ck_assert_mem_eq(r + 6, US_MAC, 6);
	ck_assert_uint_eq(r[14 + 7], 255);
	ck_assert_mem_eq(r + 14 + 8, us.addr, 16);
	ck_assert_mem_eq(r + 14 + 24, all.addr, 16);
	ck_assert_uint_eq(r[54], 136);
	ck_assert_uint_eq(r[54 + 4], 0x20);
	ck_assert_mem_eq(r + 54 + 8, us.addr, 16);
	ck_assert_uint_eq(r[54 + 24], 2);
	ck_assert_mem_eq(r + 54 + 26, US_MAC, 6);
	check_sums(r, rte_pktmbuf_pkt_len(m));
	rte_pktmbuf_free(m);
	ck_assert_uint_eq(dp_neigh_count(nt), 0);
}
END_TEST

/* ---- resolution ---------------------------------------------------------- */

static struct dp_neigh_info info_of(uint32_t idx)
{
	struct dp_neigh_info all[64];
	unsigned k = dp_neigh_dump(nt, rte_get_tsc_cycles(), all, 64), i;

	for (i = 0; i < k; i++)
		if (all[i].idx == idx)
			return all[i];
	ck_abort_msg("entry %u not in the dump", idx);
	return all[0];
}

START_TEST(resolve)
{
	struct mr_ip d;
	uint32_t a, b, c;
	struct dp_neigh_info i;

	/* On-link: the destination itself. */
	d = ipa("198.18.0.10");
	ck_assert_int_eq(dp_neigh_resolve(nt, &ifs[0], &d, &a), 0);
	i = info_of(a);
	ck_assert(mr_ip_eq(&i.ip, &d));
	ck_assert_uint_eq(i.iface, 0);
	ck_assert_uint_eq(i.state, DP_NEIGH_INCOMPLETE);
	ck_assert_uint_eq(i.refcnt, 1);
	ck_assert(!i.mac_valid);
	/* Off-link: the gateway, shared by every off-link destination. */
	d = ipa("203.0.113.5");
	ck_assert_int_eq(dp_neigh_resolve(nt, &ifs[0], &d, &b), 0);
	d = ipa("8.8.8.8");
	ck_assert_int_eq(dp_neigh_resolve(nt, &ifs[0], &d, &c), 0);
	ck_assert_uint_eq(b, c);
	ck_assert_uint_ne(a, b);
	i = info_of(b);
	d = ipa("198.18.0.254");
	ck_assert(mr_ip_eq(&i.ip, &d));
	ck_assert_uint_eq(i.refcnt, 2);
	/* No gateway on the tagged interface. */
	d = ipa("203.0.113.5");
	ck_assert_int_eq(dp_neigh_resolve(nt, &ifs[1], &d, &c), -ENETUNREACH);
	d = ipa("198.51.100.7");
	ck_assert_int_eq(dp_neigh_resolve(nt, &ifs[1], &d, &c), 0);
	/* The same address on another interface is another entry. */
	d = ipa("198.18.0.10");
	ck_assert_int_eq(dp_neigh_resolve(nt, &ifs[1], &d, &c), -ENETUNREACH);
	/* No IPv6 on the tagged interface. */
	d = ipa("2001:db8:0:1::10");
	ck_assert_int_eq(dp_neigh_resolve(nt, &ifs[1], &d, &c), -EAFNOSUPPORT);
	/* IPv6: on-link, link-local, via the (link-local) gateway. */
	ck_assert_int_eq(dp_neigh_resolve(nt, &ifs[0], &d, &c), 0);
	i = info_of(c);
	ck_assert(mr_ip_eq(&i.ip, &d));
	d = ipa("fe80::1234");
	ck_assert_int_eq(dp_neigh_resolve(nt, &ifs[0], &d, &c), 0);
	i = info_of(c);
	ck_assert(mr_ip_eq(&i.ip, &d));
	d = ipa("2001:db8:99::1");
	ck_assert_int_eq(dp_neigh_resolve(nt, &ifs[0], &d, &c), 0);
	i = info_of(c);
	ck_assert(mr_ip_eq(&i.ip, &ifs[0].gateway6));
	/* Never a neighbor. */
	d = ipa("198.18.0.1");
	ck_assert_int_eq(dp_neigh_resolve(nt, &ifs[0], &d, &c), -EINVAL);
	d = ipa("198.18.0.255");
	ck_assert_int_eq(dp_neigh_resolve(nt, &ifs[0], &d, &c), -EINVAL);
	d = ipa("239.1.1.1");
	ck_assert_int_eq(dp_neigh_resolve(nt, &ifs[0], &d, &c), -EINVAL);
	d = ipa("ff02::1");
	ck_assert_int_eq(dp_neigh_resolve(nt, &ifs[0], &d, &c), -EINVAL);
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(dp_neigh_resolve(nt, &ifs[0], &d, &c), -EINVAL);
	/* References. */
	ck_assert_int_eq(dp_neigh_release(nt, b), 0);
	ck_assert_int_eq(dp_neigh_release(nt, b), 0);
	ck_assert_int_eq(dp_neigh_release(nt, b), -EINVAL);
	ck_assert_int_eq(dp_neigh_release(nt, 1u << 30), -EINVAL);
	ck_assert_uint_eq(dp_neigh_count(nt), 6);
}
END_TEST

START_TEST(capacity)
{
	struct dp_neigh_params p = test_params();
	struct dp_neigh *small;
	struct mr_ip d;
	uint32_t idx[4], x;
	char s[32];
	unsigned i;

	small = dp_neigh_create_params(4, SOCKET_ID_ANY, &p);
	ck_assert_ptr_nonnull(small);
	for (i = 0; i < 4; i++) {
		snprintf(s, sizeof(s), "198.18.0.%u", 20 + i);
		d = ipa(s);
		ck_assert_int_eq(dp_neigh_resolve(small, &ifs[0], &d, &idx[i]), 0);
	}
	d = ipa("198.18.0.30");
	ck_assert_int_eq(dp_neigh_resolve(small, &ifs[0], &d, &x), -ENOSPC);
	/* An unreferenced entry makes room; the referenced ones stay. */
	ck_assert_int_eq(dp_neigh_release(small, idx[2]), 0);
	ck_assert_int_eq(dp_neigh_resolve(small, &ifs[0], &d, &x), 0);
	ck_assert(x != idx[0] && x != idx[1] && x != idx[3]);
	ck_assert_uint_eq(small->stats.evicted, 1);
	ck_assert_uint_eq(dp_neigh_count(small), 4);
	/* The evicted one is gone, the others are where they were. */
	{
		struct dp_neigh_info all[8];
		struct mr_ip gone = ipa("198.18.0.22");
		unsigned k = dp_neigh_dump(small, rte_get_tsc_cycles(), all, 8);

		ck_assert_uint_eq(k, 4);
		for (i = 0; i < k; i++) {
			ck_assert(!mr_ip_eq(&all[i].ip, &gone));
			if (all[i].idx == idx[0] || all[i].idx == idx[1] || all[i].idx == idx[3])
				ck_assert_uint_eq(all[i].refcnt, 1);
		}
	}
	/* Full of referenced entries again. */
	d = ipa("198.18.0.31");
	ck_assert_int_eq(dp_neigh_resolve(small, &ifs[0], &d, &x), -ENOSPC);
	dp_neigh_free(small);

	errno = 0;
	ck_assert_ptr_null(dp_neigh_create(0, SOCKET_ID_ANY));
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* ---- probing --------------------------------------------------------------- */

static void feed_arp_reply(const char *from, const uint8_t *mac, uint16_t vlan, const char *to)
{
	struct fb f;

	put_eth(&f, US_MAC, mac, vlan, 0x0806);
	put_arp(&f, 1, 2, mac, from, US_MAC, to);
	expect_done(&f, 0);
}

/* Time is what dp_neigh_tick() is told: t below is a simulated clock. */
START_TEST(tick_arp)
{
	struct dp_neigh_params p = test_params();
	struct rte_mbuf *out[8];
	struct vec want[1];
	struct rte_ether_addr a;
	struct mr_ip d = ipa("198.18.0.10");
	uint64_t t = rte_get_tsc_cycles(), backoff;
	uint32_t idx, again;
	unsigned k;

	ck_assert_int_eq(dp_neigh_resolve(nt, &ifs[0], &d, &idx), 0);
	ck_assert(!dp_neigh_mac(nt, idx, &a));

	/* Exactly one broadcast request, right bytes, right port. */
	k = dp_neigh_tick(nt, ifs, 2, mp, t, out, 8);
	ck_assert_uint_eq(k, 1);
	ck_assert_uint_eq(vec_read("probe_arp", "out", want, 1), 1);
	assert_frame(out[0], &want[0]);
	ck_assert_uint_eq(out[0]->port, 0);
	rte_pktmbuf_free(out[0]);
	/* Not again before the retransmission time. */
	t += p.retrans_tsc / 2;
	ck_assert_uint_eq(dp_neigh_tick(nt, ifs, 2, mp, t, out, 8), 0);

	/* The reply resolves it (confirmed at t); no more probes. */
	feed_arp_reply("198.18.0.10", PEER_MAC, 0, "198.18.0.1");
	ck_assert(dp_neigh_mac(nt, idx, &a));
	ck_assert_mem_eq(a.addr_bytes, PEER_MAC, 6);
	ck_assert_uint_eq(info_of(idx).state, DP_NEIGH_REACHABLE);
	ck_assert_uint_eq(dp_neigh_tick(nt, ifs, 2, mp, t + p.retrans_tsc * 2, out, 8), 0);
	ck_assert_uint_eq(dp_neigh_tick(nt, ifs, 2, mp, t + p.reachable_tsc - 1, out, 8), 0);

	/* Stale after reachable_tsc: one unicast probe, the MAC still usable. */
	t += p.reachable_tsc;
	k = dp_neigh_tick(nt, ifs, 2, mp, t, out, 8);
	ck_assert_uint_eq(k, 1);
	ck_assert_uint_eq(vec_read("probe_arp_unicast", "out", want, 1), 1);
	assert_frame(out[0], &want[0]);
	rte_pktmbuf_free(out[0]);
	ck_assert(dp_neigh_mac(nt, idx, &a));
	ck_assert_uint_eq(info_of(idx).state, DP_NEIGH_PROBE);
	/* Then broadcast; after max_probes unanswered, failed and unusable. */
	for (k = 1; k < p.max_probes; k++) {
		t += p.retrans_tsc;
		ck_assert_uint_eq(dp_neigh_tick(nt, ifs, 2, mp, t, out, 8), 1);
		ck_assert_mem_eq(rte_pktmbuf_mtod(out[0], uint8_t *), BCAST, 6);
		rte_pktmbuf_free(out[0]);
	}
	t += p.retrans_tsc;
	ck_assert_uint_eq(dp_neigh_tick(nt, ifs, 2, mp, t, out, 8), 0);
	ck_assert(!dp_neigh_mac(nt, idx, &a));
	ck_assert_uint_eq(info_of(idx).state, DP_NEIGH_FAILED);
	ck_assert_uint_eq(nt->stats.failed, 1);
	/* Retried with a doubling back-off: 2, 4, 8... retrans_tsc. */
	for (backoff = 2 * p.retrans_tsc; backoff <= 8 * p.retrans_tsc; backoff *= 2) {
		ck_assert_uint_eq(dp_neigh_tick(nt, ifs, 2, mp, t + backoff - 1, out, 8), 0);
		t += backoff;
		ck_assert_uint_eq(dp_neigh_tick(nt, ifs, 2, mp, t, out, 8), 1);
		ck_assert_mem_eq(rte_pktmbuf_mtod(out[0], uint8_t *), BCAST, 6);
		rte_pktmbuf_free(out[0]);
	}
	/* Back-off now 16 x retrans. A new flow towards it asks again at the
	 * next tick once retrans_tsc has passed since the last probe. */
	t += p.retrans_tsc;
	ck_assert_uint_eq(dp_neigh_tick(nt, ifs, 2, mp, t, out, 8), 0);
	ck_assert_int_eq(dp_neigh_resolve(nt, &ifs[0], &d, &again), 0);
	ck_assert_uint_eq(again, idx);
	t += 1;
	ck_assert_uint_eq(dp_neigh_tick(nt, ifs, 2, mp, t, out, 8), 1);
	rte_pktmbuf_free(out[0]);
	/* ...but a burst of new flows does not make a burst of probes. */
	ck_assert_int_eq(dp_neigh_resolve(nt, &ifs[0], &d, &again), 0);
	t += 1;
	ck_assert_uint_eq(dp_neigh_tick(nt, ifs, 2, mp, t, out, 8), 0);
	ck_assert_int_eq(dp_neigh_release(nt, again), 0);
	ck_assert_int_eq(dp_neigh_release(nt, again), 0);

	/* A late answer brings it back. */
	feed_arp_reply("198.18.0.10", OTHER_MAC, 0, "198.18.0.1");
	ck_assert(dp_neigh_mac(nt, idx, &a));
	ck_assert_mem_eq(a.addr_bytes, OTHER_MAC, 6);
	ck_assert_uint_eq(info_of(idx).state, DP_NEIGH_REACHABLE);

	/* Unreferenced entries are not probed. */
	ck_assert_int_eq(dp_neigh_release(nt, idx), 0);
	ck_assert_uint_eq(dp_neigh_tick(nt, ifs, 2, mp, t + 100 * p.reachable_tsc, out, 8), 0);
	ck_assert_uint_eq(info_of(idx).state, DP_NEIGH_STALE);
}
END_TEST

START_TEST(tick_vlan_ns)
{
	struct rte_mbuf *out[8];
	struct vec want[1];
	struct rte_ether_addr a;
	struct mr_ip d4 = ipa("198.51.100.10"), d6 = ipa("2001:db8:0:1::10");
	uint32_t i4, i6;
	uint8_t body[64];
	struct fb f;
	size_t bl;

	ck_assert_int_eq(dp_neigh_resolve(nt, &ifs[1], &d4, &i4), 0);
	ck_assert_uint_eq(dp_neigh_tick(nt, ifs, 2, mp, rte_get_tsc_cycles(), out, 8), 1);
	ck_assert_uint_eq(vec_read("probe_arp_vlan", "out", want, 1), 1);
	assert_frame(out[0], &want[0]);
	rte_pktmbuf_free(out[0]);
	feed_arp_reply("198.51.100.10", PEER_MAC, VLAN, "198.51.100.1");
	ck_assert(dp_neigh_mac(nt, i4, &a));

	ck_assert_int_eq(dp_neigh_resolve(nt, &ifs[0], &d6, &i6), 0);
	ck_assert_uint_eq(dp_neigh_tick(nt, ifs, 2, mp, rte_get_tsc_cycles(), out, 8), 1);
	ck_assert_uint_eq(vec_read("probe_ns", "out", want, 1), 1);
	assert_frame(out[0], &want[0]);
	rte_pktmbuf_free(out[0]);
	ck_assert(!dp_neigh_mac(nt, i6, &a));
	/* The solicited advertisement resolves it. */
	bl = nd_body(body, 0x60, "2001:db8:0:1::10", 2, PEER_MAC);
	put_eth(&f, US_MAC, PEER_MAC, 0, 0x86dd);
	put_ip6_icmp(&f, "2001:db8:0:1::10", "2001:db8:0:1::1", 255, 136, 0, body, bl, false);
	expect_done(&f, 0);
	ck_assert(dp_neigh_mac(nt, i6, &a));
	ck_assert_mem_eq(a.addr_bytes, PEER_MAC, 6);
	ck_assert_uint_eq(info_of(i6).state, DP_NEIGH_REACHABLE);
	/* A different address without the override flag does not replace it. */
	bl = nd_body(body, 0x00, "2001:db8:0:1::10", 2, OTHER_MAC);
	put_eth(&f, US_MAC, OTHER_MAC, 0, 0x86dd);
	put_ip6_icmp(&f, "2001:db8:0:1::10", "2001:db8:0:1::1", 255, 136, 0, body, bl, false);
	expect_done(&f, 0);
	ck_assert(dp_neigh_mac(nt, i6, &a));
	ck_assert_mem_eq(a.addr_bytes, PEER_MAC, 6);
	/* With override it does. */
	bl = nd_body(body, 0x20, "2001:db8:0:1::10", 2, OTHER_MAC);
	put_eth(&f, (const uint8_t[6]){ 0x33, 0x33, 0, 0, 0, 1 }, OTHER_MAC, 0, 0x86dd);
	put_ip6_icmp(&f, "2001:db8:0:1::10", "ff02::1", 255, 136, 0, body, bl, false);
	expect_done(&f, 0);
	ck_assert(dp_neigh_mac(nt, i6, &a));
	ck_assert_mem_eq(a.addr_bytes, OTHER_MAC, 6);
}
END_TEST

START_TEST(tick_no_mbuf)
{
	struct rte_mempool *tiny;
	struct rte_mbuf *out[8], *hold[4];
	struct mr_ip d = ipa("198.18.0.10");
	uint32_t idx;
	unsigned k = 0;

	tiny = rte_pktmbuf_pool_create("neigh_tiny", 4, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	ck_assert_ptr_nonnull(tiny);
	while (k < 4 && (hold[k] = rte_pktmbuf_alloc(tiny)) != NULL)
		k++;
	dp_neigh_set_drops(nt, drops);
	ck_assert_int_eq(dp_neigh_resolve(nt, &ifs[0], &d, &idx), 0);
	ck_assert_uint_eq(dp_neigh_tick(nt, ifs, 2, tiny, rte_get_tsc_cycles(), out, 8), 0);
	ck_assert_uint_eq(nt->stats.no_mbuf, 1);
	ck_assert_uint_eq(drops[DP_DROP_NO_MBUF], 1);
	/* Still due: sent as soon as there is a buffer. */
	rte_pktmbuf_free(hold[--k]);
	ck_assert_uint_eq(dp_neigh_tick(nt, ifs, 2, tiny, rte_get_tsc_cycles(), out, 8), 1);
	rte_pktmbuf_free(out[0]);
	while (k)
		rte_pktmbuf_free(hold[--k]);
	rte_mempool_free(tiny);
}
END_TEST

/* The last octet of the IPv4 address an ARP request asks for. */
static unsigned arp_target_last(const struct rte_mbuf *m)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	unsigned off = (f[12] == 0x81 && f[13] == 0x00) ? 18 : 14;

	ck_assert_uint_eq(f[off - 2], 0x08);
	ck_assert_uint_eq(f[off - 1], 0x06);
	return f[off + 27];
}

/* In slices: `steps` calls of dp_neigh_tick_step() do what one
 * dp_neigh_tick() does, each due entry probed once, wherever its slot. */
START_TEST(tick_step)
{
	static const char *const ips[] = { "198.18.0.10", "198.18.0.11", "198.18.0.12",
					   "198.18.0.13", "198.18.0.14" };
	const unsigned n_ips = RTE_DIM(ips), rounds[2] = { nt->n_slots, 7 };
	struct dp_neigh_params p = test_params();
	struct rte_mbuf *out[8];
	uint64_t t = rte_get_tsc_cycles();
	unsigned i, j, r, k;

	for (i = 0; i < n_ips; i++) {
		struct mr_ip d = ipa(ips[i]);
		uint32_t idx;

		ck_assert_int_eq(dp_neigh_resolve(nt, &ifs[0], &d, &idx), 0);
	}
	/* One slot a call, then seven slices; the second round is due again. */
	for (r = 0; r < 2; r++, t += p.retrans_tsc) {
		unsigned seen[RTE_DIM(ips)] = { 0 }, total = 0;

		for (j = 0; j < rounds[r]; j++) {
			k = dp_neigh_tick_step(nt, ifs, 2, mp, t, out, 8, rounds[r]);
			if (r == 0)
				ck_assert_uint_le(k, 1);
			for (i = 0; i < k; i++) {
				unsigned last = arp_target_last(out[i]);

				ck_assert_uint_ge(last, 10);
				ck_assert_uint_le(last, 14);
				seen[last - 10]++;
				rte_pktmbuf_free(out[i]);
			}
			total += k;
		}
		ck_assert_uint_eq(total, n_ips);
		for (i = 0; i < n_ips; i++)
			ck_assert_uint_eq(seen[i], 1);
		/* Another round at the same time: nothing is due yet. */
		for (j = 0; j < rounds[r]; j++)
			ck_assert_uint_eq(dp_neigh_tick_step(nt, ifs, 2, mp, t, out, 8, rounds[r]), 0);
	}
}
END_TEST

/* ---- learning ------------------------------------------------------------ */

START_TEST(learning)
{
	struct rte_ether_addr a;
	struct fb f;
	uint32_t idx;

	/* Gratuitous ARP for an unknown address teaches nothing. */
	put_eth(&f, BCAST, PEER_MAC, 0, 0x0806);
	put_arp(&f, 1, 1, PEER_MAC, "198.18.0.10", (const uint8_t[6]){ 0 }, "198.18.0.10");
	expect_drop(&f, 0, DP_DROP_ARP_OTHER);
	ck_assert(!mac_of(0, "198.18.0.10", NULL, &idx));
	/* Once known, a gratuitous ARP moves it. */
	feed_arp_reply("198.18.0.10", PEER_MAC, 0, "198.18.0.1");
	ck_assert(dp_neigh_mac(nt, idx, &a));
	put_eth(&f, BCAST, OTHER_MAC, 0, 0x0806);
	put_arp(&f, 1, 1, OTHER_MAC, "198.18.0.10", (const uint8_t[6]){ 0 }, "198.18.0.10");
	expect_done(&f, 0);
	ck_assert(dp_neigh_mac(nt, idx, &a));
	ck_assert_mem_eq(a.addr_bytes, OTHER_MAC, 6);
	ck_assert_uint_eq(info_of(idx).state, DP_NEIGH_STALE);
	/* An ARP reply from an off-link sender is not learned... */
	feed_arp_reply("10.9.9.9", PEER_MAC, 0, "198.18.0.1");
	ck_assert_uint_eq(dp_neigh_count(nt), 1);
	ck_assert_int_eq(dp_neigh_release(nt, idx), 0);
	/* ...unless we asked: a gateway outside our prefix. */
	ifs[0].gateway4 = ipa("10.9.9.9");
	ck_assert(!mac_of(0, "203.0.113.1", NULL, &idx));
	feed_arp_reply("10.9.9.9", PEER_MAC, 0, "198.18.0.1");
	ck_assert(dp_neigh_mac(nt, idx, &a));
	ck_assert_mem_eq(a.addr_bytes, PEER_MAC, 6);
	ck_assert_int_eq(dp_neigh_release(nt, idx), 0);
}
END_TEST

/* Readers on another thread never see a MAC that was never published. */
static volatile int stop_reader;
static uint64_t torn;

static void *reader(void *arg)
{
	uint32_t idx = *(uint32_t *)arg;
	struct rte_ether_addr a;

	while (!__atomic_load_n(&stop_reader, __ATOMIC_ACQUIRE)) {
		if (dp_neigh_mac(nt, idx, &a) && memcmp(a.addr_bytes, PEER_MAC, 6) != 0 &&
		    memcmp(a.addr_bytes, OTHER_MAC, 6) != 0)
			torn++;
	}
	return NULL;
}

START_TEST(mac_publish)
{
	pthread_t t;
	uint32_t idx;
	unsigned i;

	ck_assert(!mac_of(0, "198.18.0.10", NULL, &idx));
	stop_reader = 0;
	torn = 0;
	ck_assert_int_eq(pthread_create(&t, NULL, reader, &idx), 0);
	for (i = 0; i < 20000; i++)
		feed_arp_reply("198.18.0.10", (i & 1) ? PEER_MAC : OTHER_MAC, 0, "198.18.0.1");
	__atomic_store_n(&stop_reader, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	ck_assert_uint_eq(torn, 0);
	ck_assert_uint_eq(nt->stats.learned, 20000);
	ck_assert_int_eq(dp_neigh_release(nt, idx), 0);
}
END_TEST

static int tel_neigh(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	return dp_neigh_telemetry(nt, rte_get_tsc_cycles(), d);
}

/* Asks the EAL telemetry socket for cmd; the JSON reply into buf. */
static void tel_query(const char *cmd, char *buf, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	ssize_t r;
	int fd;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/dpdk_telemetry.v2",
		 rte_eal_get_runtime_dir());
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	r = read(fd, buf, len - 1);	/* the greeting */
	ck_assert_int_gt(r, 0);
	ck_assert_int_eq(write(fd, cmd, strlen(cmd)), (ssize_t)strlen(cmd));
	r = read(fd, buf, len - 1);
	ck_assert_int_gt(r, 0);
	buf[r] = '\0';
	close(fd);
}

START_TEST(inspect)
{
	char json[16384];
	struct dp_neigh_info all[8];
	uint32_t cursor = 0, idx;
	struct dp_neigh_info one;

	ck_assert(!mac_of(0, "198.18.0.10", NULL, &idx));
	feed_arp_reply("198.18.0.10", PEER_MAC, 0, "198.18.0.1");
	ck_assert(!mac_of(0, "2001:db8:0:1::10", NULL, NULL));
	ck_assert_uint_eq(dp_neigh_dump(nt, rte_get_tsc_cycles(), all, 8), 2);
	ck_assert_uint_eq(dp_neigh_dump(nt, rte_get_tsc_cycles(), all, 1), 1);
	ck_assert_int_eq(dp_neigh_next(nt, &cursor, rte_get_tsc_cycles(), &one), 0);
	ck_assert_int_eq(dp_neigh_next(nt, &cursor, rte_get_tsc_cycles(), &one), 0);
	ck_assert_int_eq(dp_neigh_next(nt, &cursor, rte_get_tsc_cycles(), &one), -ENOENT);
	ck_assert_str_eq(dp_neigh_state_name(DP_NEIGH_REACHABLE), "reachable");
	ck_assert_str_eq(dp_neigh_state_name(99), "?");
	/* Through the real telemetry socket, as dpdk-telemetry.py would ask. */
	ck_assert_int_eq(rte_telemetry_register_cmd("/test/neigh", tel_neigh, "neighbors"), 0);
	tel_query("/test/neigh", json, sizeof(json));
	if (getenv("NEIGH_TEST_VERBOSE"))
		fprintf(stderr, "%s\n", json);
	ck_assert_msg(strstr(json, "\"count\": 2") || strstr(json, "\"count\":2"), "%s", json);
	ck_assert_msg(strstr(json, "\"0 198.18.0.10 02:00:00:00:00:AA reachable ") != NULL, "%s", json);
	ck_assert_msg(strstr(json, "\"0 2001:db8:0:1::10 - incomplete ") != NULL, "%s", json);
}
END_TEST

static Suite *neigh_suite(void)
{
	Suite *s = suite_create("neigh");
	TCase *tc;

	tc = tcase_create("vectors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, vec_arp_request);
	tcase_add_test(tc, vec_arp_request_vlan);
	tcase_add_test(tc, vec_icmp4_echo);
	tcase_add_test(tc, vec_ns);
	tcase_add_test(tc, vec_icmp6_echo);
	tcase_add_test(tc, vec_second_address);
	tcase_add_test(tc, vlan_stripped);
	tcase_add_test(tc, segments);
	suite_add_tcase(s, tc);

	tc = tcase_create("drops");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, arp_drops);
	tcase_add_test(tc, icmp4_drops);
	tcase_add_test(tc, ndp_drops);
	tcase_add_test(tc, ndp_dad);
	tcase_add_test(tc, mutations);
	suite_add_tcase(s, tc);

	tc = tcase_create("table");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, resolve);
	tcase_add_test(tc, capacity);
	tcase_add_test(tc, tick_arp);
	tcase_add_test(tc, tick_vlan_ns);
	tcase_add_test(tc, tick_no_mbuf);
	tcase_add_test(tc, tick_step);
	tcase_add_test(tc, learning);
	tcase_add_test(tc, mac_publish);
	tcase_add_test(tc, inspect);
	tcase_add_test(tc, mcast_macs);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(int argc, char **argv)
{
	char prefix[64];
	/* DPDK 22.11 makes --no-huge imply --legacy-mem, which it refuses
	 * together with --in-memory; --no-shconf is the part of --in-memory
	 * that matters here (no shared config files). */
	char *eal[] = { argv[0], "--no-huge", "--no-shconf", "--no-pci",
			"--file-prefix", prefix, "-l", "0", "--log-level=*:error", NULL };
	char rundir[PATH_MAX / 2], sock[PATH_MAX];
	SRunner *sr;
	int failed;

	if (argc != 2) {
		fprintf(stderr, "usage: %s VECTOR-DIR\n", argv[0]);
		return 2;
	}
	vec_dir = argv[1];
	snprintf(prefix, sizeof(prefix), "neigh%d", (int)getpid());
	if (rte_eal_init((int)RTE_DIM(eal) - 1, eal) < 0) {
		fprintf(stderr, "rte_eal_init failed: %s\n", rte_strerror(rte_errno));
		printf("not ok 1 - EAL initialisation\n1..1\n");
		return 1;
	}
	mp = rte_pktmbuf_pool_create("neigh_test", 511, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				     SOCKET_ID_ANY);
	if (!mp) {
		printf("not ok 1 - mempool\n1..1\n");
		return 1;
	}
	sr = srunner_create(neigh_suite());
	/* One process: EAL state does not survive fork(). */
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_set_tap(sr, "-");
	srunner_run_all(sr, CK_SILENT);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	rte_mempool_free(mp);
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	/* Our own runtime folder: only the telemetry socket is in it. */
	snprintf(sock, sizeof(sock), "%s/dpdk_telemetry.v2", rundir);
	unlink(sock);
	rmdir(rundir);
	return failed ? 1 : 0;
}
