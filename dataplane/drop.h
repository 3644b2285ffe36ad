/* SPDX-License-Identifier: BSD-3-Clause */
/* Names and help of the drop reasons (drop_reasons.def), for shm and telemetry. */
#ifndef DP_DROP_H
#define DP_DROP_H

#include <assert.h>

#include "drop-t.h"
#include "shm/shm-t.h"

static_assert(DP_DROP__COUNT <= MR_SHM_MAX_DROPS, "too many drop reasons for the shm header");

extern const char *const dp_drop_names[DP_DROP__COUNT];
extern const char *const dp_drop_help[DP_DROP__COUNT];

#endif
