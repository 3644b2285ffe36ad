/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test and benchmark helpers for lib/codec: a deterministic speech-like
 * signal, RTP packet building, and signal-to-noise after delay alignment.
 */
#ifndef MR_CODEC_SIG_H
#define MR_CODEC_SIG_H

#include <math.h>
#include <stdint.h>
#include <string.h>

/*
 * Speech-like: a voiced source (harmonics of a pitch gliding 110..190 Hz)
 * shaped by three formants that move, syllables at ~4 Hz (raised-cosine
 * envelope) with a short pause every fourth syllable. Harmonics stop below
 * max_hz so the same signal can be made at 8, 16 and 48 kHz. Level about
 * -18 dBov at the syllable peaks' average.
 */
static inline void sig_speech(int16_t *out, uint32_t n, uint32_t rate, double max_hz)
{
	double phase = 0;

	for (uint32_t i = 0; i < n; i++) {
		double t = (double)i / rate;
		double f0 = 150 + 40 * sin(2 * M_PI * 0.7 * t);
		double syl = fmod(t * 4.0, 4.0);	/* four syllables per second */
		double env = syl < 3.0 ? 0.5 - 0.5 * cos(2 * M_PI * fmod(syl, 1.0)) : 0.0;
		double f1 = 500 + 200 * sin(2 * M_PI * 1.3 * t);
		double f2 = 1500 + 500 * sin(2 * M_PI * 0.9 * t + 1);
		double f3 = 2500 + 300 * sin(2 * M_PI * 0.5 * t + 2);
		double v = 0;

		phase += 2 * M_PI * f0 / rate;
		for (int h = 1; h * f0 < max_hz && h < 60; h++) {
			double fh = h * f0;
			double g = 1.0 / (1 + pow((fh - f1) / 120, 2)) +
				   0.5 / (1 + pow((fh - f2) / 180, 2)) +
				   0.25 / (1 + pow((fh - f3) / 250, 2)) + 0.02;

			v += g * sin(h * phase) / sqrt(h);
		}
		out[i] = (int16_t)lrint(3000.0 * env * v);
	}
}

static inline void sig_put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static inline void sig_put32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

/* An RTP packet: 12-byte header then payload; returns its length. */
static inline size_t sig_rtp(uint8_t *buf, uint8_t pt, int marker, uint16_t seq, uint32_t ts,
			     uint32_t ssrc, const uint8_t *pl, size_t len)
{
	buf[0] = 0x80;
	buf[1] = (uint8_t)((marker ? 0x80 : 0) | pt);
	sig_put16(buf + 2, seq);
	sig_put32(buf + 4, ts);
	sig_put32(buf + 8, ssrc);
	if (len)
		memcpy(buf + 12, pl, len);
	return 12 + len;
}

/*
 * Best alignment of y against x (y delayed by 0..max_lag samples), then
 * SNR in dB of x against y scaled by the least-squares gain. Uses samples
 * [skip, n - max_lag) of x. *lag_out receives the delay found.
 */
static inline double sig_snr(const int16_t *x, const int16_t *y, uint32_t n, uint32_t skip,
			     uint32_t max_lag, uint32_t *lag_out)
{
	double best = -1e300, g, es = 0, ee = 0, xy = 0, yy = 0;
	uint32_t lag = 0;

	for (uint32_t l = 0; l <= max_lag; l++) {
		double c = 0, e = 0;

		for (uint32_t i = skip; i + max_lag < n; i++) {
			c += (double)x[i] * y[i + l];
			e += (double)y[i + l] * y[i + l];
		}
		if (e > 0 && c / sqrt(e) > best) {
			best = c / sqrt(e);
			lag = l;
		}
	}
	for (uint32_t i = skip; i + max_lag < n; i++) {
		xy += (double)x[i] * y[i + lag];
		yy += (double)y[i + lag] * y[i + lag];
	}
	g = yy > 0 ? xy / yy : 0;
	for (uint32_t i = skip; i + max_lag < n; i++) {
		double d = x[i] - g * y[i + lag];

		es += (double)x[i] * x[i];
		ee += d * d;
	}
	if (lag_out)
		*lag_out = lag;
	return ee > 0 ? 10 * log10(es / ee) : 99;
}

#endif
