/* SPDX-License-Identifier: BSD-3-Clause */
/* Per-interface allocator of RTP/RTCP port pairs (even RTP port, RTCP = +1). */
#include <errno.h>
#include <stdlib.h>

#include "ctl.h"

/* splitmix64: spreads the seed; the order only needs to be unpredictable-ish. */
static uint64_t mix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

int ctl_ports_init(struct ctl_ports *p, uint16_t min, uint16_t max, uint64_t seed)
{
	uint32_t first = (min + 1u) & ~1u;

	p->fifo = NULL;
	p->used = NULL;
	p->n = p->count = p->head = 0;
	if (min == 0 || max < min || first + 1u > max)
		return -EINVAL;
	p->first = (uint16_t)first;
	p->n = (max - first + 1u) / 2u;
	p->fifo = malloc(sizeof(*p->fifo) * p->n);
	p->used = calloc(p->n, 1);
	if (p->fifo == NULL || p->used == NULL) {
		ctl_ports_fini(p);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < p->n; i++)
		p->fifo[i] = i;
	/* Fisher-Yates: the first port and the order are random per start. */
	for (uint32_t i = p->n - 1; i > 0; i--) {
		uint32_t j = (uint32_t)(mix(&seed) % (i + 1u));
		uint32_t t = p->fifo[i];

		p->fifo[i] = p->fifo[j];
		p->fifo[j] = t;
	}
	p->count = p->n;
	return 0;
}

void ctl_ports_fini(struct ctl_ports *p)
{
	free(p->fifo);
	free(p->used);
	p->fifo = NULL;
	p->used = NULL;
	p->n = p->count = 0;
}

int ctl_ports_alloc(struct ctl_ports *p, uint16_t *port)
{
	uint32_t pair;

	if (p->count == 0)
		return -ENOSPC;
	pair = p->fifo[p->head];
	p->head = p->head + 1 == p->n ? 0 : p->head + 1;
	p->count--;
	p->used[pair] = 1;
	*port = (uint16_t)(p->first + pair * 2u);
	return 0;
}

int ctl_ports_free(struct ctl_ports *p, uint16_t port)
{
	uint32_t pair, tail;

	if (port < p->first || (port - p->first) & 1u)
		return -EINVAL;
	pair = (uint32_t)(port - p->first) / 2u;
	if (pair >= p->n || !p->used[pair])
		return -EINVAL;
	p->used[pair] = 0;
	tail = p->head + p->count;
	if (tail >= p->n)
		tail -= p->n;
	p->fifo[tail] = pair;
	p->count++;
	return 0;
}

int ctl_ports_take(struct ctl_ports *p, uint16_t port)
{
	uint32_t pair;

	if (port < p->first || (port - p->first) & 1u)
		return -EINVAL;
	pair = (uint32_t)(port - p->first) / 2u;
	if (pair >= p->n || p->used[pair])
		return -EINVAL;
	p->used[pair] = 1;
	return 0;
}

void ctl_ports_untake(struct ctl_ports *p, uint16_t port)
{
	uint32_t pair = (uint32_t)(port - p->first) / 2u;

	if (port >= p->first && pair < p->n)
		p->used[pair] = 0;
}

void ctl_ports_rebuild(struct ctl_ports *p, uint64_t seed)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < p->n; i++)
		if (!p->used[i])
			p->fifo[n++] = i;
	for (uint32_t i = n ? n - 1 : 0; i > 0; i--) {
		uint32_t j = (uint32_t)(mix(&seed) % (i + 1u));
		uint32_t t = p->fifo[i];

		p->fifo[i] = p->fifo[j];
		p->fifo[j] = t;
	}
	p->head = 0;
	p->count = n;
}
