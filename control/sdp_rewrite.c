/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Offer/answer media handling on top of lib/sdp: what a party's SDP says
 * about each stream, and the SDP we pass on, which differs from the one
 * received only in connection addresses, media ports, a=rtcp, the origin
 * (when asked), and the attributes the request's flags remove.
 */
#include <errno.h>
#include <string.h>

#include "sdp/sdp.h"

#include "codec.h"
#include "ctl.h"
#include "session.h"

static void ip_from_conn(const struct mr_sdp_conn *cn, struct mr_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	ip->family = cn->af == MR_SDP_AF_IP6 ? 6 : 4;
	memcpy(ip->addr, cn->addr, ip->family == 6 ? 16 : 4);
}

int ctl_sdp_remote(const struct mr_sdp *sdp, unsigned i, const struct ctl_req *r,
		   struct ctl_remote *out, const char **why)
{
	const struct mr_sdp_media *m = &sdp->media[i];
	const struct mr_sdp_conn *cn = mr_sdp_media_conn(sdp, i);
	struct mr_ip ip;

	memset(out, 0, sizeof(*out));
	out->dir = m->dir ? m->dir : MR_SDP_DIR_SENDRECV;
	if (m->port == 0) {
		out->disabled = true;
		out->known = true;
		return 0;
	}
	if (cn == NULL || !cn->present) {
		*why = "media section without a connection address (c=)";
		return -EBADMSG;
	}
	ip_from_conn(cn, &ip);
	out->hold = cn->is_hold;
	if (!out->hold) {
		if (r->media_address.family)
			ip = r->media_address;
		else if ((r->flags & CTL_REQ_F_SIP_SOURCE) && r->received_from.family)
			ip = r->received_from;
	}
	out->rtp.ip = ip;
	out->rtp.port = m->port;
	out->rtcp_mux = m->rtcp_mux && !(r->flags & CTL_REQ_F_MUX_DEMUX);
	if (m->has_rtcp) {
		out->rtcp.ip = ip;
		if (m->rtcp_conn.present && !out->hold)
			ip_from_conn(&m->rtcp_conn, &out->rtcp.ip);
		out->rtcp.port = m->rtcp_port;
	} else {
		out->rtcp.ip = ip;
		out->rtcp.port = m->port == 65535 ? 0 : (uint16_t)(m->port + 1);
	}
	out->known = true;
	return 0;
}

static bool proto_is_dtls(struct mr_str p)
{
	return mr_str_eq_nocase(p, "UDP/TLS/RTP/SAVP") || mr_str_eq_nocase(p, "UDP/TLS/RTP/SAVPF");
}

/*
 * transport-protocol: RTP/AVP, RTP/AVPF, RTP/SAVP and RTP/SAVPF (SDES,
 * control/sdes.c). DTLS-SRTP is not done here.
 */
int ctl_sdp_check_transport(const struct mr_sdp *sdp, const struct ctl_req *r, const char **why)
{
	for (unsigned i = 0; sdp && i < sdp->n_media; i++) {
		if (proto_is_dtls(sdp->media[i].proto) && sdp->media[i].port != 0) {
			*why = "DTLS-SRTP not supported";
			return -ENOTSUP;
		}
	}
	if (r->transport.len == 0)
		return 0;
	if (proto_is_dtls(r->transport)) {
		*why = "DTLS-SRTP not supported";
		return -ENOTSUP;
	}
	if (!ctl_sdes_proto_ok(r->transport)) {
		*why = "unsupported transport-protocol";
		return -EINVAL;
	}
	return 0;
}

int ctl_sdp_rewrite(const struct ctl *c, const struct ctl_call *call, const struct mr_sdp *sdp,
		    unsigned to, const struct ctl_req *r, bool strip_mux,
		    uint8_t *out, size_t cap, size_t *out_len, const char **why)
{
	struct mr_sdp_edit ed;
	struct mr_ip adv, key;
	char addr[MR_IP_STRLEN];
	struct mr_str a;
	uint8_t af;
	int rc;

	rc = ctl_iface_addr(c->cfg, call->iface[to], call->af[to], &key, &adv);
	if (rc < 0) {
		*why = "interface has no address of the requested family";
		return rc;
	}
	/* The address of this party's ports (one per party: session.c). */
	for (unsigned i = 0; i < call->n_streams; i++) {
		const struct ctl_local *l = &call->streams[i].local[to];

		if (l->port && l->iface == call->iface[to] && l->adv.family == adv.family) {
			adv = l->adv;
			break;
		}
	}
	mr_ip_format(&adv, addr, sizeof(addr));
	a = mr_str_cstr(addr);
	af = adv.family == 6 ? MR_SDP_AF_IP6 : MR_SDP_AF_IP4;

	mr_sdp_edit_init(&ed);
	if (r->flags & CTL_REQ_F_REPLACE_ORIGIN || call->flags & CTL_CALL_F_REPLACE_ORIGIN) {
		ed.origin_addr = a;
		ed.origin_af = af;
	}
	/* A session c= of 0.0.0.0 (hold) stays; any other is ours. */
	if (sdp->conn.present && !sdp->conn.is_hold) {
		ed.conn_addr = a;
		ed.conn_af = af;
	}
	if (call->flags & CTL_CALL_F_ICE_REMOVE)
		ed.drop_ice = true;
	for (unsigned i = 0; i < sdp->n_media && i < call->n_streams; i++) {
		const struct mr_sdp_media *m = &sdp->media[i];
		const struct ctl_stream *st = &call->streams[i];
		const struct mr_sdp_conn *cn = mr_sdp_media_conn(sdp, i);
		struct mr_sdp_edit_media *em = &ed.media[i];

		if (call->flags & CTL_CALL_F_ICE_REMOVE)
			em->drop_ice = true;
		if (m->port == 0)
			continue;	/* a disabled stream is passed on as it is */
		if (cn && !cn->is_hold) {
			em->conn_addr = a;
			em->conn_af = af;
		}
		em->set_port = true;
		em->port = st->local[to].port;
		if (m->has_rtcp) {
			em->set_rtcp = true;
			/* "a=rtcp:<same port>" with rtcp-mux keeps that form. */
			em->rtcp_port = (uint16_t)(st->local[to].port +
						   (m->rtcp_mux && !strip_mux && m->rtcp_port == m->port ? 0 : 1));
			if (m->rtcp_conn.present) {
				em->rtcp_addr = a;
				em->rtcp_af = af;
			}
		}
		if (strip_mux && m->rtcp_mux)
			em->drop_rtcp_mux = true;
		if (r->transport.len && m->is_rtp && !mr_str_eq(m->proto, r->transport))
			em->proto = r->transport;
		ctl_sdes_apply(i, em);
		ctl_codec_apply(i, em);
	}
	rc = mr_sdp_write(sdp, &ed, out, cap, out_len, why);
	if (rc == -ENOSPC)
		*why = "rewritten SDP too large";
	return rc;
}
