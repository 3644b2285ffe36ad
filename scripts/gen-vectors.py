#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Packet vectors for the dataplane tests, as pcap files.

    scripts/gen-vectors.py [--set NAME]... OUTDIR

writes <set>_<case>.in.pcap (frames given to the code under test) and
<set>_<case>.out.pcap (the frames it must produce, byte for byte), then
<set>.stamp. Python 3 standard library only; deterministic (fixed addresses,
fixed timestamps, no randomness), so the same run gives the same bytes.

Sets: "neigh" (ARP, ICMP echo, NDP NS->NA, ICMPv6 echo, probes) for
tests/eal/test_neigh.c; "builders" (relayed RTP/RTCP over IPv4, IPv6 and
802.1Q from relay_frame(), checked by tshark in tests/unit). Further sets
(the packet path's) add a function to SETS.

The relay wire contract (what a relayed frame looks like on egress; the
expected-output builder relay_frame() below encodes it):
  Ethernet  dst = next-hop MAC, src = egress interface MAC; an 802.1Q tag
            (TPID 0x8100, PCP 0, DEI 0, VID = egress vlan) iff egress vlan != 0.
  IPv4      IHL 5 (no options), TOS copied from the incoming TOS / traffic
            class, total length exact, ID 0, DF set, fragment offset 0,
            TTL 64 by default, correct header checksum.
  IPv6      version 6, traffic class copied from the incoming TOS / traffic
            class, flow label 0, payload length exact, next header UDP,
            hop limit 64.
  UDP       source/destination ports of the flow's egress, length exact,
            checksum correct over the pseudo-header and never 0 (0xffff
            when the sum is 0), for IPv4 and IPv6 alike.
  Payload   unchanged, except the SSRC when the flow asks for a rewrite.
"""

import ipaddress
import os
import struct
import sys

# ---- addresses --------------------------------------------------------------


def mac(s):
    """'02:00:00:00:00:01' -> 6 bytes."""
    b = bytes(int(x, 16) for x in s.split(':'))
    assert len(b) == 6, s
    return b


def ip4(s):
    return ipaddress.IPv4Address(s).packed


def ip6(s):
    return ipaddress.IPv6Address(s).packed


def ip_any(s):
    return ipaddress.ip_address(s).packed


def solicited_node(addr6):
    """ff02::1:ffXX:XXXX for a 16-byte address."""
    prefix = b'\xff\x02' + b'\x00' * 9 + b'\x01\xff'
    assert len(prefix) == 13 and len(addr6) == 16
    return prefix + addr6[13:]


def ip6_mcast_mac(addr6):
    return b'\x33\x33' + addr6[12:]


BROADCAST = b'\xff' * 6
ZERO_MAC = b'\x00' * 6

# ---- checksums --------------------------------------------------------------


def csum(data):
    """Internet checksum (RFC 1071) of data, as an int to store big-endian."""
    if len(data) % 2:
        data += b'\x00'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def pseudo4(src, dst, proto, length):
    return src + dst + struct.pack('!BBH', 0, proto, length)


def pseudo6(src, dst, nh, length):
    return src + dst + struct.pack('!IxxxB', length, nh)

# ---- layers -----------------------------------------------------------------


ETH_IPV4 = 0x0800
ETH_ARP = 0x0806
ETH_VLAN = 0x8100
ETH_IPV6 = 0x86dd
PROTO_ICMP = 1
PROTO_UDP = 17
PROTO_ICMP6 = 58


def eth(dst, src, ethertype, payload, vlan=0, pcp=0, tagged=None):
    """Ethernet II; one 802.1Q tag when vlan != 0 (or tagged=True)."""
    if tagged is None:
        tagged = vlan != 0
    hdr = dst + src
    if tagged:
        hdr += struct.pack('!HH', ETH_VLAN, (pcp << 13) | (vlan & 0xfff))
    return hdr + struct.pack('!H', ethertype) + payload


def arp(op, sha, spa, tha, tpa, htype=1, ptype=ETH_IPV4, hlen=6, plen=4):
    return struct.pack('!HHBBH', htype, ptype, hlen, plen, op) + sha + spa + tha + tpa


def ipv4(src, dst, proto, payload, tos=0, ttl=64, ident=0, df=True, flags_frag=None,
         checksum=None):
    """IPv4 header (IHL 5) + payload; correct checksum unless given."""
    ff = flags_frag if flags_frag is not None else (0x4000 if df else 0)
    hdr = struct.pack('!BBHHHBBH4s4s', 0x45, tos, 20 + len(payload), ident, ff, ttl, proto,
                      0, src, dst)
    c = csum(hdr) if checksum is None else checksum
    return hdr[:10] + struct.pack('!H', c) + hdr[12:] + payload


def ipv6(src, dst, nh, payload, tc=0, flow=0, hlim=64):
    vtf = (6 << 28) | (tc << 20) | (flow & 0xfffff)
    return struct.pack('!IHBB', vtf, len(payload), nh, hlim) + src + dst + payload


def udp(src_ip, dst_ip, sport, dport, payload, checksum=None):
    """UDP for IPv4 (4-byte addresses) or IPv6 (16); checksum never 0."""
    length = 8 + len(payload)
    hdr = struct.pack('!HHHH', sport, dport, length, 0)
    if checksum is None:
        ph = pseudo4(src_ip, dst_ip, PROTO_UDP, length) if len(src_ip) == 4 else \
            pseudo6(src_ip, dst_ip, PROTO_UDP, length)
        checksum = csum(ph + hdr + payload) or 0xffff
    return hdr[:6] + struct.pack('!H', checksum) + payload


def icmp4(typ, code, body, checksum=None):
    msg = struct.pack('!BBH', typ, code, 0) + body
    c = csum(msg) if checksum is None else checksum
    return msg[:2] + struct.pack('!H', c) + msg[4:]


def icmp6(src, dst, typ, code, body, checksum=None):
    msg = struct.pack('!BBH', typ, code, 0) + body
    c = csum(pseudo6(src, dst, PROTO_ICMP6, len(msg)) + msg) if checksum is None else checksum
    return msg[:2] + struct.pack('!H', c) + msg[4:]


def echo_body(ident, seq, data):
    return struct.pack('!HH', ident, seq) + data


def nd_opt(typ, hwaddr):
    return struct.pack('!BB', typ, 1) + hwaddr


def nd_ns_body(target, slla=None):
    return b'\x00' * 4 + target + (nd_opt(1, slla) if slla else b'')


def nd_na_body(target, flags, tlla=None):
    """flags: 'R', 'S', 'O' letters."""
    f = (0x80 if 'R' in flags else 0) | (0x40 if 'S' in flags else 0) | \
        (0x20 if 'O' in flags else 0)
    return struct.pack('!B3x', f) + target + (nd_opt(2, tlla) if tlla else b'')


def rtp(pt, seq, ts, ssrc, payload, marker=False, csrc=(), ext=None, pad=0):
    """RTP (RFC 3550). ext: (profile, bytes multiple of 4); pad: padding bytes."""
    b0 = 0x80 | (0x20 if pad else 0) | (0x10 if ext else 0) | len(csrc)
    b1 = (0x80 if marker else 0) | pt
    out = struct.pack('!BBHII', b0, b1, seq & 0xffff, ts & 0xffffffff, ssrc)
    out += b''.join(struct.pack('!I', c) for c in csrc)
    if ext:
        prof, data = ext
        assert len(data) % 4 == 0
        out += struct.pack('!HH', prof, len(data) // 4) + data
    out += payload
    if pad:
        out += b'\x00' * (pad - 1) + bytes([pad])
    return out


def rtcp(pt, count, body):
    """One RTCP packet: header + body (multiple of 4 bytes)."""
    assert len(body) % 4 == 0
    return struct.pack('!BBH', 0x80 | count, pt, len(body) // 4) + body


def rtcp_sr(ssrc, ntp, rtp_ts, packets, octets, blocks=()):
    """Sender report; blocks: 24-byte report blocks (rtcp_rb())."""
    body = struct.pack('!IQIII', ssrc, ntp, rtp_ts, packets, octets) + b''.join(blocks)
    return rtcp(200, len(blocks), body)


def rtcp_rr(ssrc, blocks=()):
    return rtcp(201, len(blocks), struct.pack('!I', ssrc) + b''.join(blocks))


def rtcp_rb(ssrc, fraction, lost, ext_seq, jitter, lsr, dlsr):
    return struct.pack('!IB3sIIII', ssrc, fraction, (lost & 0xffffff).to_bytes(3, 'big'),
                       ext_seq, jitter, lsr, dlsr)


def udp_frame(dst_mac, src_mac, src, dst, sport, dport, payload, vlan=0, tos=0, ttl=64,
              hlim=64, tc=None):
    """An Ethernet/IPv4 or /IPv6 UDP frame (family from the address strings)."""
    s, d = ip_any(src), ip_any(dst)
    u = udp(s, d, sport, dport, payload)
    if len(s) == 4:
        return eth(dst_mac, src_mac, ETH_IPV4, ipv4(s, d, PROTO_UDP, u, tos=tos, ttl=ttl),
                   vlan=vlan)
    return eth(dst_mac, src_mac, ETH_IPV6,
               ipv6(s, d, PROTO_UDP, u, tc=tos if tc is None else tc, hlim=hlim), vlan=vlan)


def relay_frame(nexthop_mac, egress_mac, egress_vlan, src, dst, sport, dport, payload,
                tos=0, ttl=64):
    """The expected egress frame of a relayed packet (see the contract above).
    tos: incoming TOS / traffic class, copied."""
    s, d = ip_any(src), ip_any(dst)
    u = udp(s, d, sport, dport, payload)
    if len(s) == 4:
        l3 = ipv4(s, d, PROTO_UDP, u, tos=tos, ttl=ttl, ident=0, df=True)
        return eth(nexthop_mac, egress_mac, ETH_IPV4, l3, vlan=egress_vlan)
    l3 = ipv6(s, d, PROTO_UDP, u, tc=tos, flow=0, hlim=64)
    return eth(nexthop_mac, egress_mac, ETH_IPV6, l3, vlan=egress_vlan)

# ---- pcap -------------------------------------------------------------------


PCAP_MAGIC = 0xa1b2c3d4
LINKTYPE_ETHERNET = 1
TS_BASE = 1700000000  # fixed: the files are byte-identical run after run


def pcap_write(path, frames):
    with open(path + '.tmp', 'wb') as f:
        f.write(struct.pack('<IHHiIII', PCAP_MAGIC, 2, 4, 0, 0, 65535, LINKTYPE_ETHERNET))
        for i, fr in enumerate(frames):
            f.write(struct.pack('<IIII', TS_BASE + i, 0, len(fr), len(fr)))
            f.write(fr)
    os.replace(path + '.tmp', path)


def pcap_read(path):
    """Frames of a classic pcap (either byte order, micro- or nanoseconds)."""
    with open(path, 'rb') as f:
        data = f.read()
    magic = struct.unpack('<I', data[:4])[0]
    if magic in (0xa1b2c3d4, 0xa1b23c4d):
        end = '<'
    elif magic in (0xd4c3b2a1, 0x4d3cb2a1):
        end = '>'
    else:
        raise ValueError('%s: not a pcap file' % path)
    off, frames = 24, []
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(end + 'IIII', data[off:off + 16])
        off += 16
        if off + incl > len(data):
            raise ValueError('%s: truncated record' % path)
        frames.append(data[off:off + incl])
        off += incl
    return frames

# ---- set "neigh" ------------------------------------------------------------
# The topology tests/eal/test_neigh.c configures (keep the two in step).

US_MAC = mac('02:00:00:00:00:01')
US4 = ip4('198.18.0.1')            # iface 0, port 0, untagged, /24
US6 = ip6('2001:db8:0:1::1')       # iface 0, /64
US6_LL = ip6('fe80::ff:fe00:1')    # iface 0, EUI-64 of US_MAC
US4_V = ip4('198.51.100.1')        # iface 1, port 0, vlan 100, /24
VLAN = 100
PEER_MAC = mac('02:00:00:00:00:aa')
PEER4 = ip4('198.18.0.10')
PEER6 = ip6('2001:db8:0:1::10')
PEER6_LL = ip6('fe80::aa')
PEER4_V = ip4('198.51.100.10')
US4_2 = ip4('198.18.0.7')          # iface 0: a second IPv4 address (of 198.18.0.1, .7, .200)
US6_2 = ip6('2001:db8:0:1::7')     # iface 0: a second IPv6 address


def neigh_cases():
    """(case, input frames, expected output frames)."""
    cases = []
    pad = b'\x00' * 18  # an ARP frame is padded to the 60-byte minimum

    # ARP request for our address -> reply to the sender.
    req = eth(BROADCAST, PEER_MAC, ETH_ARP, arp(1, PEER_MAC, PEER4, ZERO_MAC, US4) + pad)
    rep = eth(PEER_MAC, US_MAC, ETH_ARP, arp(2, US_MAC, US4, PEER_MAC, PEER4))
    cases.append(('arp_request', [req], [rep]))

    req = eth(BROADCAST, PEER_MAC, ETH_ARP, arp(1, PEER_MAC, PEER4_V, ZERO_MAC, US4_V) + pad,
              vlan=VLAN)
    rep = eth(PEER_MAC, US_MAC, ETH_ARP, arp(2, US_MAC, US4_V, PEER_MAC, PEER4_V), vlan=VLAN)
    cases.append(('arp_request_vlan', [req], [rep]))

    # ICMP echo -> reply: addresses swapped, TTL 64, TOS and ID kept.
    data = bytes(range(32))
    body = echo_body(0x1234, 7, data)
    req = eth(US_MAC, PEER_MAC, ETH_IPV4,
              ipv4(PEER4, US4, PROTO_ICMP, icmp4(8, 0, body), tos=0xb8, ttl=57, ident=0x4242))
    rep = eth(PEER_MAC, US_MAC, ETH_IPV4,
              ipv4(US4, PEER4, PROTO_ICMP, icmp4(0, 0, body), tos=0xb8, ttl=64, ident=0x4242))
    cases.append(('icmp4_echo', [req], [rep]))

    # A short echo padded by Ethernet: the reply drops the padding.
    body = echo_body(1, 1, b'')
    req = eth(US_MAC, PEER_MAC, ETH_IPV4,
              ipv4(PEER4_V, US4_V, PROTO_ICMP, icmp4(8, 0, body), ttl=63, df=False) + b'\0' * 10,
              vlan=VLAN)
    rep = eth(PEER_MAC, US_MAC, ETH_IPV4,
              ipv4(US4_V, PEER4_V, PROTO_ICMP, icmp4(0, 0, body), ttl=64, df=False), vlan=VLAN)
    cases.append(('icmp4_echo_vlan', [req], [rep]))

    # NS to the solicited-node group with a source link-layer option.
    sn = solicited_node(US6)
    req = eth(ip6_mcast_mac(sn), PEER_MAC, ETH_IPV6,
              ipv6(PEER6, sn, PROTO_ICMP6,
                   icmp6(PEER6, sn, 135, 0, nd_ns_body(US6, PEER_MAC)), hlim=255))
    rep = eth(PEER_MAC, US_MAC, ETH_IPV6,
              ipv6(US6, PEER6, PROTO_ICMP6,
                   icmp6(US6, PEER6, 136, 0, nd_na_body(US6, 'SO', US_MAC)), hlim=255))
    cases.append(('ns_multicast', [req], [rep]))

    # NS for our link-local address from a link-local source.
    sn = solicited_node(US6_LL)
    req = eth(ip6_mcast_mac(sn), PEER_MAC, ETH_IPV6,
              ipv6(PEER6_LL, sn, PROTO_ICMP6,
                   icmp6(PEER6_LL, sn, 135, 0, nd_ns_body(US6_LL, PEER_MAC)), hlim=255))
    rep = eth(PEER_MAC, US_MAC, ETH_IPV6,
              ipv6(US6_LL, PEER6_LL, PROTO_ICMP6,
                   icmp6(US6_LL, PEER6_LL, 136, 0, nd_na_body(US6_LL, 'SO', US_MAC)),
                   hlim=255))
    cases.append(('ns_linklocal', [req], [rep]))

    # Unicast NS (reachability probe) without an option: answered to the
    # frame's source, the reply grows by the target link-layer option.
    req = eth(US_MAC, PEER_MAC, ETH_IPV6,
              ipv6(PEER6, US6, PROTO_ICMP6, icmp6(PEER6, US6, 135, 0, nd_ns_body(US6)),
                   hlim=255))
    rep = eth(PEER_MAC, US_MAC, ETH_IPV6,
              ipv6(US6, PEER6, PROTO_ICMP6,
                   icmp6(US6, PEER6, 136, 0, nd_na_body(US6, 'SO', US_MAC)), hlim=255))
    cases.append(('ns_unicast', [req], [rep]))

    # ICMPv6 echo -> reply: hop limit 64, traffic class kept.
    body = echo_body(0x99, 3, b'mrelay' * 5)
    req = eth(US_MAC, PEER_MAC, ETH_IPV6,
              ipv6(PEER6, US6, PROTO_ICMP6, icmp6(PEER6, US6, 128, 0, body), tc=0x2e, hlim=50))
    rep = eth(PEER_MAC, US_MAC, ETH_IPV6,
              ipv6(US6, PEER6, PROTO_ICMP6, icmp6(US6, PEER6, 129, 0, body), tc=0x2e, hlim=64))
    cases.append(('icmp6_echo', [req], [rep]))

    # A second address of the interface answers for itself: the reply's
    # sender (ARP), source (ICMP) and target (NDP) are the address asked for.
    req = eth(BROADCAST, PEER_MAC, ETH_ARP, arp(1, PEER_MAC, PEER4, ZERO_MAC, US4_2) + pad)
    rep = eth(PEER_MAC, US_MAC, ETH_ARP, arp(2, US_MAC, US4_2, PEER_MAC, PEER4))
    cases.append(('arp_request_addr2', [req], [rep]))
    body = echo_body(0x77, 2, data)
    req = eth(US_MAC, PEER_MAC, ETH_IPV4,
              ipv4(PEER4, US4_2, PROTO_ICMP, icmp4(8, 0, body), ttl=57, ident=0x4343))
    rep = eth(PEER_MAC, US_MAC, ETH_IPV4,
              ipv4(US4_2, PEER4, PROTO_ICMP, icmp4(0, 0, body), ttl=64, ident=0x4343))
    cases.append(('icmp4_echo_addr2', [req], [rep]))
    sn = solicited_node(US6_2)
    req = eth(ip6_mcast_mac(sn), PEER_MAC, ETH_IPV6,
              ipv6(PEER6, sn, PROTO_ICMP6,
                   icmp6(PEER6, sn, 135, 0, nd_ns_body(US6_2, PEER_MAC)), hlim=255))
    rep = eth(PEER_MAC, US_MAC, ETH_IPV6,
              ipv6(US6_2, PEER6, PROTO_ICMP6,
                   icmp6(US6_2, PEER6, 136, 0, nd_na_body(US6_2, 'SO', US_MAC)), hlim=255))
    cases.append(('ns_addr2', [req], [rep]))
    body = echo_body(0x98, 4, b'second' * 4)
    req = eth(US_MAC, PEER_MAC, ETH_IPV6,
              ipv6(PEER6, US6_2, PROTO_ICMP6, icmp6(PEER6, US6_2, 128, 0, body), hlim=50))
    rep = eth(PEER_MAC, US_MAC, ETH_IPV6,
              ipv6(US6_2, PEER6, PROTO_ICMP6, icmp6(US6_2, PEER6, 129, 0, body), hlim=64))
    cases.append(('icmp6_echo_addr2', [req], [rep]))

    # Probes dp_neigh_tick() sends for an unresolved next hop (no input).
    cases.append(('probe_arp', [], [eth(BROADCAST, US_MAC, ETH_ARP,
                                        arp(1, US_MAC, US4, ZERO_MAC, PEER4))]))
    cases.append(('probe_arp_vlan', [], [eth(BROADCAST, US_MAC, ETH_ARP,
                                             arp(1, US_MAC, US4_V, ZERO_MAC, PEER4_V),
                                             vlan=VLAN)]))
    sn = solicited_node(PEER6)
    cases.append(('probe_ns', [], [eth(ip6_mcast_mac(sn), US_MAC, ETH_IPV6,
                                       ipv6(US6, sn, PROTO_ICMP6,
                                            icmp6(US6, sn, 135, 0, nd_ns_body(PEER6, US_MAC)),
                                            hlim=255))]))
    # The re-probe of a resolved, stale entry: unicast to the known MAC.
    cases.append(('probe_arp_unicast', [], [eth(PEER_MAC, US_MAC, ETH_ARP,
                                                arp(1, US_MAC, US4, ZERO_MAC, PEER4))]))
    return cases


def builder_cases():
    """Frames from the generic builders, so that tests/unit/test_gen_vectors.sh
    has tshark check them (UDP checksums v4/v6, 802.1Q, RTP, RTCP)."""
    nh, us = PEER_MAC, US_MAC
    voice = bytes((i * 37) & 0xff for i in range(160))
    r = rtp(0, 1000, 160000, 0x11223344, voice, marker=True)
    r_ext = rtp(111, 65535, 0xfffffff0, 0xdeadbeef, voice[:80], csrc=(1, 2),
                ext=(0xbede, b'\x10\xaa\x00\x00'), pad=4)
    sr = rtcp_sr(0x11223344, 0xe8b1c7c800000000, 160000, 50, 8000,
                 [rtcp_rb(0x55667788, 12, 3, 0x10020, 45, 0x12345678, 0x10000)])
    rr = rtcp_rr(0x11223344, [rtcp_rb(0x55667788, 0, 0, 1000, 7, 0, 0)])
    frames = [
        relay_frame(nh, us, 0, '198.18.0.1', '198.18.0.10', 30000, 40000, r, tos=0xb8),
        relay_frame(nh, us, VLAN, '198.51.100.1', '198.51.100.10', 30002, 40002, r_ext),
        relay_frame(nh, us, 0, '2001:db8:0:1::1', '2001:db8:0:1::10', 30004, 40004, r,
                    tos=0xb8),
        relay_frame(nh, us, 0, '198.18.0.1', '198.18.0.10', 30001, 40001, sr + rr),
        relay_frame(nh, us, VLAN, '2001:db8:0:1::1', '2001:db8:0:1::10', 30005, 40005, rr),
    ]
    return [('relay', [], frames)]


SETS = {'neigh': neigh_cases, 'builders': builder_cases}


def main(argv):
    sets, args = [], list(argv[1:])
    while args and args[0] == '--set':
        sets.append(args[1])
        args = args[2:]
    if len(args) != 1 or any(s not in SETS for s in sets):
        sys.stderr.write('usage: gen-vectors.py [--set %s]... OUTDIR\n' % '|'.join(SETS))
        return 2
    out = args[0]
    os.makedirs(out, exist_ok=True)
    for name in sets or list(SETS):
        for case, frames_in, frames_out in SETS[name]():
            base = os.path.join(out, '%s_%s' % (name, case))
            pcap_write(base + '.in.pcap', frames_in)
            pcap_write(base + '.out.pcap', frames_out)
            assert pcap_read(base + '.out.pcap') == frames_out
        with open(os.path.join(out, name + '.stamp'), 'w') as f:
            f.write('ok\n')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
