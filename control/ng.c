/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtpengine's ng protocol: "<cookie> <bencoded dict>" datagrams on UDP.
 * Decodes a request with lib/bencode, reads the keys and flags Kamailio's
 * and OpenSIPS's rtpengine modules send (in any order, with ' ', '-' or '_'
 * alike), dispatches, and encodes the reply. A retransmitted cookie gets
 * the cached reply, byte for byte, and has no second effect.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bencode/bencode.h"
#include "sdes/sdes.h"
#include "config/config.h"

#include "codec.h"
#include "ctl.h"
#include "session.h"

MR_LOG_TYPE(ctl_log_ng, "ng");

#define NG_MAX_DGRAM 65536
#define NG_MAX_REPLY (NG_MAX_DGRAM + 8192)
#define NG_MAX_NODES 4096
#define NG_MAX_COOKIE 128
#define NG_MAX_UDP 65507

enum ng_cmd {
	NG_PING, NG_OFFER, NG_ANSWER, NG_DELETE, NG_QUERY, NG_LIST, NG_STATISTICS, NG_UNKNOWN,
};

static const char *const cmd_names[] = {
	[NG_PING] = "ping", [NG_OFFER] = "offer", [NG_ANSWER] = "answer",
	[NG_DELETE] = "delete", [NG_QUERY] = "query", [NG_LIST] = "list",
	[NG_STATISTICS] = "statistics",
};

const char *ctl_ng_cmd_name(unsigned cmd)
{
	if (cmd == NG_UNKNOWN)
		return "unknown";
	return cmd < sizeof(cmd_names) / sizeof(cmd_names[0]) ? cmd_names[cmd] : NULL;
}

int ctl_ng_open(struct ctl *c)
{
	const struct mr_sockaddr *la = &c->cfg->ctl.listen_ng;
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, one = 1, bufsz = 8 << 20;

	c->ng.fd = -1;
	c->ng.rx = malloc(NG_MAX_DGRAM + 1);
	c->ng.tx = malloc(NG_MAX_REPLY);
	c->ng.sdp_out = malloc(NG_MAX_DGRAM);
	c->ng.nodes = malloc(sizeof(*c->ng.nodes) * NG_MAX_NODES);
	if (!c->ng.rx || !c->ng.tx || !c->ng.sdp_out || !c->ng.nodes)
		return -ENOMEM;
	if (la->ip.family == 0)
		return 0;	/* tests drive ctl_ng_handle() directly */
	memset(&ss, 0, sizeof(ss));
	if (la->ip.family == 6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(la->port);
		memcpy(&s6->sin6_addr, la->ip.addr, 16);
		sl = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(la->port);
		memcpy(&s4->sin_addr, la->ip.addr, 4);
		sl = sizeof(*s4);
	}
	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/*
	 * A proxy with many workers sends bursts: room for thousands of
	 * requests, so that none is dropped before it is read (the proxy's
	 * retransmission would still recover it, but late).
	 */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bufsz, sizeof(bufsz)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &bufsz, sizeof(bufsz)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bufsz, sizeof(bufsz));
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0) {
		int rc = -errno;

		close(fd);
		return rc;
	}
	c->ng.fd = fd;
	return 0;
}

static void cookie_free(struct ctl *c, struct ctl_cookie *k)
{
	HASH_DEL(c->ng.cookies, k);
	c->ng.cookie_bytes -= k->reply_len;
	free(k->cookie);
	/* A cached reply's SDP carries our SRTP keys (a=crypto). */
	mr_memzero_explicit(k->reply, k->reply_len);
	free(k->reply);
	free(k);
}

void ctl_ng_close(struct ctl *c)
{
	struct ctl_cookie *k, *tmp;

	HASH_ITER(hh, c->ng.cookies, k, tmp)
		cookie_free(c, k);
	if (c->ng.fd >= 0)
		close(c->ng.fd);
	c->ng.fd = -1;
	free(c->ng.rx);
	free(c->ng.tx);
	free(c->ng.sdp_out);
	free(c->ng.nodes);
	c->ng.rx = c->ng.tx = c->ng.sdp_out = NULL;
	c->ng.nodes = NULL;
}

/* Cookies expire in insertion order: the oldest are at the hash's head. */
void ctl_ng_expire(struct ctl *c)
{
	struct ctl_cookie *k, *tmp;

	HASH_ITER(hh, c->ng.cookies, k, tmp) {
		if (k->expires_ms > c->now_ms && HASH_COUNT(c->ng.cookies) <= CTL_COOKIE_MAX &&
		    c->ng.cookie_bytes <= CTL_COOKIE_BYTES)
			break;
		cookie_free(c, k);
	}
}

static void cookie_store(struct ctl *c, struct mr_str cookie, const uint8_t *reply, size_t len)
{
	struct ctl_cookie *k;

	if (cookie.len > NG_MAX_COOKIE)
		return;
	k = calloc(1, sizeof(*k));
	if (k == NULL)
		return;
	k->cookie = malloc(cookie.len);
	k->reply = malloc(len);
	if (k->cookie == NULL || k->reply == NULL) {
		free(k->cookie);
		free(k->reply);
		free(k);
		return;
	}
	memcpy(k->cookie, cookie.p, cookie.len);
	memcpy(k->reply, reply, len);
	k->cookie_len = (uint32_t)cookie.len;
	k->reply_len = (uint32_t)len;
	k->expires_ms = c->now_ms + CTL_COOKIE_TTL_MS;
	HASH_ADD_KEYPTR(hh, c->ng.cookies, k->cookie, k->cookie_len, k);
	{
		struct ctl_cookie *f = NULL;

		HASH_FIND(hh, c->ng.cookies, k->cookie, k->cookie_len, f);
		if (f != k) {	/* the hash could not grow: keep nothing */
			free(k->cookie);
			free(k->reply);
			free(k);
			return;
		}
	}
	c->ng.cookie_bytes += len;
	if (HASH_COUNT(c->ng.cookies) > CTL_COOKIE_MAX || c->ng.cookie_bytes > CTL_COOKIE_BYTES)
		ctl_ng_expire(c);
}

/* ---- request options ---- */

static void warn(struct ctl_req *r, const char *what, struct mr_str s)
{
	if (r->warning[0])
		return;	/* the first one is reported */
	snprintf(r->warning, sizeof(r->warning), "%s: %.*s", what,
		 (int)(s.len > 64 ? 64 : s.len), s.p);
}

static const struct {
	const char *name;
	uint32_t flag;
} flag_names[] = {
	{ "trust-address", CTL_REQ_F_TRUST_ADDRESS },
	{ "SIP-source-address", CTL_REQ_F_SIP_SOURCE },
	{ "sip-source-address", CTL_REQ_F_SIP_SOURCE },
	{ "symmetric", CTL_REQ_F_SYMMETRIC },
	{ "asymmetric", CTL_REQ_F_ASYMMETRIC },
	{ "strict-source", CTL_REQ_F_STRICT_SOURCE },
	{ "port-latching", CTL_REQ_F_PORT_LATCHING },
	{ "replace-origin", CTL_REQ_F_REPLACE_ORIGIN },
	{ "replace-session-connection", CTL_REQ_F_REPLACE_SESS_CONN },
	{ "always-transcode", CTL_REQ_F_ALWAYS_TRANSCODE },
	/*
	 * rtpengine's flag to decrypt and re-encrypt SRTP even where it could
	 * pass it through: mrelay always does (fresh keys per side, README
	 * "SRTP <-> SRTP"), so the flag asks for what happens anyway.
	 */
	{ "recrypt", 0 },
	/* Accepted, nothing to do here. */
	{ "loop-protect", 0 },
	{ "no-redis-update", 0 },
	{ "fatal", 0 },
	{ "force", 0 },
};

static int opt_flags(struct ctl_req *r, const struct mr_bencode_node *list, const char **why)
{
	const struct mr_bencode_node *it;

	if (list->type != MR_BENCODE_LIST) {
		*why = "flags must be a list";
		return -EINVAL;
	}
	MR_BENCODE_LIST_FOREACH(r->doc, list, it) {
		struct mr_str s;
		bool known = false;

		if (mr_bencode_node_str(it, &s) < 0) {
			*why = "flags must be strings";
			return -EINVAL;
		}
		for (unsigned i = 0; i < MR_ARRAY_SIZE(flag_names); i++) {
			if (mr_bencode_key_eq(s, flag_names[i].name)) {
				r->flags |= flag_names[i].flag;
				known = true;
				break;
			}
		}
		if (!known && mr_str_has_prefix(s, "SDES-")) {
			if (mr_sdes_opts_add(&r->sdes, mr_str_make(s.p + 5, s.len - 5)) < 0)
				warn(r, "unknown SDES flag ignored", s);
			known = true;
		} else if (!known && mr_bencode_key_eq(s, "pad crypto")) {
			r->sdes.pad = true;
			known = true;
		}
		if (!known)
			warn(r, "unknown flag ignored", s);
	}
	return 0;
}

/* "SDES": a list of options, or one as a string (rtpengine's ng spelling). */
static int opt_sdes(struct ctl_req *r, const struct mr_bencode_node *n, const char **why)
{
	const struct mr_bencode_node *it;
	struct mr_str s;

	if (mr_bencode_node_str(n, &s) == 0) {
		if (mr_sdes_opts_add(&r->sdes, s) < 0)
			warn(r, "unknown SDES option ignored", s);
		return 0;
	}
	if (n->type != MR_BENCODE_LIST) {
		*why = "SDES must be a list of strings";
		return -EINVAL;
	}
	MR_BENCODE_LIST_FOREACH(r->doc, n, it) {
		if (mr_bencode_node_str(it, &s) < 0) {
			*why = "SDES must be a list of strings";
			return -EINVAL;
		}
		if (mr_sdes_opts_add(&r->sdes, s) < 0)
			warn(r, "unknown SDES option ignored", s);
	}
	return 0;
}

static int opt_replace(struct ctl_req *r, const struct mr_bencode_node *list, const char **why)
{
	const struct mr_bencode_node *it;

	if (list->type != MR_BENCODE_LIST) {
		*why = "replace must be a list";
		return -EINVAL;
	}
	MR_BENCODE_LIST_FOREACH(r->doc, list, it) {
		struct mr_str s;

		if (mr_bencode_node_str(it, &s) < 0) {
			*why = "replace items must be strings";
			return -EINVAL;
		}
		if (mr_bencode_key_eq(s, "origin"))
			r->flags |= CTL_REQ_F_REPLACE_ORIGIN;
		else if (mr_bencode_key_eq(s, "session-connection") ||
			 mr_bencode_key_eq(s, "session-c-line"))
			r->flags |= CTL_REQ_F_REPLACE_SESS_CONN;
		else
			warn(r, "unknown replace item ignored", s);
	}
	return 0;
}

static int iface_by_name(const struct ctl *c, struct mr_str s, int *out, const char **why)
{
	char name[MR_CFG_NAME_LEN];
	int i;

	if (mr_str_copy(s, name, sizeof(name)) < 0 || memchr(s.p, '\0', s.len) ||
	    (i = mr_config_iface_find(c->cfg, name)) < 0) {
		*why = "unknown interface in direction/interface";
		return -EINVAL;
	}
	*out = i;
	return 0;
}

static int opt_direction(const struct ctl *c, struct ctl_req *r, const struct mr_bencode_node *list,
			 const char **why)
{
	const struct mr_bencode_node *it;
	unsigned n = 0;

	if (list->type != MR_BENCODE_LIST) {
		*why = "direction must be a list of two interface names";
		return -EINVAL;
	}
	MR_BENCODE_LIST_FOREACH(r->doc, list, it) {
		struct mr_str s;
		int rc;

		if (n == 2 || mr_bencode_node_str(it, &s) < 0) {
			*why = "direction must be a list of two interface names";
			return -EINVAL;
		}
		rc = iface_by_name(c, s, &r->iface[n++], why);
		if (rc < 0)
			return rc;
	}
	if (n == 1)
		r->iface[1] = r->iface[0];
	return 0;
}

static int opt_ip(struct mr_str s, struct mr_ip *ip, const char *what, const char **why)
{
	if (s.len == 0 || memchr(s.p, '\0', s.len) || mr_ip_parse_n(s.p, s.len, ip) < 0) {
		*why = what;
		return -EINVAL;
	}
	return 0;
}

static int opt_received_from(struct ctl_req *r, const struct mr_bencode_node *n, const char **why)
{
	const struct mr_bencode_node *fam, *addr;
	struct mr_str s;

	if (n->type != MR_BENCODE_LIST || n->count != 2) {
		*why = "received-from must be [family, address]";
		return -EINVAL;
	}
	fam = mr_bencode_first(r->doc, n);
	addr = mr_bencode_next(r->doc, fam);
	if (mr_bencode_node_str(addr, &s) < 0)
		return *why = "received-from must be [family, address]", -EINVAL;
	return opt_ip(s, &r->received_from, "bad received-from address", why);
}

static int opt_rtcp_mux(struct ctl_req *r, const struct mr_bencode_node *list, const char **why)
{
	const struct mr_bencode_node *it;

	if (list->type != MR_BENCODE_LIST) {
		*why = "rtcp-mux must be a list";
		return -EINVAL;
	}
	MR_BENCODE_LIST_FOREACH(r->doc, list, it) {
		struct mr_str s;

		if (mr_bencode_node_str(it, &s) < 0) {
			*why = "rtcp-mux items must be strings";
			return -EINVAL;
		}
		if (mr_bencode_key_eq(s, "offer"))
			r->flags |= CTL_REQ_F_MUX_OFFER;
		else if (mr_bencode_key_eq(s, "accept"))
			r->flags |= CTL_REQ_F_MUX_ACCEPT;
		else if (mr_bencode_key_eq(s, "demux"))
			r->flags |= CTL_REQ_F_MUX_DEMUX;
		else if (mr_bencode_key_eq(s, "require"))
			r->flags |= CTL_REQ_F_MUX_REQUIRE;
		else
			warn(r, "unknown rtcp-mux item ignored", s);
	}
	return 0;
}

static int opt_str(const struct ctl_req *r, const char *key, struct mr_str *out, const char **why)
{
	int rc = mr_bencode_dict_get_str(r->doc, r->root, key, out);
	static char msg[64];

	if (rc == -ENOENT) {
		*out = MR_STR_NULL;
		return 0;
	}
	if (rc < 0) {
		snprintf(msg, sizeof(msg), "%s must be a string", key);
		*why = msg;
	}
	return rc;
}

/* Everything a request may carry, checked before anything changes. */
static int parse_req(struct ctl *c, struct ctl_req *r, const char **why)
{
	const struct mr_bencode_node *n;
	struct mr_str s;
	int rc;

	r->iface[0] = r->iface[1] = -1;
	r->delete_delay = -1;
	r->limit = -1;
	if ((rc = opt_str(r, "call-id", &r->call_id, why)) < 0 ||
	    (rc = opt_str(r, "from-tag", &r->from_tag, why)) < 0 ||
	    (rc = opt_str(r, "to-tag", &r->to_tag, why)) < 0 ||
	    (rc = opt_str(r, "sdp", &r->sdp, why)) < 0 ||
	    (rc = opt_str(r, "label", &r->label, why)) < 0 ||
	    (rc = opt_str(r, "transport-protocol", &r->transport, why)) < 0)
		return rc;
	if ((n = mr_bencode_dict_get(r->doc, r->root, "flags")) && (rc = opt_flags(r, n, why)) < 0)
		return rc;
	if ((n = mr_bencode_dict_get(r->doc, r->root, "replace")) && (rc = opt_replace(r, n, why)) < 0)
		return rc;
	if ((n = mr_bencode_dict_get(r->doc, r->root, "direction")) &&
	    (rc = opt_direction(c, r, n, why)) < 0)
		return rc;
	if ((n = mr_bencode_dict_get(r->doc, r->root, "interface"))) {
		if (mr_bencode_node_str(n, &s) < 0)
			return *why = "interface must be a string", -EINVAL;
		if ((rc = iface_by_name(c, s, &r->iface[0], why)) < 0)
			return rc;
		r->iface[1] = r->iface[0];
	}
	if ((n = mr_bencode_dict_get(r->doc, r->root, "received-from")) &&
	    (rc = opt_received_from(r, n, why)) < 0)
		return rc;
	if ((n = mr_bencode_dict_get(r->doc, r->root, "media-address"))) {
		if (mr_bencode_node_str(n, &s) < 0)
			return *why = "media-address must be a string", -EINVAL;
		if ((rc = opt_ip(s, &r->media_address, "bad media-address", why)) < 0)
			return rc;
	}
	if ((n = mr_bencode_dict_get(r->doc, r->root, "address-family"))) {
		if (mr_bencode_node_str(n, &s) < 0)
			return *why = "address-family must be a string", -EINVAL;
		if (mr_str_eq_nocase(s, "IP4"))
			r->af = 4;
		else if (mr_str_eq_nocase(s, "IP6"))
			r->af = 6;
		else
			return *why = "address-family must be IP4 or IP6", -EINVAL;
	}
	if ((n = mr_bencode_dict_get(r->doc, r->root, "rtcp-mux")) && (rc = opt_rtcp_mux(r, n, why)) < 0)
		return rc;
	if ((n = mr_bencode_dict_get(r->doc, r->root, "SDES")) && (rc = opt_sdes(r, n, why)) < 0)
		return rc;
	if ((rc = ctl_codec_req_parse(r, why)) < 0)
		return rc;
	if ((n = mr_bencode_dict_get(r->doc, r->root, "ICE"))) {
		if (mr_bencode_node_str(n, &s) < 0)
			return *why = "ICE must be a string", -EINVAL;
		if (mr_bencode_key_eq(s, "remove"))
			r->flags |= CTL_REQ_F_ICE_REMOVE;
		else
			warn(r, "ICE option not supported, ignored", s);
	}
	if ((n = mr_bencode_dict_get(r->doc, r->root, "delete-delay"))) {
		if (mr_bencode_node_int(n, &r->delete_delay) < 0 || r->delete_delay < 0 ||
		    r->delete_delay > 86400)
			return *why = "delete-delay must be 0..86400 seconds", -EINVAL;
	}
	if ((n = mr_bencode_dict_get(r->doc, r->root, "limit"))) {
		if (mr_bencode_node_int(n, &r->limit) < 0 || r->limit < 0)
			return *why = "limit must be a non-negative number", -EINVAL;
	}
	return 0;
}

/* ---- dispatch ---- */

static enum ng_cmd cmd_of(struct mr_str s)
{
	for (unsigned i = 0; i < MR_ARRAY_SIZE(cmd_names); i++)
		if (mr_bencode_key_eq(s, cmd_names[i]))
			return (enum ng_cmd)i;
	return NG_UNKNOWN;
}

static size_t encode_error(struct mr_str cookie, const char *why, uint8_t *out, size_t cap)
{
	struct mr_bencode_enc e;
	size_t len = 0;

	mr_bencode_enc_init(&e, out, cap);
	mr_bencode_enc_raw(&e, cookie.p, cookie.len);
	mr_bencode_enc_raw(&e, " ", 1);
	mr_bencode_enc_dict_start(&e);
	mr_bencode_enc_kv_cstr(&e, "result", "error");
	mr_bencode_enc_kv_cstr(&e, "error-reason", why);
	mr_bencode_enc_end(&e);
	return mr_bencode_enc_finish(&e, &len) == 0 ? len : 0;
}

static int run(struct ctl *c, enum ng_cmd cmd, struct ctl_req *r, struct mr_bencode_enc *e,
	       const char **why)
{
	size_t sdp_len = 0;
	int rc;

	switch (cmd) {
	case NG_PING:
		mr_bencode_enc_kv_cstr(e, "result", "pong");
		return 0;
	case NG_OFFER:
	case NG_ANSWER:
		rc = cmd == NG_OFFER
			? ctl_sess_offer(c, r, c->ng.sdp_out, NG_MAX_DGRAM, &sdp_len, why)
			: ctl_sess_answer(c, r, c->ng.sdp_out, NG_MAX_DGRAM, &sdp_len, why);
		if (rc < 0)
			return rc;
		mr_bencode_enc_kv_cstr(e, "result", "ok");
		mr_bencode_enc_kv_str(e, "sdp", mr_str_make((const char *)c->ng.sdp_out, sdp_len));
		return 0;
	case NG_DELETE:
	case NG_QUERY:
		mr_bencode_enc_kv_cstr(e, "result", "ok");
		return cmd == NG_DELETE ? ctl_sess_delete(c, r, e, why) : ctl_sess_query(c, r, e, why);
	case NG_LIST:
		mr_bencode_enc_kv_cstr(e, "result", "ok");
		ctl_sess_list(c, r->limit, e);
		return 0;
	case NG_STATISTICS:
		mr_bencode_enc_kv_cstr(e, "result", "ok");
		ctl_sess_statistics(c, e);
		return 0;
	default:
		*why = "Unrecognized command";
		return -EINVAL;
	}
}

static void ng_flush(struct ctl *c);

static bool cookie_pending(const struct ctl *c, struct mr_str cookie)
{
	for (unsigned i = 0; i < c->ng.n_pend; i++)
		if (mr_str_eq(cookie, mr_str_make(c->ng.pend[i].cookie, c->ng.pend[i].cookie_len)))
			return true;
	return false;
}

/*
 * One request. With c->sess.defer, an offer/answer that sent flows
 * returns its (optimistic) reply and *op; the reply is final only after
 * ctl_sess_op_finish(). Otherwise the reply is final and cached.
 */
static size_t ng_process(struct ctl *c, const uint8_t *in, size_t len, uint8_t *out, size_t cap,
			 struct ctl_op **op, struct mr_str *cookie_out)
{
	struct mr_bencode_doc doc;
	struct mr_bencode_enc e;
	struct mr_str cookie, msg;
	struct ctl_cookie *k = NULL;
	struct ctl_req r;
	const char *why = NULL;
	enum ng_cmd cmd = NG_UNKNOWN;
	size_t olen = 0;
	int rc;

	*op = NULL;
	c->ng.requests++;
	if (mr_bencode_cookie_split(in, len, &cookie, &msg, &why) < 0) {
		c->ng.errors++;
		return 0;	/* no cookie: nothing to answer to */
	}
	*cookie_out = cookie;
	if (cookie.len <= NG_MAX_COOKIE) {
		/* A retransmission of a request still in flight waits for its reply. */
		if (c->ng.n_pend && cookie_pending(c, cookie))
			ng_flush(c);
		HASH_FIND(hh, c->ng.cookies, cookie.p, cookie.len, k);
	}
	if (k && k->reply_len <= cap) {
		c->ng.retransmits++;
		memcpy(out, k->reply, k->reply_len);
		return k->reply_len;
	}
	memset(&r, 0, sizeof(r));
	mr_bencode_doc_init(&doc, c->ng.nodes, NG_MAX_NODES);
	rc = mr_bencode_decode_dict(&doc, (const uint8_t *)msg.p, msg.len, &why);
	if (rc == 0) {
		r.doc = &doc;
		r.root = mr_bencode_root(&doc);
		rc = mr_bencode_dict_get_str(&doc, r.root, "command", &r.command);
		if (rc < 0)
			why = "missing or malformed command";
	}
	if (rc == 0) {
		cmd = cmd_of(r.command);
		c->ng.cmd_count[cmd]++;
		c->ng.last_cmd = (uint8_t)cmd;
		rc = parse_req(c, &r, &why);
	}
	if (rc == 0 && c->ng.n_pend) {
		/* Requests about a call whose flows are in flight wait for them. */
		struct ctl_call *call = ctl_sess_find(c, r.call_id);

		if (call && call->busy)
			ng_flush(c);
	}
	if (rc == 0) {
		mr_bencode_enc_init(&e, out, cap);
		mr_bencode_enc_raw(&e, cookie.p, cookie.len);
		mr_bencode_enc_raw(&e, " ", 1);
		mr_bencode_enc_dict_start(&e);
		c->sess.last_op = NULL;
		rc = run(c, cmd, &r, &e, &why);
		*op = c->sess.last_op;
		c->sess.last_op = NULL;
		if (rc == 0 && r.warning[0])
			mr_bencode_enc_kv_cstr(&e, "warning", r.warning);
		if (rc == 0) {
			mr_bencode_enc_end(&e);
			rc = mr_bencode_enc_finish(&e, &olen);
			if (rc == 0 && olen > NG_MAX_UDP) {
				rc = -EMSGSIZE;
				olen = 0;
			}
			if (rc < 0) {
				why = "reply too large";
				if (*op) {	/* undo the change: it cannot be reported */
					const char *w2;

					ctl_sess_op_finish(c, *op, 0, &w2);
					*op = NULL;
				}
			}
		}
	}
	if (rc < 0) {
		c->ng.errors++;
		c->ng.cmd_errors[cmd]++;
		if (why == NULL)
			why = "internal error";
		MR_LOG(&ctl_log_ng, INFO, "%.*s: error: %s",
		       (int)(r.command.len > 32 ? 32 : r.command.len), r.command.p ? r.command.p : "?", why);
		olen = encode_error(cookie, why, out, cap);
	}
	if (olen && *op == NULL)
		cookie_store(c, cookie, out, olen);
	return olen;
}

size_t ctl_ng_handle(struct ctl *c, const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	struct ctl_op *op;
	struct mr_str cookie;
	bool defer = c->sess.defer;
	size_t n;

	c->sess.defer = false;
	n = ng_process(c, in, len, out, cap, &op, &cookie);
	c->sess.defer = defer;
	return n;
}

static void reply_send(struct ctl *c, const uint8_t *buf, size_t len,
		       const struct sockaddr_storage *to, socklen_t tl)
{
	if (sendto(c->ng.fd, buf, len, 0, (const struct sockaddr *)to, tl) < 0)
		MR_LOG(&ctl_log_ng, WARNING, "reply of %zu bytes not sent: %s", len, strerror(errno));
}

/* Wait for the acks of every request in flight, then answer each one. */
static void ng_flush(struct ctl *c)
{
	uint64_t deadline = ctl_dp_deadline(&c->dp);
	unsigned n = c->ng.n_pend;

	c->ng.n_pend = 0;
	for (unsigned i = 0; i < n; i++) {
		struct ctl_ng_pend *p = &c->ng.pend[i];
		struct mr_str cookie = mr_str_make(p->cookie, p->cookie_len);
		const char *why = NULL;
		const uint8_t *buf = p->reply;
		size_t len = p->reply_len;

		if (ctl_sess_op_finish(c, p->op, deadline, &why) < 0) {
			c->ng.errors++;
			c->ng.cmd_errors[p->cmd < 16 ? p->cmd : NG_UNKNOWN]++;
			len = encode_error(cookie, why ? why : "internal error", c->ng.tx, NG_MAX_REPLY);
			buf = c->ng.tx;
		}
		if (len) {
			cookie_store(c, cookie, buf, len);
			reply_send(c, buf, len, &p->from, p->fromlen);
		}
		if (p->reply)
			mr_memzero_explicit(p->reply, p->reply_len);
		free(p->reply);
		free(p->cookie);
		p->reply = NULL;
		p->cookie = NULL;
	}
}

static int pend_add(struct ctl *c, struct ctl_op *op, struct mr_str cookie, const uint8_t *reply,
		    size_t len, const struct sockaddr_storage *from, socklen_t fl)
{
	struct ctl_ng_pend *p = &c->ng.pend[c->ng.n_pend];

	p->cmd = c->ng.last_cmd;
	p->reply = malloc(len);
	p->cookie = malloc(cookie.len ? cookie.len : 1);
	if (p->reply == NULL || p->cookie == NULL) {
		free(p->reply);
		free(p->cookie);
		p->reply = NULL;
		p->cookie = NULL;
		return -ENOMEM;
	}
	memcpy(p->reply, reply, len);
	memcpy(p->cookie, cookie.p, cookie.len);
	p->reply_len = len;
	p->cookie_len = cookie.len;
	p->op = op;
	p->from = *from;
	p->fromlen = fl;
	c->ng.n_pend++;
	return 0;
}

void ctl_ng_readable(struct ctl *c)
{
	c->sess.defer = true;
	for (unsigned burst = 0; burst < CTL_NG_BURST; burst++) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(c->ng.fd, c->ng.rx, NG_MAX_DGRAM, MSG_DONTWAIT,
				     (struct sockaddr *)&from, &fl);
		struct ctl_op *op;
		struct mr_str cookie;
		size_t olen;

		if (n < 0)
			break;
		ctl_now_ms(c);
		olen = ng_process(c, c->ng.rx, (size_t)n, c->ng.tx, NG_MAX_REPLY, &op, &cookie);
		if (op) {
			if (pend_add(c, op, cookie, c->ng.tx, olen, &from, fl) < 0) {
				const char *why;

				/* No room to hold the reply: finish this one now. */
				if (ctl_sess_op_finish(c, op, ctl_dp_deadline(&c->dp), &why) < 0)
					olen = encode_error(cookie, why, c->ng.tx, NG_MAX_REPLY);
				cookie_store(c, cookie, c->ng.tx, olen);
				reply_send(c, c->ng.tx, olen, &from, fl);
			}
		} else if (olen) {
			reply_send(c, c->ng.tx, olen, &from, fl);
		}
	}
	if (c->ng.n_pend)
		ng_flush(c);
	c->sess.defer = false;
	ctl_journal_commit(c);
}
