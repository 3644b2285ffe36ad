/* SPDX-License-Identifier: BSD-3-Clause */
/* RTCP of a transcoded leg: SR or RR, one report block, SDES CNAME (RFC 3550 6.4-6.5). */
#include <errno.h>
#include <string.h>

#include "codec/codec-priv.h"

static inline void put32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

static void put_hdr(uint8_t *b, uint8_t count, uint8_t pt, size_t len)
{
	b[0] = (uint8_t)(0x80 | count);
	b[1] = pt;
	b[2] = (uint8_t)((len / 4 - 1) >> 8);
	b[3] = (uint8_t)(len / 4 - 1);
}

static void put_rb(uint8_t *b, const struct mr_rtcp_rb *rb)
{
	int32_t lost = rb->cumulative_lost;

	if (lost > 0x7fffff)
		lost = 0x7fffff;
	if (lost < -0x800000)
		lost = -0x800000;
	put32(b, rb->ssrc);
	put32(b + 4, (uint32_t)rb->fraction_lost << 24 | ((uint32_t)lost & 0xffffff));
	put32(b + 8, rb->ext_highest_seq);
	put32(b + 12, rb->jitter);
	put32(b + 16, rb->lsr);
	put32(b + 20, rb->dlsr);
}

int mr_codec_xc_rtcp(const struct mr_codec_xc *xc, uint64_t ntp, uint32_t elapsed_us,
		     const struct mr_rtcp_rb *rb, const char *cname, uint8_t *buf, size_t cap)
{
	size_t cn = cname ? strlen(cname) : 0;
	bool sr = xc->st.pkts_out > 0;
	size_t head = (sr ? 28 : 8) + (rb ? 24 : 0);
	/* SDES: header, SSRC, CNAME item, at least one null, to a 32-bit boundary. */
	size_t sdes = (8 + 2 + cn + 1 + 3) & ~(size_t)3;
	uint8_t *p = buf;

	if (cn == 0 || cn > 255)
		return -EINVAL;
	if (cap < head + sdes)
		return -ENOSPC;
	put_hdr(p, rb ? 1 : 0, sr ? MR_RTCP_SR : MR_RTCP_RR, head);
	put32(p + 4, xc->p.ssrc);
	p += 8;
	if (sr) {
		uint32_t ts = xc->out_ts +
			      (uint32_t)((uint64_t)xc->pcm_len * xc->out_clock / xc->rate) +
			      (uint32_t)((uint64_t)elapsed_us * xc->out_clock / 1000000);

		put32(p, (uint32_t)(ntp >> 32));
		put32(p + 4, (uint32_t)ntp);
		put32(p + 8, ts);
		put32(p + 12, (uint32_t)xc->st.pkts_out);
		put32(p + 16, (uint32_t)xc->st.octets_out);
		p += 20;
	}
	if (rb) {
		put_rb(p, rb);
		p += 24;
	}
	memset(p, 0, sdes);
	put_hdr(p, 1, MR_RTCP_SDES, sdes);
	put32(p + 4, xc->p.ssrc);
	p[8] = 1;	/* CNAME */
	p[9] = (uint8_t)cn;
	memcpy(p + 10, cname, cn);
	return (int)(head + sdes);
}
