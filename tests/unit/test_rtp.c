/* SPDX-License-Identifier: BSD-3-Clause */
/* lib/rtp: RTP/RTCP parsing and validation, receiver statistics (RFC 3550). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mr_check.h"
#include "rtp/rtp.h"

/* Build an RTP packet into buf; returns its length. */
static size_t build_rtp(uint8_t *buf, size_t cap, unsigned cc, bool x,
			unsigned ext_words, size_t payload, unsigned pad,
			uint16_t seq, uint32_t ts, uint32_t ssrc)
{
	size_t off = 12;

	ck_assert_uint_le(12 + 4 * cc + (x ? 4 + 4 * ext_words : 0) + payload + pad, cap);
	memset(buf, 0, cap);
	buf[0] = (uint8_t)(0x80 | (pad ? 0x20 : 0) | (x ? 0x10 : 0) | cc);
	buf[1] = 0x80 | 8;	/* marker, PCMA */
	buf[2] = (uint8_t)(seq >> 8);
	buf[3] = (uint8_t)seq;
	buf[4] = (uint8_t)(ts >> 24);
	buf[5] = (uint8_t)(ts >> 16);
	buf[6] = (uint8_t)(ts >> 8);
	buf[7] = (uint8_t)ts;
	buf[8] = (uint8_t)(ssrc >> 24);
	buf[9] = (uint8_t)(ssrc >> 16);
	buf[10] = (uint8_t)(ssrc >> 8);
	buf[11] = (uint8_t)ssrc;
	for (unsigned i = 0; i < cc; i++, off += 4)
		buf[off + 3] = (uint8_t)(i + 1);
	if (x) {
		buf[off] = 0xbe;
		buf[off + 1] = 0xde;
		buf[off + 2] = (uint8_t)(ext_words >> 8);
		buf[off + 3] = (uint8_t)ext_words;
		off += 4 + 4 * ext_words;
	}
	memset(buf + off, 0x55, payload);
	off += payload;
	if (pad) {
		memset(buf + off, 0, pad);
		off += pad;
		buf[off - 1] = (uint8_t)pad;
	}
	return off;
}

START_TEST(rtp_minimal)
{
	uint8_t b[64];
	struct mr_rtp_hdr h;
	size_t n = build_rtp(b, sizeof(b), 0, false, 0, 0, 0, 0x1234, 0xdeadbeef, 0xcafef00d);

	ck_assert_int_eq(mr_rtp_hdr_parse(b, n, &h), 0);
	ck_assert_uint_eq(h.version, 2);
	ck_assert(h.marker);
	ck_assert_uint_eq(h.pt, 8);
	ck_assert_uint_eq(h.seq, 0x1234);
	ck_assert_uint_eq(h.ts, 0xdeadbeef);
	ck_assert_uint_eq(h.ssrc, 0xcafef00d);
	ck_assert_uint_eq(h.hdr_len, 12);
	ck_assert_uint_eq(h.payload_len, 0);
}
END_TEST

START_TEST(rtp_g711_frame)
{
	uint8_t b[256];
	struct mr_rtp_hdr h;
	size_t n = build_rtp(b, sizeof(b), 0, false, 0, 160, 0, 1, 160, 7);

	ck_assert_int_eq(mr_rtp_hdr_parse(b, n, &h), 0);
	ck_assert_uint_eq(h.payload_len, 160);
	ck_assert(!h.padding && !h.extension);
}
END_TEST

START_TEST(rtp_short)
{
	uint8_t b[64];
	struct mr_rtp_hdr h;

	build_rtp(b, sizeof(b), 0, false, 0, 0, 0, 1, 2, 3);
	for (size_t len = 0; len < 12; len++)
		ck_assert_int_eq(mr_rtp_hdr_parse(b, len, &h), -EBADMSG);
	ck_assert_int_eq(mr_rtp_hdr_parse(NULL, 12, &h), -EBADMSG);
}
END_TEST

START_TEST(rtp_bad_version)
{
	uint8_t b[64];
	struct mr_rtp_hdr h;
	size_t n = build_rtp(b, sizeof(b), 0, false, 0, 20, 0, 1, 2, 3);

	for (unsigned v = 0; v < 4; v++) {
		b[0] = (uint8_t)((b[0] & 0x3f) | (v << 6));
		ck_assert_int_eq(mr_rtp_hdr_parse(b, n, &h), v == 2 ? 0 : -EBADMSG);
	}
}
END_TEST

START_TEST(rtp_csrc)
{
	uint8_t b[128];
	struct mr_rtp_hdr h;
	size_t n = build_rtp(b, sizeof(b), 15, false, 0, 0, 0, 1, 2, 3);

	ck_assert_uint_eq(n, 72);
	ck_assert_int_eq(mr_rtp_hdr_parse(b, n, &h), 0);
	ck_assert_uint_eq(h.cc, 15);
	ck_assert_uint_eq(h.hdr_len, 72);
	/* CC=15 on every buffer too short to hold the list. */
	for (size_t len = 12; len < 72; len++)
		ck_assert_int_eq(mr_rtp_hdr_parse(b, len, &h), -EBADMSG);
}
END_TEST

START_TEST(rtp_extension)
{
	uint8_t b[128];
	struct mr_rtp_hdr h;
	size_t n = build_rtp(b, sizeof(b), 2, true, 3, 10, 0, 1, 2, 3);

	ck_assert_int_eq(mr_rtp_hdr_parse(b, n, &h), 0);
	ck_assert(h.extension);
	ck_assert_uint_eq(h.ext_profile, 0xbede);
	ck_assert_uint_eq(h.ext_len, 12);
	ck_assert_uint_eq(h.hdr_len, 12 + 8 + 4 + 12);
	ck_assert_uint_eq(h.payload_len, 10);
	/* Extension header itself cut short. */
	ck_assert_int_eq(mr_rtp_hdr_parse(b, 12 + 8 + 3, &h), -EBADMSG);
	/* Extension body past the end. */
	ck_assert_int_eq(mr_rtp_hdr_parse(b, 12 + 8 + 4 + 11, &h), -EBADMSG);
	/* Extension length field claiming far more than there is. */
	b[12 + 8 + 2] = 0xff;
	ck_assert_int_eq(mr_rtp_hdr_parse(b, n, &h), -EBADMSG);
}
END_TEST

START_TEST(rtp_padding)
{
	uint8_t b[128];
	struct mr_rtp_hdr h;
	size_t n = build_rtp(b, sizeof(b), 0, false, 0, 20, 4, 1, 2, 3);

	ck_assert_int_eq(mr_rtp_hdr_parse(b, n, &h), 0);
	ck_assert(h.padding);
	ck_assert_uint_eq(h.pad_len, 4);
	ck_assert_uint_eq(h.payload_len, 20);
	/* Padding count of zero is invalid. */
	b[n - 1] = 0;
	ck_assert_int_eq(mr_rtp_hdr_parse(b, n, &h), -EBADMSG);
	/* Padding that eats exactly the payload is allowed. */
	b[n - 1] = 24;
	ck_assert_int_eq(mr_rtp_hdr_parse(b, n, &h), 0);
	ck_assert_uint_eq(h.payload_len, 0);
	/* Padding larger than the payload reaches into the header. */
	b[n - 1] = 25;
	ck_assert_int_eq(mr_rtp_hdr_parse(b, n, &h), -EBADMSG);
	b[n - 1] = 255;
	ck_assert_int_eq(mr_rtp_hdr_parse(b, n, &h), -EBADMSG);
	/* Padding bit on a bare header: the last header byte is the count. */
	n = build_rtp(b, sizeof(b), 0, false, 0, 0, 0, 1, 2, 3);
	b[0] |= 0x20;
	ck_assert_int_eq(mr_rtp_hdr_parse(b, n, &h), -EBADMSG);
}
END_TEST

START_TEST(rtp_demux)
{
	uint8_t b[2] = { 0x80, 0 };

	for (unsigned v = 0; v < 256; v++) {
		b[1] = (uint8_t)v;
		ck_assert(mr_rtp_is_rtcp(b, 2) == (v >= 192 && v <= 223));
	}
	ck_assert(!mr_rtp_is_rtcp(b, 1));
}
END_TEST

/* RTCP builders: one packet of type pt with count and body_words 32-bit words. */
static size_t put_rtcp(uint8_t *p, unsigned pt, unsigned count, unsigned body_words,
		       uint32_t ssrc)
{
	unsigned len = body_words;	/* length field: words - 1, body excludes header */

	memset(p, 0, 4 + 4 * body_words);
	p[0] = (uint8_t)(0x80 | count);
	p[1] = (uint8_t)pt;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	if (body_words) {
		p[4] = (uint8_t)(ssrc >> 24);
		p[5] = (uint8_t)(ssrc >> 16);
		p[6] = (uint8_t)(ssrc >> 8);
		p[7] = (uint8_t)ssrc;
	}
	return 4 + 4 * body_words;
}

START_TEST(rtcp_sr_rr_compound)
{
	uint8_t b[256];
	struct mr_rtcp_info info;
	size_t n = 0;

	/* SR with one report block: 1 + 5 + 6 words of body. */
	n += put_rtcp(b + n, MR_RTCP_SR, 1, 12, 0x11111111);
	b[8] = 0xaa;	/* NTP msw */
	b[16 + 3] = 0x42; /* RTP timestamp */
	b[23] = 7;	/* sender packet count */
	b[28 + 3] = 0x22; /* report block SSRC */
	b[28 + 4] = 64;	/* fraction lost */
	b[28 + 5] = 0xff; b[28 + 6] = 0xff; b[28 + 7] = 0xfe; /* cumulative -2 */
	n += put_rtcp(b + n, MR_RTCP_SDES, 1, 3, 0x11111111);
	n += put_rtcp(b + n, MR_RTCP_BYE, 1, 1, 0x11111111);
	ck_assert_int_eq(mr_rtcp_parse(b, n, &info), 3);
	ck_assert_uint_eq(info.n_packets, 3);
	ck_assert(info.has_sr);
	ck_assert(info.has_bye);
	ck_assert_uint_eq(info.ssrc, 0x11111111);
	ck_assert_uint_eq(info.ntp_ts >> 56, 0xaa);
	ck_assert_uint_eq(info.rtp_ts, 0x42);
	ck_assert_uint_eq(info.sender_packets, 7);
	ck_assert_uint_eq(info.n_rb, 1);
	ck_assert_uint_eq(info.rb[0].ssrc, 0x22);
	ck_assert_uint_eq(info.rb[0].fraction_lost, 64);
	ck_assert_int_eq(info.rb[0].cumulative_lost, -2);

	n = put_rtcp(b, MR_RTCP_RR, 0, 1, 5);
	ck_assert_int_eq(mr_rtcp_parse(b, n, &info), 1);
	ck_assert(!info.has_sr);
	ck_assert_uint_eq(info.ssrc, 5);
	ck_assert_int_eq(mr_rtcp_parse(b, n, NULL), 1);
}
END_TEST

START_TEST(rtcp_malformed)
{
	uint8_t b[256] = { 0 };
	size_t n;

	ck_assert_int_eq(mr_rtcp_parse(b, 0, NULL), -EBADMSG);
	ck_assert_int_eq(mr_rtcp_parse(NULL, 8, NULL), -EBADMSG);
	/* Length 0: a 4-byte RR cannot hold its SSRC. */
	n = put_rtcp(b, MR_RTCP_RR, 0, 0, 0);
	ck_assert_int_eq(mr_rtcp_parse(b, n, NULL), -EBADMSG);
	/* Length past the end. */
	n = put_rtcp(b, MR_RTCP_RR, 0, 1, 9);
	b[3] = 9;
	ck_assert_int_eq(mr_rtcp_parse(b, n, NULL), -EBADMSG);
	b[2] = 0xff; b[3] = 0xff;
	ck_assert_int_eq(mr_rtcp_parse(b, n, NULL), -EBADMSG);
	/* Not a multiple of 4. */
	n = put_rtcp(b, MR_RTCP_RR, 0, 1, 9);
	ck_assert_int_eq(mr_rtcp_parse(b, n - 1, NULL), -EBADMSG);
	/* Trailing bytes the lengths do not account for. */
	n = put_rtcp(b, MR_RTCP_RR, 0, 1, 9);
	memset(b + n, 0, 4);
	ck_assert_int_eq(mr_rtcp_parse(b, n + 4, NULL), -EBADMSG);
	/* Report count larger than the packet. */
	n = put_rtcp(b, MR_RTCP_RR, 2, 7, 9);
	ck_assert_int_eq(mr_rtcp_parse(b, n, NULL), -EBADMSG);
	n = put_rtcp(b, MR_RTCP_SR, 1, 6, 9);
	ck_assert_int_eq(mr_rtcp_parse(b, n, NULL), -EBADMSG);
	/* First packet must be SR or RR (A.2), except in reduced size. */
	n = put_rtcp(b, MR_RTCP_SDES, 1, 3, 9);
	ck_assert_int_eq(mr_rtcp_parse(b, n, NULL), -EBADMSG);
	ck_assert_int_eq(mr_rtcp_parse_reduced(b, n, NULL), 1);
	/* Version 1 in the second packet. */
	n = put_rtcp(b, MR_RTCP_RR, 0, 1, 9);
	n += put_rtcp(b + n, MR_RTCP_SDES, 1, 3, 9);
	b[8] = (uint8_t)(0x40 | (b[8] & 0x3f));
	ck_assert_int_eq(mr_rtcp_parse(b, n, NULL), -EBADMSG);
	/* Padding in a packet that is not the last. */
	n = put_rtcp(b, MR_RTCP_RR, 0, 1, 9);
	n += put_rtcp(b + n, MR_RTCP_SDES, 1, 3, 9);
	b[0] |= 0x20;
	ck_assert_int_eq(mr_rtcp_parse(b, n, NULL), -EBADMSG);
	/* Padding in the last packet is fine when its count fits... */
	n = put_rtcp(b, MR_RTCP_RR, 0, 1, 9);
	n += put_rtcp(b + n, MR_RTCP_SDES, 1, 3, 9);
	b[8] |= 0x20;
	b[n - 1] = 4;
	ck_assert_int_eq(mr_rtcp_parse(b, n, NULL), 2);
	/* ...and not when it is zero or larger than the body. */
	b[n - 1] = 0;
	ck_assert_int_eq(mr_rtcp_parse(b, n, NULL), -EBADMSG);
	b[n - 1] = 13;
	ck_assert_int_eq(mr_rtcp_parse(b, n, NULL), -EBADMSG);
	/* A packet type outside 192..223. */
	n = put_rtcp(b, MR_RTCP_RR, 0, 1, 9);
	n += put_rtcp(b + n, 100, 0, 1, 9);
	ck_assert_int_eq(mr_rtcp_parse(b, n, NULL), -EBADMSG);
}
END_TEST

START_TEST(seq_probation_and_loss)
{
	struct mr_rtp_source s;
	unsigned valid = 0;

	mr_rtp_source_init(&s, 1, 1000);
	/* First packet is on probation, the second makes the source valid. */
	ck_assert(!mr_rtp_source_update(&s, 1000));
	ck_assert(mr_rtp_source_update(&s, 1001));
	valid = 1;
	for (uint16_t seq = 1002; seq < 1100; seq++) {
		if (seq % 20 == 0)
			continue;	/* lose 4 packets: 1020, 1040, 1060, 1080 */
		valid += mr_rtp_source_update(&s, seq);
	}
	ck_assert_uint_eq(valid, 1 + 98 - 4);
	/* 1000..1099: the probation packet is expected and received too. */
	ck_assert_uint_eq(mr_rtp_source_expected(&s), 100);
	ck_assert_uint_eq(s.received, 96);
	ck_assert_int_eq(mr_rtp_source_lost(&s), 4);
	ck_assert_uint_eq(mr_rtp_source_fraction_lost(&s), (4 * 256) / 100);
	/* Next interval without loss. */
	for (uint16_t seq = 1100; seq < 1150; seq++)
		mr_rtp_source_update(&s, seq);
	ck_assert_uint_eq(mr_rtp_source_fraction_lost(&s), 0);
	ck_assert_int_eq(mr_rtp_source_lost(&s), 4);
}
END_TEST

/*
 * Every packet the flow counted is in the RFC 3550 figures: received equals
 * the packets sent, expected = received + lost, also when the probation run
 * crosses a sequence wrap and after a re-sync.
 */
START_TEST(seq_probation_counted)
{
	struct mr_rtp_source s;
	unsigned sent = 0;

	mr_rtp_source_init(&s, 7, 1000);
	for (uint16_t seq = 1000; seq < 1057; seq++) {
		if (seq >= 1010 && seq < 1017)
			continue;	/* 7 lost, as the e2e ctl test sends */
		mr_rtp_source_update(&s, seq);
		sent++;
	}
	ck_assert_uint_eq(sent, 50);
	ck_assert_uint_eq(s.received, 50);
	ck_assert_uint_eq(mr_rtp_source_expected(&s), 57);
	ck_assert_int_eq(mr_rtp_source_lost(&s), 7);

	/* The probation run wraps: 65535 then 0. */
	mr_rtp_source_init(&s, 7, 65535);
	mr_rtp_source_update(&s, 65535);
	for (uint16_t seq = 0; seq < 10; seq++)
		mr_rtp_source_update(&s, seq);
	ck_assert_uint_eq(s.received, 11);
	ck_assert_uint_eq(mr_rtp_source_expected(&s), 11);
	ck_assert_int_eq(mr_rtp_source_lost(&s), 0);

	/* A re-sync after a jump counts both packets of the new run. */
	mr_rtp_source_init(&s, 7, 100);
	for (uint16_t seq = 100; seq < 110; seq++)
		mr_rtp_source_update(&s, seq);
	ck_assert(!mr_rtp_source_update(&s, 40000));
	ck_assert(mr_rtp_source_update(&s, 40001));
	for (uint16_t seq = 40002; seq < 40010; seq++)
		mr_rtp_source_update(&s, seq);
	ck_assert_uint_eq(s.restarts, 1);
	ck_assert_uint_eq(s.received, 10);
	ck_assert_uint_eq(mr_rtp_source_expected(&s), 10);
	ck_assert_int_eq(mr_rtp_source_lost(&s), 0);
}
END_TEST

START_TEST(seq_wrap)
{
	struct mr_rtp_source s;

	mr_rtp_source_init(&s, 1, 65530);
	for (uint32_t i = 0; i < 20; i++)
		mr_rtp_source_update(&s, (uint16_t)(65530 + i));
	ck_assert_uint_eq(s.cycles, 65536);
	ck_assert_uint_eq(mr_rtp_source_ext_max(&s), 65536 + 13);
	ck_assert_int_eq(mr_rtp_source_lost(&s), 0);
}
END_TEST

START_TEST(seq_dup_reorder_jump)
{
	struct mr_rtp_source s;

	mr_rtp_source_init(&s, 1, 10);
	for (uint16_t seq = 10; seq < 20; seq++)
		mr_rtp_source_update(&s, seq);
	ck_assert(!mr_rtp_source_update(&s, 19));	/* duplicate */
	ck_assert_uint_eq(s.duplicates, 1);
	ck_assert(mr_rtp_source_update(&s, 21));
	ck_assert(mr_rtp_source_update(&s, 20));	/* late */
	ck_assert_uint_eq(s.out_of_order, 1);
	ck_assert_int_eq(mr_rtp_source_lost(&s), 0);
	/* A jump beyond MAX_DROPOUT is ignored once, then re-synced. */
	ck_assert(!mr_rtp_source_update(&s, 30000));
	ck_assert(mr_rtp_source_update(&s, 30001));
	ck_assert_uint_eq(s.restarts, 1);
	ck_assert_uint_eq(s.max_seq, 30001);
}
END_TEST

START_TEST(jitter_a8)
{
	struct mr_rtp_source s;
	uint32_t arrival = 0;

	/* Constant transit: zero jitter. */
	mr_rtp_source_init(&s, 1, 0);
	for (uint32_t i = 0; i < 100; i++)
		mr_rtp_source_jitter(&s, 5000 + i * 160, i * 160);
	ck_assert_uint_eq(mr_rtp_source_jitter_units(&s), 0);

	/* Arrivals alternating 40 units early and late: |D| = 80 each time. */
	mr_rtp_source_init(&s, 1, 0);
	for (uint32_t i = 0; i < 400; i++) {
		arrival = 5000 + i * 160 + ((i & 1) ? 40 : (uint32_t)-40);
		mr_rtp_source_jitter(&s, arrival, i * 160);
	}
	ck_assert_uint_ge(mr_rtp_source_jitter_units(&s), 78);
	ck_assert_uint_le(mr_rtp_source_jitter_units(&s), 80);
}
END_TEST

START_TEST(rb_fill_intervals)
{
	struct mr_rtp_source s;
	struct mr_rtcp_interval iv = { 0 }, other = { 0 };
	struct mr_rtcp_rb rb;

	mr_rtp_source_init(&s, 0xabc, 500);
	ck_assert_int_eq(mr_rtcp_rb_fill(&s, &iv, 0, 0, &rb), -EAGAIN);	/* on probation */
	for (uint16_t seq = 500; seq < 600; seq++)
		if (seq % 10 != 7)	/* 10 lost of the 100 sent */
			mr_rtp_source_update(&s, seq);
	ck_assert_int_eq(mr_rtcp_rb_fill(&s, &iv, 0x12345678, 0x20000, &rb), 0);
	ck_assert_uint_eq(rb.ssrc, 0xabc);
	/* Expected 100 from 500 to 599 (the probation run counts), 10 lost. */
	ck_assert_int_eq(rb.cumulative_lost, 10);
	ck_assert_uint_eq(rb.fraction_lost, (10 * 256) / 100);
	ck_assert_uint_eq(rb.ext_highest_seq, 599);
	ck_assert_uint_eq(rb.lsr, 0x12345678);
	ck_assert_uint_eq(rb.dlsr, 0x20000);
	/* Next interval: 50 sent, 5 lost (every tenth), 1 of them at the interval's end. */
	for (uint16_t seq = 600; seq < 650; seq++)
		if (seq % 10 != 3)
			mr_rtp_source_update(&s, seq);
	ck_assert_int_eq(mr_rtcp_rb_fill(&s, &iv, 0, 7, &rb), 0);
	ck_assert_uint_eq(rb.fraction_lost, (5 * 256) / 50);
	ck_assert_int_eq(rb.cumulative_lost, 15);
	ck_assert_uint_eq(rb.dlsr, 0);		/* no LSR, no DLSR */
	/* Another reporter's interval is its own: it still sees the whole stream. */
	ck_assert_int_eq(mr_rtcp_rb_fill(&s, &other, 0, 0, &rb), 0);
	ck_assert_uint_eq(rb.fraction_lost, (15 * 256) / 150);
	/* Nothing new: no loss in an empty interval. */
	ck_assert_int_eq(mr_rtcp_rb_fill(&s, &iv, 0, 0, &rb), 0);
	ck_assert_uint_eq(rb.fraction_lost, 0);
	/* Duplicates do not make loss negative in the fraction. */
	for (uint16_t seq = 650; seq < 660; seq++)
		mr_rtp_source_update(&s, seq);
	mr_rtp_source_update(&s, 655);
	ck_assert_int_eq(mr_rtcp_rb_fill(&s, &iv, 0, 0, &rb), 0);
	ck_assert_uint_eq(rb.fraction_lost, 0);
	/* A new SSRC: a new interval. */
	mr_rtp_source_init(&s, 0xdef, 10);
	for (uint16_t seq = 10; seq < 30; seq++)
		if (seq != 20)
			mr_rtp_source_update(&s, seq);
	ck_assert_int_eq(mr_rtcp_rb_fill(&s, &iv, 0, 0, &rb), 0);
	ck_assert_uint_eq(rb.ssrc, 0xdef);
	ck_assert_int_eq(rb.cumulative_lost, 1);
	ck_assert_uint_eq(rb.fraction_lost, 256 / 20);
}
END_TEST

START_TEST(rtt_and_lsr)
{
	/* RFC 3550 6.4.1's example: A = 0xb710:8000 (46864.500 s), LSR = 0xb705:2000,
	 * DLSR = 0x0005:4000 (5.250 s): the round trip is 0x0006:2000 (6.125 s). */
	struct mr_rtcp_rb rb = { .lsr = 0xb7052000, .dlsr = 0x00054000 };
	uint32_t rtt = 0;

	ck_assert_int_eq(mr_rtcp_rtt(0xb7108000, &rb, &rtt), 0);
	ck_assert_uint_eq(rtt, 0x00062000);
	ck_assert_int_eq(mr_rtcp_rtt(0xb7052000, &rb, &rtt), -ERANGE);	/* A < LSR + DLSR */
	rb.lsr = 0;
	ck_assert_int_eq(mr_rtcp_rtt(0xb7108000, &rb, &rtt), -ENODATA);
	/* Across the wrap of the middle 32 bits. */
	rb.lsr = 0xfffff000;
	rb.dlsr = 0x800;
	ck_assert_int_eq(mr_rtcp_rtt(0x00000800, &rb, &rtt), 0);
	ck_assert_uint_eq(rtt, 0x1000);
	/* LSR is the middle of the SR's NTP timestamp. */
	ck_assert_uint_eq(mr_rtcp_ntp_mid(0x0123456789abcdefull), 0x456789ab);
}
END_TEST

static Suite *rtp_suite(void)
{
	Suite *s = suite_create("rtp");
	TCase *tc;

	tc = tcase_create("rtp_hdr_parse");
	tcase_add_test(tc, rtp_minimal);
	tcase_add_test(tc, rtp_g711_frame);
	tcase_add_test(tc, rtp_short);
	tcase_add_test(tc, rtp_bad_version);
	tcase_add_test(tc, rtp_csrc);
	tcase_add_test(tc, rtp_extension);
	tcase_add_test(tc, rtp_padding);
	tcase_add_test(tc, rtp_demux);
	suite_add_tcase(s, tc);

	tc = tcase_create("rtcp_parse");
	tcase_add_test(tc, rtcp_sr_rr_compound);
	tcase_add_test(tc, rtcp_malformed);
	suite_add_tcase(s, tc);

	tc = tcase_create("rtcp_report");
	tcase_add_test(tc, rb_fill_intervals);
	tcase_add_test(tc, rtt_and_lsr);
	suite_add_tcase(s, tc);

	tc = tcase_create("rtp_source");
	tcase_add_test(tc, seq_probation_and_loss);
	tcase_add_test(tc, seq_probation_counted);
	tcase_add_test(tc, seq_wrap);
	tcase_add_test(tc, seq_dup_reorder_jump);
	tcase_add_test(tc, jitter_a8);
	suite_add_tcase(s, tc);
	return s;
}

MR_CHECK_MAIN(rtp_suite)
