/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv4/IPv6 addresses as they travel in messages and config. */
#ifndef MR_ADDR_H
#define MR_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An IPv4 or IPv6 address, network byte order; IPv4 in addr[0..3], rest zero. */
struct mr_ip {
	uint8_t family;		/* 4, 6, or 0 = unset */
	uint8_t pad[3];
	uint8_t addr[16];
};

struct mr_sockaddr {
	struct mr_ip ip;
	uint16_t port;		/* host byte order; 0 = unset */
	uint16_t pad;
};

#define MR_IP_STRLEN 46		/* INET6_ADDRSTRLEN */
#define MR_SOCKADDR_STRLEN 56	/* "[v6]:port" */

/* Parse a literal IPv4 or IPv6 address. Returns 0 or -EINVAL. */
int mr_ip_parse(const char *s, struct mr_ip *out);
/* Same, from a slice of len bytes (not NUL-terminated). */
int mr_ip_parse_n(const char *s, size_t len, struct mr_ip *out);
/* "addr/prefix"; a missing prefix means a host address. Returns 0 or -EINVAL. */
int mr_ip_prefix_parse(const char *s, struct mr_ip *out, uint8_t *prefix);
/* "1.2.3.4:5", "[::1]:5". Returns 0 or -EINVAL (port 1..65535 required). */
int mr_sockaddr_parse(const char *s, struct mr_sockaddr *out);
/* Format into buf (at least MR_IP_STRLEN); returns buf. "-" when unset. */
char *mr_ip_format(const struct mr_ip *ip, char *buf, size_t len);
/* "1.2.3.4:5" or "[::1]:5" (at least MR_SOCKADDR_STRLEN). */
char *mr_sockaddr_format(const struct mr_sockaddr *sa, char *buf, size_t len);
bool mr_ip_eq(const struct mr_ip *a, const struct mr_ip *b);
bool mr_ip_is_unset(const struct mr_ip *ip);
/* True for 0.0.0.0 and :: (SDP hold). */
bool mr_ip_is_any(const struct mr_ip *ip);
/* True when both are in the same prefix. */
bool mr_ip_same_net(const struct mr_ip *a, const struct mr_ip *b, uint8_t prefix);

#endif
