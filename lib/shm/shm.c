/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "shm/shm.h"

#define ALIGN 4096u

static size_t align_up(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static bool is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

uint64_t mr_shm_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int mr_shm_name(const char *instance, char *buf, size_t len)
{
	size_t n;

	if (instance == NULL)
		return -EINVAL;
	n = strlen(instance);
	if (n == 0 || n >= MR_SHM_NAME_LEN)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		char c = instance[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return -EINVAL;
	}
	if ((size_t)snprintf(buf, len, "/mrelay-%s", instance) >= len)
		return -EINVAL;
	return 0;
}

static void set_pointers(struct mr_shm *shm)
{
	uint8_t *b = shm->base;
	const struct mr_shm_hdr *h = shm->hdr;

	shm->cmd = (struct rte_ring *)(b + h->cmd_ring_off);
	shm->evt = (struct rte_ring *)(b + h->evt_ring_off);
	shm->workers = (struct mr_worker_stats *)(b + h->workers_off);
	shm->ifaces = (struct mr_iface_info *)(b + h->ifaces_off);
	shm->flows = (struct mr_flow_stats *)(b + h->flows_off);
}

int mr_shm_create(struct mr_shm *shm, const struct mr_shm_params *p)
{
	uint32_t cmd_n = p->cmd_ring_size ? p->cmd_ring_size : 4096;
	uint32_t evt_n = p->evt_ring_size ? p->evt_ring_size : 16384;
	ssize_t cmd_sz, evt_sz;
	size_t off, size;
	struct mr_shm_hdr *h;
	struct timespec ts;
	struct stat st;
	void *base;
	int fd, rc;

	memset(shm, 0, sizeof(*shm));
	if (p->n_flows == 0 || p->n_workers == 0 || p->n_workers > MR_SHM_MAX_WORKERS ||
	    p->n_ifaces > MR_SHM_MAX_IFACES || !is_pow2(cmd_n) || !is_pow2(evt_n))
		return -EINVAL;
	rc = mr_shm_name(p->instance, shm->name, sizeof(shm->name));
	if (rc)
		return rc;
	cmd_sz = rte_ring_get_memsize_elem(sizeof(struct mr_msg), cmd_n);
	evt_sz = rte_ring_get_memsize_elem(sizeof(struct mr_msg), evt_n);
	if (cmd_sz < 0 || evt_sz < 0)
		return -EINVAL;

	off = align_up(sizeof(struct mr_shm_hdr), ALIGN);
	size_t cmd_off = off;
	off = align_up(off + (size_t)cmd_sz, ALIGN);
	size_t evt_off = off;
	off = align_up(off + (size_t)evt_sz, ALIGN);
	size_t workers_off = off;
	off = align_up(off + sizeof(struct mr_worker_stats) * MR_SHM_MAX_WORKERS, ALIGN);
	size_t ifaces_off = off;
	off = align_up(off + sizeof(struct mr_iface_info) * MR_SHM_MAX_IFACES, ALIGN);
	size_t flows_off = off;
	size = align_up(off + sizeof(struct mr_flow_stats) * (size_t)p->n_flows, ALIGN);

	/* A stale object of a dead dataplane is replaced, never reused. */
	shm_unlink(shm->name);
	fd = shm_open(shm->name, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size) < 0 || fstat(fd, &st) < 0) {
		rc = -errno;
		close(fd);
		shm_unlink(shm->name);
		return rc;
	}
	base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	rc = -errno;
	close(fd);
	if (base == MAP_FAILED) {
		shm_unlink(shm->name);
		return rc;
	}

	shm->base = base;
	shm->size = size;
	shm->hdr = h = base;
	shm->dev = st.st_dev;
	shm->ino = st.st_ino;
	shm->writable = true;
	shm->owner = true;

	h->hdr_size = sizeof(*h);
	h->msg_size = sizeof(struct mr_msg);
	h->flow_spec_size = sizeof(struct mr_flow_spec);
	h->flow_stats_size = sizeof(struct mr_flow_stats);
	h->worker_stats_size = sizeof(struct mr_worker_stats);
	clock_gettime(CLOCK_REALTIME, &ts);
	h->generation = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	h->state = MR_SHM_STARTING;
	h->dp_pid = (uint32_t)getpid();
	h->size = size;
	h->cmd_ring_off = cmd_off;
	h->evt_ring_off = evt_off;
	h->workers_off = workers_off;
	h->ifaces_off = ifaces_off;
	h->flows_off = flows_off;
	h->cmd_ring_size = cmd_n;
	h->evt_ring_size = evt_n;
	h->n_flows = p->n_flows;
	h->n_workers = p->n_workers;
	h->n_ifaces = p->n_ifaces;
	snprintf(h->instance, sizeof(h->instance), "%s", p->instance);
	set_pointers(shm);

	rc = rte_ring_init(shm->cmd, "mr_cmd", cmd_n, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (rc == 0)
		rc = rte_ring_init(shm->evt, "mr_evt", evt_n, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (rc < 0) {
		mr_shm_detach(shm);
		return rc;
	}
	h->abi = MR_MSG_ABI;
	/* The magic goes last: an attacher never sees a half-built header. */
	__atomic_store_n(&h->magic, MR_SHM_MAGIC, __ATOMIC_RELEASE);
	return 0;
}

int mr_shm_attach(struct mr_shm *shm, const char *instance, bool writable)
{
	struct mr_shm_hdr probe;
	struct stat st;
	void *base;
	int fd, rc;

	memset(shm, 0, sizeof(*shm));
	rc = mr_shm_name(instance, shm->name, sizeof(shm->name));
	if (rc)
		return rc;
	fd = shm_open(shm->name, writable ? O_RDWR : O_RDONLY, 0);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	if ((size_t)st.st_size < sizeof(probe) ||
	    pread(fd, &probe, sizeof(probe), 0) != (ssize_t)sizeof(probe)) {
		close(fd);
		return -EAGAIN;
	}
	if (probe.magic != MR_SHM_MAGIC) {
		close(fd);
		return probe.magic == 0 ? -EAGAIN : -EPROTO;
	}
	if (probe.abi != MR_MSG_ABI || probe.hdr_size != sizeof(struct mr_shm_hdr) ||
	    probe.msg_size != sizeof(struct mr_msg) ||
	    probe.flow_spec_size != sizeof(struct mr_flow_spec) ||
	    probe.flow_stats_size != sizeof(struct mr_flow_stats) ||
	    probe.worker_stats_size != sizeof(struct mr_worker_stats) ||
	    probe.size != (uint64_t)st.st_size) {
		close(fd);
		return -EPROTO;
	}
	base = mmap(NULL, probe.size, writable ? PROT_READ | PROT_WRITE : PROT_READ,
		    MAP_SHARED, fd, 0);
	rc = -errno;
	close(fd);
	if (base == MAP_FAILED)
		return rc;
	shm->base = base;
	shm->size = probe.size;
	shm->hdr = base;
	shm->dev = st.st_dev;
	shm->ino = st.st_ino;
	shm->writable = writable;
	set_pointers(shm);
	return 0;
}

void mr_shm_detach(struct mr_shm *shm)
{
	if (shm->base == NULL)
		return;
	if (shm->owner) {
		__atomic_store_n(&shm->hdr->state, MR_SHM_STOPPED, __ATOMIC_RELEASE);
		/* Only unlink the name if it is still ours. */
		int fd = shm_open(shm->name, O_RDONLY, 0);
		if (fd >= 0) {
			struct stat st;

			if (fstat(fd, &st) == 0 && st.st_dev == shm->dev && st.st_ino == shm->ino)
				shm_unlink(shm->name);
			close(fd);
		}
	}
	munmap(shm->base, shm->size);
	shm->base = NULL;
	shm->hdr = NULL;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int mr_shm_attach_wait(struct mr_shm *shm, const char *instance, bool writable, uint64_t wait_ms)
{
	uint64_t deadline = mono_ms() + wait_ms;

	for (;;) {
		int rc = mr_shm_attach(shm, instance, writable);

		if (rc == 0 && __atomic_load_n(&shm->hdr->state, __ATOMIC_ACQUIRE) == MR_SHM_RUNNING)
			return 0;
		if (rc == 0) {
			mr_shm_detach(shm);
			rc = -EAGAIN;
		}
		if (mono_ms() > deadline)
			return rc;
		usleep(20000);
	}
}

bool mr_shm_is_live(const struct mr_shm *shm, uint64_t max_age_ms)
{
	struct stat st;
	uint64_t hb, now;
	int fd;

	if (shm->base == NULL)
		return false;
	if (__atomic_load_n(&shm->hdr->state, __ATOMIC_ACQUIRE) != MR_SHM_RUNNING)
		return false;
	hb = __atomic_load_n(&shm->hdr->heartbeat_ms, __ATOMIC_RELAXED);
	now = mr_shm_now_ms();
	if (now > hb && now - hb > max_age_ms)
		return false;
	fd = shm_open(shm->name, O_RDONLY, 0);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return false;
	}
	close(fd);
	return st.st_dev == shm->dev && st.st_ino == shm->ino;
}

unsigned mr_shm_cmd_send(struct mr_shm *shm, const struct mr_msg *msgs, unsigned n)
{
	return rte_ring_enqueue_burst_elem(shm->cmd, msgs, sizeof(*msgs), n, NULL);
}

unsigned mr_shm_cmd_recv(struct mr_shm *shm, struct mr_msg *msgs, unsigned n)
{
	return rte_ring_dequeue_burst_elem(shm->cmd, msgs, sizeof(*msgs), n, NULL);
}

unsigned mr_shm_evt_send(struct mr_shm *shm, const struct mr_msg *msgs, unsigned n)
{
	return rte_ring_enqueue_burst_elem(shm->evt, msgs, sizeof(*msgs), n, NULL);
}

unsigned mr_shm_evt_recv(struct mr_shm *shm, struct mr_msg *msgs, unsigned n)
{
	return rte_ring_dequeue_burst_elem(shm->evt, msgs, sizeof(*msgs), n, NULL);
}

unsigned mr_shm_cmd_free(const struct mr_shm *shm)
{
	return rte_ring_free_count(shm->cmd);
}

uint64_t mr_shm_cycles_us(const struct mr_shm *shm, uint64_t cycles)
{
	uint64_t hz = shm->hdr->tsc_hz;

	return hz ? (uint64_t)((double)cycles * 1e6 / (double)hz) : 0;
}

uint64_t mr_shm_tsc_to_ns(const struct mr_shm *shm, uint64_t tsc)
{
	const struct mr_shm_hdr *h = shm->hdr;
	double delta;

	if (tsc == 0 || h->tsc_hz == 0)
		return 0;
	delta = ((double)(int64_t)(tsc - h->tsc_ref) * 1e9) / (double)h->tsc_hz;
	return (uint64_t)((double)h->time_ref_ns + delta);
}
