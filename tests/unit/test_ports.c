/* SPDX-License-Identifier: BSD-3-Clause */
/* control/ports.c: RTP/RTCP pairs spread over an interface's addresses. */
#include <errno.h>
#include <string.h>

#include "ctl_harness.h"

/* 2000..2007: pairs 2000, 2002, 2004, 2006 on each address. */
#define PMIN 2000
#define PMAX 2007
#define PAIRS 4

START_TEST(spread)
{
	struct ctl_ports p;
	bool seen[3][PAIRS] = { { false } };
	unsigned per[3] = { 0 };
	uint16_t a, port;

	ck_assert_int_eq(ctl_ports_init(&p, PMIN, PMAX, 3, 0, 7), 0);
	ck_assert_uint_eq(p.n, 3 * PAIRS);
	ck_assert_uint_eq(ctl_ports_free_count(&p), 3 * PAIRS);
	/* Round robin: three calls, three addresses. */
	for (unsigned i = 0; i < 3; i++) {
		ck_assert_int_eq(ctl_ports_alloc(&p, 4, -1, 1, &a, &port), 0);
		ck_assert_uint_lt(a, 3);
		ck_assert_msg(per[a] == 0, "address %u chosen twice in the first round", a);
		per[a]++;
		seen[a][(port - PMIN) / 2] = true;
	}
	/* Every (address, pair) once, then none. */
	for (unsigned i = 3; i < 3 * PAIRS; i++) {
		ck_assert_int_eq(ctl_ports_alloc(&p, 4, -1, 1, &a, &port), 0);
		ck_assert(port >= PMIN && port <= PMAX - 1 && port % 2 == 0);
		ck_assert_msg(!seen[a][(port - PMIN) / 2], "%u:%u twice", a, port);
		seen[a][(port - PMIN) / 2] = true;
		per[a]++;
	}
	for (unsigned k = 0; k < 3; k++)
		ck_assert_uint_eq(per[k], PAIRS);
	ck_assert_uint_eq(ctl_ports_free_count(&p), 0);
	ck_assert_int_eq(ctl_ports_alloc(&p, 4, -1, 1, &a, &port), -ENOSPC);
	ctl_ports_fini(&p);
}
END_TEST

START_TEST(exhaustion)
{
	struct ctl_ports p;
	uint16_t a, port, kept = 0;

	ck_assert_int_eq(ctl_ports_init(&p, PMIN, PMAX, 3, 0, 99), 0);
	/* Fill addresses 0 and 1 by name. */
	for (unsigned k = 0; k < 2; k++)
		for (unsigned i = 0; i < PAIRS; i++) {
			ck_assert_int_eq(ctl_ports_alloc(&p, 4, (int)k, 1, &a, &port), 0);
			ck_assert_uint_eq(a, k);
			if (k == 1 && i == 2)
				kept = port;
		}
	ck_assert_int_eq(ctl_ports_alloc(&p, 4, 0, 1, &a, &port), -ENOSPC);
	ck_assert_uint_eq(ctl_ports_addr_free(&p, 4, 2), PAIRS);
	/* Calls now all land on address 2, whatever the turn says. */
	for (unsigned i = 0; i < PAIRS; i++) {
		ck_assert_int_eq(ctl_ports_alloc(&p, 4, -1, 1, &a, &port), 0);
		ck_assert_uint_eq(a, 2);
	}
	ck_assert_int_eq(ctl_ports_alloc(&p, 4, -1, 1, &a, &port), -ENOSPC);
	/* A pair freed on address 1 is the only one left, and comes back. */
	ck_assert_int_eq(ctl_ports_free(&p, 4, 1, kept), 0);
	ck_assert_int_eq(ctl_ports_free(&p, 4, 1, kept), -EINVAL);	/* twice */
	ck_assert_int_eq(ctl_ports_free(&p, 4, 1, kept + 1), -EINVAL);	/* odd */
	ck_assert_int_eq(ctl_ports_free(&p, 4, 3, kept), -EINVAL);	/* no such address */
	ck_assert_int_eq(ctl_ports_alloc(&p, 4, -1, 1, &a, &port), 0);
	ck_assert_uint_eq(a, 1);
	ck_assert_uint_eq(port, kept);
	ctl_ports_fini(&p);
}
END_TEST

START_TEST(room_for_the_side)
{
	struct ctl_ports p;
	uint16_t a, port;

	ck_assert_int_eq(ctl_ports_init(&p, PMIN, PMAX, 2, 0, 3), 0);
	/* Address 0 keeps one pair; a side needing 2 goes to address 1 every time. */
	for (unsigned i = 0; i < PAIRS - 1; i++)
		ck_assert_int_eq(ctl_ports_alloc(&p, 4, 0, 1, &a, &port), 0);
	for (unsigned i = 0; i < 2; i++) {
		ck_assert_int_eq(ctl_ports_alloc(&p, 4, -1, 2, &a, &port), 0);
		ck_assert_uint_eq(a, 1);
	}
	/* Now neither has 2: the next in turn with any room. */
	ck_assert_int_eq(ctl_ports_alloc(&p, 4, -1, 3, &a, &port), 0);
	ck_assert_uint_eq(ctl_ports_free_count(&p), 2);
	ck_assert_int_eq(ctl_ports_alloc(&p, 4, -1, 3, &a, &port), 0);
	ck_assert_int_eq(ctl_ports_alloc(&p, 4, -1, 3, &a, &port), 0);
	ck_assert_int_eq(ctl_ports_alloc(&p, 4, -1, 1, &a, &port), -ENOSPC);
	ctl_ports_fini(&p);
}
END_TEST

START_TEST(families_and_bad_input)
{
	struct ctl_ports p;
	uint16_t a, port;

	ck_assert_int_eq(ctl_ports_init(&p, PMIN, PMAX, 2, 1, 5), 0);
	ck_assert_uint_eq(p.n, 3 * PAIRS);
	ck_assert_int_eq(ctl_ports_alloc(&p, 6, -1, 1, &a, &port), 0);
	ck_assert_uint_eq(a, 0);
	ck_assert_uint_eq(ctl_ports_addr_free(&p, 6, 0), PAIRS - 1);
	ck_assert_uint_eq(ctl_ports_addr_free(&p, 4, 0), PAIRS);	/* families apart */
	ck_assert_int_eq(ctl_ports_alloc(&p, 6, 1, 1, &a, &port), -EINVAL);
	ck_assert_int_eq(ctl_ports_alloc(&p, 5, -1, 1, &a, &port), -EAFNOSUPPORT);
	ck_assert_int_eq(ctl_ports_free(&p, 4, 0, port), -EINVAL);
	ck_assert_int_eq(ctl_ports_free(&p, 6, 0, port), 0);
	ctl_ports_fini(&p);
	ck_assert_int_eq(ctl_ports_init(&p, PMIN, PMAX, 1, 0, 5), 0);
	ck_assert_int_eq(ctl_ports_alloc(&p, 6, -1, 1, &a, &port), -EAFNOSUPPORT);
	ctl_ports_fini(&p);
	ck_assert_int_eq(ctl_ports_init(&p, PMIN, PMAX, 0, 0, 5), -EINVAL);
	ck_assert_int_eq(ctl_ports_init(&p, PMIN, PMAX, MR_CFG_MAX_ADDRS + 1, 0, 5), -EINVAL);
	ck_assert_int_eq(ctl_ports_init(&p, 1000, 1000, 1, 0, 5), -EINVAL);
}
END_TEST

START_TEST(journal_take)
{
	struct ctl_ports p;
	uint16_t a, port;
	unsigned on1 = 0;

	ck_assert_int_eq(ctl_ports_init(&p, PMIN, PMAX, 2, 0, 11), 0);
	ck_assert_int_eq(ctl_ports_take(&p, 4, 1, 2002), 0);
	ck_assert_int_eq(ctl_ports_take(&p, 4, 1, 2002), -EINVAL);
	ck_assert_int_eq(ctl_ports_take(&p, 4, 2, 2002), -EINVAL);
	ck_assert_int_eq(ctl_ports_take(&p, 4, 0, 2004), 0);
	ctl_ports_untake(&p, 4, 0, 2004);
	ctl_ports_rebuild(&p, 12);
	ck_assert_uint_eq(ctl_ports_free_count(&p), 2 * PAIRS - 1);
	while (ctl_ports_alloc(&p, 4, -1, 1, &a, &port) == 0) {
		ck_assert(!(a == 1 && port == 2002));
		on1 += a == 1;
	}
	ck_assert_uint_eq(on1, PAIRS - 1);
	ctl_ports_fini(&p);
}
END_TEST

START_TEST(addr_index)
{
	static struct mr_config c2;
	char err[256];
	struct mr_ip ip;

	ck_assert_msg(mr_config_load_string(&c2, "[interface m]\ndevice = x\n"
					   "address-range = 198.18.0.1-198.18.0.8/24\n"
					   "address6 = 2001:db8::1/64, 2001:db8::2\n",
					   err, sizeof(err)) == 0, "%s", err);
	mr_ip_parse("198.18.0.5", &ip);
	ck_assert_int_eq(ctl_ports_addr_index(&c2.ifaces[0], &ip), 4);
	mr_ip_parse("2001:db8::2", &ip);
	ck_assert_int_eq(ctl_ports_addr_index(&c2.ifaces[0], &ip), 1);
	mr_ip_parse("198.18.0.9", &ip);
	ck_assert_int_eq(ctl_ports_addr_index(&c2.ifaces[0], &ip), -ENOENT);
}
END_TEST

/* Audio and video towards the callee: one address for both (one c=). */
static const char sdp_av[] =
	"v=0\r\n"
	"o=alice 1 1 IN IP4 192.0.2.10\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.10\r\n"
	"t=0 0\r\n"
	"m=audio 49170 RTP/AVP 0\r\n"
	"m=video 49180 RTP/AVP 96\r\n"
	"a=rtpmap:96 H264/90000\r\n";

/* Real control, fake dataplane: calls towards a four-address interface. */
START_TEST(calls_over_addresses)
{
	char seen[4][MR_IP_STRLEN] = { "" };
	unsigned n_seen = 0;

	harness_down();
	/* priv is 10.0.0.1/8 in the harness; three more addresses on it. */
	harness_up_with("address-range = 10.0.0.2-10.0.0.4\n", 256, true);
	ck_assert_uint_eq(cfg.ifaces[1].n_addrs4, 4);
	for (unsigned i = 0; i < 4; i++) {
		char id[16], c_line[64], ip[MR_IP_STRLEN];
		const struct ctl_call *call;
		const struct ctl_local *a, *v;
		const struct mr_flow_spec *f;

		snprintf(id, sizeof(id), "ma-%u", i);
		sig("offer", id, "ft1", NULL, sdp_av, "9:directionl3:pub4:prive");
		ck_result("ok");
		call = find_call(id);
		ck_assert_ptr_nonnull(call);
		a = &call->streams[0].local[1];
		v = &call->streams[1].local[1];
		ck_assert_uint_eq(a->iface, 1);
		ck_assert_msg(mr_ip_eq(&a->addr, &v->addr), "audio and video on two addresses");
		mr_ip_format(&a->addr, ip, sizeof(ip));
		ck_assert_int_ge(ctl_ports_addr_index(&cfg.ifaces[1], &a->addr), 0);
		/* The SDP the callee gets names that address ... */
		snprintf(c_line, sizeof(c_line), "c=IN IP4 %s\r\n", ip);
		ck_assert_msg(strstr(rget("sdp"), c_line) != NULL, "%s not in\n%s", c_line, rget("sdp"));
		/* ... and the flow from the callee is keyed on it (port numbers
		 * repeat across addresses: the key is address and port). */
		f = NULL;
		for (unsigned k = 0; k < FDP_FLOWS && f == NULL; k++)
			if (fdp.present[k] && fdp.spec[k].key.port == a->port &&
			    fdp.spec[k].key.iface == 1 && memcmp(fdp.spec[k].key.addr, a->addr.addr, 4) == 0)
				f = &fdp.spec[k];
		ck_assert_msg(f != NULL, "no flow keyed on %s:%u", ip, a->port);
		ck_assert_msg(fdp_flow_at(a->port) != NULL, "%s", fmt_sa(&f->out_src));
		for (unsigned k = 0; k < n_seen; k++)
			ck_assert_msg(strcmp(seen[k], ip) != 0, "call %u reuses %s", i, ip);
		snprintf(seen[n_seen++], MR_IP_STRLEN, "%s", ip);
		/* The caller's side stays on pub's one address. */
		ck_assert_str_eq(mr_ip_format(&call->streams[0].local[0].addr, ip, sizeof(ip)),
				 "203.0.113.1");
	}
	sig("offer", "ma-bad", "ft1", NULL, sdp_av, "9:directionl3:pub7:nowheree");
	ck_error("unknown interface");
	/* Every pair goes back to its own address. */
	for (unsigned i = 0; i < 4; i++) {
		char id[16];

		snprintf(id, sizeof(id), "ma-%u", i);
		sig("delete", id, "ft1", NULL, NULL, NULL);
		ck_result("ok");
	}
	ck_assert_uint_eq(ctl_ports_free_count(&ctl.ports[1]), ctl.ports[1].n);
	harness_down();
}
END_TEST

static Suite *ports_suite(void)
{
	Suite *s = suite_create("ports");
	TCase *tc = tcase_create("ports");

	tcase_add_test(tc, spread);
	tcase_add_test(tc, exhaustion);
	tcase_add_test(tc, room_for_the_side);
	tcase_add_test(tc, families_and_bad_input);
	tcase_add_test(tc, journal_take);
	tcase_add_test(tc, addr_index);
	suite_add_tcase(s, tc);
	tc = tcase_create("calls");
	tcase_add_checked_fixture(tc, harness_up, NULL);
	tcase_add_test(tc, calls_over_addresses);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

MR_CHECK_MAIN(ports_suite)
