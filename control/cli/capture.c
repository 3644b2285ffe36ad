/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mrelayctl capture: the packets of a call or a flow, as received and as
 * sent, written by the dataplane into a pcapng file.
 *
 * The file is opened here, with the rights of whoever runs mrelayctl, and
 * its descriptor is passed to control with the request (SCM_RIGHTS); the
 * dataplane writes through a duplicate of it and never opens a path itself.
 * The connection stays open: control answers at once (started or why not),
 * then once more when the file is complete. Ctrl-C asks for the end on the
 * same connection; closing it would end the capture too.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli.h"

#define START_TIMEOUT_MS 10000
#define STOP_TIMEOUT_MS 10000

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

struct capture_args {
	const char *file;
	long count;		/* -1: none */
	long seconds;		/* -1: none */
};

static int number(const char *arg, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || *end || end == arg || v < 1 || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int capture_opt(struct cli *g, int val, const char *arg, void *ctx)
{
	struct capture_args *a = ctx;

	(void)g;
	if (val == 'w') {
		if (arg[0] == '\0') {
			fprintf(stderr, "mrelayctl capture: -w needs a file name\n");
			return CLI_USAGE;
		}
		a->file = arg;
	} else if (val == 'c') {
		if (number(arg, 4294967295L, &a->count) < 0) {
			fprintf(stderr, "mrelayctl capture: -c needs a packet count of 1 or more, "
				"not '%s'\n", arg);
			return CLI_USAGE;
		}
	} else if (val == 'S') {
		if (number(arg, 86400, &a->seconds) < 0) {
			fprintf(stderr, "mrelayctl capture: --seconds needs 1..86400, not '%s'\n", arg);
			return CLI_USAGE;
		}
	}
	return 0;
}

/* Send one JSON line, with fd attached when fd >= 0. */
static int send_line(int sock, json_t *req, int fd)
{
	char *line = json_dumps(req, JSON_COMPACT);
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} cm;
	struct iovec iov;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	size_t len, off = 0;
	int rc = 0;

	json_decref(req);
	if (line == NULL)
		return -ENOMEM;
	len = strlen(line);
	line[len++] = '\n';	/* json_dumps' NUL becomes the line end */
	if (fd >= 0) {
		memset(&cm, 0, sizeof(cm));
		mh.msg_control = cm.buf;
		mh.msg_controllen = sizeof(cm.buf);
		cm.h.cmsg_level = SOL_SOCKET;
		cm.h.cmsg_type = SCM_RIGHTS;
		cm.h.cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(&cm.h), &fd, sizeof(int));
	}
	while (off < len) {
		ssize_t w;

		iov.iov_base = line + off;
		iov.iov_len = len - off;
		w = sendmsg(sock, &mh, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		off += (size_t)w;
		mh.msg_control = NULL;	/* the descriptor goes with the first byte only */
		mh.msg_controllen = 0;
	}
	free(line);
	return rc;
}

/*
 * The next reply line, or NULL: *why = -ETIMEDOUT, -ECONNRESET (closed),
 * -EINTR (Ctrl-C while waiting, when stop_on_int), -EBADMSG.
 */
static json_t *read_line(int sock, char *buf, size_t cap, size_t *have, int timeout_ms,
			 bool stop_on_int, int *why)
{
	for (;;) {
		char *nl = memchr(buf, '\n', *have);
		struct pollfd pfd = { .fd = sock, .events = POLLIN };
		ssize_t n;
		int p;

		if (nl != NULL) {
			size_t len = (size_t)(nl - buf);
			json_t *r = json_loadb(buf, len, 0, NULL);

			memmove(buf, nl + 1, *have - len - 1);
			*have -= len + 1;
			if (r == NULL)
				*why = -EBADMSG;
			return r;
		}
		if (*have == cap) {
			*why = -EBADMSG;
			return NULL;
		}
		if (stop_on_int && interrupted) {
			*why = -EINTR;
			return NULL;
		}
		p = poll(&pfd, 1, timeout_ms);
		if (p < 0 && errno == EINTR)
			continue;
		if (p == 0) {
			*why = -ETIMEDOUT;
			return NULL;
		}
		n = recv(sock, buf + *have, cap - *have, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*why = -ECONNRESET;
			return NULL;
		}
		*have += (size_t)n;
	}
}

static int done_report(const struct cli *g, json_t *d, const char *file)
{
	int rc = json_is_true(json_object_get(d, "ok")) ? CLI_OK : CLI_ERR;

	if (g->json) {
		json_object_set_new(d, "file", json_string(file));
		cli_print_json(d);
	} else {
		printf("%" PRIu64 " packets written to %s (%" PRIu64 " dropped; ended: %s)\n",
		       cli_ju(d, "written"), file, cli_ju(d, "dropped"), cli_js(d, "reason"));
	}
	if (rc != CLI_OK)
		fprintf(stderr, "mrelayctl capture: %s\n", cli_js(d, "error"));
	else if (cli_ju(d, "dropped"))
		fprintf(stderr, "mrelayctl capture: %" PRIu64 " packet copies were dropped (copy "
			"pool or ring full): the file misses them\n", cli_ju(d, "dropped"));
	return rc;
}

int cli_cmd_capture(struct cli *g, int argc, char **argv)
{
	static const struct cli_opt own[] = {
		{ "write", 1, 'w' }, { "count", 1, 'c' }, { "seconds", 1, 'S' }, { NULL, 0, 0 },
	};
	struct capture_args a = { .count = -1, .seconds = -1 };
	int pos, rc = cli_parse(g, argc, argv,
				"capture CALL-ID|FLOW-ID -w FILE.pcapng [-c N] [--seconds S] [--json]\n"
				"Write the packets of a call (all its flows) or of one flow into a pcapng\n"
				"file, each twice: as received (inbound) and as sent after rewrite\n"
				"(outbound). Stops after N packets written, after S seconds, or on Ctrl-C.\n"
				"FILE is created (or truncated) by mrelayctl with your rights; the\n"
				"dataplane writes through its descriptor. One capture at a time.\n"
				"  -w, --write FILE   the pcapng file (required)\n"
				"  -c, --count N      stop once N packets are written\n"
				"      --seconds S    stop after S seconds (1..86400)",
				own, capture_opt, &a, 1, 1, &pos);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct sigaction sa = { .sa_handler = on_sigint };
	const char *target;
	bool created = false, stopping = false;
	char buf[65536];
	size_t have = 0;
	json_t *req, *r;
	int fd = -1, sock = -1, why = 0;

	if (rc >= 0)
		return rc;
	target = argv[pos];
	if (a.file == NULL) {
		fprintf(stderr, "mrelayctl capture: -w FILE is required\n"
			"Try 'mrelayctl capture --help'.\n");
		return CLI_USAGE;
	}
	/* Ours, not the dataplane's: opened with the rights of the user running this. */
	fd = open(a.file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd >= 0)
		created = true;
	else if (errno == EEXIST)
		fd = open(a.file, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "mrelayctl capture: cannot write %s: %s\n", a.file, strerror(errno));
		return CLI_ERR;
	}
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", g->socket);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0 || connect(sock, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		fprintf(stderr, "mrelayctl: cannot reach mrelay-control at %s: %s\n", g->socket,
			strerror(errno));
		rc = CLI_ERR;
		goto fail;
	}
	req = json_pack("{ssss}", "cmd", "capture", "target", target);
	if (a.count > 0)
		json_object_set_new(req, "count", json_integer(a.count));
	if (a.seconds > 0)
		json_object_set_new(req, "seconds", json_integer(a.seconds));
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (send_line(sock, req, fd) < 0) {
		fprintf(stderr, "mrelayctl: cannot send to mrelay-control at %s: %s\n", g->socket,
			strerror(errno));
		rc = CLI_ERR;
		goto fail;
	}
	close(fd);	/* control and the dataplane hold their own now */
	fd = -1;
	r = read_line(sock, buf, sizeof(buf), &have, START_TIMEOUT_MS, false, &why);
	if (r == NULL) {
		fprintf(stderr, "mrelayctl: mrelay-control at %s %s\n", g->socket,
			why == -ETIMEDOUT ? "did not answer" : "closed the connection");
		rc = CLI_ERR;
		goto fail;
	}
	if (!json_is_true(json_object_get(r, "ok"))) {
		if (g->json)
			cli_print_json(r);
		fprintf(stderr, "mrelayctl capture: %s\n", cli_js(r, "error"));
		json_decref(r);
		rc = CLI_ERR;
		goto fail;
	}
	if (!g->json)
		fprintf(stderr, "capturing %s %s (%zu flows) to %s; Ctrl-C stops\n",
			cli_js(r, "kind"), target, json_array_size(json_object_get(r, "flows")),
			a.file);
	json_decref(r);
	for (;;) {
		r = read_line(sock, buf, sizeof(buf), &have, stopping ? STOP_TIMEOUT_MS : -1,
			      !stopping, &why);
		if (r == NULL && why == -EINTR) {
			stopping = true;
			send_line(sock, json_pack("{ss}", "cmd", "capture-stop"), -1);
			continue;
		}
		if (r == NULL) {
			fprintf(stderr, "mrelayctl capture: mrelay-control %s before the capture "
				"ended; %s may be incomplete\n",
				why == -ETIMEDOUT ? "did not answer" : "closed the connection", a.file);
			rc = CLI_ERR;
			break;
		}
		if (json_object_get(r, "stopping") != NULL) {
			json_decref(r);
			continue;
		}
		if (json_is_string(json_object_get(r, "event"))) {
			rc = done_report(g, r, a.file);
			json_decref(r);
			break;
		}
		/* An error line: control lost the dataplane, or the stop was refused. */
		if (g->json)
			cli_print_json(r);
		fprintf(stderr, "mrelayctl capture: %s\n", cli_js(r, "error"));
		json_decref(r);
		rc = CLI_ERR;
		break;
	}
	close(sock);
	return rc;
fail:
	if (fd >= 0)
		close(fd);
	if (sock >= 0)
		close(sock);
	if (created)
		unlink(a.file);	/* nothing was captured into a file we made */
	return rc;
}
