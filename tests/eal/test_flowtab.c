/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the flow table (flowtab.c) under EAL (--no-huge): insert,
 * lookup, atomic replace, delete, and that nothing a reader may still hold
 * is freed before that reader reports a quiescent state.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_hash.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "flowtab.h"

#define CAP 1024

static struct rte_rcu_qsbr *qsv;
static unsigned released[4];
static unsigned n_released;

static void on_release(void *arg, uint32_t idx)
{
	(void)arg;
	if (n_released < 4)
		released[n_released] = idx;
	n_released++;
}

static struct mr_flow_key key(uint16_t port)
{
	struct mr_flow_key k;

	memset(&k, 0, sizeof(k));
	k.family = 4;
	k.addr[0] = 198;
	k.addr[1] = 18;
	k.addr[3] = 1;
	k.port = port;
	return k;
}

static struct dp_flowtab *table(void)
{
	struct dp_flowtab *ft = dp_flowtab_create(CAP, qsv, 0);

	ck_assert_ptr_nonnull(ft);
	dp_flowtab_set_release(ft, on_release, NULL);
	n_released = 0;
	return ft;
}

static struct dp_flow_action *action(struct dp_flowtab *ft, uint32_t id, uint32_t neigh)
{
	struct dp_flow_action *a = dp_flowtab_action_alloc(ft);

	ck_assert_ptr_nonnull(a);
	a->flow_id = id;
	a->neigh_idx = neigh;
	return a;
}

static void *lookup(struct dp_flowtab *ft, uint16_t port)
{
	struct mr_flow_key k = key(port);
	void *data = NULL;

	if (rte_hash_lookup_data(dp_flowtab_hash(ft), &k, &data) < 0)
		return NULL;
	return data;
}

START_TEST(insert_lookup_delete)
{
	struct dp_flowtab *ft = table();
	struct mr_flow_key k = key(30000);
	struct dp_flow_action *a = action(ft, 7, UINT32_MAX);

	ck_assert_int_eq(dp_flowtab_insert(ft, &k, a), 0);
	ck_assert_ptr_eq(lookup(ft, 30000), a);
	ck_assert_ptr_null(lookup(ft, 30002));
	ck_assert_int_eq(dp_flowtab_insert(ft, &k, a), -EEXIST);
	ck_assert_uint_eq(dp_flowtab_count(ft), 1);
	ck_assert_int_eq(dp_flowtab_remove(ft, &k, a), 0);
	ck_assert_ptr_null(lookup(ft, 30000));
	ck_assert_int_eq(dp_flowtab_remove(ft, &k, a), -ENOENT);
	{
		struct mr_flow_key k2 = key(30004);

		ck_assert_int_eq(dp_flowtab_replace(ft, &k2, a, a), -ENOENT);
	}
	dp_flowtab_free(ft);
}
END_TEST

/* Thread 0 of the QSBR variable stands for a worker that holds the old action. */
START_TEST(replace_waits_for_readers)
{
	struct dp_flowtab *ft = table();
	struct mr_flow_key k = key(30000);
	struct dp_flow_action *a = action(ft, 1, 11), *b = action(ft, 1, 12);

	ck_assert_int_eq(rte_rcu_qsbr_thread_register(qsv, 0), 0);
	rte_rcu_qsbr_thread_online(qsv, 0);
	ck_assert_int_eq(dp_flowtab_insert(ft, &k, a), 0);
	a->ssrc_out = 0xa;	/* a reader would still see this */

	ck_assert_int_eq(dp_flowtab_replace(ft, &k, b, a), 0);
	ck_assert_ptr_eq(lookup(ft, 30000), b);	/* new lookups see the new action */
	dp_flowtab_reclaim(ft);
	ck_assert_uint_eq(n_released, 0);	/* the reader has not passed a quiescent state */
	ck_assert_uint_eq(a->ssrc_out, 0xa);

	rte_rcu_qsbr_quiescent(qsv, 0);
	dp_flowtab_reclaim(ft);
	ck_assert_uint_eq(n_released, 1);
	ck_assert_uint_eq(released[0], 11);	/* the old action's neighbor reference */

	/* Delete: key slot and action wait for the reader as well. */
	ck_assert_int_eq(dp_flowtab_remove(ft, &k, b), 0);
	dp_flowtab_reclaim(ft);
	ck_assert_uint_eq(n_released, 1);
	rte_rcu_qsbr_quiescent(qsv, 0);
	dp_flowtab_reclaim(ft);
	ck_assert_uint_eq(n_released, 2);
	ck_assert_uint_eq(released[1], 12);

	rte_rcu_qsbr_thread_offline(qsv, 0);
	rte_rcu_qsbr_thread_unregister(qsv, 0);
	dp_flowtab_free(ft);
}
END_TEST

/* Without registered readers (workers = 0) reclamation is immediate. */
START_TEST(no_readers_frees_at_once)
{
	struct dp_flowtab *ft = table();
	struct mr_flow_key k = key(30000);
	struct dp_flow_action *a = action(ft, 1, 21), *b = action(ft, 1, 22);

	ck_assert_int_eq(dp_flowtab_insert(ft, &k, a), 0);
	ck_assert_int_eq(dp_flowtab_replace(ft, &k, b, a), 0);
	dp_flowtab_reclaim(ft);
	ck_assert_uint_eq(n_released, 1);
	ck_assert_int_eq(dp_flowtab_remove(ft, &k, b), 0);
	dp_flowtab_reclaim(ft);
	ck_assert_uint_eq(n_released, 2);
	dp_flowtab_free(ft);
}
END_TEST

/* The table takes its capacity, and deleted keys make room again. */
START_TEST(capacity)
{
	struct dp_flowtab *ft = table();
	static struct dp_flow_action *acts[CAP];
	unsigned n = 0;

	for (unsigned i = 0; i < CAP; i++) {
		struct mr_flow_key k = key((uint16_t)(10000 + i));

		acts[i] = action(ft, i, UINT32_MAX);
		if (dp_flowtab_insert(ft, &k, acts[i]) != 0) {
			dp_flowtab_action_put(ft, acts[i]);
			break;
		}
		n++;
	}
	ck_assert_uint_eq(n, CAP);
	for (unsigned i = 0; i < CAP; i++) {
		struct mr_flow_key k = key((uint16_t)(10000 + i));

		ck_assert_int_eq(dp_flowtab_remove(ft, &k, acts[i]), 0);
	}
	for (unsigned i = 0; i < CAP; i++) {
		struct mr_flow_key k = key((uint16_t)(20000 + i));
		struct dp_flow_action *a = action(ft, i, UINT32_MAX);

		ck_assert_int_eq(dp_flowtab_insert(ft, &k, a), 0);
	}
	ck_assert_uint_eq(dp_flowtab_count(ft), CAP);
	dp_flowtab_free(ft);
}
END_TEST

static Suite *flowtab_suite(void)
{
	Suite *s = suite_create("flowtab");
	TCase *tc = tcase_create("flowtab");

	tcase_add_test(tc, insert_lookup_delete);
	tcase_add_test(tc, replace_waits_for_readers);
	tcase_add_test(tc, no_readers_frees_at_once);
	tcase_add_test(tc, capacity);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	char prefix[64];
	char *eal[] = { "test_flowtab", "--no-huge", "--no-shconf", "--no-pci", "-m", "64",
			"--log-level=lib.eal:error", "-l", "0", "--file-prefix", prefix, NULL };
	SRunner *sr;
	int failed;

	snprintf(prefix, sizeof(prefix), "tft%d", (int)getpid());
	if (rte_eal_init((int)(sizeof(eal) / sizeof(eal[0])) - 1, eal) < 0) {
		printf("Bail out! EAL initialisation failed\n");
		return 1;
	}
	qsv = rte_zmalloc(NULL, rte_rcu_qsbr_get_memsize(1), RTE_CACHE_LINE_SIZE);
	if (qsv == NULL || rte_rcu_qsbr_init(qsv, 1) != 0) {
		printf("Bail out! no QSBR variable\n");
		return 1;
	}
	sr = srunner_create(flowtab_suite());
	srunner_set_fork_status(sr, CK_NOFORK);	/* one EAL, in this process */
	srunner_set_tap(sr, "-");
	srunner_run_all(sr, CK_SILENT);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	rte_free(qsv);
	rte_eal_cleanup();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
