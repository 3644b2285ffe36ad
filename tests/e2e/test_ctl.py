#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""mrelayctl against the real mrelay-control and mrelay-dataplane: a call
placed over ng, RTP sent through the relay from a network namespace of the
test's own (the dataplane's TAP moved into it, both parties' addresses on
it, a gap of lost packets on one side), then every command's human and JSON
output, top, and every error path: control down, dataplane down, unknown
ids, bad arguments. Then Prometheus /metrics scraped over loopback, and the
call deleted: the quality record (JSON line) and the MOS figures in the ng
delete reply. TAP on stdout.

  test_ctl.py MRELAY-DATAPLANE MRELAY-CONTROL MRELAYCTL
"""
import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2etap  # noqa: E402
from e2etap import (Ng, free_port, free_tcp_port, log_tails, new_instance,  # noqa: E402
                    ng_until_ok, ok, open_logs, read_log, sh, skip, start_control,
                    start_dataplane, stop, tap_into_ns, write_ini)



def scrape(url):
    """(status, content type, {(name, labels): value}, text) of one scrape."""
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            text = r.read().decode()
            status, ctype = r.status, r.headers.get('Content-Type', '')
    except urllib.error.HTTPError as e:
        return e.code, '', {}, ''
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith('#'):
            continue
        m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$', line)
        if not m:
            samples[('BAD', line)] = 0
            continue
        samples[(m.group(1), m.group(2) or '')] = float(m.group(3))
    return status, ctype, samples, text


def exposition_ok(text):
    """Every sample's family has HELP and TYPE before its first sample."""
    declared = {}
    for line in text.splitlines():
        if line.startswith('# HELP '):
            declared.setdefault(line.split()[2], set()).add('HELP')
        elif line.startswith('# TYPE '):
            declared.setdefault(line.split()[2], set()).add('TYPE')
        elif line:
            name = re.match(r'^[a-zA-Z_:][a-zA-Z0-9_:]*', line).group(0)
            base = re.sub(r'_(bucket|sum|count)$', '', name)
            if declared.get(name) != {'HELP', 'TYPE'} and declared.get(base) != {'HELP', 'TYPE'}:
                return False, line
    return True, ''


NET = '198.18.0'
SDP_A = (f'v=0\r\no=alice 1 1 IN IP4 {NET}.10\r\ns=-\r\nc=IN IP4 {NET}.10\r\nt=0 0\r\n'
         'm=audio 40000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n')
SDP_B = (f'v=0\r\no=bob 1 1 IN IP4 {NET}.20\r\ns=-\r\nc=IN IP4 {NET}.20\r\nt=0 0\r\n'
         'm=audio 50000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n')

# Sends RTP from A (.10:40000) to the relay's port facing A, and from B
# (.20:50000) to the port facing B; A leaves out LOST sequence numbers.
SENDER = r'''
import socket, struct, sys, time
relay, pa, pb, na, nb, lost = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); a.bind((sys.argv[7], 40000))
b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); b.bind((sys.argv[8], 50000))
def rtp(seq, ts, ssrc):
    return struct.pack('!BBHII', 0x80, 0, seq, ts, ssrc) + bytes(160)
seq = 1000
for i in range(na + lost):
    if i < 10 or i >= 10 + lost:
        a.sendto(rtp(seq + i, 160 * i, 0x1111), (relay, pa))
    if i < nb:
        b.sendto(rtp(5000 + i, 160 * i, 0x2222), (relay, pb))
    time.sleep(0.02 if i % 5 == 0 else 0.001)
'''


def main():
    dp_bin, ctl_bin, cli_bin = sys.argv[1:4]
    pid = os.getpid()
    inst, work, ini = new_instance('ctl')
    sock = os.path.join(work, 'run', 'ctl.sock')
    port = free_port()
    http = free_tcp_port()
    qlog = os.path.join(work, 'log', 'calls.jsonl')
    ns = f'mrctl-{pid}'
    tap = f'mrc{pid % 1000000}'
    have_ns = (os.geteuid() == 0 and sh('ip', 'netns', 'add', ns).returncode == 0)
    device = f'net_tap_{inst},iface={tap}' if have_ns else f'net_null_{inst}'
    write_ini(ini, inst, port, 30000, 30999,
              f'[interface media]\ndevice = {device}\naddress = {NET}.1/24\n'
              f'[tenant acme]\ninterfaces = media\n',
              extra_control=f'ack-timeout = 1000\njournal =\nctl-socket = {sock}\n'
                            f'listen-http = 127.0.0.1:{http}\nquality-log = {qlog}\n')
    ctl_log, dp_log = open_logs(work)
    procs = []

    def logs():
        return log_tails(ctl_log, dp_log)

    def cli(*args, env=None):
        r = subprocess.run([cli_bin, '-s', sock, '-i', inst, *args], capture_output=True,
                           text=True, timeout=30, env=env)
        return r.returncode, r.stdout, r.stderr

    def cli_json(*args):
        rc, out, err = cli(*args, '--json')
        try:
            return rc, json.loads(out), err
        except ValueError:
            return rc, None, out + err

    def aligned(out, first):
        """The table whose header line starts with `first`: under every header
        word, each row has a cell starting where the word starts or ending
        where it ends (left- or right-aligned columns)."""
        lines = out.splitlines()
        start = next((i for i, l in enumerate(lines) if l.lstrip().startswith(first)), None)
        if start is None:
            return False
        hdr = lines[start]
        rows = []
        for l in lines[start + 1:]:
            if '  ' not in l.strip():
                break
            rows.append(l)
        if not rows:
            return False
        for m in re.finditer(r'\S+(?: \S+)*', hdr):
            s, e = m.start(), m.end()
            for r in rows:
                r = r.ljust(len(hdr) + 1)
                left = (s == 0 or r[s - 1] == ' ') and r[s] != ' '
                right = r[e - 1] != ' ' and r[e] == ' '
                if not (left or right):
                    return False
        return True

    try:
        # ---- nothing running ----------------------------------------------------------
        rc, out, err = cli('calls')
        ok(rc == 1 and f'cannot reach mrelay-control at {sock}' in err,
           'control down: calls says it cannot reach mrelay-control at the socket, exit 1',
           f'{rc} {out} {err}')
        rc, out, err = cli('drops')
        ok(rc == 1 and 'is not running' in err and inst in err,
           'dataplane down: drops says the instance is not running, exit 1', f'{rc} {err}')
        for cmd in ('workers', 'interfaces'):
            rc, out, err = cli(cmd)
            ok(rc == 1 and 'not running' in err, f'dataplane down: {cmd} exits 1 with a reason',
               f'{rc} {err}')
        for args, what in ((['nosuch'], 'unknown command'),
                           (['flows', '--bogus'], "unknown option '--bogus'"),
                           (['flows', '--addr', '1.2.3'], 'bad --addr'),
                           (['flows', '--call'], 'needs a value'),
                           (['call'], 'missing argument'),
                           (['call', 'a', 'b'], "unexpected argument 'b'"),
                           (['flow', 'abc'], "bad flow id 'abc'"),
                           (['top', '--sort', 'size'], "bad --sort 'size'"),
                           (['top', '-n', '0'], "bad -n '0'"),
                           (['totals', 'x'], "unexpected argument 'x'")):
            rc, out, err = cli(*args)
            ok(rc == 2 and what in err, f"bad arguments '{' '.join(args)}': exit 2, says {what}",
               f'{rc} {err}')
        r = subprocess.run([cli_bin, '-i', 'bad/name', 'calls'], capture_output=True, text=True)
        ok(r.returncode == 2 and 'bad instance name' in r.stderr, 'a bad instance name: exit 2',
           r.stderr)
        for cmd in ('calls', 'call', 'flows', 'flow', 'top', 'totals', 'drops', 'workers',
                    'interfaces', 'ports', 'version'):
            rc, out, err = cli(cmd, '--help')
            ok(rc == 0 and out.startswith(f'Usage: mrelayctl [OPTIONS] {cmd}'),
               f'mrelayctl {cmd} --help', f'{rc} {out} {err}')

        # ---- control without a dataplane --------------------------------------------------
        ctl = start_control(ctl_bin, ini, ctl_log)
        procs.append(ctl)
        for _ in range(100):
            if os.path.exists(sock):
                break
            time.sleep(0.05)
        st = os.stat(sock) if os.path.exists(sock) else None
        ok(st is not None and stat.S_ISSOCK(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o660,
           'control made the socket (and its directory), mode 0660', logs())
        rc, d, err = cli_json('version')
        ok(rc == 0 and d and d.get('version') and d.get('pid') == ctl.pid,
           'version --json names the control process', f'{rc} {d} {err}')
        rc, out, err = cli('totals')
        ok(rc == 1 and 'mrelay-dataplane' in err and 'DOWN' in out,
           'totals with no dataplane: shows DOWN, says so, exit 1', f'{rc} {out} {err}')

        # Raw protocol: bad JSON, unknown command, an oversized line.
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(5)
            s.connect(sock)
            f = s.makefile('rwb')
            f.write(b'not json\n{"cmd":"nope"}\n{"cmd":"version"}\n')
            f.flush()
            replies = [json.loads(f.readline()) for _ in range(3)]
            ok(replies[0].get('ok') is False and replies[0].get('code') == 'EINVAL' and
               replies[1].get('ok') is False and 'nope' in replies[1].get('error', '') and
               replies[2].get('ok') is True,
               'socket: one reply per line, errors for bad JSON and unknown commands', replies)
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(5)
            s.connect(sock)
            try:
                s.sendall(b'x' * 200000)
            except OSError:
                pass
            data = b''
            try:
                while not data.endswith(b'\n'):
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    data += chunk
            except OSError:
                pass
            ok(b'E2BIG' in data, 'socket: a request over the bound gets E2BIG and is closed', data)

        # ---- the dataplane, the namespace, the call ---------------------------------
        dp = start_dataplane(dp_bin, ini, inst, dp_log)
        procs.append(dp)
        ng = Ng(port, 'ctl')
        r = ng_until_ok(ng, dp, {'command': 'offer', 'call-id': 'c1', 'from-tag': 'ft', 'sdp': SDP_A,
                                 'label': 'caller'})
        if not ok(r.get('result') == 'ok', 'offer through control once the dataplane is up',
                  str(r) + logs()):
            return
        pa = int(r['sdp'].split('m=audio ')[1].split(' ')[0])
        r = ng({'command': 'answer', 'call-id': 'c1', 'from-tag': 'ft', 'to-tag': 'tt', 'sdp': SDP_B})
        ok(r.get('result') == 'ok', 'answer', r)
        pb = int(r.get('sdp', 'm=audio 0 ').split('m=audio ')[1].split(' ')[0])
        # pa: the port written to B (what B sends to); pb: written to A.
        traffic = False
        if have_ns:
            moved, why = tap_into_ns(tap, ns, [f'{NET}.10/24', f'{NET}.20/24'], '02:00:00:00:cc:01')
            traffic = ok(moved,
                         "the dataplane's TAP moved into the test's namespace with both parties' "
                         'addresses', why)
        if traffic:
            s = sh('ip', 'netns', 'exec', ns, sys.executable, '-c', SENDER, f'{NET}.1', str(pb),
                   str(pa), '50', '30', '7', f'{NET}.10', f'{NET}.20')
            ok(s.returncode == 0, 'RTP sent from both parties (A leaves out 7 packets)', s.stderr)
            time.sleep(0.5)
        else:
            skip('RTP through the relay', 'no network namespaces here')

        # ---- calls -----------------------------------------------------------------------
        rc, out, err = cli('calls')
        ok(rc == 0 and re.search(r'^c1\s+\d+s\s+ft <-> tt\s+1\s', out, re.M) and
           out.rstrip().endswith('1 call'), 'calls: the call, its legs, one stream', out + err)
        ok(aligned(out, 'CALL-ID'), 'calls: columns aligned', out)
        rc, d, err = cli_json('calls')
        c = (d or {}).get('calls', [{}])[0]
        ok(rc == 0 and d.get('ok') and c.get('call_id') == 'c1' and
           [x.get('tag') for x in c.get('legs', [])] == ['ft', 'tt'] and
           c['legs'][0].get('label') == 'caller', 'calls --json: call-id, both tags, the label', d)
        if traffic:
            ok(c.get('packets') == [50, 30], 'calls --json: packets per direction (50 A>B, 30 B>A)',
               c)
            ok(c.get('mos') is not None and 1.0 <= c['mos'] < 4.4 and c.get('loss_pct', 0) > 0,
               f"calls --json: loss {c.get('loss_pct')} % lowers the MOS estimate to {c.get('mos')}", c)

        # ---- call -----------------------------------------------------------------------
        rc, out, err = cli('call', 'c1')
        ok(rc == 0 and 'Call c1' in out and 'leg A: tag ft, label caller' in out and
           'leg B: tag tt' in out and f'{NET}.10:40000' in out and f'{NET}.20:50000' in out and
           'sendrecv' in out and 'RTP/AVP' in out, 'call c1: legs, addresses, direction, transport',
           out + err)
        ok(aligned(out, 'FROM') and aligned(out, 'ID'), 'call c1: both tables aligned', out)
        ok('codecs A: PCMU/8000 (PT 0), telephone-event/8000 (PT 101)' in out and
           'codecs B: PCMU/8000 (PT 0), telephone-event/8000 (PT 101)' in out,
           'call c1: the codecs of each side', out)
        rc, d, err = cli_json('call', 'c1')
        call = (d or {}).get('call', {})
        sts = call.get('streams', [{}])
        dirs = sts[0].get('directions', [{}, {}]) if sts else [{}, {}]
        ok(rc == 0 and len(sts) == 1 and len(dirs) == 2 and dirs[0].get('srtp') == 'none' and
           dirs[0].get('remote') == f'{NET}.10:40000' and dirs[1].get('remote') == f'{NET}.20:50000' and
           dirs[0].get('local') == f'{NET}.1:{pb}' and dirs[1].get('local') == f'{NET}.1:{pa}' and
           len(sts[0].get('flows', [])) == 4,
           'call c1 --json: both directions with local and remote addresses, SRTP, four flows', d)
        ok([[c.get('rtpmap') for c in x.get('codecs', [])] for x in dirs] ==
           [['PCMU/8000', 'telephone-event/8000']] * 2 and dirs[0].get('codec') == 'PCMU/8000' and
           dirs[0]['codecs'][1].get('pt') == 101,
           'call c1 --json: the codecs each side uses (rtpmap, payload type)', dirs)
        if traffic:
            a = dirs[0].get('stats') or {}
            b = dirs[1].get('stats') or {}
            # Every packet the flow counted is in the RFC 3550 figures (probation included).
            ok(a.get('packets') == 50 and a.get('lost') == 7 and a.get('rtp_received') == 50 and
               abs(a.get('loss_pct', 0) - 100 * a['lost'] / (a['rtp_received'] + a['lost'])) < 0.01 and
               a.get('learned') == f'{NET}.10:40000'
               and a.get('jitter_ms') is not None and a.get('payload_type') == 0,
               'call c1 --json: A sent 50, lost 7 (RFC 3550 A.3), learned .10:40000, jitter, PT 0', a)
            ok(b.get('packets') == 30 and b.get('rtp_received') == 30 and b.get('lost') == 0 and
               b.get('mos', 0) > a.get('mos', 5),
               "call c1 --json: B's 30 packets, fewer lost, a better MOS than A's", b)
            ok(a.get('idle_ms') is not None and a['idle_ms'] < 60000, 'call c1 --json: last packet seen', a)
            ok('learned' not in out or f'{NET}.10:40000' in out, 'call c1: learned source shown', out)
        rc, out, err = cli('call', 'nosuch')
        ok(rc == 1 and "no call with call-id 'nosuch'" in err, 'call nosuch: unknown id, exit 1',
           f'{rc} {err}')
        rc, d, err = cli_json('call', 'nosuch')
        ok(rc == 1 and d and d.get('ok') is False and d.get('code') == 'ENOENT',
           'call nosuch --json: the error as JSON, exit 1', f'{rc} {d} {err}')

        # ---- flows / flow ----------------------------------------------------------------
        rc, out, err = cli('flows')
        ok(rc == 0 and out.rstrip().endswith('4 flows') and aligned(out, 'ID'),
           'flows: four flows, aligned', out + err)
        rc, d, err = cli_json('flows', '--call', 'c1')
        fl = (d or {}).get('flows', [])
        ok(rc == 0 and len(fl) == 4 and {f.get('kind') for f in fl} == {'rtp', 'rtcp'} and
           all(f.get('tenant') == 'acme' for f in fl), 'flows --call c1 --json: 4 flows, tenant acme', d)
        rc, d, err = cli_json('flows', '--addr', f'{NET}.10:40000')
        fl2 = (d or {}).get('flows', [])
        ok(rc == 0 and len(fl2) == 2 and all(f'{NET}.10:40000' in (f.get('expected_source'),
                                                                f.get('out_destination'))
                                            for f in fl2),
           'flows --addr IP:PORT: the flow from it and the flow to it', d)
        rc, d, err = cli_json('flows', '--addr', f'{NET}.1')
        ok(rc == 0 and len(d.get('flows', [])) == 4, 'flows --addr IP (ours): all four', d)
        rc, d, err = cli_json('flows', '--tenant', 'acme')
        ok(rc == 0 and len(d.get('flows', [])) == 4, 'flows --tenant acme', d)
        rc, out, err = cli('flows', '--tenant', 'nobody')
        ok(rc == 1 and "no tenant 'nobody'" in err, 'flows --tenant unknown: exit 1', err)
        rc, out, err = cli('flows', '--call', 'nosuch')
        ok(rc == 1 and "no call with call-id 'nosuch'" in err, 'flows --call unknown: exit 1', err)
        rtp_a = next((f for f in fl if f.get('kind') == 'rtp' and f.get('from_tag') == 'ft'), {})
        fid = rtp_a.get('id')
        rc, out, err = cli('flow', str(fid))
        ok(rc == 0 and f'Flow {fid} (rtp of stream 1)' in out and 'unexpected-source' in out and
           f'{NET}.1:{pb}' in out, f'flow {fid}: key, action, drop reasons', out + err)
        rc, d, err = cli_json('flow', str(fid))
        f = (d or {}).get('flow', {})
        ok(rc == 0 and f.get('id') == fid and f.get('call') == 'c1' and
           'drop_reasons' in (f.get('stats') or {}), f'flow {fid} --json', d)
        if traffic:
            ok(f['stats'].get('packets') == 50 and f['stats'].get('bytes') == 50 * 172,
               f'flow {fid}: 50 packets, 50 x 172 bytes', f)
        rc, out, err = cli('flow', '99999')
        ok(rc == 1 and 'no flow with id 99999' in err, 'flow 99999: unknown id, exit 1', err)

        # ---- the dataplane's rte_telemetry commands ----------------------------------------
        tel = {}
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as s:
                s.settimeout(10)
                s.connect(f'/var/run/dpdk/{inst}/dpdk_telemetry.v2')
                json.loads(s.recv(16384))
                for cmd in ('/', '/mrelay/totals', '/mrelay/drops', '/mrelay/workers',
                            f'/mrelay/flow,{fid}', '/mrelay/flow,99999'):
                    s.send(cmd.encode())
                    tel[cmd] = json.loads(s.recv(1 << 20)).get(cmd.split(',')[0])
        except (OSError, ValueError) as e:
            tel['error'] = str(e)
        ok(all(c in (tel.get('/') or []) for c in ('/mrelay/totals', '/mrelay/drops',
                                                    '/mrelay/workers', '/mrelay/flow')),
           'telemetry: the /mrelay commands are registered', tel)
        tt, td, tw, tf = (tel.get('/mrelay/totals'), tel.get('/mrelay/drops'),
                          tel.get('/mrelay/workers'), tel.get(f'/mrelay/flow,{fid}'))
        ok(isinstance(tt, dict) and isinstance(td, dict) and 'no_flow' in td and
           tw is not None and isinstance(tf, dict),
           'telemetry: totals, drops (by reason), workers, flow by id', tel)
        if traffic:
            ok(tf.get('packets') == 50 and tt.get('rx_packets', 0) >= 80,
               f'telemetry: flow {fid} counted 50 packets, totals the received ones', tel)
        ok(not tel.get('/mrelay/flow,99999'), 'telemetry: a flow id out of range has no data',
           tel.get('/mrelay/flow,99999'))
        dt = shutil.which('dpdk-telemetry.py')
        if dt:
            r = subprocess.run([dt, '-f', inst], input='/mrelay/totals\n', capture_output=True,
                               text=True, timeout=30)
            got = {}
            try:
                got = json.loads(r.stdout[r.stdout.index('{'):]) if '{' in r.stdout else {}
            except ValueError:
                m2 = re.search(r'\{.*\}', r.stdout, re.S)
                got = json.loads(m2.group(0)) if m2 else {}
            ok(r.returncode == 0 and isinstance(got.get('/mrelay/totals'), dict),
               'dpdk-telemetry.py reads /mrelay/totals', r.stdout + r.stderr)
        else:
            skip('dpdk-telemetry.py reads /mrelay/totals', 'dpdk-telemetry.py not installed')

        # ---- totals, ports, shm views ----------------------------------------------------
        rc, d, err = cli_json('totals')
        ok(rc == 0 and d.get('calls') == 1 and d.get('flows') == 4 and
           d.get('dataplane', {}).get('attached') is True, 'totals --json: 1 call, 4 flows', d)
        if traffic:
            ok(d.get('rx_packets', 0) >= 80, 'totals --json: the packets received', d)
        rc, out, err = cli('totals')
        ok(rc == 0 and re.search(r'^calls\s+1$', out, re.M) and 'attached' in out, 'totals', out)
        rc, d, err = cli_json('ports')
        p = (d or {}).get('ports', [{}])[0]
        ok(rc == 0 and p.get('interface') == 'media' and p.get('pairs') == 500 and
           p.get('used') == 2, 'ports --json: 2 of 500 pairs used', d)
        rc, out, err = cli('ports')
        ok(rc == 0 and re.search(r'^media\s+' + re.escape(f'{NET}.1') + r'\s+30000-30999\s+500\s+2\s+0\.4$',
                                 out, re.M) and
           aligned(out, 'INTERFACE'), 'ports', out)
        rc, d, err = cli_json('drops')
        reasons = {x.get('reason'): x for x in (d or {}).get('drops', [])}
        ok(rc == 0 and 'no-flow' in reasons and 'unexpected-source' in reasons and
           all(x['total'] == sum(x['per_worker']) for x in reasons.values()),
           'drops --json: every reason, totals the sum of the workers', d)
        rc, out, err = cli('drops', '--all')
        ok(rc == 0 and out.startswith('REASON') and 'no-flow' in out and aligned(out, 'REASON'),
           'drops --all: every reason, aligned', out)
        rc, d, err = cli_json('workers')
        w = (d or {}).get('workers', [])
        ok(rc == 0 and len(w) >= 1 and all(0 <= x.get('busy_pct', -1) <= 100 for x in w) and
           all('rx_pps' in x for x in w), 'workers --json: load and rates per lcore', d)
        rc, out, err = cli('workers')
        ok(rc == 0 and out.startswith('WORKER') and aligned(out, 'WORKER'), 'workers', out)
        # A forwarding lcore that loses its core: the gap is counted and its
        # length kept (the dataplane stopped for 0.3 s with SIGSTOP).
        gaps0 = w[0].get('poll_gaps', -1) if w else -1
        dp.send_signal(signal.SIGSTOP)
        time.sleep(0.3)
        dp.send_signal(signal.SIGCONT)
        time.sleep(0.2)
        rc, d, err = cli_json('workers')
        w1 = ((d or {}).get('workers') or [{}])[0]
        ok(rc == 0 and gaps0 >= 0 and w1.get('poll_gaps', 0) >= gaps0 + 1 and
           w1.get('poll_gap_max_us', 0) >= 250000,
           'workers: a 0.3 s stop of the dataplane is a poll gap, its length the longest', (gaps0, w1))
        rc, out, err = cli('workers')
        ok(rc == 0 and 'GAPS' in out.splitlines()[0] and 'MAX GAP us' in out.splitlines()[0],
           'workers: GAPS and MAX GAP columns', out)
        for _ in range(50):    # the dataplane refreshes its port counters periodically
            rc, d, err = cli_json('interfaces')
            i0 = (d or {}).get('interfaces', [{}])[0]
            if not traffic or i0.get('rx_packets', 0) >= 80:
                break
            time.sleep(0.1)
        ok(rc == 0 and i0.get('name') == 'media' and i0.get('ipv4') == f'{NET}.1/24',
           'interfaces --json: media with its address', d)
        if traffic:
            ok(i0.get('rx_packets', 0) >= 80, 'interfaces --json: the packets received', i0)
        rc, out, err = cli('interfaces')
        ok(rc == 0 and re.search(rf'^media\s+0\s+\S+\s+{NET}\.1/24\s', out, re.M) and
           aligned(out, 'NAME'), 'interfaces', out)

        # ---- top -------------------------------------------------------------------------
        t0 = time.monotonic()
        rc, out, err = cli('top', '-n', '2')
        ok(rc == 0 and out.count('sort: rate') == 2 and re.search(r'^c1\s', out, re.M) and
           out.count('calls 1  flows 4') == 2, 'top -n 2: two refreshes with totals and the call',
           out + err)
        ok(time.monotonic() - t0 >= 0.9, 'top -n 2 waits between refreshes')
        rc, out, err = cli('top', '--once', '--json', '--sort', 'loss')
        try:
            frames = [json.loads(l) for l in out.splitlines() if l.strip()]
        except ValueError:
            frames = []
        ok(rc == 0 and len(frames) == 1 and frames[0].get('sort') == 'loss' and
           frames[0]['calls'][0]['call_id'] == 'c1', 'top --once --json --sort loss', out + err)
        if shutil.which('tmux'):
            tsess = f'mrctl{pid}'
            done = os.path.join(work, 'top.rc')
            # The pane's shell ignores SIGINT, so that Ctrl-C reaches top alone.
            cmd = (f"trap '' INT; {cli_bin} -s {sock} -i {inst} top; r=$?; stty -a > {done}.stty; "
                   f"echo $r > {done}; sleep 5")
            r = sh('tmux', 'new-session', '-d', '-s', tsess, '-x', '160', '-y', '40', cmd)
            if r.returncode == 0:
                screen = ''
                for _ in range(50):
                    time.sleep(0.1)
                    screen = sh('tmux', 'capture-pane', '-p', '-t', tsess).stdout
                    if 'sort: rate' in screen:
                        break
                sh('tmux', 'send-keys', '-t', tsess, 'l')
                time.sleep(0.5)
                screen2 = sh('tmux', 'capture-pane', '-p', '-t', tsess).stdout
                sh('tmux', 'send-keys', '-t', tsess, 'q')
                for _ in range(50):
                    if os.path.exists(done) and os.path.getsize(done) > 0:
                        break
                    time.sleep(0.1)
                rcs = open(done).read().strip() if os.path.exists(done) else ''
                stty = open(done + '.stty').read() if os.path.exists(done + '.stty') else ''
                ok('sort: rate' in screen and re.search(r'^c1\s', screen, re.M),
                   'top in a terminal (tmux): the call on screen', screen)
                ok('sort: loss' in screen2, "top: the key 'l' sorts by loss", screen2)
                ok(rcs == '0', "top: 'q' exits 0", rcs)
                ok(re.search(r'(^|\s)icanon\b', stty) and re.search(r'(^|\s)echo\b', stty) and '-icanon' not in stty,
                   'top: the terminal is restored (icanon, echo)', stty)
                sh('tmux', 'kill-session', '-t', tsess)
                # Ctrl-C
                for x in (done, done + '.stty'):
                    if os.path.exists(x):
                        os.unlink(x)
                sh('tmux', 'new-session', '-d', '-s', tsess, '-x', '160', '-y', '40', cmd)
                for _ in range(50):
                    time.sleep(0.1)
                    if 'sort: rate' in sh('tmux', 'capture-pane', '-p', '-t', tsess).stdout:
                        break
                sh('tmux', 'send-keys', '-t', tsess, 'C-c')
                for _ in range(50):
                    if os.path.exists(done) and os.path.getsize(done) > 0:
                        break
                    time.sleep(0.1)
                rcs = open(done).read().strip() if os.path.exists(done) else ''
                stty = open(done + '.stty').read() if os.path.exists(done + '.stty') else ''
                ok(rcs == '0' and '-icanon' not in stty, 'top: Ctrl-C exits 0, terminal restored',
                   rcs + stty)
                sh('tmux', 'kill-session', '-t', tsess)
            else:
                skip('top in tmux', 'tmux cannot start a session here')
        else:
            skip('top in tmux', 'no tmux')

        # ---- Prometheus /metrics ------------------------------------------------------------
        url = f'http://127.0.0.1:{http}/metrics'
        status, ctype, m, text = scrape(url)
        good, bad = exposition_ok(text)
        ok(status == 200 and ctype.startswith('text/plain; version=0.0.4'),
           '/metrics: 200, text/plain; version=0.0.4', f'{status} {ctype}')
        ok(good and not any(k[0] == 'BAD' for k in m), '/metrics: HELP and TYPE before every family, '
           'every line a sample', bad + str([k for k in m if k[0] == 'BAD'][:5]))
        ok(m.get(('mrelay_calls', '')) == 1 and m.get(('mrelay_flows', '')) == 4 and
           m.get(('mrelay_dataplane_up', '')) == 1, '/metrics: 1 call, 4 flows, dataplane up', text[:1500])
        ok(m.get(('mrelay_ng_requests_total', '{command="offer"}'), 0) >= 1 and
           m.get(('mrelay_ng_requests_total', '{command="answer"}')) == 1 and
           m.get(('mrelay_ng_errors_total', '{command="offer"}')) ==
           m.get(('mrelay_ng_requests_total', '{command="offer"}'), 0) - 1 and
           m.get(('mrelay_ng_errors_total', '{command="answer"}')) == 0,
           '/metrics: ng requests and errors by command', text[:3000])
        ok(m.get(('mrelay_ports_in_use', '{interface="media"}')) == 2,
           '/metrics: ports in use per interface', text[:3000])
        ok(('mrelay_drops_total', '{reason="no-flow",worker="0"}') in m and
           ('mrelay_interface_rx_packets_total', '{interface="media"}') in m and
           ('mrelay_interface_tx_bytes_total', '{interface="media"}') in m,
           '/metrics: drops by reason and worker, packets and bytes per interface', text[:3000])
        if traffic:
            ok(m.get(('mrelay_interface_rx_packets_total', '{interface="media"}'), 0) >= 80,
               '/metrics: the packets received on media', text[:3000])
        ok(m.get(('mrelay_call_mos_count', '')) == 0, '/metrics: no ended call in the MOS histogram yet')
        status, _, _, _ = scrape(f'http://127.0.0.1:{http}/nothing')
        ok(status == 404, '/metrics: another path is 404', status)

        # ---- delete: the ng reply and the quality record ----------------------------------
        r = ng({'command': 'delete', 'call-id': 'c1', 'from-tag': 'ft'})
        ssrc = r.get('SSRC', {})
        ok(r.get('result') == 'ok' and 'totals' in r and 'tags' in r, 'delete', r)
        if traffic:
            a = ssrc.get(str(0x1111), {}).get('average MOS', {})
            b = ssrc.get(str(0x2222), {}).get('average MOS', {})
            ok(10 <= a.get('MOS', 0) < b.get('MOS', 0) <= 45 and a.get('packet loss', 0) >= 12 and
               'jitter' in a and ssrc.get(str(0x1111), {}).get('tag') == 'ft',
               "delete reply: SSRC -> average MOS (x10), jitter, packet loss for both parties' SSRCs",
               ssrc)
        lines = []
        for _ in range(20):
            if os.path.exists(qlog):
                with open(qlog) as f:
                    lines = [json.loads(l) for l in f if l.strip()]
            if lines:
                break
            time.sleep(0.1)
        q = lines[0] if lines else {}
        ok(len(lines) == 1 and q.get('call_id') == 'c1' and q.get('reason') == 'delete' and
           [x.get('tag') for x in q.get('legs', [])] == ['ft', 'tt'] and
           0 <= q.get('duration_s', -1) < 120,
           'quality-log: one JSON line for the call, both legs', lines)
        started = read_log(ctl_log)
        ok(f'quality records: one JSON line per answered call to {qlog}' in started,
           'control states at start-up where quality records go', started[-2000:])
        if traffic:
            la, lb = q['legs']
            ok(la.get('packets') == 50 and la.get('lost', 0) >= 7 and lb.get('packets') == 30 and
               lb.get('lost', 99) < la['lost'] and 1 <= la.get('mos', 0) < lb.get('mos', 0) <= 4.5 and
               q.get('mos') == la.get('mos') and la.get('jitter_ms') is not None,
               "quality-log: each leg's packets, loss, jitter and MOS; the call's MOS is the worse",
               q)
            a = ssrc.get(str(0x1111), {}).get('average MOS', {})
            ok(a.get('MOS') == int(la.get('mos', 0) * 10 + 0.5),
               'the delete reply and the quality record give the same MOS', f'{a} {la}')
            status, _, m, text = scrape(url)
            ok(m.get(('mrelay_call_mos_count', '')) == 2 and m.get(('mrelay_calls', '')) == 0 and
               m.get(('mrelay_call_mos_bucket', '{le="+Inf"}')) == 2 and
               m.get(('mrelay_call_loss_percent_count', '')) == 2 and
               m.get(('mrelay_call_jitter_ms_count', '')) == 2 and
               m.get(('mrelay_call_mos_bucket', '{le="1"}')) == 0,
               '/metrics: the ended call in the MOS, loss and jitter histograms (one per party)',
               text[-2500:])
        rc, out, err = cli('calls')
        ok(rc == 0 and out.rstrip().endswith('0 calls'), 'calls: none left', out + err)

        # ---- the dataplane goes away, then control ----------------------------------------
        dp.send_signal(signal.SIGTERM)
        dp.wait(timeout=20)
        rc, out, err = cli('drops')
        ok(rc == 1 and 'not running' in err, 'dataplane stopped: drops exits 1 with a reason', err)
        rc = 0
        for _ in range(50):
            rc, out, err = cli('calls')
            if rc == 1:
                break
            time.sleep(0.1)
        ok(rc == 1 and 'mrelay-dataplane' in err and 'is down' in err,
           'dataplane stopped: calls says the dataplane is down, exit 1', f'{rc} {out} {err}')
        ctl.send_signal(signal.SIGTERM)
        ok(ctl.wait(timeout=10) == 0, 'control exits 0 on SIGTERM')
        ok(not os.path.exists(sock), 'control removed its socket')
        rc, out, err = cli('calls', '--json')
        ok(rc == 1 and 'cannot reach mrelay-control' in err and out == '',
           'control stopped: calls --json exits 1, nothing on stdout', f'{rc} {out} {err}')
    finally:
        stop(procs)
        if have_ns:
            sh('ip', 'netns', 'del', ns)
        e2etap.plan()


main()
sys.exit(e2etap.exit_status())
