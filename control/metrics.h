/* SPDX-License-Identifier: BSD-3-Clause */
/* Prometheus /metrics (metrics.c) and call-quality figures (quality.c). */
#ifndef CTL_METRICS_H
#define CTL_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "ctl-t.h"

/* One party's figures over its streams' RTP flows. */
struct ctl_quality {
	uint64_t packets, bytes, drops, expected;
	int64_t lost;
	double loss_pct, jitter_ms, mos;
	uint32_t ssrc;
	bool have_rtp;		/* RTP arrived: loss, jitter and MOS are meaningful */
};

/*
 * Serve /metrics on [control] listen-http (port 0: none). Returns 0 or
 * -errno (address in use ...); control goes on without it then.
 */
int ctl_metrics_open(struct ctl *c);
void ctl_metrics_close(struct ctl *c);
/* The descriptor for control's epoll loop (-1: none); run when it is ready and at each tick. */
int ctl_metrics_fd(const struct ctl *c);
void ctl_metrics_run(struct ctl *c);
/* An ended call's figures into the quality histograms. */
void ctl_metrics_observe_call(struct ctl *c, const struct ctl_quality q[2]);

/* quality.c */
void ctl_quality_call(struct ctl *c, const struct ctl_call *call, struct ctl_quality out[2]);
json_t *ctl_quality_json(const struct ctl_quality *q);
/* At the end of an answered call: histograms and one line in [control] quality-log. */
void ctl_quality_record(struct ctl *c, const struct ctl_call *call, const char *reason);

#endif
