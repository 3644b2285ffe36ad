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

int mr_rtp_hdr_parse(const uint8_t *buf, size_t len, struct mr_rtp_hdr *out)
{
	size_t off;
	size_t pad = 0;

	if (buf == NULL || len < MR_RTP_HDR_MIN || len > UINT16_MAX)
		return -EBADMSG;
	if ((buf[0] >> 6) != MR_RTP_VERSION)
		return -EBADMSG;

	memset(out, 0, sizeof(*out));
	out->version = MR_RTP_VERSION;
	out->padding = (buf[0] >> 5) & 1;
	out->extension = (buf[0] >> 4) & 1;
	out->cc = buf[0] & 0x0f;
	out->marker = buf[1] >> 7;
	out->pt = buf[1] & 0x7f;
	out->seq = rd16(buf + 2);
	out->ts = rd32(buf + 4);
	out->ssrc = rd32(buf + 8);

	off = MR_RTP_HDR_MIN + 4u * out->cc;
	if (off > len)
		return -EBADMSG;
	if (out->extension) {
		size_t ext;

		if (off + 4 > len)
			return -EBADMSG;
		out->ext_profile = rd16(buf + off);
		ext = 4u * rd16(buf + off + 2);
		off += 4;
		if (ext > len - off)
			return -EBADMSG;
		out->ext_len = (uint16_t)ext;
		off += ext;
	}
	if (out->padding) {
		/* The last byte counts the padding, itself included. */
		pad = buf[len - 1];
		if (pad == 0 || pad > len - off)
			return -EBADMSG;
	}
	out->hdr_len = (uint16_t)off;
	out->pad_len = (uint8_t)pad;
	out->payload_len = (uint16_t)(len - off - pad);
	return 0;
}
