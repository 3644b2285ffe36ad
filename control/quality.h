/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A call-quality estimate from what the relay measures (loss, jitter), for
 * mrelayctl, the quality records and /metrics.
 *
 * Simplified ITU-T G.107 E-model, narrowband, G.711 with packet-loss
 * concealment and no echo or noise terms beyond the default Ro - Is:
 *   d      = 2 * jitter_ms + 20           one-way delay the relay can see: a
 *                                          jitter buffer of twice the jitter
 *                                          plus one 20 ms packet (no RTT known)
 *   Id     = 0.024 d + 0.11 (d - 177.3) H(d - 177.3)   (Cole and Rosenbluth's
 *                                          fit of G.107's delay impairment)
 *   Ie_eff = Ie + (95 - Ie) Ppl / (Ppl + Bpl)   G.107 (7-29) with BurstR = 1,
 *                                          Ie = 0, Bpl = 25.1 (G.113 App. I,
 *                                          G.711 with PLC), Ppl = loss in %
 *   R      = 93.2 - Id - Ie_eff
 *   MOS    = 1 + 0.035 R + 7e-6 R (R - 60) (100 - R)   G.107 (B-4)
 * clamped to 1.0 .. 4.5. A lossless, jitter-free call scores 4.4.
 */
#ifndef CTL_QUALITY_H
#define CTL_QUALITY_H

#include <stdint.h>

static inline double ctl_quality_mos(double loss_pct, double jitter_ms)
{
	double d, id, ie, r, mos;

	if (!(loss_pct > 0))
		loss_pct = 0;
	if (loss_pct > 100)
		loss_pct = 100;
	if (!(jitter_ms > 0))
		jitter_ms = 0;
	d = 2 * jitter_ms + 20;
	id = 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0);
	ie = 95.0 * loss_pct / (loss_pct + 25.1);
	r = 93.2 - id - ie;
	if (r <= 0)
		return 1.0;
	if (r >= 100)
		return 4.5;
	mos = 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
	if (mos < 1)
		mos = 1;
	if (mos > 4.5)
		mos = 4.5;
	return mos;
}

/* Loss in percent of the packets expected (RFC 3550 A.3 figures). */
static inline double ctl_quality_loss_pct(int64_t lost, uint64_t expected)
{
	return expected > 0 && lost > 0 ? 100.0 * (double)lost / (double)expected : 0;
}

#endif
