/* SPDX-License-Identifier: BSD-3-Clause */
/* rte_telemetry commands: totals, drops by reason, SRTP events, workers, one flow. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_telemetry.h>

#include "drop.h"
#include "rtp/rtp.h"
#include "telemetry.h"

/* The telemetry thread reads the shm counters; nothing else. */
static struct dp_ctx *tctx;

static const char *const srtp_event_names[MR_SRTP_EV_COUNT] = MR_SRTP_EVENT_NAMES;

/* Telemetry names are [A-Za-z0-9_]: "eth-short" is published as "eth_short". */
static const char *tel_name(const char *name, char *buf, size_t len)
{
	size_t i;

	for (i = 0; name[i] && i + 1 < len; i++)
		buf[i] = name[i] == '-' ? '_' : name[i];
	buf[i] = '\0';
	return buf;
}

static unsigned n_stat_slots(void)
{
	return tctx->shm.hdr->n_workers;
}

static int cmd_totals(const char *cmd, const char *params, struct rte_tel_data *d)
{
	uint64_t rx = 0, tx = 0, txd = 0, drops = 0;

	(void)cmd, (void)params;
	for (unsigned w = 0; w < n_stat_slots(); w++) {
		const struct mr_worker_stats *ws = &tctx->shm.workers[w];

		rx += ws->rx_packets;
		tx += ws->tx_packets;
		txd += ws->tx_dropped;
		for (unsigned i = 0; i < DP_DROP__COUNT; i++)
			drops += ws->drops[i];
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "rx_packets", rx);
	rte_tel_data_add_dict_u64(d, "tx_packets", tx);
	rte_tel_data_add_dict_u64(d, "tx_dropped", txd);
	rte_tel_data_add_dict_u64(d, "dropped", drops);
	rte_tel_data_add_dict_u64(d, "flow_capacity", tctx->shm.hdr->n_flows);
	rte_tel_data_add_dict_u64(d, "workers", tctx->n_lcores);
	rte_tel_data_add_dict_u64(d, "media_lcores", tctx->n_media);
	return 0;
}

static int cmd_drops(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd, (void)params;
	rte_tel_data_start_dict(d);
	for (unsigned i = 0; i < DP_DROP__COUNT; i++) {
		char name[MR_SHM_NAME_LEN];
		uint64_t v = 0;

		for (unsigned w = 0; w < n_stat_slots(); w++)
			v += tctx->shm.workers[w].drops[i];
		rte_tel_data_add_dict_u64(d, tel_name(dp_drop_names[i], name, sizeof(name)), v);
	}
	return 0;
}

/* libsrtp's events (SSRC collision, key limits), summed over the workers. */
static int cmd_srtp_events(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd, (void)params;
	rte_tel_data_start_dict(d);
	for (unsigned i = 0; i < MR_SRTP_EV_COUNT; i++) {
		char name[MR_SHM_NAME_LEN];
		uint64_t v = 0;

		for (unsigned w = 0; w < n_stat_slots(); w++)
			v += tctx->shm.workers[w].srtp_events[i];
		rte_tel_data_add_dict_u64(d, tel_name(srtp_event_names[i], name, sizeof(name)), v);
	}
	return 0;
}

static int cmd_workers(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd, (void)params;
	rte_tel_data_start_dict(d);
	for (unsigned w = 0; w < n_stat_slots(); w++) {
		const struct mr_worker_stats *ws = &tctx->shm.workers[w];
		struct rte_tel_data *c = rte_tel_data_alloc();
		char name[16];

		if (c == NULL)
			return -ENOMEM;
		rte_tel_data_start_dict(c);
		rte_tel_data_add_dict_u64(c, "rx_packets", ws->rx_packets);
		rte_tel_data_add_dict_u64(c, "tx_packets", ws->tx_packets);
		rte_tel_data_add_dict_u64(c, "tx_dropped", ws->tx_dropped);
		rte_tel_data_add_dict_u64(c, "busy_tsc", ws->busy_tsc);
		rte_tel_data_add_dict_u64(c, "total_tsc", ws->total_tsc);
		rte_tel_data_add_dict_u64(c, "poll_gaps", ws->poll_gaps);
		rte_tel_data_add_dict_u64(c, "poll_gap_max_us",
					  mr_shm_cycles_us(&tctx->shm, ws->poll_gap_max_tsc));
		for (unsigned i = 0; i < MR_SRTP_EV_COUNT; i++) {
			char ev[MR_SHM_NAME_LEN + 8];

			snprintf(ev, sizeof(ev), "srtp_%s", srtp_event_names[i]);
			rte_tel_data_add_dict_u64(c, tel_name(ev, ev, sizeof(ev)), ws->srtp_events[i]);
		}
		if (ws->role == MR_WORKER_ROLE_MEDIA) {
			/* What the workers handed it; its rx_packets stay 0. */
			rte_tel_data_add_dict_u64(c, "ring_packets", ws->ring_packets);
			snprintf(name, sizeof(name), "media%u", ws->lcore_id);
		} else if (w < tctx->n_lcores) {
			snprintf(name, sizeof(name), "lcore%u", tctx->lcores[w]->lcore_id);
		} else {
			snprintf(name, sizeof(name), "main");
		}
		rte_tel_data_add_dict_string(c, "role", ws->role == MR_WORKER_ROLE_MEDIA ? "media" :
					     ws->role == MR_WORKER_ROLE_MAIN ? "main" : "worker");
		rte_tel_data_add_dict_container(d, name, c, 0);
	}
	return 0;
}

static int cmd_flow(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct mr_flow_stats *fs;
	char *end;
	unsigned long id;

	(void)cmd;
	if (params == NULL || *params == '\0')
		return -EINVAL;
	errno = 0;
	id = strtoul(params, &end, 10);
	if (errno || *end != '\0' || id >= tctx->shm.hdr->n_flows)
		return -EINVAL;
	fs = &tctx->shm.flows[id];
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "flow_id", id);
	rte_tel_data_add_dict_u64(d, "gen", fs->gen);
	rte_tel_data_add_dict_u64(d, "active", !!(fs->flags & MR_FLOW_STATS_F_ACTIVE));
	rte_tel_data_add_dict_u64(d, "learned", !!(fs->flags & MR_FLOW_STATS_F_LEARNED));
	rte_tel_data_add_dict_u64(d, "packets", fs->packets);
	rte_tel_data_add_dict_u64(d, "bytes", fs->bytes);
	rte_tel_data_add_dict_u64(d, "rtcp_packets", fs->rtcp_packets);
	rte_tel_data_add_dict_u64(d, "lost", (uint64_t)(int64_t)mr_rtp_source_lost(&fs->rtp));
	rte_tel_data_add_dict_u64(d, "jitter", mr_rtp_source_jitter_units(&fs->rtp));
	rte_tel_data_add_dict_u64(d, "duplicates", fs->rtp.duplicates);
	rte_tel_data_add_dict_u64(d, "out_of_order", fs->rtp.out_of_order);
	rte_tel_data_add_dict_u64(d, "last_seen_ns", mr_shm_tsc_to_ns(&tctx->shm, fs->last_seen_tsc));
	for (unsigned i = 0; i < MR_FLOW_DROP_MAX; i++) {
		char name[MR_SHM_NAME_LEN + 8];

		if (tctx->shm.hdr->flow_drop_names[i][0] == '\0')
			continue;
		snprintf(name, sizeof(name), "drop_%s", tctx->shm.hdr->flow_drop_names[i]);
		rte_tel_data_add_dict_u64(d, tel_name(name, name, sizeof(name)), fs->drops[i]);
	}
	return 0;
}

int dp_telemetry_init(struct dp_ctx *ctx)
{
	int rc = 0;

	tctx = ctx;
	rc |= rte_telemetry_register_cmd("/mrelay/totals", cmd_totals,
					 "Packets received, sent and dropped by the dataplane");
	rc |= rte_telemetry_register_cmd("/mrelay/drops", cmd_drops,
					 "Dropped packets by reason (drop_reasons.def)");
	rc |= rte_telemetry_register_cmd("/mrelay/srtp_events", cmd_srtp_events,
					 "libsrtp events by kind: SSRC collision, key soft/hard limit, packet index limit");
	rc |= rte_telemetry_register_cmd("/mrelay/workers", cmd_workers,
					 "Per-lcore packet and cycle counters");
	rc |= rte_telemetry_register_cmd("/mrelay/flow", cmd_flow,
					 "Counters of one flow. Parameter: flow id");
	return rc ? -EINVAL : 0;
}
