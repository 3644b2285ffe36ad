/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "config/config.h"

struct parse_ctx {
	struct mr_config *cfg;
	char *err;
	size_t errlen;
	const char *where;
	bool file_ifaces;	/* the file named an interface: drop the built-in one */
	int line;
	int rc;
	int media_line;		/* where media-lcores was set (checked against workers at the end) */
};

void mr_config_defaults(struct mr_config *cfg)
{
	struct mr_cfg_iface *ifc;

	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->dp.instance, sizeof(cfg->dp.instance), "default");
	cfg->dp.workers = 1;
	cfg->dp.flows = 131072;
	cfg->dp.learn_window_ms = 10000;
	cfg->dp.idle_report_s = 30;
	cfg->dp.transcoders = 256;
	cfg->dp.media_ring = 4096;
	cfg->dp.ttl = 64;

	mr_sockaddr_parse("127.0.0.1:2223", &cfg->ctl.listen_ng);
	mr_sockaddr_parse("127.0.0.1:9103", &cfg->ctl.metrics);
	cfg->ctl.port_min = 30000;
	cfg->ctl.port_max = 39999;
	cfg->ctl.timeout_s = 60;
	cfg->ctl.silent_timeout_s = 3600;
	cfg->ctl.ack_timeout_ms = 500;

	ifc = &cfg->ifaces[0];
	snprintf(ifc->name, sizeof(ifc->name), "media");
	snprintf(ifc->device, sizeof(ifc->device), "net_tap0,iface=mr-media0");
	mr_ip_prefix_parse("198.18.0.1/24", &ifc->addr4, &ifc->prefix4);
	ifc->addrs4[0] = ifc->addr4;
	ifc->n_addrs4 = 1;
	cfg->n_ifaces = 1;
}

static int fail(struct parse_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct parse_ctx *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->line > 0)
		snprintf(c->err, c->errlen, "%s:%d: %s", c->where, c->line, msg);
	else
		snprintf(c->err, c->errlen, "%s: %s", c->where, msg);
	c->rc = -EINVAL;
	return 0;	/* stop inih */
}

static int parse_u32(const char *v, uint32_t min, uint32_t max, uint32_t *out)
{
	unsigned long long x;
	char *end;

	if (v[0] < '0' || v[0] > '9')
		return -EINVAL;
	errno = 0;
	x = strtoull(v, &end, 10);
	if (errno || *end || x < min || x > max)
		return -EINVAL;
	*out = (uint32_t)x;
	return 0;
}

static bool key_is(const char *name, const char *want)
{
	/* rtpengine spells keys with hyphens; accept underscores too. */
	for (; *name && *want; name++, want++) {
		char a = *name == '_' ? '-' : *name;

		if (a != *want)
			return false;
	}
	return *name == '\0' && *want == '\0';
}

#define U32(v, lo, hi, dst) do { \
	uint32_t t_; \
	if (parse_u32(v, lo, hi, &t_)) \
		return fail(c, "%s: expected a whole number from %u to %u, got '%s'", name, (unsigned)(lo), (unsigned)(hi), v); \
	dst = t_; \
} while (0)

static int set_copy(struct parse_ctx *c, const char *name, const char *v, char *dst, size_t len)
{
	if (strlen(v) >= len)
		return fail(c, "%s: value too long ('%s')", name, v);
	snprintf(dst, len, "%s", v);
	return 1;
}

static int dataplane_key(struct parse_ctx *c, const char *name, const char *v)
{
	struct mr_cfg_dataplane *d = &c->cfg->dp;

	if (key_is(name, "instance"))
		return set_copy(c, name, v, d->instance, sizeof(d->instance));
	if (key_is(name, "eal"))
		return set_copy(c, name, v, d->eal, sizeof(d->eal));
	if (key_is(name, "workers"))
		U32(v, 0, 15, d->workers);
	else if (key_is(name, "flows"))
		U32(v, 1024, 16777216, d->flows);
	else if (key_is(name, "mbufs"))
		U32(v, 0, 16777216, d->mbufs);
	else if (key_is(name, "learn-window"))
		U32(v, 0, 3600000, d->learn_window_ms);
	else if (key_is(name, "idle-report"))
		U32(v, 1, 86400, d->idle_report_s);
	else if (key_is(name, "ttl"))
		U32(v, 1, 255, d->ttl);
	else if (key_is(name, "transcoders"))
		U32(v, 0, 1048576, d->transcoders);
	else if (key_is(name, "media-lcores")) {
		U32(v, 0, 14, d->media_lcores);
		c->media_line = c->line;
	} else if (key_is(name, "media-ring")) {
		U32(v, 2, 65536, d->media_ring);
		if (d->media_ring & (d->media_ring - 1))
			return fail(c, "%s: expected a power of two from 2 to 65536, got '%s'", name, v);
	} else
		return fail(c, "unknown key '%s' in [dataplane]", name);
	return 1;
}

static int sockaddr_key(struct parse_ctx *c, const char *name, const char *v,
			struct mr_sockaddr *dst)
{
	if (mr_sockaddr_parse(v, dst))
		return fail(c, "%s: expected ADDRESS:PORT or [ADDRESS6]:PORT, got '%s'", name, v);
	return 1;
}

static int control_key(struct parse_ctx *c, const char *name, const char *v)
{
	struct mr_cfg_control *k = &c->cfg->ctl;

	if (key_is(name, "listen-ng"))
		return sockaddr_key(c, name, v, &k->listen_ng);
	if (key_is(name, "listen-http") || key_is(name, "metrics"))
		return sockaddr_key(c, name, v, &k->metrics);
	if (key_is(name, "ctl-socket"))
		return set_copy(c, name, v, k->ctl_socket, sizeof(k->ctl_socket));
	if (key_is(name, "journal"))
		return set_copy(c, name, v, k->journal, sizeof(k->journal));
	if (key_is(name, "quality-log"))
		return set_copy(c, name, v, k->quality_log, sizeof(k->quality_log));
	if (key_is(name, "port-min"))
		U32(v, 1024, 65535, k->port_min);
	else if (key_is(name, "port-max"))
		U32(v, 1024, 65535, k->port_max);
	else if (key_is(name, "timeout"))
		U32(v, 1, 86400, k->timeout_s);
	else if (key_is(name, "silent-timeout"))
		U32(v, 1, 86400, k->silent_timeout_s);
	else if (key_is(name, "final-timeout"))
		U32(v, 0, 604800, k->final_timeout_s);
	else if (key_is(name, "delete-delay"))
		U32(v, 0, 3600, k->delete_delay_s);
	else if (key_is(name, "ack-timeout"))
		U32(v, 10, 60000, k->ack_timeout_ms);
	else if (key_is(name, "max-sessions"))
		U32(v, 0, 100000000, k->max_sessions);
	else
		return fail(c, "unknown key '%s' in [control]", name);
	return 1;
}

static int parse_mac(const char *v, uint8_t mac[6])
{
	unsigned b[6];
	char tail;

	if (sscanf(v, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5], &tail) != 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

/* 128-bit big-endian address <-> integer, for ranges. */
static unsigned __int128 ip_num(const struct mr_ip *ip)
{
	unsigned __int128 x = 0;
	unsigned n = ip->family == 4 ? 4 : 16;

	for (unsigned i = 0; i < n; i++)
		x = (x << 8) | ip->addr[i];
	return x;
}

static void ip_from_num(struct mr_ip *ip, unsigned __int128 x)
{
	unsigned n = ip->family == 4 ? 4 : 16;

	for (unsigned i = n; i-- > 0; x >>= 8)
		ip->addr[i] = (uint8_t)x;
}

static bool ip_is_unicast(const struct mr_ip *ip)
{
	if (mr_ip_is_any(ip))
		return false;
	if (ip->family == 4)
		return ip->addr[0] < 224 && ip->addr[0] != 127 && ip->addr[0] != 0;
	return ip->addr[0] != 0xff && !(ip_num(ip) == 1);	/* not multicast, not ::1 */
}

/*
 * One address of an interface, given on the current line: not a duplicate
 * (of the same family on this interface), within the bound, with the
 * family's prefix. The first of a family sets addr4/addr6 and the prefix.
 */
static int addr_add(struct parse_ctx *c, struct mr_cfg_iface *ifc, const char *name,
		    const struct mr_ip *ip, int prefix)
{
	bool v4 = ip->family == 4;
	uint16_t *n = v4 ? &ifc->n_addrs4 : &ifc->n_addrs6;
	struct mr_ip *list = v4 ? ifc->addrs4 : ifc->addrs6;
	int *lines = v4 ? ifc->lines4 : ifc->lines6;
	uint8_t *fprefix = v4 ? &ifc->prefix4 : &ifc->prefix6;
	char buf[MR_IP_STRLEN];

	mr_ip_format(ip, buf, sizeof(buf));
	if (!ip_is_unicast(ip))
		return fail(c, "%s: %s is not a unicast address", name, buf);
	for (unsigned i = 0; i < *n; i++)
		if (mr_ip_eq(&list[i], ip))
			return fail(c, "%s: %s is already an address of [interface %s] (line %d)",
				    name, buf, ifc->name, lines[i]);
	if (*n >= MR_CFG_MAX_ADDRS)
		return fail(c, "%s: more than %d IPv%c addresses on [interface %s]", name,
			    MR_CFG_MAX_ADDRS, v4 ? '4' : '6', ifc->name);
	if (*n == 0) {
		*fprefix = (uint8_t)(prefix >= 0 ? prefix : (v4 ? 32 : 128));
		if (v4)
			ifc->addr4 = *ip;
		else
			ifc->addr6 = *ip;
	} else if (prefix >= 0 && prefix != *fprefix) {
		return fail(c, "%s: %s/%d: the IPv%c addresses of [interface %s] share the first one's prefix (/%u, line %d)",
			    name, buf, prefix, v4 ? '4' : '6', ifc->name, *fprefix, lines[0]);
	}
	list[*n] = *ip;
	lines[*n] = c->line;
	(*n)++;
	return 1;
}

/*
 * One entry of an address list: ADDRESS[/PREFIX] or FIRST-LAST[/PREFIX].
 * want: 0 either family, 4 or 6 only that one.
 */
static int addr_entry(struct parse_ctx *c, struct mr_cfg_iface *ifc, const char *name,
		      const char *entry, uint8_t want)
{
	char buf[128];
	char *slash, *dash;
	struct mr_ip first, last;
	int prefix = -1;

	if (strlen(entry) >= sizeof(buf))
		return fail(c, "%s: '%s' is too long", name, entry);
	snprintf(buf, sizeof(buf), "%s", entry);
	slash = strchr(buf, '/');
	if (slash) {
		uint32_t p;

		*slash++ = '\0';
		if (parse_u32(slash, 0, 128, &p))
			return fail(c, "%s: bad prefix in '%s'", name, entry);
		prefix = (int)p;
	}
	dash = strchr(buf, '-');
	if (dash)
		*dash++ = '\0';
	if (mr_ip_parse(buf, &first) || (dash && mr_ip_parse(dash, &last)))
		return fail(c, "%s: expected ADDRESS[/PREFIX] or FIRST-LAST[/PREFIX], got '%s'",
			    name, entry);
	if (!dash)
		last = first;
	if (want && first.family != want)
		return fail(c, "%s: '%s' is not an IPv%u address", name, entry, want);
	if (last.family != first.family)
		return fail(c, "%s: '%s' mixes IPv4 and IPv6", name, entry);
	if (prefix > (first.family == 4 ? 32 : 128))
		return fail(c, "%s: bad prefix in '%s'", name, entry);

	unsigned __int128 a = ip_num(&first), b = ip_num(&last);

	if (b < a)
		return fail(c, "%s: range '%s' ends below its start", name, entry);
	if (b - a >= MR_CFG_MAX_ADDRS)
		return fail(c, "%s: range '%s' has more than %d addresses", name, entry,
			    MR_CFG_MAX_ADDRS);
	for (unsigned __int128 x = a; x <= b; x++) {
		struct mr_ip ip = first;

		ip_from_num(&ip, x);
		if (!addr_add(c, ifc, name, &ip, prefix))
			return 0;
	}
	return 1;
}

/* "a, b c" -> entries; an empty entry (",,", a trailing ',') is an error. */
static int addr_list(struct parse_ctx *c, struct mr_cfg_iface *ifc, const char *name,
		     const char *v, uint8_t want, bool range_only)
{
	const char *p = v;

	for (;;) {
		char entry[128];
		size_t n;

		while (*p == ' ' || *p == '\t')
			p++;
		n = strcspn(p, ", \t");
		if (n == 0)
			return fail(c, "%s: empty entry in '%s'", name, v);
		if (n >= sizeof(entry))
			return fail(c, "%s: entry too long in '%s'", name, v);
		memcpy(entry, p, n);
		entry[n] = '\0';
		if (range_only && strchr(entry, '-') == NULL)
			return fail(c, "%s: expected FIRST-LAST, got '%s'", name, entry);
		if (!addr_entry(c, ifc, name, entry, want))
			return 0;
		p += n;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			return 1;
		if (*p == ',')
			p++;
	}
}

static int iface_key(struct parse_ctx *c, struct mr_cfg_iface *ifc, const char *name,
		     const char *v)
{
	struct mr_ip ip;

	if (key_is(name, "device"))
		return set_copy(c, name, v, ifc->device, sizeof(ifc->device));
	if (key_is(name, "address"))
		return addr_list(c, ifc, name, v, 0, false);
	if (key_is(name, "address6"))
		return addr_list(c, ifc, name, v, 6, false);
	if (key_is(name, "address-range"))
		return addr_list(c, ifc, name, v, 0, true);
	if (key_is(name, "gateway") || key_is(name, "gateway6")) {
		if (mr_ip_parse(v, &ip))
			return fail(c, "%s: expected an address, got '%s'", name, v);
		if (ip.family == 4)
			ifc->gateway4 = ip;
		else
			ifc->gateway6 = ip;
		return 1;
	}
	if (key_is(name, "advertised-address")) {
		if (mr_ip_parse(v, &ifc->advertised4))
			return fail(c, "%s: expected an address, got '%s'", name, v);
		return 1;
	}
	if (key_is(name, "mac")) {
		if (parse_mac(v, ifc->mac))
			return fail(c, "%s: expected xx:xx:xx:xx:xx:xx, got '%s'", name, v);
		ifc->has_mac = true;
		return 1;
	}
	if (key_is(name, "vlan"))
		U32(v, 0, 4094, ifc->vlan);
	else if (key_is(name, "port-min"))
		U32(v, 1024, 65535, ifc->port_min);
	else if (key_is(name, "port-max"))
		U32(v, 1024, 65535, ifc->port_max);
	else
		return fail(c, "unknown key '%s' in [interface %s]", name, ifc->name);
	return 1;
}

static int tenant_key(struct parse_ctx *c, struct mr_cfg_tenant *t, const char *name,
		      const char *v)
{
	if (key_is(name, "interfaces")) {
		char buf[512];
		char *save = NULL;

		if (strlen(v) >= sizeof(buf))
			return fail(c, "%s: value too long ('%s')", name, v);
		snprintf(buf, sizeof(buf), "%s", v);
		t->iface_mask = 0;
		for (char *tok = strtok_r(buf, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
			int i = mr_config_iface_find(c->cfg, tok);

			if (i < 0)
				return fail(c, "%s: no [interface %s] defined before this line", name, tok);
			t->iface_mask |= 1u << i;
		}
		return 1;
	}
	if (key_is(name, "max-calls"))
		U32(v, 0, 100000000, t->max_calls);
	else if (key_is(name, "max-flows"))
		U32(v, 0, 100000000, t->max_flows);
	else
		return fail(c, "unknown key '%s' in [tenant %s]", name, t->name);
	return 1;
}

/* "interface NAME" -> NAME; NULL when the section is not of that kind. */
static const char *section_arg(const char *section, const char *kind)
{
	size_t n = strlen(kind);

	if (strncmp(section, kind, n) != 0 || (section[n] != ' ' && section[n] != '\t'))
		return NULL;
	section += n;
	while (*section == ' ' || *section == '\t')
		section++;
	return section;
}

static bool name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= MR_CFG_NAME_LEN)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.'))
			return false;
	return true;
}

static int new_section(struct parse_ctx *c, const char *section)
{
	struct mr_config *cfg = c->cfg;
	const char *arg;

	if ((arg = section_arg(section, "interface")) != NULL) {
		struct mr_cfg_iface *ifc;

		if (!name_ok(arg))
			return fail(c, "interface name '%s' must be 1-31 of [A-Za-z0-9_.-]", arg);
		if (!c->file_ifaces) {
			c->file_ifaces = true;
			cfg->n_ifaces = 0;
			memset(cfg->ifaces, 0, sizeof(cfg->ifaces));
		}
		if (mr_config_iface_find(cfg, arg) >= 0)
			return fail(c, "[interface %s] defined twice", arg);
		if (cfg->n_ifaces >= MR_CFG_MAX_IFACES)
			return fail(c, "too many interfaces (at most %d): '%s'", MR_CFG_MAX_IFACES, arg);
		ifc = &cfg->ifaces[cfg->n_ifaces++];
		snprintf(ifc->name, sizeof(ifc->name), "%s", arg);
		ifc->line = c->line;
	} else if ((arg = section_arg(section, "tenant")) != NULL) {
		struct mr_cfg_tenant *t;

		if (!name_ok(arg))
			return fail(c, "tenant name '%s' must be 1-31 of [A-Za-z0-9_.-]", arg);
		if (mr_config_tenant_find(cfg, arg) >= 0)
			return fail(c, "[tenant %s] defined twice", arg);
		if (cfg->n_tenants >= MR_CFG_MAX_TENANTS)
			return fail(c, "too many tenants (at most %d): '%s'", MR_CFG_MAX_TENANTS, arg);
		t = &cfg->tenants[cfg->n_tenants++];
		snprintf(t->name, sizeof(t->name), "%s", arg);
		t->line = c->line;
	} else if (strcmp(section, "dataplane") != 0 && strcmp(section, "control") != 0) {
		return fail(c, "unknown section [%s]", section);
	}
	return 1;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse_ctx *c = user;
	struct mr_config *cfg = c->cfg;

	if (c->rc)
		return 0;
	if (strcmp(section, "dataplane") == 0)
		return dataplane_key(c, name, value);
	if (strcmp(section, "control") == 0)
		return control_key(c, name, value);
	if (section_arg(section, "interface") != NULL)
		return iface_key(c, &cfg->ifaces[cfg->n_ifaces - 1], name, value);
	if (section_arg(section, "tenant") != NULL)
		return tenant_key(c, &cfg->tenants[cfg->n_tenants - 1], name, value);
	if (section[0] == '\0')
		return fail(c, "key '%s' outside any section", name);
	return fail(c, "unknown section [%s]", section);
}

/*
 * inih's line reader: counts lines for error messages and sees section
 * headers before their keys (Debian's inih reports neither).
 */
struct line_src {
	struct parse_ctx *c;
	FILE *f;		/* or: */
	const char *text;
};

static char *read_line(char *buf, int size, void *stream)
{
	struct line_src *src = stream;
	struct parse_ctx *c = src->c;
	char *p;

	if (c->rc)
		return NULL;
	if (src->f) {
		if (fgets(buf, size, src->f) == NULL)
			return NULL;
	} else {
		const char *nl;
		size_t n;

		if (*src->text == '\0')
			return NULL;
		nl = strchr(src->text, '\n');
		n = nl ? (size_t)(nl - src->text) + 1 : strlen(src->text);
		if (n >= (size_t)size)
			n = (size_t)size - 1;
		memcpy(buf, src->text, n);
		buf[n] = '\0';
		src->text += n;
	}
	c->line++;
	for (p = buf; *p == ' ' || *p == '\t'; p++)
		;
	if (*p == '[') {
		char name[300];
		char *end = strchr(p, ']');
		size_t n;

		if (end == NULL) {
			fail(c, "section header without ']'");
			return NULL;
		}
		n = (size_t)(end - p - 1);
		if (n >= sizeof(name)) {
			fail(c, "section name too long");
			return NULL;
		}
		memcpy(name, p + 1, n);
		name[n] = '\0';
		if (!new_section(c, name))
			return NULL;
	}
	return buf;
}

static int validate(struct parse_ctx *c)
{
	struct mr_config *cfg = c->cfg;

	c->line = c->media_line;
	/* One stats slot each for the workers, the main lcore and the media lcores. */
	if (cfg->dp.media_lcores && cfg->dp.workers + cfg->dp.media_lcores > 15)
		return fail(c, "media-lcores: %u with %u workers is more than 15 lcores besides the main one",
			    cfg->dp.media_lcores, cfg->dp.workers);
	c->line = 0;
	if (cfg->ctl.port_min > cfg->ctl.port_max)
		return fail(c, "[control] port-min is above port-max");
	for (unsigned i = 0; i < cfg->n_ifaces; i++) {
		struct mr_cfg_iface *ifc = &cfg->ifaces[i];

		c->line = ifc->line;
		if (ifc->device[0] == '\0')
			return fail(c, "[interface %s] needs a device", ifc->name);
		if (ifc->addr4.family == 0 && ifc->addr6.family == 0)
			return fail(c, "[interface %s] needs an address", ifc->name);
		if (ifc->port_min == 0)
			ifc->port_min = cfg->ctl.port_min;
		if (ifc->port_max == 0)
			ifc->port_max = cfg->ctl.port_max;
		if (ifc->port_min > ifc->port_max)
			return fail(c, "[interface %s] port-min is above port-max", ifc->name);
		if (ifc->gateway4.family && ifc->addr4.family &&
		    !mr_ip_same_net(&ifc->gateway4, &ifc->addr4, ifc->prefix4))
			return fail(c, "[interface %s] gateway is not in the address's prefix", ifc->name);
		if (ifc->gateway4.family && !ifc->addr4.family)
			return fail(c, "[interface %s] has an IPv4 gateway but no IPv4 address", ifc->name);
		if (ifc->gateway6.family && !ifc->addr6.family)
			return fail(c, "[interface %s] has an IPv6 gateway but no IPv6 address", ifc->name);
		if (ifc->advertised4.family && ifc->n_addrs4 > 1)
			return fail(c, "[interface %s] advertised-address needs exactly one IPv4 address, it has %u",
				    ifc->name, ifc->n_addrs4);
	}
	for (unsigned i = 0; i < cfg->n_tenants; i++) {
		c->line = cfg->tenants[i].line;
		if (cfg->tenants[i].iface_mask == 0)
			cfg->tenants[i].iface_mask = (1u << cfg->n_ifaces) - 1;
	}
	return c->rc;
}

static void finish_paths(struct mr_config *cfg)
{
	if (cfg->ctl.ctl_socket[0] == '\0')
		snprintf(cfg->ctl.ctl_socket, sizeof(cfg->ctl.ctl_socket), "/run/mrelay/%s.sock",
			 cfg->dp.instance);
}

static int finish(struct parse_ctx *c, int ini_rc)
{
	if (c->rc)
		return c->rc;
	if (ini_rc > 0) {
		/* inih's own syntax error (e.g. a line that is not key = value). */
		snprintf(c->err, c->errlen, "%s:%d: syntax error (expected [section] or key = value)",
			 c->where, ini_rc);
		return -EINVAL;
	}
	validate(c);
	if (c->rc)
		return c->rc;
	finish_paths(c->cfg);
	return 0;
}

int mr_config_load(struct mr_config *cfg, const char *path, char *err, size_t errlen)
{
	struct parse_ctx c = { .cfg = cfg, .err = err, .errlen = errlen, .where = path };
	FILE *f;
	int rc;

	mr_config_defaults(cfg);
	if (path == NULL) {
		finish_paths(cfg);
		return 0;
	}
	snprintf(cfg->path, sizeof(cfg->path), "%s", path);
	f = fopen(path, "r");
	if (f == NULL) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return rc;
	}
	struct line_src src = { .c = &c, .f = f };

	rc = ini_parse_stream(read_line, &src, handler, &c);
	fclose(f);
	return finish(&c, rc);
}

int mr_config_load_string(struct mr_config *cfg, const char *text, char *err, size_t errlen)
{
	struct parse_ctx c = { .cfg = cfg, .err = err, .errlen = errlen, .where = "<string>" };

	struct line_src src = { .c = &c, .text = text };

	mr_config_defaults(cfg);
	return finish(&c, ini_parse_stream(read_line, &src, handler, &c));
}

int mr_config_iface_find(const struct mr_config *cfg, const char *name)
{
	for (unsigned i = 0; i < cfg->n_ifaces; i++)
		if (strcmp(cfg->ifaces[i].name, name) == 0)
			return (int)i;
	return -ENOENT;
}

int mr_config_tenant_find(const struct mr_config *cfg, const char *name)
{
	for (unsigned i = 0; i < cfg->n_tenants; i++)
		if (strcmp(cfg->tenants[i].name, name) == 0)
			return (int)i;
	return -ENOENT;
}
