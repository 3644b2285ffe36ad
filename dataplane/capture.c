/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet capture (mrelayctl capture): the packets of chosen flows, as
 * received and as sent after rewrite, in a pcapng file written with
 * rte_pcapng.
 *
 * Who opens the file: mrelayctl, with the rights of the user who runs it.
 * Its descriptor travels over control's root-only socket (SCM_RIGHTS), and
 * this process (root) takes a duplicate of control's copy with
 * pidfd_getfd(2). The dataplane never opens a path a user named, so no path,
 * symlink or permission trick can make it write where that user could not.
 *
 * Workers copy (rte_pcapng_copy into a preallocated pool) and enqueue on a
 * ring; the main lcore writes (rte_pcapng_write_packets), so no worker makes
 * a system call. An exhausted pool or a full ring drops the copy, counted,
 * never the packet. Stopping clears `on`, waits for every worker to pass a
 * quiescent state (rte_rcu_qsbr), writes what is left and closes the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>

#include "capture.h"
#include "flowtab.h"

RTE_LOG_REGISTER_SUFFIX(dp_capture_logtype, capture, INFO);
#define LOG(level, ...) rte_log(RTE_LOG_##level, dp_capture_logtype, "capture: " __VA_ARGS__)

#define POOL_SIZE 4095		/* copies in flight (rte_mempool: 2^n - 1) */
#define POOL_CACHE 64
#define RING_SIZE 4096
#define SNAPLEN 2048		/* the packet path's mbufs are single-segment, at most this */
#define WRITE_BURST 64

static struct dp_capture cap;

/*
 * Timestamps. rte_pcapng_copy() of DPDK 22.11 converts TSC cycles with
 * (cycles - reference) * 10^9 / hz in 64 bits, which overflows some seconds
 * after the process started: the packets of a capture taken later are dated
 * centuries ahead (seen with Debian's 22.11.11). The copy's Enhanced Packet
 * Block is set right here instead, from the same TSC and our own reference
 * (taken at init with CLOCK_REALTIME, 128-bit arithmetic). The block's
 * layout is the pcapng format's (draft-ietf-opsawg-pcapng, 4.3), not a
 * private one of DPDK's.
 */
struct epb_head {
	uint32_t block_type;		/* 6 */
	uint32_t block_length;
	uint32_t interface_id;
	uint32_t timestamp_hi;		/* ns, the file's if_tsresol (DPDK writes 9) */
	uint32_t timestamp_lo;
};

#define EPB_TYPE 6

static struct {
	uint64_t tsc, ns, hz;
} clock_ref;

void dp_capture_stamp(struct rte_mbuf *cp, uint64_t tsc)
{
	struct epb_head *h = rte_pktmbuf_mtod(cp, struct epb_head *);
	uint64_t ns;

	if (unlikely(cp->data_len < sizeof(*h) || h->block_type != EPB_TYPE))
		return;
	ns = clock_ref.ns + (uint64_t)((unsigned __int128)(tsc - clock_ref.tsc) * 1000000000u /
				       clock_ref.hz);
	h->timestamp_hi = (uint32_t)(ns >> 32);
	h->timestamp_lo = (uint32_t)ns;
}

static void clock_start(void)
{
	struct timespec ts;
	uint64_t t0 = rte_get_tsc_cycles();

	clock_gettime(CLOCK_REALTIME, &ts);
	clock_ref.tsc = (t0 + rte_get_tsc_cycles()) / 2;
	clock_ref.ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	clock_ref.hz = rte_get_tsc_hz();
}

int dp_capture_init(struct dp_ctx *ctx)
{
	unsigned n = ctx->test.capture_pool ? ctx->test.capture_pool : POOL_SIZE;

	memset(&cap, 0, sizeof(cap));
	cap.pidfd = -1;
	cap.n_flows = ctx->cfg.dp.flows;
	cap.flows = rte_zmalloc("dp_capture_flows", (cap.n_flows + 7) / 8, RTE_CACHE_LINE_SIZE);
	/* A small (test) pool has no per-lcore caches: each copy counts. */
	cap.pool = rte_pktmbuf_pool_create("dp_capture", n, n == POOL_SIZE ? POOL_CACHE : 0, 0,
					   (uint16_t)rte_pcapng_mbuf_size(SNAPLEN), (int)rte_socket_id());
	cap.ring = rte_ring_create("dp_capture", RING_SIZE, (int)rte_socket_id(), RING_F_SC_DEQ);
	if (cap.flows == NULL || cap.pool == NULL || cap.ring == NULL) {
		dp_capture_fini(ctx);
		return -ENOMEM;
	}
	cap.snaplen = SNAPLEN;
	clock_start();
	for (unsigned i = 0; i < ctx->n_lcores; i++)
		if (ctx->lcores[i]->index < DP_CAPTURE_MAX_LCORES)
			ctx->lcores[i]->cap = &cap;
	/* Transcoded flows are handled, so captured, on their media lcore. */
	for (unsigned k = 0; k < ctx->n_media; k++)
		if (ctx->media[k]->index < DP_CAPTURE_MAX_LCORES)
			ctx->media[k]->cap = &cap;
	return 0;
}

static void drain(bool write)
{
	struct rte_mbuf *m[WRITE_BURST];
	unsigned n;

	while ((n = rte_ring_dequeue_burst(cap.ring, (void **)m, WRITE_BURST, NULL)) != 0) {
		unsigned w = 0;

		if (write && cap.out != NULL && cap.result == 0) {
			w = n;
			if (cap.max_packets && cap.written + w > cap.max_packets)
				w = (unsigned)(cap.max_packets - cap.written);
			if (w) {
				ssize_t r = rte_pcapng_write_packets(cap.out, m, (uint16_t)w);

				if (r < 0) {
					cap.result = -(errno ? errno : EIO);
					w = 0;
				} else {
					cap.written += w;
					cap.bytes += (uint64_t)r;
				}
			}
		}
		cap.over += n - w;
		rte_pktmbuf_free_bulk(m, n);
		if (n < WRITE_BURST)
			break;
	}
}

static void stop(struct dp_ctx *ctx, uint32_t reason)
{
	if (cap.state != DP_CAPTURE_RUNNING)
		return;
	cap.reason = reason;
	__atomic_store_n(&cap.on, 0, __ATOMIC_RELEASE);
	cap.qsbr_token = rte_rcu_qsbr_start(ctx->qsv);
	cap.state = DP_CAPTURE_STOPPING;
}

static void finish(struct mr_msg *done, uint64_t generation)
{
	uint64_t dropped = 0;

	drain(true);
	for (unsigned i = 0; i < DP_CAPTURE_MAX_LCORES; i++)
		dropped += cap.lc[i].dropped;
	if (cap.out != NULL)
		rte_pcapng_close(cap.out);	/* closes the descriptor */
	cap.out = NULL;
	if (cap.pidfd >= 0)
		close(cap.pidfd);
	cap.pidfd = -1;
	for (unsigned i = 0; i < cap.n_ids; i++)
		cap.flows[cap.ids[i] >> 3] &= (uint8_t)~(1u << (cap.ids[i] & 7));
	LOG(INFO, "capture %u ended (reason %u): %" PRIu64 " packets written, %" PRIu64
	    " dropped, %" PRIu64 " past the limit\n", cap.id, cap.reason, cap.written, dropped, cap.over);
	memset(done, 0, sizeof(*done));
	done->hdr.type = MR_EVT_CAPTURE_DONE;
	done->hdr.generation = generation;
	done->hdr.flow_id = MR_FLOW_ID_NONE;
	done->u.capture_done.id = cap.id;
	done->u.capture_done.result = cap.result;
	done->u.capture_done.reason = cap.result ? MR_CAPTURE_END_ERROR : cap.reason;
	done->u.capture_done.written = cap.written;
	done->u.capture_done.dropped = dropped;
	done->u.capture_done.bytes = cap.bytes;
	cap.state = DP_CAPTURE_IDLE;
}

void dp_capture_fini(struct dp_ctx *ctx)
{
	struct mr_msg done;

	if (cap.state == DP_CAPTURE_RUNNING)
		stop(ctx, MR_CAPTURE_END_EXIT);
	if (cap.state == DP_CAPTURE_STOPPING)
		finish(&done, 0);	/* workers have stopped: no event, the file is whole */
	if (cap.ring != NULL)
		drain(false);
	rte_ring_free(cap.ring);
	rte_mempool_free(cap.pool);
	rte_free(cap.flows);
	for (unsigned i = 0; i < ctx->n_lcores; i++)
		if (ctx->lcores[i] != NULL)
			ctx->lcores[i]->cap = NULL;
	for (unsigned k = 0; k < ctx->n_media; k++)
		if (ctx->media[k] != NULL)
			ctx->media[k]->cap = NULL;
	memset(&cap, 0, sizeof(cap));
}

/*
 * A duplicate of descriptor fd of process pid, checked to be writable. The
 * pidfd is kept (*pfd_out): a capture whose control has exited is ended, as
 * nobody could stop it any more.
 */
static int take_fd(uint32_t pid, int fd, int *pfd_out)
{
	int pfd, out, fl;
	struct stat st;

	pfd = pidfd_open((pid_t)pid, 0);
	if (pfd < 0)
		return -errno;
	out = pidfd_getfd(pfd, fd, 0);
	if (out < 0) {
		int e = errno;

		close(pfd);
		return -e;
	}
	*pfd_out = pfd;
	fl = fcntl(out, F_GETFL);
	if (fl < 0 || (fl & O_ACCMODE) == O_RDONLY || fstat(out, &st) < 0 ||
	    !(S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode))) {
		close(out);
		close(pfd);
		return -EBADF;
	}
	return out;
}

/* True once the process behind the pidfd has exited (a pidfd polls readable). */
static bool requester_gone(int pfd)
{
	struct pollfd p = { .fd = pfd, .events = POLLIN };

	return pfd >= 0 && poll(&p, 1, 0) == 1;
}

static int start(struct dp_ctx *ctx, const struct mr_capture_spec *cs)
{
	char comment[64];
	unsigned live = 0;
	int fd, pfd = -1;

	if (cap.pool == NULL)
		return -ENOTSUP;
	if (cap.state != DP_CAPTURE_IDLE)
		return -EBUSY;
	if (cs->n_flows == 0 || cs->n_flows > MR_CAPTURE_MAX_FLOWS)
		return -EINVAL;
	for (unsigned i = 0; i < cs->n_flows; i++) {
		const struct dp_flow_slot *s = dp_flowtab_slot(ctx->ft, cs->flow_ids[i]);

		if (cs->flow_ids[i] >= cap.n_flows)
			return -ERANGE;
		live += s != NULL && s->act != NULL;
	}
	if (live == 0)
		return -ENOENT;
	fd = take_fd(cs->pid, cs->fd, &pfd);
	if (fd < 0)
		return fd;
	snprintf(comment, sizeof(comment), "mrelay capture %u", cs->id);
	cap.out = rte_pcapng_fdopen(fd, NULL, NULL, "mrelay-dataplane " MR_VERSION, comment);
	if (cap.out == NULL) {
		int e = rte_errno ? rte_errno : EIO;

		close(fd);
		close(pfd);
		return -e;
	}
	cap.pidfd = pfd;
	cap.next_check_tsc = rte_rdtsc() + ctx->tsc_hz;
	drain(false);	/* nothing should be left; make sure */
	cap.id = cs->id;
	cap.max_packets = cs->max_packets;
	cap.snaplen = cs->snaplen && cs->snaplen < SNAPLEN ? cs->snaplen : SNAPLEN;
	cap.deadline_tsc = cs->seconds ? rte_rdtsc() + (uint64_t)cs->seconds * ctx->tsc_hz : 0;
	cap.result = 0;
	cap.reason = MR_CAPTURE_END_STOP;
	cap.written = cap.bytes = cap.over = 0;
	memset(cap.lc, 0, sizeof(cap.lc));
	cap.n_ids = cs->n_flows;
	memcpy(cap.ids, cs->flow_ids, cs->n_flows * sizeof(cs->flow_ids[0]));
	for (unsigned i = 0; i < cap.n_ids; i++)
		cap.flows[cap.ids[i] >> 3] |= (uint8_t)(1u << (cap.ids[i] & 7));
	cap.state = DP_CAPTURE_RUNNING;
	__atomic_store_n(&cap.on, 1, __ATOMIC_RELEASE);
	LOG(INFO, "capture %u started: %u flows, at most %u packets, %u s\n", cap.id, cap.n_ids,
	    cap.max_packets, cs->seconds);
	return 0;
}

int dp_capture_command(struct dp_ctx *ctx, const struct mr_msg *m)
{
	const struct mr_capture_spec *cs = &m->u.capture;

	switch (cs->op) {
	case MR_CAPTURE_START:
		return start(ctx, cs);
	case MR_CAPTURE_STOP:
		if (cap.state == DP_CAPTURE_IDLE || cs->id != cap.id)
			return -ENOENT;
		stop(ctx, MR_CAPTURE_END_STOP);
		return 0;
	default:
		return -EINVAL;
	}
}

bool dp_capture_service(struct dp_ctx *ctx, uint64_t now, struct mr_msg *done)
{
	if (cap.state == DP_CAPTURE_IDLE)
		return false;
	drain(true);
	if (cap.state == DP_CAPTURE_RUNNING) {
		if (cap.result)
			stop(ctx, MR_CAPTURE_END_ERROR);
		else if (cap.max_packets && cap.written >= cap.max_packets)
			stop(ctx, MR_CAPTURE_END_COUNT);
		else if (cap.deadline_tsc && now >= cap.deadline_tsc)
			stop(ctx, MR_CAPTURE_END_TIME);
		else if (now >= cap.next_check_tsc && (cap.next_check_tsc = now + ctx->tsc_hz,
						       requester_gone(cap.pidfd)))
			stop(ctx, MR_CAPTURE_END_STOP);
		else
			return false;
	}
	/* Every worker has finished the bursts that may still copy. */
	if (rte_rcu_qsbr_check(ctx->qsv, cap.qsbr_token, false) != 1)
		return false;
	finish(done, ctx->shm.hdr->generation);
	return true;
}
