/* SPDX-License-Identifier: BSD-3-Clause */
/* lib/sdes: a=crypto parse/format, base64, keys, ng SDES options, selection. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mr_check.h"
#include "sdes/sdes.h"
#include "shm/msg-t.h"

static struct mr_str S(const char *s)
{
	return mr_str_cstr(s);
}

/* A recognisable key of the suite's length, written as base64 by the codec under test. */
static void make_key(unsigned suite, uint8_t *key, char *b64, size_t b64_size, bool pad)
{
	unsigned n = mr_sdes_suite_key_len(suite);

	for (unsigned i = 0; i < n; i++)
		key[i] = (uint8_t)(i * 7 + suite);
	ck_assert_int_gt(mr_sdes_base64_encode(key, n, pad, b64, b64_size), 0);
}

/* ---- base64 ---- */

/* RFC 4648 section 10 test vectors. */
static const struct {
	const char *plain, *enc;
} rfc4648[] = {
	{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
};

START_TEST(b64_rfc4648)
{
	char out[32];
	uint8_t dec[32];
	size_t n;

	for (unsigned i = 0; i < MR_ARRAY_SIZE(rfc4648); i++) {
		size_t pl = strlen(rfc4648[i].plain);
		size_t el = strlen(rfc4648[i].enc);

		ck_assert_int_eq(mr_sdes_base64_encode((const uint8_t *)rfc4648[i].plain, pl, true,
						       out, sizeof(out)), (int)el);
		ck_assert_str_eq(out, rfc4648[i].enc);
		ck_assert_int_eq(mr_sdes_base64_decode(S(rfc4648[i].enc), dec, sizeof(dec), &n), 0);
		ck_assert_uint_eq(n, pl);
		ck_assert_int_eq(memcmp(dec, rfc4648[i].plain, pl), 0);
		/* Unpadded forms decode to the same bytes. */
		size_t up = el;
		while (up && rfc4648[i].enc[up - 1] == '=')
			up--;
		ck_assert_int_eq(mr_sdes_base64_decode(mr_str_make(rfc4648[i].enc, up), dec,
						       sizeof(dec), &n), 0);
		ck_assert_uint_eq(n, pl);
		ck_assert_int_eq(mr_sdes_base64_encode((const uint8_t *)rfc4648[i].plain, pl, false,
						       out, sizeof(out)), (int)up);
	}
}
END_TEST

START_TEST(b64_bad)
{
	static const char *bad[] = {
		"Z", "Zm9vY", "Zg=", "Zg===", "Z===", "Zh==", "Zm9=", "Zm=v", "Zm9v!", "Zm 9v",
		"====", "Zm8==", "-_-_",
	};
	uint8_t dec[32];
	char out[4];
	size_t n;

	for (unsigned i = 0; i < MR_ARRAY_SIZE(bad); i++)
		ck_assert_msg(mr_sdes_base64_decode(S(bad[i]), dec, sizeof(dec), &n) == -EBADMSG,
			      "accepted %s", bad[i]);
	ck_assert_int_eq(mr_sdes_base64_decode(S("Zm9vYmFy"), dec, 5, &n), -ENOSPC);
	ck_assert_int_eq(mr_sdes_base64_encode((const uint8_t *)"foo", 3, true, out, sizeof(out)),
			 -ENOSPC);
}
END_TEST

/* ---- suites ---- */

START_TEST(suite_table)
{
	static const struct { unsigned suite; unsigned len; } want[] = {
		{ MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, 30 },
		{ MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32, 30 },
		{ MR_SRTP_SUITE_AES_256_CM_HMAC_SHA1_80, 46 },
		{ MR_SRTP_SUITE_AEAD_AES_128_GCM, 28 },
		{ MR_SRTP_SUITE_AEAD_AES_256_GCM, 44 },
	};

	for (unsigned i = 0; i < MR_ARRAY_SIZE(want); i++) {
		const struct mr_sdes_suite_info *si = mr_sdes_suite_info(want[i].suite);

		ck_assert_ptr_nonnull(si);
		ck_assert_uint_eq(si->suite, want[i].suite);
		ck_assert_uint_eq(mr_sdes_suite_key_len(want[i].suite), want[i].len);
		ck_assert_ptr_eq(mr_sdes_suite_find(S(si->name)), si);
	}
	ck_assert_uint_eq(mr_sdes_suite_info(MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32)->srtp_tag_len, 4);
	ck_assert_uint_eq(mr_sdes_suite_info(MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32)->srtcp_tag_len, 10);
	ck_assert_ptr_null(mr_sdes_suite_info(MR_SRTP_SUITE_NONE));
	ck_assert_ptr_null(mr_sdes_suite_info(MR_SRTP_SUITE_COUNT));
	ck_assert_ptr_null(mr_sdes_suite_find(S("aes_cm_128_hmac_sha1_80")));
	ck_assert_ptr_null(mr_sdes_suite_find(S("F8_128_HMAC_SHA1_80")));
	ck_assert_uint_eq(mr_sdes_suite_key_len(0), 0);
}
END_TEST

/* ---- parse: good lines ---- */

START_TEST(parse_each_suite)
{
	for (unsigned s = 1; s < MR_SRTP_SUITE_COUNT; s++) {
		for (int pad = 0; pad < 2; pad++) {
			uint8_t key[MR_SDES_KEY_MAX];
			char b64[80], line[200];
			struct mr_sdes_crypto c;
			const char *why = "x";

			make_key(s, key, b64, sizeof(b64), pad);
			snprintf(line, sizeof(line), "%u %s inline:%s", 10 + s,
				 mr_sdes_suite_info(s)->name, b64);
			ck_assert_msg(mr_sdes_crypto_parse(S(line), &c, &why) == 0, "%s: %s", line, why);
			ck_assert_ptr_null(why);
			ck_assert_uint_eq(c.tag, 10 + s);
			ck_assert_uint_eq(c.suite, s);
			ck_assert_uint_eq(c.key_len, mr_sdes_suite_key_len(s));
			ck_assert_int_eq(memcmp(c.key, key, c.key_len), 0);
			ck_assert_uint_eq(c.flags, 0);
			ck_assert_uint_eq(c.mki_len, 0);
			ck_assert_uint_eq(c.lifetime, 0);
			ck_assert_uint_eq(c.n_keys, 1);
			mr_sdes_crypto_wipe(&c);
			for (unsigned i = 0; i < sizeof(c.key); i++)
				ck_assert_uint_eq(c.key[i], 0);
		}
	}
}
END_TEST

START_TEST(parse_rfc4568_example)
{
	/* RFC 4568 section 4's example key, with an MKI length libsrtp can take. */
	struct mr_sdes_crypto c;
	const char *why;

	ck_assert_int_eq(mr_sdes_crypto_parse(
		S("1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4"),
		&c, &why), 0);
	ck_assert_uint_eq(c.tag, 1);
	ck_assert_uint_eq(c.lifetime, 1u << 20);
	ck_assert_uint_eq(c.mki, 1);
	ck_assert_uint_eq(c.mki_len, 4);
	ck_assert_uint_eq(c.key[0], 0x3d);	/* 'P','S' -> 0x3d 0x2d */
	ck_assert_uint_eq(c.key[1], 0x2d);
	/* The same with the RFC's MKI length of 32 bytes: beyond libsrtp's use here. */
	ck_assert_int_eq(mr_sdes_crypto_parse(
		S("1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32"),
		&c, &why), -EBADMSG);
	ck_assert_str_eq(why, "MKI longer than 4 bytes (not supported)");
}
END_TEST

START_TEST(parse_params)
{
	uint8_t key[MR_SDES_KEY_MAX];
	char b64[80], line[400];
	struct mr_sdes_crypto c;
	const char *why;

	make_key(MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32, key, b64, sizeof(b64), false);
	snprintf(line, sizeof(line),
		 "999999999\tAES_CM_128_HMAC_SHA1_32  inline:%s|1048576|255:1 UNENCRYPTED_SRTP "
		 "UNENCRYPTED_SRTCP\tUNAUTHENTICATED_SRTP KDR=0 WSH=128 FEC_ORDER=SRTP_FEC "
		 "-X-VENDOR=1 ", b64);
	ck_assert_msg(mr_sdes_crypto_parse(S(line), &c, &why) == 0, "%s", why);
	ck_assert_uint_eq(c.tag, 999999999);
	ck_assert_uint_eq(c.lifetime, 1048576);
	ck_assert_uint_eq(c.mki, 255);
	ck_assert_uint_eq(c.mki_len, 1);
	ck_assert_uint_eq(c.flags, MR_SRTP_F_ALL);
	ck_assert_uint_eq(c.wsh, 128);

	/* Lifetime alone, 2^48 (the bound), then MKI alone. */
	snprintf(line, sizeof(line), "0 AES_CM_128_HMAC_SHA1_32 inline:%s|2^48", b64);
	ck_assert_int_eq(mr_sdes_crypto_parse(S(line), &c, &why), 0);
	ck_assert_uint_eq(c.lifetime, UINT64_C(1) << 48);
	snprintf(line, sizeof(line), "0 AES_CM_128_HMAC_SHA1_32 inline:%s|281474976710656", b64);
	ck_assert_int_eq(mr_sdes_crypto_parse(S(line), &c, &why), 0);
	ck_assert_uint_eq(c.lifetime, UINT64_C(1) << 48);
	snprintf(line, sizeof(line), "0 AES_CM_128_HMAC_SHA1_32 inline:%s|4294967295:4", b64);
	ck_assert_int_eq(mr_sdes_crypto_parse(S(line), &c, &why), 0);
	ck_assert_uint_eq(c.mki, 4294967295u);
	ck_assert_uint_eq(c.lifetime, 0);
}
END_TEST

START_TEST(parse_several_keys)
{
	uint8_t k1[MR_SDES_KEY_MAX], k2[MR_SDES_KEY_MAX];
	char b1[80], b2[80], line[600];
	struct mr_sdes_crypto c;
	const char *why;

	make_key(MR_SRTP_SUITE_AEAD_AES_256_GCM, k1, b1, sizeof(b1), true);
	make_key(MR_SRTP_SUITE_AEAD_AES_128_GCM, k2, b2, sizeof(b2), true);
	/* k2 is too short for the suite: use k1 reversed instead for the second key. */
	for (unsigned i = 0; i < 44; i++)
		k2[i] = k1[43 - i];
	ck_assert_int_gt(mr_sdes_base64_encode(k2, 44, false, b2, sizeof(b2)), 0);
	snprintf(line, sizeof(line), "7 AEAD_AES_256_GCM inline:%s|2^31|1:2;inline:%s|2^31|2:2", b1, b2);
	ck_assert_msg(mr_sdes_crypto_parse(S(line), &c, &why) == 0, "%s", why);
	ck_assert_uint_eq(c.n_keys, 2);
	ck_assert_int_eq(memcmp(c.key, k1, 44), 0);
	ck_assert_uint_eq(c.mki, 1);
	ck_assert_uint_eq(c.mki_len, 2);
}
END_TEST

/* ---- parse: bad lines, each with its reason ---- */

START_TEST(parse_bad)
{
	uint8_t key[MR_SDES_KEY_MAX], gkey[MR_SDES_KEY_MAX], bkey[MR_SDES_KEY_MAX];
	char k[80], g[80], b[80], odd[80];
	struct {
		char line[1200];
		const char *why;
	} *t;
	unsigned n = 0;

	t = calloc(64, sizeof(*t));
	ck_assert_ptr_nonnull(t);
	make_key(MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, key, k, sizeof(k), false);
	make_key(MR_SRTP_SUITE_AEAD_AES_128_GCM, gkey, g, sizeof(g), false);
	make_key(MR_SRTP_SUITE_AES_256_CM_HMAC_SHA1_80, bkey, b, sizeof(b), false);
	/* 46 bytes end in a 2-character group: a last 'B' sets unused bits. */
	snprintf(odd, sizeof(odd), "%.*sB", 61, b);

#define BAD(w, ...) do { snprintf(t[n].line, sizeof(t[n].line), __VA_ARGS__); t[n++].why = (w); } while (0)
	BAD("empty crypto attribute", "%s", "");
	BAD("tag is not a number of 1 to 9 digits", "x AES_CM_128_HMAC_SHA1_80 inline:%s", k);
	BAD("tag is not a number of 1 to 9 digits", "1234567890 AES_CM_128_HMAC_SHA1_80 inline:%s", k);
	BAD("tag is not a number of 1 to 9 digits", "-1 AES_CM_128_HMAC_SHA1_80 inline:%s", k);
	BAD("no crypto suite", "%s", "1");
	BAD("unknown crypto suite", "1 F8_128_HMAC_SHA1_80 inline:%s", k);
	BAD("unknown crypto suite", "1 aes_cm_128_hmac_sha1_80 inline:%s", k);
	BAD("no key parameters", "%s", "1 AES_CM_128_HMAC_SHA1_80");
	BAD("key method is not inline:", "1 AES_CM_128_HMAC_SHA1_80 %s", k);
	BAD("key method is not inline:", "1 AES_CM_128_HMAC_SHA1_80 INLINE:%s", k);
	BAD("key method is not inline:", "1 AES_CM_128_HMAC_SHA1_80 inline:%s;uri:x", k);
	BAD("empty key", "%s", "1 AES_CM_128_HMAC_SHA1_80 inline:");
	BAD("empty key", "%s", "1 AES_CM_128_HMAC_SHA1_80 inline:|2^20");
	BAD("key is not valid base64", "1 AES_CM_128_HMAC_SHA1_80 inline:%.39s*", k);
	BAD("key is not valid base64", "1 AES_256_CM_HMAC_SHA1_80 inline:%s", odd);
	BAD("key length does not match the crypto suite", "1 AES_CM_128_HMAC_SHA1_80 inline:%s", g);
	BAD("key length does not match the crypto suite", "1 AES_CM_128_HMAC_SHA1_80 inline:%s", b);
	BAD("key length does not match the crypto suite", "1 AEAD_AES_256_GCM inline:%s", k);
	BAD("key length does not match the crypto suite", "1 AEAD_AES_128_GCM inline:%sAAAA", g);
	BAD("key lifetime above 2^48", "1 AES_CM_128_HMAC_SHA1_80 inline:%s|2^49", k);
	BAD("key lifetime above 2^48", "1 AES_CM_128_HMAC_SHA1_80 inline:%s|281474976710657", k);
	BAD("key lifetime above 2^48", "1 AES_CM_128_HMAC_SHA1_80 inline:%s|99999999999999999999999", k);
	BAD("key lifetime 0", "1 AES_CM_128_HMAC_SHA1_80 inline:%s|0", k);
	BAD("key lifetime is not a number or 2^N", "1 AES_CM_128_HMAC_SHA1_80 inline:%s|2^", k);
	BAD("key lifetime is not a number or 2^N", "1 AES_CM_128_HMAC_SHA1_80 inline:%s|2^x", k);
	BAD("key lifetime is not a number or 2^N", "1 AES_CM_128_HMAC_SHA1_80 inline:%s|forever", k);
	BAD("MKI length 0", "1 AES_CM_128_HMAC_SHA1_80 inline:%s|1:0", k);
	BAD("MKI longer than 4 bytes (not supported)", "1 AES_CM_128_HMAC_SHA1_80 inline:%s|1:5", k);
	BAD("MKI length is not a number 1..128", "1 AES_CM_128_HMAC_SHA1_80 inline:%s|1:129", k);
	BAD("MKI is not <value>:<length>", "1 AES_CM_128_HMAC_SHA1_80 inline:%s|1:", k);
	BAD("MKI is not <value>:<length>", "1 AES_CM_128_HMAC_SHA1_80 inline:%s|:4", k);
	BAD("MKI value does not fit its length", "1 AES_CM_128_HMAC_SHA1_80 inline:%s|256:1", k);
	BAD("MKI value does not fit its length", "1 AES_CM_128_HMAC_SHA1_80 inline:%s|65536:2", k);
	BAD("MKI value does not fit its length", "1 AES_CM_128_HMAC_SHA1_80 inline:%s|4294967296:4", k);
	BAD("MKI value is not a number", "1 AES_CM_128_HMAC_SHA1_80 inline:%s|a:4", k);
	BAD("empty field after '|'", "1 AES_CM_128_HMAC_SHA1_80 inline:%s|", k);
	BAD("empty field after '|'", "1 AES_CM_128_HMAC_SHA1_80 inline:%s|2^20|", k);
	BAD("too many '|' fields in the key parameter", "1 AES_CM_128_HMAC_SHA1_80 inline:%s|2^20|1:4|1:4", k);
	BAD("MKI is not <value>:<length>", "1 AES_CM_128_HMAC_SHA1_80 inline:%s|2^20|2^20", k);
	BAD("several inline keys without MKIs of one length", "1 AES_CM_128_HMAC_SHA1_80 inline:%s;inline:%s", k, k);
	BAD("several inline keys without MKIs of one length", "1 AES_CM_128_HMAC_SHA1_80 inline:%s|1:1;inline:%s|2:2", k, k);
	BAD("too many inline keys", "1 AES_CM_128_HMAC_SHA1_80 inline:%s|1:1;inline:%s|2:1;inline:%s|3:1;"
	    "inline:%s|4:1;inline:%s|5:1;inline:%s|6:1;inline:%s|7:1;inline:%s|8:1;inline:%s|9:1",
	    k, k, k, k, k, k, k, k, k);
	BAD("unknown session parameter", "1 AES_CM_128_HMAC_SHA1_80 inline:%s FOO", k);
	BAD("unknown session parameter", "1 AES_CM_128_HMAC_SHA1_80 inline:%s unencrypted_srtp", k);
	BAD("unknown session parameter", "1 AES_CM_128_HMAC_SHA1_80 inline:%s -", k);
	BAD("KDR other than 0 is not supported", "1 AES_CM_128_HMAC_SHA1_80 inline:%s KDR=1", k);
	BAD("KDR is not a number 0..24", "1 AES_CM_128_HMAC_SHA1_80 inline:%s KDR=25", k);
	BAD("KDR is not a number 0..24", "1 AES_CM_128_HMAC_SHA1_80 inline:%s KDR=", k);
	BAD("WSH is not a number of at least 64", "1 AES_CM_128_HMAC_SHA1_80 inline:%s WSH=10", k);
	BAD("FEC_ORDER is neither FEC_SRTP nor SRTP_FEC", "1 AES_CM_128_HMAC_SHA1_80 inline:%s FEC_ORDER=X", k);
	BAD("FEC_KEY is not supported", "1 AES_CM_128_HMAC_SHA1_80 inline:%s FEC_KEY=inline:%s", k, k);
	BAD("UNENCRYPTED_SRTP or UNAUTHENTICATED_SRTP with an AEAD suite", "1 AEAD_AES_128_GCM inline:%s UNENCRYPTED_SRTP", g);
	BAD("UNENCRYPTED_SRTP or UNAUTHENTICATED_SRTP with an AEAD suite", "1 AEAD_AES_128_GCM inline:%s UNAUTHENTICATED_SRTP", g);
	BAD("control character in crypto attribute", "1 AES_CM_128_HMAC_SHA1_80 inline:%s\r\n", k);
#undef BAD

	for (unsigned i = 0; i < n; i++) {
		struct mr_sdes_crypto c;
		const char *why = NULL;

		memset(&c, 0xa5, sizeof(c));
		ck_assert_msg(mr_sdes_crypto_parse(S(t[i].line), &c, &why) == -EBADMSG,
			      "accepted '%s'", t[i].line);
		ck_assert_msg(why && strcmp(why, t[i].why) == 0, "'%s': got '%s', want '%s'",
			      t[i].line, why ? why : "(null)", t[i].why);
		/* A rejected line leaves no key behind. */
		for (unsigned j = 0; j < sizeof(c.key); j++)
			ck_assert_uint_eq(c.key[j], 0);
	}
	free(t);
}
END_TEST

START_TEST(parse_bad_nul_and_length)
{
	uint8_t key[MR_SDES_KEY_MAX];
	char k[80], line[2048];
	struct mr_sdes_crypto c;
	const char *why;
	int n;

	make_key(MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, key, k, sizeof(k), false);
	n = snprintf(line, sizeof(line), "1 AES_CM_128_HMAC_SHA1_80 inline:%s", k);
	line[5] = '\0';	/* inside the suite name */
	ck_assert_int_eq(mr_sdes_crypto_parse(mr_str_make(line, (size_t)n), &c, &why), -EBADMSG);
	ck_assert_str_eq(why, "NUL byte in crypto attribute");

	/* Exactly MR_SDES_LINE_MAX is fine (padding with an ignorable extension)... */
	n = snprintf(line, sizeof(line), "1 AES_CM_128_HMAC_SHA1_80 inline:%s -", k);
	memset(line + n, 'x', MR_SDES_LINE_MAX - (size_t)n);
	ck_assert_int_eq(mr_sdes_crypto_parse(mr_str_make(line, MR_SDES_LINE_MAX), &c, &why), 0);
	/* ...one more byte is not. */
	line[MR_SDES_LINE_MAX] = 'x';
	ck_assert_int_eq(mr_sdes_crypto_parse(mr_str_make(line, MR_SDES_LINE_MAX + 1), &c, &why),
			 -EBADMSG);
	ck_assert_str_eq(why, "crypto attribute too long");
	ck_assert_int_eq(mr_sdes_crypto_parse(MR_STR_NULL, &c, NULL), -EBADMSG);
}
END_TEST

/* ---- format ---- */

START_TEST(format_roundtrip)
{
	for (unsigned s = 1; s < MR_SRTP_SUITE_COUNT; s++) {
		for (int pad = 0; pad < 2; pad++) {
			struct mr_sdes_crypto c, d;
			char line[256];
			const char *why;
			int n;

			ck_assert_int_eq(mr_sdes_crypto_new(s, s, s & 1 ? MR_SRTP_F_UNENCRYPTED_SRTCP : 0, &c), 0);
			c.mki = 3;
			c.mki_len = 2;
			n = mr_sdes_crypto_format(&c, pad, s == 2, line, sizeof(line));
			ck_assert_int_gt(n, 0);
			ck_assert_uint_eq(strlen(line), (size_t)n);
			ck_assert_msg(mr_sdes_crypto_parse(mr_str_make(line, (size_t)n), &d, &why) == 0,
				      "%s: %s", line, why);
			ck_assert_uint_eq(d.tag, c.tag);
			ck_assert_uint_eq(d.suite, c.suite);
			ck_assert_uint_eq(d.flags, c.flags);
			ck_assert_uint_eq(d.mki, 3);
			ck_assert_uint_eq(d.mki_len, 2);
			ck_assert_uint_eq(d.lifetime, s == 2 ? UINT64_C(1) << 31 : 0);
			ck_assert_int_eq(memcmp(d.key, c.key, c.key_len), 0);
			ck_assert(pad ? strchr(line, '=') != NULL || c.key_len % 3 == 0
				      : strchr(line, '=') == NULL);
		}
	}
}
END_TEST

START_TEST(format_exact)
{
	struct mr_sdes_crypto c;
	char line[128], small[20];

	memset(&c, 0, sizeof(c));
	c.tag = 2;
	c.suite = MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80;
	c.key_len = 30;
	memset(c.key, 0xff, 30);
	c.lifetime = 1000;
	c.flags = MR_SRTP_F_UNENCRYPTED_SRTP;
	ck_assert_int_gt(mr_sdes_crypto_format(&c, false, false, line, sizeof(line)), 0);
	ck_assert_str_eq(line, "2 AES_CM_128_HMAC_SHA1_80 inline:////////////////////////////////////////|1000 UNENCRYPTED_SRTP");
	c.lifetime = 1u << 20;
	ck_assert_int_gt(mr_sdes_crypto_format(&c, false, false, line, sizeof(line)), 0);
	ck_assert_ptr_nonnull(strstr(line, "|2^20 "));
	ck_assert_int_eq(mr_sdes_crypto_format(&c, false, false, small, sizeof(small)), -ENOSPC);
	ck_assert_str_eq(small, "");
	c.key_len = 28;
	ck_assert_int_eq(mr_sdes_crypto_format(&c, false, false, line, sizeof(line)), -EINVAL);
	c.key_len = 30;
	c.suite = 0;
	ck_assert_int_eq(mr_sdes_crypto_format(&c, false, false, line, sizeof(line)), -EINVAL);
}
END_TEST

/* ---- keys ---- */

START_TEST(keygen)
{
	for (unsigned s = 1; s < MR_SRTP_SUITE_COUNT; s++) {
		struct mr_sdes_crypto a, b;

		ck_assert_int_eq(mr_sdes_crypto_new(1, s, 0, &a), 0);
		ck_assert_int_eq(mr_sdes_crypto_new(1, s, 0, &b), 0);
		ck_assert_uint_eq(a.key_len, mr_sdes_suite_key_len(s));
		ck_assert_uint_eq(b.key_len, a.key_len);
		/* Two draws of >= 224 bits: equal only if the generator is broken. */
		ck_assert_int_ne(memcmp(a.key, b.key, a.key_len), 0);
		/* Nothing written past the key. */
		for (unsigned i = a.key_len; i < sizeof(a.key); i++)
			ck_assert_uint_eq(a.key[i], 0);
	}
	struct mr_sdes_crypto c;
	ck_assert_int_eq(mr_sdes_crypto_new(1, MR_SRTP_SUITE_AEAD_AES_256_GCM, MR_SRTP_F_ALL, &c), 0);
	ck_assert_uint_eq(c.flags, MR_SRTP_F_UNENCRYPTED_SRTCP);
	ck_assert_int_eq(mr_sdes_crypto_new(1, MR_SRTP_SUITE_AES_256_CM_HMAC_SHA1_80, MR_SRTP_F_ALL, &c), 0);
	ck_assert_uint_eq(c.flags, MR_SRTP_F_ALL);
	ck_assert_int_eq(mr_sdes_crypto_new(1, 0, 0, &c), -EINVAL);
	ck_assert_int_eq(mr_sdes_crypto_new(1, MR_SRTP_SUITE_COUNT, 0, &c), -EINVAL);
	ck_assert_int_eq(mr_sdes_crypto_new(1000000000, 1, 0, &c), -EINVAL);

	/* Large request: getrandom may return short reads above 256 bytes. */
	static uint8_t big[1 << 20];
	ck_assert_int_eq(mr_sdes_random(big, sizeof(big)), 0);
	unsigned zeros = 0;
	for (unsigned i = 0; i < sizeof(big); i++)
		zeros += big[i] == 0;
	ck_assert_uint_lt(zeros, sizeof(big) / 128);	/* ~1/256 expected */
}
END_TEST

START_TEST(answer_fresh_key)
{
	struct mr_sdes_crypto offered, ans;
	struct mr_srtp_spec spec;

	ck_assert_int_eq(mr_sdes_crypto_new(5, MR_SRTP_SUITE_AEAD_AES_128_GCM,
					    MR_SRTP_F_UNENCRYPTED_SRTCP, &offered), 0);
	offered.mki = 9;
	offered.mki_len = 1;
	offered.lifetime = 1u << 20;
	ck_assert_int_eq(mr_sdes_crypto_answer(&offered, &ans), 0);
	ck_assert_uint_eq(ans.tag, 5);
	ck_assert_uint_eq(ans.suite, MR_SRTP_SUITE_AEAD_AES_128_GCM);
	ck_assert_uint_eq(ans.flags, MR_SRTP_F_UNENCRYPTED_SRTCP);
	ck_assert_uint_eq(ans.mki_len, 0);
	ck_assert_uint_eq(ans.lifetime, 0);
	ck_assert_int_ne(memcmp(ans.key, offered.key, 28), 0);	/* never echoed */

	memset(&spec, 0xee, sizeof(spec));
	ck_assert_int_eq(mr_sdes_crypto_to_spec(&offered, &spec), 0);
	ck_assert_uint_eq(spec.suite, MR_SRTP_SUITE_AEAD_AES_128_GCM);
	ck_assert_uint_eq(spec.key_len, 28);
	ck_assert_uint_eq(spec.flags, MR_SRTP_F_UNENCRYPTED_SRTCP);
	ck_assert_uint_eq(spec.mki, 9);
	ck_assert_uint_eq(spec.mki_len, 1);
	ck_assert_int_eq(memcmp(spec.key, offered.key, 28), 0);
	for (unsigned i = 28; i < sizeof(spec.key); i++)
		ck_assert_uint_eq(spec.key[i], 0);
	offered.key_len = 30;
	ck_assert_int_eq(mr_sdes_crypto_to_spec(&offered, &spec), -EINVAL);
	offered.suite = 0;
	ck_assert_int_eq(mr_sdes_crypto_to_spec(&offered, &spec), -EINVAL);
}
END_TEST

/* ---- ng options and selection ---- */

START_TEST(opts_items)
{
	struct mr_sdes_opts o;

	mr_sdes_opts_init(&o);
	for (unsigned s = 1; s < MR_SRTP_SUITE_COUNT; s++)
		ck_assert(mr_sdes_opts_allows(&o, s));
	ck_assert(!mr_sdes_opts_allows(&o, 0));
	ck_assert_int_eq(mr_sdes_opts_add(&o, S("no-AES_CM_128_HMAC_SHA1_32")), 0);
	ck_assert(!mr_sdes_opts_allows(&o, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32));
	ck_assert(mr_sdes_opts_allows(&o, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80));
	/* only- wins over no-. */
	ck_assert_int_eq(mr_sdes_opts_add(&o, S("only-AES_CM_128_HMAC_SHA1_32")), 0);
	ck_assert_int_eq(mr_sdes_opts_add(&o, S("only-AEAD_AES_256_GCM")), 0);
	ck_assert(mr_sdes_opts_allows(&o, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32));
	ck_assert(mr_sdes_opts_allows(&o, MR_SRTP_SUITE_AEAD_AES_256_GCM));
	ck_assert(!mr_sdes_opts_allows(&o, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80));
	ck_assert_int_eq(mr_sdes_opts_add(&o, S("no-NULL_HMAC_SHA1_32")), -ENOENT);
	ck_assert_int_eq(mr_sdes_opts_add(&o, S("only-")), -EINVAL);
	ck_assert_int_eq(mr_sdes_opts_add(&o, S("bogus")), -EINVAL);
	ck_assert_int_eq(mr_sdes_opts_add(&o, S("Unencrypted_srtp")), -EINVAL);

	ck_assert_int_eq(mr_sdes_opts_add(&o, S("UNENCRYPTED_SRTP")), 0);
	ck_assert_int_eq(mr_sdes_opts_add(&o, S("unauthenticated_srtp")), 0);
	ck_assert_int_eq(mr_sdes_opts_add(&o, S("encrypted_srtcp")), 0);
	ck_assert_uint_eq(mr_sdes_opts_flags(&o, MR_SRTP_F_UNENCRYPTED_SRTCP),
			  MR_SRTP_F_UNENCRYPTED_SRTP | MR_SRTP_F_UNAUTHENTICATED_SRTP);
	ck_assert_int_eq(mr_sdes_opts_add(&o, S("authenticated_srtp")), 0);
	ck_assert_uint_eq(mr_sdes_opts_flags(&o, MR_SRTP_F_UNAUTHENTICATED_SRTP),
			  MR_SRTP_F_UNENCRYPTED_SRTP);

	ck_assert(!o.pad && !o.nonew && !o.lifetime && !o.off);
	ck_assert_int_eq(mr_sdes_opts_add(&o, S("pad")), 0);
	ck_assert_int_eq(mr_sdes_opts_add(&o, S("nonew")), 0);
	ck_assert_int_eq(mr_sdes_opts_add(&o, S("lifetime")), 0);
	ck_assert(o.pad && o.nonew && o.lifetime);
	for (const char *const *w = (const char *const[]){ "off", "no", "disable", NULL }; *w; w++) {
		mr_sdes_opts_init(&o);
		ck_assert_int_eq(mr_sdes_opts_add(&o, S(*w)), 0);
		ck_assert(o.off);
		ck_assert(!mr_sdes_opts_allows(&o, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80));
	}
}
END_TEST

/* Offered lines in this order: 32-bit tag (tag 1), a broken one, GCM-256 (3), 80 (4), dup tag 3. */
static void offer_set(struct mr_sdes_set *set)
{
	char lines[5][200];
	struct mr_str v[5];
	static const unsigned su[5] = {
		MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80,
		MR_SRTP_SUITE_AEAD_AES_256_GCM, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80,
		MR_SRTP_SUITE_AEAD_AES_128_GCM,
	};
	static const unsigned tag[5] = { 1, 2, 3, 4, 3 };

	for (unsigned i = 0; i < 5; i++) {
		uint8_t key[MR_SDES_KEY_MAX];
		char b64[80];

		make_key(su[i], key, b64, sizeof(b64), false);
		snprintf(lines[i], sizeof(lines[i]), "%u %s inline:%s%s", tag[i],
			 mr_sdes_suite_info(su[i])->name, i == 1 ? "" : b64, i == 1 ? "AA" : "");
		v[i] = S(lines[i]);
	}
	mr_sdes_set_parse(v, 5, set);
}

START_TEST(set_parse_and_select)
{
	struct mr_sdes_set set;
	struct mr_sdes_opts o;

	offer_set(&set);
	ck_assert_uint_eq(set.n, 3);
	ck_assert_uint_eq(set.c[0].tag, 1);
	ck_assert_uint_eq(set.c[1].tag, 3);
	ck_assert_uint_eq(set.c[2].tag, 4);
	ck_assert_uint_eq(set.line[1], 2);
	ck_assert_uint_eq(set.n_skipped, 2);
	ck_assert_uint_eq(set.skipped[0].line, 1);
	ck_assert_str_eq(set.skipped[0].why, "key length does not match the crypto suite");
	ck_assert_uint_eq(set.skipped[1].line, 4);
	ck_assert_str_eq(set.skipped[1].why, "duplicate tag");

	mr_sdes_opts_init(&o);
	ck_assert_int_eq(mr_sdes_set_select(&set, &o), 0);	/* the offerer's first */
	mr_sdes_opts_add(&o, S("no-AES_CM_128_HMAC_SHA1_32"));
	ck_assert_int_eq(mr_sdes_set_select(&set, &o), 1);
	mr_sdes_opts_add(&o, S("only-AES_CM_128_HMAC_SHA1_80"));
	ck_assert_int_eq(mr_sdes_set_select(&set, &o), 2);
	mr_sdes_opts_init(&o);
	mr_sdes_opts_add(&o, S("only-AEAD_AES_128_GCM"));
	ck_assert_int_eq(mr_sdes_set_select(&set, &o), -ENOENT);
	mr_sdes_opts_init(&o);
	mr_sdes_opts_add(&o, S("off"));
	ck_assert_int_eq(mr_sdes_set_select(&set, &o), -EACCES);

	mr_sdes_set_wipe(&set);
	for (unsigned i = 0; i < MR_SDES_MAX_CRYPTO; i++)
		for (unsigned j = 0; j < sizeof(set.c[i].key); j++)
			ck_assert_uint_eq(set.c[i].key[j], 0);

	/* Nothing usable at all: an SRTP-only leg has no crypto. */
	struct mr_str bad[2] = { S("1 AES_CM_128_HMAC_SHA1_80 inline:AAAA"), S("junk") };
	mr_sdes_set_parse(bad, 2, &set);
	ck_assert_uint_eq(set.n, 0);
	ck_assert_uint_eq(set.n_skipped, 2);
	mr_sdes_opts_init(&o);
	ck_assert_int_eq(mr_sdes_set_select(&set, &o), -ENOENT);
}
END_TEST

START_TEST(set_capacity)
{
	struct mr_str v[MR_SDES_MAX_CRYPTO + 3];
	char lines[MR_SDES_MAX_CRYPTO + 3][120];
	uint8_t key[MR_SDES_KEY_MAX];
	char b64[80];
	struct mr_sdes_set set;

	make_key(MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, key, b64, sizeof(b64), false);
	for (unsigned i = 0; i < MR_ARRAY_SIZE(v); i++) {
		snprintf(lines[i], sizeof(lines[i]), "%u AES_CM_128_HMAC_SHA1_80 inline:%s", i + 1, b64);
		v[i] = S(lines[i]);
	}
	mr_sdes_set_parse(v, MR_ARRAY_SIZE(v), &set);
	ck_assert_uint_eq(set.n, MR_SDES_MAX_CRYPTO);
	ck_assert_uint_eq(set.n_ignored, 3);
	ck_assert_uint_eq(set.n_skipped, 0);
}
END_TEST

START_TEST(offer_suites)
{
	struct mr_sdes_set set;
	struct mr_sdes_opts o;
	uint8_t s[8];
	unsigned n;

	/* Plain RTP in: every suite, mrelay's order. */
	mr_sdes_opts_init(&o);
	n = mr_sdes_offer_suites(NULL, &o, s, MR_ARRAY_SIZE(s));
	ck_assert_uint_eq(n, 5);
	ck_assert_uint_eq(s[0], MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80);
	ck_assert_uint_eq(s[1], MR_SRTP_SUITE_AEAD_AES_256_GCM);
	ck_assert_uint_eq(s[2], MR_SRTP_SUITE_AEAD_AES_128_GCM);
	ck_assert_uint_eq(s[3], MR_SRTP_SUITE_AES_256_CM_HMAC_SHA1_80);
	ck_assert_uint_eq(s[4], MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32);
	ck_assert_uint_eq(mr_sdes_offer_suites(NULL, &o, s, 2), 2);

	/* SDES in: the offerer's suites first, then the rest. */
	offer_set(&set);
	n = mr_sdes_offer_suites(&set, &o, s, MR_ARRAY_SIZE(s));
	ck_assert_uint_eq(n, 5);
	ck_assert_uint_eq(s[0], MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32);
	ck_assert_uint_eq(s[1], MR_SRTP_SUITE_AEAD_AES_256_GCM);
	ck_assert_uint_eq(s[2], MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80);
	ck_assert_uint_eq(s[3], MR_SRTP_SUITE_AEAD_AES_128_GCM);
	ck_assert_uint_eq(s[4], MR_SRTP_SUITE_AES_256_CM_HMAC_SHA1_80);

	mr_sdes_opts_add(&o, S("nonew"));
	mr_sdes_opts_add(&o, S("no-AEAD_AES_256_GCM"));
	n = mr_sdes_offer_suites(&set, &o, s, MR_ARRAY_SIZE(s));
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(s[0], MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32);
	ck_assert_uint_eq(s[1], MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80);

	mr_sdes_opts_init(&o);
	mr_sdes_opts_add(&o, S("only-AEAD_AES_128_GCM"));
	n = mr_sdes_offer_suites(&set, &o, s, MR_ARRAY_SIZE(s));
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(s[0], MR_SRTP_SUITE_AEAD_AES_128_GCM);

	mr_sdes_opts_add(&o, S("off"));
	ck_assert_uint_eq(mr_sdes_offer_suites(&set, &o, s, MR_ARRAY_SIZE(s)), 0);
	mr_sdes_set_wipe(&set);
}
END_TEST

static Suite *sdes_suite(void)
{
	Suite *s = suite_create("sdes");
	TCase *tc;

	tc = tcase_create("base64");
	tcase_add_test(tc, b64_rfc4648);
	tcase_add_test(tc, b64_bad);
	suite_add_tcase(s, tc);

	tc = tcase_create("parse");
	tcase_add_test(tc, suite_table);
	tcase_add_test(tc, parse_each_suite);
	tcase_add_test(tc, parse_rfc4568_example);
	tcase_add_test(tc, parse_params);
	tcase_add_test(tc, parse_several_keys);
	tcase_add_test(tc, parse_bad);
	tcase_add_test(tc, parse_bad_nul_and_length);
	suite_add_tcase(s, tc);

	tc = tcase_create("format");
	tcase_add_test(tc, format_roundtrip);
	tcase_add_test(tc, format_exact);
	suite_add_tcase(s, tc);

	tc = tcase_create("keys");
	tcase_add_test(tc, keygen);
	tcase_add_test(tc, answer_fresh_key);
	suite_add_tcase(s, tc);

	tc = tcase_create("negotiation");
	tcase_add_test(tc, opts_items);
	tcase_add_test(tc, set_parse_and_select);
	tcase_add_test(tc, set_capacity);
	tcase_add_test(tc, offer_suites);
	suite_add_tcase(s, tc);
	return s;
}

MR_CHECK_MAIN(sdes_suite)
