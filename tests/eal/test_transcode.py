#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Transcoding in the real dataplane (workers transcode inline): PCMU in,
Opus out with the flow's own SSRC, sequence and 48 kHz timestamps; an RFC 4733
digit (sip-tester's dtmf_2833_5.pcap, audio paused meanwhile) remapped to the Opus leg's payload type
and reported to control once; PCMA 20 ms to PCMU 30 ms, repacketized; RTCP on
a transcoded flow consumed and counted."""
import glob
import math
import os
import re
import struct
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
sys.path.insert(0, os.path.join(here, '..', '..', 'scripts'))
from dptest import Dataplane, Tap, acks, drops  # noqa: E402
import dpvectors as v  # noqa: E402

A4 = v.A4
PA_MAC, PA4 = v.mac(v.PEER_A[0]), v.PEER_A[1]
SSRC_OUT = 0x5555


def ulaw(x):
    """G.711 mu-law of a 16-bit sample (the standard's segment encoding)."""
    sign = 0x80 if x >= 0 else 0
    x = min(abs(x), 32635) + 0x84
    exp = max(0, x.bit_length() - 8)
    exp = min(exp, 7)
    mant = (x >> (exp + 3)) & 0x0f
    return ~(sign | (exp << 4) | mant) & 0xff


def alaw(x):
    """G.711 A-law of a 16-bit sample."""
    sign = 0x80 if x >= 0 else 0
    x = min(abs(x) >> 3, 4095)
    if x < 32:
        enc = x >> 1
    else:
        exp = x.bit_length() - 5
        enc = (exp << 4) | ((x >> exp) & 0x0f)
    return (sign | enc) ^ 0x55


def tone(n, start, f=440.0):
    return [int(8000 * math.sin(2 * math.pi * f * (start + i) / 8000)) for i in range(n)]


def rtp(seq, ts, ssrc, pt, payload, marker=False):
    return struct.pack('!BBHII', 0x80, (0x80 if marker else 0) | pt, seq & 0xffff,
                       ts & 0xffffffff, ssrc) + bytes(payload)


def frame(sport, dport, payload):
    return v.udp_frame(v.OUR_MAC, PA_MAC, PA4, A4, sport, dport, payload)


def rtp_of(f):
    """(dport, RTP header fields, payload) of a UDP frame from out.pcap."""
    off = 14
    if struct.unpack('!H', f[12:14])[0] == 0x8100:
        off = 18
    ihl = (f[off] & 0x0f) * 4
    udp = off + ihl
    dport = struct.unpack('!H', f[udp + 2:udp + 4])[0]
    r = f[udp + 8:]
    b1, seq, ts, ssrc = struct.unpack('!xBHII', r[:12])
    return dport, {'m': b1 >> 7, 'pt': b1 & 0x7f, 'seq': seq, 'ts': ts, 'ssrc': ssrc}, r[12:]


def udp_payload(f):
    """(dport, UDP payload) of a frame from out.pcap."""
    off = 18 if struct.unpack('!H', f[12:14])[0] == 0x8100 else 14
    udp = off + (f[off] & 0x0f) * 4
    return struct.unpack('!H', f[udp + 2:udp + 4])[0], f[udp + 8:]


def pcap_rtp(path):
    """RTP payloads of a sip-tester pcap (Ethernet/IPv4/UDP)."""
    out = []
    for f in v.read_pcap(path):
        ihl = (f[14] & 0x0f) * 4
        out.append(f[14 + ihl + 8:])
    return out


t = Tap()
work = tempfile.mkdtemp(prefix='mr-xc-')
ini = v.INI
dtmf = sorted(glob.glob('/usr/share/sip-tester/dtmf_2833_5.pcap'))
t.ok(len(dtmf) == 1, 'sip-tester ships dtmf_2833_5.pcap')
events = pcap_rtp(dtmf[0])

frames = [v.arp_reply(PA_MAC, PA4, A4)]
# Flow 1: PCMU 20 ms -> Opus, telephone-event 101 -> 110.
seq, ts = 100, 8000
for i in range(50):
    frames.append(frame(5000, 30000, rtp(seq, ts, 0xa1, 0, [ulaw(s) for s in tone(160, 160 * i)])))
    seq, ts = seq + 1, ts + 160
ev_ts, ev_dur = ts, 0
for e in events:
    pl = e[12:]
    ev_dur = struct.unpack('!H', pl[2:4])[0]
    frames.append(frame(5000, 30000, rtp(seq, ev_ts, 0xa1, 101, pl, marker=(e[1] & 0x80) != 0)))
    seq += 1
ts = ev_ts + ev_dur
for i in range(10):
    frames.append(frame(5000, 30000, rtp(seq, ts, 0xa1, 0, [ulaw(s) for s in tone(160, 160 * i)])))
    seq, ts = seq + 1, ts + 160
# RTCP on the transcoded flow: the relay makes its own.
frames.append(frame(5000, 30000, v.rtcp_sr(0xa1)))
# Flow 2: PCMA 20 ms -> PCMU 30 ms.
for i in range(30):
    frames.append(frame(5004, 30004, rtp(7 + i, 160 * i, 0xb2, 8,
                                         [alaw(s) for s in tone(160, 160 * i, 700)])))
v.write_pcap(os.path.join(work, 'in.pcap'), frames)

dp = Dataplane(sys.argv[1], sys.argv[2], 'xc', ini, workdir=work,
               args=['--test-start-on-barrier', '--test-burst', '1'])
rc, out = dp.ctl(['hello',
                  f'add id=1 local={A4}:30000 src={A4}:30002 dst={PA4}:5002 ssrc={SSRC_OUT} '
                  'xc=pcmu:0>opus:111 te=101>110',
                  f'add id=2 local={A4}:30004 src={A4}:30006 dst={PA4}:5006 ssrc={SSRC_OUT + 1} '
                  'xc=pcma:8>pcmu:0 ptime=30',
                  f'add id=3 local={A4}:30008 src={A4}:30010 dst={PA4}:5010 xc=pcmu:0>opus:111 ptime=25',
                  'barrier'], keep_going=True)
a = acks(out)
t.ok([r for (c, f, r) in a if c == 'add'] == [0, 0, -22], 'transcoded flows acked; a bad spec refused with -EINVAL', out)
rc, out = dp.ctl(['quiesce 700', 'events 300', 'drops'])
t.ok(rc == 0, 'traffic consumed', out + dp.output())
code = dp.stop()
t.ok(code == 0, 'dataplane exits 0', dp.output())

got = [rtp_of(f) for f in v.read_pcap(os.path.join(work, 'out.pcap')) if v.is_udp(f)]
f1 = [(h, pl) for (d, h, pl) in got if d == 5002]
f2 = [(h, pl) for (d, h, pl) in got if d == 5006]

# Flow 1: one sequence space for audio and events, our SSRC.
t.ok(f1 and all(h['ssrc'] == SSRC_OUT for h, _ in f1), 'flow 1 sends with its own SSRC', f1[:3])
t.ok(len(f1) > 1 and all((f1[i][0]['seq'] - f1[i - 1][0]['seq']) & 0xffff == 1 for i in range(1, len(f1))),
     'flow 1 sequence numbers consecutive over audio and events')
audio = [(h, pl) for h, pl in f1 if h['pt'] == 111]
tev = [(h, pl) for h, pl in f1 if h['pt'] == 110]
# The sender paused audio during the 280 ms event: longer than the transcoder
# fills (200 ms), so the Opus timeline jumps with it, marked (a new talkspurt).
t.ok(len(audio) == 60, '60 Opus packets, one per 20 ms PCMU packet, none held back',
     f'got {len(audio)}')
steps = [(audio[i][0]['ts'] - audio[i - 1][0]['ts']) & 0xffffffff for i in range(1, len(audio))]
t.ok(len(steps) == 59 and all(x == 960 for j, x in enumerate(steps) if j != 49) and
     steps[49] == 960 + ev_dur * 6, 'Opus timestamps advance 960 (48 kHz), and by the event across it',
     steps)
t.ok(len(audio) == 60 and [i for i, (h, _) in enumerate(audio) if h['m']] == [0, 50],
     'marked: the first packet and the first after the event')
# TOC (RFC 6716 3.1): SILK narrowband configs 0..3, mono, one frame.
t.ok(audio and all(pl and pl[0] >> 3 <= 3 and not pl[0] & 4 for _, pl in audio),
     'Opus packets are SILK narrowband mono (a G.711 source)', [pl[:1].hex() for _, pl in audio[:5]])
t.ok(len(tev) == len(events), f'all {len(events)} telephone-event packets passed, remapped to PT 110',
     f'got {len(tev)}')
t.ok(tev and all(pl[0] == 5 for _, pl in tev), 'event code 5 kept')
t.ok(tev and len({h['ts'] for h, _ in tev}) == 1 and tev[0][0]['m'] == 1,
     'one event timestamp, first packet marked')
t.ok(tev and struct.unpack('!H', tev[-1][1][2:4])[0] == ev_dur * 6,
     'event duration in the Opus leg\'s 48 kHz clock')
n_dtmf = len(re.findall(r'^event dtmf flow=1 event=5 source=0', out, re.M))
t.ok(n_dtmf == 1, 'the digit reported to control once', out)

# Flow 2: 30 ms PCMU, 240 samples, timestamps +240.
t.ok(len(f2) == 20 and all(h['pt'] == 0 and len(pl) == 240 for h, pl in f2),
     '30 x 20 ms PCMA became 20 x 30 ms PCMU', [(h['pt'], len(pl)) for h, pl in f2][:4])
t.ok(len(f2) > 1 and all((f2[i][0]['ts'] - f2[i - 1][0]['ts']) & 0xffffffff == 240 for i in range(1, len(f2))),
     'PCMU timestamps advance 240 per packet')

d = drops(out)
t.ok(d.get('transcode-rtcp') == 1, 'RTCP on the transcoded flow consumed and counted', d)
t.ok(d.get('transcode-input', 0) == 0 and d.get('no-mbuf', 0) == 0, 'nothing else dropped', d)

# The relay's own RTCP for a transcoded leg, every 5 s: input paced at 60 ms a
# frame for about 6 s. Flow 11 (A->B, PCMU->Opus, rtcp-mux) and its peer
# flow 12 (B->A): the SR to B carries a report block on what B sends.
work2 = tempfile.mkdtemp(prefix='mr-xc-rtcp-')
frames = [v.arp_reply(PA_MAC, PA4, A4)]
for i in range(70):
    frames.append(frame(5000, 30020, rtp(300 + i, 160 * i, 0xa1, 0,
                                         [ulaw(s) for s in tone(160, 160 * i)])))
    if i % 2 == 0:
        frames.append(frame(5022, 30022, rtp(900 + i // 2, 160 * i, 0xb2, 0,
                                             [ulaw(s) for s in tone(160, 160 * i)])))
v.write_pcap(os.path.join(work2, 'in.pcap'), frames)
dp = Dataplane(sys.argv[1], sys.argv[2], 'xcr', ini, workdir=work2,
               args=['--test-start-on-barrier', '--test-burst', '1', '--test-rx-pace-us', '60000'])
rc, out = dp.ctl(['hello',
                  f'add id=11 local={A4}:30020 src={A4}:30022 dst={PA4}:5022 ssrc={SSRC_OUT} '
                  'xc=pcmu:0>opus:111 peer=12 flags=mux',
                  f'add id=12 local={A4}:30022 src={A4}:30020 dst={PA4}:5000 ssrc={SSRC_OUT + 2} '
                  'xc=pcmu:0>pcma:8 peer=11 flags=mux',
                  'barrier', 'quiesce 800', 'drops'], timeout=120)
t.ok(rc == 0, 'paced traffic consumed', out + dp.output())
code = dp.stop()
t.ok(code == 0, 'dataplane exits 0 (paced run)', dp.output())
to_b = [udp_payload(f) for f in v.read_pcap(os.path.join(work2, 'out.pcap')) if v.is_udp(f)]
to_b = [pl for d, pl in to_b if d == 5022]
srs = [i for i, pl in enumerate(to_b) if len(pl) >= 2 and pl[1] == 200]
t.ok(len(srs) >= 1, 'an SR went to B on the RTP port (rtcp-mux)', [pl[:2].hex() for pl in to_b[:3]])
if srs:
    sr = to_b[srs[0]]
    count, rc_, ln = sr[0] & 0x1f, sr[1], struct.unpack('!H', sr[2:4])[0]
    ssrc, ntp_s, ntp_f, rts, pkts, octets = struct.unpack('!IIIIII', sr[4:28])
    sent = to_b[:srs[0]]
    t.ok(ssrc == SSRC_OUT and count == 1 and ln == (28 + 24) // 4 - 1,
         'SR from the leg\'s own SSRC with one report block', sr.hex())
    t.ok(pkts == len(sent) and octets == sum(len(pl) - 12 for pl in sent),
         f'SR counts the {len(sent)} packets and their octets sent before it', (pkts, octets))
    t.ok(abs(ntp_s - 2208988800 - time.time()) < 600, 'SR NTP timestamp is wall-clock time', ntp_s)
    last = struct.unpack('!I', sent[-1][4:8])[0] if sent else 0
    t.ok(0 < (rts - last) & 0xffffffff <= 960 * 5, 'SR RTP timestamp follows the last packet sent',
         (rts, last))
    rb_ssrc, lost, ext = struct.unpack('!III', sr[28:40])
    t.ok(rb_ssrc == 0xb2 and lost & 0xffffff == 0 and ext & 0xffff >= 900,
         'report block: what B sends (its SSRC, none lost, highest sequence)', (hex(rb_ssrc), lost, ext))
    sdes = sr[52:]
    t.ok(len(sdes) >= 12 and sdes[1] == 202 and sdes[8] == 1 and
         sdes[10:10 + sdes[9]] == f'mrelay-{SSRC_OUT:08x}'.encode(), 'SDES with the CNAME follows',
         sdes.hex())
t.done()
