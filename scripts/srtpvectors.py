#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Packet vectors for SRTP through the dataplane (tests/eal/test_srtp_relay.py).

    scripts/srtpvectors.py SRTP_TOOL OUTDIR

writes dp.ini, flows.txt, in.pcap, expected.pcap and expect.txt like
scripts/dpvectors.py (whose frame builders it uses). The SRTP side of every
packet comes from SRTP_TOOL (tests/tools/srtp-tool: the standard library has
no AES), with a session per peer kept across packets as a peer would: the
expected SRTP bytes are what the peer's own context produces, the expected
plain bytes are the peer's originals.

Flows (interface a, untagged; keys derived from fixed seeds):
  1  RTP -> SRTP  AES_CM_128_HMAC_SHA1_80   sequence 65533 -> 2 (ROC 0 -> 1), an RTCP SR
  2  SRTP -> RTP  AEAD_AES_128_GCM          sequence 65534 -> 2, SRTCP; then a wrong
                  tag, a replay, plain RTCP, full-size plain RTP: each dropped and
                  counted, none disturbing the genuine packets after it
  3  SRTP -> SRTP AES_256_CM_HMAC_SHA1_80 in, AES_CM_128_HMAC_SHA1_32 out (re-keyed)
  4  SRTP, learning + strict: a forged packet from one source is not learned,
                  the genuine one from another is, and that source alone passes
  5  SRTP pass-through (both legs share AEAD_AES_256_GCM keys): forwarded byte
                  for byte once its tag verified; a replay and a wrong tag dropped
  6  RTP -> SRTP with a key lifetime of 3 packets: 3 protected, the 4th dropped
                  (srtp-key-used-up), never sent under the used-up key
  7  SRTP -> RTP with a key lifetime of 2 packets: 2 pass, the 3rd dropped
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dpvectors as dv  # noqa: E402

A4 = '198.18.0.1'
PEER = ('02:aa:00:00:00:50', '198.18.0.50')
PEER2 = ('02:aa:00:00:00:52', '198.18.0.52')

# lib/sdes suite numbers and master key + salt lengths.
CM80, CM32, CM256, GCM128, GCM256 = 1, 2, 3, 4, 5
KEYLEN = {CM80: 30, CM32: 30, CM256: 46, GCM128: 28, GCM256: 44}

INI = """[dataplane]
workers = 0
flows = 1024
learn-window = 10000
[interface a]
device = net_pcap_@INSTANCE@,rx_pcap=@DIR@/in.pcap,tx_pcap=@DIR@/out.pcap
mac = 02:00:00:00:00:01
address = 198.18.0.1/24
"""


def key(seed, suite):
    return bytes((seed * 31 + i * 7) & 0xff for i in range(KEYLEN[suite]))


class Tool:
    def __init__(self, path):
        self.p = subprocess.Popen([path], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True)

    def cmd(self, line):
        self.p.stdin.write(line + '\n')
        self.p.stdin.flush()
        r = self.p.stdout.readline().strip()
        if r.startswith('err') or not r:
            raise RuntimeError(f'srtp-tool: {line.split()[0]}: {r}')
        return r

    def new(self, name, direction, suite, k, flags=0):
        self.cmd(f'new {name} {direction} {suite} {k.hex()} {flags}')

    def protect(self, name, pkt, rtcp=False):
        return bytes.fromhex(self.cmd(f'protect {name} {"rtcp" if rtcp else "rtp"} {pkt.hex()}'))

    def close(self):
        self.p.stdin.close()
        self.p.wait()


def rtcp_rr(ssrc):
    """A plain receiver report (one block): its length field covers it exactly."""
    import struct
    return struct.pack('!BBHI', 0x81, 201, 7, ssrc) + bytes(range(24))


def build(tool):
    s = dv.Scenario()
    pmac, p4 = dv.mac(PEER[0]), PEER[1]
    p2mac, p24 = dv.mac(PEER2[0]), PEER2[1]
    k1, k2, k3, k4, k5 = (key(1, CM80), key(2, GCM128), key(3, CM256), key(4, CM32),
                          key(5, CM80))

    s.flow(f'id=1 local={A4}:31000 src={A4}:31001 dst={p4}:7000 srtp-out={CM80}:{k1.hex()}')
    s.flow(f'id=2 local={A4}:31002 src={A4}:31003 dst={p4}:7002 srtp-in={GCM128}:{k2.hex()}')
    s.flow(f'id=3 local={A4}:31004 src={A4}:31005 dst={p4}:7004 '
           f'srtp-in={CM256}:{k3.hex()} srtp-out={CM32}:{k4.hex()}')
    s.flow(f'id=4 local={A4}:31006 src={A4}:31007 dst={p4}:7006 flags=learn,strict '
           f'srtp-in={CM80}:{k5.hex()}')
    k6 = key(6, GCM256)
    s.flow(f'id=5 local={A4}:31008 src={A4}:31009 dst={p4}:7008 '
           f'srtp-in={GCM256}:{k6.hex()} srtp-out={GCM256}:{k6.hex()}')
    k7, k8 = key(7, CM80), key(8, CM80)
    s.flow(f'id=6 local={A4}:31010 src={A4}:31011 dst={p4}:7010 srtp-out={CM80}:{k7.hex()}:0:3')
    s.flow(f'id=7 local={A4}:31012 src={A4}:31013 dst={p4}:7012 srtp-in={CM80}:{k8.hex()}:0:2')
    s.inp.append(dv.arp_reply(pmac, p4, A4))

    def fwd(src, sport, lport, payload, out_sport, out_dport, out_payload, l2=pmac):
        f = dv.udp_frame(dv.OUR_MAC, l2, src, A4, sport, lport, payload)
        s.relay(f, dv.out_frame(pmac, A4, p4, out_sport, out_dport, out_payload, None, 0))

    def frame(src, sport, lport, payload, l2=pmac):
        return dv.udp_frame(dv.OUR_MAC, l2, src, A4, sport, lport, payload)

    # 1: we protect; the peer's receiving context is what we must match.
    tool.new('f1', 'out', CM80, k1)
    for i, seq in enumerate([65533, 65534, 65535, 0, 1, 2]):
        plain = dv.rtp(seq, 1000 + 160 * i, 0x1111, n=160)
        fwd(p4, 6000, 31000, plain, 31001, 7000, tool.protect('f1', plain))
    sr = dv.rtcp_sr(0x1111)
    fwd(p4, 6000, 31000, sr, 31001, 7000, tool.protect('f1', sr, rtcp=True))

    # 2: the peer protects; we must give back its plain packets.
    tool.new('f2', 'out', GCM128, k2)
    srtp2 = {}
    for i, seq in enumerate([65534, 65535, 0, 1]):
        plain = dv.rtp(seq, 5000 + 160 * i, 0x2222, pt=8, n=160)
        srtp2[seq] = tool.protect('f2', plain)
        fwd(p4, 6002, 31002, srtp2[seq], 31003, 7002, plain)
    sr = dv.rtcp_sr(0x2222)
    fwd(p4, 6002, 31002, tool.protect('f2', sr, rtcp=True), 31003, 7002, sr)
    plain2 = dv.rtp(2, 5640, 0x2222, pt=8, n=160)
    good2 = tool.protect('f2', plain2)
    bad2 = good2[:-1] + bytes([good2[-1] ^ 1])
    s.drop(frame(p4, 6002, 31002, bad2), 'srtp-auth')          # wrong tag
    s.drop(frame(p4, 6002, 31002, srtp2[0]), 'srtp-replay')    # seen before
    s.drop(frame(p4, 6002, 31002, rtcp_rr(0x2222)), 'srtp-plain')  # plain RTCP
    s.drop(frame(p4, 6002, 31002, dv.rtp(3, 5800, 0x2222, pt=8)), 'srtp-auth')  # plain RTP
    fwd(p4, 6002, 31002, good2, 31003, 7002, plain2)            # the genuine one still passes

    # 3: re-keyed: the far side gets our own keys' SRTP of the same plain packets.
    tool.new('f3in', 'out', CM256, k3)
    tool.new('f3out', 'out', CM32, k4)
    for i in range(3):
        plain = dv.rtp(10 + i, 160 * i, 0x3333, n=80)
        fwd(p4, 6004, 31004, tool.protect('f3in', plain), 31005, 7004, tool.protect('f3out', plain))

    # 4: a forged packet from PEER2 first: dropped, not learned from.
    tool.new('f4', 'out', CM80, k5)
    p0 = dv.rtp(40, 0, 0x4444, n=40)
    g0 = tool.protect('f4', p0)
    forged = g0[:-3] + bytes(3)
    s.drop(frame(p24, 6106, 31006, forged, p2mac), 'srtp-auth')
    fwd(p4, 6006, 31006, g0, 31007, 7006, p0)
    p1 = dv.rtp(41, 160, 0x4444, n=40)
    s.drop(frame(p24, 6106, 31006, tool.protect('f4', p1), p2mac), 'unexpected-source')
    s.events.append(f'event learned flow=4 src={p4}:6006')

    # 5: pass-through: the bytes leave as they came, once verified.
    tool.new('f5', 'out', GCM256, k6)
    srtp5 = [tool.protect('f5', dv.rtp(70 + i, 160 * i, 0x5555, n=160)) for i in range(3)]
    fwd(p4, 6008, 31008, srtp5[0], 31009, 7008, srtp5[0])
    fwd(p4, 6008, 31008, srtp5[1], 31009, 7008, srtp5[1])
    s.drop(frame(p4, 6008, 31008, srtp5[1]), 'srtp-replay')
    s.drop(frame(p4, 6008, 31008, srtp5[2][:-1] + bytes([srtp5[2][-1] ^ 0x80])), 'srtp-auth')
    fwd(p4, 6008, 31008, srtp5[2], 31009, 7008, srtp5[2])
    # 6: the key protects three packets, then nothing more leaves.
    tool.new('f6', 'out', CM80, k7)
    for i in range(4):
        plain = dv.rtp(90 + i, 160 * i, 0x6666, n=80)
        if i < 3:
            fwd(p4, 6010, 31010, plain, 31011, 7010, tool.protect('f6', plain))
        else:
            s.drop(frame(p4, 6010, 31010, plain), 'srtp-key-used-up')
    # 7: the peer's key is accepted for two packets, then no more.
    tool.new('f7', 'out', CM80, k8)
    for i in range(3):
        plain = dv.rtp(20 + i, 160 * i, 0x7777, n=80)
        if i < 2:
            fwd(p4, 6012, 31012, tool.protect('f7', plain), 31013, 7012, plain)
        else:
            s.drop(frame(p4, 6012, 31012, tool.protect('f7', plain)), 'srtp-key-used-up')
    return s


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        sys.exit(2)
    tool = Tool(sys.argv[1])
    out = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    try:
        s = build(tool)
    finally:
        tool.close()
    dv.write_pcap(os.path.join(out, 'in.pcap'), s.inp)
    dv.write_pcap(os.path.join(out, 'expected.pcap'), s.exp)
    with open(os.path.join(out, 'dp.ini'), 'w') as f:
        f.write(INI)
    with open(os.path.join(out, 'flows.txt'), 'w') as f:
        f.write('hello\n' + '\n'.join(s.flows) + '\nbarrier\n')
    with open(os.path.join(out, 'expect.txt'), 'w') as f:
        for k in sorted(s.drops):
            f.write(f'drop {k} {s.drops[k]}\n')
        for e in s.events:
            f.write(e + '\n')
    print(f'{len(s.inp)} input frames, {len(s.exp)} expected, {sum(s.drops.values())} drops')


if __name__ == '__main__':
    main()
