#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""SRTP through the real dataplane, byte for byte: scripts/srtpvectors.py
builds in.pcap and the expected frames with tests/tools/srtp-tool playing the
peers; mrelay-dataplane reads in.pcap and writes out.pcap through net_pcap.
RTP -> SRTP, SRTP -> RTP, SRTP -> SRTP (re-keyed) and SRTP pass-through
must match exactly, across a sequence wrap; a wrong tag, a replay, plain RTCP and plain RTP on an
SRTP flow are dropped with their counters; a forged packet is never learned
from. Usage: test_srtp_relay.py DATAPLANE FLOWCTL SRTP_TOOL"""
import os
import re
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
sys.path.insert(0, os.path.join(here, '..', '..', 'scripts'))
from dptest import Dataplane, Tap, acks, drops  # noqa: E402
import dpvectors  # noqa: E402

NEIGH_REASONS = {'arp-malformed', 'arp-not-ours', 'icmp-malformed', 'icmp-unhandled',
                 'ndp-malformed', 'ndp-not-ours', 'local-bad-source', 'no-mbuf'}


def hexdiff(a, b):
    lines = [f'expected {len(b)} bytes, got {len(a)}']
    for off in range(0, max(len(a), len(b)), 16):
        x, y = a[off:off + 16], b[off:off + 16]
        if x != y:
            lines.append(f'{off:04x} got {x.hex(" ")}')
            lines.append(f'{off:04x} exp {y.hex(" ")}')
    return '\n'.join(lines)


t = Tap()
work = tempfile.mkdtemp(prefix='mr-srtp-')
gen = subprocess.run([sys.executable, os.path.join(here, '..', '..', 'scripts', 'srtpvectors.py'),
                      sys.argv[3], work], capture_output=True, text=True)
t.ok(gen.returncode == 0, 'scripts/srtpvectors.py wrote the vectors', gen.stderr)
with open(os.path.join(work, 'dp.ini')) as f:
    ini = f.read()
dp = Dataplane(sys.argv[1], sys.argv[2], 'srtp', ini, workdir=work,
               args=['--test-start-on-barrier', '--test-burst', '1'])
with open(os.path.join(work, 'flows.txt')) as f:
    flows = f.read().splitlines()
rc, out = dp.ctl(flows, keep_going=False)
a = acks(out)
t.ok(rc == 0 and a and all(r == 0 for (_, _, r) in a), f'{len(a)} commands acked with 0', out)
rc, out = dp.ctl(['quiesce 700', 'events 300', 'drops'] + [f'flow {i}' for i in range(1, 6)])
t.ok(rc == 0, 'traffic consumed', out + dp.output())
code = dp.stop()
t.ok(code == 0, 'dataplane exits 0', dp.output())

got = [f for f in dpvectors.read_pcap(os.path.join(work, 'out.pcap')) if dpvectors.is_udp(f)]
exp = dpvectors.read_pcap(os.path.join(work, 'expected.pcap'))
t.ok(len(got) == len(exp), f'{len(exp)} relayed frames', f'got {len(got)}')
for i, e in enumerate(exp):
    g = got[i] if i < len(got) else b''
    t.ok(g == e, f'relayed frame {i + 1} is byte-exact', hexdiff(g, e))

want, events = {}, []
with open(os.path.join(work, 'expect.txt')) as f:
    for line in f:
        m = re.match(r'drop (\S+) (\d+)', line)
        if m:
            want[m.group(1)] = int(m.group(2))
        elif line.startswith('event'):
            events.append(line.strip())
have = drops(out)
for name in sorted(set(have) | set(want)):
    if name in NEIGH_REASONS:
        continue
    t.ok(have.get(name, 0) == want.get(name, 0), f'drop counter {name} = {want.get(name, 0)}',
         f'got {have.get(name, 0)}')
for e in events:
    t.ok(e in out, e, out)
m = re.search(r'^flow 2 .*$', out, re.M)
line = m.group(0) if m else ''
t.ok('drop-srtp-auth=2' in line and 'drop-srtp-replay=1' in line,
     'flow 2 counted its SRTP failures', line)
m = re.search(r'^flow 4 .*$', out, re.M)
line = m.group(0) if m else ''
t.ok('learned=198.18.0.50:6006' in line and 'drop-srtp-auth=1' in line,
     'flow 4 learned the genuine source, not the forged one', line)
m = re.search(r'^flow 5 .*$', out, re.M)
line = m.group(0) if m else ''
t.ok('packets=3 ' in line and 'drop-srtp-auth=1' in line and 'drop-srtp-replay=1' in line,
     'flow 5 (pass-through) relayed 3 verified packets, dropped a replay and a wrong tag', line)
t.done()
