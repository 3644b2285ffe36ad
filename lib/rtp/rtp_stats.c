/* SPDX-License-Identifier: BSD-3-Clause */
/* Receiver statistics after RFC 3550 appendices A.1, A.3 and A.8. */
#include <string.h>

#include "rtp/rtp.h"

#define RTP_SEQ_MOD (1u << 16)

static void init_seq(struct mr_rtp_source *s, uint16_t seq)
{
	s->base_seq = seq;
	s->max_seq = seq;
	s->bad_seq = RTP_SEQ_MOD + 1;	/* so seq == bad_seq is false */
	s->cycles = 0;
	s->received = 0;
	s->received_prior = 0;
	s->expected_prior = 0;
}

/*
 * A source becomes valid (or re-syncs after a jump) on the last of
 * MIN_SEQUENTIAL in-order packets. A.1's init_seq() starts counting at that
 * packet, so the earlier ones of the run were counted by the flow but were
 * neither expected nor received here: the RFC 3550 figures and the packet
 * count then disagreed by MIN_SEQUENTIAL - 1. The run (MIN_SEQUENTIAL packets,
 * or the two of a re-sync) is in order, so it belongs to the statistics
 * whole: base_seq is its first packet and each of its packets is received. A run across a wrap starts in cycle 0 with the
 * current packet in cycle 1.
 */
static void run_start(struct mr_rtp_source *s, uint16_t seq, uint16_t run)
{
	uint16_t first = (uint16_t)(seq - (run - 1));

	init_seq(s, seq);
	s->base_seq = first;
	if (first > seq)
		s->cycles = RTP_SEQ_MOD;
	s->received = run;
}

void mr_rtp_source_init(struct mr_rtp_source *s, uint32_t ssrc, uint16_t seq)
{
	memset(s, 0, sizeof(*s));
	init_seq(s, seq);
	s->ssrc = ssrc;
	s->max_seq = (uint16_t)(seq - 1);
	s->probation = MR_RTP_MIN_SEQUENTIAL;
}

bool mr_rtp_source_update(struct mr_rtp_source *s, uint16_t seq)
{
	uint16_t udelta = (uint16_t)(seq - s->max_seq);

	if (s->probation) {
		/* A source is valid after MIN_SEQUENTIAL in-order packets. */
		if (seq == (uint16_t)(s->max_seq + 1)) {
			s->probation--;
			s->max_seq = seq;
			if (s->probation == 0) {
				run_start(s, seq, MR_RTP_MIN_SEQUENTIAL);
				s->valid = 1;
				return true;
			}
		} else {
			s->probation = MR_RTP_MIN_SEQUENTIAL - 1;
			s->max_seq = seq;
		}
		return false;
	}
	if (udelta == 0) {
		s->duplicates++;
		return false;
	}
	if (udelta < MR_RTP_MAX_DROPOUT) {
		/* In order, with permissible gap. */
		if (seq < s->max_seq)
			s->cycles += RTP_SEQ_MOD;
		s->max_seq = seq;
	} else if (udelta <= RTP_SEQ_MOD - MR_RTP_MAX_MISORDER) {
		/* The sequence number made a very large jump. */
		if (seq == s->bad_seq) {
			/*
			 * Two sequential packets: assume the other side
			 * restarted without telling us, so just re-sync.
			 */
			run_start(s, seq, 2);	/* this packet and the one that set bad_seq */
			s->restarts++;
			return true;
		} else {
			s->bad_seq = (uint32_t)((seq + 1) & (RTP_SEQ_MOD - 1));
			return false;
		}
	} else {
		/* Duplicate or reordered packet. */
		s->out_of_order++;
	}
	s->received++;
	return true;
}

void mr_rtp_source_jitter(struct mr_rtp_source *s, uint32_t arrival, uint32_t rtp_ts)
{
	uint32_t transit = arrival - rtp_ts;
	int32_t d;

	if (!s->have_transit) {
		s->transit = transit;
		s->have_transit = 1;
		return;
	}
	d = (int32_t)(transit - s->transit);
	s->transit = transit;
	if (d < 0)
		d = -d;
	/* J += (|D| - J) / 16, kept scaled by 16 (A.8). */
	s->jitter += (uint32_t)d - ((s->jitter + 8) >> 4);
}

int32_t mr_rtp_source_lost(const struct mr_rtp_source *s)
{
	int64_t lost;

	if (!s->valid)
		return 0;
	lost = (int64_t)mr_rtp_source_expected(s) - s->received;
	if (lost > 0x7fffff)
		lost = 0x7fffff;
	else if (lost < -0x800000)
		lost = -0x800000;
	return (int32_t)lost;
}

uint8_t mr_rtp_source_fraction_lost(struct mr_rtp_source *s)
{
	uint32_t expected = mr_rtp_source_expected(s);
	uint32_t expected_interval = expected - s->expected_prior;
	uint32_t received_interval = s->received - s->received_prior;
	int64_t lost_interval = (int64_t)expected_interval - received_interval;

	s->expected_prior = expected;
	s->received_prior = s->received;
	if (!s->valid || expected_interval == 0 || lost_interval <= 0)
		return 0;
	return (uint8_t)((lost_interval << 8) / expected_interval);
}
