/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * shm_flows: what the dataplane itself says about its flows, read from the
 * shared region's stats table (not from control), for the end-to-end test
 * and the demo.
 *
 *   shm_flows INSTANCE     key=value lines:
 *     region state=S generation=G heartbeat_age_ms=A flows_active=N capacity=C
 *     flow slot=I gen=G learned=0|1 packets=P bytes=B rtcp=R drop_<reason>=D ...
 *     iface name=X mac=M up=U rx_packets=... tx_packets=... rx_missed=... tx_errors=...
 *     drop reason=X count=N          (per-worker drop counters, summed, nonzero only)
 *
 * Exit status: 0, 1 when the region cannot be attached (no dataplane, or a
 * different ABI), 2 on a usage error.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "shm/shm.h"

int main(int argc, char **argv)
{
	const struct mr_shm_hdr *h;
	struct mr_shm shm;
	uint64_t now;
	unsigned active = 0;
	int rc;

	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "Usage: shm_flows INSTANCE\n");
		return 2;
	}
	rc = mr_shm_attach(&shm, argv[1], false);
	if (rc) {
		fprintf(stderr, "shm_flows: cannot attach instance '%s': %s\n", argv[1], strerror(-rc));
		return 1;
	}
	h = shm.hdr;
	for (uint32_t i = 0; i < h->n_flows; i++)
		if (shm.flows[i].flags & MR_FLOW_STATS_F_ACTIVE)
			active++;
	now = mr_shm_now_ms();
	printf("region state=%" PRIu32 " generation=%" PRIu64 " heartbeat_age_ms=%" PRId64
	       " flows_active=%u capacity=%" PRIu32 "\n",
	       h->state, h->generation, (int64_t)(now - h->heartbeat_ms), active, h->n_flows);
	for (uint32_t i = 0; i < h->n_flows; i++) {
		const struct mr_flow_stats *f = &shm.flows[i];

		if (!(f->flags & MR_FLOW_STATS_F_ACTIVE))
			continue;
		printf("flow slot=%" PRIu32 " gen=%" PRIu32 " learned=%d packets=%" PRIu64
		       " bytes=%" PRIu64 " rtcp=%" PRIu32,
		       i, f->gen, !!(f->flags & MR_FLOW_STATS_F_LEARNED), f->packets, f->bytes,
		       f->rtcp_packets);
		for (unsigned d = 0; d < MR_FLOW_DROP_MAX; d++)
			if (f->drops[d])
				printf(" drop_%.*s=%" PRIu64, MR_SHM_NAME_LEN,
				       h->flow_drop_names[d][0] ? h->flow_drop_names[d] : "unnamed",
				       f->drops[d]);
		printf("\n");
	}
	for (uint32_t i = 0; i < h->n_ifaces && i < MR_SHM_MAX_IFACES; i++) {
		const struct mr_iface_info *ifc = &shm.ifaces[i];

		printf("iface name=%.*s mac=%02x:%02x:%02x:%02x:%02x:%02x up=%u rx_packets=%" PRIu64
		       " tx_packets=%" PRIu64 " rx_missed=%" PRIu64 " tx_errors=%" PRIu64 "\n",
		       MR_SHM_NAME_LEN, ifc->name, ifc->mac[0], ifc->mac[1], ifc->mac[2],
		       ifc->mac[3], ifc->mac[4], ifc->mac[5], ifc->up, ifc->rx_packets,
		       ifc->tx_packets, ifc->rx_missed, ifc->tx_errors);
	}
	for (uint32_t d = 0; d < h->n_drops && d < MR_SHM_MAX_DROPS; d++) {
		uint64_t sum = 0;

		for (uint32_t w = 0; w < h->n_workers && w < MR_SHM_MAX_WORKERS; w++)
			sum += shm.workers[w].drops[d];
		if (sum)
			printf("drop reason=%.*s count=%" PRIu64 "\n", MR_SHM_NAME_LEN,
			       h->drop_names[d], sum);
	}
	mr_shm_detach(&shm);
	return 0;
}
