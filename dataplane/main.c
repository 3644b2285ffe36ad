/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mrelay-dataplane: the DPDK primary process. main.c only parses the command
 * line, initialises and launches.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "capture.h"
#include "cmdq.h"
#include "config/config.h"
#include "flowtab.h"
#include "media.h"
#include "neigh.h"
#include "port.h"
#include "srtp.h"
#include "telemetry.h"
#include "transcode.h"
#include "worker.h"

#define MAX_EAL_ARGS 128
#define NEIGH_CAPACITY 16384
#define LOCAL_RING_SIZE 4096
#define LEARN_RING_SIZE 16384
#define PARK_RING_SIZE 1024	/* frames waiting for a neighbor, all workers */

static const char *prog = "mrelay-dataplane";
static struct dp_ctx ctx;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [OPTIONS] [-- EAL-ARGS...]\n"
		"The mrelay media plane: a DPDK primary process that relays RTP.\n\n"
		"Options:\n"
		"  -c, --config FILE     INI configuration (default: built-in)\n"
		"  -i, --instance NAME   instance name, shm object /mrelay-NAME\n"
		"                        (default: [dataplane] instance, else \"default\")\n"
		"  -h, --help            this text\n"
		"  -V, --version         print the version and exit\n\n"
		"EAL arguments come from [dataplane] eal=, then one --vdev (or -a for PCI)\n"
		"per [interface] device, then those after `--`.\n\n"
		"Test options (for the eal test suite; not for production):\n"
		"  --test-start-on-barrier   poll no RX queue until the first BARRIER command\n"
		"  --test-exit-when-idle MS  exit once RX has been quiet for MS ms after it started\n"
		"  --test-burst N            RX burst size (1..32; 1 makes service work run\n"
		"                            between every two packets when workers = 0)\n"
		"  --test-rx-pace-us US      pause US microseconds after each RX burst (slow traffic)\n"
		"  --test-media-hold         media lcores take nothing from their rings until the\n"
		"                            second BARRIER (the first starts RX); with\n"
		"                            --test-start-on-barrier\n"
		"  --test-capture-pool N     capture copies in the pool (1..4095; default 4095)\n"
		"  In test mode a worker also waits, before each RX burst, until the main lcore\n"
		"  has handled the ARP/NDP frames handed to it, and the media lcores what they\n"
		"  were handed (unless held), so that runs are deterministic.\n",
		prog);
}

static void on_signal(int sig)
{
	(void)sig;
	ctx.quit = true;
}

static int bad_arg(const char *what)
{
	fprintf(stderr, "%s: %s\nTry '%s --help'.\n", prog, what, prog);
	return 2;
}

/* Split [dataplane] eal= on blanks into argv (the strings live in buf). */
static int split_eal(char *buf, char **argv, int argc, int max)
{
	for (char *save = NULL, *t = strtok_r(buf, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if (argc >= max)
			return -E2BIG;
		argv[argc++] = t;
	}
	return argc;
}

static int run(void)
{
	unsigned lcore_ids[MR_SHM_MAX_WORKERS + DP_MAX_MEDIA];
	unsigned workers = ctx.cfg.dp.workers, n_media = ctx.cfg.dp.media_lcores, id, n = 0, k = 0;
	struct rte_malloc_socket_stats heap0, heap1;
	char err[256];
	int rc;

	if (workers == 0) {
		lcore_ids[n++] = rte_get_main_lcore();
	}
	/* EAL's worker lcores in order: the forwarding ones first, then the media ones. */
	RTE_LCORE_FOREACH_WORKER(id) {
		if (n < workers)
			lcore_ids[n++] = id;
		else if (k < n_media && n + k < RTE_DIM(lcore_ids))
			lcore_ids[n + k++] = id;
	}
	if ((workers && n < workers) || k < n_media) {
		fprintf(stderr, "%s: %u workers and %u media lcores configured, only %u worker lcores (EAL -l)\n",
			prog, workers, n_media, rte_lcore_count() - 1);
		return 1;
	}
	ctx.n_lcores = n;
	ctx.n_media = n_media;
	ctx.tsc_hz = rte_get_tsc_hz();

	struct mr_shm_params sp = {
		.instance = ctx.cfg.dp.instance,
		.n_flows = ctx.cfg.dp.flows,
		/* the main lcore's own counters after the workers', then the media lcores' */
		.n_workers = n + (workers ? 1 : 0) + n_media,
		.n_ifaces = ctx.cfg.n_ifaces,
	};
	rc = mr_shm_create(&ctx.shm, &sp);
	if (rc) {
		fprintf(stderr, "%s: shared memory /mrelay-%s: %s\n", prog, ctx.cfg.dp.instance,
			strerror(-rc));
		return 1;
	}
	/* Readers: the workers, then the media lcores. */
	ctx.qsv = rte_zmalloc("dp_qsbr", rte_rcu_qsbr_get_memsize(n + n_media), RTE_CACHE_LINE_SIZE);
	if (ctx.qsv == NULL || rte_rcu_qsbr_init(ctx.qsv, n + n_media) != 0) {
		fprintf(stderr, "%s: cannot set up RCU\n", prog);
		return 1;
	}
	rte_malloc_get_socket_stats((int)rte_socket_id(), &heap0);
	ctx.ft = dp_flowtab_create(ctx.cfg.dp.flows, ctx.qsv, (int)rte_socket_id());
	if (ctx.ft == NULL) {
		fprintf(stderr, "%s: flow table of %u flows: %s\n", prog, ctx.cfg.dp.flows,
			strerror(errno));
		return 1;
	}
	rte_malloc_get_socket_stats((int)rte_socket_id(), &heap1);
	printf("%s: %u flows: flow table %zu MiB of DPDK memory, per-flow records %zu MiB "
	       "(ordinary, touched as used), stats table %zu MiB in /dev/shm\n", prog,
	       ctx.cfg.dp.flows, (heap1.heap_allocsz_bytes - heap0.heap_allocsz_bytes) >> 20,
	       ((size_t)ctx.cfg.dp.flows * sizeof(struct dp_flow_slot)) >> 20,
	       (size_t)ctx.shm.size >> 20);
	ctx.neigh = dp_neigh_create(NEIGH_CAPACITY, (int)rte_socket_id());
	if (ctx.neigh == NULL) {
		fprintf(stderr, "%s: neighbor table: %s\n", prog, strerror(errno));
		return 1;
	}
	rc = dp_port_init(&ctx, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return 1;
	}
	ctx.local_ring = rte_ring_create("dp_local", LOCAL_RING_SIZE, (int)rte_socket_id(), RING_F_SC_DEQ);
	ctx.learn_ring = rte_ring_create_elem("dp_learned", sizeof(uint32_t), LEARN_RING_SIZE,
					      (int)rte_socket_id(), RING_F_SC_DEQ);
	ctx.park_ring = rte_ring_create("dp_park", PARK_RING_SIZE, (int)rte_socket_id(), RING_F_SC_DEQ);
	if (ctx.local_ring == NULL || ctx.learn_ring == NULL || ctx.park_ring == NULL) {
		fprintf(stderr, "%s: rings: %s\n", prog, rte_strerror(rte_errno));
		return 1;
	}
	rc = dp_transcode_init(&ctx, RTE_MIN(ctx.cfg.dp.flows, ctx.cfg.dp.transcoders));
	if (rc) {
		fprintf(stderr, "%s: transcoder pool: %s\n", prog, strerror(-rc));
		return 1;
	}
	rc = dp_lcores_setup(&ctx, lcore_ids);
	if (rc) {
		fprintf(stderr, "%s: lcores: %s\n", prog, strerror(-rc));
		return 1;
	}
	rc = dp_capture_init(&ctx);
	if (rc) {
		fprintf(stderr, "%s: capture pool: %s\n", prog, strerror(-rc));
		return 1;
	}
	if (dp_telemetry_init(&ctx) != 0)
		fprintf(stderr, "%s: telemetry commands not registered\n", prog);
	ctx.rx_enabled = !ctx.test.start_on_barrier;
	ctx.media_held = ctx.test.media_hold && ctx.test.start_on_barrier;
	dp_cmdq_init(&ctx);
	printf("%s: instance %s, %u interface(s), %u forwarding lcore(s)%s, %u media lcore(s)%s, "
	       "%u flows\n", prog, ctx.cfg.dp.instance, ctx.n_ifaces, n, workers ? "" : " (main lcore)",
	       n_media, n_media ? "" : " (transcoding inline)", ctx.cfg.dp.flows);
	fflush(stdout);

	if (workers)
		for (unsigned i = 0; i < n; i++)
			rte_eal_remote_launch(dp_worker_main, ctx.lcores[i], lcore_ids[i]);
	for (unsigned i = 0; i < n_media; i++)
		rte_eal_remote_launch(dp_media_main, ctx.media[i], lcore_ids[n + i]);
	while (!ctx.quit) {
		if (!workers)
			dp_worker_poll(ctx.lcores[0]);
		dp_service(&ctx);
	}
	rte_eal_mp_wait_lcore();
	/* A last round: acks and TX that are already queued. */
	if (!workers)
		dp_worker_poll(ctx.lcores[0]);
	dp_cmdq_fini(&ctx);
	return 0;
}

static void cleanup(void)
{
	dp_capture_fini(&ctx);
	dp_port_close(&ctx);
	dp_lcores_free(&ctx);
	if (ctx.ft != NULL)
		dp_flowtab_free(ctx.ft);
	if (ctx.neigh != NULL)
		dp_neigh_free(ctx.neigh);
	dp_transcode_fini(&ctx);
	rte_ring_free(ctx.local_ring);
	rte_ring_free(ctx.learn_ring);
	if (ctx.park_ring != NULL) {
		struct rte_mbuf *pm = NULL;

		while (rte_ring_dequeue(ctx.park_ring, (void **)&pm) == 0)
			rte_pktmbuf_free(pm);
		rte_ring_free(ctx.park_ring);
	}
	rte_mempool_free(ctx.pool);
	rte_free(ctx.qsv);
	mr_shm_detach(&ctx.shm);
}

int main(int argc, char **argv)
{
	enum { OPT_START_BARRIER = 256, OPT_EXIT_IDLE, OPT_BURST, OPT_PACE, OPT_MEDIA_HOLD, OPT_CAP_POOL };
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "instance", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "test-start-on-barrier", no_argument, NULL, OPT_START_BARRIER },
		{ "test-exit-when-idle", required_argument, NULL, OPT_EXIT_IDLE },
		{ "test-burst", required_argument, NULL, OPT_BURST },
		{ "test-rx-pace-us", required_argument, NULL, OPT_PACE },
		{ "test-media-hold", no_argument, NULL, OPT_MEDIA_HOLD },
		{ "test-capture-pool", required_argument, NULL, OPT_CAP_POOL },
		{ NULL, 0, NULL, 0 },
	};
	static char eal_buf[sizeof(ctx.cfg.dp.eal)];
	char *eal_argv[MAX_EAL_ARGS];
	const char *config = NULL, *instance = NULL;
	char err[512], *end;
	unsigned long v;
	int c, eal_argc = 0, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+c:i:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'i':
			instance = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("%s %s\n", prog, MR_VERSION);
			return 0;
		case OPT_START_BARRIER:
			ctx.test.start_on_barrier = true;
			break;
		case OPT_EXIT_IDLE:
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || v == 0 || v > 3600000)
				return bad_arg("--test-exit-when-idle needs 1..3600000 (ms)");
			ctx.test.exit_when_idle_ms = (uint32_t)v;
			break;
		case OPT_BURST:
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || v == 0 || v > DP_BURST)
				return bad_arg("--test-burst needs 1..32");
			ctx.test.burst = (uint8_t)v;
			break;
		case OPT_MEDIA_HOLD:
			ctx.test.media_hold = true;
			break;
		case OPT_PACE:
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || v > 1000000)
				return bad_arg("--test-rx-pace-us needs 0..1000000");
			ctx.test.rx_pace_us = (uint32_t)v;
			break;
		case OPT_CAP_POOL:
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || v == 0 || v > 4095)
				return bad_arg("--test-capture-pool needs 1..4095");
			ctx.test.capture_pool = (uint32_t)v;
			break;
		default:
			fprintf(stderr, "%s: unknown or incomplete option '%s'\n", prog,
				argv[optind - 1]);
			fprintf(stderr, "Try '%s --help'.\n", prog);
			return 2;
		}
	}
	if (optind < argc && strcmp(argv[optind - 1], "--") != 0)
		return bad_arg("unexpected argument (EAL arguments go after `--`)");

	if (config != NULL)
		rc = mr_config_load(&ctx.cfg, config, err, sizeof(err));
	else
		rc = (mr_config_defaults(&ctx.cfg), 0);
	if (rc) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return 1;
	}
	if (instance != NULL) {
		char name[64];

		if (mr_shm_name(instance, name, sizeof(name)) != 0)
			return bad_arg("--instance: 1..31 characters of [A-Za-z0-9_-]");
		snprintf(ctx.cfg.dp.instance, sizeof(ctx.cfg.dp.instance), "%s", instance);
	}

	eal_argv[eal_argc++] = argv[0];
	memcpy(eal_buf, ctx.cfg.dp.eal, sizeof(eal_buf));
	eal_argc = split_eal(eal_buf, eal_argv, eal_argc, MAX_EAL_ARGS);
	if (eal_argc >= 0)
		eal_argc = dp_port_eal_args(&ctx.cfg, eal_argv, eal_argc, MAX_EAL_ARGS);
	for (int i = optind; eal_argc >= 0 && i < argc; i++) {
		if (eal_argc >= MAX_EAL_ARGS - 1)
			eal_argc = -E2BIG;
		else
			eal_argv[eal_argc++] = argv[i];
	}
	if (eal_argc < 0)
		return bad_arg("too many EAL arguments");
	eal_argv[eal_argc] = NULL;

	rc = rte_eal_init(eal_argc, eal_argv);
	if (rc < 0) {
		fprintf(stderr, "%s: EAL initialisation failed: %s\n", prog, rte_strerror(rte_errno));
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (dp_srtp_global_init() != 0) {
		fprintf(stderr, "%s: libsrtp initialisation failed\n", prog);
		rte_eal_cleanup();
		return 1;
	}
	rc = run();
	ctx.quit = true;
	rte_eal_mp_wait_lcore();
	cleanup();
	dp_srtp_global_fini();
	rte_eal_cleanup();
	return rc;
}
