/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mrelay-dataplane: the DPDK primary process. main.c only parses the command
 * line, initialises and launches.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *prog = "mrelay-dataplane";

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [OPTIONS] [-- EAL-ARGS...]\n"
		"The mrelay media plane: a DPDK primary process that relays RTP.\n\n"
		"Options:\n"
		"  -c, --config FILE     INI configuration (default: built-in)\n"
		"  -i, --instance NAME   instance name, shm object /mrelay-NAME (default: default)\n"
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
	while ((c = getopt_long(argc, argv, "+c:i:hV", opts, NULL)) != -1) {
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
	fprintf(stderr, "%s: the packet path is not built yet\n", prog);
	return 1;
}
