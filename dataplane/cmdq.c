/* SPDX-License-Identifier: BSD-3-Clause */
/* The main lcore: commands from control, events back, and the timers. */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "capture.h"
#include "cmdq.h"
#include "srtp.h"
#include "drop.h"
#include "flowtab.h"
#include "iface.h"
#include "neigh.h"
#include "port.h"
#include "transcode.h"

RTE_LOG_REGISTER_SUFFIX(dp_cmdq_logtype, cmdq, INFO);
#define LOG(level, ...) rte_log(RTE_LOG_##level, dp_cmdq_logtype, "cmdq: " __VA_ARGS__)

#define OUTBOX 256		/* events waiting for room in the event ring */
#define CMD_BUDGET 64		/* commands per service round */
#define DUMP_SCAN 4096		/* slots looked at per round while dumping */
#define PARK_MAX 256		/* frames held for unresolved neighbors */
#define PARK_MS 500		/* how long one is held before it is dropped */

/* A relayed frame, finished but for its destination MAC. */
struct parked {
	struct rte_mbuf *m;
	uint32_t neigh_idx;
	uint64_t deadline;
};

struct service {
	struct mr_msg outbox[OUTBOX];
	unsigned out_head, out_n;
	bool dumping;
	uint32_t dump_cursor;
	struct mr_msg dump_cmd;
	uint32_t scan_cursor;		/* idle / learned scan */
	uint64_t next_hb, next_neigh, next_publish, next_scan;
	uint64_t hz;
	uint64_t rx_start_tsc;
	uint64_t *drops;		/* the main lcore's drop counters */
	bool test_mode;
	unsigned n_parked;
	struct parked parked[PARK_MAX];
};

static struct service svc;

uint64_t *dp_service_drops(struct dp_ctx *ctx)
{
	(void)ctx;
	return svc.drops;
}

/* ---- events ---- */

static unsigned out_room(void)
{
	return OUTBOX - svc.out_n;
}

static void out_flush(struct dp_ctx *ctx)
{
	while (svc.out_n) {
		unsigned n = RTE_MIN(svc.out_n, OUTBOX - svc.out_head);
		unsigned sent = mr_shm_evt_send(&ctx->shm, &svc.outbox[svc.out_head], n);

		svc.out_head = (svc.out_head + sent) % OUTBOX;
		svc.out_n -= sent;
		if (sent < n)
			return;
	}
	svc.out_head = 0;
}

/* Queue one event; callers check out_room() first. */
static void evt(struct dp_ctx *ctx, const struct mr_msg *m)
{
	if (svc.out_n == 0 && mr_shm_evt_send(&ctx->shm, m, 1) == 1)
		return;
	svc.outbox[(svc.out_head + svc.out_n) % OUTBOX] = *m;
	svc.out_n++;
}

static void ack(struct dp_ctx *ctx, const struct mr_msg *cmd, int result, uint32_t flow_id)
{
	struct mr_msg m;

	memset(&m, 0, sizeof(m));
	m.hdr.type = MR_EVT_ACK;
	m.hdr.flags = cmd->hdr.type;	/* which command this answers */
	m.hdr.seq = cmd->hdr.seq;
	m.hdr.generation = ctx->shm.hdr->generation;
	m.hdr.result = result;
	m.hdr.flow_id = flow_id;
	if (cmd->hdr.type == MR_MSG_HELLO) {
		m.u.hello.abi = MR_MSG_ABI;
		m.u.hello.msg_size = sizeof(struct mr_msg);
		m.u.hello.flow_spec_size = sizeof(struct mr_flow_spec);
		m.u.hello.flow_stats_size = sizeof(struct mr_flow_stats);
		m.u.hello.pid = (uint32_t)getpid();
		snprintf(m.u.hello.name, sizeof(m.u.hello.name), "mrelay-dataplane");
	}
	evt(ctx, &m);
}

/* ---- actions ---- */

static bool sockaddr_set(const struct mr_sockaddr *sa)
{
	return (sa->ip.family == 4 || sa->ip.family == 6) && sa->port != 0 && !mr_ip_is_any(&sa->ip);
}

static bool sockaddr_eq(const struct mr_sockaddr *a, const struct mr_sockaddr *b)
{
	return a->port == b->port && mr_ip_eq(&a->ip, &b->ip);
}

/* The source the flow learned under its current epoch, if any. */
static bool learned_src(struct dp_ctx *ctx, uint32_t flow_id, struct mr_sockaddr *out)
{
	struct dp_flow_slot *s = dp_flowtab_slot(ctx->ft, flow_id);
	const struct mr_flow_stats *fs;
	uint32_t flags;

	if (s == NULL || s->act == NULL)
		return false;
	fs = &ctx->shm.flows[flow_id];
	flags = __atomic_load_n(&fs->flags, __ATOMIC_ACQUIRE);
	if (!(flags & MR_FLOW_STATS_F_LEARNED) || (flags >> DP_LEARN_EPOCH_SHIFT) != s->epoch)
		return false;
	*out = fs->learned;
	return true;
}

/* Zero what the key does not use: it is hashed whole. */
static void key_normalize(struct mr_flow_key *k)
{
	struct mr_flow_key in = *k;

	memset(k, 0, sizeof(*k));
	k->iface = in.iface;
	k->vlan = in.vlan;
	k->family = in.family;
	k->port = in.port;
	memcpy(k->addr, in.addr, in.family == 4 ? 4 : 16);
}

static int key_check(struct dp_ctx *ctx, const struct mr_flow_key *k)
{
	const struct dp_iface *ifc;
	const struct mr_ip *own;

	if (k->iface >= ctx->n_ifaces || k->port == 0 || (k->family != 4 && k->family != 6))
		return -EINVAL;
	ifc = &ctx->ifaces[k->iface];
	if (k->vlan != ifc->vlan)
		return -EINVAL;
	own = k->family == 4 ? &ifc->addr4 : &ifc->addr6;
	if (own->family != k->family)
		return -EAFNOSUPPORT;
	if (!(k->family == 4 ? dp_iface_has4(ifc, k->addr) : dp_iface_has6(ifc, k->addr)))
		return -EADDRNOTAVAIL;
	return 0;
}

/* A non-transcoded flow's pass spec is usable: payload types in range, no more entries than it holds. */
static int pass_check(const struct mr_flow_spec *spec)
{
	const struct mr_pass_spec *ps = &spec->pass;

	if (spec->flags & MR_FLOW_F_TRANSCODE)
		return 0;
	if (((spec->flags & MR_FLOW_F_DTMF) && ps->te_pt > 127) || ps->n_map > MR_PASS_MAP_MAX)
		return -EINVAL;
	for (unsigned i = 0; i < ps->n_map; i++)
		if (ps->map[i].in > 127 || ps->map[i].out > 127)
			return -EINVAL;
	return 0;
}

/*
 * Payload-type remapping and DTMF of a non-transcoded flow: the 128-entry
 * table is built here, once, so that a packet costs one load. Returns 0 or
 * -ENOSPC (no table left).
 */
static int pass_build(struct dp_ctx *ctx, const struct mr_flow_spec *spec, struct dp_flow_action *a)
{
	const struct mr_pass_spec *ps = &spec->pass;
	bool remap = false;
	uint8_t *t;

	a->te_pt = 0xff;
	if (spec->flags & MR_FLOW_F_TRANSCODE)
		return 0;
	if (spec->flags & MR_FLOW_F_DTMF)
		a->te_pt = ps->te_pt;
	for (unsigned i = 0; i < ps->n_map; i++)
		remap |= ps->map[i].in != ps->map[i].out;
	if (!remap)
		return 0;
	t = dp_flowtab_pt_map_alloc(ctx->ft, a);
	if (t == NULL)
		return -ENOSPC;
	for (unsigned pt = 0; pt < DP_PT_MAP_SIZE; pt++)
		t[pt] = (uint8_t)pt;
	for (unsigned i = 0; i < ps->n_map; i++)
		t[ps->map[i].in] = ps->map[i].out;
	return 0;
}

/* Build a complete, unpublished action for spec. */
static int action_build(struct dp_ctx *ctx, const struct mr_flow_spec *spec, uint16_t epoch,
			uint64_t programmed_tsc, struct dp_flow_action **out)
{
	const struct dp_iface *ifc;
	struct dp_flow_action *a;
	struct mr_sockaddr dst = spec->out_dst, learned;
	struct mr_ip src;
	uint32_t window_ms = spec->learn_window_ms ? spec->learn_window_ms : ctx->cfg.dp.learn_window_ms;
	uint32_t clock = spec->clock_rate ? spec->clock_rate : 8000;
	bool has_dst;
	int rc;

	if (spec->out_iface >= ctx->n_ifaces)
		return -EINVAL;
	ifc = &ctx->ifaces[spec->out_iface];
	if (spec->out_vlan != 0 && spec->out_vlan != ifc->vlan)
		return -EINVAL;
	if ((spec->flags & MR_FLOW_F_PEER_DST) && spec->peer_flow_id != MR_FLOW_ID_NONE &&
	    learned_src(ctx, spec->peer_flow_id, &learned))
		dst = learned;
	has_dst = sockaddr_set(&dst);
	if (spec->out_src.port == 0)
		return -EINVAL;
	src = spec->out_src.ip;
	if (has_dst && src.family == 0)
		src = dst.ip.family == 4 ? ifc->addr4 : ifc->addr6;
	if (has_dst && src.family != dst.ip.family)
		return -EAFNOSUPPORT;
	if (has_dst && (dst.ip.family == 4 ? ifc->addr4.family : ifc->addr6.family) == 0)
		return -EAFNOSUPPORT;
	rc = pass_check(spec);
	if (rc)
		return rc;

	a = dp_flowtab_action_alloc(ctx->ft);
	if (a == NULL)
		return -ENOMEM;
	a->flags = spec->flags;
	a->flow_id = spec->flow_id;
	a->peer_flow_id = spec->peer_flow_id;
	a->out_iface = (uint8_t)spec->out_iface;
	a->out_port = ifc->port_id;
	a->out_vlan = ifc->vlan;
	a->neigh_idx = UINT32_MAX;
	a->has_dst = has_dst;
	a->out_sport = rte_cpu_to_be_16(spec->out_src.port);
	if (has_dst) {
		a->out_family = dst.ip.family;
		memcpy(a->out_src, src.addr, 16);
		memcpy(a->out_dst, dst.ip.addr, 16);
		a->out_dport = rte_cpu_to_be_16(dst.port);
		if (!(spec->flags & MR_FLOW_F_BLACKHOLE)) {
			struct rte_ether_addr mac;

			rc = dp_neigh_resolve(ctx->neigh, ifc, &dst.ip, &a->neigh_idx);
			if (rc < 0) {
				a->neigh_idx = UINT32_MAX;
				dp_flowtab_action_put(ctx->ft, a);
				return rc;
			}
			/* A new peer: probe in this service round, not the next tick. */
			if (!dp_neigh_mac(ctx->neigh, a->neigh_idx, &mac))
				svc.next_neigh = 0;
		}
	}
	if (spec->expect_src.ip.family == 4 || spec->expect_src.ip.family == 6) {
		a->expect_family = spec->expect_src.ip.family;
		memcpy(a->expect_src, spec->expect_src.ip.addr, 16);
		a->expect_port = rte_cpu_to_be_16(spec->expect_src.port);
	}
	a->learn_epoch = epoch;
	a->learn_until_tsc = programmed_tsc + (uint64_t)window_ms * svc.hz / 1000;
	a->ssrc_out = rte_cpu_to_be_32(spec->ssrc_out);
	a->seq_delta = spec->seq_delta;
	a->ts_delta = spec->ts_delta;
	a->clock_rate = clock;
	a->arrival_mult = (uint64_t)(((unsigned __int128)clock << 32) / svc.hz);
	rc = dp_transcode_bind(ctx, spec, a);
	if (rc == 0)
		rc = pass_build(ctx, spec, a);
	if (rc) {
		dp_transcode_unbind(ctx, a);
		if (a->neigh_idx != UINT32_MAX)
			dp_neigh_release(ctx->neigh, a->neigh_idx);
		a->neigh_idx = UINT32_MAX;
		dp_flowtab_action_put(ctx->ft, a);
		return rc;
	}
	*out = a;
	return 0;
}

static void neigh_release(void *arg, uint32_t idx)
{
	dp_neigh_release(arg, idx);
}

/* Drop an action that was built but not published, with its neighbor reference. */
static void action_discard(struct dp_ctx *ctx, struct dp_flow_action *a)
{
	dp_transcode_unbind(ctx, a);
	if (a->neigh_idx != UINT32_MAX)
		dp_neigh_release(ctx->neigh, a->neigh_idx);
	dp_flowtab_action_put(ctx->ft, a);
}

static void spec_store(struct dp_flow_slot *s, const struct mr_flow_spec *spec)
{
	s->spec = *spec;
	/* Keys are not kept past their use. */
	memset(&s->spec.srtp_in, 0, sizeof(s->spec.srtp_in));
	memset(&s->spec.srtp_out, 0, sizeof(s->spec.srtp_out));
}

static int flow_add(struct dp_ctx *ctx, struct mr_flow_spec *spec)
{
	struct dp_flow_slot *s = dp_flowtab_slot(ctx->ft, spec->flow_id);
	struct mr_flow_stats *fs;
	struct dp_flow_action *a;
	uint64_t now = rte_rdtsc();
	uint16_t epoch;
	int rc;

	if (s == NULL)
		return -ERANGE;
	key_normalize(&spec->key);
	rc = key_check(ctx, &spec->key);
	if (rc)
		return rc;
	if (s->act != NULL)
		return -EEXIST;
	epoch = (uint16_t)(s->epoch + 1);
	rc = action_build(ctx, spec, epoch, now, &a);
	if (rc)
		return rc;
	a->srtp = dp_srtp_flow_make(&spec->srtp_in, &spec->srtp_out, NULL,
				    !(spec->flags & MR_FLOW_F_REWRITE_SSRC) && a->pt_map == 0, &rc);
	if (rc) {
		action_discard(ctx, a);
		return rc;
	}
	/*
	 * The stats slot starts afresh. A worker that still holds the action of a
	 * flow just deleted from this slot may add a last count to it: harmless,
	 * and better than making control wait for a grace period.
	 */
	fs = &ctx->shm.flows[spec->flow_id];
	{
		uint32_t gen = fs->gen + 1;

		memset(fs, 0, sizeof(*fs));
		fs->gen = gen;
		fs->flags = MR_FLOW_STATS_F_ACTIVE;
	}
	rc = dp_flowtab_insert(ctx->ft, &spec->key, a);
	if (rc) {
		fs->flags = 0;
		action_discard(ctx, a);
		return rc;
	}
	dp_transcode_published(ctx, s, a);
	spec_store(s, spec);
	s->act = a;
	s->epoch = epoch;
	s->learn_reported = 0;
	s->programmed_tsc = now;
	s->idle_seen_tsc = 0;
	s->idle_reported_s = 0;
	return 0;
}

static int flow_mod(struct dp_ctx *ctx, struct mr_flow_spec *spec)
{
	struct dp_flow_slot *s = dp_flowtab_slot(ctx->ft, spec->flow_id);
	struct dp_flow_action *a;
	uint64_t now = rte_rdtsc();
	uint16_t epoch;
	int rc;

	if (s == NULL)
		return -ERANGE;
	if (s->act == NULL)
		return -ENOENT;
	key_normalize(&spec->key);
	if (memcmp(&spec->key, &s->spec.key, sizeof(spec->key)) != 0)
		return -EINVAL;	/* a new local address or port is a new flow */
	/* A flow pointed at another remote learns again. */
	epoch = s->epoch;
	if ((spec->flags & MR_FLOW_F_LEARN) &&
	    (!(s->spec.flags & MR_FLOW_F_LEARN) || !sockaddr_eq(&spec->out_dst, &s->spec.out_dst) ||
	     !sockaddr_eq(&spec->expect_src, &s->spec.expect_src)))
		epoch++;
	rc = action_build(ctx, spec, epoch, epoch != s->epoch ? now : s->programmed_tsc, &a);
	if (rc)
		return rc;
	/* Sessions whose keys did not change carry on (rollover counter, replay window). */
	a->srtp = dp_srtp_flow_make(&spec->srtp_in, &spec->srtp_out, s->act->srtp,
				    !(spec->flags & MR_FLOW_F_REWRITE_SSRC) && a->pt_map == 0, &rc);
	if (rc) {
		action_discard(ctx, a);
		return rc;
	}
	rc = dp_flowtab_replace(ctx->ft, &spec->key, a, s->act);
	if (rc) {
		action_discard(ctx, a);
		return rc;
	}
	if (epoch != s->epoch) {
		s->programmed_tsc = now;
		s->learn_reported = 0;
	}
	dp_transcode_published(ctx, s, a);
	spec_store(s, spec);
	s->act = a;
	s->epoch = epoch;
	return 0;
}

static int flow_del(struct dp_ctx *ctx, uint32_t flow_id)
{
	struct dp_flow_slot *s = dp_flowtab_slot(ctx->ft, flow_id);
	int rc;

	if (s == NULL)
		return -ERANGE;
	if (s->act == NULL)
		return -ENOENT;
	rc = dp_flowtab_remove(ctx->ft, &s->spec.key, s->act);
	if (rc)
		return rc;
	s->act = NULL;
	dp_transcode_release(ctx, s);
	__atomic_fetch_and(&ctx->shm.flows[flow_id].flags, ~(uint32_t)MR_FLOW_STATS_F_ACTIVE,
			   __ATOMIC_RELEASE);
	return 0;
}

/* The peer of a flow that just learned its source sends there, if it asked to. */
static void peer_repoint(struct dp_ctx *ctx, const struct dp_flow_slot *s)
{
	struct dp_flow_slot *ps = dp_flowtab_slot(ctx->ft, s->spec.peer_flow_id);
	struct dp_flow_action *a;

	if (ps == NULL || ps->act == NULL || !(ps->spec.flags & MR_FLOW_F_PEER_DST) ||
	    ps->spec.peer_flow_id != s->spec.flow_id)
		return;
	if (action_build(ctx, &ps->spec, ps->epoch, ps->programmed_tsc, &a) != 0)
		return;
	a->srtp = dp_srtp_flow_ref(ps->act->srtp);	/* the stored spec has no keys: same sessions */
	if (dp_flowtab_replace(ctx->ft, &ps->spec.key, a, ps->act) != 0) {
		action_discard(ctx, a);
		return;
	}
	dp_transcode_published(ctx, ps, a);
	ps->act = a;
}

/* Report a learned source once per epoch; true when something was done. */
static bool learned_check(struct dp_ctx *ctx, uint32_t flow_id)
{
	struct dp_flow_slot *s = dp_flowtab_slot(ctx->ft, flow_id);
	struct mr_sockaddr src;
	struct mr_msg m;

	if (s == NULL || s->act == NULL || s->learn_reported == (uint16_t)(s->epoch + 1))
		return false;
	if (!learned_src(ctx, flow_id, &src))
		return false;
	memset(&m, 0, sizeof(m));
	m.hdr.type = MR_EVT_FLOW_LEARNED;
	m.hdr.generation = ctx->shm.hdr->generation;
	m.hdr.flow_id = flow_id;
	m.u.learned.flow_id = flow_id;
	m.u.learned.src = src;
	evt(ctx, &m);
	s->learn_reported = (uint16_t)(s->epoch + 1);
	if (s->spec.peer_flow_id != MR_FLOW_ID_NONE)
		peer_repoint(ctx, s);
	return true;
}

/* ---- commands ---- */

static void dump_step(struct dp_ctx *ctx)
{
	uint32_t cap = dp_flowtab_capacity(ctx->ft);
	unsigned looked = 0;

	while (svc.dump_cursor < cap && looked++ < DUMP_SCAN && out_room() > 1) {
		struct dp_flow_slot *s = dp_flowtab_slot(ctx->ft, svc.dump_cursor++);
		struct mr_msg m;

		if (s->act == NULL)
			continue;
		memset(&m, 0, sizeof(m));
		m.hdr.type = MR_EVT_FLOW_INFO;
		m.hdr.seq = svc.dump_cmd.hdr.seq;
		m.hdr.generation = ctx->shm.hdr->generation;
		m.hdr.flow_id = s->spec.flow_id;
		m.u.flow = s->spec;
		if (s->act->has_dst) {	/* where it sends now (learning may have moved it) */
			m.u.flow.out_dst.ip.family = s->act->out_family;
			memcpy(m.u.flow.out_dst.ip.addr, s->act->out_dst, 16);
			m.u.flow.out_dst.port = rte_be_to_cpu_16(s->act->out_dport);
		}
		evt(ctx, &m);
	}
	if (svc.dump_cursor >= cap && out_room() > 0) {
		ack(ctx, &svc.dump_cmd, 0, MR_FLOW_ID_NONE);
		svc.dumping = false;
	}
}

static void command(struct dp_ctx *ctx, struct mr_msg *m)
{
	const struct mr_shm_hdr *h = ctx->shm.hdr;
	uint32_t flow_id = m->hdr.flow_id;
	int rc = 0;

	if (m->hdr.type != MR_MSG_HELLO && m->hdr.generation != 0 && m->hdr.generation != h->generation) {
		ack(ctx, m, -ESTALE, flow_id);
		return;
	}
	switch (m->hdr.type) {
	case MR_MSG_HELLO:
		if (m->u.hello.abi != MR_MSG_ABI || m->u.hello.msg_size != sizeof(struct mr_msg) ||
		    m->u.hello.flow_spec_size != sizeof(struct mr_flow_spec) ||
		    m->u.hello.flow_stats_size != sizeof(struct mr_flow_stats))
			rc = -EPROTO;
		else
			LOG(INFO, "hello from %.32s (pid %u)\n", m->u.hello.name, m->u.hello.pid);
		break;
	case MR_MSG_FLOW_ADD:
		flow_id = m->u.flow.flow_id;
		rc = flow_add(ctx, &m->u.flow);
		break;
	case MR_MSG_FLOW_MOD:
		flow_id = m->u.flow.flow_id;
		rc = flow_mod(ctx, &m->u.flow);
		break;
	case MR_MSG_FLOW_DEL:
		if (flow_id == MR_FLOW_ID_NONE)
			flow_id = m->u.flow.flow_id;
		rc = flow_del(ctx, flow_id);
		break;
	case MR_MSG_FLOW_DUMP:
		svc.dumping = true;
		svc.dump_cursor = 0;
		svc.dump_cmd = *m;
		dump_step(ctx);
		return;
	case MR_MSG_CAPTURE:
		rc = dp_capture_command(ctx, m);
		break;
	case MR_MSG_BARRIER:
		if (!ctx->rx_enabled) {
			svc.rx_start_tsc = rte_rdtsc();
			ctx->rx_enabled = true;
		} else {
			ctx->media_held = false;	/* --test-media-hold: the next barrier */
		}
		break;
	default:
		rc = -EOPNOTSUPP;
		break;
	}
	if (rc)
		LOG(NOTICE, "%s of flow %u: %s\n",
		    m->hdr.type == MR_MSG_FLOW_ADD ? "add" : m->hdr.type == MR_MSG_FLOW_MOD ? "modify" :
		    m->hdr.type == MR_MSG_FLOW_DEL ? "delete" : "command", flow_id, strerror(-rc));
	/* SRTP keys leave the ring's copy as soon as they are used. */
	if (m->hdr.type == MR_MSG_FLOW_ADD || m->hdr.type == MR_MSG_FLOW_MOD) {
		memset(&m->u.flow.srtp_in, 0, sizeof(m->u.flow.srtp_in));
		memset(&m->u.flow.srtp_out, 0, sizeof(m->u.flow.srtp_out));
	}
	ack(ctx, m, rc, flow_id);
}

static void commands(struct dp_ctx *ctx)
{
	for (unsigned i = 0; i < CMD_BUDGET; i++) {
		struct mr_msg m;

		if (svc.dumping) {
			dump_step(ctx);
			if (svc.dumping)
				return;
		}
		if (out_room() < 2)
			return;
		if (mr_shm_cmd_recv(&ctx->shm, &m, 1) != 1)
			return;
		command(ctx, &m);
		memset(&m, 0, sizeof(m));
	}
}

/* ---- local traffic ---- */

static void local_tx(struct dp_ctx *ctx, struct rte_mbuf *m)
{
	struct dp_lcore *lc = ctx->lcores[0];

	if (lc->is_main) {
		struct dp_txq *tq;

		if (m->port >= RTE_MAX_ETHPORTS || lc->txq[m->port].buf == NULL) {
			svc.drops[DP_DROP_TX_FULL]++;
			rte_pktmbuf_free(m);
			return;
		}
		tq = &lc->txq[m->port];
		lc->ws->tx_packets++;
		rte_eth_tx_buffer(tq->port_id, tq->queue_id, tq->buf, m);
		return;
	}
	if (rte_ring_enqueue(lc->tx_in, m) != 0) {
		svc.drops[DP_DROP_TX_FULL]++;
		rte_pktmbuf_free(m);
	}
}

static void local_rx(struct dp_ctx *ctx)
{
	struct rte_mbuf *m[DP_BURST];
	unsigned n;

	if (svc.test_mode)	/* workers wait for this in test mode (worker.c) */
		ctx->local_busy = true;
	n = rte_ring_dequeue_burst(ctx->local_ring, (void **)m, DP_BURST, NULL);
	for (unsigned i = 0; i < n; i++)
		if (dp_neigh_input(ctx->neigh, ctx->ifaces, ctx->n_ifaces, m[i], svc.drops) == 1)
			local_tx(ctx, m[i]);
	if (svc.test_mode)
		ctx->local_busy = false;
}

/*
 * Frames the workers could not send because the next hop was unresolved:
 * each goes out as soon as its neighbor answers, or is dropped (no-neighbor)
 * after PARK_MS. Runs after local_rx(), which is where answers arrive.
 */
static void parked(struct dp_ctx *ctx, uint64_t now)
{
	struct rte_mbuf *m[DP_BURST];
	unsigned n, kept = 0;

	n = rte_ring_dequeue_burst(ctx->park_ring, (void **)m, DP_BURST, NULL);
	for (unsigned i = 0; i < n; i++) {
		if (svc.n_parked == PARK_MAX) {
			svc.drops[DP_DROP_NO_NEIGH]++;
			rte_pktmbuf_free(m[i]);
			continue;
		}
		svc.parked[svc.n_parked++] = (struct parked){
			.m = m[i], .neigh_idx = m[i]->hash.usr,
			.deadline = now + (uint64_t)PARK_MS * svc.hz / 1000,
		};
	}
	for (unsigned i = 0; i < svc.n_parked; i++) {
		struct parked *p = &svc.parked[i];
		struct rte_ether_addr mac;

		if (dp_neigh_mac(ctx->neigh, p->neigh_idx, &mac)) {
			/* The destination MAC leads the frame, tagged or not. */
			rte_ether_addr_copy(&mac, rte_pktmbuf_mtod(p->m, struct rte_ether_addr *));
			local_tx(ctx, p->m);
		} else if (now >= p->deadline) {
			svc.drops[DP_DROP_NO_NEIGH]++;
			rte_pktmbuf_free(p->m);
		} else {
			svc.parked[kept++] = *p;
		}
	}
	svc.n_parked = kept;
}

/* The neighbor table is walked every 100 ms in NEIGH_STEPS slices. */
#define NEIGH_STEPS 100

static void neigh_tick(struct dp_ctx *ctx, uint64_t now)
{
	struct rte_mbuf *m[DP_BURST];
	unsigned n = dp_neigh_tick_step(ctx->neigh, ctx->ifaces, ctx->n_ifaces, ctx->pool, now, m,
					DP_BURST, NEIGH_STEPS);

	for (unsigned i = 0; i < n; i++)
		local_tx(ctx, m[i]);
}

/* ---- idle and learned scan ---- */

/*
 * The scan walks the whole table every SCAN_ROUND_S seconds in steps of
 * SCAN_STEP_US: a step looks at cap / (SCAN_ROUND_S * 1e6 / SCAN_STEP_US)
 * slots (33 of 2,097,152, a few microseconds), never a long stretch. With
 * workers = 0 the same lcore forwards: one scan of cap / 64 slots every
 * 100 ms held it for about a millisecond at a million flows, and every
 * packet that arrived meanwhile waited that long.
 */
#define SCAN_ROUND_S 6.4
#define SCAN_STEP_US 100

static void scan(struct dp_ctx *ctx, uint64_t now)
{
	uint32_t cap = dp_flowtab_capacity(ctx->ft);
	uint32_t todo = RTE_MAX(4u, (uint32_t)((double)cap * SCAN_STEP_US / (SCAN_ROUND_S * 1e6)));

	for (uint32_t i = 0; i < todo && out_room() > 2; i++) {
		uint32_t id = svc.scan_cursor;
		struct dp_flow_slot *s = dp_flowtab_slot(ctx->ft, id);

		svc.scan_cursor = id + 1 >= cap ? 0 : id + 1;
		if (s->act == NULL)
			continue;
		learned_check(ctx, id);

		uint32_t timeout = s->spec.idle_timeout_s ? s->spec.idle_timeout_s : ctx->cfg.dp.idle_report_s;
		uint64_t seen = __atomic_load_n(&ctx->shm.flows[id].last_seen_tsc, __ATOMIC_RELAXED);
		uint64_t since = RTE_MAX(seen, s->programmed_tsc);
		uint64_t idle_s;

		if (seen != s->idle_seen_tsc) {
			s->idle_seen_tsc = seen;
			s->idle_reported_s = 0;
		}
		if (timeout == 0 || now < since)
			continue;
		idle_s = (now - since) / svc.hz;
		if (idle_s >= (uint64_t)s->idle_reported_s + timeout) {
			struct mr_msg m;

			memset(&m, 0, sizeof(m));
			m.hdr.type = MR_EVT_FLOW_IDLE;
			m.hdr.generation = ctx->shm.hdr->generation;
			m.hdr.flow_id = id;
			m.u.idle.flow_id = id;
			m.u.idle.idle_s = (uint32_t)(idle_s - idle_s % timeout);
			m.u.idle.packets = ctx->shm.flows[id].packets;
			evt(ctx, &m);
			s->idle_reported_s = m.u.idle.idle_s;
		}
	}
}

static void learned_ring(struct dp_ctx *ctx)
{
	uint32_t ids[32];
	unsigned n;

	if (out_room() < 32)
		return;
	if (svc.test_mode)	/* workers wait for this in test mode (worker.c) */
		ctx->local_busy = true;
	n = rte_ring_dequeue_burst_elem(ctx->learn_ring, ids, sizeof(ids[0]), 32, NULL);
	for (unsigned i = 0; i < n; i++)
		learned_check(ctx, ids[i]);
	if (svc.test_mode)
		ctx->local_busy = false;
}

/* Digits the workers' transcoders detected or received, on to control. */
static void dtmf_ring(struct dp_ctx *ctx)
{
	struct rte_ring *r = dp_transcode_dtmf_ring(ctx);
	struct dp_transcode_dtmf ev[16];
	unsigned n;

	if (r == NULL || out_room() < 16)
		return;
	n = rte_ring_dequeue_burst_elem(r, ev, sizeof(ev[0]), 16, NULL);
	for (unsigned i = 0; i < n; i++) {
		struct mr_msg m;

		memset(&m, 0, sizeof(m));
		m.hdr.type = MR_EVT_DTMF;
		m.hdr.generation = ctx->shm.hdr->generation;
		m.hdr.flow_id = ev[i].flow_id;
		m.u.dtmf.flow_id = ev[i].flow_id;
		m.u.dtmf.event = ev[i].d.event;
		m.u.dtmf.source = ev[i].d.source;
		m.u.dtmf.duration_ms = ev[i].d.duration_ms;
		m.u.dtmf.volume = ev[i].d.volume;
		evt(ctx, &m);
	}
}

/* ---- the round ---- */

static void heartbeat(struct dp_ctx *ctx)
{
	__atomic_store_n(&ctx->shm.hdr->heartbeat_ms, mr_shm_now_ms(), __ATOMIC_RELEASE);
}

int dp_cmdq_init(struct dp_ctx *ctx)
{
	struct mr_shm_hdr *h = ctx->shm.hdr;
	uint64_t now = rte_rdtsc();
	struct timespec ts;

	memset(&svc, 0, sizeof(svc));
	svc.hz = ctx->tsc_hz;
	svc.test_mode = ctx->lcores[0]->test_mode;
	svc.drops = ctx->lcores[0]->is_main ? ctx->lcores[0]->drops
					     : ctx->shm.workers[ctx->n_lcores].drops;
	dp_flowtab_set_release(ctx->ft, neigh_release, ctx->neigh);
	dp_neigh_set_drops(ctx->neigh, svc.drops);
	clock_gettime(CLOCK_REALTIME, &ts);
	h->tsc_hz = ctx->tsc_hz;
	h->tsc_ref = rte_rdtsc();
	h->time_ref_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	h->n_drops = DP_DROP__COUNT;
	for (unsigned i = 0; i < DP_DROP__COUNT; i++)
		snprintf(h->drop_names[i], sizeof(h->drop_names[i]), "%s", dp_drop_names[i]);
	{
		static const char *const fd[MR_FLOW_DROP_MAX] = {
			[MR_FLOW_DROP_SOURCE] = "unexpected-source",
			[MR_FLOW_DROP_MALFORMED] = "malformed",
			[MR_FLOW_DROP_BLACKHOLE] = "blackhole",
			[MR_FLOW_DROP_SRTP_AUTH] = "srtp-auth",
			[MR_FLOW_DROP_SRTP_REPLAY] = "srtp-replay",
			[MR_FLOW_DROP_OTHER] = "other",
		};

		for (unsigned i = 0; i < MR_FLOW_DROP_MAX; i++)
			if (fd[i] != NULL)
				snprintf(h->flow_drop_names[i], sizeof(h->flow_drop_names[i]), "%s", fd[i]);
	}
	svc.next_hb = svc.next_neigh = svc.next_publish = svc.next_scan = now;
	svc.rx_start_tsc = now;
	dp_port_publish(ctx);
	heartbeat(ctx);
	__atomic_store_n(&h->state, MR_SHM_RUNNING, __ATOMIC_RELEASE);
	return 0;
}

void dp_cmdq_fini(struct dp_ctx *ctx)
{
	struct rte_mbuf *m;

	while (rte_ring_dequeue(ctx->local_ring, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	for (unsigned i = 0; i < svc.n_parked; i++)
		rte_pktmbuf_free(svc.parked[i].m);
	svc.n_parked = 0;
	out_flush(ctx);
}

void dp_service(struct dp_ctx *ctx)
{
	uint64_t now = rte_rdtsc();

	out_flush(ctx);
	commands(ctx);
	local_rx(ctx);
	if (svc.n_parked || rte_ring_count(ctx->park_ring))
		parked(ctx, now);
	learned_ring(ctx);
	dtmf_ring(ctx);
	if (out_room() > 0) {
		struct mr_msg done;

		if (dp_capture_service(ctx, now, &done))
			evt(ctx, &done);
	}
	dp_flowtab_reclaim(ctx->ft);
	dp_transcode_reclaim(ctx);
	if (now >= svc.next_hb) {
		heartbeat(ctx);
		svc.next_hb = now + svc.hz / 10;
	}
	if (now >= svc.next_neigh) {
		neigh_tick(ctx, now);
		svc.next_neigh = now + svc.hz / 10 / NEIGH_STEPS;
	}
	if (now >= svc.next_scan) {
		scan(ctx, now);
		svc.next_scan = now + svc.hz / (1000000 / SCAN_STEP_US);
	}
	if (now >= svc.next_publish) {
		dp_port_publish(ctx);
		svc.next_publish = now + svc.hz;
	}
	if (ctx->test.exit_when_idle_ms && ctx->rx_enabled) {
		uint64_t last = RTE_MAX(ctx->last_rx_tsc, svc.rx_start_tsc);

		if (now > last && now - last > (uint64_t)ctx->test.exit_when_idle_ms * svc.hz / 1000)
			ctx->quit = true;
	}
}
