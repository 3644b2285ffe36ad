#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""A small client of rtpengine's ng protocol (bencode over UDP), for the
end-to-end test and the demo.

  ngcli.py HOST:PORT COMMAND [KEY=VALUE ...]    e.g.  ngcli.py 127.0.0.1:2223 list
  ngcli.py HOST:PORT --json '{"command": "query", "call-id": "abc"}'
  ngcli.py HOST:PORT flows                      every call's streams, one line each

Each request is "<cookie> <bencoded dictionary>"; the reply must carry the
same cookie. Prints the reply dictionary as JSON (byte strings as UTF-8,
with undecodable bytes escaped). Exit status: 0 when the reply's result is
"ok" (or "pong" for ping), 1 when it is an error, 2 on a usage or protocol
error, 3 when no reply came within the timeout.
"""

import argparse
import json
import os
import socket
import sys


class BencodeError(ValueError):
    pass


def bencode(obj):
    if isinstance(obj, bool):
        obj = int(obj)
    if isinstance(obj, int):
        return b"i%de" % obj
    if isinstance(obj, str):
        obj = obj.encode()
    if isinstance(obj, (bytes, bytearray)):
        return b"%d:%s" % (len(obj), bytes(obj))
    if isinstance(obj, (list, tuple)):
        return b"l" + b"".join(bencode(x) for x in obj) + b"e"
    if isinstance(obj, dict):
        out = [b"d"]
        for k in sorted(obj, key=lambda k: k.encode() if isinstance(k, str) else k):
            out.append(bencode(k))
            out.append(bencode(obj[k]))
        out.append(b"e")
        return b"".join(out)
    raise BencodeError("cannot encode %r" % type(obj))


def bdecode(buf):
    """Decode one complete bencoded value; byte strings become str when UTF-8."""
    def item(i):
        if i >= len(buf):
            raise BencodeError("truncated at %d" % i)
        c = buf[i:i + 1]
        if c == b"i":
            end = buf.index(b"e", i)
            return int(buf[i + 1:end]), end + 1
        if c == b"l":
            i += 1
            out = []
            while buf[i:i + 1] != b"e":
                v, i = item(i)
                out.append(v)
            return out, i + 1
        if c == b"d":
            i += 1
            out = {}
            while buf[i:i + 1] != b"e":
                k, i = item(i)
                v, i = item(i)
                out[k] = v
            return out, i + 1
        if c.isdigit():
            colon = buf.index(b":", i)
            n = int(buf[i:colon])
            start = colon + 1
            if start + n > len(buf):
                raise BencodeError("string past the end at %d" % i)
            raw = buf[start:start + n]
            try:
                s = raw.decode()
            except UnicodeDecodeError:
                s = raw.decode("utf-8", "backslashreplace")
            return s, start + n
        raise BencodeError("unexpected %r at %d" % (c, i))

    try:
        v, end = item(0)
    except (ValueError, IndexError) as e:
        raise BencodeError(str(e))
    if end != len(buf):
        raise BencodeError("%d bytes after the value" % (len(buf) - end))
    return v


def parse_value(v):
    if v.lstrip("-").isdigit():
        return int(v)
    if v.startswith("[") or v.startswith("{"):
        return json.loads(v)
    return v


def request(addr, msg, timeout=2.0, retries=2):
    """Send msg (a dict) to addr (host, port); return the reply dict or None."""
    cookie = os.urandom(6).hex()
    data = cookie.encode() + b" " + bencode(msg)
    fam = socket.AF_INET6 if ":" in addr[0] else socket.AF_INET
    with socket.socket(fam, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        for _ in range(retries + 1):
            s.sendto(data, addr)
            try:
                while True:
                    reply, _ = s.recvfrom(65535)
                    head, sep, body = reply.partition(b" ")
                    if sep and head == cookie.encode():
                        return bdecode(body)
            except socket.timeout:
                continue
    return None


def addr_str(a):
    if isinstance(a, dict):
        host = a.get("address", "?")
        if a.get("family") == "IPv6":
            host = "[%s]" % host
        return "%s:%s" % (host, a.get("port", "?"))
    return str(a)


def show_flows(addr, timeout, retries):
    """list, then query each call: one line per stream of every tag."""
    reply = request(addr, {"command": "list"}, timeout, retries)
    if reply is None:
        print("ngcli: no reply from %s:%d" % addr, file=sys.stderr)
        return 3
    calls = reply.get("calls") or []
    print("%d call(s)" % len(calls))
    for cid in calls:
        q = request(addr, {"command": "query", "call-id": cid}, timeout, retries)
        if not q or q.get("result") != "ok":
            print("  call %s: %s" % (cid, (q or {}).get("error-reason", "no reply")))
            continue
        print("  call %s" % cid)
        for tag, t in sorted((q.get("tags") or {}).items()):
            for m in t.get("medias") or []:
                for st in m.get("streams") or []:
                    flags = st.get("flags") or []
                    stats = st.get("stats") or {}
                    print("    tag %-14s %-4s relay %-21s peer %-21s %7s packets %9s bytes%s" % (
                        tag, "RTCP" if "RTCP" in flags and "RTCP mux" not in flags else "RTP",
                        addr_str(st.get("local address")), addr_str(st.get("endpoint")),
                        stats.get("packets", "?"), stats.get("bytes", "?"),
                        "  confirmed" if "confirmed" in flags else ""))
        rtp = (q.get("totals") or {}).get("RTP") or {}
        if rtp:
            print("    totals RTP: %s packets, %s bytes" % (rtp.get("packets"), rtp.get("bytes")))
    return 0


def split_addr(s):
    if s.startswith("["):
        host, _, port = s[1:].partition("]:")
    else:
        host, _, port = s.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError("expected HOST:PORT, got %r" % s)
    return host, int(port)


def main():
    ap = argparse.ArgumentParser(description="rtpengine ng protocol client")
    ap.add_argument("addr", help="HOST:PORT of the ng socket")
    ap.add_argument("command", nargs="?", help="ping, list, query, statistics, delete ...")
    ap.add_argument("params", nargs="*", help="KEY=VALUE (numbers and JSON lists kept as such)")
    ap.add_argument("--json", help="the whole request as a JSON object")
    ap.add_argument("--timeout", type=float, default=2.0, help="seconds per try (default 2)")
    ap.add_argument("--retries", type=int, default=2, help="retransmissions (default 2)")
    a = ap.parse_args()
    try:
        addr = split_addr(a.addr)
        if a.command == "flows" and not a.json:
            return show_flows(addr, a.timeout, a.retries)
        if a.json:
            msg = json.loads(a.json)
        else:
            if not a.command:
                ap.error("a command or --json is needed")
            msg = {"command": a.command}
            for p in a.params:
                k, eq, v = p.partition("=")
                if not eq:
                    ap.error("parameter %r is not KEY=VALUE" % p)
                msg[k] = parse_value(v)
    except ValueError as e:
        print("ngcli: %s" % e, file=sys.stderr)
        return 2
    try:
        reply = request(addr, msg, a.timeout, a.retries)
    except BencodeError as e:
        print("ngcli: bad reply: %s" % e, file=sys.stderr)
        return 2
    except OSError as e:
        print("ngcli: %s" % e, file=sys.stderr)
        return 3
    if reply is None:
        print("ngcli: no reply from %s:%d" % addr, file=sys.stderr)
        return 3
    if not isinstance(reply, dict):
        print("ngcli: reply is not a dictionary", file=sys.stderr)
        return 2
    try:
        json.dump(reply, sys.stdout, indent=1, sort_keys=True)
        print()
    except BrokenPipeError:
        pass
    return 0 if reply.get("result") in ("ok", "pong") else 1


if __name__ == "__main__":
    sys.exit(main())
