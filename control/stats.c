/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-call statistics for query and delete, in the shape rtpengine gives
 * them: "tags" -> each party's "medias" -> "streams" (our local ports facing
 * that party) with "stats" of what arrived there, and "totals" for RTP and
 * RTCP. Loss and jitter come from the dataplane's RFC 3550 receiver state.
 */
#include <stdio.h>
#include <string.h>

#include "bencode/bencode.h"
#include "rtp/rtp.h"

#include "ctl.h"
#include "metrics.h"
#include "session.h"

struct totals {
	uint64_t packets, bytes, errors;
};

static void endpoint(struct mr_bencode_enc *e, const char *key, const struct mr_sockaddr *sa)
{
	char a[MR_IP_STRLEN];

	mr_bencode_enc_key(e, key);
	mr_bencode_enc_dict_start(e);
	if (sa->ip.family) {
		mr_bencode_enc_kv_cstr(e, "family", sa->ip.family == 6 ? "IPv6" : "IPv4");
		mr_bencode_enc_kv_cstr(e, "address", mr_ip_format(&sa->ip, a, sizeof(a)));
		mr_bencode_enc_kv_int(e, "port", sa->port);
	}
	mr_bencode_enc_end(e);
}

static void one_stream(struct ctl *c, const struct ctl_stream *st, unsigned s, unsigned k,
		       struct mr_bencode_enc *e, struct totals *t)
{
	const struct ctl_flowref *fr = &st->flow[s][k];
	const struct mr_flow_stats *fs = fr->installed ? ctl_dp_flow_stats(&c->dp, fr->id) : NULL;
	struct mr_sockaddr adv = { .ip = st->local[s].adv,
				   .port = (uint16_t)(st->local[s].port + (k ? 1 : 0)) };
	uint64_t packets = 0, bytes = 0, errors = 0, last = 0;
	int64_t lost = 0, jitter_ms = 0;
	struct mr_sockaddr ep;

	ep = k && !st->mux ? st->remote[s].rtcp : st->remote[s].rtp;
	if (fs) {
		struct mr_rtp_source src;

		packets = __atomic_load_n(&fs->packets, __ATOMIC_RELAXED);
		bytes = __atomic_load_n(&fs->bytes, __ATOMIC_RELAXED);
		for (unsigned d = 0; d < MR_FLOW_DROP_MAX; d++)
			errors += __atomic_load_n(&fs->drops[d], __ATOMIC_RELAXED);
		last = mr_shm_tsc_to_ns(&c->dp.shm, __atomic_load_n(&fs->last_seen_tsc, __ATOMIC_RELAXED));
		if (fs->flags & MR_FLOW_STATS_F_LEARNED)
			ep = fs->learned;
		memcpy(&src, &fs->rtp, sizeof(src));	/* a racy copy is fine for a report */
		if (k == 0 && src.received) {
			lost = mr_rtp_source_lost(&src);
			jitter_ms = (int64_t)mr_rtp_source_jitter_units(&src) * 1000 /
				    (st->clock_rate ? st->clock_rate : 8000);
		}
	}
	mr_bencode_enc_dict_start(e);
	mr_bencode_enc_kv_int(e, "local port", adv.port);
	endpoint(e, "local address", &adv);
	endpoint(e, "endpoint", &ep);
	endpoint(e, "advertised endpoint", k && !st->mux ? &st->remote[s].rtcp : &st->remote[s].rtp);
	mr_bencode_enc_kv_int(e, "last packet", (int64_t)(last / 1000000000ull));
	mr_bencode_enc_key(e, "flags");
	mr_bencode_enc_list_start(e);
	mr_bencode_enc_cstr(e, k ? "RTCP" : "RTP");
	if (st->mux)
		mr_bencode_enc_cstr(e, "RTCP mux");
	if (st->remote[s].known)
		mr_bencode_enc_cstr(e, "filled");
	if (fs && (fs->flags & MR_FLOW_STATS_F_LEARNED))
		mr_bencode_enc_cstr(e, "confirmed");
	mr_bencode_enc_end(e);
	mr_bencode_enc_key(e, "stats");
	mr_bencode_enc_dict_start(e);
	mr_bencode_enc_kv_int(e, "packets", (int64_t)packets);
	mr_bencode_enc_kv_int(e, "bytes", (int64_t)bytes);
	mr_bencode_enc_kv_int(e, "errors", (int64_t)errors);
	if (k == 0) {
		mr_bencode_enc_kv_int(e, "packets lost", lost);
		mr_bencode_enc_kv_int(e, "jitter", jitter_ms);
	}
	mr_bencode_enc_end(e);
	mr_bencode_enc_end(e);
	t[k].packets += packets;
	t[k].bytes += bytes;
	t[k].errors += errors;
}

static void one_tag(struct ctl *c, const struct ctl_call *call, unsigned s,
		    struct mr_bencode_enc *e, struct totals *t)
{
	mr_bencode_enc_key(e, call->tag[s]);
	mr_bencode_enc_dict_start(e);
	mr_bencode_enc_kv_cstr(e, "tag", call->tag[s]);
	if (call->label[s][0])
		mr_bencode_enc_kv_cstr(e, "label", call->label[s]);
	mr_bencode_enc_kv_int(e, "created", (int64_t)call->created_s);
	if (call->tag[1 - s][0])
		mr_bencode_enc_kv_cstr(e, "in dialogue with", call->tag[1 - s]);
	mr_bencode_enc_key(e, "medias");
	mr_bencode_enc_list_start(e);
	for (unsigned i = 0; i < call->n_streams; i++) {
		const struct ctl_stream *st = &call->streams[i];

		mr_bencode_enc_dict_start(e);
		mr_bencode_enc_kv_int(e, "index", i + 1);
		mr_bencode_enc_kv_cstr(e, "type", st->type);
		mr_bencode_enc_kv_cstr(e, "protocol", st->proto);
		mr_bencode_enc_key(e, "streams");
		mr_bencode_enc_list_start(e);
		if (st->local[s].port) {
			one_stream(c, st, s, 0, e, t);
			if (!st->mux && st->is_rtp)
				one_stream(c, st, s, 1, e, t);
		}
		mr_bencode_enc_end(e);
		mr_bencode_enc_key(e, "flags");
		mr_bencode_enc_list_start(e);
		if (st->remote[s].known && !st->remote[s].disabled) {
			uint8_t d = st->remote[s].dir;

			mr_bencode_enc_cstr(e, "initialized");
			if (d == MR_SDP_DIR_SENDRECV || d == MR_SDP_DIR_SENDONLY)
				mr_bencode_enc_cstr(e, "send");
			if (d == MR_SDP_DIR_SENDRECV || d == MR_SDP_DIR_RECVONLY)
				mr_bencode_enc_cstr(e, "recv");
			if (st->remote[s].rtcp_mux)
				mr_bencode_enc_cstr(e, "RTCP-mux");
		}
		mr_bencode_enc_end(e);
		mr_bencode_enc_end(e);
	}
	mr_bencode_enc_end(e);
	mr_bencode_enc_end(e);
}

static void totals(struct mr_bencode_enc *e, const char *key, const struct totals *t)
{
	mr_bencode_enc_key(e, key);
	mr_bencode_enc_dict_start(e);
	mr_bencode_enc_kv_int(e, "packets", (int64_t)t->packets);
	mr_bencode_enc_kv_int(e, "bytes", (int64_t)t->bytes);
	mr_bencode_enc_kv_int(e, "errors", (int64_t)t->errors);
	mr_bencode_enc_end(e);
}

/*
 * "SSRC": per received SSRC, the MOS figures as rtpengine reports them (MOS
 * times ten, jitter in ms, loss in percent). mrelay has one sample per
 * report, so average, lowest and highest are the same.
 */
static void ssrc_mos(struct ctl *c, const struct ctl_call *call, struct mr_bencode_enc *e)
{
	static const char *const kinds[] = { "average MOS", "lowest MOS", "highest MOS" };
	struct ctl_quality q[2];

	ctl_quality_call(c, call, q);
	mr_bencode_enc_key(e, "SSRC");
	mr_bencode_enc_dict_start(e);
	for (unsigned s = 0; s < 2; s++) {
		char key[16];

		if (!q[s].have_rtp || (s == 1 && q[0].have_rtp && q[0].ssrc == q[1].ssrc))
			continue;
		snprintf(key, sizeof(key), "%u", q[s].ssrc);
		mr_bencode_enc_key(e, key);
		mr_bencode_enc_dict_start(e);
		mr_bencode_enc_kv_cstr(e, "tag", call->tag[s]);
		for (unsigned k = 0; k < 3; k++) {
			mr_bencode_enc_key(e, kinds[k]);
			mr_bencode_enc_dict_start(e);
			mr_bencode_enc_kv_int(e, "MOS", (int64_t)(q[s].mos * 10 + 0.5));
			mr_bencode_enc_kv_int(e, "jitter", (int64_t)(q[s].jitter_ms + 0.5));
			mr_bencode_enc_kv_int(e, "packet loss", (int64_t)(q[s].loss_pct + 0.5));
			mr_bencode_enc_kv_int(e, "round-trip time", 0);
			mr_bencode_enc_kv_int(e, "samples", 1);
			mr_bencode_enc_end(e);
		}
		mr_bencode_enc_end(e);
	}
	mr_bencode_enc_end(e);
}

void ctl_stats_call(struct ctl *c, const struct ctl_call *call, struct mr_bencode_enc *e)
{
	struct totals t[2];

	memset(t, 0, sizeof(t));
	mr_bencode_enc_kv_int(e, "created", (int64_t)call->created_s);
	mr_bencode_enc_kv_int(e, "created_us", (int64_t)call->created_us);
	mr_bencode_enc_kv_int(e, "last signal", (int64_t)call->last_signal_s);
	mr_bencode_enc_key(e, "tags");
	mr_bencode_enc_dict_start(e);
	for (unsigned s = 0; s < 2; s++)
		if (call->tag[s][0])
			one_tag(c, call, s, e, t);
	mr_bencode_enc_end(e);
	mr_bencode_enc_key(e, "totals");
	mr_bencode_enc_dict_start(e);
	totals(e, "RTP", &t[0]);
	totals(e, "RTCP", &t[1]);
	mr_bencode_enc_end(e);
	ssrc_mos(c, call, e);
}

void ctl_sess_statistics(struct ctl *c, struct mr_bencode_enc *e)
{
	const struct ctl_sessions *s = &c->sess;
	uint64_t packets = 0, bytes = 0, errors = 0;
	uint64_t now_s = ctl_wall_us() / 1000000;

	for (unsigned w = 0; c->dp.shm.base && w < c->dp.shm.hdr->n_workers; w++) {
		packets += c->dp.shm.workers[w].rx_packets;
		for (unsigned d = 0; d < MR_SHM_MAX_DROPS; d++)
			errors += c->dp.shm.workers[w].drops[d];
	}
	for (unsigned i = 0; c->dp.shm.base && i < c->dp.shm.hdr->n_ifaces; i++)
		bytes += c->dp.shm.ifaces[i].rx_bytes;
	mr_bencode_enc_key(e, "statistics");
	mr_bencode_enc_dict_start(e);
	mr_bencode_enc_key(e, "currentstatistics");
	mr_bencode_enc_dict_start(e);
	mr_bencode_enc_kv_int(e, "sessionsown", s->n_calls);
	mr_bencode_enc_kv_int(e, "sessionsforeign", 0);
	mr_bencode_enc_kv_int(e, "sessionstotal", s->n_calls);
	mr_bencode_enc_kv_int(e, "transcodedmedia", 0);
	mr_bencode_enc_kv_int(e, "flows", s->n_flows_installed);
	mr_bencode_enc_end(e);
	mr_bencode_enc_key(e, "totalstatistics");
	mr_bencode_enc_dict_start(e);
	mr_bencode_enc_kv_int(e, "uptime", (int64_t)(now_s - c->started_s));
	mr_bencode_enc_kv_int(e, "managedsessions", (int64_t)s->total_calls);
	mr_bencode_enc_kv_int(e, "rejectedsessions", (int64_t)s->errors);
	mr_bencode_enc_kv_int(e, "timeoutsessions", (int64_t)s->timeouts);
	mr_bencode_enc_kv_int(e, "finaltimeoutsessions", (int64_t)s->final_timeouts);
	mr_bencode_enc_kv_int(e, "packetsrelayed", (int64_t)packets);
	mr_bencode_enc_kv_int(e, "bytesrelayed", (int64_t)bytes);
	mr_bencode_enc_kv_int(e, "errorsrelayed", (int64_t)errors);
	mr_bencode_enc_end(e);
	mr_bencode_enc_key(e, "controlstatistics");
	mr_bencode_enc_dict_start(e);
	mr_bencode_enc_kv_int(e, "offers", (int64_t)s->offers);
	mr_bencode_enc_kv_int(e, "answers", (int64_t)s->answers);
	mr_bencode_enc_kv_int(e, "deletes", (int64_t)s->deletes);
	mr_bencode_enc_kv_int(e, "requests", (int64_t)c->ng.requests);
	mr_bencode_enc_kv_int(e, "errors", (int64_t)c->ng.errors);
	mr_bencode_enc_kv_int(e, "retransmits", (int64_t)c->ng.retransmits);
	mr_bencode_enc_kv_int(e, "dataplanecommands", (int64_t)c->dp.cmds);
	mr_bencode_enc_kv_int(e, "dataplanetimeouts", (int64_t)c->dp.timeouts);
	mr_bencode_enc_kv_int(e, "dataplaneringfull", (int64_t)c->dp.ring_full);
	mr_bencode_enc_kv_int(e, "dataplaneattached", ctl_dp_is_ready(&c->dp) ? 1 : 0);
	mr_bencode_enc_end(e);
	mr_bencode_enc_end(e);
}
