/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RTCP the relay terminates (a leg that receives transcoded media): the
 * remote's compound packets are parsed into the flow's stats slot (its last
 * SR for LSR/DLSR, its last report block and the round-trip time), and the
 * report blocks of the relay's own SR/RR are computed from the receive
 * statistics (RFC 3550 6.4.1, A.3). Workers only; nothing allocates.
 */
#ifndef DP_RTCP_H
#define DP_RTCP_H

#include <stdbool.h>
#include <stdint.h>

#include "rtp/rtp-t.h"

struct dp_lcore;
struct dp_flow_action;
struct mr_flow_stats;

/* Per transcoded flow, owned by the lcore that sends its reports. */
struct dp_rtcp_tx {
	uint64_t next_tsc;		/* the next report; 0: armed by the first packet */
	uint32_t rtcp_flow_id;		/* where the remote's SR arrives (MR_FLOW_ID_NONE: the peer flow) */
	uint32_t pad;
	struct mr_rtcp_interval iv;	/* the report block's interval (A.3) */
};

/* The wall-clock time of a TSC value as NTP 32.32 (the shm header's reference). */
uint64_t dp_rtcp_ntp(const struct dp_lcore *lc, uint64_t tsc);

/*
 * A remote's RTCP (decrypted) on a flow that consumes it: its SR and first
 * report block go into fs->rtcp. Returns 0, or -EBADMSG when it is not a
 * valid compound packet (RFC 3550 A.2; the caller counts the drop).
 */
int dp_rtcp_consume(struct dp_lcore *lc, struct mr_flow_stats *fs, const uint8_t *pl, uint16_t len,
		    uint64_t now);

/*
 * The report block of the relay's RTCP sent by transcoded flow a: on what
 * its peer flow receives from the same remote, LSR/DLSR from that remote's
 * last SR. Returns true when there is one (the peer's source is valid).
 */
bool dp_rtcp_report_block(const struct dp_lcore *lc, const struct dp_flow_action *a,
			  struct dp_rtcp_tx *tx, uint64_t now, struct mr_rtcp_rb *rb);

#endif
