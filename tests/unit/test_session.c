/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mrelay-control's calls through the real ng dispatch and a real shm region:
 * offer/answer/delete with byte-exact SDP, the flows the dataplane gets,
 * forks, re-INVITE, hold, rtcp-mux, interfaces, timeouts and restarts.
 */
#include "ctl_harness.h"

static uint16_t port_of(const char *call_id, unsigned stream, unsigned slot)
{
	struct ctl_call *call = find_call(call_id);

	ck_assert_ptr_nonnull(call);
	return call->streams[stream].local[slot].port;
}

START_TEST(offer_answer_delete)
{
	char exp[2048];
	uint16_t pa, pb;
	const struct mr_flow_spec *f;
	uint32_t free0 = ctl_ports_free_count(&ctl.ports[0]);

	sig("offer", "call-1@example.com", "ft1", NULL, sdp_a,
	    "5:flagsl13:trust-addresse7:replacel6:origin18:session-connectione");
	ck_result("ok");
	ck_assert_uint_eq(ctl.sess.n_calls, 1);
	pa = port_of("call-1@example.com", 0, 0);
	pb = port_of("call-1@example.com", 0, 1);
	ck_assert(pa >= 30000 && pa <= 30998 && pa % 2 == 0);
	ck_assert(pb >= 30000 && pb <= 30998 && pb % 2 == 0 && pb != pa);
	snprintf(exp, sizeof(exp),
		 "v=0\r\n"
		 "o=alice 2890844526 2890844526 IN IP4 203.0.113.1\r\n"
		 "s=-\r\n"
		 "c=IN IP4 203.0.113.1\r\n"
		 "t=0 0\r\n"
		 "m=audio %u RTP/AVP 0 8 101\r\n"
		 "a=rtpmap:0 PCMU/8000\r\n"
		 "a=rtpmap:8 PCMA/8000\r\n"
		 "a=rtpmap:101 telephone-event/8000\r\n"
		 "a=fmtp:101 0-16\r\n"
		 "a=ptime:20\r\n"
		 "a=sendrecv\r\n", pb);
	ck_assert_str_eq(rget("sdp"), exp);

	/* Early media towards the caller works already; the other way waits. */
	ck_assert_uint_eq(fdp.n_present, 4);
	f = fdp_flow_at(pb);
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(fmt_sa(&f->out_dst), "192.0.2.10:49170");
	{
		char ip[MR_IP_STRLEN];

		ck_assert_str_eq(mr_ip_format(&f->out_src.ip, ip, sizeof(ip)), "203.0.113.1");
	}
	ck_assert_uint_eq(f->out_src.port, pa);
	ck_assert(!(f->flags & MR_FLOW_F_BLACKHOLE));
	ck_assert(f->flags & MR_FLOW_F_LEARN);
	f = fdp_flow_at(pa);
	ck_assert_ptr_nonnull(f);
	ck_assert(f->flags & MR_FLOW_F_BLACKHOLE);
	ck_assert_str_eq(fmt_sa(&f->expect_src), "192.0.2.10:49170");
	ck_assert_uint_eq(f->out_src.port, pb);
	f = fdp_flow_at((uint16_t)(pb + 1));
	ck_assert_ptr_nonnull(f);
	ck_assert(f->flags & MR_FLOW_F_RTCP);
	ck_assert_str_eq(fmt_sa(&f->out_dst), "192.0.2.10:49171");

	sig("answer", "call-1@example.com", "ft1", "tt1", sdp_b, "7:replacel6:origine");
	ck_result("ok");
	snprintf(exp, sizeof(exp),
		 "v=0\r\n"
		 "o=bob 2808844564 2808844564 IN IP4 203.0.113.1\r\n"
		 "s=-\r\n"
		 "c=IN IP4 203.0.113.1\r\n"
		 "t=0 0\r\n"
		 "m=audio %u RTP/AVP 0 101\r\n"
		 "a=rtpmap:0 PCMU/8000\r\n"
		 "a=rtpmap:101 telephone-event/8000\r\n"
		 "a=fmtp:101 0-16\r\n"
		 "a=sendrecv\r\n", pa);
	ck_assert_str_eq(rget("sdp"), exp);
	ck_assert_uint_eq(fdp.n_present, 4);
	ck_assert_uint_eq(fdp.mods, 4);
	f = fdp_flow_at(pa);
	ck_assert(!(f->flags & MR_FLOW_F_BLACKHOLE));
	ck_assert_str_eq(fmt_sa(&f->out_dst), "198.51.100.20:3456");
	ck_assert_uint_eq(f->peer_flow_id, fdp_flow_at(pb)->flow_id);

	sig("query", "call-1@example.com", "ft1", NULL, NULL, NULL);
	ck_result("ok");
	{
		const struct mr_bencode_node *tags = mr_bencode_dict_get(&rdoc, rroot, "tags");
		const struct mr_bencode_node *t1, *totals;

		ck_assert_ptr_nonnull(tags);
		t1 = mr_bencode_dict_get(&rdoc, tags, "ft1");
		ck_assert_ptr_nonnull(t1);
		ck_assert_ptr_nonnull(mr_bencode_dict_get(&rdoc, tags, "tt1"));
		ck_assert_ptr_nonnull(mr_bencode_dict_get(&rdoc, t1, "medias"));
		totals = mr_bencode_dict_get(&rdoc, rroot, "totals");
		ck_assert_ptr_nonnull(mr_bencode_dict_get(&rdoc, totals, "RTP"));
	}

	sig("delete", "call-1@example.com", "ft1", NULL, NULL, NULL);
	ck_result("ok");
	ck_assert_ptr_nonnull(mr_bencode_dict_get(&rdoc, rroot, "totals"));
	ck_assert_uint_eq(ctl.sess.n_calls, 0);
	ck_assert_uint_eq(fdp.n_present, 0);
	ck_assert_uint_eq(ctl_ports_free_count(&ctl.ports[0]), free0);
	ck_assert_uint_eq(ctl.dp.n_free, ctl.dp.n_flows);
	sig("delete", "call-1@example.com", "ft1", NULL, NULL, NULL);
	ck_error("not found");
}
END_TEST

START_TEST(stats_in_query)
{
	const struct mr_bencode_node *tags, *t, *medias, *m, *streams, *s, *st;
	struct ctl_call *call;
	struct mr_flow_stats *fs;
	int64_t v;

	basic_call("stats-1");
	call = find_call("stats-1");
	/* What the dataplane would have counted on the caller's RTP flow. */
	fs = &fdp.shm.flows[call->streams[0].flow[0][0].id];
	fs->packets = 500;
	fs->bytes = 80000;
	fs->drops[MR_FLOW_DROP_SOURCE] = 3;
	fs->rtp.received = 500;
	fs->rtp.valid = 1;
	fs->rtp.base_seq = 1;
	fs->rtp.max_seq = 510;
	fs->rtp.jitter = 80 << 4;	/* 80 units at 8 kHz = 10 ms */
	sig("query", "stats-1", NULL, NULL, NULL, NULL);
	ck_result("ok");
	tags = mr_bencode_dict_get(&rdoc, rroot, "tags");
	t = mr_bencode_dict_get(&rdoc, tags, "ft1");
	medias = mr_bencode_dict_get(&rdoc, t, "medias");
	m = mr_bencode_first(&rdoc, medias);
	streams = mr_bencode_dict_get(&rdoc, m, "streams");
	s = mr_bencode_first(&rdoc, streams);
	st = mr_bencode_dict_get(&rdoc, s, "stats");
	ck_assert_int_eq(mr_bencode_dict_get_int(&rdoc, st, "packets", &v), 0);
	ck_assert_int_eq(v, 500);
	ck_assert_int_eq(mr_bencode_dict_get_int(&rdoc, st, "bytes", &v), 0);
	ck_assert_int_eq(v, 80000);
	ck_assert_int_eq(mr_bencode_dict_get_int(&rdoc, st, "errors", &v), 0);
	ck_assert_int_eq(v, 3);
	ck_assert_int_eq(mr_bencode_dict_get_int(&rdoc, st, "packets lost", &v), 0);
	ck_assert_int_eq(v, 10);
	ck_assert_int_eq(mr_bencode_dict_get_int(&rdoc, st, "jitter", &v), 0);
	ck_assert_int_eq(v, 10);
	ck_assert_int_eq(mr_bencode_dict_get_int(&rdoc, s, "local port", &v), 0);
	ck_assert_int_eq(v, call->streams[0].local[0].port);
	/* delete reports the same. */
	sig("delete", "stats-1", "ft1", NULL, NULL, NULL);
	ck_result("ok");
	tags = mr_bencode_dict_get(&rdoc, rroot, "totals");
	t = mr_bencode_dict_get(&rdoc, tags, "RTP");
	ck_assert_int_eq(mr_bencode_dict_get_int(&rdoc, t, "packets", &v), 0);
	ck_assert_int_eq(v, 500);
}
END_TEST

START_TEST(retransmit_same_reply)
{
	char first[4096];
	size_t n1;
	unsigned adds;

	rb_start("retx-1", "offer");
	rb_kv("call-id", "retx-call");
	rb_kv("from-tag", "ft1");
	rb_kv("sdp", sdp_a);
	rb_send();
	ck_result("ok");
	n1 = rep_len;
	memcpy(first, rep, n1);
	adds = fdp.adds;
	send_raw();	/* the same datagram again */
	ck_assert_uint_eq(rep_len, n1);
	ck_assert(memcmp(rep, first, n1) == 0);
	ck_assert_uint_eq(fdp.adds, adds);
	ck_assert_uint_eq(ctl.sess.n_calls, 1);
	ck_assert_uint_eq(ctl.ng.retransmits, 1);
	/* An error reply is cached too: a retransmitted bad request stays bad once. */
	rb_start("retx-2", "answer");
	rb_kv("call-id", "nope");
	rb_send();
	ck_result("error");
	n1 = rep_len;
	memcpy(first, rep, n1);
	send_raw();
	ck_assert(rep_len == n1 && memcmp(rep, first, n1) == 0);
}
END_TEST

START_TEST(forked_answers)
{
	static const char sdp_c[] =
		"v=0\r\no=carol 1 1 IN IP4 198.51.100.30\r\ns=-\r\nc=IN IP4 198.51.100.30\r\n"
		"t=0 0\r\nm=audio 7000 RTP/AVP 0\r\na=sendrecv\r\n";
	struct ctl_call *call;
	uint16_t pa;
	uint32_t id;

	basic_call("fork-1");
	pa = port_of("fork-1", 0, 0);
	id = fdp_flow_at(pa)->flow_id;
	sig("answer", "fork-1", "ft1", "tt2", sdp_c, NULL);
	ck_result("ok");
	call = find_call("fork-1");
	ck_assert_uint_eq(call->n_branches, 2);
	ck_assert_str_eq(call->tag[1], "tt2");
	ck_assert_str_eq(fmt_sa(&fdp_flow_at(pa)->out_dst), "198.51.100.30:7000");
	ck_assert_uint_eq(fdp_flow_at(pa)->flow_id, id);
	/* Back to the first branch by answering with its tag again. */
	sig("answer", "fork-1", "ft1", "tt1", sdp_b, NULL);
	ck_result("ok");
	ck_assert_str_eq(fmt_sa(&fdp_flow_at(pa)->out_dst), "198.51.100.20:3456");
	ck_assert_uint_eq(call->n_branches, 2);
	/* A re-INVITE from the other branch makes it the active one. */
	sig("offer", "fork-1", "tt2", "ft1", sdp_c, NULL);
	ck_result("ok");
	ck_assert_str_eq(call->tag[1], "tt2");
	ck_assert_str_eq(fmt_sa(&fdp_flow_at(pa)->out_dst), "198.51.100.30:7000");
	sig("answer", "fork-1", "tt2", "ft1", sdp_a, NULL);
	ck_result("ok");
	sig("answer", "fork-1", "ft1", "tt1", sdp_b, NULL);
	ck_result("ok");
	ck_assert_str_eq(call->tag[1], "tt1");
	/* Deleting the other branch keeps the call. */
	sig("delete", "fork-1", "ft1", "tt2", NULL, NULL);
	ck_result("ok");
	ck_assert_ptr_nonnull(find_call("fork-1"));
	ck_assert_uint_eq(call->n_branches, 1);
	ck_assert_uint_eq(fdp.n_present, 4);
	sig("delete", "fork-1", "ft1", NULL, NULL, NULL);
	ck_result("ok");
	ck_assert_ptr_null(find_call("fork-1"));
	ck_assert_uint_eq(fdp.n_present, 0);
}
END_TEST

START_TEST(reinvite_moves_leg)
{
	static const char sdp_a2[] =
		"v=0\r\n"
		"o=alice 2890844526 2890844527 IN IP4 192.0.2.99\r\n"
		"s=-\r\n"
		"c=IN IP4 192.0.2.99\r\n"
		"t=0 0\r\n"
		"m=audio 5004 RTP/AVP 0 8 101\r\n"
		"a=rtpmap:0 PCMU/8000\r\n"
		"a=sendrecv\r\n";
	static const char sdp_b2[] =
		"v=0\r\no=bob 2808844564 2808844565 IN IP4 198.51.100.77\r\ns=-\r\n"
		"c=IN IP4 198.51.100.77\r\nt=0 0\r\nm=audio 8000 RTP/AVP 0\r\na=sendrecv\r\n";
	uint16_t pa, pb;
	uint32_t ida, idb;
	unsigned adds, dels;
	char exp[1024];

	basic_call("reinv-1");
	pa = port_of("reinv-1", 0, 0);
	pb = port_of("reinv-1", 0, 1);
	ida = fdp_flow_at(pa)->flow_id;
	idb = fdp_flow_at(pb)->flow_id;
	adds = fdp.adds;
	dels = fdp.dels;
	/* The caller moves (re-INVITE from A): same ports in the SDP, flows modified. */
	sig("offer", "reinv-1", "ft1", "tt1", sdp_a2, NULL);
	ck_result("ok");
	snprintf(exp, sizeof(exp),
		 "v=0\r\no=alice 2890844526 2890844527 IN IP4 192.0.2.99\r\ns=-\r\n"
		 "c=IN IP4 203.0.113.1\r\nt=0 0\r\nm=audio %u RTP/AVP 0 8 101\r\n"
		 "a=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n", pb);
	ck_assert_str_eq(rget("sdp"), exp);
	ck_assert_uint_eq(fdp.adds, adds);
	ck_assert_uint_eq(fdp.dels, dels);
	ck_assert_uint_eq(fdp_flow_at(pb)->flow_id, idb);
	ck_assert_str_eq(fmt_sa(&fdp_flow_at(pb)->out_dst), "192.0.2.99:5004");
	ck_assert_str_eq(fmt_sa(&fdp_flow_at(pa)->expect_src), "192.0.2.99:5004");
	sig("answer", "reinv-1", "ft1", "tt1", sdp_b, NULL);
	ck_result("ok");
	/* The callee moves (re-INVITE from B: its tag is the from-tag now). */
	sig("offer", "reinv-1", "tt1", "ft1", sdp_b2, NULL);
	ck_result("ok");
	ck_assert(strstr(rget("sdp"), "m=audio ") != NULL);
	{
		char m[32];

		snprintf(m, sizeof(m), "m=audio %u ", pa);
		ck_assert_msg(strstr(rget("sdp"), m) != NULL, "%s", rget("sdp"));
	}
	ck_assert_uint_eq(fdp_flow_at(pa)->flow_id, ida);
	ck_assert_str_eq(fmt_sa(&fdp_flow_at(pa)->out_dst), "198.51.100.77:8000");
	sig("answer", "reinv-1", "tt1", "ft1", sdp_a2, NULL);
	ck_result("ok");
	ck_assert_uint_eq(fdp.adds, adds);
	ck_assert_uint_eq(fdp.n_present, 4);
}
END_TEST

START_TEST(hold)
{
	static const char sdp_hold[] =
		"v=0\r\no=alice 1 2 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n"
		"m=audio 49170 RTP/AVP 0\r\na=sendrecv\r\n";
	static const char sdp_sendonly[] =
		"v=0\r\no=alice 1 3 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
		"m=audio 49170 RTP/AVP 0\r\na=sendonly\r\n";
	uint16_t pb;
	char exp[512];

	basic_call("hold-1");
	pb = port_of("hold-1", 0, 1);
	sig("offer", "hold-1", "ft1", "tt1", sdp_hold, NULL);
	ck_result("ok");
	snprintf(exp, sizeof(exp),
		 "v=0\r\no=alice 1 2 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n"
		 "m=audio %u RTP/AVP 0\r\na=sendrecv\r\n", pb);
	ck_assert_str_eq(rget("sdp"), exp);
	ck_assert(fdp_flow_at(pb)->flags & MR_FLOW_F_BLACKHOLE);
	ck_assert_uint_eq(fdp_flow_at(pb)->idle_timeout_s, cfg.ctl.silent_timeout_s);
	sig("offer", "hold-1", "ft1", "tt1", sdp_sendonly, NULL);
	ck_result("ok");
	ck_assert(fdp_flow_at(pb)->flags & MR_FLOW_F_BLACKHOLE);
	/* Resume. */
	sig("offer", "hold-1", "ft1", "tt1", sdp_a, NULL);
	ck_result("ok");
	ck_assert(!(fdp_flow_at(pb)->flags & MR_FLOW_F_BLACKHOLE));
	ck_assert_uint_eq(fdp_flow_at(pb)->idle_timeout_s, cfg.ctl.timeout_s);
}
END_TEST

static const char sdp_mux_a[] =
	"v=0\r\no=alice 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
	"m=audio 49170 RTP/AVP 0\r\na=rtcp:49170\r\na=rtcp-mux\r\na=sendrecv\r\n";
static const char sdp_mux_b[] =
	"v=0\r\no=bob 1 1 IN IP4 198.51.100.20\r\ns=-\r\nc=IN IP4 198.51.100.20\r\nt=0 0\r\n"
	"m=audio 3456 RTP/AVP 0\r\na=rtcp-mux\r\na=sendrecv\r\n";

START_TEST(rtcp_mux_both)
{
	uint16_t pa, pb;
	char exp[512];

	sig("offer", "mux-1", "ft1", NULL, sdp_mux_a, "8:rtcp-muxl6:accepte");
	ck_result("ok");
	pb = port_of("mux-1", 0, 1);
	snprintf(exp, sizeof(exp),
		 "v=0\r\no=alice 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 203.0.113.1\r\nt=0 0\r\n"
		 "m=audio %u RTP/AVP 0\r\na=rtcp:%u\r\na=rtcp-mux\r\na=sendrecv\r\n", pb, pb);
	ck_assert_str_eq(rget("sdp"), exp);
	sig("answer", "mux-1", "ft1", "tt1", sdp_mux_b, NULL);
	ck_result("ok");
	pa = port_of("mux-1", 0, 0);
	ck_assert_uint_eq(fdp.n_present, 2);	/* RTCP rides on the RTP flows */
	ck_assert(fdp_flow_at(pa)->flags & MR_FLOW_F_RTCP_MUX);
	ck_assert(fdp_flow_at(pb)->flags & MR_FLOW_F_RTCP_MUX);
	ck_assert_ptr_null(fdp_flow_at((uint16_t)(pa + 1)));
}
END_TEST

START_TEST(rtcp_mux_demux)
{
	uint16_t pb;
	char exp[512];

	sig("offer", "mux-2", "ft1", NULL, sdp_mux_a, "8:rtcp-muxl5:demuxe");
	ck_result("ok");
	pb = port_of("mux-2", 0, 1);
	snprintf(exp, sizeof(exp),
		 "v=0\r\no=alice 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 203.0.113.1\r\nt=0 0\r\n"
		 "m=audio %u RTP/AVP 0\r\na=rtcp:%u\r\na=sendrecv\r\n", pb, pb + 1);
	ck_assert_str_eq(rget("sdp"), exp);
	sig("answer", "mux-2", "ft1", "tt1", sdp_b, NULL);
	ck_result("ok");
	ck_assert_uint_eq(fdp.n_present, 4);
	ck_assert(!(fdp_flow_at(pb)->flags & MR_FLOW_F_RTCP_MUX));
	/* offer/require cannot be honoured without demultiplexing: a warning. */
	sig("offer", "mux-3", "ft1", NULL, sdp_a, "8:rtcp-muxl7:requiree");
	ck_result("ok");
	ck_assert(strstr(rget("warning"), "rtcp-mux") != NULL);
}
END_TEST

START_TEST(direction_and_family)
{
	char exp[1024];
	uint16_t pa, pb;
	const struct mr_flow_spec *f;

	sig("offer", "dir-1", "ft1", NULL, sdp_a, "9:directionl4:priv3:pube");
	ck_result("ok");
	pa = port_of("dir-1", 0, 0);
	pb = port_of("dir-1", 0, 1);
	ck_assert(pa >= 40000 && pa <= 40998);
	ck_assert(pb >= 30000 && pb <= 30998);
	f = fdp_flow_at(pb);
	ck_assert_uint_eq(f->key.iface, 0);
	ck_assert_uint_eq(f->out_iface, 1);
	ck_assert_str_eq(fmt_sa(&f->out_src), fmt_sa(&(struct mr_sockaddr){ .ip = cfg.ifaces[1].addr4, .port = pa }));
	sig("answer", "dir-1", "ft1", "tt1", sdp_b, NULL);
	ck_result("ok");
	ck_assert(strstr(rget("sdp"), "c=IN IP4 10.0.0.1\r\n") != NULL);

	sig("offer", "v6-1", "ft1", NULL, sdp_a, "14:address-family3:IP6");
	ck_result("ok");
	pb = port_of("v6-1", 0, 1);
	snprintf(exp, sizeof(exp), "c=IN IP6 2001:db8::1\r\nt=0 0\r\nm=audio %u RTP/AVP", pb);
	ck_assert_msg(strstr(rget("sdp"), exp) != NULL, "%s", rget("sdp"));
	ck_assert_uint_eq(fdp_flow_at(pb)->key.family, 6);
	/* priv has no IPv6 address. */
	sig("offer", "v6-2", "ft1", NULL, sdp_a, "9:interface4:priv14:address-family3:IP6");
	ck_error("address");
	ck_assert_ptr_null(find_call("v6-2"));
	sig("offer", "dir-2", "ft1", NULL, sdp_a, "9:directionl4:nope3:pube");
	ck_error("interface");
}
END_TEST

START_TEST(ice_remove_and_flags)
{
	static const char sdp_ice[] =
		"v=0\r\no=alice 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
		"a=ice-ufrag:abcd\r\na=ice-pwd:0123456789012345678901\r\n"
		"m=audio 49170 RTP/AVP 0\r\n"
		"a=candidate:1 1 UDP 2130706431 192.0.2.10 49170 typ host\r\n"
		"a=sendrecv\r\n";
	char exp[512];
	uint16_t pb, pa;

	sig("offer", "ice-1", "ft1", NULL, sdp_ice,
	    "3:ICE6:remove5:flagsl13:strict-source10:asymmetric11:bogus-thinge");
	ck_result("ok");
	ck_assert(strstr(rget("warning"), "bogus-thing") != NULL);
	pb = port_of("ice-1", 0, 1);
	pa = port_of("ice-1", 0, 0);
	snprintf(exp, sizeof(exp),
		 "v=0\r\no=alice 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 203.0.113.1\r\nt=0 0\r\n"
		 "m=audio %u RTP/AVP 0\r\na=sendrecv\r\n", pb);
	ck_assert_str_eq(rget("sdp"), exp);
	ck_assert(fdp_flow_at(pa)->flags & MR_FLOW_F_STRICT_SOURCE);
	ck_assert(!(fdp_flow_at(pa)->flags & (MR_FLOW_F_LEARN | MR_FLOW_F_PEER_DST)));
	/* SIP-source-address: the SIP source replaces the SDP address. */
	sig("offer", "src-1", "ft1", NULL, sdp_a,
	    "5:flagsl18:SIP-source-addresse13:received-froml3:IP411:192.0.2.200e");
	ck_result("ok");
	ck_assert_str_eq(fmt_sa(&fdp_flow_at(port_of("src-1", 0, 1))->out_dst), "192.0.2.200:49170");
	sig("offer", "ma-1", "ft1", NULL, sdp_a, "13:media-address10:192.0.2.77");
	ck_result("ok");
	ck_assert_str_eq(fmt_sa(&fdp_flow_at(port_of("ma-1", 0, 1))->out_dst), "192.0.2.77:49170");
	sig("offer", "tp-1", "ft1", NULL, sdp_a, "18:transport-protocol16:UDP/TLS/RTP/SAVP");
	ck_error("DTLS-SRTP not supported");
	ck_assert_ptr_null(find_call("tp-1"));
	sig("offer", "tp-2", "ft1", NULL, sdp_a, "18:transport-protocol8:RTP/AVPF");
	ck_result("ok");
	ck_assert(strstr(rget("sdp"), " RTP/AVPF 0 8 101\r\n") != NULL);
}
END_TEST

START_TEST(audio_and_video)
{
	static const char sdp_av[] =
		"v=0\r\no=alice 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
		"m=audio 49170 RTP/AVP 0\r\na=sendrecv\r\n"
		"m=video 51372 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=sendrecv\r\n";
	static const char sdp_av_b[] =
		"v=0\r\no=bob 1 1 IN IP4 198.51.100.20\r\ns=-\r\nc=IN IP4 198.51.100.20\r\nt=0 0\r\n"
		"m=audio 3456 RTP/AVP 0\r\na=sendrecv\r\n"
		"m=video 0 RTP/AVP 96\r\n";
	char exp[1024];
	struct ctl_call *call;

	sig("offer", "av-1", "ft1", NULL, sdp_av, NULL);
	ck_result("ok");
	call = find_call("av-1");
	ck_assert_uint_eq(call->n_streams, 2);
	ck_assert_uint_eq(fdp.n_present, 8);
	ck_assert_uint_eq(fdp_flow_at(call->streams[1].local[0].port)->clock_rate, 90000);
	snprintf(exp, sizeof(exp),
		 "v=0\r\no=alice 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 203.0.113.1\r\nt=0 0\r\n"
		 "m=audio %u RTP/AVP 0\r\na=sendrecv\r\n"
		 "m=video %u RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=sendrecv\r\n",
		 call->streams[0].local[1].port, call->streams[1].local[1].port);
	ck_assert_str_eq(rget("sdp"), exp);
	/* The callee rejects video: its flows go, audio stays. */
	sig("answer", "av-1", "ft1", "tt1", sdp_av_b, NULL);
	ck_result("ok");
	ck_assert_uint_eq(fdp.n_present, 4);
	ck_assert(strstr(rget("sdp"), "m=video 0 RTP/AVP 96\r\n") != NULL);
	/* Answer with another number of m= lines: refused, call unchanged. */
	sig("answer", "av-1", "ft1", "tt1", sdp_b, NULL);
	ck_error("media sections");
	ck_assert_uint_eq(fdp.n_present, 4);
}
END_TEST

/* A re-offer that enables a stream (port 0 before) and then fails: the
 * call is as it was, and the pair taken for that stream is free again. */
START_TEST(failed_reoffer_frees_ports)
{
	static const char sdp_v0[] =
		"v=0\r\no=alice 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
		"m=audio 49170 RTP/AVP 0\r\na=sendrecv\r\n"
		"m=video 0 RTP/AVP 96\r\n";
	static const char sdp_v1_bad[] =
		"v=0\r\no=alice 1 2 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
		"m=audio 49170 RTP/AVP 0\r\na=sendrecv\r\n"
		"m=video 51372 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
		"m=audio 49180 RTP/AVP 0\r\nc=IN IP6 2001:db8::10\r\n";
	uint32_t free0 = ctl_ports_free_count(&ctl.ports[0]), free1;
	struct ctl_call *call;

	sig("offer", "pz-1", "ft1", NULL, sdp_v0, NULL);
	ck_result("ok");
	call = find_call("pz-1");
	ck_assert_uint_eq(call->n_streams, 2);
	ck_assert_uint_eq(call->streams[1].local[0].port, 0);
	free1 = ctl_ports_free_count(&ctl.ports[0]);
	ck_assert_uint_eq(free1, free0 - 2);
	sig("offer", "pz-1", "ft1", NULL, sdp_v1_bad, NULL);
	ck_error("address families");
	call = find_call("pz-1");
	ck_assert_uint_eq(call->n_streams, 2);
	ck_assert_uint_eq(call->streams[1].local[0].port, 0);
	ck_assert_uint_eq(call->streams[1].local[1].port, 0);
	ck_assert_uint_eq(ctl_ports_free_count(&ctl.ports[0]), free1);
	sig("delete", "pz-1", "ft1", NULL, NULL, NULL);
	ck_result("ok");
	ck_assert_uint_eq(ctl_ports_free_count(&ctl.ports[0]), free0);
	ck_assert_uint_eq(ctl.dp.n_free, ctl.dp.n_flows);
}
END_TEST

static void inject_idle(uint32_t id, uint64_t packets)
{
	struct mr_msg m;

	memset(&m, 0, sizeof(m));
	m.hdr.type = MR_EVT_FLOW_IDLE;
	m.hdr.flow_id = id;
	m.u.idle.flow_id = id;
	m.u.idle.idle_s = cfg.ctl.timeout_s;
	m.u.idle.packets = packets;
	ck_assert_uint_eq(mr_shm_evt_send(&fdp.shm, &m, 1), 1);
}

START_TEST(idle_timeout_deletes)
{
	struct ctl_call *call;
	uint32_t ids[4];
	unsigned n = 0;

	basic_call("idle-1");
	basic_call("busy-1");
	call = find_call("idle-1");
	for (unsigned s = 0; s < 2; s++)
		for (unsigned k = 0; k < 2; k++)
			ids[n++] = call->streams[0].flow[s][k].id;
	for (unsigned i = 0; i < 3; i++)
		inject_idle(ids[i], 0);
	ctl_tick(&ctl);
	ck_assert_ptr_nonnull(find_call("idle-1"));	/* one flow still unreported */
	/* A flow that got packets after its idle event keeps the call. */
	fdp.shm.flows[ids[0]].packets = 7;
	inject_idle(ids[3], 0);
	ctl_tick(&ctl);
	ck_assert_ptr_nonnull(find_call("idle-1"));
	inject_idle(ids[0], 7);
	ctl_tick(&ctl);
	ck_assert_ptr_null(find_call("idle-1"));
	ck_assert_ptr_nonnull(find_call("busy-1"));
	ck_assert_uint_eq(ctl.sess.timeouts, 1);
	ck_assert_uint_eq(fdp.n_present, 4);
	/* A late idle event for a flow that is gone touches no call. */
	inject_idle(ids[0], 0);
	ctl_tick(&ctl);
	fdp_step(NULL);
	ck_assert_ptr_nonnull(find_call("busy-1"));
	ck_assert_uint_eq(fdp.n_present, 4);
	/* A flow the dataplane has and nobody here owns goes once it idles. */
	fdp.present[900] = true;
	fdp.n_present++;
	inject_idle(900, 0);
	ctl_tick(&ctl);
	fdp_step(NULL);
	ck_assert(!fdp.present[900]);
	ck_assert_uint_ge(ctl.dp.orphans, 1);
	ck_assert_uint_eq(fdp.n_present, 4);
}
END_TEST

START_TEST(delete_delay)
{
	basic_call("dd-1");
	sig("delete", "dd-1", "ft1", NULL, NULL, "12:delete-delayi2e");
	ck_result("ok");
	ck_assert_ptr_nonnull(find_call("dd-1"));
	ctl.now_ms += 1000;
	ctl_sess_timers(&ctl);
	ck_assert_ptr_nonnull(find_call("dd-1"));
	ctl.now_ms += 1500;
	ctl_sess_timers(&ctl);
	ck_assert_ptr_null(find_call("dd-1"));
	ck_assert_uint_eq(fdp.n_present, 0);
}
END_TEST

START_TEST(final_timeout)
{
	harness_down();
	harness_up_with("[control]\nfinal-timeout = 10\n", 256, true);
	basic_call("ft-1");
	ctl.now_ms += 9000;
	ctl_sess_timers(&ctl);
	ck_assert_ptr_nonnull(find_call("ft-1"));
	ctl.now_ms += 2000;
	ctl_sess_timers(&ctl);
	ck_assert_ptr_null(find_call("ft-1"));
	ck_assert_uint_eq(ctl.sess.final_timeouts, 1);
}
END_TEST

START_TEST(dataplane_restart_reprograms)
{
	uint32_t ids[2];
	uint64_t gen = ctl.dp.generation;

	basic_call("rs-1");
	sig("offer", "rs-2", "ft1", NULL, sdp_a, NULL);
	ck_result("ok");
	ids[0] = find_call("rs-1")->streams[0].flow[0][0].id;
	ids[1] = find_call("rs-2")->streams[0].flow[1][0].id;
	ck_assert_uint_eq(fdp.n_present, 8);
	/* The dataplane stops; a new one starts (new generation, empty table). */
	mr_shm_detach(&fdp.shm);
	fdp_create(256);
	ctl_dp_poll(&ctl.dp, ctl_now_ms(&ctl), true);
	ck_assert(ctl_dp_is_ready(&ctl.dp));
	ck_assert_uint_ne(ctl.dp.generation, gen);
	ck_assert(ctl.dp.reprogram);
	ctl_tick(&ctl);
	ck_assert(!ctl.dp.reprogram);
	ck_assert_uint_eq(fdp.n_present, 8);
	ck_assert(fdp.present[ids[0]] && fdp.present[ids[1]]);
	ck_assert_str_eq(fmt_sa(&fdp.spec[ids[0]].out_dst), "198.51.100.20:3456");
	/* And calls go on: answer the second one. */
	sig("answer", "rs-2", "ft1", "tt1", sdp_b, NULL);
	ck_result("ok");
}
END_TEST

START_TEST(ports_allocator)
{
	struct ctl_ports p;
	uint16_t got[8], x, ai;
	bool seen[8] = { false };

	ck_assert_int_eq(ctl_ports_init(&p, 1001, 1016, 1, 0, 42), 0);	/* 1002..1016: 7 pairs */
	ck_assert_uint_eq(ctl_ports_free_count(&p), 7);
	for (unsigned i = 0; i < 7; i++) {
		ck_assert_int_eq(ctl_ports_alloc(&p, 4, -1, 1, &ai, &got[i]), 0);
		ck_assert(got[i] >= 1002 && got[i] <= 1014 && got[i] % 2 == 0);
		ck_assert(!seen[(got[i] - 1002) / 2]);
		seen[(got[i] - 1002) / 2] = true;
	}
	ck_assert_int_eq(ctl_ports_alloc(&p, 4, -1, 1, &ai, &x), -ENOSPC);
	ck_assert_int_eq(ctl_ports_free(&p, 4, 0, got[3]), 0);
	ck_assert_int_eq(ctl_ports_free(&p, 4, 0, got[3]), -EINVAL);	/* twice */
	ck_assert_int_eq(ctl_ports_free(&p, 4, 0, 1003), -EINVAL);	/* odd */
	ck_assert_int_eq(ctl_ports_free(&p, 4, 0, 2000), -EINVAL);	/* outside */
	ck_assert_int_eq(ctl_ports_alloc(&p, 4, -1, 1, &ai, &x), 0);
	ck_assert_uint_eq(x, got[3]);
	ctl_ports_fini(&p);
	ck_assert_int_eq(ctl_ports_init(&p, 1000, 1000, 1, 0, 1), -EINVAL);	/* no pair fits */
	ck_assert_int_eq(ctl_ports_init(&p, 0, 10, 1, 0, 1), -EINVAL);
}
END_TEST

START_TEST(ports_exhausted)
{
	harness_down();
	harness_up_with("[control]\nport-min = 30000\nport-max = 30003\n", 256, true);
	/* Two pairs on pub: one call's offer takes both; the next one finds none. */
	sig("offer", "px-1", "ft1", NULL, sdp_a, NULL);
	ck_result("ok");
	sig("offer", "px-2", "ft1", NULL, sdp_a, NULL);
	ck_error("no free ports");
	ck_assert_uint_eq(ctl.sess.n_calls, 1);
	sig("delete", "px-1", "ft1", NULL, NULL, NULL);
	ck_result("ok");
	sig("offer", "px-2", "ft1", NULL, sdp_a, NULL);
	ck_result("ok");
}
END_TEST


static char jpath[64];

static void journal_up(void)
{
	char extra[128];

	snprintf(jpath, sizeof(jpath), "/tmp/ctl-journal-%d.db", (int)getpid());
	snprintf(extra, sizeof(extra), "[control]\njournal = %s\n", jpath);
	harness_up_with(extra, 256, true);
}

static void journal_down(void)
{
	char p[80];

	harness_down();
	unlink(jpath);
	snprintf(p, sizeof(p), "%s-wal", jpath);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", jpath);
	unlink(p);
}

/* control stops and starts again with the same configuration. */
static void control_restart(void)
{
	ctl_fini(&ctl);
	ck_assert_int_eq(ctl_init(&ctl, &cfg), 0);
	ctl.dp.wait_hook = fdp_step;
	ctl_dp_poll(&ctl.dp, ctl_now_ms(&ctl), true);
	ck_assert(ctl_dp_is_ready(&ctl.dp));
	ctl_tick(&ctl);
}

START_TEST(journal_restart)
{
	uint16_t pa, pb, pa2;
	uint32_t id;
	unsigned adds, present;

	basic_call("j-1");
	sig("offer", "j-2", "ft1", NULL, sdp_a, NULL);
	ck_result("ok");
	pa = port_of("j-1", 0, 0);
	pb = port_of("j-1", 0, 1);
	pa2 = port_of("j-2", 0, 0);
	id = find_call("j-1")->streams[0].flow[0][0].id;
	ctl_tick(&ctl);	/* commits */
	adds = fdp.adds;
	present = fdp.n_present;

	/* The same dataplane runs on: nothing is sent again. */
	control_restart();
	ck_assert_uint_eq(ctl.sess.n_calls, 2);
	ck_assert_uint_eq(fdp.adds, adds);
	ck_assert_uint_eq(port_of("j-1", 0, 0), pa);
	ck_assert_uint_eq(find_call("j-1")->streams[0].flow[0][0].id, id);
	ck_assert_uint_eq(ctl.sess.n_flows_installed, present);
	sig("query", "j-1", NULL, NULL, NULL, NULL);
	ck_result("ok");
	/* The journaled ports and flow ids stay taken. */
	sig("offer", "j-3", "ft1", NULL, sdp_a, NULL);
	ck_result("ok");
	ck_assert(port_of("j-3", 0, 0) != pa && port_of("j-3", 0, 0) != pb && port_of("j-3", 0, 0) != pa2);
	ck_assert_uint_eq(fdp.n_present, present + 4);
	/* The unanswered call is answered now: its flows are modified in place. */
	sig("answer", "j-2", "ft1", "tt1", sdp_b, NULL);
	ck_result("ok");
	ck_assert_str_eq(fmt_sa(&fdp_flow_at(pa2)->out_dst), "198.51.100.20:3456");
	sig("delete", "j-1", "ft1", NULL, NULL, NULL);
	ck_result("ok");
	ck_assert_uint_eq(fdp.n_present, present);
	ctl_tick(&ctl);

	/* Both restart: the new dataplane gets every journaled flow. */
	ctl_fini(&ctl);
	mr_shm_detach(&fdp.shm);
	fdp_create(256);
	ck_assert_int_eq(ctl_init(&ctl, &cfg), 0);
	ctl.dp.wait_hook = fdp_step;
	ctl_dp_poll(&ctl.dp, ctl_now_ms(&ctl), true);
	ck_assert(ctl.dp.reprogram);
	ctl_tick(&ctl);
	ck_assert_uint_eq(ctl.sess.n_calls, 2);
	ck_assert_ptr_null(find_call("j-1"));
	ck_assert_uint_eq(fdp.n_present, present);
	ck_assert_ptr_nonnull(fdp_flow_at(pa2));
	sig("delete", "j-2", "ft1", NULL, NULL, NULL);
	ck_result("ok");
	sig("delete", "j-3", "ft1", NULL, NULL, NULL);
	ck_result("ok");
	ck_assert_uint_eq(fdp.n_present, 0);
	control_restart();
	ck_assert_uint_eq(ctl.sess.n_calls, 0);
}
END_TEST

static Suite *session_suite(void)
{
	Suite *s = suite_create("session");
	TCase *tc = tcase_create("calls");

	tcase_add_checked_fixture(tc, harness_up, harness_down);
	tcase_add_test(tc, offer_answer_delete);
	tcase_add_test(tc, stats_in_query);
	tcase_add_test(tc, retransmit_same_reply);
	tcase_add_test(tc, forked_answers);
	tcase_add_test(tc, reinvite_moves_leg);
	tcase_add_test(tc, hold);
	tcase_add_test(tc, rtcp_mux_both);
	tcase_add_test(tc, rtcp_mux_demux);
	tcase_add_test(tc, direction_and_family);
	tcase_add_test(tc, ice_remove_and_flags);
	tcase_add_test(tc, audio_and_video);
	tcase_add_test(tc, failed_reoffer_frees_ports);
	tcase_add_test(tc, idle_timeout_deletes);
	tcase_add_test(tc, delete_delay);
	tcase_add_test(tc, final_timeout);
	tcase_add_test(tc, dataplane_restart_reprograms);
	tcase_add_test(tc, ports_exhausted);
	suite_add_tcase(s, tc);
	tc = tcase_create("journal");
	tcase_add_checked_fixture(tc, journal_up, journal_down);
	tcase_add_test(tc, journal_restart);
	suite_add_tcase(s, tc);
	tc = tcase_create("ports");
	tcase_add_test(tc, ports_allocator);
	suite_add_tcase(s, tc);
	return s;
}

MR_CHECK_MAIN(session_suite)
