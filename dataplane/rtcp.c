/* SPDX-License-Identifier: BSD-3-Clause */
/* RTCP the relay terminates: the remote's reports in, the relay's report blocks out. */
#include <errno.h>
#include <string.h>

#include "flowtab-t.h"
#include "lcore-t.h"
#include "rtcp.h"
#include "rtp/rtp.h"

uint64_t dp_rtcp_ntp(const struct dp_lcore *lc, uint64_t tsc)
{
	const struct mr_shm_hdr *h = lc->ctx->shm.hdr;
	uint64_t ns = h->time_ref_ns +
		      (uint64_t)(((unsigned __int128)(tsc - h->tsc_ref) * 1000000000u) / lc->tsc_hz);

	return (ns / 1000000000u + 2208988800u) << 32 |
	       (uint64_t)(((ns % 1000000000u) << 32) / 1000000000u);
}

int dp_rtcp_consume(struct dp_lcore *lc, struct mr_flow_stats *fs, const uint8_t *pl, uint16_t len,
		    uint64_t now)
{
	struct mr_rtcp_remote *r = &fs->rtcp;
	struct mr_rtcp_info info;
	uint32_t rtt;

	if (mr_rtcp_parse(pl, len, &info) < 0 && mr_rtcp_parse_reduced(pl, len, &info) < 0)
		return -EBADMSG;
	if (info.has_sr) {
		r->lsr = mr_rtcp_ntp_mid(info.ntp_ts);
		r->sr_count++;
		/* Readers on other lcores take lsr with the time it arrived. */
		__atomic_store_n(&r->sr_tsc, now, __ATOMIC_RELEASE);
	}
	if (info.n_rb > 0) {
		const struct mr_rtcp_rb *rb = &info.rb[0];

		r->rb_ssrc = rb->ssrc;
		r->fraction_lost = rb->fraction_lost;
		r->cumulative_lost = rb->cumulative_lost;
		r->ext_highest_seq = rb->ext_highest_seq;
		r->jitter = rb->jitter;
		r->rb_count++;
		if (mr_rtcp_rtt(mr_rtcp_ntp_mid(dp_rtcp_ntp(lc, now)), rb, &rtt) == 0)
			r->rtt_us = (uint32_t)(((uint64_t)rtt * 1000000u) >> 16);
	}
	return 0;
}

bool dp_rtcp_report_block(const struct dp_lcore *lc, const struct dp_flow_action *a,
			  struct dp_rtcp_tx *tx, uint64_t now, struct mr_rtcp_rb *rb)
{
	uint32_t n_flows = lc->ctx->shm.hdr->n_flows;
	uint32_t sr_id = tx->rtcp_flow_id != MR_FLOW_ID_NONE ? tx->rtcp_flow_id : a->peer_flow_id;
	uint32_t lsr = 0, dlsr = 0;

	if (a->peer_flow_id >= n_flows)
		return false;
	if (sr_id < n_flows) {
		const struct mr_rtcp_remote *r = &lc->flow_stats[sr_id].rtcp;
		uint64_t at = __atomic_load_n(&r->sr_tsc, __ATOMIC_ACQUIRE);

		if (at != 0 && now >= at) {
			lsr = r->lsr;
			/* The delay since that SR, in 1/65536 s. */
			dlsr = (uint32_t)(((unsigned __int128)(now - at) << 16) / lc->tsc_hz);
		}
	}
	return mr_rtcp_rb_fill(&lc->flow_stats[a->peer_flow_id].rtp, &tx->iv, lsr, dlsr, rb) == 0;
}
