/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for mrelay-control's ng dispatch: one input is a series
 * of ng messages (bencode, separated by the two bytes 0xff 0xfe), each sent
 * with its own cookie through ctl_ng_handle(), against a real shm region
 * whose dataplane side acks in-process, and now and then refuses. So
 * offers, answers, re-INVITEs, forks and deletes meet each other's state.
 * Beyond "no crash, no sanitizer report": every message gets a reply that
 * decodes as a dictionary with a result; after the calls are removed, every
 * port and flow id is back and no flow is left in the dataplane.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bencode/bencode.h"
#include "config/config.h"
#include "shm/shm.h"

#include "ctl.h"
#include "session.h"

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

static struct mr_shm region;
static struct mr_config cfg;
static struct ctl ctl;
static uint8_t reply[200000];
static uint8_t msg[70000];
static struct mr_bencode_node nodes[8192];
static long installed;	/* flows the stand-in dataplane holds */
static unsigned refuse;	/* refuse every n-th ADD (0: none) */
static unsigned n_adds;

static void dp_step(void *arg)
{
	struct mr_msg in[64];
	unsigned n = mr_shm_cmd_recv(&region, in, 64);

	(void)arg;
	for (unsigned i = 0; i < n; i++) {
		struct mr_msg ack;

		memset(&ack.hdr, 0, sizeof(ack.hdr));
		ack.hdr.type = MR_EVT_ACK;
		ack.hdr.seq = in[i].hdr.seq;
		if (in[i].hdr.type == MR_MSG_FLOW_ADD) {
			if (refuse && ++n_adds % refuse == 0)
				ack.hdr.result = -28;	/* ENOSPC */
			else
				installed++;
		} else if (in[i].hdr.type == MR_MSG_FLOW_DEL) {
			installed--;
		}
		mr_shm_evt_send(&region, &ack, 1);
	}
}

static void teardown(void)
{
	ctl_fini(&ctl);
	mr_shm_detach(&region);	/* unlinks the region's name */
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct mr_shm_params p = { .n_flows = 4096, .n_workers = 1, .n_ifaces = 2 };
	static char inst[32];
	char text[1024], err[256];

	(void)argc;
	(void)argv;
	snprintf(inst, sizeof(inst), "fuzzng%d", (int)getpid());
	p.instance = inst;
	CHECK(mr_shm_create(&region, &p) == 0);
	region.hdr->heartbeat_ms = UINT64_MAX / 2;	/* always fresh */
	region.hdr->state = MR_SHM_RUNNING;
	snprintf(text, sizeof(text),
		 "[dataplane]\ninstance = %s\n[control]\nport-min = 30000\nport-max = 30199\n"
		 "[interface pub]\ndevice = net_null0\naddress = 203.0.113.1/24\naddress6 = 2001:db8::1/64\n"
		 "[interface priv]\ndevice = net_null1\naddress = 10.0.0.1/8\n", inst);
	CHECK(mr_config_load_string(&cfg, text, err, sizeof(err)) == 0);
	memset(&cfg.ctl.listen_ng, 0, sizeof(cfg.ctl.listen_ng));
	CHECK(ctl_init(&ctl, &cfg) == 0);
	mr_log_set_levels("error");
	ctl.dp.wait_hook = dp_step;
	ctl_dp_poll(&ctl.dp, ctl_now_ms(&ctl), true);
	CHECK(ctl_dp_is_ready(&ctl.dp));
	atexit(teardown);
	return 0;
}

static void one(const uint8_t *p, size_t len, unsigned i)
{
	struct mr_bencode_doc doc;
	struct mr_str res;
	int hl = snprintf((char *)msg, sizeof(msg), "f%u ", i);
	size_t n;
	const uint8_t *sp;

	if (len > sizeof(msg) - (size_t)hl)
		len = sizeof(msg) - (size_t)hl;
	memcpy(msg + hl, p, len);
	n = ctl_ng_handle(&ctl, msg, (size_t)hl + len, reply, sizeof(reply));
	CHECK(n > 0);
	CHECK(memcmp(reply, msg, (size_t)hl) == 0);
	sp = reply + hl;
	mr_bencode_doc_init(&doc, nodes, 8192);
	CHECK(mr_bencode_decode_dict(&doc, sp, n - (size_t)hl, NULL) == 0);
	CHECK(mr_bencode_dict_get_str(&doc, mr_bencode_root(&doc), "result", &res) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	unsigned i = 0;
	struct ctl_call *call, *tmp;

	/* An input ending in 0xf0..0xf7 has every 1st..8th ADD refused. */
	refuse = size && (data[size - 1] & 0xf8) == 0xf0 ? (data[size - 1] & 7u) + 1 : 0;
	n_adds = 0;
	while (p < end && i < 64) {
		const uint8_t *q = p;

		while (q + 1 < end && !(q[0] == 0xff && q[1] == 0xfe))
			q++;
		if (q + 1 >= end)
			q = end;
		one(p, (size_t)(q - p), i++);
		p = q + 2;
	}
	/* Remove every call that is left. */
	HASH_ITER(hh, ctl.sess.calls, call, tmp)
		ctl_sess_destroy(&ctl, call);
	dp_step(NULL);
	CHECK(ctl.sess.n_calls == 0);
	CHECK(installed == 0);
	CHECK(ctl.sess.n_flows_installed == 0);
	CHECK(ctl.dp.n_free == ctl.dp.n_flows);
	for (unsigned k = 0; k < cfg.n_ifaces; k++)
		CHECK(ctl_ports_free_count(&ctl.ports[k]) == ctl.ports[k].n);
	/* Forget the cached replies: the next input starts afresh. */
	ctl.now_ms += 60000;
	ctl_ng_expire(&ctl);
	return 0;
}
