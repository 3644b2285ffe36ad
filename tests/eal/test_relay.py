#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The packet path, byte for byte: the real dataplane reads in.pcap and writes
out.pcap through net_pcap; scripts/dpvectors.py builds both the input and the
expected output from the wire contract. Every relayed frame must match, every
malformed or unwanted frame must be dropped with its own counter, and the
learned sources must be reported."""
import os
import re
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
sys.path.insert(0, os.path.join(here, '..', '..', 'scripts'))
from dptest import Dataplane, Tap, acks, drops, telemetry  # noqa: E402
import dpvectors  # noqa: E402

# Reasons counted by the neighbor code for ARP/NDP frames: not this test's business.
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
work = tempfile.mkdtemp(prefix='mr-relay-')
gen = subprocess.run([sys.executable, os.path.join(here, '..', '..', 'scripts', 'dpvectors.py'),
                      work], capture_output=True, text=True)
t.ok(gen.returncode == 0, 'scripts/dpvectors.py wrote the vectors', gen.stderr)
with open(os.path.join(work, 'dp.ini')) as f:
    ini = f.read()
# argv[3]: worker lcores (0: the main lcore forwards between its service rounds).
workers = int(sys.argv[3]) if len(sys.argv) > 3 else 0
ini = ini.replace('workers = 0', f'workers = {workers}')
dp = Dataplane(sys.argv[1], sys.argv[2], f'relay{workers}w', ini, workdir=work,
               lcores=','.join(str(i) for i in range(workers + 1)),
               args=['--test-start-on-barrier', '--test-burst', '1'])
print(f'# workers = {workers}')
with open(os.path.join(work, 'flows.txt')) as f:
    flows = f.read().splitlines()
rc, out = dp.ctl(flows, keep_going=False)
a = acks(out)
t.ok(rc == 0 and a and all(r == 0 for (_, _, r) in a), f'{len(a)} commands acked with 0', out)

n_in = len(dpvectors.read_pcap(os.path.join(work, 'in.pcap')))
rc, out = dp.ctl([f'wait-rx {n_in}', 'quiesce 300', 'events 300', 'drops', 'workers'] +
                 [f'flow {i}' for i in range(1, 14)])
t.ok(rc == 0, 'traffic consumed', out + dp.output())
try:
    tel = telemetry(dp.name, ['/mrelay/drops', '/mrelay/totals', '/mrelay/flow,1'])
except OSError as e:
    tel = {'error': str(e)}
code = dp.stop()
t.ok(code == 0, 'dataplane exits 0', dp.output())

got = [f for f in dpvectors.read_pcap(os.path.join(work, 'out.pcap')) if dpvectors.is_udp(f)]
exp = dpvectors.read_pcap(os.path.join(work, 'expected.pcap'))
t.ok(len(got) == len(exp), f'{len(exp)} relayed frames', f'got {len(got)}')
for i, e in enumerate(exp):
    g = got[i] if i < len(got) else b''
    t.ok(g == e, f'relayed frame {i + 1} is byte-exact', hexdiff(g, e))

want = {}
events = []
with open(os.path.join(work, 'expect.txt')) as f:
    for line in f:
        m = re.match(r'drop (\S+) (\d+)', line)
        if m:
            want[m.group(1)] = int(m.group(2))
        elif line.startswith('event'):
            events.append(line.strip())
have = drops(out)
t.ok(len(have) > 30, 'drop counters published in shm', out)
for name in sorted(have):
    if name in NEIGH_REASONS:
        continue
    t.ok(have[name] == want.get(name, 0), f'drop counter {name} = {want.get(name, 0)}',
         f'got {have[name]}')
for e in events:
    t.ok(e in out, e, out)
td = tel.get('/mrelay/drops') or {}
t.ok(td and all(td.get(k.replace('-', '_')) == v for k, v in have.items()),
     'telemetry /mrelay/drops agrees with the shm counters', tel)
tf = tel.get('/mrelay/flow,1') or {}
t.ok(tf.get('packets') == 6 and tf.get('lost') == 0, 'telemetry /mrelay/flow,1: 6 packets', tel)
tt = tel.get('/mrelay/totals') or {}
t.ok(tt.get('rx_packets') == len(dpvectors.read_pcap(os.path.join(work, 'in.pcap'))),
     'telemetry /mrelay/totals counts every received frame', tel)

# RFC 3550 receiver statistics of flow 1: seq 100..105 in order, then none lost.
m = re.search(r'^flow 1 .*$', out, re.M)
line = m.group(0) if m else ''
t.ok('packets=6 ' in line and 'lost=0 ' in line and 'out_of_order=0' in line,
     'flow 1 counted 6 packets, none lost', line)
m = re.search(r'^flow 6 .*$', out, re.M)
t.ok(m is not None and 'rtcp=1 ' in m.group(0), 'flow 6 counted its RTCP packet', out)
m = re.search(r'^flow 8 .*$', out, re.M)
t.ok(m is not None and 'drop-unexpected-source=2' in m.group(0),
     'flow 8 counted two foreign sources', out)
m = re.search(r'^flow 9 .*$', out, re.M)
t.ok(m is not None and 'learned=198.18.0.50:5020' in m.group(0), 'flow 9 latched its source', out)
t.done()
