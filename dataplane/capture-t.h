/* SPDX-License-Identifier: BSD-3-Clause */
/* Packet capture (mrelayctl capture): the state workers and the main lcore share. */
#ifndef DP_CAPTURE_T_H
#define DP_CAPTURE_T_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>

#include "shm/shm-t.h"

struct rte_mempool;
struct rte_ring;
struct rte_pcapng;

/* Forwarding and media lcores (lcore index: workers first, then media lcores). */
#define DP_CAPTURE_MAX_LCORES 32

/* Counters one forwarding lcore keeps of the capture (its own line). */
struct dp_capture_lcore {
	uint64_t copied;		/* copies handed to the main lcore */
	uint64_t dropped;		/* copy pool or ring exhausted */
} __rte_cache_aligned;

enum dp_capture_state {
	DP_CAPTURE_IDLE = 0,
	DP_CAPTURE_RUNNING,
	DP_CAPTURE_STOPPING,		/* workers are told; waiting for them to pass a quiescent state */
};

/*
 * One capture at a time. Workers read `on` once per burst (the only cost
 * when no capture runs) and, while it is set, the bitmap of flows, copy with
 * rte_pcapng_copy into `pool` and enqueue on `ring` (multi-producer). Only
 * the main lcore writes the file.
 */
struct dp_capture {
	volatile uint8_t on;		/* read by every worker burst */
	uint8_t *flows;			/* bitmap by flow id, n_flows bits */
	struct rte_mempool *pool;	/* preallocated copies */
	struct rte_ring *ring;		/* copies to the main lcore */
	uint32_t snaplen;
	/* --- main lcore only: a line of its own, workers read the first --- */
	uint32_t n_flows __rte_cache_aligned;	/* bitmap capacity */
	enum dp_capture_state state;
	uint32_t id;
	uint32_t max_packets;
	uint32_t reason;		/* MR_CAPTURE_END_* once stopping */
	int32_t result;
	uint64_t deadline_tsc;		/* 0 = none */
	uint64_t next_check_tsc;	/* of the requester, once a second */
	int pidfd;			/* of the process that asked (control) */
	uint64_t qsbr_token;
	uint64_t written, bytes, over;	/* over: copies past max_packets, not written */
	struct rte_pcapng *out;
	uint32_t n_ids;
	uint32_t ids[MR_CAPTURE_MAX_FLOWS];
	struct dp_capture_lcore lc[DP_CAPTURE_MAX_LCORES];
};

#endif
