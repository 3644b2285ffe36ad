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
	suite_add_tcase(s, tc);
	tc = tcase_create("addr");
	tcase_add_test(tc, addresses);
	suite_add_tcase(s, tc);
	return s;
}

MR_CHECK_MAIN(config_suite)
