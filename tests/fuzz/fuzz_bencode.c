/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for lib/bencode. Beyond "no crash, no sanitizer report":
 * whatever decodes must re-encode to the same bytes (the decoder accepts
 * only canonical input, and keeps dict order), through the structural
 * encoder and through mr_bencode_enc_node(); every shorter output buffer
 * must give -ENOSPC without writing past its end.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bencode/bencode.h"

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

static struct mr_bencode_node nodes[8192];

/*
 * Re-encode n at nesting depth `depth` (containers around it, itself
 * included): bounded by the decoder's MR_BENCODE_MAX_DEPTH.
 */
static void reencode(struct mr_bencode_enc *e, const struct mr_bencode_doc *doc,
		     const struct mr_bencode_node *n, unsigned depth)
{
	const struct mr_bencode_node *c;

	switch (n->type) {
	case MR_BENCODE_STRING:
		mr_bencode_enc_str(e, n->str);
		return;
	case MR_BENCODE_INT:
		mr_bencode_enc_int(e, n->num);
		return;
	case MR_BENCODE_DICT:
	case MR_BENCODE_LIST: {
		uint32_t count = 0;

		CHECK(depth <= MR_BENCODE_MAX_DEPTH);
		if (n->type == MR_BENCODE_DICT)
			mr_bencode_enc_dict_start(e);
		else
			mr_bencode_enc_list_start(e);
		for (c = mr_bencode_first(doc, n); c; c = mr_bencode_next(doc, c)) {
			reencode(e, doc, c, depth + 1);
			count++;
		}
		CHECK(count == (n->type == MR_BENCODE_DICT ? 2 * n->count : n->count));
		mr_bencode_enc_end(e);
		return;
	}
	default:
		CHECK(0);
	}
}

static void lookups(const struct mr_bencode_doc *doc)
{
	static const char *const keys[] = {
		"command", "call-id", "from-tag", "to-tag", "sdp", "flags", "replace",
		"direction", "received from", "ICE", "rtcp-mux", "SDES", "ptime", "",
	};
	const struct mr_bencode_node *root = mr_bencode_root(doc);
	struct mr_str s;
	int64_t v;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct mr_bencode_node *n = mr_bencode_dict_get(doc, root, keys[i]);

		(void)mr_bencode_dict_get_str(doc, root, keys[i], &s);
		(void)mr_bencode_dict_get_int(doc, root, keys[i], &v);
		(void)mr_bencode_list_has_str(doc, n, "trust-address");
		(void)mr_bencode_list_has_str(doc, n, keys[i]);
	}
	for (uint32_t i = 0; i < doc->n; i++) {
		(void)mr_bencode_node_int(&doc->nodes[i], &v);
		if (doc->nodes[i].type == MR_BENCODE_STRING)
			CHECK(mr_bencode_node_str(&doc->nodes[i], &s) == 0);
	}
}

static void roundtrip(const struct mr_bencode_doc *doc, const uint8_t *data, size_t size)
{
	struct mr_bencode_enc e;
	uint8_t *out = malloc(size + 1);
	size_t n = 0;

	CHECK(out != NULL);
	mr_bencode_enc_init(&e, out, size);
	reencode(&e, doc, mr_bencode_root(doc), 1);
	CHECK(mr_bencode_enc_finish(&e, &n) == 0);
	CHECK(n == size && memcmp(out, data, size) == 0);

	mr_bencode_enc_init(&e, out, size);
	mr_bencode_enc_node(&e, mr_bencode_root(doc));
	CHECK(mr_bencode_enc_finish(&e, &n) == 0);
	CHECK(n == size && memcmp(out, data, size) == 0);
	free(out);

	/* One byte short, in an exactly sized heap block: ASan sees any overflow. */
	if (size > 0) {
		out = malloc(size - 1 ? size - 1 : 1);
		CHECK(out != NULL);
		mr_bencode_enc_init(&e, out, size - 1);
		reencode(&e, doc, mr_bencode_root(doc), 1);
		CHECK(mr_bencode_enc_finish(&e, &n) == -ENOSPC);
		free(out);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mr_bencode_doc doc;
	struct mr_str cookie, msg;
	const char *why = NULL;
	int rc;

	/* Small capacity first: the -E2BIG path on ordinary inputs. */
	mr_bencode_doc_init(&doc, nodes, 16);
	rc = mr_bencode_decode(&doc, data, size, &why);
	CHECK(rc == 0 || rc == -EBADMSG || rc == -E2BIG);
	CHECK(rc == 0 || why != NULL);

	mr_bencode_doc_init(&doc, nodes, sizeof(nodes) / sizeof(nodes[0]));
	rc = mr_bencode_decode(&doc, data, size, &why);
	CHECK(rc == 0 || rc == -EBADMSG || rc == -E2BIG);
	if (rc == 0) {
		CHECK(doc.n >= 1 && doc.n <= size);
		CHECK(doc.nodes[0].raw.len == size);
		lookups(&doc);
		roundtrip(&doc, data, size);
	}

	/* The ng framing. */
	if (mr_bencode_cookie_split(data, size, &cookie, &msg, &why) == 0) {
		CHECK(cookie.len > 0 && cookie.len + 1 + msg.len == size);
		mr_bencode_doc_init(&doc, nodes, sizeof(nodes) / sizeof(nodes[0]));
		rc = mr_bencode_decode_dict(&doc, (const uint8_t *)msg.p, msg.len, &why);
		CHECK(rc != 0 || doc.nodes[0].type == MR_BENCODE_DICT);
		if (rc == 0)
			lookups(&doc);
	}
	return 0;
}
