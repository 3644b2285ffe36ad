/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-interface allocator of RTP/RTCP port pairs (even RTP port, RTCP = +1)
 * over every address of the interface: one shuffled FIFO of pairs per
 * address, and a round-robin cursor per family that picks the address of a
 * new call's side, skipping addresses without enough free pairs (as
 * rtpengine does across the interfaces that share a base name).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

/* splitmix64: spreads the seed; the order only needs to be unpredictable-ish. */
static uint64_t mix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void shuffle(uint32_t *v, uint32_t n, uint64_t *seed)
{
	/* Fisher-Yates: the first port and the order are random per start. */
	for (uint32_t i = n ? n - 1 : 0; i > 0; i--) {
		uint32_t j = (uint32_t)(mix(seed) % (i + 1u));
		uint32_t t = v[i];

		v[i] = v[j];
		v[j] = t;
	}
}

static int pairs_init(struct ctl_pairs *a, uint32_t n, uint64_t *seed)
{
	a->head = 0;
	a->fifo = malloc(sizeof(*a->fifo) * n);
	a->used = calloc(n, 1);
	if (a->fifo == NULL || a->used == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++)
		a->fifo[i] = i;
	shuffle(a->fifo, n, seed);
	a->count = n;
	return 0;
}

int ctl_ports_init(struct ctl_ports *p, uint16_t min, uint16_t max, unsigned n4, unsigned n6,
		   uint64_t seed)
{
	uint32_t first = (min + 1u) & ~1u;
	unsigned na[2] = { n4, n6 };

	memset(p, 0, sizeof(*p));
	if (min == 0 || max < min || first + 1u > max || n4 + n6 == 0 ||
	    n4 > MR_CFG_MAX_ADDRS || n6 > MR_CFG_MAX_ADDRS)
		return -EINVAL;
	p->first = (uint16_t)first;
	p->pairs = (max - first + 1u) / 2u;
	for (unsigned f = 0; f < 2; f++) {
		if (na[f] == 0)
			continue;
		p->addrs[f] = calloc(na[f], sizeof(*p->addrs[f]));
		if (p->addrs[f] == NULL) {
			ctl_ports_fini(p);
			return -ENOMEM;
		}
		p->n_addrs[f] = (uint16_t)na[f];
		for (unsigned i = 0; i < na[f]; i++) {
			if (pairs_init(&p->addrs[f][i], p->pairs, &seed) < 0) {
				ctl_ports_fini(p);
				return -ENOMEM;
			}
		}
		/* Start the round robin somewhere random too. */
		p->rr[f] = (uint16_t)(mix(&seed) % na[f]);
	}
	p->n = p->count = p->pairs * (n4 + n6);
	return 0;
}

void ctl_ports_fini(struct ctl_ports *p)
{
	for (unsigned f = 0; f < 2; f++) {
		for (unsigned i = 0; p->addrs[f] && i < p->n_addrs[f]; i++) {
			free(p->addrs[f][i].fifo);
			free(p->addrs[f][i].used);
		}
		free(p->addrs[f]);
		p->addrs[f] = NULL;
		p->n_addrs[f] = 0;
	}
	p->n = p->count = 0;
}

static struct ctl_pairs *pairs_of(struct ctl_ports *p, uint8_t af, unsigned addr)
{
	unsigned f = af == 6;

	if ((af != 4 && af != 6) || addr >= p->n_addrs[f])
		return NULL;
	return &p->addrs[f][addr];
}

static int pair_of(const struct ctl_ports *p, uint16_t port, uint32_t *pair)
{
	if (port < p->first || (port - p->first) & 1u)
		return -EINVAL;
	*pair = (uint32_t)(port - p->first) / 2u;
	return *pair < p->pairs ? 0 : -EINVAL;
}

int ctl_ports_alloc(struct ctl_ports *p, uint8_t af, int addr, unsigned need,
		    uint16_t *addr_out, uint16_t *port)
{
	unsigned f = af == 6, n, pick;
	struct ctl_pairs *a;
	uint32_t pair;

	if (af != 4 && af != 6)
		return -EAFNOSUPPORT;
	n = p->n_addrs[f];
	if (n == 0)
		return -EAFNOSUPPORT;
	if (addr >= 0) {
		if ((unsigned)addr >= n)
			return -EINVAL;
		pick = (unsigned)addr;
	} else {
		/* The next address in turn with room for the whole side; else
		 * the next with any room at all. */
		if (need == 0)
			need = 1;
		pick = n;
		for (unsigned pass = 0; pass < 2 && pick == n; pass++)
			for (unsigned k = 0; k < n; k++) {
				unsigned i = (p->rr[f] + k) % n;

				if (p->addrs[f][i].count >= (pass ? 1u : need)) {
					pick = i;
					break;
				}
			}
		if (pick == n)
			return -ENOSPC;
		p->rr[f] = (uint16_t)((pick + 1) % n);
	}
	a = &p->addrs[f][pick];
	if (a->count == 0)
		return -ENOSPC;
	pair = a->fifo[a->head];
	a->head = a->head + 1 == p->pairs ? 0 : a->head + 1;
	a->count--;
	p->count--;
	a->used[pair] = 1;
	*addr_out = (uint16_t)pick;
	*port = (uint16_t)(p->first + pair * 2u);
	return 0;
}

int ctl_ports_free(struct ctl_ports *p, uint8_t af, unsigned addr, uint16_t port)
{
	struct ctl_pairs *a = pairs_of(p, af, addr);
	uint32_t pair, tail;

	if (a == NULL || pair_of(p, port, &pair) < 0 || !a->used[pair])
		return -EINVAL;
	a->used[pair] = 0;
	tail = a->head + a->count;
	if (tail >= p->pairs)
		tail -= p->pairs;
	a->fifo[tail] = pair;
	a->count++;
	p->count++;
	return 0;
}

int ctl_ports_take(struct ctl_ports *p, uint8_t af, unsigned addr, uint16_t port)
{
	struct ctl_pairs *a = pairs_of(p, af, addr);
	uint32_t pair;

	if (a == NULL || pair_of(p, port, &pair) < 0 || a->used[pair])
		return -EINVAL;
	a->used[pair] = 1;
	return 0;
}

void ctl_ports_untake(struct ctl_ports *p, uint8_t af, unsigned addr, uint16_t port)
{
	struct ctl_pairs *a = pairs_of(p, af, addr);
	uint32_t pair;

	if (a && pair_of(p, port, &pair) == 0)
		a->used[pair] = 0;
}

void ctl_ports_rebuild(struct ctl_ports *p, uint64_t seed)
{
	p->count = 0;
	for (unsigned f = 0; f < 2; f++)
		for (unsigned i = 0; i < p->n_addrs[f]; i++) {
			struct ctl_pairs *a = &p->addrs[f][i];
			uint32_t n = 0;

			for (uint32_t k = 0; k < p->pairs; k++)
				if (!a->used[k])
					a->fifo[n++] = k;
			shuffle(a->fifo, n, &seed);
			a->head = 0;
			a->count = n;
			p->count += n;
		}
}

int ctl_ports_addr_index(const struct mr_cfg_iface *ifc, const struct mr_ip *ip)
{
	const struct mr_ip *list = ip->family == 6 ? ifc->addrs6 : ifc->addrs4;
	unsigned n = ip->family == 6 ? ifc->n_addrs6 : ifc->n_addrs4;

	for (unsigned i = 0; i < n; i++)
		if (mr_ip_eq(&list[i], ip))
			return (int)i;
	return -ENOENT;
}
