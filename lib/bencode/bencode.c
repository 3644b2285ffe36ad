/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include "bencode/bencode.h"

static int fail(const char **why, const char *reason, int err)
{
	if (why)
		*why = reason;
	return err;
}

void mr_bencode_doc_init(struct mr_bencode_doc *doc, struct mr_bencode_node *nodes,
			 uint32_t cap)
{
	doc->nodes = nodes;
	doc->cap = nodes ? cap : 0;
	doc->n = 0;
}

static bool is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

/* -v for 1 <= v <= 2^63, without a conversion out of int64's range. */
static int64_t neg_i64(uint64_t v)
{
	return -(int64_t)(v - 1) - 1;
}

/*
 * Canonical integer between buf[*pos] (just after 'i') and its 'e'.
 * Magnitudes are accumulated unsigned with an explicit limit, so nothing
 * overflows; 2^63 is allowed only with a minus sign.
 */
static int parse_int(const uint8_t *buf, size_t len, size_t *pos, int64_t *out,
		     const char **why)
{
	size_t p = *pos;
	bool neg = false;
	uint64_t v = 0, limit = INT64_MAX;
	size_t ndig = 0;

	if (p < len && buf[p] == '-') {
		neg = true;
		limit = (uint64_t)INT64_MAX + 1;
		p++;
	}
	while (p < len && is_digit(buf[p])) {
		unsigned d = (unsigned)(buf[p] - '0');

		if (ndig == 1 && v == 0)
			return fail(why, "integer with a leading zero", -EBADMSG);
		if (v > (limit - d) / 10)
			return fail(why, "integer out of range", -EBADMSG);
		v = v * 10 + d;
		ndig++;
		p++;
	}
	if (p >= len)
		return fail(why, "truncated message", -EBADMSG);
	if (ndig == 0 || buf[p] != 'e')
		return fail(why, "malformed integer", -EBADMSG);
	if (neg && v == 0)
		return fail(why, "negative zero integer", -EBADMSG);
	*out = neg ? neg_i64(v) : (int64_t)v;
	*pos = p + 1;
	return 0;
}

/* "<len>:<bytes>" starting at a digit; the length never exceeds what is left. */
static int parse_str(const uint8_t *buf, size_t len, size_t *pos, struct mr_str *out,
		     const char **why)
{
	size_t p = *pos, n = 0, ndig = 0;

	while (p < len && is_digit(buf[p])) {
		if (ndig == 1 && n == 0)
			return fail(why, "string length with a leading zero", -EBADMSG);
		n = n * 10 + (size_t)(buf[p] - '0');
		/* Bounded by the input length, so n * 10 + 9 cannot wrap. */
		if (n > len)
			return fail(why, "string runs past the end", -EBADMSG);
		ndig++;
		p++;
	}
	if (p >= len)
		return fail(why, "truncated message", -EBADMSG);
	if (buf[p] != ':')
		return fail(why, "malformed string length", -EBADMSG);
	p++;
	if (n > len - p)
		return fail(why, "string runs past the end", -EBADMSG);
	*out = mr_str_make((const char *)buf + p, n);
	*pos = p + n;
	return 0;
}

struct frame {
	uint32_t node;		/* the container */
	uint32_t last;		/* its last child so far, 0 when none */
	uint32_t items;		/* children so far (keys and values for a dict) */
};

static int decode(struct mr_bencode_doc *doc, const uint8_t *buf, size_t len,
		  const char **why)
{
	struct frame stack[MR_BENCODE_MAX_DEPTH];
	unsigned depth = 0;
	size_t pos = 0;
	int rc;

	doc->n = 0;
	if (buf == NULL || len == 0)
		return fail(why, "empty message", -EBADMSG);
	if (doc->nodes == NULL || doc->cap == 0)
		return fail(why, "too many elements", -E2BIG);

	for (;;) {
		struct mr_bencode_node *nd;
		struct frame *top = depth ? &stack[depth - 1] : NULL;
		uint32_t idx;

		if (pos >= len)
			return fail(why, "truncated message", -EBADMSG);

		if (top && buf[pos] == 'e') {
			nd = &doc->nodes[top->node];
			if (nd->type == MR_BENCODE_DICT && (top->items & 1))
				return fail(why, "dictionary key without a value", -EBADMSG);
			nd->count = nd->type == MR_BENCODE_DICT ? top->items / 2 : top->items;
			pos++;
			nd->raw.len = (size_t)((const char *)buf + pos - nd->raw.p);
			depth--;
			if (depth == 0)
				break;
			continue;
		}

		if (top && doc->nodes[top->node].type == MR_BENCODE_DICT &&
		    !(top->items & 1) && !is_digit(buf[pos]))
			return fail(why, "dictionary key is not a string", -EBADMSG);
		if (doc->n >= doc->cap)
			return fail(why, "too many elements", -E2BIG);

		idx = doc->n++;
		nd = &doc->nodes[idx];
		memset(nd, 0, sizeof(*nd));
		nd->raw.p = (const char *)buf + pos;
		if (top) {
			if (top->last)
				doc->nodes[top->last].next = idx;
			top->last = idx;
			top->items++;
		}

		switch (buf[pos]) {
		case 'd':
		case 'l':
			if (depth >= MR_BENCODE_MAX_DEPTH)
				return fail(why, "nesting too deep", -E2BIG);
			nd->type = buf[pos] == 'd' ? MR_BENCODE_DICT : MR_BENCODE_LIST;
			stack[depth++] = (struct frame){ .node = idx };
			pos++;
			continue;
		case 'i':
			nd->type = MR_BENCODE_INT;
			pos++;
			rc = parse_int(buf, len, &pos, &nd->num, why);
			break;
		default:
			if (!is_digit(buf[pos]))
				return fail(why, "unexpected byte", -EBADMSG);
			nd->type = MR_BENCODE_STRING;
			rc = parse_str(buf, len, &pos, &nd->str, why);
			break;
		}
		if (rc < 0)
			return rc;
		nd->raw.len = (size_t)((const char *)buf + pos - nd->raw.p);
		if (depth == 0)
			break;
	}
	if (pos != len)
		return fail(why, "trailing bytes after the message", -EBADMSG);
	return 0;
}

int mr_bencode_decode(struct mr_bencode_doc *doc, const uint8_t *buf, size_t len,
		      const char **why)
{
	int rc = decode(doc, buf, len, why);

	/* A failed decode leaves no root behind. */
	if (rc < 0)
		doc->n = 0;
	return rc;
}

int mr_bencode_decode_dict(struct mr_bencode_doc *doc, const uint8_t *buf, size_t len,
			   const char **why)
{
	int rc = mr_bencode_decode(doc, buf, len, why);

	if (rc < 0)
		return rc;
	if (doc->nodes[0].type != MR_BENCODE_DICT) {
		doc->n = 0;
		return fail(why, "message is not a dictionary", -EBADMSG);
	}
	return 0;
}

const struct mr_bencode_node *mr_bencode_first(const struct mr_bencode_doc *doc,
					       const struct mr_bencode_node *n)
{
	if (n == NULL || n->count == 0 ||
	    (n->type != MR_BENCODE_DICT && n->type != MR_BENCODE_LIST))
		return NULL;
	/* A non-empty container's first child follows it in the array. */
	if ((size_t)(n - doc->nodes) + 1 >= doc->n)
		return NULL;
	return n + 1;
}

const struct mr_bencode_node *mr_bencode_next(const struct mr_bencode_doc *doc,
					      const struct mr_bencode_node *n)
{
	if (n == NULL || n->next == 0 || n->next >= doc->n)
		return NULL;
	return &doc->nodes[n->next];
}

static char fold(char c)
{
	return (c == ' ' || c == '_') ? '-' : c;
}

bool mr_bencode_key_eq(struct mr_str a, const char *key)
{
	size_t i;

	for (i = 0; i < a.len; i++) {
		if (key[i] == '\0' || fold(a.p[i]) != fold(key[i]))
			return false;
	}
	return key[i] == '\0';
}

const struct mr_bencode_node *mr_bencode_dict_get(const struct mr_bencode_doc *doc,
						  const struct mr_bencode_node *dict,
						  const char *key)
{
	const struct mr_bencode_node *k, *v;

	if (dict == NULL || dict->type != MR_BENCODE_DICT)
		return NULL;
	MR_BENCODE_DICT_FOREACH(doc, dict, k, v) {
		if (mr_bencode_key_eq(k->str, key))
			return v;
	}
	return NULL;
}

int mr_bencode_node_str(const struct mr_bencode_node *n, struct mr_str *out)
{
	if (n == NULL || n->type != MR_BENCODE_STRING)
		return -EINVAL;
	*out = n->str;
	return 0;
}

int mr_bencode_node_int(const struct mr_bencode_node *n, int64_t *out)
{
	struct mr_str s;
	bool neg = false;
	uint64_t v;
	int rc;

	if (n == NULL)
		return -EINVAL;
	if (n->type == MR_BENCODE_INT) {
		*out = n->num;
		return 0;
	}
	if (n->type != MR_BENCODE_STRING)
		return -EINVAL;
	s = n->str;
	if (s.len && s.p[0] == '-') {
		neg = true;
		s.p++;
		s.len--;
	}
	rc = mr_str_to_u64(s, neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, &v);
	if (rc < 0)
		return rc;
	/* "-0" is 0 here: a string, not a bencode integer. */
	*out = neg && v ? neg_i64(v) : (int64_t)v;
	return 0;
}

int mr_bencode_dict_get_str(const struct mr_bencode_doc *doc,
			    const struct mr_bencode_node *dict, const char *key,
			    struct mr_str *out)
{
	const struct mr_bencode_node *v = mr_bencode_dict_get(doc, dict, key);

	return v ? mr_bencode_node_str(v, out) : -ENOENT;
}

int mr_bencode_dict_get_int(const struct mr_bencode_doc *doc,
			    const struct mr_bencode_node *dict, const char *key,
			    int64_t *out)
{
	const struct mr_bencode_node *v = mr_bencode_dict_get(doc, dict, key);

	return v ? mr_bencode_node_int(v, out) : -ENOENT;
}

bool mr_bencode_list_has_str(const struct mr_bencode_doc *doc,
			     const struct mr_bencode_node *list, const char *s)
{
	const struct mr_bencode_node *it;

	if (list == NULL || list->type != MR_BENCODE_LIST)
		return false;
	MR_BENCODE_LIST_FOREACH(doc, list, it) {
		if (it->type == MR_BENCODE_STRING && mr_bencode_key_eq(it->str, s))
			return true;
	}
	return false;
}

int mr_bencode_cookie_split(const uint8_t *buf, size_t len, struct mr_str *cookie,
			    struct mr_str *msg, const char **why)
{
	const uint8_t *sp;

	if (buf == NULL || len == 0)
		return fail(why, "empty message", -EBADMSG);
	sp = memchr(buf, ' ', len);
	if (sp == NULL)
		return fail(why, "no cookie", -EBADMSG);
	if (sp == buf)
		return fail(why, "empty cookie", -EBADMSG);
	*cookie = mr_str_make((const char *)buf, (size_t)(sp - buf));
	*msg = mr_str_make((const char *)sp + 1, len - (size_t)(sp - buf) - 1);
	return 0;
}

/* Encoder. */

void mr_bencode_enc_init(struct mr_bencode_enc *e, uint8_t *buf, size_t cap)
{
	memset(e, 0, sizeof(*e));
	e->buf = buf;
	e->cap = buf ? cap : 0;
}

static int enc_fail(struct mr_bencode_enc *e, int err)
{
	e->err = err;
	return err;
}

/*
 * Check that a value of the given kind may come next and that `need` bytes
 * fit; on success account the value in the enclosing dict's key/value
 * alternation. Nothing is written here.
 */
static int enc_admit(struct mr_bencode_enc *e, bool is_str, size_t need)
{
	uint32_t bit;

	if (e->err)
		return e->err;
	if (e->depth == 0) {
		if (e->root_done)
			return enc_fail(e, -EINVAL);
	} else {
		bit = 1u << (e->depth - 1);
		if ((e->dict_mask & bit) && !(e->key_mask & bit) && !is_str)
			return enc_fail(e, -EINVAL);
	}
	if (need > e->cap - e->len)
		return enc_fail(e, -ENOSPC);
	if (e->depth) {
		bit = 1u << (e->depth - 1);
		if (e->dict_mask & bit)
			e->key_mask ^= bit;
	}
	return 0;
}

static void enc_put(struct mr_bencode_enc *e, const void *p, size_t n)
{
	if (n)
		memcpy(e->buf + e->len, p, n);
	e->len += n;
}

/* Decimal digits of v into tmp (from the end); returns the start. */
static char *fmt_u64(char tmp[24], uint64_t v)
{
	char *p = tmp + 24;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return p;
}

static int enc_container(struct mr_bencode_enc *e, bool dict)
{
	int rc;

	if (e->err)
		return e->err;
	if (e->depth >= MR_BENCODE_MAX_DEPTH)
		return enc_fail(e, -EINVAL);
	rc = enc_admit(e, false, 1);
	if (rc < 0)
		return rc;
	enc_put(e, dict ? "d" : "l", 1);
	e->depth++;
	if (dict)
		e->dict_mask |= 1u << (e->depth - 1);
	else
		e->dict_mask &= ~(1u << (e->depth - 1));
	e->key_mask &= ~(1u << (e->depth - 1));
	return 0;
}

int mr_bencode_enc_dict_start(struct mr_bencode_enc *e)
{
	return enc_container(e, true);
}

int mr_bencode_enc_list_start(struct mr_bencode_enc *e)
{
	return enc_container(e, false);
}

int mr_bencode_enc_end(struct mr_bencode_enc *e)
{
	uint32_t bit;

	if (e->err)
		return e->err;
	if (e->depth == 0)
		return enc_fail(e, -EINVAL);
	bit = 1u << (e->depth - 1);
	if (e->key_mask & bit)
		return enc_fail(e, -EINVAL);
	if (e->cap - e->len < 1)
		return enc_fail(e, -ENOSPC);
	enc_put(e, "e", 1);
	e->depth--;
	if (e->depth == 0)
		e->root_done = true;
	return 0;
}

int mr_bencode_enc_str(struct mr_bencode_enc *e, struct mr_str s)
{
	char tmp[24], *d = fmt_u64(tmp, s.len);
	size_t nd = (size_t)(tmp + sizeof(tmp) - d);
	int rc;

	if (s.len && s.p == NULL)
		return enc_fail(e, e->err ? e->err : -EINVAL);
	/* nd + 1 + s.len cannot wrap: s.len describes memory that exists. */
	if (s.len > SIZE_MAX - 32)
		return enc_fail(e, e->err ? e->err : -ENOSPC);
	rc = enc_admit(e, true, nd + 1 + s.len);
	if (rc < 0)
		return rc;
	enc_put(e, d, nd);
	enc_put(e, ":", 1);
	enc_put(e, s.p, s.len);
	if (e->depth == 0)
		e->root_done = true;
	return 0;
}

int mr_bencode_enc_cstr(struct mr_bencode_enc *e, const char *s)
{
	if (s == NULL)
		return enc_fail(e, e->err ? e->err : -EINVAL);
	return mr_bencode_enc_str(e, mr_str_cstr(s));
}

int mr_bencode_enc_key(struct mr_bencode_enc *e, const char *key)
{
	uint32_t bit;

	if (e->err)
		return e->err;
	/* A key is only a key where the enclosing dict expects one. */
	bit = e->depth ? 1u << (e->depth - 1) : 0;
	if (!bit || !(e->dict_mask & bit) || (e->key_mask & bit))
		return enc_fail(e, -EINVAL);
	return mr_bencode_enc_cstr(e, key);
}

int mr_bencode_enc_int(struct mr_bencode_enc *e, int64_t v)
{
	char tmp[24], *d;
	uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	size_t nd;
	int rc;

	d = fmt_u64(tmp, mag);
	if (v < 0)
		*--d = '-';
	nd = (size_t)(tmp + sizeof(tmp) - d);
	rc = enc_admit(e, false, nd + 2);
	if (rc < 0)
		return rc;
	enc_put(e, "i", 1);
	enc_put(e, d, nd);
	enc_put(e, "e", 1);
	if (e->depth == 0)
		e->root_done = true;
	return 0;
}

int mr_bencode_enc_kv_str(struct mr_bencode_enc *e, const char *key, struct mr_str v)
{
	int rc = mr_bencode_enc_key(e, key);

	return rc < 0 ? rc : mr_bencode_enc_str(e, v);
}

int mr_bencode_enc_kv_cstr(struct mr_bencode_enc *e, const char *key, const char *v)
{
	if (v == NULL)
		return enc_fail(e, e->err ? e->err : -EINVAL);
	return mr_bencode_enc_kv_str(e, key, mr_str_cstr(v));
}

int mr_bencode_enc_kv_int(struct mr_bencode_enc *e, const char *key, int64_t v)
{
	int rc = mr_bencode_enc_key(e, key);

	return rc < 0 ? rc : mr_bencode_enc_int(e, v);
}

int mr_bencode_enc_raw(struct mr_bencode_enc *e, const void *p, size_t n)
{
	if (e->err)
		return e->err;
	if (e->depth || e->root_done || (n && p == NULL))
		return enc_fail(e, -EINVAL);
	if (n > e->cap - e->len)
		return enc_fail(e, -ENOSPC);
	enc_put(e, p, n);
	return 0;
}

int mr_bencode_enc_node(struct mr_bencode_enc *e, const struct mr_bencode_node *n)
{
	int rc;

	if (e->err)
		return e->err;
	if (n == NULL || n->type == MR_BENCODE_NONE || (n->raw.len && n->raw.p == NULL))
		return enc_fail(e, -EINVAL);
	rc = enc_admit(e, n->type == MR_BENCODE_STRING, n->raw.len);
	if (rc < 0)
		return rc;
	enc_put(e, n->raw.p, n->raw.len);
	if (e->depth == 0)
		e->root_done = true;
	return 0;
}

int mr_bencode_enc_finish(struct mr_bencode_enc *e, size_t *len)
{
	if (e->err)
		return e->err;
	if (e->depth || !e->root_done)
		return enc_fail(e, -EINVAL);
	if (len)
		*len = e->len;
	return 0;
}
