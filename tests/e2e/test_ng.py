#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The real mrelay-control and the real mrelay-dataplane (net_null, --no-huge):
ng over UDP before the dataplane exists (errors, no hang), then offer, answer,
query, list, statistics, a retransmitted cookie, delete; a dataplane restart
(control re-programs the live call: a re-INVITE modifies its flows in the new
dataplane); SIGTERM. TAP on stdout.

  test_ng.py MRELAY-DATAPLANE MRELAY-CONTROL
"""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ngcli import bdecode  # noqa: E402
import e2etap  # noqa: E402
from e2etap import (Ng, free_port, log_tails, new_instance, ng_until_ok, ok,  # noqa: E402
                    open_logs, skip, start_control, start_dataplane, stop, write_ini)


SDP_A = ('v=0\r\no=alice 1 1 IN IP4 198.18.0.10\r\ns=-\r\nc=IN IP4 198.18.0.10\r\nt=0 0\r\n'
         'm=audio 40000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n')
SDP_B = ('v=0\r\no=bob 1 1 IN IP4 198.18.0.20\r\ns=-\r\nc=IN IP4 198.18.0.20\r\nt=0 0\r\n'
         'm=audio 50000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n')
SDP_A2 = SDP_A.replace('198.18.0.10', '198.18.0.11').replace('40000', '40010')


def main():
    dp_bin, ctl_bin = sys.argv[1], sys.argv[2]
    inst, work, ini = new_instance('ng')
    port = free_port()
    write_ini(ini, inst, port, 30000, 30999,
              f'[interface media]\ndevice = net_null_{inst}\naddress = 198.18.0.1/24\n'
              f'[interface multi]\ndevice = net_null_{inst}m\n'
              f'address-range = 198.18.1.1-198.18.1.4/24\n',
              extra_control=f'ack-timeout = 1000\njournal = {work}/calls.db\n')
    ctl_log, dp_log = open_logs(work)
    procs = []

    def start_dp():
        procs.append(start_dataplane(dp_bin, ini, inst, dp_log))
        return procs[-1]

    def logs():
        return log_tails(ctl_log, dp_log, ctl_chars=3000)

    def start_ctl():
        procs.append(start_control(ctl_bin, ini, ctl_log))
        return procs[-1]

    ctl = start_ctl()
    ng = Ng(port, 'e2e')
    try:
        r = {'result': 'timeout'}
        for _ in range(50):
            r = ng({'command': 'ping'})
            if r.get('result') == 'pong':
                break
            time.sleep(0.1)
        ok(r.get('result') == 'pong', 'control answers ping with no dataplane', logs())
        t0 = time.monotonic()
        r = ng({'command': 'offer', 'call-id': 'early', 'from-tag': 'ft', 'sdp': SDP_A})
        ok(r.get('result') == 'error' and 'dataplane' in str(r.get('error-reason')),
           'offer without a dataplane is an error with a reason', r)
        ok(time.monotonic() - t0 < 3, 'and it comes at once, not after a hang')

        dp = start_dp()
        r = ng_until_ok(ng, dp, {'command': 'offer', 'call-id': 'c1', 'from-tag': 'ft', 'sdp': SDP_A,
                                 'flags': ['trust-address'], 'replace': ['origin']})
        if dp.poll() is not None and r.get('result') != 'ok':
            skip('offer once the dataplane is up', 'this build has no runnable dataplane yet')
            return
        ok(r.get('result') == 'ok', 'offer once the dataplane is up (control attached by itself)',
           str(r) + logs())
        sdp = r.get('sdp', '')
        ok('c=IN IP4 198.18.0.1\r\n' in sdp and 'o=alice 1 1 IN IP4 198.18.0.1\r\n' in sdp,
           'offer SDP carries our address (c= and o=)', sdp)
        mport = int(sdp.split('m=audio ')[1].split(' ')[0]) if 'm=audio ' in sdp else 0
        ok(30000 <= mport <= 30998 and mport % 2 == 0, f'offer SDP port {mport} from the range')

        ans = {'command': 'answer', 'call-id': 'c1', 'from-tag': 'ft', 'to-tag': 'tt', 'sdp': SDP_B}
        cookie = f'retx{os.getpid()}'
        first = ng.raw(cookie, ans)
        r = bdecode(first.partition(b' ')[2]) if first else {}
        ok(r.get('result') == 'ok' and 'c=IN IP4 198.18.0.1\r\n' in r.get('sdp', ''), 'answer', r)
        again = ng.raw(cookie, ans)
        ok(again == first, 'a retransmitted answer gets the same reply bytes')

        r = ng({'command': 'query', 'call-id': 'c1'})
        tags = r.get('tags', {})
        ok(r.get('result') == 'ok' and 'ft' in tags and 'tt' in tags and 'RTP' in r.get('totals', {}),
           'query reports both tags and totals', r)
        st = tags.get('ft', {}).get('medias', [{}])[0].get('streams', [{}])[0].get('stats', {})
        ok('packets' in st and 'packets lost' in st and 'jitter' in st,
           'query has per-stream packets, loss and jitter', st)
        r = ng({'command': 'list'})
        ok(r.get('result') == 'ok' and r.get('calls') == ['c1'], 'list', r)
        r = ng({'command': 'statistics'})
        cur = r.get('statistics', {}).get('currentstatistics', {})
        ok(cur.get('sessionsown') == 1, 'statistics counts the session', r)

        # control restarts: the journal gives the call back, the flows stay.
        ctl.send_signal(signal.SIGTERM)
        ok(ctl.wait(timeout=10) == 0, 'control exits 0 on SIGTERM with a live call')
        ctl = start_ctl()
        r = {}
        for _ in range(50):
            r = ng({'command': 'query', 'call-id': 'c1'})
            if r.get('result') != 'timeout':
                break
            time.sleep(0.1)
        ok(r.get('result') == 'ok' and 'tt' in r.get('tags', {}),
           'a restarted control finds the call in its journal', str(r) + logs())
        ok('re-programmed' not in logs(), 'same dataplane: nothing re-programmed')

        # The dataplane restarts: control re-programs the live call.
        dp.send_signal(signal.SIGTERM)
        dp.wait(timeout=20)
        dp = start_dp()
        r = {}
        for _ in range(100):
            r = ng({'command': 'offer', 'call-id': 'c1', 'from-tag': 'ft', 'to-tag': 'tt', 'sdp': SDP_A2})
            if r.get('result') == 'ok':
                break
            time.sleep(0.2)
        ok(r.get('result') == 'ok' and f'm=audio {mport} ' in r.get('sdp', ''),
           're-INVITE after a dataplane restart modifies the re-programmed flows (same port)',
           str(r) + logs())
        ok('re-programmed' in logs(), 'control logged the re-programming')

        r = ng({'command': 'delete', 'call-id': 'c1', 'from-tag': 'ft'})
        ok(r.get('result') == 'ok' and 'totals' in r, 'delete reports statistics', r)
        r = ng({'command': 'list'})
        ok(r.get('calls') == [], 'no call left', r)
        r = ng({'command': 'delete', 'call-id': 'c1', 'from-tag': 'ft'})
        ok(r.get('result') == 'error', 'deleting it again is an error', r)
        r = ng({'command': 'offer', 'call-id': 'bad', 'from-tag': 'ft', 'sdp': 'v=0\r\n'})
        ok(r.get('result') == 'error' and r.get('error-reason'), 'bad SDP: error with a reason', r)

        # An interface with four addresses: each new call facing it takes the
        # next address in turn (the dataplane accepts flows keyed on each).
        multi = {f'198.18.1.{i}' for i in range(1, 5)}
        got = []
        for i in range(8):
            r = ng({'command': 'offer', 'call-id': f'm{i}', 'from-tag': 'ft', 'sdp': SDP_A,
                    'direction': ['media', 'multi']})
            sdp = r.get('sdp', '')
            addr = sdp.split('c=IN IP4 ')[1].split('\r\n')[0] if 'c=IN IP4 ' in sdp else None
            got.append(addr)
            if r.get('result') != 'ok':
                break
        ok(all(a in multi for a in got) and len(got) == 8,
           'offers on a four-address interface get addresses from its set', str(got) + logs())
        ok(set(got) == multi and all(got.count(a) == 2 for a in multi),
           'eight calls: each of the four addresses twice (round robin)', got)
        r = ng({'command': 'answer', 'call-id': 'm0', 'from-tag': 'ft', 'to-tag': 'tt',
                'sdp': SDP_B.replace('198.18.0.20', '198.18.1.20'), 'direction': ['media', 'multi']})
        ok(r.get('result') == 'ok' and 'c=IN IP4 198.18.0.1\r\n' in r.get('sdp', ''),
           'the answer towards the caller keeps the other interface\'s address', r)
        r = ng({'command': 'query', 'call-id': 'm0'})
        ok(r.get('result') == 'ok', 'query of a call on the four-address interface', r)
        for i in range(8):
            ng({'command': 'delete', 'call-id': f'm{i}', 'from-tag': 'ft'})
        r = ng({'command': 'list'})
        ok(r.get('calls') == [], 'their deletes leave no call', r)

        ctl.send_signal(signal.SIGTERM)
        try:
            rc = ctl.wait(timeout=10)
        except subprocess.TimeoutExpired:
            rc = None
        ok(rc == 0, 'control exits 0 on SIGTERM', logs())
    finally:
        stop(procs)
        e2etap.plan()


main()
sys.exit(e2etap.exit_status())
