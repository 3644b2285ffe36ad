/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libsrtp protect/unprotect cost for one 172-byte RTP packet (12-byte header,
 * 160 bytes of G.711), nanoseconds per packet, median of several trials.
 * Prints one line per suite: "srtp <label> <suite> protect_ns=X unprotect_ns=Y".
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <srtp2/srtp.h>

#define PKT_LEN 172
#define SLOT 256

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
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
	p[1] = 0;	/* PCMU */
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	p[7] = (uint8_t)seq;
	p[8] = 0x12; p[9] = 0x34; p[10] = 0x56; p[11] = 0x78;
	for (int i = 12; i < PKT_LEN; i++)
		p[i] = (uint8_t)(0xff ^ i);
}

struct suite {
	const char *name;
	void (*set)(srtp_crypto_policy_t *);
	int key_len;
};

static void fail(const char *what, srtp_err_status_t st)
{
	fprintf(stderr, "bench-srtp: %s failed: status %d\n", what, (int)st);
	exit(1);
}

static void run(const char *label, const struct suite *su, int n, int trials)
{
	uint8_t key[64];
	srtp_policy_t pol;
	srtp_t tx, rx;
	uint8_t *pkts = malloc((size_t)n * SLOT);
	double prot[16], unprot[16];
	uint32_t seq = 1;

	if (!pkts)
		exit(1);
	for (int i = 0; i < (int)sizeof(key); i++)
		key[i] = (uint8_t)(i * 7 + 3);
	for (int t = 0; t < trials; t++) {
		memset(&pol, 0, sizeof(pol));
		su->set(&pol.rtp);
		su->set(&pol.rtcp);
		pol.ssrc.type = ssrc_any_outbound;
		pol.key = key;
		pol.window_size = 1024;
		if (srtp_create(&tx, &pol) != srtp_err_status_ok)
			fail("srtp_create", 1);
		pol.ssrc.type = ssrc_any_inbound;
		if (srtp_create(&rx, &pol) != srtp_err_status_ok)
			fail("srtp_create", 1);

		for (int i = 0; i < n; i++)
			make_rtp(pkts + (size_t)i * SLOT, (uint16_t)(seq + i));
		double t0 = now_ns();
		for (int i = 0; i < n; i++) {
			int len = PKT_LEN;
			srtp_err_status_t st = srtp_protect(tx, pkts + (size_t)i * SLOT, &len);

			if (st != srtp_err_status_ok)
				fail("srtp_protect", st);
			/* Keep the length next to the packet for unprotect. */
			pkts[(size_t)i * SLOT + SLOT - 1] = (uint8_t)len;
		}
		double t1 = now_ns();
		for (int i = 0; i < n; i++) {
			int len = pkts[(size_t)i * SLOT + SLOT - 1];
			srtp_err_status_t st = srtp_unprotect(rx, pkts + (size_t)i * SLOT, &len);

			if (st != srtp_err_status_ok)
				fail("srtp_unprotect", st);
			if (len != PKT_LEN)
				fail("length check", 0);
		}
		double t2 = now_ns();
		prot[t] = (t1 - t0) / n;
		unprot[t] = (t2 - t1) / n;
		/* The round trip must give back the plain packet. */
		uint8_t ref[PKT_LEN];
		make_rtp(ref, (uint16_t)(seq + n - 1));
		if (memcmp(ref, pkts + (size_t)(n - 1) * SLOT, PKT_LEN) != 0)
			fail("payload check", 0);
		seq += (uint32_t)n;
		srtp_dealloc(tx);
		srtp_dealloc(rx);
	}
	qsort(prot, (size_t)trials, sizeof(double), cmp_double);
	qsort(unprot, (size_t)trials, sizeof(double), cmp_double);
	printf("srtp %s %s protect_ns=%.1f unprotect_ns=%.1f trials=%d packets=%d\n",
	       label, su->name, prot[trials / 2], unprot[trials / 2], trials, n);
	free(pkts);
}

int main(int argc, char **argv)
{
	static const struct suite suites[] = {
		{ "AES_CM_128_HMAC_SHA1_80",
		  srtp_crypto_policy_set_rtp_default, 30 },
		{ "AEAD_AES_128_GCM", srtp_crypto_policy_set_aes_gcm_128_16_auth, 28 },
	};
	const char *label = "libsrtp";
	int n = 100000, trials = 5;
	int c;

	while ((c = getopt(argc, argv, "l:n:t:h-:")) != -1) {
		switch (c) {
		case 'l': label = optarg; break;
		case 'n': n = atoi(optarg); break;
		case 't': trials = atoi(optarg); break;
		case '-':
			if (strcmp(optarg, "label") == 0 && optind < argc) {
				label = argv[optind++];
				break;
			}
			/* fall through */
		default:
			fprintf(stderr, "usage: bench-srtp [--label L] [-n PACKETS] [-t TRIALS]\n");
			return 2;
		}
	}
	if (n < 1000 || n > 10000000 || trials < 1 || trials > 16) {
		fprintf(stderr, "bench-srtp: -n 1000..10000000, -t 1..16\n");
		return 2;
	}
	if (srtp_init() != srtp_err_status_ok)
		fail("srtp_init", 1);
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		run(label, &suites[i], n, trials);
	srtp_shutdown();
	return 0;
}
