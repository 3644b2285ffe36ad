/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * srtp-peer: an SRTP endpoint for end-to-end tests, independent of the
 * relay's own SRTP code: libsrtp's stock policies and its own HMAC (the
 * dataplane replaces libsrtp's HMAC-SHA1; this program does not), OpenSSL's
 * base64 decoder, and nothing of lib/ or dataplane/.
 *
 *   srtp-peer --bind IP:PORT --rx 'SUITE inline:KEY' | --rx-file PATH
 *             --tx 'SUITE inline:KEY' [--stats PATH] [--key-wait MS]
 *
 * --rx is the key the other side sends with (the one the relay offered),
 * --tx ours (the one we answered with); both as in an RFC 4568 a=crypto
 * line: an optional "a=crypto:" and tag, the suite, "inline:" base64 key||salt, and an
 * optional |lifetime (ignored). MKIs are refused. --rx-file names a file
 * holding that line, read when the first packet arrives (waiting up to
 * --key-wait ms, default 3000, for it to appear): a test can start the peer
 * before the SIP offer that carries the key.
 *
 * Every datagram is unprotected (RTP, or SRTCP by its payload type 192-223)
 * and counted: ok, auth-fail, replay, other (malformed, too short, no key).
 * For SRTP packets that decrypt, the payload after the RTP header (CSRCs,
 * extension and padding removed) is hashed (SHA-256, in arrival order). Each
 * packet that decrypts is sent back to its sender protected with the --tx
 * key. On SIGTERM, SIGINT or exit the counters go to --stats (else stdout)
 * as one JSON object; keys are never printed. Bad input is counted, never
 * fatal. Exit status: 0, or 2 for bad arguments, 1 when the socket fails.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <srtp2/srtp.h>

#define PKT_MAX 2048

static const struct suite {
	const char *name;
	unsigned key_len;	/* master key + salt */
	void (*rtp)(srtp_crypto_policy_t *);
	void (*rtcp)(srtp_crypto_policy_t *);
} suites[] = {
	{ "AES_CM_128_HMAC_SHA1_80", 30, srtp_crypto_policy_set_rtp_default,
	  srtp_crypto_policy_set_rtcp_default },
	{ "AES_CM_128_HMAC_SHA1_32", 30, srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32,
	  srtp_crypto_policy_set_rtcp_default },
	{ "AES_256_CM_HMAC_SHA1_80", 46, srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80,
	  srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80 },
	{ "AEAD_AES_128_GCM", 28, srtp_crypto_policy_set_aes_gcm_128_16_auth,
	  srtp_crypto_policy_set_aes_gcm_128_16_auth },
	{ "AEAD_AES_256_GCM", 44, srtp_crypto_policy_set_aes_gcm_256_16_auth,
	  srtp_crypto_policy_set_aes_gcm_256_16_auth },
};

static struct {
	unsigned long received, ok, rtcp_ok, auth_fail, replay, other, no_key, echoed, echo_fail;
	unsigned long long payload_bytes;
} st;

static volatile sig_atomic_t quit;
static EVP_MD_CTX *hash;
static const char *stats_path;

static void on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

/* "[TAG ]SUITE inline:KEY[|...]" -> a libsrtp session. 0 or -1 (with *why). */
static int session_make(const char *line, bool outbound, srtp_t *out, const char **why)
{
	char buf[512], *p, *tok, *key_b64, *bar;
	const struct suite *su = NULL;
	unsigned char key[64 + 3];
	srtp_policy_t pol;
	size_t klen;
	int n, rc;

	*why = "malformed key line";
	if (strlen(line) >= sizeof(buf))
		return -1;
	strcpy(buf, line);
	p = buf;
	if (strncmp(p, "a=crypto:", 9) == 0)
		p += 9;		/* a whole SDP attribute line */
	tok = strtok(p, " \t\r\n");
	if (tok && tok[strspn(tok, "0123456789")] == '\0')
		tok = strtok(NULL, " \t\r\n");	/* the a=crypto tag */
	for (size_t i = 0; tok && i < sizeof(suites) / sizeof(suites[0]); i++)
		if (strcmp(tok, suites[i].name) == 0)
			su = &suites[i];
	if (!su) {
		*why = "unknown suite";
		return -1;
	}
	tok = strtok(NULL, " \t\r\n");
	if (!tok || strncmp(tok, "inline:", 7) != 0)
		return -1;
	key_b64 = tok + 7;
	bar = strchr(key_b64, '|');
	if (bar) {
		if (strchr(bar + 1, '|') || strchr(bar + 1, ':')) {
			*why = "MKI not supported";
			return -1;
		}
		*bar = '\0';
	}
	klen = strlen(key_b64);
	if (klen == 0 || klen % 4 || klen > 4 * ((sizeof(key) - 1) / 3))
		return -1;
	n = EVP_DecodeBlock(key, (const unsigned char *)key_b64, (int)klen);
	if (n < 0)
		return -1;
	/* EVP_DecodeBlock counts the '=' padding as zero bytes. */
	for (size_t i = klen; i > 0 && key_b64[i - 1] == '='; i--)
		n--;
	if ((unsigned)n != su->key_len) {
		*why = "key length is not the suite's";
		OPENSSL_cleanse(key, sizeof(key));
		return -1;
	}
	memset(&pol, 0, sizeof(pol));
	su->rtp(&pol.rtp);
	su->rtcp(&pol.rtcp);
	pol.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound;
	pol.key = key;
	pol.window_size = 128;
	pol.allow_repeat_tx = 0;
	rc = srtp_create(out, &pol);
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(buf, sizeof(buf));
	if (rc != srtp_err_status_ok) {
		*why = "libsrtp refused the policy";
		return -1;
	}
	return 0;
}

/* The first line of a file, or -1 when it does not exist (yet). */
static int read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	int rc = -1;

	if (!f)
		return -1;
	if (fgets(buf, (int)size, f) && strchr(buf, '\n'))
		rc = 0;	/* a whole line: the writer has finished it */
	fclose(f);
	return rc;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The RTP payload (after header, CSRCs and extension, before padding), or NULL. */
static const uint8_t *rtp_payload(const uint8_t *p, int len, int *plen)
{
	int off = 12 + 4 * (p[0] & 0x0f), end = len;

	if (len < 12 || off > len)
		return NULL;
	if (p[0] & 0x10) {
		if (off + 4 > len)
			return NULL;
		off += 4 + 4 * (p[off + 2] << 8 | p[off + 3]);
		if (off > len)
			return NULL;
	}
	if (p[0] & 0x20) {
		if (end == off || p[end - 1] > end - off)
			return NULL;
		end -= p[end - 1];
	}
	*plen = end - off;
	return p + off;
}

static void print_stats(void)
{
	unsigned char md[32];
	unsigned mdlen = 0;
	char hex[65];
	FILE *f = stats_path ? fopen(stats_path, "w") : stdout;

	if (!f)
		f = stdout;
	if (!hash || EVP_DigestFinal_ex(hash, md, &mdlen) != 1)
		mdlen = 0;
	for (unsigned i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	hex[2 * mdlen] = '\0';
	fprintf(f, "{\"received\": %lu, \"ok\": %lu, \"rtcp_ok\": %lu, \"auth_fail\": %lu, "
		"\"replay\": %lu, \"other\": %lu, \"no_key\": %lu, \"echoed\": %lu, "
		"\"echo_fail\": %lu, \"payload_bytes\": %llu, \"payload_sha256\": \"%s\"}\n",
		st.received, st.ok, st.rtcp_ok, st.auth_fail, st.replay, st.other, st.no_key,
		st.echoed, st.echo_fail, st.payload_bytes, hex);
	if (f != stdout)
		fclose(f);
	else
		fflush(f);
}

static void usage(void)
{
	fprintf(stderr, "Usage: srtp-peer --bind IP:PORT (--rx 'SUITE inline:KEY' | --rx-file PATH)\n"
			"                 --tx 'SUITE inline:KEY' [--stats PATH] [--key-wait MS]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bind", required_argument, NULL, 'b' }, { "rx", required_argument, NULL, 'r' },
		{ "rx-file", required_argument, NULL, 'f' }, { "tx", required_argument, NULL, 't' },
		{ "stats", required_argument, NULL, 's' }, { "key-wait", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	const char *bind_arg = NULL, *rx_arg = NULL, *rx_file = NULL, *tx_arg = NULL, *why;
	unsigned key_wait_ms = 3000;
	srtp_t rx = NULL, tx = NULL;
	struct sockaddr_in sin;
	struct sigaction sa;
	char host[64], *colon;
	int c, fd;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'b': bind_arg = optarg; break;
		case 'r': rx_arg = optarg; break;
		case 'f': rx_file = optarg; break;
		case 't': tx_arg = optarg; break;
		case 's': stats_path = optarg; break;
		case 'w': key_wait_ms = (unsigned)strtoul(optarg, NULL, 10); break;
		default: usage();
		}
	}
	if (optind != argc || !bind_arg || !tx_arg || !(rx_arg || rx_file) || (rx_arg && rx_file) ||
	    strlen(bind_arg) >= sizeof(host))
		usage();
	strcpy(host, bind_arg);
	colon = strrchr(host, ':');
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	if (!colon)
		usage();
	*colon = '\0';
	sin.sin_port = htons((uint16_t)strtoul(colon + 1, NULL, 10));
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1 || sin.sin_port == 0)
		usage();

	if (srtp_init() != srtp_err_status_ok) {
		fprintf(stderr, "srtp-peer: srtp_init failed\n");
		return 1;
	}
	if (session_make(tx_arg, true, &tx, &why) != 0 ||
	    (rx_arg && session_make(rx_arg, false, &rx, &why) != 0)) {
		fprintf(stderr, "srtp-peer: bad key: %s\n", why);
		return 2;
	}
	hash = EVP_MD_CTX_new();
	if (!hash || EVP_DigestInit_ex(hash, EVP_sha256(), NULL) != 1)
		return 1;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		fprintf(stderr, "srtp-peer: bind %s: %s\n", bind_arg, strerror(errno));
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	fprintf(stderr, "srtp-peer: listening on %s\n", bind_arg);

	while (!quit) {
		uint8_t pkt[PKT_MAX + SRTP_MAX_TRAILER_LEN];
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		struct pollfd pfd = { fd, POLLIN, 0 };
		const uint8_t *pl;
		bool rtcp;
		ssize_t got;
		int len, plen, status;

		if (poll(&pfd, 1, 100) <= 0)
			continue;
		got = recvfrom(fd, pkt, PKT_MAX, MSG_DONTWAIT, (struct sockaddr *)&from, &flen);
		if (got < 0)
			continue;
		st.received++;
		if (!rx && rx_file) {
			char line[512];

			for (unsigned waited = 0; read_line(rx_file, line, sizeof(line)) != 0; waited += 10) {
				if (waited >= key_wait_ms)
					break;
				sleep_ms(10);
			}
			if (read_line(rx_file, line, sizeof(line)) == 0 &&
			    session_make(line, false, &rx, &why) != 0)
				fprintf(stderr, "srtp-peer: bad key in %s: %s\n", rx_file, why);
			OPENSSL_cleanse(line, sizeof(line));
			rx_file = rx ? rx_file : NULL;	/* one try: never the key, never again */
		}
		if (!rx) {
			st.no_key++;
			continue;
		}
		if (got < 12) {
			st.other++;
			continue;
		}
		len = (int)got;
		rtcp = pkt[1] >= 192 && pkt[1] <= 223;
		status = rtcp ? srtp_unprotect_rtcp(rx, pkt, &len) : srtp_unprotect(rx, pkt, &len);
		if (status == srtp_err_status_auth_fail) {
			st.auth_fail++;
			continue;
		}
		if (status == srtp_err_status_replay_fail || status == srtp_err_status_replay_old) {
			st.replay++;
			continue;
		}
		if (status != srtp_err_status_ok) {
			st.other++;
			continue;
		}
		if (rtcp) {
			st.rtcp_ok++;
		} else {
			pl = rtp_payload(pkt, len, &plen);
			if (!pl) {
				st.other++;
				continue;
			}
			st.ok++;
			st.payload_bytes += (unsigned)plen;
			EVP_DigestUpdate(hash, pl, (size_t)plen);
		}
		status = rtcp ? srtp_protect_rtcp(tx, pkt, &len) : srtp_protect(tx, pkt, &len);
		if (status != srtp_err_status_ok ||
		    sendto(fd, pkt, (size_t)len, 0, (struct sockaddr *)&from, flen) != len) {
			st.echo_fail++;
			continue;
		}
		st.echoed++;
	}
	print_stats();
	if (rx)
		srtp_dealloc(rx);
	srtp_dealloc(tx);
	srtp_shutdown();
	EVP_MD_CTX_free(hash);
	close(fd);
	return 0;
}
