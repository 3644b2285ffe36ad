#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Transcoding negotiated by the real mrelay-control and done by the real
mrelay-dataplane, in a network namespace of the test's own (unshare): the
dataplane's port is a net_tap whose kernel side holds the caller's and the
callee's addresses. The caller offers PCMU + telephone-event with
codec transcode=opus; the callee answers Opus only. PCMU RTP sent by the
caller must reach the callee as Opus (its payload type, its own SSRC, Opus
sized payloads); the callee's RTCP is consumed, its report shown by the
mrelayctl socket; an RFC 4733 digit must reach the callee on its
telephone-event payload type and show in `query`. Then a call that is not
transcoded, the parties numbering telephone-event differently: remapped on
the wire, each digit reported once. TAP on stdout.

  test_transcode.py MRELAY-DATAPLANE MRELAY-CONTROL
"""
import json
import math
import os
import select
import shutil
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2etap  # noqa: E402
from e2etap import (Ng, free_port, log_tails, new_instance, ng_until_ok, ok,  # noqa: E402
                    open_logs, read_log, start_control, start_dataplane, stop, write_ini)


def collect(sock, got, done, secs=5.0):
    """Append what arrives on sock to got until done(got) or secs have passed
    (a loaded machine may pause the relay for longer than any quiet gap)."""
    end = time.time() + secs
    while not done(got) and time.time() < end:
        if select.select([sock], [], [], 0.1)[0]:
            got.append(sock.recv(2048))


def skip_all(why):
    print(f'1..0 # SKIP {why}', flush=True)
    sys.exit(0)


def sval(v):
    return v.decode() if isinstance(v, bytes) else v


NET = '198.18.0'
A_IP, B_IP, RELAY_IP = f'{NET}.10', f'{NET}.20', f'{NET}.1'
SDP_A = ('v=0\r\no=alice 1 1 IN IP4 {ip}\r\ns=-\r\nc=IN IP4 {ip}\r\nt=0 0\r\n'
         'm=audio 40000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n'
         'a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=sendrecv\r\n').format(ip=A_IP)
SDP_B = ('v=0\r\no=bob 1 1 IN IP4 {ip}\r\ns=-\r\nc=IN IP4 {ip}\r\nt=0 0\r\n'
         'm=audio 50000 RTP/AVP 96 97\r\na=rtpmap:96 opus/48000/2\r\n'
         'a=fmtp:96 maxplaybackrate=8000;sprop-maxcapturerate=8000\r\n'
         'a=rtpmap:97 telephone-event/48000\r\na=fmtp:97 0-15\r\na=sendrecv\r\n').format(ip=B_IP)
SSRC_A = 0x11223344


def m_port(sdp):
    for line in sdp.split('\r\n'):
        if line.startswith('m=audio '):
            return int(line.split()[1])
    return 0


def ulaw(x):
    """G.711 mu-law of one 16-bit sample."""
    sign = 0x80 if x < 0 else 0
    x = min(-x if x < 0 else x, 32635) + 0x84
    exp = min(max((x >> 7).bit_length() - 1, 0), 7)
    return ~(sign | exp << 4 | (x >> (exp + 3)) & 0x0f) & 0xff


def pcmu_packets(count):
    """20 ms PCMU packets of a 440 Hz tone (built by code)."""
    out = []
    for k in range(count):
        pcm = bytes(ulaw(int(8000 * math.sin(2 * math.pi * 440 * (k * 160 + i) / 8000)))
                    for i in range(160))
        hdr = struct.pack('!BBHII', 0x80, 0x80 if k == 0 else 0x00, 1000 + k, 160 * k, SSRC_A)
        out.append(hdr + pcm)
    return out


def dtmf_packets(seq0, ts, digit):
    """An RFC 4733 event: three updates and three end packets, one timestamp."""
    out = []
    for k, (end, dur) in enumerate([(0, 160), (0, 320), (0, 480), (1, 640), (1, 640), (1, 640)]):
        hdr = struct.pack('!BBHII', 0x80, 101 | (0x80 if k == 0 else 0), seq0 + k, ts, SSRC_A)
        out.append(hdr + struct.pack('!BBH', digit, (0x80 if end else 0) | 10, dur))
    return out


def opus_20ms(toc):
    """An Opus TOC byte (RFC 6716 3.1) of one 20 ms frame."""
    config = toc >> 3
    if config < 12:
        per = config % 4 == 1
    elif config < 16:
        per = config % 2 == 1
    else:
        per = config % 4 == 3
    return per and toc & 3 == 0


def ctl_sock(path, req):
    """One request on the mrelayctl socket (a JSON line each way)."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(3.0)
            s.connect(path)
            s.sendall(json.dumps(req).encode() + b'\n')
            buf = b''
            while not buf.endswith(b'\n'):
                chunk = s.recv(65536)
                if not chunk:
                    break
                buf += chunk
        return json.loads(buf)
    except (OSError, ValueError) as e:
        return {'ok': False, 'error': str(e)}


def sh(*cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def main():
    dp_bin, ctl_bin = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    if os.environ.get('MR_XC_NETNS') != '1':
        if os.geteuid() != 0 or shutil.which('unshare') is None or shutil.which('ip') is None:
            skip_all('needs root, unshare and ip (a network namespace of its own)')
        if sh('unshare', '--net', 'true').returncode != 0:
            skip_all('network namespaces are not available here')
        env = dict(os.environ, MR_XC_NETNS='1')
        os.execvpe('unshare', ['unshare', '--net', sys.executable, os.path.abspath(__file__),
                               dp_bin, ctl_bin], env)
    sh('ip', 'link', 'set', 'lo', 'up')

    inst, work, ini = new_instance('xc')
    tap = f'mrxc{os.getpid() % 100000}'
    port = free_port()
    write_ini(ini, inst, port, 32000, 32999,
              f'[interface media]\ndevice = net_tap0,iface={tap}\naddress = {RELAY_IP}/24\n',
              extra_dataplane='transcoders = 8\n',
              extra_control=f'ack-timeout = 2000\nctl-socket = {work}/ctl.sock\n')
    ctl_log, dp_log = open_logs(work)
    dp = start_dataplane(dp_bin, ini, inst, dp_log)
    ctl = None
    sa = sb = None

    def logs():
        return log_tails(ctl_log, dp_log, ctl_chars=2500, dp_chars=2500)

    try:
        for _ in range(300):	# the port started: DPDK has set the TAP's MAC
            if 'forwarding lcore' in read_log(dp_log) or dp.poll() is not None:
                break
            time.sleep(0.1)
        # DPDK gives the kernel side the port's own MAC: the kernel would take
        # the dataplane's frames for its own echo. Another MAC for the kernel side.
        up = (sh('ip', 'link', 'set', tap, 'address', '02:00:5e:00:53:02').returncode == 0 and
              sh('ip', 'addr', 'add', f'{A_IP}/24', 'dev', tap).returncode == 0 and
              sh('ip', 'addr', 'add', f'{B_IP}/24', 'dev', tap).returncode == 0 and
              sh('ip', 'link', 'set', tap, 'up').returncode == 0)
        if not ok(up, 'the dataplane\'s tap carries the caller\'s and the callee\'s addresses', logs()):
            return
        ctl = start_control(ctl_bin, ini, ctl_log)
        ng = Ng(port, 'xc')

        offer = {'command': 'offer', 'call-id': 'xc1', 'from-tag': 'ft', 'sdp': SDP_A,
                 'codec': {'transcode': ['opus']}}
        r = ng_until_ok(ng, dp, offer, ask_first=True)
        sdp = sval(r.get('sdp', b''))
        ok(r.get('result') == 'ok' and ' RTP/AVP 0 101 96 97\r\n' in sdp and
           'a=rtpmap:96 opus/48000/2\r\na=fmtp:96 maxplaybackrate=8000;sprop-maxcapturerate=8000\r\n'
           'a=rtpmap:97 telephone-event/48000\r\n' in sdp,
           'offer: Opus and telephone-event/48000 added for the callee', str(r) + logs())
        port_b = m_port(sdp)
        r = ng({'command': 'answer', 'call-id': 'xc1', 'from-tag': 'ft', 'to-tag': 'tt', 'sdp': SDP_B})
        sdp = sval(r.get('sdp', b''))
        ok(r.get('result') == 'ok' and ' RTP/AVP 0 101\r\n' in sdp and 'opus' not in sdp and
           'a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n' in sdp,
           'answer (Opus only): the dataplane took the transcoding flows; the caller gets PCMU',
           str(r) + logs())
        port_a = m_port(sdp)

        sa = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sa.bind((A_IP, 40000))
        sb = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sb.bind((B_IP, 50000))
        got = []
        pkts = pcmu_packets(100)
        for p in pkts:
            sa.sendto(p, (RELAY_IP, port_a))
            time.sleep(0.02)
            while select.select([sb], [], [], 0)[0]:
                got.append(sb.recv(2048))
        collect(sb, got, lambda g: sum(1 for x in g if len(x) > 12 and x[1] & 0x7f == 96) >= len(pkts))
        audio = [g for g in got if len(g) > 12 and g[1] & 0x7f == 96]
        ssrcs = {struct.unpack('!I', g[8:12])[0] for g in audio}
        sizes = sorted(len(g) - 12 for g in audio)
        ok(len(audio) >= 50, f'PCMU in, Opus out: {len(audio)} of {len(pkts)} packets reached the callee '
           'on payload type 96', f'received {len(got)}: ' + str([g[:2].hex() for g in got[:10]]) +
           sh('ip', '-s', 'link', 'show', tap).stdout + sh('ip', 'neigh').stdout + logs())
        ok(len(ssrcs) == 1 and SSRC_A not in ssrcs, 'the transcoded leg has an SSRC of its own',
           str(ssrcs))
        ok(sizes and sizes[-1] < 160 and sizes[len(sizes) // 2] >= 3,
           f'Opus-sized payloads (median {sizes[len(sizes) // 2] if sizes else 0} bytes, PCMU had 160)',
           str(sizes))
        toc_ok = all(opus_20ms(g[12]) for g in audio)
        ok(audio and toc_ok, 'every Opus TOC names a 20 ms frame (the caller\'s ptime)',
           str([hex(g[12]) for g in audio[:10]]))

        # The callee's RTCP (no rtcp-mux: the next port up) reports on the relay's
        # Opus stream: the relay consumes it and keeps the figures; nothing of
        # it reaches the caller.
        ra = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        ra.bind((A_IP, 40001))
        rr = (struct.pack('!BBHI', 0x81, 201, 7, 0x55667788) +
              struct.pack('!IIIIII', next(iter(ssrcs)) if ssrcs else 0, 0x20000003, 1000, 480, 0, 0))
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as rb:
            rb.bind((B_IP, 50001))
            rb.sendto(rr, (RELAY_IP, port_b + 1))
        stats, fwd = {}, []
        for _ in range(30):
            call = ctl_sock(os.path.join(work, 'ctl.sock'), {'cmd': 'call', 'id': 'xc1'}).get('call') or {}
            dirs = [d for st in call.get('streams', []) for d in st.get('directions', [])]
            stats = next((d.get('remote_report') for d in dirs if d.get('from_tag') == 'tt'), None) or {}
            if stats:
                break
            time.sleep(0.1)
        while select.select([ra], [], [], 0.2)[0]:
            fwd.append(ra.recv(2048))
        ra.close()
        ok(stats.get('rb_received') == 1 and stats.get('lost') == 3 and
           abs(stats.get('fraction_lost_pct', 0) - 12.5) < 0.01 and stats.get('rtt_ms') is None,
           "the callee's RTCP consumed by the relay: its report on the Opus stream in mrelayctl call",
           str(stats) + logs())
        ok(rr not in fwd, 'the callee\'s RTCP is not forwarded to the caller', str(fwd))

        got = []
        for p in dtmf_packets(2000, 160 * 100, 5):
            sa.sendto(p, (RELAY_IP, port_a))
            time.sleep(0.02)
        for p in pcmu_packets(20):
            sa.sendto(p[:2] + struct.pack('!HI', 3000 + len(got), 160 * 140) + p[8:], (RELAY_IP, port_a))
            time.sleep(0.02)
        # Done when the 20 PCMU packets sent after the digit are through as Opus.
        collect(sb, got, lambda g: sum(1 for x in g if len(x) > 12 and x[1] & 0x7f == 96) >= 20)
        ev = [g for g in got if len(g) >= 16 and g[1] & 0x7f == 97]
        ok(ev and all(g[12] == 5 for g in ev), f'the digit reaches the callee on telephone-event '
           f'payload type 97 ({len(ev)} packets)', str([g[:2].hex() for g in got[:20]]))
        digits = ''
        for _ in range(20):
            r = ng({'command': 'query', 'call-id': 'xc1'})
            digits = sval((r.get('dtmf') or {}).get('digits', b''))
            if '5' in digits:
                break
            time.sleep(0.1)
        ok(digits == '5', 'query shows the digit control was told about', str(r) + logs())
        xc = r.get('transcode') or []
        ok(len(xc) == 2 and {(sval(x['in']), sval(x['out'])) for x in xc} ==
           {('PCMU', 'opus'), ('opus', 'PCMU')}, 'query lists both transcoded directions', str(r))
        ok('call xc1: DTMF 5' in read_log(ctl_log), 'control logged the digit', logs())
        call = ctl_sock(os.path.join(work, 'ctl.sock'), {'cmd': 'call', 'id': 'xc1'}).get('call') or {}
        ok(call.get('dtmf') == '5' and call.get('dtmf_count') == 1,
           'the mrelayctl socket shows the digit', str(call)[:2000])
        dirs = (call.get('streams') or [{}])[0].get('directions') or [{}, {}]
        ok([x.get('rtpmap') for x in dirs[0].get('codecs', [])] == ['PCMU/8000', 'telephone-event/8000']
           and dirs[1].get('codec') == 'opus/48000/2' and
           [x.get('rtpmap') for x in dirs[1].get('codecs', [])] == ['opus/48000/2', 'telephone-event/48000'],
           'the mrelayctl socket names each side\'s codecs: PCMU/8000 for the caller, '
           'opus/48000/2 for the callee', str(dirs)[:2000])

        r = ng({'command': 'delete', 'call-id': 'xc1', 'from-tag': 'ft'})
        ok(r.get('result') == 'ok', 'delete', r)

        # A call that is not transcoded: PCMU both ways, telephone-event 101 for
        # the caller and 96 for the callee. The caller is answered with its own
        # 101; its events reach the callee as 96, each digit reported once.
        sdp_b2 = ('v=0\r\no=bob 1 1 IN IP4 {ip}\r\ns=-\r\nc=IN IP4 {ip}\r\nt=0 0\r\n'
                  'm=audio 50000 RTP/AVP 0 96\r\na=rtpmap:0 PCMU/8000\r\n'
                  'a=rtpmap:96 telephone-event/8000\r\na=fmtp:96 0-15\r\na=sendrecv\r\n').format(ip=B_IP)
        r = ng({'command': 'offer', 'call-id': 'pt1', 'from-tag': 'ft', 'sdp': SDP_A})
        port_b = m_port(sval(r.get('sdp', b'')))
        r = ng({'command': 'answer', 'call-id': 'pt1', 'from-tag': 'ft', 'to-tag': 'tt', 'sdp': sdp_b2})
        sdp = sval(r.get('sdp', b''))
        ok(r.get('result') == 'ok' and ' RTP/AVP 0 101\r\n' in sdp and
           'a=rtpmap:101 telephone-event/8000\r\n' in sdp and 'a=rtpmap:96' not in sdp,
           'passed through: the caller is answered with its own telephone-event 101', str(r))
        port_a = m_port(sdp)
        got = []
        for p in pcmu_packets(3) + dtmf_packets(4000, 160 * 200, 7) + dtmf_packets(4010, 160 * 210, 8):
            sa.sendto(p, (RELAY_IP, port_a))
            time.sleep(0.02)
        sent = pcmu_packets(3) + dtmf_packets(4000, 160 * 200, 7) + dtmf_packets(4010, 160 * 210, 8)
        collect(sb, got, lambda g: len(g) >= len(sent))
        want = [p[:1] + bytes([(p[1] & 0x80) | (96 if p[1] & 0x7f == 101 else p[1] & 0x7f)]) + p[2:]
                for p in sent]
        ok(got == want, 'the callee gets every packet as sent but telephone-event 101 as 96 '
           '(marker kept)', str([g[:2].hex() for g in got[:14]]))
        digits = ''
        for _ in range(20):
            r = ng({'command': 'query', 'call-id': 'pt1'})
            digits = sval((r.get('dtmf') or {}).get('digits', b''))
            if len(digits) >= 2:
                break
            time.sleep(0.1)
        ok(digits == '78', 'query shows each digit of the passed-through call once', str(r) + logs())
        call = ctl_sock(os.path.join(work, 'ctl.sock'), {'cmd': 'call', 'id': 'pt1'}).get('call') or {}
        ok(call.get('dtmf') == '78' and call.get('dtmf_count') == 2,
           'the mrelayctl socket shows them', str(call)[:2000])
        r = ng({'command': 'delete', 'call-id': 'pt1', 'from-tag': 'ft'})
        ok(r.get('result') == 'ok', 'delete (passed-through call)', r)
        ok(dp.poll() is None, 'the dataplane is still running', logs())
    finally:
        for s in (sa, sb):
            if s:
                s.close()
        stop((ctl, dp))
        ok(dp.returncode == 0, 'the dataplane exits 0 (its transcoders freed)', logs())
        e2etap.plan()


main()
sys.exit(e2etap.exit_status())
