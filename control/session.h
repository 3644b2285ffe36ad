/* SPDX-License-Identifier: BSD-3-Clause */
/* Calls: offer, answer, delete, query, timers, dataplane events. */
#ifndef CTL_SESSION_H
#define CTL_SESSION_H

#include "bencode/bencode.h"
#include "sdp/sdp-t.h"

#include "ctl-t.h"

int ctl_sess_init(struct ctl *c);
void ctl_sess_fini(struct ctl *c);

/*
 * offer / answer: parse r->sdp, update the call, program the flows (waiting
 * for the acks), and write the SDP to pass on into out. On error nothing
 * of the request stays (a new call is removed again) and *why says why.
 * Returns 0 or -errno.
 */
int ctl_sess_offer(struct ctl *c, struct ctl_req *r, uint8_t *out, size_t cap,
		   size_t *out_len, const char **why);
int ctl_sess_answer(struct ctl *c, struct ctl_req *r, uint8_t *out, size_t cap,
		    size_t *out_len, const char **why);
/*
 * With c->sess.defer set, a successful offer/answer has only sent its
 * flows and left c->sess.last_op: finish it (wait for the acks until
 * deadline, then keep or undo the change). Returns 0 or -errno with *why.
 */
int ctl_sess_op_finish(struct ctl *c, struct ctl_op *op, uint64_t deadline, const char **why);
/* delete and query write their statistics into e (inside the reply dict). */
int ctl_sess_delete(struct ctl *c, struct ctl_req *r, struct mr_bencode_enc *e, const char **why);
int ctl_sess_query(struct ctl *c, struct ctl_req *r, struct mr_bencode_enc *e, const char **why);
void ctl_sess_list(struct ctl *c, int64_t limit, struct mr_bencode_enc *e);
void ctl_sess_statistics(struct ctl *c, struct mr_bencode_enc *e);

struct ctl_call *ctl_sess_find(struct ctl *c, struct mr_str call_id);
/* Remove a call now: its flows, ports and flow ids. */
void ctl_sess_destroy(struct ctl *c, struct ctl_call *call);

/*
 * Take a journaled call back (before the first attach): its ports and flow
 * ids are reserved, its flows counted as installed in the journaled
 * generation. Returns 0, or -EINVAL (ports taken or out of range) with
 * nothing kept.
 */
int ctl_sess_adopt(struct ctl *c, struct ctl_call *call);

/* An idle or learned event from the dataplane. */
void ctl_sess_event(struct ctl *c, const struct mr_msg *m);
/* Fire due timers (final-timeout, delete-delay). */
void ctl_sess_timers(struct ctl *c);
/* After a dataplane restart: send every installed flow again. */
int ctl_sess_reprogram(struct ctl *c);

/* Interface addresses for a family (4/6): the key address and the advertised one. */
int ctl_iface_addr(const struct mr_config *cfg, unsigned iface, uint8_t af,
		   struct mr_ip *addr, struct mr_ip *adv);

/* sdp_rewrite.c */
int ctl_sdp_remote(const struct mr_sdp *sdp, unsigned i, const struct ctl_req *r,
		   struct ctl_remote *out, const char **why);
int ctl_sdp_check_transport(const struct mr_sdp *sdp, const struct ctl_req *r, const char **why);
int ctl_sdp_rewrite(const struct ctl *c, const struct ctl_call *call, const struct mr_sdp *sdp,
		    unsigned to, const struct ctl_req *r, bool strip_mux,
		    uint8_t *out, size_t cap, size_t *out_len, const char **why);

/*
 * sdes.c: SDES per stream. Between ctl_sdes_begin() and ctl_sdes_end() (one
 * request), offer/answer decide each party's keys and the a=crypto lines
 * and transport written towards the other; ctl_sdp_rewrite applies them
 * (ctl_sdes_apply). offer/answer return 0, or -EINVAL with *why (no usable
 * crypto for an SRTP leg: the request fails, no flow is made) or an error of
 * the CSPRNG.
 */
void ctl_sdes_begin(void);
void ctl_sdes_end(void);
int ctl_sdes_offer(struct ctl_stream *st, const struct mr_sdp *sdp, unsigned i, unsigned o,
		   struct ctl_req *r, const char **why);
int ctl_sdes_answer(struct ctl_stream *st, const struct mr_sdp *sdp, unsigned i, unsigned a,
		    struct ctl_req *r, const char **why);
void ctl_sdes_apply(unsigned i, struct mr_sdp_edit_media *em);
/* The keys of the flow of packets sent by slot s. */
void ctl_sdes_spec(const struct ctl_stream *st, unsigned s, struct mr_flow_spec *sp);
void ctl_sdes_wipe_msgs(struct mr_msg *msgs, unsigned n);
void ctl_sdes_wipe_streams(struct ctl_stream *st, unsigned n);
/* RTP/AVP, RTP/AVPF, RTP/SAVP or RTP/SAVPF. */
bool ctl_sdes_proto_ok(struct mr_str proto);

/* stats.c: rtpengine-shaped per-call statistics */
void ctl_stats_call(struct ctl *c, const struct ctl_call *call, struct mr_bencode_enc *e);

#endif
