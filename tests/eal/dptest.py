# SPDX-License-Identifier: BSD-3-Clause
"""Helpers of the eal suite: run the real mrelay-dataplane on virtual devices
with --no-huge, program it with mrelay-flowctl, print TAP."""
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

EAL_BASE = ['--no-huge', '--no-shconf', '--no-pci', '-m', '256', '--log-level=lib.eal:warning']


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, desc, diag=None):
        self.n += 1
        print(('ok' if cond else 'not ok') + f' {self.n} - {desc}', flush=True)
        if not cond:
            self.failed += 1
            if diag:
                for line in str(diag).splitlines()[:40]:
                    print('# ' + line, flush=True)
        return cond

    def done(self):
        print(f'1..{self.n}', flush=True)
        sys.exit(1 if self.failed else 0)


class Dataplane:
    """One mrelay-dataplane process with its own instance and file prefix."""

    def __init__(self, binary, flowctl, tag, ini, args=(), lcores='0', workdir=None):
        self.binary = binary
        self.flowctl = flowctl
        self.name = f'{tag}{os.getpid()}'
        self.dir = workdir or tempfile.mkdtemp(prefix=f'mr-{tag}-')
        self.ini = os.path.join(self.dir, 'dp.ini')
        with open(self.ini, 'w') as f:
            f.write(ini.replace('@INSTANCE@', self.name).replace('@DIR@', self.dir))
        self.log = open(os.path.join(self.dir, 'dp.log'), 'w+')
        # '0-2' (-l) or a mapping onto CPUs such as '0@0,1@1,2@1' (--lcores).
        cmd = [binary, '-c', self.ini, '-i', self.name, *args, '--', *EAL_BASE,
               '--file-prefix', self.name, '--lcores' if '@' in lcores else '-l', lcores]
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT)

    def ctl(self, commands, timeout=60, keep_going=True):
        """Run mrelay-flowctl on a list of command lines; returns (rc, output)."""
        path = os.path.join(self.dir, 'cmds.txt')
        with open(path, 'w') as f:
            f.write('\n'.join(commands) + '\n')
        args = [self.flowctl, '-i', self.name, '-w', '20000', '-f', path]
        if keep_going:
            args.insert(1, '-k')
        try:
            p = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return 124, ''
        return p.returncode, p.stdout + p.stderr

    def stop(self, timeout=30):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return -9

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()


def telemetry(prefix, commands):
    """Ask the dataplane's rte_telemetry socket; {command: reply dict}."""
    import json
    import socket
    path = f'/var/run/dpdk/{prefix}/dpdk_telemetry.v2'
    out = {}
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as s:
        s.settimeout(10)
        s.connect(path)
        json.loads(s.recv(16384))
        for c in commands:
            s.send(c.encode())
            reply = json.loads(s.recv(1 << 20))
            out[c] = reply.get(c.split(',')[0])
    return out


def acks(out):
    """[(command, flow, result)] from mrelay-flowctl output."""
    return [(m.group(1), int(m.group(2)), int(m.group(3)))
            for m in re.finditer(r'^ack (\w+) seq=\d+ flow=(-?\d+) result=(-?\d+)', out, re.M)]


def drops(out):
    """{name: count} from the 'drops' command."""
    return {m.group(1): int(m.group(2)) for m in re.finditer(r'^drop (\S+) (\d+)$', out, re.M)}
