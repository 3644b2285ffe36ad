/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SDP parsing and rewriting for the control process. The parser validates
 * and indexes a description without copying it; the writer produces a new
 * description that differs from the input only where an edit asks, every
 * other line kept byte for byte with its own line ending.
 *
 * Error reasons (`why`) are static strings fit for an ng "error-reason";
 * `why` may be NULL.
 */
#ifndef MR_SDP_H
#define MR_SDP_H

#include <string.h>

#include "sdp/sdp-t.h"

/*
 * Parse buf[0..len). Lines end in CR LF or LF (the last may be
 * unterminated); empty lines are allowed only at the end. Checks: v=0
 * first; exactly one o= (six fields) in the session section; only
 * "<lowercase letter>=" lines; no NUL, CR or other control characters
 * except tab; c= "IN IP4|IP6 <address>" with an address literal matching
 * its type (0.0.0.0 and :: allowed: hold); every media has a c= of its own
 * or the session's, unless no c= is needed because there is no media; m=
 * port 0..65535 with an optional "/count"; on RTP protos every format is a
 * payload type 0..127; rtpmap, rtcp and ptime attributes well formed;
 * at most one c=, one a=rtcp and one direction attribute per section.
 * a=crypto lines are indexed in media->crypto[] when they have a tag, a
 * suite and key parameters, up to MR_SDP_MAX_CRYPTO; others stay plain
 * attributes, never an error (RFC 4568 5.1.3; lib/sdes judges them).
 * Attribute names are matched case-insensitively; unknown attributes and
 * line types are kept as they are. On error out->n_lines and out->n_media
 * are 0.
 * Returns 0, -EBADMSG (malformed) or -E2BIG (input longer than
 * MR_SDP_MAX_LEN, or more lines, media, formats or attributes than the
 * MR_SDP_MAX_* capacities).
 */
int mr_sdp_parse(const uint8_t *buf, size_t len, struct mr_sdp *out, const char **why);

/* Connection in effect for media i: its own c=, else the session's (NULL if none). */
const struct mr_sdp_conn *mr_sdp_media_conn(const struct mr_sdp *sdp, unsigned i);

/*
 * First attribute named `name` (case-insensitive) in a section: media
 * index, or -1 for the session. NULL when absent or the index is invalid.
 */
const struct mr_sdp_attr *mr_sdp_attr_find(const struct mr_sdp *sdp, int media,
					   const char *name);

/* Format of media m with RTP payload type pt, or NULL. */
const struct mr_sdp_fmt *mr_sdp_media_fmt_find(const struct mr_sdp_media *m, unsigned pt);

/* True for ICE attributes (ice-ufrag, ice-pwd, candidate, ice-lite ...). */
static inline bool mr_sdp_attr_is_ice(const struct mr_sdp_attr *a)
{
	return a->kind >= MR_SDP_ATTR_ICE_UFRAG && a->kind <= MR_SDP_ATTR_ICE_LAST;
}

/* SRTP protos: RTP/SAVP, RTP/SAVPF, UDP/TLS/RTP/SAVP, UDP/TLS/RTP/SAVPF. */
static inline bool mr_sdp_proto_is_srtp(enum mr_sdp_proto p)
{
	return p == MR_SDP_PROTO_RTP_SAVP || p == MR_SDP_PROTO_RTP_SAVPF ||
	       p == MR_SDP_PROTO_UDP_TLS_RTP_SAVP || p == MR_SDP_PROTO_UDP_TLS_RTP_SAVPF;
}

/* DTLS-SRTP protos (UDP/TLS/RTP/SAVP[F]). */
static inline bool mr_sdp_proto_is_dtls(enum mr_sdp_proto p)
{
	return p == MR_SDP_PROTO_UDP_TLS_RTP_SAVP || p == MR_SDP_PROTO_UDP_TLS_RTP_SAVPF;
}

/* RTCP feedback profiles (RFC 4585): ...AVPF and ...SAVPF. */
static inline bool mr_sdp_proto_is_avpf(enum mr_sdp_proto p)
{
	return p == MR_SDP_PROTO_RTP_AVPF || p == MR_SDP_PROTO_RTP_SAVPF ||
	       p == MR_SDP_PROTO_UDP_TLS_RTP_SAVPF;
}

/* "sendrecv", "sendonly", "recvonly", "inactive", or "" for UNSET/unknown. */
const char *mr_sdp_dir_name(enum mr_sdp_dir dir);

/* An edit that changes nothing. */
static inline void mr_sdp_edit_init(struct mr_sdp_edit *e)
{
	memset(e, 0, sizeof(*e));
}

/*
 * Write sdp with `edit` applied (NULL: unchanged) into out[0..cap), storing
 * the length in *out_len. Replaced fields are spliced into their lines (the
 * rest of each line is kept); new lines take the line ending of the
 * section's first line (of the line before it when that one is the
 * unterminated last line; CR LF for a one-line input). A session c=
 * is added when asked and the session has none; a media c= is replaced, or
 * added when the media has none and its new address differs from the
 * session's. Edits for media beyond sdp->n_media must be zero.
 * Returns 0, -ENOSPC (out too small; its content is then unspecified) or
 * -EINVAL (an edit with a bad address for its family, CR/LF/NUL in a
 * string, or an edit for a media that does not exist).
 */
int mr_sdp_write(const struct mr_sdp *sdp, const struct mr_sdp_edit *edit,
		 uint8_t *out, size_t cap, size_t *out_len, const char **why);

#endif
