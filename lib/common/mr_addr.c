/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mr_addr.h"

int mr_ip_parse_n(const char *s, size_t len, struct mr_ip *out)
{
	char buf[MR_IP_STRLEN];

	if (s == NULL || len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, buf, out->addr) == 1) {
		out->family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, out->addr) == 1) {
		out->family = 6;
		return 0;
	}
	memset(out, 0, sizeof(*out));
	return -EINVAL;
}

int mr_ip_parse(const char *s, struct mr_ip *out)
{
	return mr_ip_parse_n(s, s ? strlen(s) : 0, out);
}

int mr_ip_prefix_parse(const char *s, struct mr_ip *out, uint8_t *prefix)
{
	const char *slash = strchr(s, '/');
	unsigned long p;
	char *end;
	int rc;

	if (slash == NULL) {
		rc = mr_ip_parse(s, out);
		if (rc == 0)
			*prefix = out->family == 4 ? 32 : 128;
		return rc;
	}
	rc = mr_ip_parse_n(s, (size_t)(slash - s), out);
	if (rc)
		return rc;
	if (slash[1] < '0' || slash[1] > '9')
		return -EINVAL;
	errno = 0;
	p = strtoul(slash + 1, &end, 10);
	if (errno || *end || p > (out->family == 4 ? 32u : 128u))
		return -EINVAL;
	*prefix = (uint8_t)p;
	return 0;
}

int mr_sockaddr_parse(const char *s, struct mr_sockaddr *out)
{
	const char *colon;
	const char *host;
	size_t hlen;
	unsigned long port;
	char *end;

	memset(out, 0, sizeof(*out));
	if (s == NULL)
		return -EINVAL;
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (rb == NULL || rb[1] != ':')
			return -EINVAL;
		host = s + 1;
		hlen = (size_t)(rb - host);
		colon = rb + 1;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL || memchr(s, ':', (size_t)(colon - s)))
			return -EINVAL;
		host = s;
		hlen = (size_t)(colon - s);
	}
	if (mr_ip_parse_n(host, hlen, &out->ip))
		return -EINVAL;
	if (colon[1] < '0' || colon[1] > '9')
		return -EINVAL;
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || *end || port == 0 || port > 65535)
		return -EINVAL;
	out->port = (uint16_t)port;
	return 0;
}

char *mr_ip_format(const struct mr_ip *ip, char *buf, size_t len)
{
	if (ip->family == 4)
		inet_ntop(AF_INET, ip->addr, buf, (socklen_t)len);
	else if (ip->family == 6)
		inet_ntop(AF_INET6, ip->addr, buf, (socklen_t)len);
	else
		snprintf(buf, len, "-");
	return buf;
}

char *mr_sockaddr_format(const struct mr_sockaddr *sa, char *buf, size_t len)
{
	char ip[MR_IP_STRLEN];

	mr_ip_format(&sa->ip, ip, sizeof(ip));
	if (sa->ip.family == 6)
		snprintf(buf, len, "[%s]:%u", ip, sa->port);
	else
		snprintf(buf, len, "%s:%u", ip, sa->port);
	return buf;
}

bool mr_ip_eq(const struct mr_ip *a, const struct mr_ip *b)
{
	return a->family == b->family && memcmp(a->addr, b->addr, 16) == 0;
}

bool mr_ip_is_unset(const struct mr_ip *ip)
{
	return ip->family == 0;
}

bool mr_ip_is_any(const struct mr_ip *ip)
{
	static const uint8_t zero[16];

	return ip->family != 0 && memcmp(ip->addr, zero, 16) == 0;
}

bool mr_ip_same_net(const struct mr_ip *a, const struct mr_ip *b, uint8_t prefix)
{
	unsigned full = prefix / 8, rest = prefix % 8;

	if (a->family != b->family || prefix > (a->family == 4 ? 32 : 128))
		return false;
	if (memcmp(a->addr, b->addr, full) != 0)
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));

		return (a->addr[full] & mask) == (b->addr[full] & mask);
	}
	return true;
}
