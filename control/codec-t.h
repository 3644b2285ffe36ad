/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Codec negotiation (control/codec.c): the ng "codec" dictionary, ptime and
 * ptime-reverse of one request, and what one stream negotiated.
 */
#ifndef CTL_CODEC_T_H
#define CTL_CODEC_T_H

#include <stdbool.h>
#include <stdint.h>

#include "common/mr_str.h"

/* The lists of the ng "codec" dictionary. */
enum ctl_codec_op {
	CTL_CODEC_STRIP = 0,	/* removed: neither party uses it */
	CTL_CODEC_MASK,		/* hidden from the answerer, still taken from the offerer */
	CTL_CODEC_OFFER,	/* kept (even when stripped or masked) and put first, in this order */
	CTL_CODEC_TRANSCODE,	/* added towards the answerer when missing: we transcode */
	CTL_CODEC_ACCEPT,	/* answer: the offerer takes it as it is (no transcoding) */
	CTL_CODEC_OP_COUNT
};

#define CTL_CODEC_MAX_NAMES 16	/* per list; more is an error */
#define CTL_CODEC_MAX_FMTS 32	/* formats of the offerer remembered until the answer */
#define CTL_DTMF_KEEP 32	/* digits kept per call */
#define CTL_CODEC_MAP_MAX 16	/* payload types remapped per stream */

/* Codec options of one ng request; slices point into the datagram. */
struct ctl_codec_opts {
	struct mr_str names[CTL_CODEC_OP_COUNT][CTL_CODEC_MAX_NAMES];
	uint8_t n[CTL_CODEC_OP_COUNT];
	uint16_t ptime;		/* ms, 0 = none: towards the recipient of this request's SDP */
	uint16_t ptime_reverse;	/* ms, 0 = none: towards the party that sent it */
	bool always;		/* "always transcode" */
	bool any;		/* some codec option is present */
};

/* One format the offerer can take (offered, or masked). */
struct ctl_xc_fmt {
	uint8_t pt;
	uint8_t codec;		/* enum mr_codec_id; 0: one the relay does not transcode */
	uint16_t channels;
	uint32_t clock;
	char name[24];		/* rtpmap encoding name, or the static payload type's */
};

/*
 * Per stream: the offer waiting for its answer, and what the last answer
 * settled. Index [s] is the slot of a party: the codec it sends and
 * receives, its payload types, the ptime it receives; on[s] marks the flow
 * of packets slot s sends as transcoded (or repacketized).
 */
struct ctl_xc {
	struct ctl_xc_fmt offered[CTL_CODEC_MAX_FMTS];
	uint8_t n_offered;
	uint8_t offerer;
	uint8_t offer_te_pt;	/* telephone-event the offerer offered, 0xff none */
	uint8_t offer_cn_pt;
	uint8_t offer_ptime;	/* a=ptime of the offer, 0 none */
	uint8_t want_ptime[2];	/* ptime / ptime-reverse asked towards each slot, 0 none */
	bool always;
	bool pending;		/* an offer waits for its answer */
	/* Settled by the answer. */
	bool settled;		/* an answer was taken: the fields below hold */
	bool on[2];
	uint8_t codec[2];
	uint8_t pt[2];
	uint8_t te_pt[2];
	uint8_t cn_pt[2];
	uint8_t ptime[2];
	/*
	 * Passed-through formats the answerer numbered differently: the
	 * offerer is answered with its own numbers, and the dataplane remaps
	 * (o_pt -> a_pt towards the answerer, a_pt -> o_pt back).
	 */
	uint8_t n_map;
	struct {
		uint8_t o_pt;
		uint8_t a_pt;
	} map[CTL_CODEC_MAP_MAX];
};

#endif
