/* SPDX-License-Identifier: BSD-3-Clause */
/* RTP and RTCP parsing, validation and receiver statistics (RFC 3550). */
#ifndef MR_RTP_H
#define MR_RTP_H

#include <stddef.h>

#include "rtp/rtp-t.h"

/*
 * Parse and validate an RTP header. Checks version 2, that the CSRC list and
 * extension fit, and that padding is no larger than what follows the header.
 * Returns 0, or -EBADMSG on any malformed or truncated input.
 */
int mr_rtp_hdr_parse(const uint8_t *buf, size_t len, struct mr_rtp_hdr *out);

/*
 * RFC 5761 demultiplexing of RTP and RTCP on one port: true when the second
 * byte is an RTCP packet type (192..223). Needs len >= 2.
 */
static inline bool mr_rtp_is_rtcp(const uint8_t *buf, size_t len)
{
	return len >= 2 && buf[1] >= 192 && buf[1] <= 223;
}

/*
 * Validate a compound RTCP packet (RFC 3550 A.2): version 2 throughout, the
 * first packet an SR or RR without padding, padding only in the last packet,
 * and the lengths adding up exactly to len. Fills info when non-NULL.
 * Returns the number of packets (>= 1) or -EBADMSG.
 */
int mr_rtcp_parse(const uint8_t *buf, size_t len, struct mr_rtcp_info *info);

/*
 * Validate without the SR/RR-first rule, for reduced-size RTCP (RFC 5506).
 * Returns the number of packets or -EBADMSG.
 */
int mr_rtcp_parse_reduced(const uint8_t *buf, size_t len, struct mr_rtcp_info *info);

/* RFC 3550 A.1 limits. */
#define MR_RTP_MAX_DROPOUT 3000
#define MR_RTP_MAX_MISORDER 100
#define MR_RTP_MIN_SEQUENTIAL 2

/* Start tracking a source from its first packet. */
void mr_rtp_source_init(struct mr_rtp_source *s, uint32_t ssrc, uint16_t seq);

/*
 * Account one packet (A.1 update_seq, with duplicate and reorder counts).
 * Returns true when the packet is valid for statistics, false while the
 * source is on probation or the sequence number jumped.
 */
bool mr_rtp_source_update(struct mr_rtp_source *s, uint16_t seq);

/*
 * Interarrival jitter (A.8). arrival and rtp_ts in the same clock (the
 * payload's sampling rate).
 */
void mr_rtp_source_jitter(struct mr_rtp_source *s, uint32_t arrival, uint32_t rtp_ts);

/* Extended highest sequence number received. */
static inline uint32_t mr_rtp_source_ext_max(const struct mr_rtp_source *s)
{
	return s->cycles + s->max_seq;
}

/* Packets expected (A.3). */
static inline uint32_t mr_rtp_source_expected(const struct mr_rtp_source *s)
{
	return mr_rtp_source_ext_max(s) - s->base_seq + 1;
}

/* Cumulative packets lost (A.3), clamped to the 24-bit signed range. */
int32_t mr_rtp_source_lost(const struct mr_rtp_source *s);

/*
 * Fraction lost since the previous call (A.3), in 1/256 units; advances the
 * interval. Returns 0 when nothing was expected or more arrived than expected.
 */
uint8_t mr_rtp_source_fraction_lost(struct mr_rtp_source *s);

/*
 * A report block on source s (RFC 3550 6.4.1, A.3): its SSRC, the fraction
 * lost since the interval iv was last advanced (iv advances; a new SSRC
 * starts a new interval), cumulative lost, extended highest sequence,
 * interarrival jitter, and lsr/dlsr as given (0 when no SR was received).
 * s is only read. Returns 0, or -EAGAIN while s is not a valid source yet.
 */
int mr_rtcp_rb_fill(const struct mr_rtp_source *s, struct mr_rtcp_interval *iv, uint32_t lsr,
		    uint32_t dlsr, struct mr_rtcp_rb *rb);

/* The middle 32 bits of a 64-bit NTP timestamp: an SR's LSR (RFC 3550 6.4.1). */
static inline uint32_t mr_rtcp_ntp_mid(uint64_t ntp)
{
	return (uint32_t)(ntp >> 16);
}

/*
 * Round-trip time from a report block that arrived at NTP time arrival_mid
 * (middle 32 bits): A - LSR - DLSR (RFC 3550 6.4.1), in 1/65536 s. Returns
 * 0, or -ENODATA when the block has no LSR, -ERANGE when the result is
 * negative (clocks or a forged block).
 */
int mr_rtcp_rtt(uint32_t arrival_mid, const struct mr_rtcp_rb *rb, uint32_t *rtt);

/* Jitter in timestamp units. */
static inline uint32_t mr_rtp_source_jitter_units(const struct mr_rtp_source *s)
{
	return s->jitter >> 4;
}

#endif
