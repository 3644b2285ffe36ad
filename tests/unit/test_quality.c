/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * control/quality.h: the MOS estimate (simplified G.107 E-model) and the
 * loss percentage. Reference points: a clean G.711 call scores about 4.4
 * (R = 93.2 less the 20 ms delay term); G.113 App. I's Bpl = 25.1 puts 1 %
 * loss at R of about 89 (MOS about 4.3) and 5 % at R of about 77 (MOS about 3.9).
 */
#include <math.h>
#include <stdint.h>

#include "mr_check.h"

#include "quality.h"

START_TEST(clean_call)
{
	double m = ctl_quality_mos(0, 0);

	ck_assert(m > 4.35 && m <= 4.45);
}
END_TEST

START_TEST(loss_reference_points)
{
	double m1 = ctl_quality_mos(1, 0), m5 = ctl_quality_mos(5, 0);

	ck_assert(m1 > 4.25 && m1 < 4.35);
	ck_assert(m5 > 3.80 && m5 < 4.00);
}
END_TEST

START_TEST(monotonic)
{
	double prev = 5;

	for (double l = 0; l <= 100; l += 0.5) {
		double m = ctl_quality_mos(l, 10);

		ck_assert(m <= prev);
		prev = m;
	}
	prev = 5;
	for (double j = 0; j <= 2000; j += 5) {
		double m = ctl_quality_mos(2, j);

		ck_assert(m <= prev);
		prev = m;
	}
}
END_TEST

START_TEST(clamped)
{
	ck_assert(ctl_quality_mos(100, 5000) == 1.0);
	ck_assert(ctl_quality_mos(1e9, 1e9) == 1.0);
	/* Out-of-range or NaN input counts as none, never as a better score. */
	ck_assert(ctl_quality_mos(-5, -1) == ctl_quality_mos(0, 0));
	ck_assert(ctl_quality_mos(NAN, NAN) == ctl_quality_mos(0, 0));
	ck_assert(ctl_quality_mos(0, 0) <= 4.5);
}
END_TEST

START_TEST(loss_pct)
{
	ck_assert(ctl_quality_loss_pct(0, 0) == 0);
	ck_assert(ctl_quality_loss_pct(5, 0) == 0);
	ck_assert(ctl_quality_loss_pct(-3, 100) == 0);	/* duplicates: RFC 3550 may go negative */
	ck_assert(fabs(ctl_quality_loss_pct(7, 56) - 12.5) < 1e-9);
}
END_TEST

static Suite *quality_suite(void)
{
	Suite *s = suite_create("quality");
	TCase *tc = tcase_create("mos");

	tcase_add_test(tc, clean_call);
	tcase_add_test(tc, loss_reference_points);
	tcase_add_test(tc, monotonic);
	tcase_add_test(tc, clamped);
	tcase_add_test(tc, loss_pct);
	suite_add_tcase(s, tc);
	return s;
}

MR_CHECK_MAIN(quality_suite)
