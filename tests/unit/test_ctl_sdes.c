/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SDES in mrelay-control through the real ng dispatch: RTP <-> SRTP and
 * SRTP <-> SRTP with fresh keys per side, the keys each flow gets, the ng
 * SDES options, and the failures (no usable a=crypto on an SRTP-only leg,
 * an answer naming no offered line).
 */
#include "ctl_harness.h"
#include "sdes/sdes.h"

/* A key for the suite, base64, drawn from the CSPRNG (the test's own "endpoint"). */
static void endpoint_line(char *out, size_t size, unsigned tag, unsigned suite, const char *params,
			  struct mr_sdes_crypto *keep)
{
	struct mr_sdes_crypto c;
	int n;

	ck_assert_int_eq(mr_sdes_crypto_new(tag, suite, 0, &c), 0);
	n = mr_sdes_crypto_format(&c, false, false, out, size);
	ck_assert_int_gt(n, 0);
	snprintf(out + n, size - (size_t)n, "%s", params ? params : "");
	if (keep)
		*keep = c;
}

static void sdp_with(char *out, size_t size, const char *who, const char *ip, unsigned port,
		     const char *proto, const char *crypto_lines)
{
	snprintf(out, size,
		 "v=0\r\no=%s 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
		 "m=audio %u %s 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
		 "%sa=sendrecv\r\n", who, ip, ip, port, proto, crypto_lines);
}

/* The a=crypto lines of the reply's SDP, decoded. */
static unsigned reply_crypto(struct mr_sdes_crypto *out, unsigned cap)
{
	const char *sdp = rget("sdp"), *p = sdp;
	unsigned n = 0;

	while ((p = strstr(p, "a=crypto:")) != NULL) {
		const char *end = strstr(p, "\r\n");
		const char *why = NULL;

		ck_assert_ptr_nonnull(end);
		ck_assert_uint_lt(n, cap);
		ck_assert_msg(mr_sdes_crypto_parse(mr_str_make(p + 9, (size_t)(end - p - 9)), &out[n],
						   &why) == 0, "our own a=crypto: %s", why);
		n++;
		p = end;
	}
	return n;
}

static bool spec_has_key(const struct mr_srtp_spec *sp, const struct mr_sdes_crypto *c)
{
	return sp->suite == c->suite && sp->key_len == c->key_len &&
	       memcmp(sp->key, c->key, c->key_len) == 0;
}

static uint16_t port_of(const char *call_id, unsigned slot)
{
	struct ctl_call *call = find_call(call_id);

	ck_assert_ptr_nonnull(call);
	return call->streams[0].local[slot].port;
}

/* Plain caller, SRTP callee (transport-protocol RTP/SAVP). */
START_TEST(rtp_to_srtp)
{
	struct mr_sdes_crypto ours[8], b_key, back[2];
	char line[200], cl[300], sdp[1024];
	const struct mr_flow_spec *fa, *fb;
	unsigned n;

	sig("offer", "r2s", "ft1", NULL, sdp_a, "18:transport-protocol8:RTP/SAVP");
	ck_result("ok");
	ck_assert(strstr(rget("sdp"), "m=audio ") && strstr(rget("sdp"), " RTP/SAVP 0 8 101\r\n"));
	n = reply_crypto(ours, 8);
	ck_assert_uint_eq(n, 5);	/* every suite, mrelay's order */
	ck_assert_uint_eq(ours[0].suite, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80);
	for (unsigned i = 0; i < n; i++) {
		ck_assert_uint_eq(ours[i].tag, i + 1);
		for (unsigned j = 0; j < i; j++)
			ck_assert_int_ne(memcmp(ours[i].key, ours[j].key, 28), 0);
	}
	/* Until the callee answers: we send to it with the first line's key, its SRTP is dropped. */
	fa = fdp_flow_at(port_of("r2s", 0));
	fb = fdp_flow_at(port_of("r2s", 1));
	ck_assert_uint_eq(fa->srtp_in.suite, 0);
	ck_assert(spec_has_key(&fa->srtp_out, &ours[0]));
	ck_assert(fb->flags & MR_FLOW_F_BLACKHOLE);

	/* The callee takes tag 2 (AEAD_AES_256_GCM) with its own key. */
	endpoint_line(line, sizeof(line), 2, ours[1].suite, NULL, &b_key);
	snprintf(cl, sizeof(cl), "a=crypto:%s\r\n", line);
	sdp_with(sdp, sizeof(sdp), "bob", "198.51.100.20", 3456, "RTP/SAVP", cl);
	sig("answer", "r2s", "ft1", "tt1", sdp, NULL);
	ck_result("ok");
	ck_assert(strstr(rget("sdp"), " RTP/AVP 0 101\r\n") != NULL);
	ck_assert_uint_eq(reply_crypto(back, 2), 0);	/* the plain caller sees no crypto */
	fa = fdp_flow_at(port_of("r2s", 0));
	fb = fdp_flow_at(port_of("r2s", 1));
	ck_assert_uint_eq(fa->srtp_in.suite, 0);
	ck_assert(spec_has_key(&fa->srtp_out, &ours[1]));	/* the line it chose */
	ck_assert(spec_has_key(&fb->srtp_in, &b_key));
	ck_assert_uint_eq(fb->srtp_out.suite, 0);
	ck_assert(!(fb->flags & MR_FLOW_F_BLACKHOLE));
	ck_assert_str_eq(fmt_sa(&fb->out_dst), "192.0.2.10:49170");
}
END_TEST

/* SRTP caller, plain callee; a malformed line is skipped with a warning. */
START_TEST(srtp_to_rtp)
{
	struct mr_sdes_crypto a_key, ours[4];
	char l1[200], l2[200], cl[600], sdp[1200];
	const struct mr_flow_spec *fa, *fb;

	endpoint_line(l2, sizeof(l2), 2, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32, " UNENCRYPTED_SRTCP",
		      &a_key);
	snprintf(l1, sizeof(l1), "1 AES_CM_128_HMAC_SHA1_80 inline:dG9vIHNob3J0");
	snprintf(cl, sizeof(cl), "a=crypto:%s\r\na=crypto:%s\r\na=crypto:x %s\r\n", l1, l2, l1 + 2);
	sdp_with(sdp, sizeof(sdp), "alice", "192.0.2.10", 49170, "RTP/SAVP", cl);
	sig("offer", "s2r", "ft1", NULL, sdp, "18:transport-protocol7:RTP/AVP");
	ck_result("ok");
	ck_assert(strstr(rget("warning"), "key length does not match the crypto suite") != NULL);
	ck_assert(strstr(rget("sdp"), " RTP/AVP 0 101\r\n") != NULL);
	ck_assert(strstr(rget("sdp"), "a=crypto") == NULL);

	sig("answer", "s2r", "ft1", "tt1", sdp_b, NULL);
	ck_result("ok");
	ck_assert(strstr(rget("sdp"), " RTP/SAVP 0 101\r\n") != NULL);
	ck_assert_uint_eq(reply_crypto(ours, 4), 1);
	ck_assert_uint_eq(ours[0].tag, 2);
	ck_assert_uint_eq(ours[0].suite, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32);
	ck_assert_uint_eq(ours[0].flags, MR_SRTP_F_UNENCRYPTED_SRTCP);
	ck_assert_int_ne(memcmp(ours[0].key, a_key.key, 30), 0);	/* never echoed */
	fa = fdp_flow_at(port_of("s2r", 0));
	fb = fdp_flow_at(port_of("s2r", 1));
	ck_assert(spec_has_key(&fa->srtp_in, &a_key));
	ck_assert_uint_eq(fa->srtp_in.flags, MR_SRTP_F_UNENCRYPTED_SRTCP);
	ck_assert_uint_eq(fa->srtp_out.suite, 0);
	ck_assert_uint_eq(fb->srtp_in.suite, 0);
	ck_assert(spec_has_key(&fb->srtp_out, &ours[0]));
}
END_TEST

/* SRTP on both sides: re-keyed, each side its own keys. */
START_TEST(srtp_to_srtp)
{
	struct mr_sdes_crypto a_key, b_key, to_b[8], to_a[2];
	char la[200], lb[200], cl[300], sdp[1200];
	const struct mr_flow_spec *fa, *fb;
	unsigned n;

	endpoint_line(la, sizeof(la), 7, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, NULL, &a_key);
	snprintf(cl, sizeof(cl), "a=crypto:%s\r\n", la);
	sdp_with(sdp, sizeof(sdp), "alice", "192.0.2.10", 49170, "RTP/SAVPF", cl);
	sig("offer", "s2s", "ft1", NULL, sdp, "4:SDESl5:nonewe");
	ck_result("ok");
	ck_assert(strstr(rget("sdp"), " RTP/SAVPF 0 101\r\n") != NULL);
	n = reply_crypto(to_b, 8);
	ck_assert_uint_eq(n, 1);	/* nonew: only the offered suite */
	ck_assert_uint_eq(to_b[0].suite, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80);
	ck_assert_int_ne(memcmp(to_b[0].key, a_key.key, 30), 0);

	endpoint_line(lb, sizeof(lb), to_b[0].tag, to_b[0].suite, NULL, &b_key);
	snprintf(cl, sizeof(cl), "a=crypto:%s\r\n", lb);
	sdp_with(sdp, sizeof(sdp), "bob", "198.51.100.20", 3456, "RTP/SAVPF", cl);
	sig("answer", "s2s", "ft1", "tt1", sdp, NULL);
	ck_result("ok");
	ck_assert(strstr(rget("sdp"), " RTP/SAVPF 0 101\r\n") != NULL);
	ck_assert_uint_eq(reply_crypto(to_a, 2), 1);
	ck_assert_uint_eq(to_a[0].tag, 7);
	ck_assert_int_ne(memcmp(to_a[0].key, a_key.key, 30), 0);
	ck_assert_int_ne(memcmp(to_a[0].key, b_key.key, 30), 0);
	ck_assert_int_ne(memcmp(to_a[0].key, to_b[0].key, 30), 0);
	fa = fdp_flow_at(port_of("s2s", 0));
	fb = fdp_flow_at(port_of("s2s", 1));
	ck_assert(spec_has_key(&fa->srtp_in, &a_key));
	ck_assert(spec_has_key(&fa->srtp_out, &to_b[0]));
	ck_assert(spec_has_key(&fb->srtp_in, &b_key));
	ck_assert(spec_has_key(&fb->srtp_out, &to_a[0]));

	/* A re-INVITE with the same lines keeps every key: media is not disturbed. */
	snprintf(cl, sizeof(cl), "a=crypto:%s\r\n", la);
	sdp_with(sdp, sizeof(sdp), "alice", "192.0.2.10", 49170, "RTP/SAVPF", cl);
	sig("offer", "s2s", "ft1", NULL, sdp, "4:SDESl5:nonewe");
	ck_result("ok");
	ck_assert_uint_eq(reply_crypto(to_b, 8), 1);
	fa = fdp_flow_at(port_of("s2s", 0));
	ck_assert(spec_has_key(&fa->srtp_out, &to_b[0]));
	snprintf(cl, sizeof(cl), "a=crypto:%s\r\n", lb);
	sdp_with(sdp, sizeof(sdp), "bob", "198.51.100.20", 3456, "RTP/SAVPF", cl);
	sig("answer", "s2s", "ft1", "tt1", sdp, NULL);
	ck_result("ok");
	ck_assert_uint_eq(reply_crypto(to_a + 1, 1), 1);
	ck_assert_int_eq(memcmp(to_a[1].key, to_a[0].key, 30), 0);
}
END_TEST

START_TEST(no_usable_crypto_is_an_error)
{
	char sdp[1200];
	unsigned adds = fdp.adds;

	sdp_with(sdp, sizeof(sdp), "alice", "192.0.2.10", 49170, "RTP/SAVP",
		 "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:AAAA\r\n"
		 "a=crypto:2 F8_128_HMAC_SHA1_80 inline:AAAA\r\n"
		 "a=crypto:x3 AES_CM_128_HMAC_SHA1_80\r\n");
	sig("offer", "bad-1", "ft1", NULL, sdp, NULL);
	ck_error("no usable a=crypto line");
	ck_assert_ptr_null(find_call("bad-1"));
	ck_assert_uint_eq(fdp.adds, adds);	/* no flow made */

	sdp_with(sdp, sizeof(sdp), "alice", "192.0.2.10", 49170, "RTP/SAVP", "");
	sig("offer", "bad-2", "ft1", NULL, sdp, NULL);
	ck_error("no usable a=crypto line");

	/* SDES off, yet an SRTP-only offer. */
	{
		char line[200], cl[300];

		endpoint_line(line, sizeof(line), 1, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, NULL, NULL);
		snprintf(cl, sizeof(cl), "a=crypto:%s\r\n", line);
		sdp_with(sdp, sizeof(sdp), "alice", "192.0.2.10", 49170, "RTP/SAVP", cl);
		sig("offer", "bad-3", "ft1", NULL, sdp, "5:flagsl8:SDES-offe");
		ck_error("SDES is off");
		sig("offer", "bad-4", "ft1", NULL, sdp, "4:SDESl28:only-AES_CM_128_HMAC_SHA1_32e");
		ck_error("no offered crypto suite is allowed");
		ck_assert_uint_eq(fdp.adds, adds);
	}
	/* DTLS-SRTP is not done here. */
	sdp_with(sdp, sizeof(sdp), "alice", "192.0.2.10", 49170, "UDP/TLS/RTP/SAVPF", "");
	sig("offer", "bad-5", "ft1", NULL, sdp, NULL);
	ck_error("DTLS-SRTP not supported");
}
END_TEST

START_TEST(answer_must_name_an_offered_line)
{
	struct mr_sdes_crypto ours[8];
	char line[200], cl[300], sdp[1200];

	sig("offer", "ans-1", "ft1", NULL, sdp_a, "18:transport-protocol8:RTP/SAVP");
	ck_result("ok");
	ck_assert_uint_eq(reply_crypto(ours, 8), 5);
	/* Tag 1 with another suite than the one we offered under tag 1. */
	endpoint_line(line, sizeof(line), 1, MR_SRTP_SUITE_AEAD_AES_128_GCM, NULL, NULL);
	snprintf(cl, sizeof(cl), "a=crypto:%s\r\n", line);
	sdp_with(sdp, sizeof(sdp), "bob", "198.51.100.20", 3456, "RTP/SAVP", cl);
	sig("answer", "ans-1", "ft1", "tt1", sdp, NULL);
	ck_error("matches no line offered");
	/* A plain answer: the callee declined SRTP, plain both ways. */
	sig("answer", "ans-1", "ft1", "tt1", sdp_b, NULL);
	ck_result("ok");
	ck_assert_uint_eq(fdp_flow_at(port_of("ans-1", 0))->srtp_out.suite, 0);
	ck_assert_uint_eq(fdp_flow_at(port_of("ans-1", 1))->srtp_in.suite, 0);
}
END_TEST

START_TEST(sdes_options)
{
	struct mr_sdes_crypto ours[8];
	unsigned n;

	sig("offer", "opt-1", "ft1", NULL, sdp_a,
	    "18:transport-protocol8:RTP/SAVP5:flagsl31:SDES-no-AES_CM_128_HMAC_SHA1_808:SDES-pade");
	ck_result("ok");
	n = reply_crypto(ours, 8);
	ck_assert_uint_eq(n, 4);
	for (unsigned i = 0; i < n; i++)
		ck_assert_uint_ne(ours[i].suite, MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80);
	ck_assert(strstr(rget("sdp"), "==\r\n") != NULL);	/* pad: 44- and 46-byte keys end in '=' */

	sig("offer", "opt-2", "ft1", NULL, sdp_a,
	    "18:transport-protocol8:RTP/SAVP4:SDESl21:only-AEAD_AES_128_GCM17:unencrypted_srtcp8:lifetimee");
	ck_result("ok");
	ck_assert_uint_eq(reply_crypto(ours, 8), 1);
	ck_assert_uint_eq(ours[0].suite, MR_SRTP_SUITE_AEAD_AES_128_GCM);
	ck_assert_uint_eq(ours[0].flags, MR_SRTP_F_UNENCRYPTED_SRTCP);
	ck_assert_uint_eq(ours[0].lifetime, UINT64_C(1) << 31);
	ck_assert(strstr(rget("sdp"), "==") == NULL);	/* no pad: a 28-byte key ends in "=" only when padded */
	ck_assert(strstr(strstr(rget("sdp"), "inline:"), "=\r\n") == NULL);

	sig("offer", "opt-3", "ft1", NULL, sdp_a, "18:transport-protocol8:RTP/SAVP4:SDESl3:offe");
	ck_error("no SDES crypto suite left to offer");
	sig("offer", "opt-4", "ft1", NULL, sdp_a, "4:SDESl5:bogus7:no-FOOBe");
	ck_result("ok");
	ck_assert(strstr(rget("warning"), "SDES") != NULL);
}
END_TEST

/*
 * A forked call: two answers (to-tags) to one SRTP offer. The flow from the
 * callee's side must decrypt with the key of the branch that is active, its
 * own; dropping that branch brings back the other one's key, not the last.
 */
START_TEST(forked_answers_keep_their_own_keys)
{
	struct mr_sdes_crypto ours[8], k1, k2;
	char line[200], cl[300], sdp[1024];
	const struct mr_flow_spec *fb;

	sig("offer", "fork", "ft1", NULL, sdp_a, "18:transport-protocol8:RTP/SAVP");
	ck_result("ok");
	ck_assert_uint_eq(reply_crypto(ours, 8), 5);

	endpoint_line(line, sizeof(line), 1, ours[0].suite, NULL, &k1);
	snprintf(cl, sizeof(cl), "a=crypto:%s\r\n", line);
	sdp_with(sdp, sizeof(sdp), "bob", "198.51.100.20", 3456, "RTP/SAVP", cl);
	sig("answer", "fork", "ft1", "branch-1", sdp, NULL);
	ck_result("ok");
	fb = fdp_flow_at(port_of("fork", 1));
	ck_assert(spec_has_key(&fb->srtp_in, &k1));

	/* A second branch answers, choosing another offered line, with its own key. */
	endpoint_line(line, sizeof(line), 2, ours[1].suite, NULL, &k2);
	snprintf(cl, sizeof(cl), "a=crypto:%s\r\n", line);
	sdp_with(sdp, sizeof(sdp), "carol", "198.51.100.30", 5678, "RTP/SAVP", cl);
	sig("answer", "fork", "ft1", "branch-2", sdp, NULL);
	ck_result("ok");
	fb = fdp_flow_at(port_of("fork", 1));
	ck_assert_msg(spec_has_key(&fb->srtp_in, &k2), "branch 2 decrypted with another key");
	ck_assert_str_eq(fmt_sa(&fb->out_dst), "192.0.2.10:49170");
	ck_assert(spec_has_key(&fdp_flow_at(port_of("fork", 0))->srtp_out, &ours[1]));

	/* Branch 2 goes away: branch 1 is active again, with its own key and line. */
	sig("delete", "fork", "ft1", "branch-2", NULL, NULL);
	ck_result("ok");
	fb = fdp_flow_at(port_of("fork", 1));
	ck_assert_msg(spec_has_key(&fb->srtp_in, &k1), "branch 1 came back with another key");
	ck_assert(spec_has_key(&fdp_flow_at(port_of("fork", 0))->srtp_out, &ours[0]));
	mr_sdes_crypto_wipe(&k1);
	mr_sdes_crypto_wipe(&k2);
}
END_TEST

/* Key lifetimes reach the dataplane: the peer's from its line, ours with SDES-lifetime. */
START_TEST(lifetime_to_dataplane)
{
	struct mr_sdes_crypto ours[8], k1;
	char line[200], cl[300], sdp[1024];
	const struct mr_flow_spec *fa, *fb;

	sig("offer", "life", "ft1", NULL, sdp_a, "18:transport-protocol8:RTP/SAVP5:flagsl13:SDES-lifetimee");
	ck_result("ok");
	ck_assert_uint_eq(reply_crypto(ours, 8), 5);
	endpoint_line(line, sizeof(line), 1, ours[0].suite, "|2^20", &k1);
	snprintf(cl, sizeof(cl), "a=crypto:%s\r\n", line);
	sdp_with(sdp, sizeof(sdp), "bob", "198.51.100.20", 3456, "RTP/SAVP", cl);
	sig("answer", "life", "ft1", "tt1", sdp, NULL);
	ck_result("ok");
	fa = fdp_flow_at(port_of("life", 0));
	fb = fdp_flow_at(port_of("life", 1));
	ck_assert_uint_eq(fb->srtp_in.lifetime, UINT64_C(1) << 20);
	ck_assert_uint_eq(fa->srtp_out.lifetime, UINT64_C(1) << 31);
	mr_sdes_crypto_wipe(&k1);

	/* Without the option, ours are unbounded (but SRTP's own limit). */
	sig("offer", "life-2", "ft1", NULL, sdp_a, "18:transport-protocol8:RTP/SAVP");
	ck_result("ok");
	ck_assert_uint_eq(fdp_flow_at(port_of("life-2", 0))->srtp_out.lifetime, 0);
}
END_TEST

/* rtpengine's "recrypt" is what mrelay always does: accepted without a warning. */
START_TEST(recrypt_flag)
{
	sig("offer", "recrypt", "ft1", NULL, sdp_a, "18:transport-protocol8:RTP/SAVP5:flagsl7:recrypte");
	ck_result("ok");
	ck_assert_str_eq(rget("warning"), "");
}
END_TEST

static Suite *ctl_sdes_suite(void)
{
	Suite *s = suite_create("ctl_sdes");
	TCase *tc = tcase_create("calls");

	tcase_add_checked_fixture(tc, harness_up, harness_down);
	tcase_add_test(tc, rtp_to_srtp);
	tcase_add_test(tc, srtp_to_rtp);
	tcase_add_test(tc, srtp_to_srtp);
	tcase_add_test(tc, no_usable_crypto_is_an_error);
	tcase_add_test(tc, answer_must_name_an_offered_line);
	tcase_add_test(tc, sdes_options);
	tcase_add_test(tc, forked_answers_keep_their_own_keys);
	tcase_add_test(tc, lifetime_to_dataplane);
	tcase_add_test(tc, recrypt_flag);
	suite_add_tcase(s, tc);
	return s;
}

MR_CHECK_MAIN(ctl_sdes_suite)
