#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Smoke run of the benchmark's generator (mrelay-gen) on a net_memif wire:
# against dpdk-testpmd --forward-mode=macswap at a low rate it must get every
# frame back verified; then the checker must report exactly the frames the
# generator deliberately dropped or corrupted, and reject frames that come
# back for the wrong flow. Counts only: a test never asserts a time.
# Runs without hugepages (--no-huge: memif's copy mode shares memfd regions).
#
# With the dataplane given, the same generator then checks a short relay
# run through mrelay-dataplane (flows programmed with mrelay-flowctl).
#
#   test_bench_smoke.sh MRELAY-GEN [MRELAY-DATAPLANE MRELAY-FLOWCTL]
set -u
gen=$1
dp=${2:-}
flowctl=${3:-}
n=0; fail=0
ok() { n=$((n+1)); echo "ok $n - $*"; }
nok() { n=$((n+1)); fail=$((fail+1)); echo "not ok $n - $*"; }
skip() { n=$((n+1)); echo "ok $n - $* # skip"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }

# field LINE KEY: the value of KEY=... in a "mrgen trial" line.
field() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p" | head -n1; }

testpmd=$(command -v dpdk-testpmd || true)
if [ -z "$testpmd" ]; then
  skip "dpdk-testpmd not installed (Debian package dpdk)"
  echo "1..$n"; exit 0
fi

tmp=$(mktemp -d /tmp/mrelay-bench-smoke.XXXXXX)
sock=$tmp/memif.sock
tag=mrsmoke$$
tp_pid=
dp_pid=
cleanup() {
  [ -n "$tp_pid" ] && kill -INT "$tp_pid" 2>/dev/null && wait "$tp_pid" 2>/dev/null
  [ -n "$dp_pid" ] && kill -TERM "$dp_pid" 2>/dev/null && wait "$dp_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
[ -n "${MRELAY_KEEP_TMP:-}" ] && trap - EXIT

# Both processes busy-poll: one core each when there are two.
cpu_dut=0; cpu_gen=$(( $(nproc) > 1 ? 1 : 0 ))
eal_common=(--no-huge --no-shconf -m 256 --no-pci --log-level=pmd.net.memif:error)
memif="socket=$sock,socket-abstract=no,rsize=14"

# testpmd reads stdin until EOF after starting: keep it open with a fifo.
# A fresh testpmd for every generator run: a memif server sometimes stops
# accepting after its client left.
tp_start() {
  rm -f "$sock" "$tmp/stdin"
  mkfifo "$tmp/stdin"
  taskset -c $cpu_dut stdbuf -oL "$testpmd" --lcores "0@$cpu_dut,1@$cpu_dut" --file-prefix "${tag}tp$k" \
    "${eal_common[@]}" --vdev "net_memif0,role=server,$memif" -- \
    --forward-mode=macswap --nb-cores=1 --total-num-mbufs=16384 --disable-link-check \
    <"$tmp/stdin" >"$tmp/testpmd$k.log" 2>&1 &
  tp_pid=$!
  exec 9>"$tmp/stdin"
  # Forwarding has started once testpmd asks for the key that stops it.
  for _ in $(seq 300); do grep -q 'Press enter to exit' "$tmp/testpmd$k.log" && return 0; sleep 0.1; done
  return 1
}
tp_stop() {
  exec 9>&-
  wait "$tp_pid" 2>/dev/null; tp_pid=
}

# rungen NAME GEN-ARGS...: one generator run; its trial line in $line.
k=0
rungen() {
  local name=$1; shift
  k=$((k+1))
  if [ "$name" != relay ]; then
    tp_start || echo "# testpmd for $name did not start"
  fi
  taskset -c $cpu_gen timeout 60 "$gen" "$@" -- -l $cpu_gen --file-prefix "${tag}g$k" \
    "${eal_common[@]}" --vdev "net_memif0,role=client,$memif" >"$tmp/$name.log" 2>&1
  rc=$?
  [ "$name" != relay ] && tp_stop
  line=$(grep '^mrgen trial phase=trial' "$tmp/$name.log" | tail -n1)
  if [ -z "$line" ]; then
    echo "# $name: no trial line (exit $rc); log follows"
    sed 's/^/#   /' "$tmp/$name.log" | tail -n 20
  fi
}

# 1. A clean run: every frame comes back and verifies.
rungen clean -m macswap -n 100 -r 5000 --drain-ms 3000 -d 2
tx=$(field "$line" tx); rx=$(field "$line" rx)
check "clean run: frames sent (tx=${tx:-none})" [ "${tx:-0}" -gt 0 ]
check "clean run: every frame verified (rx=${rx:-none})" [ -n "$rx" ] && [ "$rx" = "$tx" ]
for k2 in lost corrupt hdr_err misdirected dup; do
  v=$(field "$line" $k2)
  check "clean run: $k2=0 (got ${v:-none})" [ "${v:-x}" = 0 ]
done
p50=$(field "$line" lat_p50_ns)
check "clean run: latency recorded (p50 ${p50:-none} ns)" [ -n "$p50" ] && [ "$p50" != 0 ]
check "clean run: warm-up answered by every flow" \
  grep -q '^mrgen trial phase=warmup .* rx=100 .*pass=1' "$tmp/clean.log"

# 2. Frames built but not sent: lost must equal exactly those.
rungen drop -m macswap -n 100 -r 5000 --drain-ms 3000 -d 1 --fault-drop 997
inj=$(field "$line" inj_drop); lost=$(field "$line" lost)
check "drop run: frames withheld (inj_drop=${inj:-none})" [ "${inj:-0}" -gt 0 ]
check "drop run: lost == withheld (lost=${lost:-none})" [ -n "$lost" ] && [ "$lost" = "$inj" ]
check "drop run: sequence gaps seen" [ "$(field "$line" gaps)" -gt 0 ]
check "drop run: nothing reported corrupt" [ "$(field "$line" corrupt)" = 0 ]
check "drop run: exit status says the trial failed" [ $rc -eq 3 ]

# 3. A payload byte flipped after the CRC (UDP checksum still right).
rungen corrupt -m macswap -n 100 -r 5000 --drain-ms 3000 -d 1 --fault-corrupt 1009
inj=$(field "$line" inj_corrupt); cor=$(field "$line" corrupt)
check "corrupt run: payloads corrupted (inj_corrupt=${inj:-none})" [ "${inj:-0}" -gt 0 ]
check "corrupt run: corrupt == injected (corrupt=${cor:-none})" [ -n "$cor" ] && [ "$cor" = "$inj" ]
check "corrupt run: nothing lost" [ "$(field "$line" lost)" = 0 ]
check "corrupt run: exit status says the trial failed" [ $rc -eq 3 ]

# 4. Frames of the right payload on the wrong addresses: macswap returns
# them towards the relay's addresses, which relay mode must reject.
rungen wrongflow -m relay --dut-mac 02:00:00:00:00:01 --no-warmup -n 100 -r 5000 --drain-ms 3000 -d 1
tx=$(field "$line" tx); mis=$(field "$line" misdirected)
check "relay mode over macswap: every frame misdirected (${mis:-none} of ${tx:-none})" \
  [ -n "$mis" ] && [ "$mis" = "$tx" ] && [ "$tx" -gt 0 ]



# 5. The relay: mrelay-dataplane as the memif server, 100 flows programmed
# through its shm ring, relayed back to the generator's addresses.
if [ -z "$dp" ] || [ -z "$flowctl" ]; then
  skip "relay run: no mrelay-dataplane / mrelay-flowctl given"
else
  inst=${tag}dp
  cat >"$tmp/dp.ini" <<INI
[dataplane]
instance = $inst
workers = 0
flows = 4096
[interface media]
device = net_memif0,role=server,$memif
address = 198.18.0.1/24
INI
  rm -f "$sock"
  taskset -c $cpu_dut "$dp" -c "$tmp/dp.ini" -i "$inst" -- -l $cpu_dut \
    --file-prefix "${tag}dp" "${eal_common[@]}" >"$tmp/dp.log" 2>&1 &
  dp_pid=$!
  up=1
  for _ in $(seq 300); do
    "$flowctl" -i "$inst" -w 1000 hello >/dev/null 2>&1 && { up=0; break; }
    kill -0 "$dp_pid" 2>/dev/null || break
    sleep 0.1
  done
  check "mrelay-dataplane up (shm hello acked)" [ $up -eq 0 ]
  {
    echo "pipeline on"
    for i in $(seq 0 99); do
      echo "add id=$i local=198.18.0.1:$((10000 + i)) src=198.18.0.1:$((10000 + i)) dst=198.18.0.2:$((10000 + i))"
    done
    echo "barrier"
  } >"$tmp/flows.txt"
  "$flowctl" -i "$inst" -w 20000 -f "$tmp/flows.txt" >"$tmp/flowctl.log" 2>&1
  check "100 flows programmed and acked" [ $? -eq 0 ]
  rungen relay -m relay -n 100 -r 5000 --drain-ms 3000 -d 2
  tx=$(field "$line" tx); rx=$(field "$line" rx)
  check "relay run: frames sent (tx=${tx:-none})" [ "${tx:-0}" -gt 0 ]
  check "relay run: every frame relayed and verified (rx=${rx:-none})" [ -n "$rx" ] && [ "$rx" = "$tx" ]
  for k2 in lost corrupt hdr_err misdirected dup; do
    v=$(field "$line" $k2)
    check "relay run: $k2=0 (got ${v:-none})" [ "${v:-x}" = 0 ]
  done
  check "relay run: the relay's MAC resolved and every flow answered the warm-up" \
    grep -q '^mrgen trial phase=warmup .* rx=100 .*pass=1' "$tmp/relay.log"
  kill -TERM "$dp_pid" 2>/dev/null; wait "$dp_pid"; rc=$?; dp_pid=
  check "mrelay-dataplane exits 0 on SIGTERM" [ $rc -eq 0 ]
fi

echo "1..$n"
[ $fail -eq 0 ]
