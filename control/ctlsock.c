/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mrelayctl socket: a SOCK_STREAM unix socket ([control] ctl-socket),
 * one JSON request per line, one JSON reply per line. Requests:
 *   {"cmd":"version"}  {"cmd":"calls"}  {"cmd":"call","id":CALL-ID}
 *   {"cmd":"flows","call":ID,"tenant":T,"addr":"IP[:PORT]"}  (filters optional)
 *   {"cmd":"flow","id":N}  {"cmd":"totals"}  {"cmd":"ports"}
 *   {"cmd":"capture","target":CALL-ID|FLOW-ID,"count":N,"seconds":S} with the
 *     file's descriptor passed (SCM_RIGHTS) in the same message; replied at
 *     once ({"ok":true,"capture":ID,...}), then a second line
 *     {"event":"capture-done",...} when the file is complete.
 *   {"cmd":"capture-stop"} on the same connection ends it early.
 * Replies: {"ok":true,...} or {"ok":false,"error":TEXT,"code":"ENOENT"|...}.
 *
 * Everything lives in one epoll set of its own whose descriptor sits in
 * control's loop: the loop sees one fd, this file sees the listener and its
 * clients. Nothing blocks: a request longer than CTL_SOCK_MAX_REQ closes the
 * connection after an error reply; replies not yet written wait in a
 * per-client buffer (bounded too).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <fcntl.h>
#include <unistd.h>

#include <jansson.h>

#include "rtp/rtp.h"
#include "sdes/sdes.h"
#include "sdp/sdp-t.h"

#include "ctl.h"
#include "ctlsock.h"
#include "quality.h"
#include "rtpmap.h"
#include "session.h"

#define CTL_SOCK_MAX_REQ 65536u		/* one request line, bytes */
#define CTL_SOCK_MAX_OUT (64u << 20)	/* unwritten replies of one client */
#define CTL_SOCK_MAX_CLIENTS 64

struct client {
	int fd;
	bool closing;		/* close once out is written */
	bool has_passed;	/* a descriptor came with the current request */
	int passed_fd;
	size_t in_len;
	char *in;		/* CTL_SOCK_MAX_REQ */
	char *out;
	size_t out_len, out_off, out_cap;
};

/* The one capture that may run (the dataplane takes one at a time). */
struct sock_capture {
	bool active;		/* started, its done event not yet seen */
	int client;		/* index of the mrelayctl waiting for it; -1 gone */
	uint32_t id;
	uint64_t generation;	/* of the dataplane running it */
	uint32_t dp_pid;	/* that dataplane's process */
	uint64_t lost_ms;	/* when control lost the dataplane (a late heartbeat); 0 = not */
	bool stop_pending;	/* a stop asked while the dataplane was away */
	char target[160];
};

#define CAPTURE_LOST_MS 10000	/* a dataplane not back after this is gone */

struct ctl_sock {
	int ep;			/* our own epoll set; in control's loop */
	int lfd;
	char path[108];
	struct ctl *ctl;
	struct client cl[CTL_SOCK_MAX_CLIENTS];
	struct sock_capture cap;
	uint32_t next_capture_id;
	uint64_t requests, errors, accepted, refused;
};

static int mkdirs(const char *path)
{
	char d[108];
	char *p;

	snprintf(d, sizeof(d), "%s", path);
	p = strrchr(d, '/');
	if (p == NULL || p == d)
		return 0;
	*p = '\0';
	for (p = d + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(d, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(d, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int ctl_sock_open(struct ctl *c, const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct epoll_event ev = { .events = EPOLLIN };
	struct ctl_sock *s;
	int fd, rc;

	if (path == NULL || path[0] == '\0')
		return 0;
	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	s->lfd = -1;
	s->ctl = c;
	s->cap.client = -1;
	for (unsigned i = 0; i < CTL_SOCK_MAX_CLIENTS; i++)
		s->cl[i].fd = -1;
	snprintf(s->path, sizeof(s->path), "%s", path);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	rc = mkdirs(path);
	if (rc < 0)
		goto fail;
	/* A socket file left by a control that died: replace it, unless one answers. */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
			close(fd);
			rc = -EADDRINUSE;
			goto fail;
		}
		close(fd);
	}
	unlink(path);
	s->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->lfd < 0 || bind(s->lfd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    chmod(path, 0660) < 0 || listen(s->lfd, 64) < 0) {
		rc = -errno;
		goto fail;
	}
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	if (s->ep < 0) {
		rc = -errno;
		goto fail;
	}
	ev.data.u32 = UINT32_MAX;
	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, s->lfd, &ev) < 0) {
		rc = -errno;
		close(s->ep);
		goto fail;
	}
	c->sock = s;
	return 0;
fail:
	if (s->lfd >= 0) {
		close(s->lfd);
		unlink(path);
	}
	free(s);
	return rc;
}

static void capture_stop(struct ctl_sock *s, bool wait);

static void passed_close(struct client *cl)
{
	if (cl->has_passed)
		close(cl->passed_fd);
	cl->has_passed = false;
	cl->passed_fd = -1;
}

static void client_close(struct ctl_sock *s, struct client *cl)
{
	if (cl->fd < 0)
		return;
	/* Nobody waits for the file any more: end the capture, keep what it holds. */
	if (s->cap.active && s->cap.client == (int)(cl - s->cl)) {
		s->cap.client = -1;
		capture_stop(s, false);
	}
	passed_close(cl);
	epoll_ctl(s->ep, EPOLL_CTL_DEL, cl->fd, NULL);
	close(cl->fd);
	free(cl->in);
	free(cl->out);
	memset(cl, 0, sizeof(*cl));
	cl->fd = -1;
}

void ctl_sock_close(struct ctl *c)
{
	struct ctl_sock *s = c->sock;

	if (s == NULL)
		return;
	capture_stop(s, false);
	for (unsigned i = 0; i < CTL_SOCK_MAX_CLIENTS; i++)
		client_close(s, &s->cl[i]);
	close(s->lfd);
	close(s->ep);
	unlink(s->path);
	free(s);
	c->sock = NULL;
}

int ctl_sock_fd(const struct ctl *c)
{
	return c->sock ? c->sock->ep : -1;
}

/* ---- JSON views ---------------------------------------------------------- */

static json_t *jaddr(const struct mr_sockaddr *sa)
{
	char a[MR_SOCKADDR_STRLEN];

	if (sa->ip.family == 0)
		return json_null();
	return json_string(mr_sockaddr_format(sa, a, sizeof(a)));
}

static json_t *jip_port(const struct mr_ip *ip, uint16_t port)
{
	struct mr_sockaddr sa = { .ip = *ip, .port = port };

	return jaddr(&sa);
}

static const char *iface_name(const struct ctl *c, unsigned i)
{
	return i < c->cfg->n_ifaces ? c->cfg->ifaces[i].name : "?";
}

/* The first tenant whose interfaces include iface; "" when none. */
static const char *tenant_name(const struct ctl *c, unsigned iface)
{
	for (unsigned t = 0; t < c->cfg->n_tenants; t++)
		if (c->cfg->tenants[t].iface_mask & (1u << iface))
			return c->cfg->tenants[t].name;
	return "";
}

static const char *suite_name(unsigned suite)
{
	const struct mr_sdes_suite_info *si = suite ? mr_sdes_suite_info(suite) : NULL;

	return si ? si->name : "none";
}

static const char *dir_name(uint8_t d)
{
	switch (d) {
	case MR_SDP_DIR_SENDRECV:
		return "sendrecv";
	case MR_SDP_DIR_SENDONLY:
		return "sendonly";
	case MR_SDP_DIR_RECVONLY:
		return "recvonly";
	case MR_SDP_DIR_INACTIVE:
		return "inactive";
	default:
		return "";
	}
}

/*
 * What the remote said in its RTCP where the relay consumes it (a leg that
 * receives transcoded media): its report on what the relay sends, and the
 * round trip. NULL when nothing came.
 */
static json_t *remote_report(const struct mr_flow_stats *fs, uint32_t clock_rate)
{
	struct mr_rtcp_remote r;
	json_t *o;

	memcpy(&r, &fs->rtcp, sizeof(r));	/* a racy copy is fine for a report */
	if (r.sr_count == 0 && r.rb_count == 0)
		return NULL;
	o = json_object();
	json_object_set_new(o, "sr_received", json_integer(r.sr_count));
	json_object_set_new(o, "rb_received", json_integer(r.rb_count));
	if (r.rb_count) {
		json_object_set_new(o, "fraction_lost_pct", json_real(r.fraction_lost * 100.0 / 256));
		json_object_set_new(o, "lost", json_integer(r.cumulative_lost));
		json_object_set_new(o, "highest_seq", json_integer(r.ext_highest_seq));
		json_object_set_new(o, "jitter_ms", json_real((double)r.jitter * 1000.0 /
							      (clock_rate ? clock_rate : 8000)));
	}
	json_object_set_new(o, "rtt_ms", r.rtt_us ? json_real(r.rtt_us / 1000.0) : json_null());
	return o;
}

/*
 * Live counters of one flow from the stats table. Returns NULL when the
 * flow is not installed or there is no dataplane.
 */
static json_t *flow_counters(struct ctl *c, const struct ctl_flowref *fr, uint32_t clock_rate,
			     bool rtp)
{
	const struct mr_flow_stats *fs;
	struct mr_rtp_source src;
	uint64_t packets, bytes, last, first, drops_total = 0, now_ns;
	int64_t lost = 0;
	double loss = 0, jitter = 0;
	json_t *o, *drops;

	if (!fr->installed || fr->id == MR_FLOW_ID_NONE)
		return NULL;
	fs = ctl_dp_flow_stats(&c->dp, fr->id);
	if (fs == NULL)
		return NULL;
	o = json_object();
	drops = json_object();
	packets = __atomic_load_n(&fs->packets, __ATOMIC_RELAXED);
	bytes = __atomic_load_n(&fs->bytes, __ATOMIC_RELAXED);
	first = mr_shm_tsc_to_ns(&c->dp.shm, __atomic_load_n(&fs->first_seen_tsc, __ATOMIC_RELAXED));
	last = mr_shm_tsc_to_ns(&c->dp.shm, __atomic_load_n(&fs->last_seen_tsc, __ATOMIC_RELAXED));
	for (unsigned d = 0; d < MR_FLOW_DROP_MAX; d++) {
		uint64_t v = __atomic_load_n(&fs->drops[d], __ATOMIC_RELAXED);
		const char *name = c->dp.shm.hdr->flow_drop_names[d];

		drops_total += v;
		if (name[0])
			json_object_set_new(drops, name, json_integer((json_int_t)v));
	}
	memcpy(&src, &fs->rtp, sizeof(src));	/* a racy copy is fine for a report */
	if (rtp && src.received) {
		lost = mr_rtp_source_lost(&src);
		loss = ctl_quality_loss_pct(lost, mr_rtp_source_expected(&src));
		jitter = (double)mr_rtp_source_jitter_units(&src) * 1000.0 /
			 (clock_rate ? clock_rate : 8000);
	}
	now_ns = ctl_wall_us() * 1000;
	json_object_set_new(o, "packets", json_integer((json_int_t)packets));
	json_object_set_new(o, "bytes", json_integer((json_int_t)bytes));
	json_object_set_new(o, "rtcp_packets", json_integer(fs->rtcp_packets));
	json_object_set_new(o, "drops", json_integer((json_int_t)drops_total));
	json_object_set_new(o, "drop_reasons", drops);
	json_object_set_new(o, "learned", (fs->flags & MR_FLOW_STATS_F_LEARNED) ?
			    jaddr(&fs->learned) : json_null());
	json_object_set_new(o, "first_seen_ms", json_integer((json_int_t)(first / 1000000)));
	json_object_set_new(o, "last_seen_ms", json_integer((json_int_t)(last / 1000000)));
	json_object_set_new(o, "idle_ms", last && now_ns > last ?
			    json_integer((json_int_t)((now_ns - last) / 1000000)) : json_null());
	{
		json_t *rr = remote_report(fs, clock_rate);

		if (rr)
			json_object_set_new(o, "remote_report", rr);
	}
	if (rtp) {
		json_object_set_new(o, "rtp_received", json_integer(src.received));
		json_object_set_new(o, "lost", json_integer(lost));
		json_object_set_new(o, "loss_pct", json_real(loss));
		json_object_set_new(o, "jitter_ms", json_real(jitter));
		json_object_set_new(o, "payload_type", src.received ?
				    json_integer(fs->pt_last) : json_null());
		json_object_set_new(o, "mos", src.received ?
				    json_real(ctl_quality_mos(loss, jitter)) : json_null());
	}
	return o;
}

json_t *ctl_sock_flow_json(struct ctl *c, const struct ctl_call *call, unsigned i, unsigned s,
			   unsigned k)
{
	const struct ctl_stream *st = &call->streams[i];
	const struct ctl_flowref *fr = &st->flow[s][k];
	uint16_t lport = (uint16_t)(st->local[s].port + (k && !st->mux ? 1 : 0));
	const struct ctl_remote *to = &st->remote[1 - s];
	json_t *o = json_object(), *cnt;

	json_object_set_new(o, "id", fr->id == MR_FLOW_ID_NONE ? json_null() : json_integer(fr->id));
	json_object_set_new(o, "call", json_string(call->call_id));
	json_object_set_new(o, "from_tag", json_string(call->tag[s]));
	json_object_set_new(o, "stream", json_integer(i + 1));
	json_object_set_new(o, "kind", json_string(k ? "rtcp" : "rtp"));
	json_object_set_new(o, "installed", json_boolean(fr->installed));
	json_object_set_new(o, "interface", json_string(iface_name(c, st->local[s].iface)));
	json_object_set_new(o, "tenant", json_string(tenant_name(c, st->local[s].iface)));
	json_object_set_new(o, "local", jip_port(&st->local[s].addr, lport));
	json_object_set_new(o, "expected_source", jaddr(k && !st->mux ? &st->remote[s].rtcp :
							   &st->remote[s].rtp));
	json_object_set_new(o, "out_interface", json_string(iface_name(c, st->local[1 - s].iface)));
	json_object_set_new(o, "out_source", jip_port(&st->local[1 - s].addr,
						      (uint16_t)(st->local[1 - s].port +
								 (k && !st->mux ? 1 : 0))));
	json_object_set_new(o, "out_destination", jaddr(k && !st->mux ? &to->rtcp : &to->rtp));
	json_object_set_new(o, "srtp_in", json_string(suite_name(st->srtp.rx[s].suite)));
	json_object_set_new(o, "srtp_out", json_string(suite_name(st->srtp.tx[1 - s].suite)));
	cnt = flow_counters(c, fr, st->clock_rate, k == 0);
	json_object_set_new(o, "stats", cnt ? cnt : json_null());
	return o;
}

/* The payload formats party s uses on stream st, first the preferred one. */
static json_t *codecs_json(const struct ctl_stream *st, unsigned s)
{
	json_t *a = json_array();
	char buf[48];

	for (unsigned j = 0; j < st->n_codecs[s]; j++) {
		const struct ctl_rtpmap *r = &st->codecs[s][j];

		json_array_append_new(a, json_pack("{sisssisiss}", "pt", r->pt, "name", r->name,
						   "clock", (int)r->clock, "channels", r->channels,
						   "rtpmap", ctl_rtpmap_format(r, buf, sizeof(buf))));
	}
	return a;
}

json_t *ctl_sock_call_json(struct ctl *c, const struct ctl_call *call, bool detail)
{
	uint64_t now_s = ctl_wall_us() / 1000000;
	json_t *o = json_object(), *legs = json_array(), *streams = json_array();
	uint64_t pk[2] = { 0, 0 }, by[2] = { 0, 0 };
	double worst_mos = 0, worst_loss = 0, worst_jit = 0;
	bool have_q = false;

	json_object_set_new(o, "call_id", json_string(call->call_id));
	json_object_set_new(o, "created", json_integer((json_int_t)call->created_s));
	json_object_set_new(o, "age_s", json_integer((json_int_t)(now_s > call->created_s ?
								  now_s - call->created_s : 0)));
	json_object_set_new(o, "answered", json_boolean(call->answered));
	json_object_set_new(o, "deleting", json_boolean(call->deleting));
	json_object_set_new(o, "dtmf", json_string(call->dtmf));	/* the last digits (control/codec.c) */
	json_object_set_new(o, "dtmf_count", json_integer((json_int_t)call->n_dtmf));
	for (unsigned s = 0; s < 2; s++) {
		json_t *l = json_object();

		json_object_set_new(l, "tag", json_string(call->tag[s]));
		json_object_set_new(l, "label", json_string(call->label[s]));
		json_object_set_new(l, "interface", json_string(iface_name(c, call->iface[s])));
		json_array_append_new(legs, l);
	}
	json_object_set_new(o, "legs", legs);
	for (unsigned i = 0; i < call->n_streams; i++) {
		const struct ctl_stream *st = &call->streams[i];
		json_t *so = json_object(), *dirs = json_array();

		json_object_set_new(so, "index", json_integer(i + 1));
		json_object_set_new(so, "type", json_string(st->type));
		json_object_set_new(so, "protocol", json_string(st->proto));
		json_object_set_new(so, "clock_rate", json_integer(st->clock_rate));
		json_object_set_new(so, "rtcp_mux", json_boolean(st->mux));
		for (unsigned s = 0; s < 2; s++) {
			const struct ctl_flowref *fr = &st->flow[s][0];
			json_t *d = json_object(), *cnt;
			char cbuf[48];

			/* Direction s: what party s sends, arriving on our port facing it. */
			json_object_set_new(d, "from_tag", json_string(call->tag[s]));
			json_object_set_new(d, "local", jip_port(&st->local[s].adv, st->local[s].port));
			json_object_set_new(d, "remote", jaddr(&st->remote[s].rtp));
			json_object_set_new(d, "direction", json_string(st->remote[s].known ?
									 dir_name(st->remote[s].dir) : ""));
			json_object_set_new(d, "transport", json_string(st->srtp.proto[s][0] ?
									 st->srtp.proto[s] : st->proto));
			json_object_set_new(d, "srtp", json_string(suite_name(st->srtp.rx[s].suite)));
			json_object_set_new(d, "codec", st->n_codecs[s] ?
					    json_string(ctl_rtpmap_format(&st->codecs[s][0], cbuf,
									  sizeof(cbuf))) : json_null());
			json_object_set_new(d, "codecs", codecs_json(st, s));
			json_object_set_new(d, "rtp_flow", fr->installed ? json_integer(fr->id) : json_null());
			json_object_set_new(d, "rtcp_flow", st->flow[s][1].installed ?
					    json_integer(st->flow[s][1].id) : json_null());
			cnt = flow_counters(c, fr, st->clock_rate, true);
			if (cnt) {
				json_t *m = json_object_get(cnt, "mos");

				pk[s] += (uint64_t)json_integer_value(json_object_get(cnt, "packets"));
				by[s] += (uint64_t)json_integer_value(json_object_get(cnt, "bytes"));
				if (json_is_real(m)) {
					double mos = json_real_value(m);
					double lp = json_real_value(json_object_get(cnt, "loss_pct"));
					double jt = json_real_value(json_object_get(cnt, "jitter_ms"));

					if (!have_q || mos < worst_mos)
						worst_mos = mos;
					if (lp > worst_loss)
						worst_loss = lp;
					if (jt > worst_jit)
						worst_jit = jt;
					have_q = true;
				}
			}
			json_object_set_new(d, "stats", cnt ? cnt : json_null());
			/* The RTCP of party s, where the relay consumed it (the RTCP flow, or this one). */
			if (!st->mux && (cnt = flow_counters(c, &st->flow[s][1], st->clock_rate, false))) {
				json_t *rr = json_object_get(cnt, "remote_report");

				if (rr)
					json_object_set(d, "remote_report", rr);
				json_decref(cnt);
			} else if (cnt && json_object_get(cnt, "remote_report")) {
				json_object_set(d, "remote_report", json_object_get(cnt, "remote_report"));
			}
			json_array_append_new(dirs, d);
		}
		json_object_set_new(so, "directions", dirs);
		if (detail) {
			json_t *fl = json_array();

			for (unsigned s = 0; s < 2; s++)
				for (unsigned k = 0; k < 2; k++)
					if (st->flow[s][k].installed)
						json_array_append_new(fl, ctl_sock_flow_json(c, call, i, s, k));
			json_object_set_new(so, "flows", fl);
		}
		json_array_append_new(streams, so);
	}
	json_object_set_new(o, "streams", streams);
	json_object_set_new(o, "packets", json_pack("[II]", (json_int_t)pk[0], (json_int_t)pk[1]));
	json_object_set_new(o, "bytes", json_pack("[II]", (json_int_t)by[0], (json_int_t)by[1]));
	json_object_set_new(o, "mos", have_q ? json_real(worst_mos) : json_null());
	json_object_set_new(o, "loss_pct", have_q ? json_real(worst_loss) : json_null());
	json_object_set_new(o, "jitter_ms", have_q ? json_real(worst_jit) : json_null());
	return o;
}

/* ---- requests ------------------------------------------------------------ */

__attribute__((format(printf, 2, 3)))
static json_t *err(const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return json_pack("{sbssss}", "ok", 0, "error", msg, "code", code);
}

static json_t *ok_obj(void)
{
	return json_pack("{sb}", "ok", 1);
}

static json_t *dp_status(struct ctl *c)
{
	json_t *o = json_object();

	json_object_set_new(o, "attached", json_boolean(ctl_dp_is_ready(&c->dp)));
	json_object_set_new(o, "instance", json_string(c->dp.instance));
	json_object_set_new(o, "generation", json_integer((json_int_t)c->dp.generation));
	return o;
}

static json_t *req_calls(struct ctl *c)
{
	json_t *r = ok_obj(), *a = json_array();
	struct ctl_call *call, *tmp;

	HASH_ITER(hh, c->sess.calls, call, tmp)
		json_array_append_new(a, ctl_sock_call_json(c, call, false));
	json_object_set_new(r, "calls", a);
	json_object_set_new(r, "dataplane", dp_status(c));
	return r;
}

static json_t *req_call(struct ctl *c, json_t *req)
{
	const char *id = json_string_value(json_object_get(req, "id"));
	struct ctl_call *call;
	json_t *r;

	if (id == NULL)
		return err("EINVAL", "'call' needs \"id\": a call-id string");
	call = ctl_sess_find(c, mr_str_cstr(id));
	if (call == NULL)
		return err("ENOENT", "no call with call-id '%s'", id);
	r = ok_obj();
	json_object_set_new(r, "call", ctl_sock_call_json(c, call, true));
	json_object_set_new(r, "dataplane", dp_status(c));
	return r;
}

/* "IP" or "IP:PORT" ("[v6]:PORT") against an address of a flow. */
static bool addr_match(const struct mr_sockaddr *want, bool want_port, const struct mr_sockaddr *sa)
{
	if (sa->ip.family == 0 || !mr_ip_eq(&want->ip, &sa->ip))
		return false;
	return !want_port || want->port == sa->port;
}

static bool flow_addr_match(struct ctl *c, const struct ctl_call *call, unsigned i, unsigned s,
			    unsigned k, const struct mr_sockaddr *want, bool want_port)
{
	const struct ctl_stream *st = &call->streams[i];
	bool rtcp = k && !st->mux;
	struct mr_sockaddr local = { .ip = st->local[s].addr,
				     .port = (uint16_t)(st->local[s].port + (rtcp ? 1 : 0)) };
	struct mr_sockaddr adv = { .ip = st->local[s].adv, .port = local.port };
	const struct mr_flow_stats *fs = ctl_dp_flow_stats(&c->dp, st->flow[s][k].id);

	if (addr_match(want, want_port, &local) || addr_match(want, want_port, &adv) ||
	    addr_match(want, want_port, rtcp ? &st->remote[s].rtcp : &st->remote[s].rtp) ||
	    addr_match(want, want_port, rtcp ? &st->remote[1 - s].rtcp : &st->remote[1 - s].rtp))
		return true;
	return fs && (fs->flags & MR_FLOW_STATS_F_LEARNED) && addr_match(want, want_port, &fs->learned);
}

static json_t *req_flows(struct ctl *c, json_t *req)
{
	const char *cid = json_string_value(json_object_get(req, "call"));
	const char *tenant = json_string_value(json_object_get(req, "tenant"));
	const char *addr = json_string_value(json_object_get(req, "addr"));
	struct mr_sockaddr want = { 0 };
	bool want_port = false;
	struct ctl_call *call, *tmp;
	json_t *r, *a;

	if (addr) {
		if (mr_sockaddr_parse(addr, &want) == 0 && want.port)
			want_port = true;
		else if (mr_ip_parse(addr, &want.ip) < 0)
			return err("EINVAL", "bad address '%s': IP or IP:PORT", addr);
	}
	if (tenant) {
		bool known = false;

		for (unsigned t = 0; t < c->cfg->n_tenants; t++)
			known |= strcmp(c->cfg->tenants[t].name, tenant) == 0;
		if (!known)
			return err("ENOENT", "no tenant '%s' in the configuration", tenant);
	}
	if (cid && ctl_sess_find(c, mr_str_cstr(cid)) == NULL)
		return err("ENOENT", "no call with call-id '%s'", cid);
	a = json_array();
	HASH_ITER(hh, c->sess.calls, call, tmp) {
		if (cid && strcmp(cid, call->call_id) != 0)
			continue;
		for (unsigned i = 0; i < call->n_streams; i++)
			for (unsigned s = 0; s < 2; s++)
				for (unsigned k = 0; k < 2; k++) {
					const struct ctl_stream *st = &call->streams[i];

					if (!st->flow[s][k].installed)
						continue;
					if (tenant && strcmp(tenant, tenant_name(c, st->local[s].iface)) != 0)
						continue;
					if (addr && !flow_addr_match(c, call, i, s, k, &want, want_port))
						continue;
					json_array_append_new(a, ctl_sock_flow_json(c, call, i, s, k));
				}
	}
	r = ok_obj();
	json_object_set_new(r, "flows", a);
	json_object_set_new(r, "dataplane", dp_status(c));
	return r;
}

static json_t *req_flow(struct ctl *c, json_t *req)
{
	json_t *jid = json_object_get(req, "id");
	const struct ctl_flow_owner *ow;
	json_int_t id;
	char buf[32];
	json_t *r;

	if (!json_is_integer(jid) || json_integer_value(jid) < 0)
		return err("EINVAL", "'flow' needs \"id\": a flow id number");
	id = json_integer_value(jid);
	snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, id);
	if ((uint64_t)id >= c->sess.n_owners || c->sess.owners[id].call == NULL)
		return err("ENOENT", "no flow with id %s", buf);
	ow = &c->sess.owners[id];
	r = ok_obj();
	json_object_set_new(r, "flow", ctl_sock_flow_json(c, ow->call, ow->stream, ow->slot, ow->rtcp));
	json_object_set_new(r, "dataplane", dp_status(c));
	return r;
}

static json_t *req_totals(struct ctl *c)
{
	const struct mr_shm *shm = &c->dp.shm;
	static const char *const ev_names[MR_SRTP_EV_COUNT] = MR_SRTP_EVENT_NAMES;
	uint64_t rx = 0, tx = 0, drops = 0, rxb = 0, txb = 0, ev[MR_SRTP_EV_COUNT] = { 0 };
	json_t *r = ok_obj(), *evo = json_object();

	if (ctl_dp_is_ready(&c->dp)) {
		for (unsigned w = 0; w < shm->hdr->n_workers; w++) {
			rx += shm->workers[w].rx_packets;
			tx += shm->workers[w].tx_packets;
			for (unsigned d = 0; d < MR_SHM_MAX_DROPS; d++)
				drops += shm->workers[w].drops[d];
			for (unsigned i = 0; i < MR_SRTP_EV_COUNT; i++)
				ev[i] += shm->workers[w].srtp_events[i];
		}
		for (unsigned i = 0; i < shm->hdr->n_ifaces; i++) {
			rxb += shm->ifaces[i].rx_bytes;
			txb += shm->ifaces[i].tx_bytes;
		}
	}
	json_object_set_new(r, "calls", json_integer(c->sess.n_calls));
	json_object_set_new(r, "flows", json_integer(c->sess.n_flows_installed));
	json_object_set_new(r, "calls_total", json_integer((json_int_t)c->sess.total_calls));
	json_object_set_new(r, "offers", json_integer((json_int_t)c->sess.offers));
	json_object_set_new(r, "answers", json_integer((json_int_t)c->sess.answers));
	json_object_set_new(r, "deletes", json_integer((json_int_t)c->sess.deletes));
	json_object_set_new(r, "timeouts", json_integer((json_int_t)c->sess.timeouts));
	json_object_set_new(r, "ng_requests", json_integer((json_int_t)c->ng.requests));
	json_object_set_new(r, "ng_errors", json_integer((json_int_t)c->ng.errors));
	json_object_set_new(r, "rx_packets", json_integer((json_int_t)rx));
	json_object_set_new(r, "tx_packets", json_integer((json_int_t)tx));
	json_object_set_new(r, "rx_bytes", json_integer((json_int_t)rxb));
	json_object_set_new(r, "tx_bytes", json_integer((json_int_t)txb));
	json_object_set_new(r, "drops", json_integer((json_int_t)drops));
	for (unsigned i = 0; i < MR_SRTP_EV_COUNT; i++)
		json_object_set_new(evo, ev_names[i], json_integer((json_int_t)ev[i]));
	json_object_set_new(r, "srtp_events", evo);	/* libsrtp's, per kind */
	json_object_set_new(r, "uptime_s", json_integer((json_int_t)(ctl_wall_us() / 1000000 -
								     c->started_s)));
	json_object_set_new(r, "dataplane", dp_status(c));
	return r;
}

static json_t *req_ports(struct ctl *c)
{
	json_t *r = ok_obj(), *a = json_array();

	for (unsigned i = 0; i < c->cfg->n_ifaces; i++) {
		const struct mr_cfg_iface *ifc = &c->cfg->ifaces[i];
		const struct ctl_ports *p = &c->ports[i];
		uint32_t total = p->n, fr = ctl_ports_free_count(p);
		json_t *addrs = json_array();

		/* Each address with its own use: the allocator spreads calls over them. */
		for (unsigned f = 0; f < 2; f++) {
			uint8_t af = f ? 6 : 4;
			const struct mr_ip *list = f ? ifc->addrs6 : ifc->addrs4;

			for (unsigned k = 0; k < p->n_addrs[f]; k++) {
				char ip[MR_IP_STRLEN];
				uint32_t afr = ctl_ports_addr_free(p, af, k);

				json_array_append_new(addrs, json_pack("{sssisi}", "address",
					mr_ip_format(&list[k], ip, sizeof(ip)), "pairs", (int)p->pairs,
					"used", (int)(p->pairs - afr)));
			}
		}
		json_array_append_new(a, json_pack("{sssisisisisfso}", "interface", ifc->name,
						   "first", (int)p->first,
						   "last", (int)(p->first + (p->pairs ? 2 * p->pairs - 1 : 0)),
						   "pairs", (int)total, "used", (int)(total - fr),
						   "used_pct", total ? 100.0 * (total - fr) / total : 0.0,
						   "addresses", addrs));
	}
	json_object_set_new(r, "ports", a);
	return r;
}

/* ---- capture --------------------------------------------------------------- */

static const char *errno_code(int e)
{
	switch (e) {
	case EBUSY: return "EBUSY";
	case ENOENT: return "ENOENT";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case EBADF: return "EBADF";
	case EINVAL: return "EINVAL";
	case ENOTCONN: return "ENOTCONN";
	case ETIMEDOUT: return "ETIMEDOUT";
	case ENOBUFS: return "ENOBUFS";
	case ESRCH: return "ESRCH";
	default: return "EIO";
	}
}

static void capture_stop(struct ctl_sock *s, bool wait)
{
	struct mr_msg m;

	if (!s->cap.active)
		return;
	if (!ctl_dp_is_ready(&s->ctl->dp)) {
		s->cap.stop_pending = true;	/* sent once it is back (ctl_sock_tick) */
		return;
	}
	s->cap.stop_pending = false;
	memset(&m, 0, sizeof(m));
	m.hdr.type = MR_MSG_CAPTURE;
	m.hdr.flow_id = MR_FLOW_ID_NONE;
	m.u.capture.op = MR_CAPTURE_STOP;
	m.u.capture.id = s->cap.id;
	if (wait)
		ctl_dp_exec(&s->ctl->dp, &m, 1, NULL);
	else
		ctl_dp_send_nowait(&s->ctl->dp, &m, 1);
}

/* The installed flows of a call (every stream, both directions, RTP and RTCP). */
static unsigned call_flows(const struct ctl_call *call, uint32_t *ids, unsigned max)
{
	unsigned n = 0;

	for (unsigned i = 0; i < call->n_streams; i++)
		for (unsigned d = 0; d < 2; d++)
			for (unsigned k = 0; k < 2; k++)
				if (call->streams[i].flow[d][k].installed && n < max)
					ids[n++] = call->streams[i].flow[d][k].id;
	return n;
}

static json_t *req_capture(struct ctl *c, struct ctl_sock *s, struct client *cl, json_t *req)
{
	const char *target = json_string_value(json_object_get(req, "target"));
	json_t *jcount = json_object_get(req, "count"), *jsec = json_object_get(req, "seconds");
	uint32_t ids[MR_CAPTURE_MAX_FLOWS];
	struct ctl_call *call;
	const char *kind = "call";
	unsigned n = 0;
	struct stat st;
	struct mr_msg m;
	json_t *r, *a;
	int fl, rc;

	if (target == NULL || target[0] == '\0')
		return err("EINVAL", "'capture' needs \"target\": a call-id or a flow id");
	if ((jcount && (!json_is_integer(jcount) || json_integer_value(jcount) < 0 ||
			json_integer_value(jcount) > UINT32_MAX)) ||
	    (jsec && (!json_is_integer(jsec) || json_integer_value(jsec) < 0 ||
		      json_integer_value(jsec) > 86400)))
		return err("EINVAL", "\"count\" is 0..4294967295 packets, \"seconds\" 0..86400");
	if (!cl->has_passed)
		return err("EBADF", "no file descriptor came with the request: mrelayctl opens the "
			   "file and passes it");
	fl = fcntl(cl->passed_fd, F_GETFL);
	if (fl < 0 || (fl & O_ACCMODE) == O_RDONLY || fstat(cl->passed_fd, &st) < 0 ||
	    !(S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode)))
		return err("EBADF", "the descriptor passed is not a file or pipe open for writing");
	if (s->cap.active)
		return err("EBUSY", "capture %u of %s is running: one capture at a time", s->cap.id,
			   s->cap.target);
	if (!ctl_dp_is_ready(&c->dp))
		return err("ENOTCONN", "the dataplane (instance %s) is not attached", c->dp.instance);
	call = ctl_sess_find(c, mr_str_cstr(target));
	if (call != NULL) {
		n = call_flows(call, ids, MR_CAPTURE_MAX_FLOWS);
	} else {
		char *end;
		unsigned long id = strtoul(target, &end, 10);

		kind = "flow";
		if (*end == '\0' && target[0] >= '0' && target[0] <= '9' && id < c->sess.n_owners &&
		    c->sess.owners[id].call != NULL) {
			const struct ctl_flow_owner *ow = &c->sess.owners[id];

			if (ow->call->streams[ow->stream].flow[ow->slot][ow->rtcp].installed)
				ids[n++] = (uint32_t)id;
		} else {
			return err("ENOENT", "no call with call-id '%s' and no flow with that id", target);
		}
	}
	if (n == 0)
		return err("ENOENT", "%s '%s' has no flow installed in the dataplane", kind, target);
	memset(&m, 0, sizeof(m));
	m.hdr.type = MR_MSG_CAPTURE;
	m.hdr.flow_id = MR_FLOW_ID_NONE;
	m.u.capture.op = MR_CAPTURE_START;
	m.u.capture.id = ++s->next_capture_id;
	m.u.capture.pid = (uint32_t)getpid();
	m.u.capture.fd = cl->passed_fd;
	m.u.capture.max_packets = jcount ? (uint32_t)json_integer_value(jcount) : 0;
	m.u.capture.seconds = jsec ? (uint32_t)json_integer_value(jsec) : 0;
	m.u.capture.n_flows = n;
	memcpy(m.u.capture.flow_ids, ids, n * sizeof(ids[0]));
	rc = ctl_dp_exec(&c->dp, &m, 1, NULL);
	/* The dataplane holds its own duplicate now (or failed): ours goes. */
	passed_close(cl);
	if (rc == -ETIMEDOUT) {
		/* It may still start it late: the stop queued behind ends it. */
		m.u.capture.op = MR_CAPTURE_STOP;
		ctl_dp_send_nowait(&c->dp, &m, 1);
	}
	if (rc < 0)
		return err(errno_code(-rc), "the dataplane did not start the capture: %s",
			   strerror(-rc));
	s->cap.active = true;
	s->cap.client = (int)(cl - s->cl);
	s->cap.id = m.u.capture.id;
	s->cap.generation = c->dp.generation;
	s->cap.dp_pid = c->dp.shm.hdr->dp_pid;
	s->cap.lost_ms = 0;
	s->cap.stop_pending = false;
	snprintf(s->cap.target, sizeof(s->cap.target), "%s %s", kind, target);
	MR_LOG(&ctl_log_dp, NOTICE, "capture %u of %s started (%u flows)", s->cap.id, s->cap.target, n);
	r = ok_obj();
	a = json_array();
	for (unsigned i = 0; i < n; i++)
		json_array_append_new(a, json_integer(ids[i]));
	json_object_set_new(r, "capture", json_integer(s->cap.id));
	json_object_set_new(r, "kind", json_string(kind));
	json_object_set_new(r, "target", json_string(target));
	json_object_set_new(r, "flows", a);
	return r;
}

static json_t *req_capture_stop(struct ctl_sock *s, struct client *cl)
{
	if (!s->cap.active || s->cap.client != (int)(cl - s->cl))
		return err("ENOENT", "no capture of this connection is running");
	capture_stop(s, true);
	return json_pack("{sbsi}", "ok", 1, "stopping", (int)s->cap.id);
}

static const char *end_reason(uint32_t r)
{
	switch (r) {
	case MR_CAPTURE_END_STOP: return "stopped";
	case MR_CAPTURE_END_COUNT: return "count";
	case MR_CAPTURE_END_TIME: return "seconds";
	case MR_CAPTURE_END_ERROR: return "error";
	case MR_CAPTURE_END_EXIT: return "dataplane-exit";
	default: return "?";
	}
}

static int client_reply(struct ctl_sock *s, struct client *cl, json_t *r);
static int client_flush(struct ctl_sock *s, struct client *cl, unsigned idx);

/* Tell the waiting mrelayctl, if any, and forget the capture. */
static void capture_end(struct ctl_sock *s, json_t *r)
{
	int idx = s->cap.client;

	s->cap.active = false;
	s->cap.client = -1;
	if (idx < 0 || s->cl[idx].fd < 0) {
		json_decref(r);
		return;
	}
	if (client_reply(s, &s->cl[idx], r) < 0 || client_flush(s, &s->cl[idx], (unsigned)idx) < 0)
		client_close(s, &s->cl[idx]);
}

void ctl_sock_capture_done(struct ctl *c, const struct mr_msg *m)
{
	const struct mr_evt_capture_done *d = &m->u.capture_done;
	struct ctl_sock *s = c->sock;
	json_t *r;

	MR_LOG(&ctl_log_dp, NOTICE, "capture %u ended (%s): %llu packets written, %llu dropped",
	       d->id, end_reason(d->reason), (unsigned long long)d->written,
	       (unsigned long long)d->dropped);
	if (s == NULL || !s->cap.active || d->id != s->cap.id)
		return;
	r = json_pack("{sbsssisIsIsIss}", "ok", d->result == 0, "event", "capture-done",
		      "capture", (int)d->id, "written", (json_int_t)d->written,
		      "dropped", (json_int_t)d->dropped, "bytes", (json_int_t)d->bytes,
		      "reason", end_reason(d->reason));
	if (d->result) {
		json_object_set_new(r, "error", json_sprintf("writing the capture file failed: %s",
							     strerror(-d->result)));
		json_object_set_new(r, "code", json_string(errno_code(-d->result)));
	}
	capture_end(s, r);
}

void ctl_sock_tick(struct ctl *c)
{
	struct ctl_sock *s = c->sock;

	if (s == NULL || !s->cap.active)
		return;
	/*
	 * A late heartbeat (a starved dataplane) detaches control for a while;
	 * the capture goes on there. It is over when another generation runs,
	 * the process is gone, or the dataplane stays away.
	 */
	if (ctl_dp_is_ready(&c->dp)) {
		if (c->dp.generation == s->cap.generation) {
			s->cap.lost_ms = 0;
			if (s->cap.stop_pending)
				capture_stop(s, false);
			return;
		}
	} else if (kill((pid_t)s->cap.dp_pid, 0) == 0 || errno != ESRCH) {
		if (s->cap.lost_ms == 0)
			s->cap.lost_ms = c->now_ms;
		if (c->now_ms - s->cap.lost_ms < CAPTURE_LOST_MS)
			return;
	}
	capture_end(s, err("ENOTCONN", "the dataplane went away during capture %u; the file "
			   "may be incomplete", s->cap.id));
}

static json_t *dispatch(struct ctl *c, struct ctl_sock *s, struct client *cl, const char *line,
			size_t len)
{
	json_error_t je;
	json_t *req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je), *r;
	const char *cmd;

	if (req == NULL || !json_is_object(req)) {
		json_decref(req);
		return err("EINVAL", "not a JSON object: %s", je.text);
	}
	cmd = json_string_value(json_object_get(req, "cmd"));
	if (cmd == NULL)
		r = err("EINVAL", "no \"cmd\" in the request");
	else if (strcmp(cmd, "version") == 0)
		r = json_pack("{sbsssisi}", "ok", 1, "version", MR_VERSION, "abi", MR_MSG_ABI,
			      "pid", (int)getpid());
	else if (strcmp(cmd, "calls") == 0)
		r = req_calls(c);
	else if (strcmp(cmd, "call") == 0)
		r = req_call(c, req);
	else if (strcmp(cmd, "flows") == 0)
		r = req_flows(c, req);
	else if (strcmp(cmd, "flow") == 0)
		r = req_flow(c, req);
	else if (strcmp(cmd, "totals") == 0)
		r = req_totals(c);
	else if (strcmp(cmd, "ports") == 0)
		r = req_ports(c);
	else if (strcmp(cmd, "capture") == 0)
		r = req_capture(c, s, cl, req);
	else if (strcmp(cmd, "capture-stop") == 0)
		r = req_capture_stop(s, cl);
	else
		r = err("EINVAL", "unknown command '%s'", cmd);
	json_decref(req);
	return r;
}

/* ---- I/O ----------------------------------------------------------------- */

static void client_want_out(struct ctl_sock *s, struct client *cl, unsigned idx)
{
	struct epoll_event ev = { .events = (cl->closing ? 0 : EPOLLIN) |
					    (cl->out_len > cl->out_off ? EPOLLOUT : 0),
				  .data.u32 = idx };

	epoll_ctl(s->ep, EPOLL_CTL_MOD, cl->fd, &ev);
}

static int client_flush(struct ctl_sock *s, struct client *cl, unsigned idx)
{
	while (cl->out_off < cl->out_len) {
		ssize_t w = send(cl->fd, cl->out + cl->out_off, cl->out_len - cl->out_off,
				 MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == EINTR)
				continue;
			return -errno;
		}
		cl->out_off += (size_t)w;
	}
	if (cl->out_off == cl->out_len) {
		cl->out_off = cl->out_len = 0;
		if (cl->closing)
			return -ECONNRESET;
	}
	client_want_out(s, cl, idx);
	return 0;
}

static int client_reply(struct ctl_sock *s, struct client *cl, json_t *r)
{
	char *txt;
	size_t n;

	if (!json_is_true(json_object_get(r, "ok")))
		s->errors++;
	txt = json_dumps(r, JSON_COMPACT);
	json_decref(r);
	if (txt == NULL)
		return -ENOMEM;
	n = strlen(txt);
	if (cl->out_len + n + 1 > CTL_SOCK_MAX_OUT) {
		free(txt);
		return -ENOBUFS;
	}
	if (cl->out_len + n + 1 > cl->out_cap) {
		size_t cap = (cl->out_len + n + 1) * 2;
		char *p = realloc(cl->out, cap);

		if (p == NULL) {
			free(txt);
			return -ENOMEM;
		}
		cl->out = p;
		cl->out_cap = cap;
	}
	memcpy(cl->out + cl->out_len, txt, n);
	cl->out[cl->out_len + n] = '\n';
	cl->out_len += n + 1;
	free(txt);
	return 0;
}

static int client_read(struct ctl *c, struct ctl_sock *s, struct client *cl)
{
	for (;;) {
		ssize_t r;
		char *nl;

		if (cl->in_len == CTL_SOCK_MAX_REQ) {
			client_reply(s, cl, err("E2BIG", "request longer than %u bytes", CTL_SOCK_MAX_REQ));
			cl->closing = true;
			return 0;
		}
		{
			union {
				struct cmsghdr h;
				char buf[CMSG_SPACE(sizeof(int) * 4)];
			} cm;
			struct iovec iov = { cl->in + cl->in_len, CTL_SOCK_MAX_REQ - cl->in_len };
			struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
					     .msg_control = cm.buf, .msg_controllen = sizeof(cm.buf) };

			r = recvmsg(cl->fd, &mh, MSG_CMSG_CLOEXEC);
			/* Descriptors passed (capture): keep the first, close any other. */
			for (struct cmsghdr *h = r > 0 ? CMSG_FIRSTHDR(&mh) : NULL; h; h = CMSG_NXTHDR(&mh, h)) {
				if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS)
					continue;
				for (size_t k = 0; k < (h->cmsg_len - CMSG_LEN(0)) / sizeof(int); k++) {
					int pfd;

					memcpy(&pfd, CMSG_DATA(h) + k * sizeof(int), sizeof(int));
					if (cl->has_passed) {
						close(pfd);
						continue;
					}
					cl->passed_fd = pfd;
					cl->has_passed = true;
				}
			}
		}
		if (r == 0)
			return cl->out_len > cl->out_off ? (cl->closing = true, 0) : -ECONNRESET;
		if (r < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == EINTR)
				continue;
			return -errno;
		}
		cl->in_len += (size_t)r;
		while ((nl = memchr(cl->in, '\n', cl->in_len)) != NULL) {
			size_t len = (size_t)(nl - cl->in);

			if (len > 0 && !(len == 1 && cl->in[0] == '\r')) {
				s->requests++;
				if (client_reply(s, cl, dispatch(c, s, cl, cl->in, len)) < 0)
					return -ENOBUFS;
				passed_close(cl);	/* a descriptor is for its own request only */
			}
			memmove(cl->in, nl + 1, cl->in_len - len - 1);
			cl->in_len -= len + 1;
		}
	}
}

static void accept_all(struct ctl_sock *s)
{
	for (;;) {
		int fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct epoll_event ev = { .events = EPOLLIN };
		unsigned i;

		if (fd < 0)
			return;
		for (i = 0; i < CTL_SOCK_MAX_CLIENTS && s->cl[i].fd >= 0; i++)
			;
		if (i == CTL_SOCK_MAX_CLIENTS || (s->cl[i].in = malloc(CTL_SOCK_MAX_REQ)) == NULL) {
			static const char busy[] =
				"{\"ok\":false,\"error\":\"too many clients\",\"code\":\"EBUSY\"}\n";

			s->refused++;
			(void)!send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
			close(fd);
			continue;
		}
		s->cl[i].fd = fd;
		ev.data.u32 = i;
		if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
			client_close(s, &s->cl[i]);
			continue;
		}
		s->accepted++;
	}
}

void ctl_sock_ready(struct ctl *c)
{
	struct ctl_sock *s = c->sock;
	struct epoll_event evs[16];
	int n;

	if (s == NULL)
		return;
	n = epoll_wait(s->ep, evs, 16, 0);
	for (int i = 0; i < n; i++) {
		uint32_t idx = evs[i].data.u32;
		struct client *cl;
		int rc = 0;

		if (idx == UINT32_MAX) {
			accept_all(s);
			continue;
		}
		cl = &s->cl[idx];
		if (cl->fd < 0)
			continue;
		if ((evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && !cl->closing)
			rc = client_read(c, s, cl);
		if (rc == 0)
			rc = client_flush(s, cl, idx);
		if (rc < 0 || ((evs[i].events & (EPOLLHUP | EPOLLERR)) && cl->out_len == 0))
			client_close(s, cl);
	}
}
