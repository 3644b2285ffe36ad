/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Codec negotiation in offer/answer, as the ng "codec" dictionary asks:
 * strip, mask, offer, transcode, accept, and the flag always-transcode; a
 * stream is transcoded only where the two parties share no codec, or where
 * ptime / ptime-reverse ask for another packet time (repacketization).
 *
 * Like control/sdes.c, between ctl_codec_begin() and ctl_codec_end() (one
 * request) offer/answer decide each stream's edit of the SDP written
 * (ctl_codec_apply, called by ctl_sdp_rewrite) and the stream's state
 * (struct ctl_xc), from which ctl_codec_spec fills the flows' transcode
 * specs.
 */
#ifndef CTL_CODEC_H
#define CTL_CODEC_H

#include "bencode/bencode.h"
#include "sdp/sdp-t.h"
#include "shm/msg-t.h"

#include "ctl-t.h"

/*
 * The request's "codec" dictionary, "ptime", "ptime-reverse" into r->codec.
 * Unknown keys or names are warnings; a malformed value is -EINVAL with *why.
 */
int ctl_codec_req_parse(struct ctl_req *r, const char **why);

void ctl_codec_begin(void);
void ctl_codec_end(void);
/*
 * Offer of media i by slot o. Returns 0, or -EINVAL / -ENOTSUP / -ENOSPC
 * with *why (a codec to transcode to that the relay lacks, no payload type
 * left, no codec left in the offer).
 */
int ctl_codec_offer(struct ctl_stream *st, const struct mr_sdp *sdp, unsigned i, unsigned o,
		    struct ctl_req *r, const char **why);
/* Answer of media i by slot a. Returns 0, or -ENOTSUP with *why (nothing to transcode). */
int ctl_codec_answer(struct ctl_stream *st, const struct mr_sdp *sdp, unsigned i, unsigned a,
		     struct ctl_req *r, const char **why);
void ctl_codec_apply(unsigned i, struct mr_sdp_edit_media *em);
/* The transcode spec of the flow of packets sent by slot s (k: 0 RTP, 1 RTCP). */
void ctl_codec_spec(const struct ctl_stream *st, unsigned s, unsigned k, struct mr_flow_spec *sp);

/* An MR_EVT_DTMF: logged and kept with its call. */
void ctl_codec_dtmf(struct ctl *c, const struct mr_msg *m);
/* The call's codec state for query: "dtmf" (digits so far) and "transcode". */
void ctl_codec_query(const struct ctl_call *call, struct mr_bencode_enc *e);

#endif
