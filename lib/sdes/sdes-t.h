/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SDES (RFC 4568) types shared by control (negotiation) and the dataplane
 * (libsrtp sessions). Nothing here depends on libsrtp: the libsrtp policy for
 * each suite lives in dataplane/srtp.c, indexed by enum mr_srtp_suite.
 */
#ifndef MR_SDES_T_H
#define MR_SDES_T_H

#include <stdbool.h>
#include <stdint.h>

/*
 * SRTP crypto suites. These numbers travel in struct mr_srtp_spec.suite
 * (lib/shm/msg-t.h) between control and dataplane: never renumber, append
 * only. 0 means plain RTP.
 */
enum mr_srtp_suite {
	MR_SRTP_SUITE_NONE = 0,
	MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80 = 1,	/* RFC 4568 */
	MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32 = 2,	/* RFC 4568 */
	MR_SRTP_SUITE_AES_256_CM_HMAC_SHA1_80 = 3,	/* RFC 6188 */
	MR_SRTP_SUITE_AEAD_AES_128_GCM = 4,		/* RFC 7714 */
	MR_SRTP_SUITE_AEAD_AES_256_GCM = 5,		/* RFC 7714 */
	MR_SRTP_SUITE_COUNT
};

/*
 * Session parameters carried in struct mr_srtp_spec.flags (RFC 4568
 * section 6.3.3-6.3.5). They apply to both directions of a stream.
 */
enum {
	MR_SRTP_F_UNENCRYPTED_SRTP = 1u << 0,
	MR_SRTP_F_UNENCRYPTED_SRTCP = 1u << 1,
	MR_SRTP_F_UNAUTHENTICATED_SRTP = 1u << 2,
};
#define MR_SRTP_F_ALL (MR_SRTP_F_UNENCRYPTED_SRTP | MR_SRTP_F_UNENCRYPTED_SRTCP | \
		       MR_SRTP_F_UNAUTHENTICATED_SRTP)

/* Longest master key + salt of any suite (AES-256-CM: 32 + 14). */
#define MR_SDES_KEY_MAX		46
/* Longest a=crypto value accepted (bytes after "a=crypto:"). */
#define MR_SDES_LINE_MAX	1024
/* Most inline key parameters on one line (";"-separated); more is malformed. */
#define MR_SDES_MAX_KEYS	8
/* Most a=crypto lines considered in one media section. */
#define MR_SDES_MAX_CRYPTO	16
/* Longest MKI libsrtp is given by mrelay (struct mr_srtp_spec.mki is 32 bits). */
#define MR_SDES_MKI_MAX_LEN	4
/* Largest key lifetime: SRTP's 2^48 packet limit (RFC 3711 section 9.2). */
#define MR_SDES_LIFETIME_MAX	(UINT64_C(1) << 48)

/* What each suite needs; one row per enum mr_srtp_suite except NONE. */
struct mr_sdes_suite_info {
	const char *name;	/* as written in a=crypto */
	uint8_t suite;		/* enum mr_srtp_suite */
	uint8_t key_len;	/* master key, bytes */
	uint8_t salt_len;	/* master salt, bytes */
	uint8_t srtp_tag_len;	/* authentication tag on SRTP, bytes */
	uint8_t srtcp_tag_len;	/* on SRTCP (the _32 suites still use 80 bits there) */
	bool aead;		/* GCM: the tag is the AEAD tag */
};

/* One a=crypto line, decoded. Holds a key: wipe with mr_sdes_crypto_wipe(). */
struct mr_sdes_crypto {
	uint32_t tag;		/* 0..999999999 */
	uint8_t suite;		/* enum mr_srtp_suite */
	uint8_t key_len;	/* master key + salt, bytes; exactly the suite's */
	uint8_t flags;		/* MR_SRTP_F_* */
	uint8_t mki_len;	/* 0: no MKI; 1..MR_SDES_MKI_MAX_LEN */
	uint32_t mki;		/* MKI value, < 2^(8 * mki_len) */
	uint32_t wsh;		/* WSH= window size hint; 0 when absent */
	uint64_t lifetime;	/* packets; 0 when absent */
	uint8_t n_keys;		/* inline key parameters on the line (the first is used) */
	uint8_t key[MR_SDES_KEY_MAX];
};

/*
 * The ng "SDES" list (or "SDES-<option>" flags), rtpengine's spelling:
 * off | no | disable, unencrypted_srtp | unencrypted_srtcp |
 * unauthenticated_srtp (and the encrypted_ / authenticated_ negations),
 * no-<SUITE>, only-<SUITE>, nonew, pad, lifetime.
 */
struct mr_sdes_opts {
	bool off;		/* neither offer nor accept SDES */
	bool nonew;		/* offer only suites that were offered to us */
	bool pad;		/* keep base64 '=' padding in inline keys we write */
	bool lifetime;		/* write "|2^31" after each key we generate */
	uint8_t set_flags;	/* MR_SRTP_F_* forced on */
	uint8_t clear_flags;	/* MR_SRTP_F_* forced off (wins over set_flags) */
	uint32_t no_mask;	/* 1u << suite: excluded */
	uint32_t only_mask;	/* non-zero: only these (takes precedence over no_mask) */
};

#endif
