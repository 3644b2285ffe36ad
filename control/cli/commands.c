/* SPDX-License-Identifier: BSD-3-Clause */
/* mrelayctl's commands other than top: one request or one look at shm each. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/mr_addr.h"

#include "cli.h"

/* v with dec decimals and a suffix; "-" when absent. */
static const char *fmt_f(double v, int dec, const char *suffix, char *buf, size_t len)
{
	if (isnan(v))
		return "-";
	snprintf(buf, len, "%.*f%s", dec, v, suffix);
	return buf;
}

static const char *fmt_u(uint64_t v, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

static const char *orstr(const char *s, const char *dflt)
{
	return s && s[0] ? s : dflt;
}

/* Send req; print JSON or hand the reply to show. */
static int run(struct cli *g, json_t *req, void (*show)(json_t *r))
{
	json_t *r = cli_rpc(g, req);
	int rc;

	if (r == NULL)
		return CLI_ERR;
	if (!json_is_true(json_object_get(r, "ok"))) {
		rc = cli_reply_status(g, r);
		if (g->json)
			cli_print_json(r);
		json_decref(r);
		return rc;
	}
	if (g->json)
		cli_print_json(r);
	else
		show(r);
	rc = cli_reply_status(g, r);
	json_decref(r);
	return rc;
}

/* "tag-a <-> tag-b" */
static void legs_str(json_t *call, char *buf, size_t len)
{
	json_t *legs = json_object_get(call, "legs");

	snprintf(buf, len, "%s <-> %s", orstr(cli_js(json_array_get(legs, 0), "tag"), "?"),
		 orstr(cli_js(json_array_get(legs, 1), "tag"), "(unanswered)"));
}

/* ---- calls --------------------------------------------------------------- */

/* The SRTP suite each party sends with on the first stream ("none": plain RTP). */
static void srtp_str(json_t *call, char *buf, size_t len)
{
	json_t *dirs = json_object_get(json_array_get(json_object_get(call, "streams"), 0),
				       "directions");

	snprintf(buf, len, "%s|%s", orstr(cli_js(json_array_get(dirs, 0), "srtp"), "-"),
		 orstr(cli_js(json_array_get(dirs, 1), "srtp"), "-"));
}

static void show_calls(json_t *r)
{
	static const char *const h[] = { "CALL-ID", "AGE", "LEGS", "STREAMS", "PKTS A>B", "PKTS B>A",
					 "LOSS%", "JITTER", "MOS", "SRTP A|B" };
	json_t *calls = json_object_get(r, "calls"), *call;
	struct cli_table *t = cli_table_new(10, h);
	size_t i;

	cli_table_right(t, 0x1fa);
	json_array_foreach(calls, i, call) {
		char age[16], legs[600], ns[16], a[24], b[24], l[16], j[16], m[16], sr[80];
		json_t *pk = json_object_get(call, "packets");
		const char *row[10] = { cli_js(call, "call_id"), cli_age((int64_t)cli_ju(call, "age_s"),
									 age, sizeof(age)),
				       legs, ns,
				       cli_count((uint64_t)json_integer_value(json_array_get(pk, 0)),
						 a, sizeof(a)),
				       cli_count((uint64_t)json_integer_value(json_array_get(pk, 1)),
						 b, sizeof(b)),
				       fmt_f(cli_jf(call, "loss_pct"), 2, "", l, sizeof(l)),
				       fmt_f(cli_jf(call, "jitter_ms"), 1, " ms", j, sizeof(j)),
				       fmt_f(cli_jf(call, "mos"), 2, "", m, sizeof(m)), sr };

		legs_str(call, legs, sizeof(legs));
		srtp_str(call, sr, sizeof(sr));
		snprintf(ns, sizeof(ns), "%zu", json_array_size(json_object_get(call, "streams")));
		cli_table_add(t, row);
	}
	cli_table_print(t, NULL);
	cli_table_free(t);
	printf("%zu call%s\n", json_array_size(calls), json_array_size(calls) == 1 ? "" : "s");
}

int cli_cmd_calls(struct cli *g, int argc, char **argv)
{
	int pos, rc = cli_parse(g, argc, argv, "calls [--json]\n"
				"List the calls: legs, age, packets each way, worst loss, jitter, MOS and the\n"
				"SRTP suite each party sends with (first stream; none: plain RTP).",
				NULL, NULL, NULL, 0, 0, &pos);

	if (rc >= 0)
		return rc;
	return run(g, json_pack("{ss}", "cmd", "calls"), show_calls);
}

/* ---- call ---------------------------------------------------------------- */

static void flows_table(json_t *flows, const char *indent);

static void show_call(json_t *r)
{
	static const char *const h[] = { "FROM", "LOCAL", "REMOTE (SDP)", "LEARNED", "DIR", "SRTP",
					 "PKTS", "BYTES", "LOSS%", "JITTER", "MOS", "PT", "LAST SEEN" };
	json_t *call = json_object_get(r, "call"), *legs = json_object_get(call, "legs");
	json_t *streams = json_object_get(call, "streams"), *st, *leg;
	char age[16], created[64];
	time_t cr = (time_t)cli_ju(call, "created");
	struct tm tm;
	size_t i, k;

	gmtime_r(&cr, &tm);
	strftime(created, sizeof(created), "%Y-%m-%d %H:%M:%S UTC", &tm);
	printf("Call %s\n", cli_js(call, "call_id"));
	printf("  created %s, age %s, %s%s\n", created,
	       cli_age((int64_t)cli_ju(call, "age_s"), age, sizeof(age)),
	       json_is_true(json_object_get(call, "answered")) ? "answered" : "not answered",
	       json_is_true(json_object_get(call, "deleting")) ? ", being deleted" : "");
	json_array_foreach(legs, k, leg)
		printf("  leg %c: tag %s%s%s, interface %s\n", k ? 'B' : 'A',
		       orstr(cli_js(leg, "tag"), "-"), cli_js(leg, "label")[0] ? ", label " : "",
		       cli_js(leg, "label"), cli_js(leg, "interface"));
	json_array_foreach(streams, i, st) {
		struct cli_table *t = cli_table_new(13, h);
		json_t *dirs = json_object_get(st, "directions"), *d;

		cli_table_right(t, 0x7c0);
		printf("\n  stream %" PRIu64 ": %s %s, clock %" PRIu64 " Hz%s\n", cli_ju(st, "index"),
		       cli_js(st, "type"), cli_js(st, "protocol"), cli_ju(st, "clock_rate"),
		       json_is_true(json_object_get(st, "rtcp_mux")) ? ", rtcp-mux" : "");
		json_array_foreach(dirs, k, d) {
			json_t *cs = json_object_get(d, "codecs"), *cv;
			size_t ci;

			printf("    codecs %c:", k ? 'B' : 'A');
			json_array_foreach(cs, ci, cv)
				printf("%s %s (PT %" PRIu64 ")", ci ? "," : "", cli_js(cv, "rtpmap"),
				       cli_ju(cv, "pt"));
			printf("%s\n", json_array_size(cs) ? "" : " -");
		}
		json_array_foreach(dirs, k, d) {
			json_t *s = json_object_get(d, "stats");
			char pk[24], by[24], l[16], j[16], m[16], pt[8], last[24], from[300];
			const char *learned = s ? cli_js(s, "learned") : "";
			uint64_t idle = cli_ju(s, "idle_ms");

			snprintf(from, sizeof(from), "%c %s", k ? 'B' : 'A',
				 orstr(cli_js(d, "from_tag"), "-"));
			if (json_is_integer(json_object_get(s, "payload_type")))
				snprintf(pt, sizeof(pt), "%" PRIu64, cli_ju(s, "payload_type"));
			else
				snprintf(pt, sizeof(pt), "-");
			if (s == NULL || json_is_null(json_object_get(s, "idle_ms")))
				snprintf(last, sizeof(last), "never");
			else
				snprintf(last, sizeof(last), "%.1fs ago", (double)idle / 1000.0);
			{
				const char *row[13] = {
					from, orstr(cli_js(d, "local"), "-"),
					orstr(cli_js(d, "remote"), "-"), orstr(learned, "-"),
					orstr(cli_js(d, "direction"), "-"), cli_js(d, "srtp"),
					s ? cli_count(cli_ju(s, "packets"), pk, sizeof(pk)) : "-",
					s ? cli_bytes(cli_ju(s, "bytes"), by, sizeof(by)) : "-",
					fmt_f(cli_jf(s, "loss_pct"), 2, "", l, sizeof(l)),
					fmt_f(cli_jf(s, "jitter_ms"), 1, " ms", j, sizeof(j)),
					fmt_f(cli_jf(s, "mos"), 2, "", m, sizeof(m)), pt, last };

				cli_table_add(t, row);
			}
		}
		cli_table_print(t, "    ");
		cli_table_free(t);
		json_array_foreach(dirs, k, d) {
			json_t *rr = json_object_get(d, "remote_report");
			char l[16], j[16], rt[16];

			if (rr == NULL)
				continue;
			printf("    RTCP from %c: %" PRIu64 " SR, what it receives from us: loss %s%%, "
			       "lost %" JSON_INTEGER_FORMAT ", jitter %s, round trip %s\n",
			       k ? 'B' : 'A', cli_ju(rr, "sr_received"),
			       fmt_f(cli_jf(rr, "fraction_lost_pct"), 2, "", l, sizeof(l)),
			       json_integer_value(json_object_get(rr, "lost")),
			       fmt_f(cli_jf(rr, "jitter_ms"), 1, " ms", j, sizeof(j)),
			       fmt_f(cli_jf(rr, "rtt_ms"), 1, " ms", rt, sizeof(rt)));
		}
		printf("    flows:\n");
		flows_table(json_object_get(st, "flows"), "      ");
	}
}

int cli_cmd_call(struct cli *g, int argc, char **argv)
{
	int pos, rc = cli_parse(g, argc, argv, "call CALL-ID [--json]\n"
				"One call: legs, streams, local and remote addresses, transport and SRTP "
				"suite each side,\nlearned source, age, packets, bytes, loss, jitter, MOS "
				"per direction, last packet seen, flows.",
				NULL, NULL, NULL, 1, 1, &pos);

	if (rc >= 0)
		return rc;
	return run(g, json_pack("{ssss}", "cmd", "call", "id", argv[pos]), show_call);
}

/* ---- flows --------------------------------------------------------------- */

static void flows_table(json_t *flows, const char *indent)
{
	static const char *const h[] = { "ID", "CALL", "FROM", "S", "KIND", "IFACE", "LOCAL",
					 "SOURCE", "TO", "PKTS", "BYTES", "DROPS", "LOSS%",
					 "JITTER" };
	struct cli_table *t = cli_table_new(14, h);
	json_t *f;
	size_t i;

	cli_table_right(t, 0x3e09);
	json_array_foreach(flows, i, f) {
		json_t *s = json_object_get(f, "stats");
		char id[16], st[8], pk[24], by[24], dr[24], l[16], j[16];
		const char *src = s ? cli_js(s, "learned") : "";
		const char *row[14] = {
			fmt_u(cli_ju(f, "id"), id, sizeof(id)), cli_js(f, "call"),
			cli_js(f, "from_tag"), fmt_u(cli_ju(f, "stream"), st, sizeof(st)),
			cli_js(f, "kind"), cli_js(f, "interface"), orstr(cli_js(f, "local"), "-"),
			src[0] ? src : orstr(cli_js(f, "expected_source"), "(learn)"),
			orstr(cli_js(f, "out_destination"), "-"),
			s ? cli_count(cli_ju(s, "packets"), pk, sizeof(pk)) : "-",
			s ? cli_bytes(cli_ju(s, "bytes"), by, sizeof(by)) : "-",
			s ? cli_count(cli_ju(s, "drops"), dr, sizeof(dr)) : "-",
			fmt_f(cli_jf(s, "loss_pct"), 2, "", l, sizeof(l)),
			fmt_f(cli_jf(s, "jitter_ms"), 1, " ms", j, sizeof(j)) };

		cli_table_add(t, row);
	}
	cli_table_print(t, indent);
	cli_table_free(t);
}

static void show_flows(json_t *r)
{
	json_t *flows = json_object_get(r, "flows");

	flows_table(flows, NULL);
	printf("%zu flow%s\n", json_array_size(flows), json_array_size(flows) == 1 ? "" : "s");
}

struct flows_args {
	const char *call, *tenant, *addr;
};

static int flows_opt(struct cli *g, int val, const char *arg, void *ctx)
{
	struct flows_args *a = ctx;
	struct mr_sockaddr sa;
	struct mr_ip ip;

	(void)g;
	if (val == 'C')
		a->call = arg;
	else if (val == 'T')
		a->tenant = arg;
	else if (val == 'A') {
		if (mr_ip_parse(arg, &ip) < 0 && mr_sockaddr_parse(arg, &sa) < 0) {
			fprintf(stderr, "mrelayctl flows: bad --addr '%s': IP or IP:PORT\n", arg);
			return CLI_USAGE;
		}
		a->addr = arg;
	}
	return 0;
}

int cli_cmd_flows(struct cli *g, int argc, char **argv)
{
	static const struct cli_opt own[] = {
		{ "call", 1, 'C' }, { "tenant", 1, 'T' }, { "addr", 1, 'A' }, { NULL, 0, 0 },
	};
	struct flows_args a = { 0 };
	int pos, rc = cli_parse(g, argc, argv,
				"flows [--call CALL-ID] [--tenant NAME] [--addr IP[:PORT]] [--json]\n"
				"The dataplane's flows (one direction of one stream each) with counters.\n"
				"--addr matches our local address, the SDP addresses or the learned source.",
				own, flows_opt, &a, 0, 0, &pos);
	json_t *req;

	if (rc >= 0)
		return rc;
	req = json_pack("{ss}", "cmd", "flows");
	if (a.call)
		json_object_set_new(req, "call", json_string(a.call));
	if (a.tenant)
		json_object_set_new(req, "tenant", json_string(a.tenant));
	if (a.addr)
		json_object_set_new(req, "addr", json_string(a.addr));
	return run(g, req, show_flows);
}

/* ---- flow ---------------------------------------------------------------- */

static void show_flow(json_t *r)
{
	json_t *f = json_object_get(r, "flow"), *s = json_object_get(f, "stats"), *v;
	const char *k;
	char b1[32];

	printf("Flow %" PRIu64 " (%s of stream %" PRIu64 ")\n", cli_ju(f, "id"), cli_js(f, "kind"),
	       cli_ju(f, "stream"));
	printf("  call             %s\n", cli_js(f, "call"));
	printf("  from tag         %s\n", cli_js(f, "from_tag"));
	printf("  tenant           %s\n", orstr(cli_js(f, "tenant"), "-"));
	printf("  in               %s on %s\n", orstr(cli_js(f, "local"), "-"), cli_js(f, "interface"));
	printf("  expected source  %s\n", orstr(cli_js(f, "expected_source"), "(learn)"));
	printf("  out              %s -> %s on %s\n", orstr(cli_js(f, "out_source"), "-"),
	       orstr(cli_js(f, "out_destination"), "-"), cli_js(f, "out_interface"));
	printf("  srtp             in %s, out %s\n", cli_js(f, "srtp_in"), cli_js(f, "srtp_out"));
	printf("  installed        %s\n", json_is_true(json_object_get(f, "installed")) ? "yes" : "no");
	if (s == NULL || json_is_null(s)) {
		printf("  counters         (no dataplane)\n");
		return;
	}
	printf("  learned source   %s\n", orstr(cli_js(s, "learned"), "-"));
	printf("  packets          %" PRIu64 "\n", cli_ju(s, "packets"));
	printf("  bytes            %" PRIu64 "\n", cli_ju(s, "bytes"));
	printf("  rtcp packets     %" PRIu64 "\n", cli_ju(s, "rtcp_packets"));
	if (json_object_get(s, "lost")) {
		char b2[32], b3[32];

		printf("  lost             %" JSON_INTEGER_FORMAT " (%s%%)\n",
		       json_integer_value(json_object_get(s, "lost")),
		       fmt_f(cli_jf(s, "loss_pct"), 2, "", b1, sizeof(b1)));
		printf("  jitter           %s ms\n", fmt_f(cli_jf(s, "jitter_ms"), 2, "", b2, sizeof(b2)));
		printf("  MOS estimate     %s\n", fmt_f(cli_jf(s, "mos"), 2, "", b3, sizeof(b3)));
	}
	if ((v = json_object_get(s, "remote_report")) != NULL) {
		char b2[32], b3[32];

		printf("  remote RTCP      %" PRIu64 " SR, %" PRIu64 " report blocks\n",
		       cli_ju(v, "sr_received"), cli_ju(v, "rb_received"));
		printf("    its loss       %s%% (lost %" JSON_INTEGER_FORMAT "), jitter %s\n",
		       fmt_f(cli_jf(v, "fraction_lost_pct"), 2, "", b1, sizeof(b1)),
		       json_integer_value(json_object_get(v, "lost")),
		       fmt_f(cli_jf(v, "jitter_ms"), 2, " ms", b2, sizeof(b2)));
		printf("    round trip     %s\n", fmt_f(cli_jf(v, "rtt_ms"), 2, " ms", b3, sizeof(b3)));
	}
	if (json_is_null(json_object_get(s, "idle_ms")))
		printf("  last packet      never\n");
	else
		printf("  last packet      %.1f s ago\n", (double)cli_ju(s, "idle_ms") / 1000.0);
	printf("  drops            %" PRIu64 "\n", cli_ju(s, "drops"));
	json_object_foreach(json_object_get(s, "drop_reasons"), k, v)
		printf("    %-16s %" JSON_INTEGER_FORMAT "\n", k, json_integer_value(v));
}

int cli_cmd_flow(struct cli *g, int argc, char **argv)
{
	int pos, rc = cli_parse(g, argc, argv, "flow FLOW-ID [--json]\n"
				"One flow: its key, action, counters and drop reasons.",
				NULL, NULL, NULL, 1, 1, &pos);
	char *end;
	long long id;

	if (rc >= 0)
		return rc;
	errno = 0;
	id = strtoll(argv[pos], &end, 10);
	if (errno || *end || end == argv[pos] || id < 0 || id > UINT32_MAX) {
		fprintf(stderr, "mrelayctl flow: bad flow id '%s': a number\n", argv[pos]);
		return CLI_USAGE;
	}
	return run(g, json_pack("{sssI}", "cmd", "flow", "id", (json_int_t)id), show_flow);
}

/* ---- totals, ports, version ---------------------------------------------- */

static void show_totals(json_t *r)
{
	static const char *const keys[] = { "calls", "flows", "calls_total", "offers", "answers",
					    "deletes", "timeouts", "ng_requests", "ng_errors",
					    "rx_packets", "tx_packets", "rx_bytes", "tx_bytes",
					    "drops", "uptime_s" };
	json_t *dp = json_object_get(r, "dataplane");

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		printf("%-12s %" PRIu64 "\n", keys[i], cli_ju(r, keys[i]));
	printf("%-12s %s (instance %s, generation %" PRIu64 ")\n", "dataplane",
	       json_is_true(json_object_get(dp, "attached")) ? "attached" : "DOWN",
	       cli_js(dp, "instance"), cli_ju(dp, "generation"));
	{
		json_t *ev = json_object_get(r, "srtp_events"), *v;
		const char *k;

		json_object_foreach(ev, k, v)
			printf("srtp %-19s %" PRIu64 "\n", k, (uint64_t)json_integer_value(v));
	}
}

int cli_cmd_totals(struct cli *g, int argc, char **argv)
{
	int pos, rc = cli_parse(g, argc, argv, "totals [--json]\n"
				"Calls, flows, ng requests, packets, bytes and drops of the whole relay.",
				NULL, NULL, NULL, 0, 0, &pos);

	if (rc >= 0)
		return rc;
	return run(g, json_pack("{ss}", "cmd", "totals"), show_totals);
}

static void show_ports(json_t *r)
{
	static const char *const h[] = { "INTERFACE", "ADDRESS", "RANGE", "PAIRS", "USED", "USE%" };
	struct cli_table *t = cli_table_new(6, h);
	json_t *p, *a;
	size_t i, k;

	cli_table_right(t, 0x38);
	json_array_foreach(json_object_get(r, "ports"), i, p) {
		json_t *addrs = json_object_get(p, "addresses");
		size_t na = json_array_size(addrs);
		char range[32], pairs[16], used[16], pct[16], all[32];
		const char *row[6] = { cli_js(p, "interface"), all, range,
				       fmt_u(cli_ju(p, "pairs"), pairs, sizeof(pairs)),
				       fmt_u(cli_ju(p, "used"), used, sizeof(used)),
				       fmt_f(cli_jf(p, "used_pct"), 1, "", pct, sizeof(pct)) };

		snprintf(range, sizeof(range), "%" PRIu64 "-%" PRIu64, cli_ju(p, "first"),
			 cli_ju(p, "last"));
		if (na == 1)
			snprintf(all, sizeof(all), "%s", cli_js(json_array_get(addrs, 0), "address"));
		else
			snprintf(all, sizeof(all), "all %zu", na);
		cli_table_add(t, row);
		/* Several addresses: a line each, so an uneven spread shows. */
		json_array_foreach(addrs, k, a) {
			uint64_t ap = cli_ju(a, "pairs"), au = cli_ju(a, "used");
			char c[3][16];
			const char *arow[6] = { "", cli_js(a, "address"), range,
						fmt_u(ap, c[0], 16), fmt_u(au, c[1], 16),
						fmt_f(ap ? 100.0 * (double)au / (double)ap : 0.0, 1, "",
						      c[2], 16) };

			if (na > 1)
				cli_table_add(t, arow);
		}
	}
	cli_table_print(t, NULL);
	cli_table_free(t);
}

int cli_cmd_ports(struct cli *g, int argc, char **argv)
{
	int pos, rc = cli_parse(g, argc, argv, "ports [--json]\n"
				"Media port pool per interface: range, RTP/RTCP pairs, pairs in use.",
				NULL, NULL, NULL, 0, 0, &pos);

	if (rc >= 0)
		return rc;
	return run(g, json_pack("{ss}", "cmd", "ports"), show_ports);
}

static void show_version(json_t *r)
{
	printf("mrelayctl %s\nmrelay-control %s (ABI %" PRIu64 ", pid %" PRIu64 ")\n", MR_VERSION,
	       cli_js(r, "version"), cli_ju(r, "abi"), cli_ju(r, "pid"));
}

int cli_cmd_version(struct cli *g, int argc, char **argv)
{
	int pos, rc = cli_parse(g, argc, argv, "version [--json]\n"
				"Versions of mrelayctl and of the mrelay-control it reaches.",
				NULL, NULL, NULL, 0, 0, &pos);

	if (rc >= 0)
		return rc;
	return run(g, json_pack("{ss}", "cmd", "version"), show_version);
}

/* ---- straight from shared memory: drops, workers, interfaces ------------- */

static int all_opt(struct cli *g, int val, const char *arg, void *ctx)
{
	(void)g;
	(void)arg;
	if (val == 'a' && ctx)
		*(bool *)ctx = true;
	return 0;
}

static int shm_cmd(struct cli *g, int argc, char **argv, const char *use, struct mr_shm *shm,
		   bool *all)
{
	static const struct cli_opt own[] = { { "all", 0, 'a' }, { NULL, 0, 0 } };
	int pos, rc = cli_parse(g, argc, argv, use, all ? own : NULL, all_opt, all, 0, 0, &pos);

	if (rc >= 0)
		return rc;
	return cli_shm_attach(g, shm) < 0 ? CLI_ERR : -1;
}

int cli_cmd_drops(struct cli *g, int argc, char **argv)
{
	struct mr_shm shm;
	bool all = false;
	int rc = shm_cmd(g, argc, argv, "drops [--all] [--json]\n"
			 "Packets dropped, per reason and per worker, read from the dataplane's "
			 "shared memory\n(works while mrelay-control is down). Reasons with no drop "
			 "are left out unless --all\n(--json always lists every reason). libsrtp's "
			 "events (SSRC collision, key limits)\nfollow as rows 'srtp-event NAME'.",
			 &shm, &all);
	unsigned nw, nd;
	json_t *o, *a;

	if (rc >= 0)
		return rc;
	nw = shm.hdr->n_workers;
	nd = shm.hdr->n_drops < MR_SHM_MAX_DROPS ? shm.hdr->n_drops : MR_SHM_MAX_DROPS;
	o = json_object();
	a = json_array();
	for (unsigned d = 0; d < nd; d++) {
		json_t *per = json_array();
		uint64_t tot = 0;

		for (unsigned w = 0; w < nw; w++) {
			uint64_t v = __atomic_load_n(&shm.workers[w].drops[d], __ATOMIC_RELAXED);

			tot += v;
			json_array_append_new(per, json_integer((json_int_t)v));
		}
		json_array_append_new(a, json_pack("{sssIso}", "reason", shm.hdr->drop_names[d],
						   "total", (json_int_t)tot, "per_worker", per));
	}
	json_object_set_new(o, "drops", a);
	{
		static const char *const names[MR_SRTP_EV_COUNT] = MR_SRTP_EVENT_NAMES;
		json_t *ea = json_array();

		for (unsigned i = 0; i < MR_SRTP_EV_COUNT; i++) {
			json_t *per = json_array();
			uint64_t tot = 0;

			for (unsigned w = 0; w < nw; w++) {
				uint64_t v = __atomic_load_n(&shm.workers[w].srtp_events[i],
							     __ATOMIC_RELAXED);

				tot += v;
				json_array_append_new(per, json_integer((json_int_t)v));
			}
			json_array_append_new(ea, json_pack("{sssIso}", "event", names[i],
							    "total", (json_int_t)tot, "per_worker", per));
		}
		json_object_set_new(o, "srtp_events", ea);
	}
	json_object_set_new(o, "workers", json_integer(nw));
	if (g->json) {
		cli_print_json(o);
	} else {
		const char *h[2 + MR_SHM_MAX_WORKERS] = { "REASON", "TOTAL" };
		char hb[MR_SHM_MAX_WORKERS][16];
		struct cli_table *t;
		json_t *e;
		size_t i;

		for (unsigned w = 0; w < nw && w < MR_SHM_MAX_WORKERS; w++) {
			snprintf(hb[w], sizeof(hb[w]), "W%u", w);
			h[2 + w] = hb[w];
		}
		t = cli_table_new(2 + nw, h);
		cli_table_right(t, ~1ull);
		json_array_foreach(a, i, e) {
			const char *row[2 + MR_SHM_MAX_WORKERS];
			char cells[1 + MR_SHM_MAX_WORKERS][24];

			if (!all && cli_ju(e, "total") == 0)
				continue;
			row[0] = cli_js(e, "reason");
			row[1] = fmt_u(cli_ju(e, "total"), cells[0], sizeof(cells[0]));
			for (unsigned w = 0; w < nw; w++)
				row[2 + w] = fmt_u((uint64_t)json_integer_value(
					json_array_get(json_object_get(e, "per_worker"), w)),
					cells[1 + w], sizeof(cells[1 + w]));
			cli_table_add(t, row);
		}
		/* libsrtp's events: not drops, counted beside them; left out at 0 unless --all. */
		json_array_foreach(json_object_get(o, "srtp_events"), i, e) {
			const char *row[2 + MR_SHM_MAX_WORKERS];
			char cells[1 + MR_SHM_MAX_WORKERS][24], name[48];

			if (!all && cli_ju(e, "total") == 0)
				continue;
			snprintf(name, sizeof(name), "srtp-event %s", cli_js(e, "event"));
			row[0] = name;
			row[1] = fmt_u(cli_ju(e, "total"), cells[0], sizeof(cells[0]));
			for (unsigned w = 0; w < nw; w++)
				row[2 + w] = fmt_u((uint64_t)json_integer_value(
					json_array_get(json_object_get(e, "per_worker"), w)),
					cells[1 + w], sizeof(cells[1 + w]));
			cli_table_add(t, row);
		}
		cli_table_print(t, NULL);
		cli_table_free(t);
	}
	json_decref(o);
	mr_shm_detach(&shm);
	return CLI_OK;
}

struct wsample {
	uint64_t rx, tx, busy, total, txd, gaps, gap_max;
	uint32_t role, lcore;
};

static const char *role_name(uint32_t role)
{
	switch (role) {
	case MR_WORKER_ROLE_MAIN: return "main";
	case MR_WORKER_ROLE_MEDIA: return "media";
	default: return "worker";
	}
}

static void wsample_take(const struct mr_shm *shm, struct wsample *s, unsigned nw)
{
	for (unsigned w = 0; w < nw; w++) {
		const struct mr_worker_stats *ws = &shm->workers[w];

		s[w].role = ws->role;
		s[w].lcore = ws->lcore_id;
		/* A media lcore receives from its ring, not from a port. */
		s[w].rx = __atomic_load_n(ws->role == MR_WORKER_ROLE_MEDIA ? &ws->ring_packets
									    : &ws->rx_packets, __ATOMIC_RELAXED);
		s[w].tx = __atomic_load_n(&ws->tx_packets, __ATOMIC_RELAXED);
		s[w].busy = __atomic_load_n(&ws->busy_tsc, __ATOMIC_RELAXED);
		s[w].total = __atomic_load_n(&ws->total_tsc, __ATOMIC_RELAXED);
		s[w].txd = __atomic_load_n(&ws->tx_dropped, __ATOMIC_RELAXED);
		s[w].gaps = __atomic_load_n(&ws->poll_gaps, __ATOMIC_RELAXED);
		s[w].gap_max = __atomic_load_n(&ws->poll_gap_max_tsc, __ATOMIC_RELAXED);
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cli_cmd_workers(struct cli *g, int argc, char **argv)
{
	struct wsample a[MR_SHM_MAX_WORKERS], b[MR_SHM_MAX_WORKERS];
	struct mr_shm shm;
	int rc = shm_cmd(g, argc, argv, "workers [--json]\n"
			 "Per-lcore load (busy cycles / loop cycles) and packet rates over half a "
			 "second, read\nfrom the dataplane's shared memory. ROLE: worker (forwards), "
			 "main (ARP/ND, commands),\nmedia (transcodes; its RX is what the workers "
			 "handed it over its ring). GAPS: loops longer than 50 us since\nstart "
			 "(packets waited: the core was taken away, or work ran long), MAX GAP the "
			 "longest.", &shm, NULL);
	double t0, dt;
	unsigned nw;
	json_t *arr;

	if (rc >= 0)
		return rc;
	nw = shm.hdr->n_workers < MR_SHM_MAX_WORKERS ? shm.hdr->n_workers : MR_SHM_MAX_WORKERS;
	t0 = now_s();
	wsample_take(&shm, a, nw);
	usleep(500000);
	wsample_take(&shm, b, nw);
	dt = now_s() - t0;
	arr = json_array();
	for (unsigned w = 0; w < nw; w++) {
		uint64_t dtot = b[w].total - a[w].total, dbusy = b[w].busy - a[w].busy;
		json_t *o;

		o = json_pack(
			"{sisssisIsIsfsfsfsfsI}", "worker", (int)w, "role", role_name(b[w].role),
			"lcore", (int)b[w].lcore, "rx_packets", (json_int_t)b[w].rx,
			"tx_packets", (json_int_t)b[w].tx, "rx_pps", (double)(b[w].rx - a[w].rx) / dt,
			"tx_pps", (double)(b[w].tx - a[w].tx) / dt,
			"busy_pct", dtot ? 100.0 * (double)dbusy / (double)dtot : 0.0,
			"busy_pct_total", b[w].total ? 100.0 * (double)b[w].busy / (double)b[w].total : 0.0,
			"tx_dropped", (json_int_t)b[w].txd);
		json_object_set_new(o, "poll_gaps", json_integer((json_int_t)b[w].gaps));
		json_object_set_new(o, "poll_gap_max_us",
				    json_integer((json_int_t)mr_shm_cycles_us(&shm, b[w].gap_max)));
		json_array_append_new(arr, o);
	}
	if (g->json) {
		json_t *o = json_pack("{so}", "workers", arr);

		cli_print_json(o);
		json_decref(o);
	} else {
		static const char *const h[] = { "WORKER", "ROLE", "LCORE", "BUSY%", "BUSY% (ALL TIME)",
						 "RX/S", "TX/S", "RX PKTS", "TX PKTS", "TX DROPPED",
						 "GAPS", "MAX GAP us" };
		struct cli_table *t = cli_table_new(12, h);
		json_t *e;
		size_t i;

		cli_table_right(t, 0xffd);
		json_array_foreach(arr, i, e) {
			char c[12][24];
			const char *row[12] = {
				fmt_u(cli_ju(e, "worker"), c[0], 24),
				json_string_value(json_object_get(e, "role")),
				fmt_u(cli_ju(e, "lcore"), c[2], 24),
				fmt_f(cli_jf(e, "busy_pct"), 1, "", c[3], 24),
				fmt_f(cli_jf(e, "busy_pct_total"), 1, "", c[4], 24),
				fmt_f(cli_jf(e, "rx_pps"), 0, "", c[5], 24),
				fmt_f(cli_jf(e, "tx_pps"), 0, "", c[6], 24),
				fmt_u(cli_ju(e, "rx_packets"), c[7], 24),
				fmt_u(cli_ju(e, "tx_packets"), c[8], 24),
				fmt_u(cli_ju(e, "tx_dropped"), c[9], 24),
				fmt_u(cli_ju(e, "poll_gaps"), c[10], 24),
				fmt_u(cli_ju(e, "poll_gap_max_us"), c[11], 24) };

			cli_table_add(t, row);
		}
		cli_table_print(t, NULL);
		cli_table_free(t);
		json_decref(arr);
	}
	mr_shm_detach(&shm);
	return CLI_OK;
}

int cli_cmd_interfaces(struct cli *g, int argc, char **argv)
{
	struct mr_shm shm;
	int rc = shm_cmd(g, argc, argv, "interfaces [--json]\n"
			 "The dataplane's interfaces: port, MAC, addresses, link, counters (shared "
			 "memory).", &shm, NULL);
	json_t *arr;
	unsigned ni;

	if (rc >= 0)
		return rc;
	ni = shm.hdr->n_ifaces < MR_SHM_MAX_IFACES ? shm.hdr->n_ifaces : MR_SHM_MAX_IFACES;
	arr = json_array();
	for (unsigned i = 0; i < ni; i++) {
		const struct mr_iface_info *f = &shm.ifaces[i];
		char mac[24], a4[64], a6[80], ip[MR_IP_STRLEN];

		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", f->mac[0], f->mac[1],
			 f->mac[2], f->mac[3], f->mac[4], f->mac[5]);
		/* The first address; "+N" more of that family (mrelayctl ports lists each). */
		if (f->addr4.family)
			snprintf(a4, sizeof(a4), f->n_addrs4 > 1 ? "%s/%u +%u" : "%s/%u",
				 mr_ip_format(&f->addr4, ip, sizeof(ip)), f->prefix4, f->n_addrs4 - 1u);
		else
			a4[0] = '\0';
		if (f->addr6.family)
			snprintf(a6, sizeof(a6), f->n_addrs6 > 1 ? "%s/%u +%u" : "%s/%u",
				 mr_ip_format(&f->addr6, ip, sizeof(ip)), f->prefix6, f->n_addrs6 - 1u);
		else
			a6[0] = '\0';
		json_array_append_new(arr, json_pack(
			"{sssisssssssisisisbsIsIsIsIsIsI}", "name", f->name, "port_id", f->port_id,
			"mac", mac, "ipv4", a4, "ipv6", a6,
			"ipv4_count", f->addr4.family ? (f->n_addrs4 ? f->n_addrs4 : 1) : 0,
			"ipv6_count", f->addr6.family ? (f->n_addrs6 ? f->n_addrs6 : 1) : 0,
			"vlan", f->vlan, "up", f->up,
			"rx_packets", (json_int_t)f->rx_packets, "tx_packets", (json_int_t)f->tx_packets,
			"rx_bytes", (json_int_t)f->rx_bytes, "tx_bytes", (json_int_t)f->tx_bytes,
			"rx_missed", (json_int_t)f->rx_missed, "tx_errors", (json_int_t)f->tx_errors));
	}
	if (g->json) {
		json_t *o = json_pack("{so}", "interfaces", arr);

		cli_print_json(o);
		json_decref(o);
	} else {
		static const char *const h[] = { "NAME", "PORT", "MAC", "IPV4", "IPV6", "VLAN", "LINK",
						 "RX PKTS", "TX PKTS", "RX BYTES", "TX BYTES",
						 "RX MISSED", "TX ERRORS" };
		struct cli_table *t = cli_table_new(13, h);
		json_t *e;
		size_t i;

		cli_table_right(t, 0x1f82);
		json_array_foreach(arr, i, e) {
			char c[9][24];
			const char *row[13] = {
				cli_js(e, "name"), fmt_u(cli_ju(e, "port_id"), c[0], 24), cli_js(e, "mac"),
				orstr(cli_js(e, "ipv4"), "-"), orstr(cli_js(e, "ipv6"), "-"),
				fmt_u(cli_ju(e, "vlan"), c[1], 24),
				json_is_true(json_object_get(e, "up")) ? "up" : "down",
				fmt_u(cli_ju(e, "rx_packets"), c[2], 24),
				fmt_u(cli_ju(e, "tx_packets"), c[3], 24),
				fmt_u(cli_ju(e, "rx_bytes"), c[4], 24),
				fmt_u(cli_ju(e, "tx_bytes"), c[5], 24),
				fmt_u(cli_ju(e, "rx_missed"), c[6], 24),
				fmt_u(cli_ju(e, "tx_errors"), c[7], 24) };

			cli_table_add(t, row);
		}
		cli_table_print(t, NULL);
		cli_table_free(t);
		json_decref(arr);
	}
	mr_shm_detach(&shm);
	return CLI_OK;
}
