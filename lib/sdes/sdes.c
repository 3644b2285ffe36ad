/* SPDX-License-Identifier: BSD-3-Clause */
/* SDES (RFC 4568): a=crypto lines, keys, and the ng "SDES" options. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "sdes/sdes.h"
#include "shm/msg-t.h"

/*
 * Key and salt lengths: RFC 4568 section 6.2 (AES_CM_128_*), RFC 6188
 * (AES_256_CM_HMAC_SHA1_80), RFC 7714 section 12 (AEAD_*: 96-bit salt, 16-byte
 * tag). The _32 suite shortens only the SRTP tag; SRTCP keeps 80 bits
 * (RFC 4568 section 6.2.2).
 */
static const struct mr_sdes_suite_info suites[MR_SRTP_SUITE_COUNT] = {
	[MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80] = {
		"AES_CM_128_HMAC_SHA1_80", MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, 16, 14, 10, 10, false },
	[MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32] = {
		"AES_CM_128_HMAC_SHA1_32", MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32, 16, 14, 4, 10, false },
	[MR_SRTP_SUITE_AES_256_CM_HMAC_SHA1_80] = {
		"AES_256_CM_HMAC_SHA1_80", MR_SRTP_SUITE_AES_256_CM_HMAC_SHA1_80, 32, 14, 10, 10, false },
	[MR_SRTP_SUITE_AEAD_AES_128_GCM] = {
		"AEAD_AES_128_GCM", MR_SRTP_SUITE_AEAD_AES_128_GCM, 16, 12, 16, 16, true },
	[MR_SRTP_SUITE_AEAD_AES_256_GCM] = {
		"AEAD_AES_256_GCM", MR_SRTP_SUITE_AEAD_AES_256_GCM, 32, 12, 16, 16, true },
};

/* mrelay's order of preference for suites it adds to an offer. */
static const uint8_t offer_order[] = {
	MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80,
	MR_SRTP_SUITE_AEAD_AES_256_GCM,
	MR_SRTP_SUITE_AEAD_AES_128_GCM,
	MR_SRTP_SUITE_AES_256_CM_HMAC_SHA1_80,
	MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32,
};

static_assert(MR_SDES_KEY_MAX <= sizeof(((struct mr_srtp_spec *)0)->key), "spec key room");
static_assert(MR_SRTP_SUITE_COUNT <= 32, "suite masks are 32 bits");

const struct mr_sdes_suite_info *mr_sdes_suite_info(unsigned suite)
{
	if (suite == MR_SRTP_SUITE_NONE || suite >= MR_SRTP_SUITE_COUNT)
		return NULL;
	return &suites[suite];
}

const struct mr_sdes_suite_info *mr_sdes_suite_find(struct mr_str name)
{
	for (unsigned i = 1; i < MR_SRTP_SUITE_COUNT; i++)
		if (mr_str_eq_cstr(name, suites[i].name))
			return &suites[i];
	return NULL;
}

static const struct mr_sdes_suite_info *suite_find_nocase(struct mr_str name)
{
	for (unsigned i = 1; i < MR_SRTP_SUITE_COUNT; i++)
		if (mr_str_eq_nocase(name, suites[i].name))
			return &suites[i];
	return NULL;
}

unsigned mr_sdes_suite_key_len(unsigned suite)
{
	const struct mr_sdes_suite_info *si = mr_sdes_suite_info(suite);

	return si ? (unsigned)si->key_len + si->salt_len : 0;
}

/* ---- base64 ---- */

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int mr_sdes_base64_decode(struct mr_str in, uint8_t *out, size_t cap, size_t *out_len)
{
	size_t n = in.len, pad = 0, full, rem, need, o = 0;
	uint32_t acc = 0;

	if (n >= 1 && in.p[n - 1] == '=') {
		pad = (n >= 2 && in.p[n - 2] == '=') ? 2 : 1;
		if (n % 4 != 0)
			return -EBADMSG;	/* padded input comes in whole quanta */
		n -= pad;
	}
	rem = n % 4;
	if (rem == 1 || (pad && rem != 4 - pad))
		return -EBADMSG;
	full = n / 4;
	need = full * 3 + (rem ? rem - 1 : 0);
	if (need > cap)
		return -ENOSPC;
	for (size_t i = 0; i < n; i++) {
		int v = b64_value(in.p[i]);

		if (v < 0)
			return -EBADMSG;	/* also catches '=' inside */
		acc = (acc << 6) | (uint32_t)v;
		if (i % 4 == 3) {
			out[o++] = (uint8_t)(acc >> 16);
			out[o++] = (uint8_t)(acc >> 8);
			out[o++] = (uint8_t)acc;
			acc = 0;
		}
	}
	if (rem == 2) {
		if (acc & 0xf)
			return -EBADMSG;	/* non-canonical: unused bits set */
		out[o++] = (uint8_t)(acc >> 4);
	} else if (rem == 3) {
		if (acc & 0x3)
			return -EBADMSG;
		out[o++] = (uint8_t)(acc >> 10);
		out[o++] = (uint8_t)(acc >> 2);
	}
	*out_len = o;
	return 0;
}

int mr_sdes_base64_encode(const uint8_t *in, size_t len, bool pad, char *out, size_t size)
{
	size_t need = (len / 3) * 4, o = 0, i;

	if (len % 3)
		need += pad ? 4 : len % 3 + 1;
	if (size == 0)
		return -ENOSPC;
	if (need + 1 > size || need > INT32_MAX) {
		out[0] = '\0';
		return -ENOSPC;
	}
	for (i = 0; i + 3 <= len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];

		out[o++] = b64_alphabet[v >> 18];
		out[o++] = b64_alphabet[(v >> 12) & 63];
		out[o++] = b64_alphabet[(v >> 6) & 63];
		out[o++] = b64_alphabet[v & 63];
	}
	if (len - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;

		out[o++] = b64_alphabet[v >> 18];
		out[o++] = b64_alphabet[(v >> 12) & 63];
		if (pad) {
			out[o++] = '=';
			out[o++] = '=';
		}
	} else if (len - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;

		out[o++] = b64_alphabet[v >> 18];
		out[o++] = b64_alphabet[(v >> 12) & 63];
		out[o++] = b64_alphabet[(v >> 6) & 63];
		if (pad)
			out[o++] = '=';
	}
	out[o] = '\0';
	return (int)o;
}

/* ---- parsing ---- */

static bool is_ws(char c)
{
	return c == ' ' || c == '\t';
}

/* Next whitespace-separated token of *s (advanced past it); empty at the end. */
static struct mr_str next_token(struct mr_str *s)
{
	size_t i = 0, start;

	while (i < s->len && is_ws(s->p[i]))
		i++;
	start = i;
	while (i < s->len && !is_ws(s->p[i]))
		i++;
	struct mr_str t = mr_str_make(s->p + start, i - start);
	*s = mr_str_make(s->p + i, s->len - i);
	return t;
}

/* Split *s at the first c: returns the part before, *s becomes the rest. */
static struct mr_str split_at(struct mr_str *s, char c, bool *found)
{
	const char *q = s->len ? memchr(s->p, c, s->len) : NULL;
	struct mr_str head;

	if (!q) {
		head = *s;
		*s = mr_str_make(s->p + s->len, 0);
		*found = false;
		return head;
	}
	head = mr_str_make(s->p, (size_t)(q - s->p));
	*s = mr_str_make(q + 1, s->len - head.len - 1);
	*found = true;
	return head;
}

static int parse_lifetime(struct mr_str s, uint64_t *out, const char **why)
{
	uint64_t v;

	if (s.len > 2 && s.p[0] == '2' && s.p[1] == '^') {
		struct mr_str e = mr_str_make(s.p + 2, s.len - 2);

		if (e.len > 2 || mr_str_to_u64(e, 64, &v) != 0) {
			*why = "key lifetime is not a number or 2^N";
			return -EBADMSG;
		}
		if (v > 48) {
			*why = "key lifetime above 2^48";
			return -EBADMSG;
		}
		*out = UINT64_C(1) << v;
		return 0;
	}
	if (s.len > 20 || mr_str_to_u64(s, UINT64_MAX, &v) != 0) {
		*why = s.len > 20 ? "key lifetime above 2^48" : "key lifetime is not a number or 2^N";
		return -EBADMSG;
	}
	if (v == 0) {
		*why = "key lifetime 0";
		return -EBADMSG;
	}
	if (v > MR_SDES_LIFETIME_MAX) {
		*why = "key lifetime above 2^48";
		return -EBADMSG;
	}
	*out = v;
	return 0;
}

static int parse_mki(struct mr_str s, uint32_t *value, uint8_t *len, const char **why)
{
	bool found;
	struct mr_str v = split_at(&s, ':', &found);
	uint64_t val, l;

	if (!found || v.len == 0 || s.len == 0) {
		*why = "MKI is not <value>:<length>";
		return -EBADMSG;
	}
	if (s.len > 3 || mr_str_to_u64(s, 128, &l) != 0) {
		*why = "MKI length is not a number 1..128";
		return -EBADMSG;
	}
	if (l == 0) {
		*why = "MKI length 0";
		return -EBADMSG;
	}
	if (l > MR_SDES_MKI_MAX_LEN) {
		*why = "MKI longer than 4 bytes (not supported)";
		return -EBADMSG;
	}
	if (v.len > 20 || mr_str_to_u64(v, UINT64_MAX, &val) != 0) {
		*why = v.len > 20 ? "MKI value does not fit its length" : "MKI value is not a number";
		return -EBADMSG;
	}
	if (val >> (8 * l)) {
		*why = "MKI value does not fit its length";
		return -EBADMSG;
	}
	*value = (uint32_t)val;
	*len = (uint8_t)l;
	return 0;
}

/* One "inline:<key>[|lifetime][|mki:len]" against the suite. */
static int parse_key_param(struct mr_str kp, const struct mr_sdes_suite_info *si,
			   uint8_t *key, uint64_t *lifetime, uint32_t *mki, uint8_t *mki_len,
			   const char **why)
{
	static const char method[] = "inline:";
	struct mr_str rest, part;
	size_t klen;
	bool more;
	int rc;

	*lifetime = 0;
	*mki = 0;
	*mki_len = 0;
	if (kp.len < sizeof(method) - 1 || memcmp(kp.p, method, sizeof(method) - 1) != 0) {
		*why = "key method is not inline:";
		return -EBADMSG;
	}
	rest = mr_str_make(kp.p + sizeof(method) - 1, kp.len - (sizeof(method) - 1));
	part = split_at(&rest, '|', &more);
	if (part.len == 0) {
		*why = "empty key";
		return -EBADMSG;
	}
	rc = mr_sdes_base64_decode(part, key, MR_SDES_KEY_MAX, &klen);
	if (rc == -ENOSPC || (rc == 0 && klen != (size_t)si->key_len + si->salt_len)) {
		*why = "key length does not match the crypto suite";
		return -EBADMSG;
	}
	if (rc != 0) {
		*why = "key is not valid base64";
		return -EBADMSG;
	}
	if (!more)
		return 0;
	part = split_at(&rest, '|', &more);
	if (part.len && !memchr(part.p, ':', part.len)) {
		rc = parse_lifetime(part, lifetime, why);
		if (rc)
			return rc;
		if (!more)
			return 0;
		part = split_at(&rest, '|', &more);
	}
	if (part.len == 0) {
		*why = "empty field after '|'";
		return -EBADMSG;
	}
	rc = parse_mki(part, mki, mki_len, why);
	if (rc)
		return rc;
	if (more) {
		*why = "too many '|' fields in the key parameter";
		return -EBADMSG;
	}
	return 0;
}

static bool param_eq(struct mr_str p, const char *name)
{
	return mr_str_eq_cstr(p, name);
}

static int parse_session_param(struct mr_str p, struct mr_sdes_crypto *c, const char **why)
{
	uint64_t v;

	if (param_eq(p, "UNENCRYPTED_SRTP")) {
		c->flags |= MR_SRTP_F_UNENCRYPTED_SRTP;
	} else if (param_eq(p, "UNENCRYPTED_SRTCP")) {
		c->flags |= MR_SRTP_F_UNENCRYPTED_SRTCP;
	} else if (param_eq(p, "UNAUTHENTICATED_SRTP")) {
		c->flags |= MR_SRTP_F_UNAUTHENTICATED_SRTP;
	} else if (mr_str_has_prefix(p, "KDR=")) {
		struct mr_str n = mr_str_make(p.p + 4, p.len - 4);

		if (n.len > 2 || mr_str_to_u64(n, 24, &v) != 0) {
			*why = "KDR is not a number 0..24";
			return -EBADMSG;
		}
		if (v != 0) {
			*why = "KDR other than 0 is not supported";
			return -EBADMSG;
		}
	} else if (mr_str_has_prefix(p, "WSH=")) {
		struct mr_str n = mr_str_make(p.p + 4, p.len - 4);

		if (n.len > 10 || mr_str_to_u64(n, UINT32_MAX, &v) != 0 || v < 64) {
			*why = "WSH is not a number of at least 64";
			return -EBADMSG;
		}
		c->wsh = (uint32_t)v;
	} else if (mr_str_has_prefix(p, "FEC_ORDER=")) {
		struct mr_str n = mr_str_make(p.p + 10, p.len - 10);

		if (!param_eq(n, "FEC_SRTP") && !param_eq(n, "SRTP_FEC")) {
			*why = "FEC_ORDER is neither FEC_SRTP nor SRTP_FEC";
			return -EBADMSG;
		}
	} else if (mr_str_has_prefix(p, "FEC_KEY=")) {
		*why = "FEC_KEY is not supported";
		return -EBADMSG;
	} else if (p.len > 1 && p.p[0] == '-') {
		/* An extension its sender marked optional: ignore it. */
	} else {
		*why = "unknown session parameter";
		return -EBADMSG;
	}
	return 0;
}

int mr_sdes_crypto_parse(struct mr_str value, struct mr_sdes_crypto *out, const char **why)
{
	const char *dummy;
	struct mr_sdes_crypto c;
	struct mr_str s = value, tok, kps;
	const struct mr_sdes_suite_info *si;
	uint8_t key[MR_SDES_KEY_MAX];
	uint64_t v;
	int rc = -EBADMSG;

	if (!why)
		why = &dummy;
	*why = NULL;
	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	if (value.len == 0 || !value.p) {
		*why = "empty crypto attribute";
		return -EBADMSG;
	}
	if (value.len > MR_SDES_LINE_MAX) {
		*why = "crypto attribute too long";
		return -EBADMSG;
	}
	for (size_t i = 0; i < value.len; i++) {
		unsigned char ch = (unsigned char)value.p[i];

		if (ch == 0) {
			*why = "NUL byte in crypto attribute";
			return -EBADMSG;
		}
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
			*why = "control character in crypto attribute";
			return -EBADMSG;
		}
	}

	tok = next_token(&s);
	if (tok.len == 0 || tok.len > 9 || mr_str_to_u64(tok, 999999999, &v) != 0) {
		*why = "tag is not a number of 1 to 9 digits";
		return -EBADMSG;
	}
	c.tag = (uint32_t)v;

	tok = next_token(&s);
	if (tok.len == 0) {
		*why = "no crypto suite";
		return -EBADMSG;
	}
	si = mr_sdes_suite_find(tok);
	if (!si) {
		*why = "unknown crypto suite";
		return -EBADMSG;
	}
	c.suite = si->suite;
	c.key_len = (uint8_t)(si->key_len + si->salt_len);

	kps = next_token(&s);
	if (kps.len == 0) {
		*why = "no key parameters";
		return -EBADMSG;
	}
	/* key-params: one or more "inline:..." joined by ';'. */
	for (;;) {
		bool more;
		struct mr_str kp = split_at(&kps, ';', &more);
		uint64_t lifetime;
		uint32_t mki;
		uint8_t mki_len;

		if (c.n_keys == MR_SDES_MAX_KEYS) {
			*why = "too many inline keys";
			rc = -EBADMSG;
			goto out;
		}
		rc = parse_key_param(kp, si, key, &lifetime, &mki, &mki_len, why);
		if (rc)
			goto out;
		if (c.n_keys == 0) {
			memcpy(c.key, key, c.key_len);
			c.lifetime = lifetime;
			c.mki = mki;
			c.mki_len = mki_len;
		} else if (mki_len == 0 || c.mki_len == 0 || mki_len != c.mki_len) {
			/* RFC 4568 section 6.1: several keys need MKIs of one length. */
			*why = "several inline keys without MKIs of one length";
			rc = -EBADMSG;
			goto out;
		}
		c.n_keys++;
		if (!more)
			break;
	}

	for (tok = next_token(&s); tok.len; tok = next_token(&s)) {
		rc = parse_session_param(tok, &c, why);
		if (rc)
			goto out;
	}
	/* AEAD always encrypts and authenticates SRTP (RFC 7714); only SRTCP may go unencrypted. */
	if (si->aead && (c.flags & (MR_SRTP_F_UNENCRYPTED_SRTP | MR_SRTP_F_UNAUTHENTICATED_SRTP))) {
		*why = "UNENCRYPTED_SRTP or UNAUTHENTICATED_SRTP with an AEAD suite";
		rc = -EBADMSG;
		goto out;
	}
	*out = c;
	rc = 0;
out:
	mr_memzero_explicit(key, sizeof(key));
	mr_memzero_explicit(&c, sizeof(c));
	return rc;
}

/* ---- writing ---- */

static int append(char *buf, size_t size, size_t *off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int append(char *buf, size_t size, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + *off, size - *off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - *off)
		return -ENOSPC;
	*off += (size_t)n;
	return 0;
}

int mr_sdes_crypto_format(const struct mr_sdes_crypto *c, bool pad, bool lifetime,
			  char *buf, size_t size)
{
	const struct mr_sdes_suite_info *si = mr_sdes_suite_info(c->suite);
	char key[72];
	size_t off = 0;
	int rc;

	if (size == 0)
		return -ENOSPC;
	buf[0] = '\0';
	if (!si || c->key_len != si->key_len + si->salt_len || c->tag > 999999999 ||
	    c->mki_len > MR_SDES_MKI_MAX_LEN ||
	    (c->mki_len && c->mki_len < 4 && (c->mki >> (8 * c->mki_len))))
		return -EINVAL;
	rc = mr_sdes_base64_encode(c->key, c->key_len, pad, key, sizeof(key));
	if (rc < 0)
		return -EINVAL;
	rc = append(buf, size, &off, "%u %s inline:%s", (unsigned)c->tag, si->name, key);
	mr_memzero_explicit(key, sizeof(key));
	if (rc == 0 && lifetime)
		rc = append(buf, size, &off, "|2^31");
	else if (rc == 0 && c->lifetime) {
		uint64_t l = c->lifetime;

		if ((l & (l - 1)) == 0)
			rc = append(buf, size, &off, "|2^%d", __builtin_ctzll(l));
		else
			rc = append(buf, size, &off, "|%llu", (unsigned long long)l);
	}
	if (rc == 0 && c->mki_len)
		rc = append(buf, size, &off, "|%u:%u", (unsigned)c->mki, (unsigned)c->mki_len);
	if (rc == 0 && (c->flags & MR_SRTP_F_UNENCRYPTED_SRTCP))
		rc = append(buf, size, &off, " UNENCRYPTED_SRTCP");
	if (rc == 0 && (c->flags & MR_SRTP_F_UNENCRYPTED_SRTP))
		rc = append(buf, size, &off, " UNENCRYPTED_SRTP");
	if (rc == 0 && (c->flags & MR_SRTP_F_UNAUTHENTICATED_SRTP))
		rc = append(buf, size, &off, " UNAUTHENTICATED_SRTP");
	if (rc) {
		mr_memzero_explicit(buf, size);
		return rc;
	}
	return (int)off;
}

void mr_sdes_crypto_wipe(struct mr_sdes_crypto *c)
{
	mr_memzero_explicit(c->key, sizeof(c->key));
}

/* ---- keys ---- */

int mr_sdes_random(void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = getrandom(p + done, len - done, 0);

		if (n < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			mr_memzero_explicit(buf, len);
			return -e;
		}
		done += (size_t)n;
	}
	return 0;
}

int mr_sdes_crypto_new(uint32_t tag, unsigned suite, unsigned flags, struct mr_sdes_crypto *out)
{
	unsigned klen = mr_sdes_suite_key_len(suite);
	int rc;

	memset(out, 0, sizeof(*out));
	if (klen == 0 || tag > 999999999)
		return -EINVAL;
	out->tag = tag;
	out->suite = (uint8_t)suite;
	out->key_len = (uint8_t)klen;
	out->flags = (uint8_t)(flags & MR_SRTP_F_ALL);
	if (mr_sdes_suite_info(suite)->aead)
		out->flags &= MR_SRTP_F_UNENCRYPTED_SRTCP;
	out->n_keys = 1;
	rc = mr_sdes_random(out->key, klen);
	if (rc)
		memset(out, 0, sizeof(*out));
	return rc;
}

int mr_sdes_crypto_answer(const struct mr_sdes_crypto *offered, struct mr_sdes_crypto *out)
{
	return mr_sdes_crypto_new(offered->tag, offered->suite, offered->flags, out);
}

int mr_sdes_crypto_to_spec(const struct mr_sdes_crypto *c, struct mr_srtp_spec *spec)
{
	unsigned klen = mr_sdes_suite_key_len(c->suite);

	if (klen == 0 || c->key_len != klen || c->mki_len > MR_SDES_MKI_MAX_LEN)
		return -EINVAL;
	mr_memzero_explicit(spec, sizeof(*spec));
	spec->suite = c->suite;
	spec->key_len = c->key_len;
	spec->flags = c->flags & MR_SRTP_F_ALL;
	spec->mki_len = c->mki_len;
	spec->mki = c->mki;
	spec->lifetime = c->lifetime;
	memcpy(spec->key, c->key, klen);
	return 0;
}

/* ---- ng options ---- */

void mr_sdes_opts_init(struct mr_sdes_opts *o)
{
	memset(o, 0, sizeof(*o));
}

/* "name" in all lower or all upper case. */
static bool eq_lower_or_upper(struct mr_str s, const char *lower)
{
	size_t n = strlen(lower);
	bool lo = true, up = true;

	if (s.len != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char l = lower[i];
		char u = (l >= 'a' && l <= 'z') ? (char)(l - 'a' + 'A') : l;

		lo = lo && s.p[i] == l;
		up = up && s.p[i] == u;
	}
	return lo || up;
}

int mr_sdes_opts_add(struct mr_sdes_opts *o, struct mr_str item)
{
	static const struct {
		const char *name;
		uint8_t flag;
		bool set;
	} params[] = {
		{ "unencrypted_srtp", MR_SRTP_F_UNENCRYPTED_SRTP, true },
		{ "unencrypted_srtcp", MR_SRTP_F_UNENCRYPTED_SRTCP, true },
		{ "unauthenticated_srtp", MR_SRTP_F_UNAUTHENTICATED_SRTP, true },
		{ "encrypted_srtp", MR_SRTP_F_UNENCRYPTED_SRTP, false },
		{ "encrypted_srtcp", MR_SRTP_F_UNENCRYPTED_SRTCP, false },
		{ "authenticated_srtp", MR_SRTP_F_UNAUTHENTICATED_SRTP, false },
	};

	if (mr_str_eq_cstr(item, "off") || mr_str_eq_cstr(item, "no") ||
	    mr_str_eq_cstr(item, "disable")) {
		o->off = true;
		return 0;
	}
	if (mr_str_eq_cstr(item, "nonew")) {
		o->nonew = true;
		return 0;
	}
	if (mr_str_eq_cstr(item, "pad")) {
		o->pad = true;
		return 0;
	}
	if (mr_str_eq_cstr(item, "lifetime")) {
		o->lifetime = true;
		return 0;
	}
	for (unsigned i = 0; i < MR_ARRAY_SIZE(params); i++) {
		if (!eq_lower_or_upper(item, params[i].name))
			continue;
		if (params[i].set) {
			o->set_flags |= params[i].flag;
			o->clear_flags &= (uint8_t)~params[i].flag;
		} else {
			o->clear_flags |= params[i].flag;
			o->set_flags &= (uint8_t)~params[i].flag;
		}
		return 0;
	}
	if (mr_str_has_prefix(item, "no-") || mr_str_has_prefix(item, "only-")) {
		bool only = item.p[0] == 'o';
		size_t skip = only ? 5 : 3;
		const struct mr_sdes_suite_info *si =
			suite_find_nocase(mr_str_make(item.p + skip, item.len - skip));

		if (item.len == skip)
			return -EINVAL;
		if (!si)
			return -ENOENT;
		if (only)
			o->only_mask |= 1u << si->suite;
		else
			o->no_mask |= 1u << si->suite;
		return 0;
	}
	return -EINVAL;
}

bool mr_sdes_opts_allows(const struct mr_sdes_opts *o, unsigned suite)
{
	if (suite == MR_SRTP_SUITE_NONE || suite >= MR_SRTP_SUITE_COUNT || o->off)
		return false;
	if (o->only_mask)
		return (o->only_mask >> suite) & 1;
	return !((o->no_mask >> suite) & 1);
}

unsigned mr_sdes_opts_flags(const struct mr_sdes_opts *o, unsigned received)
{
	return ((received | o->set_flags) & ~(unsigned)o->clear_flags) & MR_SRTP_F_ALL;
}

/* ---- one media section ---- */

void mr_sdes_set_parse(const struct mr_str *values, unsigned n_values, struct mr_sdes_set *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < n_values; i++) {
		struct mr_sdes_crypto c;
		const char *why = NULL;
		bool dup = false;

		if (i >= MR_SDES_MAX_CRYPTO) {
			out->n_ignored++;
			continue;
		}
		if (mr_sdes_crypto_parse(values[i], &c, &why) == 0) {
			for (unsigned j = 0; j < out->n && !dup; j++)
				dup = out->c[j].tag == c.tag;
			if (!dup) {
				out->line[out->n] = (uint8_t)i;
				out->c[out->n++] = c;
				mr_sdes_crypto_wipe(&c);
				continue;
			}
			why = "duplicate tag";
			mr_sdes_crypto_wipe(&c);
		}
		out->skipped[out->n_skipped].line = (uint8_t)i;
		out->skipped[out->n_skipped++].why = why;
	}
}

void mr_sdes_set_wipe(struct mr_sdes_set *s)
{
	for (unsigned i = 0; i < MR_SDES_MAX_CRYPTO; i++)
		mr_sdes_crypto_wipe(&s->c[i]);
}

int mr_sdes_set_select(const struct mr_sdes_set *s, const struct mr_sdes_opts *o)
{
	if (o->off)
		return -EACCES;
	for (unsigned i = 0; i < s->n; i++)
		if (mr_sdes_opts_allows(o, s->c[i].suite))
			return (int)i;
	return -ENOENT;
}

unsigned mr_sdes_offer_suites(const struct mr_sdes_set *received, const struct mr_sdes_opts *o,
			      uint8_t *suites_out, unsigned cap)
{
	uint32_t seen = 0;
	unsigned n = 0;

	if (o->off)
		return 0;
	for (unsigned i = 0; received && i < received->n && n < cap; i++) {
		unsigned s = received->c[i].suite;

		if (!mr_sdes_opts_allows(o, s) || ((seen >> s) & 1))
			continue;
		seen |= 1u << s;
		suites_out[n++] = (uint8_t)s;
	}
	if (o->nonew && received)
		return n;
	for (unsigned i = 0; i < MR_ARRAY_SIZE(offer_order) && n < cap; i++) {
		unsigned s = offer_order[i];

		if (!mr_sdes_opts_allows(o, s) || ((seen >> s) & 1))
			continue;
		seen |= 1u << s;
		suites_out[n++] = (uint8_t)s;
	}
	return n;
}
