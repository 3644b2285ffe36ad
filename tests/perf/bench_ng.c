/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Call setups per second through the real mrelay-control process: offer,
 * answer and delete over UDP (ng protocol), each one programming flows over
 * the shm command ring and waiting for the acks. The dataplane is the real
 * mrelay-dataplane when --dataplane is given (net_null vdev, --no-huge);
 * otherwise this program creates the shm region and acks every command from
 * a thread, as the dataplane's main lcore does, and says so. With
 * --rtpengine PATH the same client drives rtpengine (userspace, one thread)
 * instead: the baseline measured in the same run.
 *
 * Prints: calls=<n> seconds=<s> calls_per_s=<x> control_cpu_s=<c>
 *         calls_per_control_cpu_s=<y> dataplane=<real|inline>
 */
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "shm/shm.h"
#include "proc_cpu.h"

static volatile bool stop_acker;
static struct mr_shm region;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The dataplane's side of the rings, when no real dataplane runs. */
static bool acker_spin;

static void *acker(void *arg)
{
	struct mr_msg in[64];
	unsigned idle = 0, beat = 0;

	(void)arg;
	while (!stop_acker) {
		unsigned n = mr_shm_cmd_recv(&region, in, 64);

		if ((++beat & 4095) == 0)
			region.hdr->heartbeat_ms = mr_shm_now_ms();
		for (unsigned i = 0; i < n; i++) {
			struct mr_msg ack;

			memset(&ack.hdr, 0, sizeof(ack.hdr));
			ack.hdr.type = MR_EVT_ACK;
			ack.hdr.seq = in[i].hdr.seq;
			ack.hdr.flow_id = in[i].hdr.flow_id;
			while (mr_shm_evt_send(&region, &ack, 1) != 1 && !stop_acker)
				;
		}
		if (n == 0 && !acker_spin && ++idle > 64) {
			idle = 0;
			sched_yield();	/* two cores: leave room for control and the client */
		}
	}
	return NULL;
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

/* Stage s (0 offer, 1 answer, 2 delete) of call i, cookie "<i>_<s>_<run>". */
static int build(char *buf, size_t cap, unsigned i, unsigned s, unsigned run)
{
	char cid[32];
	int n;

	snprintf(cid, sizeof(cid), "bench-%u-%u@x", run, i);
	if (s == 0)
		n = snprintf(buf, cap, "%u_0_%u d7:command5:offer7:call-id%zu:%s8:from-tag3:ft13:sdp%zu:%s"
			     "5:flagsl13:trust-addresse7:replacel6:origin18:session-connectionee",
			     i, run, strlen(cid), cid, sizeof(sdp_a) - 1, sdp_a);
	else if (s == 1)
		n = snprintf(buf, cap, "%u_1_%u d7:command6:answer7:call-id%zu:%s8:from-tag3:ft16:to-tag3:tt1"
			     "3:sdp%zu:%s5:flagsl13:trust-addressee",
			     i, run, strlen(cid), cid, sizeof(sdp_b) - 1, sdp_b);
	else
		n = snprintf(buf, cap, "%u_2_%u d7:command6:delete7:call-id%zu:%s8:from-tag3:ft1e",
			     i, run, strlen(cid), cid);
	return n;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "control", required_argument, NULL, 'c' },
		{ "dataplane", required_argument, NULL, 'd' },
		{ "calls", required_argument, NULL, 'n' },
		{ "window", required_argument, NULL, 'w' },
		{ "port", required_argument, NULL, 'p' },
		{ "control-cpu", required_argument, NULL, 'C' },
		{ "rtpengine", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *control = NULL, *dataplane = NULL, *rtpengine = NULL;
	unsigned calls = 20000, window = 16, port = 0;
	int ctl_cpu = -1;
	char inst[32], ini[128], buf[4096], rbuf[65536];
	struct sockaddr_in sa = { .sin_family = AF_INET };
	pid_t ctl_pid, dp_pid = 0;
	pthread_t th;
	unsigned *stage, next = 0, done = 0, errors = 0, silent = 0, retrans = 0;
	double t0, t1, c0, c1;
	int fd, c, status;
	FILE *f;

	while ((c = getopt_long(argc, argv, "c:d:n:w:p:C:r:", opts, NULL)) != -1) {
		switch (c) {
		case 'c': control = optarg; break;
		case 'd': dataplane = optarg; break;
		case 'n': calls = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'w': window = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'p': port = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'C': ctl_cpu = atoi(optarg); break;
		case 'r': rtpengine = optarg; break;
		default:
			fprintf(stderr, "usage: bench-ng --control PATH [--dataplane PATH] [-n calls] [-w window]\n");
			return 2;
		}
	}
	if ((control == NULL && rtpengine == NULL) || calls == 0 || window == 0 || window > 1024) {
		fprintf(stderr, "bench-ng: --control PATH (or --rtpengine PATH) required\n");
		return 2;
	}
	if (port == 0)
		port = 20000 + (unsigned)getpid() % 20000;
	snprintf(inst, sizeof(inst), "bench%d", (int)getpid());
	snprintf(ini, sizeof(ini), "/tmp/bench-ng-%d.ini", (int)getpid());
	f = fopen(ini, "w");
	if (f == NULL)
		return 1;
	fprintf(f, "[dataplane]\ninstance = %s\nworkers = 0\nflows = 65536\n"
		   "[control]\nlisten-ng = 127.0.0.1:%u\nport-min = 10000\nport-max = 59999\n"
		   "ack-timeout = 2000\n"
		   "[interface media]\ndevice = net_null_%s\naddress = 198.18.0.1/24\n",
		inst, port, inst);
	fclose(f);

	if (rtpengine) {
		/* The baseline: rtpengine in userspace, same requests, same client. */
	} else if (dataplane) {
		dp_pid = fork();
		if (dp_pid == 0) {
			char prefix[64];

			snprintf(prefix, sizeof(prefix), "--file-prefix=%s", inst);
			freopen("/dev/null", "w", stdout);
			execl(dataplane, dataplane, "-c", ini, "-i", inst, "--", "--no-huge", "--no-shconf",
			      "--no-pci", "-m", "512", prefix, "-l", "0", (char *)NULL);
			_exit(127);
		}
	} else {
		struct mr_shm_params p = { .instance = inst, .n_flows = 65536, .n_workers = 1,
					   .n_ifaces = 1 };

		if (mr_shm_create(&region, &p) < 0) {
			fprintf(stderr, "bench-ng: cannot create the shm region\n");
			return 1;
		}
		region.hdr->heartbeat_ms = mr_shm_now_ms();
		__atomic_store_n(&region.hdr->state, MR_SHM_RUNNING, __ATOMIC_RELEASE);
		pthread_create(&th, NULL, acker, NULL);
		if (ctl_cpu >= 0) {
			/* Like the dataplane's main lcore: a core of its own, polling. */
			cpu_set_t set;

			CPU_ZERO(&set);
			CPU_SET(ctl_cpu == 0 ? 1 : 0, &set);
			pthread_setaffinity_np(th, sizeof(set), &set);
			acker_spin = true;
			/* This client shares the control core. */
			CPU_ZERO(&set);
			CPU_SET(ctl_cpu, &set);
			pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
		}
	}
	ctl_pid = fork();
	if (ctl_pid == 0) {
		if (ctl_cpu >= 0) {
			cpu_set_t set;

			CPU_ZERO(&set);
			CPU_SET(ctl_cpu, &set);
			sched_setaffinity(0, sizeof(set), &set);
		}
		if (rtpengine) {
			char ng[64];

			snprintf(ng, sizeof(ng), "--listen-ng=127.0.0.1:%u", port);
			freopen("/dev/null", "w", stderr);
			execl(rtpengine, rtpengine, "--config-file=none", "--foreground",
			      "--log-stderr", "--log-level=3",
			      "--interface=127.0.0.1", ng, "--table=-1", "--port-min=10000",
			      "--port-max=59999", "--delete-delay=0", "--no-redis-required",
			      "--num-threads=1", (char *)NULL);
			_exit(127);
		}
		execl(control, control, "--config", ini, "--log-level", "warning", (char *)NULL);
		_exit(127);
	}

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	{
		int sz = 8 << 20;

		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	}
	/*
	 * Wait until control answers offers (the dataplane attached). Every
	 * probe is a new call with its own cookie: a repeated cookie would get
	 * control's cached first answer back (from before the dataplane came up).
	 */
	for (int tries = 0;; tries++) {
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		int n = build(buf, sizeof(buf), (unsigned)tries, 0, 999999);

		if (tries > 300) {
			fprintf(stderr, "bench-ng: control did not come up (last reply: %.300s)\n", rbuf);
			goto fail;
		}
		send(fd, buf, (size_t)n, 0);
		if (poll(&pf, 1, 100) == 1) {
			ssize_t r = recv(fd, rbuf, sizeof(rbuf) - 1, 0);

			if (r > 0) {
				rbuf[r] = '\0';
				if (strstr(rbuf, "6:result2:ok")) {
					unsigned probe = 0;

					/* The call that answered (a late reply may be an earlier probe's). */
					if (sscanf(rbuf, "%u_", &probe) != 1)
						probe = (unsigned)tries;
					n = build(buf, sizeof(buf), probe, 2, 999999);
					send(fd, buf, (size_t)n, 0);
					recv(fd, rbuf, sizeof(rbuf), 0);
					break;
				}
			}
		}
		usleep(100000);
	}

	stage = calloc(calls, sizeof(*stage));
	c0 = proc_cpu_s(ctl_pid);
	t0 = now_s();
	/* Keep `window` calls in flight; each reply moves its call one stage on. */
	for (; next < window && next < calls; next++) {
		int n = build(buf, sizeof(buf), next, 0, 0);

		send(fd, buf, (size_t)n, 0);
	}
	while (done < calls) {
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		unsigned i, s, run;
		ssize_t r;

		if (poll(&pf, 1, 500) != 1 && ++silent < 10) {
			/* Like a proxy: send what is outstanding again, same cookies. */
			for (unsigned j = 0; j < next; j++) {
				if (stage[j] < 3) {
					int n = build(buf, sizeof(buf), j, stage[j], 0);

					send(fd, buf, (size_t)n, 0);
					retrans++;
				}
			}
			continue;
		}
		if (silent >= 10) {
			unsigned st[4] = { 0 };

			for (unsigned j = 0; j < next; j++)
				st[stage[j]]++;
			fprintf(stderr, "bench-ng: no reply for 5 s after retransmissions (%u calls done; waiting: %u offers, "
				"%u answers, %u deletes)\n", done, st[0], st[1], st[2]);
			goto fail;
		}
		silent = 0;
		r = recv(fd, rbuf, sizeof(rbuf) - 1, 0);
		if (r <= 0)
			continue;
		rbuf[r] = '\0';
		if (sscanf(rbuf, "%u_%u_%u ", &i, &s, &run) != 3 || i >= calls || stage[i] != s)
			continue;
		if (!strstr(rbuf, "6:result2:ok"))
			errors++;
		if (s < 2) {
			int n = build(buf, sizeof(buf), i, s + 1, 0);

			stage[i] = s + 1;
			send(fd, buf, (size_t)n, 0);
		} else {
			stage[i] = 3;
			done++;
			if (next < calls) {
				int n = build(buf, sizeof(buf), next++, 0, 0);

				send(fd, buf, (size_t)n, 0);
			}
		}
	}
	t1 = now_s();
	c1 = proc_cpu_s(ctl_pid);
	printf("calls=%u seconds=%.3f calls_per_s=%.0f control_cpu_s=%.3f calls_per_control_cpu_s=%.0f "
	       "errors=%u retransmits=%u window=%u dataplane=%s\n",
	       calls, t1 - t0, calls / (t1 - t0), c1 - c0,
	       c1 - c0 > 0 ? calls / (c1 - c0) : 0.0, errors, retrans, window,
	       rtpengine ? "rtpengine" : dataplane ? "real" : "inline");
	free(stage);
	kill(ctl_pid, SIGTERM);
	waitpid(ctl_pid, &status, 0);
	if (dp_pid > 0) {
		kill(dp_pid, SIGTERM);
		waitpid(dp_pid, NULL, 0);
	} else if (!rtpengine) {
		stop_acker = true;
		pthread_join(th, NULL);
		mr_shm_detach(&region);
	}
	unlink(ini);
	return errors ? 1 : 0;
fail:
	kill(ctl_pid, SIGTERM);
	waitpid(ctl_pid, NULL, 0);
	if (dp_pid > 0) {
		kill(dp_pid, SIGTERM);
		waitpid(dp_pid, NULL, 0);
	} else if (!rtpengine) {
		stop_acker = true;
		pthread_join(th, NULL);
		mr_shm_detach(&region);
	}
	unlink(ini);
	return 1;
}
