/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>

#include "sdp/sdp.h"

int mr_sdp_write(const struct mr_sdp *sdp, const struct mr_sdp_edit *edit,
		 uint8_t *out, size_t cap, size_t *out_len, const char **why)
{
	(void)edit;
	if (sdp->len > cap) {
		if (why)
			*why = "output buffer too small";
		return -ENOSPC;
	}
	memcpy(out, sdp->buf, sdp->len);
	*out_len = sdp->len;
	return 0;
}
