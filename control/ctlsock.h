/* SPDX-License-Identifier: BSD-3-Clause */
/* The mrelayctl socket (ctlsock.c): JSON lines over a unix stream socket. */
#ifndef CTL_CTLSOCK_H
#define CTL_CTLSOCK_H

#include <stdbool.h>

#include <jansson.h>

#include "ctl-t.h"

/*
 * Listen on path (its directory is created; mode 0660; a stale socket file
 * is replaced). "" or NULL: no socket, returns 0. Returns 0, -EADDRINUSE
 * (another control answers there), -ENAMETOOLONG or -errno.
 */
int ctl_sock_open(struct ctl *c, const char *path);
void ctl_sock_close(struct ctl *c);
/* One descriptor for control's epoll loop (-1: none); call ready when it is. */
int ctl_sock_fd(const struct ctl *c);
void ctl_sock_ready(struct ctl *c);

/* MR_EVT_CAPTURE_DONE: the waiting mrelayctl gets its second line. */
void ctl_sock_capture_done(struct ctl *c, const struct mr_msg *m);
/* Once per loop: a capture whose dataplane went away is reported ended. */
void ctl_sock_tick(struct ctl *c);

/* A call as mrelayctl shows it (detail: with each flow); the caller owns it. */
json_t *ctl_sock_call_json(struct ctl *c, const struct ctl_call *call, bool detail);
/* Flow k (0 RTP, 1 RTCP) of the packets party s sends on stream i. */
json_t *ctl_sock_flow_json(struct ctl *c, const struct ctl_call *call, unsigned i, unsigned s,
			   unsigned k);

#endif
