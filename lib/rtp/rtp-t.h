/* SPDX-License-Identifier: BSD-3-Clause */
/* RTP and RTCP (RFC 3550) types. */
#ifndef MR_RTP_T_H
#define MR_RTP_T_H

#include <stdbool.h>
#include <stdint.h>

#define MR_RTP_VERSION 2
#define MR_RTP_HDR_MIN 12
#define MR_RTCP_HDR_MIN 4

/* RTCP packet types (RFC 3550, 4585). */
enum mr_rtcp_pt {
	MR_RTCP_SR = 200,
	MR_RTCP_RR = 201,
	MR_RTCP_SDES = 202,
	MR_RTCP_BYE = 203,
	MR_RTCP_APP = 204,
	MR_RTCP_RTPFB = 205,
	MR_RTCP_PSFB = 206,
	MR_RTCP_XR = 207,
};

/* A parsed RTP fixed header; offsets index the caller's buffer. */
struct mr_rtp_hdr {
	uint8_t version;
	bool padding;
	bool extension;
	bool marker;
	uint8_t cc;		/* CSRC count */
	uint8_t pt;		/* payload type, 0..127 */
	uint16_t seq;
	uint32_t ts;
	uint32_t ssrc;
	uint16_t ext_profile;	/* when extension */
	uint16_t ext_len;	/* in bytes, excluding the 4-byte extension header */
	uint16_t hdr_len;	/* fixed + CSRCs + extension */
	uint16_t payload_len;	/* excluding padding */
	uint8_t pad_len;	/* 0 without padding */
};

/* One report block of an SR or RR. */
struct mr_rtcp_rb {
	uint32_t ssrc;
	uint8_t fraction_lost;
	int32_t cumulative_lost;	/* 24-bit signed */
	uint32_t ext_highest_seq;
	uint32_t jitter;
	uint32_t lsr;
	uint32_t dlsr;
};

/*
 * The reporting interval of one receiver report (RFC 3550 A.3): what was
 * expected and received at the previous report, kept by the reporter so
 * that several reporters may read one source without writing it.
 */
struct mr_rtcp_interval {
	uint32_t ssrc;		/* the source of the previous report */
	uint32_t expected_prior;
	uint32_t received_prior;
	uint32_t pad;
};

/* What the validity check learned of a compound RTCP packet. */
struct mr_rtcp_info {
	uint8_t n_packets;
	uint8_t first_pt;
	uint32_t ssrc;		/* sender SSRC of the first packet */
	bool has_sr;
	uint64_t ntp_ts;	/* SR only */
	uint32_t rtp_ts;
	uint32_t sender_packets;
	uint32_t sender_octets;
	uint8_t n_rb;		/* report blocks kept, at most MR_RTCP_MAX_RB */
	bool has_bye;
#define MR_RTCP_MAX_RB 4
	struct mr_rtcp_rb rb[MR_RTCP_MAX_RB];
};

/*
 * Receiver-side state of one RTP source (RFC 3550 A.1, A.3, A.8). Updated by
 * exactly one lcore; 64 bytes so that it packs in one cache line.
 */
struct mr_rtp_source {
	uint16_t max_seq;	/* highest seq. number seen */
	uint16_t probation;	/* sequential packets till source is valid */
	uint32_t cycles;	/* shifted count of seq. number cycles */
	uint32_t base_seq;
	uint32_t bad_seq;	/* last 'bad' seq number + 1 */
	uint32_t received;	/* packets received (valid) */
	uint32_t expected_prior;
	uint32_t received_prior;
	uint32_t ssrc;
	uint32_t transit;	/* relative transit time of the previous packet */
	uint32_t jitter;	/* RFC 3550 A.8, in timestamp units << 4 */
	uint32_t duplicates;
	uint32_t out_of_order;
	uint32_t restarts;	/* source restarts (SSRC change or large jump) */
	uint8_t valid;
	uint8_t have_transit;
	uint8_t pad[6];
};

#endif
