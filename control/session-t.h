/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Calls as control keeps them. A call has two slots: 0 is the party that
 * made the first offer (its from-tag), 1 the party that answered (the
 * to-tag of the active branch; forked answers are kept as branches). Each
 * media stream (one per m= line) has, per slot, the local port pair that
 * faces that party, what that party wrote in its SDP, and the flows of the
 * packets that party sends: flow[s][0] RTP, flow[s][1] RTCP.
 */
#ifndef CTL_SESSION_T_H
#define CTL_SESSION_T_H

#include <stdbool.h>
#include <stdint.h>

#include <uthash.h>

#include "common/mr_addr.h"
#include "sdes/sdes-t.h"

#include "codec-t.h"

#define CTL_MAX_TAG 256		/* call-id, from-tag, to-tag, label */
#define CTL_MAX_BRANCHES 8	/* forked answers kept per call */

enum {
	CTL_CALL_F_ASYMMETRIC = 1u << 0,	/* no learning, send to the SDP address */
	CTL_CALL_F_STRICT_SOURCE = 1u << 1,
	CTL_CALL_F_ICE_REMOVE = 1u << 2,
	CTL_CALL_F_REPLACE_ORIGIN = 1u << 3,
	CTL_CALL_F_RTCP_DEMUX = 1u << 4,	/* a=rtcp-mux removed on both sides */
};

/* What one party wrote for one stream. */
struct ctl_remote {
	struct mr_sockaddr rtp;		/* unset until that party's SDP is known */
	struct mr_sockaddr rtcp;
	uint8_t dir;			/* enum mr_sdp_dir */
	bool known;
	bool hold;			/* c= 0.0.0.0 / :: */
	bool rtcp_mux;
	bool disabled;			/* m= port 0 */
};

/* Our port pair facing one party. */
struct ctl_local {
	struct mr_ip addr;		/* the flow key's address */
	struct mr_ip adv;		/* written in SDP (advertised-address or addr) */
	uint16_t iface;
	uint16_t port;			/* RTP; RTCP = port + 1 */
};

struct ctl_flowref {
	uint32_t id;			/* MR_FLOW_ID_NONE: not allocated */
	bool installed;
	bool idle;			/* an idle event came and no packet since */
	uint64_t idle_packets;		/* the flow's packet count at that event */
};

/*
 * SDES state of one stream (control/sdes.c). Holds keys: wiped wherever a
 * stream is freed or copied away.
 */
struct ctl_srtp {
	struct mr_sdes_crypto rx[2];	/* [slot]: the key that party sends with; suite 0: plain */
	struct mr_sdes_crypto tx[2];	/* [slot]: ours towards that party */
	struct mr_sdes_crypto offered[MR_SRTP_SUITE_COUNT - 1];	/* lines offered, until answered */
	uint8_t n_offered;
	uint8_t offered_to;		/* the slot they were offered to */
	bool await[2];			/* SRTP offered to that slot, its key not known yet */
	char proto[2][24];		/* transport each party wrote */
};

#define CTL_MAX_RTPMAP 8		/* payload formats kept per party of a stream */

/* One payload format a party uses (its rtpmap, or the static type's). */
struct ctl_rtpmap {
	uint8_t pt;
	uint8_t channels;		/* 0: not given (video) */
	uint16_t pad;
	uint32_t clock;
	char name[24];			/* "PCMU", "opus", "telephone-event"; "" unknown */
};

struct ctl_stream {
	struct ctl_local local[2];
	struct ctl_remote remote[2];
	struct ctl_flowref flow[2][2];	/* [sending slot][0 RTP, 1 RTCP] */
	char type[16];			/* "audio", "video" ... */
	char proto[24];
	uint32_t clock_rate;
	bool is_rtp;
	bool mux;			/* both parties multiplex RTCP */
	struct ctl_srtp srtp;
	struct ctl_xc xc;		/* codec negotiation (control/codec.c) */
	struct ctl_rtpmap codecs[2][CTL_MAX_RTPMAP];	/* [slot]: control/rtpmap.c */
	uint8_t n_codecs[2];
};

/* The SDES keys of one forked answer, per stream: its own, and ours towards it. */
struct ctl_branch_keys {
	struct mr_sdes_crypto rx;	/* the key that branch sends with */
	struct mr_sdes_crypto tx;	/* the offered line it accepted: ours towards it */
};

struct ctl_branch {
	char tag[CTL_MAX_TAG];
	uint16_t n;
	struct ctl_remote *remote;	/* n entries */
	struct ctl_branch_keys *keys;	/* n entries, wiped when freed; NULL: none (never journaled) */
};

struct ctl_call {
	UT_hash_handle hh;		/* by call_id; iteration is oldest first */
	uint32_t heap_idx;		/* in the timer heap, UINT32_MAX when not */
	uint64_t deadline_ms;		/* final-timeout or delete-delay */
	uint64_t call_hash;		/* mr_flow_spec.call_hash */
	uint64_t created_s, created_us, last_signal_s;
	char call_id[CTL_MAX_TAG];
	char tag[2][CTL_MAX_TAG];	/* slot 1: the active branch */
	char label[2][CTL_MAX_TAG];
	uint32_t flags;			/* CTL_CALL_F_* */
	uint16_t iface[2];		/* interface facing each slot */
	uint8_t af[2];			/* address family written towards each slot */
	bool answered;
	bool deleting;			/* delete-delay running */
	bool busy;			/* flows sent, acks awaited (struct ctl_op) */
	uint16_t n_streams;
	struct ctl_stream *streams;
	uint16_t n_branches;		/* > 0 only once a second to-tag answered */
	uint16_t active_branch;
	struct ctl_branch *branches[CTL_MAX_BRANCHES];
	uint64_t n_dtmf;		/* digits reported by the dataplane */
	char dtmf[CTL_DTMF_KEEP + 1];	/* the last ones */
};

/* Who owns a flow id (idle and learned events name flow ids). */
struct ctl_flow_owner {
	struct ctl_call *call;
	uint16_t stream;
	uint8_t slot;
	uint8_t rtcp;
};

struct ctl_op;

struct ctl_sessions {
	struct ctl_call *calls;		/* uthash head */
	uint32_t n_calls;
	uint32_t n_flows_installed;
	struct ctl_flow_owner *owners;	/* indexed by flow id */
	uint32_t n_owners;
	struct ctl_call **heap;		/* min-heap on deadline_ms */
	uint32_t heap_n, heap_cap;
	bool defer;			/* offer/answer leave their op in last_op */
	struct ctl_op *last_op;
	/* Counters for `statistics`. */
	uint64_t total_calls, offers, answers, deletes, timeouts, final_timeouts, errors;
};

#endif
