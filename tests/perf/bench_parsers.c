/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cost of the control-plane parsers on typical inputs, nanoseconds per
 * operation, median of several trials: SDP parse and rewrite, ng message
 * decode and reply encode. The baseline, measured in the same run, is the
 * least any parser does: finding the line ends of the same bytes (memchr).
 * Prints one line per case: "parsers <case> bytes=N ns=X baseline_ns=Y".
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bencode/bencode.h"
#include "sdp/sdp.h"

static const char sipp[] =
	"v=0\r\no=user1 53655765 2353687637 IN IP4 192.168.1.10\r\ns=-\r\n"
	"c=IN IP4 192.168.1.10\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0 8 101\r\n"
	"a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
	"a=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n";

static const char webrtc[] =
	"v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
	"a=group:BUNDLE 0 1\r\na=msid-semantic: WMS stream1\r\n"
	"m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 110 126\r\nc=IN IP4 0.0.0.0\r\n"
	"a=rtcp:9 IN IP4 0.0.0.0\r\n"
	"a=candidate:842163049 1 udp 1677729535 198.51.100.7 54400 typ srflx raddr 0.0.0.0 rport 0\r\n"
	"a=ice-ufrag:EsAw\r\na=ice-pwd:bP+XJMM09aR8AiX1jdukzR6Y\r\na=ice-options:trickle\r\n"
	"a=fingerprint:sha-256 D2:FA:0E:C3:22:59:5E:14:95:69:92:3D:13:B4:84:24:2C:C2:A2:C0:3E:FD:34:8E:5E:EA:6F:AF:52:CE:E6:0F\r\n"
	"a=setup:actpass\r\na=mid:0\r\na=sendrecv\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n"
	"a=rtcp-fb:111 transport-cc\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n"
	"a=rtpmap:63 red/48000/2\r\na=fmtp:63 111/111\r\na=rtpmap:9 G722/8000\r\n"
	"a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:110 telephone-event/48000\r\n"
	"a=rtpmap:126 telephone-event/8000\r\na=ssrc:3735928559 cname:4TOk42mSjXCkVIa6\r\n"
	"m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n"
	"a=ice-ufrag:EsAw\r\na=ice-pwd:bP+XJMM09aR8AiX1jdukzR6Y\r\na=setup:actpass\r\na=mid:1\r\n"
	"a=recvonly\r\na=rtcp-mux\r\na=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 nack pli\r\n"
	"a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n";

static struct mr_sdp sdp;
static uint8_t out[65536];
static struct mr_bencode_node nodes[256];
static char ng[4096];
static size_t ng_len;
static volatile size_t sink;

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

static void die(const char *what)
{
	fprintf(stderr, "bench-parsers: %s failed\n", what);
	exit(1);
}

/* The baseline: find every line end. */
static void op_lines(const char *p, size_t len)
{
	size_t n = 0;
	const char *e = p + len;

	while (p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		p++;
		n++;
	}
	sink += n;
}

static void op_parse(const char *p, size_t len)
{
	if (mr_sdp_parse((const uint8_t *)p, len, &sdp, NULL) != 0)
		die("mr_sdp_parse");
}

/* Parse, then the usual offer rewrite: our address and ports, no ICE. */
static void op_rewrite(const char *p, size_t len)
{
	struct mr_sdp_edit e;
	size_t n;

	op_parse(p, len);
	mr_sdp_edit_init(&e);
	e.origin_addr = MR_STR_LIT("203.0.113.5");
	e.origin_af = MR_SDP_AF_IP4;
	e.conn_addr = e.origin_addr;
	e.conn_af = MR_SDP_AF_IP4;
	for (unsigned k = 0; k < sdp.n_media; k++) {
		e.media[k].conn_addr = e.origin_addr;
		e.media[k].conn_af = MR_SDP_AF_IP4;
		e.media[k].set_port = true;
		e.media[k].port = (uint16_t)(30000 + 2 * k);
		e.media[k].set_rtcp = true;
		e.media[k].rtcp_port = (uint16_t)(30001 + 2 * k);
		e.media[k].drop_ice = true;
	}
	if (mr_sdp_write(&sdp, &e, out, sizeof(out), &n, NULL) != 0)
		die("mr_sdp_write");
	sink += n;
}

static void op_decode(const char *p, size_t len)
{
	struct mr_bencode_doc doc;
	const struct mr_bencode_node *root;
	struct mr_str cookie, msg, s;

	mr_bencode_doc_init(&doc, nodes, 256);
	if (mr_bencode_cookie_split((const uint8_t *)p, len, &cookie, &msg, NULL) != 0 ||
	    mr_bencode_decode_dict(&doc, (const uint8_t *)msg.p, msg.len, NULL) != 0)
		die("mr_bencode_decode_dict");
	root = mr_bencode_root(&doc);
	if (mr_bencode_dict_get_str(&doc, root, "sdp", &s) != 0)
		die("mr_bencode_dict_get_str");
	sink += s.len + mr_bencode_list_has_str(&doc, mr_bencode_dict_get(&doc, root, "flags"),
						  "trust-address");
}

static void op_encode(const char *p, size_t len)
{
	struct mr_bencode_enc e;
	size_t n;

	mr_bencode_enc_init(&e, out, sizeof(out));
	mr_bencode_enc_raw(&e, "5323_1 ", 7);
	mr_bencode_enc_dict_start(&e);
	mr_bencode_enc_kv_str(&e, "sdp", mr_str_make(p, len));
	mr_bencode_enc_kv_cstr(&e, "result", "ok");
	mr_bencode_enc_end(&e);
	if (mr_bencode_enc_finish(&e, &n) != 0)
		die("mr_bencode_enc_finish");
	sink += n;
}

static double measure(void (*op)(const char *, size_t), const char *p, size_t len,
		      int n, int trials)
{
	double t[32];

	for (int k = 0; k < trials; k++) {
		double t0 = now_ns();

		for (int i = 0; i < n; i++)
			op(p, len);
		t[k] = (now_ns() - t0) / n;
	}
	qsort(t, (size_t)trials, sizeof(t[0]), cmp_double);
	return t[trials / 2];
}

static void report(const char *name, void (*op)(const char *, size_t), const char *p,
		   size_t len, int n, int trials)
{
	double ns = measure(op, p, len, n, trials);
	double base = measure(op_lines, p, len, n, trials);

	printf("parsers %s bytes=%zu ns=%.0f baseline_ns=%.0f\n", name, len, ns, base);
}

int main(int argc, char **argv)
{
	int n = 100000, trials = 7, c;

	while ((c = getopt(argc, argv, "n:t:")) != -1) {
		if (c == 'n')
			n = atoi(optarg);
		else if (c == 't')
			trials = atoi(optarg);
		else
			return 2;
	}
	if (n < 1 || trials < 1 || trials > 32)
		return 2;
	ng_len = (size_t)snprintf(ng, sizeof(ng),
		"5323_1 d7:command5:offer7:call-id24:a84b4c76e66710@pc33.atla8:from-tag"
		"9:1928301745:flagsl13:trust-addresse7:replacel6:origin18:session-connection"
		"e3:sdp%zu:%se", strlen(sipp), sipp);
	report("sdp-parse-sipp", op_parse, sipp, strlen(sipp), n, trials);
	report("sdp-parse-webrtc", op_parse, webrtc, strlen(webrtc), n, trials);
	report("sdp-rewrite-sipp", op_rewrite, sipp, strlen(sipp), n, trials);
	report("sdp-rewrite-webrtc", op_rewrite, webrtc, strlen(webrtc), n, trials);
	report("ng-decode-offer", op_decode, ng, ng_len, n, trials);
	report("ng-encode-reply", op_encode, sipp, strlen(sipp), n, trials);
	return 0;
}
