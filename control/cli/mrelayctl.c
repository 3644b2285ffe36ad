/* SPDX-License-Identifier: BSD-3-Clause */
/* mrelayctl: the flow inspector. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char *prog = "mrelayctl";

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [OPTIONS] COMMAND [ARGS]\n"
		"Inspect the calls and flows of a running mrelay.\n\n"
		"Options:\n"
		"  -s, --socket PATH     control socket\n"
		"      --json            machine-readable output\n"
		"  -h, --help            this text\n"
		"  -V, --version         print the version and exit\n",
		prog);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+s:hV", opts, NULL)) != -1) {
		switch (c) {
		case 's':
		case 'j':
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
	if (optind >= argc) {
		fprintf(stderr, "%s: no command given\nTry '%s --help'.\n", prog, prog);
		return 2;
	}
	fprintf(stderr, "%s: unknown command '%s'\n", prog, argv[optind]);
	return 2;
}
