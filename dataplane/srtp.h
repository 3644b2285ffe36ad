/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SRTP in the dataplane: the one wrapper around libsrtp. Sessions are made
 * and freed on the main lcore when a flow is programmed or removed; the
 * packet functions run on the lcore that owns the flow, never allocate in
 * steady state (see DP_SRTP_MAX_SSRC for the first packet of an SSRC), never
 * log, never lock. libsrtp's srtp_err_status_t becomes a negative errno
 * here and nowhere else:
 *
 *   -EBADMSG   authentication failed (tag wrong)          srtp-auth
 *   -EALREADY  replayed, or older than the replay window  srtp-replay
 *   -EPROTO    plain RTP/RTCP on an SRTP direction        srtp-plain
 *   -EUSERS    an SSRC beyond DP_SRTP_MAX_SSRC            srtp-ssrc-limit
 *   -EKEYEXPIRED  the key's lifetime is spent (a=crypto     srtp-key-used-up
 *              lifetime, or libsrtp's own hard limit)
 *   -EINVAL    malformed (e.g. shorter than a header)     srtp-other
 *   -ENOSPC    protect: no room for the trailer           srtp-other
 *   -ENOMEM, -EIO: libsrtp's other errors                 srtp-other
 *
 * Plain packets: a plain RTCP compound (its length fields cover the packet
 * exactly) or a packet too short to hold a tag is -EPROTO. A full-size plain
 * RTP packet cannot be told from a forged SRTP one: it fails as -EBADMSG.
 */
#ifndef DP_SRTP_H
#define DP_SRTP_H

#include <stdbool.h>
#include <stdint.h>

#include "drop-t.h"
#include "srtp-t.h"

struct mr_srtp_spec;

/*
 * Once per process on the main lcore, before any session: srtp_init(), the
 * event handler (counts, never logs) and the allocation-free HMAC-SHA1.
 * 0 or -EIO.
 *
 * libsrtp reports SSRC collisions, key soft/hard limits and the packet
 * index limit through one process-wide handler, from inside protect or
 * unprotect. It counts each into the session's `events` and, when set, into
 * the counters of the lcore using the session (dp_srtp_set_events()): an
 * increment, no lock, no allocation.
 */
int dp_srtp_global_init(void);
/* After the last session is freed. */
void dp_srtp_global_fini(void);

/*
 * Make the libsrtp session for one direction of a flow from its spec
 * (suite 0: plain, s is zeroed and 0 returned). outbound: this direction
 * protects what leaves; else it unprotects what arrives. Replay window
 * DP_SRTP_WINDOW, repeated transmissions refused, any SSRC. The key is
 * copied into libsrtp and then wiped from spec (whatever the result).
 * Main lcore only. Returns 0, -EINVAL (unknown suite, key length not the
 * suite's, MKI length above 4), -ENOTSUP (UNENCRYPTED_SRTP or
 * UNAUTHENTICATED_SRTP with an AEAD suite) or -ENOMEM.
 */
int dp_srtp_session_init(struct dp_srtp *s, struct mr_srtp_spec *spec, bool outbound);

/* Free the session (libsrtp wipes its key schedules) and zero s. NULL-safe, idempotent. */
void dp_srtp_session_free(struct dp_srtp *s);

/*
 * A flow's session across modifies (main lcore). A re-INVITE that keeps the
 * keys must keep the session, or the rollover counter and replay window
 * start again from zero and the call goes silent past a sequence wrap. So:
 * when cur (the session of the flow's current action, may be NULL) was made
 * from the same suite, flags, MKI and key as spec, it is returned with one
 * more reference; otherwise a new session is made (refs 1). spec's key is
 * wiped either way. suite 0 returns NULL with *rc 0. On error NULL and *rc
 * as dp_srtp_session_init() (or -ENOMEM).
 */
struct dp_srtp *dp_srtp_session_get(struct mr_srtp_spec *spec, bool outbound,
				    struct dp_srtp *cur, int *rc);
/* Drop one reference; the last frees the session (after the RCU grace period of its action). */
void dp_srtp_session_put(struct dp_srtp *s);

/*
 * The SRTP of a flow action being built from a spec (main lcore): sessions
 * for srtp_in (unprotect) and srtp_out (protect), each shared with cur (the
 * flow's current holder, may be NULL) when its keys are unchanged. When
 * both legs share the keys (srtp_in equals srtp_out) and may_pass (the
 * packet is not rewritten), the holder is pass-through: only `in`, to
 * verify each packet's tag (and replay) before it is forwarded unchanged.
 * Both suites 0: NULL with *rc 0. The spec's keys are wiped. On error NULL,
 * *rc as dp_srtp_session_get(), nothing held.
 */
struct dp_flow_srtp *dp_srtp_flow_make(struct mr_srtp_spec *in, struct mr_srtp_spec *out,
				       const struct dp_flow_srtp *cur, bool may_pass, int *rc);
/* One more action using the same holder (a re-point: same keys, no spec). */
struct dp_flow_srtp *dp_srtp_flow_ref(struct dp_flow_srtp *f);
/* An action that held f is gone (after its grace period). NULL-safe. */
void dp_srtp_flow_put(struct dp_flow_srtp *f);

static inline bool dp_srtp_is_active(const struct dp_srtp *s)
{
	return s->ctx != NULL;
}

/*
 * Where libsrtp's events for s go from now on: the calling lcore's
 * counters, indexed by enum mr_srtp_event (MR_SRTP_EV_COUNT of them), or
 * NULL. Called by the lcore about to use the session.
 */
static inline void dp_srtp_set_events(struct dp_srtp *s, uint64_t *ev)
{
	s->ev = ev;
}

/* enum mr_srtp_event of a libsrtp srtp_event_t value, or -1 for an unknown one. */
int dp_srtp_event_index(int libsrtp_event);

/*
 * Unprotect in place: on success *len is the plain length. RTP or RTCP by
 * `rtcp`. The replay window and the rollover counter advance only for
 * packets whose tag verified. Returns 0 or an error above; on error the
 * packet is to be dropped and never learned from.
 *
 * Key lifetime: a session made from a spec with a lifetime authenticates
 * (here) or protects (below) at most that many packets, RTP and RTCP
 * together; past it every packet is -EKEYEXPIRED before libsrtp sees it, so
 * nothing more is protected under a used-up key. Forged packets do not
 * count: only those whose tag verified.
 */
int dp_srtp_unprotect(struct dp_srtp *s, uint8_t *pkt, unsigned *len, bool rtcp);

/*
 * Protect in place; pkt has room for cap bytes (at least *len +
 * dp_srtp_trailer_len()). On success *len is the protected length.
 */
int dp_srtp_protect(struct dp_srtp *s, uint8_t *pkt, unsigned *len, unsigned cap, bool rtcp);

/*
 * Pass-through check when both legs share keys: unprotect a copy in
 * scratch (len bytes are copied; scratch_size >= len) so the tag is
 * verified and the replay window advances, while pkt itself is forwarded
 * unchanged. Returns as dp_srtp_unprotect(), or -EMSGSIZE.
 */
int dp_srtp_verify(struct dp_srtp *s, const uint8_t *pkt, unsigned len, bool rtcp,
		   uint8_t *scratch, unsigned scratch_size);

/* Bytes protect adds: tag + MKI, plus the 4-byte SRTCP index for RTCP. */
unsigned dp_srtp_trailer_len(const struct dp_srtp *s, bool rtcp);

/* The drop reason for an error of the functions above: DP_DROP_SRTP_*. */
enum dp_drop dp_srtp_drop_reason(int rc);

#endif
