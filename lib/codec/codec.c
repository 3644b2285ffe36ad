/* SPDX-License-Identifier: BSD-3-Clause */
/* Codec descriptors, parameter checks and the transcoder pool. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codec/codec-priv.h"
#include "shm/msg-t.h"

static_assert(MR_CODEC_PCMU == 1 && MR_CODEC_PCMA == 2 && MR_CODEC_G722 == 3 && MR_CODEC_OPUS == 4,
	      "codec ids are part of the flow spec (lib/shm/msg-t.h)");

static const struct mr_codec_desc descs[MR_CODEC_COUNT] = {
	[MR_CODEC_PCMU] = { MR_CODEC_PCMU, "PCMU", 0, 1, 8000, 8000, true },
	[MR_CODEC_PCMA] = { MR_CODEC_PCMA, "PCMA", 8, 1, 8000, 8000, true },
	[MR_CODEC_G722] = { MR_CODEC_G722, "G722", 9, 1, 8000, 16000, true },
	[MR_CODEC_OPUS] = { MR_CODEC_OPUS, "opus", MR_CODEC_PT_NONE, 2, 48000, 48000, true },
	[MR_CODEC_TELEPHONE_EVENT] = { MR_CODEC_TELEPHONE_EVENT, "telephone-event",
				       MR_CODEC_PT_NONE, 1, 8000, 8000, false },
	[MR_CODEC_CN] = { MR_CODEC_CN, "CN", 13, 1, 8000, 8000, false },
};

const struct mr_codec_desc *mr_codec_desc_get(enum mr_codec_id id)
{
	if ((unsigned)id <= MR_CODEC_NONE || (unsigned)id >= MR_CODEC_COUNT)
		return NULL;
	return &descs[id];
}

const struct mr_codec_desc *mr_codec_desc_find(const char *name, size_t name_len, uint32_t clock)
{
	for (unsigned i = MR_CODEC_NONE + 1; i < MR_CODEC_COUNT; i++) {
		const struct mr_codec_desc *d = &descs[i];

		if (strlen(d->name) != name_len || strncasecmp(d->name, name, name_len) != 0)
			continue;
		if (d->id == MR_CODEC_TELEPHONE_EVENT || d->rtp_clock == clock)
			return d;
	}
	return NULL;
}

static bool is_audio(uint8_t id)
{
	const struct mr_codec_desc *d = mr_codec_desc_get(id);

	return d != NULL && d->is_audio;
}

int mr_codec_params_check(const struct mr_codec_params *p)
{
	uint8_t ptime = p->out_ptime ? p->out_ptime : 20;

	if (!is_audio(p->in_codec) || !is_audio(p->out_codec))
		return -EINVAL;
	if (p->in_pt > 127 || p->out_pt > 127)
		return -EINVAL;
	if (ptime != 10 && ptime != 20 && ptime != 30 && ptime != 40 && ptime != 60)
		return -EINVAL;
	if (p->opus_complexity != MR_CODEC_OPUS_CX_DEFAULT && p->opus_complexity > 10)
		return -EINVAL;
	if (p->opus_max_bw != 0 && p->opus_max_bw != 8 && p->opus_max_bw != 12 &&
	    p->opus_max_bw != 16 && p->opus_max_bw != 24 && p->opus_max_bw != 48)
		return -EINVAL;
	if (p->opus_bitrate != 0 && (p->opus_bitrate < 6000 || p->opus_bitrate > 510000))
		return -EINVAL;
	if (p->in_te_pt != MR_CODEC_PT_NONE && (p->in_te_pt > 127 || p->in_te_pt == p->in_pt))
		return -EINVAL;
	if (p->out_te_pt != MR_CODEC_PT_NONE && (p->out_te_pt > 127 || p->out_te_pt == p->out_pt))
		return -EINVAL;
	if (p->in_cn_pt != MR_CODEC_PT_NONE &&
	    (p->in_cn_pt > 127 || p->in_cn_pt == p->in_pt || p->in_cn_pt == p->in_te_pt))
		return -EINVAL;
	return 0;
}

int mr_codec_params_from_spec(const struct mr_transcode_spec *spec, uint32_t ssrc, uint16_t seq,
			      uint32_t ts, struct mr_codec_params *p)
{
	memset(p, 0, sizeof(*p));
	p->in_codec = spec->in_codec;
	p->out_codec = spec->out_codec;
	p->in_pt = spec->in_pt;
	p->out_pt = spec->out_pt;
	p->in_te_pt = spec->in_te_pt;
	p->out_te_pt = spec->out_te_pt;
	p->in_cn_pt = spec->in_cn_pt;
	p->out_ptime = spec->out_ptime;
	p->opus_complexity = spec->opus_complexity;
	p->opus_max_bw = spec->opus_max_bw;
	p->flags = spec->flags;
	p->opus_bitrate = spec->opus_bitrate;
	p->ssrc = ssrc;
	p->seq = seq;
	p->ts = ts;
	return mr_codec_params_check(p);
}

int mr_codec_dtmf_code(char c)
{
	static const char map[] = "0123456789*#ABCD";
	const char *s;

	if (c >= 'a' && c <= 'd')
		c = (char)(c - 'a' + 'A');
	if (c == '\0' || (s = strchr(map, c)) == NULL)
		return -EINVAL;
	return (int)(s - map);
}

char mr_codec_dtmf_char(uint8_t code)
{
	return code < 16 ? "0123456789*#ABCD"[code] : '?';
}

/* ------------------------------------------------------------------ pool */

struct mr_codec_pool {
	unsigned n;
	unsigned n_free;
	uint32_t *free;		/* stack of free slot indexes */
	struct mr_codec_xc **slots;
};

static void slot_free(struct mr_codec_xc *xc)
{
	if (xc == NULL)
		return;
	free(xc->enc);
	free(xc->dec);
	free(xc->rp);
	if (xc->g722e)
		g722_encode_free(xc->g722e);
	if (xc->g722d)
		g722_decode_free(xc->g722d);
	if (xc->plc)
		plc_free(xc->plc);
	if (xc->drx)
		dtmf_rx_free(xc->drx);
	if (xc->dtx)
		dtmf_tx_free(xc->dtx);
	if (xc->cn)
		noise_free(xc->cn);
	free(xc);
}

/* Every state at its largest: a stereo encoder at 48 kHz, a mono decoder. */
static struct mr_codec_xc *slot_alloc(uint32_t idx)
{
	struct mr_codec_xc *xc = calloc(1, sizeof(*xc));

	if (xc == NULL)
		return NULL;
	xc->slot = idx;
	xc->enc = malloc((size_t)opus_encoder_get_size(2));
	xc->dec = malloc((size_t)opus_decoder_get_size(1));
	xc->rp = malloc((size_t)opus_repacketizer_get_size());
	xc->g722e = g722_encode_init(NULL, 64000, 0);
	xc->g722d = g722_decode_init(NULL, 64000, 0);
	xc->plc = plc_init(NULL);
	xc->drx = dtmf_rx_init(NULL, NULL, NULL);
	xc->dtx = dtmf_tx_init(NULL);
	xc->cn = noise_init_dbov(NULL, 1, -60.0f, NOISE_CLASS_HOTH, 7);
	if (!xc->enc || !xc->dec || !xc->rp || !xc->g722e || !xc->g722d || !xc->plc ||
	    !xc->drx || !xc->dtx || !xc->cn) {
		slot_free(xc);
		return NULL;
	}
	return xc;
}

struct mr_codec_pool *mr_codec_pool_create(unsigned n)
{
	struct mr_codec_pool *pool;

	if (n == 0) {
		errno = EINVAL;
		return NULL;
	}
	pool = calloc(1, sizeof(*pool));
	if (pool == NULL)
		goto nomem;
	pool->free = calloc(n, sizeof(*pool->free));
	pool->slots = calloc(n, sizeof(*pool->slots));
	if (pool->free == NULL || pool->slots == NULL)
		goto nomem;
	for (unsigned i = 0; i < n; i++) {
		pool->slots[i] = slot_alloc(i);
		if (pool->slots[i] == NULL)
			goto nomem;
		pool->n++;
		/* Hand out slot 0 first. */
		pool->free[n - 1 - i] = i;
	}
	pool->n_free = n;
	return pool;
nomem:
	mr_codec_pool_free(pool);
	errno = ENOMEM;
	return NULL;
}

void mr_codec_pool_free(struct mr_codec_pool *pool)
{
	if (pool == NULL)
		return;
	for (unsigned i = 0; pool->slots && i < pool->n; i++)
		slot_free(pool->slots[i]);
	free(pool->slots);
	free(pool->free);
	free(pool);
}

unsigned mr_codec_pool_avail(const struct mr_codec_pool *pool)
{
	return pool->n_free;
}

struct mr_codec_xc *mr_codec_xc_get(struct mr_codec_pool *pool, const struct mr_codec_params *p)
{
	struct mr_codec_xc *xc;
	int rc;

	if (mr_codec_params_check(p) < 0) {
		errno = EINVAL;
		return NULL;
	}
	if (pool->n_free == 0) {
		errno = ENOSPC;
		return NULL;
	}
	xc = pool->slots[pool->free[pool->n_free - 1]];
	rc = xc_setup(xc, p);
	if (rc < 0) {
		errno = -rc;
		return NULL;
	}
	pool->n_free--;
	xc->in_use = true;
	return xc;
}

void mr_codec_xc_put(struct mr_codec_pool *pool, struct mr_codec_xc *xc)
{
	if (xc == NULL || !xc->in_use || xc->slot >= pool->n || pool->slots[xc->slot] != xc)
		return;
	xc->in_use = false;
	pool->free[pool->n_free++] = xc->slot;
}

uint32_t mr_codec_xc_slot(const struct mr_codec_xc *xc)
{
	return xc->slot;
}

struct mr_codec_xc *mr_codec_pool_slot(const struct mr_codec_pool *pool, uint32_t slot)
{
	return slot < pool->n ? pool->slots[slot] : NULL;
}

const struct mr_codec_stats *mr_codec_xc_stats(const struct mr_codec_xc *xc)
{
	return &xc->st;
}

unsigned mr_codec_xc_concealed_permille(const struct mr_codec_xc *xc)
{
	uint64_t bad = xc->st.samples_plc + xc->st.samples_fec;
	uint64_t all = xc->st.samples_out;

	if (all == 0)
		return 0;
	if (bad > all)
		bad = all;
	return (unsigned)(bad * 1000 / all);
}

void mr_codec_xc_info_get(const struct mr_codec_xc *xc, struct mr_codec_xc_info *info)
{
	memset(info, 0, sizeof(*info));
	info->pcm_rate = xc->rate;
	info->out_frame = xc->out_frame;
	info->dtmf_detect = xc->dtmf_detect;
	info->dtmf_tones = xc->dtmf_tones;
	if (xc->p.out_codec == MR_CODEC_OPUS) {
		opus_int32 v = 0;

		opus_encoder_ctl(xc->enc, OPUS_GET_BITRATE(&v));
		info->opus_bitrate = (uint32_t)v;
		opus_encoder_ctl(xc->enc, OPUS_GET_COMPLEXITY(&v));
		info->opus_complexity = (uint8_t)v;
		info->opus_bandwidth_khz = xc->opus_bw_khz;
		info->opus_channels = xc->opus_channels;
	}
}

int mr_codec_xc_dtmf_pop(struct mr_codec_xc *xc, struct mr_codec_dtmf *out)
{
	if (xc->dq_len == 0)
		return -EAGAIN;
	*out = xc->dq[xc->dq_head];
	xc->dq_head = (xc->dq_head + 1) % MR_CODEC_DTMF_QUEUE;
	xc->dq_len--;
	return 0;
}
