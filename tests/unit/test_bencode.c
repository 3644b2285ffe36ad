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
	mr_bencode_doc_init(&doc, NULL, 0);
	ck_assert_int_eq(mr_bencode_decode(&doc, (const uint8_t *)"de", 2, &why), -E2BIG);
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
	return s;
}

MR_CHECK_MAIN(bencode_suite)
