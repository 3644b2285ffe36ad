/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for lib/sdes. Each input line is an a=crypto value:
 * whatever parses is written back (padded or not, with and without a
 * lifetime) and must parse again to the same suite, key, MKI and session
 * parameters; the lines together are decoded as one media section, and
 * each line is also tried as base64 and as an ng SDES option. Nothing may
 * crash, read out of bounds, or leave key bytes in a rejected result.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "sdes/sdes.h"

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

static struct mr_sdes_set set;

static void one_line(struct mr_str v)
{
	struct mr_sdes_crypto c, d;
	struct mr_sdes_opts o;
	const char *why = NULL;
	uint8_t raw[1100];
	char out[400];
	size_t n;
	int len;

	memset(&c, 0xa5, sizeof(c));
	if (mr_sdes_crypto_parse(v, &c, &why) != 0) {
		CHECK(why != NULL);
		for (size_t i = 0; i < sizeof(c.key); i++)
			CHECK(c.key[i] == 0);
	} else {
		CHECK(why == NULL);
		CHECK(c.key_len == mr_sdes_suite_key_len(c.suite));
		for (int pad = 0; pad < 2; pad++) {
			len = mr_sdes_crypto_format(&c, pad, pad, out, sizeof(out));
			CHECK(len > 0 && (size_t)len == strlen(out));
			CHECK(mr_sdes_crypto_parse(mr_str_make(out, (size_t)len), &d, &why) == 0);
			CHECK(d.tag == c.tag && d.suite == c.suite && d.flags == c.flags);
			CHECK(d.mki == c.mki && d.mki_len == c.mki_len);
			CHECK(memcmp(d.key, c.key, c.key_len) == 0);
			CHECK(pad ? d.lifetime == (UINT64_C(1) << 31) : d.lifetime == c.lifetime);
			/* Every shorter buffer is -ENOSPC, never an overrun. */
			CHECK(mr_sdes_crypto_format(&c, pad, pad, out, (size_t)len) == -ENOSPC);
		}
	}
	if (mr_sdes_base64_decode(v, raw, sizeof(raw), &n) == 0) {
		char back[1500];

		len = mr_sdes_base64_encode(raw, n, true, back, sizeof(back));
		CHECK(len >= 0);
		/* Canonical input with padding comes back as it was. */
		if (v.len % 4 == 0)
			CHECK((size_t)len == v.len && memcmp(back, v.p, v.len) == 0);
	}
	mr_sdes_opts_init(&o);
	(void)mr_sdes_opts_add(&o, v);
	CHECK(!(o.only_mask & 1) && !(o.no_mask & 1));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mr_str lines[MR_SDES_MAX_CRYPTO + 4];
	unsigned n = 0;
	size_t start = 0;

	for (size_t i = 0; i <= size && n < MR_ARRAY_SIZE(lines); i++) {
		if (i == size || data[i] == '\n') {
			lines[n++] = mr_str_make((const char *)data + start, i - start);
			start = i + 1;
		}
	}
	for (unsigned i = 0; i < n; i++)
		one_line(lines[i]);
	mr_sdes_set_parse(lines, n, &set);
	CHECK(set.n + set.n_skipped + set.n_ignored == n);
	for (unsigned i = 0; i < set.n; i++)
		for (unsigned j = 0; j < i; j++)
			CHECK(set.c[i].tag != set.c[j].tag);
	{
		struct mr_sdes_opts o;
		uint8_t suites[8];
		unsigned k;

		mr_sdes_opts_init(&o);
		if (n)
			(void)mr_sdes_opts_add(&o, lines[0]);
		k = mr_sdes_offer_suites(&set, &o, suites, sizeof(suites));
		for (unsigned i = 0; i < k; i++)
			CHECK(mr_sdes_opts_allows(&o, suites[i]));
		int sel = mr_sdes_set_select(&set, &o);
		CHECK(sel < 0 || ((unsigned)sel < set.n && mr_sdes_opts_allows(&o, set.c[sel].suite)));
	}
	mr_sdes_set_wipe(&set);
	return 0;
}
