#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""SDES through the real mrelay-control and the real mrelay-dataplane
(net_null, --no-huge) over ng/UDP: RTP -> RTP/SAVP and RTP/SAVP -> RTP calls
whose SRTP flows the dataplane accepts (it acks every flow with its libsrtp
sessions made), fresh keys in every line we write, a malformed a=crypto
line skipped with a warning, an RTP/SAVP offer without a usable line refused
with no call left. TAP on stdout.

  test_sdes.py MRELAY-DATAPLANE MRELAY-CONTROL
"""
import base64
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2etap  # noqa: E402
from e2etap import (Ng, free_port, log_tails, new_instance, ng_until_ok, ok,  # noqa: E402
                    open_logs, start_control, start_dataplane, stop, write_ini)


def sdp(who, ip, port, proto, crypto=()):
    lines = ''.join(f'a=crypto:{c}\r\n' for c in crypto)
    return (f'v=0\r\no={who} 1 1 IN IP4 {ip}\r\ns=-\r\nc=IN IP4 {ip}\r\nt=0 0\r\n'
            f'm=audio {port} {proto} 0 101\r\na=rtpmap:101 telephone-event/8000\r\n{lines}'
            'a=sendrecv\r\n')


def crypto_lines(text):
    return re.findall(r'^a=crypto:(\d+) (\S+) inline:([A-Za-z0-9+/=]+)', text, re.M)


def key(n_bytes):
    return base64.b64encode(os.urandom(n_bytes)).decode()


def main():
    dp_bin, ctl_bin = sys.argv[1], sys.argv[2]
    inst, work, ini = new_instance('sdes')
    port = free_port()
    write_ini(ini, inst, port, 32000, 32999,
              f'[interface media]\ndevice = net_null_{inst}\naddress = 198.18.0.1/24\n',
              extra_control='ack-timeout = 2000\n')
    ctl_log, dp_log = open_logs(work)
    dp = start_dataplane(dp_bin, ini, inst, dp_log)
    ctl = start_control(ctl_bin, ini, ctl_log)
    ng = Ng(port, 'sdes')

    def logs():
        return log_tails(ctl_log, dp_log)

    try:
        offer = {'command': 'offer', 'call-id': 'r2s', 'from-tag': 'ft',
                 'sdp': sdp('alice', '198.18.0.10', 40000, 'RTP/AVP'),
                 'transport-protocol': 'RTP/SAVP'}
        r = ng_until_ok(ng, dp, offer, ask_first=True)
        ok(r.get('result') == 'ok', 'RTP -> RTP/SAVP offer: the dataplane acked the SRTP flows',
           str(r) + logs())
        ours = crypto_lines(r.get('sdp', ''))
        ok(' RTP/SAVP 0 101\r\n' in r.get('sdp', '') and len(ours) == 5,
           'the offer towards the callee is RTP/SAVP with one line per suite', r.get('sdp'))
        ok(len({k for (_, _, k) in ours}) == len(ours), 'every line has its own key')
        b_key = key(30)
        ans = {'command': 'answer', 'call-id': 'r2s', 'from-tag': 'ft', 'to-tag': 'tt',
               'sdp': sdp('bob', '198.18.0.20', 50000, 'RTP/SAVP',
                          [f'1 AES_CM_128_HMAC_SHA1_80 inline:{b_key}'])}
        r = ng(ans)
        ok(r.get('result') == 'ok' and ' RTP/AVP 0 101\r\n' in r.get('sdp', '') and
           'a=crypto' not in r.get('sdp', ''),
           'the SRTP answer is accepted; the plain caller sees RTP/AVP, no crypto', str(r) + logs())

        a_key = key(30)
        offer = {'command': 'offer', 'call-id': 's2r', 'from-tag': 'ft',
                 'sdp': sdp('alice', '198.18.0.11', 40010, 'RTP/SAVP',
                            ['1 AES_CM_128_HMAC_SHA1_80 inline:c2hvcnQ=',
                             f'2 AES_CM_128_HMAC_SHA1_80 inline:{a_key}|2^31']),
                 'transport-protocol': 'RTP/AVP'}
        r = ng(offer)
        ok(r.get('result') == 'ok' and 'a=crypto' not in r.get('sdp', '') and
           'key length does not match' in str(r.get('warning', '')),
           'RTP/SAVP -> RTP offer: the malformed line skipped with a warning', r)
        r = ng({'command': 'answer', 'call-id': 's2r', 'from-tag': 'ft', 'to-tag': 'tt',
                'sdp': sdp('bob', '198.18.0.21', 50010, 'RTP/AVP')})
        back = crypto_lines(r.get('sdp', ''))
        ok(r.get('result') == 'ok' and ' RTP/SAVP 0 101\r\n' in r.get('sdp', '') and len(back) == 1
           and back[0][0] == '2' and back[0][2] != a_key,
           'the answer to the caller: its tag 2, our own key (never its own)', str(r) + logs())

        r = ng({'command': 'offer', 'call-id': 'bad', 'from-tag': 'ft',
                'sdp': sdp('alice', '198.18.0.12', 40020, 'RTP/SAVP',
                           ['1 AES_CM_128_HMAC_SHA1_80 inline:AAAA', '2 NOPE inline:AAAA'])})
        ok(r.get('result') == 'error' and 'no usable a=crypto' in str(r.get('error-reason')),
           'RTP/SAVP offer without a usable line: an ng error', r)
        r = ng({'command': 'list'})
        ok(sorted(r.get('calls', [])) == ['r2s', 's2r'], 'and no call was made for it', r)
        for c in ('r2s', 's2r'):
            r = ng({'command': 'delete', 'call-id': c, 'from-tag': 'ft'})
            ok(r.get('result') == 'ok', f'delete {c}', r)
        ok(dp.poll() is None, 'the dataplane is still running', logs())
    finally:
        stop((ctl, dp))
        ok(dp.returncode == 0, 'the dataplane exits 0 (its SRTP sessions freed)', logs())
        e2etap.plan()


main()
sys.exit(e2etap.exit_status())
