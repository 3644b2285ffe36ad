#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Smoke run of rtp-load (tests/perf/rtpload.c), the kernel-socket RTP load of
# scripts/bench --peer rtpengine: straight between its own sockets, then
# through rtpengine (userspace only, its own ng port, started and stopped
# here) for about a second each. Every packet must come back verified, and
# the checker must report exactly the packets the tool withheld on its own
# send side (--drop-every). Counts only: a test never asserts a time.
#
#   test_rtpload.sh RTP-LOAD
set -u
load=$1
n=0; fail=0
ok() { n=$((n+1)); echo "ok $n - $*"; }
nok() { n=$((n+1)); fail=$((fail+1)); echo "not ok $n - $*"; }
skip() { n=$((n+1)); echo "ok $n - $* # skip"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }
# same A B: both set and equal (one command, so that check sees all of it).
same() { [ -n "$1" ] && [ "$1" = "$2" ]; }
field() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p" | head -n1; }

tmp=$(mktemp -d /tmp/mrelay-rtpload.XXXXXX)
rtpe_pid=
cleanup() {
  if [ -n "$rtpe_pid" ]; then
    kill -TERM "$rtpe_pid" 2>/dev/null
    wait "$rtpe_pid" 2>/dev/null
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# run NAME ARGS...: one rtp-load run; its trial line in $line, exit in $rc.
run() {
  local name=$1; shift
  timeout 60 "$load" "$@" >"$tmp/$name.log" 2>&1
  rc=$?
  line=$(grep '^rtpload trial phase=trial' "$tmp/$name.log" | tail -n1)
  if [ -z "$line" ]; then
    echo "# $name: no trial line (exit $rc); log follows"
    sed 's/^/#   /' "$tmp/$name.log" | tail -n 20
  fi
}

# clean NAME: every packet numbered came back verified, nothing else.
clean() {
  local name=$1 tx rx k v
  tx=$(field "$line" tx); rx=$(field "$line" rx)
  check "$name: packets sent (tx=${tx:-none})" [ "${tx:-0}" -gt 0 ]
  check "$name: every packet verified (rx=${rx:-none} of ${tx:-none})" same "$rx" "$tx"
  for k in lost gaps late corrupt misdirected tx_fail; do
    v=$(field "$line" $k)
    check "$name: $k=0 (got ${v:-none})" [ "${v:-x}" = 0 ]
  done
}

# dropped NAME: the tool withheld packets; exactly those are lost.
dropped() {
  local name=$1 inj lost
  inj=$(field "$line" inj_drop); lost=$(field "$line" lost)
  check "$name: packets withheld (inj_drop=${inj:-none})" [ "${inj:-0}" -gt 0 ]
  check "$name: lost == withheld (lost=${lost:-none})" same "$lost" "$inj"
  check "$name: sequence gaps seen (gaps=$(field "$line" gaps))" [ "$(field "$line" gaps)" -gt 0 ]
  check "$name: every withheld packet is one lost (rx=$(field "$line" rx) + inj=$inj == numbered)" \
    same "$(( $(field "$line" rx) + ${inj:-0} ))" "$(field "$line" numbered)"
  check "$name: nothing reported corrupt" [ "$(field "$line" corrupt)" = 0 ]
  check "$name: exit status says the trial failed (rc=$rc)" [ $rc -eq 3 ]
}

# 1. The tool against itself: 20 calls, 2,000 packets/s for a second.
run direct --direct -n 20 -r 2000 -d 1
clean direct
check "direct: exit 0" [ $rc -eq 0 ]
check "direct: latency recorded" [ "$(field "$line" lat_p50_ns)" -gt 0 ]
run direct-drop --direct -n 20 -r 2000 -d 1 --drop-every 37
dropped direct-drop

# 2. Through rtpengine, when installed (scripts/bootstrap installs it).
rtpe=$(command -v rtpengine || true)
if [ -z "$rtpe" ]; then
  skip "rtpengine not installed (Debian package rtpengine-daemon)"
  echo "1..$n"; [ $fail -eq 0 ]; exit
fi
ngport=$((30000 + $$ % 10000))
# No configuration file (the system's is left alone), no kernel module
# (table -1), loopback only, ports of its own.
"$rtpe" --config-file=none --foreground --log-stderr --log-level=4 --table=-1 \
  --interface=127.0.0.1 --listen-ng=127.0.0.1:$ngport --port-min=40000 --port-max=44999 \
  --no-redis-required --num-threads=1 --delete-delay=0 2>"$tmp/rtpengine.log" &
rtpe_pid=$!
up=1
for _ in $(seq 100); do
  # Up once it holds its ng socket (127.0.0.1:port in /proc/net/udp, whose
  # inode is one of rtpengine's descriptors: not somebody else's socket).
  ino=$(awk -v a="0100007F:$(printf %04X $ngport)" 'toupper($2) == a { print $10 }' /proc/net/udp)
  [ -n "$ino" ] && ls -l "/proc/$rtpe_pid/fd" 2>/dev/null | grep -q "socket:\[$ino\]" && { up=0; break; }
  kill -0 "$rtpe_pid" 2>/dev/null || break
  sleep 0.1
done
check "rtpengine started (userspace, ng on 127.0.0.1:$ngport)" [ $up -eq 0 ]
if [ $up -ne 0 ]; then
  sed 's/^/#   /' "$tmp/rtpengine.log" | tail -n 10
  echo "1..$n"; exit 1
fi

run relay --ng 127.0.0.1:$ngport --pid "$rtpe_pid" -n 20 -r 2000 -d 1
check "relay: 20 calls set up over ng" grep -q '^rtpload setup calls=20 ' "$tmp/relay.log"
clean relay
check "relay: exit 0" [ $rc -eq 0 ]
check "relay: rtpengine's CPU time read" [ -n "$(field "$line" peer_cpu_s)" ]
run relay-drop --ng 127.0.0.1:$ngport --pid "$rtpe_pid" -n 20 -r 2000 -d 1 --drop-every 41
dropped relay-drop

# 3. Transcoding through rtpengine: PCMU in, Opus out (and back), checked frames.
run transcode --ng 127.0.0.1:$ngport --pid "$rtpe_pid" -n 5 --transcode -d 1
rx_a=$(field "$line" rx_a); rx_b=$(field "$line" rx_b)
check "transcode: Opus frames reached the callee (rx_b=${rx_b:-none})" [ "${rx_b:-0}" -gt 0 ]
check "transcode: PCMU frames reached the caller (rx_a=${rx_a:-none})" [ "${rx_a:-0}" -gt 0 ]
check "transcode: no frame failed its check (corrupt=$(field "$line" corrupt))" [ "$(field "$line" corrupt)" = 0 ]
check "transcode: calls per core reported" grep -q '^rtpload transcode .*two_way_calls_per_core=' "$tmp/transcode.log"

pid=$rtpe_pid
kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rtpe_pid=
check "rtpengine gone after SIGTERM" [ ! -d "/proc/$pid" ]
echo "1..$n"
[ $fail -eq 0 ]
