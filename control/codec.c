/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Codec negotiation: the ng "codec" dictionary, ptime / ptime-reverse, and
 * the transcode specs of the flows.
 *
 * Offer from o to a. Each format of o's m= line is:
 * - stripped (strip lists it, or "all"): written to nobody, not taken from o;
 * - masked (mask): not written to a, still taken from o (to transcode from);
 * - else kept. "offer" keeps a stripped or masked format and puts the ones it
 *   names first, in its order.
 * "transcode" then adds each codec it names that the list for a lacks (the
 * relay must encode and decode it): the static payload type when free, else
 * a dynamic one (96-127) unused in the section, with its rtpmap and, for
 * Opus next to a narrowband codec, an fmtp asking for narrowband (the
 * transcoder stays cheap); telephone-event at the added codec's clock when
 * o offered telephone-event. What o can take is remembered for the answer.
 *
 * Answer from a: if a's list has a codec o can take (or "accept" names),
 * media passes as it is and the answer to o lists only what o can take.
 * Otherwise (or with always-transcode) both directions are transcoded
 * between o's first codec the relay knows and a's first codec; the answer
 * to o names o's codec, its telephone-event and comfort noise.
 *
 * ptime (towards the recipient of the request's SDP) and ptime-reverse
 * (towards its sender) set the packet time we send; a=ptime is written
 * accordingly. A direction whose sender uses another packet time is
 * repacketized by the transcoder, codec unchanged when none is to change.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "codec/codec.h"
#include "sdp/sdp.h"

#include "codec.h"
#include "ctl.h"
#include "session.h"

/* Lines one added codec may need: rtpmap, fmtp, telephone-event's rtpmap and fmtp. */
#define LINES_PER_ADD 4
#define EDIT_LINES (2 + LINES_PER_ADD * 4)

/* What one media section of the SDP being written gets (filled per request). */
struct codec_edit {
	bool set;
	bool drop_maps;		/* every rtpmap/fmtp of the input goes (ours replace them) */
	uint16_t ptime;
	char fmts[4 * (MR_SDP_MAX_FMT + 2 * CTL_CODEC_MAX_NAMES) + 8];	/* "<pt> " each */
	uint8_t n;
	char lines[EDIT_LINES][96];
	struct mr_str strs[EDIT_LINES];
};

static struct codec_edit edits[MR_SDP_MAX_MEDIA];

static const char *const op_names[CTL_CODEC_OP_COUNT] = {
	"strip", "mask", "offer", "transcode", "accept",
};

/* Static payload types (RFC 3551) a format without rtpmap may use. */
static const struct {
	uint8_t pt;
	const char *name;
	uint32_t clock;
} static_pts[] = {
	{ 0, "PCMU", 8000 }, { 3, "GSM", 8000 }, { 4, "G723", 8000 }, { 8, "PCMA", 8000 },
	{ 9, "G722", 8000 }, { 13, "CN", 8000 }, { 18, "G729", 8000 },
};

/* ---- request options ---- */

static void warn_once(struct ctl_req *r, const char *what, struct mr_str s)
{
	if (r->warning[0] == '\0')
		snprintf(r->warning, sizeof(r->warning), "%s: %.*s", what,
			 (int)(s.len > 64 ? 64 : s.len), s.p);
}

static int name_list(struct ctl_req *r, enum ctl_codec_op op, const struct mr_bencode_node *n,
		     const char **why)
{
	struct ctl_codec_opts *co = &r->codec;
	const struct mr_bencode_node *it;
	struct mr_str s;

	if (mr_bencode_node_str(n, &s) == 0) {
		if (s.len == 0 || s.len > 64 || co->n[op] >= CTL_CODEC_MAX_NAMES) {
			*why = "codec options must be lists of codec names";
			return -EINVAL;
		}
		co->names[op][co->n[op]++] = s;	/* one name as a string */
		return 0;
	}
	if (n->type != MR_BENCODE_LIST) {
		*why = "codec options must be lists of strings";
		return -EINVAL;
	}
	MR_BENCODE_LIST_FOREACH(r->doc, n, it) {
		if (mr_bencode_node_str(it, &s) < 0 || s.len == 0 || s.len > 64) {
			*why = "codec options must be lists of codec names";
			return -EINVAL;
		}
		if (co->n[op] >= CTL_CODEC_MAX_NAMES) {
			*why = "too many codec names in one codec option";
			return -EINVAL;
		}
		co->names[op][co->n[op]++] = s;
	}
	return 0;
}

static int ptime_opt(struct ctl_req *r, const char *key, uint16_t *out, const char **why)
{
	const struct mr_bencode_node *n = mr_bencode_dict_get(r->doc, r->root, key);
	struct mr_str s;
	int64_t v;

	if (n == NULL)
		return 0;
	if (mr_bencode_node_int(n, &v) < 0) {
		uint64_t u;

		if (mr_bencode_node_str(n, &s) < 0 || mr_str_to_u64(s, 1000, &u) < 0) {
			*why = "ptime must be a number of milliseconds";
			return -EINVAL;
		}
		v = (int64_t)u;
	}
	if (v != 10 && v != 20 && v != 30 && v != 40 && v != 60) {
		*why = "ptime must be 10, 20, 30, 40 or 60";
		return -EINVAL;
	}
	*out = (uint16_t)v;
	r->codec.any = true;
	return 0;
}

int ctl_codec_req_parse(struct ctl_req *r, const char **why)
{
	const struct mr_bencode_node *d, *k, *v;
	int rc;

	if (r->flags & CTL_REQ_F_ALWAYS_TRANSCODE)
		r->codec.always = r->codec.any = true;
	if ((rc = ptime_opt(r, "ptime", &r->codec.ptime, why)) < 0 ||
	    (rc = ptime_opt(r, "ptime-reverse", &r->codec.ptime_reverse, why)) < 0)
		return rc;
	d = mr_bencode_dict_get(r->doc, r->root, "codec");
	if (d == NULL)
		return 0;
	if (d->type != MR_BENCODE_DICT) {
		*why = "codec must be a dictionary";
		return -EINVAL;
	}
	MR_BENCODE_DICT_FOREACH(r->doc, d, k, v) {
		struct mr_str key;
		bool known = false;

		if (mr_bencode_node_str(k, &key) < 0)
			continue;
		for (unsigned op = 0; op < CTL_CODEC_OP_COUNT; op++) {
			if (mr_bencode_key_eq(key, op_names[op])) {
				rc = name_list(r, (enum ctl_codec_op)op, v, why);
				if (rc < 0)
					return rc;
				known = true;
				r->codec.any = true;
			}
		}
		if (!known)
			warn_once(r, "codec option not supported, ignored", key);
	}
	return 0;
}

/* ---- names ---- */

/* "opus", "opus/48000", "opus/48000/2" or "all". */
struct codec_name {
	struct mr_str enc;
	uint32_t clock;		/* 0: any */
	uint16_t channels;	/* 0: any */
	bool all;
	bool bad;
};

static struct codec_name name_parse(struct mr_str s)
{
	struct codec_name cn = { 0 };
	const char *p = s.p, *end = s.p + s.len, *sl;
	uint64_t v;

	sl = memchr(p, '/', s.len);
	cn.enc = mr_str_make(p, sl ? (size_t)(sl - p) : s.len);
	if (cn.enc.len == 0)
		cn.bad = true;
	if (mr_str_eq_nocase(cn.enc, "all") && sl == NULL)
		cn.all = true;
	if (sl) {
		const char *c0 = sl + 1, *sl2 = memchr(c0, '/', (size_t)(end - c0));

		if (mr_str_to_u64(mr_str_make(c0, sl2 ? (size_t)(sl2 - c0) : (size_t)(end - c0)),
				  1000000, &v) < 0 || v == 0)
			cn.bad = true;
		else
			cn.clock = (uint32_t)v;
		if (sl2) {
			if (mr_str_to_u64(mr_str_make(sl2 + 1, (size_t)(end - sl2 - 1)), 255, &v) < 0 ||
			    v == 0)
				cn.bad = true;
			else
				cn.channels = (uint16_t)v;
		}
	}
	return cn;
}

static bool enc_eq(struct mr_str a, const char *b)
{
	return a.len == strlen(b) && strncasecmp(a.p, b, a.len) == 0;
}

static bool name_matches(const struct codec_name *cn, const struct ctl_xc_fmt *f)
{
	if (cn->bad)
		return false;
	if (cn->all)
		return true;
	return enc_eq(cn->enc, f->name) && (cn->clock == 0 || cn->clock == f->clock) &&
	       (cn->channels == 0 || cn->channels == f->channels);
}

/* A name the relay knows (to warn about typos): ours, or a static payload type's. */
static bool name_known(const struct codec_name *cn)
{
	if (cn->all)
		return true;
	if (cn->bad)
		return false;
	for (unsigned j = 0; j < MR_ARRAY_SIZE(static_pts); j++)
		if (enc_eq(cn->enc, static_pts[j].name))
			return true;
	return mr_codec_desc_find(cn->enc.p, cn->enc.len, cn->clock) != NULL ||
	       (cn->clock == 0 && (enc_eq(cn->enc, "opus") || enc_eq(cn->enc, "telephone-event")));
}

static int list_match(const struct ctl_codec_opts *co, enum ctl_codec_op op,
		      const struct ctl_xc_fmt *f)
{
	for (unsigned j = 0; j < co->n[op]; j++) {
		struct codec_name cn = name_parse(co->names[op][j]);

		if (name_matches(&cn, f))
			return (int)j;
	}
	return -1;
}

/* The descriptor of a codec the relay transcodes that a name designates. */
static const struct mr_codec_desc *desc_of_name(const struct codec_name *cn)
{
	for (unsigned id = MR_CODEC_NONE + 1; id < MR_CODEC_COUNT; id++) {
		const struct mr_codec_desc *d = mr_codec_desc_get((enum mr_codec_id)id);

		if (d && d->is_audio && enc_eq(cn->enc, d->name) &&
		    (cn->clock == 0 || cn->clock == d->rtp_clock) &&
		    (cn->channels == 0 || cn->channels == d->sdp_channels))
			return d;
	}
	return NULL;
}

/* ---- formats of a section ---- */

static void fmt_of(const struct mr_sdp_fmt *sf, struct ctl_xc_fmt *f)
{
	const struct mr_codec_desc *d;

	memset(f, 0, sizeof(*f));
	f->pt = (uint8_t)sf->pt;
	f->channels = sf->channels ? sf->channels : 1;
	if (sf->encoding.len) {
		mr_str_copy(sf->encoding, f->name, sizeof(f->name));
		f->clock = sf->clock_rate;
	} else {
		for (unsigned j = 0; j < MR_ARRAY_SIZE(static_pts); j++) {
			if (static_pts[j].pt == sf->pt) {
				snprintf(f->name, sizeof(f->name), "%s", static_pts[j].name);
				f->clock = static_pts[j].clock;
			}
		}
	}
	d = f->name[0] ? mr_codec_desc_find(f->name, strlen(f->name), f->clock) : NULL;
	if (d)
		f->codec = (uint8_t)d->id;
}

static bool fmt_is_audio(const struct ctl_xc_fmt *f)
{
	return !enc_eq(mr_str_cstr(f->name), "telephone-event") && !enc_eq(mr_str_cstr(f->name), "CN");
}

static bool fmt_same(const struct ctl_xc_fmt *a, const struct ctl_xc_fmt *b)
{
	return strcasecmp(a->name, b->name) == 0 && a->clock == b->clock &&
	       (a->channels == b->channels || a->clock == 48000);
}

static bool codec_ok(uint8_t id)
{
	const struct mr_codec_desc *d = mr_codec_desc_get((enum mr_codec_id)id);

	return d != NULL && d->is_audio;
}

/* ---- edits ---- */

static void edit_fmt(struct codec_edit *e, uint8_t pt)
{
	size_t len = strlen(e->fmts);

	snprintf(e->fmts + len, sizeof(e->fmts) - len, "%s%u", len ? " " : "", pt);
}

/* "<attr>:<pt> <rest>" */
static void edit_line(struct codec_edit *e, const char *attr, unsigned pt, const char *rest)
{
	if (e->n >= MR_ARRAY_SIZE(e->lines))
		return;
	snprintf(e->lines[e->n], sizeof(e->lines[e->n]), "%s:%u %s", attr, pt, rest);
	e->strs[e->n] = mr_str_cstr(e->lines[e->n]);
	e->n++;
}

static void edit_rtpmap(struct codec_edit *e, const struct mr_codec_desc *d, uint8_t pt)
{
	char enc[48];

	if (d->sdp_channels > 1)
		snprintf(enc, sizeof(enc), "%s/%u/%u", d->name, d->rtp_clock, d->sdp_channels);
	else
		snprintf(enc, sizeof(enc), "%s/%u", d->name, d->rtp_clock);
	edit_line(e, "rtpmap", pt, enc);
}

static void edit_te(struct codec_edit *e, uint8_t pt, uint32_t clock)
{
	char enc[48];

	snprintf(enc, sizeof(enc), "telephone-event/%u", clock);
	edit_line(e, "rtpmap", pt, enc);
	edit_line(e, "fmtp", pt, "0-15");
}

void ctl_codec_begin(void)
{
	memset(edits, 0, sizeof(edits));
}

void ctl_codec_end(void)
{
}

void ctl_codec_apply(unsigned i, struct mr_sdp_edit_media *em)
{
	struct codec_edit *e;

	if (i >= MR_SDP_MAX_MEDIA || !edits[i].set)
		return;
	e = &edits[i];
	if (e->fmts[0])
		em->fmts = mr_str_cstr(e->fmts);
	em->fmt_attrs = e->strs;
	em->n_fmt_attrs = e->n;
	em->ptime = e->ptime;
	if (e->drop_maps)
		em->drop_kinds |= MR_SDP_ATTR_BIT(MR_SDP_ATTR_RTPMAP) | MR_SDP_ATTR_BIT(MR_SDP_ATTR_FMTP);
}

/* ---- offer ---- */

static int pt_free(bool *used, uint8_t *pt)
{
	for (unsigned p = 96; p < 128; p++) {
		if (!used[p]) {
			used[p] = true;
			*pt = (uint8_t)p;
			return 0;
		}
	}
	return -ENOSPC;
}

static void warn_names(struct ctl_req *r, const struct mr_sdp_media *m)
{
	const struct ctl_codec_opts *co = &r->codec;

	for (unsigned op = 0; op < CTL_CODEC_OP_COUNT; op++) {
		for (unsigned j = 0; j < co->n[op]; j++) {
			struct codec_name cn = name_parse(co->names[op][j]);
			bool hit = false;

			for (unsigned k = 0; k < m->n_fmt && !hit; k++) {
				struct ctl_xc_fmt f;

				fmt_of(&m->fmt[k], &f);
				hit = name_matches(&cn, &f);
			}
			if (!hit && !name_known(&cn))
				warn_once(r, "unknown codec ignored", co->names[op][j]);
		}
	}
}

/* The telephone-event of formats f at clock, else dflt. */
static uint8_t te_at_clock(const struct ctl_xc_fmt *f, unsigned n, uint32_t clock, uint8_t dflt)
{
	for (unsigned k = 0; k < n; k++)
		if (enc_eq(mr_str_cstr(f[k].name), "telephone-event") && f[k].clock == clock)
			return f[k].pt;
	return dflt;
}

int ctl_codec_offer(struct ctl_stream *st, const struct mr_sdp *sdp, unsigned i, unsigned o,
		    struct ctl_req *r, const char **why)
{
	const struct mr_sdp_media *m = &sdp->media[i];
	const struct ctl_codec_opts *co = &r->codec;
	struct ctl_xc *x = &st->xc;
	struct codec_edit *e = &edits[i < MR_SDP_MAX_MEDIA ? i : 0];
	struct ctl_xc_fmt f[MR_SDP_MAX_FMT];
	bool out[MR_SDP_MAX_FMT] = { false }, placed[MR_SDP_MAX_FMT] = { false };
	bool used[128] = { false }, changed = false;
	uint8_t order[MR_SDP_MAX_FMT + 8];
	unsigned n_out = 0, a = 1 - o, first_audio = MR_SDP_MAX_FMT;
	uint8_t te_pt = MR_CODEC_PT_NONE;
	uint32_t te_added[MR_CODEC_COUNT];
	unsigned n_te_added = 0;
	bool added[MR_CODEC_COUNT] = { false };

	x->pending = false;
	x->n_offered = 0;
	x->offerer = (uint8_t)o;
	x->offer_te_pt = x->offer_cn_pt = MR_CODEC_PT_NONE;
	x->offer_ptime = (uint8_t)(m->ptime <= 255 ? m->ptime : 0);
	x->always = co->always;
	x->want_ptime[a] = (uint8_t)co->ptime;
	x->want_ptime[o] = (uint8_t)co->ptime_reverse;
	/* Audio only: the relay transcodes nothing else, and "all" means all audio codecs. */
	if (!m->is_rtp || m->port == 0 || i >= MR_SDP_MAX_MEDIA || !mr_str_eq_nocase(m->type, "audio"))
		return 0;
	x->pending = true;
	if (co->any)
		warn_names(r, m);

	for (unsigned k = 0; k < m->n_fmt; k++) {
		bool strip, mask, keep_o;
		int off;

		fmt_of(&m->fmt[k], &f[k]);
		used[f[k].pt & 127] = true;
		strip = list_match(co, CTL_CODEC_STRIP, &f[k]) >= 0;
		mask = list_match(co, CTL_CODEC_MASK, &f[k]) >= 0;
		off = list_match(co, CTL_CODEC_OFFER, &f[k]);
		out[k] = (!strip && !mask) || off >= 0;
		keep_o = !strip || off >= 0;
		if (!keep_o)
			continue;
		if (enc_eq(mr_str_cstr(f[k].name), "telephone-event")) {
			if (x->offer_te_pt == MR_CODEC_PT_NONE)
				x->offer_te_pt = f[k].pt;	/* at the codec's clock: below */
		} else if (enc_eq(mr_str_cstr(f[k].name), "CN")) {
			x->offer_cn_pt = f[k].pt;
		} else if (first_audio == MR_SDP_MAX_FMT && f[k].codec) {
			first_audio = k;
		}
		if (x->n_offered < CTL_CODEC_MAX_FMTS)
			x->offered[x->n_offered++] = f[k];
	}

	/* Telephone-event at the clock of o's codec (RFC 4733 2.1), when o offered one. */
	if (first_audio < MR_SDP_MAX_FMT)
		x->offer_te_pt = te_at_clock(f, m->n_fmt, f[first_audio].clock, x->offer_te_pt);

	/* The list written towards a: "offer" names first, in their order. */
	for (unsigned j = 0; j < co->n[CTL_CODEC_OFFER]; j++) {
		struct codec_name cn = name_parse(co->names[CTL_CODEC_OFFER][j]);

		for (unsigned k = 0; k < m->n_fmt; k++) {
			if (out[k] && !placed[k] && name_matches(&cn, &f[k])) {
				placed[k] = true;
				order[n_out++] = (uint8_t)k;
			}
		}
	}
	for (unsigned k = 0; k < m->n_fmt; k++)
		if (out[k] && !placed[k])
			order[n_out++] = (uint8_t)k;
	for (unsigned j = 0; j < n_out; j++)
		if (order[j] != j)
			changed = true;
	if (n_out != m->n_fmt)
		changed = true;

	memset(e, 0, sizeof(*e));
	for (unsigned j = 0; j < n_out; j++)
		edit_fmt(e, f[order[j]].pt);

	/* transcode: add what the list for a lacks. */
	for (unsigned j = 0; j < co->n[CTL_CODEC_TRANSCODE]; j++) {
		struct mr_str nm = co->names[CTL_CODEC_TRANSCODE][j];
		struct codec_name cn = name_parse(nm);
		const struct mr_codec_desc *d;
		bool have = false, have_te = false;
		uint8_t pt;

		for (unsigned q = 0; q < n_out && !have; q++)
			have = name_matches(&cn, &f[order[q]]);
		if (have)
			continue;
		if (e->n + LINES_PER_ADD > EDIT_LINES) {
			*why = "too many codecs to add by transcode";
			return -E2BIG;
		}
		d = cn.bad || cn.all ? NULL : desc_of_name(&cn);
		if (d == NULL) {
			*why = "transcode: codec not supported by the relay";
			warn_once(r, "transcode: codec not supported", nm);
			return -ENOTSUP;
		}
		if (added[d->id])
			continue;	/* named twice */
		if (first_audio == MR_SDP_MAX_FMT) {
			warn_once(r, "transcode: the offer has no codec to transcode from, not added", nm);
			continue;
		}
		if (d->static_pt != MR_CODEC_PT_NONE && !used[d->static_pt]) {
			pt = d->static_pt;
			used[pt] = true;
		} else if (pt_free(used, &pt) < 0) {
			*why = "no free dynamic payload type for a transcoded codec";
			return -ENOSPC;
		}
		added[d->id] = true;
		edit_fmt(e, pt);
		edit_rtpmap(e, d, pt);
		if (d->id == MR_CODEC_OPUS) {
			const struct mr_codec_desc *src = mr_codec_desc_get(f[first_audio].codec);
			unsigned rate = src && src->audio_rate < 48000 ? src->audio_rate : 48000;
			char p[96];

			snprintf(p, sizeof(p), "maxplaybackrate=%u;sprop-maxcapturerate=%u", rate, rate);
			edit_line(e, "fmtp", pt, p);
		}
		/*
		 * telephone-event at the added codec's clock (RFC 4733 2.1; for Opus
		 * 48000, RFC 7587 4.1), when o offered it: one per clock.
		 */
		for (unsigned q = 0; q < n_out; q++)
			have_te |= enc_eq(mr_str_cstr(f[order[q]].name), "telephone-event") &&
				   f[order[q]].clock == d->rtp_clock;
		for (unsigned q = 0; q < n_te_added; q++)
			have_te |= te_added[q] == d->rtp_clock;
		if (x->offer_te_pt != MR_CODEC_PT_NONE && !have_te && n_te_added < MR_ARRAY_SIZE(te_added)) {
			if (pt_free(used, &te_pt) < 0) {
				*why = "no free dynamic payload type for telephone-event";
				return -ENOSPC;
			}
			te_added[n_te_added++] = d->rtp_clock;
			edit_fmt(e, te_pt);
			edit_te(e, te_pt, d->rtp_clock);
		}
		changed = true;
	}
	if (e->fmts[0] == '\0' && m->n_fmt) {
		*why = "the codec options leave no codec in the offer";
		return -EINVAL;
	}
	if (co->ptime) {
		e->ptime = co->ptime;
		e->set = true;
	}
	if (changed)
		e->set = true;
	else
		e->fmts[0] = '\0';
	return 0;
}

/* ---- answer ---- */

static const struct ctl_xc_fmt *offered_find(const struct ctl_xc *x, const struct ctl_xc_fmt *f)
{
	for (unsigned j = 0; j < x->n_offered; j++)
		if (fmt_same(&x->offered[j], f))
			return &x->offered[j];
	return NULL;
}

static uint8_t ptime_ok(unsigned p)
{
	return p == 10 || p == 20 || p == 30 || p == 40 || p == 60 ? (uint8_t)p : 0;
}

/*
 * Passed-through formats the answerer numbered otherwise than the offerer:
 * the answer to o is written with o's numbers (RFC 3264 6.1: the answer
 * uses the offer's numbers), rtpmap and fmtp from the answer, and x->map
 * tells the dataplane what to rewrite. Nothing changes when the numbers
 * agree, or when o's numbers cannot be used (a format o did not offer would
 * collide, or the lines do not fit).
 */
static void renumber(struct ctl_xc *x, const struct mr_sdp_media *m, const struct ctl_xc_fmt *f,
		     const struct ctl_codec_opts *co, struct codec_edit *e)
{
	struct codec_edit r;
	bool used[128] = { false };
	unsigned n_map = 0, lines = 0;

	memset(&r, 0, sizeof(r));
	for (unsigned k = 0; k < m->n_fmt; k++) {
		const struct ctl_xc_fmt *of = offered_find(x, &f[k]);
		uint8_t pt = of ? of->pt : f[k].pt;

		if (of == NULL && list_match(co, CTL_CODEC_ACCEPT, &f[k]) < 0)
			continue;	/* not passed back to o */
		if (of == NULL) {
			/* Accepted as a's: its number must not be one of o's. */
			for (unsigned j = 0; j < x->n_offered; j++)
				if (x->offered[j].pt == pt)
					return;
		}
		if (used[pt & 127])
			return;
		used[pt & 127] = true;
		if (of && of->pt != f[k].pt) {
			if (n_map >= CTL_CODEC_MAP_MAX)
				return;
			x->map[n_map].o_pt = of->pt;
			x->map[n_map].a_pt = f[k].pt;
			n_map++;
		}
		edit_fmt(&r, pt);
		if (m->fmt[k].encoding.len) {
			char enc[80];

			if (m->fmt[k].channels > 1)
				snprintf(enc, sizeof(enc), "%.*s/%u/%u", (int)m->fmt[k].encoding.len,
					 m->fmt[k].encoding.p, m->fmt[k].clock_rate, m->fmt[k].channels);
			else
				snprintf(enc, sizeof(enc), "%.*s/%u", (int)m->fmt[k].encoding.len,
					 m->fmt[k].encoding.p, m->fmt[k].clock_rate);
			if (m->fmt[k].encoding.len > 48 || ++lines > EDIT_LINES)
				return;
			edit_line(&r, "rtpmap", pt, enc);
		}
		if (m->fmt[k].params.len) {
			char prm[96];

			if (m->fmt[k].params.len > sizeof(r.lines[0]) - 16 || ++lines > EDIT_LINES)
				return;
			snprintf(prm, sizeof(prm), "%.*s", (int)m->fmt[k].params.len, m->fmt[k].params.p);
			edit_line(&r, "fmtp", pt, prm);
		}
	}
	if (n_map == 0)
		return;
	x->n_map = (uint8_t)n_map;
	r.set = true;
	r.drop_maps = true;
	r.ptime = e->ptime;
	*e = r;
	for (unsigned j = 0; j < e->n; j++)
		e->strs[j] = mr_str_cstr(e->lines[j]);	/* into e's own lines, not r's */
}

int ctl_codec_answer(struct ctl_stream *st, const struct mr_sdp *sdp, unsigned i, unsigned a,
		     struct ctl_req *r, const char **why)
{
	const struct mr_sdp_media *m = &sdp->media[i];
	const struct ctl_codec_opts *co = &r->codec;
	struct ctl_xc *x = &st->xc;
	struct codec_edit *e;
	struct ctl_xc_fmt f[MR_SDP_MAX_FMT];
	const struct ctl_xc_fmt *shared = NULL, *ours = NULL;
	unsigned o = 1 - a, ans_audio = MR_SDP_MAX_FMT, keep = 0;
	uint8_t ans_te = MR_CODEC_PT_NONE, ans_cn = MR_CODEC_PT_NONE, p_a, p_o;
	bool always;

	if (i >= MR_SDP_MAX_MEDIA || !x->pending || x->offerer != o)
		return 0;
	x->pending = false;
	x->settled = false;
	x->n_map = 0;
	memset(x->on, 0, sizeof(x->on));
	if (!m->is_rtp || m->port == 0)
		return 0;
	e = &edits[i];
	memset(e, 0, sizeof(*e));
	always = x->always || co->always;
	if (co->ptime)
		x->want_ptime[o] = (uint8_t)co->ptime;
	if (co->ptime_reverse)
		x->want_ptime[a] = (uint8_t)co->ptime_reverse;

	for (unsigned k = 0; k < m->n_fmt; k++) {
		fmt_of(&m->fmt[k], &f[k]);
		if (enc_eq(mr_str_cstr(f[k].name), "telephone-event")) {
			if (ans_te == MR_CODEC_PT_NONE)
				ans_te = f[k].pt;
			continue;
		}
		if (enc_eq(mr_str_cstr(f[k].name), "CN")) {
			ans_cn = f[k].pt;
			continue;
		}
		if (ans_audio == MR_SDP_MAX_FMT)
			ans_audio = k;
		if (shared == NULL && (offered_find(x, &f[k]) || list_match(co, CTL_CODEC_ACCEPT, &f[k]) >= 0))
			shared = &f[k];
	}
	for (unsigned j = 0; j < x->n_offered && ours == NULL; j++)
		if (fmt_is_audio(&x->offered[j]) && codec_ok(x->offered[j].codec))
			ours = &x->offered[j];

	/* Telephone-event at the clock of a's codec (RFC 4733 2.1). */
	if (ans_audio < MR_SDP_MAX_FMT)
		ans_te = te_at_clock(f, m->n_fmt, f[ans_audio].clock, ans_te);
	p_a = ptime_ok(m->ptime) ? ptime_ok(m->ptime) : 20;
	p_o = ptime_ok(x->offer_ptime) ? ptime_ok(x->offer_ptime) : 20;
	x->te_pt[a] = ans_te;
	x->cn_pt[a] = ans_cn;
	x->te_pt[o] = x->offer_te_pt;
	x->cn_pt[o] = x->offer_cn_pt;
	x->ptime[a] = x->want_ptime[a] ? x->want_ptime[a] : p_a;
	x->ptime[o] = x->want_ptime[o] ? x->want_ptime[o] : p_o;

	if (shared && !always) {
		/* Passthrough: the answer to o keeps only what o can take. */
		for (unsigned k = 0; k < m->n_fmt; k++) {
			bool take = offered_find(x, &f[k]) != NULL ||
				    list_match(co, CTL_CODEC_ACCEPT, &f[k]) >= 0;

			if (take) {
				edit_fmt(e, f[k].pt);
				keep++;
			}
		}
		if (keep != m->n_fmt)
			e->set = true;
		else
			e->fmts[0] = '\0';
		renumber(x, m, f, co, e);
		x->codec[a] = x->codec[o] = shared->codec;
		x->pt[a] = x->pt[o] = shared->pt;
		/* Repacketize a direction whose sender's packet time is not the one asked. */
		if (codec_ok(shared->codec)) {
			x->on[a] = x->want_ptime[o] && x->want_ptime[o] != p_a;
			x->on[o] = x->want_ptime[a] && x->want_ptime[a] != p_o;
		} else if (x->want_ptime[a] || x->want_ptime[o]) {
			warn_once(r, "ptime: the codec cannot be repacketized", mr_str_cstr(shared->name));
		}
	} else {
		const struct mr_codec_desc *d;

		if (ans_audio == MR_SDP_MAX_FMT || !codec_ok(f[ans_audio].codec)) {
			*why = "the answer's codec is not one the relay transcodes";
			return -ENOTSUP;
		}
		if (ours == NULL) {
			*why = "no codec of the offer the relay transcodes";
			return -ENOTSUP;
		}
		x->codec[a] = f[ans_audio].codec;
		x->pt[a] = f[ans_audio].pt;
		x->codec[o] = ours->codec;
		x->pt[o] = ours->pt;
		x->on[a] = x->on[o] = true;
		/* The answer to o: o's codec, its telephone-event and CN. */
		d = mr_codec_desc_get(ours->codec);
		e->set = true;
		e->drop_maps = true;
		edit_fmt(e, ours->pt);
		edit_rtpmap(e, d, ours->pt);
		if (x->offer_te_pt != MR_CODEC_PT_NONE && ans_te != MR_CODEC_PT_NONE) {
			edit_fmt(e, x->offer_te_pt);
			edit_te(e, x->offer_te_pt, d->rtp_clock);
		} else {
			x->te_pt[o] = MR_CODEC_PT_NONE;
		}
		if (x->offer_cn_pt == 13) {
			edit_fmt(e, 13);
		} else {
			x->cn_pt[o] = MR_CODEC_PT_NONE;
		}
	}
	if (x->want_ptime[o]) {
		e->ptime = x->want_ptime[o];
		e->set = true;
	}
	x->settled = true;
	return 0;
}

/* ---- flows ---- */

/* The SSRC of a transcoded direction: fixed for the call's stream (re-programming keeps it). */
static uint32_t ssrc_of(uint64_t call_hash, uint16_t port, unsigned s)
{
	uint64_t z = call_hash + ((uint64_t)port << 1 | s) * UINT64_C(0x9e3779b97f4a7c15);

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return (uint32_t)(z ^ (z >> 31));
}

/*
 * A flow that is not transcoded: payload types remapped where the legs
 * numbered a format differently (o sends its own numbers; a may send o's or
 * its own, so a's are mapped only where they mean nothing else to o), and
 * the telephone-event, as the flow sends it, whose digits are reported.
 */
static void pass_spec(const struct ctl_xc *x, unsigned s, struct mr_flow_spec *sp)
{
	struct mr_pass_spec *ps = &sp->pass;
	unsigned o = x->offerer, d = 1 - s;

	memset(ps, 0, sizeof(*ps));
	for (unsigned j = 0; j < x->n_map && ps->n_map < MR_PASS_MAP_MAX; j++) {
		bool clash = false;

		if (s == o) {
			ps->map[ps->n_map].in = x->map[j].o_pt;
			ps->map[ps->n_map++].out = x->map[j].a_pt;
			continue;
		}
		for (unsigned q = 0; q < x->n_offered; q++)
			clash |= x->offered[q].pt == x->map[j].a_pt;
		if (clash)
			continue;
		ps->map[ps->n_map].in = x->map[j].a_pt;
		ps->map[ps->n_map++].out = x->map[j].o_pt;
	}
	if (x->te_pt[s] != MR_CODEC_PT_NONE && x->te_pt[d] != MR_CODEC_PT_NONE && x->te_pt[d] < 128) {
		sp->flags |= MR_FLOW_F_DTMF;
		ps->te_pt = x->te_pt[d];
	}
}

void ctl_codec_spec(const struct ctl_stream *st, unsigned s, unsigned k, struct mr_flow_spec *sp)
{
	const struct ctl_xc *x = &st->xc;
	struct mr_transcode_spec *t = &sp->transcode;
	unsigned d = 1 - s;

	if (!x->settled)
		return;
	/* RTCP from s when what s receives is transcoded: the relay reports to s itself. */
	if (x->on[d] && (k == 1 || st->mux))
		sp->flags |= MR_FLOW_F_RTCP_TERM;
	if (k != 0)
		return;
	if (!x->on[s] || !codec_ok(x->codec[s]) || !codec_ok(x->codec[d])) {
		pass_spec(x, s, sp);
		return;
	}
	sp->flags |= MR_FLOW_F_TRANSCODE;
	memset(t, 0, sizeof(*t));
	t->rtcp_flow_id = st->mux ? MR_FLOW_ID_NONE : st->flow[d][1].id;
	t->in_codec = x->codec[s];
	t->out_codec = x->codec[d];
	t->in_pt = x->pt[s];
	t->out_pt = x->pt[d];
	t->in_te_pt = x->te_pt[s];
	t->out_te_pt = x->te_pt[d];
	/* Telephone-event with the same payload type as the audio: not usable. */
	if (t->in_te_pt == t->in_pt)
		t->in_te_pt = MR_CODEC_PT_NONE;
	if (t->out_te_pt == t->out_pt)
		t->out_te_pt = MR_CODEC_PT_NONE;
	t->in_cn_pt = x->cn_pt[s] == t->in_pt || x->cn_pt[s] == t->in_te_pt ? MR_CODEC_PT_NONE
									  : x->cn_pt[s];
	t->out_ptime = ptime_ok(x->ptime[d]);
	t->opus_complexity = MR_CODEC_OPUS_CX_DEFAULT;
	sp->ssrc_out = ssrc_of(sp->call_hash, sp->key.port, s);
}

/* ---- DTMF ---- */

void ctl_codec_dtmf(struct ctl *c, const struct mr_msg *m)
{
	const struct mr_evt_dtmf *ev = &m->u.dtmf;
	struct ctl_call *call;
	char ch = mr_codec_dtmf_char(ev->event);
	size_t n;

	if (ev->flow_id >= c->sess.n_owners || c->sess.owners[ev->flow_id].call == NULL) {
		MR_LOG(&ctl_log_ng, INFO, "DTMF %c on flow %u of no call", ch, ev->flow_id);
		return;
	}
	call = c->sess.owners[ev->flow_id].call;
	n = strlen(call->dtmf);
	if (n >= CTL_DTMF_KEEP) {
		memmove(call->dtmf, call->dtmf + 1, CTL_DTMF_KEEP - 1);
		n = CTL_DTMF_KEEP - 1;
	}
	call->dtmf[n] = ch;
	call->dtmf[n + 1] = '\0';
	call->n_dtmf++;
	MR_LOG(&ctl_log_ng, NOTICE, "call %s: DTMF %c from %s, %u ms, volume -%u dBm0 (%s)",
	       call->call_id, ch, call->tag[c->sess.owners[ev->flow_id].slot], ev->duration_ms,
	       ev->volume, ev->source ? "in-band" : "RFC 4733");
}

void ctl_codec_query(const struct ctl_call *call, struct mr_bencode_enc *e)
{
	mr_bencode_enc_key(e, "dtmf");
	mr_bencode_enc_dict_start(e);
	mr_bencode_enc_kv_cstr(e, "digits", call->dtmf);
	mr_bencode_enc_key(e, "count");
	mr_bencode_enc_int(e, (int64_t)call->n_dtmf);
	mr_bencode_enc_end(e);
	mr_bencode_enc_key(e, "transcode");
	mr_bencode_enc_list_start(e);
	for (unsigned i = 0; i < call->n_streams; i++) {
		const struct ctl_xc *x = &call->streams[i].xc;

		for (unsigned s = 0; s < 2; s++) {
			const struct mr_codec_desc *in = mr_codec_desc_get(x->codec[s]);
			const struct mr_codec_desc *out = mr_codec_desc_get(x->codec[1 - s]);

			if (!x->on[s] || in == NULL || out == NULL)
				continue;
			mr_bencode_enc_dict_start(e);
			mr_bencode_enc_key(e, "stream");
			mr_bencode_enc_int(e, i);
			mr_bencode_enc_kv_cstr(e, "from-tag", call->tag[s]);
			mr_bencode_enc_kv_cstr(e, "in", in->name);
			mr_bencode_enc_kv_cstr(e, "out", out->name);
			mr_bencode_enc_key(e, "ptime");
			mr_bencode_enc_int(e, x->ptime[1 - s]);
			mr_bencode_enc_end(e);
		}
	}
	mr_bencode_enc_end(e);
}
