/* SPDX-License-Identifier: BSD-3-Clause */
/* The transcoder's state, shared by the files of lib/codec only. */
#ifndef MR_CODEC_PRIV_H
#define MR_CODEC_PRIV_H

#include <opus.h>
#include <spandsp.h>

#include "codec/codec.h"

/* Longest input frame accepted (Opus allows 120 ms), and the longest gap filled. */
#define XC_MAX_FRAME_MS 120
#define XC_MAX_FILL_MS 200
/* Scratch PCM: the largest decode (120 ms at 48 kHz); fills go in chunks of half. */
#define XC_PCM_MAX (48 * XC_MAX_FRAME_MS)
/* Largest packet emitted: 12-byte header + 60 ms of Opus at the highest bitrate. */
#define XC_PKT_MAX 1500
#define XC_OPUS_MAX_PAYLOAD 1275

/* An RFC 4733 event in progress on the input (passthrough or tones). */
struct xc_event_in {
	bool valid;		/* ts below names an event seen */
	bool active;		/* its tone is playing into the output */
	bool reported;
	bool ended;
	uint8_t code;
	uint8_t volume;
	uint32_t ts;		/* input timestamp of the event */
	uint32_t duration;	/* input clock */
	uint32_t out_ts;	/* its output timestamp */
};

/* An in-band digit being detected and sent as RFC 4733 (or reported only). */
struct xc_event_det {
	bool active;		/* tone on */
	bool start_pending;	/* tone seen in the chunk being analysed */
	bool sent;		/* an event packet went out for it */
	uint8_t code;
	uint8_t volume;
	uint32_t out_ts;	/* output timestamp of the event */
	uint32_t chunk_ts;	/* output timestamps of the chunk being analysed */
	uint32_t chunk_end;
};

struct mr_codec_xc {
	/* hot: read per packet */
	struct mr_codec_params p;
	uint32_t rate;		/* internal PCM rate */
	uint32_t in_clock;	/* input RTP clock */
	uint32_t out_clock;	/* output RTP clock */
	uint32_t out_frame;	/* samples per output packet at rate */
	uint32_t out_step;	/* output RTP ticks per output packet */
	uint32_t opus_frame;	/* samples per Opus frame encoded (< out_frame for 30 ms) */
	uint8_t opus_channels;
	uint8_t opus_bw_khz;
	bool dtmf_detect;
	bool dtmf_tones;

	bool started;
	bool marker;		/* next audio packet carries M */
	bool cn_active;		/* a CN packet was the last thing received */
	bool have_ssrc;
	uint32_t in_ssrc;
	uint16_t in_seq;	/* last sequence number seen */
	uint16_t out_seq;
	uint32_t in_next;	/* input timestamp up to which PCM was produced */
	uint32_t in_last_dur;	/* input ticks of the last audio frame */
	uint32_t out_ts;	/* output timestamp of pcm[0] */
	uint32_t pcm_len;
	uint8_t cn_level;	/* -dBov of the last CN packet */

	mr_codec_emit_fn *emit;	/* during mr_codec_xc_input() */
	void *emit_arg;
	int emitted;

	struct xc_event_in ev;
	struct xc_event_det det;
	/* ------------------------------------------------------------ cold */
	struct mr_codec_stats st;
	unsigned dq_head, dq_len;
	struct mr_codec_dtmf dq[MR_CODEC_DTMF_QUEUE];

	/* codec states, allocated with the pool */
	OpusEncoder *enc;
	OpusDecoder *dec;
	OpusRepacketizer *rp;
	g722_encode_state_t *g722e;
	g722_decode_state_t *g722d;
	plc_state_t *plc;
	dtmf_rx_state_t *drx;
	dtmf_tx_state_t *dtx;
	noise_state_t *cn;

	uint32_t slot;		/* index in the pool */
	bool in_use;
	int16_t pcm[48 * MR_CODEC_PTIME_MAX];	/* the output frame being filled */
	int16_t tmp[XC_PCM_MAX];
	int16_t tmp2[2 * 48 * MR_CODEC_PTIME_MAX];
	uint8_t opus_seg[3 * 400];	/* 10 ms frames joined into a 30 ms packet */
	uint8_t pkt[XC_PKT_MAX];
};

/* xc.c */
int xc_setup(struct mr_codec_xc *xc, const struct mr_codec_params *p);
int xc_emit(struct mr_codec_xc *xc, uint8_t pt, bool marker, uint32_t ts,
	    const uint8_t *payload, uint16_t len);
int32_t xc_in_to_out_ts(const struct mr_codec_xc *xc, uint32_t in_ts);
void xc_fill(struct mr_codec_xc *xc, uint32_t samples, int how);
bool xc_catch_up(struct mr_codec_xc *xc, uint32_t in_ts, bool lost);
enum { XC_FILL_SILENCE, XC_FILL_PLC, XC_FILL_CN, XC_FILL_TONE };

/* dtmf.c */
void xc_dtmf_setup(struct mr_codec_xc *xc);
void xc_dtmf_input(struct mr_codec_xc *xc, uint32_t ts, int16_t seq_delta,
		   const uint8_t *payload, uint16_t len);
void xc_dtmf_detect(struct mr_codec_xc *xc, int16_t *pcm, uint32_t n);
void xc_dtmf_tone(struct mr_codec_xc *xc, int16_t *pcm, uint32_t n);
void xc_dtmf_after_frame(struct mr_codec_xc *xc, uint32_t frame_end_ts);

#endif
