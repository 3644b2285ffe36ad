/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control process context and its one epoll loop: the ng socket and
 * signals wake it; every tick polls the dataplane (attach, liveness,
 * restart), takes its events (idle, learned) and fires timers.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "sdp/sdp.h"

#include "ctl.h"
#include "ctlsock.h"
#include "metrics.h"
#include "session.h"

#define TICK_MS 20
#define EVENTS_PER_TICK 4096

uint64_t ctl_now_ms(struct ctl *c)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	c->now_ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	return c->now_ms;
}

uint64_t ctl_wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

int ctl_init(struct ctl *c, const struct mr_config *cfg)
{
	uint64_t seed = 0;
	int rc;

	memset(c, 0, sizeof(*c));
	c->ng.fd = -1;
	c->cfg = cfg;
	c->started_s = ctl_wall_us() / 1000000;
	ctl_now_ms(c);
	mr_log_register(&ctl_log_ng);
	mr_log_register(&ctl_log_dp);
	mr_log_register(&ctl_log_sess);
	c->sdp_in = malloc(sizeof(*c->sdp_in));
	if (c->sdp_in == NULL)
		return -ENOMEM;
	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = (uint64_t)getpid() ^ ctl_wall_us();
	for (unsigned i = 0; i < cfg->n_ifaces; i++) {
		const struct mr_cfg_iface *ifc = &cfg->ifaces[i];
		uint16_t lo = ifc->port_min ? ifc->port_min : cfg->ctl.port_min;
		uint16_t hi = ifc->port_max ? ifc->port_max : cfg->ctl.port_max;

		rc = ctl_ports_init(&c->ports[i], lo, hi, ifc->n_addrs4, ifc->n_addrs6, seed + i);
		if (rc < 0) {
			MR_LOG(&ctl_log_sess, ERR, "interface %s: port range %u-%u unusable",
			       ifc->name, lo, hi);
			return rc;
		}
	}
	rc = ctl_dp_init(&c->dp, cfg->dp.instance, cfg->ctl.ack_timeout_ms);
	if (rc < 0)
		return rc;
	rc = ctl_sess_init(c);
	if (rc < 0)
		return rc;
	rc = ctl_journal_open(c, cfg->ctl.journal);
	if (rc < 0)
		return rc;
	rc = ctl_journal_load(c);
	if (rc < 0)
		return rc;
	return ctl_ng_open(c);
}

void ctl_fini(struct ctl *c)
{
	ctl_journal_close(c);	/* commits; the calls stay journaled */
	ctl_sess_fini(c);
	ctl_ng_close(c);
	ctl_dp_fini(&c->dp);
	for (unsigned i = 0; i < MR_CFG_MAX_IFACES; i++)
		ctl_ports_fini(&c->ports[i]);
	free(c->sdp_in);
	c->sdp_in = NULL;
}

void ctl_tick(struct ctl *c)
{
	struct mr_msg m;
	unsigned n = 0;

	ctl_now_ms(c);
	ctl_dp_poll(&c->dp, c->now_ms, false);
	if (c->dp.reprogram && ctl_dp_is_ready(&c->dp)) {
		c->dp.reprogram = false;
		ctl_sess_reprogram(c);
	}
	while (n++ < EVENTS_PER_TICK && ctl_dp_event_next(&c->dp, &m)) {
		if (m.hdr.type == MR_EVT_CAPTURE_DONE)
			ctl_sock_capture_done(c, &m);
		else
			ctl_sess_event(c, &m);
	}
	ctl_sock_tick(c);
	ctl_sess_timers(c);
	ctl_ng_expire(c);
	ctl_journal_commit(c);
}

int ctl_run(struct ctl *c)
{
	struct epoll_event ev = { .events = EPOLLIN };
	sigset_t mask;
	int ep, sfd, rc = 0;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (sfd < 0 || ep < 0) {
		rc = -errno;
		goto out;
	}
	ev.data.fd = sfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev);
	if (c->ng.fd >= 0) {
		ev.data.fd = c->ng.fd;
		epoll_ctl(ep, EPOLL_CTL_ADD, c->ng.fd, &ev);
	}
	if (ctl_sock_fd(c) >= 0) {
		ev.data.fd = ctl_sock_fd(c);
		epoll_ctl(ep, EPOLL_CTL_ADD, ev.data.fd, &ev);
	}
	if (ctl_metrics_fd(c) >= 0) {
		ev.data.fd = ctl_metrics_fd(c);
		epoll_ctl(ep, EPOLL_CTL_ADD, ev.data.fd, &ev);
	}
	ctl_now_ms(c);
	ctl_dp_poll(&c->dp, c->now_ms, true);
	while (!c->stop) {
		struct epoll_event evs[4];
		int n = epoll_wait(ep, evs, 4, TICK_MS);

		for (int i = 0; i < n; i++) {
			if (evs[i].data.fd == sfd) {
				struct signalfd_siginfo si;

				if (read(sfd, &si, sizeof(si)) == sizeof(si)) {
					MR_LOG(&ctl_log_ng, NOTICE, "signal %u: stopping", si.ssi_signo);
					c->stop = 1;
				}
			} else if (evs[i].data.fd == c->ng.fd) {
				ctl_ng_readable(c);
			} else if (evs[i].data.fd == ctl_sock_fd(c)) {
				ctl_sock_ready(c);
			}
		}
		ctl_metrics_run(c);	/* its ready sockets and its connection timeouts */
		ctl_tick(c);
	}
out:
	if (ep >= 0)
		close(ep);
	if (sfd >= 0)
		close(sfd);
	return rc;
}
