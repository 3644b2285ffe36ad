/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "mr_log.h"

#define MAX_TYPES 64

static struct mr_log_type *types[MAX_TYPES];
static unsigned n_types;
static int default_level = MR_LOG_NOTICE;
static const char *program = "mrelay";

static const char *const level_names[] = {
	[MR_LOG_ERR] = "error", [MR_LOG_WARNING] = "warning",
	[MR_LOG_NOTICE] = "notice", [MR_LOG_INFO] = "info",
	[MR_LOG_DEBUG] = "debug",
};

void mr_log_set_program(const char *prog)
{
	program = prog;
}

void mr_log_register(struct mr_log_type *t)
{
	for (unsigned i = 0; i < n_types; i++)
		if (types[i] == t)
			return;
	if (n_types < MAX_TYPES) {
		t->level = default_level;
		types[n_types++] = t;
	}
}

static int parse_level(const char *s, size_t n)
{
	for (int l = MR_LOG_ERR; l <= MR_LOG_DEBUG; l++)
		if (strlen(level_names[l]) == n && strncasecmp(s, level_names[l], n) == 0)
			return l;
	if (n == 1 && s[0] >= '3' && s[0] <= '7')
		return s[0] - '0';
	return -EINVAL;
}

int mr_log_set_levels(const char *spec)
{
	const char *p = spec;

	while (*p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *colon = memchr(p, ':', len);
		int lvl;

		if (colon) {
			size_t nlen = (size_t)(colon - p);
			bool found = false;

			lvl = parse_level(colon + 1, len - nlen - 1);
			if (lvl < 0)
				return -EINVAL;
			for (unsigned i = 0; i < n_types; i++) {
				if (strlen(types[i]->name) == nlen &&
				    strncmp(types[i]->name, p, nlen) == 0) {
					types[i]->level = lvl;
					found = true;
				}
			}
			if (!found)
				return -ENOENT;
		} else {
			lvl = parse_level(p, len);
			if (lvl < 0)
				return -EINVAL;
			default_level = lvl;
			for (unsigned i = 0; i < n_types; i++)
				types[i]->level = lvl;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

void mr_log_write(const struct mr_log_type *t, int level, const char *fmt, ...)
{
	char buf[1024];
	struct timespec ts;
	struct tm tm;
	va_list ap;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s[%s] %s: %s\n",
		tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, program, t->name,
		level >= MR_LOG_ERR && level <= MR_LOG_DEBUG ? level_names[level] : "?",
		buf);
}
