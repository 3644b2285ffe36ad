/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Prometheus /metrics on [control] listen-http (default 127.0.0.1:9103),
 * served by libmicrohttpd in control's own epoll loop (MHD_USE_EPOLL, no
 * thread of its own: the figures are read where they live, without locks).
 * Text exposition format 0.0.4: HELP and TYPE before each family.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "ctl.h"
#include "metrics.h"
#include "session.h"

MR_LOG_TYPE(ctl_log_metrics, "metrics");

/* Histogram buckets (upper bounds; +Inf added). */
static const double mos_le[] = { 1.0, 2.0, 2.5, 3.0, 3.5, 3.8, 4.0, 4.2, 4.4 };
static const double loss_le[] = { 0.0, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0 };
static const double jitter_le[] = { 1, 5, 10, 20, 30, 50, 100, 200, 500 };

#define NB 10	/* buckets incl. +Inf, at least as many as any list above + 1 */

struct hist {
	uint64_t b[NB];
	uint64_t count;
	double sum;
};

struct ctl_metrics {
	struct MHD_Daemon *d;
	int fd;
	struct hist mos, loss, jitter;
	uint64_t scrapes;
};

static void hist_add(struct hist *h, const double *le, unsigned n, double v)
{
	for (unsigned i = 0; i < n; i++)
		if (v <= le[i])
			h->b[i]++;
	h->b[n]++;
	h->count++;
	h->sum += v;
}

void ctl_metrics_observe_call(struct ctl *c, const struct ctl_quality q[2])
{
	struct ctl_metrics *m = c->metrics;

	if (m == NULL)
		return;
	for (unsigned s = 0; s < 2; s++) {
		if (!q[s].have_rtp)
			continue;
		hist_add(&m->mos, mos_le, sizeof(mos_le) / sizeof(mos_le[0]), q[s].mos);
		hist_add(&m->loss, loss_le, sizeof(loss_le) / sizeof(loss_le[0]), q[s].loss_pct);
		hist_add(&m->jitter, jitter_le, sizeof(jitter_le) / sizeof(jitter_le[0]), q[s].jitter_ms);
	}
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value with \, " and newline escaped. */
static const char *esc(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s && o + 3 < len; s++) {
		if (*s == '\\' || *s == '"') {
			buf[o++] = '\\';
			buf[o++] = *s;
		} else if (*s == '\n') {
			buf[o++] = '\\';
			buf[o++] = 'n';
		} else {
			buf[o++] = *s;
		}
	}
	buf[o] = '\0';
	return buf;
}

static void hist_write(FILE *f, const char *name, const char *help, const struct hist *h,
		       const double *le, unsigned n)
{
	family(f, name, "histogram", help);
	for (unsigned i = 0; i < n; i++)
		fprintf(f, "%s_bucket{le=\"%g\"} %llu\n", name, le[i], (unsigned long long)h->b[i]);
	fprintf(f, "%s_bucket{le=\"+Inf\"} %llu\n", name, (unsigned long long)h->b[n]);
	fprintf(f, "%s_sum %.6f\n%s_count %llu\n", name, h->sum, name, (unsigned long long)h->count);
}

static void write_all(struct ctl *c, FILE *f)
{
	const struct mr_shm *shm = &c->dp.shm;
	bool up = ctl_dp_is_ready(&c->dp);
	struct ctl_metrics *m = c->metrics;
	char e1[128], e2[128];

	family(f, "mrelay_up", "gauge", "1 while mrelay-control serves");
	fprintf(f, "mrelay_up 1\n");
	family(f, "mrelay_dataplane_up", "gauge", "1 while control is attached to a running dataplane");
	fprintf(f, "mrelay_dataplane_up %d\n", up ? 1 : 0);
	family(f, "mrelay_calls", "gauge", "Calls in progress");
	fprintf(f, "mrelay_calls %u\n", c->sess.n_calls);
	family(f, "mrelay_calls_total", "counter", "Calls created since control started");
	fprintf(f, "mrelay_calls_total %llu\n", (unsigned long long)c->sess.total_calls);
	family(f, "mrelay_call_timeouts_total", "counter", "Calls removed for lack of media");
	fprintf(f, "mrelay_call_timeouts_total %llu\n", (unsigned long long)c->sess.timeouts);
	family(f, "mrelay_flows", "gauge", "Flows installed in the dataplane");
	fprintf(f, "mrelay_flows %u\n", c->sess.n_flows_installed);

	family(f, "mrelay_ng_requests_total", "counter", "ng requests by command");
	for (unsigned i = 0; i < 16; i++) {
		const char *name = ctl_ng_cmd_name(i);

		if (name)
			fprintf(f, "mrelay_ng_requests_total{command=\"%s\"} %llu\n", name,
				(unsigned long long)c->ng.cmd_count[i]);
	}
	family(f, "mrelay_ng_errors_total", "counter", "ng requests answered with an error, by command");
	for (unsigned i = 0; i < 16; i++) {
		const char *name = ctl_ng_cmd_name(i);

		if (name)
			fprintf(f, "mrelay_ng_errors_total{command=\"%s\"} %llu\n", name,
				(unsigned long long)c->ng.cmd_errors[i]);
	}
	family(f, "mrelay_ng_retransmits_total", "counter", "ng requests answered from the reply cache");
	fprintf(f, "mrelay_ng_retransmits_total %llu\n", (unsigned long long)c->ng.retransmits);

	family(f, "mrelay_ports_in_use", "gauge", "Media port pairs (RTP+RTCP) in use per interface");
	for (unsigned i = 0; i < c->cfg->n_ifaces; i++)
		fprintf(f, "mrelay_ports_in_use{interface=\"%s\"} %u\n",
			esc(c->cfg->ifaces[i].name, e1, sizeof(e1)),
			c->ports[i].n - ctl_ports_free_count(&c->ports[i]));
	family(f, "mrelay_ports_capacity", "gauge", "Media port pairs per interface");
	for (unsigned i = 0; i < c->cfg->n_ifaces; i++)
		fprintf(f, "mrelay_ports_capacity{interface=\"%s\"} %u\n",
			esc(c->cfg->ifaces[i].name, e1, sizeof(e1)), c->ports[i].n);

	if (up) {
		static const struct {
			const char *name, *help;
			size_t off;
		} ifc[] = {
			{ "mrelay_interface_rx_packets_total", "Packets received per interface",
			  offsetof(struct mr_iface_info, rx_packets) },
			{ "mrelay_interface_tx_packets_total", "Packets sent per interface",
			  offsetof(struct mr_iface_info, tx_packets) },
			{ "mrelay_interface_rx_bytes_total", "Bytes received per interface",
			  offsetof(struct mr_iface_info, rx_bytes) },
			{ "mrelay_interface_tx_bytes_total", "Bytes sent per interface",
			  offsetof(struct mr_iface_info, tx_bytes) },
			{ "mrelay_interface_rx_missed_total", "Packets the NIC could not deliver",
			  offsetof(struct mr_iface_info, rx_missed) },
			{ "mrelay_interface_tx_errors_total", "Transmit errors per interface",
			  offsetof(struct mr_iface_info, tx_errors) },
		};
		unsigned ni = shm->hdr->n_ifaces < MR_SHM_MAX_IFACES ? shm->hdr->n_ifaces : MR_SHM_MAX_IFACES;
		unsigned nw = shm->hdr->n_workers < MR_SHM_MAX_WORKERS ? shm->hdr->n_workers :
			      MR_SHM_MAX_WORKERS;
		unsigned nd = shm->hdr->n_drops < MR_SHM_MAX_DROPS ? shm->hdr->n_drops : MR_SHM_MAX_DROPS;

		for (size_t k = 0; k < sizeof(ifc) / sizeof(ifc[0]); k++) {
			family(f, ifc[k].name, "counter", ifc[k].help);
			for (unsigned i = 0; i < ni; i++) {
				const uint64_t *v = (const uint64_t *)((const char *)&shm->ifaces[i] +
								       ifc[k].off);
				char nm[MR_SHM_NAME_LEN + 1];

				snprintf(nm, sizeof(nm), "%.*s", MR_SHM_NAME_LEN, shm->ifaces[i].name);
				fprintf(f, "%s{interface=\"%s\"} %llu\n", ifc[k].name,
					esc(nm, e1, sizeof(e1)),
					(unsigned long long)__atomic_load_n(v, __ATOMIC_RELAXED));
			}
		}
		family(f, "mrelay_drops_total", "counter", "Packets dropped, by reason and worker");
		for (unsigned d = 0; d < nd; d++) {
			char nm[MR_SHM_NAME_LEN + 1];

			snprintf(nm, sizeof(nm), "%.*s", MR_SHM_NAME_LEN, shm->hdr->drop_names[d]);
			for (unsigned w = 0; w < nw; w++)
				fprintf(f, "mrelay_drops_total{reason=\"%s\",worker=\"%u\"} %llu\n",
					esc(nm, e2, sizeof(e2)), w,
					(unsigned long long)__atomic_load_n(&shm->workers[w].drops[d],
									   __ATOMIC_RELAXED));
		}
		family(f, "mrelay_worker_rx_packets_total", "counter", "Packets received per worker lcore");
		for (unsigned w = 0; w < nw; w++)
			fprintf(f, "mrelay_worker_rx_packets_total{worker=\"%u\"} %llu\n", w,
				(unsigned long long)shm->workers[w].rx_packets);
		family(f, "mrelay_worker_tx_packets_total", "counter", "Packets sent per worker lcore");
		for (unsigned w = 0; w < nw; w++)
			fprintf(f, "mrelay_worker_tx_packets_total{worker=\"%u\"} %llu\n", w,
				(unsigned long long)shm->workers[w].tx_packets);
		family(f, "mrelay_worker_busy_cycles_total", "counter",
		       "TSC cycles spent on bursts with packets, per worker lcore");
		for (unsigned w = 0; w < nw; w++)
			fprintf(f, "mrelay_worker_busy_cycles_total{worker=\"%u\"} %llu\n", w,
				(unsigned long long)shm->workers[w].busy_tsc);
		family(f, "mrelay_worker_cycles_total", "counter", "TSC cycles in the loop, per worker lcore");
		for (unsigned w = 0; w < nw; w++)
			fprintf(f, "mrelay_worker_cycles_total{worker=\"%u\"} %llu\n", w,
				(unsigned long long)shm->workers[w].total_tsc);
		_Static_assert(MR_POLL_GAP_US == 50, "the help text below");
		family(f, "mrelay_worker_poll_gaps_total", "counter",
		       "Loops longer than 50 us (packets waited), per worker lcore");
		for (unsigned w = 0; w < nw; w++)
			fprintf(f, "mrelay_worker_poll_gaps_total{worker=\"%u\"} %llu\n", w,
				(unsigned long long)shm->workers[w].poll_gaps);
	}
	hist_write(f, "mrelay_call_mos", "MOS estimate (simplified E-model) of each party of each ended call",
		   &m->mos, mos_le, sizeof(mos_le) / sizeof(mos_le[0]));
	hist_write(f, "mrelay_call_loss_percent", "RTP loss in percent, each party of each ended call",
		   &m->loss, loss_le, sizeof(loss_le) / sizeof(loss_le[0]));
	hist_write(f, "mrelay_call_jitter_ms", "RTP interarrival jitter in ms, each party of each ended call",
		   &m->jitter, jitter_le, sizeof(jitter_le) / sizeof(jitter_le[0]));
	family(f, "mrelay_metrics_scrapes_total", "counter", "Scrapes of this endpoint");
	fprintf(f, "mrelay_metrics_scrapes_total %llu\n", (unsigned long long)m->scrapes);
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	struct ctl *c = cls;
	struct MHD_Response *resp;
	enum MHD_Result ret;
	unsigned status = MHD_HTTP_OK;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)version;
	(void)upload;
	(void)upload_size;
	(void)con_cls;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		static const char msg[] = "method not allowed\n";

		resp = MHD_create_response_from_buffer(sizeof(msg) - 1, (void *)msg,
						       MHD_RESPMEM_PERSISTENT);
		status = MHD_HTTP_METHOD_NOT_ALLOWED;
	} else if (strcmp(url, "/metrics") != 0) {
		static const char msg[] = "not found: try /metrics\n";

		resp = MHD_create_response_from_buffer(sizeof(msg) - 1, (void *)msg,
						       MHD_RESPMEM_PERSISTENT);
		status = MHD_HTTP_NOT_FOUND;
	} else {
		f = open_memstream(&buf, &len);
		if (f == NULL)
			return MHD_NO;
		c->metrics->scrapes++;
		write_all(c, f);
		fclose(f);
		resp = MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
		if (resp == NULL)
			free(buf);
		else
			MHD_add_response_header(resp, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	}
	if (resp == NULL)
		return MHD_NO;
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

int ctl_metrics_open(struct ctl *c)
{
	const struct mr_sockaddr *la = &c->cfg->ctl.metrics;
	struct sockaddr_storage ss;
	const union MHD_DaemonInfo *info;
	struct ctl_metrics *m;
	char a[MR_SOCKADDR_STRLEN];

	if (la->ip.family == 0 || la->port == 0)
		return 0;	/* disabled */
	memset(&ss, 0, sizeof(ss));
	if (la->ip.family == 4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(la->port);
		memcpy(&sin->sin_addr, la->ip.addr, 4);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(la->port);
		memcpy(&sin6->sin6_addr, la->ip.addr, 16);
	}
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return -ENOMEM;
	c->metrics = m;
	m->d = MHD_start_daemon(MHD_USE_EPOLL | (la->ip.family == 6 ? MHD_USE_IPv6 : 0),
				la->port, NULL, NULL, answer, c,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)32,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10,
				MHD_OPTION_END);
	if (m->d == NULL) {
		int e = errno ? errno : EADDRINUSE;

		MR_LOG(&ctl_log_metrics, ERR, "listen-http %s: cannot serve /metrics: %s",
		       mr_sockaddr_format(la, a, sizeof(a)), strerror(e));
		free(m);
		c->metrics = NULL;
		return -e;
	}
	info = MHD_get_daemon_info(m->d, MHD_DAEMON_INFO_EPOLL_FD);
	m->fd = info ? info->epoll_fd : -1;
	MR_LOG(&ctl_log_metrics, NOTICE, "/metrics on http://%s", mr_sockaddr_format(la, a, sizeof(a)));
	return 0;
}

void ctl_metrics_close(struct ctl *c)
{
	if (c->metrics == NULL)
		return;
	MHD_stop_daemon(c->metrics->d);
	free(c->metrics);
	c->metrics = NULL;
}

int ctl_metrics_fd(const struct ctl *c)
{
	return c->metrics ? c->metrics->fd : -1;
}

void ctl_metrics_run(struct ctl *c)
{
	if (c->metrics)
		MHD_run(c->metrics->d);
}
