/* SPDX-License-Identifier: BSD-3-Clause */
/* lib/shm: the region, its rings between two processes without EAL, liveness. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mr_check.h"
#include "shm/shm.h"

static char inst[32];

static void setup(void)
{
	snprintf(inst, sizeof(inst), "test-%d", (int)getpid());
}

static struct mr_shm_params params(void)
{
	return (struct mr_shm_params){ .instance = inst, .n_flows = 1024, .n_workers = 2,
				       .n_ifaces = 1, .cmd_ring_size = 64, .evt_ring_size = 64 };
}

START_TEST(names)
{
	char buf[64];

	ck_assert_int_eq(mr_shm_name("default", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/mrelay-default");
	ck_assert_int_eq(mr_shm_name("", buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(mr_shm_name("a/b", buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(mr_shm_name("../x", buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(mr_shm_name("0123456789012345678901234567890123", buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(mr_shm_name(NULL, buf, sizeof(buf)), -EINVAL);
}
END_TEST

START_TEST(bad_params)
{
	struct mr_shm shm;
	struct mr_shm_params p = params();

	p.n_flows = 0;
	ck_assert_int_eq(mr_shm_create(&shm, &p), -EINVAL);
	p = params();
	p.n_workers = MR_SHM_MAX_WORKERS + 1;
	ck_assert_int_eq(mr_shm_create(&shm, &p), -EINVAL);
	p = params();
	p.cmd_ring_size = 100;	/* not a power of two */
	ck_assert_int_eq(mr_shm_create(&shm, &p), -EINVAL);
	p = params();
	p.instance = "bad name";
	ck_assert_int_eq(mr_shm_create(&shm, &p), -EINVAL);
	ck_assert_int_eq(mr_shm_attach(&shm, inst, true), -ENOENT);
}
END_TEST

/* A child process attaches and acks every command: the real cross-process path. */
START_TEST(rings_across_processes)
{
	struct mr_shm dp;
	struct mr_shm_params p = params();
	struct mr_msg m;
	pid_t pid;
	int status;
	unsigned sent = 0, acked = 0;

	ck_assert_int_eq(mr_shm_create(&dp, &p), 0);
	ck_assert_uint_eq(dp.hdr->magic, MR_SHM_MAGIC);
	ck_assert_uint_eq(dp.hdr->n_flows, 1024);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct mr_shm ctl;
		unsigned done = 0;

		if (mr_shm_attach(&ctl, inst, true) != 0)
			_exit(10);
		/* The "dataplane" side here is the child: echo commands as acks. */
		for (int spins = 0; done < 200 && spins < 20000000; spins++) {
			struct mr_msg in[8];
			unsigned n = mr_shm_cmd_recv(&ctl, in, 8);

			for (unsigned i = 0; i < n; i++) {
				struct mr_msg ack = { .hdr = { .type = MR_EVT_ACK, .seq = in[i].hdr.seq,
							       .flow_id = in[i].u.flow.flow_id } };
				while (mr_shm_evt_send(&ctl, &ack, 1) != 1)
					;
				done++;
			}
		}
		mr_shm_detach(&ctl);
		_exit(done == 200 ? 0 : 11);
	}
	while (acked < 200) {
		if (sent < 200) {
			memset(&m, 0, sizeof(m));
			m.hdr.type = MR_MSG_FLOW_ADD;
			m.hdr.seq = sent + 1;
			m.u.flow.flow_id = sent * 3;
			sent += mr_shm_cmd_send(&dp, &m, 1);
		}
		if (mr_shm_evt_recv(&dp, &m, 1) == 1) {
			acked++;
			ck_assert_uint_eq(m.hdr.type, MR_EVT_ACK);
			ck_assert_uint_eq(m.hdr.seq, acked);	/* in order */
			ck_assert_uint_eq(m.hdr.flow_id, (acked - 1) * 3);
		}
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	mr_shm_detach(&dp);
	ck_assert_int_eq(mr_shm_attach(&dp, inst, false), -ENOENT);	/* unlinked */
}
END_TEST

START_TEST(ring_full)
{
	struct mr_shm dp;
	struct mr_shm_params p = params();
	struct mr_msg m[100];
	unsigned n;

	memset(m, 0, sizeof(m));
	ck_assert_int_eq(mr_shm_create(&dp, &p), 0);
	n = mr_shm_cmd_send(&dp, m, 100);
	ck_assert_uint_eq(n, 63);	/* a ring of 64 holds 63 */
	ck_assert_uint_eq(mr_shm_cmd_free(&dp), 0);
	ck_assert_uint_eq(mr_shm_cmd_send(&dp, m, 1), 0);
	ck_assert_uint_eq(mr_shm_cmd_recv(&dp, m, 100), 63);
	mr_shm_detach(&dp);
}
END_TEST

START_TEST(abi_mismatch)
{
	struct mr_shm dp, ctl;
	struct mr_shm_params p = params();

	ck_assert_int_eq(mr_shm_create(&dp, &p), 0);
	dp.hdr->abi = MR_MSG_ABI + 1;
	ck_assert_int_eq(mr_shm_attach(&ctl, inst, true), -EPROTO);
	dp.hdr->abi = MR_MSG_ABI;
	dp.hdr->msg_size += 8;
	ck_assert_int_eq(mr_shm_attach(&ctl, inst, true), -EPROTO);
	dp.hdr->msg_size -= 8;
	dp.hdr->magic = 0x1234;
	ck_assert_int_eq(mr_shm_attach(&ctl, inst, true), -EPROTO);
	dp.hdr->magic = 0;
	ck_assert_int_eq(mr_shm_attach(&ctl, inst, true), -EAGAIN);
	dp.hdr->magic = MR_SHM_MAGIC;
	ck_assert_int_eq(mr_shm_attach(&ctl, inst, true), 0);
	mr_shm_detach(&ctl);
	mr_shm_detach(&dp);
}
END_TEST

START_TEST(liveness_and_restart)
{
	struct mr_shm dp, dp2, ctl;
	struct mr_shm_params p = params();
	uint64_t gen;

	ck_assert_int_eq(mr_shm_create(&dp, &p), 0);
	ck_assert_int_eq(mr_shm_attach(&ctl, inst, false), 0);
	ck_assert(!mr_shm_is_live(&ctl, 1000));		/* still starting */
	dp.hdr->heartbeat_ms = mr_shm_now_ms();
	dp.hdr->state = MR_SHM_RUNNING;
	ck_assert(mr_shm_is_live(&ctl, 1000));
	/* Counters written by the dataplane are seen by the reader. */
	dp.flows[1000].packets = 77;
	ck_assert_uint_eq(ctl.flows[1000].packets, 77);
	dp.hdr->heartbeat_ms = mr_shm_now_ms() - 5000;
	ck_assert(!mr_shm_is_live(&ctl, 1000));		/* stale heartbeat */
	dp.hdr->heartbeat_ms = mr_shm_now_ms();
	gen = dp.hdr->generation;

	/* A new dataplane replaces the object: the old mapping is no longer live. */
	ck_assert_int_eq(mr_shm_create(&dp2, &p), 0);
	dp2.hdr->heartbeat_ms = mr_shm_now_ms();
	dp2.hdr->state = MR_SHM_RUNNING;
	ck_assert(!mr_shm_is_live(&ctl, 1000));
	ck_assert_uint_gt(dp2.hdr->generation, gen);
	mr_shm_detach(&ctl);
	ck_assert_int_eq(mr_shm_attach(&ctl, inst, false), 0);
	ck_assert(mr_shm_is_live(&ctl, 1000));
	ck_assert_uint_eq(ctl.hdr->generation, dp2.hdr->generation);
	/* The first one going away must not unlink its successor's name. */
	mr_shm_detach(&dp);
	ck_assert(mr_shm_is_live(&ctl, 1000));
	mr_shm_detach(&dp2);
	ck_assert(!mr_shm_is_live(&ctl, 1000));
	mr_shm_detach(&ctl);
}
END_TEST

START_TEST(tsc_conversion)
{
	struct mr_shm dp;
	struct mr_shm_params p = params();

	ck_assert_int_eq(mr_shm_create(&dp, &p), 0);
	dp.hdr->tsc_hz = 1000000000;
	dp.hdr->tsc_ref = 5000;
	dp.hdr->time_ref_ns = 1000000;
	ck_assert_uint_eq(mr_shm_tsc_to_ns(&dp, 0), 0);
	ck_assert_uint_eq(mr_shm_tsc_to_ns(&dp, 6000), 1001000);
	ck_assert_uint_eq(mr_shm_tsc_to_ns(&dp, 4000), 999000);
	mr_shm_detach(&dp);
}
END_TEST

static Suite *shm_suite(void)
{
	Suite *s = suite_create("shm");
	TCase *tc = tcase_create("shm_region");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, names);
	tcase_add_test(tc, bad_params);
	tcase_add_test(tc, rings_across_processes);
	tcase_add_test(tc, ring_full);
	tcase_add_test(tc, abi_mismatch);
	tcase_add_test(tc, liveness_and_restart);
	tcase_add_test(tc, tsc_conversion);
	suite_add_tcase(s, tc);
	return s;
}

MR_CHECK_MAIN(shm_suite)
