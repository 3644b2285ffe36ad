#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Transcoding in the real dataplane: PCMU in,
Opus out with the flow's own SSRC, sequence and 48 kHz timestamps; an RFC 4733
digit (sip-tester's dtmf_2833_5.pcap, audio paused meanwhile) remapped to the Opus leg's payload type
and reported to control once; PCMA 20 ms to PCMU 30 ms, repacketized, against
the source with a signal-to-noise threshold; the remote's RTCP on a
transcoded leg parsed into the flow's stats and consumed (on the RTP port and
on an RTCP flow with rtcp-term); the relay's SR carries the fraction and
number lost of an injected loss, and LSR/DLSR from the remote's SR; the
remote's report block and round-trip time are kept.

argv[3] 'media': the same checks with a worker and a media lcore
([dataplane] media-lcores = 1, lcores 0@0,1@1,2@1: worker and media lcore
share a CPU); the transcoded flows must leave on the media lcore's TX queue
(out1.pcap). Then: a full media ring is a counted drop, and packets of a flow
deleted while they wait in the ring are dropped as media-no-flow (the media
lcore looks the flow up itself), while a flow re-added on its key in the
meantime gets its packets transcoded by the new flow."""
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
from dptest import Dataplane, Tap, acks, drops, telemetry  # noqa: E402
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


def ulaw_dec(b):
    """Linear value of a G.711 mu-law byte."""
    b = ~b & 0xff
    t = (((b & 0x0f) << 3) + 0x84) << ((b & 0x70) >> 4)
    return (0x84 - t) if b & 0x80 else (t - 0x84)


def alaw_dec(b):
    """Linear value of a G.711 A-law byte."""
    b ^= 0x55
    t = (b & 0x0f) << 4
    seg = (b & 0x70) >> 4
    t = t + 8 if seg == 0 else (t + 0x108) << (seg - 1)
    return t if b & 0x80 else -t


def snr_db(ref, out, max_lag=480):
    """Best signal-to-noise ratio of out against ref over lags 0..max_lag."""
    best = -99.0
    for lag in range(max_lag + 1):
        n = min(len(ref), len(out) - lag)
        if n < 800:
            break
        sig = sum(x * x for x in ref[:n])
        err = sum((ref[i] - out[i + lag]) ** 2 for i in range(n))
        best = max(best, 99.0 if err == 0 else 10 * math.log10(sig / err))
    return best


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


t = Tap()
MEDIA = len(sys.argv) > 3 and sys.argv[3] == 'media'
work = tempfile.mkdtemp(prefix='mr-xc-')
if MEDIA:
    # TX queue 0 (the worker) writes out.pcap, queue 1 (the media lcore) out1.pcap.
    ini = v.INI.replace('workers = 0', 'workers = 1\nmedia-lcores = 1').replace(
        'tx_pcap=@DIR@/out.pcap', 'tx_pcap=@DIR@/out.pcap,tx_pcap=@DIR@/out1.pcap')
    LCORES = '0@0,1@1,2@1'
else:
    ini = v.INI
    LCORES = '0'
print(f'# mode: {"a worker and a media lcore" if MEDIA else "inline (main lcore forwards)"}')


def media_taken(dp, n):
    """Until the media lcore has taken n packets from its ring (bounded): with
    worker and media lcore on one CPU, a quiet RX says nothing about the media
    lcore. What it took it finishes before it stops."""
    seen = ''
    if not MEDIA:
        return seen
    for _ in range(600):
        rc, out = dp.ctl(['workers'])
        seen += out
        got = [int(x) for x in re.findall(r' role=3 ring=(\d+)', out)]
        if got and got[0] >= n:
            break
        time.sleep(0.1)
    return seen


def out_frames(d):
    """Frames sent, from every TX queue's pcap."""
    fr = []
    for name in ('out.pcap', 'out1.pcap'):
        path = os.path.join(d, name)
        if os.path.exists(path):
            fr += [f for f in v.read_pcap(path) if v.is_udp(f)]
    return fr


dtmf = sorted(glob.glob('/usr/share/sip-tester/dtmf_2833_5.pcap'))
t.ok(len(dtmf) == 1, 'sip-tester ships dtmf_2833_5.pcap')
events = v.pcap_udp_payloads(dtmf[0])

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
# RTCP on the transcoded flow: consumed into its stats, the relay makes its own.
frames.append(frame(5000, 30000, v.rtcp_sr(0xa1)))
# RTCP on the leg's RTCP port (flow 4, rtcp-term): a receiver report, then a
# compound whose length overruns the datagram.
frames.append(frame(5001, 30001, struct.pack('!BBHI', 0x81, 201, 7, 0xa1) +
                    struct.pack('!IIIIII', SSRC_OUT, 0x20000003, 1000, 12, 0, 0)))
frames.append(frame(5001, 30001, struct.pack('!BBHI', 0x81, 201, 7, 0xa1) + bytes(8)))
# Flow 2: PCMA 20 ms -> PCMU 30 ms.
for i in range(30):
    frames.append(frame(5004, 30004, rtp(7 + i, 160 * i, 0xb2, 8,
                                         [alaw(s) for s in tone(160, 160 * i, 700)])))
v.write_pcap(os.path.join(work, 'in.pcap'), frames)

dp = Dataplane(sys.argv[1], sys.argv[2], 'xcm' if MEDIA else 'xc', ini, workdir=work, lcores=LCORES,
               args=['--test-start-on-barrier', '--test-burst', '1'])
rc, out = dp.ctl(['hello',
                  f'add id=1 local={A4}:30000 src={A4}:30002 dst={PA4}:5002 ssrc={SSRC_OUT} '
                  'xc=pcmu:0>opus:111 te=101>110',
                  f'add id=2 local={A4}:30004 src={A4}:30006 dst={PA4}:5006 ssrc={SSRC_OUT + 1} '
                  'xc=pcma:8>pcmu:0 ptime=30',
                  f'add id=3 local={A4}:30008 src={A4}:30010 dst={PA4}:5010 xc=pcmu:0>opus:111 ptime=25',
                  f'add id=4 local={A4}:30001 src={A4}:30003 dst={PA4}:5003 flags=rtcp,rtcp-term',
                  'barrier'], keep_going=True)
a = acks(out)
t.ok([r for (c, f, r) in a if c == 'add'] == [0, 0, -22, 0], 'transcoded flows acked; a bad spec refused with -EINVAL', out)
seen = out
n_xc_in = 60 + len(events) + 1 + 30     # flow 1 audio, events, RTCP; flow 2
seen += media_taken(dp, n_xc_in)
rc, out = dp.ctl(['quiesce 700', 'events 300', 'drops', 'workers', 'flow 1', 'flow 4'])
seen += out
t.ok(rc == 0, 'traffic consumed', out + dp.output())
if MEDIA and 'event dtmf' not in seen:
    # The digit crosses two rings (media lcore -> main lcore -> event ring):
    # on a loaded machine give it longer before calling it lost.
    seen += dp.ctl(['events 3000'])[1]
wk = {int(m.group(1)): m.groups()[1:] for m in
      re.finditer(r'^worker (\d+) rx=(\d+) tx=(\d+) tx_dropped=\d+ role=(\d+) ring=(\d+)', out, re.M)}
if MEDIA:
    # Slots: the worker, the main lcore, the media lcore (role 3).
    media = [w for w in wk.values() if w[2] == '3']
    t.ok(len(wk) == 3 and len(media) == 1 and int(media[0][3]) == n_xc_in and int(media[0][0]) == 0,
         f'the media lcore took the {n_xc_in} packets of the transcoded flows from its ring', out)
    try:
        tel = telemetry(dp.name, ['/mrelay/workers', '/mrelay/totals'])
    except OSError as e:
        tel = {'error': str(e)}
    tw = tel.get('/mrelay/workers') or {}
    t.ok(any(k.startswith('media') and x.get('role') == 'media' and x.get('ring_packets') == n_xc_in
             for k, x in tw.items()) and (tel.get('/mrelay/totals') or {}).get('media_lcores') == 1,
         'telemetry /mrelay/workers shows the media lcore and its packets', tel)
else:
    t.ok(len(wk) == 1 and wk[0][2] == '2' and wk[0][3] == '0',
         'one stats slot, the main lcore\'s, nothing handed to a ring', out)
code = dp.stop()
t.ok(code == 0, 'dataplane exits 0', dp.output())

if MEDIA:
    q0 = [f for f in v.read_pcap(os.path.join(work, 'out.pcap')) if v.is_udp(f)]
    t.ok(not q0, 'nothing transcoded left on the worker\'s TX queue', len(q0))
got = [rtp_of(f) for f in out_frames(work)]
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
# Events are printed by whichever mrelay-flowctl run reads them.
n_dtmf = len(re.findall(r'^event dtmf flow=1 event=5 source=0', seen, re.M))
t.ok(n_dtmf == 1, 'the digit reported to control once',
     '\n'.join(x for x in seen.splitlines() if x.startswith(('event', 'ack', 'quiet', 'drop transcode'))) +
     '\n' + dp.output())

# Flow 2: 30 ms PCMU, 240 samples, timestamps +240.
t.ok(len(f2) == 20 and all(h['pt'] == 0 and len(pl) == 240 for h, pl in f2),
     '30 x 20 ms PCMA became 20 x 30 ms PCMU', [(h['pt'], len(pl)) for h, pl in f2][:4])
t.ok(len(f2) > 1 and all((f2[i][0]['ts'] - f2[i - 1][0]['ts']) & 0xffffffff == 240 for i in range(1, len(f2))),
     'PCMU timestamps advance 240 per packet')
ref = [alaw_dec(alaw(s)) for i in range(30) for s in tone(160, 160 * i, 700)]
pcm = [ulaw_dec(b) for _, pl in f2 for b in pl]
snr = snr_db(ref, pcm)
t.ok(snr >= 30.0, f'PCMU out against the PCMA source: SNR {snr:.1f} dB >= 30 dB')

d = drops(out)


def flow_stats(out, fid):
    m = re.search(rf'^flow {fid} .*$', out, re.M)
    return dict(kv.split('=', 1) for kv in m.group(0).split()[2:] if '=' in kv) if m else {}


f1s, f4s = flow_stats(out, 1), flow_stats(out, 4)
t.ok(f1s.get('sr') == '1' and f1s.get('lsr') == '0x00001000',
     "the remote's SR on the transcoded flow consumed into its stats (LSR = the NTP's middle 32 bits)", f1s)
t.ok(f4s.get('rb') == '1' and f4s.get('sr') == '0' and f4s.get('rb_ssrc') == f'0x{SSRC_OUT:x}' and
     f4s.get('r_fraction') == '32' and f4s.get('r_lost') == '3' and f4s.get('r_ext') == '1000' and
     f4s.get('r_jitter') == '12' and f4s.get('rtt_us') == '0',
     "the remote's RR on the RTCP flow (rtcp-term): its report block kept, no LSR so no round trip", f4s)
# (The relay's own SR for flow 1 may go to 5003 when 5 s passed: its sender is SSRC_OUT.)
fwd4 = [pl for d_, pl in map(udp_payload, out_frames(work)) if d_ == 5003 and pl[4:8] == struct.pack('!I', 0xa1)]
t.ok(not fwd4, 'nothing forwarded from the RTCP flow', [pl.hex() for pl in fwd4])
t.ok(d.get('transcode-rtcp') == 1, 'only the malformed RTCP compound dropped and counted', d)
t.ok(d.get('transcode-input', 0) == 0 and d.get('no-mbuf', 0) == 0 and
     d.get('media-ring-full', 0) == 0 and d.get('media-no-flow', 0) == 0, 'nothing else dropped', d)

# The relay's own RTCP for a transcoded leg, every 5 s: input paced at 60 ms a
# frame for about 6 s. Flow 11 (A->B, PCMU->Opus, rtcp-mux) and its peer
# flow 12 (B->A, relayed as it is, B's RTCP consumed: rtcp-term): the SR to B
# carries a report block on what B sends.
work2 = tempfile.mkdtemp(prefix='mr-xc-rtcp-')
frames = [v.arp_reply(PA_MAC, PA4, A4)]
LOST = {903, 905, 907, 909}     # B's packets that never arrive
B_NTP = (0xdeadbeef, 0x12345678)


def ntp_now():
    t_ = time.time() + 2208988800
    return int(t_) & 0xffffffff, int((t_ % 1) * (1 << 32)) & 0xffffffff


for i in range(70):
    frames.append(frame(5000, 30020, rtp(300 + i, 160 * i, 0xa1, 0,
                                         [ulaw(s) for s in tone(160, 160 * i)])))
    if i % 2 == 0 and 900 + i // 2 not in LOST:
        frames.append(frame(5022, 30022, rtp(900 + i // 2, 160 * i, 0xb2, 0,
                                             [ulaw(s) for s in tone(160, 160 * i)])))
    if i == 12:
        # B's SR: a report block on what the relay sends B, its LSR an NTP time of
        # now (so that the relay's round trip from it is positive), no DLSR.
        sec, frac = ntp_now()
        lsr = ((sec & 0xffff) << 16) | (frac >> 16)
        frames.append(frame(5022, 30022, struct.pack('!BBHIIIIII', 0x81, 200, 12, 0xb2, *B_NTP,
                                                     160 * i, 6, 960) +
                            struct.pack('!IIIIII', SSRC_OUT, 0x40000007, 1234, 33, lsr, 0)))
v.write_pcap(os.path.join(work2, 'in.pcap'), frames)
dp = Dataplane(sys.argv[1], sys.argv[2], 'xcrm' if MEDIA else 'xcr', ini, workdir=work2, lcores=LCORES,
               args=['--test-start-on-barrier', '--test-burst', '1', '--test-rx-pace-us', '60000'])
rc, out = dp.ctl(['hello',
                  f'add id=11 local={A4}:30020 src={A4}:30022 dst={PA4}:5022 ssrc={SSRC_OUT} '
                  'xc=pcmu:0>opus:111 peer=12 flags=mux',
                  f'add id=12 local={A4}:30022 src={A4}:30020 dst={PA4}:5000 peer=11 flags=mux,rtcp-term',
                  'barrier'], timeout=120)
media_taken(dp, 70)
rc, out = dp.ctl(['quiesce 800', 'drops', 'flow 12'], timeout=120)
t.ok(rc == 0, 'paced traffic consumed', out + dp.output())
code = dp.stop()
t.ok(code == 0, 'dataplane exits 0 (paced run)', dp.output())
to_b = [udp_payload(f) for f in out_frames(work2)]
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
    rb_ssrc, lost, ext, jit, lsr_, dlsr = struct.unpack('!IIIIII', sr[28:52])
    # Expected from B's first packet (900, its probation run counts) to the
    # highest the report names; those of LOST below it never came.
    expected = ext - 900 + 1
    n_lost = sum(1 for x in LOST if x < ext)
    t.ok(rb_ssrc == 0xb2 and n_lost >= 1 and lost & 0xffffff == n_lost,
         f'report block: what B sends (its SSRC, the {n_lost} lost, highest sequence)',
         (hex(rb_ssrc), lost, ext))
    t.ok(lost >> 24 == (n_lost * 256) // expected,
         f'fraction lost = {n_lost} of {expected} expected, in 1/256', (lost >> 24, expected))
    t.ok(lsr_ == ((B_NTP[0] & 0xffff) << 16 | B_NTP[1] >> 16) and dlsr > 0,
         "LSR = the middle 32 bits of B's SR NTP timestamp, DLSR the delay since", (hex(lsr_), dlsr))
    sdes = sr[52:]
    t.ok(len(sdes) >= 12 and sdes[1] == 202 and sdes[8] == 1 and
         sdes[10:10 + sdes[9]] == f'mrelay-{SSRC_OUT:08x}'.encode(), 'SDES with the CNAME follows',
         sdes.hex())
f12 = flow_stats(out, 12)
t.ok(f12.get('sr') == '1' and f12.get('rb') == '1' and f12.get('rb_ssrc') == f'0x{SSRC_OUT:x}' and
     f12.get('r_fraction') == '64' and f12.get('r_lost') == '7' and f12.get('r_ext') == '1234' and
     f12.get('r_jitter') == '33' and int(f12.get('rtt_us', '0')) > 0,
     "B's report on the relay's stream kept with flow 12, with a round-trip time", f12)
if MEDIA:
    # A full ring is a counted drop, never a wait: the media lcore is held
    # (--test-media-hold) while 10 packets arrive for a ring of 4 (3 usable).
    work3 = tempfile.mkdtemp(prefix='mr-xc-ring-')
    frames = [v.arp_reply(PA_MAC, PA4, A4)]
    for i in range(10):
        frames.append(frame(5000, 30000, rtp(100 + i, 160 * i, 0xa1, 0,
                                             [ulaw(s) for s in tone(160, 160 * i)])))
    v.write_pcap(os.path.join(work3, 'in.pcap'), frames)
    dp = Dataplane(sys.argv[1], sys.argv[2], 'xcq', ini.replace('media-lcores = 1', 'media-lcores = 1\nmedia-ring = 4'),
                   workdir=work3, lcores=LCORES,
                   args=['--test-start-on-barrier', '--test-burst', '1', '--test-media-hold'])
    rc, out = dp.ctl(['hello',
                      f'add id=1 local={A4}:30000 src={A4}:30002 dst={PA4}:5002 xc=pcmu:0>pcma:8',
                      'barrier', 'wait-rx 11', 'drops', 'barrier', 'quiesce 300'])
    d = drops(out)
    t.ok(rc == 0 and d.get('media-ring-full') == 7,
         '10 packets for a ring of 3 with its media lcore held: 7 counted media-ring-full', out + dp.output())
    for _ in range(300):   # until the media lcore has sent the 3 (bounded)
        rc, out = dp.ctl(['flow 1'])
        if re.search(r' packets=3\b', out):
            break
        time.sleep(0.1)
    t.ok(re.search(r' packets=3\b', out), 'released, the media lcore transcodes the 3 it holds',
         out + dp.ctl(['workers', 'drops'])[1] + dp.output())
    code = dp.stop()
    sent = [udp_payload(f) for f in out_frames(work3)]
    t.ok(code == 0 and len([1 for dport, _ in sent if dport == 5002]) == 3,
         '3 PCMA packets sent, the dataplane exits 0', (code, len(sent), dp.output()))

    # Flows deleted while their packets wait in the ring: flow 1 (A) goes,
    # flow 2 (B) goes and comes back on the same key with another codec. The
    # media lcore looks each packet's flow up when it takes it: A's packets
    # are dropped as media-no-flow, B's leave as the new flow 2 says.
    work4 = tempfile.mkdtemp(prefix='mr-xc-del-')
    frames = [v.arp_reply(PA_MAC, PA4, A4)]
    for i in range(10):
        pcm = tone(160, 160 * i)
        frames.append(frame(5000, 30000, rtp(100 + i, 160 * i, 0xa1, 0, [ulaw(s) for s in pcm])))
        frames.append(frame(5004, 30004, rtp(400 + i, 160 * i, 0xb2, 0, [ulaw(s) for s in pcm])))
    v.write_pcap(os.path.join(work4, 'in.pcap'), frames)
    dp = Dataplane(sys.argv[1], sys.argv[2], 'xcd', ini, workdir=work4, lcores=LCORES,
                   args=['--test-start-on-barrier', '--test-burst', '1', '--test-media-hold'])
    rc, out = dp.ctl(['hello',
                      f'add id=1 local={A4}:30000 src={A4}:30002 dst={PA4}:5002 xc=pcmu:0>opus:111',
                      f'add id=2 local={A4}:30004 src={A4}:30006 dst={PA4}:5006 xc=pcmu:0>opus:111',
                      'barrier', 'wait-rx 21', 'del 1', 'del 2',
                      f'add id=2 local={A4}:30004 src={A4}:30006 dst={PA4}:5006 xc=pcmu:0>pcma:8',
                      'barrier', 'quiesce 300'])
    a = acks(out)
    t.ok(rc == 0 and [r for (c, f, r) in a if c in ('add', 'del')] == [0, 0, 0, 0, 0],
         'flows added, deleted and re-added while the packets wait', out)
    for _ in range(300):
        rc, out = dp.ctl(['drops', 'flow 2'])
        d = drops(out)
        if d.get('media-no-flow') == 10 and re.search(r' packets=10\b', out):
            break
        time.sleep(0.1)
    t.ok(d.get('media-no-flow') == 10, 'the deleted flow\'s 10 waiting packets dropped as media-no-flow', out)
    t.ok(re.search(r' packets=10\b', out), 'the re-added flow took the other 10', out)
    code = dp.stop()
    sent = [rtp_of(f) for f in out_frames(work4)]
    to_a = [1 for dport, _, _ in sent if dport == 5002]
    to_b = [(h, pl) for dport, h, pl in sent if dport == 5006]
    t.ok(code == 0 and not to_a and len(to_b) == 10 and all(h['pt'] == 8 and len(pl) == 160 for h, pl in to_b),
         'nothing for the deleted flow; 10 PCMA packets (the new codec) for the re-added one',
         (code, len(to_a), [(h['pt'], len(pl)) for h, pl in to_b][:3], dp.output()))
t.done()
