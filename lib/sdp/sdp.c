/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>

#include "sdp/sdp.h"

int mr_sdp_parse(const uint8_t *buf, size_t len, struct mr_sdp *out, const char **why)
{
	(void)buf;
	(void)len;
	memset(out, 0, sizeof(*out));
	if (why)
		*why = "SDP parser not implemented yet";
	return -EBADMSG;
}

const struct mr_sdp_conn *mr_sdp_media_conn(const struct mr_sdp *sdp, unsigned i)
{
	if (i >= sdp->n_media)
		return NULL;
	if (sdp->media[i].conn.present)
		return &sdp->media[i].conn;
	return sdp->conn.present ? &sdp->conn : NULL;
}

const struct mr_sdp_attr *mr_sdp_attr_find(const struct mr_sdp *sdp, int media,
					   const char *name)
{
	(void)sdp;
	(void)media;
	(void)name;
	return NULL;
}

const struct mr_sdp_fmt *mr_sdp_media_fmt_find(const struct mr_sdp_media *m, unsigned pt)
{
	for (unsigned i = 0; i < m->n_fmt; i++)
		if (m->fmt[i].pt >= 0 && (unsigned)m->fmt[i].pt == pt)
			return &m->fmt[i];
	return NULL;
}

const char *mr_sdp_dir_name(enum mr_sdp_dir dir)
{
	switch (dir) {
	case MR_SDP_DIR_SENDRECV: return "sendrecv";
	case MR_SDP_DIR_SENDONLY: return "sendonly";
	case MR_SDP_DIR_RECVONLY: return "recvonly";
	case MR_SDP_DIR_INACTIVE: return "inactive";
	default: return "";
	}
}
