/* SPDX-License-Identifier: BSD-3-Clause */
/* The CPU time another process has used, for the benchmarks' per-CPU-second figures. */
#ifndef MR_PERF_PROC_CPU_H
#define MR_PERF_PROC_CPU_H

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* User + system seconds of process pid so far (every thread), from /proc; 0 when unreadable. */
static inline double proc_cpu_s(int pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut = 0, st = 0;
	FILE *f;

	if (pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	if (fgets(buf, sizeof(buf), f) == NULL) {
		fclose(f);
		return 0;
	}
	fclose(f);
	p = strrchr(buf, ')');	/* the command name may hold spaces and parentheses */
	if (p == NULL || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return 0;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

#endif
