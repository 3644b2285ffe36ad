/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ng protocol endpoint of mrelay-control: commands, key spellings,
 * replies, and every kind of bad input (each an error with a reason, no
 * half-made session, nothing leaked), dataplane absent, ring full, acks late.
 */
#include <netinet/in.h>
#include <sys/socket.h>

#include "ctl_harness.h"

static void send_bytes(const char *cookie, const char *body, size_t len)
{
	req_len = (size_t)snprintf(req, sizeof(req), "%s ", cookie);
	memcpy(req + req_len, body, len);
	req_len += len;
	send_raw();
}

START_TEST(ping)
{
	send_bytes("abc123", "d7:command4:pinge", 17);
	ck_result("pong");
	ck_assert_uint_eq(rep_len, strlen("abc123 d6:result4:ponge"));
	ck_assert(memcmp(rep, "abc123 d6:result4:ponge", rep_len) == 0);
}
END_TEST

START_TEST(key_spellings)
{
	/* "call id", "from_tag" and "call-id" are one key. */
	rb_start(next_cookie(), "offer");
	rb_kv("call id", "sp-1");
	rb_kv("from_tag", "ft1");
	rb_kv("sdp", sdp_a);
	rb_str("flags");
	rb_raw("l13:trust address13:port-latchinge");
	rb_send();
	ck_result("ok");
	ck_assert_ptr_nonnull(find_call("sp-1"));
	/* Keys in any order, command last. */
	req_len = 0;
	rb_raw("%s d", next_cookie());
	rb_kv("from-tag", "ft1");
	rb_kv("call-id", "sp-1");
	rb_kv("command", "query");
	rb_send();
	ck_result("ok");
}
END_TEST

START_TEST(list_and_statistics)
{
	const struct mr_bencode_node *calls, *st, *cur;
	int64_t v;

	sig("offer", "ls-1", "ft1", NULL, sdp_a, NULL);
	sig("offer", "ls-2", "ft1", NULL, sdp_a, NULL);
	rb_start(next_cookie(), "list");
	rb_send();
	ck_result("ok");
	calls = mr_bencode_dict_get(&rdoc, rroot, "calls");
	ck_assert_ptr_nonnull(calls);
	ck_assert_uint_eq(calls->count, 2);
	rb_start(next_cookie(), "list");
	rb_raw("5:limiti1e");
	rb_send();
	calls = mr_bencode_dict_get(&rdoc, rroot, "calls");
	ck_assert_uint_eq(calls->count, 1);
	rb_start(next_cookie(), "statistics");
	rb_send();
	ck_result("ok");
	st = mr_bencode_dict_get(&rdoc, rroot, "statistics");
	cur = mr_bencode_dict_get(&rdoc, st, "currentstatistics");
	ck_assert_int_eq(mr_bencode_dict_get_int(&rdoc, cur, "sessionsown", &v), 0);
	ck_assert_int_eq(v, 2);
	ck_assert_ptr_nonnull(mr_bencode_dict_get(&rdoc, st, "totalstatistics"));
}
END_TEST

/* Every malformed datagram: an error reply with a reason, nothing changed. */
START_TEST(bad_bencode)
{
	static const struct {
		const char *body;
		size_t len;	/* 0: strlen */
	} bad[] = {
		{ "d7:command4:pin", 0 },			/* truncated */
		{ "d7:command99:ping e", 0 },			/* length past the end */
		{ "d7:command4:pingi99999999999999999999999ee", 0 }, /* huge integer */
		{ "d7:command4:ping5:limiti-99999999999999999999ee", 0 },
		{ "d7:command-4:pinge", 0 },			/* negative length */
		{ "d7:command4:pinge trailing", 0 },
		{ "l4:pinge", 0 },				/* list root */
		{ "i5e", 0 },
		{ "4:ping", 0 },
		{ "", 0 },
		{ "d7:command4:ping", 0 },			/* unterminated dict */
		{ "di1e4:pinge", 0 },				/* non-string key */
		{ "d7:command4:pi\0ge", 17 },			/* NUL inside is fine for bencode ... */
		{ "d4:pinge", 0 },				/* no command */
		{ "d7:commandi5ee", 0 },			/* command not a string */
		{ "d7:command5:frobee", 0 },			/* unknown command */
	};
	char deep[400];

	for (unsigned i = 0; i < MR_ARRAY_SIZE(bad); i++) {
		size_t len = bad[i].len ? bad[i].len : strlen(bad[i].body);

		send_bytes(next_cookie(), bad[i].body, len);
		ck_assert_msg(rep_len > 0, "case %u: no reply", i);
		ck_assert_msg(strcmp(rget("result"), "error") == 0, "case %u: %s", i, rget("result"));
		ck_assert_msg(rget("error-reason")[0] != '\0', "case %u: no reason", i);
	}
	/* Deep nesting. */
	memset(deep, 'l', 150);
	memset(deep + 150, 'e', 150);
	memcpy(deep, "d7:command4:ping3:big", 21);
	send_bytes(next_cookie(), deep, 300);
	ck_result("error");
	/* No cookie at all: nothing to answer. */
	req_len = (size_t)snprintf(req, sizeof(req), "nocookie");
	send_raw();
	ck_assert_uint_eq(rep_len, 0);
	ck_assert_uint_eq(ctl.sess.n_calls, 0);
	ck_assert_uint_eq(fdp.n_present, 0);
}
END_TEST

START_TEST(bad_requests)
{
	char *big;
	size_t n;

	sig("offer", NULL, "ft1", NULL, sdp_a, NULL);
	ck_error("missing call-id");
	sig("offer", "br-1", NULL, NULL, sdp_a, NULL);
	ck_error("missing from-tag");
	sig("offer", "br-1", "ft1", NULL, NULL, NULL);
	ck_error("no SDP");
	sig("answer", "unknown-call", "ft1", "tt1", sdp_b, NULL);
	ck_error("Unknown call-id");
	sig("query", "unknown-call", NULL, NULL, NULL, NULL);
	ck_error("Unknown call-id");
	sig("delete", "unknown-call", "ft1", NULL, NULL, NULL);
	ck_error("not found");
	sig("offer", "br-1", "ft1", NULL, sdp_a, "5:flags3:abc");
	ck_error("flags must be a list");
	sig("offer", "br-1", "ft1", NULL, sdp_a, "13:received-froml3:IP45:1.2.3e");
	ck_error("received-from");
	sig("offer", "br-1", "ft1", NULL, sdp_a, "13:media-address3:foo");
	ck_error("media-address");
	sig("offer", "br-1", "ft1", NULL, sdp_a, "14:address-family3:IPX");
	ck_error("address-family");
	sig("delete", "br-1", "ft1", NULL, NULL, "12:delete-delayi-1e");
	ck_error("delete-delay");
	/* NUL in call-id. */
	rb_start(next_cookie(), "offer");
	rb_raw("7:call-id3:a%cb", 0);
	rb_kv("from-tag", "ft1");
	rb_kv("sdp", sdp_a);
	rb_send();
	ck_error("NUL");
	/* Answer from a tag the call does not know. */
	sig("offer", "br-2", "ft1", NULL, sdp_a, NULL);
	ck_result("ok");
	sig("answer", "br-2", "stranger", "tt1", sdp_b, NULL);
	ck_error("from-tag");

	/* Too long a call-id. */
	big = malloc(1000);
	memset(big, 'x', 999);
	big[999] = '\0';
	sig("offer", big, "ft1", NULL, sdp_a, NULL);
	ck_error("call-id");
	free(big);
	n = ctl.sess.n_calls;
	ck_assert_uint_eq(n, 1);
}
END_TEST

START_TEST(bad_sdp)
{
	static const char *bad[] = {
		/* no c= */
		"v=0\r\no=a 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n",
		/* port > 65535 */
		"v=0\r\no=a 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 70000 RTP/AVP 0\r\n",
		/* payload type > 127 */
		"v=0\r\no=a 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 128\r\n",
		/* not SDP */
		"hello",
		/* bad address */
		"v=0\r\no=a 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 999.1.1.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n",
	};
	unsigned adds = fdp.adds;
	uint32_t free0 = ctl_ports_free_count(&ctl.ports[0]);
	char *s;
	size_t n;

	for (unsigned i = 0; i < MR_ARRAY_SIZE(bad); i++) {
		sig("offer", "bs-1", "ft1", NULL, bad[i], NULL);
		ck_assert_msg(strcmp(rget("result"), "error") == 0, "case %u", i);
		ck_assert_msg(rget("error-reason")[0], "case %u", i);
	}
	/* Thousands of m= lines. */
	s = malloc(200000);
	n = (size_t)sprintf(s, "v=0\r\no=a 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n");
	for (unsigned i = 0; i < 2000; i++)
		n += (size_t)sprintf(s + n, "m=audio %u RTP/AVP 0\r\n", 4000 + 2 * i);
	sig("offer", "bs-2", "ft1", NULL, s, NULL);
	ck_result("error");
	/* Thousands of attributes. */
	n = (size_t)sprintf(s, "v=0\r\no=a 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
			       "m=audio 4000 RTP/AVP 0\r\n");
	for (unsigned i = 0; i < 3000; i++)
		n += (size_t)sprintf(s + n, "a=x-%u\r\n", i);
	sig("offer", "bs-3", "ft1", NULL, s, NULL);
	ck_result("error");
	free(s);
	/* NUL byte inside the SDP. */
	rb_start(next_cookie(), "offer");
	rb_kv("call-id", "bs-4");
	rb_kv("from-tag", "ft1");
	rb_raw("3:sdp%zu:", sizeof(sdp_a) - 1);
	memcpy(req + req_len, sdp_a, sizeof(sdp_a) - 1);
	req[req_len + 20] = '\0';
	req_len += sizeof(sdp_a) - 1;
	rb_send();
	ck_result("error");

	ck_assert_uint_eq(ctl.sess.n_calls, 0);
	ck_assert_uint_eq(fdp.adds, adds);
	ck_assert_uint_eq(ctl_ports_free_count(&ctl.ports[0]), free0);
}
END_TEST

START_TEST(dataplane_absent)
{
	harness_down();
	harness_up_with(NULL, 256, false);
	rb_start(next_cookie(), "ping");
	rb_send();
	ck_result("pong");
	sig("offer", "abs-1", "ft1", NULL, sdp_a, NULL);
	ck_error("dataplane not available");
	ck_assert_uint_eq(ctl.sess.n_calls, 0);
	/* The dataplane appears: the next poll attaches. */
	fdp_create(256);
	ctl_dp_poll(&ctl.dp, ctl_now_ms(&ctl), true);
	ck_assert(ctl_dp_is_ready(&ctl.dp));
	sig("offer", "abs-1", "ft1", NULL, sdp_a, NULL);
	ck_result("ok");
}
END_TEST

START_TEST(ring_full)
{
	uint32_t free0;

	harness_down();
	harness_up_with(NULL, 4, true);	/* room for 3 commands */
	free0 = ctl_ports_free_count(&ctl.ports[0]);
	fdp.paused = true;
	sig("offer", "rf-1", "ft1", NULL, sdp_a, NULL);
	ck_error("ring full");
	ck_assert_uint_eq(ctl.sess.n_calls, 0);
	ck_assert_uint_eq(ctl_ports_free_count(&ctl.ports[0]), free0);
	ck_assert_uint_eq(ctl.dp.n_free, ctl.dp.n_flows);
}
END_TEST

START_TEST(ack_timeout_then_recover)
{
	uint32_t free0 = ctl_ports_free_count(&ctl.ports[0]);

	fdp.mute = true;
	sig("offer", "at-1", "ft1", NULL, sdp_a, NULL);
	ck_error("did not acknowledge");
	ck_assert_uint_eq(ctl.sess.n_calls, 0);
	ck_assert_uint_eq(ctl_ports_free_count(&ctl.ports[0]), free0);
	ck_assert_uint_eq(ctl.dp.timeouts, 1);
	fdp.mute = false;
	fdp_step(NULL);	/* the undo (flow deletes) reaches the dataplane */
	ck_assert_uint_eq(fdp.n_present, 0);
	ctl_tick(&ctl);	/* late acks are dropped */
	sig("offer", "at-1", "ft1", NULL, sdp_a, NULL);
	ck_result("ok");
	ck_assert_uint_eq(fdp.n_present, 4);
}
END_TEST

START_TEST(refused_flow_rolls_back)
{
	unsigned before;

	basic_call("rb-1");
	before = fdp.n_present;
	fdp.fail_adds = 1;
	sig("offer", "rb-2", "ft1", NULL, sdp_a, NULL);
	ck_error("flow");
	fdp_step(NULL);
	ck_assert_ptr_null(find_call("rb-2"));
	ck_assert_uint_eq(fdp.n_present, before);
	/* A re-INVITE adding video that the dataplane refuses leaves the call as it was. */
	{
		static const char sdp_av[] =
			"v=0\r\no=alice 1 2 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
			"m=audio 49170 RTP/AVP 0\r\na=sendrecv\r\n"
			"m=video 51372 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=sendrecv\r\n";
		uint32_t free0 = ctl_ports_free_count(&ctl.ports[0]);

		fdp.fail_adds = 1;
		sig("offer", "rb-1", "ft1", "tt1", sdp_av, NULL);
		ck_error("flow");
		fdp_step(NULL);
		ck_assert_uint_eq(find_call("rb-1")->n_streams, 1);
		ck_assert_uint_eq(ctl_ports_free_count(&ctl.ports[0]), free0);
		ck_assert_uint_eq(fdp.n_present, before);
		ck_assert_str_eq(fmt_sa(&fdp_flow_at(port_of_call("rb-1"))->out_dst), "198.51.100.20:3456");
	}
}
END_TEST



START_TEST(cookie_cache_expires)
{
	size_t bytes = 0;

	for (unsigned i = 0; i < 5; i++) {
		rb_start(next_cookie(), "ping");
		rb_send();
		ck_result("pong");
		bytes += rep_len;
	}
	ck_assert_uint_eq(HASH_COUNT(ctl.ng.cookies), 5);
	ck_assert_uint_eq(ctl.ng.cookie_bytes, bytes);
	ctl.now_ms += CTL_COOKIE_TTL_MS - 1000;
	ctl_ng_expire(&ctl);
	ck_assert_uint_eq(HASH_COUNT(ctl.ng.cookies), 5);
	ctl.now_ms += 2000;
	ctl_ng_expire(&ctl);
	ck_assert_uint_eq(HASH_COUNT(ctl.ng.cookies), 0);
	ck_assert_uint_eq(ctl.ng.cookie_bytes, 0);
}
END_TEST

/* ---- the socket path: a burst of datagrams whose flows travel together ---- */

static int sock_up(struct sockaddr_in *to)
{
	socklen_t l = sizeof(*to);
	int fd;

	ck_assert_int_ge(ctl.ng.fd, 0);
	ck_assert_int_eq(getsockname(ctl.ng.fd, (struct sockaddr *)to, &l), 0);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)to, sizeof(*to)), 0);
	return fd;
}

static void dgram(int fd, const char *cookie, const char *cmd, const char *call_id,
		  const char *to_tag, const char *sdp)
{
	rb_start(cookie, cmd);
	rb_kv("call-id", call_id);
	rb_kv("from-tag", "ft1");
	if (to_tag)
		rb_kv("to-tag", to_tag);
	rb_kv("sdp", sdp);
	rb_raw("e");
	ck_assert_int_eq(send(fd, req, req_len, 0), (ssize_t)req_len);
}

static uint8_t got[16][8192];
static size_t got_len[16];
static unsigned n_got;

/* Take every reply waiting on fd. */
static void collect(int fd)
{
	ssize_t n;

	n_got = 0;
	while (n_got < 16 && (n = recv(fd, got[n_got], sizeof(got[0]), MSG_DONTWAIT)) > 0)
		got_len[n_got++] = (size_t)n;
}

/* The first collected reply to `cookie` (then forgotten), decoded into rdoc. */
static void reply_for(const char *cookie, uint8_t *copy, size_t *copy_len)
{
	char want[64];
	size_t wl = (size_t)snprintf(want, sizeof(want), "%s ", cookie);

	for (unsigned i = 0; i < n_got; i++) {
		if (got_len[i] <= wl || memcmp(got[i], want, wl) != 0)
			continue;
		rep_len = got_len[i];
		memcpy(rep, got[i], rep_len);
		got_len[i] = 0;
		mr_bencode_doc_init(&rdoc, rnodes, MR_ARRAY_SIZE(rnodes));
		ck_assert_int_eq(mr_bencode_decode_dict(&rdoc, rep + wl, rep_len - wl, NULL), 0);
		rroot = mr_bencode_root(&rdoc);
		if (copy) {
			memcpy(copy, rep, rep_len);
			*copy_len = rep_len;
		}
		return;
	}
	ck_abort_msg("no reply for %s", cookie);
}

START_TEST(burst_of_requests)
{
	struct sockaddr_in to;
	static uint8_t first[8192];
	size_t first_len = 0;
	int fd;

	/* A real socket on an ephemeral loopback port. */
	ctl_ng_close(&ctl);
	ck_assert_int_eq(mr_ip_parse("127.0.0.1", &cfg.ctl.listen_ng.ip), 0);
	cfg.ctl.listen_ng.port = 0;
	ck_assert_int_eq(ctl_ng_open(&ctl), 0);
	fd = sock_up(&to);
	dgram(fd, "b1", "offer", "burst-1", NULL, sdp_a);
	dgram(fd, "b2", "offer", "burst-2", NULL, sdp_a);
	dgram(fd, "b1", "offer", "burst-1", NULL, sdp_a);	/* retransmitted in the same burst */
	dgram(fd, "b3", "answer", "burst-2", "tt1", sdp_b);	/* its offer is still in flight */
	dgram(fd, "b4", "offer", "burst-3", NULL, sdp_a);
	ctl_ng_readable(&ctl);
	collect(fd);
	reply_for("b1", first, &first_len);
	ck_result("ok");
	reply_for("b1", NULL, NULL);
	ck_assert(rep_len == first_len && memcmp(rep, first, rep_len) == 0);
	reply_for("b2", NULL, NULL);
	ck_result("ok");
	reply_for("b3", NULL, NULL);
	ck_result("ok");
	reply_for("b4", NULL, NULL);
	ck_result("ok");
	ck_assert_uint_eq(ctl.sess.n_calls, 3);
	ck_assert_uint_eq(fdp.n_present, 12);
	ck_assert(find_call("burst-2")->answered);
	ck_assert(!find_call("burst-1")->busy && !find_call("burst-3")->busy);

	/* One request of a burst refused by the dataplane: only that one fails. */
	fdp.fail_adds = 1;
	dgram(fd, "b5", "offer", "burst-5", NULL, sdp_a);
	dgram(fd, "b6", "offer", "burst-6", NULL, sdp_a);
	ctl_ng_readable(&ctl);
	fdp_step(NULL);
	collect(fd);
	reply_for("b5", NULL, NULL);
	ck_error("flow");
	reply_for("b6", NULL, NULL);
	ck_result("ok");
	ck_assert_ptr_null(find_call("burst-5"));
	ck_assert_ptr_nonnull(find_call("burst-6"));
	ck_assert_uint_eq(fdp.n_present, 16);
	close(fd);
}
END_TEST

static Suite *ng_suite(void)
{
	Suite *s = suite_create("ng");
	TCase *tc = tcase_create("protocol");

	tcase_add_checked_fixture(tc, harness_up, harness_down);
	tcase_add_test(tc, ping);
	tcase_add_test(tc, key_spellings);
	tcase_add_test(tc, list_and_statistics);
	tcase_add_test(tc, bad_bencode);
	tcase_add_test(tc, bad_requests);
	tcase_add_test(tc, bad_sdp);
	tcase_add_test(tc, dataplane_absent);
	tcase_add_test(tc, ring_full);
	tcase_add_test(tc, ack_timeout_then_recover);
	tcase_add_test(tc, refused_flow_rolls_back);
	tcase_add_test(tc, cookie_cache_expires);
	suite_add_tcase(s, tc);
	tc = tcase_create("socket");
	tcase_add_checked_fixture(tc, harness_up, harness_down);
	tcase_add_test(tc, burst_of_requests);
	suite_add_tcase(s, tc);
	return s;
}

MR_CHECK_MAIN(ng_suite)
