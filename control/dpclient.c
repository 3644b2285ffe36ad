/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dataplane client: attach to the shm region when it appears, say
 * hello, send commands with sequence numbers and wait (bounded) for their
 * acks, keep other events for the loop, and notice a new generation (a
 * restarted dataplane) so that every live flow is programmed again.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"

MR_LOG_TYPE(ctl_log_dp, "dp");

#define POLL_INTERVAL_MS 200
#define LIVE_MAX_AGE_MS 3000
#define EVQ_MAX (1u << 20)
#define MAX_FLOW_IDS (1u << 24)

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int ctl_dp_init(struct ctl_dp *dp, const char *instance, uint32_t ack_timeout_ms)
{
	memset(dp, 0, sizeof(*dp));
	if (mr_str_copy(mr_str_cstr(instance), dp->instance, sizeof(dp->instance)) < 0)
		return -EINVAL;
	dp->ack_timeout_ms = ack_timeout_ms ? ack_timeout_ms : 500;
	dp->evq.cap = 1024;
	dp->evq.msgs = malloc(sizeof(struct mr_msg) * dp->evq.cap);
	dp->slots = calloc(CTL_DP_SLOTS, sizeof(*dp->slots));
	if (dp->evq.msgs == NULL || dp->slots == NULL)
		return -ENOMEM;
	return 0;
}

static void detach(struct ctl_dp *dp)
{
	if (dp->shm.base)
		mr_shm_detach(&dp->shm);
	dp->attached = false;
}

void ctl_dp_fini(struct ctl_dp *dp)
{
	detach(dp);
	free(dp->evq.msgs);
	free(dp->free_ids);
	free(dp->slots);
	free(dp->reserved);
	free(dp->id_used);
	dp->id_used = NULL;
	dp->reserved = NULL;
	dp->slots = NULL;
	dp->evq.msgs = NULL;
	dp->free_ids = NULL;
}

bool ctl_dp_is_ready(const struct ctl_dp *dp)
{
	return dp->attached;
}

static void evq_push(struct ctl_dp *dp, const struct mr_msg *m)
{
	struct ctl_dp_evq *q = &dp->evq;

	if (q->n == q->cap) {
		struct mr_msg *nm;

		if (q->cap >= EVQ_MAX)
			return;	/* the loop is far behind; idle events come again */
		nm = realloc(q->msgs, sizeof(*nm) * q->cap * 2);
		if (nm == NULL)
			return;
		q->msgs = nm;
		q->cap *= 2;
	}
	q->msgs[q->n++] = *m;
}

static int flow_ids_init(struct ctl_dp *dp, uint32_t n)
{
	if (n > MAX_FLOW_IDS)
		n = MAX_FLOW_IDS;
	dp->free_ids = malloc(sizeof(uint32_t) * n);
	if (dp->free_ids == NULL)
		return -ENOMEM;
	uint8_t *used = calloc(n, 1);

	if (used == NULL) {
		free(dp->free_ids);
		dp->free_ids = NULL;
		return -ENOMEM;
	}
	dp->id_used = used;	/* kept: which ids are ours */
	/* Journaled flows keep their ids. */
	for (uint32_t i = 0; i < dp->n_reserved; i++)
		if (dp->reserved[i] < n)
			used[dp->reserved[i]] = 1;
	/* Popped from the end: ids come out 0, 1, 2 ... */
	dp->n_free = 0;
	for (uint32_t i = n; i-- > 0;)
		if (!used[i])
			dp->free_ids[dp->n_free++] = i;
	free(dp->reserved);
	dp->reserved = NULL;
	dp->n_reserved = 0;
	dp->n_flows = n;
	return 0;
}

static int hello(struct ctl_dp *dp)
{
	struct mr_msg m;

	memset(&m, 0, sizeof(m));
	m.hdr.type = MR_MSG_HELLO;
	m.hdr.flow_id = MR_FLOW_ID_NONE;
	m.u.hello.abi = MR_MSG_ABI;
	m.u.hello.msg_size = sizeof(struct mr_msg);
	m.u.hello.flow_spec_size = sizeof(struct mr_flow_spec);
	m.u.hello.flow_stats_size = sizeof(struct mr_flow_stats);
	m.u.hello.pid = (uint32_t)getpid();
	memcpy(m.u.hello.name, "mrelay-control", sizeof("mrelay-control"));
	return ctl_dp_exec(dp, &m, 1, NULL);
}

void ctl_dp_poll(struct ctl_dp *dp, uint64_t now_ms, bool force)
{
	int rc;

	if (!force && now_ms < dp->next_poll_ms)
		return;
	dp->next_poll_ms = now_ms + POLL_INTERVAL_MS;
	if (dp->shm.base) {
		if (mr_shm_is_live(&dp->shm, LIVE_MAX_AGE_MS))
			return;
		MR_LOG(&ctl_log_dp, WARNING, "dataplane %s is gone (generation %llu)",
		       dp->instance, (unsigned long long)dp->generation);
		detach(dp);
	}
	rc = mr_shm_attach(&dp->shm, dp->instance, true);
	if (rc < 0) {
		if (rc == -EPROTO)
			MR_LOG(&ctl_log_dp, ERR, "dataplane %s: ABI or sizes differ", dp->instance);
		return;
	}
	if (!mr_shm_is_live(&dp->shm, LIVE_MAX_AGE_MS)) {
		detach(dp);	/* starting, or a stale region: try again later */
		return;
	}
	if (dp->free_ids == NULL && flow_ids_init(dp, dp->shm.hdr->n_flows) < 0) {
		detach(dp);
		return;
	}
	if (dp->shm.hdr->n_flows < dp->n_flows)
		MR_LOG(&ctl_log_dp, WARNING, "dataplane has %u flow slots, control uses %u",
		       dp->shm.hdr->n_flows, dp->n_flows);
	dp->attached = true;
	rc = hello(dp);
	if (rc < 0) {
		MR_LOG(&ctl_log_dp, ERR, "dataplane %s: hello failed: %s", dp->instance,
		       strerror(-rc));
		detach(dp);
		return;
	}
	if (dp->generation != 0 && dp->generation != dp->shm.hdr->generation)
		dp->reprogram = true;
	dp->generation = dp->shm.hdr->generation;
	dp->attaches++;
	MR_LOG(&ctl_log_dp, NOTICE, "attached to dataplane %s (pid %u, generation %llu, %u flow slots)",
	       dp->instance, dp->shm.hdr->dp_pid, (unsigned long long)dp->generation,
	       dp->shm.hdr->n_flows);
}

static void stamp(struct ctl_dp *dp, struct mr_msg *msgs, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		msgs[i].hdr.seq = ++dp->seq;
		msgs[i].hdr.generation = dp->generation;
		msgs[i].hdr.result = 0;
	}
}

int ctl_dp_send_nowait(struct ctl_dp *dp, struct mr_msg *msgs, unsigned n)
{
	if (!dp->attached)
		return -ENOTCONN;
	if (n > mr_shm_cmd_free(&dp->shm)) {
		dp->ring_full++;
		return -ENOBUFS;
	}
	stamp(dp, msgs, n);
	if (mr_shm_cmd_send(&dp->shm, msgs, n) != n)
		return -ENOBUFS;
	dp->cmds += n;
	return 0;
}

uint64_t ctl_dp_deadline(const struct ctl_dp *dp)
{
	return mono_ns() + (uint64_t)dp->ack_timeout_ms * 1000000ull;
}

int ctl_dp_submit(struct ctl_dp *dp, struct mr_msg *msgs, unsigned n, uint32_t *first)
{
	int rc;

	if (n > CTL_DP_SLOTS / 2)
		return -E2BIG;
	rc = ctl_dp_send_nowait(dp, msgs, n);
	if (rc < 0)
		return rc;
	*first = n ? msgs[0].hdr.seq : dp->seq + 1;
	for (unsigned i = 0; i < n; i++) {
		struct ctl_dp_slot *sl = &dp->slots[msgs[i].hdr.seq & (CTL_DP_SLOTS - 1)];

		sl->seq = msgs[i].hdr.seq;
		sl->result = -ETIMEDOUT;
		sl->state = CTL_DP_SLOT_PENDING;
	}
	return 0;
}

/* Take what the event ring holds: acks into their slots, the rest queued. */
static unsigned pump(struct ctl_dp *dp)
{
	struct mr_msg ev[32];
	unsigned got = mr_shm_evt_recv(&dp->shm, ev, 32);

	for (unsigned i = 0; i < got; i++) {
		struct ctl_dp_slot *sl;

		if (ev[i].hdr.type != MR_EVT_ACK) {
			evq_push(dp, &ev[i]);
			continue;
		}
		sl = &dp->slots[ev[i].hdr.seq & (CTL_DP_SLOTS - 1)];
		if (sl->state != CTL_DP_SLOT_PENDING || sl->seq != ev[i].hdr.seq)
			continue;	/* a late ack of a command that timed out */
		sl->result = ev[i].hdr.result;
		sl->state = CTL_DP_SLOT_DONE;
		dp->acks++;
		if (ev[i].hdr.result < 0)
			dp->nacks++;
	}
	return got;
}

static bool range_done(const struct ctl_dp *dp, uint32_t first, unsigned n, unsigned *from)
{
	for (; *from < n; (*from)++)
		if (dp->slots[(first + *from) & (CTL_DP_SLOTS - 1)].state != CTL_DP_SLOT_DONE)
			return false;
	return true;
}

int ctl_dp_wait(struct ctl_dp *dp, uint32_t first, unsigned n, int *results, uint64_t deadline)
{
	uint64_t start = mono_ns();
	unsigned spins = 0, from = 0;
	int rc = 0;

	while (!range_done(dp, first, n, &from)) {
		if (dp->attached && pump(dp))
			continue;
		if (dp->wait_hook)
			dp->wait_hook(dp->wait_arg);
		if ((++spins & 63) == 0) {
			uint64_t now = mono_ns();

			if (now >= deadline) {
				dp->timeouts++;
				MR_LOG(&ctl_log_dp, WARNING, "%u of %u commands not acked in time",
				       n - from, n);
				rc = -ETIMEDOUT;
				break;
			}
			/*
			 * Spin first (the dataplane's main lcore answers in
			 * microseconds), then sleep between looks: a slow or
			 * stuck dataplane costs little CPU here, and on a
			 * shared core the dataplane gets to run.
			 */
			if (dp->wait_hook || now - start < 20000)
				continue;
			nanosleep(&(struct timespec){ 0, now - start < 5000000 ? 10000 : 50000 }, NULL);
		}
	}
	for (unsigned i = 0; i < n; i++) {
		struct ctl_dp_slot *sl = &dp->slots[(first + i) & (CTL_DP_SLOTS - 1)];
		int r = sl->state == CTL_DP_SLOT_DONE ? sl->result : -ETIMEDOUT;

		if (results)
			results[i] = r;
		if (rc == 0 && r < 0)
			rc = r;
		sl->state = CTL_DP_SLOT_FREE;
	}
	return rc;
}

int ctl_dp_exec(struct ctl_dp *dp, struct mr_msg *msgs, unsigned n, int *results)
{
	uint32_t first;
	int rc;

	if (n == 0)
		return 0;
	rc = ctl_dp_submit(dp, msgs, n, &first);
	if (rc < 0)
		return rc;
	return ctl_dp_wait(dp, first, n, results, ctl_dp_deadline(dp));
}

bool ctl_dp_event_next(struct ctl_dp *dp, struct mr_msg *out)
{
	struct ctl_dp_evq *q = &dp->evq;

	if (q->head < q->n) {
		*out = q->msgs[q->head++];
		return true;
	}
	q->head = 0;
	q->n = 0;
	if (!dp->attached)
		return false;
	if (pump(dp) == 0)
		return false;
	return ctl_dp_event_next(dp, out);
}

int ctl_dp_flow_id_alloc(struct ctl_dp *dp, uint32_t *id)
{
	if (dp->n_free == 0)
		return dp->free_ids ? -ENOSPC : -ENOTCONN;
	*id = dp->free_ids[--dp->n_free];
	dp->id_used[*id] = 1;
	return 0;
}

void ctl_dp_flow_id_free(struct ctl_dp *dp, uint32_t id)
{
	if (dp->free_ids == NULL) {
		/* A journaled id given back before any dataplane was seen. */
		for (uint32_t i = 0; i < dp->n_reserved; i++) {
			if (dp->reserved[i] == id) {
				dp->reserved[i] = dp->reserved[--dp->n_reserved];
				break;
			}
		}
		return;
	}
	if (id < dp->n_flows && dp->id_used[id] && dp->n_free < dp->n_flows) {
		dp->id_used[id] = 0;
		dp->free_ids[dp->n_free++] = id;
	}
}

bool ctl_dp_flow_id_is_ours(const struct ctl_dp *dp, uint32_t id)
{
	return dp->id_used == NULL || id >= dp->n_flows || dp->id_used[id];
}

int ctl_dp_flow_id_reserve(struct ctl_dp *dp, uint32_t id)
{
	uint32_t *r;

	if (dp->free_ids != NULL)
		return -EBUSY;	/* only before the first attach */
	r = realloc(dp->reserved, sizeof(*r) * (dp->n_reserved + 1));
	if (r == NULL)
		return -ENOMEM;
	dp->reserved = r;
	dp->reserved[dp->n_reserved++] = id;
	return 0;
}

const struct mr_flow_stats *ctl_dp_flow_stats(const struct ctl_dp *dp, uint32_t id)
{
	if (dp->shm.base == NULL || id >= dp->shm.hdr->n_flows)
		return NULL;
	return &dp->shm.flows[id];
}
