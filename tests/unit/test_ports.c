/* SPDX-License-Identifier: BSD-3-Clause */
/* control/ports.c: RTP/RTCP pairs spread over an interface's addresses. */
#include <errno.h>
#include <string.h>

#include "mr_check.h"
#include "config/config.h"

#include "ctl.h"

/* 2000..2007: pairs 2000, 2002, 2004, 2006 on each address. */
#define PMIN 2000
#define PMAX 2007
#define PAIRS 4

START_TEST(spread)
{
	struct ctl_ports p;
	bool seen[3][PAIRS] = { { false } };
	unsigned per[3] = { 0 };
	uint16_t a, port;

	ck_assert_int_eq(ctl_ports_init(&p, PMIN, PMAX, 3, 0, 7), 0);
	ck_assert_uint_eq(p.n, 3 * PAIRS);
	ck_assert_uint_eq(ctl_ports_free_count(&p), 3 * PAIRS);
	/* Round robin: three calls, three addresses. */
	for (unsigned i = 0; i < 3; i++) {
		ck_assert_int_eq(ctl_ports_alloc(&p, 4, -1, 1, &a, &port), 0);
		ck_assert_uint_lt(a, 3);
		ck_assert_msg(per[a] == 0, "address %u chosen twice in the first round", a);
		per[a]++;
		seen[a][(port - PMIN) / 2] = true;
	}
	/* Every (address, pair) once, then none. */
	for (unsigned i = 3; i < 3 * PAIRS; i++) {
		ck_assert_int_eq(ctl_ports_alloc(&p, 4, -1, 1, &a, &port), 0);
		ck_assert(port >= PMIN && port <= PMAX - 1 && port % 2 == 0);
		ck_assert_msg(!seen[a][(port - PMIN) / 2], "%u:%u twice", a, port);
		seen[a][(port - PMIN) / 2] = true;
		per[a]++;
	}
	for (unsigned k = 0; k < 3; k++)
		ck_assert_uint_eq(per[k], PAIRS);
	ck_assert_uint_eq(ctl_ports_free_count(&p), 0);
	ck_assert_int_eq(ctl_ports_alloc(&p, 4, -1, 1, &a, &port), -ENOSPC);
	ctl_ports_fini(&p);
}
END_TEST

START_TEST(exhaustion)
{
	struct ctl_ports p;
	uint16_t a, port, kept = 0;

	ck_assert_int_eq(ctl_ports_init(&p, PMIN, PMAX, 3, 0, 99), 0);
	/* Fill addresses 0 and 1 by name. */
	for (unsigned k = 0; k < 2; k++)
		for (unsigned i = 0; i < PAIRS; i++) {
			ck_assert_int_eq(ctl_ports_alloc(&p, 4, (int)k, 1, &a, &port), 0);
			ck_assert_uint_eq(a, k);
			if (k == 1 && i == 2)
				kept = port;
		}
	ck_assert_int_eq(ctl_ports_alloc(&p, 4, 0, 1, &a, &port), -ENOSPC);
	ck_assert_uint_eq(ctl_ports_addr_free(&p, 4, 2), PAIRS);
	/* Calls now all land on address 2, whatever the turn says. */
	for (unsigned i = 0; i < PAIRS; i++) {
		ck_assert_int_eq(ctl_ports_alloc(&p, 4, -1, 1, &a, &port), 0);
		ck_assert_uint_eq(a, 2);
	}
	ck_assert_int_eq(ctl_ports_alloc(&p, 4, -1, 1, &a, &port), -ENOSPC);
	/* A pair freed on address 1 is the only one left, and comes back. */
	ck_assert_int_eq(ctl_ports_free(&p, 4, 1, kept), 0);
	ck_assert_int_eq(ctl_ports_free(&p, 4, 1, kept), -EINVAL);	/* twice */
	ck_assert_int_eq(ctl_ports_free(&p, 4, 1, kept + 1), -EINVAL);	/* odd */
	ck_assert_int_eq(ctl_ports_free(&p, 4, 3, kept), -EINVAL);	/* no such address */
	ck_assert_int_eq(ctl_ports_alloc(&p, 4, -1, 1, &a, &port), 0);
	ck_assert_uint_eq(a, 1);
	ck_assert_uint_eq(port, kept);
	ctl_ports_fini(&p);
}
END_TEST

START_TEST(room_for_the_side)
{
	struct ctl_ports p;
	uint16_t a, port;

	ck_assert_int_eq(ctl_ports_init(&p, PMIN, PMAX, 2, 0, 3), 0);
	/* Address 0 keeps one pair; a side needing 2 goes to address 1 every time. */
	for (unsigned i = 0; i < PAIRS - 1; i++)
		ck_assert_int_eq(ctl_ports_alloc(&p, 4, 0, 1, &a, &port), 0);
	for (unsigned i = 0; i < 2; i++) {
		ck_assert_int_eq(ctl_ports_alloc(&p, 4, -1, 2, &a, &port), 0);
		ck_assert_uint_eq(a, 1);
	}
	/* Now neither has 2: the next in turn with any room. */
	ck_assert_int_eq(ctl_ports_alloc(&p, 4, -1, 3, &a, &port), 0);
	ck_assert_uint_eq(ctl_ports_free_count(&p), 2);
	ck_assert_int_eq(ctl_ports_alloc(&p, 4, -1, 3, &a, &port), 0);
	ck_assert_int_eq(ctl_ports_alloc(&p, 4, -1, 3, &a, &port), 0);
	ck_assert_int_eq(ctl_ports_alloc(&p, 4, -1, 1, &a, &port), -ENOSPC);
	ctl_ports_fini(&p);
}
END_TEST

START_TEST(families_and_bad_input)
{
	struct ctl_ports p;
	uint16_t a, port;

	ck_assert_int_eq(ctl_ports_init(&p, PMIN, PMAX, 2, 1, 5), 0);
	ck_assert_uint_eq(p.n, 3 * PAIRS);
	ck_assert_int_eq(ctl_ports_alloc(&p, 6, -1, 1, &a, &port), 0);
	ck_assert_uint_eq(a, 0);
	ck_assert_uint_eq(ctl_ports_addr_free(&p, 6, 0), PAIRS - 1);
	ck_assert_uint_eq(ctl_ports_addr_free(&p, 4, 0), PAIRS);	/* families apart */
	ck_assert_int_eq(ctl_ports_alloc(&p, 6, 1, 1, &a, &port), -EINVAL);
	ck_assert_int_eq(ctl_ports_alloc(&p, 5, -1, 1, &a, &port), -EAFNOSUPPORT);
	ck_assert_int_eq(ctl_ports_free(&p, 4, 0, port), -EINVAL);
	ck_assert_int_eq(ctl_ports_free(&p, 6, 0, port), 0);
	ctl_ports_fini(&p);
	ck_assert_int_eq(ctl_ports_init(&p, PMIN, PMAX, 1, 0, 5), 0);
	ck_assert_int_eq(ctl_ports_alloc(&p, 6, -1, 1, &a, &port), -EAFNOSUPPORT);
	ctl_ports_fini(&p);
	ck_assert_int_eq(ctl_ports_init(&p, PMIN, PMAX, 0, 0, 5), -EINVAL);
	ck_assert_int_eq(ctl_ports_init(&p, PMIN, PMAX, MR_CFG_MAX_ADDRS + 1, 0, 5), -EINVAL);
	ck_assert_int_eq(ctl_ports_init(&p, 1000, 1000, 1, 0, 5), -EINVAL);
}
END_TEST

START_TEST(journal_take)
{
	struct ctl_ports p;
	uint16_t a, port;
	unsigned on1 = 0;

	ck_assert_int_eq(ctl_ports_init(&p, PMIN, PMAX, 2, 0, 11), 0);
	ck_assert_int_eq(ctl_ports_take(&p, 4, 1, 2002), 0);
	ck_assert_int_eq(ctl_ports_take(&p, 4, 1, 2002), -EINVAL);
	ck_assert_int_eq(ctl_ports_take(&p, 4, 2, 2002), -EINVAL);
	ck_assert_int_eq(ctl_ports_take(&p, 4, 0, 2004), 0);
	ctl_ports_untake(&p, 4, 0, 2004);
	ctl_ports_rebuild(&p, 12);
	ck_assert_uint_eq(ctl_ports_free_count(&p), 2 * PAIRS - 1);
	while (ctl_ports_alloc(&p, 4, -1, 1, &a, &port) == 0) {
		ck_assert(!(a == 1 && port == 2002));
		on1 += a == 1;
	}
	ck_assert_uint_eq(on1, PAIRS - 1);
	ctl_ports_fini(&p);
}
END_TEST

START_TEST(addr_index)
{
	static struct mr_config cfg;
	char err[256];
	struct mr_ip ip;

	ck_assert_msg(mr_config_load_string(&cfg, "[interface m]\ndevice = x\n"
					   "address-range = 198.18.0.1-198.18.0.8/24\n"
					   "address6 = 2001:db8::1/64, 2001:db8::2\n",
					   err, sizeof(err)) == 0, "%s", err);
	mr_ip_parse("198.18.0.5", &ip);
	ck_assert_int_eq(ctl_ports_addr_index(&cfg.ifaces[0], &ip), 4);
	mr_ip_parse("2001:db8::2", &ip);
	ck_assert_int_eq(ctl_ports_addr_index(&cfg.ifaces[0], &ip), 1);
	mr_ip_parse("198.18.0.9", &ip);
	ck_assert_int_eq(ctl_ports_addr_index(&cfg.ifaces[0], &ip), -ENOENT);
}
END_TEST

static Suite *ports_suite(void)
{
	Suite *s = suite_create("ports");
	TCase *tc = tcase_create("ports");

	tcase_add_test(tc, spread);
	tcase_add_test(tc, exhaustion);
	tcase_add_test(tc, room_for_the_side);
	tcase_add_test(tc, families_and_bad_input);
	tcase_add_test(tc, journal_take);
	tcase_add_test(tc, addr_index);
	suite_add_tcase(s, tc);
	return s;
}

MR_CHECK_MAIN(ports_suite)
