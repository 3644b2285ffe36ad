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
# run through mrelay-dataplane (flows programmed with mrelay-flowctl), and
# the media scenarios through it: RTP->SRTP and SRTP->SRTP re-keying (the
# generator programs the flows with keys of its own and decrypts what comes
# back with libsrtp) and PCMU<->Opus transcoding (decoded with libopus).
# Over macswap the SRTP checker must count exactly the tags it was sent
# corrupted; through the relay, corrupted tags and withheld frames must be
# exactly the frames lost, and the relay's srtp-auth counter the tags.
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

# A condition of several tests goes in one string: check DESC eval '[ A ] && [ B ]'.
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
check "clean run: every frame verified (rx=${rx:-none})" eval '[ -n "$rx" ] && [ "$rx" = "$tx" ]'
for k2 in lost corrupt hdr_err misdirected dup; do
  v=$(field "$line" $k2)
  check "clean run: $k2=0 (got ${v:-none})" [ "${v:-x}" = 0 ]
done
p50=$(field "$line" lat_p50_ns)
check "clean run: latency recorded (p50 ${p50:-none} ns)" eval '[ -n "$p50" ] && [ "$p50" != 0 ]'
check "clean run: warm-up answered by every flow" \
  grep -q '^mrgen trial phase=warmup .* rx=100 .*pass=1' "$tmp/clean.log"

# 2. Frames built but not sent: lost must equal exactly those.
rungen drop -m macswap -n 100 -r 5000 --drain-ms 3000 -d 1 --fault-drop 997
inj=$(field "$line" inj_drop); lost=$(field "$line" lost)
check "drop run: frames withheld (inj_drop=${inj:-none})" [ "${inj:-0}" -gt 0 ]
check "drop run: lost == withheld (lost=${lost:-none})" eval '[ -n "$lost" ] && [ "$lost" = "$inj" ]'
check "drop run: sequence gaps seen" [ "$(field "$line" gaps)" -gt 0 ]
check "drop run: nothing reported corrupt" [ "$(field "$line" corrupt)" = 0 ]
check "drop run: exit status says the trial failed" [ $rc -eq 3 ]

# 3. A payload byte flipped after the CRC (UDP checksum still right).
rungen corrupt -m macswap -n 100 -r 5000 --drain-ms 3000 -d 1 --fault-corrupt 1009
inj=$(field "$line" inj_corrupt); cor=$(field "$line" corrupt)
check "corrupt run: payloads corrupted (inj_corrupt=${inj:-none})" [ "${inj:-0}" -gt 0 ]
check "corrupt run: corrupt == injected (corrupt=${cor:-none})" eval '[ -n "$cor" ] && [ "$cor" = "$inj" ]'
check "corrupt run: nothing lost" [ "$(field "$line" lost)" = 0 ]
check "corrupt run: exit status says the trial failed" [ $rc -eq 3 ]

# 4. Frames of the right payload on the wrong addresses: macswap returns
# them towards the relay's addresses, which relay mode must reject.
rungen wrongflow -m relay --dut-mac 02:00:00:00:00:01 --no-warmup -n 100 -r 5000 --drain-ms 3000 -d 1
tx=$(field "$line" tx); mis=$(field "$line" misdirected)
check "relay mode over macswap: every frame misdirected (${mis:-none} of ${tx:-none})" \
  eval '[ -n "$mis" ] && [ "$mis" = "$tx" ] && [ "$tx" -gt 0 ]'



# 5. The SRTP checker over macswap: frames protected with the key expected
# back, a tag byte flipped in 1 of 997 (UDP checksum off for those).
rungen srtpcheck -m macswap --scenario srtp-srtp --verify-every 1 --fault-tag 997 \
  -n 100 -r 5000 --drain-ms 3000 -d 1
inj=$(field "$line" inj_tag); au=$(field "$line" auth_fail)
check "srtp checker: tags corrupted (inj_tag=${inj:-none})" [ "${inj:-0}" -gt 0 ]
check "srtp checker: auth_fail == corrupted tags (auth_fail=${au:-none})" eval '[ -n "$au" ] && [ "$au" = "$inj" ]'
check "srtp checker: every other frame decrypted and verified" \
  eval '[ "$(field "$line" verified)" = "$(( $(field "$line" tx) ))" ] && [ "$(field "$line" rx)" = "$(( $(field "$line" tx) - inj ))" ]'
check "srtp checker: nothing lost or corrupt" eval '[ "$(field "$line" lost)" = 0 ] && [ "$(field "$line" corrupt)" = 0 ]'
check "srtp checker: exit status says the trial failed" [ $rc -eq 3 ]

# 6. The relay: mrelay-dataplane as the memif server, 100 flows programmed
# through its shm ring, relayed back to the generator's addresses.
# dp_start NAME: a fresh dataplane (instance ${tag}NAME); 0 once it acks.
dp_start() {
  inst=${tag}$1
  cat >"$tmp/dp.ini" <<INI
[dataplane]
instance = $inst
workers = 0
flows = 4096
transcoders = 128
[interface media]
device = net_memif0,role=server,$memif
address = 198.18.0.1/24
INI
  rm -f "$sock"
  taskset -c $cpu_dut "$dp" -c "$tmp/dp.ini" -i "$inst" -- -l $cpu_dut \
    --file-prefix "${tag}$1" "${eal_common[@]}" >"$tmp/dp-$1.log" 2>&1 &
  dp_pid=$!
  for _ in $(seq 300); do
    "$flowctl" -i "$inst" -w 1000 hello >/dev/null 2>&1 && return 0
    kill -0 "$dp_pid" 2>/dev/null || break
    sleep 0.1
  done
  return 1
}
# dp_stop: SIGTERM; its exit status in dp_rc.
dp_stop() {
  kill -TERM "$dp_pid" 2>/dev/null; wait "$dp_pid"; dp_rc=$?; dp_pid=
}
# drop_count REASON: the dataplane's counter of that drop reason.
drop_count() { "$flowctl" -i "$inst" drops | awk -v r="$1" '$2 == r { print $3 }'; }

if [ -z "$dp" ] || [ -z "$flowctl" ]; then
  skip "relay run: no mrelay-dataplane / mrelay-flowctl given"
else
  dp_start dp
  check "mrelay-dataplane up (shm hello acked)" [ $? -eq 0 ]
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
  check "relay run: every frame relayed and verified (rx=${rx:-none})" eval '[ -n "$rx" ] && [ "$rx" = "$tx" ]'
  for k2 in lost corrupt hdr_err misdirected dup; do
    v=$(field "$line" $k2)
    check "relay run: $k2=0 (got ${v:-none})" [ "${v:-x}" = 0 ]
  done
  check "relay run: the relay's MAC resolved and every flow answered the warm-up" \
    grep -q '^mrgen trial phase=warmup .* rx=100 .*pass=1' "$tmp/relay.log"
  dp_stop
  check "mrelay-dataplane exits 0 on SIGTERM" [ $dp_rc -eq 0 ]

  # 7. RTP in, SRTP back: every frame decrypted (independent libsrtp) and
  # its stamp and payload CRC verified.
  dp_start rs || echo "# dataplane rs did not start"
  rungen relay --program "$inst" --scenario rtp-srtp --verify-every 1 -n 100 -r 5000 --drain-ms 3000 -d 2
  tx=$(field "$line" tx); rx=$(field "$line" rx)
  check "rtp->srtp: the generator programmed 100 flows with its keys" \
    grep -q '^mrgen program .* flows=100 scenario=rtp-srtp' "$tmp/relay.log"
  check "rtp->srtp: every frame back (rx=${rx:-none} of ${tx:-none})" eval '[ "${tx:-0}" -gt 0 ] && [ "$rx" = "$tx" ]'
  check "rtp->srtp: every frame decrypted and verified (verified=$(field "$line" verified))" \
    eval '[ "$(field "$line" verified)" = "$tx" ] && [ "$(field "$line" auth_fail)" = 0 ] && [ "$(field "$line" corrupt)" = 0 ]'
  dp_stop

  # 8. SRTP->SRTP re-keying with faults: 1 in 997 tags corrupted (the relay
  # must drop exactly those, as srtp-auth) and 1 in 1009 frames withheld.
  dp_start ss || echo "# dataplane ss did not start"
  rungen relay --program "$inst" --scenario srtp-srtp --verify-every 1 --fault-tag 997 --fault-drop 1009 \
    -n 100 -r 5000 --drain-ms 3000 -d 2
  inj=$(field "$line" inj_tag); wd=$(field "$line" inj_drop); lost=$(field "$line" lost)
  check "srtp->srtp: tags corrupted and frames withheld (inj_tag=${inj:-none} inj_drop=${wd:-none})" \
    eval '[ "${inj:-0}" -gt 0 ] && [ "${wd:-0}" -gt 0 ]'
  check "srtp->srtp: lost == corrupted + withheld (lost=${lost:-none})" eval '[ -n "$lost" ] && [ "$lost" = $((inj + wd)) ]'
  check "srtp->srtp: the relay counted the corrupted tags as srtp-auth ($(drop_count srtp-auth))" \
    [ "$(drop_count srtp-auth)" = "$inj" ]
  check "srtp->srtp: every frame back decrypted with K2 (verified=$(field "$line" verified) rx=$(field "$line" rx))" \
    eval '[ "$(field "$line" verified)" = "$(field "$line" rx)" ] && [ "$(field "$line" auth_fail)" = 0 ] && [ "$(field "$line" corrupt)" = 0 ]'
  check "srtp->srtp: exit status says the trial failed" [ $rc -eq 3 ]
  dp_stop

  # 9. Transcoding: 50 two-way calls (PCMU->Opus, Opus->PCMU), 50 frames/s
  # a flow; every frame back in sequence, every Opus frame decoded.
  dp_start xc || echo "# dataplane xc did not start"
  rungen relay --program "$inst" --scenario transcode --verify-every 1 -n 100 -r 5000 --drain-ms 3000 -d 2
  tx=$(field "$line" tx); rx=$(field "$line" rx)
  check "transcode: every frame back (rx=${rx:-none} of ${tx:-none})" eval '[ "${tx:-0}" -gt 0 ] && [ "$rx" = "$tx" ]'
  check "transcode: in sequence, decodable (gaps=$(field "$line" gaps) undecodable=$(field "$line" undecodable) verified=$(field "$line" verified))" \
    eval '[ "$(field "$line" gaps)" = 0 ] && [ "$(field "$line" undecodable)" = 0 ] && [ "$(field "$line" verified)" = "$tx" ]'
  dp_stop
fi

echo "1..$n"
[ $fail -eq 0 ]
