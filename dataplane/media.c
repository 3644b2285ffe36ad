/* SPDX-License-Identifier: BSD-3-Clause */
/* Media lcores: the transcoded flows' packets from the workers' rings to the wire. */
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "media.h"
#include "worker.h"

void dp_media_poll(struct dp_lcore *lc)
{
	struct rte_mbuf *m[DP_BURST];
	uint64_t start = rte_rdtsc();
	unsigned n;

	if (unlikely(lc->test_mode)) {
		/* Workers wait for this in test mode, before their next burst (worker.c). */
		lc->media_busy = true;
		rte_smp_mb();
	}
	n = likely(!lc->ctx->media_held) ?
	    rte_ring_dequeue_burst(lc->media_in, (void **)m, DP_BURST, NULL) : 0;
	if (n != 0) {
		lc->ws->ring_packets += n;
		dp_worker_burst(lc, m, (uint16_t)n, start);
	}
	dp_lcore_tx_flush(lc);
	if (unlikely(lc->test_mode)) {
		rte_smp_mb();
		lc->media_busy = false;
	}
	if (n != 0)
		lc->ws->busy_tsc += rte_rdtsc() - start;
	dp_lcore_loop_done(lc, start);
}

int dp_media_main(void *arg)
{
	struct dp_lcore *lc = arg;
	struct dp_ctx *ctx = lc->ctx;

	rte_rcu_qsbr_thread_register(lc->qsv, lc->index);
	rte_rcu_qsbr_thread_online(lc->qsv, lc->index);
	while (!ctx->quit) {
		dp_media_poll(lc);
		/* No action is held across rounds: what is in the ring is only mbufs. */
		rte_rcu_qsbr_quiescent(lc->qsv, lc->index);
	}
	rte_rcu_qsbr_thread_offline(lc->qsv, lc->index);
	rte_rcu_qsbr_thread_unregister(lc->qsv, lc->index);
	return 0;
}
