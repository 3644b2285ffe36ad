/* SPDX-License-Identifier: BSD-3-Clause */
/* Zero-copy string slices and small helpers shared by every module. */
#ifndef MR_STR_H
#define MR_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define MR_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif

/* A slice of somebody else's buffer: never NUL-terminated, never owned. */
struct mr_str {
	const char *p;
	size_t len;
};

#define MR_STR_NULL ((struct mr_str){ NULL, 0 })
#define MR_STR_LIT(s) ((struct mr_str){ (s), sizeof(s) - 1 })

static inline struct mr_str mr_str_make(const char *p, size_t len)
{
	return (struct mr_str){ p, len };
}

static inline struct mr_str mr_str_cstr(const char *s)
{
	return (struct mr_str){ s, s ? strlen(s) : 0 };
}

static inline bool mr_str_eq(struct mr_str a, struct mr_str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

static inline bool mr_str_eq_cstr(struct mr_str a, const char *s)
{
	return mr_str_eq(a, mr_str_cstr(s));
}

bool mr_str_eq_nocase(struct mr_str a, const char *s);
bool mr_str_has_prefix(struct mr_str a, const char *prefix);

/*
 * Parse an unsigned decimal number that fills the whole slice.
 * Returns 0, -EINVAL (empty, not a digit) or -ERANGE (above max).
 */
int mr_str_to_u64(struct mr_str s, uint64_t max, uint64_t *out);

/*
 * Copy into a NUL-terminated buffer. Returns 0 or -ENOSPC (nothing copied
 * beyond what fits; dst is still terminated when dst_size > 0).
 */
int mr_str_copy(struct mr_str s, char *dst, size_t dst_size);

/* Wipe memory in a way the compiler cannot elide (keys). */
void mr_memzero_explicit(void *p, size_t n);

#endif
