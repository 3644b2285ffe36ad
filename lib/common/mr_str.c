/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <strings.h>

#include "mr_str.h"

bool mr_str_eq_nocase(struct mr_str a, const char *s)
{
	size_t n = strlen(s);

	return a.len == n && (n == 0 || strncasecmp(a.p, s, n) == 0);
}

bool mr_str_has_prefix(struct mr_str a, const char *prefix)
{
	size_t n = strlen(prefix);

	return a.len >= n && memcmp(a.p, prefix, n) == 0;
}

int mr_str_to_u64(struct mr_str s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (s.len == 0)
		return -EINVAL;
	for (size_t i = 0; i < s.len; i++) {
		unsigned d;

		if (s.p[i] < '0' || s.p[i] > '9')
			return -EINVAL;
		d = (unsigned)(s.p[i] - '0');
		if (v > (max - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int mr_str_copy(struct mr_str s, char *dst, size_t dst_size)
{
	if (dst_size == 0)
		return -ENOSPC;
	if (s.len >= dst_size) {
		dst[0] = '\0';
		return -ENOSPC;
	}
	if (s.len)
		memcpy(dst, s.p, s.len);
	dst[s.len] = '\0';
	return 0;
}

void mr_memzero_explicit(void *p, size_t n)
{
	explicit_bzero(p, n);
}
