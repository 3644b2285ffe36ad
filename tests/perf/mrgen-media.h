/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mrelay-gen's media scenarios: SRTP through the relay (RTP->SRTP and
 * SRTP->SRTP re-keying, keys from the kernel's CSPRNG, verified with
 * libsrtp) and transcoding (PCMU in, Opus back and Opus in, PCMU back, two
 * flows per call, checked with libopus). mrgen.c keeps the loop, the pacing,
 * the per-flow sequence tracking and the histogram; this module builds the
 * frames, classifies and checks what comes back, and programs the flows
 * into the dataplane over its shm command ring.
 */
#ifndef MRGEN_MEDIA_H
#define MRGEN_MEDIA_H

#include <stdbool.h>
#include <stdint.h>

#include "mrgen-t.h"

enum gen_scenario {
	GEN_SCEN_RTP = 0,	/* plain G.711 relayed unchanged (mrgen.c alone) */
	GEN_SCEN_RTP_SRTP,	/* plain RTP in, SRTP (key K2) back */
	GEN_SCEN_SRTP_SRTP,	/* SRTP with K1 in, SRTP with K2 back */
	GEN_SCEN_TRANSCODE,	/* even flows PCMU in / Opus back, odd flows Opus in / PCMU back */
};

/* What a received frame is, before and after its full check. */
enum gen_media_verdict {
	GEN_MV_OK = 0,
	GEN_MV_FOREIGN,		/* not an RTP frame of this generator */
	GEN_MV_MISDIRECTED,	/* a known flow, wrong addresses, ports or payload type */
	GEN_MV_HDR,		/* IPv4/UDP/RTP not as the wire contract says */
	GEN_MV_AUTH,		/* SRTP tag (or replay) rejected by libsrtp */
	GEN_MV_CORRUPT,		/* decrypted, but the stamp or payload CRC is wrong */
	GEN_MV_UNDECODABLE,	/* transcoded payload libopus (or G.711 length) rejects */
};

struct gen_media_opts {
	enum gen_scenario scen;
	enum gen_mode mode;
	uint32_t verify_every;	/* full check (decrypt / decode) of 1 in N received */
	uint32_t store_max;	/* frames protected ahead of a trial, at most */
	uint32_t fault_tag;	/* flip a tag byte in 1 in N frames sent */
	bool udp_cksum;
};

struct gen_media;

/* Keys from getrandom(), libsrtp sessions, pre-encoded Opus. NULL + errno. */
struct gen_media *gen_media_create(const struct gen_media_opts *o, const struct gen_plan *plan);
void gen_media_free(struct gen_media *m);

/* Sends one FLOW_ADD per flow (with this scenario's keys or transcoding)
 * and a barrier into the dataplane's command ring, waits for the acks.
 * 0, -ENOENT (no such instance), -EIO (a flow refused), -ETIMEDOUT. */
int gen_media_program(struct gen_media *m, const char *instance);

/* Before a trial of `count` frames over the first `flows` flows (count 0:
 * unknown): protects up to store_max frames ahead. Returns the first
 * sequence number of each flow in *base via gen_media_base(). */
void gen_media_trial_begin(struct gen_media *m, uint32_t flows, uint64_t count);
uint64_t gen_media_base(const struct gen_media *m, uint32_t flow);

/* Writes the next frame of `flow` into d (room for 1514 bytes); its length. */
uint16_t gen_media_build(struct gen_media *m, uint8_t *d, uint32_t flow, uint64_t tsc);

/* Header checks and the flow (from the SSRC); *seq16 is the sequence number
 * the generator sent (transcoded flows: mapped back from the relay's
 * numbering, anchored on the first frame of each flow). */
enum gen_media_verdict gen_media_classify(struct gen_media *m, const uint8_t *d, uint32_t len,
					  uint32_t *flow, uint16_t *seq16, bool *anchor);
/* A flow's first frame back: its sequence number stands for `sent16`. */
void gen_media_anchor(struct gen_media *m, uint32_t flow, uint16_t out16, uint16_t sent16);

/* The full check of 1 in verify_every frames (SRTP: libsrtp unprotect with
 * K2, then stamp and CRC; transcode: opus_decode), and the TSC the frame
 * with this extended sequence number left at (0 when not known). */
enum gen_media_verdict gen_media_check(struct gen_media *m, const uint8_t *d, uint32_t len,
				       uint32_t flow, uint64_t seq, uint64_t *tsc);

struct gen_media_stats {
	uint64_t verified;	/* frames fully checked */
	uint64_t inline_built;	/* frames protected on the send path (store exhausted) */
	uint64_t inj_tag;	/* tags flipped (--fault-tag) */
};
void gen_media_stats(const struct gen_media *m, struct gen_media_stats *s);
void gen_media_stats_reset(struct gen_media *m);
/* Fault injection on or off (off during the warm-up). */
void gen_media_faults(struct gen_media *m, bool on);

/* The generator's own libsrtp protect cost, ns per frame (measured at
 * creation on the scenario's frame), 0 when the scenario has no SRTP. */
double gen_media_protect_ns(const struct gen_media *m);

const char *gen_scenario_name(enum gen_scenario s);
int gen_scenario_parse(const char *s, enum gen_scenario *out);

/* mrgen.c: the addresses and port of a flow under the plan (host order). */
void gen_flow_endpoints(const struct gen_plan *p, uint32_t flow, uint32_t *gen_ip,
			uint32_t *dut_ip, uint16_t *port);

#endif
