# SPDX-License-Identifier: BSD-3-Clause
"""What the Python e2e tests share: TAP output on stdout and an ng client
(tests/e2e/ngcli.py does the bencoding)."""
import os
import signal
import socket
import subprocess
import sys
import tempfile
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


# What every e2e test gives the dataplane's EAL: no hugepages, no PCI, a
# file prefix of its own so that tests in parallel do not collide.
EAL = ['--no-huge', '--no-shconf', '--no-pci', '-m', '256', '--log-level=lib.eal:warning']


def new_instance(tag):
    """A test's instance name (tag and the pid), a fresh work directory
    /tmp/mr-TAG-* and the path of the mrelay.ini in it."""
    work = tempfile.mkdtemp(prefix=f'mr-{tag}-')
    return f'{tag}{os.getpid()}', work, os.path.join(work, 'mrelay.ini')


def write_ini(path, inst, ng_port, port_min, port_max, iface_lines,
              extra_dataplane='', extra_control=''):
    """Write the mrelay.ini of a test: instance inst with no workers and 1024
    flows, ng on loopback at ng_port, media ports port_min..port_max.
    extra_dataplane and extra_control are further 'key = value\n' lines of
    those sections; iface_lines, the [interface ...] (and other) sections."""
    with open(path, 'w') as f:
        f.write(f'[dataplane]\ninstance = {inst}\nworkers = 0\nflows = 1024\n{extra_dataplane}'
                f'[control]\nlisten-ng = 127.0.0.1:{ng_port}\n'
                f'port-min = {port_min}\nport-max = {port_max}\n{extra_control}'
                f'{iface_lines}')


def start_dataplane(dp_bin, ini, inst, log, eal=None, extra_args=()):
    """mrelay-dataplane on ini as instance inst, its output to the file log.
    extra_args go before the EAL's; eal defaults to EAL on lcore 0 with
    inst as file prefix."""
    if eal is None:
        eal = EAL + ['--file-prefix', inst, '-l', '0']
    return subprocess.Popen([dp_bin, '-c', ini, '-i', inst, *extra_args, '--', *eal],
                            stdout=log, stderr=subprocess.STDOUT)


def start_control(ctl_bin, ini, log):
    """mrelay-control on ini, its output to the file log."""
    return subprocess.Popen([ctl_bin, '--config', ini], stdout=log, stderr=subprocess.STDOUT)


def open_logs(work):
    """The control's and the dataplane's log files in work, open for both
    writing (by the programs) and reading back (by the test)."""
    return (open(os.path.join(work, 'control.log'), 'w+'),
            open(os.path.join(work, 'dataplane.log'), 'w+'))


def read_log(log):
    """All a log file holds so far."""
    log.flush()
    log.seek(0)
    return log.read()


def log_tails(ctl_log, dp_log, ctl_chars=2000, dp_chars=2000):
    """The tails of both logs, for a failure's diagnostics."""
    return ('control:\n' + read_log(ctl_log)[-ctl_chars:] +
            '\ndataplane:\n' + read_log(dp_log)[-dp_chars:])


def stop(procs):
    """SIGTERM every process of procs still running (None entries are
    skipped); kill one that has not exited 20 s later."""
    for p in procs:
        if p is not None and p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def ng_until_ok(ng, dp, msg, ask_first=False):
    """Send ng request msg until the reply's result is ok (150 tries, 0.2 s
    apart) or the dataplane process dp has exited: while a dataplane starts
    (and control attaches to it) requests fail. dp is checked before each
    request, or with ask_first after it. The last reply ({} if none)."""
    r = {}
    for _ in range(150):
        if not ask_first and dp.poll() is not None:
            break
        r = ng(msg)
        if r.get('result') == 'ok' or (ask_first and dp.poll() is not None):
            break
        time.sleep(0.2)
    return r


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
