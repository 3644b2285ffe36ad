/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Bencode for rtpengine's ng protocol: "<cookie> <bencoded dict>" over UDP.
 * The decoder is iterative with a fixed depth bound, fills a caller array of
 * nodes, and points strings into the input (zero copy). The encoder writes
 * into a caller buffer and never overflows it.
 *
 * Error reasons (`why`) are static strings fit for an ng reply's
 * "error-reason"; `why` may be NULL.
 */
#ifndef MR_BENCODE_H
#define MR_BENCODE_H

#include "bencode/bencode-t.h"

/* Prepare a document over a caller array of cap nodes. */
void mr_bencode_doc_init(struct mr_bencode_doc *doc, struct mr_bencode_node *nodes,
			 uint32_t cap);

/*
 * Decode exactly one bencoded value filling buf[0..len). Integers must be
 * canonical ("i0e", "i-5e"; never "i-0e", "i03e", "ie") and fit int64;
 * string lengths must be canonical decimal and fit in the input; dict keys
 * must be strings; nothing may follow the root value. Key order and unique
 * keys are not enforced (ng clients do not sort).
 * Every value takes one node: a message of n bytes has at most n / 2 + 1
 * values; ng requests need a few dozen, so a few hundred nodes bound the work
 * an attacker can cause. On error doc->n is 0 (no root).
 * Returns 0, -EBADMSG (malformed, truncated, trailing bytes) or -E2BIG
 * (more than doc->cap nodes, or nesting deeper than MR_BENCODE_MAX_DEPTH).
 */
int mr_bencode_decode(struct mr_bencode_doc *doc, const uint8_t *buf, size_t len,
		      const char **why);

/*
 * As mr_bencode_decode(), and the root must be a dictionary (an ng
 * message). Returns 0, -EBADMSG or -E2BIG.
 */
int mr_bencode_decode_dict(struct mr_bencode_doc *doc, const uint8_t *buf, size_t len,
			   const char **why);

/* The root node, or NULL when nothing is decoded. */
static inline const struct mr_bencode_node *mr_bencode_root(const struct mr_bencode_doc *doc)
{
	return doc->n ? &doc->nodes[0] : NULL;
}

/*
 * First child of a dict (its first key) or list; NULL when empty, when n is
 * NULL or not a container.
 */
const struct mr_bencode_node *mr_bencode_first(const struct mr_bencode_doc *doc,
					       const struct mr_bencode_node *n);

/* Next sibling inside the same container, or NULL (n may be NULL). */
const struct mr_bencode_node *mr_bencode_next(const struct mr_bencode_doc *doc,
					      const struct mr_bencode_node *n);

/* Iterate a list's items (it: const struct mr_bencode_node *). */
#define MR_BENCODE_LIST_FOREACH(doc, list, it) \
	for ((it) = mr_bencode_first((doc), (list)); (it) != NULL; \
	     (it) = mr_bencode_next((doc), (it)))

/* Iterate a dict's pairs (key, val: const struct mr_bencode_node *). */
#define MR_BENCODE_DICT_FOREACH(doc, dict, key, val) \
	for ((key) = mr_bencode_first((doc), (dict)), \
	     (val) = mr_bencode_next((doc), (key)); \
	     (key) != NULL && (val) != NULL; \
	     (key) = mr_bencode_next((doc), (val)), \
	     (val) = mr_bencode_next((doc), (key)))

/*
 * ng key comparison: ' ', '-' and '_' are the same character ("call-id",
 * "call id" and "call_id" are one key); everything else is compared
 * byte for byte, case-sensitively.
 */
bool mr_bencode_key_eq(struct mr_str a, const char *key);

/*
 * Value of `key` in `dict` (matched with mr_bencode_key_eq; the first
 * match wins when a key repeats). NULL when absent or dict is not a dict.
 */
const struct mr_bencode_node *mr_bencode_dict_get(const struct mr_bencode_doc *doc,
						  const struct mr_bencode_node *dict,
						  const char *key);

/* A string node's bytes. Returns 0, or -EINVAL when n is NULL or not a string. */
int mr_bencode_node_str(const struct mr_bencode_node *n, struct mr_str *out);

/*
 * A node's integer value: an integer node, or a string holding an optional
 * '-' and decimal digits (ng clients send numbers both ways).
 * Returns 0, -EINVAL (NULL, other type, not a number) or -ERANGE (not int64).
 */
int mr_bencode_node_int(const struct mr_bencode_node *n, int64_t *out);

/* String value of `key`. Returns 0, -ENOENT (absent) or -EINVAL (not a string). */
int mr_bencode_dict_get_str(const struct mr_bencode_doc *doc,
			    const struct mr_bencode_node *dict, const char *key,
			    struct mr_str *out);

/*
 * Integer value of `key` (integer or numeric string).
 * Returns 0, -ENOENT, -EINVAL (not a number) or -ERANGE.
 */
int mr_bencode_dict_get_int(const struct mr_bencode_doc *doc,
			    const struct mr_bencode_node *dict, const char *key,
			    int64_t *out);

/*
 * True when `list` is a list holding a string equal to s under
 * mr_bencode_key_eq (the ng "flags" list: "trust-address" == "trust address").
 */
bool mr_bencode_list_has_str(const struct mr_bencode_doc *doc,
			     const struct mr_bencode_node *list, const char *s);

/*
 * Split an ng datagram "<cookie> <message>": the cookie is the bytes before
 * the first space (at least one), the message everything after that space.
 * Returns 0 or -EBADMSG (no space, empty cookie).
 */
int mr_bencode_cookie_split(const uint8_t *buf, size_t len, struct mr_str *cookie,
			    struct mr_str *msg, const char **why);

/* Start building into buf[0..cap). */
void mr_bencode_enc_init(struct mr_bencode_enc *e, uint8_t *buf, size_t cap);

/*
 * Each writer returns 0 or the encoder's sticky error: -ENOSPC when the
 * buffer is too small (nothing of that item is written), -EINVAL on misuse
 * (a non-string where a dict key is due, end without an open container, a
 * second root, nesting deeper than MR_BENCODE_MAX_DEPTH).
 */
int mr_bencode_enc_dict_start(struct mr_bencode_enc *e);
int mr_bencode_enc_list_start(struct mr_bencode_enc *e);
int mr_bencode_enc_end(struct mr_bencode_enc *e);
int mr_bencode_enc_str(struct mr_bencode_enc *e, struct mr_str s);
int mr_bencode_enc_cstr(struct mr_bencode_enc *e, const char *s);
int mr_bencode_enc_int(struct mr_bencode_enc *e, int64_t v);
/* A dict key (any string writer works as a key; this one reads better). */
int mr_bencode_enc_key(struct mr_bencode_enc *e, const char *key);
/* key + value pairs. */
int mr_bencode_enc_kv_str(struct mr_bencode_enc *e, const char *key, struct mr_str v);
int mr_bencode_enc_kv_cstr(struct mr_bencode_enc *e, const char *key, const char *v);
int mr_bencode_enc_kv_int(struct mr_bencode_enc *e, const char *key, int64_t v);

/*
 * Bytes copied as they are, outside the bencode structure: the "<cookie> "
 * prefix of a reply, before the root. -EINVAL once a root value is started.
 */
int mr_bencode_enc_raw(struct mr_bencode_enc *e, const void *p, size_t n);

/* Copy a decoded value verbatim (its raw encoding), as one value. */
int mr_bencode_enc_node(struct mr_bencode_enc *e, const struct mr_bencode_node *n);

/*
 * Check that exactly one root value is complete and no container is open;
 * store the number of bytes written. Returns 0, the sticky error, or
 * -EINVAL (unbalanced, dict key without value, nothing written).
 */
int mr_bencode_enc_finish(struct mr_bencode_enc *e, size_t *len);

#endif
