/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Messages between mrelay-control and mrelay-dataplane. Fixed-size structs
 * passed by value through rte_rings in shared memory: no pointers cross the
 * boundary. Message types are never renumbered; a change of any layout bumps
 * MR_MSG_ABI. Every size is asserted below and published in the shm header.
 */
#ifndef MR_MSG_T_H
#define MR_MSG_T_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include "common/mr_addr.h"

/* 2: mr_srtp_spec.lifetime, mr_worker_stats.srtp_events */
/* 3: mr_pass_spec, mr_transcode_spec.rtcp_flow_id, mr_flow_stats.rtcp and .dtmf */
#define MR_MSG_ABI 3

enum mr_msg_type {
	/* control -> dataplane (command ring) */
	MR_MSG_HELLO = 1,	/* u.hello: ABI and sizes; acked */
	MR_MSG_FLOW_ADD = 2,	/* u.flow: install; acked */
	MR_MSG_FLOW_MOD = 3,	/* u.flow: replace the action of an existing flow atomically; acked */
	MR_MSG_FLOW_DEL = 4,	/* hdr.flow_id (u.flow.key too); acked */
	MR_MSG_FLOW_DUMP = 5,	/* one MR_EVT_FLOW_INFO per flow, then the ack */
	MR_MSG_BARRIER = 6,	/* acked once every earlier command is applied */
	MR_MSG_CAPTURE = 7,	/* u.capture: start or stop a packet capture; acked */

	/* dataplane -> control (event ring) */
	MR_EVT_ACK = 128,	/* hdr.seq = the command's seq, hdr.result = 0 or -errno */
	MR_EVT_FLOW_IDLE = 129,	/* u.idle: no packet for idle_timeout_s */
	MR_EVT_FLOW_LEARNED = 130, /* u.learned: the flow latched onto a source */
	MR_EVT_FLOW_INFO = 131,	/* u.flow: one flow of a dump */
	MR_EVT_DTMF = 132,	/* u.dtmf: one digit, reported once */
	MR_EVT_CAPTURE_DONE = 133, /* u.capture_done: a capture ended, its file is closed */
};

/* Flow flags (mr_flow_spec.flags). */
enum {
	MR_FLOW_F_LEARN = 1u << 0,	   /* latch onto the first source seen in the learning window */
	MR_FLOW_F_STRICT_SOURCE = 1u << 1, /* drop packets not from expect_src (or the learned source) */
	MR_FLOW_F_RTCP = 1u << 2,	   /* this flow carries RTCP only */
	MR_FLOW_F_RTCP_MUX = 1u << 3,	   /* RTP and RTCP share this port */
	MR_FLOW_F_BLACKHOLE = 1u << 4,	   /* count, do not forward (hold / inactive / no destination yet) */
	MR_FLOW_F_REWRITE_SSRC = 1u << 5,  /* ssrc_out, seq_delta, ts_delta apply */
	MR_FLOW_F_PEER_DST = 1u << 6,	   /* send to the source the peer flow learned (symmetric) */
	MR_FLOW_F_TRANSCODE = 1u << 7,	   /* decode and re-encode as u.flow.transcode says */
	MR_FLOW_F_RTCP_TERM = 1u << 8,	   /* RTCP from a leg that receives transcoded media: parsed
					    * into the stats slot and consumed (the relay sends its own) */
	MR_FLOW_F_DTMF = 1u << 9,	   /* not transcoded: report RFC 4733 digits of u.flow.pass.te_pt */
};

#define MR_FLOW_ID_NONE UINT32_MAX

/*
 * What identifies a flow: the packet arrived on this interface (and VLAN) for
 * this local address and UDP port. All padding zero: the key is hashed whole.
 */
struct mr_flow_key {
	uint16_t iface;		/* mrelay interface index (config order) */
	uint16_t vlan;		/* 0 = untagged */
	uint8_t family;		/* 4 or 6 */
	uint8_t pad;
	uint16_t port;		/* local UDP port, host byte order */
	uint8_t addr[16];	/* local address, network byte order */
};

/*
 * SDES keys for one direction, zero = plain RTP. Filled by lib/sdes
 * (mr_sdes_crypto_to_spec), consumed by dataplane/srtp.c.
 * suite: enum mr_srtp_suite (lib/sdes/sdes-t.h): 0 none,
 * 1 AES_CM_128_HMAC_SHA1_80, 2 AES_CM_128_HMAC_SHA1_32,
 * 3 AES_256_CM_HMAC_SHA1_80, 4 AEAD_AES_128_GCM, 5 AEAD_AES_256_GCM.
 * flags: MR_SRTP_F_* (1 UNENCRYPTED_SRTP, 2 UNENCRYPTED_SRTCP,
 * 4 UNAUTHENTICATED_SRTP). mki: value of mki_len (0..4) bytes, big-endian
 * on the wire. lifetime: most SRTP + SRTCP packets the master key may
 * protect or authenticate (a=crypto lifetime, RFC 4568 section 6.1); 0 = no
 * bound but SRTP's own. It took 8 of key's formerly unused bytes (keys are
 * at most 46): older senders left them zero, meaning no bound.
 */
struct mr_srtp_spec {
	uint8_t suite;		/* enum mr_srtp_suite; 0 = none */
	uint8_t key_len;	/* master key + salt, bytes */
	uint8_t flags;		/* MR_SRTP_F_* */
	uint8_t mki_len;
	uint32_t mki;
	uint8_t key[48];	/* wiped after use */
	uint64_t lifetime;	/* packets; 0 = unbounded */
};

/*
 * Transcoding of one flow (MR_FLOW_F_TRANSCODE), in mr_flow_spec's 48
 * reserved bytes. Codec ids are enum mr_codec_id (lib/codec/codec-t.h:
 * 1 PCMU, 2 PCMA, 3 G722, 4 opus); a payload type of 0xff means the leg did
 * not negotiate it. The transcoded leg's SSRC is mr_flow_spec.ssrc_out; its
 * first sequence number and timestamp are the dataplane's choice. The
 * dataplane takes a transcoder from its pool when the flow is programmed and
 * refuses the flow (-ENOSPC) when none is left.
 */
struct mr_transcode_spec {
	uint8_t in_codec;	/* what arrives on this flow */
	uint8_t out_codec;	/* what the flow sends */
	uint8_t in_pt;
	uint8_t out_pt;
	uint8_t in_te_pt;	/* telephone-event of the receiving leg */
	uint8_t out_te_pt;	/* telephone-event of the sending leg */
	uint8_t in_cn_pt;	/* CN (13) when the receiving leg offered it */
	uint8_t out_ptime;	/* ms: 10, 20, 30, 40 or 60; 0 = 20 (ptime, ptime-reverse) */
	uint8_t opus_complexity; /* 0..10; 0xff = the dataplane's default */
	uint8_t opus_max_bw;	/* kHz the Opus receiver takes (maxplaybackrate): 8/12/16/24/48; 0 = from the other leg */
	uint16_t flags;		/* MR_CODEC_F_* (lib/codec/codec-t.h): Opus FEC, stereo, DTMF detect/tones */
	uint32_t opus_bitrate;	/* bit/s (maxaveragebitrate); 0 = chosen from the bandwidth */
	uint32_t rtcp_flow_id;	/* the flow receiving the RTCP of the remote this flow sends to
				 * (its SR gives the reports' LSR/DLSR); MR_FLOW_ID_NONE: the peer
				 * flow (rtcp-mux) */
	uint8_t pad[28];	/* zero */
};

/*
 * A flow that is not transcoded, in the same 48 bytes: payload types
 * remapped where the legs negotiated one codec under different numbers
 * (RTP only; RTCP is left alone), and the telephone-event payload type
 * whose RFC 4733 digits are reported (with MR_FLOW_F_DTMF). The dataplane
 * builds a 128-entry table from map[] when the flow is programmed.
 */
#define MR_PASS_MAP_MAX 20
struct mr_pass_spec {
	uint8_t te_pt;		/* telephone-event as this flow sends it, after remapping (MR_FLOW_F_DTMF) */
	uint8_t n_map;		/* entries of map[] in use, 0 = no remapping */
	uint16_t pad;
	struct {
		uint8_t in;	/* payload type arriving, 0..127 */
		uint8_t out;	/* payload type sent, 0..127 */
	} map[MR_PASS_MAP_MAX];
	uint8_t pad2[4];	/* zero */
};

/* Install or modify one flow: one direction of one stream. */
struct mr_flow_spec {
	struct mr_flow_key key;
	uint32_t flow_id;	/* stats slot chosen by control, < flow capacity */
	uint32_t peer_flow_id;	/* the reverse direction, or MR_FLOW_ID_NONE */
	uint32_t tenant;
	uint32_t flags;		/* MR_FLOW_F_* */
	uint16_t out_iface;	/* egress interface index */
	uint16_t out_vlan;
	uint32_t learn_window_ms; /* learning allowed this long after programming; 0 = config default */
	struct mr_sockaddr out_src;	/* our address and port on the egress side */
	struct mr_sockaddr out_dst;	/* the remote to send to (may be replaced by learning) */
	struct mr_sockaddr expect_src;	/* the remote expected to send here; unset = learn */
	uint32_t idle_timeout_s;	/* report MR_EVT_FLOW_IDLE after this long; 0 = config default */
	uint32_t clock_rate;		/* of the payload, for jitter; 0 = 8000 */
	uint32_t ssrc_out;
	uint16_t seq_delta;
	uint16_t pad;
	uint32_t ts_delta;
	uint32_t pad2;
	uint64_t call_hash;		/* groups the flows of one call (capture, dumps) */
	struct mr_srtp_spec srtp_in;	/* unprotect what arrives */
	struct mr_srtp_spec srtp_out;	/* protect what leaves */
	union {
		uint8_t reserved[48];
		struct mr_transcode_spec transcode; /* with MR_FLOW_F_TRANSCODE */
		struct mr_pass_spec pass;	    /* without it */
	};
};

struct mr_msg_hello {
	uint32_t abi;
	uint32_t msg_size;
	uint32_t flow_spec_size;
	uint32_t flow_stats_size;
	uint32_t pid;
	char name[32];		/* the sender, for logs */
};

struct mr_evt_idle {
	uint32_t flow_id;
	uint32_t idle_s;
	uint64_t packets;
};

struct mr_evt_learned {
	uint32_t flow_id;
	uint32_t pad;
	struct mr_sockaddr src;
};

struct mr_evt_dtmf {
	uint32_t flow_id;
	uint8_t event;		/* RFC 4733 event code: 0-9, 10 '*', 11 '#', 12-15 A-D */
	uint8_t source;		/* 0 = RFC 4733, 1 = in-band tone */
	uint16_t duration_ms;
	uint8_t volume;
	uint8_t pad[7];
};

/*
 * A packet capture (MR_MSG_CAPTURE). START: the dataplane takes a duplicate
 * of descriptor `fd` of process `pid` (control, which got it from mrelayctl
 * over its socket) with pidfd_getfd(2), writes a pcapng file there with
 * rte_pcapng, and copies every packet of the listed flows twice: as received
 * (inbound) and as sent after rewrite (outbound). One capture at a time
 * (-EBUSY). STOP: ends capture `id`. Either way MR_EVT_CAPTURE_DONE follows
 * once the file is complete and closed.
 */
#define MR_CAPTURE_MAX_FLOWS 96

enum {
	MR_CAPTURE_START = 1,
	MR_CAPTURE_STOP = 2,
};

/* Why a capture ended (mr_evt_capture_done.reason). */
enum {
	MR_CAPTURE_END_STOP = 0,	/* stopped by control (mrelayctl's Ctrl-C, client gone) */
	MR_CAPTURE_END_COUNT = 1,	/* max_packets written */
	MR_CAPTURE_END_TIME = 2,	/* seconds elapsed */
	MR_CAPTURE_END_ERROR = 3,	/* writing failed: result says why */
	MR_CAPTURE_END_EXIT = 4,	/* the dataplane is stopping */
};

struct mr_capture_spec {
	uint8_t op;		/* MR_CAPTURE_START / STOP */
	uint8_t pad[3];
	uint32_t id;		/* chosen by control; the done event names it */
	uint32_t pid;		/* START: the process holding fd */
	int32_t fd;		/* START: its descriptor number there */
	uint32_t max_packets;	/* packets written, then stop; 0 = no limit */
	uint32_t seconds;	/* then stop; 0 = no limit */
	uint32_t snaplen;	/* bytes kept of each packet; 0 = whole */
	uint32_t n_flows;
	uint32_t flow_ids[MR_CAPTURE_MAX_FLOWS];
};

struct mr_evt_capture_done {
	uint32_t id;
	int32_t result;		/* 0, or -errno of the write that failed */
	uint32_t reason;	/* MR_CAPTURE_END_* */
	uint32_t pad;
	uint64_t written;	/* packets in the file */
	uint64_t dropped;	/* copies lost: copy pool or ring exhausted */
	uint64_t bytes;		/* packet bytes written */
};

struct mr_msg_hdr {
	uint16_t type;		/* enum mr_msg_type */
	uint16_t flags;
	uint32_t seq;		/* chosen by the sender; acks carry the command's */
	uint64_t generation;	/* the dataplane generation the sender knows */
	int32_t result;		/* acks: 0 or -errno */
	uint32_t flow_id;	/* the flow concerned, or MR_FLOW_ID_NONE */
};

#define MR_MSG_SIZE 448

struct mr_msg {
	struct mr_msg_hdr hdr;
	union {
		struct mr_msg_hello hello;
		struct mr_flow_spec flow;
		struct mr_evt_idle idle;
		struct mr_evt_learned learned;
		struct mr_evt_dtmf dtmf;
		struct mr_capture_spec capture;
		struct mr_evt_capture_done capture_done;
		uint8_t raw[MR_MSG_SIZE - sizeof(struct mr_msg_hdr)];
	} u;
};

static_assert(sizeof(struct mr_ip) == 20, "mr_ip layout");
static_assert(sizeof(struct mr_sockaddr) == 24, "mr_sockaddr layout");
static_assert(sizeof(struct mr_flow_key) == 24, "mr_flow_key layout");
static_assert(sizeof(struct mr_srtp_spec) == 64, "mr_srtp_spec layout");
static_assert(offsetof(struct mr_srtp_spec, lifetime) == 56, "mr_srtp_spec layout");
static_assert(offsetof(struct mr_flow_spec, srtp_in) % 8 == 0, "mr_srtp_spec alignment");
static_assert(sizeof(struct mr_transcode_spec) == 48, "mr_transcode_spec layout");
static_assert(sizeof(struct mr_pass_spec) == 48, "mr_pass_spec layout");
static_assert(sizeof(struct mr_flow_spec) == 328, "mr_flow_spec layout");
static_assert(sizeof(struct mr_capture_spec) == 416, "mr_capture_spec layout");
static_assert(sizeof(struct mr_evt_capture_done) == 40, "mr_evt_capture_done layout");
static_assert(sizeof(struct mr_msg_hdr) == 24, "mr_msg_hdr layout");
static_assert(sizeof(struct mr_msg) == MR_MSG_SIZE, "mr_msg layout");
static_assert(MR_MSG_SIZE % 8 == 0, "ring elements are multiples of 4 bytes");

#endif
