/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DTMF in the transcoder: RFC 4733 events passed through with the output
 * leg's payload type, clock and timestamps; events played as tones (spandsp
 * dtmf_tx) into a leg without telephone-event; in-band digits detected
 * (spandsp dtmf_rx) and sent as RFC 4733 events. Each digit is reported once
 * on the transcoder's DTMF queue, whatever the number of end packets.
 */
#include <string.h>

#include "codec/codec-priv.h"

#define END_RETRANSMIT 3	/* RFC 4733 2.5.1.4: the final packet, three times */
#define DET_VOLUME_DEFAULT 10

static void report(struct mr_codec_xc *xc, uint8_t code, uint8_t source, uint8_t volume,
		   uint32_t dur, uint32_t clock, uint32_t out_ts)
{
	struct mr_codec_dtmf *r;
	uint64_t ms = (uint64_t)dur * 1000 / clock;

	if (xc->dq_len == MR_CODEC_DTMF_QUEUE) {
		xc->dq_head = (xc->dq_head + 1) % MR_CODEC_DTMF_QUEUE;
		xc->dq_len--;
		xc->st.dtmf_dropped++;
	}
	r = &xc->dq[(xc->dq_head + xc->dq_len) % MR_CODEC_DTMF_QUEUE];
	memset(r, 0, sizeof(*r));
	r->event = code;
	r->source = source;
	r->volume = volume;
	r->duration_ms = ms > UINT16_MAX ? UINT16_MAX : (uint16_t)ms;
	r->ts = out_ts;
	xc->dq_len++;
	xc->st.dtmf_digits++;
}

static void send_event(struct mr_codec_xc *xc, bool marker, uint32_t ts, uint8_t code,
		       bool end, uint8_t volume, uint32_t dur_out)
{
	uint8_t b[4];

	if (dur_out > UINT16_MAX)
		dur_out = UINT16_MAX;
	b[0] = code;
	b[1] = (uint8_t)((end ? 0x80 : 0) | (volume & 0x3f));
	b[2] = (uint8_t)(dur_out >> 8);
	b[3] = (uint8_t)dur_out;
	if (xc_emit(xc, xc->p.out_te_pt, marker, ts, b, sizeof(b)) == 0)
		xc->st.te_out++;
}

/* spandsp's realtime report: code is the digit at its start, 0 at its end. */
static void det_report(void *user, int code, int level, int delay)
{
	struct mr_codec_xc *xc = user;
	struct xc_event_det *det = &xc->det;
	int ev = code ? mr_codec_dtmf_code((char)code) : -1;

	(void)delay;
	det->start_pending = true;	/* this chunk had tone in it: muted */
	if (det->active && (ev < 0 || ev != det->code)) {
		/* The digit ended (or turned into another). */
		uint32_t dur = det->chunk_end - det->out_ts;

		det->active = false;
		if (xc->p.out_te_pt != MR_CODEC_PT_NONE)
			for (int i = 0; i < END_RETRANSMIT; i++)
				send_event(xc, !det->sent, det->out_ts, det->code, true,
					   det->volume, dur);
		report(xc, det->code, 1, det->volume, dur, xc->out_clock, det->out_ts);
	}
	if (ev >= 0 && !det->active) {
		det->active = true;
		det->sent = false;
		det->code = (uint8_t)ev;
		det->volume = level < 0 && level > -64 ? (uint8_t)-level : DET_VOLUME_DEFAULT;
		det->out_ts = det->chunk_ts;
	}
}

void xc_dtmf_setup(struct mr_codec_xc *xc)
{
	const struct mr_codec_params *p = &xc->p;
	bool te_in = p->in_te_pt != MR_CODEC_PT_NONE;
	bool te_out = p->out_te_pt != MR_CODEC_PT_NONE;

	xc->dtmf_detect = (xc->rate == 8000 || xc->rate == 16000) &&
			  !(p->flags & MR_CODEC_F_NO_DTMF_DETECT) &&
			  ((!te_in && te_out) || (p->flags & MR_CODEC_F_DTMF_DETECT));
	xc->dtmf_tones = te_in && !te_out && xc->rate % 8000 == 0 &&
			 !(p->flags & MR_CODEC_F_NO_DTMF_TONES);
	if (xc->dtmf_detect) {
		dtmf_rx_init(xc->drx, NULL, NULL);
		dtmf_rx_set_realtime_callback(xc->drx, det_report, xc);
	}
	if (xc->dtmf_tones)
		dtmf_tx_init(xc->dtx);
}

void xc_dtmf_input(struct mr_codec_xc *xc, uint32_t ts, int16_t seq_delta,
		   const uint8_t *pl, uint16_t len)
{
	struct xc_event_in *ev = &xc->ev;
	bool te_out = xc->p.out_te_pt != MR_CODEC_PT_NONE;
	bool first = false, end;
	uint8_t code, vol;
	uint32_t dur;

	if (len < 4) {
		xc->st.garbage++;
		return;
	}
	code = pl[0];
	end = pl[1] & 0x80;
	vol = pl[1] & 0x3f;
	dur = (uint32_t)pl[2] << 8 | pl[3];

	if (!ev->valid || ts != ev->ts) {
		if (seq_delta <= 0) {
			/* A stray packet of an older event. */
			xc->st.late++;
			return;
		}
		/* A new event; the previous one ends here if its end was lost. */
		if (ev->valid && !ev->reported)
			report(xc, ev->code, 0, ev->volume, ev->duration, xc->in_clock, ev->out_ts);
		memset(ev, 0, sizeof(*ev));
		ev->valid = true;
		ev->ts = ts;
		ev->code = code;
		ev->reported = code > 15;	/* flash and others: passed, not reported */
		first = true;
		if (xc->dtmf_tones && code <= 15) {
			char c = mr_codec_dtmf_char(code);

			xc->cn_active = false;
			(void)xc_catch_up(xc, ts, seq_delta > 1);
			dtmf_tx_init(xc->dtx);
			/* On until the event's end packet says otherwise. */
			dtmf_tx_set_timing(xc->dtx, 60000, 0);
			dtmf_tx_put(xc->dtx, &c, 1);
			ev->active = true;
		}
		ev->out_ts = (uint32_t)xc_in_to_out_ts(xc, ts);
	} else if (ev->ended && !end) {
		/* An update arriving after the end. */
		xc->st.late++;
		return;
	}
	if (dur > ev->duration)
		ev->duration = dur;
	ev->volume = vol;

	if (te_out)
		send_event(xc, first, ev->out_ts, code, end, vol,
			   (uint32_t)((uint64_t)ev->duration * xc->out_clock / xc->in_clock));
	if (ev->active) {
		/* Play the tone as far as the event has lasted. */
		(void)xc_catch_up(xc, ts + ev->duration, false);
		if (end)
			ev->active = false;
	}
	if (end && !ev->ended) {
		ev->ended = true;
		if (!ev->reported)
			report(xc, code, 0, vol, ev->duration, xc->in_clock, ev->out_ts);
		ev->reported = true;
	}
}

void xc_dtmf_detect(struct mr_codec_xc *xc, int16_t *pcm, uint32_t n)
{
	struct xc_event_det *det = &xc->det;
	uint32_t ticks = (uint32_t)((uint64_t)n * xc->out_clock / xc->rate);

	det->chunk_ts = xc->out_ts + (uint32_t)((uint64_t)xc->pcm_len * xc->out_clock / xc->rate);
	det->chunk_end = det->chunk_ts + ticks;
	det->start_pending = false;
	if (xc->rate == 8000) {
		dtmf_rx(xc->drx, pcm, (int)n);
	} else {
		/* 16 kHz: the detector runs at 8 kHz; pairs averaged (DTMF is below 1.7 kHz). */
		uint32_t m = n / 2;

		for (uint32_t i = 0; i < m; i++)
			xc->tmp2[i] = (int16_t)((pcm[2 * i] + pcm[2 * i + 1]) / 2);
		dtmf_rx(xc->drx, xc->tmp2, (int)m);
	}
	/* The tone does not go on as audio where it goes on as events. */
	if ((det->active || det->start_pending) && xc->p.out_te_pt != MR_CODEC_PT_NONE)
		memset(pcm, 0, n * sizeof(*pcm));
}

void xc_dtmf_after_frame(struct mr_codec_xc *xc, uint32_t frame_end_ts)
{
	struct xc_event_det *det = &xc->det;

	if (!det->active || xc->p.out_te_pt == MR_CODEC_PT_NONE)
		return;
	send_event(xc, !det->sent, det->out_ts, det->code, false, det->volume,
		   frame_end_ts - det->out_ts);
	det->sent = true;
}

void xc_dtmf_tone(struct mr_codec_xc *xc, int16_t *pcm, uint32_t n)
{
	uint32_t f = xc->rate / 8000;
	uint32_t m = (n + f - 1) / f;
	int got;

	if (m > sizeof(xc->tmp2) / sizeof(xc->tmp2[0]))
		m = sizeof(xc->tmp2) / sizeof(xc->tmp2[0]);
	got = dtmf_tx(xc->dtx, xc->tmp2, (int)m);
	if (got < 0)
		got = 0;
	if ((uint32_t)got < m)
		memset(xc->tmp2 + got, 0, (m - (uint32_t)got) * sizeof(int16_t));
	if (f == 1) {
		memcpy(pcm, xc->tmp2, n * sizeof(*pcm));
		return;
	}
	/* 16 or 48 kHz: linear interpolation of the 8 kHz tone. */
	for (uint32_t i = 0; i < n && i / f < m; i++) {
		uint32_t j = i / f, k = i % f;
		int a = xc->tmp2[j], b = j + 1 < m ? xc->tmp2[j + 1] : a;

		pcm[i] = (int16_t)(a + (b - a) * (int)k / (int)f);
	}
}
