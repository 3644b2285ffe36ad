#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""mrelayctl capture against the real mrelay-control and mrelay-dataplane: a
call placed over ng, RTP sent through the relay from a network namespace of
the test's own, the packets written by the dataplane (rte_pcapng) into a
file mrelayctl opened, read back with tshark: the count asked for, both
directions, each packet as received and as sent after rewrite. Then --json,
one flow, a second capture refused while one runs, Ctrl-C, and every error
path: control down, dataplane down, unknown id, bad arguments, an
unwritable path, the dataplane stopping mid-capture. TAP on stdout.

  test_capture.py MRELAY-DATAPLANE MRELAY-CONTROL MRELAYCTL
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2etap  # noqa: E402
from e2etap import (Ng, free_port, free_tcp_port, log_tails, new_instance,  # noqa: E402
                    ng_until_ok, ok, open_logs, read_log, sh, skip, start_control,
                    start_dataplane, stop, tap_into_ns, write_ini)

NET = '198.18.0'
SDP_A = (f'v=0\r\no=alice 1 1 IN IP4 {NET}.10\r\ns=-\r\nc=IN IP4 {NET}.10\r\nt=0 0\r\n'
         'm=audio 40000 RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n')
SDP_B = (f'v=0\r\no=bob 1 1 IN IP4 {NET}.20\r\ns=-\r\nc=IN IP4 {NET}.20\r\nt=0 0\r\n'
         'm=audio 50000 RTP/AVP 8 101\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n')

# A (.10:40000) and B (.20:50000) send N packets each to the relay's ports,
# paced; the payload carries the sequence number so that copies pair up.
SENDER = r'''
import socket, struct, sys, time
relay, pa, pb, n, first = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); a.bind((sys.argv[6], 40000))
b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); b.bind((sys.argv[7], 50000))
for i in range(n):
    s = first + i
    a.sendto(struct.pack('!BBHII', 0x80, 0, s, 160 * s, 0x1111) + bytes(160), (relay, pa))
    b.sendto(struct.pack('!BBHII', 0x80, 0, s, 160 * s, 0x2222) + bytes(160), (relay, pb))
    time.sleep(0.01)
'''


# A sends N packets back to back: with the dataplane's RX paced they arrive in
# full bursts, more copies at once than the (test-sized) copy pool holds.
BURST = r'''
import socket, struct, sys
relay, pb, n, first = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); a.bind((sys.argv[5], 40000))
for i in range(n):
    s = first + i
    a.sendto(struct.pack('!BBHII', 0x80, 0, s, 160 * s, 0x1111) + bytes(160), (relay, pb))
'''


def records(path):
    """tshark's view of a capture: one dict per packet, or None if unreadable."""
    r = sh('tshark', '-r', path, '-o', 'rtp.heuristic_rtp:TRUE', '-T', 'fields', '-E',
           'separator=|', '-e', 'frame.packet_flags_direction', '-e', 'frame.interface_id',
           '-e', 'ip.src', '-e', 'udp.srcport', '-e', 'ip.dst', '-e', 'udp.dstport',
           '-e', 'rtp.seq', '-e', 'rtp.ssrc', '-e', 'eth.src', '-e', 'frame.time_epoch')
    if r.returncode != 0:
        return None, r.stderr
    out = []
    for line in r.stdout.splitlines():
        f = line.split('|')
        if len(f) < 10:
            continue
        d = f[0]
        out.append({'dir': 'in' if d in ('0x1', '1', '0x00000001') else
                    'out' if d in ('0x2', '2', '0x00000002') else d,
                    'src': f'{f[2]}:{f[3]}', 'dst': f'{f[4]}:{f[5]}',
                    'seq': f[6], 'ssrc': f[7], 'eth_src': f[8],
                    'time': float(f[9] or 0)})
    return out, r.stdout[-1500:] + r.stderr[-500:]


def main():
    dp_bin, ctl_bin, cli_bin = sys.argv[1:4]
    pid = os.getpid()
    inst, work, ini = new_instance('cap')
    sock = os.path.join(work, 'run', 'ctl.sock')
    port = free_port()
    http = free_tcp_port()
    ns = f'mrcap-{pid}'
    tap = f'mrp{pid % 1000000}'
    have_ns = (os.geteuid() == 0 and sh('ip', 'netns', 'add', ns).returncode == 0)
    have_tshark = shutil.which('tshark') is not None
    device = f'net_tap_{inst},iface={tap}' if have_ns else f'net_null_{inst}'
    write_ini(ini, inst, port, 31000, 31999,
              f'[interface media]\ndevice = {device}\naddress = {NET}.1/24\n',
              extra_control=f'ack-timeout = 5000\njournal = {work}/journal.db\nctl-socket = {sock}\n'
                            f'listen-http = 127.0.0.1:{http}\n')
    ctl_log, dp_log = open_logs(work)
    procs = []
    pcap = os.path.join(work, 'c1.pcapng')

    def logs():
        return log_tails(ctl_log, dp_log)

    def cli(*args, timeout=30):
        r = subprocess.run([cli_bin, '-s', sock, '-i', inst, *args], capture_output=True,
                           text=True, timeout=timeout)
        return r.returncode, r.stdout, r.stderr

    def cli_bg(*args):
        return subprocess.Popen([cli_bin, '-s', sock, '-i', inst, *args], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    def wait_started(p):
        """Until control has started the capture of background mrelayctl p."""
        for _ in range(200):
            if read_log(ctl_log).count('started (') > wait_started.seen or p.poll() is not None:
                break
            time.sleep(0.05)
        wait_started.seen += 1
    wait_started.seen = 0

    try:
        # ---- arguments, control down --------------------------------------------------
        rc, out, err = cli('capture', '--help')
        ok(rc == 0 and out.startswith('Usage: mrelayctl [OPTIONS] capture CALL-ID|FLOW-ID -w FILE'),
           'capture --help', out + err)
        for args, what in ((['capture', 'c1'], '-w FILE is required'),
                           (['capture', '-w', pcap], 'missing argument'),
                           (['capture', 'c1', 'c2', '-w', pcap], "unexpected argument 'c2'"),
                           (['capture', 'c1', '-w', pcap, '-c', '0'], 'packet count of 1 or more'),
                           (['capture', 'c1', '-w', pcap, '-c', 'x'], 'packet count of 1 or more'),
                           (['capture', 'c1', '-w', pcap, '--seconds', '0'], 'needs 1..86400'),
                           (['capture', 'c1', '-w'], 'needs a value'),
                           (['capture', 'c1', '-w', pcap, '--bogus'], "unknown option '--bogus'")):
            rc, out, err = cli(*args)
            ok(rc == 2 and what in err and not os.path.exists(pcap),
               f"capture bad arguments '{' '.join(args[1:])}': exit 2, says {what}", f'{rc} {err}')
        rc, out, err = cli('capture', 'c1', '-w', pcap)
        ok(rc == 1 and f'cannot reach mrelay-control at {sock}' in err and not os.path.exists(pcap),
           'control down: capture exits 1, leaves no file behind', f'{rc} {out} {err}')

        # ---- control without a dataplane --------------------------------------------------
        ctl = start_control(ctl_bin, ini, ctl_log)
        procs.append(ctl)
        for _ in range(100):
            if os.path.exists(sock):
                break
            time.sleep(0.05)
        rc, out, err = cli('capture', 'c1', '-w', pcap)
        ok(rc == 1 and 'dataplane' in err and 'not attached' in err and not os.path.exists(pcap),
           'dataplane down: capture exits 1, says the dataplane is not attached', f'{rc} {err}')
        ok('quality records: off ([control] quality-log is not set)' in read_log(ctl_log),
           'control states at start-up that quality records are off', logs())

        # ---- the dataplane, the namespace, the call ---------------------------------
        dp = start_dataplane(dp_bin, ini, inst, dp_log)
        procs.append(dp)
        ng = Ng(port, 'cap')
        r = ng_until_ok(ng, dp, {'command': 'offer', 'call-id': 'c1', 'from-tag': 'ft', 'sdp': SDP_A})
        if not ok(r.get('result') == 'ok', 'offer through control once the dataplane is up',
                  str(r) + logs()):
            return
        pa = int(r['sdp'].split('m=audio ')[1].split(' ')[0])
        r = ng({'command': 'answer', 'call-id': 'c1', 'from-tag': 'ft', 'to-tag': 'tt', 'sdp': SDP_B})
        ok(r.get('result') == 'ok', 'answer', r)
        pb = int(r.get('sdp', 'm=audio 0 ').split('m=audio ')[1].split(' ')[0])
        # pa: the port written to B (B sends there); pb: written to A.

        # The codecs each side uses: A offered PCMU, PCMA and DTMF, B kept PCMA and DTMF.
        rc, d, err = cli('--json', 'call', 'c1')
        try:
            dirs = json.loads(d)['call']['streams'][0]['directions']
        except (ValueError, KeyError, IndexError):
            dirs = [{}, {}]
        ok([[c.get('rtpmap') for c in x.get('codecs', [])] for x in dirs] ==
           [['PCMA/8000', 'telephone-event/8000']] * 2 and dirs[0].get('codec') == 'PCMA/8000',
           "call --json: the offerer's codecs narrowed to what the answer kept", dirs)
        rc, out, err = cli('call', 'c1')
        ok(rc == 0 and 'codecs A: PCMA/8000 (PT 8), telephone-event/8000 (PT 101)' in out,
           'call: the offerer\'s negotiated codecs', out + err)

        rc, out, err = cli('capture', 'nosuch', '-w', pcap)
        ok(rc == 1 and "no call with call-id 'nosuch'" in err and not os.path.exists(pcap),
           'capture nosuch: unknown id, exit 1, no file left', f'{rc} {err}')
        rc, out, err = cli('capture', '99999', '-w', pcap)
        ok(rc == 1 and 'no flow with that id' in err, 'capture 99999: unknown flow id, exit 1',
           f'{rc} {err}')
        bad = os.path.join(work, 'no-such-dir', 'x.pcapng')
        rc, out, err = cli('capture', 'c1', '-w', bad)
        ok(rc == 1 and f'cannot write {bad}' in err and 'No such file or directory' in err,
           'capture to an unwritable path: exit 1 with the reason', f'{rc} {err}')
        rc, d, err = cli('--json', 'capture', 'nosuch', '-w', pcap)
        try:
            d = json.loads(d)
        except ValueError:
            d = {}
        ok(rc == 1 and d.get('ok') is False and d.get('code') == 'ENOENT',
           'capture nosuch --json: the error as JSON', f'{rc} {d} {err}')

        traffic = False
        if have_ns:
            moved, why = tap_into_ns(tap, ns, [f'{NET}.10/24', f'{NET}.20/24'], '02:00:00:00:cc:02')
            traffic = ok(moved, "the dataplane's TAP moved into the test's namespace", why)
        else:
            skip('captures of real traffic', 'no network namespaces here')

        def send(n, first):
            return sh('ip', 'netns', 'exec', ns, sys.executable, '-c', SENDER, f'{NET}.1',
                      str(ports['b']), str(ports['a']), str(n), str(first), f'{NET}.10', f'{NET}.20')
        ports = {'a': pa, 'b': pb}  # noqa: F841

        if traffic:
            # Latch both sources before capturing (learning is not what is tested here).
            send(3, 1)
            time.sleep(0.3)

            # ---- -c: a call, both directions, as received and as sent -----------------
            # 41: odd, so that a limit checked only between writes (two copies per
            # packet) would let a 42nd through.
            p = cli_bg('capture', 'c1', '-w', pcap, '-c', '41')
            wait_started(p)
            s = send(40, 100)
            try:
                out, err = p.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                out, err = p.communicate()
            ok(p.returncode == 0 and f'41 packets written to {pcap} (0 dropped; ended: count)' in out
               and 'capturing call c1 (4 flows)' in err,
               'capture c1 -c 41: stops by itself, says 41 packets written, none dropped',
               f'{p.returncode} {out} {err} {s.stderr}' + logs())
            if have_tshark:
                recs, diag = records(pcap)
                recs = recs or []
                ins = [x for x in recs if x['dir'] == 'in']
                outs = [x for x in recs if x['dir'] == 'out']
                ok(len(recs) == 41, f'tshark reads the file: 41 packets (-c honoured), got {len(recs)}',
                   diag)
                ok(len(ins) == 21 and len(outs) == 20,
                   'each packet twice, as received (inbound) then as sent (outbound): 21 and 20', diag)
                a_in = [x for x in ins if x['src'] == f'{NET}.10:40000' and x['dst'] == f'{NET}.1:{pb}']
                b_in = [x for x in ins if x['src'] == f'{NET}.20:50000' and x['dst'] == f'{NET}.1:{pa}']
                ok(a_in and b_in and len(a_in) + len(b_in) == len(ins),
                   'inbound: both parties, as they sent to the relay', diag)
                pairs = 0
                for y in outs:
                    pairs += any(y['src'] == f'{NET}.1:{pa}' and y['dst'] == f'{NET}.20:50000' and
                                 y['seq'] == x['seq'] and y['ssrc'] == x['ssrc'] for x in a_in)
                    pairs += any(y['src'] == f'{NET}.1:{pb}' and y['dst'] == f'{NET}.10:40000' and
                                 y['seq'] == x['seq'] and y['ssrc'] == x['ssrc'] for x in b_in)
                ok(pairs == len(outs) and pairs > 0,
                   'outbound: each received packet as sent, rewritten from the relay to the other '
                   'party, same RTP sequence and SSRC', diag)
                ok(all(y['eth_src'] != x['eth_src'] for x in ins for y in outs if x['seq'] == y['seq']),
                   'outbound frames carry the relay\'s MAC as source, inbound the sender\'s', diag)
                now = time.time()
                ok(recs and all(now - 600 < x['time'] <= now + 1 for x in recs),
                   'timestamps are wall-clock times of the last minutes',
                   f'now {now}: ' + ' '.join(str(x['time']) for x in recs[:4]))
            else:
                skip('the capture read back with tshark', 'tshark is not installed')

            # ---- --seconds, --json, one flow --------------------------------------------
            rc, d, err = cli('--json', 'flows', '--call', 'c1')
            fl = json.loads(d).get('flows', []) if rc == 0 else []
            fa = next((f['id'] for f in fl if f.get('kind') == 'rtp' and f.get('from_tag') == 'ft'), None)
            pcap2 = os.path.join(work, 'flow.pcapng')
            p = cli_bg('--json', 'capture', str(fa), '-w', pcap2, '--seconds', '1')
            wait_started(p)
            send(10, 200)
            try:
                out, err = p.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                out, err = p.communicate()
            try:
                d = json.loads(out)
            except ValueError:
                d = {}
            ok(p.returncode == 0 and d.get('ok') is True and d.get('event') == 'capture-done' and
               d.get('reason') == 'seconds' and d.get('written', 0) >= 2 and d.get('dropped') == 0 and
               d.get('file') == pcap2, f'capture flow {fa} --seconds 1 --json: the summary as JSON',
               f'{p.returncode} {out} {err}')
            if have_tshark:
                recs, diag = records(pcap2)
                recs = recs or []
                ok(len(recs) == d.get('written') and recs and
                   all((x['dir'] == 'in' and x['src'] == f'{NET}.10:40000') or
                       (x['dir'] == 'out' and x['dst'] == f'{NET}.20:50000') for x in recs),
                   'one flow: only A\'s packets, as many as reported', diag)

            # ---- one at a time; Ctrl-C ------------------------------------------------------
            pcap3 = os.path.join(work, 'ctrlc.pcapng')
            p = cli_bg('capture', 'c1', '-w', pcap3)
            wait_started(p)
            rc, out, err = cli('capture', 'c1', '-w', os.path.join(work, 'second.pcapng'))
            ok(rc == 1 and 'one capture at a time' in err and
               not os.path.exists(os.path.join(work, 'second.pcapng')),
               'a second capture while one runs: a clear error, exit 1', f'{rc} {err}')
            send(10, 300)
            time.sleep(0.3)
            p.send_signal(signal.SIGINT)
            try:
                out, err = p.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                out, err = p.communicate()
            n_written = int(out.split()[0]) if out.split() and out.split()[0].isdigit() else -1
            ok(p.returncode == 0 and 'ended: stopped' in out and n_written >= 40,
               'Ctrl-C ends the capture cleanly: the summary, exit 0', f'{p.returncode} {out} {err}')
            if have_tshark:
                recs, diag = records(pcap3)
                ok(recs is not None and len(recs) == n_written,
                   'the file after Ctrl-C is complete: tshark reads every packet reported', diag)

            # ---- a dataplane stalled past control's heartbeat bound: the capture goes on ------
            pcap7 = os.path.join(work, 'stall.pcapng')
            p = cli_bg('capture', 'c1', '-w', pcap7, '-c', '10')
            wait_started(p)
            seen = read_log(ctl_log).count('is gone')
            dp.send_signal(signal.SIGSTOP)
            time.sleep(4)
            dp.send_signal(signal.SIGCONT)
            for _ in range(100):
                rc, _, _ = cli('drops')
                if rc == 0:
                    break
                time.sleep(0.1)
            time.sleep(0.5)
            send(10, 700)
            try:
                out, err = p.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                out, err = p.communicate()
            gone = read_log(ctl_log).count('is gone') > seen
            ok(gone and p.returncode == 0 and '10 packets written' in out and 'ended: count' in out,
               'a dataplane stalled past the heartbeat bound (control detached, then back): the '
               'capture goes on to its count', f'gone={gone} {p.returncode} {out} {err}' + logs())

            # ---- control dies mid-capture: the dataplane ends it by itself --------------------
            pcap5 = os.path.join(work, 'ctldown.pcapng')
            p = cli_bg('capture', 'c1', '-w', pcap5)
            wait_started(p)
            send(5, 500)
            ctl.send_signal(signal.SIGKILL)
            ctl.wait(timeout=10)
            try:
                out, err = p.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                out, err = p.communicate()
            ok(p.returncode == 1 and 'closed the connection before the capture ended' in err,
               'control killed mid-capture: mrelayctl says so, exit 1', f'{p.returncode} {out} {err}')
            ended = False
            for _ in range(60):
                ended = 'capture 5 ended' in read_log(dp_log)
                if ended:
                    break
                time.sleep(0.1)
            recs, diag = records(pcap5) if have_tshark else ([], '')
            ok(ended and recs is not None and len(recs) >= 10,
               'the dataplane ends the capture of a control that is gone; the file is whole', logs())
            ctl = start_control(ctl_bin, ini, ctl_log)
            procs.append(ctl)
            rc = 1
            for _ in range(100):
                rc, out, err = cli('call', 'c1')
                if rc == 0:
                    break
                time.sleep(0.1)
            ok(rc == 0, 'a restarted control takes the call back from its journal', out + err + logs())

            # ---- the dataplane stops mid-capture ----------------------------------------------
            pcap4 = os.path.join(work, 'dpdown.pcapng')
            p = cli_bg('capture', 'c1', '-w', pcap4)
            wait_started(p)
            send(5, 400)
            dp.send_signal(signal.SIGTERM)
            dp.wait(timeout=20)
            try:
                out, err = p.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                out, err = p.communicate()
            ok(p.returncode == 1 and 'the dataplane went away during capture' in err,
               'the dataplane stopping mid-capture: mrelayctl says so, exit 1',
               f'{p.returncode} {out} {err}' + logs())
            if have_tshark:
                recs, diag = records(pcap4)
                ok(recs is not None and len(recs) >= 10,
                   'a dataplane that stops closes the file whole: tshark reads it', diag)
            # ---- the copy pool exhausted: copies lost, counted, reported; packets relayed ----
            def flow_packets(fid):
                rc, d, _ = cli('--json', 'flow', str(fid))
                try:
                    return json.loads(d)['flow']['stats']['packets']
                except (ValueError, KeyError, TypeError):
                    return -1
            # A dataplane with a copy pool of 16 and paced RX (full bursts): control
            # programs the call's flows again, then a burst exhausts the pool.
            dp = start_dataplane(dp_bin, ini, inst, dp_log,
                                 extra_args=['--test-capture-pool', '16', '--test-rx-pace-us', '2000'])
            procs.append(dp)
            before = -1
            for _ in range(150):
                before = flow_packets(fa)
                if before == 0:
                    break
                time.sleep(0.1)
            ok(before == 0, 'a restarted dataplane gets the call again from control', logs())
            # Its new TAP goes into the namespace as the first did.
            tap_into_ns(tap, ns, [f'{NET}.10/24', f'{NET}.20/24'], '02:00:00:00:cc:02')
            send(3, 590)	# the sources are learned again
            time.sleep(0.5)
            before = flow_packets(fa)
            pcap6 = os.path.join(work, 'burst.pcapng')
            p = cli_bg('capture', 'c1', '-w', pcap6, '--seconds', '2')
            wait_started(p)
            sh('ip', 'netns', 'exec', ns, sys.executable, '-c', BURST, f'{NET}.1', str(ports['b']),
               '60', '600', f'{NET}.10')
            try:
                out, err = p.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                out, err = p.communicate()
            m = re.search(r'^(\d+) packets written to \S+ \((\d+) dropped', out)
            written, dropped = (int(m.group(1)), int(m.group(2))) if m else (-1, -1)
            after = flow_packets(fa)
            ok(p.returncode == 0 and dropped > 0 and written + dropped == 120 and
               f'{dropped} packet copies were dropped' in err,
               f'a burst beyond the copy pool: {dropped} copies dropped, counted and reported, '
               f'{written} written (120 in all)', f'{p.returncode} {out} {err}')
            ok(after - before == 60, 'every packet of the burst was relayed all the same',
               f'{before} -> {after}')
            if have_tshark:
                recs, diag = records(pcap6)
                ok(recs is not None and len(recs) == written,
                   'the file holds exactly the copies reported written', diag)

    finally:
        stop(procs)
        if have_ns:
            sh('ip', 'netns', 'del', ns)
        e2etap.plan()
        if e2etap.failed == 0:
            shutil.rmtree(work, ignore_errors=True)


main()
sys.exit(e2etap.exit_status())
