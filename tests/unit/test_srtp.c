/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dataplane/srtp.c, the libsrtp wrapper, without EAL.
 *
 * Known answers, end to end through dp_srtp_protect/unprotect:
 *  - libsrtp's published reference packets (libsrtp v2.5.0,
 *    test/srtp_driver.c: srtp_validate, srtp_validate_gcm,
 *    srtp_validate_aes_256; key test_key / test_key_gcm / aes_256_test_key).
 *    test_key is RFC 3711 Appendix B.3's master key and salt.
 *  - A reference SRTP written here on OpenSSL's raw AES and HMAC, itself
 *    checked against RFC 3711 Appendix B.2 (AES-CM keystream) and B.3 (key
 *    derivation) and RFC 7714 section 16.1.1 / 16.2.1 (AES-GCM SRTP
 *    packets). The wrapper must produce the reference's bytes for every
 *    suite, for RTP and RTCP, across a sequence-number wrap (ROC 0 -> 1).
 * Then the failures, each with its return code and drop reason.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <srtp2/srtp.h>

#include "drop.h"
#include "mr_check.h"
#include "sdes/sdes.h"
#include "shm/msg-t.h"
#include "shm/shm-t.h"
#include "srtp.h"


/* ---- allocation counter: interposes malloc for the whole process ---- */

#if defined(__SANITIZE_ADDRESS__)
#define HAVE_MALLOC_COUNT 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_MALLOC_COUNT 0
#endif
#endif
#ifndef HAVE_MALLOC_COUNT
#define HAVE_MALLOC_COUNT 1
#endif

#if HAVE_MALLOC_COUNT
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
static unsigned long n_alloc;

void *malloc(size_t n)
{
	__atomic_add_fetch(&n_alloc, 1, __ATOMIC_RELAXED);
	return __libc_malloc(n);
}

void *calloc(size_t a, size_t b)
{
	__atomic_add_fetch(&n_alloc, 1, __ATOMIC_RELAXED);
	return __libc_calloc(a, b);
}

void *realloc(void *p, size_t n)
{
	__atomic_add_fetch(&n_alloc, 1, __ATOMIC_RELAXED);
	return __libc_realloc(p, n);
}

int posix_memalign(void **p, size_t align, size_t n)
{
	__atomic_add_fetch(&n_alloc, 1, __ATOMIC_RELAXED);
	*p = __libc_memalign(align, n);
	return *p ? 0 : ENOMEM;
}
#endif

/* ---- helpers ---- */

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (*s) {
		unsigned v;

		if (*s == ' ' || *s == '\n') {
			s++;
			continue;
		}
		ck_assert_int_eq(sscanf(s, "%2x", &v), 1);
		ck_assert_uint_lt(n, cap);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

static void spec_make(struct mr_srtp_spec *sp, unsigned suite, const uint8_t *key, unsigned flags)
{
	memset(sp, 0, sizeof(*sp));
	sp->suite = (uint8_t)suite;
	sp->key_len = (uint8_t)mr_sdes_suite_key_len(suite);
	sp->flags = (uint8_t)flags;
	memcpy(sp->key, key, sp->key_len);
}

/* A pair of sessions (sender, receiver) with one key. */
static void pair_make(struct dp_srtp *tx, struct dp_srtp *rx, unsigned suite,
		      const uint8_t *key, unsigned flags)
{
	struct mr_srtp_spec sp;

	spec_make(&sp, suite, key, flags);
	ck_assert_int_eq(dp_srtp_session_init(tx, &sp, true), 0);
	spec_make(&sp, suite, key, flags);
	ck_assert_int_eq(dp_srtp_session_init(rx, &sp, false), 0);
}

static unsigned rtp_make(uint8_t *p, uint16_t seq, uint32_t ssrc, unsigned payload)
{
	memset(p, 0, 12 + payload);
	p[0] = 0x80;
	p[1] = 0;
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	p[4] = 0x11;
	p[7] = (uint8_t)seq;
	p[8] = (uint8_t)(ssrc >> 24);
	p[9] = (uint8_t)(ssrc >> 16);
	p[10] = (uint8_t)(ssrc >> 8);
	p[11] = (uint8_t)ssrc;
	for (unsigned i = 0; i < payload; i++)
		p[12 + i] = (uint8_t)(i * 31 + seq);
	return 12 + payload;
}

/* A receiver report with one block: a plain RTCP packet of 32 bytes. */
static unsigned rtcp_make(uint8_t *p, uint32_t ssrc)
{
	memset(p, 0, 32);
	p[0] = 0x81;
	p[1] = 201;
	p[3] = 7;
	p[4] = (uint8_t)(ssrc >> 24);
	p[5] = (uint8_t)(ssrc >> 16);
	p[6] = (uint8_t)(ssrc >> 8);
	p[7] = (uint8_t)ssrc;
	for (unsigned i = 8; i < 32; i++)
		p[i] = (uint8_t)(i * 3);
	return 32;
}

static void setup(void)
{
	ck_assert_int_eq(dp_srtp_global_init(), 0);
}

static void teardown(void)
{
	dp_srtp_global_fini();
}

/* ---- libsrtp's reference packets (libsrtp v2.5.0 test/srtp_driver.c) ---- */

/* srtp_driver.c test_key: RFC 3711 B.3 master key || master salt. */
#define RFC3711_KEY "e1f97a0d3e018be0d64fa32c06de4139" "0ec675ad498afeebb6960b3aabe6"
/* srtp_driver.c test_key_gcm. */
#define GCM_TEST_KEY "000102030405060708090a0b0c0d0e0f" "a0a1a2a3a4a5a6a7a8a9aaab"
/* srtp_driver.c srtp_validate_aes_256: aes_256_test_key. */
#define AES256_TEST_KEY "f0f04914b513f2763a1b1fa130f10e2998f6f6e43e4309d1e622a0e332b9f1b6" \
			"3b04803de51ee7c96423ab5b78d2"
#define REF_RTP "800f1234decafbadcafebabeabababababababababababababababab"
#define REF_RTCP "81c8000bcafebabeabababababababababababababababab"

static const struct kat {
	const char *name;
	unsigned suite;
	const char *key, *rtp, *srtp, *rtcp, *srtcp;
} kats[] = {
	{ "srtp_validate", MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, RFC3711_KEY, REF_RTP,
	  "800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb",
	  REF_RTCP,
	  "81c8000bcafebabe7128035be487b9bdbef89041f977a5a880000001993e08cd54d6c1230798" },
	{ "srtp_validate_gcm", MR_SRTP_SUITE_AEAD_AES_128_GCM, GCM_TEST_KEY, REF_RTP,
	  "800f1234decafbadcafebabec5002ede04cfdd2eb91159e0880aa06ed2976826f796b201df3131a127e8a392",
	  REF_RTCP,
	  "81c8000bcafebabec98b8b5df0392a55852b6c21ac8e7025c52c6fbea2b3b446ea31123ba88ce61e80000001" },
	{ "srtp_validate_aes_256", MR_SRTP_SUITE_AES_256_CM_HMAC_SHA1_80, AES256_TEST_KEY, REF_RTP,
	  "800f1234decafbadcafebabef1d9de17ff251ff1aa007774b0b4b40da08d9d9a5b3a55d8873b",
	  NULL, NULL },
};

START_TEST(kat_libsrtp)
{
	const struct kat *k = &kats[_i];
	uint8_t key[64], pkt[128], want[128], plain[128];
	size_t kl = unhex(k->key, key, sizeof(key));
	unsigned len, plen, wl;
	struct dp_srtp tx, rx;

	ck_assert_uint_eq(kl, mr_sdes_suite_key_len(k->suite));
	pair_make(&tx, &rx, k->suite, key, 0);

	plen = (unsigned)unhex(k->rtp, plain, sizeof(plain));
	wl = (unsigned)unhex(k->srtp, want, sizeof(want));
	memcpy(pkt, plain, plen);
	len = plen;
	ck_assert_int_eq(dp_srtp_protect(&tx, pkt, &len, sizeof(pkt), false), 0);
	ck_assert_uint_eq(len, wl);
	ck_assert_msg(memcmp(pkt, want, wl) == 0, "%s: SRTP bytes differ", k->name);
	ck_assert_int_eq(dp_srtp_unprotect(&rx, pkt, &len, false), 0);
	ck_assert_uint_eq(len, plen);
	ck_assert_int_eq(memcmp(pkt, plain, plen), 0);

	if (k->rtcp) {
		plen = (unsigned)unhex(k->rtcp, plain, sizeof(plain));
		wl = (unsigned)unhex(k->srtcp, want, sizeof(want));
		memcpy(pkt, plain, plen);
		len = plen;
		ck_assert_int_eq(dp_srtp_protect(&tx, pkt, &len, sizeof(pkt), true), 0);
		ck_assert_uint_eq(len, wl);
		ck_assert_msg(memcmp(pkt, want, wl) == 0, "%s: SRTCP bytes differ", k->name);
		ck_assert_int_eq(dp_srtp_unprotect(&rx, pkt, &len, true), 0);
		ck_assert_uint_eq(len, plen);
		ck_assert_int_eq(memcmp(pkt, plain, plen), 0);
	}
	dp_srtp_session_free(&tx);
	dp_srtp_session_free(&rx);
}
END_TEST

/* ---- a reference SRTP on OpenSSL primitives ---- */

/* AES in counter mode from a 16-byte IV (RFC 3711 4.1.1); key 16 or 32 bytes. */
static void ref_aes_ctr(const uint8_t *key, unsigned key_len, const uint8_t iv[16],
			uint8_t *buf, unsigned len)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n;

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(EVP_EncryptInit_ex(c, key_len == 32 ? EVP_aes_256_ctr() : EVP_aes_128_ctr(),
					    NULL, key, iv), 1);
	ck_assert_int_eq(EVP_EncryptUpdate(c, buf, &n, buf, (int)len), 1);
	EVP_CIPHER_CTX_free(c);
}

/* RFC 3711 4.3.1/4.3.3 with kdr 0: AES-CM over x*2^16, x = salt XOR label at octet 7. */
static void ref_kdf(const uint8_t *mkey, unsigned mkey_len, const uint8_t *msalt,
		    unsigned msalt_len, uint8_t label, uint8_t *out, unsigned out_len)
{
	uint8_t iv[16] = { 0 };

	/* A 96-bit (GCM) master salt sits left-aligned in the 112-bit field, as libsrtp does. */
	memcpy(iv, msalt, msalt_len);
	iv[7] ^= label;
	memset(out, 0, out_len);
	ref_aes_ctr(mkey, mkey_len, iv, out, out_len);
}

struct ref_keys {
	unsigned key_len, salt_len, tag_len, rtcp_tag_len;
	bool aead;
	uint8_t k[32], s[14], a[20];	/* SRTP */
	uint8_t ck[32], cs[14], ca[20];	/* SRTCP */
};

static void ref_derive(unsigned suite, const uint8_t *master, struct ref_keys *r)
{
	const struct mr_sdes_suite_info *si = mr_sdes_suite_info(suite);
	const uint8_t *salt = master + si->key_len;

	memset(r, 0, sizeof(*r));
	r->key_len = si->key_len;
	r->salt_len = si->salt_len;
	r->tag_len = si->srtp_tag_len;
	r->rtcp_tag_len = si->srtcp_tag_len;
	r->aead = si->aead;
	ref_kdf(master, si->key_len, salt, si->salt_len, 0, r->k, si->key_len);
	ref_kdf(master, si->key_len, salt, si->salt_len, 1, r->a, 20);
	ref_kdf(master, si->key_len, salt, si->salt_len, 2, r->s, si->salt_len);
	ref_kdf(master, si->key_len, salt, si->salt_len, 3, r->ck, si->key_len);
	ref_kdf(master, si->key_len, salt, si->salt_len, 4, r->ca, 20);
	ref_kdf(master, si->key_len, salt, si->salt_len, 5, r->cs, si->salt_len);
}

static void ref_hmac(const uint8_t *akey, const uint8_t *msg, unsigned len, uint8_t out[20])
{
	unsigned ol = 20;

	ck_assert_ptr_nonnull(HMAC(EVP_sha1(), akey, 20, msg, len, out, &ol));
}

static void ref_gcm(const uint8_t *key, unsigned key_len, const uint8_t iv[12],
		    const uint8_t *aad, unsigned aad_len, uint8_t *buf, unsigned len, uint8_t tag[16])
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n;

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(EVP_EncryptInit_ex(c, key_len == 32 ? EVP_aes_256_gcm() : EVP_aes_128_gcm(),
					    NULL, NULL, NULL), 1);
	ck_assert_int_eq(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 12, NULL), 1);
	ck_assert_int_eq(EVP_EncryptInit_ex(c, NULL, NULL, key, iv), 1);
	ck_assert_int_eq(EVP_EncryptUpdate(c, NULL, &n, aad, (int)aad_len), 1);
	if (len)
		ck_assert_int_eq(EVP_EncryptUpdate(c, buf, &n, buf, (int)len), 1);
	ck_assert_int_eq(EVP_EncryptFinal_ex(c, buf + len, &n), 1);
	ck_assert_int_eq(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag), 1);
	EVP_CIPHER_CTX_free(c);
}

/* AES-GCM SRTP with session key and salt (RFC 7714 section 8.1), 12-byte header. */
static unsigned ref_gcm_rtp(const uint8_t *key, unsigned key_len, const uint8_t salt[12],
			    uint32_t roc, uint8_t *pkt, unsigned len)
{
	uint8_t iv[12] = { 0 };

	memcpy(iv + 2, pkt + 8, 4);
	iv[6] = (uint8_t)(roc >> 24);
	iv[7] = (uint8_t)(roc >> 16);
	iv[8] = (uint8_t)(roc >> 8);
	iv[9] = (uint8_t)roc;
	memcpy(iv + 10, pkt + 2, 2);
	for (unsigned i = 0; i < 12; i++)
		iv[i] ^= salt[i];
	ref_gcm(key, key_len, iv, pkt, 12, pkt + 12, len - 12, pkt + len);
	return len + 16;
}

/* SRTP of a packet with a 12-byte header, from derived session keys. */
static unsigned ref_rtp(const struct ref_keys *r, uint32_t roc, uint8_t *pkt, unsigned len)
{
	uint8_t iv[16] = { 0 }, mac[20];
	uint16_t seq = (uint16_t)(pkt[2] << 8 | pkt[3]);

	if (r->aead)
		return ref_gcm_rtp(r->k, r->key_len, r->s, roc, pkt, len);
	memcpy(iv, r->s, 14);
	for (unsigned i = 0; i < 4; i++)
		iv[4 + i] ^= pkt[8 + i];
	iv[8] ^= (uint8_t)(roc >> 24);
	iv[9] ^= (uint8_t)(roc >> 16);
	iv[10] ^= (uint8_t)(roc >> 8);
	iv[11] ^= (uint8_t)roc;
	iv[12] ^= (uint8_t)(seq >> 8);
	iv[13] ^= (uint8_t)seq;
	ref_aes_ctr(r->k, r->key_len, iv, pkt + 12, len - 12);
	/* Authenticated: the packet then the ROC (RFC 3711 4.2). */
	pkt[len] = (uint8_t)(roc >> 24);
	pkt[len + 1] = (uint8_t)(roc >> 16);
	pkt[len + 2] = (uint8_t)(roc >> 8);
	pkt[len + 3] = (uint8_t)roc;
	ref_hmac(r->a, pkt, len + 4, mac);
	memcpy(pkt + len, mac, r->tag_len);
	return len + r->tag_len;
}

/* SRTCP, encrypted (E = 1), with SRTCP index `index`. */
static unsigned ref_rtcp(const struct ref_keys *r, uint32_t index, uint8_t *pkt, unsigned len)
{
	uint8_t e[4] = { (uint8_t)(0x80 | index >> 24), (uint8_t)(index >> 16),
			 (uint8_t)(index >> 8), (uint8_t)index };

	if (r->aead) {
		/* RFC 7714 section 9.1: IV from SSRC and index; AAD = header || E+index. */
		uint8_t iv[12] = { 0 }, aad[12], tag[16];

		memcpy(iv + 2, pkt + 4, 4);
		memcpy(iv + 8, e, 4);
		iv[8] &= 0x7f;
		for (unsigned i = 0; i < 12; i++)
			iv[i] ^= r->cs[i];
		memcpy(aad, pkt, 8);
		memcpy(aad + 8, e, 4);
		ref_gcm(r->ck, r->key_len, iv, aad, 12, pkt + 8, len - 8, tag);
		memcpy(pkt + len, tag, 16);
		memcpy(pkt + len + 16, e, 4);
		return len + 20;
	}
	uint8_t iv[16] = { 0 }, mac[20];

	memcpy(iv, r->cs, 14);
	for (unsigned i = 0; i < 4; i++)
		iv[4 + i] ^= pkt[4 + i];
	iv[10] ^= (uint8_t)(index >> 24);
	iv[11] ^= (uint8_t)(index >> 16);
	iv[12] ^= (uint8_t)(index >> 8);
	iv[13] ^= (uint8_t)index;
	ref_aes_ctr(r->ck, r->key_len, iv, pkt + 8, len - 8);
	memcpy(pkt + len, e, 4);
	ref_hmac(r->ca, pkt, len + 4, mac);
	memcpy(pkt + len + 4, mac, r->rtcp_tag_len);
	return len + 4 + r->rtcp_tag_len;
}

/* RFC 3711 Appendix B.2: the AES-CM keystream. */
START_TEST(ref_rfc3711_b2)
{
	uint8_t key[16], iv[16], want[48], ks[48] = { 0 };

	unhex("2B7E151628AED2A6ABF7158809CF4F3C", key, sizeof(key));
	unhex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000", iv, sizeof(iv));
	unhex("E03EAD0935C95E80E166B16DD92B4EB4"
	      "D23513162B02D0F72A43A2FE4A5F97AB"
	      "41E95B3BB0A2E8DD477901E4FCA894C0", want, sizeof(want));
	ref_aes_ctr(key, 16, iv, ks, sizeof(ks));
	ck_assert_int_eq(memcmp(ks, want, 48), 0);
}
END_TEST

/* RFC 3711 Appendix B.3: key derivation from its master key and salt. */
START_TEST(ref_rfc3711_b3)
{
	uint8_t master[30], want[94], out[94];
	struct ref_keys r;

	unhex(RFC3711_KEY, master, sizeof(master));
	ref_derive(MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, master, &r);
	unhex("C61E7A93744F39EE10734AFE3FF7A087", want, sizeof(want));
	ck_assert_int_eq(memcmp(r.k, want, 16), 0);
	unhex("30CBBC08863D8C85D49DB34A9AE1", want, sizeof(want));
	ck_assert_int_eq(memcmp(r.s, want, 14), 0);
	/* The RFC derives 94 octets of auth key; SRTP's HMAC-SHA1 uses the first 20. */
	unhex("CEBE321F6FF7716B6FD4AB49AF256A15" "6D38BAA48F0A0ACF3C34E2359E6CDBCE"
	      "E049646C43D9327AD175578EF7227098" "6371C10C9A369AC2F94A8C5FBCDDDC25"
	      "6D6E919A48B610EF17C2041E47403576" "6B68642C59BBFC2F34DB60DBDFB2", want, sizeof(want));
	ref_kdf(master, 16, master + 16, 14, 1, out, 94);
	ck_assert_int_eq(memcmp(out, want, 94), 0);
	ck_assert_int_eq(memcmp(r.a, want, 20), 0);
}
END_TEST

/*
 * RFC 7714 section 16.1.1 (AEAD_AES_128_GCM) and 16.2.1 (AEAD_AES_256_GCM):
 * RTP packet encryption with the session key and salt given directly. The
 * RFC's own text could not be retrieved while writing this; the bytes are
 * those quoted from it by public SRTP test suites (the 128-bit packet by two
 * that agree, the 256-bit one by one).
 */
START_TEST(ref_rfc7714_16)
{
	static const char *plain =
		"8040f17b8041f8d35501a0b2"
		"47616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573";
	static const struct {
		const char *key, *out;
	} v[] = {
		{ "000102030405060708090a0b0c0d0e0f",
		  "8040f17b8041f8d35501a0b2"
		  "f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833"
		  "899d7f27beb16a9152cf765ee4390cce" },
		{ "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
		  "8040f17b8041f8d35501a0b2"
		  "32b1de78a822fe12ef9f78fa332e33aab18012389a58e2f3b50b2a0276ffae0f1ba63799b87b"
		  "7aa3db36dfffd6b0f9bb7878d7a76c13" },
	};
	uint8_t salt[12], key[32], pkt[128], want[128];

	unhex("517569642070726f2071756f", salt, sizeof(salt));
	for (unsigned i = 0; i < MR_ARRAY_SIZE(v); i++) {
		unsigned kl = (unsigned)unhex(v[i].key, key, sizeof(key));
		unsigned len = (unsigned)unhex(plain, pkt, sizeof(pkt));
		unsigned wl = (unsigned)unhex(v[i].out, want, sizeof(want));

		len = ref_gcm_rtp(key, kl, salt, 0, pkt, len);
		ck_assert_uint_eq(len, wl);
		ck_assert_msg(memcmp(pkt, want, wl) == 0, "RFC 7714 vector %u", i);
	}
}
END_TEST

/*
 * The wrapper against the reference, every suite: random master keys, RTP
 * across the sequence wrap (the ROC goes 0 -> 1 in the IV and the MAC) and
 * SRTCP indices 1.., then the receiver decrypts everything back.
 */
START_TEST(wrapper_matches_reference)
{
	unsigned suite = (unsigned)_i + 1;
	uint8_t master[MR_SDES_KEY_MAX];
	struct ref_keys r;
	struct dp_srtp tx, rx;

	ck_assert_int_eq(mr_sdes_random(master, sizeof(master)), 0);
	ref_derive(suite, master, &r);
	pair_make(&tx, &rx, suite, master, 0);
	for (unsigned i = 0; i < 24; i++) {
		uint16_t seq = (uint16_t)(65524 + i);
		uint32_t roc = seq < 65524 ? 1 : 0;
		uint8_t a[256], b[256], plain[256];
		unsigned la = rtp_make(a, seq, 0x5501a0b2, 20 + i * 7), lb, lp = la;

		memcpy(b, a, la);
		memcpy(plain, a, la);
		ck_assert_int_eq(dp_srtp_protect(&tx, a, &la, sizeof(a), false), 0);
		lb = ref_rtp(&r, roc, b, lp);
		ck_assert_uint_eq(la, lb);
		ck_assert_msg(memcmp(a, b, la) == 0, "suite %u seq %u differs", suite, seq);
		ck_assert_int_eq(dp_srtp_unprotect(&rx, a, &la, false), 0);
		ck_assert_uint_eq(la, lp);
		ck_assert_int_eq(memcmp(a, plain, lp), 0);

		la = rtcp_make(a, 0x5501a0b2);
		lp = la;
		memcpy(b, a, la);
		memcpy(plain, a, la);
		ck_assert_int_eq(dp_srtp_protect(&tx, a, &la, sizeof(a), true), 0);
		lb = ref_rtcp(&r, i + 1, b, lp);
		ck_assert_uint_eq(la, lb);
		ck_assert_msg(memcmp(a, b, la) == 0, "suite %u SRTCP %u differs", suite, i + 1);
		ck_assert_int_eq(dp_srtp_unprotect(&rx, a, &la, true), 0);
		ck_assert_uint_eq(la, lp);
		ck_assert_int_eq(memcmp(a, plain, lp), 0);
	}
	dp_srtp_session_free(&tx);
	dp_srtp_session_free(&rx);
}
END_TEST

/* ---- failures, each with its code and drop reason ---- */

static const uint8_t key30[30] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
				   16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30 };

START_TEST(fail_wrong_tag)
{
	struct dp_srtp tx, rx;
	uint8_t p[256], keep[256];
	unsigned len, kl;

	pair_make(&tx, &rx, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, key30, 0);
	len = rtp_make(p, 100, 0x1234, 160);
	ck_assert_int_eq(dp_srtp_protect(&tx, p, &len, sizeof(p), false), 0);
	memcpy(keep, p, len);
	kl = len;
	p[len - 1] ^= 1;
	ck_assert_int_eq(dp_srtp_unprotect(&rx, p, &len, false), -EBADMSG);
	ck_assert_uint_eq(dp_srtp_drop_reason(-EBADMSG), DP_DROP_SRTP_AUTH);
	/* A failed packet does not advance the window: the genuine one still passes. */
	ck_assert_int_eq(dp_srtp_unprotect(&rx, keep, &kl, false), 0);
	/* Payload tampering is caught too. */
	len = rtp_make(p, 101, 0x1234, 160);
	ck_assert_int_eq(dp_srtp_protect(&tx, p, &len, sizeof(p), false), 0);
	p[40] ^= 0x80;
	ck_assert_int_eq(dp_srtp_unprotect(&rx, p, &len, false), -EBADMSG);
	dp_srtp_session_free(&tx);
	dp_srtp_session_free(&rx);
}
END_TEST

START_TEST(fail_replay)
{
	struct dp_srtp tx, rx;
	uint8_t p[256], copy[256], old[256];
	unsigned len, cl, ol;

	pair_make(&tx, &rx, MR_SRTP_SUITE_AEAD_AES_256_GCM, (const uint8_t[44]){ 9, 8, 7 }, 0);
	ol = rtp_make(old, 10, 0x77, 100);
	ck_assert_int_eq(dp_srtp_protect(&tx, old, &ol, sizeof(old), false), 0);
	for (unsigned s = 11; s < 11 + DP_SRTP_WINDOW + 10; s++) {
		len = rtp_make(p, (uint16_t)s, 0x77, 100);
		ck_assert_int_eq(dp_srtp_protect(&tx, p, &len, sizeof(p), false), 0);
		if (s == 1000) {
			memcpy(copy, p, len);
			cl = len;
		}
		ck_assert_int_eq(dp_srtp_unprotect(&rx, p, &len, false), 0);
	}
	/* Seen already, inside the window. */
	ck_assert_int_eq(dp_srtp_unprotect(&rx, copy, &cl, false), -EALREADY);
	ck_assert_uint_eq(dp_srtp_drop_reason(-EALREADY), DP_DROP_SRTP_REPLAY);
	/* Never seen, but older than the 1024-packet window. */
	ck_assert_int_eq(dp_srtp_unprotect(&rx, old, &ol, false), -EALREADY);
	/* SRTCP replay. */
	len = rtcp_make(p, 0x77);
	ck_assert_int_eq(dp_srtp_protect(&tx, p, &len, sizeof(p), true), 0);
	memcpy(copy, p, len);
	cl = len;
	ck_assert_int_eq(dp_srtp_unprotect(&rx, p, &len, true), 0);
	ck_assert_int_eq(dp_srtp_unprotect(&rx, copy, &cl, true), -EALREADY);
	dp_srtp_session_free(&tx);
	dp_srtp_session_free(&rx);
}
END_TEST

START_TEST(fail_plain_on_srtp)
{
	struct dp_srtp tx, rx;
	uint8_t p[256];
	unsigned len;

	pair_make(&tx, &rx, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, key30, 0);
	/* Plain RTCP: its length fields cover the packet exactly. */
	len = rtcp_make(p, 0x99);
	ck_assert_int_eq(dp_srtp_unprotect(&rx, p, &len, true), -EPROTO);
	ck_assert_uint_eq(dp_srtp_drop_reason(-EPROTO), DP_DROP_SRTP_PLAIN);
	/* Plain RTP too short to carry a tag. */
	len = rtp_make(p, 5, 0x99, 4);
	ck_assert_int_eq(dp_srtp_unprotect(&rx, p, &len, false), -EPROTO);
	/* Full-size plain RTP cannot be told from forged SRTP: an auth failure. */
	len = rtp_make(p, 5, 0x99, 160);
	ck_assert_int_eq(dp_srtp_unprotect(&rx, p, &len, false), -EBADMSG);
	/* Shorter than a header: malformed. */
	len = 6;
	ck_assert_int_eq(dp_srtp_unprotect(&rx, p, &len, false), -EINVAL);
	ck_assert_uint_eq(dp_srtp_drop_reason(-EINVAL), DP_DROP_SRTP_OTHER);
	dp_srtp_session_free(&tx);
	dp_srtp_session_free(&rx);
}
END_TEST

START_TEST(roc_across_wrap)
{
	for (unsigned suite = 1; suite < MR_SRTP_SUITE_COUNT; suite++) {
		struct dp_srtp tx, rx;
		uint8_t key[MR_SDES_KEY_MAX] = { (uint8_t)suite, 0x42 };

		pair_make(&tx, &rx, suite, key, 0);
		/* 65535 -> 0 twice (ROC 0 -> 1 -> 2), one packet lost right after a wrap. */
		for (uint32_t i = 0; i < 65536 + 80; i++) {
			uint32_t idx = 65520 + i;
			uint16_t seq = (uint16_t)idx;
			uint8_t p[256], plain[256];
			unsigned len = rtp_make(p, seq, 0xabc, 40), pl = len;

			memcpy(plain, p, len);
			ck_assert_int_eq(dp_srtp_protect(&tx, p, &len, sizeof(p), false), 0);
			if (seq == 2)
				continue;	/* lost */
			ck_assert_msg(dp_srtp_unprotect(&rx, p, &len, false) == 0,
				      "suite %u seq %u (index %u)", suite, seq, idx);
			ck_assert_uint_eq(len, pl);
			ck_assert_int_eq(memcmp(p, plain, pl), 0);
		}
		dp_srtp_session_free(&tx);
		dp_srtp_session_free(&rx);
	}
}
END_TEST

START_TEST(fail_srtcp_e_bit)
{
	for (unsigned suite = 1; suite < MR_SRTP_SUITE_COUNT; suite++) {
		struct dp_srtp tx, rx;
		uint8_t key[MR_SDES_KEY_MAX] = { 0x5a, (uint8_t)suite };
		const struct mr_sdes_suite_info *si = mr_sdes_suite_info(suite);
		uint8_t p[256];
		unsigned len, e_at;

		pair_make(&tx, &rx, suite, key, 0);
		len = rtcp_make(p, 0x31);
		ck_assert_int_eq(dp_srtp_protect(&tx, p, &len, sizeof(p), true), 0);
		/* The E||index word: before the tag (AES-CM), after it (AEAD). */
		e_at = si->aead ? len - 4 : len - 4 - si->srtcp_tag_len;
		ck_assert_uint_eq(p[e_at] & 0x80, 0x80);
		p[e_at] ^= 0x80;
		ck_assert_int_eq(dp_srtp_unprotect(&rx, p, &len, true), -EBADMSG);
		ck_assert_uint_eq(dp_srtp_drop_reason(-EBADMSG), DP_DROP_SRTP_AUTH);
		dp_srtp_session_free(&tx);
		dp_srtp_session_free(&rx);
	}
}
END_TEST

START_TEST(ssrc_bound_and_room)
{
	struct dp_srtp tx, rx;
	uint8_t p[256];
	unsigned len;

	pair_make(&tx, &rx, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32, key30, 0);
	for (uint32_t ssrc = 1; ssrc <= DP_SRTP_MAX_SSRC + 1; ssrc++) {
		len = rtp_make(p, 1, ssrc, 20);
		int rc = dp_srtp_protect(&tx, p, &len, sizeof(p), false);

		ck_assert_int_eq(rc, ssrc <= DP_SRTP_MAX_SSRC ? 0 : -EUSERS);
		if (rc == 0) {
			ck_assert_uint_eq(len, 12 + 20 + 4);	/* 32-bit tag on SRTP */
			ck_assert_int_eq(dp_srtp_unprotect(&rx, p, &len, false), 0);
		}
	}
	ck_assert_uint_eq(dp_srtp_drop_reason(-EUSERS), DP_DROP_SRTP_SSRC_LIMIT);
	/* Known SSRCs keep working at the bound. */
	len = rtp_make(p, 2, 3, 20);
	ck_assert_int_eq(dp_srtp_protect(&tx, p, &len, sizeof(p), false), 0);
	/* SRTCP of the _32 suite keeps an 80-bit tag. */
	ck_assert_uint_eq(dp_srtp_trailer_len(&tx, true), 14);
	ck_assert_uint_eq(dp_srtp_trailer_len(&tx, false), 4);
	/* No room for the trailer. */
	len = rtp_make(p, 3, 3, 20);
	ck_assert_int_eq(dp_srtp_protect(&tx, p, &len, len + 3, false), -ENOSPC);
	ck_assert_int_eq(dp_srtp_protect(&tx, p, &len, len + 4, false), 0);
	/* Direction misuse. */
	ck_assert_int_eq(dp_srtp_unprotect(&tx, p, &len, false), -EINVAL);
	ck_assert_int_eq(dp_srtp_protect(&rx, p, &len, sizeof(p), false), -EINVAL);
	dp_srtp_session_free(&tx);
	dp_srtp_session_free(&rx);
}
END_TEST

START_TEST(session_params)
{
	struct dp_srtp tx, rx;
	uint8_t p[256], plain[256];
	unsigned len, pl;

	/* UNENCRYPTED_SRTP: payload in the clear, still authenticated. */
	pair_make(&tx, &rx, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, key30, MR_SRTP_F_UNENCRYPTED_SRTP);
	pl = len = rtp_make(p, 7, 0x1, 50);
	memcpy(plain, p, len);
	ck_assert_int_eq(dp_srtp_protect(&tx, p, &len, sizeof(p), false), 0);
	ck_assert_uint_eq(len, pl + 10);
	ck_assert_int_eq(memcmp(p, plain, pl), 0);
	p[30] ^= 1;
	ck_assert_int_eq(dp_srtp_unprotect(&rx, p, &len, false), -EBADMSG);
	dp_srtp_session_free(&tx);
	dp_srtp_session_free(&rx);

	/* UNAUTHENTICATED_SRTP: encrypted, no tag; SRTCP still authenticated. */
	pair_make(&tx, &rx, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, key30,
		  MR_SRTP_F_UNAUTHENTICATED_SRTP);
	pl = len = rtp_make(p, 7, 0x1, 50);
	ck_assert_int_eq(dp_srtp_protect(&tx, p, &len, sizeof(p), false), 0);
	ck_assert_uint_eq(len, pl);
	ck_assert_int_ne(memcmp(p, plain, pl), 0);
	ck_assert_int_eq(dp_srtp_unprotect(&rx, p, &len, false), 0);
	ck_assert_int_eq(memcmp(p, plain, pl), 0);
	ck_assert_uint_eq(dp_srtp_trailer_len(&tx, true), 14);
	dp_srtp_session_free(&tx);
	dp_srtp_session_free(&rx);

	/* UNENCRYPTED_SRTCP: E = 0, body in the clear, tagged. */
	pair_make(&tx, &rx, MR_SRTP_SUITE_AEAD_AES_128_GCM, key30, MR_SRTP_F_UNENCRYPTED_SRTCP);
	pl = len = rtcp_make(p, 0x1);
	memcpy(plain, p, len);
	ck_assert_int_eq(dp_srtp_protect(&tx, p, &len, sizeof(p), true), 0);
	ck_assert_int_eq(memcmp(p, plain, pl), 0);
	ck_assert_uint_eq(p[len - 4] & 0x80, 0);
	ck_assert_int_eq(dp_srtp_unprotect(&rx, p, &len, true), 0);
	ck_assert_uint_eq(len, pl);
	dp_srtp_session_free(&tx);
	dp_srtp_session_free(&rx);
}
END_TEST

START_TEST(mki_on_the_wire)
{
	struct mr_srtp_spec sp;
	struct dp_srtp tx, rx;
	uint8_t p[256];
	unsigned len, pl;

	spec_make(&sp, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, key30, 0);
	sp.mki = 0x0102;
	sp.mki_len = 2;
	ck_assert_int_eq(dp_srtp_session_init(&tx, &sp, true), 0);
	spec_make(&sp, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, key30, 0);
	sp.mki = 0x0102;
	sp.mki_len = 2;
	ck_assert_int_eq(dp_srtp_session_init(&rx, &sp, false), 0);
	pl = len = rtp_make(p, 1, 0x10, 40);
	ck_assert_int_eq(dp_srtp_protect(&tx, p, &len, sizeof(p), false), 0);
	ck_assert_uint_eq(len, pl + 2 + 10);
	ck_assert_uint_eq(p[pl], 0x01);	/* MKI follows the payload */
	ck_assert_uint_eq(p[pl + 1], 0x02);
	ck_assert_int_eq(dp_srtp_unprotect(&rx, p, &len, false), 0);
	ck_assert_uint_eq(len, pl);
	dp_srtp_session_free(&tx);
	dp_srtp_session_free(&rx);
}
END_TEST

/*
 * Key lifetime (a=crypto, RFC 4568 6.1): a sender protects at most that
 * many packets, RTP and RTCP together, and leaves the rest untouched; a
 * receiver authenticates at most that many, forged packets not counting.
 */
START_TEST(key_lifetime)
{
	struct mr_srtp_spec sp;
	struct dp_srtp tx, rx, tx2;
	uint8_t p[256], keep[256], pk[4][256];
	unsigned len, lk[4];

	spec_make(&sp, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, key30, 0);
	sp.lifetime = 3;
	ck_assert_int_eq(dp_srtp_session_init(&tx, &sp, true), 0);
	for (unsigned i = 0; i < 3; i++) {
		lk[i] = i == 2 ? rtcp_make(pk[i], 0x4242) : rtp_make(pk[i], (uint16_t)(7 + i), 0x4242, 80);
		ck_assert_int_eq(dp_srtp_protect(&tx, pk[i], &lk[i], sizeof(pk[i]), i == 2), 0);
	}
	len = rtp_make(p, 10, 0x4242, 80);
	memcpy(keep, p, len);
	ck_assert_int_eq(dp_srtp_protect(&tx, p, &len, sizeof(p), false), -EKEYEXPIRED);
	ck_assert_int_eq(memcmp(p, keep, len), 0);	/* never protected under a used-up key */
	ck_assert_uint_eq(len, 12 + 80);
	len = rtcp_make(p, 0x4242);
	ck_assert_int_eq(dp_srtp_protect(&tx, p, &len, sizeof(p), true), -EKEYEXPIRED);
	ck_assert_uint_eq(dp_srtp_drop_reason(-EKEYEXPIRED), DP_DROP_SRTP_KEY_USED_UP);
	ck_assert_str_eq(dp_drop_names[DP_DROP_SRTP_KEY_USED_UP], "srtp-key-used-up");

	/* The receiver's bound: two packets; a forged one in between does not count. */
	spec_make(&sp, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, key30, 0);
	sp.lifetime = 2;
	ck_assert_int_eq(dp_srtp_session_init(&rx, &sp, false), 0);
	ck_assert_int_eq(dp_srtp_unprotect(&rx, pk[0], &lk[0], false), 0);
	len = rtp_make(p, 30, 0x4242, 80);
	spec_make(&sp, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, (const uint8_t[30]){ 0xee }, 0);
	ck_assert_int_eq(dp_srtp_session_init(&tx2, &sp, true), 0);
	ck_assert_int_eq(dp_srtp_protect(&tx2, p, &len, sizeof(p), false), 0);
	ck_assert_int_eq(dp_srtp_unprotect(&rx, p, &len, false), -EBADMSG);	/* forged */
	ck_assert_int_eq(dp_srtp_unprotect(&rx, pk[2], &lk[2], true), 0);
	ck_assert_int_eq(dp_srtp_unprotect(&rx, pk[1], &lk[1], false), -EKEYEXPIRED);

	/* No lifetime: no bound of ours. */
	spec_make(&sp, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, key30, 0);
	dp_srtp_session_free(&tx);
	ck_assert_int_eq(dp_srtp_session_init(&tx, &sp, true), 0);
	for (unsigned i = 0; i < 10; i++) {
		len = rtp_make(p, (uint16_t)(100 + i), 0x4242, 80);
		ck_assert_int_eq(dp_srtp_protect(&tx, p, &len, sizeof(p), false), 0);
	}
	dp_srtp_session_free(&tx);
	dp_srtp_session_free(&tx2);
	dp_srtp_session_free(&rx);
}
END_TEST

/*
 * libsrtp's events reach the counters of the lcore using the session. An
 * SSRC collision is the one a test can cause: the stream of an SSRC that a
 * session protected is then used to unprotect a later packet of that SSRC
 * (libsrtp's direction check, after the tag and replay checks pass).
 */
START_TEST(libsrtp_events_counted)
{
	struct mr_srtp_spec sp;
	struct dp_srtp tx, other;
	uint64_t lcore_a[MR_SRTP_EV_COUNT] = { 0 }, lcore_b[MR_SRTP_EV_COUNT] = { 0 };
	uint8_t p[256];
	unsigned len;
	int l;

	ck_assert_int_eq(dp_srtp_event_index(event_ssrc_collision), MR_SRTP_EV_SSRC_COLLISION);
	ck_assert_int_eq(dp_srtp_event_index(event_key_soft_limit), MR_SRTP_EV_KEY_SOFT_LIMIT);
	ck_assert_int_eq(dp_srtp_event_index(event_key_hard_limit), MR_SRTP_EV_KEY_HARD_LIMIT);
	ck_assert_int_eq(dp_srtp_event_index(event_packet_index_limit), MR_SRTP_EV_PACKET_INDEX_LIMIT);
	ck_assert_int_eq(dp_srtp_event_index(99), -1);

	spec_make(&sp, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, key30, 0);
	ck_assert_int_eq(dp_srtp_session_init(&tx, &sp, true), 0);
	dp_srtp_set_events(&tx, lcore_a);
	len = rtp_make(p, 1, 0x99, 40);
	ck_assert_int_eq(dp_srtp_protect(&tx, p, &len, sizeof(p), false), 0);
	ck_assert_uint_eq(tx.events, 0);
	/* Sequence 2 of that SSRC, protected elsewhere under the same key. */
	spec_make(&sp, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, key30, 0);
	ck_assert_int_eq(dp_srtp_session_init(&other, &sp, true), 0);
	len = rtp_make(p, 2, 0x99, 40);
	ck_assert_int_eq(dp_srtp_protect(&other, p, &len, sizeof(p), false), 0);
	dp_srtp_set_events(&tx, lcore_b);	/* another lcore uses it now */
	l = (int)len;
	/* The wrapper refuses to unprotect on a sending session; libsrtp itself does not. */
	ck_assert_int_eq(srtp_unprotect(tx.ctx, p, &l), srtp_err_status_ok);
	ck_assert_uint_eq(lcore_b[MR_SRTP_EV_SSRC_COLLISION], 1);
	ck_assert_uint_eq(lcore_a[MR_SRTP_EV_SSRC_COLLISION], 0);
	ck_assert_uint_eq(tx.events, 1);
	dp_srtp_session_free(&tx);
	dp_srtp_session_free(&other);
}
END_TEST

START_TEST(init_checks_and_wipe)
{
	struct mr_srtp_spec sp;
	struct dp_srtp s;

	/* Plain: no session. */
	memset(&sp, 0, sizeof(sp));
	ck_assert_int_eq(dp_srtp_session_init(&s, &sp, true), 0);
	ck_assert(!dp_srtp_is_active(&s));
	ck_assert_uint_eq(dp_srtp_trailer_len(&s, false), 0);

	spec_make(&sp, MR_SRTP_SUITE_AES_256_CM_HMAC_SHA1_80, (const uint8_t[46]){ 1 }, 0);
	memset(sp.key, 0x3c, sp.key_len);
	ck_assert_int_eq(dp_srtp_session_init(&s, &sp, false), 0);
	ck_assert(dp_srtp_is_active(&s));
	for (unsigned i = 0; i < sizeof(sp.key); i++)
		ck_assert_uint_eq(sp.key[i], 0);	/* wiped from the spec */
	dp_srtp_session_free(&s);
	ck_assert(!dp_srtp_is_active(&s));
	dp_srtp_session_free(&s);	/* idempotent */
	dp_srtp_session_free(NULL);

	spec_make(&sp, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, key30, 0);
	sp.key_len = 28;
	ck_assert_int_eq(dp_srtp_session_init(&s, &sp, false), -EINVAL);
	for (unsigned i = 0; i < sizeof(sp.key); i++)
		ck_assert_uint_eq(sp.key[i], 0);	/* wiped on failure too */
	spec_make(&sp, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, key30, 0);
	sp.suite = MR_SRTP_SUITE_COUNT;
	ck_assert_int_eq(dp_srtp_session_init(&s, &sp, false), -EINVAL);
	spec_make(&sp, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, key30, 0);
	sp.mki_len = 5;
	ck_assert_int_eq(dp_srtp_session_init(&s, &sp, false), -EINVAL);
	spec_make(&sp, MR_SRTP_SUITE_AEAD_AES_128_GCM, key30, MR_SRTP_F_UNENCRYPTED_SRTP);
	ck_assert_int_eq(dp_srtp_session_init(&s, &sp, false), -ENOTSUP);
	ck_assert(!dp_srtp_is_active(&s));
}
END_TEST

START_TEST(passthrough_verify)
{
	struct dp_srtp tx, rx;
	uint8_t p[256], orig[256], scratch[2048];
	unsigned len;

	pair_make(&tx, &rx, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, key30, 0);
	len = rtp_make(p, 9, 0x44, 160);
	ck_assert_int_eq(dp_srtp_protect(&tx, p, &len, sizeof(p), false), 0);
	memcpy(orig, p, len);
	ck_assert_int_eq(dp_srtp_verify(&rx, p, len, false, scratch, sizeof(scratch)), 0);
	ck_assert_int_eq(memcmp(p, orig, len), 0);	/* forwarded as it came */
	ck_assert_int_eq(dp_srtp_verify(&rx, p, len, false, scratch, sizeof(scratch)), -EALREADY);
	len = rtp_make(p, 10, 0x44, 160);
	ck_assert_int_eq(dp_srtp_protect(&tx, p, &len, sizeof(p), false), 0);
	p[len - 2] ^= 4;
	ck_assert_int_eq(dp_srtp_verify(&rx, p, len, false, scratch, sizeof(scratch)), -EBADMSG);
	ck_assert_int_eq(dp_srtp_verify(&rx, p, len, false, scratch, 16), -EMSGSIZE);
	dp_srtp_session_free(&tx);
	dp_srtp_session_free(&rx);
}
END_TEST

/*
 * A modify that keeps the keys keeps the session: past a sequence wrap a
 * fresh session (ROC 0) fails every packet, the shared one goes on.
 */
START_TEST(session_shared_across_modify)
{
	struct mr_srtp_spec sp;
	struct dp_srtp tx, *rx, *rx2, *other, fresh;
	uint8_t key[30], p[256];
	unsigned len;
	int rc;

	for (unsigned i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(0x40 + i);
	spec_make(&sp, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, key, 0);
	ck_assert_int_eq(dp_srtp_session_init(&tx, &sp, true), 0);
	spec_make(&sp, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, key, 0);
	rx = dp_srtp_session_get(&sp, false, NULL, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(rx);
	ck_assert_uint_eq(rx->refs, 1);
	for (unsigned i = 0; i < sizeof(sp.key); i++)
		ck_assert_uint_eq(sp.key[i], 0);
	for (uint32_t idx = 65530; idx < 65536 + 4; idx++) {
		len = rtp_make(p, (uint16_t)idx, 0x2222, 80);
		ck_assert_int_eq(dp_srtp_protect(&tx, p, &len, sizeof(p), false), 0);
		ck_assert_int_eq(dp_srtp_unprotect(rx, p, &len, false), 0);
	}
	/* Re-programmed with the same key: the same session, one more reference. */
	spec_make(&sp, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, key, 0);
	rx2 = dp_srtp_session_get(&sp, false, rx, &rc);
	ck_assert_ptr_eq(rx2, rx);
	ck_assert_uint_eq(rx->refs, 2);
	dp_srtp_session_put(rx);	/* the old action's reference */
	ck_assert_uint_eq(rx2->refs, 1);
	len = rtp_make(p, 4, 0x2222, 80);
	ck_assert_int_eq(dp_srtp_protect(&tx, p, &len, sizeof(p), false), 0);
	{
		uint8_t copy[256];
		unsigned cl = len;

		memcpy(copy, p, len);
		ck_assert_int_eq(dp_srtp_unprotect(rx2, p, &len, false), 0);
		/* What a fresh session with the same key would have done (ROC 0). */
		spec_make(&sp, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, key, 0);
		ck_assert_int_eq(dp_srtp_session_init(&fresh, &sp, false), 0);
		ck_assert_int_eq(dp_srtp_unprotect(&fresh, copy, &cl, false), -EBADMSG);
		dp_srtp_session_free(&fresh);
	}
	/* Another key, or the other direction: another session. */
	key[0] ^= 1;
	spec_make(&sp, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, key, 0);
	other = dp_srtp_session_get(&sp, false, rx2, &rc);
	ck_assert_ptr_nonnull(other);
	ck_assert_ptr_ne(other, rx2);
	dp_srtp_session_put(other);
	key[0] ^= 1;
	spec_make(&sp, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, key, 0);
	other = dp_srtp_session_get(&sp, true, rx2, &rc);
	ck_assert_ptr_ne(other, rx2);
	dp_srtp_session_put(other);
	spec_make(&sp, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, key, MR_SRTP_F_UNENCRYPTED_SRTCP);
	other = dp_srtp_session_get(&sp, false, rx2, &rc);
	ck_assert_ptr_ne(other, rx2);
	dp_srtp_session_put(other);
	/* Plain: nothing. */
	memset(&sp, 0, sizeof(sp));
	ck_assert_ptr_null(dp_srtp_session_get(&sp, false, rx2, &rc));
	ck_assert_int_eq(rc, 0);
	/* A bad spec: an error, nothing made. */
	spec_make(&sp, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, key, 0);
	sp.key_len = 12;
	ck_assert_ptr_null(dp_srtp_session_get(&sp, false, NULL, &rc));
	ck_assert_int_eq(rc, -EINVAL);
	dp_srtp_session_put(rx2);	/* the last: freed (the sanitizer build checks) */
	dp_srtp_session_put(NULL);
	dp_srtp_session_free(&tx);
}
END_TEST

/* A flow's holder: made from a spec, shared by re-points, sessions kept across modifies. */
START_TEST(flow_holder)
{
	struct mr_srtp_spec in, out;
	struct dp_flow_srtp *f, *g, *h;
	uint8_t key[46];
	int rc;

	for (unsigned i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i * 3);
	memset(&in, 0, sizeof(in));
	memset(&out, 0, sizeof(out));
	ck_assert_ptr_null(dp_srtp_flow_make(&in, &out, NULL, true, &rc));	/* plain */
	ck_assert_int_eq(rc, 0);

	spec_make(&in, MR_SRTP_SUITE_AES_256_CM_HMAC_SHA1_80, key, 0);
	f = dp_srtp_flow_make(&in, &out, NULL, true, &rc);	/* SRTP -> RTP */
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(f->in);
	ck_assert_ptr_null(f->out);
	ck_assert(!f->in->outbound);
	for (unsigned i = 0; i < sizeof(in.key); i++)
		ck_assert_uint_eq(in.key[i], 0);
	ck_assert_ptr_eq(dp_srtp_flow_ref(f), f);	/* a re-point */
	ck_assert_uint_eq(f->refs, 2);
	dp_srtp_flow_put(f);

	/* A modify: same inbound key, a new outbound one. */
	spec_make(&in, MR_SRTP_SUITE_AES_256_CM_HMAC_SHA1_80, key, 0);
	spec_make(&out, MR_SRTP_SUITE_AEAD_AES_128_GCM, key, 0);
	g = dp_srtp_flow_make(&in, &out, f, true, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_ne(g, f);
	ck_assert_ptr_eq(g->in, f->in);
	ck_assert_uint_eq(f->in->refs, 2);
	ck_assert_ptr_nonnull(g->out);
	ck_assert(g->out->outbound);
	dp_srtp_flow_put(f);	/* the old action reclaimed */
	ck_assert_uint_eq(g->in->refs, 1);

	/* A failing modify holds nothing and wipes both keys. */
	spec_make(&in, MR_SRTP_SUITE_AES_256_CM_HMAC_SHA1_80, key, 0);
	spec_make(&out, MR_SRTP_SUITE_AEAD_AES_128_GCM, key, MR_SRTP_F_UNENCRYPTED_SRTP);
	h = dp_srtp_flow_make(&in, &out, g, true, &rc);
	ck_assert_ptr_null(h);
	ck_assert_int_eq(rc, -ENOTSUP);
	ck_assert_uint_eq(g->in->refs, 1);
	for (unsigned i = 0; i < sizeof(out.key); i++)
		ck_assert_uint_eq(out.key[i] | in.key[i], 0);
	dp_srtp_flow_put(g);
	dp_srtp_flow_put(NULL);

	/* Both legs with one key: pass-through, one inbound session to verify with. */
	spec_make(&in, MR_SRTP_SUITE_AEAD_AES_128_GCM, key, 0);
	spec_make(&out, MR_SRTP_SUITE_AEAD_AES_128_GCM, key, 0);
	f = dp_srtp_flow_make(&in, &out, NULL, true, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert(f->pass);
	ck_assert_ptr_nonnull(f->in);
	ck_assert_ptr_null(f->out);
	for (unsigned i = 0; i < sizeof(out.key); i++)
		ck_assert_uint_eq(out.key[i] | in.key[i], 0);
	dp_srtp_flow_put(f);
	/* ...unless the packet is rewritten (SSRC): then decrypt and encrypt again. */
	spec_make(&in, MR_SRTP_SUITE_AEAD_AES_128_GCM, key, 0);
	spec_make(&out, MR_SRTP_SUITE_AEAD_AES_128_GCM, key, 0);
	f = dp_srtp_flow_make(&in, &out, NULL, false, &rc);
	ck_assert(!f->pass);
	ck_assert_ptr_nonnull(f->in);
	ck_assert_ptr_nonnull(f->out);
	dp_srtp_flow_put(f);
}
END_TEST

/*
 * No allocation on the packet path: counted for the whole process
 * (OpenSSL's inside libsrtp included), after each session has seen its SSRC
 * once (libsrtp clones its stream then), 10,000 protects and unprotects of
 * RTP and RTCP, every suite. Without the wrapper's HMAC-SHA1 the HMAC suites
 * make two allocations per call (OpenSSL 3.0's HMAC_Init_ex). The
 * sanitizer build has its own allocator: this check runs in the normal build.
 */
START_TEST(no_alloc_steady_state)
{
#if HAVE_MALLOC_COUNT
	for (unsigned suite = 1; suite < MR_SRTP_SUITE_COUNT; suite++) {
		struct dp_srtp tx, rx;
		uint8_t key[MR_SDES_KEY_MAX] = { 7, (uint8_t)suite };
		uint8_t p[256];
		unsigned len;
		unsigned long before, after, first, bad = 0;

		pair_make(&tx, &rx, suite, key, 0);
		before = n_alloc;
		len = rtp_make(p, 0, 0x9999, 160);
		ck_assert_int_eq(dp_srtp_protect(&tx, p, &len, sizeof(p), false), 0);
		ck_assert_int_eq(dp_srtp_unprotect(&rx, p, &len, false), 0);
		first = n_alloc - before;
		ck_assert_uint_gt(first, 0);	/* the counter sees libsrtp's stream clones */
		/* No ck_assert in the loop: Check's assertions allocate themselves. */
		before = n_alloc;
		for (unsigned i = 1; i <= 10000; i++) {
			len = rtp_make(p, (uint16_t)i, 0x9999, 160);
			bad += dp_srtp_protect(&tx, p, &len, sizeof(p), false) != 0;
			bad += dp_srtp_unprotect(&rx, p, &len, false) != 0;
			len = rtcp_make(p, 0x9999);
			bad += dp_srtp_protect(&tx, p, &len, sizeof(p), true) != 0;
			bad += dp_srtp_unprotect(&rx, p, &len, true) != 0;
		}
		after = n_alloc;
		ck_assert_uint_eq(bad, 0);
		ck_assert_msg(after == before, "suite %u: %lu allocations in 40,000 calls",
			      suite, after - before);
		dp_srtp_session_free(&tx);
		dp_srtp_session_free(&rx);
	}
#endif
}
END_TEST

static Suite *srtp_suite(void)
{
	Suite *s = suite_create("srtp");
	TCase *tc;

	tc = tcase_create("vectors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, kat_libsrtp, 0, MR_ARRAY_SIZE(kats));
	tcase_add_test(tc, ref_rfc3711_b2);
	tcase_add_test(tc, ref_rfc3711_b3);
	tcase_add_test(tc, ref_rfc7714_16);
	tcase_add_loop_test(tc, wrapper_matches_reference, 0, MR_SRTP_SUITE_COUNT - 1);
	suite_add_tcase(s, tc);

	tc = tcase_create("failures");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, fail_wrong_tag);
	tcase_add_test(tc, fail_replay);
	tcase_add_test(tc, fail_plain_on_srtp);
	tcase_add_test(tc, roc_across_wrap);
	tcase_add_test(tc, fail_srtcp_e_bit);
	tcase_add_test(tc, ssrc_bound_and_room);
	suite_add_tcase(s, tc);

	tc = tcase_create("sessions");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, session_params);
	tcase_add_test(tc, mki_on_the_wire);
	tcase_add_test(tc, init_checks_and_wipe);
	tcase_add_test(tc, key_lifetime);
	tcase_add_test(tc, libsrtp_events_counted);
	tcase_add_test(tc, passthrough_verify);
	tcase_add_test(tc, session_shared_across_modify);
	tcase_add_test(tc, flow_holder);
	tcase_add_test(tc, no_alloc_steady_state);
	suite_add_tcase(s, tc);
	return s;
}

MR_CHECK_MAIN(srtp_suite)
