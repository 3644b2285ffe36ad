/* SPDX-License-Identifier: BSD-3-Clause */
/* Is an address one of an interface's own? (packet path, neigh.c, cmdq.c) */
#ifndef DP_IFACE_H
#define DP_IFACE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "iface-t.h"

/*
 * True when a (4 bytes, network byte order) is one of ifc's IPv4 addresses.
 * The first address costs one compare; the others a binary search of the
 * sorted list (8 steps at 256 addresses).
 */
static inline bool dp_iface_has4(const struct dp_iface *ifc, const uint8_t *a)
{
	uint32_t x;
	unsigned lo = 0, hi = ifc->n_addrs4;

	if (ifc->addr4.family != 4)
		return false;
	if (memcmp(a, ifc->addr4.addr, 4) == 0)
		return true;
	if (hi <= 1)
		return false;
	x = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (ifc->addrs4[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ifc->n_addrs4 && ifc->addrs4[lo] == x;
}

/* The same for IPv6 (a: 16 bytes); the link-local address is not in it. */
static inline bool dp_iface_has6(const struct dp_iface *ifc, const uint8_t *a)
{
	unsigned lo = 0, hi = ifc->n_addrs6;

	if (ifc->addr6.family != 6)
		return false;
	if (memcmp(a, ifc->addr6.addr, 16) == 0)
		return true;
	if (hi <= 1)
		return false;
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (memcmp(ifc->addrs6[mid], a, 16) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ifc->n_addrs6 && memcmp(ifc->addrs6[lo], a, 16) == 0;
}

#endif
