/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Codec descriptors and the transcoder's parameters, counters and DTMF
 * reports. The transcoder itself (struct mr_codec_xc) is opaque: see codec.h.
 */
#ifndef MR_CODEC_T_H
#define MR_CODEC_T_H

#include <stdbool.h>
#include <stdint.h>

/* Codecs the relay decodes or encodes. Values travel in the flow spec: never renumber. */
enum mr_codec_id {
	MR_CODEC_NONE = 0,
	MR_CODEC_PCMU = 1,	/* G.711 mu-law, static PT 0 */
	MR_CODEC_PCMA = 2,	/* G.711 A-law, static PT 8 */
	MR_CODEC_G722 = 3,	/* static PT 9: 16 kHz audio on an 8000 Hz RTP clock (RFC 3551 4.5.2) */
	MR_CODEC_OPUS = 4,	/* dynamic PT, opus/48000/2 in SDP whatever is sent (RFC 7587) */
	MR_CODEC_TELEPHONE_EVENT = 5, /* RFC 4733, dynamic PT, the clock of the audio it goes with */
	MR_CODEC_CN = 6,	/* RFC 3389 comfort noise, static PT 13 */
	MR_CODEC_COUNT
};

/* What a codec is on the wire and in SDP. */
struct mr_codec_desc {
	enum mr_codec_id id;
	const char *name;	/* rtpmap encoding name, as SDP spells it */
	uint8_t static_pt;	/* MR_CODEC_PT_NONE for dynamic payload types */
	uint8_t sdp_channels;	/* the rtpmap's channel count (opus: always 2) */
	uint32_t rtp_clock;	/* RTP timestamp rate (rtpmap) */
	uint32_t audio_rate;	/* the codec's own sampling rate */
	bool is_audio;		/* decodable to PCM (not telephone-event or CN) */
};

#define MR_CODEC_PT_NONE 0xff

/* Output packet times the repacketizer accepts, in ms. */
#define MR_CODEC_PTIME_MIN 10
#define MR_CODEC_PTIME_MAX 60

/* mr_codec_params.flags */
enum {
	MR_CODEC_F_OPUS_FEC = 1u << 0,	   /* encode Opus with in-band FEC (LBRR) */
	MR_CODEC_F_DTMF_DETECT = 1u << 1,  /* detect in-band digits even with no telephone-event out */
	MR_CODEC_F_NO_DTMF_DETECT = 1u << 2, /* never detect in-band digits */
	MR_CODEC_F_NO_DTMF_TONES = 1u << 3, /* drop RFC 4733 events when the output leg has none (no tones) */
	MR_CODEC_F_OPUS_STEREO = 1u << 4,  /* the receiver asked for stereo (fmtp stereo=1): send two channels */
};

/*
 * One direction of a transcoded stream: what arrives and what to send.
 * Payload types are those negotiated on each leg; telephone-event and CN
 * payload types are MR_CODEC_PT_NONE where the leg did not negotiate them.
 * Zeroes select defaults where noted.
 */
struct mr_codec_params {
	uint8_t in_codec;	/* enum mr_codec_id: an audio codec */
	uint8_t out_codec;	/* enum mr_codec_id: an audio codec */
	uint8_t in_pt;
	uint8_t out_pt;
	uint8_t in_te_pt;	/* telephone-event on the input leg */
	uint8_t out_te_pt;	/* telephone-event on the output leg */
	uint8_t in_cn_pt;	/* comfort noise arriving (13 when negotiated) */
	uint8_t out_ptime;	/* ms, 10/20/30/40/60; 0 = 20 */
	uint8_t opus_complexity; /* 0..10; MR_CODEC_OPUS_CX_DEFAULT when 0xff */
	uint8_t opus_max_bw;	/* the Opus receiver's maxplaybackrate, kHz: 8/12/16/24/48 caps the coded band; 0 = no cap */
	uint16_t flags;		/* MR_CODEC_F_* */
	uint32_t opus_bitrate;	/* bit/s; 0 = chosen from the bandwidth */
	uint32_t ssrc;		/* of the transcoded leg */
	uint16_t seq;		/* first sequence number sent */
	uint16_t pad;
	uint32_t ts;		/* first timestamp sent */
};

#define MR_CODEC_OPUS_CX_DEFAULT 0xff
/* The complexity used by default: see scripts/bench (transcode) for the trade-off. */
#define MR_CODEC_OPUS_CX 1

/* Per-direction counters; plain integers written by the one lcore that owns the transcoder. */
struct mr_codec_stats {
	uint64_t pkts_in;		/* RTP packets given to the transcoder */
	uint64_t pkts_out;		/* RTP packets emitted (audio and events) */
	uint64_t frames_decoded;	/* audio packets decoded */
	uint64_t frames_encoded;	/* audio packets encoded and emitted */
	uint64_t samples_out;		/* PCM samples (internal rate) encoded */
	uint64_t samples_plc;		/* concealed: codec PLC (lost or bad packets) */
	uint64_t samples_fec;		/* recovered from Opus in-band FEC */
	uint64_t samples_silence;	/* filled with silence (timestamp gaps, no loss) */
	uint64_t samples_cn;		/* filled with comfort noise after a CN packet */
	uint64_t lost;			/* packets missing by sequence number */
	uint64_t late;			/* packets older than what was already played, dropped */
	uint64_t resync;		/* jumps too large to fill: output timestamps jumped too */
	uint64_t bad_rtp;		/* not a valid RTP packet */
	uint64_t bad_payload;		/* Opus TOC invalid or the decoder refused the packet */
	uint64_t empty;			/* no payload */
	uint64_t pt_switch;		/* a payload type other than the negotiated ones */
	uint64_t garbage;		/* implausible payload length for the codec */
	uint64_t cn_in;			/* comfort-noise packets received (never forwarded) */
	uint64_t encode_errors;
	uint64_t te_in;			/* telephone-event packets received */
	uint64_t te_out;		/* telephone-event packets emitted */
	uint64_t dtmf_digits;		/* digits reported (each once) */
	uint64_t dtmf_dropped;		/* digit reports lost because nobody drained them */
	uint64_t emit_dropped;		/* packets the caller's emit refused */
	uint64_t octets_out;		/* RTP payload octets emitted (the SR's octet count) */
};

/* A digit, reported once when it ends (or when the next one starts without an end seen). */
struct mr_codec_dtmf {
	uint8_t event;		/* RFC 4733 code: 0-9, 10 '*', 11 '#', 12-15 A-D */
	uint8_t source;		/* 0 = RFC 4733 from the input, 1 = in-band tone detected */
	uint8_t volume;		/* -dBm0, RFC 4733; in-band: measured, 0..63 */
	uint8_t pad;
	uint16_t duration_ms;
	uint16_t pad2;
	uint32_t ts;		/* output RTP timestamp of the event start */
};

/*
 * Called for each RTP packet the transcoder produces (a complete RTP packet:
 * 12-byte header, payload). The buffer is valid only during the call.
 * Returns 0, or non-zero if the packet could not be taken (counted).
 */
typedef int mr_codec_emit_fn(void *arg, const uint8_t *pkt, uint16_t len);

#endif
