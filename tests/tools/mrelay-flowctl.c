/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mrelay-flowctl: a small test client of the dataplane's shared-memory
 * region. Attaches, says HELLO, programs flows from the command line or a
 * file, waits for every ack and prints the results; reads counters.
 *
 *   mrelay-flowctl -i NAME [-w MS] [-k] CMD [ARGS] [; CMD ...]
 *   mrelay-flowctl -i NAME -f FILE        (one command per line, # comments)
 *
 * Commands: hello | add SPEC | mod SPEC | del ID | dump | barrier |
 *   drops | flow ID | workers | events MS | quiesce MS | sleep MS |
 *   pipeline on|off (flow commands do not wait for their acks; any other
 *   command waits for all of them) | wait-rx N (until N packets received) |
 *   generation N|auto (the generation commands carry; tests of stale ones)
 * SPEC: id=N local=ADDR:PORT [iface=N] [vlan=N] src=ADDR:PORT [dst=ADDR:PORT]
 *   [expect=ADDR[:PORT]] [out-iface=N] [out-vlan=N] [peer=N]
 *   [flags=learn,strict,rtcp,mux,blackhole,ssrc,peer-dst] [window=MS] [idle=S]
 *   [clock=HZ] [ssrc=N] [seq-delta=N] [ts-delta=N] [tenant=N]
 *   [srtp-in=SUITE:HEXKEY[:FLAGS[:LIFETIME]]] [srtp-out=...] (lib/sdes numbers;
 *   LIFETIME: packets the key may be used for)
 *   [xc=CODEC:PT>CODEC:PT] [te=PT>PT] [cn=PT] [ptime=MS] [cx=N] [rtcp-flow=N] (transcoding;
 *   CODEC pcmu, pcma, g722, opus; te/cn PT '-' = not negotiated; rtcp-flow: where the
 *   remote's SR arrives, default the peer flow)
 *   [pt=IN>OUT[,IN>OUT...]] [dtmf=PT]  (not transcoded: payload types remapped, digits of
 *   telephone-event PT, as sent, reported)
 *   flags also: rtcp-term (RTCP consumed into the stats)
 * Exit: 0 all acks 0 (or -k), 1 some ack failed, 2 usage, 3 attach/timeout.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/mr_addr.h"
#include "rtp/rtp.h"
#include "shm/shm.h"

static struct mr_shm shm;
static uint32_t next_seq = 1;
static unsigned ack_timeout_ms = 5000;
static int failures;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static const char *cmd_name(unsigned t)
{
	switch (t) {
	case MR_MSG_HELLO: return "hello";
	case MR_MSG_FLOW_ADD: return "add";
	case MR_MSG_FLOW_MOD: return "mod";
	case MR_MSG_FLOW_DEL: return "del";
	case MR_MSG_FLOW_DUMP: return "dump";
	case MR_MSG_BARRIER: return "barrier";
	default: return "?";
	}
}

static void print_event(const struct mr_msg *m)
{
	char a[MR_SOCKADDR_STRLEN], b[MR_SOCKADDR_STRLEN], c[MR_SOCKADDR_STRLEN];

	switch (m->hdr.type) {
	case MR_EVT_FLOW_LEARNED:
		printf("event learned flow=%u src=%s\n", m->u.learned.flow_id,
		       mr_sockaddr_format(&m->u.learned.src, a, sizeof(a)));
		break;
	case MR_EVT_FLOW_IDLE:
		printf("event idle flow=%u idle_s=%u packets=%" PRIu64 "\n", m->u.idle.flow_id,
		       m->u.idle.idle_s, m->u.idle.packets);
		break;
	case MR_EVT_FLOW_INFO: {
		const struct mr_flow_spec *f = &m->u.flow;
		struct mr_sockaddr local = { .port = f->key.port };

		local.ip.family = f->key.family;
		memcpy(local.ip.addr, f->key.addr, 16);
		printf("flow id=%u iface=%u local=%s src=%s dst=%s flags=0x%x peer=%d\n", f->flow_id,
		       f->key.iface, mr_sockaddr_format(&local, a, sizeof(a)),
		       mr_sockaddr_format(&f->out_src, b, sizeof(b)),
		       mr_sockaddr_format(&f->out_dst, c, sizeof(c)), f->flags,
		       f->peer_flow_id == MR_FLOW_ID_NONE ? -1 : (int)f->peer_flow_id);
		break;
	}
	case MR_EVT_DTMF:
		printf("event dtmf flow=%u event=%u source=%u duration_ms=%u\n", m->u.dtmf.flow_id,
		       m->u.dtmf.event, m->u.dtmf.source, m->u.dtmf.duration_ms);
		break;
	default:
		printf("event type=%u\n", m->hdr.type);
		break;
	}
}

/* Commands sent and not yet acked (pipelined mode), by seq. */
#define INFLIGHT 8192
static uint16_t inflight_type[INFLIGHT];
static unsigned outstanding;
static bool pipelined;
static bool gen_forced;		/* "generation N": send N instead of the region's */
static uint64_t gen_value;

/* Handle one event; true when it was an ack (of any command). */
static bool event_one(const struct mr_msg *e)
{
	if (e->hdr.type != MR_EVT_ACK) {
		print_event(e);
		return false;
	}
	printf("ack %s seq=%u flow=%d result=%d%s%s\n", cmd_name(inflight_type[e->hdr.seq % INFLIGHT]),
	       e->hdr.seq, e->hdr.flow_id == MR_FLOW_ID_NONE ? -1 : (int)e->hdr.flow_id, e->hdr.result,
	       e->hdr.result ? " " : "", e->hdr.result ? strerror(-e->hdr.result) : "");
	if (e->hdr.result)
		failures++;
	return true;
}

/* Wait until every command sent has been acked. */
static void drain(void)
{
	uint64_t deadline = now_ms() + ack_timeout_ms;
	struct mr_msg e;

	while (outstanding) {
		if (mr_shm_evt_recv(&shm, &e, 1) == 1) {
			if (event_one(&e)) {
				outstanding--;
				deadline = now_ms() + ack_timeout_ms;
			}
			continue;
		}
		if (now_ms() > deadline) {
			fprintf(stderr, "mrelay-flowctl: %u commands not acked\n", outstanding);
			exit(3);
		}
		usleep(50);
	}
}

/*
 * Send one command; without pipelining wait for its ack, printing what comes
 * in between. Pipelined, only wait when too many are in flight.
 */
static void transact(struct mr_msg *m)
{
	uint64_t deadline;
	struct mr_msg e;

	m->hdr.seq = next_seq++;
	m->hdr.generation = gen_forced ? gen_value : shm.hdr->generation;
	inflight_type[m->hdr.seq % INFLIGHT] = m->hdr.type;
	deadline = now_ms() + ack_timeout_ms;
	while (outstanding >= INFLIGHT / 2 || mr_shm_cmd_send(&shm, m, 1) != 1) {
		if (mr_shm_evt_recv(&shm, &e, 1) == 1) {
			if (event_one(&e))
				outstanding--;
			continue;
		}
		if (now_ms() > deadline) {
			fprintf(stderr, "mrelay-flowctl: command ring full\n");
			exit(3);
		}
		usleep(50);
	}
	outstanding++;
	if (!pipelined)
		drain();
}

static int parse_u32(const char *s, uint32_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || end == s || v > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static int parse_flags(const char *s, uint32_t *out)
{
	static const struct { const char *name; uint32_t f; } tab[] = {
		{ "learn", MR_FLOW_F_LEARN }, { "strict", MR_FLOW_F_STRICT_SOURCE },
		{ "rtcp", MR_FLOW_F_RTCP }, { "mux", MR_FLOW_F_RTCP_MUX },
		{ "blackhole", MR_FLOW_F_BLACKHOLE }, { "ssrc", MR_FLOW_F_REWRITE_SSRC },
		{ "peer-dst", MR_FLOW_F_PEER_DST }, { "rtcp-term", MR_FLOW_F_RTCP_TERM },
	};
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", s);
	*out = 0;
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		bool found = false;

		for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
			if (strcmp(t, tab[i].name) == 0) {
				*out |= tab[i].f;
				found = true;
			}
		if (!found)
			return -EINVAL;
	}
	return 0;
}

/* Transcoding: "CODEC:PT>CODEC:PT" (ids as in lib/codec/codec-t.h). */
static int parse_xc(const char *s, struct mr_transcode_spec *t)
{
	static const char *const names[] = { "pcmu", "pcma", "g722", "opus" };
	char a[16], b[16];
	unsigned pa, pb;
	int ia = -1, ib = -1;

	if (sscanf(s, "%15[a-z0-9]:%u>%15[a-z0-9]:%u", a, &pa, b, &pb) != 4 || pa > 127 || pb > 127)
		return -EINVAL;
	for (int i = 0; i < 4; i++) {
		if (strcmp(a, names[i]) == 0)
			ia = i + 1;
		if (strcmp(b, names[i]) == 0)
			ib = i + 1;
	}
	if (ia < 0 || ib < 0)
		return -EINVAL;
	t->in_codec = (uint8_t)ia;
	t->out_codec = (uint8_t)ib;
	t->in_pt = (uint8_t)pa;
	t->out_pt = (uint8_t)pb;
	return 0;
}

/* A payload type, or '-' (not negotiated, 0xff). */
static int parse_pt(const char *s, uint8_t *pt)
{
	uint32_t v;

	if (strcmp(s, "-") == 0) {
		*pt = 0xff;
		return 0;
	}
	if (parse_u32(s, &v) || v > 127)
		return -EINVAL;
	*pt = (uint8_t)v;
	return 0;
}

/* "ADDR" or "ADDR:PORT" / "[v6]:PORT". */
static int parse_addr_opt_port(const char *s, struct mr_sockaddr *sa)
{
	memset(sa, 0, sizeof(*sa));
	if (mr_sockaddr_parse(s, sa) == 0)
		return 0;
	return mr_ip_parse(s, &sa->ip);
}

/* "SUITE:HEXKEY[:FLAGS[:LIFETIME]]" (lib/sdes numbers) into an SRTP spec. */
static int parse_srtp(const char *v, struct mr_srtp_spec *sp)
{
	unsigned suite, flags = 0, n = 0;
	const char *h;
	char *end;

	memset(sp, 0, sizeof(*sp));
	suite = (unsigned)strtoul(v, &end, 10);
	if (end == v || *end != ':' || suite > 255)
		return -EINVAL;
	for (h = end + 1; h[0] && h[0] != ':'; h += 2) {
		unsigned b;

		if (!h[1] || n == sizeof(sp->key) || sscanf(h, "%2x", &b) != 1)
			return -EINVAL;
		sp->key[n++] = (uint8_t)b;
	}
	if (h[0] == ':') {
		flags = (unsigned)strtoul(h + 1, &end, 10);
		if (*end == ':') {
			sp->lifetime = strtoull(end + 1, &end, 10);
		}
		if (*end)
			return -EINVAL;
	}
	sp->suite = (uint8_t)suite;
	sp->key_len = (uint8_t)n;
	sp->flags = (uint8_t)flags;
	return 0;
}

static int parse_spec(int argc, char **argv, struct mr_flow_spec *f)
{
	bool have_id = false, have_local = false;

	memset(f, 0, sizeof(*f));
	f->peer_flow_id = MR_FLOW_ID_NONE;
	f->transcode.in_te_pt = f->transcode.out_te_pt = f->transcode.in_cn_pt = 0xff;
	f->transcode.opus_complexity = 0xff;
	f->transcode.rtcp_flow_id = MR_FLOW_ID_NONE;
	for (int i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		const char *k = argv[i], *v;
		uint32_t u = 0;
		struct mr_sockaddr sa;
		int rc = 0;

		if (eq == NULL) {
			fprintf(stderr, "mrelay-flowctl: '%s' is not key=value\n", argv[i]);
			return -EINVAL;
		}
		*eq = '\0';
		v = eq + 1;
#define IS(name) (strcmp(k, name) == 0)
		if (IS("id")) {
			rc = parse_u32(v, &f->flow_id);
			have_id = true;
		} else if (IS("peer")) {
			rc = parse_u32(v, &f->peer_flow_id);
		} else if (IS("iface")) {
			rc = parse_u32(v, &u);
			f->key.iface = (uint16_t)u;
		} else if (IS("vlan")) {
			rc = parse_u32(v, &u);
			f->key.vlan = (uint16_t)u;
		} else if (IS("local")) {
			rc = mr_sockaddr_parse(v, &sa);
			f->key.family = sa.ip.family;
			f->key.port = sa.port;
			memcpy(f->key.addr, sa.ip.addr, 16);
			have_local = true;
		} else if (IS("out-iface")) {
			rc = parse_u32(v, &u);
			f->out_iface = (uint16_t)u;
		} else if (IS("out-vlan")) {
			rc = parse_u32(v, &u);
			f->out_vlan = (uint16_t)u;
		} else if (IS("src")) {
			rc = parse_addr_opt_port(v, &f->out_src);
		} else if (IS("dst")) {
			rc = mr_sockaddr_parse(v, &f->out_dst);
		} else if (IS("expect")) {
			rc = parse_addr_opt_port(v, &f->expect_src);
		} else if (IS("flags")) {
			rc = parse_flags(v, &u);
			f->flags |= u;	/* xc= sets one too */
		} else if (IS("window")) {
			rc = parse_u32(v, &f->learn_window_ms);
		} else if (IS("idle")) {
			rc = parse_u32(v, &f->idle_timeout_s);
		} else if (IS("clock")) {
			rc = parse_u32(v, &f->clock_rate);
		} else if (IS("ssrc")) {
			rc = parse_u32(v, &f->ssrc_out);
		} else if (IS("seq-delta")) {
			rc = parse_u32(v, &u);
			f->seq_delta = (uint16_t)u;
		} else if (IS("ts-delta")) {
			rc = parse_u32(v, &f->ts_delta);
		} else if (IS("tenant")) {
			rc = parse_u32(v, &f->tenant);
		} else if (IS("srtp-in")) {
			rc = parse_srtp(v, &f->srtp_in);
		} else if (IS("srtp-out")) {
			rc = parse_srtp(v, &f->srtp_out);
		} else if (IS("xc")) {
			rc = parse_xc(v, &f->transcode);
			f->flags |= MR_FLOW_F_TRANSCODE;
		} else if (IS("te")) {
			char a[8], b[8];

			rc = sscanf(v, "%7[0-9-]>%7[0-9-]", a, b) == 2 ? 0 : -EINVAL;
			if (rc == 0)
				rc = parse_pt(a, &f->transcode.in_te_pt) ?: parse_pt(b, &f->transcode.out_te_pt);
		} else if (IS("cn")) {
			rc = parse_pt(v, &f->transcode.in_cn_pt);
		} else if (IS("ptime")) {
			rc = parse_u32(v, &u) || u > 255 ? -EINVAL : 0;
			f->transcode.out_ptime = (uint8_t)u;
		} else if (IS("rtcp-flow")) {
			rc = parse_u32(v, &f->transcode.rtcp_flow_id);
		} else if (IS("pt")) {
			char buf[256], *save = NULL;

			snprintf(buf, sizeof(buf), "%s", v);
			f->pass.n_map = 0;
			for (char *t = strtok_r(buf, ",", &save); t && rc == 0; t = strtok_r(NULL, ",", &save)) {
				unsigned pa, pb;

				if (sscanf(t, "%u>%u", &pa, &pb) != 2 || pa > 255 || pb > 255 ||
				    f->pass.n_map >= MR_PASS_MAP_MAX)
					rc = -EINVAL;
				else
					f->pass.map[f->pass.n_map++] = (typeof(f->pass.map[0])){ (uint8_t)pa, (uint8_t)pb };
			}
		} else if (IS("dtmf")) {
			rc = parse_u32(v, &u) || u > 255 ? -EINVAL : 0;
			f->pass.te_pt = (uint8_t)u;
			f->flags |= MR_FLOW_F_DTMF;
		} else if (IS("cx")) {
			rc = parse_u32(v, &u) || u > 10 ? -EINVAL : 0;
			f->transcode.opus_complexity = (uint8_t)u;
		} else {
			fprintf(stderr, "mrelay-flowctl: unknown key '%s'\n", k);
			return -EINVAL;
		}
#undef IS
		if (rc) {
			fprintf(stderr, "mrelay-flowctl: bad value for %s: '%s'\n", k, v);
			return -EINVAL;
		}
	}
	if (!have_id || !have_local) {
		fprintf(stderr, "mrelay-flowctl: a flow needs id= and local=\n");
		return -EINVAL;
	}
	return 0;
}

static void print_drops(void)
{
	const struct mr_shm_hdr *h = shm.hdr;

	for (unsigned i = 0; i < h->n_drops && i < MR_SHM_MAX_DROPS; i++) {
		uint64_t v = 0;

		for (unsigned w = 0; w < h->n_workers; w++)
			v += shm.workers[w].drops[i];
		printf("drop %s %" PRIu64 "\n", h->drop_names[i], v);
	}
}

static int print_flow(uint32_t id)
{
	const struct mr_flow_stats *fs;
	char a[MR_SOCKADDR_STRLEN];

	if (id >= shm.hdr->n_flows)
		return -ERANGE;
	fs = &shm.flows[id];
	printf("flow %u gen=%u active=%d learned=%s packets=%" PRIu64 " bytes=%" PRIu64
	       " rtcp=%u lost=%d jitter=%u duplicates=%u out_of_order=%u received=%u",
	       id, fs->gen, !!(fs->flags & MR_FLOW_STATS_F_ACTIVE),
	       (fs->flags & MR_FLOW_STATS_F_LEARNED) ? mr_sockaddr_format(&fs->learned, a, sizeof(a)) : "-",
	       fs->packets, fs->bytes, fs->rtcp_packets, mr_rtp_source_lost(&fs->rtp),
	       mr_rtp_source_jitter_units(&fs->rtp), fs->rtp.duplicates, fs->rtp.out_of_order,
	       fs->rtp.received);
	for (unsigned i = 0; i < MR_FLOW_DROP_MAX; i++)
		if (shm.hdr->flow_drop_names[i][0])
			printf(" drop-%s=%" PRIu64, shm.hdr->flow_drop_names[i], fs->drops[i]);
	printf(" sr=%u lsr=0x%08x rb=%u rb_ssrc=0x%x r_fraction=%u r_lost=%d r_ext=%u r_jitter=%u rtt_us=%u",
	       fs->rtcp.sr_count, fs->rtcp.lsr, fs->rtcp.rb_count, fs->rtcp.rb_ssrc,
	       fs->rtcp.fraction_lost, fs->rtcp.cumulative_lost, fs->rtcp.ext_highest_seq,
	       fs->rtcp.jitter, fs->rtcp.rtt_us);
	printf("\n");
	return 0;
}

static uint64_t rx_total(void)
{
	uint64_t v = 0;

	for (unsigned w = 0; w < shm.hdr->n_workers; w++)
		v += __atomic_load_n(&shm.workers[w].rx_packets, __ATOMIC_RELAXED);
	return v;
}

/* Print events for ms milliseconds. */
static void events(unsigned ms)
{
	uint64_t end = now_ms() + ms;
	struct mr_msg e;

	while (now_ms() < end) {
		if (mr_shm_evt_recv(&shm, &e, 1) == 1)
			print_event(&e);
		else
			usleep(1000);
	}
}

static int run_cmd(int argc, char **argv)
{
	struct mr_msg m;
	uint32_t u;

	if (argc == 0)
		return 0;
	/* Anything but a flow command first collects the acks in flight. */
	if (strcmp(argv[0], "add") != 0 && strcmp(argv[0], "mod") != 0 && strcmp(argv[0], "del") != 0)
		drain();
	memset(&m, 0, sizeof(m));
	m.hdr.flow_id = MR_FLOW_ID_NONE;
	if (strcmp(argv[0], "hello") == 0 && argc == 1) {
		m.hdr.type = MR_MSG_HELLO;
		m.u.hello.abi = MR_MSG_ABI;
		m.u.hello.msg_size = sizeof(struct mr_msg);
		m.u.hello.flow_spec_size = sizeof(struct mr_flow_spec);
		m.u.hello.flow_stats_size = sizeof(struct mr_flow_stats);
		m.u.hello.pid = (uint32_t)getpid();
		snprintf(m.u.hello.name, sizeof(m.u.hello.name), "mrelay-flowctl");
		transact(&m);
	} else if ((strcmp(argv[0], "add") == 0 || strcmp(argv[0], "mod") == 0)) {
		m.hdr.type = argv[0][0] == 'a' ? MR_MSG_FLOW_ADD : MR_MSG_FLOW_MOD;
		if (parse_spec(argc - 1, argv + 1, &m.u.flow))
			return -EINVAL;
		m.hdr.flow_id = m.u.flow.flow_id;
		transact(&m);
	} else if (strcmp(argv[0], "del") == 0 && argc == 2 && parse_u32(argv[1], &u) == 0) {
		m.hdr.type = MR_MSG_FLOW_DEL;
		m.hdr.flow_id = u;
		m.u.flow.flow_id = u;
		transact(&m);
	} else if (strcmp(argv[0], "dump") == 0 && argc == 1) {
		m.hdr.type = MR_MSG_FLOW_DUMP;
		transact(&m);
	} else if (strcmp(argv[0], "barrier") == 0 && argc == 1) {
		m.hdr.type = MR_MSG_BARRIER;
		transact(&m);
	} else if (strcmp(argv[0], "drops") == 0 && argc == 1) {
		print_drops();
	} else if (strcmp(argv[0], "flow") == 0 && argc == 2 && parse_u32(argv[1], &u) == 0) {
		if (print_flow(u))
			return -EINVAL;
	} else if (strcmp(argv[0], "workers") == 0 && argc == 1) {
		for (unsigned w = 0; w < shm.hdr->n_workers; w++)
			printf("worker %u rx=%" PRIu64 " tx=%" PRIu64 " tx_dropped=%" PRIu64
			       " role=%u ring=%" PRIu64 " poll_gaps=%" PRIu64 " poll_gap_max_us=%" PRIu64
			       "\n", w,
			       shm.workers[w].rx_packets, shm.workers[w].tx_packets,
			       shm.workers[w].tx_dropped, shm.workers[w].role,
			       shm.workers[w].ring_packets, shm.workers[w].poll_gaps,
			       mr_shm_cycles_us(&shm, shm.workers[w].poll_gap_max_tsc));
	} else if (strcmp(argv[0], "events") == 0 && argc == 2 && parse_u32(argv[1], &u) == 0) {
		events(u);
	} else if (strcmp(argv[0], "quiesce") == 0 && argc == 2 && parse_u32(argv[1], &u) == 0) {
		/* Until no packet arrived for u ms (at most 60 s). */
		uint64_t last = rx_total(), since = now_ms(), limit = now_ms() + 60000;

		while (now_ms() - since < u) {
			uint64_t v;

			if (now_ms() > limit) {
				fprintf(stderr, "mrelay-flowctl: traffic did not stop\n");
				exit(3);
			}
			usleep(10000);
			v = rx_total();
			if (v != last) {
				last = v;
				since = now_ms();
			}
		}
		printf("quiet rx=%" PRIu64 "\n", last);
	} else if (strcmp(argv[0], "generation") == 0 && argc == 2) {
		/* Tests: "generation N" sends N from now on, "generation auto" the live one. */
		gen_forced = strcmp(argv[1], "auto") != 0;
		gen_value = strtoull(argv[1], NULL, 0);
	} else if (strcmp(argv[0], "pipeline") == 0 && argc == 2) {
		pipelined = strcmp(argv[1], "on") == 0;
	} else if (strcmp(argv[0], "wait-rx") == 0 && argc == 2 && parse_u32(argv[1], &u) == 0) {
		uint64_t limit = now_ms() + 60000;

		while (rx_total() < u) {
			if (now_ms() > limit) {
				fprintf(stderr, "mrelay-flowctl: rx stayed below %u\n", u);
				exit(3);
			}
			usleep(1000);
		}
	} else if (strcmp(argv[0], "sleep") == 0 && argc == 2 && parse_u32(argv[1], &u) == 0) {
		usleep(u * 1000);
	} else {
		fprintf(stderr, "mrelay-flowctl: bad command '%s'\n", argv[0]);
		return -EINVAL;
	}
	fflush(stdout);
	return 0;
}

static int run_line(char *line)
{
	char *argv[64], *save = NULL;
	int argc = 0;
	char *hash = strchr(line, '#');

	if (hash)
		*hash = '\0';
	for (char *t = strtok_r(line, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
		if (argc == 64)
			return -E2BIG;
		argv[argc++] = t;
	}
	return run_cmd(argc, argv);
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: mrelay-flowctl -i INSTANCE [-w MS] [-t MS] [-k] [-f FILE | CMD ARGS [\\; CMD ...]]\n"
		   "  -w MS  wait this long for the dataplane to be running (default 10000)\n"
		   "  -t MS  ack timeout (default 5000)\n"
		   "  -k     exit 0 even when an ack carries an error\n"
		   "Commands: hello | add SPEC | mod SPEC | del ID | dump | barrier | drops |\n"
		   "  flow ID | workers | events MS | quiesce MS | sleep MS | pipeline on|off |\n"
		   "  wait-rx N | generation N|auto\n");
}

int main(int argc, char **argv)
{
	const char *instance = NULL, *file = NULL;
	unsigned wait_ms = 10000;
	bool keep_going = false;
	int c, rc;

	while ((c = getopt(argc, argv, "+i:f:w:t:kh")) != -1) {
		switch (c) {
		case 'i': instance = optarg; break;
		case 'f': file = optarg; break;
		case 'w': wait_ms = (unsigned)atoi(optarg); break;
		case 't': ack_timeout_ms = (unsigned)atoi(optarg); break;
		case 'k': keep_going = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (instance == NULL) {
		usage(stderr);
		return 2;
	}
	rc = mr_shm_attach_wait(&shm, instance, true, wait_ms);
	if (rc != 0) {
		fprintf(stderr, "mrelay-flowctl: instance %s not running: %s\n", instance,
			rc == -EAGAIN ? "still starting" : strerror(-rc));
		return 3;
	}
	if (file != NULL) {
		FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
		char line[4096];

		if (f == NULL) {
			fprintf(stderr, "mrelay-flowctl: %s: %s\n", file, strerror(errno));
			return 2;
		}
		while (fgets(line, sizeof(line), f))
			if (run_line(line))
				return 2;
		drain();
		if (f != stdin)
			fclose(f);
	} else {
		int start = optind;

		for (int i = optind; i <= argc; i++) {
			if (i == argc || strcmp(argv[i], ";") == 0) {
				if (run_cmd(i - start, argv + start))
					return 2;
				start = i + 1;
			}
		}
		drain();
	}
	mr_shm_detach(&shm);
	return failures && !keep_going ? 1 : 0;
}
