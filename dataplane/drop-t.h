/* SPDX-License-Identifier: BSD-3-Clause */
/* The drop-reason enum, generated from drop_reasons.def. */
#ifndef DP_DROP_T_H
#define DP_DROP_T_H

enum dp_drop {
#define DP_DROP(e, name, help) DP_DROP_##e,
#include "drop_reasons.def"
#undef DP_DROP
	DP_DROP__COUNT
};

#endif
