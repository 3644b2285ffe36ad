/* SPDX-License-Identifier: BSD-3-Clause */
/* RFC 4733 digits of flows that are not transcoded: read, reported once, passed unchanged. */
#include <string.h>

#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "drop-t.h"
#include "dtmf.h"
#include "flowtab-t.h"
#include "lcore-t.h"
#include "rtp/rtp.h"
#include "transcode.h"

static void report(struct dp_lcore *lc, const struct dp_flow_action *a, const struct mr_flow_dtmf *d,
		   uint8_t volume)
{
	struct rte_ring *r = dp_transcode_dtmf_ring(lc->ctx);
	struct dp_transcode_dtmf ev;

	memset(&ev, 0, sizeof(ev));
	ev.flow_id = a->flow_id;
	ev.d.event = d->event;
	ev.d.source = 0;
	ev.d.volume = volume;
	ev.d.duration_ms = (uint16_t)((uint64_t)d->duration * 1000 / (a->clock_rate ? a->clock_rate : 8000));
	ev.d.ts = d->ts;
	if (r == NULL || rte_ring_enqueue_elem(r, &ev, sizeof(ev)) != 0)
		lc->drops[DP_DROP_XC_EVENT]++;
}

void dp_dtmf_pass(struct dp_lcore *lc, struct mr_flow_stats *fs, const struct dp_flow_action *a,
		  const uint8_t *pl, uint16_t len)
{
	struct mr_flow_dtmf *d = &fs->dtmf;
	struct mr_rtp_hdr h;
	const uint8_t *ev;
	uint16_t dur;
	bool end;

	if (mr_rtp_hdr_parse(pl, len, &h) < 0 || h.payload_len < 4)
		return;	/* relayed as it is; nothing to report */
	ev = pl + h.hdr_len;
	if (ev[0] > 15)
		return;	/* not a DTMF event (RFC 4733 4.3: 16 and up are other tones) */
	end = (ev[1] & 0x80) != 0;
	dur = (uint16_t)(ev[2] << 8 | ev[3]);
	if (!(d->state & MR_FLOW_DTMF_ACTIVE) || d->ts != h.ts) {
		/* A new event: the previous one, if its end was lost, is reported now. */
		if ((d->state & (MR_FLOW_DTMF_ACTIVE | MR_FLOW_DTMF_REPORTED)) == MR_FLOW_DTMF_ACTIVE)
			report(lc, a, d, 0);
		d->ts = h.ts;
		d->event = ev[0];
		d->duration = 0;
		d->state = MR_FLOW_DTMF_ACTIVE;
	}
	if (dur > d->duration)
		d->duration = dur;
	if (end && !(d->state & MR_FLOW_DTMF_REPORTED)) {
		d->state |= MR_FLOW_DTMF_REPORTED;
		report(lc, a, d, ev[1] & 0x3f);
	}
}
