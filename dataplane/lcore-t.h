/* SPDX-License-Identifier: BSD-3-Clause */
/* The per-lcore context of the packet path, and the process-wide one. */
#ifndef DP_LCORE_T_H
#define DP_LCORE_T_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_ether.h>

#include "config/config-t.h"
#include "drop-t.h"
#include "iface-t.h"
#include "parse-t.h"
#include "srtp-t.h"
#include "shm/shm.h"

#define DP_BURST 32
#define DP_MAX_PORTS 8
#define DP_MAX_MEDIA 14		/* media lcores ([dataplane] media-lcores) */

struct dp_flowtab;
struct dp_neigh;
struct rte_hash;
struct rte_rcu_qsbr;
struct rte_ring;
struct rte_mempool;
struct dp_ctx;
struct dp_transcode;
struct dp_capture;

/* One RX queue polled by an lcore. */
struct dp_rxq {
	uint16_t port_id;
	uint16_t queue_id;
};

/* The egress side of one port as seen by one lcore. */
struct dp_txq {
	struct rte_eth_dev_tx_buffer *buf;
	uint16_t port_id;
	uint16_t queue_id;
	uint64_t offloads;		/* RTE_ETH_TX_OFFLOAD_* of the port */
	struct rte_ether_addr mac;
};

/*
 * One forwarding lcore (a worker, or the main lcore when workers = 0).
 * Cache-aligned; what every burst touches comes first.
 */
struct dp_lcore {
	const struct rte_hash *hash;
	struct dp_neigh *neigh;
	struct mr_flow_stats *flow_stats;	/* the shm stats table */
	const uint8_t *pt_maps;			/* payload-type tables of the actions (flowtab) */
	struct mr_worker_stats *ws;		/* this lcore's shm counters */
	uint64_t *drops;			/* ws->drops, by enum dp_drop */
	const struct dp_iface *ifaces;
	struct rte_ring *local_ring;		/* ARP/ICMP/NDP to the main lcore */
	struct rte_ring *learn_ring;		/* flow ids that just learned their source */
	struct rte_ring *park_ring;		/* rewritten frames waiting for their next hop's MAC */
	struct rte_rcu_qsbr *qsv;
	struct dp_capture *cap;			/* capture.c: its `on` is read once per burst */
	uint64_t tsc_hz;
	uint16_t n_ifaces;
	uint16_t n_rxq;
	uint16_t n_txq;
	uint8_t ttl;
	uint8_t burst;				/* RX burst size (DP_BURST; 1 in test mode) */
	struct dp_rxq rxq[DP_MAX_PORTS];
	struct dp_txq txq[RTE_MAX_ETHPORTS];	/* by DPDK port id */
	struct dp_pkt pkts[DP_BURST];
	/*
	 * Transcoded flows go to media lcore flow_id % n_media (0: transcoded
	 * here, inline): collected per burst, enqueued at its end.
	 */
	uint16_t n_media;
	uint16_t media_n[DP_MAX_MEDIA];
	struct rte_ring *media_ring[DP_MAX_MEDIA];
	struct rte_mbuf *media_buf[DP_MAX_MEDIA][DP_BURST];
	/* --- cold --- */
	uint64_t loop_tsc;			/* start of the previous loop */
	uint64_t gap_tsc;			/* MR_POLL_GAP_US in TSC cycles */
	uint16_t tx_ports[DP_MAX_PORTS];	/* ports to flush */
	uint16_t n_tx_ports;
	bool test_mode;				/* track RX activity for exit-when-idle */
	uint32_t rx_pace_us;			/* test mode: pause after each RX burst */
	struct rte_ring *tx_in;			/* frames from the main lcore to send (lcore 0 only) */
	struct dp_ctx *ctx;
	unsigned lcore_id;
	unsigned index;				/* qsbr thread id: workers first, then media lcores */
	bool is_main;
	/* A media lcore: its ring, multi-producer (the workers), single consumer. */
	struct rte_ring *media_in;
	volatile bool media_busy;		/* test mode: between dequeue and TX flush */
	/* SRTP pass-through: each packet's tag is verified on a copy here. */
	uint8_t srtp_scratch[DP_SRTP_SCRATCH] __rte_cache_aligned;
} __rte_cache_aligned;

/* Options only the tests use (documented in --help). */
struct dp_test_opts {
	bool start_on_barrier;		/* no RX until the first BARRIER is applied */
	uint32_t exit_when_idle_ms;	/* exit once RX has been quiet this long (0 = never) */
	uint8_t burst;			/* RX burst size override */
	uint32_t rx_pace_us;		/* pause after each RX burst */
	bool media_hold;		/* media lcores take nothing from their rings until the
					 * BARRIER after the one that started RX */
	uint32_t capture_pool;		/* capture copies (0: the default), to exhaust it */
	bool rxq_per_lcore;		/* one RX queue per forwarding lcore even without RSS: the
					 * caller fills each queue itself (bench-relay's ring port);
					 * set in code, not a command-line option */
};

/* The process: built by main.c, port.c and cmdq.c; read-only for workers. */
struct dp_ctx {
	struct mr_config cfg;
	struct mr_shm shm;
	unsigned n_ifaces;
	struct dp_iface ifaces[DP_MAX_IFACES];
	unsigned n_ports;
	uint16_t ports[DP_MAX_PORTS];		/* DPDK port ids in use */
	struct rte_mempool *pool;
	struct dp_flowtab *ft;
	struct dp_neigh *neigh;
	struct rte_ring *local_ring;
	struct rte_ring *learn_ring;
	struct rte_ring *park_ring;
	struct rte_rcu_qsbr *qsv;
	struct dp_transcode *xc;		/* transcoder pool, grace queue, DTMF ring */
	unsigned n_lcores;			/* forwarding lcores (>= 1) */
	struct dp_lcore *lcores[MR_SHM_MAX_WORKERS];
	unsigned n_media;			/* media lcores ([dataplane] media-lcores) */
	struct dp_lcore *media[DP_MAX_MEDIA];
	struct dp_test_opts test;
	uint64_t tsc_hz;
	/* Read by every worker loop, written rarely: a line of its own. */
	volatile bool rx_enabled __rte_cache_aligned;	/* false until the first barrier in test mode */
	volatile bool quit;
	volatile bool media_held;		/* test mode: see dp_test_opts.media_hold */
	/* Test mode only, each written by one side. */
	volatile bool local_busy __rte_cache_aligned;	/* main lcore handling local frames */
	uint64_t last_rx_tsc __rte_cache_aligned;	/* for exit-when-idle */
};

#endif
