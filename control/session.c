/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Calls: the state behind offer, answer and delete, and the flows it
 * implies. Every change is made on the call first, then the flows it
 * implies are sent to the dataplane in one batch; if the dataplane does
 * not take them all, the call goes back to what it was (a new call is
 * removed) and the dataplane is told to undo what it applied.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bencode/bencode.h"
#include "sdp/sdp.h"

#include "codec.h"
#include "ctl.h"
#include "metrics.h"
#include "rtpmap.h"
#include "session.h"

MR_LOG_TYPE(ctl_log_sess, "session");

/* Flow changes of one batch, with what each one is about (for undo). */
struct batch {
	unsigned n;
	struct mr_msg msgs[MR_SDP_MAX_MEDIA * 4];
	struct {
		uint16_t stream;
		uint8_t slot, k;
	} at[MR_SDP_MAX_MEDIA * 4];
	int results[MR_SDP_MAX_MEDIA * 4];
	uint32_t first;		/* sequence number of msgs[0] */
};

static struct batch batch_buf;	/* one request at a time: the loop is single-threaded */

int ctl_iface_addr(const struct mr_config *cfg, unsigned iface, uint8_t af,
		   struct mr_ip *addr, struct mr_ip *adv)
{
	const struct mr_cfg_iface *ifc;

	if (iface >= cfg->n_ifaces)
		return -ENODEV;
	ifc = &cfg->ifaces[iface];
	if (af == 6) {
		if (ifc->addr6.family != 6)
			return -EAFNOSUPPORT;
		*addr = ifc->addr6;
		*adv = ifc->addr6;
		return 0;
	}
	if (ifc->addr4.family != 4)
		return -EAFNOSUPPORT;
	*addr = ifc->addr4;
	*adv = ifc->advertised4.family == 4 ? ifc->advertised4 : ifc->addr4;
	return 0;
}

/* The pair of l back to its address's FIFO; the address from l->addr. */
static int local_free(struct ctl *c, const struct ctl_local *l)
{
	int idx = ctl_ports_addr_index(&c->cfg->ifaces[l->iface], &l->addr);

	if (idx < 0)
		return idx;
	return ctl_ports_free(&c->ports[l->iface], l->addr.family, (unsigned)idx, l->port);
}

static int local_take(struct ctl *c, const struct ctl_local *l)
{
	int idx;

	if (l->iface >= c->cfg->n_ifaces)
		return -EINVAL;
	idx = ctl_ports_addr_index(&c->cfg->ifaces[l->iface], &l->addr);
	if (idx < 0)
		return -EINVAL;	/* the address left the configuration */
	return ctl_ports_take(&c->ports[l->iface], l->addr.family, (unsigned)idx, l->port);
}

static void local_untake(struct ctl *c, const struct ctl_local *l)
{
	int idx = ctl_ports_addr_index(&c->cfg->ifaces[l->iface], &l->addr);

	if (idx >= 0)
		ctl_ports_untake(&c->ports[l->iface], l->addr.family, (unsigned)idx, l->port);
}

int ctl_sess_init(struct ctl *c)
{
	memset(&c->sess, 0, sizeof(c->sess));
	return 0;
}

/* ---- timer heap (final-timeout, delete-delay) ---- */

static void heap_swap(struct ctl_sessions *s, uint32_t a, uint32_t b)
{
	struct ctl_call *t = s->heap[a];

	s->heap[a] = s->heap[b];
	s->heap[b] = t;
	s->heap[a]->heap_idx = a;
	s->heap[b]->heap_idx = b;
}

static void heap_up(struct ctl_sessions *s, uint32_t i)
{
	while (i > 0) {
		uint32_t p = (i - 1) / 2;

		if (s->heap[p]->deadline_ms <= s->heap[i]->deadline_ms)
			break;
		heap_swap(s, i, p);
		i = p;
	}
}

static void heap_down(struct ctl_sessions *s, uint32_t i)
{
	for (;;) {
		uint32_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < s->heap_n && s->heap[l]->deadline_ms < s->heap[m]->deadline_ms)
			m = l;
		if (r < s->heap_n && s->heap[r]->deadline_ms < s->heap[m]->deadline_ms)
			m = r;
		if (m == i)
			return;
		heap_swap(s, i, m);
		i = m;
	}
}

static void heap_remove(struct ctl_sessions *s, struct ctl_call *call)
{
	uint32_t i = call->heap_idx;

	if (i == UINT32_MAX)
		return;
	call->heap_idx = UINT32_MAX;
	s->heap_n--;
	if (i == s->heap_n)
		return;
	s->heap[i] = s->heap[s->heap_n];
	s->heap[i]->heap_idx = i;
	heap_up(s, i);
	heap_down(s, s->heap[i]->heap_idx);
}

static int heap_set(struct ctl_sessions *s, struct ctl_call *call, uint64_t deadline)
{
	heap_remove(s, call);
	if (s->heap_n == s->heap_cap) {
		uint32_t cap = s->heap_cap ? s->heap_cap * 2 : 256;
		struct ctl_call **h = realloc(s->heap, sizeof(*h) * cap);

		if (h == NULL)
			return -ENOMEM;
		s->heap = h;
		s->heap_cap = cap;
	}
	call->deadline_ms = deadline;
	call->heap_idx = s->heap_n;
	s->heap[s->heap_n++] = call;
	heap_up(s, call->heap_idx);
	return 0;
}

/* ---- flow ids and their owners ---- */

static int flow_id_get(struct ctl *c, struct ctl_call *call, unsigned i, unsigned s, unsigned k)
{
	struct ctl_flowref *fr = &call->streams[i].flow[s][k];
	struct ctl_sessions *ss = &c->sess;
	int rc;

	if (fr->id != MR_FLOW_ID_NONE)
		return 0;
	rc = ctl_dp_flow_id_alloc(&c->dp, &fr->id);
	if (rc < 0)
		return rc;
	if (fr->id >= ss->n_owners) {
		uint32_t n = c->dp.n_flows;
		struct ctl_flow_owner *o = realloc(ss->owners, sizeof(*o) * n);

		if (o == NULL) {
			ctl_dp_flow_id_free(&c->dp, fr->id);
			fr->id = MR_FLOW_ID_NONE;
			return -ENOMEM;
		}
		memset(o + ss->n_owners, 0, sizeof(*o) * (n - ss->n_owners));
		ss->owners = o;
		ss->n_owners = n;
	}
	ss->owners[fr->id] = (struct ctl_flow_owner){ call, (uint16_t)i, (uint8_t)s, (uint8_t)k };
	fr->idle = false;
	return 0;
}

static void flow_id_put(struct ctl *c, struct ctl_flowref *fr)
{
	if (fr->id == MR_FLOW_ID_NONE)
		return;
	if (fr->id < c->sess.n_owners)
		c->sess.owners[fr->id].call = NULL;
	ctl_dp_flow_id_free(&c->dp, fr->id);
	fr->id = MR_FLOW_ID_NONE;
	fr->installed = false;
}

static void stream_init(struct ctl_stream *st)
{
	memset(st, 0, sizeof(*st));
	for (unsigned s = 0; s < 2; s++)
		for (unsigned k = 0; k < 2; k++)
			st->flow[s][k].id = MR_FLOW_ID_NONE;
}

/* ---- what the dataplane must hold for a call ---- */

static bool flow_needed(const struct ctl_stream *st, unsigned s, unsigned k)
{
	if (st->local[0].port == 0 || st->local[1].port == 0)
		return false;
	if ((st->remote[0].known && st->remote[0].disabled) ||
	    (st->remote[1].known && st->remote[1].disabled))
		return false;
	(void)s;
	return k == 0 || (!st->mux && st->is_rtp);
}

static bool receives(const struct ctl_remote *rm)
{
	return rm->known && !rm->disabled && !rm->hold && rm->rtp.port != 0 &&
	       rm->dir != MR_SDP_DIR_SENDONLY && rm->dir != MR_SDP_DIR_INACTIVE;
}

static void build_spec(const struct ctl *c, const struct ctl_call *call, unsigned i,
		       unsigned s, unsigned k, struct mr_flow_spec *sp)
{
	const struct ctl_stream *st = &call->streams[i];
	const struct ctl_local *in = &st->local[s], *out = &st->local[1 - s];
	const struct ctl_remote *from = &st->remote[s], *to = &st->remote[1 - s];
	uint16_t add = k ? 1 : 0;

	memset(sp, 0, sizeof(*sp));
	sp->key.iface = in->iface;
	sp->key.vlan = c->cfg->ifaces[in->iface].vlan;
	sp->key.family = in->addr.family;
	sp->key.port = (uint16_t)(in->port + add);
	memcpy(sp->key.addr, in->addr.addr, sizeof(sp->key.addr));
	sp->flow_id = st->flow[s][k].id;
	sp->peer_flow_id = st->flow[1 - s][k].id;
	sp->out_iface = out->iface;
	sp->out_vlan = c->cfg->ifaces[out->iface].vlan;
	sp->out_src.ip = out->addr;
	sp->out_src.port = (uint16_t)(out->port + add);
	if (receives(to))
		sp->out_dst = (k && !st->mux) ? to->rtcp : to->rtp;
	else
		sp->flags |= MR_FLOW_F_BLACKHOLE;
	if (from->known && !from->hold && !from->disabled)
		sp->expect_src = (k && !st->mux) ? from->rtcp : from->rtp;
	if (!(call->flags & CTL_CALL_F_ASYMMETRIC))
		sp->flags |= MR_FLOW_F_LEARN | MR_FLOW_F_PEER_DST;
	if (call->flags & CTL_CALL_F_STRICT_SOURCE)
		sp->flags |= MR_FLOW_F_STRICT_SOURCE;
	if (k)
		sp->flags |= MR_FLOW_F_RTCP;
	else if (st->mux)
		sp->flags |= MR_FLOW_F_RTCP_MUX;
	sp->idle_timeout_s = (sp->flags & MR_FLOW_F_BLACKHOLE) ? c->cfg->ctl.silent_timeout_s
							      : c->cfg->ctl.timeout_s;
	sp->clock_rate = st->clock_rate;
	sp->call_hash = call->call_hash;
	ctl_sdes_spec(st, s, sp);
	ctl_codec_spec(st, s, k, sp);
}

static void batch_add(struct batch *b, uint16_t type, const struct ctl *c,
		      const struct ctl_call *call, unsigned i, unsigned s, unsigned k)
{
	struct mr_msg *m = &b->msgs[b->n];

	memset(&m->hdr, 0, sizeof(m->hdr));
	m->hdr.type = type;
	m->hdr.flow_id = call->streams[i].flow[s][k].id;
	build_spec(c, call, i, s, k, &m->u.flow);
	b->at[b->n].stream = (uint16_t)i;
	b->at[b->n].slot = (uint8_t)s;
	b->at[b->n].k = (uint8_t)k;
	b->n++;
}

static const char *dp_reason(int rc)
{
	switch (rc) {
	case -ENOTCONN: return "dataplane not available";
	case -ENOBUFS: return "dataplane command ring full";
	case -ETIMEDOUT: return "dataplane did not acknowledge in time";
	case -EEXIST: return "dataplane: flow already exists";
	case -ENOSPC: return "dataplane: flow table full";
	default: return "dataplane refused the flow";
	}
}

/*
 * Send what the call implies: ADD for needed flows not installed, MOD for
 * installed ones, DEL for installed ones no longer needed. Nothing is
 * marked installed here (see batch_commit); on an error nothing was sent.
 */
static int program_submit(struct ctl *c, struct ctl_call *call, struct batch *b, const char **why)
{
	int rc;

	b->n = 0;
	for (unsigned i = 0; i < call->n_streams; i++) {
		for (unsigned s = 0; s < 2; s++) {
			for (unsigned k = 0; k < 2; k++) {
				if (!flow_needed(&call->streams[i], s, k))
					continue;
				rc = flow_id_get(c, call, i, s, k);
				if (rc < 0) {
					*why = rc == -ENOSPC ? "no free flow slots in the dataplane"
							     : "dataplane not available";
					return rc;
				}
			}
		}
	}
	for (unsigned i = 0; i < call->n_streams; i++) {
		struct ctl_stream *st = &call->streams[i];

		for (unsigned s = 0; s < 2; s++) {
			for (unsigned k = 0; k < 2; k++) {
				bool need = flow_needed(st, s, k), inst = st->flow[s][k].installed;

				if (need)
					batch_add(b, inst ? MR_MSG_FLOW_MOD : MR_MSG_FLOW_ADD, c, call, i, s, k);
				else if (inst)
					batch_add(b, MR_MSG_FLOW_DEL, c, call, i, s, k);
			}
		}
	}
	for (unsigned j = 0; j < b->n; j++)
		b->results[j] = -ENOTCONN;	/* nothing sent yet: nothing to undo */
	rc = ctl_dp_submit(&c->dp, b->msgs, b->n, &b->first);
	ctl_sdes_wipe_msgs(b->msgs, b->n);	/* the keys are in the ring now */
	if (rc < 0)
		*why = dp_reason(rc);
	return rc;
}

/* All acked: the installed flags follow the batch. */
static void batch_commit(struct ctl *c, struct ctl_call *call, const struct batch *b)
{
	for (unsigned j = 0; j < b->n; j++) {
		struct ctl_flowref *fr = &call->streams[b->at[j].stream].flow[b->at[j].slot][b->at[j].k];
		int installed_before = fr->installed;

		fr->installed = b->msgs[j].hdr.type != MR_MSG_FLOW_DEL;
		fr->idle = false;
		c->sess.n_flows_installed += (uint32_t)fr->installed - (uint32_t)installed_before;
	}
}

/* Program and wait (branch switches, where nothing is to be undone). */
static int program(struct ctl *c, struct ctl_call *call, struct batch *b, const char **why)
{
	int rc = program_submit(c, call, b, why);

	if (rc < 0)
		return rc;
	rc = ctl_dp_wait(&c->dp, b->first, b->n, b->results, ctl_dp_deadline(&c->dp));
	if (rc < 0) {
		*why = dp_reason(rc);
		return rc;
	}
	batch_commit(c, call, b);
	return 0;
}

/* Undo in the dataplane what a failed batch applied (state already restored). */
static void unprogram(struct ctl *c, struct ctl_call *call, struct batch *b, bool call_gone)
{
	struct mr_msg undo[MR_SDP_MAX_MEDIA * 4];
	unsigned n = 0;

	for (unsigned j = 0; j < b->n; j++) {
		uint16_t t = b->msgs[j].hdr.type;
		unsigned i = b->at[j].stream, s = b->at[j].slot, k = b->at[j].k;

		if (b->results[j] < 0 && b->results[j] != -ETIMEDOUT)
			continue;	/* refused or never sent: nothing to undo */
		undo[n] = b->msgs[j];
		if (t == MR_MSG_FLOW_ADD) {
			undo[n].hdr.type = MR_MSG_FLOW_DEL;
		} else if (call_gone || i >= call->n_streams) {
			continue;
		} else if (t == MR_MSG_FLOW_MOD) {
			build_spec(c, call, i, s, k, &undo[n].u.flow);
		} else {
			undo[n].hdr.type = MR_MSG_FLOW_ADD;
			build_spec(c, call, i, s, k, &undo[n].u.flow);
		}
		n++;
	}
	if (n && ctl_dp_is_ready(&c->dp))
		ctl_dp_send_nowait(&c->dp, undo, n);
}

/* ---- calls ---- */

struct ctl_call *ctl_sess_find(struct ctl *c, struct mr_str call_id)
{
	struct ctl_call *call = NULL;

	if (call_id.len == 0 || call_id.len >= CTL_MAX_TAG)
		return NULL;
	HASH_FIND(hh, c->sess.calls, call_id.p, call_id.len, call);
	return call;
}

static void branch_free(struct ctl_branch *bp)
{
	if (bp->keys)
		mr_memzero_explicit(bp->keys, (bp->n ? bp->n : 1u) * sizeof(*bp->keys));
	free(bp->keys);
	free(bp->remote);
	free(bp);
}

static void release_streams(struct ctl *c, struct ctl_call *call, unsigned from)
{
	for (unsigned i = from; i < call->n_streams; i++) {
		struct ctl_stream *st = &call->streams[i];

		for (unsigned s = 0; s < 2; s++) {
			if (st->local[s].port)
				local_free(c, &st->local[s]);
			st->local[s].port = 0;
			for (unsigned k = 0; k < 2; k++) {
				if (st->flow[s][k].installed)
					c->sess.n_flows_installed--;
				flow_id_put(c, &st->flow[s][k]);
			}
		}
	}
}

static void call_free(struct ctl *c, struct ctl_call *call)
{
	release_streams(c, call, 0);
	heap_remove(&c->sess, call);
	HASH_DEL(c->sess.calls, call);
	c->sess.n_calls--;
	for (unsigned j = 0; j < call->n_branches; j++)
		branch_free(call->branches[j]);
	ctl_sdes_wipe_streams(call->streams, call->n_streams);
	free(call->streams);
	free(call);
}

void ctl_sess_destroy(struct ctl *c, struct ctl_call *call)
{
	struct batch *b = &batch_buf;

	b->n = 0;
	for (unsigned i = 0; i < call->n_streams; i++)
		for (unsigned s = 0; s < 2; s++)
			for (unsigned k = 0; k < 2; k++)
				if (call->streams[i].flow[s][k].installed)
					batch_add(b, MR_MSG_FLOW_DEL, c, call, i, s, k);
	if (b->n && ctl_dp_is_ready(&c->dp)) {
		/* Wait, so that a flow id or port handed out next finds its slot free. */
		int rc = ctl_dp_exec(&c->dp, b->msgs, b->n, NULL);

		if (rc < 0 && rc != -ENOENT)
			MR_LOG(&ctl_log_sess, WARNING, "call %s: removing flows: %s",
			       call->call_id, strerror(-rc));
	}
	ctl_journal_del(c, call->call_id);
	call_free(c, call);
}

int ctl_sess_adopt(struct ctl *c, struct ctl_call *call)
{
	struct ctl_sessions *ss = &c->sess;
	unsigned i, s;
	uint32_t max_id = 0;

	if (ctl_sess_find(c, mr_str_cstr(call->call_id)) != NULL)
		goto bad;
	for (i = 0; i < call->n_streams; i++) {
		for (s = 0; s < 2; s++) {
			const struct ctl_local *l = &call->streams[i].local[s];

			if (l->port && local_take(c, l) < 0)
				goto untake;
		}
	}
	for (i = 0; i < call->n_streams; i++) {
		for (s = 0; s < 2; s++) {
			for (unsigned k = 0; k < 2; k++) {
				struct ctl_flowref *fr = &call->streams[i].flow[s][k];

				fr->idle = false;
				if (fr->id == MR_FLOW_ID_NONE)
					continue;
				if (ctl_dp_flow_id_reserve(&c->dp, fr->id) < 0) {
					fr->id = MR_FLOW_ID_NONE;
					fr->installed = false;
					continue;
				}
				if (fr->id > max_id)
					max_id = fr->id;
				if (fr->installed)
					ss->n_flows_installed++;
			}
		}
	}
	if (max_id >= ss->n_owners) {
		struct ctl_flow_owner *o = realloc(ss->owners, sizeof(*o) * (max_id + 1));

		if (o) {
			memset(o + ss->n_owners, 0, sizeof(*o) * (max_id + 1 - ss->n_owners));
			ss->owners = o;
			ss->n_owners = max_id + 1;
		}
	}
	for (i = 0; i < call->n_streams; i++)
		for (s = 0; s < 2; s++)
			for (unsigned k = 0; k < 2; k++) {
				uint32_t id = call->streams[i].flow[s][k].id;

				if (id != MR_FLOW_ID_NONE && id < ss->n_owners)
					ss->owners[id] = (struct ctl_flow_owner){ call, (uint16_t)i,
										  (uint8_t)s, (uint8_t)k };
			}
	HASH_ADD(hh, ss->calls, call_id, strlen(call->call_id), call);
	ss->n_calls++;
	ss->total_calls++;
	if (call->deleting)
		heap_set(ss, call, c->now_ms + 1000);
	else if (c->cfg->ctl.final_timeout_s)
		heap_set(ss, call, c->now_ms + c->cfg->ctl.final_timeout_s * 1000ull);
	return 0;
untake:
	for (unsigned i2 = 0; i2 <= i && i2 < call->n_streams; i2++)
		for (unsigned s2 = 0; s2 < 2; s2++) {
			const struct ctl_local *l = &call->streams[i2].local[s2];

			if ((i2 < i || s2 < s) && l->port)
				local_untake(c, l);
		}
bad:
	for (unsigned b = 0; b < call->n_branches; b++)
		branch_free(call->branches[b]);
	free(call->streams);
	free(call);
	return -EINVAL;
}

void ctl_sess_fini(struct ctl *c)
{
	struct ctl_call *call, *tmp;

	HASH_ITER(hh, c->sess.calls, call, tmp)
		call_free(c, call);
	free(c->sess.owners);
	free(c->sess.heap);
	memset(&c->sess, 0, sizeof(c->sess));
}

static int check_tag(struct mr_str s, const char *what, bool required, const char **why)
{
	static char msg[4][64];
	static unsigned k;

	if (s.len == 0) {
		if (!required)
			return 0;
		k = (k + 1) & 3;
		snprintf(msg[k], sizeof(msg[k]), "missing %s", what);
		*why = msg[k];
		return -EINVAL;
	}
	if (s.len >= CTL_MAX_TAG || memchr(s.p, '\0', s.len)) {
		k = (k + 1) & 3;
		snprintf(msg[k], sizeof(msg[k]), "%s too long or contains a NUL byte", what);
		*why = msg[k];
		return -EINVAL;
	}
	return 0;
}

static uint64_t fnv1a(struct mr_str s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < s.len; i++)
		h = (h ^ (uint8_t)s.p[i]) * 0x100000001b3ull;
	return h;
}

static struct ctl_call *call_new(struct ctl *c, const struct ctl_req *r, const char **why)
{
	struct ctl_call *call;
	uint64_t us = ctl_wall_us();

	if (c->cfg->ctl.max_sessions && c->sess.n_calls >= c->cfg->ctl.max_sessions) {
		*why = "too many sessions";
		return NULL;
	}
	call = calloc(1, sizeof(*call));
	if (call == NULL) {
		*why = "out of memory";
		return NULL;
	}
	memcpy(call->call_id, r->call_id.p, r->call_id.len);
	memcpy(call->tag[0], r->from_tag.p, r->from_tag.len);
	call->heap_idx = UINT32_MAX;
	call->call_hash = fnv1a(r->call_id);
	call->created_s = us / 1000000;
	call->created_us = us % 1000000;
	HASH_ADD(hh, c->sess.calls, call_id, r->call_id.len, call);
	if (ctl_sess_find(c, r->call_id) != call) {	/* uthash could not grow */
		free(call);
		*why = "out of memory";
		return NULL;
	}
	c->sess.n_calls++;
	return call;
}

/* Slot of a tag: 0, 1 (activating a branch when it names one), or -1. */
static int slot_of(struct ctl_call *call, struct mr_str tag, int *branch)
{
	*branch = -1;
	if (tag.len == 0)
		return -1;
	if (mr_str_eq_cstr(tag, call->tag[0]))
		return 0;
	if (call->tag[1][0] && mr_str_eq_cstr(tag, call->tag[1]))
		return 1;
	for (unsigned j = 0; j < call->n_branches; j++) {
		if (mr_str_eq_cstr(tag, call->branches[j]->tag)) {
			*branch = (int)j;
			return 1;
		}
	}
	return -1;
}

/* The address family a party's SDP uses (first connection found). */
static uint8_t sdp_family(const struct mr_sdp *sdp)
{
	const struct mr_sdp_conn *cn = sdp->conn.present ? &sdp->conn : NULL;

	for (unsigned i = 0; cn == NULL && i < sdp->n_media; i++)
		if (sdp->media[i].conn.present)
			cn = &sdp->media[i].conn;
	return cn && cn->af == MR_SDP_AF_IP6 ? 6 : 4;
}

/*
 * A port pair facing party s. Every stream of a call facing one party keeps
 * one address (the SDP has one c= for them): the first stream's address is
 * chosen in turn among the interface's addresses with room for need pairs,
 * the others take a pair on that same address.
 */
static int local_alloc(struct ctl *c, struct ctl_call *call, struct ctl_stream *st, unsigned s,
		       unsigned need)
{
	struct ctl_local *l = &st->local[s];
	const struct mr_cfg_iface *ifc;
	int rc, want = -1;
	uint16_t idx;

	l->iface = call->iface[s];
	rc = ctl_iface_addr(c->cfg, l->iface, call->af[s], &l->addr, &l->adv);
	if (rc < 0)
		return rc;
	ifc = &c->cfg->ifaces[l->iface];
	for (unsigned i = 0; i < call->n_streams && want < 0; i++) {
		const struct ctl_local *o = &call->streams[i].local[s];

		if (o != l && o->port && o->iface == l->iface && o->addr.family == l->addr.family)
			want = ctl_ports_addr_index(ifc, &o->addr);
	}
	rc = ctl_ports_alloc(&c->ports[l->iface], l->addr.family, want, need, &idx, &l->port);
	if (rc < 0)
		return rc;
	l->addr = l->addr.family == 6 ? ifc->addrs6[idx] : ifc->addrs4[idx];
	if (l->addr.family == 6 || ifc->advertised4.family != 4)
		l->adv = l->addr;
	return 0;
}

static uint32_t first_clock_rate(const struct mr_sdp_media *m)
{
	for (unsigned j = 0; j < m->n_fmt; j++)
		if (m->fmt[j].clock_rate)
			return m->fmt[j].clock_rate;
	if (m->n_fmt && m->fmt[0].pt >= 0 && m->fmt[0].pt == 9)
		return 8000;	/* G.722's RTP clock */
	return 8000;
}

/* A copy of a call's mutable state, to go back to after a failure. */
struct snapshot {
	struct ctl_call call;
	struct ctl_stream streams[MR_SDP_MAX_MEDIA];
};

static struct snapshot snap_buf;

/* A snapshot holds stream keys (SDES): wiped before it is freed. */
static void sn_free(struct snapshot *sn)
{
	if (sn)
		ctl_sdes_wipe_streams(sn->streams, sn->call.n_streams);
	free(sn);
}

/*
 * An offer or answer whose flows are sent and whose acks are awaited: the
 * ng layer sends the reply once ctl_sess_op_finish() says how it ended.
 */
struct ctl_op {
	struct ctl_call *call;
	uint8_t kind;		/* NG_OFFER / NG_ANSWER below */
	bool created;		/* the request made the call */
	struct snapshot *sn;	/* the call before, unless created */
	struct batch b;
};

enum { OP_OFFER = 1, OP_ANSWER = 2 };

static void snapshot_take(struct snapshot *sn, const struct ctl_call *call)
{
	sn->call = *call;
	/* A call being made has no streams yet (and no array). */
	if (call->n_streams)
		memcpy(sn->streams, call->streams, sizeof(*call->streams) * call->n_streams);
}

/* Put the call back as it was; give back ports, ids and branches taken since. */
static void snapshot_restore(struct ctl *c, struct snapshot *sn, struct ctl_call *call)
{
	struct ctl_stream *cur = call->streams;
	UT_hash_handle hh = call->hh;
	uint32_t heap_idx = call->heap_idx;

	release_streams(c, call, sn->call.n_streams);
	for (unsigned i = 0; i < sn->call.n_streams; i++)
		for (unsigned s = 0; s < 2; s++) {
			/* A port pair this request gave a stream that had none
			 * (re-enabled from port 0) goes back too. */
			if (cur[i].local[s].port && !sn->streams[i].local[s].port)
				local_free(c, &cur[i].local[s]);
			for (unsigned k = 0; k < 2; k++)
				if (sn->streams[i].flow[s][k].id == MR_FLOW_ID_NONE)
					flow_id_put(c, &cur[i].flow[s][k]);
		}
	for (unsigned j = sn->call.n_branches; j < call->n_branches; j++)
		branch_free(call->branches[j]);
	*call = sn->call;
	call->hh = hh;
	call->heap_idx = heap_idx;
	call->streams = cur;
	if (sn->call.n_streams)
		memcpy(cur, sn->streams, sizeof(*cur) * sn->call.n_streams);
}

static int grow_streams(struct ctl_call *call, unsigned n)
{
	struct ctl_stream *st;

	if (n <= call->n_streams)
		return 0;
	/* Not realloc: the old block holds keys and is wiped before it is freed. */
	st = malloc(sizeof(*st) * n);
	if (st == NULL)
		return -ENOMEM;
	if (call->n_streams)
		memcpy(st, call->streams, sizeof(*st) * call->n_streams);
	ctl_sdes_wipe_streams(call->streams, call->n_streams);
	free(call->streams);
	for (unsigned i = call->n_streams; i < n; i++)
		stream_init(&st[i]);
	call->streams = st;
	return 0;
}

static void apply_call_flags(struct ctl_call *call, const struct ctl_req *r)
{
	if (r->flags & CTL_REQ_F_ASYMMETRIC)
		call->flags |= CTL_CALL_F_ASYMMETRIC;
	if (r->flags & (CTL_REQ_F_SYMMETRIC | CTL_REQ_F_PORT_LATCHING))
		call->flags &= ~CTL_CALL_F_ASYMMETRIC;
	if (r->flags & CTL_REQ_F_STRICT_SOURCE)
		call->flags |= CTL_CALL_F_STRICT_SOURCE;
	if (r->flags & CTL_REQ_F_ICE_REMOVE)
		call->flags |= CTL_CALL_F_ICE_REMOVE;
	if (r->flags & CTL_REQ_F_REPLACE_ORIGIN)
		call->flags |= CTL_CALL_F_REPLACE_ORIGIN;
}

static void mux_warning(struct ctl_req *r, const struct mr_sdp *sdp)
{
	bool offered = false;

	for (unsigned i = 0; i < sdp->n_media; i++)
		offered |= sdp->media[i].rtcp_mux;
	if ((r->flags & (CTL_REQ_F_MUX_OFFER | CTL_REQ_F_MUX_REQUIRE)) && !offered && !r->warning[0])
		snprintf(r->warning, sizeof(r->warning),
			 "rtcp-mux offer/require: RTCP demultiplexing is not supported yet, passed through");
}

static int parse_sdp(struct ctl *c, const struct ctl_req *r, const char **why)
{
	if (r->sdp.len == 0) {
		*why = "no SDP body";
		return -EINVAL;
	}
	return mr_sdp_parse((const uint8_t *)r->sdp.p, r->sdp.len, c->sdp_in, why);
}

static int branch_switch(struct ctl_call *call, struct mr_str to_tag, int br, const char **why);

/* Undo a request: the call as it was (or gone), and the dataplane told. */
static void op_rollback(struct ctl *c, struct ctl_call *call, bool created, struct snapshot *sn,
			struct batch *b)
{
	if (created) {
		if (b)
			unprogram(c, call, b, true);
		call_free(c, call);
		c->sess.total_calls--;
	} else {
		snapshot_restore(c, sn, call);
		if (b)
			unprogram(c, call, b, false);
	}
	c->sess.errors++;
}

int ctl_sess_op_finish(struct ctl *c, struct ctl_op *op, uint64_t deadline, const char **why)
{
	struct ctl_call *call = op->call;
	int rc;

	rc = ctl_dp_wait(&c->dp, op->b.first, op->b.n, op->b.results, deadline);
	call->busy = false;
	if (rc < 0) {
		*why = dp_reason(rc);
		op_rollback(c, call, op->created, op->sn, &op->b);
	} else {
		batch_commit(c, call, &op->b);
		call->last_signal_s = ctl_wall_us() / 1000000;
		if (op->kind == OP_OFFER) {
			if (call->deleting) {	/* an offer revives a call in delete-delay */
				call->deleting = false;
				heap_remove(&c->sess, call);
			}
			if (op->created && c->cfg->ctl.final_timeout_s)
				heap_set(&c->sess, call,
					 c->now_ms + c->cfg->ctl.final_timeout_s * 1000ull);
		} else {
			call->answered = true;
		}
		ctl_journal_put(c, call);
	}
	sn_free(op->sn);
	free(op);
	return rc;
}

/*
 * The SDP is written: send the flows, then wait here, or (c->sess.defer)
 * leave the op in c->sess.last_op for the ng layer, which waits for a
 * whole burst of requests at once. Any failure leaves the call as before.
 */
static int op_start(struct ctl *c, struct ctl_call *call, uint8_t kind, bool created,
		    struct snapshot *sn, const char **why)
{
	struct ctl_op *op = malloc(sizeof(*op));
	int rc;

	if (op == NULL)
		goto oom;
	op->call = call;
	op->kind = kind;
	op->created = created;
	op->sn = NULL;
	if (!created) {
		op->sn = malloc(sizeof(*op->sn));
		if (op->sn == NULL)
			goto oom;
		op->sn->call = sn->call;
		if (sn->call.n_streams)
			memcpy(op->sn->streams, sn->streams, sizeof(*sn->streams) * sn->call.n_streams);
	}
	rc = program_submit(c, call, &op->b, why);
	if (rc < 0) {
		op_rollback(c, call, created, sn, NULL);
		sn_free(op->sn);
		free(op);
		return rc;
	}
	call->busy = true;
	if (c->sess.defer) {
		c->sess.last_op = op;
		return 0;
	}
	return ctl_sess_op_finish(c, op, ctl_dp_deadline(&c->dp), why);
oom:
	if (op)
		sn_free(op->sn);
	free(op);
	*why = "out of memory";
	op_rollback(c, call, created, sn, NULL);
	return -ENOMEM;
}

static int offer_do(struct ctl *c, struct ctl_req *r, uint8_t *out, size_t cap,
		    size_t *out_len, const char **why)
{
	struct mr_sdp *sdp = c->sdp_in;
	struct snapshot *sn = &snap_buf;
	struct ctl_call *call;
	bool created = false;
	int rc, br, o, a;

	c->sess.offers++;
	if ((rc = check_tag(r->call_id, "call-id", true, why)) < 0 ||
	    (rc = check_tag(r->from_tag, "from-tag", true, why)) < 0 ||
	    (rc = check_tag(r->to_tag, "to-tag", false, why)) < 0 ||
	    (rc = check_tag(r->label, "label", false, why)) < 0)
		return rc;
	rc = parse_sdp(c, r, why);
	if (rc < 0)
		return rc;
	rc = ctl_sdp_check_transport(sdp, r, why);
	if (rc < 0)
		return rc;
	if (!ctl_dp_is_ready(&c->dp)) {
		*why = "dataplane not available";
		return -ENOTCONN;
	}
	call = ctl_sess_find(c, r->call_id);
	if (call == NULL) {
		call = call_new(c, r, why);
		if (call == NULL)
			return -ENOMEM;
		created = true;
		o = 0;
		call->iface[0] = (uint16_t)(r->iface[0] >= 0 ? r->iface[0] : 0);
		call->iface[1] = (uint16_t)(r->iface[1] >= 0 ? r->iface[1] : call->iface[0]);
		call->af[0] = sdp_family(sdp);
		call->af[1] = r->af ? r->af : call->af[0];
		if (r->flags & CTL_REQ_F_MUX_DEMUX)
			call->flags |= CTL_CALL_F_RTCP_DEMUX;
		c->sess.total_calls++;
	} else {
		o = slot_of(call, r->from_tag, &br);
		if (o < 0) {
			*why = "unknown from-tag for this call";
			return -ENOENT;
		}
		if (sdp->n_media < call->n_streams) {
			*why = "offer has fewer media sections than the call";
			return -EINVAL;
		}
		snapshot_take(sn, call);
		/* A re-INVITE from a forked branch that is not the active one: it is now. */
		if (br >= 0 && (rc = branch_switch(call, r->from_tag, br, why)) < 0) {
			snapshot_restore(c, sn, call);
			return rc;
		}
	}
	a = 1 - o;
	apply_call_flags(call, r);
	if (r->label.len && r->label.len < CTL_MAX_TAG)
		memcpy(call->label[o], r->label.p, r->label.len);

	rc = grow_streams(call, sdp->n_media);
	if (rc < 0) {
		*why = "out of memory";
		goto fail;
	}
	for (unsigned i = 0; i < sdp->n_media; i++) {
		struct ctl_stream *st = &call->streams[i];
		const struct mr_sdp_media *m = &sdp->media[i];
		bool fresh = i >= call->n_streams;

		rc = ctl_sdp_remote(sdp, i, r, &st->remote[o], why);
		if (rc < 0)
			goto fail_streams;
		if (st->remote[o].rtp.ip.family && st->remote[o].rtp.ip.family != call->af[o] &&
		    !st->remote[o].hold) {
			*why = "media sections of one SDP use different address families";
			rc = -EINVAL;
			goto fail_streams;
		}
		rc = ctl_sdes_offer(st, sdp, i, (unsigned)o, r, why);
		if (rc == 0)
			rc = ctl_codec_offer(st, sdp, i, (unsigned)o, r, why);
		if (rc < 0)
			goto fail_streams;
		mr_str_copy(m->type, st->type, sizeof(st->type));
		mr_str_copy(m->proto, st->proto, sizeof(st->proto));
		st->is_rtp = m->is_rtp;
		st->clock_rate = first_clock_rate(m);
		ctl_rtpmap_take(st, m, (unsigned)o);
		/* Until the answer says otherwise, RTCP travels on its own port. */
		st->mux = st->remote[o].rtcp_mux && st->remote[a].known && st->remote[a].rtcp_mux;
		if (fresh)
			call->n_streams = (uint16_t)(i + 1);
		/* Ports for a stream when it is first enabled (port 0 needs none). */
		if (m->port != 0 && st->local[o].port == 0 && st->local[a].port == 0) {
			rc = local_alloc(c, call, st, o, sdp->n_media);
			if (rc == 0)
				rc = local_alloc(c, call, st, a, sdp->n_media);
			if (rc < 0) {
				*why = rc == -ENOSPC ? "no free ports on the interface"
						     : "interface has no address of the requested family";
				goto fail_streams;
			}
		}
	}
	call->n_streams = (uint16_t)sdp->n_media;
	mux_warning(r, sdp);
	rc = ctl_sdp_rewrite(c, call, sdp, (unsigned)a, r,
			     (call->flags & CTL_CALL_F_RTCP_DEMUX) != 0, out, cap, out_len, why);
	if (rc < 0)
		goto fail_streams;
	return op_start(c, call, OP_OFFER, created, sn, why);

fail_streams:
	if (!created) {
		snapshot_restore(c, sn, call);
		c->sess.errors++;
		return rc;
	}
fail:
	if (created) {
		call_free(c, call);
		c->sess.total_calls--;
	}
	c->sess.errors++;
	return rc;
}

/*
 * One offer or answer: SDES and codec state live for the request only, and
 * copies of keys in the snapshot do not outlive it.
 */
static int sdp_request(int (*fn)(struct ctl *, struct ctl_req *, uint8_t *, size_t, size_t *,
				const char **),
		       struct ctl *c, struct ctl_req *r, uint8_t *out, size_t cap,
		       size_t *out_len, const char **why)
{
	int rc;

	ctl_sdes_begin();
	ctl_codec_begin();
	rc = fn(c, r, out, cap, out_len, why);
	ctl_sdes_end();
	ctl_sdes_wipe_streams(snap_buf.streams, MR_SDP_MAX_MEDIA);
	return rc;
}

int ctl_sess_offer(struct ctl *c, struct ctl_req *r, uint8_t *out, size_t cap,
		   size_t *out_len, const char **why)
{
	return sdp_request(offer_do, c, r, out, cap, out_len, why);
}

/*
 * The active answer's per-stream state into its branch record: where it
 * sends from and, with SDES, its own key and the line it accepted, so that
 * a branch made active again (or left alone when another is dropped) gets
 * back its own keys, never another branch's.
 */
static void branch_save(const struct ctl_call *call, struct ctl_branch *bp)
{
	for (unsigned i = 0; i < bp->n && i < call->n_streams; i++) {
		bp->remote[i] = call->streams[i].remote[1];
		if (bp->keys) {
			bp->keys[i].rx = call->streams[i].srtp.rx[1];
			bp->keys[i].tx = call->streams[i].srtp.tx[1];
		}
	}
}

/* The active answer's state back from its branch record. */
static void branch_load(struct ctl_call *call, const struct ctl_branch *bp)
{
	for (unsigned i = 0; i < bp->n && i < call->n_streams; i++) {
		call->streams[i].remote[1] = bp->remote[i];
		if (bp->keys) {
			call->streams[i].srtp.rx[1] = bp->keys[i].rx;
			call->streams[i].srtp.tx[1] = bp->keys[i].tx;
		}
	}
}

/* The record of the active answer, if it has one. */
static struct ctl_branch *branch_active(struct ctl_call *call)
{
	for (unsigned j = 0; j < call->n_branches; j++)
		if (strcmp(call->branches[j]->tag, call->tag[1]) == 0)
			return call->branches[j];
	return NULL;
}

static struct ctl_branch *branch_new(const struct ctl_call *call, const char *tag)
{
	struct ctl_branch *bp = calloc(1, sizeof(*bp));
	unsigned n = call->n_streams ? call->n_streams : 1;

	if (bp == NULL)
		return NULL;
	bp->remote = calloc(n, sizeof(*bp->remote));
	bp->keys = calloc(n, sizeof(*bp->keys));
	if (bp->remote == NULL || bp->keys == NULL) {
		free(bp->remote);
		free(bp->keys);
		free(bp);
		return NULL;
	}
	snprintf(bp->tag, sizeof(bp->tag), "%s", tag);
	bp->n = call->n_streams;
	branch_save(call, bp);
	return bp;
}

/*
 * A second to-tag answers (forking): keep every branch's answer; the newest
 * one is active. Returns 0 or -errno.
 */
static int branch_switch(struct ctl_call *call, struct mr_str to_tag, int br, const char **why)
{
	if (br >= 0) {
		struct ctl_branch *bp = call->branches[br], *cur = branch_active(call);

		/* Save the active one, make `br` active. */
		if (cur)
			branch_save(call, cur);
		branch_load(call, bp);
		memcpy(call->tag[1], bp->tag, sizeof(call->tag[1]));
		call->active_branch = (uint16_t)br;
		return 0;
	}
	if (call->n_branches + 2 > CTL_MAX_BRANCHES) {
		*why = "too many forked answers";
		return -ENOSPC;
	}
	if (call->n_branches == 0) {
		call->branches[0] = branch_new(call, call->tag[1]);
		if (call->branches[0] == NULL)
			goto oom;
		call->n_branches = 1;
	} else if (branch_active(call)) {
		branch_save(call, branch_active(call));
	}
	memset(call->tag[1], 0, sizeof(call->tag[1]));
	memcpy(call->tag[1], to_tag.p, to_tag.len);
	call->branches[call->n_branches] = branch_new(call, call->tag[1]);
	if (call->branches[call->n_branches] == NULL)
		goto oom;
	call->active_branch = call->n_branches++;
	return 0;
oom:
	*why = "out of memory";
	return -ENOMEM;
}

static int answer_do(struct ctl *c, struct ctl_req *r, uint8_t *out, size_t cap,
		     size_t *out_len, const char **why)
{
	struct mr_sdp *sdp = c->sdp_in;
	struct snapshot *sn = &snap_buf;
	struct ctl_call *call;
	int rc, br, o, a;

	c->sess.answers++;
	if ((rc = check_tag(r->call_id, "call-id", true, why)) < 0 ||
	    (rc = check_tag(r->from_tag, "from-tag", true, why)) < 0 ||
	    (rc = check_tag(r->to_tag, "to-tag", false, why)) < 0 ||
	    (rc = check_tag(r->label, "label", false, why)) < 0)
		return rc;
	rc = parse_sdp(c, r, why);
	if (rc < 0)
		return rc;
	rc = ctl_sdp_check_transport(sdp, r, why);
	if (rc < 0)
		return rc;
	call = ctl_sess_find(c, r->call_id);
	if (call == NULL) {
		*why = "Unknown call-id";
		return -ENOENT;
	}
	o = slot_of(call, r->from_tag, &br);
	if (o < 0) {
		*why = "Unknown from-tag";
		return -ENOENT;
	}
	a = 1 - o;
	if (sdp->n_media != call->n_streams) {
		*why = "answer and offer differ in their number of media sections";
		return -EINVAL;
	}
	if (!ctl_dp_is_ready(&c->dp)) {
		*why = "dataplane not available";
		return -ENOTCONN;
	}
	snapshot_take(sn, call);
	if (a == 1 && r->to_tag.len) {
		int br2 = -1, s2 = slot_of(call, r->to_tag, &br2);

		if (call->tag[1][0] == 0) {
			memcpy(call->tag[1], r->to_tag.p, r->to_tag.len);
		} else if (s2 != 1 || br2 >= 0) {
			rc = branch_switch(call, r->to_tag, s2 == 1 ? br2 : -1, why);
			if (rc < 0)
				goto fail;
		}
	} else if (a == 0 && r->to_tag.len && !mr_str_eq_cstr(r->to_tag, call->tag[0])) {
		*why = "Unknown to-tag";
		rc = -ENOENT;
		goto fail;
	}
	apply_call_flags(call, r);
	if (r->label.len)
		memcpy(call->label[a], r->label.p, r->label.len);
	for (unsigned i = 0; i < sdp->n_media; i++) {
		struct ctl_stream *st = &call->streams[i];

		rc = ctl_sdp_remote(sdp, i, r, &st->remote[a], why);
		if (rc < 0)
			goto fail;
		rc = ctl_sdes_answer(st, sdp, i, (unsigned)a, r, why);
		if (rc == 0)
			rc = ctl_codec_answer(st, sdp, i, (unsigned)a, r, why);
		if (rc < 0)
			goto fail;
		ctl_rtpmap_take(st, &sdp->media[i], (unsigned)a);
		ctl_rtpmap_settle(st, (unsigned)a);
		if (!st->remote[a].disabled && !st->remote[a].hold &&
		    st->remote[a].rtp.ip.family != st->local[a].addr.family && st->local[a].port) {
			*why = "answer uses another address family than the one offered to it";
			rc = -EINVAL;
			goto fail;
		}
		st->mux = st->remote[o].rtcp_mux && st->remote[a].rtcp_mux;
	}
	/* Keep the branch record of the active answer current. */
	if (a == 1 && branch_active(call))
		branch_save(call, branch_active(call));
	rc = ctl_sdp_rewrite(c, call, sdp, (unsigned)o, r,
			     (call->flags & CTL_CALL_F_RTCP_DEMUX) != 0, out, cap, out_len, why);
	if (rc < 0)
		goto fail;
	return op_start(c, call, OP_ANSWER, false, sn, why);
fail:
	snapshot_restore(c, sn, call);
	c->sess.errors++;
	return rc;
}

int ctl_sess_answer(struct ctl *c, struct ctl_req *r, uint8_t *out, size_t cap,
		    size_t *out_len, const char **why)
{
	return sdp_request(answer_do, c, r, out, cap, out_len, why);
}

/* Drop one forked branch; the call goes on with another. */
static int branch_drop(struct ctl *c, struct ctl_call *call, int br, const char **why)
{
	struct ctl_branch *bp = call->branches[br];
	bool active = strcmp(bp->tag, call->tag[1]) == 0;

	call->branches[br] = call->branches[--call->n_branches];
	branch_free(bp);
	if (active && call->n_branches) {
		struct snapshot *sn = &snap_buf;
		struct ctl_branch *nb = call->branches[call->n_branches - 1];
		int rc;

		snapshot_take(sn, call);
		branch_load(call, nb);
		memcpy(call->tag[1], nb->tag, sizeof(call->tag[1]));
		rc = program(c, call, &batch_buf, why);
		if (rc < 0) {
			MR_LOG(&ctl_log_sess, WARNING, "call %s: switching branch: %s", call->call_id, *why);
			ctl_journal_put(c, call);
			return rc;
		}
	}
	ctl_journal_put(c, call);
	return 0;
}

int ctl_sess_delete(struct ctl *c, struct ctl_req *r, struct mr_bencode_enc *e, const char **why)
{
	struct ctl_call *call;
	int64_t delay;
	int rc, br = -1;

	c->sess.deletes++;
	if ((rc = check_tag(r->call_id, "call-id", true, why)) < 0 ||
	    (rc = check_tag(r->from_tag, "from-tag", false, why)) < 0 ||
	    (rc = check_tag(r->to_tag, "to-tag", false, why)) < 0)
		return rc;
	call = ctl_sess_find(c, r->call_id);
	if (call == NULL) {
		*why = "Call-ID not found";
		return -ENOENT;
	}
	if (r->from_tag.len && slot_of(call, r->from_tag, &br) < 0) {
		*why = "Unknown from-tag";
		return -ENOENT;
	}
	ctl_stats_call(c, call, e);
	/* A to-tag naming one of several forked answers removes that branch only. */
	if (call->n_branches > 1) {
		int br2 = -1;

		if (r->to_tag.len && slot_of(call, r->to_tag, &br2) == 1) {
			for (unsigned j = 0; j < call->n_branches; j++)
				if (mr_str_eq_cstr(r->to_tag, call->branches[j]->tag))
					br2 = (int)j;
			if (br2 >= 0) {
				branch_drop(c, call, br2, why);
				return 0;
			}
		}
	}
	delay = r->delete_delay >= 0 ? r->delete_delay : c->cfg->ctl.delete_delay_s;
	if (delay > 0) {
		if (delay > 86400)
			delay = 86400;
		call->deleting = true;
		heap_set(&c->sess, call, c->now_ms + (uint64_t)delay * 1000);
		ctl_journal_put(c, call);
		return 0;
	}
	ctl_quality_record(c, call, "delete");
	ctl_sess_destroy(c, call);
	return 0;
}

int ctl_sess_query(struct ctl *c, struct ctl_req *r, struct mr_bencode_enc *e, const char **why)
{
	struct ctl_call *call;
	int rc;

	if ((rc = check_tag(r->call_id, "call-id", true, why)) < 0)
		return rc;
	call = ctl_sess_find(c, r->call_id);
	if (call == NULL) {
		*why = "Unknown call-id";
		return -ENOENT;
	}
	ctl_stats_call(c, call, e);
	ctl_codec_query(call, e);
	return 0;
}

void ctl_sess_list(struct ctl *c, int64_t limit, struct mr_bencode_enc *e)
{
	struct ctl_call *call, *tmp;
	int64_t n = 0;

	if (limit < 0)
		limit = 32;
	mr_bencode_enc_key(e, "calls");
	mr_bencode_enc_list_start(e);
	HASH_ITER(hh, c->sess.calls, call, tmp) {
		if (n++ >= limit)
			break;
		mr_bencode_enc_cstr(e, call->call_id);
	}
	mr_bencode_enc_end(e);
}

/* ---- events and timers ---- */

static bool call_is_idle(struct ctl *c, const struct ctl_call *call)
{
	bool any = false;

	for (unsigned i = 0; i < call->n_streams; i++) {
		for (unsigned s = 0; s < 2; s++) {
			for (unsigned k = 0; k < 2; k++) {
				const struct ctl_flowref *fr = &call->streams[i].flow[s][k];
				const struct mr_flow_stats *fs;

				if (!fr->installed)
					continue;
				if (!fr->idle)
					return false;
				fs = ctl_dp_flow_stats(&c->dp, fr->id);
				if (fs && __atomic_load_n(&fs->packets, __ATOMIC_RELAXED) != fr->idle_packets)
					return false;
				any = true;
			}
		}
	}
	return any;
}

void ctl_sess_event(struct ctl *c, const struct mr_msg *m)
{
	const struct ctl_flow_owner *ow;
	struct ctl_flowref *fr;
	uint32_t id;

	if (m->hdr.type == MR_EVT_DTMF) {
		ctl_codec_dtmf(c, m);
		return;
	}
	if (m->hdr.type == MR_EVT_FLOW_IDLE)
		id = m->u.idle.flow_id;
	else if (m->hdr.type == MR_EVT_FLOW_LEARNED)
		id = m->u.learned.flow_id;
	else
		return;
	if (id >= c->sess.n_owners || c->sess.owners[id].call == NULL) {
		/*
		 * A flow nobody here owns: one programmed by a control that
		 * died before journaling it (or an SRTP call, never
		 * journaled). Once it idles, it goes.
		 */
		if (m->hdr.type == MR_EVT_FLOW_IDLE && !ctl_dp_flow_id_is_ours(&c->dp, id) &&
		    ctl_dp_is_ready(&c->dp)) {
			struct mr_msg del;

			memset(&del, 0, sizeof(del));
			del.hdr.type = MR_MSG_FLOW_DEL;
			del.hdr.flow_id = id;
			del.u.flow.flow_id = id;
			if (ctl_dp_send_nowait(&c->dp, &del, 1) == 0)
				c->dp.orphans++;
		}
		return;
	}
	ow = &c->sess.owners[id];
	fr = &ow->call->streams[ow->stream].flow[ow->slot][ow->rtcp];
	if (m->hdr.type == MR_EVT_FLOW_LEARNED) {
		char a[MR_SOCKADDR_STRLEN];

		MR_LOG(&ctl_log_sess, INFO, "call %s: flow %u learned %s", ow->call->call_id, id,
		       mr_sockaddr_format(&m->u.learned.src, a, sizeof(a)));
		return;
	}
	fr->idle = true;
	fr->idle_packets = m->u.idle.packets;
	if (call_is_idle(c, ow->call)) {
		struct ctl_call *call = ow->call;

		MR_LOG(&ctl_log_sess, NOTICE, "call %s: no media for %u s, deleted", call->call_id,
		       m->u.idle.idle_s);
		c->sess.timeouts++;
		ctl_quality_record(c, call, "timeout");
		ctl_sess_destroy(c, call);
	}
}

void ctl_sess_timers(struct ctl *c)
{
	struct ctl_sessions *s = &c->sess;

	while (s->heap_n && s->heap[0]->deadline_ms <= c->now_ms) {
		struct ctl_call *call = s->heap[0];

		heap_remove(s, call);
		if (!call->deleting) {
			MR_LOG(&ctl_log_sess, NOTICE, "call %s: final-timeout, deleted", call->call_id);
			s->final_timeouts++;
		}
		ctl_quality_record(c, call, call->deleting ? "delete" : "final-timeout");
		ctl_sess_destroy(c, call);
	}
}

int ctl_sess_reprogram(struct ctl *c)
{
	struct ctl_call *call, *tmp;
	struct mr_msg msgs[256];
	unsigned n = 0, total = 0;
	int rc = 0;

	HASH_ITER(hh, c->sess.calls, call, tmp) {
		for (unsigned i = 0; i < call->n_streams; i++) {
			for (unsigned s = 0; s < 2; s++) {
				for (unsigned k = 0; k < 2; k++) {
					const struct ctl_flowref *fr = &call->streams[i].flow[s][k];

					if (!fr->installed)
						continue;
					memset(&msgs[n].hdr, 0, sizeof(msgs[n].hdr));
					msgs[n].hdr.type = MR_MSG_FLOW_ADD;
					msgs[n].hdr.flow_id = fr->id;
					build_spec(c, call, i, s, k, &msgs[n].u.flow);
					if (++n == MR_ARRAY_SIZE(msgs)) {
						int r2 = ctl_dp_exec(&c->dp, msgs, n, NULL);

						if (r2 < 0 && rc == 0)
							rc = r2;
						total += n;
						n = 0;
					}
				}
			}
		}
	}
	if (n) {
		int r2 = ctl_dp_exec(&c->dp, msgs, n, NULL);

		if (r2 < 0 && rc == 0)
			rc = r2;
		total += n;
	}
	c->dp.reprogrammed += total;
	MR_LOG(&ctl_log_sess, NOTICE, "re-programmed %u flows of %u calls into the new dataplane%s",
	       total, c->sess.n_calls, rc ? " (some failed)" : "");
	return rc;
}
