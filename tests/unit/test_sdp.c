/* SPDX-License-Identifier: BSD-3-Clause */
/* lib/sdp: parsing, validation and rewriting of session descriptions. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mr_check.h"
#include "sdp/sdp.h"

/* struct mr_sdp is large: one static instance, reset by every parse. */
static struct mr_sdp sdp;
static uint8_t outbuf[MR_SDP_MAX_LEN + 4096];

/* A struct mr_str initializer from a literal (constant, for static tables). */
#define S(lit) { (lit), sizeof(lit) - 1 }

static int parse(const char *s, const char **why)
{
	return mr_sdp_parse((const uint8_t *)s, strlen(s), &sdp, why);
}

static void parse_ok(const char *s)
{
	const char *why = "";
	int rc = parse(s, &why);

	ck_assert_msg(rc == 0, "parse failed (%d): %s", rc, why);
}

static void assert_bad_n(const char *s, size_t len, int err, const char *reason)
{
	const char *why = NULL;
	int rc = mr_sdp_parse((const uint8_t *)s, len, &sdp, &why);

	ck_assert_msg(rc == err, "expected %d, got %d (%s)", err, rc, why ? why : "-");
	ck_assert_ptr_nonnull(why);
	if (reason)
		ck_assert_str_eq(why, reason);
	/* A failed parse is not usable by the writer. */
	ck_assert_uint_eq(sdp.n_lines, 0);
	ck_assert_uint_eq(sdp.n_media, 0);
}

static void assert_bad(const char *s, int err, const char *reason)
{
	assert_bad_n(s, strlen(s), err, reason);
}

/* Rewrite the parsed `sdp` with edit and compare to expect byte for byte. */
static void assert_write(const struct mr_sdp_edit *edit, const char *expect)
{
	size_t n = 0;
	const char *why = "";
	int rc = mr_sdp_write(&sdp, edit, outbuf, sizeof(outbuf), &n, &why);

	ck_assert_msg(rc == 0, "write failed (%d): %s", rc, why);
	ck_assert_msg(n == strlen(expect) && memcmp(outbuf, expect, n) == 0,
		      "got:\n%.*s\nexpected:\n%s", (int)n, outbuf, expect);
}

static bool str_is(struct mr_str s, const char *c)
{
	return mr_str_eq_cstr(s, c);
}

/* Kamailio / sipp style offer: G.711 and telephone-event. */
static const char sipp_offer[] =
	"v=0\r\n"
	"o=user1 53655765 2353687637 IN IP4 192.168.1.10\r\n"
	"s=-\r\n"
	"c=IN IP4 192.168.1.10\r\n"
	"t=0 0\r\n"
	"m=audio 6000 RTP/AVP 0 8 101\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=fmtp:101 0-16\r\n"
	"a=ptime:20\r\n"
	"a=sendrecv\r\n";

/* Microsoft Teams style: SDES-SRTP with ICE candidates and a=rtcp. */
static const char teams_offer[] =
	"v=0\r\n"
	"o=- 0 1 IN IP4 10.0.0.5\r\n"
	"s=session\r\n"
	"c=IN IP4 52.114.1.10\r\n"
	"b=CT:10000000\r\n"
	"t=0 0\r\n"
	"m=audio 50010 RTP/SAVP 104 9 0 8 101 13\r\n"
	"c=IN IP4 52.114.1.10\r\n"
	"a=rtcp:50011\r\n"
	"a=ice-ufrag:Xb7w\r\n"
	"a=ice-pwd:3mJ0Ut/ptH0lzaJ0IcCpzLmQ\r\n"
	"a=candidate:1 1 UDP 2130706431 10.0.0.5 50010 typ host \r\n"
	"a=candidate:1 2 UDP 2130705918 10.0.0.5 50011 typ host \r\n"
	"a=candidate:2 1 UDP 16648703 52.114.1.10 50010 typ relay raddr 10.0.0.5 rport 50010\r\n"
	"a=x-candidate-ipv6:1 1 UDP 2130706431 2001:db8::5 50010 typ host\r\n"
	"a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:DScnRSzbl9Tst1cjCWyLMgCuBPJo2bbDUfqtlGrq|2^31|1:1\r\n"
	"a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:uO3pqEqHaXFlxjeVGdjSdTRsQ45Q6N+qwqHljcpo|2^31 UNENCRYPTED_SRTCP\r\n"
	"a=maxptime:200\r\n"
	"a=rtpmap:104 SILK/16000\r\n"
	"a=fmtp:104 useinbandfec=1; usedtx=0\r\n"
	"a=rtpmap:9 G722/8000\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=fmtp:101 0-16\r\n"
	"a=rtpmap:13 CN/8000\r\n"
	"a=ptime:20\r\n";

/* Browser style: BUNDLE, DTLS-SRTP, rtcp-mux, audio and video. */
static const char webrtc_offer[] =
	"v=0\r\n"
	"o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n"
	"s=-\r\n"
	"t=0 0\r\n"
	"a=group:BUNDLE 0 1\r\n"
	"a=extmap-allow-mixed\r\n"
	"a=msid-semantic: WMS stream1\r\n"
	"m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 110 126\r\n"
	"c=IN IP4 0.0.0.0\r\n"
	"a=rtcp:9 IN IP4 0.0.0.0\r\n"
	"a=candidate:842163049 1 udp 1677729535 198.51.100.7 54400 typ srflx raddr 0.0.0.0 rport 0 generation 0 network-cost 999\r\n"
	"a=ice-ufrag:EsAw\r\n"
	"a=ice-pwd:bP+XJMM09aR8AiX1jdukzR6Y\r\n"
	"a=ice-options:trickle\r\n"
	"a=fingerprint:sha-256 D2:FA:0E:C3:22:59:5E:14:95:69:92:3D:13:B4:84:24:2C:C2:A2:C0:3E:FD:34:8E:5E:EA:6F:AF:52:CE:E6:0F\r\n"
	"a=setup:actpass\r\n"
	"a=mid:0\r\n"
	"a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
	"a=sendrecv\r\n"
	"a=msid:stream1 track1\r\n"
	"a=rtcp-mux\r\n"
	"a=rtpmap:111 opus/48000/2\r\n"
	"a=rtcp-fb:111 transport-cc\r\n"
	"a=fmtp:111 minptime=10;useinbandfec=1\r\n"
	"a=rtpmap:63 red/48000/2\r\n"
	"a=fmtp:63 111/111\r\n"
	"a=rtpmap:9 G722/8000\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:110 telephone-event/48000\r\n"
	"a=rtpmap:126 telephone-event/8000\r\n"
	"a=ssrc:3735928559 cname:4TOk42mSjXCkVIa6\r\n"
	"a=end-of-candidates\r\n"
	"m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\n"
	"c=IN IP4 0.0.0.0\r\n"
	"a=rtcp:9 IN IP4 0.0.0.0\r\n"
	"a=ice-ufrag:EsAw\r\n"
	"a=ice-pwd:bP+XJMM09aR8AiX1jdukzR6Y\r\n"
	"a=fingerprint:sha-256 D2:FA:0E:C3:22:59:5E:14:95:69:92:3D:13:B4:84:24:2C:C2:A2:C0:3E:FD:34:8E:5E:EA:6F:AF:52:CE:E6:0F\r\n"
	"a=setup:actpass\r\n"
	"a=mid:1\r\n"
	"a=recvonly\r\n"
	"a=rtcp-mux\r\n"
	"a=rtcp-rsize\r\n"
	"a=rtpmap:96 VP8/90000\r\n"
	"a=rtcp-fb:96 nack pli\r\n"
	"a=rtpmap:97 rtx/90000\r\n"
	"a=fmtp:97 apt=96\r\n";

/* IPv6, LF line endings, audio with its own c= and video inheriting. */
static const char v6_offer[] =
	"v=0\n"
	"o=alice 2890844526 2890844527 IN IP6 2001:db8::10\n"
	"s=call\n"
	"c=IN IP6 2001:db8::10\n"
	"t=0 0\n"
	"m=audio 49170 RTP/AVP 9 101\n"
	"c=IN IP6 2001:db8::20\n"
	"a=rtcp:49171 IN IP6 2001:db8::21\n"
	"a=rtpmap:9 G722/8000\n"
	"a=rtpmap:101 telephone-event/8000\n"
	"a=label:1\n"
	"m=video 51372 RTP/AVPF 99\n"
	"a=rtpmap:99 H264/90000\n"
	"a=fmtp:99 profile-level-id=42e01f;packetization-mode=1\n"
	"a=label:2\n";

/* Session-level hold: sendonly inherited, 0.0.0.0 connection. */
static const char hold_offer[] =
	"v=0\r\n"
	"o=- 1 2 IN IP4 192.0.2.1\r\n"
	"s=-\r\n"
	"c=IN IP4 0.0.0.0\r\n"
	"t=0 0\r\n"
	"a=sendonly\r\n"
	"m=audio 7000 RTP/AVP 8\r\n"
	"m=audio 7002 RTP/AVP 0\r\n"
	"a=inactive\r\n";

START_TEST(parse_sipp)
{
	const struct mr_sdp_media *m;
	const struct mr_sdp_fmt *f;
	const struct mr_sdp_conn *c;

	parse_ok(sipp_offer);
	ck_assert_uint_eq(sdp.n_lines, 12);
	ck_assert_uint_eq(sdp.n_media, 1);
	ck_assert(str_is(sdp.origin.username, "user1"));
	ck_assert(str_is(sdp.origin.sess_id, "53655765"));
	ck_assert(str_is(sdp.origin.sess_version, "2353687637"));
	ck_assert(str_is(sdp.origin.nettype, "IN"));
	ck_assert(str_is(sdp.origin.addrtype, "IP4"));
	ck_assert(str_is(sdp.origin.address, "192.168.1.10"));
	ck_assert(str_is(sdp.session_name, "-"));
	ck_assert(sdp.conn.present);
	ck_assert_uint_eq(sdp.conn.af, MR_SDP_AF_IP4);
	ck_assert(str_is(sdp.conn.address, "192.168.1.10"));
	ck_assert_uint_eq(sdp.conn.ip.family, 4);
	ck_assert_mem_eq(sdp.conn.addr, "\xc0\xa8\x01\x0a", 4);
	ck_assert(!sdp.conn.is_hold);

	m = &sdp.media[0];
	ck_assert(str_is(m->type, "audio"));
	ck_assert_uint_eq(m->port, 6000);
	ck_assert_uint_eq(m->port_count, 1);
	ck_assert(str_is(m->proto, "RTP/AVP"));
	ck_assert_uint_eq(m->proto_kind, MR_SDP_PROTO_RTP_AVP);
	ck_assert(m->is_rtp);
	ck_assert(!m->conn.present);
	c = mr_sdp_media_conn(&sdp, 0);
	ck_assert_ptr_eq(c, &sdp.conn);
	ck_assert_ptr_null(mr_sdp_media_conn(&sdp, 1));
	ck_assert_uint_eq(m->n_fmt, 3);
	ck_assert_int_eq(m->fmt[0].pt, 0);
	ck_assert(str_is(m->fmt[0].encoding, "PCMU"));
	ck_assert_uint_eq(m->fmt[0].clock_rate, 8000);
	ck_assert_uint_eq(m->fmt[0].channels, 1);
	ck_assert_int_eq(m->fmt[1].pt, 8);
	ck_assert(str_is(m->fmt[1].encoding, "PCMA"));
	f = mr_sdp_media_fmt_find(m, 101);
	ck_assert_ptr_eq(f, &m->fmt[2]);
	ck_assert(str_is(f->encoding, "telephone-event"));
	ck_assert(str_is(f->params, "0-16"));
	ck_assert_uint_eq(sdp.attrs[f->fmtp].kind, MR_SDP_ATTR_FMTP);
	ck_assert_uint_eq(sdp.attrs[f->rtpmap].kind, MR_SDP_ATTR_RTPMAP);
	ck_assert_ptr_null(mr_sdp_media_fmt_find(m, 18));
	ck_assert_uint_eq(m->fmt[0].fmtp, MR_SDP_NONE);
	ck_assert_uint_eq(m->ptime, 20);
	ck_assert_uint_eq(m->dir, MR_SDP_DIR_SENDRECV);
	ck_assert(m->dir_explicit);
	ck_assert(!m->has_rtcp && !m->rtcp_mux && !m->has_ice);
	ck_assert_uint_eq(m->n_crypto, 0);
	ck_assert_uint_eq(m->n_attr, 6);
	ck_assert_uint_eq(m->line, 5);
	ck_assert_uint_eq(m->line_end, 12);
	ck_assert_uint_eq(sdp.session_end, 5);
	ck_assert_uint_eq(sdp.lines[5].type, 'm');
	ck_assert_uint_eq(sdp.lines[5].section, 1);
	ck_assert_uint_eq(sdp.lines[4].section, 0);
	ck_assert_uint_eq(sdp.lines[11].eol, MR_SDP_EOL_CRLF);
	ck_assert_uint_eq(sdp.tail, sizeof(sipp_offer) - 1);
	ck_assert_ptr_nonnull(mr_sdp_attr_find(&sdp, 0, "PTIME"));
	ck_assert_ptr_null(mr_sdp_attr_find(&sdp, -1, "ptime"));
	ck_assert_ptr_null(mr_sdp_attr_find(&sdp, 1, "ptime"));
}
END_TEST

START_TEST(parse_teams)
{
	const struct mr_sdp_media *m;

	parse_ok(teams_offer);
	m = &sdp.media[0];
	ck_assert_uint_eq(m->proto_kind, MR_SDP_PROTO_RTP_SAVP);
	ck_assert(m->conn.present);
	ck_assert_ptr_eq(mr_sdp_media_conn(&sdp, 0), &m->conn);
	ck_assert(m->has_rtcp);
	ck_assert_uint_eq(m->rtcp_port, 50011);
	ck_assert(!m->rtcp_conn.present);
	ck_assert(m->has_ice);
	ck_assert(str_is(m->ice_ufrag, "Xb7w"));
	ck_assert(str_is(m->ice_pwd, "3mJ0Ut/ptH0lzaJ0IcCpzLmQ"));
	ck_assert_uint_eq(m->n_candidates, 3);
	ck_assert(!m->end_of_candidates);
	ck_assert_uint_eq(m->n_crypto, 2);
	ck_assert_uint_eq(m->crypto[0].tag, 2);
	ck_assert(str_is(m->crypto[0].suite, "AES_CM_128_HMAC_SHA1_80"));
	ck_assert(str_is(m->crypto[0].key_params,
			 "inline:DScnRSzbl9Tst1cjCWyLMgCuBPJo2bbDUfqtlGrq|2^31|1:1"));
	ck_assert_uint_eq(m->crypto[0].session_params.len, 0);
	ck_assert_uint_eq(m->crypto[1].tag, 3);
	ck_assert(str_is(m->crypto[1].session_params, "UNENCRYPTED_SRTCP"));
	ck_assert_uint_eq(sdp.attrs[m->crypto[1].attr].kind, MR_SDP_ATTR_CRYPTO);
	ck_assert_uint_eq(m->maxptime, 200);
	ck_assert_uint_eq(m->ptime, 20);
	ck_assert(str_is(mr_sdp_media_fmt_find(m, 104)->encoding, "SILK"));
	ck_assert_uint_eq(mr_sdp_media_fmt_find(m, 104)->clock_rate, 16000);
	ck_assert(str_is(mr_sdp_media_fmt_find(m, 104)->params, "useinbandfec=1; usedtx=0"));
	ck_assert(str_is(mr_sdp_media_fmt_find(m, 13)->encoding, "CN"));
	/* Not an ICE attribute: an x- extension, kept as OTHER. */
	ck_assert_uint_eq(mr_sdp_attr_find(&sdp, 0, "x-candidate-ipv6")->kind, MR_SDP_ATTR_OTHER);
	ck_assert(mr_sdp_attr_is_ice(mr_sdp_attr_find(&sdp, 0, "candidate")));
	ck_assert(!mr_sdp_attr_is_ice(mr_sdp_attr_find(&sdp, 0, "crypto")));
	/* Direction defaults to sendrecv. */
	ck_assert_uint_eq(m->dir, MR_SDP_DIR_SENDRECV);
	ck_assert(!m->dir_explicit);
}
END_TEST

START_TEST(parse_webrtc)
{
	const struct mr_sdp_media *a, *v;

	parse_ok(webrtc_offer);
	ck_assert(!sdp.conn.present);
	ck_assert_uint_eq(sdp.n_media, 2);
	ck_assert_uint_eq(sdp.n_attr, 3);
	ck_assert_uint_eq(sdp.attrs[0].kind, MR_SDP_ATTR_GROUP);
	ck_assert(str_is(sdp.attrs[0].value, "BUNDLE 0 1"));
	ck_assert(!sdp.attrs[1].has_value);
	ck_assert(str_is(sdp.attrs[2].name, "msid-semantic"));
	ck_assert(str_is(sdp.attrs[2].value, " WMS stream1"));
	a = &sdp.media[0];
	v = &sdp.media[1];
	ck_assert_uint_eq(a->proto_kind, MR_SDP_PROTO_UDP_TLS_RTP_SAVPF);
	ck_assert_uint_eq(a->port, 9);
	ck_assert(a->conn.is_hold);
	ck_assert(a->rtcp_mux);
	ck_assert(a->has_rtcp);
	ck_assert_uint_eq(a->rtcp_port, 9);
	ck_assert(a->rtcp_conn.present);
	ck_assert_uint_eq(a->rtcp_conn.af, MR_SDP_AF_IP4);
	ck_assert(str_is(a->rtcp_conn.address, "0.0.0.0"));
	ck_assert(str_is(a->mid, "0"));
	ck_assert(a->end_of_candidates);
	ck_assert_uint_eq(a->n_candidates, 1);
	ck_assert(str_is(a->fmt[0].encoding, "opus"));
	ck_assert_uint_eq(a->fmt[0].clock_rate, 48000);
	ck_assert_uint_eq(a->fmt[0].channels, 2);
	ck_assert(str_is(a->fmt[0].params, "minptime=10;useinbandfec=1"));
	ck_assert(str_is(mr_sdp_media_fmt_find(a, 63)->params, "111/111"));
	ck_assert_uint_eq(mr_sdp_media_fmt_find(a, 110)->clock_rate, 48000);
	ck_assert_uint_eq(mr_sdp_attr_find(&sdp, 0, "fingerprint")->kind, MR_SDP_ATTR_FINGERPRINT);
	ck_assert_uint_eq(mr_sdp_attr_find(&sdp, 0, "setup")->kind, MR_SDP_ATTR_SETUP);
	ck_assert_uint_eq(mr_sdp_attr_find(&sdp, 0, "ssrc")->kind, MR_SDP_ATTR_SSRC);
	ck_assert_uint_eq(mr_sdp_attr_find(&sdp, 0, "extmap")->kind, MR_SDP_ATTR_EXTMAP);
	ck_assert_uint_eq(mr_sdp_attr_find(&sdp, 0, "rtcp-fb")->kind, MR_SDP_ATTR_RTCP_FB);
	ck_assert_uint_eq(a->dir, MR_SDP_DIR_SENDRECV);
	ck_assert_uint_eq(v->dir, MR_SDP_DIR_RECVONLY);
	ck_assert(v->rtcp_rsize);
	ck_assert(str_is(v->mid, "1"));
	ck_assert(str_is(v->type, "video"));
	ck_assert(str_is(mr_sdp_media_fmt_find(v, 97)->params, "apt=96"));
	ck_assert(str_is(mr_sdp_media_fmt_find(v, 97)->encoding, "rtx"));
	ck_assert_uint_eq(v->attr_first, a->attr_first + a->n_attr);
}
END_TEST

START_TEST(parse_v6)
{
	const struct mr_sdp_media *a, *v;
	static const uint8_t ip20[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x20 };

	parse_ok(v6_offer);
	ck_assert_uint_eq(sdp.conn.af, MR_SDP_AF_IP6);
	ck_assert(str_is(sdp.origin.addrtype, "IP6"));
	a = &sdp.media[0];
	v = &sdp.media[1];
	ck_assert(a->conn.present);
	ck_assert_mem_eq(a->conn.addr, ip20, 16);
	ck_assert_uint_eq(a->rtcp_port, 49171);
	ck_assert_uint_eq(a->rtcp_conn.af, MR_SDP_AF_IP6);
	ck_assert(str_is(a->rtcp_conn.address, "2001:db8::21"));
	ck_assert(str_is(a->label, "1"));
	ck_assert(!v->conn.present);
	ck_assert_ptr_eq(mr_sdp_media_conn(&sdp, 1), &sdp.conn);
	ck_assert_uint_eq(v->proto_kind, MR_SDP_PROTO_RTP_AVPF);
	ck_assert(str_is(v->fmt[0].params, "profile-level-id=42e01f;packetization-mode=1"));
	ck_assert_uint_eq(sdp.lines[0].eol, MR_SDP_EOL_LF);
	ck_assert_uint_eq(sdp.lines[sdp.n_lines - 1].eol, MR_SDP_EOL_LF);
}
END_TEST

START_TEST(parse_hold)
{
	parse_ok(hold_offer);
	ck_assert(sdp.conn.is_hold);
	ck_assert_uint_eq(sdp.dir, MR_SDP_DIR_SENDONLY);
	ck_assert_uint_eq(sdp.media[0].dir, MR_SDP_DIR_SENDONLY);
	ck_assert(!sdp.media[0].dir_explicit);
	ck_assert_uint_eq(sdp.media[0].n_attr, 0);
	ck_assert_uint_eq(sdp.media[0].fmt[0].clock_rate, 0);
	ck_assert_uint_eq(sdp.media[0].fmt[0].encoding.len, 0);
	ck_assert_uint_eq(sdp.media[1].dir, MR_SDP_DIR_INACTIVE);
	ck_assert(sdp.media[1].dir_explicit);
	/* IPv6 hold. */
	parse_ok("v=0\r\no=- 1 1 IN IP6 ::1\r\ns=-\r\nc=IN IP6 ::\r\nt=0 0\r\n"
		 "m=audio 4000 RTP/AVP 0\r\na=recvonly\r\n");
	ck_assert(sdp.conn.is_hold);
	ck_assert_uint_eq(sdp.media[0].dir, MR_SDP_DIR_RECVONLY);
}
END_TEST

START_TEST(parse_variants)
{
	/* Port 0 (rejected stream), port count, T.38, multicast c=, odd spacing. */
	parse_ok("v=0\r\n"
		 "o=- 1 1 IN IP4 192.0.2.1\r\n"
		 "s=-\r\n"
		 "c=IN IP4 224.2.1.1/127/3\r\n"
		 "t=0 0\r\n"
		 "m=audio 0 RTP/AVP 0\r\n"
		 "m=video 5000/2 RTP/AVP 31\r\n"
		 "m=image 6000 udptl t38\r\n"
		 "a=T38FaxVersion:0\r\n"
		 "m=application 7000 UDP/DTLS/SCTP webrtc-datachannel\r\n"
		 "m=audio 8000 TCP/RTP/AVP 0 \r\n"
		 "m=audio  9000  RTP/AVP  0  8\r\n"
		 "m=audio 65535 RTP/AVP 127\r\n"
		 "a=rtpmap:127 L16/44100/2\r\n"
		 "a=ptime:20.0\r\n"
		 "x=unknown but well formed\r\n");
	ck_assert(str_is(sdp.conn.address, "224.2.1.1"));
	ck_assert(str_is(sdp.conn.suffix, "/127/3"));
	ck_assert_uint_eq(sdp.n_media, 7);
	ck_assert_uint_eq(sdp.media[0].port, 0);
	ck_assert_uint_eq(sdp.media[1].port, 5000);
	ck_assert_uint_eq(sdp.media[1].port_count, 2);
	ck_assert(!sdp.media[2].is_rtp);
	ck_assert_uint_eq(sdp.media[2].proto_kind, MR_SDP_PROTO_OTHER);
	ck_assert_int_eq(sdp.media[2].fmt[0].pt, -1);
	ck_assert(str_is(sdp.media[2].fmt[0].id, "t38"));
	ck_assert(!sdp.media[3].is_rtp);
	ck_assert(str_is(sdp.media[3].fmt[0].id, "webrtc-datachannel"));
	ck_assert_uint_eq(sdp.media[4].proto_kind, MR_SDP_PROTO_RTP_OTHER);
	ck_assert_uint_eq(sdp.media[4].n_fmt, 1);
	ck_assert_uint_eq(sdp.media[5].port, 9000);
	ck_assert_uint_eq(sdp.media[5].n_fmt, 2);
	ck_assert_uint_eq(sdp.media[6].port, 65535);
	ck_assert_uint_eq(sdp.media[6].fmt[0].channels, 2);
	ck_assert_uint_eq(sdp.media[6].fmt[0].clock_rate, 44100);
	ck_assert_uint_eq(sdp.media[6].ptime, 20);
	ck_assert_uint_eq(sdp.lines[sdp.n_lines - 1].type, 'x');

	/* No media at all needs no c=; an unterminated last line is kept. */
	parse_ok("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0");
	ck_assert_uint_eq(sdp.n_media, 0);
	ck_assert_uint_eq(sdp.lines[3].eol, MR_SDP_EOL_NONE);
	ck_assert_uint_eq(sdp.session_end, 4);
	/* Trailing empty lines. */
	parse_ok("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n\r\n\n");
	ck_assert_uint_eq(sdp.n_lines, 4);
	ck_assert_uint_eq(sdp.tail, strlen("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n"));
	/* Mixed endings are remembered per line. */
	parse_ok("v=0\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\nt=0 0\r\n");
	ck_assert_uint_eq(sdp.lines[0].eol, MR_SDP_EOL_LF);
	ck_assert_uint_eq(sdp.lines[1].eol, MR_SDP_EOL_CRLF);
	ck_assert_uint_eq(sdp.lines[2].eol, MR_SDP_EOL_LF);
	/* Tabs and UTF-8 are text. */
	parse_ok("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=Caf\xc3\xa9\tcall\r\nt=0 0\r\n");
	ck_assert(str_is(sdp.session_name, "Caf\xc3\xa9\tcall"));
}
END_TEST

#define HDR "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"

START_TEST(bad_structure)
{
	assert_bad("", -EBADMSG, "empty SDP");
	assert_bad("\r\n", -EBADMSG, "empty SDP");
	assert_bad("o=- 1 1 IN IP4 192.0.2.1\r\nv=0\r\n", -EBADMSG, "first line is not v=");
	assert_bad("v=1\r\no=- 1 1 IN IP4 192.0.2.1\r\n", -EBADMSG, "unsupported SDP version");
	assert_bad("v=0\r\nv=0\r\n", -EBADMSG, "repeated v= line");
	assert_bad("v=0\r\ns=-\r\nt=0 0\r\n", -EBADMSG, "no o= line");
	assert_bad(HDR "o=- 1 1 IN IP4 192.0.2.1\r\n", -EBADMSG, "repeated o= line");
	assert_bad("v=0\r\no=- 1 IN IP4 192.0.2.1\r\n", -EBADMSG, "malformed o= line");
	assert_bad("v=0\r\no=- 1 1 IN IP4 192.0.2.1 x\r\n", -EBADMSG, "malformed o= line");
	assert_bad(HDR "m=audio 1 RTP/AVP 0\r\no=- 1 1 IN IP4 192.0.2.1\r\n", -EBADMSG,
		   "o= line in a media section");
	/* Garbage lines. */
	assert_bad(HDR "hello\r\n", -EBADMSG, "malformed SDP line");
	assert_bad(HDR "X=1\r\n", -EBADMSG, "malformed SDP line");
	assert_bad(HDR "=1\r\n", -EBADMSG, "malformed SDP line");
	assert_bad(HDR "a\r\n", -EBADMSG, "malformed SDP line");
	assert_bad(HDR " a=x\r\n", -EBADMSG, "malformed SDP line");
	assert_bad(HDR "a=\r\n", -EBADMSG, "malformed a= line");
	assert_bad(HDR "a=:x\r\n", -EBADMSG, "malformed a= line");
	assert_bad(" v=0\r\n", -EBADMSG, "malformed SDP line");
	assert_bad(HDR "\r\nm=audio 1 RTP/AVP 0\r\n", -EBADMSG, "empty line in SDP");
	assert_bad(HDR "a=sendrecv\r\na=sendonly\r\n", -EBADMSG, "repeated direction attribute");
	assert_bad(HDR "m=audio 1 RTP/AVP 0\r\na=inactive\r\na=inactive\r\n", -EBADMSG,
		   "repeated direction attribute");
}
END_TEST

START_TEST(bad_bytes)
{
	static const char nul[] = HDR "s=a\0b\r\n";
	static const char nul_start[] = "\0=0\r\n";

	assert_bad_n(nul, sizeof(nul) - 1, -EBADMSG, "NUL byte in SDP");
	assert_bad_n(nul_start, sizeof(nul_start) - 1, -EBADMSG, "NUL byte in SDP");
	assert_bad(HDR "s=a\x01" "b\r\n", -EBADMSG, "control character in SDP");
	assert_bad(HDR "s=a\x7f\r\n", -EBADMSG, "control character in SDP");
	assert_bad(HDR "s=a\rb\r\n", -EBADMSG, "control character in SDP");
	assert_bad(HDR "s=ab\r\r\n", -EBADMSG, "control character in SDP");
	assert_bad(HDR "s=ab\r", -EBADMSG, "control character in SDP");
	assert_bad(HDR "\x1b[2J\r\n", -EBADMSG, "control character in SDP");
}
END_TEST

/* Every byte value at every position of a long line (word-wise checks). */
START_TEST(bad_bytes_positions)
{
	static char buf[256];
	const size_t hdr = strlen(HDR "s=");

	for (unsigned c = 0; c < 256; c++) {
		bool allowed = c == '\t' || (c >= 0x20 && c != 0x7f);

		for (size_t pos = 0; pos < 24; pos++) {
			const char *why = NULL;
			int rc;

			memset(buf, 0, sizeof(buf));
			memcpy(buf, HDR "s=", hdr);
			memset(buf + hdr, 'x', 24);
			buf[hdr + pos] = (char)c;
			memcpy(buf + hdr + 24, "\r\n", 2);
			rc = mr_sdp_parse((const uint8_t *)buf, hdr + 26, &sdp, &why);
			if (c == '\n') {
				/* Splits the line: what follows is not "<letter>=", or,
				 * at the end, only an empty trailing line. */
				if (pos == 23) {
					ck_assert_int_eq(rc, 0);
				} else {
					ck_assert_int_eq(rc, -EBADMSG);
					ck_assert_str_eq(why, "malformed SDP line");
				}
				continue;
			}
			if (allowed) {
				ck_assert_msg(rc == 0, "byte 0x%02x at %zu: %s", c, pos, why);
				ck_assert_uint_eq(sdp.lines[sdp.n_lines - 1].len, 26);
				ck_assert_uint_eq((uint8_t)sdp.buf[sdp.lines[sdp.n_lines - 1].off + 2 + pos], c);
			} else {
				ck_assert_msg(rc == -EBADMSG, "byte 0x%02x at %zu", c, pos);
				ck_assert_str_eq(why, c == 0 ? "NUL byte in SDP" : "control character in SDP");
			}
		}
	}
}
END_TEST

START_TEST(bad_conn)
{
	static const char *const nomedia_c = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n";
	char buf[512];

	snprintf(buf, sizeof(buf), "%sm=audio 1000 RTP/AVP 0\r\n", nomedia_c);
	assert_bad(buf, -EBADMSG, "no c= line");
	/* The second media lacks one. */
	snprintf(buf, sizeof(buf), "%sm=audio 1000 RTP/AVP 0\r\nc=IN IP4 192.0.2.1\r\n"
		 "m=audio 1002 RTP/AVP 0\r\n", nomedia_c);
	assert_bad(buf, -EBADMSG, "no c= line");
	assert_bad(HDR "m=audio 1 RTP/AVP 0\r\nc=IN IP4 2001:db8::1\r\n", -EBADMSG,
		   "connection address does not match its address type");
	assert_bad(HDR "m=audio 1 RTP/AVP 0\r\nc=IN IP6 192.0.2.1\r\n", -EBADMSG,
		   "connection address does not match its address type");
	assert_bad(HDR "m=audio 1 RTP/AVP 0\r\nc=IN IP4 host.example.com\r\n", -EBADMSG,
		   "connection address is not an IP address");
	assert_bad(HDR "m=audio 1 RTP/AVP 0\r\nc=IN IP4 192.0.2.256\r\n", -EBADMSG,
		   "connection address is not an IP address");
	assert_bad(HDR "m=audio 1 RTP/AVP 0\r\nc=IN IP4 \r\n", -EBADMSG,
		   "malformed connection address");
	assert_bad(HDR "m=audio 1 RTP/AVP 0\r\nc=IN IP4 1.2.3.4 x\r\n", -EBADMSG,
		   "malformed connection address");
	assert_bad(HDR "m=audio 1 RTP/AVP 0\r\nc=IN IP4 224.2.1.1/\r\n", -EBADMSG,
		   "malformed connection address");
	assert_bad(HDR "m=audio 1 RTP/AVP 0\r\nc=IN IP4 224.2.1.1/x\r\n", -EBADMSG,
		   "malformed connection address");
	assert_bad(HDR "m=audio 1 RTP/AVP 0\r\nc=IN IP4 224.2.1.1/127/\r\n", -EBADMSG,
		   "malformed connection address");
	assert_bad(HDR "m=audio 1 RTP/AVP 0\r\nc=IN IP4 224.2.1.1/127/3/4\r\n", -EBADMSG,
		   "malformed connection address");
	assert_bad(HDR "m=audio 1 RTP/AVP 0\r\nc=IN IP4 224.2.1.1//3\r\n", -EBADMSG,
		   "malformed connection address");
	assert_bad(HDR "m=audio 1 RTP/AVP 0\r\na=rtcp:5001 IN IP4 224.2.1.1/127\r\n", -EBADMSG,
		   "bad a=rtcp address");
	parse_ok(HDR "m=audio 1 RTP/AVP 0\r\nc=IN IP6 ff15::101/3\r\n");
	ck_assert(str_is(sdp.media[0].conn.suffix, "/3"));
	ck_assert(str_is(sdp.media[0].conn.address, "ff15::101"));
	assert_bad(HDR "m=audio 1 RTP/AVP 0\r\nc=ATM NSAP 47.0091\r\n", -EBADMSG,
		   "unsupported network type");
	assert_bad(HDR "m=audio 1 RTP/AVP 0\r\nc=IN IPX 1.2.3.4\r\n", -EBADMSG,
		   "unsupported address type");
	assert_bad(HDR "c=IN IP4 192.0.2.1\r\n", -EBADMSG, "repeated c= line");
	assert_bad(HDR "m=audio 1 RTP/AVP 0\r\nc=IN IP4 192.0.2.1\r\nc=IN IP4 192.0.2.1\r\n",
		   -EBADMSG, "repeated c= line");
}
END_TEST

START_TEST(bad_media)
{
	assert_bad(HDR "m=audio 65536 RTP/AVP 0\r\n", -EBADMSG, "m= port out of range");
	assert_bad(HDR "m=audio 99999999999999999999999 RTP/AVP 0\r\n", -EBADMSG,
		   "m= port out of range");
	assert_bad(HDR "m=audio -1 RTP/AVP 0\r\n", -EBADMSG, "m= port is not a number");
	assert_bad(HDR "m=audio abc RTP/AVP 0\r\n", -EBADMSG, "m= port is not a number");
	assert_bad(HDR "m=audio +5 RTP/AVP 0\r\n", -EBADMSG, "m= port is not a number");
	assert_bad(HDR "m=audio /2 RTP/AVP 0\r\n", -EBADMSG, "m= port is not a number");
	assert_bad(HDR "m=audio 5/0 RTP/AVP 0\r\n", -EBADMSG, "bad m= port count");
	assert_bad(HDR "m=audio 5/ RTP/AVP 0\r\n", -EBADMSG, "bad m= port count");
	assert_bad(HDR "m=audio 5/x RTP/AVP 0\r\n", -EBADMSG, "bad m= port count");
	assert_bad(HDR "m=audio 5000\r\n", -EBADMSG, "malformed m= line");
	assert_bad(HDR "m=\r\n", -EBADMSG, "malformed m= line");
	assert_bad(HDR "m=audio 5000 RTP/AVP 128\r\n", -EBADMSG, "payload type out of range");
	assert_bad(HDR "m=audio 5000 RTP/SAVPF 0 1000\r\n", -EBADMSG, "payload type out of range");
	assert_bad(HDR "m=audio 5000 RTP/AVP 0 x\r\n", -EBADMSG, "payload type is not a number");
	assert_bad(HDR "m=audio 5000 RTP/AVP -1\r\n", -EBADMSG, "payload type is not a number");
	assert_bad(HDR "m=audio 5000 RTP/AVP 0\r\na=rtpmap:128 X/8000\r\n", -EBADMSG,
		   "bad a=rtpmap payload type");
	assert_bad(HDR "m=audio 5000 RTP/AVP 0\r\na=rtpmap:0 PCMU\r\n", -EBADMSG,
		   "bad a=rtpmap encoding");
	assert_bad(HDR "m=audio 5000 RTP/AVP 0\r\na=rtpmap:0 PCMU/x\r\n", -EBADMSG,
		   "bad a=rtpmap clock rate");
	assert_bad(HDR "m=audio 5000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000/0\r\n", -EBADMSG,
		   "bad a=rtpmap channels");
	assert_bad(HDR "m=audio 5000 RTP/AVP 0\r\na=rtpmap:0\r\n", -EBADMSG, "bad a=rtpmap");
	assert_bad(HDR "m=audio 5000 RTP/AVP 0\r\na=rtcp:70000\r\n", -EBADMSG, "bad a=rtcp port");
	assert_bad(HDR "m=audio 5000 RTP/AVP 0\r\na=rtcp:\r\n", -EBADMSG, "bad a=rtcp port");
	assert_bad(HDR "m=audio 5000 RTP/AVP 0\r\na=rtcp:5001 IN IP4\r\n", -EBADMSG,
		   "bad a=rtcp address");
	assert_bad(HDR "m=audio 5000 RTP/AVP 0\r\na=rtcp:5001 IN IP6 1.2.3.4\r\n", -EBADMSG,
		   "bad a=rtcp address");
	assert_bad(HDR "m=audio 5000 RTP/AVP 0\r\na=rtcp:5001\r\na=rtcp:5003\r\n", -EBADMSG,
		   "repeated a=rtcp");
	assert_bad(HDR "m=audio 5000 RTP/AVP 0\r\na=ptime:abc\r\n", -EBADMSG, "bad a=ptime");
	assert_bad(HDR "m=audio 5000 RTP/AVP 0\r\na=ptime:20.x\r\n", -EBADMSG, "bad a=ptime");
	/* Malformed crypto lines are not errors (RFC 4568 5.1.3): kept, not indexed. */
	{
		static const char *const bad_crypto[] = {
			HDR "m=audio 5000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80\r\n",
			HDR "m=audio 5000 RTP/SAVP 0\r\na=crypto:x AES_CM_128_HMAC_SHA1_80 inline:a\r\n",
			HDR "m=audio 5000 RTP/SAVP 0\r\na=crypto:1234567890 S inline:a\r\n",
		};
		const char *why = NULL;

		for (unsigned i = 0; i < MR_ARRAY_SIZE(bad_crypto); i++) {
			ck_assert_int_eq(mr_sdp_parse((const uint8_t *)bad_crypto[i], strlen(bad_crypto[i]),
						      &sdp, &why), 0);
			ck_assert_uint_eq(sdp.media[0].n_crypto, 0);
			ck_assert_ptr_nonnull(mr_sdp_attr_find(&sdp, 0, "crypto"));
		}
	}
}
END_TEST

/* Append to a growing buffer; the test fails rather than truncate. */
static void app(char *buf, size_t cap, size_t *len, const char *s)
{
	size_t n = strlen(s);

	ck_assert_uint_lt(*len + n, cap);
	memcpy(buf + *len, s, n + 1);
	*len += n;
}

START_TEST(bad_limits)
{
	static char big[MR_SDP_MAX_LEN + 16];
	size_t n;
	char line[64];
	unsigned i;

	/* Thousands of m= lines. */
	n = 0;
	app(big, sizeof(big), &n, HDR);
	for (i = 0; i < 3000; i++)
		app(big, sizeof(big), &n, "m=audio 1 RTP/AVP 0\r\n");
	assert_bad(big, -E2BIG, "too many m= lines");
	/* Exactly MR_SDP_MAX_MEDIA is fine. */
	n = 0;
	app(big, sizeof(big), &n, HDR);
	for (i = 0; i < MR_SDP_MAX_MEDIA; i++)
		app(big, sizeof(big), &n, "m=audio 1 RTP/AVP 0\r\n");
	parse_ok(big);
	ck_assert_uint_eq(sdp.n_media, MR_SDP_MAX_MEDIA);

	/* Thousands of attributes, session level and media level. */
	n = 0;
	app(big, sizeof(big), &n, HDR);
	for (i = 0; i < 3000; i++)
		app(big, sizeof(big), &n, "a=x\r\n");
	assert_bad(big, -E2BIG, "too many attributes in a section");
	n = 0;
	app(big, sizeof(big), &n, HDR "m=audio 1 RTP/AVP 0\r\n");
	for (i = 0; i < MR_SDP_MAX_ATTR; i++)
		app(big, sizeof(big), &n, "a=x\r\n");
	parse_ok(big);
	ck_assert_uint_eq(sdp.media[0].n_attr, MR_SDP_MAX_ATTR);
	app(big, sizeof(big), &n, "a=x\r\n");
	assert_bad(big, -E2BIG, "too many attributes in a section");

	/* Many lines, each section within its limits. */
	n = 0;
	app(big, sizeof(big), &n, HDR);
	for (i = 0; i < 2000; i++)
		app(big, sizeof(big), &n, "b=AS:64\r\n");
	assert_bad(big, -E2BIG, "too many SDP lines");
	/* Exactly MR_SDP_MAX_LINES (HDR has 5). */
	n = 0;
	app(big, sizeof(big), &n, HDR);
	for (i = 5; i < MR_SDP_MAX_LINES; i++)
		app(big, sizeof(big), &n, "b=AS:64\r\n");
	parse_ok(big);
	ck_assert_uint_eq(sdp.n_lines, MR_SDP_MAX_LINES);
	app(big, sizeof(big), &n, "b=AS:64\r\n");
	assert_bad(big, -E2BIG, "too many SDP lines");

	/* Formats on one m= line. */
	n = 0;
	app(big, sizeof(big), &n, HDR "m=audio 1 RTP/AVP");
	for (i = 0; i < MR_SDP_MAX_FMT; i++) {
		snprintf(line, sizeof(line), " %u", i);
		app(big, sizeof(big), &n, line);
	}
	app(big, sizeof(big), &n, "\r\n");
	parse_ok(big);
	ck_assert_uint_eq(sdp.media[0].n_fmt, MR_SDP_MAX_FMT);
	big[n - 2] = '\0';
	n -= 2;
	app(big, sizeof(big), &n, " 99\r\n");
	assert_bad(big, -E2BIG, "too many formats on an m= line");

	/* Crypto lines. */
	n = 0;
	app(big, sizeof(big), &n, HDR "m=audio 1 RTP/SAVP 0\r\n");
	for (i = 0; i <= MR_SDP_MAX_CRYPTO; i++) {
		snprintf(line, sizeof(line), "a=crypto:%u AES_CM_128_HMAC_SHA1_80 inline:k\r\n", i);
		app(big, sizeof(big), &n, line);
	}
	{
		const char *why = NULL;

		/* Past the capacity: parsed, the extra line not indexed. */
		ck_assert_int_eq(mr_sdp_parse((const uint8_t *)big, n, &sdp, &why), 0);
		ck_assert_uint_eq(sdp.media[0].n_crypto, MR_SDP_MAX_CRYPTO);
	}

	/* Input length. */
	memset(big, 'x', sizeof(big));
	memcpy(big, HDR, strlen(HDR));
	assert_bad_n(big, MR_SDP_MAX_LEN + 1, -E2BIG, "SDP too long");
	assert_bad_n(NULL, 10, -EBADMSG, "empty SDP");
}
END_TEST

/* Every prefix of a valid description parses or fails cleanly. */
START_TEST(truncated)
{
	const char *const all[] = { sipp_offer, teams_offer, webrtc_offer, v6_offer, hold_offer };
	unsigned ok = 0, bad = 0;

	for (size_t k = 0; k < MR_ARRAY_SIZE(all); k++) {
		size_t len = strlen(all[k]);

		for (size_t n = 0; n < len; n++) {
			const char *why = NULL;
			int rc = mr_sdp_parse((const uint8_t *)all[k], n, &sdp, &why);

			if (rc == 0) {
				size_t out = 0;

				ok++;
				/* What parses is written back unchanged. */
				ck_assert_int_eq(mr_sdp_write(&sdp, NULL, outbuf, sizeof(outbuf),
							      &out, NULL), 0);
				ck_assert_uint_eq(out, n);
				ck_assert_mem_eq(outbuf, all[k], n);
			} else {
				bad++;
				ck_assert_int_eq(rc, -EBADMSG);
				ck_assert_ptr_nonnull(why);
			}
		}
	}
	/* Cut mid-line ("m=aud", "c=IN IP4 19") fails; cut at a line end parses. */
	ck_assert_uint_gt(ok, 10);
	ck_assert_uint_gt(bad, 1000);
	assert_bad(HDR "m=audio 1 RTP/AVP 0\r\na=rtpmap:0 PCMU/", -EBADMSG,
		   "bad a=rtpmap clock rate");
	assert_bad(HDR "m=aud", -EBADMSG, "malformed m= line");
}
END_TEST

/* WebRTC to plain RTP: the DTLS, ICE and mux attributes go, c= is added. */
START_TEST(write_webrtc)
{
	struct mr_sdp_edit e;
	const uint64_t dtls = MR_SDP_ATTR_BIT(MR_SDP_ATTR_FINGERPRINT) |
			      MR_SDP_ATTR_BIT(MR_SDP_ATTR_SETUP);

	mr_sdp_edit_init(&e);
	e.conn_addr = MR_STR_LIT("203.0.113.5");
	e.conn_af = MR_SDP_AF_IP4;
	e.origin_addr = MR_STR_LIT("203.0.113.5");
	e.origin_af = MR_SDP_AF_IP4;
	for (unsigned i = 0; i < 2; i++) {
		struct mr_sdp_edit_media *em = &e.media[i];

		em->conn_addr = MR_STR_LIT("203.0.113.5");
		em->conn_af = MR_SDP_AF_IP4;
		em->set_port = true;
		em->port = (uint16_t)(30000 + 2 * i);
		em->proto = MR_STR_LIT("RTP/AVP");
		em->set_rtcp = true;
		em->rtcp_port = (uint16_t)(30001 + 2 * i);
		em->drop_rtcp_mux = true;
		em->drop_ice = true;
		em->drop_kinds = dtls | MR_SDP_ATTR_BIT(MR_SDP_ATTR_OTHER);
	}
	parse_ok(webrtc_offer);
	assert_write(&e,
		"v=0\r\n"
		"o=- 4611731400430051336 2 IN IP4 203.0.113.5\r\n"
		"s=-\r\n"
		"c=IN IP4 203.0.113.5\r\n"
		"t=0 0\r\n"
		"a=group:BUNDLE 0 1\r\n"
		"a=extmap-allow-mixed\r\n"
		"a=msid-semantic: WMS stream1\r\n"
		"m=audio 30000 RTP/AVP 111 63 9 0 8 110 126\r\n"
		"c=IN IP4 203.0.113.5\r\n"
		"a=rtcp:30001\r\n"
		"a=mid:0\r\n"
		"a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
		"a=sendrecv\r\n"
		"a=msid:stream1 track1\r\n"
		"a=rtpmap:111 opus/48000/2\r\n"
		"a=rtcp-fb:111 transport-cc\r\n"
		"a=fmtp:111 minptime=10;useinbandfec=1\r\n"
		"a=rtpmap:63 red/48000/2\r\n"
		"a=fmtp:63 111/111\r\n"
		"a=rtpmap:9 G722/8000\r\n"
		"a=rtpmap:0 PCMU/8000\r\n"
		"a=rtpmap:8 PCMA/8000\r\n"
		"a=rtpmap:110 telephone-event/48000\r\n"
		"a=rtpmap:126 telephone-event/8000\r\n"
		"a=ssrc:3735928559 cname:4TOk42mSjXCkVIa6\r\n"
		"m=video 30002 RTP/AVP 96 97\r\n"
		"c=IN IP4 203.0.113.5\r\n"
		"a=rtcp:30003\r\n"
		"a=mid:1\r\n"
		"a=recvonly\r\n"
		"a=rtcp-rsize\r\n"
		"a=rtpmap:96 VP8/90000\r\n"
		"a=rtcp-fb:96 nack pli\r\n"
		"a=rtpmap:97 rtx/90000\r\n"
		"a=fmtp:97 apt=96\r\n");
}
END_TEST

/* LF endings kept; a media without c= gets one when its address differs. */
START_TEST(write_v6_per_media_conn)
{
	struct mr_sdp_edit e = {
		.media[0] = { .conn_addr = S("2001:db8::99"), .conn_af = MR_SDP_AF_IP6,
			      .set_rtcp = true, .rtcp_port = 40001,
			      .rtcp_addr = S("2001:db8::99"), .rtcp_af = MR_SDP_AF_IP6 },
		.media[1] = { .conn_addr = S("2001:db8::99"), .conn_af = MR_SDP_AF_IP6 },
	};

	parse_ok(v6_offer);
	assert_write(&e,
		"v=0\n"
		"o=alice 2890844526 2890844527 IN IP6 2001:db8::10\n"
		"s=call\n"
		"c=IN IP6 2001:db8::10\n"
		"t=0 0\n"
		"m=audio 49170 RTP/AVP 9 101\n"
		"c=IN IP6 2001:db8::99\n"
		"a=rtcp:40001 IN IP6 2001:db8::99\n"
		"a=rtpmap:9 G722/8000\n"
		"a=rtpmap:101 telephone-event/8000\n"
		"a=label:1\n"
		"m=video 51372 RTP/AVPF 99\n"
		"c=IN IP6 2001:db8::99\n"
		"a=rtpmap:99 H264/90000\n"
		"a=fmtp:99 profile-level-id=42e01f;packetization-mode=1\n"
		"a=label:2\n");

	/* The same address on the session c=: the video follows it, no c= added. */
	e.conn_addr = MR_STR_LIT("2001:db8:0::99");
	e.conn_af = MR_SDP_AF_IP6;
	assert_write(&e,
		"v=0\n"
		"o=alice 2890844526 2890844527 IN IP6 2001:db8::10\n"
		"s=call\n"
		"c=IN IP6 2001:db8:0::99\n"
		"t=0 0\n"
		"m=audio 49170 RTP/AVP 9 101\n"
		"c=IN IP6 2001:db8::99\n"
		"a=rtcp:40001 IN IP6 2001:db8::99\n"
		"a=rtpmap:9 G722/8000\n"
		"a=rtpmap:101 telephone-event/8000\n"
		"a=label:1\n"
		"m=video 51372 RTP/AVPF 99\n"
		"a=rtpmap:99 H264/90000\n"
		"a=fmtp:99 profile-level-id=42e01f;packetization-mode=1\n"
		"a=label:2\n");

	/* A media c= after an i= line; IPv4 media in an IPv6 session. */
	parse_ok("v=0\r\no=- 1 1 IN IP6 ::1\r\ns=-\r\nc=IN IP6 ::1\r\nt=0 0\r\n"
		 "m=audio 4000 RTP/AVP 0\r\ni=voice\r\nb=AS:64\r\n");
	mr_sdp_edit_init(&e);
	e.media[0].conn_addr = MR_STR_LIT("192.0.2.7");
	e.media[0].conn_af = MR_SDP_AF_IP4;
	assert_write(&e, "v=0\r\no=- 1 1 IN IP6 ::1\r\ns=-\r\nc=IN IP6 ::1\r\nt=0 0\r\n"
		     "m=audio 4000 RTP/AVP 0\r\ni=voice\r\nc=IN IP4 192.0.2.7\r\nb=AS:64\r\n");
	/* At the section end when m= is its only line. */
	parse_ok("v=0\r\no=- 1 1 IN IP6 ::1\r\ns=-\r\nc=IN IP6 ::1\r\nt=0 0\r\n"
		 "m=audio 4000 RTP/AVP 0\r\nm=audio 4002 RTP/AVP 0\r\n");
	assert_write(&e, "v=0\r\no=- 1 1 IN IP6 ::1\r\ns=-\r\nc=IN IP6 ::1\r\nt=0 0\r\n"
		     "m=audio 4000 RTP/AVP 0\r\nc=IN IP4 192.0.2.7\r\nm=audio 4002 RTP/AVP 0\r\n");
}
END_TEST

/* Hold and resume: direction attributes replaced in place or added. */
START_TEST(write_direction)
{
	static const struct mr_str extra[] = { S("x-mrelay:1"), S("tool:mrelay") };
	struct mr_sdp_edit e = {
		.dir = MR_SDP_DIR_SENDRECV,
		.add_attrs = extra, .n_add_attrs = 2,
		.media[1] = { .dir = MR_SDP_DIR_RECVONLY },
		.media[0] = { .add_attrs = extra, .n_add_attrs = 1 },
	};

	parse_ok(hold_offer);
	assert_write(&e,
		"v=0\r\n"
		"o=- 1 2 IN IP4 192.0.2.1\r\n"
		"s=-\r\n"
		"c=IN IP4 0.0.0.0\r\n"
		"t=0 0\r\n"
		"a=sendrecv\r\n"
		"a=x-mrelay:1\r\n"
		"a=tool:mrelay\r\n"
		"m=audio 7000 RTP/AVP 8\r\n"
		"a=x-mrelay:1\r\n"
		"m=audio 7002 RTP/AVP 0\r\n"
		"a=recvonly\r\n");

	/* Added where there was none: session and media. */
	parse_ok(sipp_offer);
	mr_sdp_edit_init(&e);
	e.dir = MR_SDP_DIR_INACTIVE;
	assert_write(&e,
		"v=0\r\n"
		"o=user1 53655765 2353687637 IN IP4 192.168.1.10\r\n"
		"s=-\r\n"
		"c=IN IP4 192.168.1.10\r\n"
		"t=0 0\r\n"
		"a=inactive\r\n"
		"m=audio 6000 RTP/AVP 0 8 101\r\n"
		"a=rtpmap:0 PCMU/8000\r\n"
		"a=rtpmap:8 PCMA/8000\r\n"
		"a=rtpmap:101 telephone-event/8000\r\n"
		"a=fmtp:101 0-16\r\n"
		"a=ptime:20\r\n"
		"a=sendrecv\r\n");
}
END_TEST

/* The input's last line has no line ending. */
START_TEST(write_unterminated)
{
	static const char in[] = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\n"
				 "t=0 0\r\nm=audio 1000 RTP/AVP 0\r\na=sendonly";
	struct mr_sdp_edit e = { .media[0] = { .add_rtcp_mux = true } };

	parse_ok(in);
	assert_write(&e, "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\n"
		     "t=0 0\r\nm=audio 1000 RTP/AVP 0\r\na=sendonly\r\na=rtcp-mux\r\n");
	/* Replaced in place: still unterminated. */
	e.media[0].add_rtcp_mux = false;
	e.media[0].dir = MR_SDP_DIR_RECVONLY;
	assert_write(&e, "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\n"
		     "t=0 0\r\nm=audio 1000 RTP/AVP 0\r\na=recvonly");
	/* Dropped: the output ends with the previous line's ending. */
	e.media[0].dir = MR_SDP_DIR_UNSET;
	e.media[0].drop_kinds = MR_SDP_ATTR_BIT(MR_SDP_ATTR_SENDONLY);
	assert_write(&e, "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\n"
		     "t=0 0\r\nm=audio 1000 RTP/AVP 0\r\n");
	/* An unterminated m= line followed by an added c= (LF section). */
	parse_ok("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\nm=audio 1000 RTP/AVP 0");
	mr_sdp_edit_init(&e);
	e.media[0].conn_addr = MR_STR_LIT("192.0.2.9");
	e.media[0].conn_af = MR_SDP_AF_IP4;
	assert_write(&e, "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n"
		     "m=audio 1000 RTP/AVP 0\nc=IN IP4 192.0.2.9\n");
	/* Trailing empty lines stay after what is added. */
	parse_ok("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
		 "m=audio 1000 RTP/AVP 0\r\n\r\n");
	mr_sdp_edit_init(&e);
	e.media[0].add_rtcp_mux = true;
	assert_write(&e, "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
		     "m=audio 1000 RTP/AVP 0\r\na=rtcp-mux\r\n\r\n");
}
END_TEST

/* A new format list: maps of formats left out go, added maps follow the last one kept. */
START_TEST(write_formats)
{
	static const struct mr_str add[] = { S("rtpmap:96 opus/48000/2"), S("fmtp:96 useinbandfec=1") };
	struct mr_sdp_edit e = { .media[0] = { .fmts = S("0 96"), .fmt_attrs = add, .n_fmt_attrs = 2,
					       .ptime = 30 } };
	size_t n = 0;

	parse_ok("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
		 "m=audio 1000 RTP/AVPF 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
		 "a=rtcp-fb:8 nack\r\na=rtcp-fb:* nack\r\na=rtpmap:101 telephone-event/8000\r\n"
		 "a=fmtp:101 0-15\r\na=ptime:20\r\na=sendrecv\r\n");
	assert_write(&e, "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
		     "m=audio 1000 RTP/AVPF 0 96\r\na=rtpmap:0 PCMU/8000\r\na=rtcp-fb:* nack\r\n"
		     "a=rtpmap:96 opus/48000/2\r\na=fmtp:96 useinbandfec=1\r\n"
		     "a=ptime:30\r\na=sendrecv\r\n");
	/* The last map is the unterminated last line; no a=ptime to replace: one is added. */
	parse_ok("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n"
		 "m=audio 1000 RTP/AVP 0 8\na=rtpmap:8 PCMA/8000");
	assert_write(&e, "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n"
		     "m=audio 1000 RTP/AVP 0 96\na=rtpmap:96 opus/48000/2\na=fmtp:96 useinbandfec=1\n"
		     "a=ptime:30\n");
	/* No map at all: added at the section's end. */
	parse_ok("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
		 "m=audio 1000 RTP/AVP 0\r\na=sendrecv\r\n");
	/* A format without rtpmap keeps nothing of the previous parse's. */
	ck_assert_uint_eq(sdp.media[0].fmt[0].encoding.len, 0);
	ck_assert_uint_eq(sdp.media[0].fmt[0].clock_rate, 0);
	e.media[0].ptime = 0;
	assert_write(&e, "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
		     "m=audio 1000 RTP/AVP 0 96\r\na=sendrecv\r\na=rtpmap:96 opus/48000/2\r\n"
		     "a=fmtp:96 useinbandfec=1\r\n");
	/* Malformed lists are refused. */
	e.media[0].fmts = MR_STR_LIT("0  96");
	ck_assert_int_eq(mr_sdp_write(&sdp, &e, outbuf, sizeof(outbuf), &n, NULL), -EINVAL);
	e.media[0].fmts = MR_STR_LIT("0 96 ");
	ck_assert_int_eq(mr_sdp_write(&sdp, &e, outbuf, sizeof(outbuf), &n, NULL), -EINVAL);
	e.media[0].fmts = MR_STR_LIT("0\r\n96");
	ck_assert_int_eq(mr_sdp_write(&sdp, &e, outbuf, sizeof(outbuf), &n, NULL), -EINVAL);
}
END_TEST

START_TEST(write_crypto_and_rtcp)
{
	static const char in[] = HDR "m=audio 1000 RTP/SAVP 0\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:AAAA\r\n"
		"a=rtcp-mux\r\n"
		"a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:BBBB\r\n"
		"a=rtcp:1001 IN IP4 192.0.2.1\r\n";
	static const struct mr_str two[] = {
		S("crypto:1 AEAD_AES_256_GCM inline:CCCC"),
		S("crypto:2 AES_CM_128_HMAC_SHA1_80 inline:DDDD"),
	};
	struct mr_sdp_edit e = {
		.media[0] = { .replace_crypto = true, .crypto_lines = two, .n_crypto_lines = 2,
			      .add_rtcp_mux = true, .set_rtcp = true, .rtcp_port = 2001,
			      .drop_rtcp = true },
	};

	parse_ok(in);
	/* New keys where the first old one was; mux already there; rtcp in place. */
	assert_write(&e, HDR "m=audio 1000 RTP/SAVP 0\r\n"
		     "a=crypto:1 AEAD_AES_256_GCM inline:CCCC\r\n"
		     "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:DDDD\r\n"
		     "a=rtcp-mux\r\n"
		     "a=rtcp:2001\r\n");
	/* Keys where there were none: at the end, after the other additions. */
	parse_ok(sipp_offer);
	e.media[0].set_rtcp = false;
	assert_write(&e,
		"v=0\r\n"
		"o=user1 53655765 2353687637 IN IP4 192.168.1.10\r\n"
		"s=-\r\n"
		"c=IN IP4 192.168.1.10\r\n"
		"t=0 0\r\n"
		"m=audio 6000 RTP/AVP 0 8 101\r\n"
		"a=rtpmap:0 PCMU/8000\r\n"
		"a=rtpmap:8 PCMA/8000\r\n"
		"a=rtpmap:101 telephone-event/8000\r\n"
		"a=fmtp:101 0-16\r\n"
		"a=ptime:20\r\n"
		"a=sendrecv\r\n"
		"a=rtcp-mux\r\n"
		"a=crypto:1 AEAD_AES_256_GCM inline:CCCC\r\n"
		"a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:DDDD\r\n");
	/* drop_kinds does not remove what the edit writes or keeps. */
	parse_ok(in);
	mr_sdp_edit_init(&e);
	e.media[0].add_rtcp_mux = true;
	e.media[0].set_rtcp = true;
	e.media[0].rtcp_port = 2001;
	e.media[0].dir = MR_SDP_DIR_SENDONLY;
	e.media[0].drop_kinds = MR_SDP_ATTR_BIT(MR_SDP_ATTR_RTCP_MUX) |
				MR_SDP_ATTR_BIT(MR_SDP_ATTR_RTCP) |
				MR_SDP_ATTR_BIT(MR_SDP_ATTR_SENDONLY) |
				MR_SDP_ATTR_BIT(MR_SDP_ATTR_CRYPTO);
	assert_write(&e, HDR "m=audio 1000 RTP/SAVP 0\r\n"
		     "a=rtcp-mux\r\n"
		     "a=rtcp:2001\r\n"
		     "a=sendonly\r\n");
	/* Drop mux and rtcp; keys kept when replace_crypto is off. */
	parse_ok(in);
	mr_sdp_edit_init(&e);
	e.media[0].drop_rtcp_mux = true;
	e.media[0].drop_rtcp = true;
	assert_write(&e, HDR "m=audio 1000 RTP/SAVP 0\r\n"
		     "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:AAAA\r\n"
		     "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:BBBB\r\n");
}
END_TEST

START_TEST(write_fields)
{
	struct mr_sdp_edit e = {
		.conn_addr = MR_STR_LIT("198.51.100.1"), .conn_af = MR_SDP_AF_IP4,
		.media[0] = { .set_port = true, .port = 6000 },
		.media[1] = { .set_port = true, .port = 65535, .proto = S("RTP/SAVP") },
	};

	/* Multicast suffix dropped with the address; port count and spacing kept. */
	parse_ok("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 224.2.1.1/127/3\r\nt=0 0\r\n"
		 "m=video 5000/2 RTP/AVP 31\r\nm=audio  9000  RTP/AVP  0  8 \r\n");
	assert_write(&e, "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 198.51.100.1\r\nt=0 0\r\n"
		     "m=video 6000/2 RTP/AVP 31\r\nm=audio  65535  RTP/SAVP  0  8 \r\n");
	/* A session c= where only the media had one: before b= and t=. */
	parse_ok("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\ni=info\r\nb=AS:1\r\nt=0 0\r\n"
		 "m=audio 1 RTP/AVP 0\r\nc=IN IP4 192.0.2.1\r\n");
	mr_sdp_edit_init(&e);
	e.conn_addr = MR_STR_LIT("198.51.100.1");
	e.conn_af = MR_SDP_AF_IP4;
	assert_write(&e, "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\ni=info\r\n"
		     "c=IN IP4 198.51.100.1\r\nb=AS:1\r\nt=0 0\r\n"
		     "m=audio 1 RTP/AVP 0\r\nc=IN IP4 192.0.2.1\r\n");
	/* Session ICE dropped (ice-lite, ufrag), the rest kept. */
	parse_ok("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
		 "a=ice-lite\r\na=ice-ufrag:abcd\r\na=tool:x\r\nm=audio 1 RTP/AVP 0\r\n"
		 "a=candidate:1 1 udp 1 192.0.2.1 1 typ host\r\n");
	ck_assert(sdp.ice_lite);
	ck_assert(str_is(sdp.media[0].ice_ufrag, "abcd"));
	mr_sdp_edit_init(&e);
	e.drop_ice = true;
	assert_write(&e, "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
		     "a=tool:x\r\nm=audio 1 RTP/AVP 0\r\n"
		     "a=candidate:1 1 udp 1 192.0.2.1 1 typ host\r\n");
}
END_TEST

/* Every buffer size short of the output fails without writing past it. */
START_TEST(write_nospace)
{
	static uint8_t small[2048];
	struct mr_sdp_edit e = {
		.origin_addr = MR_STR_LIT("203.0.113.5"), .origin_af = MR_SDP_AF_IP4,
		.conn_addr = MR_STR_LIT("203.0.113.5"), .conn_af = MR_SDP_AF_IP4,
		.media[0] = { .set_port = true, .port = 30000, .add_rtcp_mux = true,
			      .set_rtcp = true, .rtcp_port = 30001 },
	};
	size_t full = 0, n;
	const char *why;

	parse_ok(sipp_offer);
	ck_assert_int_eq(mr_sdp_write(&sdp, &e, outbuf, sizeof(outbuf), &full, NULL), 0);
	ck_assert_uint_lt(full, sizeof(small));
	for (size_t cap = 0; cap < full; cap++) {
		memset(small, 0xa5, sizeof(small));
		n = 12345;
		why = NULL;
		ck_assert_int_eq(mr_sdp_write(&sdp, &e, small, cap, &n, &why), -ENOSPC);
		ck_assert_str_eq(why, "output buffer too small");
		ck_assert_uint_eq(n, 12345);
		for (size_t i = cap; i < sizeof(small); i++)
			ck_assert_uint_eq(small[i], 0xa5);
	}
	ck_assert_int_eq(mr_sdp_write(&sdp, &e, small, full, &n, NULL), 0);
	ck_assert_uint_eq(n, full);
	ck_assert_mem_eq(small, outbuf, full);
	ck_assert_int_eq(mr_sdp_write(&sdp, &e, NULL, 0, &n, NULL), -ENOSPC);
}
END_TEST

static void assert_einval(const struct mr_sdp_edit *e, const char *reason)
{
	size_t n;
	const char *why = NULL;

	ck_assert_int_eq(mr_sdp_write(&sdp, e, outbuf, sizeof(outbuf), &n, &why), -EINVAL);
	ck_assert_str_eq(why, reason);
}

START_TEST(write_bad_edit)
{
	static const struct mr_str crlf[] = { S("x:1\r\na=injected") };
	static const struct mr_str empty[] = { S("") };
	struct mr_sdp_edit e;
	static struct mr_sdp failed;
	size_t n;

	parse_ok(sipp_offer);
	mr_sdp_edit_init(&e);
	e.conn_addr = MR_STR_LIT("2001:db8::1");
	e.conn_af = MR_SDP_AF_IP4;
	assert_einval(&e, "edit address invalid for its address type");
	e.conn_af = MR_SDP_AF_NONE;
	assert_einval(&e, "edit address invalid for its address type");
	mr_sdp_edit_init(&e);
	e.origin_addr = MR_STR_LIT("192.0.2.1\r\nc=IN IP4 6.6.6.6");
	e.origin_af = MR_SDP_AF_IP4;
	assert_einval(&e, "edit address invalid for its address type");
	mr_sdp_edit_init(&e);
	e.media[0].conn_addr = MR_STR_LIT("example.com");
	e.media[0].conn_af = MR_SDP_AF_IP4;
	assert_einval(&e, "edit address invalid for its address type");
	mr_sdp_edit_init(&e);
	e.media[0].rtcp_addr = MR_STR_LIT("1.2.3.4");
	e.media[0].rtcp_af = MR_SDP_AF_IP6;
	assert_einval(&e, "edit address invalid for its address type");
	mr_sdp_edit_init(&e);
	e.add_attrs = crlf;
	e.n_add_attrs = 1;
	assert_einval(&e, "invalid edit");
	mr_sdp_edit_init(&e);
	e.media[0].add_attrs = empty;
	e.media[0].n_add_attrs = 1;
	assert_einval(&e, "invalid edit");
	mr_sdp_edit_init(&e);
	e.media[0].crypto_lines = NULL;
	e.media[0].n_crypto_lines = 1;
	assert_einval(&e, "invalid edit");
	mr_sdp_edit_init(&e);
	e.media[0].proto = MR_STR_LIT("RTP/AVP 0");
	assert_einval(&e, "invalid edit");
	mr_sdp_edit_init(&e);
	e.media[0].add_rtcp_mux = true;
	e.media[0].drop_rtcp_mux = true;
	assert_einval(&e, "invalid edit");
	mr_sdp_edit_init(&e);
	e.media[0].dir = 9;
	assert_einval(&e, "invalid edit");
	mr_sdp_edit_init(&e);
	e.media[1].set_port = true;
	assert_einval(&e, "edit for a media that does not exist");
	/* Nothing parsed. */
	ck_assert_int_eq(mr_sdp_write(&failed, NULL, outbuf, sizeof(outbuf), &n, NULL), -EINVAL);
}
END_TEST

static void register_tests_writer(TCase *tc);

START_TEST(proto_kinds)
{
	static const struct {
		const char *proto;
		enum mr_sdp_proto kind;
		bool srtp, dtls, avpf;
	} t[] = {
		{ "RTP/AVP", MR_SDP_PROTO_RTP_AVP, false, false, false },
		{ "rtp/avp", MR_SDP_PROTO_RTP_AVP, false, false, false },
		{ "RTP/AVPF", MR_SDP_PROTO_RTP_AVPF, false, false, true },
		{ "RTP/SAVP", MR_SDP_PROTO_RTP_SAVP, true, false, false },
		{ "RTP/SAVPF", MR_SDP_PROTO_RTP_SAVPF, true, false, true },
		{ "UDP/TLS/RTP/SAVP", MR_SDP_PROTO_UDP_TLS_RTP_SAVP, true, true, false },
		{ "UDP/TLS/RTP/SAVPF", MR_SDP_PROTO_UDP_TLS_RTP_SAVPF, true, true, true },
		{ "TCP/RTP/AVP", MR_SDP_PROTO_RTP_OTHER, false, false, false },
		{ "RTP/XYZ", MR_SDP_PROTO_RTP_OTHER, false, false, false },
		{ "udptl", MR_SDP_PROTO_OTHER, false, false, false },
		{ "UDP/DTLS/SCTP", MR_SDP_PROTO_OTHER, false, false, false },
		{ "XRTP/AVP", MR_SDP_PROTO_OTHER, false, false, false },
		{ "UDP/RTPX", MR_SDP_PROTO_OTHER, false, false, false },
	};
	char buf[256];

	for (size_t i = 0; i < MR_ARRAY_SIZE(t); i++) {
		snprintf(buf, sizeof(buf), HDR "m=audio 1 %s 0\r\n", t[i].proto);
		parse_ok(buf);
		ck_assert_msg(sdp.media[0].proto_kind == t[i].kind, "%s", t[i].proto);
		ck_assert(sdp.media[0].is_rtp == (t[i].kind != MR_SDP_PROTO_OTHER));
		ck_assert(mr_sdp_proto_is_srtp(sdp.media[0].proto_kind) == t[i].srtp);
		ck_assert(mr_sdp_proto_is_dtls(sdp.media[0].proto_kind) == t[i].dtls);
		ck_assert(mr_sdp_proto_is_avpf(sdp.media[0].proto_kind) == t[i].avpf);
	}
}
END_TEST

Suite *sdp_suite(void);
Suite *sdp_suite(void)
{
	Suite *s = suite_create("sdp");
	TCase *tc = tcase_create("parse");
	TCase *bad = tcase_create("malformed");
	TCase *wr = tcase_create("write");

	tcase_add_test(tc, parse_sipp);
	tcase_add_test(tc, parse_teams);
	tcase_add_test(tc, parse_webrtc);
	tcase_add_test(tc, parse_v6);
	tcase_add_test(tc, parse_hold);
	tcase_add_test(tc, parse_variants);
	tcase_add_test(tc, proto_kinds);
	suite_add_tcase(s, tc);
	tcase_add_test(bad, bad_structure);
	tcase_add_test(bad, bad_bytes);
	tcase_add_test(bad, bad_bytes_positions);
	tcase_add_test(bad, bad_conn);
	tcase_add_test(bad, bad_media);
	tcase_add_test(bad, bad_limits);
	tcase_add_test(bad, truncated);
	tcase_set_timeout(bad, 60);
	suite_add_tcase(s, bad);
	register_tests_writer(wr);
	suite_add_tcase(s, wr);
	return s;
}

START_TEST(write_unchanged)
{
	const char *const all[] = { sipp_offer, teams_offer, webrtc_offer, v6_offer, hold_offer,
		"v=0\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\nt=0 0\r\n\r\n\n",
		"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0" };
	struct mr_sdp_edit e;

	mr_sdp_edit_init(&e);
	for (size_t k = 0; k < MR_ARRAY_SIZE(all); k++) {
		parse_ok(all[k]);
		assert_write(NULL, all[k]);
		assert_write(&e, all[k]);
	}
}
END_TEST

/* The usual relay offer: our address in o= and c=, our ports. */
START_TEST(write_sipp)
{
	struct mr_sdp_edit e = {
		.origin_addr = MR_STR_LIT("203.0.113.5"), .origin_af = MR_SDP_AF_IP4,
		.conn_addr = MR_STR_LIT("203.0.113.5"), .conn_af = MR_SDP_AF_IP4,
		.media[0] = { .set_port = true, .port = 30000,
			      .set_rtcp = true, .rtcp_port = 30001 },
	};

	parse_ok(sipp_offer);
	assert_write(&e,
		"v=0\r\n"
		"o=user1 53655765 2353687637 IN IP4 203.0.113.5\r\n"
		"s=-\r\n"
		"c=IN IP4 203.0.113.5\r\n"
		"t=0 0\r\n"
		"m=audio 30000 RTP/AVP 0 8 101\r\n"
		"a=rtpmap:0 PCMU/8000\r\n"
		"a=rtpmap:8 PCMA/8000\r\n"
		"a=rtpmap:101 telephone-event/8000\r\n"
		"a=fmtp:101 0-16\r\n"
		"a=ptime:20\r\n"
		"a=sendrecv\r\n"
		"a=rtcp:30001\r\n");

	/* To an IPv6 side: the address types change with the addresses. */
	e.origin_addr = MR_STR_LIT("2001:db8::5");
	e.origin_af = MR_SDP_AF_IP6;
	e.conn_addr = MR_STR_LIT("2001:db8::5");
	e.conn_af = MR_SDP_AF_IP6;
	e.media[0].rtcp_addr = MR_STR_LIT("2001:db8::5");
	e.media[0].rtcp_af = MR_SDP_AF_IP6;
	e.media[0].port = 0;
	e.media[0].add_rtcp_mux = true;
	e.media[0].dir = MR_SDP_DIR_SENDONLY;
	assert_write(&e,
		"v=0\r\n"
		"o=user1 53655765 2353687637 IN IP6 2001:db8::5\r\n"
		"s=-\r\n"
		"c=IN IP6 2001:db8::5\r\n"
		"t=0 0\r\n"
		"m=audio 0 RTP/AVP 0 8 101\r\n"
		"a=rtpmap:0 PCMU/8000\r\n"
		"a=rtpmap:8 PCMA/8000\r\n"
		"a=rtpmap:101 telephone-event/8000\r\n"
		"a=fmtp:101 0-16\r\n"
		"a=ptime:20\r\n"
		"a=sendonly\r\n"
		"a=rtcp:30001 IN IP6 2001:db8::5\r\n"
		"a=rtcp-mux\r\n");
}
END_TEST

/* SDES-SRTP towards Teams: new keys, no ICE, our address on the media c=. */
START_TEST(write_teams)
{
	static const struct mr_str keys[] = {
		S("crypto:2 AES_CM_128_HMAC_SHA1_80 inline:NEWKEYNEWKEYNEWKEYNEWKEYNEWKEYNEWKEYNEWK|2^31|1:1"),
	};
	struct mr_sdp_edit e = {
		.media[0] = { .conn_addr = S("203.0.113.5"), .conn_af = MR_SDP_AF_IP4,
			      .set_port = true, .port = 40000,
			      .set_rtcp = true, .rtcp_port = 40001,
			      .drop_ice = true,
			      .replace_crypto = true, .crypto_lines = keys, .n_crypto_lines = 1 },
	};

	parse_ok(teams_offer);
	assert_write(&e,
		"v=0\r\n"
		"o=- 0 1 IN IP4 10.0.0.5\r\n"
		"s=session\r\n"
		"c=IN IP4 52.114.1.10\r\n"
		"b=CT:10000000\r\n"
		"t=0 0\r\n"
		"m=audio 40000 RTP/SAVP 104 9 0 8 101 13\r\n"
		"c=IN IP4 203.0.113.5\r\n"
		"a=rtcp:40001\r\n"
		"a=x-candidate-ipv6:1 1 UDP 2130706431 2001:db8::5 50010 typ host\r\n"
		"a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:NEWKEYNEWKEYNEWKEYNEWKEYNEWKEYNEWKEYNEWK|2^31|1:1\r\n"
		"a=maxptime:200\r\n"
		"a=rtpmap:104 SILK/16000\r\n"
		"a=fmtp:104 useinbandfec=1; usedtx=0\r\n"
		"a=rtpmap:9 G722/8000\r\n"
		"a=rtpmap:0 PCMU/8000\r\n"
		"a=rtpmap:8 PCMA/8000\r\n"
		"a=rtpmap:101 telephone-event/8000\r\n"
		"a=fmtp:101 0-16\r\n"
		"a=rtpmap:13 CN/8000\r\n"
		"a=ptime:20\r\n");

	/* Plain RTP instead: crypto dropped, proto changed, a=rtcp dropped. */
	mr_sdp_edit_init(&e);
	e.media[0].proto = MR_STR_LIT("RTP/AVP");
	e.media[0].replace_crypto = true;
	e.media[0].drop_rtcp = true;
	assert_write(&e,
		"v=0\r\n"
		"o=- 0 1 IN IP4 10.0.0.5\r\n"
		"s=session\r\n"
		"c=IN IP4 52.114.1.10\r\n"
		"b=CT:10000000\r\n"
		"t=0 0\r\n"
		"m=audio 50010 RTP/AVP 104 9 0 8 101 13\r\n"
		"c=IN IP4 52.114.1.10\r\n"
		"a=ice-ufrag:Xb7w\r\n"
		"a=ice-pwd:3mJ0Ut/ptH0lzaJ0IcCpzLmQ\r\n"
		"a=candidate:1 1 UDP 2130706431 10.0.0.5 50010 typ host \r\n"
		"a=candidate:1 2 UDP 2130705918 10.0.0.5 50011 typ host \r\n"
		"a=candidate:2 1 UDP 16648703 52.114.1.10 50010 typ relay raddr 10.0.0.5 rport 50010\r\n"
		"a=x-candidate-ipv6:1 1 UDP 2130706431 2001:db8::5 50010 typ host\r\n"
		"a=maxptime:200\r\n"
		"a=rtpmap:104 SILK/16000\r\n"
		"a=fmtp:104 useinbandfec=1; usedtx=0\r\n"
		"a=rtpmap:9 G722/8000\r\n"
		"a=rtpmap:0 PCMU/8000\r\n"
		"a=rtpmap:8 PCMA/8000\r\n"
		"a=rtpmap:101 telephone-event/8000\r\n"
		"a=fmtp:101 0-16\r\n"
		"a=rtpmap:13 CN/8000\r\n"
		"a=ptime:20\r\n");
}
END_TEST

static void register_tests_writer(TCase *tc)
{
	tcase_add_test(tc, write_unchanged);
	tcase_add_test(tc, write_sipp);
	tcase_add_test(tc, write_teams);
	tcase_add_test(tc, write_webrtc);
	tcase_add_test(tc, write_v6_per_media_conn);
	tcase_add_test(tc, write_direction);
	tcase_add_test(tc, write_unterminated);
	tcase_add_test(tc, write_formats);
	tcase_add_test(tc, write_crypto_and_rtcp);
	tcase_add_test(tc, write_fields);
	tcase_add_test(tc, write_nospace);
	tcase_add_test(tc, write_bad_edit);
}

MR_CHECK_MAIN(sdp_suite)
