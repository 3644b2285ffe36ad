/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SDP parser. One pass over the input: every line is bounds-checked and
 * classified, indexed in sdp->lines, and decoded into the session or the
 * current media section. Nothing is copied and nothing is allocated; every
 * table has a fixed capacity that is checked before it is written.
 */
#include <errno.h>
#include <stddef.h>
#include <strings.h>

#include "sdp/sdp.h"

static int fail(const char **why, const char *reason, int err)
{
	if (why)
		*why = reason;
	return err;
}

/* A media section is cleared around its fmt[] and crypto[] tables. */
_Static_assert(offsetof(struct mr_sdp_media, conn) ==
	       offsetof(struct mr_sdp_media, fmt) + sizeof(((struct mr_sdp_media *)0)->fmt),
	       "fmt[] must directly precede conn");
_Static_assert(offsetof(struct mr_sdp_media, crypto) +
	       sizeof(((struct mr_sdp_media *)0)->crypto) == sizeof(struct mr_sdp_media),
	       "crypto[] must be the last member");

#define BAD(reason) fail(why, (reason), -EBADMSG)
#define TOO_BIG(reason) fail(why, (reason), -E2BIG)

/* Next space-separated token of *rest (runs of spaces separate). */
static bool next_tok(struct mr_str *rest, struct mr_str *tok)
{
	size_t i = 0, j;

	while (i < rest->len && rest->p[i] == ' ')
		i++;
	if (i == rest->len) {
		*rest = mr_str_make(rest->p + i, 0);
		return false;
	}
	j = i;
	while (j < rest->len && rest->p[j] != ' ')
		j++;
	*tok = mr_str_make(rest->p + i, j - i);
	*rest = mr_str_make(rest->p + j, rest->len - j);
	return true;
}

/* s without its leading spaces. */
static struct mr_str skip_spaces(struct mr_str s)
{
	while (s.len && s.p[0] == ' ') {
		s.p++;
		s.len--;
	}
	return s;
}

static struct mr_str trim_right(struct mr_str s)
{
	while (s.len && (s.p[s.len - 1] == ' ' || s.p[s.len - 1] == '\t'))
		s.len--;
	return s;
}

/* Split at the first `c`: head before it, tail after; false without one. */
static bool split_at(struct mr_str s, char c, struct mr_str *head, struct mr_str *tail)
{
	const char *p = s.len ? memchr(s.p, c, s.len) : NULL;

	if (p == NULL) {
		*head = s;
		*tail = mr_str_make(s.p + s.len, 0);
		return false;
	}
	*head = mr_str_make(s.p, (size_t)(p - s.p));
	*tail = mr_str_make(p + 1, s.len - (size_t)(p - s.p) - 1);
	return true;
}

static int to_u32(struct mr_str s, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	int rc = mr_str_to_u64(s, max, &v);

	*out = rc == 0 ? (uint32_t)v : 0;
	return rc;
}

/* "/<digits>" once or twice. */
static bool good_suffix(struct mr_str s)
{
	struct mr_str part, rest;
	unsigned parts = 0;
	uint64_t v;

	s = mr_str_make(s.p + 1, s.len - 1);
	for (;;) {
		bool more = split_at(s, '/', &part, &rest);

		if (++parts > 2 || mr_str_to_u64(part, UINT32_MAX, &v) < 0)
			return false;
		if (!more)
			return true;
		s = rest;
	}
}

/* "IN IP4|IP6 <address>[/suffix]" in three tokens from rest. */
static int parse_conn(struct mr_str rest, struct mr_sdp_conn *c, bool allow_suffix,
		      const char **why)
{
	struct mr_str extra;
	int fam;

	if (!next_tok(&rest, &c->nettype) || !next_tok(&rest, &c->addrtype) ||
	    !next_tok(&rest, &c->address) || next_tok(&rest, &extra))
		return BAD("malformed connection address");
	if (!mr_str_eq_cstr(c->nettype, "IN"))
		return BAD("unsupported network type");
	if (mr_str_eq_nocase(c->addrtype, "IP4")) {
		c->af = MR_SDP_AF_IP4;
		fam = 4;
	} else if (mr_str_eq_nocase(c->addrtype, "IP6")) {
		c->af = MR_SDP_AF_IP6;
		fam = 6;
	} else {
		return BAD("unsupported address type");
	}
	if (split_at(c->address, '/', &c->address, &c->suffix)) {
		/* Multicast "/ttl[/count]" or "/count", kept with its first '/'. */
		c->suffix = mr_str_make(c->suffix.p - 1, c->suffix.len + 1);
		if (!allow_suffix || !good_suffix(c->suffix))
			return BAD("malformed connection address");
	}
	if (mr_ip_parse_n(c->address.p, c->address.len, &c->ip) < 0)
		return BAD("connection address is not an IP address");
	if (c->ip.family != fam)
		return BAD("connection address does not match its address type");
	memcpy(c->addr, c->ip.addr, sizeof(c->addr));
	c->is_hold = mr_ip_is_any(&c->ip);
	c->present = true;
	return 0;
}

/* Literal with its length, for tables compared against slices. */
#define LIT(s) (s), sizeof(s) - 1

struct proto_name {
	const char *name;
	size_t len;
	enum mr_sdp_proto kind;
};

static bool slice_eq_nocase(struct mr_str a, const char *name, size_t len)
{
	return a.len == len && strncasecmp(a.p, name, len) == 0;
}

static const struct proto_name protos[] = {
	{ LIT("RTP/AVP"), MR_SDP_PROTO_RTP_AVP },
	{ LIT("RTP/AVPF"), MR_SDP_PROTO_RTP_AVPF },
	{ LIT("RTP/SAVP"), MR_SDP_PROTO_RTP_SAVP },
	{ LIT("RTP/SAVPF"), MR_SDP_PROTO_RTP_SAVPF },
	{ LIT("UDP/TLS/RTP/SAVP"), MR_SDP_PROTO_UDP_TLS_RTP_SAVP },
	{ LIT("UDP/TLS/RTP/SAVPF"), MR_SDP_PROTO_UDP_TLS_RTP_SAVPF },
};

static enum mr_sdp_proto classify_proto(struct mr_str p)
{
	for (size_t i = 0; i < MR_ARRAY_SIZE(protos); i++)
		if (slice_eq_nocase(p, protos[i].name, protos[i].len))
			return protos[i].kind;
	/* Any other "/"-separated proto with an RTP part: TCP/RTP/AVP ... */
	for (size_t i = 0; i + 4 <= p.len; i++) {
		if ((i == 0 || p.p[i - 1] == '/') && p.p[i + 3] == '/' &&
		    mr_str_eq_nocase(mr_str_make(p.p + i, 3), "RTP"))
			return MR_SDP_PROTO_RTP_OTHER;
	}
	return MR_SDP_PROTO_OTHER;
}

static int parse_media(struct mr_str rest, struct mr_sdp_media *m, const char **why)
{
	struct mr_str port, count, tok;
	bool has_count;
	uint32_t v;
	int rc;

	if (!next_tok(&rest, &m->type) || !next_tok(&rest, &port) || !next_tok(&rest, &m->proto))
		return BAD("malformed m= line");
	has_count = split_at(port, '/', &m->port_str, &count);
	rc = to_u32(m->port_str, 65535, &v);
	if (rc == -ERANGE)
		return BAD("m= port out of range");
	if (rc < 0)
		return BAD("m= port is not a number");
	m->port = (uint16_t)v;
	m->port_count = 1;
	if (has_count) {
		if (to_u32(count, 65535, &v) < 0 || v == 0)
			return BAD("bad m= port count");
		m->port_count = (uint16_t)v;
	}
	m->proto_kind = (uint8_t)classify_proto(m->proto);
	m->is_rtp = m->proto_kind != MR_SDP_PROTO_OTHER;
	while (next_tok(&rest, &tok)) {
		struct mr_sdp_fmt *f;

		if (m->n_fmt >= MR_SDP_MAX_FMT)
			return TOO_BIG("too many formats on an m= line");
		f = &m->fmt[m->n_fmt++];
		f->id = tok;
		f->pt = -1;
		f->rtpmap = MR_SDP_NONE;
		f->fmtp = MR_SDP_NONE;
		f->channels = 1;
		f->clock_rate = 0;		/* entries are reused: nothing of a previous parse stays */
		f->encoding = MR_STR_NULL;
		f->params = MR_STR_NULL;
		if (m->is_rtp) {
			rc = to_u32(tok, 127, &v);
			if (rc == -ERANGE)
				return BAD("payload type out of range");
			if (rc < 0)
				return BAD("payload type is not a number");
			f->pt = (int16_t)v;
		}
	}
	return 0;
}

struct attr_name {
	const char *name;
	size_t len;
	enum mr_sdp_attr_kind kind;
};

static const struct attr_name attr_names[] = {
	{ LIT("rtpmap"), MR_SDP_ATTR_RTPMAP },
	{ LIT("fmtp"), MR_SDP_ATTR_FMTP },
	{ LIT("ptime"), MR_SDP_ATTR_PTIME },
	{ LIT("maxptime"), MR_SDP_ATTR_MAXPTIME },
	{ LIT("rtcp"), MR_SDP_ATTR_RTCP },
	{ LIT("rtcp-mux"), MR_SDP_ATTR_RTCP_MUX },
	{ LIT("rtcp-rsize"), MR_SDP_ATTR_RTCP_RSIZE },
	{ LIT("rtcp-fb"), MR_SDP_ATTR_RTCP_FB },
	{ LIT("sendrecv"), MR_SDP_ATTR_SENDRECV },
	{ LIT("sendonly"), MR_SDP_ATTR_SENDONLY },
	{ LIT("recvonly"), MR_SDP_ATTR_RECVONLY },
	{ LIT("inactive"), MR_SDP_ATTR_INACTIVE },
	{ LIT("crypto"), MR_SDP_ATTR_CRYPTO },
	{ LIT("fingerprint"), MR_SDP_ATTR_FINGERPRINT },
	{ LIT("setup"), MR_SDP_ATTR_SETUP },
	{ LIT("mid"), MR_SDP_ATTR_MID },
	{ LIT("label"), MR_SDP_ATTR_LABEL },
	{ LIT("group"), MR_SDP_ATTR_GROUP },
	{ LIT("ssrc"), MR_SDP_ATTR_SSRC },
	{ LIT("extmap"), MR_SDP_ATTR_EXTMAP },
	{ LIT("ice-ufrag"), MR_SDP_ATTR_ICE_UFRAG },
	{ LIT("ice-pwd"), MR_SDP_ATTR_ICE_PWD },
	{ LIT("ice-options"), MR_SDP_ATTR_ICE_OPTIONS },
	{ LIT("ice-lite"), MR_SDP_ATTR_ICE_LITE },
	{ LIT("ice-mismatch"), MR_SDP_ATTR_ICE_MISMATCH },
	{ LIT("ice-pacing"), MR_SDP_ATTR_ICE_PACING },
	{ LIT("candidate"), MR_SDP_ATTR_CANDIDATE },
	{ LIT("remote-candidates"), MR_SDP_ATTR_REMOTE_CANDIDATES },
	{ LIT("end-of-candidates"), MR_SDP_ATTR_END_OF_CANDIDATES },
};

static enum mr_sdp_attr_kind classify_attr(struct mr_str name)
{
	for (size_t i = 0; i < MR_ARRAY_SIZE(attr_names); i++)
		if (slice_eq_nocase(name, attr_names[i].name, attr_names[i].len))
			return attr_names[i].kind;
	return MR_SDP_ATTR_OTHER;
}

static enum mr_sdp_dir kind_dir(enum mr_sdp_attr_kind k)
{
	switch (k) {
	case MR_SDP_ATTR_SENDRECV: return MR_SDP_DIR_SENDRECV;
	case MR_SDP_ATTR_SENDONLY: return MR_SDP_DIR_SENDONLY;
	case MR_SDP_ATTR_RECVONLY: return MR_SDP_DIR_RECVONLY;
	case MR_SDP_ATTR_INACTIVE: return MR_SDP_DIR_INACTIVE;
	default: return MR_SDP_DIR_UNSET;
	}
}

/* a=rtpmap:<pt> <encoding>/<clock rate>[/<channels>] */
static int decode_rtpmap(struct mr_sdp *sdp, struct mr_sdp_media *m, uint16_t ai,
			 const char **why)
{
	struct mr_str rest = sdp->attrs[ai].value, pt, enc, name, clock, chans;
	uint32_t vpt, vclock, vch = 1;

	if (!next_tok(&rest, &pt) || !next_tok(&rest, &enc) || next_tok(&rest, &name))
		return BAD("bad a=rtpmap");
	if (to_u32(pt, 127, &vpt) < 0)
		return BAD("bad a=rtpmap payload type");
	if (!split_at(enc, '/', &name, &clock) || name.len == 0)
		return BAD("bad a=rtpmap encoding");
	if (split_at(clock, '/', &clock, &chans) &&
	    (to_u32(chans, 65535, &vch) < 0 || vch == 0))
		return BAD("bad a=rtpmap channels");
	if (to_u32(clock, UINT32_MAX, &vclock) < 0 || vclock == 0)
		return BAD("bad a=rtpmap clock rate");
	for (unsigned i = 0; i < m->n_fmt; i++) {
		struct mr_sdp_fmt *f = &m->fmt[i];

		/* The first rtpmap of a payload type is the one that counts. */
		if (f->pt == (int16_t)vpt && f->rtpmap == MR_SDP_NONE) {
			f->rtpmap = ai;
			f->encoding = name;
			f->clock_rate = vclock;
			f->channels = (uint16_t)vch;
		}
	}
	return 0;
}

/* a=fmtp:<format> <parameters> */
static void decode_fmtp(struct mr_sdp *sdp, struct mr_sdp_media *m, uint16_t ai)
{
	struct mr_str fmt, params;

	split_at(sdp->attrs[ai].value, ' ', &fmt, &params);
	params = trim_right(skip_spaces(params));
	for (unsigned i = 0; i < m->n_fmt; i++) {
		struct mr_sdp_fmt *f = &m->fmt[i];

		if (f->fmtp == MR_SDP_NONE && mr_str_eq(f->id, fmt)) {
			f->fmtp = ai;
			f->params = params;
		}
	}
}

/* a=ptime:<ms>, also "20.0" as some endpoints write it (fraction ignored). */
static int decode_ms(struct mr_str v, uint32_t *out, const char **why)
{
	struct mr_str whole, frac;

	if (split_at(trim_right(v), '.', &whole, &frac)) {
		for (size_t i = 0; i < frac.len; i++)
			if (frac.p[i] < '0' || frac.p[i] > '9')
				return BAD("bad a=ptime");
	}
	if (to_u32(whole, 100000, out) < 0)
		return BAD("bad a=ptime");
	return 0;
}

/* a=rtcp:<port> [IN IP4|IP6 <address>] (RFC 3605) */
static int decode_rtcp(struct mr_sdp *sdp, struct mr_sdp_media *m, uint16_t ai,
		       const char **why)
{
	struct mr_str rest = sdp->attrs[ai].value, port;
	uint32_t v;
	int rc;

	if (m->has_rtcp)
		return BAD("repeated a=rtcp");
	if (!next_tok(&rest, &port) || to_u32(port, 65535, &v) < 0)
		return BAD("bad a=rtcp port");
	m->rtcp_port = (uint16_t)v;
	m->has_rtcp = true;
	rest = skip_spaces(rest);
	if (rest.len) {
		rc = parse_conn(rest, &m->rtcp_conn, false, why);
		if (rc < 0)
			return BAD("bad a=rtcp address");
		m->rtcp_conn.line = MR_SDP_NONE;
	}
	return 0;
}

/* a=crypto:<tag> <crypto-suite> <key-params> [<session-param> ...] (RFC 4568) */
static int decode_crypto(struct mr_sdp *sdp, struct mr_sdp_media *m, uint16_t ai,
			 const char **why)
{
	struct mr_str rest = sdp->attrs[ai].value, tag;
	struct mr_sdp_crypto *c;

	/*
	 * RFC 4568 section 5.1.3: a crypto line that cannot be understood is
	 * ignored, not an error for the whole description. Lines past the
	 * capacity, or malformed, stay attributes (lib/sdes judges each one
	 * with a reason) but are not indexed here.
	 */
	(void)why;
	if (m->n_crypto >= MR_SDP_MAX_CRYPTO)
		return 0;
	c = &m->crypto[m->n_crypto];
	if (!next_tok(&rest, &tag) || tag.len > 9 || to_u32(tag, 999999999, &c->tag) < 0)
		return 0;
	if (!next_tok(&rest, &c->suite) || !next_tok(&rest, &c->key_params))
		return 0;
	c->session_params = trim_right(skip_spaces(rest));
	c->attr = ai;
	m->n_crypto++;
	return 0;
}

/* Decode a media-level attribute into m. */
static int media_attr(struct mr_sdp *sdp, struct mr_sdp_media *m, uint16_t ai,
		      const char **why)
{
	struct mr_sdp_attr *a = &sdp->attrs[ai];
	enum mr_sdp_dir d = kind_dir(a->kind);

	if (d != MR_SDP_DIR_UNSET) {
		if (m->dir_explicit)
			return BAD("repeated direction attribute");
		m->dir = (uint8_t)d;
		m->dir_explicit = true;
		return 0;
	}
	if (mr_sdp_attr_is_ice(a))
		m->has_ice = true;
	switch (a->kind) {
	case MR_SDP_ATTR_RTPMAP:
		return m->is_rtp ? decode_rtpmap(sdp, m, ai, why) : 0;
	case MR_SDP_ATTR_FMTP:
		decode_fmtp(sdp, m, ai);
		return 0;
	case MR_SDP_ATTR_PTIME:
		return decode_ms(a->value, &m->ptime, why);
	case MR_SDP_ATTR_MAXPTIME:
		return decode_ms(a->value, &m->maxptime, why);
	case MR_SDP_ATTR_RTCP:
		return decode_rtcp(sdp, m, ai, why);
	case MR_SDP_ATTR_RTCP_MUX:
		m->rtcp_mux = true;
		return 0;
	case MR_SDP_ATTR_RTCP_RSIZE:
		m->rtcp_rsize = true;
		return 0;
	case MR_SDP_ATTR_CRYPTO:
		return decode_crypto(sdp, m, ai, why);
	case MR_SDP_ATTR_MID:
		m->mid = a->value;
		return 0;
	case MR_SDP_ATTR_LABEL:
		m->label = a->value;
		return 0;
	case MR_SDP_ATTR_ICE_UFRAG:
		m->ice_ufrag = a->value;
		return 0;
	case MR_SDP_ATTR_ICE_PWD:
		m->ice_pwd = a->value;
		return 0;
	case MR_SDP_ATTR_CANDIDATE:
		if (m->n_candidates < UINT16_MAX)
			m->n_candidates++;
		return 0;
	case MR_SDP_ATTR_END_OF_CANDIDATES:
		m->end_of_candidates = true;
		return 0;
	default:
		return 0;
	}
}

/* Decode a session-level attribute. */
static int session_attr(struct mr_sdp *sdp, uint16_t ai, const char **why)
{
	struct mr_sdp_attr *a = &sdp->attrs[ai];
	enum mr_sdp_dir d = kind_dir(a->kind);

	if (d != MR_SDP_DIR_UNSET) {
		if (sdp->dir_explicit)
			return BAD("repeated direction attribute");
		sdp->dir = (uint8_t)d;
		sdp->dir_explicit = true;
		return 0;
	}
	switch (a->kind) {
	case MR_SDP_ATTR_ICE_LITE:
		sdp->ice_lite = true;
		break;
	case MR_SDP_ATTR_ICE_UFRAG:
		sdp->ice_ufrag = a->value;
		break;
	case MR_SDP_ATTR_ICE_PWD:
		sdp->ice_pwd = a->value;
		break;
	default:
		break;
	}
	return 0;
}

/* A byte a line may not hold: NUL, CR, LF or another control except tab. */
static inline bool bad_byte(uint8_t c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

static bool has_bad_byte_slow(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (bad_byte(p[i]))
			return true;
	return false;
}

/*
 * Eight bytes at a time: whether any byte is below 0x20 or equals 0x7f
 * (exact "any" tests, see "Bit Twiddling Hacks", hasless/haszero); only a
 * flagged word, usually one with a tab, is checked byte by byte.
 */
static bool has_bad_byte(const uint8_t *p, size_t n)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t x, d;

		memcpy(&x, p + i, 8);
		d = x ^ (0x7f * ones);
		if ((((x - 0x20 * ones) & ~x) | ((d - ones) & ~d)) & highs &&
		    has_bad_byte_slow(p + i, 8))
			return true;
	}
	return has_bad_byte_slow(p + i, n - i);
}

static int add_line(struct mr_sdp *sdp, const uint8_t *buf, size_t len, size_t *pos,
		    const char **why)
{
	size_t start = *pos, end, next;
	const uint8_t *nl = memchr(buf + start, '\n', len - start);
	struct mr_sdp_line *l;
	uint8_t eol;

	if (nl) {
		end = (size_t)(nl - buf);
		next = end + 1;
		eol = MR_SDP_EOL_LF;
		if (end > start && buf[end - 1] == '\r') {
			end--;
			eol = MR_SDP_EOL_CRLF;
		}
	} else {
		end = len;
		next = len;
		eol = MR_SDP_EOL_NONE;
	}
	if (has_bad_byte(buf + start, end - start)) {
		if (memchr(buf + start, '\0', end - start))
			return BAD("NUL byte in SDP");
		return BAD("control character in SDP");
	}
	*pos = next;
	if (end == start) {
		/* Empty lines: tolerated only as trailing ones, kept verbatim. */
		if (sdp->tail == sdp->len)
			sdp->tail = (uint32_t)start;
		return 0;
	}
	if (sdp->tail != sdp->len)
		return BAD("empty line in SDP");
	if (end - start < 2 || buf[start] < 'a' || buf[start] > 'z' || buf[start + 1] != '=')
		return BAD("malformed SDP line");
	if (sdp->n_lines >= MR_SDP_MAX_LINES)
		return TOO_BIG("too many SDP lines");
	l = &sdp->lines[sdp->n_lines++];
	l->off = (uint32_t)start;
	l->len = (uint32_t)(end - start);
	l->type = (char)buf[start];
	l->eol = eol;
	l->section = (uint8_t)sdp->n_media;
	l->attr = MR_SDP_NONE;
	return 0;
}

static int parse_origin(struct mr_sdp *sdp, struct mr_str rest, uint16_t li, const char **why)
{
	struct mr_sdp_origin *o = &sdp->origin;
	struct mr_str extra;

	if (!next_tok(&rest, &o->username) || !next_tok(&rest, &o->sess_id) ||
	    !next_tok(&rest, &o->sess_version) || !next_tok(&rest, &o->nettype) ||
	    !next_tok(&rest, &o->addrtype) || !next_tok(&rest, &o->address) ||
	    next_tok(&rest, &extra))
		return BAD("malformed o= line");
	o->line = li;
	return 0;
}

static int parse_attr(struct mr_sdp *sdp, struct mr_str rest, uint16_t li, const char **why)
{
	struct mr_sdp_attr *a;
	uint16_t *n_attr = sdp->n_media ? &sdp->media[sdp->n_media - 1].n_attr : &sdp->n_attr;
	uint16_t ai;

	if (*n_attr >= MR_SDP_MAX_ATTR)
		return TOO_BIG("too many attributes in a section");
	/* n_attrs <= n_lines <= MR_SDP_MAX_LINES, the size of attrs[]. */
	ai = sdp->n_attrs++;
	(*n_attr)++;
	a = &sdp->attrs[ai];
	memset(a, 0, sizeof(*a));
	a->has_value = split_at(rest, ':', &a->name, &a->value);
	if (a->name.len == 0)
		return BAD("malformed a= line");
	a->kind = (uint8_t)classify_attr(a->name);
	a->line = li;
	sdp->lines[li].attr = ai;
	if (sdp->n_media)
		return media_attr(sdp, &sdp->media[sdp->n_media - 1], ai, why);
	return session_attr(sdp, ai, why);
}

static int parse_line(struct mr_sdp *sdp, uint16_t li, bool *have_origin, const char **why)
{
	const struct mr_sdp_line *l = &sdp->lines[li];
	struct mr_str rest = mr_str_make(sdp->buf + l->off + 2, l->len - 2);
	struct mr_sdp_media *m = sdp->n_media ? &sdp->media[sdp->n_media - 1] : NULL;
	int rc;

	if (li == 0) {
		if (l->type != 'v')
			return BAD("first line is not v=");
		if (!mr_str_eq_cstr(rest, "0"))
			return BAD("unsupported SDP version");
		return 0;
	}
	switch (l->type) {
	case 'v':
		return BAD("repeated v= line");
	case 'o':
		if (m)
			return BAD("o= line in a media section");
		if (*have_origin)
			return BAD("repeated o= line");
		*have_origin = true;
		return parse_origin(sdp, rest, li, why);
	case 's':
		if (m)
			return BAD("s= line in a media section");
		if (sdp->session_name.p == NULL)
			sdp->session_name = rest;
		return 0;
	case 'c': {
		struct mr_sdp_conn *c = m ? &m->conn : &sdp->conn;

		if (c->present)
			return BAD("repeated c= line");
		rc = parse_conn(rest, c, true, why);
		if (rc < 0)
			return rc;
		c->line = li;
		return 0;
	}
	case 'm':
		if (sdp->n_media >= MR_SDP_MAX_MEDIA)
			return TOO_BIG("too many m= lines");
		if (m)
			m->line_end = li;
		else
			sdp->session_end = li;
		m = &sdp->media[sdp->n_media++];
		/* fmt[] and crypto[] entries are written whole as they fill. */
		memset(m, 0, offsetof(struct mr_sdp_media, fmt));
		memset(&m->conn, 0, offsetof(struct mr_sdp_media, crypto) -
		       offsetof(struct mr_sdp_media, conn));
		m->line = li;
		m->attr_first = sdp->n_attrs;
		m->conn.line = MR_SDP_NONE;
		/* The line was indexed in the session or previous media section. */
		sdp->lines[li].section = (uint8_t)sdp->n_media;
		return parse_media(rest, m, why);
	case 'a':
		return parse_attr(sdp, rest, li, why);
	default:
		/* i= u= e= p= b= t= r= z= k= and unknown letters: kept as they are. */
		return 0;
	}
}

int mr_sdp_parse(const uint8_t *buf, size_t len, struct mr_sdp *out, const char **why)
{
	bool have_origin = false;
	size_t pos = 0;
	int rc;

	/* The tables are initialised as they fill; only the header is cleared. */
	memset(out, 0, offsetof(struct mr_sdp, lines));
	if (buf == NULL || len == 0)
		return BAD("empty SDP");
	if (len > MR_SDP_MAX_LEN)
		return TOO_BIG("SDP too long");
	out->buf = (const char *)buf;
	out->len = len;
	out->tail = (uint32_t)len;
	out->dir = MR_SDP_DIR_SENDRECV;
	out->conn.line = MR_SDP_NONE;
	out->origin.line = MR_SDP_NONE;

	while (pos < len) {
		uint16_t li = out->n_lines;

		rc = add_line(out, buf, len, &pos, why);
		if (rc < 0)
			goto err;
		if (out->n_lines == li)
			continue;	/* an empty trailing line */
		rc = parse_line(out, li, &have_origin, why);
		if (rc < 0)
			goto err;
	}
	if (out->n_lines == 0) {
		rc = BAD("empty SDP");
		goto err;
	}
	if (!have_origin) {
		rc = BAD("no o= line");
		goto err;
	}
	if (out->n_media)
		out->media[out->n_media - 1].line_end = out->n_lines;
	else
		out->session_end = out->n_lines;
	out->attr_first = 0;

	for (unsigned i = 0; i < out->n_media; i++) {
		struct mr_sdp_media *m = &out->media[i];

		if (!m->conn.present && !out->conn.present) {
			rc = BAD("no c= line");
			goto err;
		}
		if (!m->dir_explicit)
			m->dir = out->dir;
		if (m->ice_ufrag.p == NULL)
			m->ice_ufrag = out->ice_ufrag;
		if (m->ice_pwd.p == NULL)
			m->ice_pwd = out->ice_pwd;
	}
	return 0;
err:
	/* A failed parse leaves nothing that looks usable. */
	out->n_lines = 0;
	out->n_media = 0;
	out->n_attrs = 0;
	return rc;
}

const struct mr_sdp_conn *mr_sdp_media_conn(const struct mr_sdp *sdp, unsigned i)
{
	if (i >= sdp->n_media)
		return NULL;
	if (sdp->media[i].conn.present)
		return &sdp->media[i].conn;
	return sdp->conn.present ? &sdp->conn : NULL;
}

const struct mr_sdp_attr *mr_sdp_attr_find(const struct mr_sdp *sdp, int media,
					   const char *name)
{
	unsigned first, n;

	if (media < 0) {
		first = sdp->attr_first;
		n = sdp->n_attr;
	} else if ((unsigned)media < sdp->n_media) {
		first = sdp->media[media].attr_first;
		n = sdp->media[media].n_attr;
	} else {
		return NULL;
	}
	for (unsigned i = first; i < first + n && i < sdp->n_attrs; i++)
		if (mr_str_eq_nocase(sdp->attrs[i].name, name))
			return &sdp->attrs[i];
	return NULL;
}

const struct mr_sdp_fmt *mr_sdp_media_fmt_find(const struct mr_sdp_media *m, unsigned pt)
{
	for (unsigned i = 0; i < m->n_fmt; i++)
		if (m->fmt[i].pt >= 0 && (unsigned)m->fmt[i].pt == pt)
			return &m->fmt[i];
	return NULL;
}

const char *mr_sdp_dir_name(enum mr_sdp_dir dir)
{
	switch (dir) {
	case MR_SDP_DIR_SENDRECV: return "sendrecv";
	case MR_SDP_DIR_SENDONLY: return "sendonly";
	case MR_SDP_DIR_RECVONLY: return "recvonly";
	case MR_SDP_DIR_INACTIVE: return "inactive";
	default: return "";
	}
}
