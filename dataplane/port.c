/* SPDX-License-Identifier: BSD-3-Clause */
/* Ports and queues: from [interface NAME] sections to started DPDK ports. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "port.h"

RTE_LOG_REGISTER_SUFFIX(dp_port_logtype, port, INFO);
#define LOG(level, ...) rte_log(RTE_LOG_##level, dp_port_logtype, "port: " __VA_ARGS__)

#define NB_RXD 1024
#define NB_TXD 1024

static uint16_t rxq_count[RTE_MAX_ETHPORTS];

/* "0000:01:00.0" or "01:00.0": a PCI device; anything else is a vdev spec. */
static bool is_pci(const char *dev)
{
	unsigned d, b, s, f;
	char c;

	return sscanf(dev, "%x:%x:%x.%x%c", &d, &b, &s, &f, &c) == 4 ||
	       sscanf(dev, "%x:%x.%x%c", &b, &s, &f, &c) == 3;
}

/* The ethdev name of a device spec: up to the first comma. */
static void dev_name(const char *dev, char *buf, size_t len)
{
	size_t n = strcspn(dev, ",");

	if (n >= len)
		n = len - 1;
	memcpy(buf, dev, n);
	buf[n] = '\0';
}

int dp_port_eal_args(const struct mr_config *cfg, char **argv, int argc, int max)
{
	for (unsigned i = 0; i < cfg->n_ifaces; i++) {
		const char *dev = cfg->ifaces[i].device;
		bool dup = false;

		for (unsigned j = 0; j < i; j++)
			if (strcmp(cfg->ifaces[j].device, dev) == 0)
				dup = true;
		if (dup)
			continue;
		if (argc + 2 > max)
			return -E2BIG;
		argv[argc++] = is_pci(dev) ? "-a" : "--vdev";
		argv[argc++] = (char *)(uintptr_t)dev;
	}
	return argc;
}

static int port_setup(struct dp_ctx *ctx, uint16_t pid, struct dp_iface *ifc, char *err,
		      size_t errlen)
{
	struct rte_eth_dev_info di;
	struct rte_eth_conf conf;
	uint16_t nrx, ntx, nrxd = NB_RXD, ntxd = NB_TXD;
	int socket = rte_eth_dev_socket_id(pid);
	uint64_t want_tx = RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	uint64_t want_rx = RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM;
	int rc;

	if (socket < 0)
		socket = (int)rte_socket_id();
	rc = rte_eth_dev_info_get(pid, &di);
	if (rc) {
		snprintf(err, errlen, "%s: cannot get device info: %s", ifc->name, strerror(-rc));
		return rc;
	}
	memset(&conf, 0, sizeof(conf));
	nrx = (uint16_t)RTE_MIN(ctx->n_lcores, di.max_rx_queues);
	ifc->has_rss = (di.flow_type_rss_offloads & RTE_ETH_RSS_NONFRAG_IPV4_UDP) != 0;
	if (nrx > 1 && di.flow_type_rss_offloads != 0) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf =
			di.flow_type_rss_offloads & (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP);
	} else if (!(nrx > 1 && ctx->test.rxq_per_lcore)) {
		nrx = 1;	/* one queue, polled by the first lcore */
	}
	ntx = (uint16_t)(ctx->n_lcores + ctx->n_media);
	if (di.max_tx_queues < ntx) {
		snprintf(err, errlen, "%s: %u TX queues needed (one per forwarding and media lcore), "
			 "device has %u", ifc->name, ntx, di.max_tx_queues);
		return -EINVAL;
	}
	conf.txmode.offloads = di.tx_offload_capa & want_tx;
	if (di.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE;	/* one pool, refcnt 1 */
	conf.rxmode.offloads = di.rx_offload_capa & want_rx;
	rc = rte_eth_dev_configure(pid, nrx, ntx, &conf);
	if (rc) {
		snprintf(err, errlen, "%s: configure: %s", ifc->name, strerror(-rc));
		return rc;
	}
	rte_eth_dev_adjust_nb_rx_tx_desc(pid, &nrxd, &ntxd);
	for (uint16_t q = 0; q < nrx; q++) {
		rc = rte_eth_rx_queue_setup(pid, q, nrxd, (unsigned)socket, NULL, ctx->pool);
		if (rc) {
			snprintf(err, errlen, "%s: RX queue %u: %s", ifc->name, q, strerror(-rc));
			return rc;
		}
	}
	for (uint16_t q = 0; q < ntx; q++) {
		struct rte_eth_txconf txc = di.default_txconf;

		txc.offloads = conf.txmode.offloads;
		rc = rte_eth_tx_queue_setup(pid, q, ntxd, (unsigned)socket, &txc);
		if (rc) {
			snprintf(err, errlen, "%s: TX queue %u: %s", ifc->name, q, strerror(-rc));
			return rc;
		}
	}
	rxq_count[pid] = nrx;
	ifc->tx_offloads = conf.txmode.offloads & want_tx;
	ifc->n_txq = ntx;
	rc = rte_eth_dev_start(pid);
	if (rc) {
		snprintf(err, errlen, "%s: start: %s", ifc->name, strerror(-rc));
		return rc;
	}
	rte_eth_allmulticast_enable(pid);	/* NDP; not every vdev has it */
	LOG(INFO, "%s: port %u, %u RX queue(s)%s, %u TX queue(s), tx offloads 0x%" PRIx64 "\n",
	    ifc->name, pid, nrx, conf.rxmode.mq_mode == RTE_ETH_MQ_RX_RSS ? " (RSS)" : "", ntx,
	    ifc->tx_offloads);
	return 0;
}

static void link_local(struct dp_iface *ifc)
{
	uint8_t *a = ifc->addr6_ll.addr;
	const uint8_t *m = ifc->mac.addr_bytes;

	memset(&ifc->addr6_ll, 0, sizeof(ifc->addr6_ll));
	ifc->addr6_ll.family = 6;
	a[0] = 0xfe;
	a[1] = 0x80;
	a[8] = m[0] ^ 0x02;
	a[9] = m[1];
	a[10] = m[2];
	a[11] = 0xff;
	a[12] = 0xfe;
	a[13] = m[3];
	a[14] = m[4];
	a[15] = m[5];
}

_Static_assert(DP_MAX_ADDRS == MR_CFG_MAX_ADDRS, "one bound for config and dataplane");

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_ip6(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

/* Every address of the interface, sorted for dp_iface_has4/6 (iface.h). */
static void addrs_copy(struct dp_iface *ifc, const struct mr_cfg_iface *ci)
{
	ifc->n_addrs4 = ci->n_addrs4;
	for (unsigned i = 0; i < ci->n_addrs4; i++) {
		const uint8_t *a = ci->addrs4[i].addr;

		ifc->addrs4[i] = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
				 (uint32_t)a[2] << 8 | a[3];
	}
	qsort(ifc->addrs4, ifc->n_addrs4, sizeof(ifc->addrs4[0]), cmp_u32);
	ifc->n_addrs6 = ci->n_addrs6;
	for (unsigned i = 0; i < ci->n_addrs6; i++)
		memcpy(ifc->addrs6[i], ci->addrs6[i].addr, 16);
	qsort(ifc->addrs6, ifc->n_addrs6, sizeof(ifc->addrs6[0]), cmp_ip6);
}

int dp_port_init(struct dp_ctx *ctx, char *err, size_t errlen)
{
	const struct mr_config *cfg = &ctx->cfg;
	unsigned n_mbufs = cfg->dp.mbufs;
	int rc;

	if (cfg->n_ifaces == 0 || cfg->n_ifaces > DP_MAX_IFACES) {
		snprintf(err, errlen, "need 1..%u interfaces, config has %u", DP_MAX_IFACES,
			 cfg->n_ifaces);
		return -EINVAL;
	}
	if (n_mbufs == 0)
		n_mbufs = cfg->n_ifaces * (NB_RXD * ctx->n_lcores + NB_TXD * (ctx->n_lcores + ctx->n_media)) +
			  (ctx->n_lcores + ctx->n_media) * 1024 + ctx->n_media * cfg->dp.media_ring + 4096;
	ctx->pool = rte_pktmbuf_pool_create("dp_mbufs", n_mbufs, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
					    (int)rte_socket_id());
	if (ctx->pool == NULL) {
		snprintf(err, errlen, "mbuf pool of %u: %s", n_mbufs, rte_strerror(rte_errno));
		return -rte_errno;
	}
	ctx->n_ifaces = cfg->n_ifaces;
	for (unsigned i = 0; i < cfg->n_ifaces; i++) {
		const struct mr_cfg_iface *ci = &cfg->ifaces[i];
		struct dp_iface *ifc = &ctx->ifaces[i];
		char name[RTE_ETH_NAME_MAX_LEN];
		uint16_t pid;
		bool seen = false;

		memset(ifc, 0, sizeof(*ifc));
		snprintf(ifc->name, sizeof(ifc->name), "%s", ci->name);
		ifc->index = (uint16_t)i;
		ifc->vlan = ci->vlan;
		ifc->addr4 = ci->addr4;
		ifc->prefix4 = ci->prefix4;
		ifc->addr6 = ci->addr6;
		ifc->prefix6 = ci->prefix6;
		ifc->gateway4 = ci->gateway4;
		ifc->gateway6 = ci->gateway6;
		addrs_copy(ifc, ci);
		dev_name(ci->device, name, sizeof(name));
		if (rte_eth_dev_get_port_by_name(name, &pid) != 0) {
			snprintf(err, errlen, "interface %s: no DPDK port '%s' (device %s)", ci->name,
				 name, ci->device);
			return -ENODEV;
		}
		ifc->port_id = pid;
		for (unsigned j = 0; j < i; j++) {
			if (ctx->ifaces[j].port_id == pid) {
				if (ctx->ifaces[j].vlan == ifc->vlan) {
					snprintf(err, errlen, "interfaces %s and %s: same device and VLAN",
						 ctx->ifaces[j].name, ci->name);
					return -EINVAL;
				}
				seen = true;
				ifc->tx_offloads = ctx->ifaces[j].tx_offloads;
				ifc->n_txq = ctx->ifaces[j].n_txq;
				ifc->has_rss = ctx->ifaces[j].has_rss;
			}
		}
		if (!seen) {
			if (ctx->n_ports >= DP_MAX_PORTS) {
				snprintf(err, errlen, "too many ports");
				return -EINVAL;
			}
			if (ci->has_mac) {
				struct rte_ether_addr mac;

				memcpy(mac.addr_bytes, ci->mac, 6);
				rte_eth_dev_default_mac_addr_set(pid, &mac);
			}
			rc = port_setup(ctx, pid, ifc, err, errlen);
			if (rc)
				return rc;
			ctx->ports[ctx->n_ports++] = pid;
		}
		if (ci->has_mac)
			memcpy(ifc->mac.addr_bytes, ci->mac, 6);
		else
			rte_eth_macaddr_get(pid, &ifc->mac);
		link_local(ifc);
	}
	return 0;
}

uint16_t dp_port_rxq_count(uint16_t port_id)
{
	return port_id < RTE_MAX_ETHPORTS ? rxq_count[port_id] : 0;
}

void dp_port_publish(struct dp_ctx *ctx)
{
	for (unsigned i = 0; i < ctx->n_ifaces && i < MR_SHM_MAX_IFACES; i++) {
		const struct dp_iface *ifc = &ctx->ifaces[i];
		struct mr_iface_info *ii = &ctx->shm.ifaces[i];
		struct rte_eth_stats st;
		struct rte_eth_link link;

		snprintf(ii->name, sizeof(ii->name), "%s", ifc->name);
		ii->port_id = ifc->port_id;
		ii->vlan = ifc->vlan;
		memcpy(ii->mac, ifc->mac.addr_bytes, 6);
		ii->addr4 = ifc->addr4;
		ii->addr6 = ifc->addr6;
		ii->prefix4 = ifc->prefix4;
		ii->prefix6 = ifc->prefix6;
		ii->n_addrs4 = ifc->n_addrs4;
		ii->n_addrs6 = ifc->n_addrs6;
		if (rte_eth_link_get_nowait(ifc->port_id, &link) == 0)
			ii->up = link.link_status == RTE_ETH_LINK_UP;
		if (rte_eth_stats_get(ifc->port_id, &st) == 0) {
			ii->rx_packets = st.ipackets;
			ii->tx_packets = st.opackets;
			ii->rx_bytes = st.ibytes;
			ii->tx_bytes = st.obytes;
			ii->rx_missed = st.imissed + st.rx_nombuf;
			ii->tx_errors = st.oerrors;
		}
	}
}

void dp_port_close(struct dp_ctx *ctx)
{
	for (unsigned i = 0; i < ctx->n_ports; i++) {
		rte_eth_dev_stop(ctx->ports[i]);
		rte_eth_dev_close(ctx->ports[i]);
	}
	ctx->n_ports = 0;
}
