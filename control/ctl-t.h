/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mrelay-control's types: the process context, the port allocator, the
 * dataplane client and the ng endpoint. Sessions are in session-t.h.
 */
#ifndef CTL_T_H
#define CTL_T_H

#include <signal.h>
#include <sys/socket.h>
#include <stdbool.h>
#include <stdint.h>

#include "config/config-t.h"
#include "bencode/bencode-t.h"
#include "sdp/sdp-t.h"
#include "sdes/sdes-t.h"
#include "shm/shm.h"

#include "session-t.h"

/*
 * Free RTP/RTCP port pairs of one address: even RTP port, RTCP = RTP + 1.
 * A FIFO of pair indices shuffled at start: O(1) alloc and free, a random
 * first port, and a freed pair is reused as late as possible.
 */
struct ctl_pairs {
	uint32_t head;		/* next pair to hand out, index in fifo */
	uint32_t count;		/* free pairs in the fifo */
	uint32_t *fifo;		/* ctl_ports.pairs entries */
	uint8_t *used;		/* ctl_ports.pairs entries: 1 while allocated */
};

/*
 * The pairs of one interface: the same port range on each of its addresses
 * (addrs4/addrs6 of its config, same order), one ctl_pairs each.
 */
struct ctl_ports {
	uint32_t n;		/* pairs over every address */
	uint32_t count;		/* free pairs over every address */
	uint16_t first;		/* lowest even port of the range */
	uint16_t pairs;		/* pairs per address */
	uint16_t n_addrs[2];	/* [0] IPv4, [1] IPv6 */
	uint16_t rr[2];		/* next address to try for a new call's side */
	struct ctl_pairs *addrs[2];
};

/* Events other than acks, kept while a command waits for its acks. */
struct ctl_dp_evq {
	struct mr_msg *msgs;
	uint32_t n, cap;
	uint32_t head;		/* next to hand out */
};

/* Outcome of one command, by sequence number (acks may come late or never). */
struct ctl_dp_slot {
	uint32_t seq;
	int32_t result;
	uint8_t state;		/* CTL_DP_SLOT_* */
};

enum { CTL_DP_SLOT_FREE = 0, CTL_DP_SLOT_PENDING, CTL_DP_SLOT_DONE };

#define CTL_DP_SLOTS 65536u	/* power of two; more than ever outstanding */

/* The client side of the shm region: commands, acks, events, flow ids. */
struct ctl_dp {
	struct mr_shm shm;
	char instance[MR_CFG_NAME_LEN];
	bool attached;		/* mapped and hello acked */
	bool reprogram;		/* a new generation: every live flow must be sent again */
	uint64_t generation;	/* of the dataplane we last said hello to; 0 = none yet */
	uint32_t seq;		/* last sequence number used */
	uint32_t ack_timeout_ms;
	uint32_t n_flows;	/* flow-id space (the stats table of the first dataplane) */
	uint32_t *free_ids;	/* stack of free flow ids */
	uint32_t n_free;
	uint8_t *id_used;	/* n_flows entries: 1 while an id is ours */
	uint32_t *reserved;	/* ids of journaled flows, kept out of free_ids */
	uint32_t n_reserved;
	uint64_t next_poll_ms;
	struct ctl_dp_evq evq;
	struct ctl_dp_slot *slots;	/* CTL_DP_SLOTS, by seq */
	/* Unit tests play the dataplane from here while control waits. */
	void (*wait_hook)(void *arg);
	void *wait_arg;
	/* Counters. */
	uint64_t cmds, acks, nacks, timeouts, ring_full, attaches, reprogrammed, orphans;
};

/* One cached reply, for retransmitted cookies. */
struct ctl_cookie {
	UT_hash_handle hh;	/* by cookie; iteration order is the expiry order */
	uint64_t expires_ms;
	uint32_t cookie_len;
	uint32_t reply_len;
	char *cookie;
	uint8_t *reply;
};

#define CTL_COOKIE_TTL_MS 30000u
#define CTL_COOKIE_MAX 65536u
#define CTL_COOKIE_BYTES (64u << 20)	/* replies kept, in bytes, at most */

/* A reply waiting for the acks of the flows its request sent. */
struct ctl_ng_pend {
	struct ctl_op *op;
	char *cookie;
	size_t cookie_len;
	uint8_t *reply;
	size_t reply_len;
	struct sockaddr_storage from;
	socklen_t fromlen;
	uint8_t cmd;		/* for the error counters */
};

#define CTL_NG_BURST 64		/* datagrams taken per wake-up; their flows travel together */

struct ctl_ng {
	int fd;
	uint8_t *rx;		/* one datagram */
	uint8_t *tx;		/* one reply */
	uint8_t *sdp_out;	/* rewritten SDP */
	struct mr_bencode_node *nodes;
	struct ctl_cookie *cookies;	/* uthash head */
	size_t cookie_bytes;		/* reply bytes they hold */
	struct ctl_ng_pend pend[CTL_NG_BURST];
	unsigned n_pend;
	/* Counters. */
	uint64_t requests, errors, retransmits, cmd_count[16], cmd_errors[16];
	uint8_t last_cmd;	/* of the request ng_process saw last */
};

/* Flags of one ng request (the "flags" list and the dictionaries). */
enum {
	CTL_REQ_F_TRUST_ADDRESS = 1u << 0,
	CTL_REQ_F_SIP_SOURCE = 1u << 1,
	CTL_REQ_F_SYMMETRIC = 1u << 2,
	CTL_REQ_F_ASYMMETRIC = 1u << 3,
	CTL_REQ_F_STRICT_SOURCE = 1u << 4,
	CTL_REQ_F_PORT_LATCHING = 1u << 5,
	CTL_REQ_F_REPLACE_ORIGIN = 1u << 6,
	CTL_REQ_F_REPLACE_SESS_CONN = 1u << 7,
	CTL_REQ_F_ICE_REMOVE = 1u << 8,
	CTL_REQ_F_MUX_OFFER = 1u << 9,
	CTL_REQ_F_MUX_ACCEPT = 1u << 10,
	CTL_REQ_F_MUX_DEMUX = 1u << 11,
	CTL_REQ_F_MUX_REQUIRE = 1u << 12,
	CTL_REQ_F_ALWAYS_TRANSCODE = 1u << 13,
};

/* One decoded ng request: slices point into the datagram. */
struct ctl_req {
	const struct mr_bencode_doc *doc;
	const struct mr_bencode_node *root;
	struct mr_str command;
	struct mr_str call_id, from_tag, to_tag, sdp, label, transport;
	uint32_t flags;			/* CTL_REQ_F_* */
	int iface[2];			/* [0] facing the sender, [1] the recipient; -1 default */
	struct mr_ip received_from;
	struct mr_ip media_address;
	uint8_t af;			/* address family asked for the recipient; 0 = as received */
	int64_t delete_delay;		/* seconds; -1 = the configured one */
	int64_t limit;			/* list */
	struct mr_sdes_opts sdes;	/* the "SDES" list and SDES-* flags */
	struct ctl_codec_opts codec;	/* "codec", "ptime", "ptime-reverse", always-transcode */
	char warning[256];
};

struct sqlite3;
struct sqlite3_stmt;

/* Calls kept in SQLite, so that a restarted control finds them again. */
struct ctl_journal {
	struct sqlite3 *db;		/* NULL: no journal */
	struct sqlite3_stmt *put, *del, *meta;
	bool in_txn;
	uint64_t puts, dels, errors, skipped;
};

struct ctl_sock;
struct ctl_metrics;

struct ctl {
	const struct mr_config *cfg;
	struct ctl_journal jr;
	struct ctl_dp dp;
	struct ctl_ports ports[MR_CFG_MAX_IFACES];
	struct ctl_sessions sess;
	struct ctl_ng ng;
	struct mr_sdp *sdp_in;	/* large: one parse at a time */
	uint64_t now_ms;	/* CLOCK_MONOTONIC, refreshed by the loop */
	uint64_t started_s;	/* CLOCK_REALTIME at start */
	struct ctl_sock *sock;		/* mrelayctl socket (ctlsock.c); NULL: none */
	struct ctl_metrics *metrics;	/* Prometheus endpoint (metrics.c); NULL: none */
	volatile sig_atomic_t stop;
};

#endif
