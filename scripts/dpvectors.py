#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Packet vectors of the dataplane's wire contract (Python 3 standard library).

    scripts/dpvectors.py OUTDIR
    scripts/dpvectors.py --churn OUTDIR   (flows added/deleted under traffic)

writes into OUTDIR:
  dp.ini        the configuration (net_pcap reading in.pcap, writing out.pcap)
  flows.txt     mrelay-flowctl commands that program the flows
  in.pcap       what arrives: neighbor announcements, relayed traffic, and every
                malformed or unwanted packet the packet path must drop
  expected.pcap the relayed UDP frames, byte for byte, in order
  expect.txt    'drop NAME N' lines (exact counters) and 'event ...' lines

The expected frames are built here from the contract, independently of the
dataplane's code: Ethernet dst = next-hop MAC, src = egress interface MAC,
802.1Q (PCP 0) iff the egress interface has a VLAN; IPv4 IHL 5, TOS copied,
ID 0, DF, TTL 64, header checksum; IPv6 traffic class copied, flow label 0,
hop limit 64; UDP ports of the flow, length, checksum (never 0); payload
unchanged except the SSRC/seq/ts rewrite.
"""
import os
import struct
import sys

TTL = 64
OUR_MAC = bytes.fromhex('020000000001')


def mac(s):
    return bytes.fromhex(s.replace(':', ''))


def ip4(s):
    return bytes(int(x) for x in s.split('.'))


def ip6(s):
    head, _, tail = s.partition('::')

    def groups(p):
        return [int(g, 16) for g in p.split(':')] if p else []
    h, t = groups(head), groups(tail)
    if '::' in s:
        g = h + [0] * (8 - len(h) - len(t)) + t
    else:
        g = h
    return struct.pack('!8H', *g)


def ipb(s):
    return ip6(s) if ':' in s else ip4(s)


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack(f'!{len(data) // 2}H', data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


# ---- builders -------------------------------------------------------------

def eth(dst, src, etype, payload, vlan=None):
    if vlan is not None:
        return dst + src + struct.pack('!HHH', 0x8100, vlan, etype) + payload
    return dst + src + struct.pack('!H', etype) + payload


def ipv4(src, dst, proto, payload, tos=0, ttl=64, ident=0x1234, frag=0x4000,
         options=b'', ihl=None, total=None, bad_csum=False, version=4):
    hl = 20 + len(options)
    ihl = hl // 4 if ihl is None else ihl
    total = hl + len(payload) if total is None else total
    h = struct.pack('!BBHHHBBH4s4s', (version << 4) | ihl, tos, total, ident, frag, ttl, proto, 0,
                    ipb(src), ipb(dst)) + options
    c = csum(h)
    if bad_csum:
        c ^= 0x5555
    return h[:10] + struct.pack('!H', c) + h[12:] + payload


def ipv6(src, dst, nh, payload, tc=0, hlim=64, plen=None, flow=0x12345, version=6):
    plen = len(payload) if plen is None else plen
    return struct.pack('!IHBB16s16s', (version << 28) | (tc << 20) | flow, plen, nh, hlim,
                       ipb(src), ipb(dst)) + payload


def udp(src, dst, sport, dport, payload, length=None, cks=None):
    ln = 8 + len(payload) if length is None else length
    h = struct.pack('!HHHH', sport, dport, ln, 0)
    if cks is None:
        s, d = ipb(src), ipb(dst)
        if len(s) == 4:
            ph = s + d + struct.pack('!BBH', 0, 17, 8 + len(payload))
        else:
            ph = s + d + struct.pack('!IxxxB', 8 + len(payload), 17)
        cks = csum(ph + h + payload) or 0xffff
    return h[:6] + struct.pack('!H', cks) + payload


def rtp(seq, ts, ssrc, pt=0, n=160, fill=0xd5, marker=False):
    return struct.pack('!BBHII', 0x80, (0x80 if marker else 0) | pt, seq & 0xffff, ts, ssrc) + \
        bytes([fill]) * n


def rtcp_sr(ssrc, cname=b'mrelay@test'):
    sr = struct.pack('!BBHIIIIII', 0x80, 200, 6, ssrc, 0xe0000000, 0x10000000, 12345, 10, 1600)
    item = bytes([1, len(cname)]) + cname
    body = struct.pack('!I', ssrc) + item + b'\0'
    body += b'\0' * ((-len(body)) % 4)
    sdes = struct.pack('!BBH', 0x81, 202, len(body) // 4) + body
    return sr + sdes


def udp_frame(l2dst, l2src, src, dst, sport, dport, payload, vlan=None, tos=0, ttl=64,
              ip_kw=None, udp_kw=None):
    ip_kw = ip_kw or {}
    udp_kw = udp_kw or {}
    u = udp(src, dst, sport, dport, payload, **udp_kw)
    if ':' in src:
        return eth(l2dst, l2src, 0x86dd, ipv6(src, dst, 17, u, tc=tos, hlim=ttl, **ip_kw), vlan)
    return eth(l2dst, l2src, 0x0800, ipv4(src, dst, 17, u, tos=tos, ttl=ttl, **ip_kw), vlan)


def out_frame(nh_mac, src, dst, sport, dport, payload, vlan, tos):
    """A relayed frame exactly as the wire contract says."""
    u = udp(src, dst, sport, dport, payload)
    if ':' in src:
        l3 = struct.pack('!IHBB16s16s', (6 << 28) | (tos << 20), len(u), 17, TTL, ipb(src),
                         ipb(dst)) + u
        return eth(nh_mac, OUR_MAC, 0x86dd, l3, vlan or None)
    return eth(nh_mac, OUR_MAC, 0x0800,
               ipv4(src, dst, 17, u, tos=tos, ttl=TTL, ident=0, frag=0x4000), vlan or None)


def arp_reply(peer_mac, peer_ip, our_ip, vlan=None):
    a = struct.pack('!HHBBH6s4s6s4s', 1, 0x0800, 6, 4, 2, peer_mac, ip4(peer_ip), OUR_MAC,
                    ip4(our_ip))
    return eth(OUR_MAC, peer_mac, 0x0806, a, vlan)


def neigh_adv(peer_mac, peer_ip, our_ip, vlan=None):
    body = struct.pack('!BBHI16s', 136, 0, 0, 0x60000000, ip6(peer_ip)) + bytes([2, 1]) + peer_mac
    ph = ip6(peer_ip) + ip6(our_ip) + struct.pack('!IxxxB', len(body), 58)
    c = csum(ph + body)
    body = body[:2] + struct.pack('!H', c) + body[4:]
    return eth(OUR_MAC, peer_mac, 0x86dd, ipv6(peer_ip, our_ip, 58, body, hlim=255, flow=0), vlan)


# ---- pcap ------------------------------------------------------------------

def write_pcap(path, frames):
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack('<IIII', 1700000000, i, len(fr), len(fr)))
            f.write(fr)


def read_pcap(path):
    with open(path, 'rb') as f:
        data = f.read()
    magic = struct.unpack('<I', data[:4])[0]
    if magic in (0xa1b2c3d4, 0xa1b23c4d):
        e = '<'
    elif magic in (0xd4c3b2a1, 0x4d3cb2a1):
        e = '>'
    else:
        raise ValueError(f'{path}: not a pcap file')
    off, frames = 24, []
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(e + 'IIII', data[off:off + 16])
        frames.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return frames


def pcap_udp_payloads(path):
    """The UDP payloads of a pcap of Ethernet/IPv4/UDP frames (sip-tester's RTP captures)."""
    out = []
    for f in read_pcap(path):
        ihl = (f[14] & 0x0f) * 4
        out.append(f[14 + ihl + 8:])
    return out


def is_udp(frame):
    """The frames the comparison looks at: IPv4/IPv6 UDP (ARP/NDP/ICMP are neigh's)."""
    if len(frame) < 14:
        return False
    et, off = struct.unpack('!H', frame[12:14])[0], 14
    if et == 0x8100 and len(frame) >= 18:
        et, off = struct.unpack('!H', frame[16:18])[0], 18
    if et == 0x0800 and len(frame) >= off + 20:
        return frame[off + 9] == 17
    if et == 0x86dd and len(frame) >= off + 40:
        return frame[off + 6] == 17
    return False


# ---- the scenario ----------------------------------------------------------

A4, B4 = '198.18.0.1', '198.19.0.1'
A6, B6 = '2001:db8:a::1', '2001:db8:b::1'
VLAN_B = 20
PEER_A = ('02:aa:00:00:00:50', '198.18.0.50', '2001:db8:a::50')
PEER_A2 = ('02:aa:00:00:00:51', '198.18.0.51', None)
PEER_B = ('02:bb:00:00:00:60', '198.19.0.60', '2001:db8:b::60')
PEER_L = ('02:aa:00:00:00:77', '198.18.0.77', None)

INI = """[dataplane]
workers = 0
flows = 1024
learn-window = 10000
[interface a]
device = net_pcap_@INSTANCE@,rx_pcap=@DIR@/in.pcap,tx_pcap=@DIR@/out.pcap
mac = 02:00:00:00:00:01
address = 198.18.0.1/24
address6 = 2001:db8:a::1/64
[interface b]
device = net_pcap_@INSTANCE@,rx_pcap=@DIR@/in.pcap,tx_pcap=@DIR@/out.pcap
mac = 02:00:00:00:00:01
vlan = 20
address = 198.19.0.1/24
address6 = 2001:db8:b::1/64
"""


class Scenario:
    def __init__(self):
        self.inp, self.exp, self.flows, self.drops, self.events = [], [], [], {}, []

    def flow(self, line):
        self.flows.append('add ' + line)

    def drop(self, frame, reason):
        self.inp.append(frame)
        self.drops[reason] = self.drops.get(reason, 0) + 1

    def relay(self, frame, expected):
        self.inp.append(frame)
        self.exp.append(expected)


def build():
    s = Scenario()
    pa_mac, pa4, pa6 = mac(PEER_A[0]), PEER_A[1], PEER_A[2]
    pb_mac, pb4, pb6 = mac(PEER_B[0]), PEER_B[1], PEER_B[2]
    pa2_mac, pa2 = mac(PEER_A2[0]), PEER_A2[1]
    pl_mac, pl4 = mac(PEER_L[0]), PEER_L[1]

    # Flows. iface 0 = a (untagged), 1 = b (VLAN 20).
    s.flow(f'id=1 local={A4}:30000 out-iface=1 src={B4}:40000 dst={pb4}:6000')
    s.flow(f'id=2 iface=1 vlan={VLAN_B} local={B4}:40002 out-iface=0 src={A4}:30002 dst={pa4}:5002')
    s.flow(f'id=3 local=[{A6}]:30004 out-iface=1 src=[{B6}]:40004 dst=[{pb6}]:6004')
    s.flow(f'id=4 local={A4}:30006 src=[{A6}]:30008 dst=[{pa6}]:5008')
    s.flow(f'id=5 local=[{A6}]:30010 src={A4}:30012 dst={pa4}:5012')
    s.flow(f'id=6 local={A4}:30014 src={A4}:30015 dst={pa4}:5015 flags=rtcp')
    s.flow(f'id=7 local={A4}:30016 out-iface=1 src={B4}:40016 dst={pb4}:6016 flags=ssrc,mux '
           f'ssrc=0x11223344 seq-delta=1000 ts-delta=160000')
    s.flow(f'id=8 local={A4}:30018 src={A4}:30019 dst={pa4}:5019 flags=strict expect={pa4}:5000')
    s.flow(f'id=9 local={A4}:30020 src={A4}:30021 dst={pa4}:5021 flags=learn,strict')
    s.flow(f'id=10 local={A4}:30022 src={A4}:30023 dst={pa4}:5023 flags=learn,strict window=1')
    s.flow(f'id=11 local={A4}:30024 src={A4}:30025 dst={pa4}:5025 flags=blackhole')
    s.flow(f'id=12 local={A4}:30026 src={A4}:30027 peer=13 flags=learn,strict')
    s.flow(f'id=13 iface=1 vlan={VLAN_B} local={B4}:40028 out-iface=0 src={A4}:30026 peer=12 '
           f'flags=peer-dst')

    # Neighbors first (processed between packets: burst 1, workers 0).
    s.inp.append(arp_reply(pa_mac, pa4, A4))
    s.inp.append(arp_reply(pb_mac, pb4, B4, VLAN_B))
    s.inp.append(neigh_adv(pa_mac, pa6, A6))
    s.inp.append(neigh_adv(pb_mac, pb6, B6, VLAN_B))

    def fwd(flow_in, flow_out, payload, l2src, vlan_in, vlan_out, nh, tos=0, ttl=64, ip_kw=None,
            udp_kw=None, out_payload=None, pad_to=None):
        src, sport, dst, dport = flow_in
        f = udp_frame(OUR_MAC, l2src, src, dst, sport, dport, payload, vlan_in, tos, ttl, ip_kw,
                      udp_kw)
        if pad_to and len(f) < pad_to:
            f += b'\0' * (pad_to - len(f))
        osrc, osport, odst, odport = flow_out
        s.relay(f, out_frame(nh, osrc, odst, osport, odport,
                             payload if out_payload is None else out_payload, vlan_out, tos))

    # 1: v4 -> v4, untagged in, VLAN 20 out; TTL and TOS, a zero (absent) UDP checksum.
    for i in range(3):
        fwd((pa4, 5000, A4, 30000), (B4, 40000, pb4, 6000), rtp(100 + i, 8000 + 160 * i, 0xa1),
            pa_mac, None, VLAN_B, pb_mac, tos=0xb8, ttl=3 + i)
    fwd((pa4, 5000, A4, 30000), (B4, 40000, pb4, 6000), rtp(103, 8480, 0xa1), pa_mac, None,
        VLAN_B, pb_mac, udp_kw={'cks': 0})
    # Ethernet padding is not payload: a 54-byte frame padded to 60 leaves as 54 + VLAN.
    fwd((pa4, 5000, A4, 30000), (B4, 40000, pb4, 6000), rtp(104, 8640, 0xa1, n=0), pa_mac, None,
        VLAN_B, pb_mac, pad_to=60)
    # 2: VLAN 20 in, untagged out.
    fwd((pb4, 6002, B4, 40002), (A4, 30002, pa4, 5002), rtp(7, 70, 0xb2, pt=8), pb_mac, VLAN_B,
        None, pa_mac)
    # 3: v6 -> v6, traffic class kept.
    fwd((pa6, 5004, A6, 30004), (B6, 40004, pb6, 6004), rtp(1, 160, 0xa3), pa_mac, None, VLAN_B,
        pb_mac, tos=0x2e)
    # 4: v4 -> v6 (the header grows by 20 bytes); DSCP+ECN carried over.
    fwd((pa4, 5006, A4, 30006), (A6, 30008, pa6, 5008), rtp(9, 900, 0xa4), pa_mac, None, None,
        pa_mac, tos=0xb9)
    # 5: v6 -> v4 (it shrinks).
    fwd((pa6, 5010, A6, 30010), (A4, 30012, pa4, 5012), rtp(11, 1100, 0xa5), pa_mac, None, None,
        pa_mac, tos=0x88)
    # 6: RTCP compound (SR + SDES), relayed unchanged.
    fwd((pa4, 5014, A4, 30014), (A4, 30015, pa4, 5015), rtcp_sr(0xa6), pa_mac, None, None, pa_mac)
    # 7: SSRC / sequence / timestamp rewrite, with wrap-around; RTCP's first SSRC.
    for seq, ts in ((64900, 0xfffff000), (64901, 0xfffff0a0)):
        out = rtp(seq + 1000, (ts + 160000) & 0xffffffff, 0x11223344)
        fwd((pa4, 5016, A4, 30016), (B4, 40016, pb4, 6016), rtp(seq, ts, 0xa7), pa_mac, None,
            VLAN_B, pb_mac, out_payload=out)
    sr = rtcp_sr(0xa7)
    fwd((pa4, 5016, A4, 30016), (B4, 40016, pb4, 6016), sr, pa_mac, None, VLAN_B, pb_mac,
        out_payload=sr[:4] + struct.pack('!I', 0x11223344) + sr[8:])
    # 8: strict source with an expected remote: address and port must match.
    fwd((pa4, 5000, A4, 30018), (A4, 30019, pa4, 5019), rtp(1, 0, 0xa8), pa_mac, None, None,
        pa_mac)
    s.drop(udp_frame(OUR_MAC, pa2_mac, pa2, A4, 5000, 30018, rtp(2, 160, 0xa8)), 'unexpected-source')
    s.drop(udp_frame(OUR_MAC, pa_mac, pa4, A4, 5001, 30018, rtp(3, 320, 0xa8)), 'unexpected-source')
    # 9: learning: the first source latches, another is dropped, the first still passes.
    fwd((pa4, 5020, A4, 30020), (A4, 30021, pa4, 5021), rtp(1, 0, 0xa9), pa_mac, None, None,
        pa_mac)
    s.events.append(f'event learned flow=9 src={pa4}:5020')
    s.drop(udp_frame(OUR_MAC, pa2_mac, pa2, A4, 5020, 30020, rtp(2, 160, 0xa9)), 'unexpected-source')
    fwd((pa4, 5020, A4, 30020), (A4, 30021, pa4, 5021), rtp(3, 320, 0xa9), pa_mac, None, None,
        pa_mac)
    # 10: the window (1 ms) is over before traffic starts: nothing is learned, all dropped.
    s.drop(udp_frame(OUR_MAC, pa_mac, pa4, A4, 5022, 30022, rtp(1, 0, 0xaa)), 'unexpected-source')
    # 11: blackhole (hold): counted, not sent.
    s.drop(udp_frame(OUR_MAC, pa_mac, pa4, A4, 5024, 30024, rtp(1, 0, 0xab)), 'blackhole')
    # 12/13: flow 13 sends where flow 12 learned its remote.
    s.drop(udp_frame(OUR_MAC, pb_mac, pb4, B4, 6028, 40028, rtp(1, 0, 0xad), VLAN_B), 'blackhole')
    # Flow 12 learns from this packet; it has no destination itself (blackhole).
    s.drop(udp_frame(OUR_MAC, pl_mac, pl4, A4, 7000, 30026, rtp(1, 0, 0xac)), 'blackhole')
    s.events.append(f'event learned flow=12 src={pl4}:7000')
    s.inp.append(arp_reply(pl_mac, pl4, A4))
    fwd((pb4, 6028, B4, 40028), (A4, 30026, pl4, 7000), rtp(2, 160, 0xad), pb_mac, VLAN_B, None,
        pl_mac)

    # Malformed and unwanted packets, each with its counter.
    good = udp_frame(OUR_MAC, pa_mac, pa4, A4, 5000, 30000, rtp(1, 0, 0xee))
    s.drop(good[:10], 'eth-short')
    s.drop(eth(OUR_MAC, pa_mac, 0x0800, good[14:], 99), 'vlan-unknown')
    s.drop(OUR_MAC + pa_mac + struct.pack('!HH', 0x88a8, 20) + good[12:], 'vlan-unknown')
    s.drop(eth(OUR_MAC, pa_mac, 0x88cc, b'\0' * 46), 'ethertype')
    s.drop(eth(OUR_MAC, pa_mac, 0x0800, good[14:24]), 'ip4-short')
    u = udp(pa4, A4, 5000, 30000, rtp(1, 0, 0xee))
    s.drop(eth(OUR_MAC, pa_mac, 0x0800, ipv4(pa4, A4, 17, u, version=6)), 'ip4-version')
    s.drop(eth(OUR_MAC, pa_mac, 0x0800, ipv4(pa4, A4, 17, u, ihl=4)), 'ip4-bad-ihl')
    s.drop(eth(OUR_MAC, pa_mac, 0x0800, ipv4(pa4, A4, 17, b'', ihl=15)), 'ip4-bad-ihl')
    s.drop(eth(OUR_MAC, pa_mac, 0x0800, ipv4(pa4, A4, 17, u, options=b'\x01\x01\x01\x00')),
           'ip4-options')
    s.drop(eth(OUR_MAC, pa_mac, 0x0800, ipv4(pa4, A4, 17, u, total=20 + len(u) + 1)),
           'ip4-bad-length')
    s.drop(eth(OUR_MAC, pa_mac, 0x0800, ipv4(pa4, A4, 17, u, total=19)), 'ip4-bad-length')
    s.drop(eth(OUR_MAC, pa_mac, 0x0800, ipv4(pa4, A4, 17, u)[:60]), 'ip4-bad-length')  # truncated
    s.drop(eth(OUR_MAC, pa_mac, 0x0800, ipv4(pa4, A4, 17, u, bad_csum=True)), 'ip4-bad-checksum')
    s.drop(eth(OUR_MAC, pa_mac, 0x0800, ipv4(pa4, A4, 17, u, frag=0x2000)), 'ip4-fragment')
    s.drop(eth(OUR_MAC, pa_mac, 0x0800, ipv4(pa4, A4, 17, u, frag=0x0010)), 'ip4-fragment')
    s.drop(eth(OUR_MAC, pa_mac, 0x0800, ipv4(pa4, '198.18.0.99', 17,
                                             udp(pa4, '198.18.0.99', 5000, 30000, rtp(1, 0, 1)))),
           'not-our-address')
    s.drop(eth(OUR_MAC, pa_mac, 0x0800, ipv4(pa4, A4, 6, b'\0' * 20)), 'ip-proto')
    s.drop(eth(OUR_MAC, pa_mac, 0x0800, ipv4(pa4, A4, 17, b'\0' * 4)), 'udp-short')
    s.drop(udp_frame(OUR_MAC, pa_mac, pa4, A4, 5000, 30000, rtp(1, 0, 0xee),
                     udp_kw={'length': 100}), 'udp-bad-length')
    s.drop(udp_frame(OUR_MAC, pa_mac, pa4, A4, 5000, 30000, rtp(1, 0, 0xee),
                     udp_kw={'cks': 0x1234}), 'udp-bad-checksum')
    s.drop(udp_frame(OUR_MAC, pa_mac, pa6, A6, 5004, 30004, rtp(1, 0, 0xee),
                     udp_kw={'cks': 0}), 'udp-bad-checksum')  # mandatory in IPv6
    u6 = udp(pa6, A6, 5004, 30004, rtp(1, 0, 0xee))
    s.drop(eth(OUR_MAC, pa_mac, 0x86dd, ipv6(pa6, A6, 17, u6)[:30]), 'ip6-short')
    s.drop(eth(OUR_MAC, pa_mac, 0x86dd, ipv6(pa6, A6, 17, u6, version=4)), 'ip6-version')
    s.drop(eth(OUR_MAC, pa_mac, 0x86dd, ipv6(pa6, A6, 17, u6, plen=len(u6) + 8)), 'ip6-bad-length')
    s.drop(eth(OUR_MAC, pa_mac, 0x86dd, ipv6(pa6, A6, 44, b'\x11\0\0\x01\0\0\0\x01' + u6)),
           'ip6-ext-header')
    s.drop(eth(OUR_MAC, pa_mac, 0x86dd, ipv6(pa6, A6, 0, b'\x11\0\1\4\0\0\0\0' + u6)),
           'ip6-ext-header')
    s.drop(udp_frame(OUR_MAC, pa_mac, pa6, '2001:db8:a::99', 5004, 30004, rtp(1, 0, 0xee)),
           'not-our-address')
    s.drop(udp_frame(OUR_MAC, pa_mac, pa4, A4, 5000, 31000, rtp(1, 0, 0xee)), 'no-flow')
    s.drop(udp_frame(OUR_MAC, pa_mac, pa4, A4, 5000, 30000, b'\x40' + b'\0' * 20), 'not-rtp')
    s.drop(udp_frame(OUR_MAC, pa_mac, pa4, A4, 5000, 30000, b''), 'not-rtp')
    s.drop(udp_frame(OUR_MAC, pa_mac, pa4, A4, 5000, 30000,
                     struct.pack('!HHI12s', 1, 0, 0x2112a442, b'\1' * 12)), 'stun')
    s.drop(udp_frame(OUR_MAC, pa_mac, pa4, A4, 5000, 30000, b'\x16\xfe\xfd' + b'\0' * 20), 'dtls')
    # After all of that, flow 1 still relays.
    fwd((pa4, 5000, A4, 30000), (B4, 40000, pb4, 6000), rtp(105, 8800, 0xa1), pa_mac, None, VLAN_B,
        pb_mac)
    return s


CHURN_INI = """[dataplane]
workers = 1
flows = 4096
[interface a]
device = net_pcap_@INSTANCE@,rx_pcap=@DIR@/in.pcap,tx_pcap=@DIR@/out.pcap
mac = 02:00:00:00:00:01
address = 198.18.0.1/24
"""


def churn(out, n_flows=100, per_flow=2000, n_churn=200):
    """Steady traffic on n_flows flows (ids 0.., ports 30000 + 2 id) interleaved
    with traffic to n_churn ports (40000 + 2 k) whose flows come and go.
    UDP checksums are 0 (absent, legal in IPv4) so that frames are templates."""
    pa_mac, pa4 = mac(PEER_A[0]), PEER_A[1]
    frames = [arp_reply(pa_mac, pa4, A4), arp_reply(mac(PEER_A2[0]), PEER_A2[1], A4)]
    for i in range(per_flow):
        for f in range(n_flows):
            hdr = rtp(i, 160 * i, 0x1000 + f)
            frames.append(udp_frame(OUR_MAC, pa_mac, pa4, A4, 5000 + f, 30000 + 2 * f, hdr,
                                    udp_kw={'cks': 0}))
        k = i % n_churn
        frames.append(udp_frame(OUR_MAC, pa_mac, pa4, A4, 6000, 40000 + 2 * k,
                                rtp(i, 0, 0x2000 + k), udp_kw={'cks': 0}))
    write_pcap(os.path.join(out, 'in.pcap'), frames)
    with open(os.path.join(out, 'dp.ini'), 'w') as f:
        f.write(CHURN_INI)
    with open(os.path.join(out, 'flows.txt'), 'w') as f:
        f.write('hello\n')
        # Makes the second remote a known neighbor before traffic (the MODs use it).
        f.write(f'add id=3000 local={A4}:50000 src={A4}:50002 dst={PEER_A2[1]}:5000\n')
        for i in range(n_flows):
            f.write(f'add id={i} local={A4}:{30000 + 2 * i} src={A4}:{31000 + 2 * i} '
                    f'dst={pa4}:{5000 + i}\n')
    # While traffic runs: churned flows added and deleted, steady flows re-pointed.
    with open(os.path.join(out, 'churn.txt'), 'w') as f:
        f.write('barrier\nworkers\npipeline on\n')
        for r in range(2):
            f.write(f'wait-rx {20000 + 60000 * r}\n')
            for k in range(n_churn):
                f.write(f'add id={1000 + k} local={A4}:{40000 + 2 * k} src={A4}:41000 '
                        f'dst={pa4}:6000\n')
            for i in range(n_flows):
                f.write(f'mod id={i} local={A4}:{30000 + 2 * i} src={A4}:{31000 + 2 * i} '
                        f'dst={PEER_A2[1] if r % 2 == 0 else pa4}:{5000 + i}\n')
            for k in range(n_churn):
                f.write(f'del {1000 + k}\n')
        f.write('workers\n')
    print(f'{len(frames)} input frames, {n_flows * per_flow} on steady flows')


def main():
    if len(sys.argv) == 3 and sys.argv[1] == '--churn':
        os.makedirs(sys.argv[2], exist_ok=True)
        churn(sys.argv[2])
        return
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        sys.exit(2)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    s = build()
    write_pcap(os.path.join(out, 'in.pcap'), s.inp)
    write_pcap(os.path.join(out, 'expected.pcap'), s.exp)
    with open(os.path.join(out, 'dp.ini'), 'w') as f:
        f.write(INI)
    with open(os.path.join(out, 'flows.txt'), 'w') as f:
        f.write('hello\n' + '\n'.join(s.flows) + '\n')
        f.write('sleep 100   # flow 10\'s 1 ms learning window ends before traffic\n')
        f.write('barrier\n')
    with open(os.path.join(out, 'expect.txt'), 'w') as f:
        for k in sorted(s.drops):
            f.write(f'drop {k} {s.drops[k]}\n')
        for e in s.events:
            f.write(e + '\n')
    print(f'{len(s.inp)} input frames, {len(s.exp)} expected, {sum(s.drops.values())} drops')


if __name__ == '__main__':
    main()
