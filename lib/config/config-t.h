/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mrelay's configuration: one INI file read by every process, with rtpengine's
 * key names where they mean the same thing. Read-only after start-up.
 */
#ifndef MR_CONFIG_T_H
#define MR_CONFIG_T_H

#include <stdbool.h>
#include <stdint.h>

#include "common/mr_addr.h"

#define MR_CFG_MAX_IFACES 8
#define MR_CFG_MAX_TENANTS 64
#define MR_CFG_NAME_LEN 32
#define MR_CFG_MAX_ADDRS 256	/* addresses per interface and family */

/* [interface NAME] */
struct mr_cfg_iface {
	char name[MR_CFG_NAME_LEN];
	char device[256];	/* PCI address or vdev spec, e.g. "net_tap0,iface=mr0" */
	struct mr_ip addr4;	/* the first IPv4 address (= addrs4[0]): ARP probes, on-link test */
	uint8_t prefix4;	/* of every IPv4 address of the interface */
	struct mr_ip addr6;	/* the first IPv6 address (= addrs6[0]) */
	uint8_t prefix6;
	struct mr_ip gateway4;	/* gateway = */
	struct mr_ip gateway6;	/* gateway6 = */
	struct mr_ip advertised4; /* advertised-address = (put in SDP instead of addr4, e.g. behind 1:1 NAT) */
	uint16_t vlan;		/* vlan = 0..4094 */
	uint16_t port_min;	/* port-min = (default: [control]'s) */
	uint16_t port_max;	/* port-max = */
	uint8_t mac[6];		/* mac = (for devices without one of their own) */
	bool has_mac;
	int line;		/* where the section started */
	/*
	 * Every address, in the order given: address = 198.18.0.1/24, 198.18.0.2
	 * (a list; lines add up), address-range = 198.18.0.10-198.18.0.41, and
	 * address6 likewise. A flow key is (interface, address, port), so each
	 * address adds a port range's worth of flows.
	 */
	uint16_t n_addrs4, n_addrs6;
	struct mr_ip addrs4[MR_CFG_MAX_ADDRS];
	struct mr_ip addrs6[MR_CFG_MAX_ADDRS];
	int lines4[MR_CFG_MAX_ADDRS];	/* where each was given (0 = built in) */
	int lines6[MR_CFG_MAX_ADDRS];
};

/* [tenant NAME] */
struct mr_cfg_tenant {
	char name[MR_CFG_NAME_LEN];
	uint32_t iface_mask;	/* interfaces = a, b (bit per interface index) */
	uint32_t max_calls;	/* max-calls = (0 = unlimited) */
	uint32_t max_flows;	/* max-flows = (0 = unlimited) */
	int line;
};

/* [dataplane] */
struct mr_cfg_dataplane {
	char instance[MR_CFG_NAME_LEN];	/* instance = default (shm /mrelay-<instance>) */
	char eal[1024];			/* eal = extra EAL arguments */
	uint16_t workers;		/* workers = 1 (worker lcores; 0 = the main lcore forwards too) */
	uint32_t flows;			/* flows = 131072 (flow table capacity) */
	uint32_t mbufs;			/* mbufs = 0 (0 = sized from ports and queues) */
	uint32_t learn_window_ms;	/* learn-window = 10000 */
	uint32_t idle_report_s;		/* idle-report = 30 */
	uint8_t ttl;			/* ttl = 64 (outgoing TTL / hop limit) */
	uint32_t transcoders;		/* transcoders = 256 (codec states ready; about 100 KiB each; 0 = none) */
	uint16_t media_lcores;		/* media-lcores = 0 (lcores that transcode, fed by the workers over
					 * rings; 0 = workers transcode inline) */
	uint32_t media_ring;		/* media-ring = 4096 (packets waiting per media lcore, power of 2) */
};

/* [control] */
struct mr_cfg_control {
	struct mr_sockaddr listen_ng;	/* listen-ng = 127.0.0.1:2223 */
	char ctl_socket[108];		/* ctl-socket = /run/mrelay/<instance>.sock */
	struct mr_sockaddr metrics;	/* listen-http = 127.0.0.1:9103 (Prometheus /metrics) */
	char journal[256];		/* journal = /var/lib/mrelay/<instance>.db ("" = none) */
	char quality_log[256];		/* quality-log = (default: none, no call records; e.g. /var/log/mrelay/calls.jsonl) */
	uint16_t port_min;		/* port-min = 30000 */
	uint16_t port_max;		/* port-max = 39999 */
	uint32_t timeout_s;		/* timeout = 60 (no media: delete the call) */
	uint32_t silent_timeout_s;	/* silent-timeout = 3600 (on hold) */
	uint32_t final_timeout_s;	/* final-timeout = 0 (0 = none) */
	uint32_t delete_delay_s;	/* delete-delay = 0 */
	uint32_t ack_timeout_ms;	/* ack-timeout = 500 */
	uint32_t max_sessions;		/* max-sessions = 0 (0 = unlimited) */
};

struct mr_config {
	char path[256];			/* "" = built-in defaults only */
	struct mr_cfg_dataplane dp;
	struct mr_cfg_control ctl;
	unsigned n_ifaces;
	struct mr_cfg_iface ifaces[MR_CFG_MAX_IFACES];
	unsigned n_tenants;
	struct mr_cfg_tenant tenants[MR_CFG_MAX_TENANTS];
};

#endif
