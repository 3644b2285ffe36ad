/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SRTP work per packet on one core, through the dataplane's wrapper
 * (dataplane/srtp.c), beside libsrtp's raw srtp_protect measured in the
 * same run: 172-byte RTP (12-byte header, 160 bytes of G.711), nanoseconds
 * per packet, median of several trials.
 *   raw      libsrtp srtp_protect with libsrtp's own crypto (srtp_init only)
 *   bridge   RTP -> SRTP: dp_srtp_protect
 *   rekey    SRTP -> SRTP with fresh keys per side: dp_srtp_unprotect (key A)
 *            then dp_srtp_protect (key B)
 * This is the crypto part of the packet path only (no NIC, parse or rewrite),
 * timed in thread CPU time.
 * Prints one line per suite:
 *   "srtp-path <suite> raw_ns=X bridge_ns=Y rekey_ns=Z trials=T packets=N"
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <srtp2/srtp.h>

#include "sdes/sdes.h"
#include "shm/msg-t.h"
#include "srtp.h"

#define PKT_LEN 172
#define SLOT 256

static double now_ns(void)
{
	struct timespec ts;

	/*
	 * CPU time of this thread: on a shared machine, time-slicing by other
	 * processes does not count (a worker lcore owns its core).
	 */
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void make_rtp(uint8_t *p, uint16_t seq)
{
	memset(p, 0, PKT_LEN);
	p[0] = 0x80;
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	p[7] = (uint8_t)seq;
	p[8] = 0x12; p[9] = 0x34; p[10] = 0x56; p[11] = 0x78;
	for (int i = 12; i < PKT_LEN; i++)
		p[i] = (uint8_t)(0xff ^ i);
}

static void die(const char *what)
{
	fprintf(stderr, "bench-srtp-path: %s failed\n", what);
	exit(1);
}

static const struct {
	const char *name;
	unsigned suite;
	void (*set)(srtp_crypto_policy_t *);
	void (*set_rtcp)(srtp_crypto_policy_t *);
} suites[] = {
	{ "AES_CM_128_HMAC_SHA1_80", MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80,
	  srtp_crypto_policy_set_rtp_default, srtp_crypto_policy_set_rtcp_default },
	{ "AES_CM_128_HMAC_SHA1_32", MR_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32,
	  srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32, srtp_crypto_policy_set_rtcp_default },
	{ "AES_256_CM_HMAC_SHA1_80", MR_SRTP_SUITE_AES_256_CM_HMAC_SHA1_80,
	  srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80, srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80 },
	{ "AEAD_AES_128_GCM", MR_SRTP_SUITE_AEAD_AES_128_GCM,
	  srtp_crypto_policy_set_aes_gcm_128_16_auth, srtp_crypto_policy_set_aes_gcm_128_16_auth },
	{ "AEAD_AES_256_GCM", MR_SRTP_SUITE_AEAD_AES_256_GCM,
	  srtp_crypto_policy_set_aes_gcm_256_16_auth, srtp_crypto_policy_set_aes_gcm_256_16_auth },
};
#define N_SUITES (sizeof(suites) / sizeof(suites[0]))

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	return v[n / 2];
}

/* libsrtp alone, its own crypto: the baseline. */
static double raw_protect(unsigned si, uint8_t *pkts, int n, int trials)
{
	uint8_t key[64];
	double t[16];

	for (int i = 0; i < (int)sizeof(key); i++)
		key[i] = (uint8_t)(i * 7 + 3);
	for (int k = 0; k < trials; k++) {
		srtp_policy_t pol;
		srtp_t tx;

		memset(&pol, 0, sizeof(pol));
		suites[si].set(&pol.rtp);
		suites[si].set_rtcp(&pol.rtcp);
		pol.ssrc.type = ssrc_any_outbound;
		pol.key = key;
		pol.window_size = DP_SRTP_WINDOW;
		if (srtp_create(&tx, &pol) != srtp_err_status_ok)
			die("srtp_create");
		for (int i = 0; i < n; i++)
			make_rtp(pkts + (size_t)i * SLOT, (uint16_t)i);
		double t0 = now_ns();
		for (int i = 0; i < n; i++) {
			int len = PKT_LEN;

			if (srtp_protect(tx, pkts + (size_t)i * SLOT, &len) != srtp_err_status_ok)
				die("srtp_protect");
		}
		t[k] = (now_ns() - t0) / n;
		srtp_dealloc(tx);
	}
	return median(t, trials);
}

static void session(struct dp_srtp *s, unsigned suite, uint8_t fill, bool out)
{
	struct mr_srtp_spec sp;

	memset(&sp, 0, sizeof(sp));
	sp.suite = (uint8_t)suite;
	sp.key_len = (uint8_t)mr_sdes_suite_key_len(suite);
	memset(sp.key, fill, sp.key_len);
	if (dp_srtp_session_init(s, &sp, out) != 0)
		die("dp_srtp_session_init");
}

/* Through the wrapper: RTP -> SRTP, and SRTP(A) -> SRTP(B). */
static void wrapper(unsigned si, uint8_t *pkts, int n, int trials, double *bridge, double *rekey)
{
	double tb[16], tr[16];
	unsigned suite = suites[si].suite;

	for (int k = 0; k < trials; k++) {
		struct dp_srtp tx, a_tx, a_rx, b_tx;
		unsigned len;

		session(&tx, suite, 0x11, true);
		for (int i = 0; i < n; i++)
			make_rtp(pkts + (size_t)i * SLOT, (uint16_t)i);
		double t0 = now_ns();
		for (int i = 0; i < n; i++) {
			len = PKT_LEN;
			if (dp_srtp_protect(&tx, pkts + (size_t)i * SLOT, &len, SLOT, false) != 0)
				die("dp_srtp_protect");
		}
		tb[k] = (now_ns() - t0) / n;

		/* The far side's packets, protected with key A (untimed). */
		session(&a_tx, suite, 0x22, true);
		session(&a_rx, suite, 0x22, false);
		session(&b_tx, suite, 0x33, true);
		for (int i = 0; i < n; i++) {
			uint8_t *p = pkts + (size_t)i * SLOT;

			make_rtp(p, (uint16_t)i);
			len = PKT_LEN;
			if (dp_srtp_protect(&a_tx, p, &len, SLOT, false) != 0)
				die("dp_srtp_protect (A)");
			p[SLOT - 1] = (uint8_t)len;
		}
		t0 = now_ns();
		for (int i = 0; i < n; i++) {
			uint8_t *p = pkts + (size_t)i * SLOT;

			len = p[SLOT - 1];
			if (dp_srtp_unprotect(&a_rx, p, &len, false) != 0 ||
			    dp_srtp_protect(&b_tx, p, &len, SLOT - 1, false) != 0)
				die("re-keying");
		}
		tr[k] = (now_ns() - t0) / n;
		dp_srtp_session_free(&tx);
		dp_srtp_session_free(&a_tx);
		dp_srtp_session_free(&a_rx);
		dp_srtp_session_free(&b_tx);
	}
	*bridge = median(tb, trials);
	*rekey = median(tr, trials);
}

int main(int argc, char **argv)
{
	int n = 100000, trials = 5, c;
	double raw[N_SUITES];
	uint8_t *pkts;

	while ((c = getopt(argc, argv, "n:t:h")) != -1) {
		switch (c) {
		case 'n': n = atoi(optarg); break;
		case 't': trials = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: bench-srtp-path [-n PACKETS] [-t TRIALS]\n");
			return 2;
		}
	}
	if (n < 1000 || n > 10000000 || trials < 1 || trials > 16) {
		fprintf(stderr, "bench-srtp-path: -n 1000..10000000, -t 1..16\n");
		return 2;
	}
	pkts = malloc((size_t)n * SLOT);
	if (!pkts)
		die("malloc");

	/* libsrtp as shipped first: the wrapper's set-up replaces its HMAC. */
	if (srtp_init() != srtp_err_status_ok)
		die("srtp_init");
	for (unsigned i = 0; i < N_SUITES; i++)
		raw[i] = raw_protect(i, pkts, n, trials);
	srtp_shutdown();

	if (dp_srtp_global_init() != 0)
		die("dp_srtp_global_init");
	for (unsigned i = 0; i < N_SUITES; i++) {
		double bridge, rekey;

		wrapper(i, pkts, n, trials, &bridge, &rekey);
		printf("srtp-path %s raw_ns=%.1f bridge_ns=%.1f rekey_ns=%.1f trials=%d packets=%d\n",
		       suites[i].name, raw[i], bridge, rekey, trials, n);
	}
	dp_srtp_global_fini();
	free(pkts);
	return 0;
}
