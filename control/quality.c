/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Call-quality figures of a call: per party (the packets it sent, as they
 * arrived here), summed over its streams' RTP flows. Written at the end of
 * every answered call as one JSON line to [control] quality-log, observed
 * by /metrics' histograms, and given in the ng delete reply.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "rtp/rtp.h"

#include "ctl.h"
#include "metrics.h"
#include "quality.h"
#include "session.h"

MR_LOG_TYPE(ctl_log_quality, "quality");

void ctl_quality_call(struct ctl *c, const struct ctl_call *call, struct ctl_quality out[2])
{
	memset(out, 0, 2 * sizeof(*out));
	for (unsigned s = 0; s < 2; s++) {
		struct ctl_quality *q = &out[s];

		for (unsigned i = 0; i < call->n_streams; i++) {
			const struct ctl_stream *st = &call->streams[i];
			const struct ctl_flowref *fr = &st->flow[s][0];
			const struct mr_flow_stats *fs;
			struct mr_rtp_source src;
			double jit;

			if (!fr->installed || !st->is_rtp)
				continue;
			fs = ctl_dp_flow_stats(&c->dp, fr->id);
			if (fs == NULL)
				continue;
			q->packets += __atomic_load_n(&fs->packets, __ATOMIC_RELAXED);
			q->bytes += __atomic_load_n(&fs->bytes, __ATOMIC_RELAXED);
			for (unsigned d = 0; d < MR_FLOW_DROP_MAX; d++)
				q->drops += __atomic_load_n(&fs->drops[d], __ATOMIC_RELAXED);
			memcpy(&src, &fs->rtp, sizeof(src));	/* racy copy: a report */
			if (!src.received)
				continue;
			q->have_rtp = true;
			q->ssrc = src.ssrc;
			q->lost += mr_rtp_source_lost(&src);
			q->expected += mr_rtp_source_expected(&src);
			jit = (double)mr_rtp_source_jitter_units(&src) * 1000.0 /
			      (st->clock_rate ? st->clock_rate : 8000);
			if (jit > q->jitter_ms)
				q->jitter_ms = jit;
		}
		q->loss_pct = ctl_quality_loss_pct(q->lost, q->expected);
		q->mos = q->have_rtp ? ctl_quality_mos(q->loss_pct, q->jitter_ms) : 0;
	}
}

json_t *ctl_quality_json(const struct ctl_quality *q)
{
	json_t *o = json_object();

	json_object_set_new(o, "packets", json_integer((json_int_t)q->packets));
	json_object_set_new(o, "bytes", json_integer((json_int_t)q->bytes));
	json_object_set_new(o, "drops", json_integer((json_int_t)q->drops));
	json_object_set_new(o, "lost", json_integer(q->lost));
	json_object_set_new(o, "expected", json_integer((json_int_t)q->expected));
	json_object_set_new(o, "loss_pct", q->have_rtp ? json_real(q->loss_pct) : json_null());
	json_object_set_new(o, "jitter_ms", q->have_rtp ? json_real(q->jitter_ms) : json_null());
	json_object_set_new(o, "mos", q->have_rtp ? json_real(q->mos) : json_null());
	return o;
}

static FILE *qlog;
static bool qlog_failed;

static FILE *qlog_open(const char *path)
{
	char dir[256];
	char *p;

	if (qlog || qlog_failed)
		return qlog;
	snprintf(dir, sizeof(dir), "%s", path);
	p = strrchr(dir, '/');
	if (p && p != dir) {
		*p = '\0';
		for (p = dir + 1; *p; p++)
			if (*p == '/') {
				*p = '\0';
				mkdir(dir, 0755);
				*p = '/';
			}
		mkdir(dir, 0755);
	}
	qlog = fopen(path, "ae");
	if (qlog == NULL) {
		qlog_failed = true;
		MR_LOG(&ctl_log_quality, ERR, "quality-log %s: %s (no quality records)", path,
		       strerror(errno));
	}
	return qlog;
}

void ctl_quality_record(struct ctl *c, const struct ctl_call *call, const char *reason)
{
	struct ctl_quality q[2];
	const char *path = c->cfg->ctl.quality_log;
	uint64_t now_us = ctl_wall_us();
	json_t *o, *legs;
	char *line;
	FILE *f;

	if (!call->answered)
		return;
	ctl_quality_call(c, call, q);
	ctl_metrics_observe_call(c, q);
	if (path[0] == '\0' || (f = qlog_open(path)) == NULL)
		return;
	legs = json_array();
	for (unsigned s = 0; s < 2; s++) {
		json_t *l = ctl_quality_json(&q[s]);

		json_object_set_new(l, "tag", json_string(call->tag[s]));
		if (call->label[s][0])
			json_object_set_new(l, "label", json_string(call->label[s]));
		json_array_append_new(legs, l);
	}
	o = json_object();
	json_object_set_new(o, "call_id", json_string(call->call_id));
	json_object_set_new(o, "created", json_integer((json_int_t)call->created_s));
	json_object_set_new(o, "ended", json_integer((json_int_t)(now_us / 1000000)));
	json_object_set_new(o, "duration_s",
			    json_real((double)now_us / 1e6 - (double)call->created_s -
				      (double)call->created_us / 1e6));
	json_object_set_new(o, "reason", json_string(reason));
	json_object_set_new(o, "streams", json_integer(call->n_streams));
	json_object_set_new(o, "legs", legs);
	json_object_set_new(o, "mos", q[0].have_rtp || q[1].have_rtp ?
			    json_real(q[0].have_rtp && q[1].have_rtp ?
				      (q[0].mos < q[1].mos ? q[0].mos : q[1].mos) :
				      (q[0].have_rtp ? q[0].mos : q[1].mos)) : json_null());
	line = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6));
	json_decref(o);
	if (line) {
		fprintf(f, "%s\n", line);
		fflush(f);
		free(line);
	}
}
