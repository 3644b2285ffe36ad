#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# scripts/gen-vectors.py: same bytes on every run, and every expected-output
# frame it writes passes tshark's own checksum and malformed-packet checks
# (inputs may be malformed on purpose; outputs never).
#   test_gen_vectors.sh GEN-VECTORS.PY
set -u
gen=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); echo "not ok $n - $*"; }

if python3 "$gen" "$tmp/a" && python3 "$gen" "$tmp/b"; then
  ok "generator runs"
else
  notok "generator runs"; echo "1..$n"; exit 1
fi
if diff -r "$tmp/a" "$tmp/b" >/dev/null && [ -n "$(ls "$tmp/a"/*.out.pcap 2>/dev/null)" ]; then
  ok "deterministic output"
else
  notok "deterministic output"
fi

if ! command -v tshark >/dev/null; then
  n=$((n + 1)); echo "ok $n - tshark checks # SKIP tshark not installed"
else
  bad='_ws.expert.severity >= "Warning" || _ws.malformed || ip.checksum.status == "Bad" ||
       icmp.checksum.status == "Bad" || icmpv6.checksum.status == "Bad" || udp.checksum.status == "Bad"'
  # One tshark run over all of them (each start costs most of a second).
  files=("$tmp"/a/*.out.pcap)
  if mergecap -a -F pcap -w "$tmp/all.pcap" "${files[@]}" 2>/dev/null; then
    total=$(tshark -r "$tmp/all.pcap" 2>/dev/null | wc -l)
    out=$(tshark -r "$tmp/all.pcap" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
      -o rtp.heuristic_rtp:TRUE -o rtcp.heuristic_rtcp:TRUE -Y "$bad" 2>/dev/null)
    rc=$?
    if [ $rc -eq 0 ] && [ -z "$out" ] && [ "$total" -ge "${#files[@]}" ]; then
      ok "${#files[@]} output files, $total frames: checksums and dissection valid"
    else
      notok "output frames: tshark rc=$rc"; echo "$out" | sed 's/^/# /'
    fi
  else
    notok "mergecap"
  fi
fi
echo "1..$n"
