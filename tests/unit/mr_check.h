/* SPDX-License-Identifier: BSD-3-Clause */
/* Run one Check suite with TAP on stdout; meson reads it (protocol: 'tap'). */
#ifndef MR_CHECK_H
#define MR_CHECK_H

#include <check.h>
#include <stdlib.h>

#define MR_CHECK_MAIN(suite_fn) \
	int main(void) \
	{ \
		SRunner *sr = srunner_create(suite_fn()); \
		int failed; \
		srunner_set_tap(sr, "-"); \
		srunner_run_all(sr, CK_SILENT); \
		failed = srunner_ntests_failed(sr); \
		srunner_free(sr); \
		return failed ? EXIT_FAILURE : EXIT_SUCCESS; \
	}

#endif
