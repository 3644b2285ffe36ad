/* SPDX-License-Identifier: BSD-3-Clause */
#include "drop.h"

const char *const dp_drop_names[DP_DROP__COUNT] = {
#define DP_DROP(e, name, help) [DP_DROP_##e] = name,
#include "drop_reasons.def"
#undef DP_DROP
};

const char *const dp_drop_help[DP_DROP__COUNT] = {
#define DP_DROP(e, name, help) [DP_DROP_##e] = help,
#include "drop_reasons.def"
#undef DP_DROP
};
