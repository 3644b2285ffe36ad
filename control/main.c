/* SPDX-License-Identifier: BSD-3-Clause */
/* mrelay-control: SIP signaling (rtpengine ng protocol) to dataplane flows. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "common/mr_log.h"
#include "config/config.h"

#include "ctl.h"
#include "ctlsock.h"
#include "metrics.h"

static const char *prog = "mrelay-control";

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [OPTIONS]\n"
		"Takes rtpengine ng commands and programs mrelay-dataplane's flows.\n\n"
		"Options:\n"
		"  -c, --config FILE     INI configuration (default: built-in)\n"
		"  -i, --instance NAME   dataplane instance to attach to (default: the config's)\n"
		"  -L, --log-level SPEC  'debug', or per module 'ng:debug,dp:info,session:notice'\n"
		"  -h, --help            this text\n"
		"  -V, --version         print the version and exit\n",
		prog);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "instance", required_argument, NULL, 'i' },
		{ "log-level", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static struct mr_config cfg;
	static struct ctl ctl;
	const char *config = NULL, *instance = NULL, *levels = NULL;
	char err[512];
	char a[MR_SOCKADDR_STRLEN];
	int c, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "c:i:L:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'i':
			instance = optarg;
			break;
		case 'L':
			levels = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("%s %s\n", prog, MR_VERSION);
			return 0;
		default:
			fprintf(stderr, "%s: unknown or incomplete option '%s'\n", prog,
				argv[optind - 1]);
			fprintf(stderr, "Try '%s --help'.\n", prog);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", prog, argv[optind]);
		return 2;
	}
	mr_log_set_program(prog);
	if (config) {
		if (mr_config_load(&cfg, config, err, sizeof(err)) < 0) {
			fprintf(stderr, "%s: %s\n", prog, err);
			return 1;
		}
	} else {
		mr_config_defaults(&cfg);
	}
	if (instance && mr_str_copy(mr_str_cstr(instance), cfg.dp.instance,
				    sizeof(cfg.dp.instance)) < 0) {
		fprintf(stderr, "%s: instance name too long\n", prog);
		return 2;
	}
	rc = ctl_init(&ctl, &cfg);
	if (rc == 0 && levels && mr_log_set_levels(levels) < 0) {
		fprintf(stderr, "%s: bad --log-level '%s'\n", prog, levels);
		ctl_fini(&ctl);
		return 2;
	}
	if (rc < 0) {
		fprintf(stderr, "%s: cannot start: %s (listen-ng %s)\n", prog, strerror(-rc),
			mr_sockaddr_format(&cfg.ctl.listen_ng, a, sizeof(a)));
		ctl_fini(&ctl);
		return 1;
	}
	rc = ctl_sock_open(&ctl, cfg.ctl.ctl_socket);
	if (rc < 0) {
		fprintf(stderr, "%s: cannot open the ctl socket %s: %s\n", prog, cfg.ctl.ctl_socket,
			strerror(-rc));
		ctl_fini(&ctl);
		return 1;
	}
	/* /metrics is optional: control serves ng without it (the port may be taken). */
	ctl_metrics_open(&ctl);
	MR_LOG(&ctl_log_ng, NOTICE, "ng on %s, dataplane instance %s",
	       mr_sockaddr_format(&cfg.ctl.listen_ng, a, sizeof(a)), cfg.dp.instance);
	/* Off unless configured: say so, an operator looking for the records finds why. */
	if (cfg.ctl.quality_log[0])
		MR_LOG(&ctl_log_ng, NOTICE, "quality records: one JSON line per answered call to %s",
		       cfg.ctl.quality_log);
	else
		MR_LOG(&ctl_log_ng, NOTICE, "quality records: off ([control] quality-log is not set)");
	rc = ctl_run(&ctl);
	ctl_sock_close(&ctl);
	ctl_metrics_close(&ctl);
	ctl_fini(&ctl);
	return rc < 0 ? 1 : 0;
}
