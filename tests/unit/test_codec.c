/* SPDX-License-Identifier: BSD-3-Clause */
/* lib/codec: transcoding paths, repacketization, loss, bad input, DTMF. */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <opus.h>
#include <spandsp.h>

#include "codec/codec.h"
#include "codec_sig.h"
#include "mr_check.h"
#include "rtp/rtp.h"
#include "shm/msg-t.h"

#define SSRC_IN 0x11223344u
#define SSRC_OUT 0xa5a5a5a5u
#define PT_OPUS 111
#define PT_TE_IN 101
#define PT_TE_OUT 110

/* ---------------------------------------------------------- capture */

#define CAP_MAX 4096
struct cap {
	unsigned n;
	struct {
		uint16_t len;
		uint8_t b[1500];
	} p[CAP_MAX];
};

static int cap_emit(void *arg, const uint8_t *pkt, uint16_t len)
{
	struct cap *c = arg;

	if (c->n == CAP_MAX)
		return -1;
	c->p[c->n].len = len;
	memcpy(c->p[c->n].b, pkt, len);
	c->n++;
	return 0;
}

static struct cap *cap_new(void)
{
	struct cap *c = calloc(1, sizeof(*c));

	ck_assert_ptr_nonnull(c);
	return c;
}

static void hdr(const struct cap *c, unsigned i, struct mr_rtp_hdr *h)
{
	ck_assert_int_eq(mr_rtp_hdr_parse(c->p[i].b, c->p[i].len, h), 0);
}

/*
 * The audio packets of payload type pt: sequence numbers consecutive over
 * all packets, timestamps advancing by exactly step between audio packets.
 * Returns the number of audio packets.
 */
static unsigned check_continuous(const struct cap *c, uint8_t pt, uint32_t step)
{
	struct mr_rtp_hdr h, prev_audio;
	unsigned audio = 0;

	for (unsigned i = 0; i < c->n; i++) {
		hdr(c, i, &h);
		ck_assert_uint_eq(h.ssrc, SSRC_OUT);
		if (i > 0) {
			struct mr_rtp_hdr p;

			hdr(c, i - 1, &p);
			ck_assert_uint_eq((uint16_t)(p.seq + 1), h.seq);
		}
		if (h.pt != pt)
			continue;
		if (audio > 0)
			ck_assert_uint_eq(h.ts - prev_audio.ts, step);
		prev_audio = h;
		audio++;
	}
	return audio;
}

/* ---------------------------------------------------------- encoders */

struct src {
	uint32_t rate;		/* PCM rate of the source */
	uint32_t n;
	int16_t *pcm;
};

static struct src src_make(uint32_t rate, double seconds, double max_hz)
{
	struct src s = { rate, (uint32_t)(rate * seconds), NULL };

	s.pcm = calloc(s.n, sizeof(int16_t));
	ck_assert_ptr_nonnull(s.pcm);
	sig_speech(s.pcm, s.n, rate, max_hz);
	return s;
}

/* Encode frame f (ptime ms) of src with codec; returns payload length. */
struct enc {
	enum mr_codec_id codec;
	OpusEncoder *opus;
	g722_encode_state_t *g722;
};

static struct enc enc_make(enum mr_codec_id codec, uint32_t rate, int fec)
{
	struct enc e = { codec, NULL, NULL };
	int err;

	if (codec == MR_CODEC_OPUS) {
		e.opus = opus_encoder_create((opus_int32)rate, 1, OPUS_APPLICATION_VOIP, &err);
		ck_assert_ptr_nonnull(e.opus);
		opus_encoder_ctl(e.opus, OPUS_SET_BITRATE(rate >= 16000 ? 32000 : 20000));
		if (fec) {
			opus_encoder_ctl(e.opus, OPUS_SET_INBAND_FEC(1));
			opus_encoder_ctl(e.opus, OPUS_SET_PACKET_LOSS_PERC(20));
		}
	} else if (codec == MR_CODEC_G722) {
		e.g722 = g722_encode_init(NULL, 64000, 0);
	}
	return e;
}

static void enc_free(struct enc *e)
{
	if (e->opus)
		opus_encoder_destroy(e->opus);
	if (e->g722)
		g722_encode_free(e->g722);
}

static int enc_frame(struct enc *e, const int16_t *pcm, uint32_t n, uint8_t *out)
{
	switch (e->codec) {
	case MR_CODEC_PCMU:
		for (uint32_t i = 0; i < n; i++)
			out[i] = linear_to_ulaw(pcm[i]);
		return (int)n;
	case MR_CODEC_PCMA:
		for (uint32_t i = 0; i < n; i++)
			out[i] = linear_to_alaw(pcm[i]);
		return (int)n;
	case MR_CODEC_G722:
		return g722_encode(e->g722, out, pcm, (int)n);
	case MR_CODEC_OPUS:
		return opus_encode(e->opus, pcm, (int)n, out, 1275);
	default:
		return -1;
	}
}

/* Decode every audio packet of c (payload type pt) into one PCM buffer at rate. */
static int16_t *dec_all(const struct cap *c, enum mr_codec_id codec, uint8_t pt, uint32_t rate,
			uint32_t *n_out)
{
	int16_t *pcm = calloc((size_t)c->n * 48 * 60 + 1, sizeof(int16_t));
	OpusDecoder *od = NULL;
	g722_decode_state_t *gd = NULL;
	uint32_t n = 0;
	int err;

	ck_assert_ptr_nonnull(pcm);
	if (codec == MR_CODEC_OPUS)
		od = opus_decoder_create((opus_int32)rate, 1, &err);
	if (codec == MR_CODEC_G722)
		gd = g722_decode_init(NULL, 64000, rate == 8000 ? G722_SAMPLE_RATE_8000 : 0);
	for (unsigned i = 0; i < c->n; i++) {
		struct mr_rtp_hdr h;
		const uint8_t *pl;
		int got = 0;

		hdr(c, i, &h);
		if (h.pt != pt)
			continue;
		pl = c->p[i].b + h.hdr_len;
		switch (codec) {
		case MR_CODEC_PCMU:
			for (int k = 0; k < h.payload_len; k++)
				pcm[n + k] = ulaw_to_linear(pl[k]);
			got = h.payload_len;
			break;
		case MR_CODEC_PCMA:
			for (int k = 0; k < h.payload_len; k++)
				pcm[n + k] = alaw_to_linear(pl[k]);
			got = h.payload_len;
			break;
		case MR_CODEC_G722:
			got = g722_decode(gd, pcm + n, pl, h.payload_len);
			break;
		case MR_CODEC_OPUS:
			got = opus_decode(od, pl, h.payload_len, pcm + n, (int)(rate * 60 / 1000), 0);
			break;
		default:
			break;
		}
		ck_assert_int_gt(got, 0);
		n += (uint32_t)got;
	}
	if (od)
		opus_decoder_destroy(od);
	if (gd)
		g722_decode_free(gd);
	*n_out = n;
	return pcm;
}

/*
 * Packetize src with codec at ptime ms (RTP clock `clock`) and feed each
 * packet to xc; a packet is skipped when drop(i) says so.
 */
static void feed(struct mr_codec_xc *xc, const struct src *s, struct enc *e, uint8_t pt,
		 uint32_t clock, uint32_t ptime, const uint8_t *drop, struct cap *c)
{
	uint32_t fs = s->rate * ptime / 1000, step = clock * ptime / 1000;
	uint8_t pl[1500], pkt[1600];

	for (uint32_t f = 0; (f + 1) * fs <= s->n; f++) {
		int len = enc_frame(e, s->pcm + f * fs, fs, pl);
		size_t plen;

		ck_assert_int_gt(len, 0);
		if (drop && drop[f])
			continue;
		plen = sig_rtp(pkt, pt, f == 0, (uint16_t)(1000 + f), 5000 + f * step, SSRC_IN,
			       pl, (size_t)len);
		ck_assert_int_ge(mr_codec_xc_input(xc, pkt, plen, cap_emit, c), 0);
	}
}

static struct mr_codec_params params(enum mr_codec_id in, uint8_t in_pt, enum mr_codec_id out,
				     uint8_t out_pt, uint8_t ptime)
{
	struct mr_codec_params p = {
		.in_codec = (uint8_t)in, .out_codec = (uint8_t)out, .in_pt = in_pt,
		.out_pt = out_pt, .in_te_pt = MR_CODEC_PT_NONE, .out_te_pt = MR_CODEC_PT_NONE,
		.in_cn_pt = MR_CODEC_PT_NONE, .out_ptime = ptime,
		.opus_complexity = MR_CODEC_OPUS_CX_DEFAULT, .ssrc = SSRC_OUT, .seq = 60000,
		.ts = 0xfffff000u,
	};

	return p;
}

static struct mr_codec_pool *pool;

static void setup(void)
{
	pool = mr_codec_pool_create(4);
	ck_assert_ptr_nonnull(pool);
}

static void teardown(void)
{
	mr_codec_pool_free(pool);
	pool = NULL;
}

/* ---------------------------------------------------------- descriptors, pool */

START_TEST(test_desc)
{
	const struct mr_codec_desc *d = mr_codec_desc_find("g722", 4, 8000);

	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(d->id, MR_CODEC_G722);
	ck_assert_uint_eq(d->static_pt, 9);
	ck_assert_uint_eq(d->rtp_clock, 8000);
	ck_assert_uint_eq(d->audio_rate, 16000);
	ck_assert_ptr_null(mr_codec_desc_find("opus", 4, 8000));
	ck_assert_int_eq(mr_codec_desc_find("OPUS", 4, 48000)->id, MR_CODEC_OPUS);
	ck_assert_int_eq(mr_codec_desc_find("telephone-event", 15, 48000)->id,
			 MR_CODEC_TELEPHONE_EVENT);
	ck_assert_uint_eq(mr_codec_desc_get(MR_CODEC_CN)->static_pt, 13);
	ck_assert_uint_eq(mr_codec_desc_get(MR_CODEC_PCMA)->static_pt, 8);
	ck_assert_ptr_null(mr_codec_desc_get(MR_CODEC_NONE));
	ck_assert_ptr_null(mr_codec_desc_get(MR_CODEC_COUNT));
	ck_assert_int_eq(mr_codec_dtmf_code('#'), 11);
	ck_assert_int_eq(mr_codec_dtmf_code('*'), 10);
	ck_assert_int_eq(mr_codec_dtmf_code('d'), 15);
	ck_assert_int_eq(mr_codec_dtmf_code('x'), -EINVAL);
	ck_assert_int_eq(mr_codec_dtmf_char(9), '9');
}
END_TEST

START_TEST(test_pool)
{
	struct mr_codec_params p = params(MR_CODEC_PCMU, 0, MR_CODEC_OPUS, PT_OPUS, 20);
	struct mr_codec_xc *x[4];

	for (int i = 0; i < 4; i++) {
		x[i] = mr_codec_xc_get(pool, &p);
		ck_assert_ptr_nonnull(x[i]);
	}
	ck_assert_uint_eq(mr_codec_pool_avail(pool), 0);
	errno = 0;
	ck_assert_ptr_null(mr_codec_xc_get(pool, &p));
	ck_assert_int_eq(errno, ENOSPC);
	for (int i = 0; i < 4; i++)
		ck_assert_ptr_eq(mr_codec_pool_slot(pool, mr_codec_xc_slot(x[i])), x[i]);
	ck_assert_ptr_null(mr_codec_pool_slot(pool, 4));
	mr_codec_xc_put(pool, x[2]);
	mr_codec_xc_put(pool, x[2]);	/* twice: ignored */
	ck_assert_uint_eq(mr_codec_pool_avail(pool), 1);
	ck_assert_ptr_eq(mr_codec_xc_get(pool, &p), x[2]);

	mr_codec_xc_put(pool, x[0]);
	p.out_ptime = 25;
	errno = 0;
	ck_assert_ptr_null(mr_codec_xc_get(pool, &p));
	ck_assert_int_eq(errno, EINVAL);
	p.out_ptime = 20;
	p.in_codec = MR_CODEC_CN;
	ck_assert_int_eq(mr_codec_params_check(&p), -EINVAL);
	p.in_codec = MR_CODEC_PCMU;
	p.opus_complexity = 11;
	ck_assert_int_eq(mr_codec_params_check(&p), -EINVAL);
	p.opus_complexity = 3;
	p.in_te_pt = 0;		/* same as the audio PT */
	ck_assert_int_eq(mr_codec_params_check(&p), -EINVAL);
	ck_assert_ptr_null(mr_codec_pool_create(0));
}
END_TEST

/* ---------------------------------------------------------- audio paths */

START_TEST(test_pcmu_opus_pcmu)
{
	struct src s = src_make(8000, 3.0, 3400);
	struct mr_codec_params p1 = params(MR_CODEC_PCMU, 0, MR_CODEC_OPUS, PT_OPUS, 20);
	struct mr_codec_params p2 = params(MR_CODEC_OPUS, PT_OPUS, MR_CODEC_PCMU, 0, 20);
	struct mr_codec_xc *a = mr_codec_xc_get(pool, &p1), *b;
	struct enc e = enc_make(MR_CODEC_PCMU, 8000, 0);
	struct cap *c1 = cap_new(), *c2 = cap_new();
	struct mr_codec_xc_info info;
	uint32_t n, lag;
	int16_t *out;
	double snr;

	p2.ssrc = SSRC_OUT;
	b = mr_codec_xc_get(pool, &p2);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	mr_codec_xc_info_get(a, &info);
	ck_assert_uint_eq(info.pcm_rate, 8000);
	ck_assert_uint_eq(info.opus_bandwidth_khz, 4);	/* narrowband for a G.711 source */
	ck_assert_uint_eq(info.opus_channels, 1);

	feed(a, &s, &e, 0, 8000, 20, NULL, c1);
	/* Nothing held back: one Opus packet per PCMU packet. */
	ck_assert_uint_eq(check_continuous(c1, PT_OPUS, 960), s.n / 160);
	for (unsigned i = 0; i < c1->n; i++) {
		struct mr_rtp_hdr h;

		hdr(c1, i, &h);
		ck_assert_uint_eq(h.marker, i == 0);
		ck_assert_int_eq(opus_packet_get_bandwidth(c1->p[i].b + 12), OPUS_BANDWIDTH_NARROWBAND);
		ck_assert_int_eq(opus_packet_get_nb_channels(c1->p[i].b + 12), 1);
	}
	/* And back. */
	for (unsigned i = 0; i < c1->n; i++)
		ck_assert_int_eq(mr_codec_xc_input(b, c1->p[i].b, c1->p[i].len, cap_emit, c2), 1);
	ck_assert_uint_eq(check_continuous(c2, 0, 160), s.n / 160);
	out = dec_all(c2, MR_CODEC_PCMU, 0, 8000, &n);
	ck_assert_uint_eq(n, s.n);
	snr = sig_snr(s.pcm, out, n, 800, 400, &lag);
	printf("# PCMU->Opus->PCMU: SNR %.1f dB, delay %u samples\n", snr, lag);
	ck_assert(snr > 6.0);
	ck_assert_uint_eq(mr_codec_xc_stats(a)->samples_plc, 0);
	ck_assert_uint_eq(mr_codec_xc_concealed_permille(b), 0);
	free(out);
	free(c1);
	free(c2);
	free(s.pcm);
	enc_free(&e);
}
END_TEST

START_TEST(test_opus_pcma)
{
	struct src s48 = src_make(48000, 3.0, 3400), s8 = src_make(8000, 3.0, 3400);
	struct mr_codec_params p = params(MR_CODEC_OPUS, PT_OPUS, MR_CODEC_PCMA, 8, 20);
	struct mr_codec_xc *x = mr_codec_xc_get(pool, &p);
	struct enc e = enc_make(MR_CODEC_OPUS, 48000, 0);
	struct cap *c = cap_new();
	uint32_t n, lag;
	int16_t *out;
	double snr;

	ck_assert_ptr_nonnull(x);
	feed(x, &s48, &e, PT_OPUS, 48000, 20, NULL, c);
	ck_assert_uint_eq(check_continuous(c, 8, 160), s8.n / 160);
	out = dec_all(c, MR_CODEC_PCMA, 8, 8000, &n);
	snr = sig_snr(s8.pcm, out, n, 800, 400, &lag);
	printf("# Opus(48k)->PCMA: SNR %.1f dB, delay %u samples\n", snr, lag);
	ck_assert(snr > 5.5);
	free(out);
	free(c);
	free(s48.pcm);
	free(s8.pcm);
	enc_free(&e);
}
END_TEST

START_TEST(test_g722_opus)
{
	struct src s = src_make(16000, 3.0, 7000);
	struct mr_codec_params p1 = params(MR_CODEC_G722, 9, MR_CODEC_OPUS, PT_OPUS, 20);
	struct mr_codec_params p2 = params(MR_CODEC_OPUS, PT_OPUS, MR_CODEC_G722, 9, 20);
	struct mr_codec_xc *a = mr_codec_xc_get(pool, &p1), *b = mr_codec_xc_get(pool, &p2);
	struct enc eg = enc_make(MR_CODEC_G722, 16000, 0), eo = enc_make(MR_CODEC_OPUS, 16000, 0);
	struct cap *c1 = cap_new(), *c2 = cap_new();
	struct mr_codec_xc_info info;
	uint32_t n, lag;
	int16_t *out;
	double snr;

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	mr_codec_xc_info_get(a, &info);
	ck_assert_uint_eq(info.pcm_rate, 16000);
	ck_assert_uint_eq(info.opus_bandwidth_khz, 8);	/* wideband for G.722 */

	/* G.722 -> Opus: decoded at 16 kHz by a reference decoder. */
	feed(a, &s, &eg, 9, 8000, 20, NULL, c1);
	ck_assert_uint_eq(check_continuous(c1, PT_OPUS, 960), s.n / 320);
	out = dec_all(c1, MR_CODEC_OPUS, PT_OPUS, 16000, &n);
	snr = sig_snr(s.pcm, out, n, 1600, 800, &lag);
	printf("# G.722->Opus(WB): SNR %.1f dB, delay %u samples\n", snr, lag);
	ck_assert(snr > 6.0);
	free(out);

	/* Opus (16 kHz) -> G.722: 160 RTP ticks (320 samples) per 20 ms. */
	feed(b, &s, &eo, PT_OPUS, 48000, 20, NULL, c2);
	ck_assert_uint_eq(check_continuous(c2, 9, 160), s.n / 320);
	ck_assert_uint_eq(c2->p[0].len, 12 + 160);
	out = dec_all(c2, MR_CODEC_G722, 9, 16000, &n);
	snr = sig_snr(s.pcm, out, n, 1600, 800, &lag);
	printf("# Opus(WB)->G.722: SNR %.1f dB, delay %u samples\n", snr, lag);
	ck_assert(snr > 6.0);
	free(out);

	/* The Opus receiver plays 8 kHz at most (maxplaybackrate): narrowband, even from G.722. */
	mr_codec_xc_put(pool, a);
	p1.opus_max_bw = 8;
	a = mr_codec_xc_get(pool, &p1);
	ck_assert_ptr_nonnull(a);
	mr_codec_xc_info_get(a, &info);
	ck_assert_uint_eq(info.opus_bandwidth_khz, 4);
	c1->n = 0;
	feed(a, &s, &eg, 9, 8000, 20, NULL, c1);
	ck_assert_uint_eq(check_continuous(c1, PT_OPUS, 960), s.n / 320);
	for (unsigned i = 5; i < c1->n; i++)
		ck_assert_int_eq(opus_packet_get_bandwidth(c1->p[i].b + 12), OPUS_BANDWIDTH_NARROWBAND);
	free(c1);
	free(c2);
	free(s.pcm);
	enc_free(&eg);
	enc_free(&eo);
}
END_TEST

/* G.711 <-> G.722 needs no resampler: G.722's 8 kHz mode. */
START_TEST(test_pcmu_g722)
{
	struct src s = src_make(8000, 2.0, 3400);
	struct mr_codec_params p = params(MR_CODEC_PCMU, 0, MR_CODEC_G722, 9, 20);
	struct mr_codec_xc *x = mr_codec_xc_get(pool, &p);
	struct enc e = enc_make(MR_CODEC_PCMU, 8000, 0);
	struct cap *c = cap_new();
	uint32_t n, lag;
	int16_t *out;
	double snr;

	feed(x, &s, &e, 0, 8000, 20, NULL, c);
	ck_assert_uint_eq(check_continuous(c, 9, 160), s.n / 160);
	out = dec_all(c, MR_CODEC_G722, 9, 8000, &n);
	snr = sig_snr(s.pcm, out, n, 800, 400, &lag);
	printf("# PCMU->G.722: SNR %.1f dB, delay %u samples\n", snr, lag);
	ck_assert(snr > 25.0);
	free(out);
	free(c);
	free(s.pcm);
	enc_free(&e);
}
END_TEST

/* ---------------------------------------------------------- repacketization */

static void repack(uint32_t ptime_in, uint32_t ptime_out)
{
	struct src s = src_make(8000, 1.2, 3400);
	struct mr_codec_params p = params(MR_CODEC_PCMU, 0, MR_CODEC_PCMU, 0, (uint8_t)ptime_out);
	struct mr_codec_xc *x = mr_codec_xc_get(pool, &p);
	struct enc e = enc_make(MR_CODEC_PCMU, 8000, 0);
	struct cap *c = cap_new();
	uint32_t off = 0;

	ck_assert_ptr_nonnull(x);
	feed(x, &s, &e, 0, 8000, ptime_in, NULL, c);
	ck_assert_uint_eq(check_continuous(c, 0, 8 * ptime_out), s.n / (8 * ptime_out));
	/* mu-law -> linear -> mu-law is exact (but for -0 becoming +0): the source's samples, in order. */
	for (unsigned i = 0; i < c->n; i++) {
		struct mr_rtp_hdr h;

		hdr(c, i, &h);
		ck_assert_uint_eq(h.payload_len, 8 * ptime_out);
		ck_assert_uint_eq(h.ts, 0xfffff000u + off);
		for (unsigned k = 0; k < h.payload_len; k++)
			ck_assert_int_eq(ulaw_to_linear(c->p[i].b[12 + k]),
					 ulaw_to_linear(linear_to_ulaw(s.pcm[off + k])));
		off += h.payload_len;
	}
	mr_codec_xc_put(pool, x);
	free(c);
	free(s.pcm);
	enc_free(&e);
}

START_TEST(test_repack_20_30)
{
	repack(20, 30);
	repack(30, 20);
	repack(20, 60);
	repack(60, 10);
}
END_TEST

START_TEST(test_opus_30ms)
{
	struct src s = src_make(8000, 1.2, 3400);
	struct mr_codec_params p = params(MR_CODEC_PCMU, 0, MR_CODEC_OPUS, PT_OPUS, 30);
	struct mr_codec_params p2 = params(MR_CODEC_OPUS, PT_OPUS, MR_CODEC_PCMU, 0, 20);
	struct mr_codec_xc *x = mr_codec_xc_get(pool, &p), *y = mr_codec_xc_get(pool, &p2);
	struct enc e = enc_make(MR_CODEC_PCMU, 8000, 0);
	struct cap *c = cap_new(), *c2 = cap_new();
	uint32_t n, lag;
	int16_t *out;
	double snr;

	feed(x, &s, &e, 0, 8000, 20, NULL, c);
	ck_assert_uint_eq(check_continuous(c, PT_OPUS, 1440), s.n / 240);
	for (unsigned i = 0; i < c->n; i++)
		ck_assert_int_eq(opus_packet_get_nb_samples(c->p[i].b + 12, c->p[i].len - 12, 48000),
				 1440);
	/* 30 ms Opus back to 20 ms PCMU. */
	for (unsigned i = 0; i < c->n; i++)
		ck_assert_int_ge(mr_codec_xc_input(y, c->p[i].b, c->p[i].len, cap_emit, c2), 1);
	ck_assert_uint_eq(check_continuous(c2, 0, 160), c->n * 3 / 2);
	out = dec_all(c2, MR_CODEC_PCMU, 0, 8000, &n);
	snr = sig_snr(s.pcm, out, n, 800, 400, &lag);
	printf("# PCMU 20 ms->Opus 30 ms->PCMU 20 ms: SNR %.1f dB, delay %u samples\n", snr, lag);
	ck_assert(snr > 6.0);
	free(out);
	free(c);
	free(c2);
	free(s.pcm);
	enc_free(&e);
}
END_TEST

/* ---------------------------------------------------------- loss */

static uint8_t *loss_pattern(uint32_t n, unsigned percent, uint32_t seed)
{
	uint8_t *d = calloc(n, 1);

	ck_assert_ptr_nonnull(d);
	for (uint32_t i = 1; i + 1 < n; i++) {
		seed = seed * 1103515245u + 12345u;
		d[i] = (seed >> 16) % 100 < percent;
	}
	return d;
}

START_TEST(test_loss_pcmu_opus)
{
	struct src s = src_make(8000, 4.0, 3400);
	struct mr_codec_params p = params(MR_CODEC_PCMU, 0, MR_CODEC_OPUS, PT_OPUS, 20);
	struct mr_codec_xc *x = mr_codec_xc_get(pool, &p);
	struct enc e = enc_make(MR_CODEC_PCMU, 8000, 0);
	struct cap *c = cap_new();
	uint8_t *drop = loss_pattern(s.n / 160, 5, 42);
	unsigned dropped = 0;

	for (uint32_t i = 0; i < s.n / 160; i++)
		dropped += drop[i];
	ck_assert_uint_gt(dropped, 3);
	feed(x, &s, &e, 0, 8000, 20, drop, c);
	/* Every 20 ms of the input timeline is in the output, gaps concealed. */
	ck_assert_uint_eq(check_continuous(c, PT_OPUS, 960), s.n / 160);
	ck_assert_uint_eq(mr_codec_xc_stats(x)->lost, dropped);
	ck_assert_uint_eq(mr_codec_xc_stats(x)->samples_plc, dropped * 160);
	ck_assert_uint_gt(mr_codec_xc_concealed_permille(x), 0);
	printf("# PCMU->Opus, %u of %u lost: concealed %u permille\n", dropped, s.n / 160,
	       mr_codec_xc_concealed_permille(x));
	free(drop);
	free(c);
	free(s.pcm);
	enc_free(&e);
}
END_TEST

START_TEST(test_loss_opus_fec)
{
	struct src s = src_make(8000, 4.0, 3400);
	struct mr_codec_params p = params(MR_CODEC_OPUS, PT_OPUS, MR_CODEC_PCMU, 0, 20);
	struct mr_codec_xc *x = mr_codec_xc_get(pool, &p);
	struct enc e = enc_make(MR_CODEC_OPUS, 8000, 1);
	struct cap *c = cap_new();
	uint8_t *drop = loss_pattern(s.n / 160, 5, 7);
	unsigned dropped = 0;
	const struct mr_codec_stats *st = mr_codec_xc_stats(x);

	for (uint32_t i = 0; i < s.n / 160; i++)
		dropped += drop[i];
	feed(x, &s, &e, PT_OPUS, 48000, 20, drop, c);
	ck_assert_uint_eq(check_continuous(c, 0, 160), s.n / 160);
	ck_assert_uint_eq(st->lost, dropped);
	/* Lone losses come back from the next packet's FEC, longer gaps partly from PLC. */
	ck_assert_uint_gt(st->samples_fec, 0);
	ck_assert_uint_eq(st->samples_fec + st->samples_plc, dropped * 160);
	printf("# Opus(FEC)->PCMU, %u lost: %" PRIu64 " samples from FEC, %" PRIu64 " from PLC\n",
	       dropped, st->samples_fec, st->samples_plc);
	free(drop);
	free(c);
	free(s.pcm);
	enc_free(&e);
}
END_TEST

/* ---------------------------------------------------------- bad input */

START_TEST(test_bad_input)
{
	struct src s = src_make(8000, 1.0, 3400);
	struct mr_codec_params p = params(MR_CODEC_OPUS, PT_OPUS, MR_CODEC_PCMU, 0, 20);
	struct mr_codec_xc *x = mr_codec_xc_get(pool, &p);
	struct enc e = enc_make(MR_CODEC_OPUS, 8000, 0);
	const struct mr_codec_stats *st = mr_codec_xc_stats(x);
	struct cap *c = cap_new();
	uint8_t pl[1500], pkt[1600];
	uint32_t frames = s.n / 160;
	size_t len = 0;

	for (uint32_t f = 0; f < frames; f++) {
		int plen = enc_frame(&e, s.pcm + f * 160, 160, pl);
		uint8_t pt = PT_OPUS;

		switch (f) {
		case 10:	/* code 3 with a frame count of 0: an invalid TOC */
			pl[0] = (uint8_t)((pl[0] & 0xfc) | 3);
			pl[1] = 0;
			plen = 2;
			break;
		case 15:	/* empty payload */
			plen = 0;
			break;
		case 20:	/* payload type switch mid-stream */
			pt = 0;
			break;
		case 25:	/* garbage: a valid TOC, then noise the decoder cannot take */
			pl[0] = 0x78 | 3;	/* CELT FB 20 ms, code 3 */
			pl[1] = 0x80 | 0x40 | 49; /* VBR, padding, 49 frames: too many */
			plen = 40;
			break;
		default:
			break;
		}
		len = sig_rtp(pkt, pt, 0, (uint16_t)(7 + f), 100 + f * 960, SSRC_IN, pl, (size_t)plen);
		ck_assert_int_ge(mr_codec_xc_input(x, pkt, len, cap_emit, c), 1);
	}
	/* Not RTP at all. */
	pkt[0] = 0x40;
	ck_assert_int_eq(mr_codec_xc_input(x, pkt, len, cap_emit, c), -EBADMSG);
	ck_assert_int_eq(mr_codec_xc_input(x, pkt, 3, cap_emit, c), -EBADMSG);

	ck_assert_uint_eq(st->bad_payload, 2);
	ck_assert_uint_eq(st->empty, 1);
	ck_assert_uint_eq(st->pt_switch, 1);
	ck_assert_uint_eq(st->bad_rtp, 2);
	ck_assert_uint_eq(st->samples_plc, 4 * 160);
	/* The stream went on: one packet per 20 ms, no gap. */
	ck_assert_uint_eq(check_continuous(c, 0, 160), frames);
	free(c);
	free(s.pcm);
	enc_free(&e);
}
END_TEST

START_TEST(test_bad_g722)
{
	struct mr_codec_params p = params(MR_CODEC_G722, 9, MR_CODEC_OPUS, PT_OPUS, 20);
	struct mr_codec_xc *x = mr_codec_xc_get(pool, &p);
	const struct mr_codec_stats *st = mr_codec_xc_stats(x);
	struct cap *c = cap_new();
	uint8_t pl[1400], pkt[1500];
	uint32_t seed = 99;
	size_t len;

	for (uint32_t f = 0; f < 50; f++) {
		size_t plen = 160;

		/* Noise for bytes: it decodes (G.722 has no invalid codeword) and is not counted. */
		for (size_t k = 0; k < sizeof(pl); k++) {
			seed = seed * 1103515245u + 12345u;
			pl[k] = (uint8_t)(seed >> 16);
		}
		if (f == 20)
			plen = sizeof(pl);	/* 175 ms in a 20 ms slot: over the 120 ms bound */
		len = sig_rtp(pkt, 9, 0, (uint16_t)f, f * 160, SSRC_IN, pl, plen);
		ck_assert_int_eq(mr_codec_xc_input(x, pkt, len, cap_emit, c), 1);
	}
	ck_assert_uint_eq(st->garbage, 1);
	ck_assert_uint_eq(st->samples_plc, 320);
	ck_assert_uint_eq(check_continuous(c, PT_OPUS, 960), 50);
	free(c);
}
END_TEST

START_TEST(test_comfort_noise)
{
	struct src s = src_make(8000, 1.0, 3400);
	struct mr_codec_params p = params(MR_CODEC_PCMU, 0, MR_CODEC_OPUS, PT_OPUS, 20);
	struct mr_codec_xc *x;
	const struct mr_codec_stats *st;
	struct cap *c = cap_new();
	uint8_t pl[160], pkt[200];
	size_t len;
	uint16_t seq = 0;

	p.in_cn_pt = 13;
	x = mr_codec_xc_get(pool, &p);
	st = mr_codec_xc_stats(x);
	for (uint32_t f = 0; f < 50; f++) {
		/* Frames 10..19 are silent: one CN packet (level 50 dBov) replaces them. */
		if (f >= 11 && f < 20)
			continue;
		if (f == 10) {
			pl[0] = 50;
			len = sig_rtp(pkt, 13, 0, seq++, f * 160, SSRC_IN, pl, 1);
		} else {
			for (int k = 0; k < 160; k++)
				pl[k] = linear_to_ulaw(s.pcm[f * 160 + k]);
			len = sig_rtp(pkt, 0, f == 20, seq++, f * 160, SSRC_IN, pl, 160);
		}
		ck_assert_int_ge(mr_codec_xc_input(x, pkt, len, cap_emit, c), 0);
	}
	ck_assert_uint_eq(st->cn_in, 1);
	ck_assert_uint_eq(st->samples_cn, 10 * 160);
	ck_assert_uint_eq(st->samples_plc, 0);
	ck_assert_uint_eq(st->lost, 0);
	/* Never forwarded as CN: only Opus, continuous. */
	ck_assert_uint_eq(check_continuous(c, PT_OPUS, 960), 50);
	ck_assert_uint_eq(c->n, 50);
	free(c);
	free(s.pcm);
}
END_TEST

/* ---------------------------------------------------------- DTMF */

/* RTP payloads of a pcap (Ethernet, IPv4, UDP): the smallest reader that serves. */
static unsigned pcap_rtp(const char *path, uint8_t pkts[][256], uint16_t *lens, unsigned max)
{
	FILE *f = fopen(path, "rb");
	uint8_t gh[24], rh[16], b[2048];
	unsigned n = 0;
	int swap;

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fread(gh, 1, 24, f), 24);
	swap = gh[0] == 0xa1;	/* big-endian file */
	while (n < max && fread(rh, 1, 16, f) == 16) {
		uint32_t incl = swap ? (uint32_t)rh[8] << 24 | rh[9] << 16 | rh[10] << 8 | rh[11]
				     : (uint32_t)rh[11] << 24 | rh[10] << 16 | rh[9] << 8 | rh[8];
		unsigned off = 14, ihl;

		ck_assert_uint_le(incl, sizeof(b));
		ck_assert_uint_eq(fread(b, 1, incl, f), incl);
		if (b[12] == 0x81 && b[13] == 0x00)
			off += 4;
		ck_assert_uint_eq(b[off] >> 4, 4);
		ihl = (b[off] & 0xf) * 4u;
		ck_assert_uint_eq(b[off + 9], 17);
		off += ihl + 8;
		ck_assert_uint_le(off, incl);
		ck_assert_uint_le(incl - off, 256);
		memcpy(pkts[n], b + off, incl - off);
		lens[n] = (uint16_t)(incl - off);
		n++;
	}
	fclose(f);
	return n;
}

START_TEST(test_dtmf_rfc4733_pcaps)
{
	glob_t g;
	unsigned files = 0;

	ck_assert_int_eq(glob("/usr/share/sip-tester/dtmf_2833_*.pcap", 0, NULL, &g), 0);
	for (size_t fi = 0; fi < g.gl_pathc; fi++) {
		const char *name = strrchr(g.gl_pathv[fi], '_') + 1;
		int want = strncmp(name, "pound", 5) == 0 ? 11 : strncmp(name, "star", 4) == 0 ? 10
											      : name[0] - '0';
		struct mr_codec_params p = params(MR_CODEC_PCMU, 0, MR_CODEC_OPUS, PT_OPUS, 20);
		struct mr_codec_xc *x;
		struct cap *c = cap_new();
		uint8_t pk[32][256];
		uint16_t lens[32];
		unsigned n, ends = 0, first_ts = 0;
		struct mr_codec_dtmf d;
		uint32_t in_dur = 0;

		p.in_te_pt = PT_TE_IN;
		p.out_te_pt = PT_TE_OUT;
		x = mr_codec_xc_get(pool, &p);
		ck_assert_ptr_nonnull(x);
		n = pcap_rtp(g.gl_pathv[fi], pk, lens, 32);
		ck_assert_uint_ge(n, 4);
		for (unsigned i = 0; i < n; i++) {
			ck_assert_uint_eq(pk[i][1] & 0x7f, PT_TE_IN);
			mr_codec_xc_input(x, pk[i], lens[i], cap_emit, c);
			in_dur = (uint32_t)pk[i][12 + 2] << 8 | pk[i][12 + 3];
		}
		/* Reported once, as the right digit, with its duration. */
		ck_assert_int_eq(mr_codec_xc_dtmf_pop(x, &d), 0);
		ck_assert_int_eq(d.event, want);
		ck_assert_int_eq(d.source, 0);
		ck_assert_uint_eq(d.duration_ms, in_dur / 8);
		ck_assert_int_eq(mr_codec_xc_dtmf_pop(x, &d), -EAGAIN);
		ck_assert_uint_eq(mr_codec_xc_stats(x)->dtmf_digits, 1);
		/* Every packet forwarded, remapped to the Opus leg's PT and clock. */
		ck_assert_uint_eq(c->n, n);
		check_continuous(c, PT_TE_OUT, 0);
		for (unsigned i = 0; i < c->n; i++) {
			struct mr_rtp_hdr h;
			const uint8_t *pl = c->p[i].b + 12;

			hdr(c, i, &h);
			ck_assert_uint_eq(h.pt, PT_TE_OUT);
			ck_assert_uint_eq(h.marker, i == 0);
			if (i == 0)
				first_ts = h.ts;
			ck_assert_uint_eq(h.ts, first_ts);
			ck_assert_uint_eq(pl[0], want);
			ck_assert_uint_eq((uint32_t)pl[2] << 8 | pl[3],
					  (((uint32_t)pk[i][14] << 8 | pk[i][15]) * 6));
			ends += (pl[1] & 0x80) != 0;
		}
		ck_assert_uint_ge(ends, 2);
		mr_codec_xc_put(pool, x);
		free(c);
		files++;
	}
	ck_assert_uint_eq(files, 12);
	globfree(&g);
}
END_TEST

/* Generate "159#" in-band with spandsp, speech around it; detect, send as RFC 4733. */
START_TEST(test_dtmf_inband)
{
	struct mr_codec_params p = params(MR_CODEC_PCMU, 0, MR_CODEC_OPUS, PT_OPUS, 20);
	struct mr_codec_xc *x;
	struct src s = src_make(8000, 2.0, 3400);
	dtmf_tx_state_t *tx = dtmf_tx_init(NULL);
	uint32_t total = 8000 * 4, frames = total / 160;
	int16_t *pcm = calloc(total, sizeof(int16_t));
	struct enc e = enc_make(MR_CODEC_PCMU, 8000, 0);
	struct cap *c = cap_new();
	static const uint8_t want[] = { 1, 5, 9, 11 };
	unsigned got = 0, starts = 0, ends[16] = { 0 };
	struct mr_codec_dtmf d;
	struct src whole = { 8000, total, pcm };
	int last = -1;

	memcpy(pcm, s.pcm, 8000 * sizeof(int16_t));		/* 1 s of speech */
	dtmf_tx_set_timing(tx, 80, 80);
	dtmf_tx_put(tx, "159#", -1);
	dtmf_tx(tx, pcm + 8000, 8000);				/* 1 s: the digits */
	memcpy(pcm + 16000, s.pcm + 8000, 8000 * sizeof(int16_t)); /* 1 s of speech, 1 s silence */

	p.out_te_pt = PT_TE_OUT;
	x = mr_codec_xc_get(pool, &p);
	ck_assert_ptr_nonnull(x);
	feed(x, &whole, &e, 0, 8000, 20, NULL, c);
	while (mr_codec_xc_dtmf_pop(x, &d) == 0) {
		ck_assert_uint_lt(got, 4);
		ck_assert_uint_eq(d.event, want[got]);
		ck_assert_uint_eq(d.source, 1);
		ck_assert_uint_ge(d.duration_ms, 40);
		ck_assert_uint_le(d.duration_ms, 140);
		got++;
	}
	ck_assert_uint_eq(got, 4);
	/* On the wire: each event starts marked, grows, ends three times. */
	ck_assert_uint_eq(check_continuous(c, PT_OPUS, 960), frames);
	for (unsigned i = 0; i < c->n; i++) {
		struct mr_rtp_hdr h;
		const uint8_t *pl = c->p[i].b + 12;

		hdr(c, i, &h);
		if (h.pt != PT_TE_OUT)
			continue;
		ck_assert_uint_lt(pl[0], 16);
		if (h.marker) {
			starts++;
			ck_assert_int_ne(pl[0], last);
			last = pl[0];
		}
		if (pl[1] & 0x80)
			ends[pl[0]]++;
	}
	ck_assert_uint_eq(starts, 4);
	for (unsigned i = 0; i < 4; i++)
		ck_assert_uint_eq(ends[want[i]], 3);
	dtmf_tx_free(tx);
	free(pcm);
	free(s.pcm);
	free(c);
	enc_free(&e);
}
END_TEST

/* RFC 4733 in, no telephone-event out: the digit is played as a tone. */
START_TEST(test_dtmf_to_tone)
{
	struct mr_codec_params p = params(MR_CODEC_PCMU, 0, MR_CODEC_PCMA, 8, 20);
	struct mr_codec_xc *x;
	struct cap *c = cap_new();
	uint8_t pl[160], pkt[200];
	dtmf_rx_state_t *rx;
	char digits[8] = { 0 };
	uint32_t n;
	int16_t *out;
	uint16_t seq = 0;
	uint32_t ts = 0;

	p.in_te_pt = PT_TE_IN;
	x = mr_codec_xc_get(pool, &p);
	memset(pl, 0xff, sizeof(pl));	/* mu-law silence */
	for (int f = 0; f < 10; f++, ts += 160)
		mr_codec_xc_input(x, pkt, sig_rtp(pkt, 0, 0, seq++, ts, SSRC_IN, pl, 160), cap_emit, c);
	/* Digit 7 at ts, 120 ms, updates every 40 ms, end three times; no audio meanwhile. */
	for (uint32_t dur = 320; dur <= 960; dur += 320) {
		uint8_t ev[4] = { 7, (uint8_t)(dur == 960 ? 0x80 | 10 : 10), (uint8_t)(dur >> 8),
				  (uint8_t)dur };

		for (int r = 0; r < (dur == 960 ? 3 : 1); r++)
			mr_codec_xc_input(x, pkt, sig_rtp(pkt, PT_TE_IN, dur == 320, seq++, ts,
							  SSRC_IN, ev, 4), cap_emit, c);
	}
	ts += 960;
	for (int f = 0; f < 20; f++, ts += 160)
		mr_codec_xc_input(x, pkt, sig_rtp(pkt, 0, 0, seq++, ts, SSRC_IN, pl, 160), cap_emit, c);
	ck_assert_uint_eq(check_continuous(c, 8, 160), 36);
	ck_assert_uint_eq(mr_codec_xc_stats(x)->te_out, 0);
	ck_assert_uint_eq(mr_codec_xc_stats(x)->dtmf_digits, 1);
	out = dec_all(c, MR_CODEC_PCMA, 8, 8000, &n);
	rx = dtmf_rx_init(NULL, NULL, NULL);
	dtmf_rx(rx, out, (int)n);
	dtmf_rx_get(rx, digits, 7);
	ck_assert_str_eq(digits, "7");
	dtmf_rx_free(rx);
	free(out);
	free(c);
}
END_TEST

/* ---------------------------------------------------------- flow spec, RTCP */

START_TEST(test_spec)
{
	struct mr_flow_spec fs;
	struct mr_codec_params p;
	struct mr_codec_xc *x;
	struct mr_codec_xc_info info;

	memset(&fs, 0, sizeof(fs));
	fs.flags = MR_FLOW_F_TRANSCODE;
	fs.transcode = (struct mr_transcode_spec){
		.in_codec = MR_CODEC_OPUS, .out_codec = MR_CODEC_PCMA, .in_pt = 96, .out_pt = 8,
		.in_te_pt = 101, .out_te_pt = MR_CODEC_PT_NONE, .in_cn_pt = MR_CODEC_PT_NONE,
		.out_ptime = 30, .opus_complexity = 0xff, .opus_max_bw = 0, .flags = 0,
	};
	/* The spec is the reserved bytes: nothing else of the flow spec moved. */
	ck_assert_ptr_eq((void *)&fs.transcode, (void *)fs.reserved);
	ck_assert_int_eq(mr_codec_params_from_spec(&fs.transcode, 77, 5, 9, &p), 0);
	ck_assert_uint_eq(p.ssrc, 77);
	ck_assert_uint_eq(p.in_te_pt, 101);
	x = mr_codec_xc_get(pool, &p);
	ck_assert_ptr_nonnull(x);
	mr_codec_xc_info_get(x, &info);
	ck_assert_uint_eq(info.pcm_rate, 8000);
	ck_assert_uint_eq(info.out_frame, 240);
	ck_assert(info.dtmf_tones);
	fs.transcode.out_ptime = 25;
	ck_assert_int_eq(mr_codec_params_from_spec(&fs.transcode, 77, 5, 9, &p), -EINVAL);
	fs.transcode.out_ptime = 20;
	fs.transcode.in_codec = 9;	/* unknown id */
	ck_assert_int_eq(mr_codec_params_from_spec(&fs.transcode, 77, 5, 9, &p), -EINVAL);
}
END_TEST

START_TEST(test_rtcp)
{
	struct src s = src_make(8000, 0.2, 3400);
	struct mr_codec_params p = params(MR_CODEC_PCMU, 0, MR_CODEC_OPUS, PT_OPUS, 20);
	struct mr_codec_xc *x = mr_codec_xc_get(pool, &p);
	struct enc e = enc_make(MR_CODEC_PCMU, 8000, 0);
	struct cap *c = cap_new();
	struct mr_rtcp_rb rb = { .ssrc = SSRC_IN, .fraction_lost = 12, .cumulative_lost = -3,
				 .ext_highest_seq = 0x10005, .jitter = 40, .lsr = 0x12345678,
				 .dlsr = 0x10000 };
	struct mr_rtcp_info info;
	uint8_t buf[400];
	uint64_t octets = 0;
	int len;

	/* Nothing sent yet: an RR, with the CNAME. */
	len = mr_codec_xc_rtcp(x, 1ull << 40, 0, &rb, "mrelay@example", buf, sizeof(buf));
	ck_assert_int_gt(len, 0);
	ck_assert_int_eq(len % 4, 0);
	ck_assert_int_eq(mr_rtcp_parse(buf, (size_t)len, &info), 2);
	ck_assert(!info.has_sr);
	ck_assert_uint_eq(info.first_pt, MR_RTCP_RR);
	ck_assert_uint_eq(info.ssrc, SSRC_OUT);

	feed(x, &s, &e, 0, 8000, 20, NULL, c);
	for (unsigned i = 0; i < c->n; i++)
		octets += c->p[i].len - 12u;
	len = mr_codec_xc_rtcp(x, 0x0102030405060708ull, 10000, &rb, "mrelay@example", buf,
			       sizeof(buf));
	ck_assert_int_eq(mr_rtcp_parse(buf, (size_t)len, &info), 2);
	ck_assert(info.has_sr);
	ck_assert_uint_eq(info.ssrc, SSRC_OUT);
	ck_assert_uint_eq(info.ntp_ts, 0x0102030405060708ull);
	ck_assert_uint_eq(info.sender_packets, c->n);
	ck_assert_uint_eq(info.sender_octets, octets);
	/* 10 frames sent from 0xfffff000, 10 ms later. */
	ck_assert_uint_eq(info.rtp_ts, 0xfffff000u + 10 * 960 + 480);
	ck_assert_uint_eq(info.n_rb, 1);
	ck_assert_uint_eq(info.rb[0].ssrc, SSRC_IN);
	ck_assert_uint_eq(info.rb[0].fraction_lost, 12);
	ck_assert_int_eq(info.rb[0].cumulative_lost, -3);
	ck_assert_uint_eq(info.rb[0].ext_highest_seq, 0x10005);
	ck_assert_uint_eq(info.rb[0].jitter, 40);
	ck_assert_uint_eq(info.rb[0].lsr, 0x12345678);
	ck_assert_uint_eq(info.rb[0].dlsr, 0x10000);
	/* No report block; bad CNAME; too small. */
	len = mr_codec_xc_rtcp(x, 1, 0, NULL, "a", buf, sizeof(buf));
	ck_assert_int_eq(len, 28 + 12);
	ck_assert_int_eq(mr_rtcp_parse(buf, (size_t)len, &info), 2);
	ck_assert_uint_eq(info.n_rb, 0);
	ck_assert_int_eq(mr_codec_xc_rtcp(x, 1, 0, NULL, "", buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(mr_codec_xc_rtcp(x, 1, 0, &rb, "abc", buf, 60), -ENOSPC);
	free(c);
	free(s.pcm);
	enc_free(&e);
}
END_TEST

static Suite *codec_suite(void)
{
	Suite *s = suite_create("codec");
	TCase *tc = tcase_create("desc");

	tcase_add_test(tc, test_desc);
	suite_add_tcase(s, tc);

	tc = tcase_create("pool");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_pool);
	suite_add_tcase(s, tc);

	tc = tcase_create("paths");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_pcmu_opus_pcmu);
	tcase_add_test(tc, test_opus_pcma);
	tcase_add_test(tc, test_g722_opus);
	tcase_add_test(tc, test_pcmu_g722);
	tcase_add_test(tc, test_repack_20_30);
	tcase_add_test(tc, test_opus_30ms);
	suite_add_tcase(s, tc);

	tc = tcase_create("loss");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_loss_pcmu_opus);
	tcase_add_test(tc, test_loss_opus_fec);
	tcase_add_test(tc, test_bad_input);
	tcase_add_test(tc, test_bad_g722);
	tcase_add_test(tc, test_comfort_noise);
	suite_add_tcase(s, tc);

	tc = tcase_create("dtmf");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_dtmf_rfc4733_pcaps);
	tcase_add_test(tc, test_dtmf_inband);
	tcase_add_test(tc, test_dtmf_to_tone);
	suite_add_tcase(s, tc);

	tc = tcase_create("flow");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_spec);
	tcase_add_test(tc, test_rtcp);
	suite_add_tcase(s, tc);
	return s;
}

MR_CHECK_MAIN(codec_suite)
