/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Transcoding: PCMU, PCMA, G.722 (spandsp) and Opus (libopus), comfort noise,
 * loss concealment, repacketization, and DTMF (RFC 4733 and in-band).
 *
 * One transcoder (struct mr_codec_xc) per direction of a stream. It takes the
 * RTP packets of the input leg one by one, in arrival order, and emits the
 * RTP packets of the output leg through a callback: its own SSRC, sequence
 * numbers and timestamps (the output codec's clock). Nothing here allocates
 * after mr_codec_pool_create(): every codec state lives in a pool slot, and
 * mr_codec_xc_get() only re-initialises one in place. No locks, no logs, no
 * system calls: a transcoder belongs to one thread at a time.
 *
 * The internal PCM rate is chosen so that no resampling is needed: 8 kHz
 * between G.711 and Opus (Opus decodes and encodes at 8 kHz, narrowband),
 * 16 kHz between G.722 and Opus (wideband), 8 kHz between G.711 and G.722
 * (spandsp's G.722 in its 8 kHz mode, the lower sub-band), 48 kHz Opus to Opus.
 */
#ifndef MR_CODEC_H
#define MR_CODEC_H

#include <stddef.h>

#include "codec/codec-t.h"
#include "rtp/rtp-t.h"

struct mr_codec_xc;
struct mr_codec_pool;
struct mr_transcode_spec;

/* The descriptor of a codec, or NULL for an unknown id. */
const struct mr_codec_desc *mr_codec_desc_get(enum mr_codec_id id);

/*
 * Look a codec up by its rtpmap encoding name (case-insensitive) and clock
 * rate. telephone-event matches any clock. Returns NULL when unknown.
 */
const struct mr_codec_desc *mr_codec_desc_find(const char *name, size_t name_len, uint32_t clock);

/*
 * Validate parameters: audio codecs known on both sides, a supported ptime,
 * complexity 0..10, distinct payload types on each leg.
 * Returns 0 or -EINVAL.
 */
int mr_codec_params_check(const struct mr_codec_params *p);

/*
 * Parameters from a flow's transcode spec (lib/shm/msg-t.h), with the
 * transcoded leg's SSRC and first sequence number and timestamp.
 * Returns 0, or -EINVAL when the result fails mr_codec_params_check().
 */
int mr_codec_params_from_spec(const struct mr_transcode_spec *spec, uint32_t ssrc, uint16_t seq,
			      uint32_t ts, struct mr_codec_params *p);

/*
 * Create a pool of n transcoder slots with every codec state allocated.
 * Returns the pool, or NULL with errno EINVAL (n == 0) or ENOMEM.
 */
struct mr_codec_pool *mr_codec_pool_create(unsigned n);

/* Free a pool and all its slots (those still taken included). NULL is a no-op. */
void mr_codec_pool_free(struct mr_codec_pool *pool);

/* Slots available. */
unsigned mr_codec_pool_avail(const struct mr_codec_pool *pool);

/*
 * Take a slot and set it up for p. No allocation. Returns the transcoder, or
 * NULL with errno EINVAL (bad parameters, see mr_codec_params_check()) or
 * ENOSPC (pool empty).
 */
struct mr_codec_xc *mr_codec_xc_get(struct mr_codec_pool *pool, const struct mr_codec_params *p);

/* Return a slot to its pool. NULL is a no-op. */
void mr_codec_xc_put(struct mr_codec_pool *pool, struct mr_codec_xc *xc);

/*
 * A transcoder's slot number in its pool, and the transcoder of a slot (NULL
 * past the pool's end): lets a fixed-size record name a transcoder in 32 bits.
 */
uint32_t mr_codec_xc_slot(const struct mr_codec_xc *xc);
struct mr_codec_xc *mr_codec_pool_slot(const struct mr_codec_pool *pool, uint32_t slot);

/*
 * Feed one RTP packet of the input leg. Emits zero or more RTP packets of the
 * output leg through emit(arg, ...) before returning: concealment of what was
 * lost before this packet, the audio frames completed, telephone events.
 * Bad input is counted, concealed where it takes the place of audio, and
 * never stops the stream. Returns the number of packets emitted, or
 * -EBADMSG when pkt is not RTP (counted in bad_rtp).
 */
int mr_codec_xc_input(struct mr_codec_xc *xc, const uint8_t *pkt, size_t len,
		      mr_codec_emit_fn *emit, void *arg);

/*
 * Take the oldest digit report. Returns 0, or -EAGAIN when there is none.
 * Up to MR_CODEC_DTMF_QUEUE reports wait; older ones are dropped (counted).
 */
int mr_codec_xc_dtmf_pop(struct mr_codec_xc *xc, struct mr_codec_dtmf *out);
#define MR_CODEC_DTMF_QUEUE 16

/*
 * The RTCP of the transcoded leg, which the relay generates rather than
 * forwards (RFC 3550 6.4, 6.5): an SR once this transcoder has sent media,
 * an RR before, with one report block when rb is non-NULL (the flow's
 * receive statistics of the leg's remote: loss, jitter, LSR/DLSR), then an
 * SDES chunk with cname (1..255 bytes). ntp is now as NTP 32.32; elapsed_us
 * the time since the last packet given to mr_codec_xc_input(), to place the
 * SR's RTP timestamp. Returns the length written, -EINVAL for a bad cname,
 * or -ENOSPC when cap is too small (at most 28 + 24 + 8 + 260 bytes).
 */
int mr_codec_xc_rtcp(const struct mr_codec_xc *xc, uint64_t ntp, uint32_t elapsed_us,
		     const struct mr_rtcp_rb *rb, const char *cname, uint8_t *buf, size_t cap);

/* Counters of this transcoder. */
const struct mr_codec_stats *mr_codec_xc_stats(const struct mr_codec_xc *xc);

/*
 * Share of the output that was not decoded from received audio (PLC, FEC,
 * silence fill for lost packets), in parts per thousand: a per-call quality
 * figure (0 = every sample decoded). Silence and comfort noise the sender
 * asked for do not count.
 */
unsigned mr_codec_xc_concealed_permille(const struct mr_codec_xc *xc);

/* What the transcoder chose, for logs and the benchmark. */
struct mr_codec_xc_info {
	uint32_t pcm_rate;	/* internal PCM rate, Hz */
	uint32_t out_frame;	/* PCM samples per output packet */
	uint32_t opus_bitrate;	/* bit/s, 0 without Opus output */
	uint8_t opus_complexity;
	uint8_t opus_bandwidth_khz; /* 4, 6, 8, 12 or 20 (audio bandwidth) */
	uint8_t opus_channels;
	bool dtmf_detect;	/* in-band detection on */
	bool dtmf_tones;	/* RFC 4733 played as tones */
};
void mr_codec_xc_info_get(const struct mr_codec_xc *xc, struct mr_codec_xc_info *info);

/* RFC 4733 event code of a DTMF character ("0-9*#A-D"), or -EINVAL. */
int mr_codec_dtmf_code(char c);
/* The character of an RFC 4733 event code 0..15, or '?'. */
char mr_codec_dtmf_char(uint8_t code);

#endif
