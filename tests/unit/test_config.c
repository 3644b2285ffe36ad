/* SPDX-License-Identifier: BSD-3-Clause */
/* lib/config: the INI file, its defaults and its errors; lib/common addresses. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "common/mr_str.h"
#include "mr_check.h"

static struct mr_config cfg;
static char err[512];

START_TEST(defaults)
{
	char buf[MR_SOCKADDR_STRLEN];

	ck_assert_int_eq(mr_config_load(&cfg, NULL, err, sizeof(err)), 0);
	ck_assert_str_eq(cfg.dp.instance, "default");
	ck_assert_str_eq(mr_sockaddr_format(&cfg.ctl.listen_ng, buf, sizeof(buf)), "127.0.0.1:2223");
	ck_assert_uint_eq(cfg.n_ifaces, 1);
	ck_assert_str_eq(cfg.ifaces[0].name, "media");
	ck_assert_uint_eq(cfg.ifaces[0].prefix4, 24);
	ck_assert_str_eq(cfg.ctl.ctl_socket, "/run/mrelay/default.sock");
}
END_TEST

START_TEST(full_file)
{
	static const char text[] =
		"; comment\n"
		"[dataplane]\n"
		"instance = t1\n"
		"workers = 2\n"
		"flows = 2097152\n"
		"learn_window = 5000\n"
		"transcoders = 4096\n"
		"media-lcores = 3\n"
		"media_ring = 64\n"
		"[control]\n"
		"listen-ng = [::1]:2224\n"
		"port-min = 40000\n"
		"port-max = 40999\n"
		"timeout = 30\n"
		"[interface carrier]\n"
		"device = net_memif0,role=server\n"
		"address = 10.1.0.1/24\n"
		"address6 = 2001:db8::1/64\n"
		"gateway = 10.1.0.254\n"
		"vlan = 100\n"
		"[interface teams]\n"
		"device = 0000:00:08.0\n"
		"address = 10.2.0.1/16\n"
		"mac = 02:00:00:00:00:02\n"
		"port-min = 50000\n"
		"port-max = 50999\n"
		"[tenant acme]\n"
		"interfaces = carrier, teams\n"
		"max-calls = 100\n";
	char buf[MR_SOCKADDR_STRLEN];

	ck_assert_msg(mr_config_load_string(&cfg, text, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(cfg.dp.instance, "t1");
	ck_assert_uint_eq(cfg.dp.workers, 2);
	ck_assert_uint_eq(cfg.dp.flows, 2097152);
	ck_assert_uint_eq(cfg.dp.learn_window_ms, 5000);
	ck_assert_uint_eq(cfg.dp.transcoders, 4096);
	ck_assert_uint_eq(cfg.dp.media_lcores, 3);
	ck_assert_uint_eq(cfg.dp.media_ring, 64);
	ck_assert_str_eq(mr_sockaddr_format(&cfg.ctl.listen_ng, buf, sizeof(buf)), "[::1]:2224");
	ck_assert_uint_eq(cfg.ctl.timeout_s, 30);
	ck_assert_uint_eq(cfg.n_ifaces, 2);	/* the built-in interface is replaced */
	ck_assert_str_eq(cfg.ifaces[0].name, "carrier");
	ck_assert_uint_eq(cfg.ifaces[0].vlan, 100);
	ck_assert_uint_eq(cfg.ifaces[0].addr6.family, 6);
	ck_assert_uint_eq(cfg.ifaces[0].prefix6, 64);
	ck_assert_uint_eq(cfg.ifaces[0].port_min, 40000);	/* inherited from [control] */
	ck_assert_uint_eq(cfg.ifaces[1].port_min, 50000);
	ck_assert(cfg.ifaces[1].has_mac);
	ck_assert_uint_eq(cfg.ifaces[1].mac[5], 2);
	ck_assert_uint_eq(cfg.n_tenants, 1);
	ck_assert_uint_eq(cfg.tenants[0].iface_mask, 3);
	ck_assert_uint_eq(cfg.tenants[0].max_calls, 100);
	ck_assert_int_eq(mr_config_iface_find(&cfg, "teams"), 1);
	ck_assert_int_eq(mr_config_tenant_find(&cfg, "nobody"), -ENOENT);
}
END_TEST

/* Each bad file gives -EINVAL and names the line and the problem. */
START_TEST(errors)
{
	static const struct {
		const char *text;
		const char *want;
	} cases[] = {
		{ "[dataplane]\nworkers = lots\n", "<string>:2: workers: expected a whole number" },
		{ "[dataplane]\nworkers = 99\n", "<string>:2: workers" },
		{ "[dataplane]\nflows = -1\n", "<string>:2: flows" },
		{ "[dataplane]\nmedia-lcores = 15\n", "<string>:2: media-lcores: expected a whole number from 0 to 14" },
		{ "[dataplane]\nmedia-lcores = 4\nworkers = 12\n", "<string>:2: media-lcores: 4 with 12 workers" },
		{ "[dataplane]\nmedia-ring = 100\n", "<string>:2: media-ring: expected a power of two" },
		{ "[dataplane]\nmedia-ring = 1\n", "<string>:2: media-ring" },
		{ "[dataplane]\nnope = 1\n", "<string>:2: unknown key 'nope' in [dataplane]" },
		{ "[bogus]\n", "<string>:1: unknown section [bogus]" },
		{ "x = 1\n", "<string>:1: key 'x' outside any section" },
		{ "[control]\nlisten-ng = 127.0.0.1\n", "<string>:2: listen-ng: expected ADDRESS:PORT" },
		{ "[control]\nlisten-ng = 127.0.0.1:0\n", "<string>:2: listen-ng" },
		{ "[control]\nlisten-ng = 127.0.0.1:70000\n", "<string>:2: listen-ng" },
		{ "[control]\nport-min = 5000\nport-max = 4000\n", "port-min is above port-max" },
		{ "[interface a]\ndevice = net_null0\naddress = 300.1.1.1/24\n", "<string>:3: address" },
		{ "[interface a]\ndevice = net_null0\naddress = 10.0.0.1/33\n", "<string>:3: address" },
		{ "[interface a]\naddress = 10.0.0.1/24\n", "<string>:1: [interface a] needs a device" },
		{ "[interface a]\ndevice = net_null0\n", "<string>:1: [interface a] needs an address" },
		{ "[interface a]\ndevice = x\naddress = 10.0.0.1/24\ngateway = 10.9.0.1\n", "gateway is not in the address's prefix" },
		{ "[interface a]\ndevice = x\naddress = 10.0.0.1/24\n[interface a]\n", "<string>:4: [interface a] defined twice" },
		{ "[interface a b]\n", "interface name 'a b'" },
		{ "[interface a]\ndevice = x\naddress = 10.0.0.1/24\nvlan = 4095\n", "<string>:4: vlan" },
		{ "[interface a]\ndevice = x\naddress = 10.0.0.1/24\nmac = 02:00:00\n", "<string>:4: mac" },
		/* several addresses: every bad form, with its line */
		{ "[interface a]\ndevice = x\naddress = 10.0.0.1/24, 10.0.0.1\n", "<string>:3: address: 10.0.0.1 is already an address of [interface a] (line 3)" },
		{ "[interface a]\ndevice = x\naddress = 10.0.0.1/24\n\naddress = 10.0.0.2,10.0.0.1\n", "<string>:5: address: 10.0.0.1 is already an address of [interface a] (line 3)" },
		{ "[interface a]\ndevice = x\naddress = 10.0.0.5/24\naddress-range = 10.0.0.1-10.0.0.9\n", "<string>:4: address-range: 10.0.0.5 is already an address of [interface a] (line 3)" },
		{ "[interface a]\ndevice = x\naddress-range = 10.0.0.1-10.0.0.9/24\naddress-range = 10.0.0.9-10.0.0.12\n", "<string>:4: address-range: 10.0.0.9 is already an address of [interface a] (line 3)" },
		{ "[interface a]\ndevice = x\naddress = 10.0.0.1/24,\n", "<string>:3: address: empty entry" },
		{ "[interface a]\ndevice = x\naddress = 10.0.0.1/24,,10.0.0.2\n", "<string>:3: address: empty entry" },
		{ "[interface a]\ndevice = x\naddress = \n", "<string>:3: address: empty entry" },
		{ "[interface a]\ndevice = x\naddress = 10.0.0.1/24, 10.0.0.300\n", "<string>:3: address: expected ADDRESS[/PREFIX] or FIRST-LAST[/PREFIX], got '10.0.0.300'" },
		{ "[interface a]\ndevice = x\naddress = 10.0.0.1/24, 10.0.0.2/16\n", "<string>:3: address: 10.0.0.2/16: the IPv4 addresses of [interface a] share the first one's prefix (/24, line 3)" },
		{ "[interface a]\ndevice = x\naddress = 10.0.0.1/24 10.0.0.2/x\n", "<string>:3: address: bad prefix in '10.0.0.2/x'" },
		{ "[interface a]\ndevice = x\naddress = 10.0.0.1/24\naddress-range = 10.0.0.9-10.0.0.2\n", "<string>:4: address-range: range '10.0.0.9-10.0.0.2' ends below its start" },
		{ "[interface a]\ndevice = x\naddress-range = 10.0.0.1-10.0.1.1/16\n", "<string>:3: address-range: range '10.0.0.1-10.0.1.1/16' has more than 256 addresses" },
		{ "[interface a]\ndevice = x\naddress-range = 10.0.0.1-2001:db8::1\n", "<string>:3: address-range: '10.0.0.1-2001:db8::1' mixes IPv4 and IPv6" },
		{ "[interface a]\ndevice = x\naddress-range = 10.0.0.1\n", "<string>:3: address-range: expected FIRST-LAST, got '10.0.0.1'" },
		{ "[interface a]\ndevice = x\naddress-range = 10.0.0.1-\n", "<string>:3: address-range: expected ADDRESS" },
		{ "[interface a]\ndevice = x\naddress6 = 10.0.0.1/24\n", "<string>:3: address6: '10.0.0.1/24' is not an IPv6 address" },
		{ "[interface a]\ndevice = x\naddress = 10.0.0.1/24, 224.0.0.1\n", "<string>:3: address: 224.0.0.1 is not a unicast address" },
		{ "[interface a]\ndevice = x\naddress = 0.0.0.0/24\n", "<string>:3: address: 0.0.0.0 is not a unicast address" },
		{ "[interface a]\ndevice = x\naddress6 = ff02::1/64\n", "<string>:3: address6: ff02::1 is not a unicast address" },
		{ "[interface a]\ndevice = x\naddress-range = 10.0.0.0-10.0.0.255/16\naddress = 10.0.2.1\n", "<string>:4: address: more than 256 IPv4 addresses on [interface a]" },
		{ "[interface a]\ndevice = x\naddress = 10.0.0.1/24, 10.0.0.2\nadvertised-address = 203.0.113.1\n", "<string>:1: [interface a] advertised-address needs exactly one IPv4 address, it has 2" },
		{ "[tenant t]\ninterfaces = nowhere\n", "<string>:2: interfaces: no [interface nowhere]" },
		{ "[dataplane\n", "<string>:1: section header without ']'" },
		{ "[dataplane]\nthis line has no equals sign\n", "<string>:2: syntax error" },
	};

	for (size_t i = 0; i < MR_ARRAY_SIZE(cases); i++) {
		err[0] = '\0';
		ck_assert_msg(mr_config_load_string(&cfg, cases[i].text, err, sizeof(err)) == -EINVAL,
			      "case %zu accepted", i);
		ck_assert_msg(strstr(err, cases[i].want) != NULL, "case %zu: got '%s', want '%s'",
			      i, err, cases[i].want);
	}
}
END_TEST

START_TEST(several_addresses)
{
	static const char text[] =
		"[interface media]\n"
		"device = net_null0\n"
		"address = 198.18.0.1/24, 198.18.0.2 198.18.0.3/24\n"
		"address-range = 198.18.0.10-198.18.0.41\n"
		"address = 198.18.1.7\n"
		"address6 = 2001:db8::1/64\n"
		"address-range = 2001:db8::fff0-2001:db8::1:0001\n"
		"gateway = 198.18.0.254\n"
		"[interface edge]\n"
		"device = net_null1\n"
		"address-range = 203.0.113.1-203.0.113.4/28\n";
	char buf[MR_IP_STRLEN];
	const struct mr_cfg_iface *m, *e;

	ck_assert_msg(mr_config_load_string(&cfg, text, err, sizeof(err)) == 0, "%s", err);
	m = &cfg.ifaces[0];
	ck_assert_uint_eq(m->n_addrs4, 3 + 32 + 1);
	ck_assert_str_eq(mr_ip_format(&m->addr4, buf, sizeof(buf)), "198.18.0.1");
	ck_assert_uint_eq(m->prefix4, 24);
	ck_assert(mr_ip_eq(&m->addrs4[0], &m->addr4));
	ck_assert_str_eq(mr_ip_format(&m->addrs4[1], buf, sizeof(buf)), "198.18.0.2");
	ck_assert_str_eq(mr_ip_format(&m->addrs4[3], buf, sizeof(buf)), "198.18.0.10");
	ck_assert_str_eq(mr_ip_format(&m->addrs4[34], buf, sizeof(buf)), "198.18.0.41");
	ck_assert_str_eq(mr_ip_format(&m->addrs4[35], buf, sizeof(buf)), "198.18.1.7");
	ck_assert_int_eq(m->lines4[0], 3);
	ck_assert_int_eq(m->lines4[3], 4);
	ck_assert_int_eq(m->lines4[35], 5);
	/* an IPv6 range carries over a 16-bit boundary */
	ck_assert_uint_eq(m->n_addrs6, 1 + 18);
	ck_assert_uint_eq(m->prefix6, 64);
	ck_assert_str_eq(mr_ip_format(&m->addrs6[1], buf, sizeof(buf)), "2001:db8::fff0");
	ck_assert_str_eq(mr_ip_format(&m->addrs6[16], buf, sizeof(buf)), "2001:db8::ffff");
	ck_assert_str_eq(mr_ip_format(&m->addrs6[17], buf, sizeof(buf)), "2001:db8::1:0");
	ck_assert_str_eq(mr_ip_format(&m->addrs6[18], buf, sizeof(buf)), "2001:db8::1:1");
	e = &cfg.ifaces[1];
	ck_assert_uint_eq(e->n_addrs4, 4);
	ck_assert_uint_eq(e->prefix4, 28);
	ck_assert_str_eq(mr_ip_format(&e->addr4, buf, sizeof(buf)), "203.0.113.1");
	ck_assert_str_eq(mr_ip_format(&e->addrs4[3], buf, sizeof(buf)), "203.0.113.4");
	ck_assert_uint_eq(e->n_addrs6, 0);

	/* the bound itself is accepted: 256 addresses of each family */
	ck_assert_msg(mr_config_load_string(&cfg, "[interface a]\ndevice = x\n"
			"address-range = 10.0.0.0-10.0.0.255/16\n"
			"address-range = 2001:db8::100-2001:db8::1ff/64\n", err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(cfg.ifaces[0].n_addrs4, 256);
	ck_assert_uint_eq(cfg.ifaces[0].n_addrs6, 256);
	/* the built-in interface has its one address in the list too */
	ck_assert_int_eq(mr_config_load(&cfg, NULL, err, sizeof(err)), 0);
	ck_assert_uint_eq(cfg.ifaces[0].n_addrs4, 1);
	ck_assert(mr_ip_eq(&cfg.ifaces[0].addrs4[0], &cfg.ifaces[0].addr4));
}
END_TEST

START_TEST(file_errors)
{
	char path[] = "/tmp/mrelay-test-config-XXXXXX";
	int fd = mkstemp(path);
	static const char text[] = "[control]\n\ntimeout = 0\n";

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, sizeof(text) - 1), (int)sizeof(text) - 1);
	close(fd);
	ck_assert_int_eq(mr_config_load(&cfg, path, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, ":3: timeout") != NULL, "%s", err);
	ck_assert_msg(strncmp(err, path, strlen(path)) == 0, "%s", err);
	unlink(path);
	ck_assert_int_eq(mr_config_load(&cfg, path, err, sizeof(err)), -ENOENT);
	ck_assert_msg(strstr(err, "No such file") != NULL, "%s", err);
}
END_TEST

START_TEST(addresses)
{
	struct mr_ip a, b;
	struct mr_sockaddr sa;
	uint8_t prefix;
	char buf[MR_SOCKADDR_STRLEN];

	ck_assert_int_eq(mr_ip_parse("192.0.2.7", &a), 0);
	ck_assert_uint_eq(a.family, 4);
	ck_assert_uint_eq(a.addr[3], 7);
	ck_assert_int_eq(mr_ip_parse("2001:db8::7", &b), 0);
	ck_assert_uint_eq(b.family, 6);
	ck_assert(!mr_ip_eq(&a, &b));
	ck_assert_int_eq(mr_ip_parse("192.0.2", &a), -EINVAL);
	ck_assert_int_eq(mr_ip_parse("", &a), -EINVAL);
	ck_assert_int_eq(mr_ip_parse_n("10.0.0.1xyz", 8, &a), 0);
	ck_assert_str_eq(mr_ip_format(&a, buf, sizeof(buf)), "10.0.0.1");
	ck_assert_int_eq(mr_ip_parse("0.0.0.0", &a), 0);
	ck_assert(mr_ip_is_any(&a));
	ck_assert_int_eq(mr_ip_prefix_parse("10.1.2.3/8", &a, &prefix), 0);
	ck_assert_uint_eq(prefix, 8);
	ck_assert_int_eq(mr_ip_parse("10.200.0.1", &b), 0);
	ck_assert(mr_ip_same_net(&a, &b, 8));
	ck_assert(!mr_ip_same_net(&a, &b, 9));
	ck_assert_int_eq(mr_ip_prefix_parse("10.1.2.3/", &a, &prefix), -EINVAL);
	ck_assert_int_eq(mr_sockaddr_parse("[2001:db8::1]:5060", &sa), 0);
	ck_assert_uint_eq(sa.port, 5060);
	ck_assert_str_eq(mr_sockaddr_format(&sa, buf, sizeof(buf)), "[2001:db8::1]:5060");
	ck_assert_int_eq(mr_sockaddr_parse("2001:db8::1:5060", &sa), -EINVAL);
	ck_assert_int_eq(mr_sockaddr_parse("1.2.3.4:", &sa), -EINVAL);
	ck_assert_int_eq(mr_sockaddr_parse("1.2.3.4:65536", &sa), -EINVAL);
	ck_assert_int_eq(mr_sockaddr_parse("[::1]5", &sa), -EINVAL);
}
END_TEST

static Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config_load");

	tcase_add_test(tc, defaults);
	tcase_add_test(tc, full_file);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, file_errors);
	tcase_add_test(tc, several_addresses);
	suite_add_tcase(s, tc);
	tc = tcase_create("addr");
	tcase_add_test(tc, addresses);
	suite_add_tcase(s, tc);
	return s;
}

MR_CHECK_MAIN(config_suite)
