#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Flows that are not transcoded, byte-exact through the real dataplane:
payload types remapped from the table built when the flow is programmed
(RTP only, RTCP untouched, the marker kept), and RFC 4733 digits of the
flow's telephone-event payload type reported once each (sip-tester's
dtmf_2833_5.pcap and dtmf_2833_1.pcap: end packet sent three times, one
timestamp per event) with the packets left as they came."""
import os
import re
import struct
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
sys.path.insert(0, os.path.join(here, '..', '..', 'scripts'))
from dptest import Dataplane, Tap, acks, drops  # noqa: E402
import dpvectors as v  # noqa: E402

A4 = v.A4
PA_MAC, PA4 = v.mac(v.PEER_A[0]), v.PEER_A[1]


def rtp(seq, ts, ssrc, pt, payload, marker=False):
    return struct.pack('!BBHII', 0x80, (0x80 if marker else 0) | pt, seq & 0xffff,
                       ts & 0xffffffff, ssrc) + bytes(payload)


def remap(pkt, table):
    """The packet with its payload type replaced as table says (RTP only)."""
    if 192 <= pkt[1] <= 223:
        return pkt
    pt = pkt[1] & 0x7f
    return pkt[:1] + bytes([(pkt[1] & 0x80) | table.get(pt, pt)]) + pkt[2:]


t = Tap()
work = tempfile.mkdtemp(prefix='mr-pass-')
five = v.pcap_udp_payloads('/usr/share/sip-tester/dtmf_2833_5.pcap')
one = v.pcap_udp_payloads('/usr/share/sip-tester/dtmf_2833_1.pcap')
t.ok(len(five) > 3 and len(one) > 3, 'sip-tester ships dtmf_2833_5.pcap and dtmf_2833_1.pcap')
ends = [p for p in five if p[13] & 0x80]
t.ok(len(ends) == 3 and len({p for p in ends}) == 1, 'the capture sends its end packet three times')

# Flow 1 (A:5000 -> 30000 -> A:5002): Opus 111 -> 96, telephone-event 101 -> 97, digits reported.
# Flow 2 (A:5004 -> 30004 -> A:5006): the same packets, no table, no digits.
seq, ts = 10, 960
stream = []
for i in range(5):
    stream.append(rtp(seq, ts, 0xc3, 111, bytes([0x0b, i, 0xaa, 0x55] * 10), marker=(i == 0)))
    seq, ts = seq + 1, ts + 960
# The captures' events keep their own sequence numbers, timestamps and SSRC: relayed as they are.
stream += five
stream.append(rtp(seq, ts, 0xc3, 111, bytes([0x0b, 9] * 20)))
stream += one
stream.append(rtp(seq + 1, ts + 960, 0xc3, 0, bytes(160)))       # PCMU: not in the table
stream.append(v.rtcp_sr(0xc3))                                    # RTCP: PT 200 untouched
frames = [v.arp_reply(PA_MAC, PA4, A4)]
for p in stream:
    frames.append(v.udp_frame(v.OUR_MAC, PA_MAC, PA4, A4, 5000, 30000, p))
for p in stream:
    frames.append(v.udp_frame(v.OUR_MAC, PA_MAC, PA4, A4, 5004, 30004, p))
v.write_pcap(os.path.join(work, 'in.pcap'), frames)
table = {111: 96, 101: 97}
expected = [v.out_frame(PA_MAC, A4, PA4, 30002, 5002, remap(p, table), None, 0) for p in stream]
expected += [v.out_frame(PA_MAC, A4, PA4, 30006, 5006, p, None, 0) for p in stream]

dp = Dataplane(sys.argv[1], sys.argv[2], 'pass', v.INI, workdir=work,
               args=['--test-start-on-barrier', '--test-burst', '1'])
rc, out = dp.ctl(['hello',
                  f'add id=1 local={A4}:30000 src={A4}:30002 dst={PA4}:5002 pt=111>96,101>97,8>8 dtmf=97',
                  f'add id=2 local={A4}:30004 src={A4}:30006 dst={PA4}:5006',
                  f'add id=3 local={A4}:30008 src={A4}:30010 dst={PA4}:5010 pt=200>96',
                  f'add id=4 local={A4}:30012 src={A4}:30014 dst={PA4}:5014 dtmf=128',
                  'barrier'], keep_going=True)
a = acks(out)
t.ok([r for (c, f, r) in a if c == 'add'] == [0, 0, -22, -22],
     'flows acked; a payload type or telephone-event out of 0..127 refused with -EINVAL', out)
rc, out = dp.ctl(['quiesce 700', 'events 300', 'drops', 'flow 1', 'flow 2'])
t.ok(rc == 0, 'traffic consumed', out + dp.output())
code = dp.stop()
t.ok(code == 0, 'dataplane exits 0', dp.output())

got = [f for f in v.read_pcap(os.path.join(work, 'out.pcap')) if v.is_udp(f)]
t.ok(len(got) == len(expected), f'{len(expected)} frames relayed', f'got {len(got)}')
bad = [i for i, (g, e) in enumerate(zip(got, expected)) if g != e]
t.ok(len(got) == len(expected) and not bad,
     'byte-exact: Opus 111 -> 96 and telephone-event 101 -> 97 (marker kept), PCMU and RTCP as they came; '
     'flow 2 unchanged', [(i, got[i].hex(), expected[i].hex()) for i in bad[:2]])
t.ok(any(f[42 + 1] & 0x7f == 97 for f in got[:len(stream)]), 'events left with payload type 97')

ev = re.findall(r'^event dtmf flow=(\d+) event=(\d+) source=(\d+) duration_ms=(\d+)$', out, re.M)
t.ok([(f, e, s) for f, e, s, _ in ev] == [('1', '5', '0'), ('1', '1', '0')],
     'flow 1 reports digit 5 then digit 1, each once (end sent three times); flow 2 none', out)
dur5 = struct.unpack('!H', ends[0][14:16])[0]
t.ok(ev and int(ev[0][3]) == dur5 * 1000 // 8000, f'digit 5 lasted {dur5} units at 8 kHz', ev)
d = drops(out)
t.ok(sum(d.values()) == 0, 'nothing dropped', {k: n for k, n in d.items() if n})
t.done()
