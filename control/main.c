/* SPDX-License-Identifier: BSD-3-Clause */
/* mrelay-control: SIP signaling (rtpengine ng protocol) to dataplane flows. */
#include <getopt.h>
#include <stdio.h>

static const char *prog = "mrelay-control";

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [OPTIONS]\n"
		"Takes rtpengine ng commands and programs mrelay-dataplane's flows.\n\n"
		"Options:\n"
		"  -c, --config FILE     INI configuration (default: built-in)\n"
		"  -i, --instance NAME   dataplane instance to attach to (default: default)\n"
		"  -h, --help            this text\n"
		"  -V, --version         print the version and exit\n",
		prog);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "instance", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "c:i:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
		case 'i':
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
	fprintf(stderr, "%s: the ng protocol is not built yet\n", prog);
	return 1;
}
