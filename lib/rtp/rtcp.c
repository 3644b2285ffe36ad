/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include "rtp/rtp.h"

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | p[3];
}

/* Keep the report blocks of one SR or RR; body starts after the sender info. */
static void take_blocks(struct mr_rtcp_info *info, const uint8_t *p,
			size_t avail, unsigned count)
{
	for (unsigned i = 0; i < count && avail >= 24; i++, p += 24, avail -= 24) {
		struct mr_rtcp_rb *rb;
		uint32_t cl;

		if (info->n_rb >= MR_RTCP_MAX_RB)
			return;
		rb = &info->rb[info->n_rb++];
		rb->ssrc = rd32(p);
		rb->fraction_lost = p[4];
		cl = ((uint32_t)p[5] << 16) | ((uint32_t)p[6] << 8) | p[7];
		rb->cumulative_lost = (cl & 0x800000) ? (int32_t)(cl | 0xff000000u) : (int32_t)cl;
		rb->ext_highest_seq = rd32(p + 8);
		rb->jitter = rd32(p + 12);
		rb->lsr = rd32(p + 16);
		rb->dlsr = rd32(p + 20);
	}
}

static int parse(const uint8_t *buf, size_t len, struct mr_rtcp_info *info,
		 bool reduced)
{
	struct mr_rtcp_info tmp;
	size_t off = 0;
	int n = 0;

	if (info == NULL)
		info = &tmp;
	memset(info, 0, sizeof(*info));
	if (buf == NULL || len < MR_RTCP_HDR_MIN || len % 4 != 0)
		return -EBADMSG;

	while (off < len) {
		const uint8_t *p = buf + off;
		size_t plen;
		unsigned count, pt;
		bool padding;

		if (len - off < MR_RTCP_HDR_MIN)
			return -EBADMSG;
		if ((p[0] >> 6) != MR_RTP_VERSION)
			return -EBADMSG;
		padding = (p[0] >> 5) & 1;
		count = p[0] & 0x1f;
		pt = p[1];
		plen = 4u * ((size_t)rd16(p + 2) + 1);
		if (plen > len - off)
			return -EBADMSG;
		if (pt < 192 || pt > 223)
			return -EBADMSG;
		if (n == 0) {
			if (!reduced && pt != MR_RTCP_SR && pt != MR_RTCP_RR)
				return -EBADMSG;
			if (padding && off + plen != len)
				return -EBADMSG;
			info->first_pt = (uint8_t)pt;
		}
		if (padding) {
			/* Only the last packet of a compound may be padded. */
			if (off + plen != len)
				return -EBADMSG;
			if (p[plen - 1] == 0 || p[plen - 1] > plen - 4)
				return -EBADMSG;
		}
		if (pt == MR_RTCP_SR) {
			if (plen < 28 || 28 + 24u * count > plen)
				return -EBADMSG;
			if (n == 0) {
				info->ssrc = rd32(p + 4);
				info->has_sr = true;
				info->ntp_ts = ((uint64_t)rd32(p + 8) << 32) | rd32(p + 12);
				info->rtp_ts = rd32(p + 16);
				info->sender_packets = rd32(p + 20);
				info->sender_octets = rd32(p + 24);
				take_blocks(info, p + 28, plen - 28, count);
			}
		} else if (pt == MR_RTCP_RR) {
			if (plen < 8 || 8 + 24u * count > plen)
				return -EBADMSG;
			if (n == 0) {
				info->ssrc = rd32(p + 4);
				take_blocks(info, p + 8, plen - 8, count);
			}
		} else if (pt == MR_RTCP_BYE) {
			if (4 + 4u * count > plen)
				return -EBADMSG;
			info->has_bye = true;
			if (n == 0 && count > 0)
				info->ssrc = rd32(p + 4);
		} else if (n == 0 && plen >= 8) {
			info->ssrc = rd32(p + 4);
		}
		off += plen;
		if (++n > 255)
			return -EBADMSG;
	}
	info->n_packets = (uint8_t)n;
	return n;
}

int mr_rtcp_parse(const uint8_t *buf, size_t len, struct mr_rtcp_info *info)
{
	return parse(buf, len, info, false);
}

int mr_rtcp_parse_reduced(const uint8_t *buf, size_t len, struct mr_rtcp_info *info)
{
	return parse(buf, len, info, true);
}

int mr_rtcp_rb_fill(const struct mr_rtp_source *s, struct mr_rtcp_interval *iv, uint32_t lsr,
		    uint32_t dlsr, struct mr_rtcp_rb *rb)
{
	uint32_t expected, exp_int, rcv_int, received = s->received;
	int64_t lost_int;

	if (!s->valid)
		return -EAGAIN;
	if (iv->ssrc != s->ssrc) {
		/* A new source: its interval starts where A.1's init_seq starts it. */
		memset(iv, 0, sizeof(*iv));
		iv->ssrc = s->ssrc;
	}
	expected = mr_rtp_source_expected(s);
	exp_int = expected - iv->expected_prior;
	rcv_int = received - iv->received_prior;
	iv->expected_prior = expected;
	iv->received_prior = received;
	lost_int = (int64_t)exp_int - rcv_int;
	memset(rb, 0, sizeof(*rb));
	rb->ssrc = s->ssrc;
	rb->fraction_lost = exp_int == 0 || lost_int <= 0 ? 0 : (uint8_t)((lost_int << 8) / exp_int);
	rb->cumulative_lost = mr_rtp_source_lost(s);
	rb->ext_highest_seq = mr_rtp_source_ext_max(s);
	rb->jitter = mr_rtp_source_jitter_units(s);
	rb->lsr = lsr;
	rb->dlsr = lsr ? dlsr : 0;
	return 0;
}

int mr_rtcp_rtt(uint32_t arrival_mid, const struct mr_rtcp_rb *rb, uint32_t *rtt)
{
	uint32_t d;

	if (rb->lsr == 0)
		return -ENODATA;
	d = arrival_mid - rb->lsr - rb->dlsr;
	if ((int32_t)d < 0)
		return -ERANGE;
	*rtt = d;
	return 0;
}
