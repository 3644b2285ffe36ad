/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control work of one call setup, without the sockets and without
 * waiting on another process: offer, answer and delete through the real ng
 * dispatch (ctl_ng_handle), the real SDP parser and rewriter and the real
 * command ring of a shm region, whose dataplane side is drained in-process
 * between commands. This is the ceiling of one control core; bench-ng
 * measures the whole path through the real process.
 *
 * Prints: calls=<n> seconds=<s> calls_per_s=<x> cpu_s=<c> calls_per_cpu_s=<y>
 *         cpu_ns_per_call=<z> (CPU time: the figure that does not depend on load)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "shm/shm.h"

#include "ctl.h"

static struct mr_shm region;

static void drain(void *arg)
{
	struct mr_msg in[64];
	unsigned n = mr_shm_cmd_recv(&region, in, 64);

	(void)arg;
	for (unsigned i = 0; i < n; i++) {
		struct mr_msg ack;

		memset(&ack.hdr, 0, sizeof(ack.hdr));
		ack.hdr.type = MR_EVT_ACK;
		ack.hdr.seq = in[i].hdr.seq;
		mr_shm_evt_send(&region, &ack, 1);
	}
}

static const char sdp_a[] =
	"v=0\r\no=alice 2890844526 2890844526 IN IP4 198.18.0.10\r\ns=-\r\n"
	"c=IN IP4 198.18.0.10\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0 8 101\r\n"
	"a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
	"a=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n";
static const char sdp_b[] =
	"v=0\r\no=bob 2808844564 2808844564 IN IP4 198.18.0.20\r\ns=-\r\n"
	"c=IN IP4 198.18.0.20\r\nt=0 0\r\nm=audio 3456 RTP/AVP 0 101\r\n"
	"a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"
	"a=sendrecv\r\n";

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static struct mr_config cfg;
	static struct ctl ctl;
	static char req[4096];
	static uint8_t rep[65536];
	unsigned calls = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 200000;
	char inst[32], text[512], err[256];
	struct mr_shm_params p = { .n_flows = 65536, .n_workers = 1, .n_ifaces = 1 };
	unsigned bad = 0;
	double t0, t1, c0, c1;

	snprintf(inst, sizeof(inst), "benchctl%d", (int)getpid());
	p.instance = inst;
	if (mr_shm_create(&region, &p) < 0)
		return 1;
	region.hdr->heartbeat_ms = mr_shm_now_ms();
	region.hdr->state = MR_SHM_RUNNING;
	snprintf(text, sizeof(text), "[dataplane]\ninstance = %s\n[control]\nport-min = 10000\n"
		 "port-max = 59999\n[interface media]\ndevice = net_null0\naddress = 198.18.0.1/24\n", inst);
	if (mr_config_load_string(&cfg, text, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	memset(&cfg.ctl.listen_ng, 0, sizeof(cfg.ctl.listen_ng));
	if (ctl_init(&ctl, &cfg) < 0)
		return 1;
	mr_log_set_levels("warning");
	ctl.dp.wait_hook = drain;
	ctl_dp_poll(&ctl.dp, ctl_now_ms(&ctl), true);
	if (!ctl_dp_is_ready(&ctl.dp))
		return 1;
	t0 = now_s();
	c0 = cpu_s();
	for (unsigned i = 0; i < calls; i++) {
		char cid[32];
		int n;

		snprintf(cid, sizeof(cid), "c%u@bench", i);
		n = snprintf(req, sizeof(req), "%u_o d7:command5:offer7:call-id%zu:%s8:from-tag3:ft13:sdp%zu:%s"
			     "5:flagsl13:trust-addresse7:replacel6:origin18:session-connectionee",
			     i, strlen(cid), cid, sizeof(sdp_a) - 1, sdp_a);
		if (!memmem(rep, ctl_ng_handle(&ctl, (uint8_t *)req, (size_t)n, rep, sizeof(rep)), "2:ok", 4))
			bad++;
		n = snprintf(req, sizeof(req), "%u_a d7:command6:answer7:call-id%zu:%s8:from-tag3:ft16:to-tag3:tt1"
			     "3:sdp%zu:%s5:flagsl13:trust-addressee", i, strlen(cid), cid, sizeof(sdp_b) - 1, sdp_b);
		if (!memmem(rep, ctl_ng_handle(&ctl, (uint8_t *)req, (size_t)n, rep, sizeof(rep)), "2:ok", 4))
			bad++;
		n = snprintf(req, sizeof(req), "%u_d d7:command6:delete7:call-id%zu:%s8:from-tag3:ft1e",
			     i, strlen(cid), cid);
		if (!memmem(rep, ctl_ng_handle(&ctl, (uint8_t *)req, (size_t)n, rep, sizeof(rep)), "2:ok", 4))
			bad++;
		if ((i & 1023) == 0)
			region.hdr->heartbeat_ms = mr_shm_now_ms();
	}
	t1 = now_s();
	c1 = cpu_s();
	printf("calls=%u seconds=%.3f calls_per_s=%.0f cpu_s=%.3f calls_per_cpu_s=%.0f "
	       "cpu_ns_per_call=%.0f errors=%u\n", calls, t1 - t0, calls / (t1 - t0), c1 - c0,
	       calls / (c1 - c0), (c1 - c0) * 1e9 / calls, bad);
	ctl_fini(&ctl);
	mr_shm_detach(&region);
	return bad ? 1 : 0;
}
