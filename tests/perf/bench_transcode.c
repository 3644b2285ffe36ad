/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Transcoding cost: two-way PCMU <-> Opus calls on one core.
 *
 * C calls, each two transcoders (PCMU -> Opus and Opus -> PCMU) from one
 * pool, are fed frame by frame in turn (20 ms frames, speech-like input), so
 * the working set is that of C live calls, not one hot state. Reported per
 * 20 ms frame and direction, and as calls per core:
 *   calls/core = 1 s / ((us PCMU->Opus + us Opus->PCMU) * 50)
 * Beside it, in the same run, the raw library floor: libopus encode-only
 * (same settings) and decode-only, G.711 encode and decode, on one hot state.
 *
 *   bench-transcode [-n FRAMES] [-c CALLS] [-t TRIALS] [-x COMPLEXITY]
 *                   [-i nb|webrtc] [--sweep]
 *
 * -i: what the Opus leg sends: "nb" (8 kHz narrowband 16 kbit/s, like what
 * mrelay sends it) or "webrtc" (48 kHz, 32 kbit/s, complexity 10, what a
 * browser sends). --sweep prints cost and round-trip SNR for complexity 0..10.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <opus.h>
#include <spandsp.h>

#include "codec/codec.h"
#include "../unit/codec_sig.h"
#include "rtp/rtp.h"

#define PT_OPUS 111

/* CPU time of this thread: what a media lcore spends, whatever else the machine runs. */
static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_d);
	return v[n / 2];
}

static int sink(void *arg, const uint8_t *pkt, uint16_t len)
{
	(void)pkt;
	*(uint64_t *)arg += len;
	return 0;
}

/* Decoded PCMU output of one call, to measure the round trip's SNR. */
struct keep {
	int16_t *pcm;
	uint32_t n, max;
};

static int keep_pcmu(void *arg, const uint8_t *pkt, uint16_t len)
{
	struct keep *k = arg;

	for (uint16_t i = MR_RTP_HDR_MIN; i < len && k->n < k->max; i++)
		k->pcm[k->n++] = ulaw_to_linear(pkt[i]);
	return 0;
}

struct pkts {
	uint8_t (*b)[1500];
	uint16_t *len;
	uint32_t n;
};

static struct pkts pkts_alloc(uint32_t n)
{
	struct pkts p = { calloc(n, 1500), calloc(n, sizeof(uint16_t)), n };

	if (!p.b || !p.len) {
		fprintf(stderr, "bench-transcode: out of memory\n");
		exit(1);
	}
	return p;
}

static struct mr_codec_params params(enum mr_codec_id in, uint8_t in_pt, enum mr_codec_id out,
				     uint8_t out_pt, uint8_t cx, uint32_t ssrc)
{
	struct mr_codec_params p = {
		.in_codec = (uint8_t)in, .out_codec = (uint8_t)out, .in_pt = in_pt, .out_pt = out_pt,
		.in_te_pt = MR_CODEC_PT_NONE, .out_te_pt = MR_CODEC_PT_NONE,
		.in_cn_pt = MR_CODEC_PT_NONE, .out_ptime = 20, .opus_complexity = cx, .ssrc = ssrc,
	};

	return p;
}

struct result {
	double us_a, us_b;	/* per frame: PCMU -> Opus, Opus -> PCMU */
	struct mr_codec_xc_info info;
};

/* One trial: C calls, n frames each. */
static int run(const struct pkts *pcmu, const struct pkts *opus, uint32_t calls, uint8_t cx,
	       struct result *r)
{
	struct mr_codec_pool *pool = mr_codec_pool_create(2 * calls);
	struct mr_codec_params pa = params(MR_CODEC_PCMU, 0, MR_CODEC_OPUS, PT_OPUS, cx, 1);
	struct mr_codec_params pb = params(MR_CODEC_OPUS, PT_OPUS, MR_CODEC_PCMU, 0, cx, 2);
	struct mr_codec_xc **a, **b;
	double ta = 0, tb = 0;
	uint64_t bytes = 0;

	if (pool == NULL) {
		fprintf(stderr, "bench-transcode: pool of %u: %s\n", 2 * calls, strerror(errno));
		return -1;
	}
	a = calloc(calls, sizeof(*a));
	b = calloc(calls, sizeof(*b));
	for (uint32_t c = 0; c < calls; c++) {
		a[c] = mr_codec_xc_get(pool, &pa);
		b[c] = mr_codec_xc_get(pool, &pb);
		if (a[c] == NULL || b[c] == NULL)
			return -1;
	}
	mr_codec_xc_info_get(a[0], &r->info);
	for (uint32_t f = 0; f < pcmu->n; f++) {
		double t0 = now_us(), t1, t2;

		for (uint32_t c = 0; c < calls; c++)
			mr_codec_xc_input(a[c], pcmu->b[f], pcmu->len[f], sink, &bytes);
		t1 = now_us();
		for (uint32_t c = 0; c < calls; c++)
			mr_codec_xc_input(b[c], opus->b[f], opus->len[f], sink, &bytes);
		t2 = now_us();
		ta += t1 - t0;
		tb += t2 - t1;
	}
	r->us_a = ta / ((double)pcmu->n * calls);
	r->us_b = tb / ((double)pcmu->n * calls);
	free(a);
	free(b);
	mr_codec_pool_free(pool);
	return 0;
}

/* PCMU -> Opus (these settings) -> PCMU, against the source. */
struct grab {
	uint8_t b[1500];
	uint16_t len;
};

static int grab_pkt(void *arg, const uint8_t *pkt, uint16_t len)
{
	struct grab *g = arg;

	memcpy(g->b, pkt, len);
	g->len = len;
	return 0;
}

static double roundtrip_snr(const struct pkts *pcmu, uint8_t cx, const int16_t *src)
{
	struct mr_codec_pool *pool = mr_codec_pool_create(2);
	struct mr_codec_params pa = params(MR_CODEC_PCMU, 0, MR_CODEC_OPUS, PT_OPUS, cx, 1);
	struct mr_codec_params pb = params(MR_CODEC_OPUS, PT_OPUS, MR_CODEC_PCMU, 0, cx, 2);
	struct mr_codec_xc *a = mr_codec_xc_get(pool, &pa), *b = mr_codec_xc_get(pool, &pb);
	struct keep k = { calloc((size_t)pcmu->n * 160, sizeof(int16_t)), 0, pcmu->n * 160 };
	struct grab g;
	double snr;

	for (uint32_t f = 0; f < pcmu->n; f++) {
		g.len = 0;
		mr_codec_xc_input(a, pcmu->b[f], pcmu->len[f], grab_pkt, &g);
		if (g.len)
			mr_codec_xc_input(b, g.b, g.len, keep_pcmu, &k);
	}
	snr = sig_snr(src, k.pcm, k.n, 800, 400, NULL);
	free(k.pcm);
	mr_codec_pool_free(pool);
	return snr;
}

/* The library floor: one hot state each. */
struct raw {
	double enc_us, dec_us, g711_enc_us, g711_dec_us;
};

static void run_raw(const int16_t *src, uint32_t frames, const struct pkts *opus,
		    const struct mr_codec_xc_info *info, struct raw *r)
{
	OpusEncoder *enc;
	OpusDecoder *dec;
	uint8_t out[1500];
	int16_t pcm[960];
	volatile unsigned acc = 0;
	double t0;
	int err;

	enc = opus_encoder_create(8000, 1, OPUS_APPLICATION_VOIP, &err);
	opus_encoder_ctl(enc, OPUS_SET_MAX_BANDWIDTH(OPUS_BANDWIDTH_NARROWBAND));
	opus_encoder_ctl(enc, OPUS_SET_BANDWIDTH(OPUS_BANDWIDTH_NARROWBAND));
	opus_encoder_ctl(enc, OPUS_SET_BITRATE((opus_int32)info->opus_bitrate));
	opus_encoder_ctl(enc, OPUS_SET_COMPLEXITY(info->opus_complexity));
	opus_encoder_ctl(enc, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
	dec = opus_decoder_create(8000, 1, &err);

	t0 = now_us();
	for (uint32_t f = 0; f < frames; f++)
		acc += (unsigned)opus_encode(enc, src + f * 160, 160, out, sizeof(out));
	r->enc_us = (now_us() - t0) / frames;
	t0 = now_us();
	for (uint32_t f = 0; f < frames; f++)
		acc += (unsigned)opus_decode(dec, opus->b[f] + 12, opus->len[f] - 12, pcm, 960, 0);
	r->dec_us = (now_us() - t0) / frames;
	t0 = now_us();
	for (uint32_t f = 0; f < frames; f++)
		for (int i = 0; i < 160; i++)
			out[i] = linear_to_ulaw(src[f * 160 + i]), acc += out[i];
	r->g711_enc_us = (now_us() - t0) / frames;
	t0 = now_us();
	for (uint32_t f = 0; f < frames; f++)
		for (int i = 0; i < 160; i++)
			pcm[i] = ulaw_to_linear(out[i] ^ (uint8_t)f), acc += (unsigned)pcm[i];
	r->g711_dec_us = (now_us() - t0) / frames;
	opus_encoder_destroy(enc);
	opus_decoder_destroy(dec);
}

static void usage(void)
{
	fprintf(stderr, "usage: bench-transcode [-n FRAMES] [-c CALLS] [-t TRIALS] [-x COMPLEXITY]"
			" [-i nb|webrtc] [--sweep]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sweep", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint32_t frames = 500, calls = 200;
	int trials = 3, cx = MR_CODEC_OPUS_CX, sweep = 0, o;
	const char *input = "webrtc";
	int16_t *src8, *src48;
	struct pkts pcmu, opus;
	OpusEncoder *oe;
	int err;

	while ((o = getopt_long(argc, argv, "n:c:t:x:i:h", opts, NULL)) != -1) {
		switch (o) {
		case 'n': frames = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'c': calls = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 't': trials = atoi(optarg); break;
		case 'x': cx = atoi(optarg); break;
		case 'i': input = optarg; break;
		case 's': sweep = 1; break;
		default: usage();
		}
	}
	if (frames < 10 || calls < 1 || trials < 1 || trials > 99 || cx < 0 || cx > 10 ||
	    (strcmp(input, "nb") != 0 && strcmp(input, "webrtc") != 0))
		usage();

	/* The PCMU leg's packets, and what the Opus leg sends, made once. */
	src8 = calloc((size_t)frames * 160, sizeof(int16_t));
	src48 = calloc((size_t)frames * 960, sizeof(int16_t));
	sig_speech(src8, frames * 160, 8000, 3400);
	sig_speech(src48, frames * 960, 48000, 3400);
	pcmu = pkts_alloc(frames);
	opus = pkts_alloc(frames);
	if (strcmp(input, "nb") == 0) {
		oe = opus_encoder_create(8000, 1, OPUS_APPLICATION_VOIP, &err);
		opus_encoder_ctl(oe, OPUS_SET_BITRATE(16000));
		opus_encoder_ctl(oe, OPUS_SET_MAX_BANDWIDTH(OPUS_BANDWIDTH_NARROWBAND));
	} else {
		oe = opus_encoder_create(48000, 1, OPUS_APPLICATION_VOIP, &err);
		opus_encoder_ctl(oe, OPUS_SET_BITRATE(32000));
		opus_encoder_ctl(oe, OPUS_SET_COMPLEXITY(10));
	}
	for (uint32_t f = 0; f < frames; f++) {
		uint8_t pl[1500];
		int n;

		for (int i = 0; i < 160; i++)
			pl[i] = linear_to_ulaw(src8[f * 160 + i]);
		pcmu.len[f] = (uint16_t)sig_rtp(pcmu.b[f], 0, f == 0, (uint16_t)f, f * 160, 7, pl, 160);
		if (strcmp(input, "nb") == 0)
			n = opus_encode(oe, src8 + f * 160, 160, pl, sizeof(pl));
		else
			n = opus_encode(oe, src48 + f * 960, 960, pl, sizeof(pl));
		if (n <= 0)
			return 1;
		opus.len[f] = (uint16_t)sig_rtp(opus.b[f], PT_OPUS, f == 0, (uint16_t)f, f * 960, 8,
						pl, (size_t)n);
	}
	opus_encoder_destroy(oe);

	for (int x = sweep ? 0 : cx; x <= (sweep ? 10 : cx); x++) {
		double va[99], vb[99], vt[99], ve[99], vd[99], vge[99], vgd[99];
		struct result r;
		struct raw raw;
		double a, b, snr;

		for (int t = 0; t < trials; t++) {
			if (run(&pcmu, &opus, calls, (uint8_t)x, &r) < 0)
				return 1;
			run_raw(src8, frames, &opus, &r.info, &raw);
			va[t] = r.us_a;
			vb[t] = r.us_b;
			vt[t] = r.us_a + r.us_b;
			ve[t] = raw.enc_us;
			vd[t] = raw.dec_us;
			vge[t] = raw.g711_enc_us;
			vgd[t] = raw.g711_dec_us;
		}
		a = median(va, trials);
		b = median(vb, trials);
		snr = roundtrip_snr(&pcmu, (uint8_t)x, src8);
		printf("transcode opus_in=%s calls=%u cx=%u bitrate=%u bw_khz=%u channels=%u rate=%u"
		       " pcmu_to_opus_us=%.2f opus_to_pcmu_us=%.2f twoway_us=%.2f calls_per_core=%.0f"
		       " raw_opus_enc_us=%.2f raw_opus_dec_us=%.2f raw_g711_enc_us=%.3f"
		       " raw_g711_dec_us=%.3f raw_calls_per_core=%.0f snr_db=%.1f\n",
		       input, calls, r.info.opus_complexity, r.info.opus_bitrate,
		       r.info.opus_bandwidth_khz, r.info.opus_channels, r.info.pcm_rate, a, b,
		       median(vt, trials), 1e6 / (median(vt, trials) * 50), median(ve, trials),
		       median(vd, trials), median(vge, trials), median(vgd, trials),
		       1e6 / ((median(ve, trials) + median(vd, trials) + median(vge, trials) +
			       median(vgd, trials)) * 50), snr);
		fflush(stdout);
	}
	free(src8);
	free(src48);
	return 0;
}
