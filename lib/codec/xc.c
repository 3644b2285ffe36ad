/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The transcoder pipeline: RTP in -> gap fill (PLC, FEC, silence, comfort
 * noise) -> decode -> DTMF detection / tones -> repacketize to the output
 * ptime -> encode -> RTP out with our own SSRC, sequence and timestamps.
 * Driven by input packets only: no timers, no jitter buffer, nothing held
 * back once an output frame is complete.
 */
#include <errno.h>
#include <string.h>

#include "codec/codec-priv.h"
#include "rtp/rtp.h"

static uint32_t opus_rate_for_khz(uint8_t khz)
{
	switch (khz) {
	case 8: return 8000;
	case 12: return 12000;
	case 16: return 16000;
	case 24: return 24000;
	default: return 48000;
	}
}

/* The internal PCM rate: whatever needs no resampling (see codec.h). */
static uint32_t pick_rate(const struct mr_codec_params *p)
{
	bool in_g711 = p->in_codec == MR_CODEC_PCMU || p->in_codec == MR_CODEC_PCMA;
	bool out_g711 = p->out_codec == MR_CODEC_PCMU || p->out_codec == MR_CODEC_PCMA;

	if (in_g711 || out_g711)
		return 8000;
	if (p->in_codec == MR_CODEC_G722 || p->out_codec == MR_CODEC_G722)
		return 16000;
	/* Opus to Opus (a ptime change): as wide as allowed. */
	return opus_rate_for_khz(p->opus_max_bw);
}

static int setup_opus_enc(struct mr_codec_xc *xc)
{
	const struct mr_codec_params *p = &xc->p;
	int bw, cx, rc;
	unsigned sel;
	opus_int32 bitrate;

	xc->opus_channels = (p->flags & MR_CODEC_F_OPUS_STEREO) ? 2 : 1;
	rc = opus_encoder_init(xc->enc, (opus_int32)xc->rate, xc->opus_channels,
			       OPUS_APPLICATION_VOIP);
	if (rc != OPUS_OK)
		return -EINVAL;
	/*
	 * No point coding more than the source carries, nor more than the
	 * receiver plays (its maxplaybackrate, opus_max_bw): the narrower wins.
	 */
	sel = xc->rate / 1000;
	if (p->opus_max_bw != 0 && p->opus_max_bw < sel)
		sel = p->opus_max_bw;
	switch (sel) {
	case 8: bw = OPUS_BANDWIDTH_NARROWBAND; xc->opus_bw_khz = 4; bitrate = 16000; break;
	case 12: bw = OPUS_BANDWIDTH_MEDIUMBAND; xc->opus_bw_khz = 6; bitrate = 20000; break;
	case 16: bw = OPUS_BANDWIDTH_WIDEBAND; xc->opus_bw_khz = 8; bitrate = 24000; break;
	case 24: bw = OPUS_BANDWIDTH_SUPERWIDEBAND; xc->opus_bw_khz = 12; bitrate = 28000; break;
	default: bw = OPUS_BANDWIDTH_FULLBAND; xc->opus_bw_khz = 20; bitrate = 32000; break;
	}
	if (xc->opus_channels == 2)
		bitrate = bitrate * 3 / 2;
	if (p->opus_bitrate)
		bitrate = (opus_int32)p->opus_bitrate;
	cx = p->opus_complexity == MR_CODEC_OPUS_CX_DEFAULT ? MR_CODEC_OPUS_CX : p->opus_complexity;
	opus_encoder_ctl(xc->enc, OPUS_SET_MAX_BANDWIDTH(bw));
	opus_encoder_ctl(xc->enc, OPUS_SET_BANDWIDTH(bw));
	opus_encoder_ctl(xc->enc, OPUS_SET_BITRATE(bitrate));
	opus_encoder_ctl(xc->enc, OPUS_SET_COMPLEXITY(cx));
	opus_encoder_ctl(xc->enc, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
	opus_encoder_ctl(xc->enc, OPUS_SET_DTX(0));
	if (p->flags & MR_CODEC_F_OPUS_FEC) {
		opus_encoder_ctl(xc->enc, OPUS_SET_INBAND_FEC(1));
		opus_encoder_ctl(xc->enc, OPUS_SET_PACKET_LOSS_PERC(10));
	}
	if (xc->opus_channels == 2)
		opus_encoder_ctl(xc->enc, OPUS_SET_FORCE_CHANNELS(2));
	/* Opus has no 30 ms frame: three 10 ms frames in one packet. */
	xc->opus_frame = xc->out_frame;
	if (p->out_ptime == 30)
		xc->opus_frame = xc->out_frame / 3;
	return 0;
}

int xc_setup(struct mr_codec_xc *xc, const struct mr_codec_params *p)
{
	const struct mr_codec_desc *din = mr_codec_desc_get(p->in_codec);
	const struct mr_codec_desc *dout = mr_codec_desc_get(p->out_codec);
	uint32_t ptime = p->out_ptime ? p->out_ptime : 20;
	int g722_opts;

	memset(&xc->p, 0, offsetof(struct mr_codec_xc, enc) - offsetof(struct mr_codec_xc, p));
	xc->p = *p;
	xc->p.out_ptime = (uint8_t)ptime;
	xc->rate = pick_rate(p);
	xc->in_clock = din->rtp_clock;
	xc->out_clock = dout->rtp_clock;
	xc->out_frame = xc->rate * ptime / 1000;
	xc->out_step = xc->out_clock * ptime / 1000;
	xc->out_seq = p->seq;
	xc->out_ts = p->ts;
	xc->marker = true;

	if (p->out_codec == MR_CODEC_OPUS && setup_opus_enc(xc) < 0)
		return -EINVAL;
	if (p->in_codec == MR_CODEC_OPUS &&
	    opus_decoder_init(xc->dec, (opus_int32)xc->rate, 1) != OPUS_OK)
		return -EINVAL;
	/* At 8 kHz G.722 codes only its lower sub-band: the band split is the resampler. */
	g722_opts = xc->rate == 8000 ? G722_SAMPLE_RATE_8000 : 0;
	if (p->out_codec == MR_CODEC_G722)
		g722_encode_init(xc->g722e, 64000, g722_opts);
	if (p->in_codec == MR_CODEC_G722)
		g722_decode_init(xc->g722d, 64000, g722_opts);
	plc_init(xc->plc);
	noise_init_dbov(xc->cn, (int)(p->ssrc | 1), -70.0f, NOISE_CLASS_HOTH, 7);
	xc_dtmf_setup(xc);
	return 0;
}

/* -------------------------------------------------------------- emitting */

static inline void put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static inline void put32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

/* Send one packet; payload may already sit at xc->pkt + MR_RTP_HDR_MIN. */
int xc_emit(struct mr_codec_xc *xc, uint8_t pt, bool marker, uint32_t ts,
	    const uint8_t *payload, uint16_t len)
{
	uint8_t *b = xc->pkt;

	if (len > XC_PKT_MAX - MR_RTP_HDR_MIN)
		len = XC_PKT_MAX - MR_RTP_HDR_MIN;
	if (payload != b + MR_RTP_HDR_MIN)
		memcpy(b + MR_RTP_HDR_MIN, payload, len);
	b[0] = 0x80;
	b[1] = (uint8_t)((marker ? 0x80 : 0) | (pt & 0x7f));
	put16(b + 2, xc->out_seq++);
	put32(b + 4, ts);
	put32(b + 8, xc->p.ssrc);
	if (xc->emit(xc->emit_arg, b, (uint16_t)(MR_RTP_HDR_MIN + len)) != 0) {
		xc->st.emit_dropped++;
		return -ENOBUFS;
	}
	xc->st.pkts_out++;
	xc->st.octets_out += len;
	xc->emitted++;
	return 0;
}

/* Input RTP ticks to internal samples, and internal samples to output ticks. */
static inline int64_t in_to_samples(const struct mr_codec_xc *xc, int64_t ticks)
{
	return ticks * xc->rate / xc->in_clock;
}

static inline int64_t samples_to_out(const struct mr_codec_xc *xc, int64_t samples)
{
	return samples * xc->out_clock / xc->rate;
}

/* Where an input timestamp falls on the output timeline. */
int32_t xc_in_to_out_ts(const struct mr_codec_xc *xc, uint32_t in_ts)
{
	int64_t s = xc->pcm_len + in_to_samples(xc, (int32_t)(in_ts - xc->in_next));

	return (int32_t)(xc->out_ts + (uint32_t)samples_to_out(xc, s));
}

/* Encode xc->pcm (one output frame) and send it. */
static void encode_frame(struct mr_codec_xc *xc)
{
	uint8_t *out = xc->pkt + MR_RTP_HDR_MIN;
	const int16_t *pcm = xc->pcm;
	uint32_t n = xc->out_frame;
	int len = 0;

	switch (xc->p.out_codec) {
	case MR_CODEC_PCMU:
		for (uint32_t i = 0; i < n; i++)
			out[i] = linear_to_ulaw(pcm[i]);
		len = (int)n;
		break;
	case MR_CODEC_PCMA:
		for (uint32_t i = 0; i < n; i++)
			out[i] = linear_to_alaw(pcm[i]);
		len = (int)n;
		break;
	case MR_CODEC_G722:
		len = g722_encode(xc->g722e, out, pcm, (int)n);
		break;
	case MR_CODEC_OPUS:
		if (xc->opus_channels == 2) {
			for (uint32_t i = 0; i < n; i++)
				xc->tmp2[2 * i] = xc->tmp2[2 * i + 1] = pcm[i];
			pcm = xc->tmp2;
		}
		if (xc->opus_frame == n) {
			len = opus_encode(xc->enc, pcm, (int)n, out, XC_OPUS_MAX_PAYLOAD);
		} else {
			uint8_t *scratch = xc->opus_seg;
			uint32_t off = 0, step = xc->opus_frame * xc->opus_channels;
			int rc;

			opus_repacketizer_init(xc->rp);
			for (uint32_t f = 0; f * xc->opus_frame < n; f++) {
				rc = opus_encode(xc->enc, pcm + f * step, (int)xc->opus_frame,
						 scratch + off, 400);
				if (rc < 0 || opus_repacketizer_cat(xc->rp, scratch + off, rc) != OPUS_OK) {
					len = -1;
					break;
				}
				off += (uint32_t)rc;
			}
			if (len == 0)
				len = opus_repacketizer_out(xc->rp, out, XC_OPUS_MAX_PAYLOAD);
		}
		break;
	default:
		len = -1;
	}
	if (len <= 0) {
		xc->st.encode_errors++;
	} else {
		xc_emit(xc, xc->p.out_pt, xc->marker, xc->out_ts, out, (uint16_t)len);
		xc->marker = false;
		xc->st.frames_encoded++;
	}
	xc->st.samples_out += n;
	xc->out_ts += xc->out_step;
	xc->pcm_len = 0;
	xc_dtmf_after_frame(xc, xc->out_ts);
}

/* Append decoded or concealed PCM; every completed frame goes out at once. */
static void push(struct mr_codec_xc *xc, int16_t *pcm, uint32_t n)
{
	if (xc->dtmf_detect)
		xc_dtmf_detect(xc, pcm, n);
	if (xc->ev.active && xc->dtmf_tones)
		xc_dtmf_tone(xc, pcm, n);
	while (n > 0) {
		uint32_t take = xc->out_frame - xc->pcm_len;

		if (take > n)
			take = n;
		memcpy(xc->pcm + xc->pcm_len, pcm, take * sizeof(*pcm));
		xc->pcm_len += take;
		pcm += take;
		n -= take;
		if (xc->pcm_len == xc->out_frame)
			encode_frame(xc);
	}
}

/* Opus concealment runs in whole 2.5 ms steps; what is left is silence. */
static void fill_opus_plc(struct mr_codec_xc *xc, uint32_t n)
{
	uint32_t q = xc->rate / 400, chunk = xc->rate / 50;

	while (n >= q) {
		uint32_t c = n < chunk ? n - n % q : chunk;
		int got = opus_decode(xc->dec, NULL, 0, xc->tmp, (int)c, 0);

		if (got <= 0) {
			memset(xc->tmp, 0, c * sizeof(int16_t));
			got = (int)c;
		}
		xc->st.samples_plc += (uint32_t)got;
		push(xc, xc->tmp, (uint32_t)got);
		n -= (uint32_t)got;
	}
	if (n > 0) {
		memset(xc->tmp, 0, n * sizeof(int16_t));
		xc->st.samples_plc += n;
		push(xc, xc->tmp, n);
	}
}

void xc_fill(struct mr_codec_xc *xc, uint32_t n, int how)
{
	if (how == XC_FILL_PLC && xc->p.in_codec == MR_CODEC_OPUS) {
		fill_opus_plc(xc, n);
		return;
	}
	while (n > 0) {
		/* tmp2 is busy while encoding stereo Opus; tmp is free here. */
		uint32_t c = n > XC_PCM_MAX / 2 ? XC_PCM_MAX / 2 : n;

		switch (how) {
		case XC_FILL_PLC:
			plc_fillin(xc->plc, xc->tmp, (int)c);
			xc->st.samples_plc += c;
			break;
		case XC_FILL_CN:
			for (uint32_t i = 0; i < c; i++)
				xc->tmp[i] = noise(xc->cn);
			xc->st.samples_cn += c;
			break;
		default:
			memset(xc->tmp, 0, c * sizeof(int16_t));
			xc->st.samples_silence += c;
		}
		push(xc, xc->tmp, c);
		n -= c;
	}
}

/*
 * A jump too large to fill: finish the frame in progress with silence, then
 * move the output timeline by the rest, marked (RFC 3551: M after a gap).
 */
static void resync(struct mr_codec_xc *xc, uint32_t in_ts)
{
	int64_t gap = in_to_samples(xc, (int32_t)(in_ts - xc->in_next));

	xc->st.resync++;
	if (xc->pcm_len > 0) {
		uint32_t pad = xc->out_frame - xc->pcm_len;

		xc_fill(xc, pad, XC_FILL_SILENCE);
		gap -= pad;
	}
	if (gap > 0)
		xc->out_ts += (uint32_t)samples_to_out(xc, gap);
	xc->marker = true;
	xc->in_next = in_ts;
}

/*
 * Bring the timeline up to in_ts: concealment for what was lost, comfort
 * noise or silence for what the sender did not send. Returns false when
 * in_ts is in the past (already played).
 */
bool xc_catch_up(struct mr_codec_xc *xc, uint32_t in_ts, bool lost)
{
	int32_t gap = (int32_t)(in_ts - xc->in_next);

	if (gap < 0)
		return false;
	if (gap == 0)
		return true;
	if ((uint64_t)gap * 1000 > (uint64_t)xc->in_clock * XC_MAX_FILL_MS) {
		resync(xc, in_ts);
		return true;
	}
	xc_fill(xc, (uint32_t)in_to_samples(xc, gap),
		lost ? XC_FILL_PLC : xc->cn_active ? XC_FILL_CN : XC_FILL_SILENCE);
	xc->in_next = in_ts;
	return true;
}

/* A packet that should have been audio but cannot be decoded: conceal its length. */
static void conceal(struct mr_codec_xc *xc, uint32_t ts, bool lost)
{
	if (!xc_catch_up(xc, ts, lost)) {
		xc->st.late++;
		return;
	}
	xc_fill(xc, (uint32_t)in_to_samples(xc, xc->in_last_dur), XC_FILL_PLC);
	xc->in_next = ts + xc->in_last_dur;
}

/*
 * Whether an Opus packet carries in-band FEC (LBRR) for the previous frame:
 * RFC 6716 4.2.3-4.2.4, the LBRR flag follows the VAD flags at the top of a
 * SILK or hybrid frame's first byte (mid channel, then side for stereo).
 */
static bool opus_has_lbrr(const uint8_t *pkt, int len)
{
	static const uint8_t silk_ms[4] = { 10, 20, 40, 60 };
	const unsigned char *frames[48];
	opus_int16 sizes[48];
	unsigned char toc;
	unsigned config, nb;
	int n;

	if (len < 2)
		return false;
	config = pkt[0] >> 3;
	if (config >= 16)	/* CELT only */
		return false;
	n = opus_packet_parse(pkt, len, &toc, frames, sizes, NULL);
	if (n <= 0 || sizes[0] == 0)
		return false;
	nb = config < 12 ? silk_ms[config & 3] : (config & 1 ? 20 : 10);
	nb = nb <= 20 ? 1 : nb / 20;
	if ((frames[0][0] >> (7 - nb)) & 1)
		return true;
	return (toc & 0x4) && ((frames[0][0] >> (6 - 2 * nb)) & 1);
}

/* Samples in an audio payload, in input RTP ticks; < 0 when it cannot be audio. */
static int32_t payload_ticks(struct mr_codec_xc *xc, const uint8_t *pl, uint16_t len)
{
	int n;

	switch (xc->p.in_codec) {
	case MR_CODEC_PCMU:
	case MR_CODEC_PCMA:
	case MR_CODEC_G722:	/* 64 kbit/s on an 8000 Hz clock: a byte a tick */
		return len;
	case MR_CODEC_OPUS:
		n = opus_packet_get_nb_samples(pl, len, 48000);
		if (n <= 0) {
			xc->st.bad_payload++;
			return -1;
		}
		return n;
	default:
		return -1;
	}
}

static void audio(struct mr_codec_xc *xc, const struct mr_rtp_hdr *h, const uint8_t *pl,
		  bool lost)
{
	uint16_t len = h->payload_len;
	int32_t ticks;
	int n = 0;

	if (len == 0) {
		xc->st.empty++;
		conceal(xc, h->ts, lost);
		return;
	}
	ticks = payload_ticks(xc, pl, len);
	if (ticks < 0) {
		conceal(xc, h->ts, lost);
		return;
	}
	if (ticks == 0 || (uint64_t)ticks * 1000 > (uint64_t)xc->in_clock * XC_MAX_FRAME_MS) {
		xc->st.garbage++;
		conceal(xc, h->ts, lost);
		return;
	}
	/* A gap ending here: Opus recovers its last frame from this packet's FEC. */
	if (lost && xc->p.in_codec == MR_CODEC_OPUS && (int32_t)(h->ts - xc->in_next) > 0 &&
	    (uint64_t)(h->ts - xc->in_next) * 1000 <= (uint64_t)xc->in_clock * XC_MAX_FILL_MS &&
	    opus_has_lbrr(pl, len)) {
		uint32_t gap = (uint32_t)in_to_samples(xc, (int32_t)(h->ts - xc->in_next));
		uint32_t fec = (uint32_t)in_to_samples(xc, ticks);
		int got;

		if (fec > gap)
			fec = gap;
		if (gap > fec)
			fill_opus_plc(xc, gap - fec);
		got = opus_decode(xc->dec, pl, len, xc->tmp, (int)fec, 1);
		if (got == (int)fec) {
			xc->st.samples_fec += fec;
			push(xc, xc->tmp, fec);
		} else {
			fill_opus_plc(xc, fec);
		}
		xc->in_next = h->ts;
	} else if (!xc_catch_up(xc, h->ts, lost)) {
		xc->st.late++;
		return;
	}

	switch (xc->p.in_codec) {
	case MR_CODEC_PCMU:
		for (uint16_t i = 0; i < len; i++)
			xc->tmp[i] = ulaw_to_linear(pl[i]);
		n = len;
		plc_rx(xc->plc, xc->tmp, n);
		break;
	case MR_CODEC_PCMA:
		for (uint16_t i = 0; i < len; i++)
			xc->tmp[i] = alaw_to_linear(pl[i]);
		n = len;
		plc_rx(xc->plc, xc->tmp, n);
		break;
	case MR_CODEC_G722:
		n = g722_decode(xc->g722d, xc->tmp, pl, len);
		plc_rx(xc->plc, xc->tmp, n);
		break;
	case MR_CODEC_OPUS:
		n = opus_decode(xc->dec, pl, len, xc->tmp, (int)(xc->rate * XC_MAX_FRAME_MS / 1000), 0);
		if (n < 0) {
			xc->st.bad_payload++;
			xc_fill(xc, (uint32_t)in_to_samples(xc, ticks), XC_FILL_PLC);
			n = 0;
		}
		break;
	default:
		break;
	}
	if (n > 0) {
		xc->st.frames_decoded++;
		push(xc, xc->tmp, (uint32_t)n);
	}
	xc->in_next = h->ts + (uint32_t)ticks;
	xc->in_last_dur = (uint32_t)ticks;
	xc->cn_active = false;
}

static void comfort_noise(struct mr_codec_xc *xc, const struct mr_rtp_hdr *h,
			  const uint8_t *pl, bool lost)
{
	uint8_t level = h->payload_len > 0 ? (pl[0] & 0x7f) : 70;

	xc->st.cn_in++;
	if (!xc_catch_up(xc, h->ts, lost))
		return;
	if (!xc->cn_active || level != xc->cn_level)
		noise_init_dbov(xc->cn, (int)(xc->p.ssrc | 1), -(float)level, NOISE_CLASS_HOTH, 7);
	xc->cn_active = true;
	xc->cn_level = level;
}

int mr_codec_xc_input(struct mr_codec_xc *xc, const uint8_t *pkt, size_t len,
		      mr_codec_emit_fn *emit, void *arg)
{
	struct mr_rtp_hdr h;
	const uint8_t *pl;
	int16_t d;
	bool lost = false;

	xc->emit = emit;
	xc->emit_arg = arg;
	xc->emitted = 0;
	xc->st.pkts_in++;
	if (mr_rtp_hdr_parse(pkt, len, &h) < 0) {
		xc->st.bad_rtp++;
		return -EBADMSG;
	}
	pl = pkt + h.hdr_len;

	if (!xc->started || h.ssrc != xc->in_ssrc) {
		/* A new source: continue our timeline from its first timestamp. */
		if (xc->started)
			resync(xc, xc->in_next);
		xc->started = true;
		xc->in_ssrc = h.ssrc;
		xc->in_seq = (uint16_t)(h.seq - 1);
		xc->in_next = h.ts;
		xc->in_last_dur = xc->in_clock / 50;
	}
	d = (int16_t)(h.seq - xc->in_seq);
	if (d > 0) {
		lost = d > 1;
		xc->st.lost += (uint64_t)(d - 1);
		xc->in_seq = h.seq;
	}

	if (h.pt == xc->p.in_te_pt) {
		xc->st.te_in++;
		xc_dtmf_input(xc, h.ts, d, pl, h.payload_len);
	} else if (d <= 0) {
		/* Duplicate or reordered: its place was already played or concealed. */
		xc->st.late++;
	} else if (h.pt == xc->p.in_pt) {
		audio(xc, &h, pl, lost);
	} else if (h.pt == xc->p.in_cn_pt) {
		comfort_noise(xc, &h, pl, lost);
	} else {
		xc->st.pt_switch++;
		conceal(xc, h.ts, lost);
	}
	return xc->emitted;
}
