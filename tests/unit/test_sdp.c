/* SPDX-License-Identifier: BSD-3-Clause */
/* lib/sdp: parsing, validation and rewriting of session descriptions. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mr_check.h"
#include "sdp/sdp.h"

START_TEST(dir_names)
{
	ck_assert_str_eq(mr_sdp_dir_name(MR_SDP_DIR_SENDRECV), "sendrecv");
	ck_assert_str_eq(mr_sdp_dir_name(MR_SDP_DIR_SENDONLY), "sendonly");
	ck_assert_str_eq(mr_sdp_dir_name(MR_SDP_DIR_RECVONLY), "recvonly");
	ck_assert_str_eq(mr_sdp_dir_name(MR_SDP_DIR_INACTIVE), "inactive");
	ck_assert_str_eq(mr_sdp_dir_name(MR_SDP_DIR_UNSET), "");
}
END_TEST

Suite *sdp_suite(void);
Suite *sdp_suite(void)
{
	Suite *s = suite_create("sdp");
	TCase *tc = tcase_create("helpers");

	tcase_add_test(tc, dir_names);
	suite_add_tcase(s, tc);
	return s;
}

MR_CHECK_MAIN(sdp_suite)
