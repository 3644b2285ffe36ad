/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The payload formats each party of a stream uses, as mrelayctl shows them
 * ("PCMU/8000", "opus/48000/2"): taken from the SDP each party sent (the one
 * control rewrote), the offerer's narrowed to what the answer kept.
 */
#ifndef CTL_RTPMAP_H
#define CTL_RTPMAP_H

#include <stddef.h>

#include "sdp/sdp-t.h"

#include "session-t.h"

/* Remember the formats of media section m as those of slot s. */
void ctl_rtpmap_take(struct ctl_stream *st, const struct mr_sdp_media *m, unsigned s);

/*
 * After the answer of slot a: the offerer keeps the formats still in use on
 * its leg (the codec, telephone-event and CN chosen for it when the stream
 * is transcoded, else the payload types the answer also lists).
 */
void ctl_rtpmap_settle(struct ctl_stream *st, unsigned a);

/* "PCMU/8000", "opus/48000/2" into buf; returns buf. */
const char *ctl_rtpmap_format(const struct ctl_rtpmap *r, char *buf, size_t len);

#endif
