/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dataplane's libsrtp wrapper. libsrtp 2.5 on OpenSSL: a session holds
 * a template for "any SSRC" and clones it into a stream the first time an
 * SSRC protects or authenticates (an allocation, bounded per session by
 * DP_SRTP_MAX_SSRC); after that, protect and unprotect work on
 * preallocated cipher and MAC contexts.
 *
 * libsrtp's own OpenSSL HMAC-SHA1 restarts each packet's MAC with
 * HMAC_Init_ex, which in OpenSSL 3.0 duplicates the digest context: two
 * malloc/free pairs per packet. dp_srtp_global_init() therefore replaces
 * libsrtp's HMAC-SHA1 (srtp_replace_auth_type, libsrtp's interface for
 * this) with the one below: the same RFC 2104 HMAC over OpenSSL's SHA-1,
 * its inner and outer states keyed once per session and copied by value per
 * packet. libsrtp self-tests it when it is installed (RFC 2202 case 1), and
 * the unit tests check every HMAC suite against RFC 3711 vectors.
 */
#define OPENSSL_SUPPRESS_DEPRECATED	/* SHA1_Init & co.: the allocation-free SHA-1 API */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <srtp2/auth.h>
#include <srtp2/crypto_types.h>
#include <srtp2/srtp.h>

#include "common/mr_str.h"
#include "drop-t.h"
#include "sdes/sdes.h"
#include "shm/msg-t.h"
#include "shm/shm-t.h"
#include "srtp.h"

/* ---- HMAC-SHA1 for libsrtp without allocation per packet ---- */

struct hmac_state {
	SHA_CTX inner;		/* after key XOR ipad */
	SHA_CTX outer;		/* after key XOR opad */
	SHA_CTX work;		/* this packet's inner hash */
};

static const srtp_auth_type_t hmac_type;

static srtp_err_status_t hmac_alloc(srtp_auth_t **ap, int key_len, int out_len)
{
	struct {
		srtp_auth_t a;
		struct hmac_state st;
	} *p;

	if (key_len < 0 || key_len > SHA_CBLOCK || out_len < 0 || out_len > SHA_DIGEST_LENGTH)
		return srtp_err_status_bad_param;
	p = calloc(1, sizeof(*p));
	if (!p)
		return srtp_err_status_alloc_fail;
	p->a.type = &hmac_type;
	p->a.state = &p->st;
	p->a.out_len = out_len;
	p->a.key_len = key_len;
	p->a.prefix_len = 0;
	*ap = &p->a;
	return srtp_err_status_ok;
}

static srtp_err_status_t hmac_dealloc(srtp_auth_t *a)
{
	/* The state follows the header in the same block (hmac_alloc). */
	mr_memzero_explicit(a->state, sizeof(struct hmac_state));
	free(a);
	return srtp_err_status_ok;
}

static srtp_err_status_t hmac_init(void *state, const uint8_t *key, int key_len)
{
	struct hmac_state *h = state;
	uint8_t ipad[SHA_CBLOCK], opad[SHA_CBLOCK];

	if (key_len < 0 || key_len > SHA_CBLOCK)
		return srtp_err_status_bad_param;
	memset(ipad, 0x36, sizeof(ipad));
	memset(opad, 0x5c, sizeof(opad));
	for (int i = 0; i < key_len; i++) {
		ipad[i] ^= key[i];
		opad[i] ^= key[i];
	}
	if (!SHA1_Init(&h->inner) || !SHA1_Update(&h->inner, ipad, sizeof(ipad)) ||
	    !SHA1_Init(&h->outer) || !SHA1_Update(&h->outer, opad, sizeof(opad))) {
		mr_memzero_explicit(ipad, sizeof(ipad));
		mr_memzero_explicit(opad, sizeof(opad));
		return srtp_err_status_auth_fail;
	}
	h->work = h->inner;
	mr_memzero_explicit(ipad, sizeof(ipad));
	mr_memzero_explicit(opad, sizeof(opad));
	return srtp_err_status_ok;
}

static srtp_err_status_t hmac_start(void *state)
{
	struct hmac_state *h = state;

	h->work = h->inner;
	return srtp_err_status_ok;
}

static srtp_err_status_t hmac_update(void *state, const uint8_t *buf, int len)
{
	struct hmac_state *h = state;

	if (len < 0 || !SHA1_Update(&h->work, buf, (size_t)len))
		return srtp_err_status_auth_fail;
	return srtp_err_status_ok;
}

static srtp_err_status_t hmac_compute(void *state, const uint8_t *buf, int len, int tag_len,
				      uint8_t *tag)
{
	struct hmac_state *h = state;
	uint8_t md[SHA_DIGEST_LENGTH];
	SHA_CTX o;

	if (len < 0 || tag_len < 0 || tag_len > SHA_DIGEST_LENGTH)
		return srtp_err_status_bad_param;
	o = h->outer;
	if (!SHA1_Update(&h->work, buf, (size_t)len) || !SHA1_Final(md, &h->work) ||
	    !SHA1_Update(&o, md, sizeof(md)) || !SHA1_Final(md, &o))
		return srtp_err_status_auth_fail;
	memcpy(tag, md, (size_t)tag_len);
	return srtp_err_status_ok;
}

/* RFC 2202 section 3, test case 1: libsrtp runs it when the type is installed. */
static const uint8_t rfc2202_key[20] = {
	0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
	0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
};
static const uint8_t rfc2202_data[8] = { 'H', 'i', ' ', 'T', 'h', 'e', 'r', 'e' };
static const uint8_t rfc2202_digest[20] = {
	0xb6, 0x17, 0x31, 0x86, 0x55, 0x05, 0x72, 0x64, 0xe2, 0x8b,
	0xc0, 0xb6, 0xfb, 0x37, 0x8c, 0x8e, 0xf1, 0x46, 0xbe, 0x00,
};
static const srtp_auth_test_case_t hmac_test = {
	sizeof(rfc2202_key), rfc2202_key, sizeof(rfc2202_data), rfc2202_data,
	sizeof(rfc2202_digest), rfc2202_digest, NULL,
};

static const srtp_auth_type_t hmac_type = {
	hmac_alloc, hmac_dealloc, hmac_init, hmac_compute, hmac_update, hmac_start,
	"HMAC-SHA1 (OpenSSL SHA-1, keyed once per session)", &hmac_test, SRTP_HMAC_SHA1,
};

/* ---- sessions and packets ---- */

/* libsrtp crypto policies per suite; SRTCP keeps an 80-bit tag with _32 (RFC 4568 6.2.2). */
static const struct {
	void (*rtp)(srtp_crypto_policy_t *);
	void (*rtcp)(srtp_crypto_policy_t *);
} policy_of[MR_SRTP_SUITE_COUNT] = {
	[MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80] = {
		srtp_crypto_policy_set_rtp_default, srtp_crypto_policy_set_rtcp_default },
	[MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32] = {
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32, srtp_crypto_policy_set_rtcp_default },
	[MR_SRTP_SUITE_AES_256_CM_HMAC_SHA1_80] = {
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80,
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80 },
	[MR_SRTP_SUITE_AEAD_AES_128_GCM] = {
		srtp_crypto_policy_set_aes_gcm_128_16_auth, srtp_crypto_policy_set_aes_gcm_128_16_auth },
	[MR_SRTP_SUITE_AEAD_AES_256_GCM] = {
		srtp_crypto_policy_set_aes_gcm_256_16_auth, srtp_crypto_policy_set_aes_gcm_256_16_auth },
};

/* The one conversion of libsrtp's status codes. */
static int srtp_status_errno(srtp_err_status_t st)
{
	switch (st) {
	case srtp_err_status_ok:
		return 0;
	case srtp_err_status_auth_fail:
	case srtp_err_status_cant_check:	/* SRTCP E bit contradicts the session: forged */
		return -EBADMSG;
	case srtp_err_status_replay_fail:
	case srtp_err_status_replay_old:
		return -EALREADY;
	case srtp_err_status_bad_param:
	case srtp_err_status_parse_err:
	case srtp_err_status_bad_mki:
		return -EINVAL;
	case srtp_err_status_alloc_fail:
		return -ENOMEM;
	case srtp_err_status_key_expired:
		return -EKEYEXPIRED;
	case srtp_err_status_no_ctx:
		return -ENOENT;
	default:
		return -EIO;
	}
}

enum dp_drop dp_srtp_drop_reason(int rc)
{
	switch (rc) {
	case -EBADMSG:
		return DP_DROP_SRTP_AUTH;
	case -EALREADY:
		return DP_DROP_SRTP_REPLAY;
	case -EPROTO:
		return DP_DROP_SRTP_PLAIN;
	case -EUSERS:
		return DP_DROP_SRTP_SSRC_LIMIT;
	case -EKEYEXPIRED:
		return DP_DROP_SRTP_KEY_USED_UP;
	default:
		return DP_DROP_SRTP_OTHER;
	}
}

int dp_srtp_event_index(int libsrtp_event)
{
	switch (libsrtp_event) {
	case event_ssrc_collision:
		return MR_SRTP_EV_SSRC_COLLISION;
	case event_key_soft_limit:
		return MR_SRTP_EV_KEY_SOFT_LIMIT;
	case event_key_hard_limit:
		return MR_SRTP_EV_KEY_HARD_LIMIT;
	case event_packet_index_limit:
		return MR_SRTP_EV_PACKET_INDEX_LIMIT;
	default:
		return -1;
	}
}

/*
 * libsrtp reports SSRC collisions and key limits here, from inside protect
 * or unprotect on the lcore using the session: count, never log.
 */
static void on_event(srtp_event_data_t *ev)
{
	struct dp_srtp *s = ev && ev->session ? srtp_get_user_data(ev->session) : NULL;
	int i;

	if (!s)
		return;
	s->events++;
	i = dp_srtp_event_index((int)ev->event);
	if (s->ev && i >= 0)
		s->ev[i]++;
}

int dp_srtp_global_init(void)
{
	if (srtp_init() != srtp_err_status_ok)
		return -EIO;
	if (srtp_install_event_handler(on_event) != srtp_err_status_ok ||
	    srtp_replace_auth_type(&hmac_type, SRTP_HMAC_SHA1) != srtp_err_status_ok) {
		srtp_shutdown();
		return -EIO;
	}
	return 0;
}

void dp_srtp_global_fini(void)
{
	srtp_shutdown();
}

int dp_srtp_session_init(struct dp_srtp *s, struct mr_srtp_spec *spec, bool outbound)
{
	const struct mr_sdes_suite_info *si = mr_sdes_suite_info(spec->suite);
	uint8_t key[MR_SDES_KEY_MAX];
	uint8_t mki_id[MR_SDES_MKI_MAX_LEN];
	srtp_master_key_t mk, *mks[1] = { &mk };
	srtp_policy_t pol;
	srtp_t ctx = NULL;
	srtp_err_status_t st;
	int rc = 0;

	memset(s, 0, sizeof(*s));
	if (spec->suite == MR_SRTP_SUITE_NONE)
		goto out;
	if (!si || spec->key_len != si->key_len + si->salt_len ||
	    spec->mki_len > MR_SDES_MKI_MAX_LEN || (spec->flags & ~MR_SRTP_F_ALL)) {
		rc = -EINVAL;
		goto out;
	}
	if (si->aead && (spec->flags & (MR_SRTP_F_UNENCRYPTED_SRTP | MR_SRTP_F_UNAUTHENTICATED_SRTP))) {
		rc = -ENOTSUP;
		goto out;
	}
	memcpy(key, spec->key, spec->key_len);

	memset(&pol, 0, sizeof(pol));
	policy_of[si->suite].rtp(&pol.rtp);
	policy_of[si->suite].rtcp(&pol.rtcp);
	if (spec->flags & MR_SRTP_F_UNENCRYPTED_SRTP)
		pol.rtp.sec_serv &= ~sec_serv_conf;
	if (spec->flags & MR_SRTP_F_UNAUTHENTICATED_SRTP) {
		/* As libsrtp's own *_null_auth policies: no MAC, no tag. */
		pol.rtp.auth_type = SRTP_NULL_AUTH;
		pol.rtp.auth_key_len = 0;
		pol.rtp.auth_tag_len = 0;
		pol.rtp.sec_serv &= ~sec_serv_auth;
	}
	if (spec->flags & MR_SRTP_F_UNENCRYPTED_SRTCP)
		pol.rtcp.sec_serv &= ~sec_serv_conf;
	pol.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound;
	if (spec->mki_len) {
		for (unsigned i = 0; i < spec->mki_len; i++)
			mki_id[i] = (uint8_t)(spec->mki >> (8 * (spec->mki_len - 1 - i)));
		mk.key = key;
		mk.mki_id = mki_id;
		mk.mki_size = spec->mki_len;
		pol.keys = mks;
		pol.num_master_keys = 1;
	} else {
		pol.key = key;
	}
	pol.window_size = DP_SRTP_WINDOW;
	pol.allow_repeat_tx = 0;

	st = srtp_create(&ctx, &pol);
	mr_memzero_explicit(key, sizeof(key));
	mr_memzero_explicit(&mk, sizeof(mk));
	if (st != srtp_err_status_ok) {
		rc = st == srtp_err_status_alloc_fail ? -ENOMEM : -EINVAL;
		goto out;
	}
	s->ctx = ctx;
	s->suite = si->suite;
	s->flags = spec->flags;
	s->mki_len = spec->mki_len;
	s->outbound = outbound;
	s->tag_len = (spec->flags & MR_SRTP_F_UNAUTHENTICATED_SRTP) ? 0 : si->srtp_tag_len;
	s->rtcp_tag_len = si->srtcp_tag_len;
	s->lifetime = spec->lifetime;
	srtp_set_user_data(ctx, s);
out:
	mr_memzero_explicit(spec->key, sizeof(spec->key));
	return rc;
}

void dp_srtp_session_free(struct dp_srtp *s)
{
	if (!s)
		return;
	if (s->ctx)
		srtp_dealloc(s->ctx);
	mr_memzero_explicit(s, sizeof(*s));
}

unsigned dp_srtp_trailer_len(const struct dp_srtp *s, bool rtcp)
{
	if (!s->ctx)
		return 0;
	return rtcp ? 4u + s->rtcp_tag_len + s->mki_len : (unsigned)s->tag_len + s->mki_len;
}

/* The SSRC libsrtp keys its streams on, in network order. */
static uint32_t pkt_ssrc(const uint8_t *pkt, bool rtcp)
{
	uint32_t v;

	memcpy(&v, pkt + (rtcp ? 4 : 8), sizeof(v));
	return v;
}

/* 1: known; 0: new and room for it; -EUSERS: new and no room. */
static int ssrc_check(const struct dp_srtp *s, uint32_t ssrc)
{
	for (unsigned i = 0; i < s->n_ssrc; i++)
		if (s->ssrc[i] == ssrc)
			return 1;
	return s->n_ssrc < DP_SRTP_MAX_SSRC ? 0 : -EUSERS;
}

/* A plain RTCP compound: version 2 headers whose lengths end exactly at len. */
static bool is_plain_rtcp(const uint8_t *pkt, unsigned len)
{
	unsigned off = 0;

	while (off + 4 <= len) {
		if ((pkt[off] >> 6) != 2)
			return false;
		off += 4u * (((unsigned)pkt[off + 2] << 8 | pkt[off + 3]) + 1u);
	}
	return off == len;
}

int dp_srtp_unprotect(struct dp_srtp *s, uint8_t *pkt, unsigned *len, bool rtcp)
{
	unsigned hdr = rtcp ? 8 : 12;
	unsigned min = hdr + (rtcp ? 4u + s->rtcp_tag_len : s->tag_len) + s->mki_len;
	int l = (int)*len, known, rc;
	uint32_t ssrc;
	srtp_err_status_t st;

	if (unlikely(!s->ctx || s->outbound))
		return -EINVAL;
	if (unlikely(*len < hdr || *len > INT32_MAX))
		return -EINVAL;
	if (unlikely(*len < min))
		return -EPROTO;		/* no room for a tag: plain */
	if (unlikely(s->lifetime && s->used >= s->lifetime))
		return -EKEYEXPIRED;
	ssrc = pkt_ssrc(pkt, rtcp);
	known = ssrc_check(s, ssrc);
	if (unlikely(known < 0))
		return known;
	if (rtcp)
		st = srtp_unprotect_rtcp_mki(s->ctx, pkt, &l, s->mki_len != 0);
	else
		st = srtp_unprotect_mki(s->ctx, pkt, &l, s->mki_len != 0);
	rc = srtp_status_errno(st);
	if (unlikely(rc)) {
		if (rtcp && rc == -EBADMSG && is_plain_rtcp(pkt, *len))
			return -EPROTO;
		return rc;
	}
	if (!known)
		s->ssrc[s->n_ssrc++] = ssrc;
	s->used++;
	*len = (unsigned)l;
	return 0;
}

int dp_srtp_protect(struct dp_srtp *s, uint8_t *pkt, unsigned *len, unsigned cap, bool rtcp)
{
	unsigned hdr = rtcp ? 8 : 12;
	int l = (int)*len, known, rc;
	uint32_t ssrc;

	if (unlikely(!s->ctx || !s->outbound))
		return -EINVAL;
	if (unlikely(*len < hdr || *len > INT32_MAX))
		return -EINVAL;
	if (unlikely(cap < *len || cap - *len < dp_srtp_trailer_len(s, rtcp)))
		return -ENOSPC;
	if (unlikely(s->lifetime && s->used >= s->lifetime))
		return -EKEYEXPIRED;	/* never protected under a used-up key */
	ssrc = pkt_ssrc(pkt, rtcp);
	known = ssrc_check(s, ssrc);
	if (unlikely(known < 0))
		return known;
	if (rtcp)
		rc = srtp_status_errno(srtp_protect_rtcp_mki(s->ctx, pkt, &l, s->mki_len != 0, 0));
	else
		rc = srtp_status_errno(srtp_protect_mki(s->ctx, pkt, &l, s->mki_len != 0, 0));
	if (unlikely(rc))
		return rc;
	if (!known)
		s->ssrc[s->n_ssrc++] = ssrc;
	s->used++;
	*len = (unsigned)l;
	return 0;
}

int dp_srtp_verify(struct dp_srtp *s, const uint8_t *pkt, unsigned len, bool rtcp,
		   uint8_t *scratch, unsigned scratch_size)
{
	unsigned l = len;

	if (unlikely(len > scratch_size))
		return -EMSGSIZE;
	memcpy(scratch, pkt, len);
	return dp_srtp_unprotect(s, scratch, &l, rtcp);
}

/* ---- sharing a session across a flow's modifies (main lcore) ---- */

static int spec_fingerprint(const struct mr_srtp_spec *spec, bool outbound, uint8_t fp[32])
{
	uint8_t buf[8 + sizeof(spec->key)];
	unsigned n = 32;
	int ok;

	buf[0] = spec->suite;
	buf[1] = spec->key_len;
	buf[2] = spec->flags;
	buf[3] = spec->mki_len;
	buf[4] = (uint8_t)(spec->mki >> 24);
	buf[5] = (uint8_t)(spec->mki >> 16);
	buf[6] = (uint8_t)(spec->mki >> 8);
	buf[7] = (uint8_t)spec->mki;
	buf[0] |= outbound ? 0x80 : 0;
	memcpy(buf + 8, spec->key, sizeof(spec->key));
	ok = EVP_Digest(buf, sizeof(buf), fp, &n, EVP_sha256(), NULL);
	mr_memzero_explicit(buf, sizeof(buf));
	return ok == 1 && n == 32 ? 0 : -EIO;
}

struct dp_srtp *dp_srtp_session_get(struct mr_srtp_spec *spec, bool outbound,
				    struct dp_srtp *cur, int *rc)
{
	uint8_t fp[32];
	struct dp_srtp *s;

	*rc = 0;
	if (spec->suite == MR_SRTP_SUITE_NONE) {
		mr_memzero_explicit(spec->key, sizeof(spec->key));
		return NULL;
	}
	*rc = spec_fingerprint(spec, outbound, fp);
	if (*rc) {
		mr_memzero_explicit(spec->key, sizeof(spec->key));
		return NULL;
	}
	if (cur && cur->ctx && memcmp(cur->fp, fp, sizeof(fp)) == 0) {
		cur->refs++;
		mr_memzero_explicit(spec->key, sizeof(spec->key));
		return cur;
	}
	s = aligned_alloc(64, (sizeof(*s) + 63) & ~(size_t)63);
	if (!s) {
		mr_memzero_explicit(spec->key, sizeof(spec->key));
		*rc = -ENOMEM;
		return NULL;
	}
	*rc = dp_srtp_session_init(s, spec, outbound);
	if (*rc) {
		free(s);
		return NULL;
	}
	s->refs = 1;
	memcpy(s->fp, fp, sizeof(fp));
	return s;
}

void dp_srtp_session_put(struct dp_srtp *s)
{
	if (!s || --s->refs)
		return;
	dp_srtp_session_free(s);
	free(s);
}

struct dp_flow_srtp *dp_srtp_flow_make(struct mr_srtp_spec *in, struct mr_srtp_spec *out,
				       const struct dp_flow_srtp *cur, bool may_pass, int *rc)
{
	struct dp_flow_srtp *f;
	bool pass = may_pass && in->suite != MR_SRTP_SUITE_NONE &&
		    memcmp(in, out, sizeof(*in)) == 0;

	if (in->suite == MR_SRTP_SUITE_NONE && out->suite == MR_SRTP_SUITE_NONE) {
		*rc = 0;
		mr_memzero_explicit(in->key, sizeof(in->key));
		mr_memzero_explicit(out->key, sizeof(out->key));
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		mr_memzero_explicit(in->key, sizeof(in->key));
		mr_memzero_explicit(out->key, sizeof(out->key));
		*rc = -ENOMEM;
		return NULL;
	}
	f->refs = 1;
	f->pass = pass;
	f->in = dp_srtp_session_get(in, false, cur ? cur->in : NULL, rc);
	if (*rc == 0 && !pass)
		f->out = dp_srtp_session_get(out, true, cur ? cur->out : NULL, rc);
	else
		mr_memzero_explicit(out->key, sizeof(out->key));
	if (*rc) {
		dp_srtp_flow_put(f);
		return NULL;
	}
	return f;
}

struct dp_flow_srtp *dp_srtp_flow_ref(struct dp_flow_srtp *f)
{
	if (f)
		f->refs++;
	return f;
}

void dp_srtp_flow_put(struct dp_flow_srtp *f)
{
	if (!f || --f->refs)
		return;
	dp_srtp_session_put(f->in);
	dp_srtp_session_put(f->out);
	free(f);
}
