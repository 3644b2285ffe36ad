/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * srtp-tool: SRTP for test scripts (the Python standard library has no AES).
 * Reads commands on stdin, one per line, answers one line each on stdout:
 *   new NAME in|out SUITE HEXKEY [FLAGS]   -> "ok" | "err <errno>"
 *   protect NAME rtp|rtcp HEXPACKET        -> HEX | "err <errno>"
 *   unprotect NAME rtp|rtcp HEXPACKET      -> HEX | "err <errno>"
 * SUITE and FLAGS are the numbers of lib/sdes (enum mr_srtp_suite,
 * MR_SRTP_F_*). Sessions keep their state (rollover counter, SRTCP index,
 * replay window) across commands, like a peer would.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdes/sdes.h"
#include "shm/msg-t.h"
#include "srtp.h"

#define MAX_SESSIONS 64

static struct {
	char name[32];
	struct dp_srtp s;
} sessions[MAX_SESSIONS];
static unsigned n_sessions;

static int unhex(const char *h, uint8_t *out, unsigned cap)
{
	unsigned n = 0;

	while (h[0] && h[1]) {
		unsigned v;

		if (n == cap || sscanf(h, "%2x", &v) != 1)
			return -1;
		out[n++] = (uint8_t)v;
		h += 2;
	}
	return h[0] ? -1 : (int)n;
}

static struct dp_srtp *find(const char *name)
{
	for (unsigned i = 0; i < n_sessions; i++)
		if (strcmp(sessions[i].name, name) == 0)
			return &sessions[i].s;
	return NULL;
}

int main(void)
{
	char line[8192], cmd[16], name[32], dir[8], arg[4096];
	unsigned suite, flags;

	if (dp_srtp_global_init() != 0)
		return 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof(line), stdin)) {
		uint8_t pkt[2048 + DP_SRTP_MAX_TRAILER];
		int n;

		if (sscanf(line, "%15s %31s %7s", cmd, name, dir) != 3) {
			printf("err %d\n", EINVAL);
			continue;
		}
		if (strcmp(cmd, "new") == 0) {
			struct mr_srtp_spec sp;
			int k;

			flags = 0;
			memset(&sp, 0, sizeof(sp));
			if (n_sessions == MAX_SESSIONS || find(name) ||
			    sscanf(line, "%*s %*s %*s %u %4095s %u", &suite, arg, &flags) < 2 ||
			    (k = unhex(arg, sp.key, sizeof(sp.key))) < 0) {
				printf("err %d\n", EINVAL);
				continue;
			}
			sp.suite = (uint8_t)suite;
			sp.key_len = (uint8_t)k;
			sp.flags = (uint8_t)flags;
			n = dp_srtp_session_init(&sessions[n_sessions].s, &sp, strcmp(dir, "out") == 0);
			if (n) {
				printf("err %d\n", -n);
				continue;
			}
			snprintf(sessions[n_sessions++].name, sizeof(name), "%s", name);
			printf("ok\n");
			continue;
		}
		{
			struct dp_srtp *s = find(name);
			bool rtcp = strcmp(dir, "rtcp") == 0;
			unsigned len;
			int rc;

			if (!s || sscanf(line, "%*s %*s %*s %4095s", arg) != 1 ||
			    (n = unhex(arg, pkt, 2048)) < 0) {
				printf("err %d\n", EINVAL);
				continue;
			}
			len = (unsigned)n;
			if (strcmp(cmd, "protect") == 0)
				rc = dp_srtp_protect(s, pkt, &len, sizeof(pkt), rtcp);
			else if (strcmp(cmd, "unprotect") == 0)
				rc = dp_srtp_unprotect(s, pkt, &len, rtcp);
			else
				rc = -EINVAL;
			if (rc) {
				printf("err %d\n", -rc);
				continue;
			}
			for (unsigned i = 0; i < len; i++)
				printf("%02x", pkt[i]);
			printf("\n");
		}
	}
	for (unsigned i = 0; i < n_sessions; i++)
		dp_srtp_session_free(&sessions[i].s);
	dp_srtp_global_fini();
	return 0;
}
