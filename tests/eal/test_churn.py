#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Flows added, deleted and re-pointed while traffic runs (one worker lcore,
the main lcore applying commands concurrently): not one packet of the steady
flows may be lost, and every one leaves towards one of its two destinations."""
import os
import re
import struct
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
sys.path.insert(0, os.path.join(here, '..', '..', 'scripts'))
from dptest import Dataplane, Tap, acks, drops  # noqa: E402
import dpvectors  # noqa: E402

N_FLOWS, PER_FLOW = 100, 2000

t = Tap()
work = tempfile.mkdtemp(prefix='mr-churn-')
gen = subprocess.run([sys.executable, os.path.join(here, '..', '..', 'scripts', 'dpvectors.py'),
                      '--churn', work], capture_output=True, text=True)
t.ok(gen.returncode == 0, 'scripts/dpvectors.py --churn wrote the vectors', gen.stderr)
with open(os.path.join(work, 'dp.ini')) as f:
    ini = f.read()
# RX paced (burst 1, 5 us after each) so that all the churn happens while
# traffic runs; checked below, it is the premise of the test.
dp = Dataplane(sys.argv[1], sys.argv[2], 'churn', ini, workdir=work, lcores='0,1',
               args=['--test-start-on-barrier', '--test-burst', '1', '--test-rx-pace-us', '5'])
with open(os.path.join(work, 'flows.txt')) as f:
    rc, out = dp.ctl(f.read().splitlines(), keep_going=False)
t.ok(rc == 0, f'{len(acks(out))} flows installed', out + dp.output())
with open(os.path.join(work, 'churn.txt')) as f:
    t0 = time.monotonic()
    rc, out = dp.ctl(f.read().splitlines(), timeout=300)
    print(f'# churn took {time.monotonic() - t0:.2f} s')
a = acks(out)
bad = [x for x in a if x[2] != 0]
t.ok(rc == 0 and a and not bad, f'{len(a)} adds, modifies, deletes acked 0',
     f'mrelay-flowctl exit {rc}, failed: {bad[:5]}\n' + out[-1000:])
rx = [int(x) for x in re.findall(r'^worker 0 rx=(\d+)', out, re.M)]
print(f'# worker rx before/after the churn: {rx}')
t.ok(len(rx) == 2 and rx[0] < rx[1] < N_FLOWS * PER_FLOW,
     'traffic was flowing while flows changed', f'worker rx before/after the churn: {rx}')

# Every frame of in.pcap received (two ARP replies first), then quiet: a loaded
# machine may pause the worker longer than any quiet period alone would tell.
n_in = len(dpvectors.read_pcap(os.path.join(work, 'in.pcap')))
rc, out = dp.ctl([f'wait-rx {n_in}', 'quiesce 300', 'drops'] +
                 [f'flow {i}' for i in range(N_FLOWS)], timeout=120)
t.ok(rc == 0, 'traffic consumed', out)
code = dp.stop()
t.ok(code == 0, 'dataplane exits 0', dp.output())

bad = [ln for ln in out.splitlines() if ln.startswith('flow ') and f' packets={PER_FLOW} ' not in ln]
t.ok(not bad, f'every steady flow counted {PER_FLOW} packets', '\n'.join(bad[:10]))
bad = [ln for ln in out.splitlines() if ln.startswith('flow ') and
       re.search(r'drop-\S+=[1-9]', ln)]
t.ok(not bad, 'no steady flow dropped anything', '\n'.join(bad[:10]))
d = drops(out)
for name in ('no-neighbor', 'tx-full', 'blackhole', 'unexpected-source', 'udp-bad-checksum'):
    t.ok(d.get(name, -1) == 0, f'drop counter {name} = 0', f'got {d.get(name)}')

per_port = {}
dests = {}
for fr in dpvectors.read_pcap(os.path.join(work, 'out.pcap')):
    if not dpvectors.is_udp(fr) or len(fr) < 42:
        continue
    sport = struct.unpack('!H', fr[34:36])[0]
    if 31000 <= sport < 31000 + 2 * N_FLOWS:
        per_port[sport] = per_port.get(sport, 0) + 1
        dests[fr[30:34]] = dests.get(fr[30:34], 0) + 1
total = sum(per_port.values())
t.ok(total == N_FLOWS * PER_FLOW, f'{N_FLOWS * PER_FLOW} frames of steady flows sent',
     f'got {total}')
t.ok(len(per_port) == N_FLOWS and all(v == PER_FLOW for v in per_port.values()),
     'each steady flow sent all of its packets', str(sorted(per_port.items())[:10]))
want = {dpvectors.ip4(dpvectors.PEER_A[1]), dpvectors.ip4(dpvectors.PEER_A2[1])}
t.ok(set(dests) <= want and len(dests) == 2, 'sent to both destinations of the re-pointed flows',
     str({'.'.join(map(str, k)): v for k, v in dests.items()}))
t.done()
