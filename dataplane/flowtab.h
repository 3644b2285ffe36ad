/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The flow table: an rte_hash (lock-free readers, one writer: the main
 * lcore) from struct mr_flow_key to struct dp_flow_action, actions from a
 * mempool, retired actions and key slots freed through an rte_rcu_qsbr defer
 * queue once every worker has reported a quiescent state.
 */
#ifndef DP_FLOWTAB_H
#define DP_FLOWTAB_H

#include <stdint.h>

#include "flowtab-t.h"

struct dp_flowtab;
struct rte_hash;
struct rte_rcu_qsbr;

/*
 * capacity flows; qsv the readers' QSBR variable (may have no registered
 * thread when the main lcore forwards alone). NULL + errno on failure.
 */
struct dp_flowtab *dp_flowtab_create(uint32_t capacity, struct rte_rcu_qsbr *qsv, int socket_id);
void dp_flowtab_free(struct dp_flowtab *ft);

/*
 * Called (main lcore) for the neighbor index of every retired action once
 * no worker can read it; UINT32_MAX indices are skipped.
 */
void dp_flowtab_set_release(struct dp_flowtab *ft, void (*fn)(void *arg, uint32_t neigh_idx),
			    void *arg);

/* For the workers' rte_hash_lookup_bulk_data. */
const struct rte_hash *dp_flowtab_hash(const struct dp_flowtab *ft);
uint32_t dp_flowtab_capacity(const struct dp_flowtab *ft);
uint32_t dp_flowtab_count(const struct dp_flowtab *ft);

/* The private record of a slot, flow_id < capacity. */
struct dp_flow_slot *dp_flowtab_slot(struct dp_flowtab *ft, uint32_t flow_id);

/* A zeroed action, or NULL (-ENOMEM in errno) when the pool is empty. */
struct dp_flow_action *dp_flowtab_action_alloc(struct dp_flowtab *ft);
/*
 * A payload-type table for an action being built (DP_PT_MAP_SIZE bytes, to
 * fill before publication): a->pt_map names it, and it goes back with the
 * action. NULL (errno ENOSPC) when none is left.
 */
uint8_t *dp_flowtab_pt_map_alloc(struct dp_flowtab *ft, struct dp_flow_action *a);
#define DP_PT_MAP_SIZE 128
/* The tables: an action's is at (a->pt_map - 1) * DP_PT_MAP_SIZE, for the workers. */
const uint8_t *dp_flowtab_pt_maps(const struct dp_flowtab *ft);
/* Give back an action that was never published (and its payload-type table). */
void dp_flowtab_action_put(struct dp_flowtab *ft, struct dp_flow_action *a);

/* Publish a new key with its filled action. 0, -EEXIST, -ENOSPC, -EINVAL. */
int dp_flowtab_insert(struct dp_flowtab *ft, const struct mr_flow_key *key,
		      struct dp_flow_action *a);
/* Swap the action of an existing key atomically; the old one is retired. 0 or -ENOENT. */
int dp_flowtab_replace(struct dp_flowtab *ft, const struct mr_flow_key *key,
		       struct dp_flow_action *a, struct dp_flow_action *old);
/* Unpublish a key; its action and key slot are retired. 0 or -ENOENT. */
int dp_flowtab_remove(struct dp_flowtab *ft, const struct mr_flow_key *key,
		      struct dp_flow_action *old);
/* Free what every reader has finished with; cheap when nothing waits. */
void dp_flowtab_reclaim(struct dp_flowtab *ft);

#endif
