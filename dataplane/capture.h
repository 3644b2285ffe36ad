/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet capture into a pcapng file (rte_pcapng). The file descriptor comes
 * from control: see capture.c for who opens the file and why.
 */
#ifndef DP_CAPTURE_H
#define DP_CAPTURE_H

#include <rte_branch_prediction.h>
#include <rte_mbuf.h>
#include <rte_pcapng.h>
#include <rte_ring.h>

#include "capture-t.h"
#include "lcore-t.h"

/* The copy pool and ring, sized at start-up. 0 or -errno. */
int dp_capture_init(struct dp_ctx *ctx);
/* Ends a running capture (file completed and closed), frees everything. */
void dp_capture_fini(struct dp_ctx *ctx);

/* MR_MSG_CAPTURE on the main lcore; returns the ack's result. */
int dp_capture_command(struct dp_ctx *ctx, const struct mr_msg *m);

/*
 * The main lcore's share: write what the workers copied, end the capture at
 * its limits. Returns true and fills *done (an MR_EVT_CAPTURE_DONE) when a
 * capture has ended; call only when the event can be queued.
 */
bool dp_capture_service(struct dp_ctx *ctx, uint64_t now, struct mr_msg *done);

/* Set a copy's pcapng timestamp from the packet's TSC (see capture.c). */
void dp_capture_stamp(struct rte_mbuf *cp, uint64_t tsc);

/* True while a capture runs: read once per burst by the worker. */
static inline bool dp_capture_on(const struct dp_lcore *lc)
{
	return lc->cap != NULL && lc->cap->on;
}

/*
 * Copy one packet of flow_id if the capture wants that flow. Never blocks:
 * an exhausted pool or a full ring is counted as dropped.
 */
static inline void dp_capture_packet(struct dp_lcore *lc, const struct rte_mbuf *m, uint32_t flow_id,
				     uint16_t port, uint16_t queue, uint64_t now,
				     enum rte_pcapng_direction dir)
{
	struct dp_capture *c = lc->cap;
	struct rte_mbuf *cp;

	if (!(c->flows[flow_id >> 3] & (1u << (flow_id & 7))))
		return;
	cp = rte_pcapng_copy(port, queue, m, c->pool, c->snaplen, now, dir);
	if (unlikely(cp == NULL)) {
		c->lc[lc->index].dropped++;
		return;
	}
	dp_capture_stamp(cp, now);
	if (unlikely(rte_ring_enqueue(c->ring, cp) != 0)) {
		rte_pktmbuf_free(cp);
		c->lc[lc->index].dropped++;
		return;
	}
	c->lc[lc->index].copied++;
}

#endif
