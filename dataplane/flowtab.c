/* SPDX-License-Identifier: BSD-3-Clause */
/* The flow table: rte_hash + rte_rcu_qsbr + an action mempool. Main lcore only. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "flowtab.h"
#include "srtp.h"

/* Actions beyond capacity: modifies and deletes waiting for a grace period. */
#define SPARE_ACTIONS 8192u

struct dp_flowtab {
	struct rte_hash *hash;
	struct rte_mempool *actions;
	uint8_t *pt_maps;		/* n_pt_maps tables of DP_PT_MAP_SIZE bytes */
	struct rte_ring *pt_free;	/* indices of the free ones */
	uint32_t n_pt_maps;
	struct rte_rcu_qsbr *qsv;
	struct rte_rcu_qsbr_dq *dq;
	uint32_t capacity;
	struct dp_flow_slot *slots;	/* capacity entries, ordinary memory */
	void (*release)(void *arg, uint32_t neigh_idx);
	void *release_arg;
};

/* What the defer queue holds: a retired action and, for deletes, a key slot. */
struct retired {
	struct dp_flow_action *act;
	int32_t key_pos;		/* -1: none */
	uint32_t neigh_idx;		/* reference to drop, UINT32_MAX: none */
};

static void pt_map_put(struct dp_flowtab *ft, struct dp_flow_action *a)
{
	uint32_t idx;

	if (a->pt_map == 0)
		return;
	idx = a->pt_map - 1;
	rte_ring_enqueue_elem(ft->pt_free, &idx, sizeof(idx));	/* never full: each index once */
	a->pt_map = 0;
}

static void free_retired(void *p, void *e, unsigned int n)
{
	struct dp_flowtab *ft = p;
	struct retired *r = e;

	for (unsigned i = 0; i < n; i++) {
		if (r[i].key_pos >= 0)
			rte_hash_free_key_with_position(ft->hash, r[i].key_pos);
		if (r[i].neigh_idx != UINT32_MAX && ft->release != NULL)
			ft->release(ft->release_arg, r[i].neigh_idx);
		if (r[i].act != NULL) {
			dp_srtp_flow_put(r[i].act->srtp);	/* keys wiped with the last reference */
			pt_map_put(ft, r[i].act);
			rte_mempool_put(ft->actions, r[i].act);
		}
	}
}

struct dp_flowtab *dp_flowtab_create(uint32_t capacity, struct rte_rcu_qsbr *qsv, int socket_id)
{
	static unsigned seq;
	char name[RTE_MEMPOOL_NAMESIZE];
	struct dp_flowtab *ft;
	struct rte_hash_parameters hp = {
		.entries = capacity,
		.key_len = sizeof(struct mr_flow_key),
		.hash_func = rte_hash_crc,
		.hash_func_init_val = 0,
		.socket_id = socket_id,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF | RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	struct rte_rcu_qsbr_dq_parameters dp = {
		.size = capacity + SPARE_ACTIONS,
		.esize = sizeof(struct retired),
		.trigger_reclaim_limit = 64,
		.max_reclaim_size = 256,
		.free_fn = free_retired,
		.v = qsv,
	};

	if (capacity == 0 || qsv == NULL) {
		errno = EINVAL;
		return NULL;
	}
	ft = calloc(1, sizeof(*ft));
	if (ft == NULL)
		return NULL;
	ft->capacity = capacity;
	ft->qsv = qsv;
	ft->slots = calloc(capacity, sizeof(*ft->slots));
	if (ft->slots == NULL)
		goto fail;
	snprintf(name, sizeof(name), "dp_flows%u", seq);
	hp.name = name;
	ft->hash = rte_hash_create(&hp);
	if (ft->hash == NULL)
		goto fail;
	snprintf(name, sizeof(name), "dp_actions%u", seq);
	ft->actions = rte_mempool_create(name, capacity + SPARE_ACTIONS, sizeof(struct dp_flow_action),
					 0, 0, NULL, NULL, NULL, NULL, socket_id,
					 RTE_MEMPOOL_F_SP_PUT | RTE_MEMPOOL_F_SC_GET);
	if (ft->actions == NULL)
		goto fail;
	/* Remapping is the exception (legs that numbered one codec differently): a quarter. */
	ft->n_pt_maps = (capacity + SPARE_ACTIONS) / 4 + 1024;
	ft->pt_maps = rte_malloc_socket("dp_pt_maps", (size_t)ft->n_pt_maps * DP_PT_MAP_SIZE,
					RTE_CACHE_LINE_SIZE, socket_id);
	snprintf(name, sizeof(name), "dp_ptfree%u", seq);
	ft->pt_free = rte_ring_create_elem(name, sizeof(uint32_t), ft->n_pt_maps, socket_id,
					   RING_F_SP_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ);
	if (ft->pt_maps == NULL || ft->pt_free == NULL)
		goto fail;
	for (uint32_t i = 0; i < ft->n_pt_maps; i++)
		rte_ring_enqueue_elem(ft->pt_free, &i, sizeof(i));
	snprintf(name, sizeof(name), "dp_retired%u", seq++);
	dp.name = name;
	dp.p = ft;
	ft->dq = rte_rcu_qsbr_dq_create(&dp);
	if (ft->dq == NULL)
		goto fail;
	return ft;
fail:
	{
		int e = rte_errno ? rte_errno : ENOMEM;

		dp_flowtab_free(ft);
		errno = e;
	}
	return NULL;
}

void dp_flowtab_free(struct dp_flowtab *ft)
{
	if (ft == NULL)
		return;
	if (ft->dq != NULL)
		rte_rcu_qsbr_dq_delete(ft->dq);	/* frees what waits (readers are gone) */
	/* Live flows' SRTP sessions: freed and their keys wiped. */
	for (uint32_t i = 0; ft->slots != NULL && i < ft->capacity; i++)
		if (ft->slots[i].act != NULL)
			dp_srtp_flow_put(ft->slots[i].act->srtp);
	rte_hash_free(ft->hash);
	rte_mempool_free(ft->actions);
	rte_ring_free(ft->pt_free);
	rte_free(ft->pt_maps);
	free(ft->slots);
	free(ft);
}

const struct rte_hash *dp_flowtab_hash(const struct dp_flowtab *ft)
{
	return ft->hash;
}

uint32_t dp_flowtab_capacity(const struct dp_flowtab *ft)
{
	return ft->capacity;
}

uint32_t dp_flowtab_count(const struct dp_flowtab *ft)
{
	return (uint32_t)rte_hash_count(ft->hash);
}

struct dp_flow_slot *dp_flowtab_slot(struct dp_flowtab *ft, uint32_t flow_id)
{
	return flow_id < ft->capacity ? &ft->slots[flow_id] : NULL;
}

struct dp_flow_action *dp_flowtab_action_alloc(struct dp_flowtab *ft)
{
	void *obj;

	if (rte_mempool_get(ft->actions, &obj) != 0) {
		rte_rcu_qsbr_dq_reclaim(ft->dq, UINT32_MAX, NULL, NULL, NULL);
		if (rte_mempool_get(ft->actions, &obj) != 0) {
			errno = ENOMEM;
			return NULL;
		}
	}
	memset(obj, 0, sizeof(struct dp_flow_action));
	return obj;
}

uint8_t *dp_flowtab_pt_map_alloc(struct dp_flowtab *ft, struct dp_flow_action *a)
{
	uint32_t idx;

	if (rte_ring_dequeue_elem(ft->pt_free, &idx, sizeof(idx)) != 0) {
		rte_rcu_qsbr_dq_reclaim(ft->dq, UINT32_MAX, NULL, NULL, NULL);
		if (rte_ring_dequeue_elem(ft->pt_free, &idx, sizeof(idx)) != 0) {
			errno = ENOSPC;
			return NULL;
		}
	}
	a->pt_map = idx + 1;
	return ft->pt_maps + (size_t)idx * DP_PT_MAP_SIZE;
}

const uint8_t *dp_flowtab_pt_maps(const struct dp_flowtab *ft)
{
	return ft->pt_maps;
}

void dp_flowtab_action_put(struct dp_flowtab *ft, struct dp_flow_action *a)
{
	if (a != NULL) {
		dp_srtp_flow_put(a->srtp);
		pt_map_put(ft, a);
		rte_mempool_put(ft->actions, a);
	}
}

void dp_flowtab_set_release(struct dp_flowtab *ft, void (*fn)(void *arg, uint32_t neigh_idx),
			    void *arg)
{
	ft->release = fn;
	ft->release_arg = arg;
}

static void retire(struct dp_flowtab *ft, struct dp_flow_action *a, int32_t pos)
{
	struct retired r = { .act = a, .key_pos = pos, .neigh_idx = a->neigh_idx };

	/* The queue is sized for every flow plus the spares: it cannot stay full. */
	while (rte_rcu_qsbr_dq_enqueue(ft->dq, &r) != 0)
		rte_rcu_qsbr_dq_reclaim(ft->dq, UINT32_MAX, NULL, NULL, NULL);
}

int dp_flowtab_insert(struct dp_flowtab *ft, const struct mr_flow_key *key,
		      struct dp_flow_action *a)
{
	int rc;

	if (rte_hash_lookup(ft->hash, key) >= 0)
		return -EEXIST;
	/* The action is complete before the key becomes visible (release in add). */
	rc = rte_hash_add_key_data(ft->hash, key, a);
	if (rc == -ENOSPC) {
		rte_rcu_qsbr_dq_reclaim(ft->dq, UINT32_MAX, NULL, NULL, NULL);
		rc = rte_hash_add_key_data(ft->hash, key, a);
	}
	return rc;
}

int dp_flowtab_replace(struct dp_flowtab *ft, const struct mr_flow_key *key,
		       struct dp_flow_action *a, struct dp_flow_action *old)
{
	int rc;

	if (rte_hash_lookup(ft->hash, key) < 0)
		return -ENOENT;
	/* On an existing key rte_hash swaps the data pointer with one atomic store. */
	rc = rte_hash_add_key_data(ft->hash, key, a);
	if (rc < 0)
		return rc;
	retire(ft, old, -1);
	return 0;
}

int dp_flowtab_remove(struct dp_flowtab *ft, const struct mr_flow_key *key,
		      struct dp_flow_action *old)
{
	int32_t pos = rte_hash_del_key(ft->hash, key);

	if (pos < 0)
		return pos == -ENOENT ? -ENOENT : pos;
	retire(ft, old, pos);
	return 0;
}

void dp_flowtab_reclaim(struct dp_flowtab *ft)
{
	rte_rcu_qsbr_dq_reclaim(ft->dq, 256, NULL, NULL, NULL);
}
