/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench-relay: cycles per packet of the dataplane's packet path on one core,
 * beside a MAC swap of the same frames through the same port (the floor of
 * any forwarding: rx burst, touch the Ethernet header, tx burst).
 *
 * The port is an ethdev on two rte_rings (rte_eth_from_rings): frames are
 * put into its RX ring, one dp_worker_poll() (or one macswap round) is timed
 * with the TSC, and what comes out of its TX ring is restored and recycled.
 * Only the poll is timed. 214-byte G.711 RTP frames to N flows in random
 * order; IPv4 in and out; software checksums (the ring port has no offload).
 *
 *   bench-relay [-n FLOWS] [-p PACKETS] [-t TRIALS]
 * Prints one line per variant: "bench-relay relay flows=N cycles_pkt=X ns_pkt=Y mpps=Z".
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>
#include <rte_udp.h>

#include "cmdq.h"
#include "config/config.h"
#include "flowtab.h"
#include "neigh.h"
#include "port.h"
#include "worker.h"

#define FLOWS_PER_ADDR 50000
#define MAX_ADDRS 64		/* 3.2 M flows */
#define MAX_IFACES 1		/* one interface, its addresses keying the flows */
#define POOL_FRAMES 8192

static struct dp_ctx ctx;

/* The region lives in /dev/shm (memory): never leave it behind, whatever the exit. */
static void shm_cleanup(void)
{
	mr_shm_detach(&ctx.shm);
}
static struct rte_ring *rx_ring[MAX_IFACES], *tx_ring[MAX_IFACES];
static uint8_t (*frames)[256];
static uint16_t *frame_len;
static uint8_t *frame_if;

static const uint8_t peer_mac[6] = { 2, 0xaa, 0, 0, 0, 0x50 };

/* The relay's address a: 198.18.0.(10 + a); the peer is 198.18.0.2. */
static uint32_t ip_of(unsigned a)
{
	return (198u << 24) | (18u << 16) | (10u + a);
}

#define PEER_IP ((198u << 24) | (18u << 16) | 2u)

static void build_frame(unsigned i, unsigned flow)
{
	unsigned iface = 0, addr = flow / FLOWS_PER_ADDR;
	uint16_t port = (uint16_t)(10000 + flow % FLOWS_PER_ADDR);
	uint8_t *b = frames[i];
	struct rte_ipv4_hdr *ip = (void *)(b + 14);
	struct rte_udp_hdr *uh = (void *)(b + 34);
	uint8_t *rtp = b + 42;

	memcpy(b, ctx.ifaces[iface].mac.addr_bytes, 6);
	memcpy(b + 6, peer_mac, 6);
	b[12] = 0x08;
	b[13] = 0x00;
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(200);
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(PEER_IP);
	ip->dst_addr = rte_cpu_to_be_32(ip_of(addr));
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	uh->src_port = rte_cpu_to_be_16(port);
	uh->dst_port = rte_cpu_to_be_16(port);
	uh->dgram_len = rte_cpu_to_be_16(180);
	uh->dgram_cksum = 0;
	rtp[0] = 0x80;
	rtp[1] = 0;
	rtp[2] = (uint8_t)(i >> 8);
	rtp[3] = (uint8_t)i;
	memset(rtp + 4, 0, 8);
	rtp[11] = (uint8_t)flow;
	memset(rtp + 12, 0xd5, 160);
	uh->dgram_cksum = rte_ipv4_udptcp_cksum(ip, uh);
	frame_len[i] = 214;
	frame_if[i] = (uint8_t)iface;
}

static void fill(struct rte_mbuf *m, unsigned i)
{
	rte_pktmbuf_reset(m);
	rte_memcpy(rte_pktmbuf_append(m, frame_len[i]), frames[i], frame_len[i]);
}

/* One timed round of `burst` frames; returns cycles spent in the poll. */
static uint64_t round_once(struct rte_mbuf **pkts, unsigned burst, unsigned *next, unsigned n_frames,
			   bool macswap, struct dp_lcore *lc, unsigned *out)
{
	unsigned per_if[MAX_IFACES] = { 0 };
	struct rte_mbuf *byif[MAX_IFACES][64];
	uint64_t t0, t1;

	for (unsigned k = 0; k < burst; k++) {
		unsigned i = (*next)++ % n_frames;

		fill(pkts[k], i);
		byif[frame_if[i]][per_if[frame_if[i]]++] = pkts[k];
	}
	for (unsigned f = 0; f < ctx.n_ifaces; f++)
		rte_ring_enqueue_burst(rx_ring[f], (void **)byif[f], per_if[f], NULL);
	t0 = rte_rdtsc_precise();
	if (macswap) {
		for (unsigned f = 0; f < ctx.n_ifaces; f++) {
			struct rte_mbuf *m[64];
			uint16_t n = rte_eth_rx_burst(ctx.ifaces[f].port_id, 0, m, 64);

			for (uint16_t j = 0; j < n; j++) {
				struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m[j], struct rte_ether_hdr *);
				struct rte_ether_addr t = eh->dst_addr;

				eh->dst_addr = eh->src_addr;
				eh->src_addr = t;
			}
			rte_eth_tx_burst(ctx.ifaces[f].port_id, 0, m, n);
		}
	} else {
		dp_worker_poll(lc);
	}
	t1 = rte_rdtsc_precise();
	*out = 0;
	for (unsigned f = 0; f < ctx.n_ifaces; f++) {
		unsigned got = rte_ring_dequeue_burst(tx_ring[f], (void **)pkts + *out, burst - *out, NULL);

		*out += got;
	}
	return t1 - t0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	unsigned n_flows = 1000, n_pkts = 2000000, trials = 5, burst = DP_BURST, n_addrs;
	char prefix[64], err[256], mem[16];
	char *eal[] = { "bench-relay", "--no-huge", "--no-shconf", "--no-pci", "-m", mem,
			"--log-level=lib.eal:error", "--log-level=port:warning", "-l", "0",
			"--file-prefix", prefix, NULL };
	unsigned lcore_ids[1];
	struct rte_mbuf *pkts[64];
	unsigned next = 0, n_frames;
	int c;

	while ((c = getopt(argc, argv, "n:p:t:")) != -1) {
		switch (c) {
		case 'n': n_flows = (unsigned)atoi(optarg); break;
		case 'p': n_pkts = (unsigned)atoi(optarg); break;
		case 't': trials = (unsigned)atoi(optarg); break;
		default:
			fprintf(stderr, "usage: bench-relay [-n FLOWS] [-p PACKETS] [-t TRIALS]\n");
			return 2;
		}
	}
	if (n_flows == 0 || n_flows > FLOWS_PER_ADDR * MAX_ADDRS || trials == 0 || trials > 99) {
		fprintf(stderr, "bench-relay: 1..%u flows, 1..99 trials\n", FLOWS_PER_ADDR * MAX_ADDRS);
		return 2;
	}
	n_addrs = (n_flows + FLOWS_PER_ADDR - 1) / FLOWS_PER_ADDR;
	{
		/* The flow table (2 slots per flow, a power of two) takes about
		 * 310 MiB of DPDK memory per million slots: see the memory line. */
		uint64_t cap = 1;

		while (cap < 2ull * n_flows)
			cap <<= 1;
		snprintf(mem, sizeof(mem), "%u", (unsigned)(512 + cap * 340 / 1048576));
	}
	snprintf(prefix, sizeof(prefix), "bench-relay%d", (int)getpid());
	if (rte_eal_init((int)(sizeof(eal) / sizeof(eal[0])) - 1, eal) < 0) {
		fprintf(stderr, "bench-relay: EAL initialisation failed\n");
		return 1;
	}

	mr_config_defaults(&ctx.cfg);
	snprintf(ctx.cfg.dp.instance, sizeof(ctx.cfg.dp.instance), "benchrelay%d", (int)getpid());
	ctx.cfg.dp.workers = 0;
	ctx.cfg.dp.flows = 1;
	while (ctx.cfg.dp.flows < 2 * n_flows)
		ctx.cfg.dp.flows <<= 1;
	ctx.cfg.n_ifaces = 1;
	for (unsigned f = 0; f < ctx.cfg.n_ifaces; f++) {
		struct mr_cfg_iface *ci = &ctx.cfg.ifaces[f];
		char name[32];
		int pid;

		memset(ci, 0, sizeof(*ci));
		snprintf(ci->name, sizeof(ci->name), "if%u", f);
		snprintf(name, sizeof(name), "rin%u", f);
		rx_ring[f] = rte_ring_create(name, 1024, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "rout%u", f);
		tx_ring[f] = rte_ring_create(name, 1024, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "net_ring_bench%u", f);
		if (rx_ring[f] == NULL || tx_ring[f] == NULL ||
		    (pid = rte_eth_from_rings(name, &rx_ring[f], 1, &tx_ring[f], 1, 0)) < 0 ||
		    rte_eth_dev_get_name_by_port((uint16_t)pid, ci->device) != 0) {
			fprintf(stderr, "bench-relay: ring port: %s\n", rte_strerror(rte_errno));
			return 1;
		}
		ci->n_addrs4 = (uint16_t)n_addrs;
		for (unsigned a = 0; a < n_addrs; a++) {
			uint32_t be = rte_cpu_to_be_32(ip_of(a));

			ci->addrs4[a].family = 4;
			memcpy(ci->addrs4[a].addr, &be, 4);
		}
		ci->addr4 = ci->addrs4[0];
		ci->prefix4 = 24;
		ci->has_mac = true;
		memcpy(ci->mac, (uint8_t[]){ 2, 0, 0, 0, 0, (uint8_t)(1 + f) }, 6);
	}
	ctx.n_lcores = 1;
	ctx.tsc_hz = rte_get_tsc_hz();
	{
		struct mr_shm_params sp = { .instance = ctx.cfg.dp.instance, .n_flows = ctx.cfg.dp.flows,
					    .n_workers = 1, .n_ifaces = ctx.cfg.n_ifaces };

		if (mr_shm_create(&ctx.shm, &sp) != 0) {
			fprintf(stderr, "bench-relay: shm\n");
			return 1;
		}
		atexit(shm_cleanup);
	}
	ctx.qsv = rte_zmalloc(NULL, rte_rcu_qsbr_get_memsize(1), RTE_CACHE_LINE_SIZE);
	rte_rcu_qsbr_init(ctx.qsv, 1);
	ctx.ft = dp_flowtab_create(ctx.cfg.dp.flows, ctx.qsv, 0);
	ctx.neigh = dp_neigh_create(64, 0);
	ctx.cfg.dp.mbufs = 16384;
	if (ctx.ft == NULL || ctx.neigh == NULL || dp_port_init(&ctx, err, sizeof(err)) != 0) {
		fprintf(stderr, "bench-relay: setup: %s\n", err);
		return 1;
	}
	ctx.local_ring = rte_ring_create("dp_local", 1024, 0, RING_F_SC_DEQ);
	ctx.learn_ring = rte_ring_create_elem("dp_learned", 4, 1024, 0, RING_F_SC_DEQ);
	ctx.park_ring = rte_ring_create("dp_park", 1024, 0, RING_F_SC_DEQ);
	lcore_ids[0] = rte_lcore_id();
	if (dp_lcores_setup(&ctx, lcore_ids) != 0) {
		fprintf(stderr, "bench-relay: lcores\n");
		return 1;
	}
	ctx.rx_enabled = true;
	dp_cmdq_init(&ctx);

	/* Flows, through the command ring as control would program them. */
	for (unsigned i = 0; i < n_flows; i++) {
		unsigned f = 0, addr = i / FLOWS_PER_ADDR;
		uint16_t port = (uint16_t)(10000 + i % FLOWS_PER_ADDR);
		struct mr_msg m;

		memset(&m, 0, sizeof(m));
		m.hdr.type = MR_MSG_FLOW_ADD;
		m.hdr.seq = i;
		m.u.flow.flow_id = i;
		m.u.flow.peer_flow_id = MR_FLOW_ID_NONE;
		m.u.flow.key.iface = (uint16_t)f;
		m.u.flow.key.family = 4;
		m.u.flow.key.port = port;
		{
			uint32_t a = rte_cpu_to_be_32(ip_of(addr)), d = rte_cpu_to_be_32(PEER_IP);

			memcpy(m.u.flow.key.addr, &a, 4);
			m.u.flow.out_iface = (uint16_t)f;
			m.u.flow.out_src.ip.family = 4;
			memcpy(m.u.flow.out_src.ip.addr, &a, 4);
			m.u.flow.out_src.port = port;
			m.u.flow.out_dst.ip.family = 4;
			memcpy(m.u.flow.out_dst.ip.addr, &d, 4);
			m.u.flow.out_dst.port = port;
		}
		while (mr_shm_cmd_send(&ctx.shm, &m, 1) != 1)
			dp_service(&ctx);
		if ((i & 255) == 255) {
			struct mr_msg e[256];

			dp_service(&ctx);
			while (mr_shm_evt_recv(&ctx.shm, e, 256) > 0)
				;
		}
	}
	for (unsigned k = 0; k < 64; k++) {
		struct mr_msg e[256];

		dp_service(&ctx);
		while (mr_shm_evt_recv(&ctx.shm, e, 256) > 0)
			;
	}
	if (dp_flowtab_count(ctx.ft) != n_flows) {
		fprintf(stderr, "bench-relay: %u of %u flows installed\n", dp_flowtab_count(ctx.ft), n_flows);
		return 1;
	}
	/* The generator's address is a neighbor: an ARP reply from it per interface. */
	for (unsigned f = 0; f < ctx.n_ifaces; f++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(ctx.pool);
		uint8_t *b = (uint8_t *)rte_pktmbuf_append(m, 42);
		uint32_t sip = rte_cpu_to_be_32(PEER_IP), tip = rte_cpu_to_be_32(ip_of(0));

		memcpy(b, ctx.ifaces[f].mac.addr_bytes, 6);
		memcpy(b + 6, peer_mac, 6);
		b[12] = 0x08, b[13] = 0x06;
		memcpy(b + 14, (uint8_t[]){ 0, 1, 8, 0, 6, 4, 0, 2 }, 8);
		memcpy(b + 22, peer_mac, 6);
		memcpy(b + 28, &sip, 4);
		memcpy(b + 32, ctx.ifaces[f].mac.addr_bytes, 6);
		memcpy(b + 38, &tip, 4);
		m->port = ctx.ifaces[f].port_id;
		rte_ring_enqueue(ctx.local_ring, m);
	}
	for (unsigned k = 0; k < 16; k++)
		dp_service(&ctx);

	{
		/* What the flows cost: DPDK's heap (flow table, actions, mbufs,
		 * rings), the shm region (stats table) and the resident total. */
		struct rte_malloc_socket_stats ms;
		long pages = 0, page = sysconf(_SC_PAGESIZE);
		FILE *f = fopen("/proc/self/statm", "r");

		memset(&ms, 0, sizeof(ms));
		rte_malloc_get_socket_stats(0, &ms);
		if (f) {
			long vsz;

			if (fscanf(f, "%ld %ld", &vsz, &pages) != 2)
				pages = 0;
			fclose(f);
		}
		printf("bench-relay memory flows=%u addresses=%u table_slots=%u dpdk_heap_mib=%.1f shm_mib=%.1f rss_mib=%.1f\n",
		       n_flows, n_addrs, ctx.cfg.dp.flows, (double)ms.heap_allocsz_bytes / 1048576.0,
		       (double)ctx.shm.hdr->size / 1048576.0, (double)pages * (double)page / 1048576.0);
	}
	n_frames = n_flows < POOL_FRAMES ? POOL_FRAMES : n_flows;
	frames = malloc((size_t)n_frames * sizeof(*frames));
	frame_len = malloc(n_frames * sizeof(*frame_len));
	frame_if = malloc(n_frames);
	srand(1);
	for (unsigned i = 0; i < n_frames; i++)
		build_frame(i, (unsigned)rand() % n_flows);
	if (rte_pktmbuf_alloc_bulk(ctx.pool, pkts, burst) != 0)
		return 1;

	for (int v = 0; v < 2; v++) {
		bool macswap = v == 1;
		uint64_t res[100];
		uint64_t sent = 0;

		for (unsigned t = 0; t < trials; t++) {
			uint64_t cyc = 0, done = 0;
			unsigned out, empty = 0;

			while (done < n_pkts) {
				cyc += round_once(pkts, burst, &next, n_frames, macswap, ctx.lcores[0], &out);
				done += out;
				sent += out;
				if (out == 0 && ++empty > 10000) {
					for (unsigned i = 0; i < DP_DROP__COUNT; i++)
						if (ctx.shm.workers[0].drops[i])
							fprintf(stderr, "bench-relay: nothing comes out; drop %u: %lu\n",
								i, (unsigned long)ctx.shm.workers[0].drops[i]);
					return 1;
				}
				if (out < burst) {
					/* Dropped frames went back to the pool: take new ones. */
					if (rte_pktmbuf_alloc_bulk(ctx.pool, pkts + out, burst - out) != 0)
						return 1;
				}
			}
			res[t] = cyc * 1000 / done;	/* milli-cycles per packet */
		}
		qsort(res, trials, sizeof(res[0]), cmp_u64);
		{
			double cpp = (double)res[trials / 2] / 1000.0;
			double ns = cpp * 1e9 / (double)ctx.tsc_hz;

			printf("bench-relay %s flows=%u cycles_pkt=%.1f ns_pkt=%.1f mpps=%.2f trials=%u packets=%u\n",
			       macswap ? "macswap" : "relay", n_flows, cpp, ns, 1e3 / ns, trials, n_pkts);
		}
	}
	printf("bench-relay relay-busy cycles_pkt=%.1f (the dataplane's own busy_tsc / rx_packets)\n",
	       (double)ctx.shm.workers[0].busy_tsc / (double)(ctx.shm.workers[0].rx_packets ?: 1));
	{
		uint64_t d = 0;

		for (unsigned i = 0; i < DP_DROP__COUNT; i++)
			d += ctx.shm.workers[0].drops[i];
		printf("bench-relay dropped=%lu (must be 0)\n", (unsigned long)d);
		if (d)
			return 1;
	}
	return 0;
}
