/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test harness for mrelay-control: a real lib/shm region created in the
 * test process, attached by the real control code, with the dataplane's
 * side played in-process (dataplane_step acks commands as the dataplane
 * does and keeps the flow table), and ng requests built as bencode and fed
 * to the real dispatch (ctl_ng_handle).
 */
#ifndef CTL_HARNESS_H
#define CTL_HARNESS_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mr_check.h"
#include "bencode/bencode.h"
#include "config/config.h"
#include "sdp/sdp.h"
#include "shm/shm.h"

#include "ctl.h"
#include "session.h"

#define FDP_FLOWS 1024

struct fake_dp {
	struct mr_shm shm;
	bool mute;		/* take commands, never ack: ack timeouts */
	bool paused;		/* take no commands at all: the ring fills */
	int fail_adds;		/* > 0: that many FLOW_ADDs get -ENOSPC */
	unsigned adds, mods, dels, hellos;
	unsigned n_present;
	bool present[FDP_FLOWS];
	struct mr_flow_spec spec[FDP_FLOWS];
};

static struct fake_dp fdp;
static struct mr_config cfg;
static struct ctl ctl;
static char inst[32];

static void fdp_step(void *arg)
{
	struct mr_msg in[64];
	unsigned n;

	(void)arg;
	fdp.shm.hdr->heartbeat_ms = mr_shm_now_ms();
	if (fdp.paused)
		return;
	n = mr_shm_cmd_recv(&fdp.shm, in, 64);
	for (unsigned i = 0; i < n; i++) {
		struct mr_msg ack;
		uint32_t id = in[i].u.flow.flow_id;
		int res = 0;

		switch (in[i].hdr.type) {
		case MR_MSG_HELLO:
			fdp.hellos++;
			break;
		case MR_MSG_FLOW_ADD:
			fdp.adds++;
			if (fdp.fail_adds > 0) {
				fdp.fail_adds--;
				res = -ENOSPC;
			} else if (id >= FDP_FLOWS || fdp.present[id]) {
				res = -EEXIST;
			} else {
				fdp.present[id] = true;
				fdp.spec[id] = in[i].u.flow;
				fdp.n_present++;
				fdp.shm.flows[id].gen++;
			}
			break;
		case MR_MSG_FLOW_MOD:
			fdp.mods++;
			if (id >= FDP_FLOWS || !fdp.present[id])
				res = -ENOENT;
			else
				fdp.spec[id] = in[i].u.flow;
			break;
		case MR_MSG_FLOW_DEL:
			fdp.dels++;
			id = in[i].hdr.flow_id;
			if (id >= FDP_FLOWS || !fdp.present[id]) {
				res = -ENOENT;
			} else {
				fdp.present[id] = false;
				fdp.n_present--;
			}
			break;
		default:
			break;
		}
		if (fdp.mute)
			continue;
		memset(&ack, 0, sizeof(ack));
		ack.hdr.type = MR_EVT_ACK;
		ack.hdr.seq = in[i].hdr.seq;
		ack.hdr.result = res;
		ack.hdr.flow_id = in[i].hdr.flow_id;
		ack.hdr.generation = fdp.shm.hdr->generation;
		ck_assert_uint_eq(mr_shm_evt_send(&fdp.shm, &ack, 1), 1);
	}
}

static void fdp_create(uint32_t cmd_ring)
{
	struct mr_shm_params p = { .instance = inst, .n_flows = FDP_FLOWS, .n_workers = 1,
				   .n_ifaces = 2, .cmd_ring_size = cmd_ring, .evt_ring_size = 1024 };

	memset(&fdp, 0, sizeof(fdp));
	ck_assert_int_eq(mr_shm_create(&fdp.shm, &p), 0);
	fdp.shm.hdr->heartbeat_ms = mr_shm_now_ms();
	__atomic_store_n(&fdp.shm.hdr->state, MR_SHM_RUNNING, __ATOMIC_RELEASE);
}

static const char base_cfg[] =
	"[dataplane]\ninstance = %s\n"
	"[control]\nack-timeout = 200\nport-min = 30000\nport-max = 30999\n"
	"[interface pub]\ndevice = net_null0\naddress = 203.0.113.1/24\naddress6 = 2001:db8::1/64\n"
	"[interface priv]\ndevice = net_null1\naddress = 10.0.0.1/8\nport-min = 40000\nport-max = 40999\n"
	"%s";

static void harness_up_with(const char *extra, uint32_t cmd_ring, bool with_dp)
{
	char text[2048], err[256];

	snprintf(inst, sizeof(inst), "ctlt-%d", (int)getpid());
	if (with_dp)
		fdp_create(cmd_ring);
	snprintf(text, sizeof(text), base_cfg, inst, extra ? extra : "");
	ck_assert_msg(mr_config_load_string(&cfg, text, err, sizeof(err)) == 0, "%s", err);
	memset(&cfg.ctl.listen_ng, 0, sizeof(cfg.ctl.listen_ng));	/* no socket */
	ck_assert_int_eq(ctl_init(&ctl, &cfg), 0);
	mr_log_set_levels("error");
	ctl.dp.wait_hook = fdp_step;
	ctl_dp_poll(&ctl.dp, ctl_now_ms(&ctl), true);
	ck_assert(ctl_dp_is_ready(&ctl.dp) == with_dp);
}

static void harness_up(void)
{
	harness_up_with(NULL, 256, true);
}

static void harness_down(void)
{
	ctl_fini(&ctl);
	if (fdp.shm.base)
		mr_shm_detach(&fdp.shm);
	memset(&fdp, 0, sizeof(fdp));
}

/* ---- requests ---- */

static char req[300000];
static size_t req_len;
static uint8_t rep[200000];
static size_t rep_len;
static struct mr_bencode_node rnodes[8192];
static struct mr_bencode_doc rdoc;
static const struct mr_bencode_node *rroot;

static void rb_raw(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void rb_raw(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	req_len += (size_t)vsnprintf(req + req_len, sizeof(req) - req_len, fmt, ap);
	va_end(ap);
}

static void rb_str(const char *s)
{
	rb_raw("%zu:%s", strlen(s), s);
}

static void rb_kv(const char *k, const char *v)
{
	rb_str(k);
	rb_str(v);
}

/* Start "<cookie> d7:command<cmd>"; keys follow; rb_send() closes and sends. */
static void rb_start(const char *cookie, const char *cmd)
{
	req_len = 0;
	rb_raw("%s d", cookie);
	rb_kv("command", cmd);
}

/* Send the request as it is (no closing 'e' added) and decode the reply. */
static void send_raw(void)
{
	const char *sp;

	rep_len = ctl_ng_handle(&ctl, (const uint8_t *)req, req_len, rep, sizeof(rep));
	rroot = NULL;
	if (rep_len == 0)
		return;
	sp = memchr(rep, ' ', rep_len);
	ck_assert_ptr_nonnull(sp);
	mr_bencode_doc_init(&rdoc, rnodes, MR_ARRAY_SIZE(rnodes));
	ck_assert_int_eq(mr_bencode_decode_dict(&rdoc, (const uint8_t *)sp + 1,
						rep_len - (size_t)(sp + 1 - (const char *)rep), NULL), 0);
	rroot = mr_bencode_root(&rdoc);
}

static void rb_send(void)
{
	rb_raw("e");
	send_raw();
}

/* A reply's string value, NUL-terminated in a rotating buffer ("" if absent). */
static const char *rget(const char *key)
{
	static char buf[4][70000];
	static unsigned k;
	struct mr_str s;

	k = (k + 1) & 3;
	buf[k][0] = '\0';
	if (rroot && mr_bencode_dict_get_str(&rdoc, rroot, key, &s) == 0)
		mr_str_copy(s, buf[k], sizeof(buf[k]));
	return buf[k];
}

#define ck_result(exp) \
	ck_assert_msg(strcmp(rget("result"), (exp)) == 0, "result '%s' (%s), expected '%s'", \
		      rget("result"), rget("error-reason"), (exp))

static void ck_error(const char *reason_part)
{
	ck_result("error");
	ck_assert_msg(strstr(rget("error-reason"), reason_part) != NULL,
		      "error-reason '%s' lacks '%s'", rget("error-reason"), reason_part);
}

static unsigned cookie_n;

static const char *next_cookie(void)
{
	static char c[32];

	snprintf(c, sizeof(c), "%u_%u", (unsigned)getpid(), ++cookie_n);
	return c;
}

/* offer/answer with the common keys; extra is raw bencode key/values. */
static void sig(const char *cmd, const char *call_id, const char *from, const char *to,
		const char *sdp, const char *extra)
{
	rb_start(next_cookie(), cmd);
	if (call_id)
		rb_kv("call-id", call_id);
	if (from)
		rb_kv("from-tag", from);
	if (to)
		rb_kv("to-tag", to);
	if (sdp)
		rb_kv("sdp", sdp);
	if (extra)
		rb_raw("%s", extra);
	rb_send();
}

static const char sdp_a[] =
	"v=0\r\n"
	"o=alice 2890844526 2890844526 IN IP4 192.0.2.10\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.10\r\n"
	"t=0 0\r\n"
	"m=audio 49170 RTP/AVP 0 8 101\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=fmtp:101 0-16\r\n"
	"a=ptime:20\r\n"
	"a=sendrecv\r\n";

static const char sdp_b[] =
	"v=0\r\n"
	"o=bob 2808844564 2808844564 IN IP4 198.51.100.20\r\n"
	"s=-\r\n"
	"c=IN IP4 198.51.100.20\r\n"
	"t=0 0\r\n"
	"m=audio 3456 RTP/AVP 0 101\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=fmtp:101 0-16\r\n"
	"a=sendrecv\r\n";

static struct ctl_call *find_call(const char *id)
{
	return ctl_sess_find(&ctl, mr_str_cstr(id));
}

/* The flow the fake dataplane holds for a local port, or NULL. */
static const struct mr_flow_spec *fdp_flow_at(uint16_t port)
{
	for (unsigned i = 0; i < FDP_FLOWS; i++)
		if (fdp.present[i] && fdp.spec[i].key.port == port)
			return &fdp.spec[i];
	return NULL;
}

static inline void basic_call(const char *id)
{
	sig("offer", id, "ft1", NULL, sdp_a, NULL);
	ck_result("ok");
	sig("answer", id, "ft1", "tt1", sdp_b, NULL);
	ck_result("ok");
}

/* The local RTP port facing the caller. */
static inline uint16_t port_of_call(const char *id)
{
	return find_call(id)->streams[0].local[0].port;
}

static char *fmt_sa(const struct mr_sockaddr *sa)
{
	static char b[4][MR_SOCKADDR_STRLEN];
	static unsigned k;

	k = (k + 1) & 3;
	return mr_sockaddr_format(sa, b[k], sizeof(b[k]));
}

#endif
