/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for lib/sdp. Whatever parses is written back unchanged
 * (byte for byte), then rewritten with an edit derived from the input;
 * the rewrite must parse again (or exceed a capacity) with the edited
 * ports and addresses in place, and every shorter output buffer must give
 * -ENOSPC without writing past its end.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sdp/sdp.h"

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

static struct mr_sdp sdp, again;
static uint8_t out[2 * MR_SDP_MAX_LEN + 65536];

static const struct mr_str keys[] = {
	MR_STR_LIT("crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz"),
	MR_STR_LIT("crypto:2 AES_CM_128_HMAC_SHA1_32 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz"),
};
static const struct mr_str extra[] = { MR_STR_LIT("x-fuzz:1"), MR_STR_LIT("label:9") };

/* A deterministic edit that exercises every field, chosen by the input. */
static void make_edit(struct mr_sdp_edit *e, const uint8_t *data, size_t size)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	mr_sdp_edit_init(e);
	if (h & 1) {
		e->origin_addr = MR_STR_LIT("203.0.113.5");
		e->origin_af = MR_SDP_AF_IP4;
	}
	if (h & 2) {
		e->conn_addr = (h & 4) ? MR_STR_LIT("2001:db8::5") : MR_STR_LIT("203.0.113.5");
		e->conn_af = (h & 4) ? MR_SDP_AF_IP6 : MR_SDP_AF_IP4;
	}
	if (h & 8)
		e->dir = (uint8_t)(1 + (h >> 4) % 4);
	e->drop_ice = (h >> 6) & 1;
	if (h & 0x80) {
		e->add_attrs = extra;
		e->n_add_attrs = 2;
	}
	e->drop_kinds = (h & 0x100) ? MR_SDP_ATTR_BIT(MR_SDP_ATTR_FINGERPRINT) : 0;
	for (unsigned k = 0; k < sdp.n_media; k++) {
		struct mr_sdp_edit_media *em = &e->media[k];
		uint32_t b = h >> (k % 16);

		em->set_port = true;
		em->port = (uint16_t)(30000 + 2 * k);
		if (b & 1) {
			em->conn_addr = (b & 2) ? MR_STR_LIT("2001:db8::7") : MR_STR_LIT("198.51.100.7");
			em->conn_af = (b & 2) ? MR_SDP_AF_IP6 : MR_SDP_AF_IP4;
		}
		em->set_rtcp = (b >> 2) & 1;
		em->rtcp_port = (uint16_t)(30001 + 2 * k);
		if (b & 8) {
			em->rtcp_addr = MR_STR_LIT("198.51.100.7");
			em->rtcp_af = MR_SDP_AF_IP4;
		}
		em->drop_rtcp = (b >> 4) & 1;
		em->add_rtcp_mux = (b >> 5) & 1;
		em->drop_rtcp_mux = !em->add_rtcp_mux && ((b >> 6) & 1);
		em->drop_ice = (b >> 7) & 1;
		em->dir = (uint8_t)((b >> 8) % 5);
		em->replace_crypto = (b >> 11) & 1;
		em->crypto_lines = keys;
		em->n_crypto_lines = (b >> 12) % 3;
		if (b & 0x4000) {
			em->add_attrs = extra;
			em->n_add_attrs = 1;
		}
		/* Any kinds: what the edit sets must survive them. */
		em->drop_kinds = (b & 0x10000) ? (uint64_t)b * 0x9e3779b97f4a7c15ull : 0;
		/* Only RTP formats stay valid under an RTP proto. */
		if (sdp.media[k].is_rtp && (b & 0x8000))
			em->proto = MR_STR_LIT("RTP/SAVP");
	}
}

static void check_rewrite(const struct mr_sdp_edit *e, size_t n)
{
	int rc = mr_sdp_parse(out, n, &again, NULL);

	CHECK(rc == 0 || rc == -E2BIG);
	if (rc != 0)
		return;
	CHECK(again.n_media == sdp.n_media);
	for (unsigned k = 0; k < sdp.n_media; k++) {
		const struct mr_sdp_edit_media *em = &e->media[k];
		const struct mr_sdp_conn *c = mr_sdp_media_conn(&again, k);
		struct mr_ip ip;

		CHECK(again.media[k].port == em->port);
		CHECK(c != NULL);
		if (em->conn_addr.len) {
			CHECK(mr_ip_parse_n(em->conn_addr.p, em->conn_addr.len, &ip) == 0);
			CHECK(mr_ip_eq(&ip, &c->ip));
		}
		if (em->set_rtcp)
			CHECK(again.media[k].has_rtcp && again.media[k].rtcp_port == em->rtcp_port);
		if (em->add_rtcp_mux)
			CHECK(again.media[k].rtcp_mux);
		if (em->drop_rtcp_mux)
			CHECK(!again.media[k].rtcp_mux);
		if (em->replace_crypto)
			CHECK(again.media[k].n_crypto == em->n_crypto_lines);
		if (em->drop_ice)
			CHECK(!again.media[k].has_ice);
		if (em->dir)
			CHECK(again.media[k].dir == em->dir);
	}
	if (e->conn_addr.len)
		CHECK(again.conn.present);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mr_sdp_edit e;
	const char *why = NULL;
	size_t n = 0;
	uint8_t *small;
	int rc;

	rc = mr_sdp_parse(data, size, &sdp, &why);
	CHECK(rc == 0 || rc == -EBADMSG || rc == -E2BIG);
	CHECK(why != NULL || rc == 0);
	if (rc != 0)
		return 0;

	/* Unchanged. */
	CHECK(mr_sdp_write(&sdp, NULL, out, sizeof(out), &n, NULL) == 0);
	CHECK(n == size && memcmp(out, data, size) == 0);

	for (unsigned k = 0; k < sdp.n_media; k++) {
		(void)mr_sdp_media_conn(&sdp, k);
		(void)mr_sdp_attr_find(&sdp, (int)k, "rtpmap");
		(void)mr_sdp_media_fmt_find(&sdp.media[k], 0);
	}

	/* Edited. */
	make_edit(&e, data, size);
	rc = mr_sdp_write(&sdp, &e, out, sizeof(out), &n, &why);
	CHECK(rc == 0);
	check_rewrite(&e, n);

	/* Too small, in an exactly sized heap block. */
	if (n > 0) {
		size_t cap = n - 1 - (n > 64 ? (size_t)(data[0] % 64) : 0);

		small = malloc(cap ? cap : 1);
		CHECK(small != NULL);
		CHECK(mr_sdp_write(&sdp, &e, small, cap, &n, NULL) == -ENOSPC);
		free(small);
	}
	return 0;
}
