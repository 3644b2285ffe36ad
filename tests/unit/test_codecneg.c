/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Codec negotiation in mrelay-control through the real ng dispatch: every
 * "codec" operation on the offer (byte-exact SDP), answer selection with
 * and without a shared codec, always-transcode, ptime / ptime-reverse, the
 * transcode specs the flows get, DTMF reports, and bad inputs.
 */
#include "ctl_harness.h"
#include "codec/codec-t.h"

/* The caller's SDP as we pass it on: our address, our port, the m= formats and maps given. */
static void expect_offer(char *out, size_t size, uint16_t port, const char *fmts,
			 const char *maps, const char *ptime)
{
	snprintf(out, size,
		 "v=0\r\n"
		 "o=alice 2890844526 2890844526 IN IP4 192.0.2.10\r\n"
		 "s=-\r\n"
		 "c=IN IP4 203.0.113.1\r\n"
		 "t=0 0\r\n"
		 "m=audio %u RTP/AVP %s\r\n"
		 "%s"
		 "a=ptime:%s\r\n"
		 "a=sendrecv\r\n", port, fmts, maps, ptime);
}

static uint16_t lport(const char *call_id, unsigned slot)
{
	struct ctl_call *call = find_call(call_id);

	ck_assert_ptr_nonnull(call);
	return call->streams[0].local[slot].port;
}

/* The RTP flow of packets sent by slot s. */
static const struct mr_flow_spec *flow_from(const char *call_id, unsigned s)
{
	const struct mr_flow_spec *f = fdp_flow_at(lport(call_id, s));

	ck_assert_ptr_nonnull(f);
	return f;
}

/* An error reply, naming the test line when it is not. */
#define ck_err(part) do { \
	ck_assert_msg(strcmp(rget("result"), "error") == 0, "line %d: result %s", __LINE__, \
		      rget("result")); \
	ck_error(part); \
} while (0)

static void ck_sdp(const char *exp)
{
	ck_assert_msg(strcmp(rget("sdp"), exp) == 0, "SDP:\n%s\nexpected:\n%s", rget("sdp"), exp);
}

#define MAPS_A "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n" \
	       "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"

static const char sdp_opus[] =
	"v=0\r\n"
	"o=bob 2808844564 2808844564 IN IP4 198.51.100.20\r\n"
	"s=-\r\n"
	"c=IN IP4 198.51.100.20\r\n"
	"t=0 0\r\n"
	"m=audio 3456 RTP/AVP 96 97\r\n"
	"a=rtpmap:96 opus/48000/2\r\n"
	"a=fmtp:96 maxplaybackrate=8000;sprop-maxcapturerate=8000\r\n"
	"a=rtpmap:97 telephone-event/48000\r\n"
	"a=fmtp:97 0-15\r\n"
	"a=sendrecv\r\n";

START_TEST(no_options_change_nothing)
{
	char exp[2048];

	sig("offer", "n-1", "ft1", NULL, sdp_a, NULL);
	ck_result("ok");
	expect_offer(exp, sizeof(exp), lport("n-1", 1), "0 8 101", MAPS_A, "20");
	ck_sdp(exp);
	sig("answer", "n-1", "ft1", "tt1", sdp_b, NULL);
	ck_result("ok");
	ck_assert(!(flow_from("n-1", 0)->flags & MR_FLOW_F_TRANSCODE));
	ck_assert(!(flow_from("n-1", 1)->flags & MR_FLOW_F_TRANSCODE));
}
END_TEST

START_TEST(strip_one)
{
	char exp[2048];

	sig("offer", "s-1", "ft1", NULL, sdp_a, "5:codecd5:stripl4:PCMAee");
	ck_result("ok");
	expect_offer(exp, sizeof(exp), lport("s-1", 1), "0 101",
		     "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n",
		     "20");
	ck_sdp(exp);
	ck_assert_str_eq(rget("warning"), "");
}
END_TEST

START_TEST(strip_all_offer_one)
{
	char exp[2048];

	/* offer puts its codecs back, first, in its order. */
	sig("offer", "s-2", "ft1", NULL, sdp_a,
	    "5:codecd5:stripl3:alle5:offerl15:telephone-event4:PCMAee");
	ck_result("ok");
	expect_offer(exp, sizeof(exp), lport("s-2", 1), "101 8",
		     "a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n",
		     "20");
	ck_sdp(exp);
	/* Full form with a clock. */
	sig("offer", "s-3", "ft1", NULL, sdp_a, "5:codecd5:stripl9:PCMU/8000ee");
	ck_result("ok");
	expect_offer(exp, sizeof(exp), lport("s-3", 1), "8 101",
		     "a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n",
		     "20");
	ck_sdp(exp);
	/* Video is left alone ("all" means audio codecs). */
	sig("offer", "s-5", "ft1", NULL,
	    "v=0\r\no=a 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
	    "m=audio 49170 RTP/AVP 0 8\r\nm=video 49180 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n",
	    "5:codecd5:stripl3:alle5:offerl4:PCMUee");
	ck_result("ok");
	ck_assert(strstr(rget("sdp"), " RTP/AVP 0\r\n") != NULL);
	ck_assert(strstr(rget("sdp"), " RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n") != NULL);
	/* Strip everything: nothing left to offer. */
	sig("offer", "s-4", "ft1", NULL, sdp_a, "5:codecd5:stripl3:allee");
	ck_err("no codec in the offer");
	ck_assert_ptr_null(find_call("s-4"));
}
END_TEST

/* mask + transcode: PCMU hidden from the callee, Opus added; the callee takes Opus only. */
START_TEST(mask_transcode_answer_opus)
{
	char exp[2048];
	const struct mr_flow_spec *fa, *fb;

	sig("offer", "t-1", "ft1", NULL, sdp_a, "5:codecd4:maskl4:PCMUe9:transcodel4:opusee");
	ck_result("ok");
	expect_offer(exp, sizeof(exp), lport("t-1", 1), "8 101 96 97",
		     "a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"
		     "a=rtpmap:96 opus/48000/2\r\n"
		     "a=fmtp:96 maxplaybackrate=8000;sprop-maxcapturerate=8000\r\n"
		     "a=rtpmap:97 telephone-event/48000\r\na=fmtp:97 0-15\r\n", "20");
	ck_sdp(exp);
	/* No answer yet: nothing transcoded. */
	ck_assert(!(flow_from("t-1", 0)->flags & MR_FLOW_F_TRANSCODE));

	sig("answer", "t-1", "ft1", "tt1", sdp_opus, NULL);
	ck_result("ok");
	/* The caller gets its own first codec (masked from the callee, still its own). */
	snprintf(exp, sizeof(exp),
		 "v=0\r\n"
		 "o=bob 2808844564 2808844564 IN IP4 198.51.100.20\r\n"
		 "s=-\r\n"
		 "c=IN IP4 203.0.113.1\r\n"
		 "t=0 0\r\n"
		 "m=audio %u RTP/AVP 0 101\r\n"
		 "a=rtpmap:0 PCMU/8000\r\n"
		 "a=rtpmap:101 telephone-event/8000\r\n"
		 "a=fmtp:101 0-15\r\n"
		 "a=sendrecv\r\n", lport("t-1", 0));
	ck_sdp(exp);
	fa = flow_from("t-1", 0);
	fb = flow_from("t-1", 1);
	ck_assert(fa->flags & MR_FLOW_F_TRANSCODE);
	ck_assert(fb->flags & MR_FLOW_F_TRANSCODE);
	ck_assert_uint_eq(fa->transcode.in_codec, MR_CODEC_PCMU);
	ck_assert_uint_eq(fa->transcode.out_codec, MR_CODEC_OPUS);
	ck_assert_uint_eq(fa->transcode.in_pt, 0);
	ck_assert_uint_eq(fa->transcode.out_pt, 96);
	ck_assert_uint_eq(fa->transcode.in_te_pt, 101);
	ck_assert_uint_eq(fa->transcode.out_te_pt, 97);
	ck_assert_uint_eq(fa->transcode.in_cn_pt, MR_CODEC_PT_NONE);
	ck_assert_uint_eq(fa->transcode.out_ptime, 20);
	ck_assert_uint_eq(fa->transcode.opus_complexity, MR_CODEC_OPUS_CX_DEFAULT);
	ck_assert_uint_eq(fb->transcode.in_codec, MR_CODEC_OPUS);
	ck_assert_uint_eq(fb->transcode.out_codec, MR_CODEC_PCMU);
	ck_assert_uint_eq(fb->transcode.in_pt, 96);
	ck_assert_uint_eq(fb->transcode.out_pt, 0);
	ck_assert_uint_eq(fb->transcode.in_te_pt, 97);
	ck_assert_uint_eq(fb->transcode.out_te_pt, 101);
	ck_assert_uint_ne(fa->ssrc_out, fb->ssrc_out);
	ck_assert_str_eq(fmt_sa(&fb->out_dst), "192.0.2.10:49170");
	/* RTCP flows are not transcoded. */
	ck_assert(!(fdp_flow_at((uint16_t)(lport("t-1", 0) + 1))->flags & MR_FLOW_F_TRANSCODE));

	/* query shows what is transcoded. */
	sig("query", "t-1", NULL, NULL, NULL, NULL);
	ck_result("ok");
	ck_assert_ptr_nonnull(mr_bencode_dict_get(&rdoc, rroot, "transcode"));
}
END_TEST

/* transcode=opus, but the callee answers PCMU, which the caller has: no transcoding. */
START_TEST(shared_codec_passes_through)
{
	char exp[2048];

	sig("offer", "p-1", "ft1", NULL, sdp_a, "5:codecd9:transcodel4:opusee");
	ck_result("ok");
	ck_assert(strstr(rget("sdp"), " RTP/AVP 0 8 101 96 97\r\n") != NULL);
	sig("answer", "p-1", "ft1", "tt1", sdp_b, NULL);
	ck_result("ok");
	snprintf(exp, sizeof(exp),
		 "v=0\r\n"
		 "o=bob 2808844564 2808844564 IN IP4 198.51.100.20\r\n"
		 "s=-\r\n"
		 "c=IN IP4 203.0.113.1\r\n"
		 "t=0 0\r\n"
		 "m=audio %u RTP/AVP 0 101\r\n"
		 "a=rtpmap:0 PCMU/8000\r\n"
		 "a=rtpmap:101 telephone-event/8000\r\n"
		 "a=fmtp:101 0-16\r\n"
		 "a=sendrecv\r\n", lport("p-1", 0));
	ck_sdp(exp);
	ck_assert(!(flow_from("p-1", 0)->flags & MR_FLOW_F_TRANSCODE));
	ck_assert(!(flow_from("p-1", 1)->flags & MR_FLOW_F_TRANSCODE));

	/* An answer listing the shared codec and the added one: the caller sees only its own. */
	sig("offer", "p-2", "ft1", NULL, sdp_a, "5:codecd9:transcodel4:opusee");
	ck_result("ok");
	{
		char b[1024];

		snprintf(b, sizeof(b),
			 "v=0\r\no=bob 1 1 IN IP4 198.51.100.20\r\ns=-\r\nc=IN IP4 198.51.100.20\r\n"
			 "t=0 0\r\nm=audio 3456 RTP/AVP 96 0\r\na=rtpmap:96 opus/48000/2\r\n"
			 "a=rtpmap:0 PCMU/8000\r\n");
		sig("answer", "p-2", "ft1", "tt1", b, NULL);
	}
	ck_result("ok");
	snprintf(exp, sizeof(exp),
		 "v=0\r\no=bob 1 1 IN IP4 198.51.100.20\r\ns=-\r\nc=IN IP4 203.0.113.1\r\n"
		 "t=0 0\r\nm=audio %u RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n", lport("p-2", 0));
	ck_sdp(exp);
	ck_assert(!(flow_from("p-2", 0)->flags & MR_FLOW_F_TRANSCODE));

	/* A codec named twice is added once; a single name may be a string. */
	sig("offer", "p-3", "ft1", NULL, sdp_a, "5:codecd9:transcodel4:opus12:opus/48000/2ee");
	ck_result("ok");
	ck_assert(strstr(rget("sdp"), " RTP/AVP 0 8 101 96 97\r\n") != NULL);
	ck_assert(strstr(rget("sdp"), "a=rtpmap:98") == NULL);
	sig("offer", "p-4", "ft1", NULL, sdp_a, "5:codecd9:transcode4:G722e");
	ck_result("ok");
	ck_assert(strstr(rget("sdp"), " RTP/AVP 0 8 101 9\r\n") != NULL);
}
END_TEST

START_TEST(always_transcode)
{
	const struct mr_flow_spec *fa;

	sig("offer", "a-1", "ft1", NULL, sdp_a, "5:flagsl16:always-transcodee");
	ck_result("ok");
	ck_assert_str_eq(rget("warning"), "");
	sig("answer", "a-1", "ft1", "tt1", sdp_b, NULL);
	ck_result("ok");
	fa = flow_from("a-1", 0);
	ck_assert(fa->flags & MR_FLOW_F_TRANSCODE);
	ck_assert_uint_eq(fa->transcode.in_codec, MR_CODEC_PCMU);
	ck_assert_uint_eq(fa->transcode.out_codec, MR_CODEC_PCMU);
	ck_assert(flow_from("a-1", 1)->flags & MR_FLOW_F_TRANSCODE);
	/* rtpengine's spelling with a space. */
	sig("offer", "a-2", "ft1", NULL, sdp_a, "5:flagsl16:always transcodee");
	ck_result("ok");
	sig("answer", "a-2", "ft1", "tt1", sdp_b, NULL);
	ck_result("ok");
	ck_assert(flow_from("a-2", 1)->flags & MR_FLOW_F_TRANSCODE);
}
END_TEST

START_TEST(ptime_and_reverse)
{
	char exp[2048];
	const struct mr_flow_spec *fa, *fb;

	/* ptime: the callee gets 30 ms; the caller's 20 ms packets are repacketized. */
	sig("offer", "pt-1", "ft1", NULL, sdp_a, "5:ptimei30e");
	ck_result("ok");
	expect_offer(exp, sizeof(exp), lport("pt-1", 1), "0 8 101", MAPS_A, "30");
	ck_sdp(exp);
	sig("answer", "pt-1", "ft1", "tt1", sdp_b, NULL);
	ck_result("ok");
	fa = flow_from("pt-1", 0);
	fb = flow_from("pt-1", 1);
	ck_assert(fa->flags & MR_FLOW_F_TRANSCODE);
	ck_assert_uint_eq(fa->transcode.in_codec, MR_CODEC_PCMU);
	ck_assert_uint_eq(fa->transcode.out_codec, MR_CODEC_PCMU);
	ck_assert_uint_eq(fa->transcode.out_ptime, 30);
	ck_assert(!(fb->flags & MR_FLOW_F_TRANSCODE));

	/* ptime-reverse: the caller gets 30 ms in the answer; the callee's packets are repacketized. */
	sig("offer", "pt-2", "ft1", NULL, sdp_a, "13:ptime-reversei30e");
	ck_result("ok");
	expect_offer(exp, sizeof(exp), lport("pt-2", 1), "0 8 101", MAPS_A, "20");
	ck_sdp(exp);
	sig("answer", "pt-2", "ft1", "tt1", sdp_b, NULL);
	ck_result("ok");
	ck_assert(strstr(rget("sdp"), "a=sendrecv\r\na=ptime:30\r\n") != NULL);
	ck_assert(!(flow_from("pt-2", 0)->flags & MR_FLOW_F_TRANSCODE));
	fb = flow_from("pt-2", 1);
	ck_assert(fb->flags & MR_FLOW_F_TRANSCODE);
	ck_assert_uint_eq(fb->transcode.out_ptime, 30);

	/* Asking for what the sender already uses changes nothing. */
	sig("offer", "pt-3", "ft1", NULL, sdp_a, "5:ptimei20e");
	ck_result("ok");
	sig("answer", "pt-3", "ft1", "tt1", sdp_b, NULL);
	ck_result("ok");
	ck_assert(!(flow_from("pt-3", 0)->flags & MR_FLOW_F_TRANSCODE));

	/* With transcoding, ptime sets the output packet time towards the callee. */
	sig("offer", "pt-4", "ft1", NULL, sdp_a, "5:codecd4:maskl3:alle9:transcodel4:opusee5:ptimei40e");
	ck_result("ok");
	ck_assert(strstr(rget("sdp"), " RTP/AVP 96 97\r\n") && strstr(rget("sdp"), "a=ptime:40\r\n"));
	sig("answer", "pt-4", "ft1", "tt1", sdp_opus, NULL);
	ck_result("ok");
	ck_assert_uint_eq(flow_from("pt-4", 0)->transcode.out_ptime, 40);
	ck_assert_uint_eq(flow_from("pt-4", 1)->transcode.out_ptime, 20);

	sig("offer", "pt-5", "ft1", NULL, sdp_a, "5:ptimei25e");
	ck_err("ptime must be");
	sig("offer", "pt-6", "ft1", NULL, sdp_a, "5:ptime3:abc");
	ck_err("ptime must be");
}
END_TEST

START_TEST(bad_inputs)
{
	char sdp[8192];
	int n;

	/* An unknown codec name: a warning, the call goes on. */
	sig("offer", "b-1", "ft1", NULL, sdp_a, "5:codecd5:stripl5:G7xyze4:fooblee");
	ck_result("ok");
	ck_assert(strstr(rget("warning"), "codec") != NULL);
	/* A codec the relay lacks to transcode to: an error, no call. */
	sig("offer", "b-2", "ft1", NULL, sdp_a, "5:codecd9:transcodel3:AMRee");
	ck_err("not supported");
	ck_assert_ptr_null(find_call("b-2"));
	sig("offer", "b-3", "ft1", NULL, sdp_a, "5:codecd9:transcodel8:opus/123ee");
	ck_err("not supported");
	/* Malformed options. */
	sig("offer", "b-4", "ft1", NULL, sdp_a, "5:codecl4:opuse");
	ck_err("codec must be a dictionary");
	sig("offer", "b-5", "ft1", NULL, sdp_a, "5:codecd5:stripi3ee");
	ck_err("codec options");
	/* Every dynamic payload type taken: nothing left for Opus. */
	n = snprintf(sdp, sizeof(sdp),
		     "v=0\r\no=a 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
		     "m=audio 49170 RTP/AVP 0");
	for (unsigned pt = 96; pt < 128; pt++)
		n += snprintf(sdp + n, sizeof(sdp) - (size_t)n, " %u", pt);
	n += snprintf(sdp + n, sizeof(sdp) - (size_t)n, "\r\n");
	for (unsigned pt = 96; pt < 128; pt++)
		n += snprintf(sdp + n, sizeof(sdp) - (size_t)n, "a=rtpmap:%u X%u/8000\r\n", pt, pt);
	sig("offer", "b-6", "ft1", NULL, sdp, "5:codecd9:transcodel4:opusee");
	ck_err("no free dynamic payload type");
	ck_assert_ptr_null(find_call("b-6"));
	/* PCMA added on its static payload type needs none. */
	sig("offer", "b-7", "ft1", NULL, sdp, "5:codecd9:transcodel4:PCMAee");
	ck_result("ok");
	ck_assert(strstr(rget("sdp"), " 127 8\r\n") != NULL);
	ck_assert(strstr(rget("sdp"), "a=rtpmap:127 X127/8000\r\na=rtpmap:8 PCMA/8000\r\n") != NULL);

	/* An answer with nothing shared and nothing the relay transcodes: an error, call kept. */
	sig("offer", "b-8", "ft1", NULL, sdp_a, "5:codecd9:transcodel4:opusee");
	ck_result("ok");
	sig("answer", "b-8", "ft1", "tt1",
	    "v=0\r\no=b 1 1 IN IP4 198.51.100.20\r\ns=-\r\nc=IN IP4 198.51.100.20\r\nt=0 0\r\n"
	    "m=audio 3456 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n", NULL);
	ck_err("not one the relay transcodes");
	ck_assert_ptr_nonnull(find_call("b-8"));
}
END_TEST

/* accept: the callee's codec is taken by the caller as it is. */
START_TEST(accept_passes_through)
{
	sig("offer", "ac-1", "ft1", NULL, sdp_a, "5:codecd9:transcodel4:G722ee");
	ck_result("ok");
	ck_assert(strstr(rget("sdp"), " RTP/AVP 0 8 101 9\r\n") != NULL);
	sig("answer", "ac-1", "ft1", "tt1",
	    "v=0\r\no=b 1 1 IN IP4 198.51.100.20\r\ns=-\r\nc=IN IP4 198.51.100.20\r\nt=0 0\r\n"
	    "m=audio 3456 RTP/AVP 9\r\n", "5:codecd6:acceptl4:G722ee");
	ck_result("ok");
	ck_assert(strstr(rget("sdp"), " RTP/AVP 9\r\n") != NULL);
	ck_assert(!(flow_from("ac-1", 1)->flags & MR_FLOW_F_TRANSCODE));
	/* Without accept: G.722 -> PCMU. */
	sig("offer", "ac-2", "ft1", NULL, sdp_a, "5:codecd9:transcodel4:G722ee");
	ck_result("ok");
	sig("answer", "ac-2", "ft1", "tt1",
	    "v=0\r\no=b 1 1 IN IP4 198.51.100.20\r\ns=-\r\nc=IN IP4 198.51.100.20\r\nt=0 0\r\n"
	    "m=audio 3456 RTP/AVP 9\r\n", NULL);
	ck_result("ok");
	ck_assert_uint_eq(flow_from("ac-2", 1)->transcode.in_codec, MR_CODEC_G722);
	ck_assert_uint_eq(flow_from("ac-2", 1)->transcode.out_codec, MR_CODEC_PCMU);
	ck_assert_uint_eq(flow_from("ac-2", 1)->transcode.out_te_pt, MR_CODEC_PT_NONE);
}
END_TEST

START_TEST(dtmf_reported)
{
	const struct mr_bencode_node *d;
	struct mr_msg ev;
	struct mr_str s;
	int64_t cnt = 0;

	sig("offer", "d-1", "ft1", NULL, sdp_a, "5:codecd4:maskl3:alle9:transcodel4:opusee");
	ck_result("ok");
	sig("answer", "d-1", "ft1", "tt1", sdp_opus, NULL);
	ck_result("ok");
	for (const char *p = "12#"; *p; p++) {
		memset(&ev, 0, sizeof(ev));
		ev.hdr.type = MR_EVT_DTMF;
		ev.hdr.generation = fdp.shm.hdr->generation;
		ev.u.dtmf.flow_id = flow_from("d-1", 0)->flow_id;
		ev.u.dtmf.event = *p == '#' ? 11 : (uint8_t)(*p - '0');
		ev.u.dtmf.duration_ms = 100;
		ck_assert_uint_eq(mr_shm_evt_send(&fdp.shm, &ev, 1), 1);
	}
	/* A digit on a flow no call owns: logged, nothing else. */
	ev.u.dtmf.flow_id = FDP_FLOWS - 1;
	ck_assert_uint_eq(mr_shm_evt_send(&fdp.shm, &ev, 1), 1);
	ctl_tick(&ctl);
	sig("query", "d-1", NULL, NULL, NULL, NULL);
	ck_result("ok");
	d = mr_bencode_dict_get(&rdoc, rroot, "dtmf");
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(mr_bencode_dict_get_str(&rdoc, d, "digits", &s), 0);
	ck_assert(mr_str_eq_cstr(s, "12#"));
	ck_assert_int_eq(mr_bencode_dict_get_int(&rdoc, d, "count", &cnt), 0);
	ck_assert_int_eq(cnt, 3);
}
END_TEST

/* A WebRTC-like caller: Opus 111, telephone-event at 48000 (110) and at 8000 (126). */
static const char sdp_webrtc[] =
	"v=0\r\n"
	"o=carol 1 1 IN IP4 192.0.2.30\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.30\r\n"
	"t=0 0\r\n"
	"m=audio 40000 RTP/AVP 111 126 110\r\n"
	"a=rtpmap:111 opus/48000/2\r\n"
	"a=fmtp:111 minptime=10;useinbandfec=1\r\n"
	"a=rtpmap:126 telephone-event/8000\r\n"
	"a=rtpmap:110 telephone-event/48000\r\n"
	"a=fmtp:110 0-15\r\n"
	"a=sendrecv\r\n";

/* Opus 111 / telephone-event 110 against the callee's 96 / 97: passed through, renumbered. */
START_TEST(pt_remap_passthrough)
{
	const struct mr_flow_spec *fo, *fa;
	char exp[2048];

	sig("offer", "m-1", "ft1", NULL, sdp_webrtc, NULL);
	ck_result("ok");
	sig("answer", "m-1", "ft1", "tt1", sdp_opus, NULL);
	ck_result("ok");
	/* The caller is answered with its own numbers, the callee's rtpmap and fmtp. */
	snprintf(exp, sizeof(exp),
		 "v=0\r\n"
		 "o=bob 2808844564 2808844564 IN IP4 198.51.100.20\r\n"
		 "s=-\r\n"
		 "c=IN IP4 203.0.113.1\r\n"
		 "t=0 0\r\n"
		 "m=audio %u RTP/AVP 111 110\r\n"
		 "a=rtpmap:111 opus/48000/2\r\n"
		 "a=fmtp:111 maxplaybackrate=8000;sprop-maxcapturerate=8000\r\n"
		 "a=rtpmap:110 telephone-event/48000\r\n"
		 "a=fmtp:110 0-15\r\n"
		 "a=sendrecv\r\n", lport("m-1", 0));
	ck_sdp(exp);
	fo = flow_from("m-1", 0);
	fa = flow_from("m-1", 1);
	ck_assert(!(fo->flags & (MR_FLOW_F_TRANSCODE | MR_FLOW_F_RTCP_TERM)));
	/* Caller to callee: 111 -> 96, 110 -> 97; digits of 97 (as sent) reported. */
	ck_assert_uint_eq(fo->pass.n_map, 2);
	ck_assert_uint_eq(fo->pass.map[0].in, 111);
	ck_assert_uint_eq(fo->pass.map[0].out, 96);
	ck_assert_uint_eq(fo->pass.map[1].in, 110);
	ck_assert_uint_eq(fo->pass.map[1].out, 97);
	ck_assert(fo->flags & MR_FLOW_F_DTMF);
	ck_assert_uint_eq(fo->pass.te_pt, 97);
	/* Back: the callee's own numbers mapped to the caller's, 110 reported. */
	ck_assert_uint_eq(fa->pass.n_map, 2);
	ck_assert_uint_eq(fa->pass.map[0].in, 96);
	ck_assert_uint_eq(fa->pass.map[0].out, 111);
	ck_assert_uint_eq(fa->pass.map[1].in, 97);
	ck_assert_uint_eq(fa->pass.map[1].out, 110);
	ck_assert(fa->flags & MR_FLOW_F_DTMF);
	ck_assert_uint_eq(fa->pass.te_pt, 110);
	/* RTCP is not remapped (and not terminated). */
	ck_assert_uint_eq(fdp_flow_at((uint16_t)(lport("m-1", 0) + 1))->pass.n_map, 0);
	ck_assert(!(fdp_flow_at((uint16_t)(lport("m-1", 0) + 1))->flags & MR_FLOW_F_RTCP_TERM));

	/* Same numbers on both legs: nothing to remap, the SDP as it was, digits still reported. */
	sig("offer", "m-2", "ft1", NULL, sdp_a, NULL);
	ck_result("ok");
	sig("answer", "m-2", "ft1", "tt1", sdp_b, NULL);
	ck_result("ok");
	ck_assert(strstr(rget("sdp"), "m=audio ") && strstr(rget("sdp"), " RTP/AVP 0 101\r\n"));
	ck_assert_uint_eq(flow_from("m-2", 0)->pass.n_map, 0);
	ck_assert_uint_eq(flow_from("m-2", 0)->pass.te_pt, 101);
	ck_assert(flow_from("m-2", 1)->flags & MR_FLOW_F_DTMF);

	/* A callee that numbers Opus 110, the caller's telephone-event: its 110 is never mapped back. */
	{
		char b[1024];

		sig("offer", "m-3", "ft1", NULL, sdp_webrtc, NULL);
		ck_result("ok");
		snprintf(b, sizeof(b),
			 "v=0\r\no=bob 1 1 IN IP4 198.51.100.20\r\ns=-\r\nc=IN IP4 198.51.100.20\r\n"
			 "t=0 0\r\nm=audio 3456 RTP/AVP 110 111\r\na=rtpmap:110 opus/48000/2\r\n"
			 "a=rtpmap:111 telephone-event/48000\r\n");
		sig("answer", "m-3", "ft1", "tt1", b, NULL);
		ck_result("ok");
		ck_assert(strstr(rget("sdp"), " RTP/AVP 111 110\r\n"));
		ck_assert_uint_eq(flow_from("m-3", 0)->pass.n_map, 2);	/* the caller's own, swapped */
		ck_assert_uint_eq(flow_from("m-3", 1)->pass.n_map, 0);	/* both clash with the caller's */
	}
}
END_TEST

/* telephone-event beside Opus is at 48000 (RFC 7587, RFC 4733 2.1) in offer, answer and flows. */
START_TEST(te_at_opus_clock)
{
	const struct mr_flow_spec *fo, *fa;

	/* The caller offers telephone-event at both clocks: its Opus goes with the 48000 one. */
	sig("offer", "e-1", "ft1", NULL, sdp_webrtc, "5:codecd9:transcodel4:PCMUee");
	ck_result("ok");
	ck_assert(strstr(rget("sdp"), " RTP/AVP 111 126 110 0\r\n"));
	sig("answer", "e-1", "ft1", "tt1", sdp_b, NULL);
	ck_result("ok");
	ck_assert(strstr(rget("sdp"), " RTP/AVP 111 110\r\n"));
	ck_assert(strstr(rget("sdp"), "a=rtpmap:110 telephone-event/48000\r\n"));
	ck_assert(strstr(rget("sdp"), "telephone-event/8000") == NULL);
	fo = flow_from("e-1", 0);
	fa = flow_from("e-1", 1);
	ck_assert(fo->flags & MR_FLOW_F_TRANSCODE);
	ck_assert_uint_eq(fo->transcode.in_codec, MR_CODEC_OPUS);
	ck_assert_uint_eq(fo->transcode.in_te_pt, 110);
	ck_assert_uint_eq(fo->transcode.out_te_pt, 101);
	ck_assert_uint_eq(fa->transcode.in_te_pt, 101);
	ck_assert_uint_eq(fa->transcode.out_te_pt, 110);
	/* Each leg's RTCP is the relay's business: consumed, and the SR of each direction
	 * takes LSR from the RTCP flow of the party it sends to. */
	ck_assert(fdp_flow_at((uint16_t)(lport("e-1", 0) + 1))->flags & MR_FLOW_F_RTCP_TERM);
	ck_assert(fdp_flow_at((uint16_t)(lport("e-1", 1) + 1))->flags & MR_FLOW_F_RTCP_TERM);
	ck_assert_uint_eq(fo->transcode.rtcp_flow_id,
			  fdp_flow_at((uint16_t)(lport("e-1", 1) + 1))->flow_id);
	ck_assert_uint_eq(fa->transcode.rtcp_flow_id,
			  fdp_flow_at((uint16_t)(lport("e-1", 0) + 1))->flow_id);

	/* Only telephone-event/48000 offered: PCMU added towards the callee gets one at 8000. */
	{
		char a[1024];

		snprintf(a, sizeof(a),
			 "v=0\r\no=carol 1 1 IN IP4 192.0.2.30\r\ns=-\r\nc=IN IP4 192.0.2.30\r\n"
			 "t=0 0\r\nm=audio 40000 RTP/AVP 111 110\r\na=rtpmap:111 opus/48000/2\r\n"
			 "a=rtpmap:110 telephone-event/48000\r\n");
		sig("offer", "e-2", "ft1", NULL, a, "5:codecd9:transcodel4:PCMUee");
		ck_result("ok");
		ck_assert_msg(strstr(rget("sdp"), " RTP/AVP 111 110 0 96\r\n") &&
			      strstr(rget("sdp"), "a=rtpmap:96 telephone-event/8000\r\n"), "%s", rget("sdp"));
	}
}
END_TEST

static Suite *codecneg_suite(void)
{
	Suite *s = suite_create("codecneg");
	TCase *tc = tcase_create("offer_answer");

	tcase_add_checked_fixture(tc, harness_up, harness_down);
	tcase_add_test(tc, no_options_change_nothing);
	tcase_add_test(tc, strip_one);
	tcase_add_test(tc, strip_all_offer_one);
	tcase_add_test(tc, mask_transcode_answer_opus);
	tcase_add_test(tc, shared_codec_passes_through);
	tcase_add_test(tc, always_transcode);
	tcase_add_test(tc, ptime_and_reverse);
	tcase_add_test(tc, bad_inputs);
	tcase_add_test(tc, accept_passes_through);
	tcase_add_test(tc, dtmf_reported);
	tcase_add_test(tc, pt_remap_passthrough);
	tcase_add_test(tc, te_at_opus_clock);
	suite_add_tcase(s, tc);
	return s;
}

MR_CHECK_MAIN(codecneg_suite)
