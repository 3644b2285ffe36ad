/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SDP writer: copies a parsed description section by section, splicing the
 * edited fields into their lines, dropping and adding attribute lines as the
 * edit asks. Every write goes through put(), which checks the space left.
 */
#include <errno.h>

#include "sdp/sdp.h"

struct out {
	uint8_t *p;
	size_t cap;
	size_t len;
	int err;
	bool noeol;	/* the last line written had no line ending */
	uint8_t eol;	/* ending for lines the writer adds in this section */
};

static void put(struct out *o, const void *p, size_t n)
{
	if (o->err)
		return;
	if (n > o->cap - o->len) {
		o->err = -ENOSPC;
		return;
	}
	if (n)
		memcpy(o->p + o->len, p, n);
	o->len += n;
}

static void put_str(struct out *o, struct mr_str s)
{
	put(o, s.p, s.len);
}

static void put_cstr(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void put_u32(struct out *o, uint32_t v)
{
	char tmp[10], *p = tmp + sizeof(tmp);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(o, p, (size_t)(tmp + sizeof(tmp) - p));
}

static const char *eol_bytes(uint8_t eol)
{
	return eol == MR_SDP_EOL_LF ? "\n" : eol == MR_SDP_EOL_CRLF ? "\r\n" : "";
}

/*
 * Start a new output line: an unterminated previous line (the input's last
 * line, now followed by more) first gets the section's ending.
 */
static void begin_line(struct out *o)
{
	if (o->noeol) {
		put_cstr(o, eol_bytes(o->eol));
		o->noeol = false;
	}
}

static void end_line(struct out *o, uint8_t eol)
{
	put_cstr(o, eol_bytes(eol));
	o->noeol = eol == MR_SDP_EOL_NONE;
}

static const char *af_name(uint8_t af)
{
	return af == MR_SDP_AF_IP6 ? "IP6" : "IP4";
}

/* Slice of the input from a to b (b inside or at the end of the buffer). */
static struct mr_str span(const char *a, const char *b)
{
	return mr_str_make(a, (size_t)(b - a));
}

static struct mr_str line_str(const struct mr_sdp *sdp, const struct mr_sdp_line *l)
{
	return mr_str_make(sdp->buf + l->off, l->len);
}

/* A whole new line "<prefix><body>" with the section's line ending. */
static void new_line(struct out *o, uint8_t eol, const char *prefix, struct mr_str body)
{
	begin_line(o);
	put_cstr(o, prefix);
	put_str(o, body);
	end_line(o, eol);
}

/*
 * Line ending for lines the writer adds to a section: that of the section's
 * first line, or, when that is the unterminated last line, of the line
 * before it. Only the last line can be unterminated.
 */
static uint8_t section_eol(const struct mr_sdp *sdp, uint16_t first_line)
{
	if (first_line < sdp->n_lines && sdp->lines[first_line].eol != MR_SDP_EOL_NONE)
		return sdp->lines[first_line].eol;
	if (first_line > 0 && first_line - 1 < sdp->n_lines)
		return sdp->lines[first_line - 1].eol;
	return MR_SDP_EOL_CRLF;
}

/*
 * Copy a line, replacing [from, to) of it with "<af> <addr>" (o= and c=
 * address fields): the rest of the line stays as it was.
 */
static void splice_addr(struct out *o, const struct mr_sdp *sdp, const struct mr_sdp_line *l,
			const char *from, const char *to, uint8_t af, struct mr_str addr)
{
	struct mr_str line = line_str(sdp, l);

	begin_line(o);
	put_str(o, span(line.p, from));
	put_cstr(o, af_name(af));
	put(o, " ", 1);
	put_str(o, addr);
	put_str(o, span(to, line.p + line.len));
	end_line(o, l->eol);
}

static void write_conn_line(struct out *o, uint8_t eol, uint8_t af, struct mr_str addr)
{
	begin_line(o);
	put_cstr(o, "c=IN ");
	put_cstr(o, af_name(af));
	put(o, " ", 1);
	put_str(o, addr);
	end_line(o, eol);
}

static void write_dir_line(struct out *o, uint8_t eol, uint8_t dir)
{
	begin_line(o);
	put_cstr(o, "a=");
	put_cstr(o, mr_sdp_dir_name(dir));
	end_line(o, eol);
}

static void write_rtcp_line(struct out *o, uint8_t eol, const struct mr_sdp_edit_media *em)
{
	begin_line(o);
	put_cstr(o, "a=rtcp:");
	put_u32(o, em->rtcp_port);
	if (em->rtcp_addr.len) {
		put_cstr(o, " IN ");
		put_cstr(o, af_name(em->rtcp_af));
		put(o, " ", 1);
		put_str(o, em->rtcp_addr);
	}
	end_line(o, eol);
}

static void write_attrs(struct out *o, uint8_t eol, const struct mr_str *a, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		new_line(o, eol, "a=", a[i]);
}

static bool dropped(uint64_t kinds, const struct mr_sdp_attr *a)
{
	return a->kind != MR_SDP_ATTR_OTHER && (kinds & MR_SDP_ATTR_BIT(a->kind));
}

static bool is_dir_kind(uint8_t kind)
{
	return kind == MR_SDP_ATTR_SENDRECV || kind == MR_SDP_ATTR_SENDONLY ||
	       kind == MR_SDP_ATTR_RECVONLY || kind == MR_SDP_ATTR_INACTIVE;
}

/* Edit validation: nothing that could break a line or the address syntax. */

static bool clean(struct mr_str s)
{
	if (s.len && s.p == NULL)
		return false;
	for (size_t i = 0; i < s.len; i++)
		if (s.p[i] == '\r' || s.p[i] == '\n' || s.p[i] == '\0')
			return false;
	return true;
}

static bool clean_list(const struct mr_str *l, unsigned n)
{
	if (n && l == NULL)
		return false;
	for (unsigned i = 0; i < n; i++)
		if (!clean(l[i]) || l[i].len == 0)
			return false;
	return true;
}

/* An address given with its family; empty is "no change" and fine. */
static bool good_addr(struct mr_str a, uint8_t af, struct mr_ip *ip)
{
	if (a.len == 0)
		return true;
	if (af != MR_SDP_AF_IP4 && af != MR_SDP_AF_IP6)
		return false;
	if (mr_ip_parse_n(a.p, a.len, ip) < 0)
		return false;
	return ip->family == (af == MR_SDP_AF_IP4 ? 4 : 6);
}

static bool good_token(struct mr_str s)
{
	if (!clean(s))
		return false;
	for (size_t i = 0; i < s.len; i++)
		if (s.p[i] == ' ' || s.p[i] == '\t')
			return false;
	return true;
}

/* Field by field: padding bytes of a caller's struct need not be zero. */
static bool edit_media_is_empty(const struct mr_sdp_edit_media *em)
{
	return em->conn_addr.len == 0 && !em->set_port && em->proto.len == 0 &&
	       !em->set_rtcp && em->rtcp_addr.len == 0 && !em->drop_rtcp &&
	       !em->add_rtcp_mux && !em->drop_rtcp_mux && !em->drop_ice &&
	       em->dir == MR_SDP_DIR_UNSET && !em->replace_crypto &&
	       em->n_crypto_lines == 0 && em->n_add_attrs == 0 && em->drop_kinds == 0 &&
	       em->fmts.len == 0 && em->n_fmt_attrs == 0 && em->ptime == 0;
}

/* A format list: tokens of visible characters separated by single spaces. */
static bool fmts_ok(struct mr_str s)
{
	if (s.len == 0)
		return true;
	if (s.p[0] == ' ' || s.p[s.len - 1] == ' ')
		return false;
	for (size_t i = 0; i < s.len; i++) {
		unsigned char ch = (unsigned char)s.p[i];

		if (ch == ' ' ? s.p[i + 1] == ' ' : (ch < 0x21 || ch > 0x7e))
			return false;
	}
	return true;
}

/* The first token of an attribute value ("96 opus/48000/2" -> "96"). */
static struct mr_str first_token(struct mr_str v)
{
	size_t n = 0;

	while (n < v.len && v.p[n] != ' ' && v.p[n] != '\t')
		n++;
	return mr_str_make(v.p, n);
}

static bool fmts_has(struct mr_str list, struct mr_str tok)
{
	size_t i = 0;

	while (i < list.len) {
		size_t j = i;

		while (j < list.len && list.p[j] != ' ')
			j++;
		if (j - i == tok.len && memcmp(list.p + i, tok.p, tok.len) == 0)
			return true;
		i = j + 1;
	}
	return false;
}

/* With a new format list: an rtpmap, fmtp or rtcp-fb line of a format left out. */
static bool fmt_gone(const struct mr_sdp_edit_media *em, const struct mr_sdp_attr *a)
{
	struct mr_str t;

	if (em->fmts.len == 0 || (a->kind != MR_SDP_ATTR_RTPMAP && a->kind != MR_SDP_ATTR_FMTP &&
				  a->kind != MR_SDP_ATTR_RTCP_FB))
		return false;
	t = first_token(a->value);
	if (a->kind == MR_SDP_ATTR_RTCP_FB && t.len == 1 && t.p[0] == '*')
		return false;
	return !fmts_has(em->fmts, t);
}

static void write_ptime_line(struct out *o, uint8_t eol, uint16_t ptime)
{
	begin_line(o);
	put_cstr(o, "a=ptime:");
	put_u32(o, ptime);
	end_line(o, eol);
}

static int check_edit(const struct mr_sdp *sdp, const struct mr_sdp_edit *e, const char **why)
{
	struct mr_ip ip;

	if (!good_addr(e->origin_addr, e->origin_af, &ip))
		goto bad_addr;
	if (!good_addr(e->conn_addr, e->conn_af, &ip))
		goto bad_addr;
	if (e->dir > MR_SDP_DIR_INACTIVE || !clean_list(e->add_attrs, e->n_add_attrs))
		goto bad;
	for (unsigned i = 0; i < MR_SDP_MAX_MEDIA; i++) {
		const struct mr_sdp_edit_media *em = &e->media[i];

		if (i >= sdp->n_media) {
			if (!edit_media_is_empty(em)) {
				if (why)
					*why = "edit for a media that does not exist";
				return -EINVAL;
			}
			continue;
		}
		if (!good_addr(em->conn_addr, em->conn_af, &ip) ||
		    !good_addr(em->rtcp_addr, em->rtcp_af, &ip))
			goto bad_addr;
		if (!good_token(em->proto) || em->dir > MR_SDP_DIR_INACTIVE ||
		    (em->add_rtcp_mux && em->drop_rtcp_mux) ||
		    !clean_list(em->crypto_lines, em->n_crypto_lines) ||
		    !clean_list(em->add_attrs, em->n_add_attrs) ||
		    !clean_list(em->fmt_attrs, em->n_fmt_attrs) || !fmts_ok(em->fmts))
			goto bad;
	}
	return 0;
bad_addr:
	if (why)
		*why = "edit address invalid for its address type";
	return -EINVAL;
bad:
	if (why)
		*why = "invalid edit";
	return -EINVAL;
}

/* The session section. */
static void write_session(struct out *o, const struct mr_sdp *sdp, const struct mr_sdp_edit *e)
{
	uint8_t eol = section_eol(sdp, 0);
	uint16_t c_at = MR_SDP_NONE;

	o->eol = eol;
	/* A session c= where there was none goes before b=, t= and the rest. */
	if (e->conn_addr.len && !sdp->conn.present) {
		c_at = sdp->session_end;
		for (uint16_t i = 1; i < sdp->session_end; i++) {
			if (memchr("btrzka", sdp->lines[i].type, 6)) {
				c_at = i;
				break;
			}
		}
	}
	for (uint16_t i = 0; i < sdp->session_end; i++) {
		const struct mr_sdp_line *l = &sdp->lines[i];
		const struct mr_sdp_attr *a = l->attr != MR_SDP_NONE ? &sdp->attrs[l->attr] : NULL;

		if (i == c_at)
			write_conn_line(o, eol, e->conn_af, e->conn_addr);
		if (i == sdp->origin.line && e->origin_addr.len) {
			const struct mr_sdp_origin *og = &sdp->origin;

			splice_addr(o, sdp, l, og->addrtype.p, og->address.p + og->address.len,
				    e->origin_af, e->origin_addr);
			continue;
		}
		if (i == sdp->conn.line && sdp->conn.present && e->conn_addr.len) {
			const struct mr_sdp_conn *c = &sdp->conn;

			splice_addr(o, sdp, l, c->addrtype.p, c->suffix.len ?
				    c->suffix.p + c->suffix.len : c->address.p + c->address.len,
				    e->conn_af, e->conn_addr);
			continue;
		}
		if (a && e->dir && is_dir_kind(a->kind)) {
			write_dir_line(o, l->eol, e->dir);
			continue;
		}
		if (a && ((e->drop_ice && mr_sdp_attr_is_ice(a)) || dropped(e->drop_kinds, a)))
			continue;
		begin_line(o);
		put_str(o, line_str(sdp, l));
		end_line(o, l->eol);
	}
	if (c_at == sdp->session_end)
		write_conn_line(o, eol, e->conn_af, e->conn_addr);
	if (e->dir && !sdp->dir_explicit)
		write_dir_line(o, eol, e->dir);
	write_attrs(o, eol, e->add_attrs, e->n_add_attrs);
}

/*
 * Whether media k needs a c= of its own that it did not have: it has an
 * address edit that differs from the session's address after the edit.
 */
static bool media_needs_conn(const struct mr_sdp *sdp, const struct mr_sdp_edit *e,
			     const struct mr_sdp_edit_media *em)
{
	struct mr_ip mine, sess;

	if (em->conn_addr.len == 0)
		return false;
	if (e->conn_addr.len) {
		if (!good_addr(e->conn_addr, e->conn_af, &sess))
			return true;
	} else if (sdp->conn.present) {
		sess = sdp->conn.ip;
	} else {
		return true;
	}
	if (!good_addr(em->conn_addr, em->conn_af, &mine))
		return true;
	return !mr_ip_eq(&mine, &sess);
}

static void write_media(struct out *o, const struct mr_sdp *sdp, const struct mr_sdp_edit *e,
			unsigned k)
{
	const struct mr_sdp_media *m = &sdp->media[k];
	const struct mr_sdp_edit_media *em = &e->media[k];
	uint8_t eol = section_eol(sdp, m->line);
	uint16_t c_at = MR_SDP_NONE, fmt_at = MR_SDP_NONE;
	bool crypto_done = false, ptime_done = false;

	o->eol = eol;
	if (!m->conn.present && media_needs_conn(sdp, e, em)) {
		/* After m= and an i= line, before the rest (RFC 8866 order). */
		c_at = (uint16_t)(m->line + 1);
		if (c_at < m->line_end && sdp->lines[c_at].type == 'i')
			c_at++;
	}
	for (uint16_t i = m->line; em->n_fmt_attrs && i < m->line_end; i++) {
		const struct mr_sdp_line *l = &sdp->lines[i];

		if (l->attr != MR_SDP_NONE && (sdp->attrs[l->attr].kind == MR_SDP_ATTR_RTPMAP ||
					       sdp->attrs[l->attr].kind == MR_SDP_ATTR_FMTP))
			fmt_at = i;
	}
	for (uint16_t i = m->line; i < m->line_end; i++) {
		const struct mr_sdp_line *l = &sdp->lines[i];
		const struct mr_sdp_attr *a = l->attr != MR_SDP_NONE ? &sdp->attrs[l->attr] : NULL;

		if (i > m->line && i - 1 == fmt_at)
			write_attrs(o, sdp->lines[fmt_at].eol == MR_SDP_EOL_NONE ? eol
						: sdp->lines[fmt_at].eol, em->fmt_attrs, em->n_fmt_attrs);
		if (i == c_at)
			write_conn_line(o, eol, em->conn_af, em->conn_addr);
		if (i == m->line && (em->set_port || em->proto.len || em->fmts.len)) {
			struct mr_str line = line_str(sdp, l);

			begin_line(o);
			put_str(o, span(line.p, m->port_str.p));
			if (em->set_port)
				put_u32(o, em->port);
			else
				put_str(o, m->port_str);
			put_str(o, span(m->port_str.p + m->port_str.len, m->proto.p));
			put_str(o, em->proto.len ? em->proto : m->proto);
			if (em->fmts.len) {
				put_cstr(o, " ");
				put_str(o, em->fmts);
			} else {
				put_str(o, span(m->proto.p + m->proto.len, line.p + line.len));
			}
			end_line(o, l->eol);
			continue;
		}
		if (i == m->conn.line && m->conn.present && em->conn_addr.len) {
			const struct mr_sdp_conn *c = &m->conn;

			splice_addr(o, sdp, l, c->addrtype.p, c->suffix.len ?
				    c->suffix.p + c->suffix.len : c->address.p + c->address.len,
				    em->conn_af, em->conn_addr);
			continue;
		}
		if (a) {
			if (a->kind == MR_SDP_ATTR_RTCP && em->set_rtcp) {
				write_rtcp_line(o, l->eol, em);
				continue;
			}
			if (a->kind == MR_SDP_ATTR_RTCP && em->drop_rtcp)
				continue;
			if (a->kind == MR_SDP_ATTR_RTCP_MUX && em->drop_rtcp_mux)
				continue;
			if (em->dir && is_dir_kind(a->kind)) {
				write_dir_line(o, l->eol, em->dir);
				continue;
			}
			if (a->kind == MR_SDP_ATTR_PTIME && em->ptime) {
				if (!ptime_done)
					write_ptime_line(o, l->eol, em->ptime);
				ptime_done = true;
				continue;
			}
			if (fmt_gone(em, a))
				continue;
			if (a->kind == MR_SDP_ATTR_CRYPTO && em->replace_crypto) {
				if (!crypto_done)
					write_attrs(o, l->eol, em->crypto_lines, em->n_crypto_lines);
				crypto_done = true;
				continue;
			}
			/* After the replacements: what an edit writes or asks to keep
			 * is never dropped. */
			if (!(a->kind == MR_SDP_ATTR_RTCP_MUX && em->add_rtcp_mux) &&
			    ((em->drop_ice && mr_sdp_attr_is_ice(a)) || dropped(em->drop_kinds, a)))
				continue;
		}
		begin_line(o);
		put_str(o, line_str(sdp, l));
		end_line(o, l->eol);
	}
	if (fmt_at == m->line_end - 1 || (em->n_fmt_attrs && fmt_at == MR_SDP_NONE))
		write_attrs(o, eol, em->fmt_attrs, em->n_fmt_attrs);
	if (c_at == m->line_end)
		write_conn_line(o, eol, em->conn_af, em->conn_addr);
	if (em->ptime && !ptime_done)
		write_ptime_line(o, eol, em->ptime);
	if (em->set_rtcp && !m->has_rtcp)
		write_rtcp_line(o, eol, em);
	if (em->add_rtcp_mux && !m->rtcp_mux)
		new_line(o, eol, "a=", MR_STR_LIT("rtcp-mux"));
	if (em->dir && !m->dir_explicit)
		write_dir_line(o, eol, em->dir);
	if (em->replace_crypto && !crypto_done)
		write_attrs(o, eol, em->crypto_lines, em->n_crypto_lines);
	write_attrs(o, eol, em->add_attrs, em->n_add_attrs);
}

int mr_sdp_write(const struct mr_sdp *sdp, const struct mr_sdp_edit *edit,
		 uint8_t *out, size_t cap, size_t *out_len, const char **why)
{
	static const struct mr_sdp_edit none;
	struct out o = { .p = out, .cap = out ? cap : 0 };
	int rc;

	if (sdp->n_lines == 0 || sdp->buf == NULL) {
		if (why)
			*why = "no parsed SDP";
		return -EINVAL;
	}
	if (edit == NULL)
		edit = &none;
	rc = check_edit(sdp, edit, why);
	if (rc < 0)
		return rc;
	write_session(&o, sdp, edit);
	for (unsigned k = 0; k < sdp->n_media; k++)
		write_media(&o, sdp, edit, k);
	/* Trailing empty lines, as they were. */
	put(&o, sdp->buf + sdp->tail, sdp->len - sdp->tail);
	if (o.err) {
		if (why)
			*why = "output buffer too small";
		return o.err;
	}
	*out_len = o.len;
	return 0;
}
