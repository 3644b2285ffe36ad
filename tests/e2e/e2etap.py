# SPDX-License-Identifier: BSD-3-Clause
"""What the Python e2e tests share: TAP output on stdout and an ng client
(tests/e2e/ngcli.py does the bencoding)."""
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ngcli import bdecode, bencode  # noqa: E402

n = 0
failed = 0


def ok(cond, desc, diag=None):
    """One TAP line; on failure up to 40 lines of diag (its head and tail)."""
    global n, failed
    n += 1
    print(('ok' if cond else 'not ok') + f' {n} - {desc}', flush=True)
    if not cond:
        failed += 1
        lines = str(diag or '').splitlines()
        if len(lines) > 40:
            lines = lines[:20] + ['...'] + lines[-20:]
        for line in lines:
            print('# ' + line, flush=True)
    return cond


def skip(desc, why):
    global n
    n += 1
    print(f'ok {n} - {desc} # SKIP {why}', flush=True)


def plan():
    print(f'1..{n}', flush=True)


def exit_status():
    return 1 if failed else 0


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def free_tcp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def sh(*cmd):
    """Run a command; its exit status and text output (stdout, stderr apart)."""
    return subprocess.run(list(cmd), capture_output=True, text=True)


def tap_into_ns(tap, ns, addrs, mac):
    """Wait (up to 10 s) for the TAP the dataplane creates, move it into the
    test's namespace ns with the given MAC and addresses (CIDR strings), and
    bring it up. Returns (True, '') or (False, what failed)."""
    for _ in range(100):
        if sh('ip', 'link', 'show', tap).returncode == 0:
            break
        time.sleep(0.1)
    steps = [['ip', 'link', 'set', tap, 'netns', ns],
             ['ip', '-n', ns, 'link', 'set', tap, 'address', mac]]
    steps += [['ip', '-n', ns, 'addr', 'add', a, 'dev', tap] for a in addrs]
    steps += [['ip', '-n', ns, 'link', 'set', tap, 'up'],
              ['ip', '-n', ns, 'link', 'set', 'lo', 'up']]
    res = [sh(*c) for c in steps]
    return all(x.returncode == 0 for x in res), '\n'.join(x.stderr for x in res)


class Ng:
    """ng over UDP on loopback: call with a dict, get the decoded reply."""

    def __init__(self, port, prefix='e2e'):
        self.addr = ('127.0.0.1', port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.settimeout(3.0)
        self.prefix = prefix
        self.seq = 0

    def raw(self, cookie, msg):
        """Send one datagram; the reply's bytes (None on timeout)."""
        self.sock.sendto(cookie.encode() + b' ' + bencode(msg), self.addr)
        try:
            while True:
                data, _ = self.sock.recvfrom(65535)
                if data.startswith(cookie.encode() + b' '):
                    return data
        except socket.timeout:
            return None

    def __call__(self, msg):
        self.seq += 1
        data = self.raw(f'{self.prefix}{os.getpid()}_{self.seq}', msg)
        if data is None:
            return {'result': 'timeout'}
        return bdecode(data.partition(b' ')[2])
