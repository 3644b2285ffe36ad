/* SPDX-License-Identifier: BSD-3-Clause */
/* The flow table: key -> action, read lock-free by every worker. */
#ifndef DP_FLOWTAB_T_H
#define DP_FLOWTAB_T_H

#include <stdint.h>

#include <rte_common.h>

#include "shm/msg-t.h"

struct mr_codec_xc;

struct dp_flow_srtp;

/*
 * What to do with the packets of one flow. Immutable once published: a
 * modify builds a new action and swaps the hash entry's data pointer, the old
 * one is freed after every worker has passed a quiescent state. Two cache
 * lines; the first holds all that a plain relayed packet reads.
 */
struct dp_flow_action {
	uint32_t flags;			/* MR_FLOW_F_* */
	uint32_t flow_id;		/* stats slot */
	uint16_t out_port;		/* DPDK port of the egress interface */
	uint16_t out_vlan;
	uint8_t out_iface;
	uint8_t out_family;		/* 4 or 6 */
	uint8_t expect_family;		/* 0: no expected source */
	uint8_t has_dst;		/* out_dst usable */
	uint32_t neigh_idx;
	uint16_t out_sport;		/* network order */
	uint16_t out_dport;		/* network order */
	uint16_t expect_port;		/* network order, 0 = any port */
	uint16_t learn_epoch;		/* matches mr_flow_stats.flags >> 16 once learned */
	uint32_t pt_map;		/* 0, or 1 + the payload-type table's index (dp_flowtab_pt_maps) */
	uint64_t learn_until_tsc;	/* learning allowed before this tsc */
	uint32_t ssrc_out;		/* network order */
	uint32_t ts_delta;
	uint16_t seq_delta;
	uint8_t te_pt;			/* MR_FLOW_F_DTMF: telephone-event payload type as sent */
	uint8_t pad;
	uint32_t clock_rate;
	uint8_t expect_src[16];
	/* --- second cache line: addresses --- */
	uint8_t out_src[16];
	uint8_t out_dst[16];
	uint64_t arrival_mult;		/* tsc -> RTP clock units, << 32 */
	uint32_t peer_flow_id;
	uint32_t xc_slot;		/* MR_FLOW_F_TRANSCODE: the transcoder's pool slot */
	struct dp_flow_srtp *srtp;	/* NULL: plain RTP both ways (srtp-t.h) */
} __rte_cache_aligned;

static_assert(sizeof(struct dp_flow_action) == 128, "two cache lines");

/*
 * The main lcore's private record of a flow slot (flow_id): what control
 * programmed (SRTP keys wiped), the published action, and the bookkeeping of
 * learning and idle reports. Never read by workers.
 */
struct dp_flow_slot {
	struct mr_flow_spec spec;
	struct dp_flow_action *act;	/* NULL: slot free */
	uint64_t programmed_tsc;	/* last ADD or MOD */
	uint64_t idle_seen_tsc;		/* last_seen_tsc when idle was last reported */
	uint32_t idle_reported_s;	/* idle seconds already reported for that */
	uint16_t epoch;			/* learning epoch of the current action */
	uint16_t learn_reported;	/* epoch + 1 of the last LEARNED event, 0 = none */
	uint8_t pad[4];
	struct mr_codec_xc *xc;		/* the transcoder the published action uses (main lcore) */
};

/* Learned state is published in the stats slot's flags: bit 1 + epoch << 16. */
#define DP_LEARN_EPOCH_SHIFT 16

#endif
