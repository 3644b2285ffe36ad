/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SDES (RFC 4568 "a=crypto") for SRTP: parse and write crypto lines, key
 * generation from the kernel's CSPRNG, the ng "SDES" options and the choice
 * of what to accept and what to offer. Pure functions, no allocation, no
 * libsrtp. Anything holding a key is wiped with mr_sdes_crypto_wipe().
 *
 * Error reasons (`why`) are static strings fit for a log line or an ng
 * "warning"; they never contain key material. `why` may be NULL.
 */
#ifndef MR_SDES_H
#define MR_SDES_H

#include <stddef.h>
#include <stdint.h>

#include "common/mr_str.h"
#include "sdes/sdes-t.h"

struct mr_srtp_spec;

/* The row of a suite; NULL for MR_SRTP_SUITE_NONE or an unknown value. */
const struct mr_sdes_suite_info *mr_sdes_suite_info(unsigned suite);

/* The suite named exactly `name` ("AES_CM_128_HMAC_SHA1_80" ...), or NULL. */
const struct mr_sdes_suite_info *mr_sdes_suite_find(struct mr_str name);

/* Master key + salt length of a suite in bytes; 0 for NONE or unknown. */
unsigned mr_sdes_suite_key_len(unsigned suite);

/*
 * Parse the value of one a=crypto attribute (what follows "a=crypto:"):
 *   <tag> <suite> inline:<base64 key||salt>[|<lifetime>][|<MKI>:<length>][;inline:...]
 *         [<session parameters>]
 * Tag: 1..9 digits. Suite: one of the table. Key: base64 (padded or not,
 * unused trailing bits zero) of exactly the suite's key + salt length.
 * Lifetime: decimal or "2^N", 1..2^48. MKI: value and length, length
 * 1..MR_SDES_MKI_MAX_LEN bytes, value below 2^(8 * length). Several inline
 * key parameters: all are checked, the first is used, at most
 * MR_SDES_MAX_KEYS. Session parameters:
 *   UNENCRYPTED_SRTP, UNENCRYPTED_SRTCP, UNAUTHENTICATED_SRTP: honoured;
 *   KDR=0: accepted (libsrtp derives keys once); KDR=1..24: rejected, not
 *     supported by libsrtp;
 *   WSH=<n >= 64>: recorded (a hint; mrelay's replay window is 1024);
 *   FEC_ORDER=FEC_SRTP|SRTP_FEC: accepted and ignored (mrelay applies no FEC);
 *   FEC_KEY=...: rejected (separate FEC keys are not supported);
 *   any other starting with '-': ignored (an optional extension);
 *   any other: rejected.
 * With an AEAD suite, UNENCRYPTED_SRTP and UNAUTHENTICATED_SRTP are
 * rejected (GCM always encrypts and authenticates SRTP; libsrtp ignores
 * them there); UNENCRYPTED_SRTCP is honoured.
 * Returns 0, or -EBADMSG with *why set (the line must be skipped); on error
 * *out holds no key material.
 */
int mr_sdes_crypto_parse(struct mr_str value, struct mr_sdes_crypto *out, const char **why);

/*
 * Write the value of an a=crypto attribute (no "a=crypto:" prefix, no line
 * end) for c: key base64 with or without '=' padding, "|2^31" when
 * `lifetime`, c->lifetime otherwise when set, then MKI and session
 * parameters. Returns the length written (NUL-terminated), -EINVAL (bad
 * suite or key length) or -ENOSPC (buf too small; buf is then "").
 */
int mr_sdes_crypto_format(const struct mr_sdes_crypto *c, bool pad, bool lifetime,
			  char *buf, size_t size);

/* Wipe a crypto line's key (explicit_bzero: not optimised away). */
void mr_sdes_crypto_wipe(struct mr_sdes_crypto *c);

/*
 * Fill buf with len bytes from the kernel CSPRNG (getrandom(2), retried on
 * EINTR and short reads). Returns 0 or -errno (e.g. -ENOSYS); on error buf
 * is wiped.
 */
int mr_sdes_random(void *buf, size_t len);

/*
 * A new line of ours: tag, suite, a fresh key from mr_sdes_random(), flags
 * (MR_SRTP_F_*; for AEAD suites only UNENCRYPTED_SRTCP is kept), no MKI
 * and no lifetime. Call once per direction: every
 * call gives a new key. Returns 0, -EINVAL (suite) or an error of
 * mr_sdes_random().
 */
int mr_sdes_crypto_new(uint32_t tag, unsigned suite, unsigned flags, struct mr_sdes_crypto *out);

/*
 * Our answer to an accepted offered line: same tag, suite and session
 * parameters (RFC 4568 section 6.3: they bind both directions), a fresh
 * key of our own (the offerer's key is never echoed), no MKI, no lifetime.
 * Returns as mr_sdes_crypto_new().
 */
int mr_sdes_crypto_answer(const struct mr_sdes_crypto *offered, struct mr_sdes_crypto *out);

/*
 * The dataplane's key spec for one direction. Returns 0 or -EINVAL (suite
 * NONE/unknown or a key length that does not match it).
 */
int mr_sdes_crypto_to_spec(const struct mr_sdes_crypto *c, struct mr_srtp_spec *spec);

/*
 * Strict base64 (RFC 4648 alphabet). Decoding accepts input with or without
 * '=' padding, rejects any other character, misplaced padding, a length of
 * 4n+1 and non-zero unused bits. Returns 0 with *out_len set, -EBADMSG, or
 * -ENOSPC (more than cap bytes).
 */
int mr_sdes_base64_decode(struct mr_str in, uint8_t *out, size_t cap, size_t *out_len);

/* Encode; returns the length (NUL-terminated) or -ENOSPC. */
int mr_sdes_base64_encode(const uint8_t *in, size_t len, bool pad, char *out, size_t size);

/* ---- The ng "SDES" options ---- */

/* No options: offer and accept every suite, no padding. */
void mr_sdes_opts_init(struct mr_sdes_opts *o);

/*
 * Apply one item of the ng "SDES" list, or one "SDES-<item>" flag with the
 * "SDES-" prefix removed. Items: off | no | disable; unencrypted_srtp |
 * unencrypted_srtcp | unauthenticated_srtp (either all lower or all upper
 * case) and encrypted_srtp | encrypted_srtcp | authenticated_srtp;
 * no-<SUITE>; only-<SUITE>; nonew; pad; lifetime. Returns 0, -EINVAL (not
 * an item) or -ENOENT (no-/only- with a suite mrelay does not know; the
 * caller may ignore it: a suite we never offer needs no exclusion).
 */
int mr_sdes_opts_add(struct mr_sdes_opts *o, struct mr_str item);

/* Whether the options let a suite be accepted or offered. */
bool mr_sdes_opts_allows(const struct mr_sdes_opts *o, unsigned suite);

/* ---- Negotiation for one media section ---- */

/* The a=crypto lines of one media section, decoded. Wipe when done. */
struct mr_sdes_set {
	uint8_t n;				/* usable lines, in SDP order */
	uint8_t n_skipped;			/* lines skipped, with reasons */
	uint8_t n_ignored;			/* lines beyond MR_SDES_MAX_CRYPTO */
	uint8_t pad;
	struct mr_sdes_crypto c[MR_SDES_MAX_CRYPTO];
	uint8_t line[MR_SDES_MAX_CRYPTO];	/* input index of each usable line */
	struct {
		uint8_t line;			/* input index */
		const char *why;
	} skipped[MR_SDES_MAX_CRYPTO];
};

/*
 * Decode the values of a section's a=crypto attributes. A malformed line,
 * or a repeated tag (the later line), is skipped with its reason; never an
 * error for the whole set.
 */
void mr_sdes_set_parse(const struct mr_str *values, unsigned n_values, struct mr_sdes_set *out);

/* Wipe every key in a set. */
void mr_sdes_set_wipe(struct mr_sdes_set *s);

/*
 * Which offered line to accept: the first (in the offerer's order of
 * preference) whose suite the options allow. Returns its index in s->c, or
 * -ENOENT (none: an SRTP-only leg then has no usable crypto, -EACCES when
 * the options say "off").
 */
int mr_sdes_set_select(const struct mr_sdes_set *s, const struct mr_sdes_opts *o);

/*
 * The suites to offer on the other side, best first, at most cap: the
 * suites of `received` (may be NULL) that the options allow, in their
 * order, then (unless `nonew` and SDES was received) every other suite
 * mrelay supports that the options allow, in mrelay's order (AES_CM_128_HMAC_SHA1_80,
 * AEAD_AES_256_GCM, AEAD_AES_128_GCM, AES_256_CM_HMAC_SHA1_80,
 * AES_CM_128_HMAC_SHA1_32). "off" gives none. Returns the count.
 */
unsigned mr_sdes_offer_suites(const struct mr_sdes_set *received, const struct mr_sdes_opts *o,
			      uint8_t *suites, unsigned cap);

/*
 * Session parameters for lines we offer: `received` (the flags of the line
 * we relay from, 0 when the other side is plain RTP) with the options'
 * set_flags added and clear_flags removed.
 */
unsigned mr_sdes_opts_flags(const struct mr_sdes_opts *o, unsigned received);

#endif
