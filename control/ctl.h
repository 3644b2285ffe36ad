/* SPDX-License-Identifier: BSD-3-Clause */
/* mrelay-control's internal interfaces, one group per file. */
#ifndef CTL_H
#define CTL_H

#include <stddef.h>

#include "common/mr_log.h"
#include "ctl-t.h"

extern struct mr_log_type ctl_log_ng, ctl_log_dp, ctl_log_sess;

/* main.c / ctl.c: context */
int ctl_init(struct ctl *c, const struct mr_config *cfg);
void ctl_fini(struct ctl *c);
/* Refresh c->now_ms (CLOCK_MONOTONIC). */
uint64_t ctl_now_ms(struct ctl *c);
uint64_t ctl_wall_us(void);
/* One pass of timers, dataplane polling and events; called by the loop and tests. */
void ctl_tick(struct ctl *c);
/* The epoll loop until c->stop. Returns 0 or -errno. */
int ctl_run(struct ctl *c);

/* ports.c: per-interface RTP/RTCP pair allocator over the interface's addresses */
/* n4/n6 addresses of each family, the same port range on each. 0, -EINVAL, -ENOMEM. */
int ctl_ports_init(struct ctl_ports *p, uint16_t min, uint16_t max, unsigned n4, unsigned n6,
		   uint64_t seed);
void ctl_ports_fini(struct ctl_ports *p);
/*
 * A pair on address addr of family af (4 or 6), or, with addr < 0, on the
 * next address in turn that has at least need free pairs (else any free
 * one). Returns 0 with the address index and the even RTP port, -ENOSPC,
 * -EAFNOSUPPORT (no address of that family) or -EINVAL (no such address).
 */
int ctl_ports_alloc(struct ctl_ports *p, uint8_t af, int addr, unsigned need,
		    uint16_t *addr_out, uint16_t *port);
/* Returns 0, or -EINVAL for a port that is not allocated here. */
int ctl_ports_free(struct ctl_ports *p, uint8_t af, unsigned addr, uint16_t port);
/* Journal reload: mark a port pair used, then rebuild the FIFOs of the others. */
int ctl_ports_take(struct ctl_ports *p, uint8_t af, unsigned addr, uint16_t port);
void ctl_ports_untake(struct ctl_ports *p, uint8_t af, unsigned addr, uint16_t port);
void ctl_ports_rebuild(struct ctl_ports *p, uint64_t seed);
/* Index of ip in ifc's addrs4/addrs6, or -ENOENT. */
int ctl_ports_addr_index(const struct mr_cfg_iface *ifc, const struct mr_ip *ip);
static inline uint32_t ctl_ports_free_count(const struct ctl_ports *p)
{
	return p->count;
}
static inline uint32_t ctl_ports_addr_free(const struct ctl_ports *p, uint8_t af, unsigned addr)
{
	unsigned f = af == 6;

	return addr < p->n_addrs[f] ? p->addrs[f][addr].count : 0;
}

/* dpclient.c: the dataplane over shared memory */
int ctl_dp_init(struct ctl_dp *dp, const char *instance, uint32_t ack_timeout_ms);
void ctl_dp_fini(struct ctl_dp *dp);
/*
 * Attach when a dataplane appears, detach when it is gone; after a new
 * generation sets dp->reprogram. Cheap: acts at most every 200 ms unless
 * force is set.
 */
void ctl_dp_poll(struct ctl_dp *dp, uint64_t now_ms, bool force);
/* True when commands can be sent. */
bool ctl_dp_is_ready(const struct ctl_dp *dp);
/*
 * Send n commands (hdr.seq and generation filled here) and wait until
 * every one is acked or ack_timeout_ms passed. results[i] gets each ack's
 * result (may be NULL). Returns 0 when all were acked with 0, the first
 * negative ack result, -ENOTCONN (no dataplane), -ENOBUFS (the command ring
 * cannot take them) or -ETIMEDOUT.
 */
int ctl_dp_exec(struct ctl_dp *dp, struct mr_msg *msgs, unsigned n, int *results);
/*
 * The same in two steps, so that several requests' commands travel
 * together: submit sends and notes the sequence numbers (first is the
 * first one's), wait takes acks until all n are in or deadline (CLOCK_MONOTONIC
 * ns, see ctl_dp_deadline) passes. Same returns as ctl_dp_exec.
 */
int ctl_dp_submit(struct ctl_dp *dp, struct mr_msg *msgs, unsigned n, uint32_t *first);
int ctl_dp_wait(struct ctl_dp *dp, uint32_t first, unsigned n, int *results, uint64_t deadline);
uint64_t ctl_dp_deadline(const struct ctl_dp *dp);
/* Send without waiting (rollback, deletes whose outcome does not matter). */
int ctl_dp_send_nowait(struct ctl_dp *dp, struct mr_msg *msgs, unsigned n);
/* Take one queued event (idle, learned ...). Returns false when none. */
bool ctl_dp_event_next(struct ctl_dp *dp, struct mr_msg *out);
/* Flow ids: stats slots below the region's n_flows. */
int ctl_dp_flow_id_alloc(struct ctl_dp *dp, uint32_t *id);
void ctl_dp_flow_id_free(struct ctl_dp *dp, uint32_t id);
/* False for an id in range that control did not hand out (an orphan flow). */
bool ctl_dp_flow_id_is_ours(const struct ctl_dp *dp, uint32_t id);
/* Before the first attach: keep a journaled flow's id out of the free ones. */
int ctl_dp_flow_id_reserve(struct ctl_dp *dp, uint32_t id);
/* Counters of a flow slot, or NULL (no dataplane, id out of range). */
const struct mr_flow_stats *ctl_dp_flow_stats(const struct ctl_dp *dp, uint32_t id);

/* ng.c: the rtpengine ng protocol endpoint */
int ctl_ng_open(struct ctl *c);
void ctl_ng_close(struct ctl *c);
/* Read and answer every pending datagram on the socket. */
void ctl_ng_readable(struct ctl *c);
/*
 * Handle one datagram "<cookie> <bencode>" and write the reply into out.
 * Returns the reply length (0: nothing to send). Used by the socket path
 * and by tests.
 */
size_t ctl_ng_handle(struct ctl *c, const uint8_t *in, size_t len, uint8_t *out, size_t cap);
void ctl_ng_expire(struct ctl *c);
/* The name of an ng command index (cmd_count, cmd_errors), or NULL. */
const char *ctl_ng_cmd_name(unsigned cmd);

/* journal.c: calls in SQLite ([control] journal = PATH; "" = none) */
int ctl_journal_open(struct ctl *c, const char *path);
void ctl_journal_close(struct ctl *c);
/* Queue a call's state / its removal; written at the next commit. */
void ctl_journal_put(struct ctl *c, const struct ctl_call *call);
void ctl_journal_del(struct ctl *c, const char *call_id);
void ctl_journal_commit(struct ctl *c);
/* Load every journaled call (before the first attach). Returns the count or -errno. */
int ctl_journal_load(struct ctl *c);

#endif
