/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Logging for the processes without EAL (control, mrelayctl): one log type
 * per module, each with its own level, set from the command line as
 * "module:level" pairs. The dataplane uses rte_log instead.
 */
#ifndef MR_LOG_H
#define MR_LOG_H

#include <stdarg.h>

enum mr_log_level {
	MR_LOG_ERR = 3,
	MR_LOG_WARNING = 4,
	MR_LOG_NOTICE = 5,
	MR_LOG_INFO = 6,
	MR_LOG_DEBUG = 7,
};

struct mr_log_type {
	const char *name;
	int level;
};

/* Define a log type with a default level (module-local). */
#define MR_LOG_TYPE(var, name_) \
	struct mr_log_type var = { .name = (name_), .level = MR_LOG_NOTICE }

void mr_log_register(struct mr_log_type *t);
/* Apply "module:level,module:level" or a bare level for all. -EINVAL on bad text. */
int mr_log_set_levels(const char *spec);
void mr_log_set_program(const char *prog);
void mr_log_write(const struct mr_log_type *t, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define MR_LOG(t, lvl, ...) do { \
	if ((t)->level >= MR_LOG_##lvl) \
		mr_log_write((t), MR_LOG_##lvl, __VA_ARGS__); \
} while (0)

#endif
