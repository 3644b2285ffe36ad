/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SDES (RFC 4568) in offer/answer: which party uses SRTP, with which keys,
 * and the a=crypto lines and transport protocol written towards each party.
 *
 * Each party's a=crypto line carries the key it sends with; ours carry the
 * keys we send with, fresh from the CSPRNG for each party (the offerer's key
 * is never echoed). For a stream, the flow of packets sent by slot s
 * unprotects with rx[s] and protects with tx[1 - s].
 *
 * Offer from o to a: o's usable lines are decoded (a malformed one is
 * skipped, its reason becomes the reply's warning); on an RTP/SAVP(F)
 * section the first line the ng SDES options allow is accepted (none: the
 * offer fails, no flow is made) and our answer key for it is drawn now. The
 * transport towards a is transport-protocol, else o's; on RTP/SAVP(F) we
 * offer one line per suite (o's suites first, then ours), each with its own
 * key, keeping a suite's key when it is offered again to a party that had
 * accepted it. Until a answers, we send to a with the first line's key and
 * drop what a sends on SRTP (its key is not known yet).
 * Answer from a: a's line must name one of our tags with its suite; our
 * line's key is then ours towards a. The answer towards o carries our key
 * for o's accepted line, or no crypto when o offered plain RTP.
 *
 * SRTP on both sides is always re-keyed: o's key never leaves towards a,
 * each side gets keys of its own, and the dataplane decrypts and
 * re-encrypts (rtpengine's "recrypt", which mrelay takes as its only mode).
 * The dataplane's pass-through (both legs on one key) is therefore never
 * asked for by control.
 *
 * Forking: the offered lines are kept after an answer, so every forked
 * answer (another to-tag) is matched against them and its own key becomes
 * rx[a] while it is the active branch; session.c keeps each branch's keys
 * in its branch record (struct ctl_branch_keys) and puts them back when
 * that branch becomes active again. A new offer replaces the lines.
 *
 * With the ng SDES option `lifetime`, the keys we draw carry the lifetime
 * 2^31 we write after them, and the dataplane enforces it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sdes/sdes.h"
#include "sdp/sdp.h"

#include "ctl.h"
#include "session.h"

/* What one media section of the SDP being written gets (filled per request). */
struct sdes_edit {
	bool set;
	char proto[24];
	uint8_t n;
	char lines[MR_SRTP_SUITE_COUNT][160];	/* "crypto:<value>"; hold keys: wiped */
	struct mr_str strs[MR_SRTP_SUITE_COUNT];
};

/* The lifetime written after our keys with the ng SDES option `lifetime` (rtpengine's 2^31). */
#define SDES_LIFETIME (UINT64_C(1) << 31)

static struct sdes_edit edits[MR_SDP_MAX_MEDIA];
static struct mr_sdes_set set_buf;

static bool proto_is_savp(struct mr_str p)
{
	return mr_str_eq_nocase(p, "RTP/SAVP") || mr_str_eq_nocase(p, "RTP/SAVPF");
}

static void warn_once(struct ctl_req *r, const char *what, const char *detail)
{
	if (r->warning[0] == '\0')
		snprintf(r->warning, sizeof(r->warning), "%s: %s", what, detail);
}

void ctl_sdes_begin(void)
{
	mr_memzero_explicit(edits, sizeof(edits));
}

void ctl_sdes_end(void)
{
	mr_memzero_explicit(edits, sizeof(edits));
	mr_memzero_explicit(&set_buf, sizeof(set_buf));
}

/* The a=crypto values of media i, decoded into set_buf. */
static void parse_media(const struct mr_sdp *sdp, unsigned i, struct ctl_req *r)
{
	const struct mr_sdp_media *m = &sdp->media[i];
	struct mr_str vals[MR_SDES_MAX_CRYPTO + 1];
	unsigned n = 0, extra = 0;

	for (unsigned j = 0; j < m->n_attr; j++) {
		const struct mr_sdp_attr *a = &sdp->attrs[m->attr_first + j];

		if (a->kind != MR_SDP_ATTR_CRYPTO && !mr_str_eq_nocase(a->name, "crypto"))
			continue;
		if (n < MR_ARRAY_SIZE(vals))
			vals[n++] = a->value;
		else
			extra++;
	}
	mr_sdes_set_parse(vals, n, &set_buf);
	if (set_buf.n_skipped)
		warn_once(r, "a=crypto line skipped", set_buf.skipped[0].why);
	else if (set_buf.n_ignored || extra)
		warn_once(r, "a=crypto lines ignored", "more than 16 in a media section");
}

static int edit_lines(unsigned i, const char *proto, const struct mr_sdes_crypto *lines,
		      unsigned n, bool pad, bool lifetime)
{
	struct sdes_edit *e = &edits[i];

	if (i >= MR_SDP_MAX_MEDIA)
		return -E2BIG;
	e->set = true;
	snprintf(e->proto, sizeof(e->proto), "%s", proto);
	e->n = 0;
	for (unsigned j = 0; j < n; j++) {
		int len;

		memcpy(e->lines[j], "crypto:", 7);
		len = mr_sdes_crypto_format(&lines[j], pad, lifetime, e->lines[j] + 7,
					    sizeof(e->lines[j]) - 7);
		if (len < 0)
			return len;
		e->strs[j] = mr_str_make(e->lines[j], (size_t)len + 7);
		e->n++;
	}
	return 0;
}

int ctl_sdes_offer(struct ctl_stream *st, const struct mr_sdp *sdp, unsigned i, unsigned o,
		   struct ctl_req *r, const char **why)
{
	const struct mr_sdp_media *m = &sdp->media[i];
	struct ctl_srtp *sr = &st->srtp;
	unsigned a = 1 - o;
	struct mr_str target = r->transport.len ? r->transport : m->proto;
	bool in_savp = proto_is_savp(m->proto), out_savp;
	uint8_t suites[MR_SRTP_SUITE_COUNT];
	unsigned n, flags;
	int k, rc;

	if (!m->is_rtp || m->port == 0)
		return 0;
	out_savp = proto_is_savp(target) || (r->transport.len == 0 && in_savp);
	mr_str_copy(m->proto, sr->proto[o], sizeof(sr->proto[o]));
	parse_media(sdp, i, r);

	if (in_savp) {
		k = mr_sdes_set_select(&set_buf, &r->sdes);
		if (k < 0) {
			*why = k == -EACCES ? "SDES is off, but the offer is RTP/SAVP"
			     : set_buf.n ? "no offered crypto suite is allowed"
					 : "no usable a=crypto line on an RTP/SAVP media section";
			return -EINVAL;
		}
		/* Same line as before: keep our key towards o (media keeps flowing). */
		if (!(sr->rx[o].suite == set_buf.c[k].suite && sr->tx[o].suite == set_buf.c[k].suite &&
		      memcmp(sr->rx[o].key, set_buf.c[k].key, sr->rx[o].key_len) == 0)) {
			rc = mr_sdes_crypto_answer(&set_buf.c[k], &sr->tx[o]);
			if (rc < 0) {
				*why = "no random bytes for an SRTP key";
				return rc;
			}
			if (r->sdes.lifetime)
				sr->tx[o].lifetime = SDES_LIFETIME;
		}
		sr->tx[o].tag = set_buf.c[k].tag;
		sr->rx[o] = set_buf.c[k];
	} else {
		mr_sdes_crypto_wipe(&sr->rx[o]);
		mr_sdes_crypto_wipe(&sr->tx[o]);
		memset(&sr->rx[o], 0, sizeof(sr->rx[o]));
		memset(&sr->tx[o], 0, sizeof(sr->tx[o]));
	}

	for (unsigned j = 0; j < MR_ARRAY_SIZE(sr->offered); j++)
		mr_sdes_crypto_wipe(&sr->offered[j]);
	sr->n_offered = 0;
	if (out_savp) {
		n = mr_sdes_offer_suites(in_savp ? &set_buf : NULL, &r->sdes, suites,
					 MR_ARRAY_SIZE(sr->offered));
		if (n == 0) {
			*why = "no SDES crypto suite left to offer on an RTP/SAVP leg";
			return -EINVAL;
		}
		flags = mr_sdes_opts_flags(&r->sdes, in_savp ? sr->rx[o].flags : 0);
		for (unsigned j = 0; j < n; j++) {
			struct mr_sdes_crypto *c = &sr->offered[j];

			if (sr->tx[a].suite == suites[j]) {
				*c = sr->tx[a];		/* the key a accepted before */
				c->tag = j + 1;
				c->flags = (uint8_t)flags;
				if (mr_sdes_suite_info(c->suite)->aead)
					c->flags &= MR_SRTP_F_UNENCRYPTED_SRTCP;
				continue;
			}
			rc = mr_sdes_crypto_new(j + 1, suites[j], flags, c);
			if (rc < 0) {
				*why = "no random bytes for an SRTP key";
				return rc;
			}
			if (r->sdes.lifetime)
				c->lifetime = SDES_LIFETIME;
		}
		sr->n_offered = (uint8_t)n;
		sr->offered_to = (uint8_t)a;
		/* Until a answers: send with the first line's key; a's own key is unknown. */
		if (sr->tx[a].suite != sr->offered[0].suite ||
		    memcmp(sr->tx[a].key, sr->offered[0].key, sr->offered[0].key_len) != 0) {
			sr->tx[a] = sr->offered[0];
			mr_sdes_crypto_wipe(&sr->rx[a]);
			memset(&sr->rx[a], 0, sizeof(sr->rx[a]));
		}
		sr->await[a] = sr->rx[a].suite == MR_SRTP_SUITE_NONE;
	} else {
		mr_sdes_crypto_wipe(&sr->tx[a]);
		mr_sdes_crypto_wipe(&sr->rx[a]);
		memset(&sr->tx[a], 0, sizeof(sr->tx[a]));
		memset(&sr->rx[a], 0, sizeof(sr->rx[a]));
		sr->await[a] = false;
	}
	{
		char tp[24];

		mr_str_copy(target, tp, sizeof(tp));
		rc = edit_lines(i, tp, sr->offered, sr->n_offered, r->sdes.pad, r->sdes.lifetime);
	}
	if (rc < 0)
		*why = "cannot write a=crypto";
	return rc;
}

int ctl_sdes_answer(struct ctl_stream *st, const struct mr_sdp *sdp, unsigned i, unsigned a,
		    struct ctl_req *r, const char **why)
{
	const struct mr_sdp_media *m = &sdp->media[i];
	struct ctl_srtp *sr = &st->srtp;
	unsigned o = 1 - a;
	bool in_savp = proto_is_savp(m->proto);
	int rc;

	if (!m->is_rtp || m->port == 0)
		return 0;
	mr_str_copy(m->proto, sr->proto[a], sizeof(sr->proto[a]));
	if (sr->n_offered && sr->offered_to == a) {
		if (in_savp) {
			int hit = -1;

			parse_media(sdp, i, r);
			for (unsigned j = 0; j < set_buf.n && hit < 0; j++)
				for (unsigned q = 0; q < sr->n_offered && hit < 0; q++)
					if (set_buf.c[j].tag == sr->offered[q].tag &&
					    set_buf.c[j].suite == sr->offered[q].suite) {
						sr->rx[a] = set_buf.c[j];
						sr->tx[a] = sr->offered[q];
						hit = (int)q;
					}
			if (hit < 0) {
				*why = "the answer's a=crypto matches no line offered";
				return -EINVAL;
			}
		} else {
			/* a declined SRTP: plain RTP towards a. */
			mr_sdes_crypto_wipe(&sr->rx[a]);
			mr_sdes_crypto_wipe(&sr->tx[a]);
			memset(&sr->rx[a], 0, sizeof(sr->rx[a]));
			memset(&sr->tx[a], 0, sizeof(sr->tx[a]));
		}
		/* The offered lines stay: a forked answer may still match them. */
		sr->await[a] = false;
	} else if (in_savp && sr->rx[a].suite == MR_SRTP_SUITE_NONE) {
		*why = "RTP/SAVP answer to an offer without SRTP";
		return -EINVAL;
	}
	/* Towards o: our key for its accepted line, in o's own transport. */
	rc = edit_lines(i, sr->proto[o][0] ? sr->proto[o] : "RTP/AVP", &sr->tx[o],
			sr->tx[o].suite ? 1 : 0, r->sdes.pad, r->sdes.lifetime);
	if (rc < 0)
		*why = "cannot write a=crypto";
	return rc;
}

void ctl_sdes_apply(unsigned i, struct mr_sdp_edit_media *em)
{
	struct sdes_edit *e;

	if (i >= MR_SDP_MAX_MEDIA || !edits[i].set)
		return;
	e = &edits[i];
	em->proto = mr_str_cstr(e->proto);
	em->replace_crypto = true;
	em->crypto_lines = e->strs;
	em->n_crypto_lines = e->n;
}

void ctl_sdes_spec(const struct ctl_stream *st, unsigned s, struct mr_flow_spec *sp)
{
	const struct ctl_srtp *sr = &st->srtp;

	if (sr->rx[s].suite)
		mr_sdes_crypto_to_spec(&sr->rx[s], &sp->srtp_in);
	if (sr->tx[1 - s].suite)
		mr_sdes_crypto_to_spec(&sr->tx[1 - s], &sp->srtp_out);
	/* SRTP from s whose key its answer has not told us yet: nothing to decrypt with. */
	if (sr->await[s])
		sp->flags |= MR_FLOW_F_BLACKHOLE;
}

void ctl_sdes_wipe_msgs(struct mr_msg *msgs, unsigned n)
{
	for (unsigned j = 0; j < n; j++) {
		mr_memzero_explicit(&msgs[j].u.flow.srtp_in, sizeof(msgs[j].u.flow.srtp_in));
		mr_memzero_explicit(&msgs[j].u.flow.srtp_out, sizeof(msgs[j].u.flow.srtp_out));
	}
}

void ctl_sdes_wipe_streams(struct ctl_stream *st, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		mr_memzero_explicit(&st[i].srtp, sizeof(st[i].srtp));
}

bool ctl_sdes_proto_ok(struct mr_str proto)
{
	return proto_is_savp(proto) || mr_str_eq_nocase(proto, "RTP/AVP") ||
	       mr_str_eq_nocase(proto, "RTP/AVPF");
}
