/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mrelay-gen: types shared by the generator's files. The stamp lives at the
 * start of the RTP payload, which a relay forwards unchanged; everything the
 * receiver verifies is derived from it and from the flow plan.
 */
#ifndef MRGEN_T_H
#define MRGEN_T_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#define GEN_FRAME_LEN 214	/* 14 Eth + 20 IPv4 + 8 UDP + 12 RTP + 160 G.711 */
#define GEN_HDR_LEN 54		/* up to the RTP payload */
#define GEN_PAYLOAD_LEN 160	/* 20 ms of PCMU */
#define GEN_STAMP_MAGIC 0x3147524du	/* "MRG1" little-endian */
#define GEN_STAMP_F_WARMUP 1u

/* Histogram: log2 buckets, each split into 2^GEN_HIST_SUB linear sub-buckets
 * (relative error below 1/2^GEN_HIST_SUB, as HdrHistogram with 2 digits). */
#define GEN_HIST_SUB 5
#define GEN_HIST_BUCKETS ((64 - GEN_HIST_SUB + 1) << GEN_HIST_SUB)

/* The first bytes of the RTP payload; the rest is a PCMU tone. */
struct gen_stamp {
	uint32_t magic;
	uint16_t trial;		/* trial number: late packets of an earlier trial are ignored */
	uint16_t flags;		/* GEN_STAMP_F_* */
	uint32_t flow;		/* flow index, 0..flows-1 */
	uint32_t crc;		/* CRC32-C of the whole payload with this field left out */
	uint64_t seq;		/* per-flow sequence, from 0 in every trial */
	uint64_t tsc;		/* TSC at transmission */
} __attribute__((packed));

_Static_assert(sizeof(struct gen_stamp) == 32, "stamp layout");

enum gen_mode {
	GEN_MODE_RELAY = 0,	/* frames come back from the relay towards the generator's addresses */
	GEN_MODE_MACSWAP = 1,	/* frames come back unchanged except the MAC addresses swapped */
};

/*
 * Flow i uses address index a = i / ports_per_addr and port
 * p = port_base + i % ports_per_addr: the generator sends from gen_ip + a : p
 * to dut_ip + a : p, and the relay sends it back from dut_ip + a : p to
 * gen_ip + a : p. scripts/bench programs the relay with the same plan.
 */
struct gen_plan {
	uint32_t flows;
	uint32_t gen_ip;	/* host byte order */
	uint32_t dut_ip;
	uint16_t port_base;
	uint32_t ports_per_addr;
	uint32_t n_addrs;
	struct rte_ether_addr gen_mac;
	struct rte_ether_addr dut_mac;
};

struct gen_hist {
	uint64_t count[GEN_HIST_BUCKETS];
	uint64_t total;
	uint64_t max;
};

/* Receiver state of one flow: the next expected sequence and which of the
 * 64 before it arrived, to tell reordering from duplication. */
struct gen_flow_rx {
	uint64_t next;
	uint64_t seen;		/* bit k: next - 1 - k arrived */
};

struct gen_counts {
	uint64_t tx;		/* built for this trial (including deliberately dropped) */
	uint64_t rx_ok;		/* verified, first copy */
	uint64_t corrupt;	/* payload CRC wrong */
	uint64_t hdr_err;	/* IPv4/UDP header not as the wire contract says */
	uint64_t misdirected;	/* addresses or ports not those of the stamped flow */
	uint64_t dup;
	uint64_t reorder;	/* arrived after a later packet of its flow */
	uint64_t gaps;		/* sequence numbers skipped when a later one arrived */
	uint64_t stale;		/* an earlier trial's or the warm-up's packets */
	uint64_t foreign;	/* not generator traffic (and not ARP) */
	uint64_t arp_replies;	/* ARP requests answered */
	uint64_t inj_drop;	/* built and freed instead of sent (--fault-drop) */
	uint64_t inj_corrupt;	/* payload byte flipped after the CRC (--fault-corrupt) */
	uint64_t tx_retries;	/* tx_burst returned short (back-pressure) */
	uint64_t stalls;	/* loop iterations longer than 50 us (the core was taken away) */
	uint64_t shifted;	/* TSC cycles the paced schedule moved on for them */
	uint64_t max_loop;	/* longest loop iteration, TSC cycles */
	uint64_t auth_fail;	/* SRTP tag rejected (media scenarios) */
	uint64_t undecodable;	/* transcoded payload that does not decode */
};

#endif
