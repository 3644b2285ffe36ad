/* SPDX-License-Identifier: BSD-3-Clause */
/* Payload formats per party of a stream, for mrelayctl (see rtpmap.h). */
#include <stdio.h>
#include <string.h>

#include "rtpmap.h"

/* Static payload types (RFC 3551, table 4) an SDP may use without rtpmap. */
static const struct {
	uint8_t pt;
	uint8_t channels;
	uint32_t clock;
	const char *name;
} static_pt[] = {
	{ 0, 1, 8000, "PCMU" }, { 3, 1, 8000, "GSM" }, { 4, 1, 8000, "G723" },
	{ 5, 1, 8000, "DVI4" }, { 6, 1, 16000, "DVI4" }, { 7, 1, 8000, "LPC" },
	{ 8, 1, 8000, "PCMA" }, { 9, 1, 8000, "G722" }, { 10, 2, 44100, "L16" },
	{ 11, 1, 44100, "L16" }, { 12, 1, 8000, "QCELP" }, { 13, 1, 8000, "CN" },
	{ 14, 1, 90000, "MPA" }, { 15, 1, 8000, "G728" }, { 16, 1, 11025, "DVI4" },
	{ 17, 1, 22050, "DVI4" }, { 18, 1, 8000, "G729" }, { 26, 0, 90000, "JPEG" },
	{ 31, 0, 90000, "H261" }, { 32, 0, 90000, "MPV" }, { 33, 0, 90000, "MP2T" },
	{ 34, 0, 90000, "H263" },
};

void ctl_rtpmap_take(struct ctl_stream *st, const struct mr_sdp_media *m, unsigned s)
{
	uint8_t n = 0;

	for (unsigned j = 0; m->is_rtp && j < m->n_fmt && n < CTL_MAX_RTPMAP; j++) {
		const struct mr_sdp_fmt *f = &m->fmt[j];
		struct ctl_rtpmap *r = &st->codecs[s][n];

		if (f->pt < 0)
			continue;
		memset(r, 0, sizeof(*r));
		r->pt = (uint8_t)f->pt;
		if (f->encoding.len) {
			size_t l = f->encoding.len < sizeof(r->name) ? f->encoding.len : sizeof(r->name) - 1;

			memcpy(r->name, f->encoding.p, l);
			r->clock = f->clock_rate;
			r->channels = (uint8_t)(f->channels > 255 ? 255 : f->channels);
		} else {
			for (unsigned k = 0; k < sizeof(static_pt) / sizeof(static_pt[0]); k++) {
				if (static_pt[k].pt != f->pt)
					continue;
				snprintf(r->name, sizeof(r->name), "%s", static_pt[k].name);
				r->clock = static_pt[k].clock;
				r->channels = static_pt[k].channels;
			}
		}
		n++;
	}
	st->n_codecs[s] = n;
}

static bool listed(const struct ctl_stream *st, unsigned s, uint8_t pt)
{
	for (unsigned j = 0; j < st->n_codecs[s]; j++)
		if (st->codecs[s][j].pt == pt)
			return true;
	return false;
}

void ctl_rtpmap_settle(struct ctl_stream *st, unsigned a)
{
	unsigned o = 1 - a;
	bool xc = st->xc.on[0] || st->xc.on[1];
	struct ctl_rtpmap keep[CTL_MAX_RTPMAP];
	uint8_t n = 0;

	for (unsigned j = 0; j < st->n_codecs[o]; j++) {
		const struct ctl_rtpmap *r = &st->codecs[o][j];
		bool used = xc ? r->pt == st->xc.pt[o] || r->pt == st->xc.te_pt[o] ||
				 r->pt == st->xc.cn_pt[o]
			       : listed(st, a, r->pt);

		if (used)
			keep[n++] = *r;
	}
	/* An answer that names none of them (a new codec by transcoding, a
	 * rejected stream) leaves the offer's list as it was. */
	if (n == 0)
		return;
	memcpy(st->codecs[o], keep, n * sizeof(keep[0]));
	st->n_codecs[o] = n;
}

const char *ctl_rtpmap_format(const struct ctl_rtpmap *r, char *buf, size_t len)
{
	if (r->name[0] == '\0')
		snprintf(buf, len, "PT%u", r->pt);
	else if (r->channels > 1)
		snprintf(buf, len, "%s/%u/%u", r->name, r->clock, r->channels);
	else
		snprintf(buf, len, "%s/%u", r->name, r->clock);
	return buf;
}
