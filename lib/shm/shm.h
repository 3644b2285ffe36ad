/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The shared-memory region between mrelay's processes. The dataplane creates
 * it; control attaches read-write (it produces commands and consumes events);
 * mrelayctl attaches read-only for counters. Works without EAL: the rings are
 * rte_rings placed with rte_ring_init, single producer, single consumer.
 */
#ifndef MR_SHM_H
#define MR_SHM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "shm/shm-t.h"

struct rte_ring;

struct mr_shm {
	void *base;
	size_t size;
	struct mr_shm_hdr *hdr;
	struct rte_ring *cmd;		/* control -> dataplane */
	struct rte_ring *evt;		/* dataplane -> control */
	struct mr_worker_stats *workers;
	struct mr_iface_info *ifaces;
	struct mr_flow_stats *flows;
	dev_t dev;
	ino_t ino;
	bool writable;
	bool owner;
	char name[64];			/* "/mrelay-<instance>" */
};

struct mr_shm_params {
	const char *instance;
	uint32_t n_flows;		/* stats table capacity */
	uint32_t n_workers;		/* <= MR_SHM_MAX_WORKERS */
	uint32_t n_ifaces;		/* <= MR_SHM_MAX_IFACES */
	uint32_t cmd_ring_size;		/* power of two; 0 = 4096 */
	uint32_t evt_ring_size;		/* power of two; 0 = 16384 */
};

/*
 * Create (replacing any stale object of the same name) and initialise the
 * region; the header is left in MR_SHM_STARTING with a new generation.
 * Returns 0, -EINVAL (bad params or instance name), or -errno from
 * shm_open/ftruncate/mmap.
 */
int mr_shm_create(struct mr_shm *shm, const struct mr_shm_params *p);

/*
 * Map an existing region. Returns 0, -ENOENT (no dataplane), -EPROTO (magic,
 * ABI or a size differs: built from another version), -EAGAIN (still
 * starting), or -errno.
 */
int mr_shm_attach(struct mr_shm *shm, const char *instance, bool writable);

/*
 * mr_shm_attach() again every 20 ms until the region is running, for at most
 * wait_ms. Returns 0 (attached, running) or the last attempt's -errno
 * (-EAGAIN: it was there but still starting).
 */
int mr_shm_attach_wait(struct mr_shm *shm, const char *instance, bool writable, uint64_t wait_ms);

/* Unmap; the creator also marks it stopped and unlinks the name. */
void mr_shm_detach(struct mr_shm *shm);

/*
 * True while the name still refers to this mapping and its dataplane is
 * running with a heartbeat younger than max_age_ms. A false answer means
 * detach and attach again (the dataplane restarted or died).
 */
bool mr_shm_is_live(const struct mr_shm *shm, uint64_t max_age_ms);

/* The shm object name for an instance; -EINVAL if not [A-Za-z0-9_-]{1,31}. */
int mr_shm_name(const char *instance, char *buf, size_t len);

/* Burst enqueue/dequeue of whole messages; return the count moved. */
unsigned mr_shm_cmd_send(struct mr_shm *shm, const struct mr_msg *msgs, unsigned n);
unsigned mr_shm_cmd_recv(struct mr_shm *shm, struct mr_msg *msgs, unsigned n);
unsigned mr_shm_evt_send(struct mr_shm *shm, const struct mr_msg *msgs, unsigned n);
unsigned mr_shm_evt_recv(struct mr_shm *shm, struct mr_msg *msgs, unsigned n);

/* Free slots in the command ring (control checks before a multi-flow batch). */
unsigned mr_shm_cmd_free(const struct mr_shm *shm);

/* Microseconds of a span of the dataplane's TSC cycles (0 before it set its clock). */
uint64_t mr_shm_cycles_us(const struct mr_shm *shm, uint64_t cycles);

/* Wall-clock ns of a tsc value written by the dataplane (0 stays 0). */
uint64_t mr_shm_tsc_to_ns(const struct mr_shm *shm, uint64_t tsc);

/* CLOCK_REALTIME in ms, as the heartbeat uses it. */
uint64_t mr_shm_now_ms(void);

#endif
