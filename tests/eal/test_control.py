#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The command ring of the real dataplane on net_null: HELLO, flow add / modify
/ delete / dump / barrier, each acked with the right result; clean exit."""
import errno
import re
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dptest import Dataplane, Tap, acks  # noqa: E402

INI = """
[dataplane]
workers = 0
flows = 1024
[interface media]
device = net_null_@INSTANCE@
address = 198.18.0.1/24
address6 = 2001:db8::1/64
"""

t = Tap()
dp = Dataplane(sys.argv[1], sys.argv[2], 'ctl', INI)
F = 'src=198.18.0.1:30002 dst=198.18.0.50:4000'
rc, out = dp.ctl([
    'hello',
    f'add id=1 local=198.18.0.1:30000 {F} flags=learn,strict',
    f'add id=1 local=198.18.0.1:30010 {F}',
    f'add id=3 local=198.18.0.1:30000 {F}',
    f'add id=4 local=198.18.0.2:30000 {F}',
    f'add id=5000 local=198.18.0.1:30020 {F}',
    'add id=2 local=[2001:db8::1]:30000 src=[2001:db8::1]:30002 dst=[2001:db8::50]:4000',
    f'add id=6 local=198.18.0.1:30030 src=198.18.0.1:30002 dst=10.9.9.9:4000',
    f'add id=7 local=198.18.0.1:30040 src=198.18.0.1:30002 dst=[2001:db8::50]:4000',
    'mod id=1 local=198.18.0.1:30000 src=198.18.0.1:30002 dst=198.18.0.51:4000',
    f'mod id=9 local=198.18.0.1:30050 {F}',
    f'mod id=1 local=198.18.0.1:30051 {F}',
    'dump',
    'del 1',
    'del 1',
    f'add id=1 local=198.18.0.1:30000 {F}',
    'barrier',
])
a = acks(out)
t.ok(rc == 0, 'mrelay-flowctl ran', out + dp.output())
want = [
    ('hello', -1, 0),
    ('add', 1, 0),
    ('add', 1, -errno.EEXIST),          # slot in use
    ('add', 3, -errno.EEXIST),          # key in use
    ('add', 4, -errno.EADDRNOTAVAIL),   # not our address
    ('add', 5000, -errno.ERANGE),       # beyond capacity
    ('add', 2, 0),
    ('add', 6, -errno.ENETUNREACH),     # off-link, no gateway
    ('add', 7, -errno.EAFNOSUPPORT),    # v6 destination from a v4 source
    ('mod', 1, 0),
    ('mod', 9, -errno.ENOENT),
    ('mod', 1, -errno.EINVAL),          # the key of a flow never changes
    ('dump', -1, 0),
    ('del', 1, 0),
    ('del', 1, -errno.ENOENT),
    ('add', 1, 0),                      # slot reused after its grace period
    ('barrier', -1, 0),
]
t.ok(len(a) == len(want), f'{len(want)} acks in order', out)
for (got, exp) in zip(a, want):
    t.ok(got == exp, f'{exp[0]} flow {exp[1]} -> {exp[2]}', f'got {got}')
dumped = sorted(int(x) for x in re.findall(r'^flow id=(\d+)', out, re.M))
t.ok(dumped == [1, 2], 'dump lists flows 1 and 2', out)
t.ok('dst=198.18.0.51:4000' in out, 'dump shows the modified destination', out)

rc, out = dp.ctl(['hello', 'generation 12345', f'add id=9 local=198.18.0.1:30070 {F}',
                  'generation auto', f'add id=8 local=198.18.0.1:30060 {F} idle=1', 'events 3500',
                  'flow 1', 'flow 2'])
t.ok(acks(out)[1:3] == [('add', 9, -errno.ESTALE), ('add', 8, 0)],
     'a command from another generation is refused (ESTALE)', out)
t.ok(re.search(r'^event idle flow=8 idle_s=\d+ packets=0$', out, re.M) is not None,
     'a flow without traffic is reported idle', out)
t.ok(not re.search(r'^event idle flow=[12] ', out, re.M), 'flows with the default idle time are not',
     out)
t.ok('flow 1 gen=2 active=1' in out, 'the re-added flow has a new generation', out)
t.ok('flow 2 gen=1 active=1' in out, 'flow 2 is active', out)

shm = f'/dev/shm/mrelay-{dp.name}'
t.ok(os.path.exists(shm), 'shm object exists while running')
code = dp.stop()
t.ok(code == 0, 'exits 0 on SIGTERM', dp.output())
t.ok(not os.path.exists(shm), 'shm object removed at exit')
t.done()
