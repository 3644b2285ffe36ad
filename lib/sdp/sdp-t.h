/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SDP (RFC 8866, RFC 4566) types: a parsed description points into the
 * caller's buffer (zero copy) and has fixed capacities (no malloc).
 * struct mr_sdp is large (about 225 KiB): keep it off small stacks. A parse
 * clears only its header and the entries it fills, not the whole struct.
 */
#ifndef MR_SDP_T_H
#define MR_SDP_T_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/mr_addr.h"
#include "common/mr_str.h"

/* Capacities; exceeding one is -E2BIG with a reason, never a truncation. */
#define MR_SDP_MAX_LEN		65535	/* bytes of input */
#define MR_SDP_MAX_LINES	1024	/* lines in the whole description */
#define MR_SDP_MAX_MEDIA	32	/* m= sections */
#define MR_SDP_MAX_FMT		64	/* formats on one m= line */
#define MR_SDP_MAX_ATTR		128	/* a= lines in one section (session or media) */
#define MR_SDP_MAX_CRYPTO	16	/* a=crypto lines in one media section */

/* Index meaning "none" for uint16_t line and attribute references. */
#define MR_SDP_NONE		0xffff

enum mr_sdp_eol {
	MR_SDP_EOL_CRLF = 0,
	MR_SDP_EOL_LF,
	MR_SDP_EOL_NONE,	/* last line of the buffer, unterminated */
};

enum mr_sdp_af {
	MR_SDP_AF_NONE = 0,
	MR_SDP_AF_IP4,
	MR_SDP_AF_IP6,
};

/* Media direction. UNSET (0) only appears in edits, meaning "keep". */
enum mr_sdp_dir {
	MR_SDP_DIR_UNSET = 0,
	MR_SDP_DIR_SENDRECV,
	MR_SDP_DIR_SENDONLY,
	MR_SDP_DIR_RECVONLY,
	MR_SDP_DIR_INACTIVE,
};

/* Transport protocol of an m= line, by its proto field. */
enum mr_sdp_proto {
	MR_SDP_PROTO_OTHER = 0,		/* "udp" (T.38), DTLS/SCTP, TCP/MRCPv2 ... */
	MR_SDP_PROTO_RTP_AVP,
	MR_SDP_PROTO_RTP_AVPF,
	MR_SDP_PROTO_RTP_SAVP,
	MR_SDP_PROTO_RTP_SAVPF,
	MR_SDP_PROTO_UDP_TLS_RTP_SAVP,
	MR_SDP_PROTO_UDP_TLS_RTP_SAVPF,
	MR_SDP_PROTO_RTP_OTHER,		/* another proto with an "RTP/" part (TCP/RTP/AVP) */
};

/* Attributes the parser recognises; everything else is OTHER. */
enum mr_sdp_attr_kind {
	MR_SDP_ATTR_OTHER = 0,
	MR_SDP_ATTR_RTPMAP,
	MR_SDP_ATTR_FMTP,
	MR_SDP_ATTR_PTIME,
	MR_SDP_ATTR_MAXPTIME,
	MR_SDP_ATTR_RTCP,
	MR_SDP_ATTR_RTCP_MUX,
	MR_SDP_ATTR_RTCP_RSIZE,
	MR_SDP_ATTR_RTCP_FB,
	MR_SDP_ATTR_SENDRECV,
	MR_SDP_ATTR_SENDONLY,
	MR_SDP_ATTR_RECVONLY,
	MR_SDP_ATTR_INACTIVE,
	MR_SDP_ATTR_CRYPTO,
	MR_SDP_ATTR_FINGERPRINT,
	MR_SDP_ATTR_SETUP,
	MR_SDP_ATTR_MID,
	MR_SDP_ATTR_LABEL,
	MR_SDP_ATTR_GROUP,
	MR_SDP_ATTR_SSRC,
	MR_SDP_ATTR_EXTMAP,
	/* ICE (RFC 8839): everything from here to MR_SDP_ATTR_ICE_LAST. */
	MR_SDP_ATTR_ICE_UFRAG,
	MR_SDP_ATTR_ICE_PWD,
	MR_SDP_ATTR_ICE_OPTIONS,
	MR_SDP_ATTR_ICE_LITE,
	MR_SDP_ATTR_ICE_MISMATCH,
	MR_SDP_ATTR_ICE_PACING,
	MR_SDP_ATTR_CANDIDATE,
	MR_SDP_ATTR_REMOTE_CANDIDATES,
	MR_SDP_ATTR_END_OF_CANDIDATES,
	MR_SDP_ATTR_ICE_LAST = MR_SDP_ATTR_END_OF_CANDIDATES,
	MR_SDP_ATTR_KIND_MAX
};

/* A set of attribute kinds, for the edits' drop_kinds. */
#define MR_SDP_ATTR_BIT(kind) (UINT64_C(1) << (kind))
_Static_assert(MR_SDP_ATTR_KIND_MAX <= 64, "attribute kinds must fit a uint64_t set");

/* One line of the input, "<type>=<content>" without its line ending. */
struct mr_sdp_line {
	uint32_t off;		/* of the type letter, in the input */
	uint32_t len;		/* up to, not including, CR LF or LF */
	char type;		/* 'v', 'o', 'm', 'a' ... */
	uint8_t eol;		/* enum mr_sdp_eol */
	uint8_t section;	/* 0: session; i + 1: media i */
	uint16_t attr;		/* index in mr_sdp.attrs for a= lines, else MR_SDP_NONE */
};

/* "a=<name>[:<value>]". */
struct mr_sdp_attr {
	struct mr_str name;
	struct mr_str value;	/* after the first ':', empty without one */
	uint16_t line;		/* index in mr_sdp.lines */
	uint8_t kind;		/* enum mr_sdp_attr_kind */
	bool has_value;		/* a ':' was present */
};

/* A c= line, or the address part of a=rtcp. */
struct mr_sdp_conn {
	bool present;
	bool is_hold;		/* 0.0.0.0 or :: (RFC 3264 hold) */
	uint8_t af;		/* enum mr_sdp_af */
	uint16_t line;		/* index in mr_sdp.lines; MR_SDP_NONE for a=rtcp */
	struct mr_str nettype;	/* "IN" */
	struct mr_str addrtype;	/* "IP4" / "IP6" as written */
	struct mr_str address;	/* without a multicast "/ttl[/count]" suffix */
	struct mr_str suffix;	/* "/127/3" or empty */
	uint8_t addr[16];	/* binary, network order; IPv4 in addr[0..3] */
	struct mr_ip ip;	/* the same address as lib/common's type */
};

/* o=<username> <sess-id> <sess-version> <nettype> <addrtype> <address> */
struct mr_sdp_origin {
	struct mr_str username;
	struct mr_str sess_id;
	struct mr_str sess_version;
	struct mr_str nettype;
	struct mr_str addrtype;
	struct mr_str address;
	uint16_t line;
};

/* One format of an m= line, with its rtpmap and fmtp when present. */
struct mr_sdp_fmt {
	struct mr_str id;	/* the token on the m= line */
	int16_t pt;		/* 0..127 on RTP protos, -1 otherwise */
	uint16_t rtpmap;	/* attribute index, or MR_SDP_NONE */
	uint16_t fmtp;		/* attribute index, or MR_SDP_NONE */
	uint16_t channels;	/* rtpmap encoding parameters; 1 when absent */
	uint32_t clock_rate;	/* rtpmap; 0 without rtpmap */
	struct mr_str encoding;	/* rtpmap "PCMU", "telephone-event"; empty without */
	struct mr_str params;	/* fmtp parameters, e.g. "0-16"; empty without */
};

/* a=crypto:<tag> <crypto-suite> <key-params> [<session-params>] (RFC 4568) */
struct mr_sdp_crypto {
	uint32_t tag;
	uint16_t attr;		/* attribute index */
	struct mr_str suite;
	struct mr_str key_params;	/* "inline:...", several joined by ';' */
	struct mr_str session_params;	/* the rest of the line, or empty */
};

struct mr_sdp_media {
	struct mr_str type;	/* "audio", "video", "image", "application" ... */
	struct mr_str port_str;	/* the port digits as written */
	uint16_t port;		/* 0: stream disabled */
	uint16_t port_count;	/* "/<count>", 1 when absent */
	struct mr_str proto;
	uint8_t proto_kind;	/* enum mr_sdp_proto */
	bool is_rtp;		/* an RTP proto: formats are payload types */
	uint16_t line;		/* the m= line */
	uint16_t line_end;	/* one past the section's last line */
	uint16_t attr_first;	/* this section's attributes: attrs[attr_first..+n_attr) */
	uint16_t n_attr;
	uint16_t n_fmt;
	struct mr_sdp_fmt fmt[MR_SDP_MAX_FMT];

	struct mr_sdp_conn conn;	/* own c=; !present: the session's applies */

	/* Decoded attributes. */
	uint8_t dir;		/* enum mr_sdp_dir in effect (own, else session's) */
	bool dir_explicit;	/* this section has its own direction attribute */
	bool rtcp_mux;
	bool rtcp_rsize;
	bool has_rtcp;		/* a=rtcp present */
	uint16_t rtcp_port;
	struct mr_sdp_conn rtcp_conn;	/* a=rtcp address, when given */
	uint32_t ptime;		/* ms; 0 when absent */
	uint32_t maxptime;	/* ms; 0 when absent */
	struct mr_str mid;
	struct mr_str label;
	struct mr_str ice_ufrag;	/* own or session's */
	struct mr_str ice_pwd;		/* own or session's */
	uint16_t n_candidates;
	bool end_of_candidates;
	bool has_ice;		/* any ICE attribute in this section */
	uint16_t n_crypto;
	struct mr_sdp_crypto crypto[MR_SDP_MAX_CRYPTO];
};

struct mr_sdp {
	const char *buf;	/* the input */
	size_t len;
	struct mr_sdp_origin origin;
	struct mr_str session_name;	/* s=; empty when absent */
	struct mr_sdp_conn conn;	/* session c=, when present */
	uint8_t dir;		/* session direction; SENDRECV by default */
	bool dir_explicit;
	bool ice_lite;
	struct mr_str ice_ufrag;	/* session level */
	struct mr_str ice_pwd;
	uint16_t attr_first;	/* session attributes: attrs[attr_first..+n_attr) */
	uint16_t n_attr;
	uint16_t session_end;	/* one past the session section's last line */
	uint16_t n_lines;
	uint16_t n_attrs;	/* all sections */
	uint16_t n_media;
	uint32_t tail;		/* offset of trailing empty lines kept verbatim */
	struct mr_sdp_line lines[MR_SDP_MAX_LINES];
	struct mr_sdp_attr attrs[MR_SDP_MAX_LINES];
	struct mr_sdp_media media[MR_SDP_MAX_MEDIA];
};

/*
 * Changes to one media section. All zero (e.g. from `= { 0 }` or
 * mr_sdp_edit_init()) changes nothing; every string must stay valid until
 * mr_sdp_write() returns and may not contain CR, LF or NUL.
 */
struct mr_sdp_edit_media {
	/* New connection address (text) and its family; empty: keep. */
	struct mr_str conn_addr;
	uint8_t conn_af;		/* enum mr_sdp_af, required with conn_addr */
	bool set_port;
	uint16_t port;			/* with set_port; 0 disables the stream */
	struct mr_str proto;		/* new proto field; empty: keep */
	bool set_rtcp;			/* write a=rtcp:<rtcp_port>[ IN IP4|IP6 <addr>] */
	uint16_t rtcp_port;
	struct mr_str rtcp_addr;	/* empty: port only */
	uint8_t rtcp_af;
	bool drop_rtcp;			/* remove a=rtcp (ignored with set_rtcp) */
	bool add_rtcp_mux;		/* add a=rtcp-mux unless present */
	bool drop_rtcp_mux;		/* remove a=rtcp-mux */
	bool drop_ice;			/* remove every ICE attribute of the section */
	uint8_t dir;			/* enum mr_sdp_dir; UNSET: keep */
	/*
	 * replace_crypto: remove every a=crypto and write crypto_lines (which
	 * may be none) where the first one was, or at the section's end.
	 * Each entry is an attribute without "a=": "crypto:1 AES_CM_128...".
	 */
	bool replace_crypto;
	const struct mr_str *crypto_lines;
	unsigned n_crypto_lines;
	/* Attributes appended at the section's end, without "a=". */
	const struct mr_str *add_attrs;
	unsigned n_add_attrs;
	/*
	 * fmts: a new format list for the m= line ("0 8 101"); empty: keep.
	 * The rtpmap, fmtp and rtcp-fb lines of payload types it no longer
	 * lists are removed. fmt_attrs (without "a="): written after the
	 * section's last rtpmap or fmtp line of the input (at the section's
	 * end when it has none), e.g. the rtpmap of an added codec.
	 */
	struct mr_str fmts;
	const struct mr_str *fmt_attrs;
	unsigned n_fmt_attrs;
	uint16_t ptime;			/* a=ptime:<ms> in place of the section's, or added; 0: keep */
	/*
	 * Remove every attribute of these kinds (MR_SDP_ATTR_BIT(...) ORed;
	 * the OTHER bit is ignored): e.g. fingerprint and setup when DTLS-SRTP
	 * is terminated here. Lines written by set_rtcp, dir and
	 * replace_crypto, and an a=rtcp-mux kept by add_rtcp_mux, are not
	 * subject to it.
	 */
	uint64_t drop_kinds;
};

/* Changes to a whole description; zero changes nothing. */
struct mr_sdp_edit {
	struct mr_str origin_addr;	/* new o= address; empty: keep */
	uint8_t origin_af;		/* required with origin_addr */
	struct mr_str conn_addr;	/* new session c= address; empty: keep */
	uint8_t conn_af;
	uint8_t dir;			/* session direction attribute; UNSET: keep */
	bool drop_ice;			/* remove session-level ICE attributes */
	const struct mr_str *add_attrs;	/* session attributes to append, without "a=" */
	unsigned n_add_attrs;
	uint64_t drop_kinds;		/* session attributes to remove, as for media */
	struct mr_sdp_edit_media media[MR_SDP_MAX_MEDIA];	/* by m= index */
};

#endif
