/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mrelayctl top: the calls sorted by packet rate, loss or jitter, with a
 * totals line, refreshed every second. Plain ANSI (home, clear); on a
 * terminal the keys q (quit) and r/l/j (sort) are read in non-canonical
 * mode, and the terminal is restored on q, Ctrl-C, SIGTERM or an error.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

enum sort_key { SORT_RATE, SORT_LOSS, SORT_JITTER };

struct top_row {
	json_t *call;		/* borrowed from the reply */
	double pps, loss, jitter;
};

struct prev {
	char *id;
	uint64_t packets;
};

struct top {
	enum sort_key sort;
	long iterations;	/* 0: until q */
	struct prev *prev;
	size_t n_prev;
	double prev_t;
	uint64_t prev_rx;
	bool have_prev;
};

static volatile sig_atomic_t stop_sig;

static void on_signal(int sig)
{
	stop_sig = sig;
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_rows(const void *a, const void *b, void *arg)
{
	const struct top_row *x = a, *y = b;
	enum sort_key k = *(const enum sort_key *)arg;
	double vx = k == SORT_RATE ? x->pps : k == SORT_LOSS ? x->loss : x->jitter;
	double vy = k == SORT_RATE ? y->pps : k == SORT_LOSS ? y->loss : y->jitter;

	if (isnan(vx))
		vx = -1;
	if (isnan(vy))
		vy = -1;
	return vx < vy ? 1 : vx > vy ? -1 :
	       strcmp(cli_js(x->call, "call_id"), cli_js(y->call, "call_id"));
}

static uint64_t call_packets(json_t *call)
{
	json_t *pk = json_object_get(call, "packets");

	return (uint64_t)json_integer_value(json_array_get(pk, 0)) +
	       (uint64_t)json_integer_value(json_array_get(pk, 1));
}

static double prev_rate(struct top *t, json_t *call, double dt)
{
	const char *id = cli_js(call, "call_id");

	if (!t->have_prev || dt <= 0)
		return NAN;
	for (size_t i = 0; i < t->n_prev; i++)
		if (strcmp(t->prev[i].id, id) == 0) {
			uint64_t p = call_packets(call);

			return p >= t->prev[i].packets ? (double)(p - t->prev[i].packets) / dt : 0;
		}
	return NAN;
}

static void prev_save(struct top *t, json_t *calls)
{
	json_t *call;
	size_t i;

	for (i = 0; i < t->n_prev; i++)
		free(t->prev[i].id);
	free(t->prev);
	t->n_prev = 0;
	t->prev = calloc(json_array_size(calls) + 1, sizeof(*t->prev));
	if (t->prev == NULL)
		return;
	json_array_foreach(calls, i, call) {
		t->prev[t->n_prev].id = strdup(cli_js(call, "call_id"));
		t->prev[t->n_prev].packets = call_packets(call);
		if (t->prev[t->n_prev].id)
			t->n_prev++;
	}
}

static const char *sort_name(enum sort_key k)
{
	return k == SORT_RATE ? "rate" : k == SORT_LOSS ? "loss" : "jitter";
}

/* One refresh. Returns CLI_OK or CLI_ERR (control gone). */
static int frame(struct cli *g, struct top *t, bool tty, long n)
{
	json_t *calls_r = cli_rpc(g, json_pack("{ss}", "cmd", "calls"));
	json_t *tot = calls_r ? cli_rpc(g, json_pack("{ss}", "cmd", "totals")) : NULL;
	double now = mono(), dt = now - t->prev_t, total_pps = NAN, sum_pps = 0;
	json_t *calls, *call, *dp;
	struct top_row *rows;
	size_t i, nrows;
	char ts[32];
	time_t wall = time(NULL);
	struct tm tm;

	if (calls_r == NULL || tot == NULL || !json_is_true(json_object_get(calls_r, "ok"))) {
		if (calls_r)
			cli_reply_status(g, calls_r);
		json_decref(calls_r);
		json_decref(tot);
		return CLI_ERR;
	}
	calls = json_object_get(calls_r, "calls");
	dp = json_object_get(calls_r, "dataplane");
	nrows = json_array_size(calls);
	rows = calloc(nrows + 1, sizeof(*rows));
	if (rows == NULL) {
		json_decref(calls_r);
		json_decref(tot);
		return CLI_ERR;
	}
	json_array_foreach(calls, i, call) {
		rows[i].call = call;
		rows[i].pps = prev_rate(t, call, dt);
		rows[i].loss = cli_jf(call, "loss_pct");
		rows[i].jitter = cli_jf(call, "jitter_ms");
		if (!isnan(rows[i].pps))
			sum_pps += rows[i].pps;
	}
	qsort_r(rows, nrows, sizeof(*rows), cmp_rows, &t->sort);
	if (t->have_prev && dt > 0 && cli_ju(tot, "rx_packets") >= t->prev_rx)
		total_pps = (double)(cli_ju(tot, "rx_packets") - t->prev_rx) / dt;
	gmtime_r(&wall, &tm);
	strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
	if (g->json) {
		json_t *o = json_object(), *a = json_array();

		for (i = 0; i < nrows; i++) {
			json_t *c = json_deep_copy(rows[i].call);

			json_object_set_new(c, "pps", isnan(rows[i].pps) ? json_null() :
					    json_real(rows[i].pps));
			json_array_append_new(a, c);
		}
		json_object_set_new(o, "time", json_string(ts));
		json_object_set_new(o, "sort", json_string(sort_name(t->sort)));
		json_object_set_new(o, "totals", json_incref(tot));
		json_object_set_new(o, "rx_pps", isnan(total_pps) ? json_null() : json_real(total_pps));
		json_object_set_new(o, "calls", a);
		{
			char *s = json_dumps(o, JSON_COMPACT);

			if (s)
				puts(s);
			free(s);
		}
		json_decref(o);
	} else {
		static const char *const h[] = { "CALL-ID", "AGE", "LEGS", "PPS", "PKTS", "LOSS%",
						 "JITTER", "MOS" };
		struct cli_table *tb = cli_table_new(8, h);
		char pps[24];

		if (tty)
			fputs("\033[H\033[2J", stdout);
		printf("mrelay %s  %s UTC  sort: %s  [q quit, r rate, l loss, j jitter]\n",
		       cli_js(dp, "instance"), ts, sort_name(t->sort));
		printf("calls %" PRIu64 "  flows %" PRIu64 "  rx %s pps  rx %" PRIu64 " pkts  tx %"
		       PRIu64 " pkts  drops %" PRIu64 "  ng %" PRIu64 " (errors %" PRIu64 ")  "
		       "dataplane %s\n\n",
		       cli_ju(tot, "calls"), cli_ju(tot, "flows"),
		       isnan(total_pps) ? "-" : (snprintf(pps, sizeof(pps), "%.0f", total_pps), pps),
		       cli_ju(tot, "rx_packets"), cli_ju(tot, "tx_packets"), cli_ju(tot, "drops"),
		       cli_ju(tot, "ng_requests"), cli_ju(tot, "ng_errors"),
		       json_is_true(json_object_get(dp, "attached")) ? "up" : "DOWN");
		cli_table_right(tb, 0xfa);
		for (i = 0; i < nrows; i++) {
			char age[16], legs[600], r[24], p[24], l[16], j[16], m[16];
			json_t *c = rows[i].call, *lg = json_object_get(c, "legs");
			double v;
			const char *row[8];

			snprintf(legs, sizeof(legs), "%s <-> %s", cli_js(json_array_get(lg, 0), "tag"),
				 cli_js(json_array_get(lg, 1), "tag"));
			if (isnan(rows[i].pps))
				snprintf(r, sizeof(r), "-");
			else
				snprintf(r, sizeof(r), "%.0f", rows[i].pps);
			cli_count(call_packets(c), p, sizeof(p));
			v = rows[i].loss;
			isnan(v) ? snprintf(l, sizeof(l), "-") : snprintf(l, sizeof(l), "%.2f", v);
			v = rows[i].jitter;
			isnan(v) ? snprintf(j, sizeof(j), "-") : snprintf(j, sizeof(j), "%.1f ms", v);
			v = cli_jf(c, "mos");
			isnan(v) ? snprintf(m, sizeof(m), "-") : snprintf(m, sizeof(m), "%.2f", v);
			row[0] = cli_js(c, "call_id");
			row[1] = cli_age((int64_t)cli_ju(c, "age_s"), age, sizeof(age));
			row[2] = legs;
			row[3] = r;
			row[4] = p;
			row[5] = l;
			row[6] = j;
			row[7] = m;
			cli_table_add(tb, row);
		}
		cli_table_print(tb, NULL);
		cli_table_free(tb);
		printf("\n%zu call%s, %.0f pps in calls%s\n", nrows, nrows == 1 ? "" : "s", sum_pps,
		       t->have_prev ? "" : " (rates from the next refresh)");
		if (!tty && n > 0)
			putchar('\n');
	}
	fflush(stdout);
	prev_save(t, calls);
	t->prev_t = now;
	t->prev_rx = cli_ju(tot, "rx_packets");
	t->have_prev = true;
	free(rows);
	json_decref(calls_r);
	json_decref(tot);
	return CLI_OK;
}

static int top_opt(struct cli *g, int val, const char *arg, void *ctx)
{
	struct top *t = ctx;
	char *end;

	(void)g;
	if (val == 'S') {
		if (strcmp(arg, "rate") == 0)
			t->sort = SORT_RATE;
		else if (strcmp(arg, "loss") == 0)
			t->sort = SORT_LOSS;
		else if (strcmp(arg, "jitter") == 0)
			t->sort = SORT_JITTER;
		else {
			fprintf(stderr, "mrelayctl top: bad --sort '%s': rate, loss or jitter\n", arg);
			return CLI_USAGE;
		}
	} else if (val == 'n') {
		errno = 0;
		t->iterations = strtol(arg, &end, 10);
		if (errno || *end || end == arg || t->iterations < 1) {
			fprintf(stderr, "mrelayctl top: bad -n '%s': a count of refreshes >= 1\n", arg);
			return CLI_USAGE;
		}
	} else if (val == 'O') {
		t->iterations = 1;
	}
	return 0;
}

int cli_cmd_top(struct cli *g, int argc, char **argv)
{
	static const struct cli_opt own[] = {
		{ "sort", 1, 'S' }, { "iterations", 1, 'n' }, { "once", 0, 'O' }, { NULL, 0, 0 },
	};
	struct top t = { .sort = SORT_RATE };
	struct termios saved, raw;
	struct sigaction sa = { .sa_handler = on_signal };
	bool tty, raw_on = false;
	int pos, rc = cli_parse(g, argc, argv,
				"top [--sort rate|loss|jitter] [-n N | --iterations N] [--once] [--json]\n"
				"The calls sorted by packet rate (default), loss or jitter, with totals, "
				"refreshed\nevery second until q or Ctrl-C (or N refreshes). Keys: q quit, "
				"r/l/j sort by rate/loss/jitter.\nWith --json, one JSON object per refresh.",
				own, top_opt, &t, 0, 0, &pos);
	long n = 0;

	if (rc >= 0)
		return rc;
	tty = isatty(STDOUT_FILENO) && !g->json;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (tty && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
		raw = saved;
		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		raw.c_cc[VMIN] = 0;
		raw.c_cc[VTIME] = 0;
		raw_on = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
	}
	if (tty)
		fputs("\033[?25l", stdout);	/* hide the cursor while drawing */
	rc = CLI_OK;
	while (!stop_sig) {
		double next = mono() + 1.0;

		rc = frame(g, &t, tty, n);
		if (rc != CLI_OK)
			break;
		if (t.iterations && ++n >= t.iterations)
			break;
		while (!stop_sig) {
			double left = next - mono();
			struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
			char ch = 0;

			if (left <= 0)
				break;
			if (!raw_on) {
				poll(NULL, 0, (int)(left * 1000) + 1);
				continue;
			}
			if (poll(&pfd, 1, (int)(left * 1000) + 1) <= 0)
				continue;
			if (read(STDIN_FILENO, &ch, 1) != 1)
				continue;
			if (ch == 'q' || ch == 'Q' || ch == 3) {
				stop_sig = -1;
			} else if (ch == 'r' || ch == 'l' || ch == 'j') {
				t.sort = ch == 'r' ? SORT_RATE : ch == 'l' ? SORT_LOSS : SORT_JITTER;
				break;
			}
		}
	}
	if (tty)
		fputs("\033[?25h", stdout);
	if (raw_on)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	fflush(stdout);
	for (size_t i = 0; i < t.n_prev; i++)
		free(t.prev[i].id);
	free(t.prev);
	return rc;
}
