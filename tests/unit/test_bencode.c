/* SPDX-License-Identifier: BSD-3-Clause */
/* lib/bencode: ng protocol decoding, lookup, encoding. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mr_check.h"
#include "bencode/bencode.h"

static struct mr_bencode_node nodes[256];
static struct mr_bencode_doc doc;

/* Decode a C string literal (without its NUL). */
static int dec(const char *s, const char **why)
{
	mr_bencode_doc_init(&doc, nodes, MR_ARRAY_SIZE(nodes));
	return mr_bencode_decode(&doc, (const uint8_t *)s, strlen(s), why);
}

static void assert_bad(const char *s, int err, const char *reason)
{
	const char *why = NULL;

	ck_assert_msg(dec(s, &why) == err, "input \"%s\"", s);
	ck_assert_ptr_nonnull(why);
	if (reason)
		ck_assert_str_eq(why, reason);
	ck_assert_ptr_null(mr_bencode_root(&doc));
}

START_TEST(dec_offer)
{
	static const char msg[] =
		"d7:command5:offer7:call-id9:abc@host18:from-tag4:ft-1"
		"5:flagsl13:trust-address13:SIP-source-ade3:sdp5:v=0\r\ne";
	const struct mr_bencode_node *root, *flags;
	struct mr_str s;

	ck_assert_int_eq(dec(msg, NULL), 0);
	root = mr_bencode_root(&doc);
	ck_assert_ptr_nonnull(root);
	ck_assert_uint_eq(root->type, MR_BENCODE_DICT);
	ck_assert_uint_eq(root->count, 5);
	ck_assert_uint_eq(root->raw.len, strlen(msg));
	ck_assert_int_eq(mr_bencode_dict_get_str(&doc, root, "command", &s), 0);
	ck_assert(mr_str_eq_cstr(s, "offer"));
	ck_assert_int_eq(mr_bencode_dict_get_str(&doc, root, "call-id", &s), 0);
	ck_assert(mr_str_eq_cstr(s, "abc@host1"));
	ck_assert_int_eq(mr_bencode_dict_get_str(&doc, root, "sdp", &s), 0);
	ck_assert(mr_str_eq_cstr(s, "v=0\r\n"));
	/* Zero copy: the slice points into the input. */
	ck_assert_ptr_eq(s.p, strstr(msg, "v=0"));
	flags = mr_bencode_dict_get(&doc, root, "flags");
	ck_assert_ptr_nonnull(flags);
	ck_assert_uint_eq(flags->type, MR_BENCODE_LIST);
	ck_assert_uint_eq(flags->count, 2);
	ck_assert(mr_bencode_list_has_str(&doc, flags, "trust-address"));
	ck_assert(mr_bencode_list_has_str(&doc, flags, "trust address"));
	ck_assert(mr_bencode_list_has_str(&doc, flags, "SIP_source_address") == false);
	ck_assert(mr_bencode_list_has_str(&doc, flags, "SIP-source-ad"));
	ck_assert(!mr_bencode_list_has_str(&doc, flags, "sip-source-ad"));
	ck_assert_int_eq(mr_bencode_dict_get_str(&doc, root, "to-tag", &s), -ENOENT);
}
END_TEST

START_TEST(dec_ints)
{
	const struct mr_bencode_node *r;

	ck_assert_int_eq(dec("i0e", NULL), 0);
	ck_assert_int_eq(doc.nodes[0].num, 0);
	ck_assert_int_eq(dec("i-42e", NULL), 0);
	ck_assert_int_eq(doc.nodes[0].num, -42);
	ck_assert_int_eq(dec("i9223372036854775807e", NULL), 0);
	ck_assert_int_eq(doc.nodes[0].num, INT64_MAX);
	ck_assert_int_eq(dec("i-9223372036854775808e", NULL), 0);
	ck_assert(doc.nodes[0].num == INT64_MIN);
	r = mr_bencode_root(&doc);
	ck_assert_uint_eq(r->type, MR_BENCODE_INT);
	assert_bad("i9223372036854775808e", -EBADMSG, "integer out of range");
	assert_bad("i-9223372036854775809e", -EBADMSG, "integer out of range");
	assert_bad("i99999999999999999999999e", -EBADMSG, "integer out of range");
	assert_bad("i-0e", -EBADMSG, "negative zero integer");
	assert_bad("i03e", -EBADMSG, "integer with a leading zero");
	assert_bad("i00e", -EBADMSG, "integer with a leading zero");
	assert_bad("i-01e", -EBADMSG, "integer with a leading zero");
	assert_bad("ie", -EBADMSG, "malformed integer");
	assert_bad("i-e", -EBADMSG, "malformed integer");
	assert_bad("i+1e", -EBADMSG, "malformed integer");
	assert_bad("i1x", -EBADMSG, "malformed integer");
	assert_bad("i 1e", -EBADMSG, "malformed integer");
	assert_bad("i12", -EBADMSG, "truncated message");
	assert_bad("i", -EBADMSG, "truncated message");
}
END_TEST

START_TEST(dec_strings)
{
	ck_assert_int_eq(dec("0:", NULL), 0);
	ck_assert_uint_eq(doc.nodes[0].type, MR_BENCODE_STRING);
	ck_assert_uint_eq(doc.nodes[0].str.len, 0);
	ck_assert_int_eq(dec("3:a\0b", NULL), -EBADMSG); /* strlen stops at NUL */
	assert_bad("4:abc", -EBADMSG, "string runs past the end");
	assert_bad("18446744073709551616:x", -EBADMSG, "string runs past the end");
	assert_bad("99999999999999999999999999999999:x", -EBADMSG, "string runs past the end");
	assert_bad("03:abc", -EBADMSG, "string length with a leading zero");
	assert_bad("1", -EBADMSG, "truncated message");
	assert_bad("3", -EBADMSG, "string runs past the end");
	assert_bad("1x", -EBADMSG, "malformed string length");
	assert_bad("3:abcd", -EBADMSG, "trailing bytes after the message");
}
END_TEST

START_TEST(dec_binary_string)
{
	static const uint8_t msg[] = { 'd', '1', ':', 'k', '3', ':', 0, 0xff, '\n', 'e' };
	const struct mr_bencode_node *v;

	mr_bencode_doc_init(&doc, nodes, MR_ARRAY_SIZE(nodes));
	ck_assert_int_eq(mr_bencode_decode_dict(&doc, msg, sizeof(msg), NULL), 0);
	v = mr_bencode_dict_get(&doc, mr_bencode_root(&doc), "k");
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(v->str.len, 3);
	ck_assert_uint_eq((uint8_t)v->str.p[1], 0xff);
}
END_TEST

START_TEST(dec_structure_errors)
{
	assert_bad("", -EBADMSG, "empty message");
	assert_bad("d", -EBADMSG, "truncated message");
	assert_bad("d3:foo", -EBADMSG, "truncated message");
	assert_bad("d3:fooe", -EBADMSG, "dictionary key without a value");
	assert_bad("di1e3:fooe", -EBADMSG, "dictionary key is not a string");
	assert_bad("dle3:fooe", -EBADMSG, "dictionary key is not a string");
	assert_bad("l", -EBADMSG, "truncated message");
	assert_bad("li1e", -EBADMSG, "truncated message");
	assert_bad("e", -EBADMSG, "unexpected byte");
	assert_bad("x", -EBADMSG, "unexpected byte");
	assert_bad("lxe", -EBADMSG, "unexpected byte");
	assert_bad("dee", -EBADMSG, "trailing bytes after the message");
	assert_bad("de ", -EBADMSG, "trailing bytes after the message");
	assert_bad("dede", -EBADMSG, "trailing bytes after the message");
}
END_TEST

START_TEST(dec_dict_root)
{
	const char *why = NULL;

	mr_bencode_doc_init(&doc, nodes, MR_ARRAY_SIZE(nodes));
	ck_assert_int_eq(mr_bencode_decode_dict(&doc, (const uint8_t *)"le", 2, &why), -EBADMSG);
	ck_assert_str_eq(why, "message is not a dictionary");
	ck_assert_ptr_null(mr_bencode_root(&doc));
	ck_assert_int_eq(mr_bencode_decode_dict(&doc, (const uint8_t *)"de", 2, &why), 0);
	ck_assert_uint_eq(mr_bencode_root(&doc)->count, 0);
	ck_assert_ptr_null(mr_bencode_first(&doc, mr_bencode_root(&doc)));
}
END_TEST

START_TEST(dec_depth)
{
	char buf[2 * (MR_BENCODE_MAX_DEPTH + 1) + 1];
	unsigned d;

	/* Exactly MR_BENCODE_MAX_DEPTH nested lists decode. */
	for (d = 0; d < MR_BENCODE_MAX_DEPTH; d++) {
		buf[d] = 'l';
		buf[MR_BENCODE_MAX_DEPTH + d] = 'e';
	}
	buf[2 * MR_BENCODE_MAX_DEPTH] = '\0';
	ck_assert_int_eq(dec(buf, NULL), 0);
	ck_assert_uint_eq(doc.n, MR_BENCODE_MAX_DEPTH);
	/* One more does not. */
	for (d = 0; d <= MR_BENCODE_MAX_DEPTH; d++) {
		buf[d] = 'l';
		buf[MR_BENCODE_MAX_DEPTH + 1 + d] = 'e';
	}
	buf[2 * (MR_BENCODE_MAX_DEPTH + 1)] = '\0';
	assert_bad(buf, -E2BIG, "nesting too deep");
}
END_TEST

START_TEST(dec_capacity)
{
	struct mr_bencode_node few[3];
	const char *why = NULL;

	mr_bencode_doc_init(&doc, few, 3);
	ck_assert_int_eq(mr_bencode_decode(&doc, (const uint8_t *)"li1ei2ee", 8, &why), 0);
	ck_assert_uint_eq(doc.n, 3);
	ck_assert_int_eq(mr_bencode_decode(&doc, (const uint8_t *)"li1ei2ei3ee", 11, &why), -E2BIG);
	ck_assert_str_eq(why, "too many elements");
	ck_assert_ptr_null(mr_bencode_root(&doc));
	mr_bencode_doc_init(&doc, NULL, 0);
	ck_assert_int_eq(mr_bencode_decode(&doc, (const uint8_t *)"de", 2, &why), -E2BIG);
}
END_TEST

START_TEST(lookup_keys)
{
	static const char msg[] =
		"d7:call id3:abc8:from_tag2:ft6:ICE-id1:x4:call3:dup7:call-id3:zzz"
		"4:port4:30005:ptimei20e3:neg3:-125:emptyl0:e4:huge20:99999999999999999999"
		"3:bad2:1x1:l2:lee";
	const struct mr_bencode_node *root, *v;
	struct mr_str s;
	int64_t n;

	ck_assert_int_eq(dec(msg, NULL), 0);
	root = mr_bencode_root(&doc);
	/* ' ', '-', '_' are one character; the first match wins. */
	ck_assert_int_eq(mr_bencode_dict_get_str(&doc, root, "call-id", &s), 0);
	ck_assert(mr_str_eq_cstr(s, "abc"));
	ck_assert_int_eq(mr_bencode_dict_get_str(&doc, root, "call_id", &s), 0);
	ck_assert(mr_str_eq_cstr(s, "abc"));
	ck_assert_int_eq(mr_bencode_dict_get_str(&doc, root, "from-tag", &s), 0);
	ck_assert(mr_str_eq_cstr(s, "ft"));
	/* Case matters. */
	ck_assert_ptr_null(mr_bencode_dict_get(&doc, root, "ice-id"));
	ck_assert_ptr_nonnull(mr_bencode_dict_get(&doc, root, "ICE id"));
	/* A prefix is not a match, nor is a longer key. */
	ck_assert_int_eq(mr_bencode_dict_get_str(&doc, root, "call", &s), 0);
	ck_assert(mr_str_eq_cstr(s, "dup"));
	ck_assert_ptr_null(mr_bencode_dict_get(&doc, root, "cal"));
	ck_assert_ptr_null(mr_bencode_dict_get(&doc, root, "call-id-x"));
	/* Numbers as integers or strings. */
	ck_assert_int_eq(mr_bencode_dict_get_int(&doc, root, "port", &n), 0);
	ck_assert_int_eq(n, 3000);
	ck_assert_int_eq(mr_bencode_dict_get_int(&doc, root, "ptime", &n), 0);
	ck_assert_int_eq(n, 20);
	ck_assert_int_eq(mr_bencode_dict_get_int(&doc, root, "neg", &n), 0);
	ck_assert_int_eq(n, -12);
	ck_assert_int_eq(mr_bencode_dict_get_int(&doc, root, "huge", &n), -ERANGE);
	ck_assert_int_eq(mr_bencode_dict_get_int(&doc, root, "bad", &n), -EINVAL);
	ck_assert_int_eq(mr_bencode_dict_get_int(&doc, root, "empty", &n), -EINVAL);
	ck_assert_int_eq(mr_bencode_dict_get_int(&doc, root, "nothing", &n), -ENOENT);
	ck_assert_int_eq(mr_bencode_dict_get_str(&doc, root, "ptime", &s), -EINVAL);
	/* A list holding an empty string; list membership ignores non-strings. */
	v = mr_bencode_dict_get(&doc, root, "empty");
	ck_assert(mr_bencode_list_has_str(&doc, v, ""));
	ck_assert(!mr_bencode_list_has_str(&doc, v, "x"));
	ck_assert(!mr_bencode_list_has_str(&doc, root, "abc"));
	v = mr_bencode_dict_get(&doc, root, "l");
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(v->type, MR_BENCODE_STRING);
	ck_assert(mr_str_eq_cstr(v->str, "le"));
	/* Lookups on non-dicts and NULL. */
	ck_assert_ptr_null(mr_bencode_dict_get(&doc, NULL, "x"));
	ck_assert_ptr_null(mr_bencode_dict_get(&doc, mr_bencode_dict_get(&doc, root, "empty"), "x"));
	ck_assert_int_eq(mr_bencode_node_int(NULL, &n), -EINVAL);
	ck_assert_int_eq(mr_bencode_node_str(NULL, &s), -EINVAL);
}
END_TEST

START_TEST(lookup_numbers)
{
	struct mr_bencode_node nd = { .type = MR_BENCODE_STRING };
	int64_t n;

	nd.str = mr_str_cstr("9223372036854775807");
	ck_assert_int_eq(mr_bencode_node_int(&nd, &n), 0);
	ck_assert(n == INT64_MAX);
	nd.str = mr_str_cstr("-9223372036854775808");
	ck_assert_int_eq(mr_bencode_node_int(&nd, &n), 0);
	ck_assert(n == INT64_MIN);
	nd.str = mr_str_cstr("9223372036854775808");
	ck_assert_int_eq(mr_bencode_node_int(&nd, &n), -ERANGE);
	nd.str = mr_str_cstr("-9223372036854775809");
	ck_assert_int_eq(mr_bencode_node_int(&nd, &n), -ERANGE);
	nd.str = mr_str_cstr("-0");
	ck_assert_int_eq(mr_bencode_node_int(&nd, &n), 0);
	ck_assert_int_eq(n, 0);
	nd.str = mr_str_cstr("-1");
	ck_assert_int_eq(mr_bencode_node_int(&nd, &n), 0);
	ck_assert_int_eq(n, -1);
	nd.str = mr_str_cstr("-");
	ck_assert_int_eq(mr_bencode_node_int(&nd, &n), -EINVAL);
	nd.str = mr_str_cstr(" 1");
	ck_assert_int_eq(mr_bencode_node_int(&nd, &n), -EINVAL);
	nd.str = mr_str_cstr("007");
	ck_assert_int_eq(mr_bencode_node_int(&nd, &n), 0);
	ck_assert_int_eq(n, 7);
	nd.type = MR_BENCODE_LIST;
	ck_assert_int_eq(mr_bencode_node_int(&nd, &n), -EINVAL);
}
END_TEST

/* Walk a nested document the way the control walks a query reply. */
START_TEST(iterate_nested)
{
	static const char msg[] = "d1:ad1:xi1e1:yl1:p1:qee1:bli1eli2ei3eedee1:c0:e";
	const struct mr_bencode_node *root, *k, *v, *it, *inner;
	char keys[8] = "";
	unsigned nk = 0, items = 0;

	ck_assert_int_eq(dec(msg, NULL), 0);
	root = mr_bencode_root(&doc);
	ck_assert_uint_eq(root->count, 3);
	MR_BENCODE_DICT_FOREACH(&doc, root, k, v) {
		ck_assert_uint_eq(k->type, MR_BENCODE_STRING);
		keys[nk++] = k->str.p[0];
	}
	ck_assert_str_eq(keys, "abc");
	v = mr_bencode_dict_get(&doc, root, "a");
	ck_assert_uint_eq(v->type, MR_BENCODE_DICT);
	ck_assert_uint_eq(v->count, 2);
	ck_assert_int_eq(mr_bencode_dict_get(&doc, v, "x")->num, 1);
	inner = mr_bencode_dict_get(&doc, v, "y");
	ck_assert(mr_bencode_list_has_str(&doc, inner, "q"));
	ck_assert_uint_eq(inner->raw.len, strlen("l1:p1:qe"));
	/* "b" = [1, [2, 3], {}]: siblings skip over nested children. */
	v = mr_bencode_dict_get(&doc, root, "b");
	MR_BENCODE_LIST_FOREACH(&doc, v, it)
		items++;
	ck_assert_uint_eq(items, 3);
	it = mr_bencode_first(&doc, v);
	ck_assert_int_eq(it->num, 1);
	it = mr_bencode_next(&doc, it);
	ck_assert_uint_eq(it->type, MR_BENCODE_LIST);
	ck_assert_uint_eq(it->count, 2);
	ck_assert_int_eq(mr_bencode_first(&doc, it)->num, 2);
	it = mr_bencode_next(&doc, it);
	ck_assert_uint_eq(it->type, MR_BENCODE_DICT);
	ck_assert_ptr_null(mr_bencode_first(&doc, it));
	ck_assert_ptr_null(mr_bencode_next(&doc, it));
	ck_assert_uint_eq(mr_bencode_dict_get(&doc, root, "c")->str.len, 0);
	ck_assert_ptr_null(mr_bencode_first(&doc, mr_bencode_dict_get(&doc, root, "c")));
	ck_assert_ptr_null(mr_bencode_next(&doc, NULL));
}
END_TEST

START_TEST(cookie_split)
{
	static const char ok[] = "5323_1 d7:command4:pinge";
	struct mr_str c, m;
	const char *why = NULL;

	ck_assert_int_eq(mr_bencode_cookie_split((const uint8_t *)ok, strlen(ok), &c, &m, NULL), 0);
	ck_assert(mr_str_eq_cstr(c, "5323_1"));
	ck_assert(mr_str_eq_cstr(m, "d7:command4:pinge"));
	/* Only the first space separates. */
	ck_assert_int_eq(mr_bencode_cookie_split((const uint8_t *)"a  de", 5, &c, &m, NULL), 0);
	ck_assert(mr_str_eq_cstr(c, "a"));
	ck_assert(mr_str_eq_cstr(m, " de"));
	ck_assert_int_eq(mr_bencode_cookie_split((const uint8_t *)"abc ", 4, &c, &m, NULL), 0);
	ck_assert_uint_eq(m.len, 0);
	ck_assert_int_eq(mr_bencode_cookie_split((const uint8_t *)"abcde", 5, &c, &m, &why),
			 -EBADMSG);
	ck_assert_str_eq(why, "no cookie");
	ck_assert_int_eq(mr_bencode_cookie_split((const uint8_t *)" de", 3, &c, &m, &why),
			 -EBADMSG);
	ck_assert_str_eq(why, "empty cookie");
	ck_assert_int_eq(mr_bencode_cookie_split((const uint8_t *)"", 0, &c, &m, &why), -EBADMSG);
	ck_assert_str_eq(why, "empty message");
	ck_assert_int_eq(mr_bencode_cookie_split(NULL, 3, &c, &m, &why), -EBADMSG);
}
END_TEST

/* A statistics-style reply: nested dicts and lists, then decoded back. */
static int build_reply(struct mr_bencode_enc *e)
{
	mr_bencode_enc_raw(e, "abc_1 ", 6);
	mr_bencode_enc_dict_start(e);
	mr_bencode_enc_kv_cstr(e, "result", "ok");
	mr_bencode_enc_key(e, "totals");
	mr_bencode_enc_dict_start(e);
	mr_bencode_enc_kv_int(e, "sessions", 12);
	mr_bencode_enc_kv_int(e, "min", INT64_MIN);
	mr_bencode_enc_kv_int(e, "max", INT64_MAX);
	mr_bencode_enc_key(e, "ports");
	mr_bencode_enc_list_start(e);
	mr_bencode_enc_int(e, 0);
	mr_bencode_enc_int(e, -7);
	mr_bencode_enc_list_start(e);
	mr_bencode_enc_end(e);
	mr_bencode_enc_dict_start(e);
	mr_bencode_enc_end(e);
	mr_bencode_enc_end(e);
	mr_bencode_enc_end(e);
	mr_bencode_enc_kv_str(e, "sdp", MR_STR_LIT("v=0\r\n"));
	mr_bencode_enc_key(e, "empty");
	mr_bencode_enc_str(e, MR_STR_NULL);
	return mr_bencode_enc_end(e);
}

static const char reply[] =
	"abc_1 d6:result2:ok6:totalsd8:sessionsi12e3:mini-9223372036854775808e"
	"3:maxi9223372036854775807e5:portsli0ei-7eledeee3:sdp5:v=0\r\n5:empty0:e";

START_TEST(encode_reply)
{
	uint8_t buf[512];
	struct mr_bencode_enc e;
	struct mr_str c, m;
	size_t n = 0;
	const struct mr_bencode_node *t;
	int64_t v;

	mr_bencode_enc_init(&e, buf, sizeof(buf));
	ck_assert_int_eq(build_reply(&e), 0);
	ck_assert_int_eq(mr_bencode_enc_finish(&e, &n), 0);
	ck_assert_uint_eq(n, strlen(reply));
	ck_assert_mem_eq(buf, reply, n);
	/* And it decodes to what was written. */
	ck_assert_int_eq(mr_bencode_cookie_split(buf, n, &c, &m, NULL), 0);
	mr_bencode_doc_init(&doc, nodes, MR_ARRAY_SIZE(nodes));
	ck_assert_int_eq(mr_bencode_decode_dict(&doc, (const uint8_t *)m.p, m.len, NULL), 0);
	t = mr_bencode_dict_get(&doc, mr_bencode_root(&doc), "totals");
	ck_assert_int_eq(mr_bencode_dict_get_int(&doc, t, "min", &v), 0);
	ck_assert(v == INT64_MIN);
	ck_assert_uint_eq(mr_bencode_dict_get(&doc, t, "ports")->count, 4);
}
END_TEST

/* Every short buffer: -ENOSPC, nothing written past the end. */
START_TEST(encode_nospace)
{
	uint8_t buf[512];
	size_t full = strlen(reply), n;

	for (size_t cap = 0; cap < full; cap++) {
		struct mr_bencode_enc e;

		memset(buf, 0x5a, sizeof(buf));
		mr_bencode_enc_init(&e, buf, cap);
		ck_assert_int_eq(build_reply(&e), -ENOSPC);
		n = 777;
		ck_assert_int_eq(mr_bencode_enc_finish(&e, &n), -ENOSPC);
		ck_assert_uint_eq(n, 777);
		ck_assert_uint_le(e.len, cap);
		for (size_t i = cap; i < sizeof(buf); i++)
			ck_assert_uint_eq(buf[i], 0x5a);
	}
}
END_TEST

START_TEST(encode_misuse)
{
	uint8_t buf[256];
	struct mr_bencode_enc e;
	size_t n;
	unsigned d;

	/* An integer where a key is due. */
	mr_bencode_enc_init(&e, buf, sizeof(buf));
	mr_bencode_enc_dict_start(&e);
	ck_assert_int_eq(mr_bencode_enc_int(&e, 1), -EINVAL);
	/* Sticky: later calls keep failing. */
	ck_assert_int_eq(mr_bencode_enc_cstr(&e, "x"), -EINVAL);
	ck_assert_int_eq(mr_bencode_enc_finish(&e, &n), -EINVAL);
	/* A list as a key. */
	mr_bencode_enc_init(&e, buf, sizeof(buf));
	mr_bencode_enc_dict_start(&e);
	ck_assert_int_eq(mr_bencode_enc_list_start(&e), -EINVAL);
	/* A key outside a dict, or twice in a row. */
	mr_bencode_enc_init(&e, buf, sizeof(buf));
	ck_assert_int_eq(mr_bencode_enc_key(&e, "k"), -EINVAL);
	mr_bencode_enc_init(&e, buf, sizeof(buf));
	mr_bencode_enc_list_start(&e);
	ck_assert_int_eq(mr_bencode_enc_key(&e, "k"), -EINVAL);
	mr_bencode_enc_init(&e, buf, sizeof(buf));
	mr_bencode_enc_dict_start(&e);
	mr_bencode_enc_key(&e, "k");
	ck_assert_int_eq(mr_bencode_enc_key(&e, "k"), -EINVAL);
	/* End with a key waiting for its value. */
	mr_bencode_enc_init(&e, buf, sizeof(buf));
	mr_bencode_enc_dict_start(&e);
	mr_bencode_enc_key(&e, "k");
	ck_assert_int_eq(mr_bencode_enc_end(&e), -EINVAL);
	/* End without a container; a second root; raw inside the root. */
	mr_bencode_enc_init(&e, buf, sizeof(buf));
	ck_assert_int_eq(mr_bencode_enc_end(&e), -EINVAL);
	mr_bencode_enc_init(&e, buf, sizeof(buf));
	mr_bencode_enc_int(&e, 1);
	ck_assert_int_eq(mr_bencode_enc_int(&e, 2), -EINVAL);
	mr_bencode_enc_init(&e, buf, sizeof(buf));
	mr_bencode_enc_list_start(&e);
	ck_assert_int_eq(mr_bencode_enc_raw(&e, "x", 1), -EINVAL);
	/* Unfinished or empty. */
	mr_bencode_enc_init(&e, buf, sizeof(buf));
	ck_assert_int_eq(mr_bencode_enc_finish(&e, &n), -EINVAL);
	mr_bencode_enc_init(&e, buf, sizeof(buf));
	mr_bencode_enc_list_start(&e);
	ck_assert_int_eq(mr_bencode_enc_finish(&e, &n), -EINVAL);
	/* NULL strings. */
	mr_bencode_enc_init(&e, buf, sizeof(buf));
	ck_assert_int_eq(mr_bencode_enc_cstr(&e, NULL), -EINVAL);
	mr_bencode_enc_init(&e, buf, sizeof(buf));
	ck_assert_int_eq(mr_bencode_enc_str(&e, mr_str_make(NULL, 3)), -EINVAL);
	/* Depth: MR_BENCODE_MAX_DEPTH containers, not one more. */
	mr_bencode_enc_init(&e, buf, sizeof(buf));
	for (d = 0; d < MR_BENCODE_MAX_DEPTH; d++)
		ck_assert_int_eq(mr_bencode_enc_list_start(&e), 0);
	ck_assert_int_eq(mr_bencode_enc_list_start(&e), -EINVAL);
	mr_bencode_enc_init(&e, buf, sizeof(buf));
	for (d = 0; d < MR_BENCODE_MAX_DEPTH; d++)
		mr_bencode_enc_list_start(&e);
	for (d = 0; d < MR_BENCODE_MAX_DEPTH; d++)
		ck_assert_int_eq(mr_bencode_enc_end(&e), 0);
	ck_assert_int_eq(mr_bencode_enc_finish(&e, &n), 0);
	ck_assert_uint_eq(n, 2 * MR_BENCODE_MAX_DEPTH);
	/* No buffer at all. */
	mr_bencode_enc_init(&e, NULL, 100);
	ck_assert_int_eq(mr_bencode_enc_dict_start(&e), -ENOSPC);
}
END_TEST

/* Decoded values copied into a reply verbatim. */
START_TEST(encode_node)
{
	static const char msg[] = "d3:sdp3:v=05:flagsl1:a1:be3:numi-5ee";
	uint8_t buf[128];
	struct mr_bencode_enc e;
	const struct mr_bencode_node *root;
	size_t n;

	ck_assert_int_eq(dec(msg, NULL), 0);
	root = mr_bencode_root(&doc);
	mr_bencode_enc_init(&e, buf, sizeof(buf));
	mr_bencode_enc_dict_start(&e);
	mr_bencode_enc_key(&e, "f");
	mr_bencode_enc_node(&e, mr_bencode_dict_get(&doc, root, "flags"));
	/* A string node may serve as a key. */
	mr_bencode_enc_node(&e, mr_bencode_first(&doc, root));
	mr_bencode_enc_node(&e, mr_bencode_dict_get(&doc, root, "num"));
	mr_bencode_enc_end(&e);
	ck_assert_int_eq(mr_bencode_enc_finish(&e, &n), 0);
	ck_assert_uint_eq(n, strlen("d1:fl1:a1:be3:sdpi-5ee"));
	ck_assert_mem_eq(buf, "d1:fl1:a1:be3:sdpi-5ee", n);
	/* A whole document as the root. */
	mr_bencode_enc_init(&e, buf, sizeof(buf));
	mr_bencode_enc_node(&e, root);
	ck_assert_int_eq(mr_bencode_enc_finish(&e, &n), 0);
	ck_assert_mem_eq(buf, msg, strlen(msg));
	/* An integer node cannot be a key. */
	mr_bencode_enc_init(&e, buf, sizeof(buf));
	mr_bencode_enc_dict_start(&e);
	ck_assert_int_eq(mr_bencode_enc_node(&e, mr_bencode_dict_get(&doc, root, "num")), -EINVAL);
	mr_bencode_enc_init(&e, buf, sizeof(buf));
	ck_assert_int_eq(mr_bencode_enc_node(&e, NULL), -EINVAL);
}
END_TEST

Suite *bencode_suite(void);
Suite *bencode_suite(void)
{
	Suite *s = suite_create("bencode");
	TCase *tc = tcase_create("decode");

	tcase_add_test(tc, dec_offer);
	tcase_add_test(tc, dec_ints);
	tcase_add_test(tc, dec_strings);
	tcase_add_test(tc, dec_binary_string);
	tcase_add_test(tc, dec_structure_errors);
	tcase_add_test(tc, dec_dict_root);
	tcase_add_test(tc, dec_depth);
	tcase_add_test(tc, dec_capacity);
	suite_add_tcase(s, tc);
	tc = tcase_create("lookup");
	tcase_add_test(tc, lookup_keys);
	tcase_add_test(tc, lookup_numbers);
	tcase_add_test(tc, iterate_nested);
	tcase_add_test(tc, cookie_split);
	suite_add_tcase(s, tc);
	tc = tcase_create("encode");
	tcase_add_test(tc, encode_reply);
	tcase_add_test(tc, encode_nospace);
	tcase_add_test(tc, encode_misuse);
	tcase_add_test(tc, encode_node);
	suite_add_tcase(s, tc);
	return s;
}

MR_CHECK_MAIN(bencode_suite)
