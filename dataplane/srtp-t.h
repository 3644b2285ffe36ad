/* SPDX-License-Identifier: BSD-3-Clause */
/* Per-flow SRTP state of the dataplane: one libsrtp session per direction. */
#ifndef DP_SRTP_T_H
#define DP_SRTP_T_H

#include <stdbool.h>
#include <stdint.h>

/* libsrtp's session type, kept opaque here (srtp_t is a pointer to it). */
struct srtp_ctx_t_;

/*
 * Most SSRCs one session carries. libsrtp allocates a stream the first time
 * an SSRC protects, or unprotects with a valid tag; past this bound a new
 * SSRC is dropped (srtp-ssrc-limit) so that memory and the packet path's
 * allocations stay bounded. A re-INVITE that reprograms the flow starts a
 * new session.
 */
#define DP_SRTP_MAX_SSRC	8

/* libsrtp's replay window (RFC 3711 section 3.3.2 asks for at least 64). */
#define DP_SRTP_WINDOW		1024

/* Largest trailer protect adds: SRTCP index (4) + tag (16) + MKI (4). */
#define DP_SRTP_MAX_TRAILER	24

/* One direction's SRTP context. Zeroed = plain RTP (no session). */
struct dp_srtp {
	struct srtp_ctx_t_ *ctx;	/* NULL: no SRTP on this direction */
	uint8_t suite;			/* enum mr_srtp_suite */
	uint8_t flags;			/* MR_SRTP_F_* */
	uint8_t mki_len;		/* 0: packets carry no MKI */
	uint8_t outbound;		/* 1: protect, 0: unprotect */
	uint8_t tag_len;		/* SRTP tag bytes */
	uint8_t rtcp_tag_len;		/* SRTCP tag bytes */
	uint8_t n_ssrc;
	uint8_t pad;
	uint32_t ssrc[DP_SRTP_MAX_SSRC];	/* network byte order, as in the header */
	uint64_t events;		/* libsrtp events (SSRC collision, key limits) */
	uint64_t lifetime;		/* packets the key may protect or authenticate; 0 = unbounded */
	uint64_t used;			/* packets protected or authenticated so far */
	uint64_t *ev;			/* the using lcore's counters by enum mr_srtp_event, or NULL */
	/* --- main lcore only: sharing across a flow's modifies --- */
	uint32_t refs;			/* dp_srtp_session_get/put */
	uint8_t fp[32];			/* SHA-256 of suite, flags, MKI and key */
};

/*
 * The SRTP of one flow action: what arrives is unprotected with `in`, what
 * leaves is protected with `out` (either NULL: plain). Actions are immutable
 * once published and replaced whole on a modify; this holder is shared by
 * the actions that a re-point makes without new keys, and the sessions by
 * the actions of modifies that keep their keys. Reference counts are main
 * lcore only; workers read in/out and use the sessions of the flows they
 * own.
 */
struct dp_flow_srtp {
	struct dp_srtp *in;
	struct dp_srtp *out;
	uint32_t refs;
	bool pass;	/* both legs share the keys: verify with in, forward the bytes unchanged */
};

/* Room a worker keeps to verify a pass-through packet on a copy. */
#define DP_SRTP_SCRATCH 2048

#endif
