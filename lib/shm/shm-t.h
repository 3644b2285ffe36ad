/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The shared-memory region of one mrelay instance (/mrelay-<instance>),
 * created by the dataplane. Layout, each part 64-byte aligned:
 *   header | command ring | event ring | worker stats | interfaces | flow stats
 * Offsets are relative to the start, so each process may map it anywhere.
 */
#ifndef MR_SHM_T_H
#define MR_SHM_T_H

#include <assert.h>
#include <stdint.h>

#include "rtp/rtp-t.h"
#include "shm/msg-t.h"

#define MR_SHM_MAGIC 0x79616c65726d0001ull	/* "mrelay" + 1 */
#define MR_SHM_MAX_WORKERS 16
#define MR_SHM_MAX_DROPS 64
#define MR_SHM_MAX_IFACES 8
#define MR_SHM_NAME_LEN 32

/*
 * libsrtp's events (srtp_install_event_handler), counted per worker in
 * struct mr_worker_stats.srtp_events. Append only.
 */
enum mr_srtp_event {
	MR_SRTP_EV_SSRC_COLLISION = 0,	/* one SSRC both sent and received on a session */
	MR_SRTP_EV_KEY_SOFT_LIMIT = 1,	/* the master key nears its packet limit */
	MR_SRTP_EV_KEY_HARD_LIMIT = 2,	/* the master key is used up: packets refused */
	MR_SRTP_EV_PACKET_INDEX_LIMIT = 3, /* the packet index is about to wrap */
	MR_SRTP_EV_COUNT = 4,
};
#define MR_SRTP_EVENT_NAMES \
	{ "ssrc-collision", "key-soft-limit", "key-hard-limit", "packet-index-limit" }

enum mr_shm_state {
	MR_SHM_STARTING = 0,
	MR_SHM_RUNNING = 1,
	MR_SHM_STOPPED = 2,
};

/* Per-flow drop reasons counted in the stats table (a subset of the worker's). */
enum mr_flow_drop {
	MR_FLOW_DROP_SOURCE = 0,	/* not from the expected or learned source */
	MR_FLOW_DROP_MALFORMED = 1,	/* not RTP/RTCP/STUN on a media port */
	MR_FLOW_DROP_BLACKHOLE = 2,	/* hold, inactive, or no destination */
	MR_FLOW_DROP_SRTP_AUTH = 3,
	MR_FLOW_DROP_SRTP_REPLAY = 4,
	MR_FLOW_DROP_OTHER = 5,
	MR_FLOW_DROP_MAX = 8,
};

/*
 * What a remote said in its RTCP, on a flow that consumes it (a transcoded
 * flow, or one with MR_FLOW_F_RTCP_TERM): its last SR (for the relay's LSR
 * and DLSR, RFC 3550 6.4.1) and its last report block, which describes what
 * the relay sends it, with the round-trip time computed from it.
 */
struct mr_rtcp_remote {
	uint32_t sr_count;		/* SRs received */
	uint32_t rb_count;		/* report blocks received */
	uint32_t lsr;			/* middle 32 bits of the NTP timestamp of the last SR */
	uint32_t rb_ssrc;		/* the source the last report block is about */
	uint64_t sr_tsc;		/* arrival of that SR (0: none yet) */
	uint32_t ext_highest_seq;	/* of the last report block */
	uint32_t jitter;		/* of the last report block, timestamp units */
	int32_t cumulative_lost;	/* of the last report block */
	uint8_t fraction_lost;		/* of the last report block, 1/256 */
	uint8_t pad[3];
	uint32_t rtt_us;		/* round-trip time from the last block with an LSR; 0 none */
	uint32_t pad2;
};

/* RFC 4733 digit tracking of a flow that is not transcoded (MR_FLOW_F_DTMF). */
struct mr_flow_dtmf {
	uint32_t ts;			/* RTP timestamp of the current event */
	uint16_t duration;		/* its longest duration seen, timestamp units */
	uint8_t event;			/* its code */
	uint8_t state;			/* MR_FLOW_DTMF_* */
};

enum {
	MR_FLOW_DTMF_ACTIVE = 1u << 0,	/* ts names an event */
	MR_FLOW_DTMF_REPORTED = 1u << 1, /* that event was reported */
};

/*
 * Counters of one flow slot. Written only by the lcore that processes the
 * flow, read by anyone: aligned 64-bit stores are atomic on the platforms
 * DPDK supports. `gen` changes whenever the slot is given to a new flow.
 */
struct mr_flow_stats {
	uint32_t gen;
	uint32_t flags;			/* MR_FLOW_STATS_F_* */
	uint64_t packets;		/* forwarded or consumed */
	uint64_t bytes;			/* UDP payload bytes received */
	uint64_t first_seen_tsc;
	uint64_t last_seen_tsc;
	uint64_t drops[MR_FLOW_DROP_MAX];
	struct mr_sockaddr learned;	/* the latched source, when MR_FLOW_STATS_F_LEARNED */
	uint32_t rtcp_packets;
	uint32_t pt_last;		/* payload type of the last RTP packet */
	struct mr_rtp_source rtp;	/* RFC 3550 receiver state of the current SSRC */
	struct mr_rtcp_remote rtcp;	/* the remote's reports, where the flow consumes them */
	struct mr_flow_dtmf dtmf;
} __attribute__((aligned(64)));

static_assert(sizeof(struct mr_rtcp_remote) == 48, "mr_rtcp_remote layout");
static_assert(sizeof(struct mr_flow_stats) == 256, "four cache lines per flow slot");

enum {
	MR_FLOW_STATS_F_ACTIVE = 1u << 0,
	MR_FLOW_STATS_F_LEARNED = 1u << 1,
};

/* What a worker stats slot counts (0 in a region from before the field existed). */
enum mr_worker_role {
	MR_WORKER_ROLE_UNSET = 0,
	MR_WORKER_ROLE_WORKER = 1,	/* forwards: polls RX queues */
	MR_WORKER_ROLE_MAIN = 2,	/* the main lcore's own counters (ARP/ND, service) */
	MR_WORKER_ROLE_MEDIA = 3,	/* transcodes what the workers hand it over a ring */
};

#define MR_POLL_GAP_US 50

struct mr_worker_stats {
	uint64_t rx_packets;
	uint64_t tx_packets;
	uint64_t busy_tsc;		/* cycles spent on bursts with packets */
	uint64_t total_tsc;		/* cycles in the loop */
	uint64_t tx_dropped;		/* TX ring full */
	uint32_t role;			/* enum mr_worker_role */
	uint32_t lcore_id;		/* the EAL lcore */
	uint64_t ring_packets;		/* media lcores: packets taken from their ring (not in rx_packets,
					 * which counts what ports delivered) */
	uint64_t pad;
	uint64_t srtp_events[MR_SRTP_EV_COUNT];	/* by enum mr_srtp_event */
	/* Loops of the lcore longer than MR_POLL_GAP_US: the packets that came
	 * meanwhile waited (its core taken away, or a long burst of work). */
	uint64_t poll_gaps;
	uint64_t poll_gap_max_tsc;	/* the longest loop, TSC cycles */
	uint64_t pad2[2];
	uint64_t drops[MR_SHM_MAX_DROPS];	/* indexed by the dataplane's drop reason */
} __attribute__((aligned(64)));

_Static_assert(sizeof(struct mr_worker_stats) == 128 + 8 * MR_SHM_MAX_DROPS, "mr_worker_stats layout");

struct mr_iface_info {
	char name[MR_SHM_NAME_LEN];
	uint16_t port_id;
	uint16_t vlan;
	uint8_t mac[6];
	uint8_t up;
	uint8_t pad;
	struct mr_ip addr4;
	struct mr_ip addr6;
	uint8_t prefix4;
	uint8_t prefix6;
	uint16_t pad2;
	uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes, rx_missed, tx_errors;
	uint16_t n_addrs4;		/* addresses of each family, addr4/addr6 the first */
	uint16_t n_addrs6;
} __attribute__((aligned(64)));

struct mr_shm_hdr {
	uint64_t magic;
	uint32_t abi;			/* MR_MSG_ABI */
	uint32_t hdr_size;
	uint32_t msg_size;
	uint32_t flow_spec_size;
	uint32_t flow_stats_size;
	uint32_t worker_stats_size;
	uint64_t generation;		/* grows at every dataplane start */
	uint32_t state;			/* enum mr_shm_state */
	uint32_t dp_pid;
	uint64_t heartbeat_ms;		/* CLOCK_REALTIME ms, refreshed by the main lcore */
	uint64_t tsc_hz;
	uint64_t tsc_ref;		/* tsc at time_ref_ns, to convert *_tsc to wall time */
	uint64_t time_ref_ns;		/* CLOCK_REALTIME */
	uint64_t size;			/* of the whole region */
	uint64_t cmd_ring_off;
	uint64_t evt_ring_off;
	uint64_t workers_off;
	uint64_t ifaces_off;
	uint64_t flows_off;
	uint32_t cmd_ring_size;
	uint32_t evt_ring_size;
	uint32_t n_flows;		/* capacity of the stats table */
	uint32_t n_workers;
	uint32_t n_ifaces;
	uint32_t n_drops;		/* drop reasons in use */
	char drop_names[MR_SHM_MAX_DROPS][MR_SHM_NAME_LEN];
	char flow_drop_names[MR_FLOW_DROP_MAX][MR_SHM_NAME_LEN];
	char instance[MR_SHM_NAME_LEN];
} __attribute__((aligned(64)));

#endif
