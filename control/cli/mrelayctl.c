/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mrelayctl: the flow inspector. Calls, streams and flows come from
 * mrelay-control over its unix socket (JSON lines); drops, workers and
 * interfaces straight from the dataplane's shared memory (read-only), so
 * that they answer even while control is down.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "config/config.h"

#include "cli.h"

#define RPC_TIMEOUT_MS 5000
#define RPC_MAX_REPLY (256u << 20)

static const char *prog = "mrelayctl";

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [OPTIONS] COMMAND [ARGS]\n"
		"Inspect the calls and flows of a running mrelay.\n\n"
		"Commands:\n"
		"  calls                 calls with their legs, packets, loss, jitter, MOS\n"
		"  call CALL-ID          one call: legs, streams, addresses, SRTP, counters, flows\n"
		"  flows [--call ID] [--tenant T] [--addr IP[:PORT]]\n"
		"                        the dataplane's flows with counters\n"
		"  flow FLOW-ID          one flow, its counters and drop reasons\n"
		"  top [--sort rate|loss|jitter] [-n N] [--once]\n"
		"                        live view of the busiest calls, refreshed every second\n"
		"  totals                calls, flows, packets, bytes, drops, ng requests\n"
		"  drops                 drops per reason and per worker (shared memory)\n"
		"  workers               per-lcore load and packet rates (shared memory)\n"
		"  interfaces            ports, addresses and counters (shared memory)\n"
		"  ports                 media port pool usage per interface\n"
		"  capture CALL-ID|FLOW-ID -w FILE [-c N] [--seconds S]\n"
		"                        write the packets, as received and as sent, to pcapng\n"
		"  version               versions of mrelayctl and mrelay-control\n\n"
		"Options:\n"
		"  -c, --config FILE     read ctl-socket and instance from this INI file\n"
		"  -i, --instance NAME   mrelay instance (default: default)\n"
		"  -s, --socket PATH     control socket (default: /run/mrelay/INSTANCE.sock)\n"
		"      --json            machine-readable output (also after the command)\n"
		"  -h, --help            this text; COMMAND --help for one command\n"
		"  -V, --version         print the version and exit\n\n"
		"Exit status: 0 ok, 1 control or dataplane down or unknown id, 2 bad arguments.\n",
		prog);
}

/* ---- the control client -------------------------------------------------- */

json_t *cli_rpc(const struct cli *g, json_t *req)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char *line = json_dumps(req, JSON_COMPACT);
	size_t len = 0, cap = 65536, off = 0;
	char *buf = NULL;
	json_error_t je;
	json_t *r = NULL;
	int fd;

	json_decref(req);
	if (line == NULL)
		return NULL;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", g->socket);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		fprintf(stderr, "%s: cannot reach mrelay-control at %s: %s\n", prog, g->socket,
			strerror(errno));
		goto out;
	}
	len = strlen(line);
	line[len] = '\n';	/* json_dumps' NUL becomes the line end */
	while (off < len + 1) {
		ssize_t w = send(fd, line + off, len + 1 - off, MSG_NOSIGNAL);

		if (w < 0) {
			fprintf(stderr, "%s: cannot send to mrelay-control at %s: %s\n", prog,
				g->socket, strerror(errno));
			goto out;
		}
		off += (size_t)w;
	}
	buf = malloc(cap);
	off = 0;
	while (buf) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, RPC_TIMEOUT_MS) == 0) {
			fprintf(stderr, "%s: mrelay-control at %s did not answer within %d ms\n", prog,
				g->socket, RPC_TIMEOUT_MS);
			goto out;
		}
		if (off + 1 >= cap) {
			char *p = cap < RPC_MAX_REPLY ? realloc(buf, cap * 2) : NULL;

			if (p == NULL) {
				fprintf(stderr, "%s: reply from mrelay-control too large\n", prog);
				goto out;
			}
			buf = p;
			cap *= 2;
		}
		n = recv(fd, buf + off, cap - off - 1, 0);
		if (n <= 0) {
			fprintf(stderr, "%s: mrelay-control at %s closed the connection%s%s\n", prog,
				g->socket, n < 0 ? ": " : "", n < 0 ? strerror(errno) : "");
			goto out;
		}
		if (memchr(buf + off, '\n', (size_t)n)) {
			off += (size_t)n;
			break;
		}
		off += (size_t)n;
	}
	if (buf == NULL)
		goto out;
	r = json_loadb(buf, off, JSON_DISABLE_EOF_CHECK, &je);
	if (r == NULL)
		fprintf(stderr, "%s: unreadable reply from mrelay-control: %s\n", prog, je.text);
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	free(line);
	return r;
}

int cli_reply_status(const struct cli *g, json_t *r)
{
	json_t *dp = json_object_get(r, "dataplane");

	if (!json_is_true(json_object_get(r, "ok"))) {
		fprintf(stderr, "%s: %s\n", prog, cli_js(r, "error"));
		return CLI_ERR;
	}
	if (dp && !json_is_true(json_object_get(dp, "attached"))) {
		fprintf(stderr, "%s: mrelay-dataplane (instance %s) is down or not attached to "
			"control: no live counters\n", prog, cli_js(dp, "instance"));
		(void)g;
		return CLI_ERR;
	}
	return CLI_OK;
}

int cli_shm_attach(const struct cli *g, struct mr_shm *shm)
{
	int rc = mr_shm_attach(shm, g->instance, false);

	if (rc == -ENOENT)
		fprintf(stderr, "%s: mrelay-dataplane instance '%s' is not running "
			"(no shared memory /mrelay-%s)\n", prog, g->instance, g->instance);
	else if (rc == -EPROTO)
		fprintf(stderr, "%s: mrelay-dataplane instance '%s' was built from another version "
			"(shared memory layout differs)\n", prog, g->instance);
	else if (rc == -EAGAIN)
		fprintf(stderr, "%s: mrelay-dataplane instance '%s' is still starting\n", prog,
			g->instance);
	else if (rc < 0)
		fprintf(stderr, "%s: cannot map mrelay-dataplane instance '%s': %s\n", prog,
			g->instance, strerror(-rc));
	if (rc < 0)
		return rc;
	if (!mr_shm_is_live(shm, 3000)) {
		fprintf(stderr, "%s: mrelay-dataplane instance '%s' is not running (stopped, or no "
			"heartbeat for 3 s)\n", prog, g->instance);
		mr_shm_detach(shm);
		return -ESRCH;
	}
	return 0;
}

void cli_print_json(json_t *o)
{
	char *s = json_dumps(o, JSON_INDENT(2) | JSON_REAL_PRECISION(6));

	if (s) {
		puts(s);
		free(s);
	}
}

/* ---- small formatting helpers ------------------------------------------- */

uint64_t cli_ju(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) && json_integer_value(v) > 0 ? (uint64_t)json_integer_value(v) : 0;
}

double cli_jf(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

const char *cli_js(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

const char *cli_count(uint64_t v, char *buf, size_t len)
{
	if (v < 100000)
		snprintf(buf, len, "%llu", (unsigned long long)v);
	else if (v < 100000000)
		snprintf(buf, len, "%.1fk", (double)v / 1e3);
	else
		snprintf(buf, len, "%.1fM", (double)v / 1e6);
	return buf;
}

const char *cli_bytes(uint64_t v, char *buf, size_t len)
{
	if (v < 10000)
		snprintf(buf, len, "%llu B", (unsigned long long)v);
	else if (v < 10000000)
		snprintf(buf, len, "%.1f kB", (double)v / 1e3);
	else if (v < 10000000000ull)
		snprintf(buf, len, "%.1f MB", (double)v / 1e6);
	else
		snprintf(buf, len, "%.1f GB", (double)v / 1e9);
	return buf;
}

const char *cli_age(int64_t s, char *buf, size_t len)
{
	if (s < 0)
		snprintf(buf, len, "-");
	else if (s < 60)
		snprintf(buf, len, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(buf, len, "%lldm%02llds", (long long)(s / 60), (long long)(s % 60));
	else
		snprintf(buf, len, "%lldh%02lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
	return buf;
}

/* ---- tables -------------------------------------------------------------- */

struct cli_table {
	unsigned ncols, nrows, cap;
	uint64_t right;
	char **cells;		/* (nrows + 1) * ncols, row 0 the headers */
};

struct cli_table *cli_table_new(unsigned ncols, const char *const *headers)
{
	struct cli_table *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->ncols = ncols;
	cli_table_add(t, headers);
	return t;
}

void cli_table_right(struct cli_table *t, uint64_t mask)
{
	if (t)
		t->right = mask;
}

void cli_table_add(struct cli_table *t, const char *const *cells)
{
	if (t == NULL)
		return;
	if (t->nrows == t->cap) {
		unsigned cap = t->cap ? t->cap * 2 : 16;
		char **p = realloc(t->cells, (size_t)cap * t->ncols * sizeof(*p));

		if (p == NULL)
			return;
		t->cells = p;
		t->cap = cap;
	}
	for (unsigned i = 0; i < t->ncols; i++)
		t->cells[(size_t)t->nrows * t->ncols + i] = strdup(cells[i] ? cells[i] : "");
	t->nrows++;
}

void cli_table_print(struct cli_table *t, const char *indent)
{
	size_t w[64] = { 0 };

	if (t == NULL)
		return;
	for (unsigned r = 0; r < t->nrows; r++)
		for (unsigned i = 0; i < t->ncols && i < 64; i++) {
			const char *s = t->cells[(size_t)r * t->ncols + i];
			size_t l = s ? strlen(s) : 0;

			if (l > w[i])
				w[i] = l;
		}
	for (unsigned r = 0; r < t->nrows; r++) {
		fputs(indent ? indent : "", stdout);
		for (unsigned i = 0; i < t->ncols && i < 64; i++) {
			const char *s = t->cells[(size_t)r * t->ncols + i];
			bool last = i + 1 == t->ncols;

			if (t->right & (1ull << i))
				printf("%*s", (int)w[i], s ? s : "");
			else if (last)
				printf("%s", s ? s : "");
			else
				printf("%-*s", (int)w[i], s ? s : "");
			if (!last)
				fputs("  ", stdout);
		}
		putchar('\n');
	}
}

void cli_table_free(struct cli_table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < (size_t)t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

/* ---- argument parsing ---------------------------------------------------- */

int cli_parse(struct cli *g, int argc, char **argv, const char *cmd_usage,
	      const struct cli_opt *own, int (*fn)(struct cli *g, int val, const char *arg, void *ctx),
	      void *ctx, int min_pos, int max_pos, int *pos)
{
	struct option opts[16];
	char shorts[40] = ":h";
	size_t sl = 2;
	unsigned n = 0;
	int c, npos;

	opts[n++] = (struct option){ "json", no_argument, NULL, 'j' };
	opts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	for (; own && own->name && n < 15; own++) {
		opts[n++] = (struct option){ own->name, own->has_arg, NULL, own->val };
		if (own->val > ' ' && own->val < 127 && sl + 3 < sizeof(shorts)) {
			shorts[sl++] = (char)own->val;
			if (own->has_arg)
				shorts[sl++] = ':';
			shorts[sl] = '\0';
		}
	}
	opts[n] = (struct option){ NULL, 0, NULL, 0 };
	optind = 0;	/* glibc: start over on a new argv */
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			g->json = true;
			break;
		case 'h':
			printf("Usage: %s [OPTIONS] %s\n", prog, cmd_usage);
			return CLI_OK;
		case ':':
			fprintf(stderr, "%s %s: option '%s' needs a value\n", prog, argv[0],
				argv[optind - 1]);
			fprintf(stderr, "Try '%s %s --help'.\n", prog, argv[0]);
			return CLI_USAGE;
		case '?':
			fprintf(stderr, "%s %s: unknown option '%s'\n", prog, argv[0], argv[optind - 1]);
			fprintf(stderr, "Try '%s %s --help'.\n", prog, argv[0]);
			return CLI_USAGE;
		default:
			if (fn == NULL || fn(g, c, optarg, ctx) != 0) {
				fprintf(stderr, "Try '%s %s --help'.\n", prog, argv[0]);
				return CLI_USAGE;
			}
		}
	}
	npos = argc - optind;
	if (npos < min_pos || npos > max_pos) {
		if (npos < min_pos)
			fprintf(stderr, "%s %s: missing argument\n", prog, argv[0]);
		else
			fprintf(stderr, "%s %s: unexpected argument '%s'\n", prog, argv[0],
				argv[optind + max_pos]);
		fprintf(stderr, "Try '%s %s --help'.\n", prog, argv[0]);
		return CLI_USAGE;
	}
	*pos = optind;
	return -1;
}

/* ---- main ---------------------------------------------------------------- */

static const struct {
	const char *name;
	int (*fn)(struct cli *g, int argc, char **argv);
} commands[] = {
	{ "calls", cli_cmd_calls },
	{ "call", cli_cmd_call },
	{ "flows", cli_cmd_flows },
	{ "flow", cli_cmd_flow },
	{ "top", cli_cmd_top },
	{ "totals", cli_cmd_totals },
	{ "drops", cli_cmd_drops },
	{ "workers", cli_cmd_workers },
	{ "interfaces", cli_cmd_interfaces },
	{ "ports", cli_cmd_ports },
	{ "version", cli_cmd_version },
	{ "capture", cli_cmd_capture },
};

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "instance", required_argument, NULL, 'i' },
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static struct mr_config cfg;
	struct cli g = { .prog = prog };
	const char *config = NULL, *instance = NULL, *sock = NULL;
	char err[512];
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+c:i:s:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'i':
			instance = optarg;
			break;
		case 's':
			sock = optarg;
			break;
		case 'j':
			g.json = true;
			break;
		case 'h':
			usage(stdout);
			return CLI_OK;
		case 'V':
			printf("%s %s\n", prog, MR_VERSION);
			return CLI_OK;
		default:
			fprintf(stderr, "%s: unknown or incomplete option '%s'\n", prog,
				argv[optind - 1]);
			fprintf(stderr, "Try '%s --help'.\n", prog);
			return CLI_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "%s: no command given\nTry '%s --help'.\n", prog, prog);
		return CLI_USAGE;
	}
	if (config) {
		if (mr_config_load(&cfg, config, err, sizeof(err)) < 0) {
			fprintf(stderr, "%s: %s\n", prog, err);
			return CLI_USAGE;
		}
	} else {
		mr_config_defaults(&cfg);
	}
	if (instance) {
		char name[64];

		if (mr_shm_name(instance, name, sizeof(name)) < 0) {
			fprintf(stderr, "%s: bad instance name '%s' ([A-Za-z0-9_-], at most 31)\n",
				prog, instance);
			return CLI_USAGE;
		}
		snprintf(g.instance, sizeof(g.instance), "%s", instance);
		if (!config)
			snprintf(g.socket, sizeof(g.socket), "/run/mrelay/%s.sock", instance);
	} else {
		snprintf(g.instance, sizeof(g.instance), "%s", cfg.dp.instance);
	}
	if (g.socket[0] == '\0')
		snprintf(g.socket, sizeof(g.socket), "%s", cfg.ctl.ctl_socket[0] ?
			 cfg.ctl.ctl_socket : "/run/mrelay/default.sock");
	if (sock) {
		if (strlen(sock) >= sizeof(g.socket)) {
			fprintf(stderr, "%s: socket path too long\n", prog);
			return CLI_USAGE;
		}
		snprintf(g.socket, sizeof(g.socket), "%s", sock);
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[optind], commands[i].name) == 0)
			return commands[i].fn(&g, argc - optind, argv + optind);
	fprintf(stderr, "%s: unknown command '%s'\nTry '%s --help'.\n", prog, argv[optind], prog);
	return CLI_USAGE;
}
