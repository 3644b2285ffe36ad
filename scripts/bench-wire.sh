# SPDX-License-Identifier: BSD-3-Clause
# The wire scenarios of scripts/bench (sourced by it; uses its $B, $quick,
# $flows_list, $trial_s, $tolerance and appends to its rows array).
#
# mrelay-gen runs on one core as a net_memif client; the device under test
# (DUT) runs on the other core as the memif server. For each flow count:
#   - dpdk-testpmd --forward-mode=macswap: the ceiling of this wire and
#     generator (it touches nothing but the MAC addresses);
#   - mrelay-dataplane relaying the same flows (programmed over its shm
#     command ring), when it is built.
# Each gets an RFC 2544 throughput search (zero loss, or --tolerance) and
# latency at 50% and 90% of the rate found. The DUT busy-polls its core,
# so its rate is its rate per core; the CPU share it actually got is printed.

wire_notes=()
wire_gen_extra=()	# more generator options for wire_search (media scenarios)

# wire_dut_cpu PID: user+system clock ticks of a process so far.
wire_dut_cpu() {
  awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# wire_testpmd_start DIR: dpdk-testpmd macswap as the memif server.
wire_testpmd_start() {
  local dir=$1
  rm -f "$dir/stdin" "$wire_sock"
  wire_dut_inst=""
  mkfifo "$dir/stdin"
  taskset -c "$wire_cpu_dut" stdbuf -oL "$wire_testpmd" --lcores "0@$wire_cpu_dut,1@$wire_cpu_dut" \
    --file-prefix "mrbench-tp$$" "${wire_eal[@]}" -m 512 \
    --vdev "net_memif0,role=server,$wire_memif" -- \
    --forward-mode=macswap --nb-cores=1 --rxd=1024 --txd=1024 --total-num-mbufs=32768 --disable-link-check \
    <"$dir/stdin" >"$dir/dut.log" 2>&1 &
  wire_dut_pid=$!
  exec 8>"$dir/stdin"
  for _ in $(seq 300); do
    grep -q 'Press enter to exit' "$dir/dut.log" && return 0
    kill -0 "$wire_dut_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "scripts/bench: testpmd did not start; its log:" >&2
  tail -n 20 "$dir/dut.log" >&2
  return 1
}

# wire_dut_gaps: "GAPS MAX_US" of the mrelay DUT's forwarding lcore (loops
# longer than 50 us: its core taken away, or its own work ran long), or
# nothing when the DUT is not mrelay.
wire_dut_gaps() {
  [ -n "${wire_dut_inst:-}" ] && [ -x "${wire_flowctl:-}" ] || return 0
  "$wire_flowctl" -i "$wire_dut_inst" -w 1000 workers 2>/dev/null |
    awk '/^worker 0 / { for (i = 3; i <= NF; i++) { split($i, a, "="); v[a[1]] = a[2] }
      print v["poll_gaps"] + 0, v["poll_gap_max_us"] + 0 }'
}

wire_testpmd_stop() {
  exec 8>&-
  wait "$wire_dut_pid" 2>/dev/null
}

# The flow plan mrelay-gen verifies: flow i is port 10000 + i % 50000 of
# the relay's address 198.18.0.(1 + i / 50000) and of the generator's
# 198.18.0.(101 + i / 50000); 1,000,000 flows take 20 addresses of each.
wire_ppa=50000
wire_plan=(--dut-ip 198.18.0.1 --gen-ip 198.18.0.101 --ports-per-addr "$wire_ppa")

# wire_dp_mem FLOWS: MiB of DPDK memory mrelay-dataplane takes for a flow
# table of FLOWS capacity (about 340 MiB per million slots: bench-relay measured 707 MiB of heap at
# 2,097,152 slots, mbufs and rings included), plus 256 MiB for the memif port.
wire_dp_mem() {
  awk -v c="$1" 'BEGIN { m = 256 + int(c * 340 / 1048576); print (m < 512 ? 512 : m) }'
}

# wire_relay_start DIR FLOWS: mrelay-dataplane as the memif server, one
# forwarding core (workers = 0: the main lcore forwards), and FLOWS flows
# programmed through its shm command ring with mrelay-flowctl (the plan
# above: flow i receives on the relay's address and port and sends from
# there to the generator's). Sets w_prog (flows programmed per second, acks
# included).
wire_relay_start() {
  local dir=$1 flows=$2 cap=4096 inst=mrbench$$ i t0 t1 out naddr
  wire_relay_why=""
  if [ ! -x "$wire_dp" ] || [ ! -x "$wire_flowctl" ]; then
    wire_relay_why="mrelay-dataplane or mrelay-flowctl not built"
    return 1
  fi
  naddr=$(( (flows + wire_ppa - 1) / wire_ppa ))
  if [ "$naddr" -gt 99 ]; then
    wire_relay_why="$flows flows need $naddr addresses; the plan has room for 99"
    return 1
  fi
  while [ $cap -lt $((2 * flows)) ]; do cap=$((cap * 2)); done
  rm -f "$wire_sock"	# a memif server's socket may outlive it
  cat >"$dir/dp.ini" <<INI
[dataplane]
instance = $inst
workers = 0
flows = $cap
[interface media]
device = net_memif0,role=server,$wire_memif
address-range = 198.18.0.1-198.18.0.$naddr/24
INI
  wire_dut_inst=$inst
  taskset -c "$wire_cpu_dut" "$wire_dp" -c "$dir/dp.ini" -i "$inst" -- \
    -l "$wire_cpu_dut" --file-prefix "mrbench-dp$$" "${wire_eal[@]}" -m "$(wire_dp_mem "$cap")" \
    >"$dir/dut.log" 2>&1 &
  wire_dut_pid=$!
  for i in $(seq 300); do
    "$wire_flowctl" -i "$inst" -w 1000 hello >/dev/null 2>&1 && break
    if ! kill -0 "$wire_dut_pid" 2>/dev/null; then
      wire_relay_why="mrelay-dataplane exited: $(tail -n1 "$dir/dut.log")"
      return 1
    fi
    sleep 0.1
  done
  {
    echo "pipeline on"
    awk -v n="$flows" -v k="$wire_ppa" 'BEGIN { for (i = 0; i < n; i++) {
      a = int(i / k); p = 10000 + i % k
      printf "add id=%d local=198.18.0.%d:%d src=198.18.0.%d:%d dst=198.18.0.%d:%d\n", i, 1 + a, p, 1 + a, p, 101 + a, p } }'
    echo "barrier"
  } >"$dir/flows.txt"
  t0=$(date +%s.%N)
  out=$("$wire_flowctl" -i "$inst" -w 120000 -f "$dir/flows.txt" 2>&1)
  local rc=$?
  t1=$(date +%s.%N)
  if [ $rc -ne 0 ]; then
    wire_relay_why="programming $flows flows failed: $(tail -n1 <<<"$out")"
    wire_relay_stop
    return 1
  fi
  w_prog=$(awk -v n="$flows" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
  return 0
}

wire_relay_stop() {
  kill -TERM "$wire_dut_pid" 2>/dev/null
  for _ in $(seq 100); do kill -0 "$wire_dut_pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$wire_dut_pid" 2>/dev/null
  wait "$wire_dut_pid" 2>/dev/null
}

# wire_gen_run LOG MODE FLOWS ARGS...: mrelay-gen on its core against the
# started DUT, the flow plan above, ARGS before the EAL part; output to LOG.
wire_gen_run() {
  local log=$1 mode=$2 flows=$3
  shift 3
  taskset -c "$wire_cpu_gen" "$wire_gen" -m "$mode" -n "$flows" "${wire_plan[@]}" "$@" -- \
    -l "$wire_cpu_gen" --file-prefix "mrbench-gen$$" "${wire_eal[@]}" -m 512 \
    --vdev "net_memif0,role=client,$wire_memif" >"$log" 2>&1
}

# wire_lat3 PREFIX [PASS-KEY] < LINE: "p50/p99/p99.9" in us of PREFIX_p50_ns,
# PREFIX_p99_ns and PREFIX_p999_ns of an mrgen line; "-" when PASS-KEY is
# given and not 1.
wire_lat3() {
  awk -v p="$1" -v k="${2:-}" '{ for (i = 1; i <= NF; i++) { split($i, a, "="); v[a[1]] = a[2] }
    if (k != "" && v[k] != 1) { print "-"; exit }
    printf "%.1f/%.1f/%.1f", v[p "_p50_ns"] / 1000, v[p "_p99_ns"] / 1000, v[p "_p999_ns"] / 1000 }'
}

# wire_cpu_pct C0 C1 T0 T1: % of one core a process used between two
# readings of wire_dut_cpu (clock ticks) at wall-clock times T0 and T1.
wire_cpu_pct() {
  awk -v c0="$1" -v c1="$2" -v t0="$3" -v t1="$4" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.0f", 100 * (c1 - c0) / hz / (t1 - t0) }'
}

# wire_search DUT FLOWS MODE: runs the generator's search against a started
# DUT; sets w_tput (pps), w_l50 / w_l90 ("p50/p99/p99.9" in us), w_cpu (% of
# the DUT core it used), w_note.
wire_search() {
  local dut=$1 flows=$2 mode=$3 log=$wire_dir/gen-$1-$2.log
  local c0 c1 t0 t1 res g0 g1
  g0=$(wire_dut_gaps)
  c0=$(wire_dut_cpu "$wire_dut_pid"); t0=$(date +%s.%N)
  wire_gen_run "$log" "$mode" "$flows" --search -d "$wire_trial" --tolerance "$tolerance" \
    --precision 0.02 "${wire_gen_extra[@]}"
  c1=$(wire_dut_cpu "$wire_dut_pid"); t1=$(date +%s.%N)
  g1=$(wire_dut_gaps)
  res=$(grep '^mrgen result' "$log" | tail -n1)
  w_tput=""; w_l50="-"; w_l90="-"; w_cpu="-"; w_note=""
  if [ -z "$res" ]; then
    w_note="$dut $flows flows: no result (log: $log)"
    return 1
  fi
  w_tput=$(tr ' ' '\n' <<<"$res" | sed -n 's/^throughput_pps=//p')
  w_calls=$(tr ' ' '\n' <<<"$res" | sed -n 's/^calls=//p')
  w_protect=$(sed -n 's/^mrgen start .* gen_protect_ns=\([0-9.]*\).*/\1/p' "$log" | head -n1)
  w_l50=$(wire_lat3 l50 <<<"$res")
  w_l90=$(wire_lat3 l90 <<<"$res")
  w_cpu=$(wire_cpu_pct "$c0" "$c1" "$t0" "$t1")
  local trials stalls maxloop shifted
  trials=$(grep -c '^mrgen trial phase=\(max\|search\|latency\)' "$log")
  stalls=$(sed -n 's/^mrgen trial .* stalls=\([0-9]*\) .*/\1/p' "$log" | awk '{ s += $1 } END { print s + 0 }')
  maxloop=$(sed -n 's/^mrgen trial .* max_loop_us=\([0-9]*\) .*/\1/p' "$log" | sort -n | tail -n1)
  shifted=$(sed -n 's/^mrgen trial .* shifted_us=\([0-9]*\) .*/\1/p' "$log" | awk '{ s += $1 } END { printf "%.1f", s / 1000 }')
  w_note="$dut, $flows flows: $trials trials, DUT core busy ${w_cpu}% of the time, generator lost its core $stalls times for >50 us (longest ${maxloop:-0} us; its schedule resumed ${shifted} ms later in all, without a catch-up burst)"
  if [ -n "$g0" ] && [ -n "$g1" ]; then
    w_note+="; the DUT's forwarding loop took >50 us $(( ${g1% *} - ${g0% *} )) times (longest since start ${g1#* } us)"
  fi
  return 0
}

# wire_maxrate DUT FLOWS MODE: one trial as fast as the wire takes frames,
# bracketed by the DUT's CPU time: sets w_max (frames/s verified back),
# w_max_cpu (% of its core the DUT got) and w_percpu (frames per second of
# DUT CPU time: the figure that holds when the machine is shared).
wire_maxrate() {
  local dut=$1 flows=$2 mode=$3 log=$wire_dir/max-$1-$2.log c0 c1 t0 t1 line
  c0=$(wire_dut_cpu "$wire_dut_pid"); t0=$(date +%s.%N)
  wire_gen_run "$log" "$mode" "$flows" -r 0 -d "$wire_trial"
  c1=$(wire_dut_cpu "$wire_dut_pid"); t1=$(date +%s.%N)
  line=$(grep '^mrgen trial phase=trial' "$log" | tail -n1)
  w_max=$(tr ' ' '\n' <<<"$line" | sed -n 's/^rx_pps=//p')
  w_max_cpu=$(wire_cpu_pct "$c0" "$c1" "$t0" "$t1")
  w_percpu=$(awk -v r="${w_max:-0}" -v c="$w_max_cpu" 'BEGIN { if (c > 0) printf "%.0f", r * 100 / c; else print 0 }')
}

# wire_latency DUT FLOWS MODE PPS: one trial at PPS against a started DUT;
# sets w_lat ("p50/p99/p99.9" in us, "-" when the trial lost frames).
wire_latency() {
  local dut=$1 flows=$2 mode=$3 pps=$4 log=$wire_dir/lat-$1-$2-$4.log line
  wire_gen_run "$log" "$mode" "$flows" -r "$pps" -d "$wire_trial"
  line=$(grep '^mrgen trial phase=trial' "$log" | tail -n1)
  w_lat=$(wire_lat3 lat pass <<<"$line")
  [ -n "$w_lat" ] || w_lat="-"
}

# wire_percpu LOG PHASE: in w_pc, frames verified back per second of CPU
# time the DUT got in the first trial of PHASE (mrelay-gen --dut-pid); in
# w_pc_pass whether that trial lost nothing.
wire_percpu() {
  local line
  line=$(grep "^mrgen trial phase=$2 " "$1" | head -n1)
  w_pc_pass=$(tr ' ' '\n' <<<"$line" | sed -n 's/^pass=//p')
  w_pc=$(awk '{ for (i = 1; i <= NF; i++) { split($i, a, "="); v[a[1]] = a[2] }
    if (v["dut_cpu_ms"] > 0) printf "%.0f", v["rx"] * 1000 / v["dut_cpu_ms"] }' <<<"$line")
}

wire_mpps() { awk -v p="${1:-0}" 'BEGIN { printf "%.2f Mpps", p / 1e6 }'; }

# wire_media_start DIR FLOWS: mrelay-dataplane as the memif server with room
# for FLOWS flows and transcoders and nothing programmed: mrelay-gen
# --program $wire_inst installs the flows with the keys it chose.
wire_media_start() {
  local dir=$1 flows=$2 cap=4096 i
  wire_relay_why=""
  wire_inst=mrbenchm$$
  if [ ! -x "$wire_dp" ]; then
    wire_relay_why="mrelay-dataplane not built"
    return 1
  fi
  while [ $cap -lt $((2 * flows)) ]; do cap=$((cap * 2)); done
  rm -f "$wire_sock"
  cat >"$dir/dp.ini" <<INI
[dataplane]
instance = $wire_inst
workers = 0
flows = $cap
transcoders = $flows
[interface media]
device = net_memif0,role=server,$wire_memif
address = 198.18.0.1/24
INI
  wire_dut_inst=$wire_inst
  taskset -c "$wire_cpu_dut" "$wire_dp" -c "$dir/dp.ini" -i "$wire_inst" -- \
    -l "$wire_cpu_dut" --file-prefix "mrbench-dpm$$" "${wire_eal[@]}" -m "$(wire_dp_mem "$cap")" \
    >"$dir/dut.log" 2>&1 &
  wire_dut_pid=$!
  for i in $(seq 300); do
    [ -e "/dev/shm/mrelay-$wire_inst" ] && return 0
    if ! kill -0 "$wire_dut_pid" 2>/dev/null; then
      wire_relay_why="mrelay-dataplane exited: $(tail -n1 "$dir/dut.log")"
      return 1
    fi
    sleep 0.1
  done
  wire_relay_why="mrelay-dataplane did not create its shm region"
  wire_relay_stop
  return 1
}

# bench_wire_srtp: RTP->SRTP and SRTP->SRTP re-keying through the relay
# (AES_CM_128_HMAC_SHA1_80, per-flow keys the generator chose), beside
# testpmd macswap carrying the same SRTP frames (the generator checks them
# the same way) and libsrtp's protect rate measured by the generator.
bench_wire_srtp() {
  bench_wire_setup || return
  local f=${flows_list%%,*} scen tp tpp tpc mr mrp mrc ratio label
  [ -n "$flows_list" ] || f=1000
  wire_notes+=("SRTP on the wire: 224-byte frames, frames needing a tag protected before each trial (at most 2^20, the rest on the send path: inline_built in the logs); 1 in 16 received frames decrypted with libsrtp and its stamp and CRC checked, the sequence of all")
  for scen in rtp-srtp srtp-srtp; do
    label="RTP->SRTP"; [ $scen = srtp-srtp ] && label="SRTP->SRTP rekey"
    tp=""; tpp=""
    tpc=""; mrc=""
    if [ -n "$wire_testpmd" ] && wire_testpmd_start "$wire_dir"; then
      wire_gen_extra=(--scenario "$scen" --dut-pid "$wire_dut_pid")
      wire_search "testpmd-$scen" "$f" macswap
      tp=$w_tput; tpp=$w_protect
      wire_percpu "$wire_dir/gen-testpmd-$scen-$f.log" max; tpc=$w_pc
      wire_notes+=("$w_note")
      wire_testpmd_stop
    fi
    mr=""; mrp=""
    if wire_media_start "$wire_dir" "$f"; then
      wire_gen_extra=(--scenario "$scen" --program "$wire_inst" --dut-pid "$wire_dut_pid")
      wire_search "mrelay-$scen" "$f" relay
      mr=$w_tput; mrp=$w_protect
      wire_percpu "$wire_dir/gen-mrelay-$scen-$f.log" max; mrc=$w_pc
      wire_notes+=("$w_note")
      wire_relay_stop
    else
      wire_notes+=("mrelay $scen: not run: $wire_relay_why")
    fi
    wire_gen_extra=()
    ratio=-
    [ -n "$mr" ] && [ -n "$tp" ] && ratio=$(awk -v m="$mr" -v t="$tp" 'BEGIN { if (t > 0) printf "%.2fx", m / t }')
    rows+=("$label memif|$f flows, zero loss|$( [ -n "$mr" ] && wire_mpps "$mr" || echo "not run")|testpmd macswap: $( [ -n "$tp" ] && wire_mpps "$tp" || echo "n/a")|$ratio")
    ratio=-
    [ -n "$mrc" ] && [ -n "$tpc" ] && ratio=$(awk -v m="$mrc" -v t="$tpc" 'BEGIN { if (t > 0) printf "%.2fx", m / t }')
    rows+=("  per DUT CPU-second|$f flows, max-rate trial|$( [ -n "$mrc" ] && wire_mpps "$mrc" || echo "n/a")|testpmd: $( [ -n "$tpc" ] && wire_mpps "$tpc" || echo "n/a")|$ratio")
    local p=${mrp:-$tpp}
    [ -n "$p" ] && [ "$p" != 0 ] &&
      rows+=("  libsrtp raw protect|same run, generator core|$(awk -v n="$p" 'BEGIN { printf "%.2f Mpps", 1000 / n }')|$p ns/frame (stock libsrtp 2.5)|-")
  done
  bench_wire_done
}

# bench_wire_transcode: two-way PCMU<->Opus calls through the relay (flows
# 2i PCMU->Opus, 2i+1 Opus->PCMU, 50 frames/s each), binary search on the
# number of calls for zero loss, beside bench-transcode's raw libopus +
# G.711 cost in the same run.
bench_wire_transcode() {
  bench_wire_setup || return
  local calls=${wire_calls:-1000} raw line o b pc
  [ "$quick" = 1 ] && [ -z "${wire_calls:-}" ] && calls=100
  line=$("$B/tests/perf/bench-transcode" -n 250 -c 100 -t 3 -i nb 2>/dev/null)
  raw=$(awk '{ for (i = 1; i <= NF; i++) { split($i, a, "="); if (a[1] == "raw_calls_per_core") print a[2] } }' <<<"$line")
  b=$(awk '{ for (i = 1; i <= NF; i++) { split($i, a, "="); if (a[1] == "calls_per_core") print a[2] } }' <<<"$line")
  o=""
  if wire_media_start "$wire_dir" $((2 * calls)); then
    wire_gen_extra=(--scenario transcode --program "$wire_inst" --dut-pid "$wire_dut_pid")
    wire_search mrelay-transcode $((2 * calls)) relay
    o=$w_calls
    wire_percpu "$wire_dir/gen-mrelay-transcode-$((2 * calls)).log" search; pc=$w_pc
    wire_notes+=("$w_note")
    wire_notes+=("transcode on the wire: up to $calls calls programmed, Opus sent narrowband 16 kbit/s (pre-encoded), Opus back decoded with libopus for 1 in 16 frames, the sequence of all; a call's rate is 100 frames/s; the DUT's latency at 50%/90% of the calls found: $w_l50 / $w_l90 us")
    wire_relay_stop
    wire_gen_extra=()
  else
    wire_notes+=("mrelay transcode: not run: $wire_relay_why")
  fi
  local ratio=-
  [ -n "$o" ] && [ -n "$raw" ] && ratio=$(awk -v o="$o" -v r="$raw" 'BEGIN { if (r > 0) printf "%.2fx", o / r }')
  rows+=("transcode on the wire|PCMU<->Opus, zero loss|$( [ -n "$o" ] && echo "$o calls/core" || echo "not run")|raw libopus+G.711: ${raw:-n/a} calls/core|$ratio")
  if [ -n "$pc" ]; then
    # Frames back per DUT CPU-second at the top trial ($calls calls offered),
    # 100 frames/s a call; a lower bound when that trial lost nothing.
    local lb=""
    [ "$w_pc_pass" = 1 ] && lb=">= "
    rows+=("  per DUT CPU-second|$calls calls offered|$lb$(awk -v p="$pc" 'BEGIN { printf "%.0f", p / 100 }') calls|raw: ${raw:-n/a} calls/core|-")
  fi
  [ -n "$b" ] && rows+=("  same, CPU time only|bench-transcode, 100 calls|$b calls/core|-|-")
  bench_wire_done
}

# The set-up every wire scenario shares (once per run).
bench_wire_setup() {
  [ -n "${wire_dir:-}" ] && return 0
  wire_gen=$B/tests/perf/mrelay-gen
  wire_dp=${MRELAY_BENCH_DATAPLANE:-$B/dataplane/mrelay-dataplane}
  wire_flowctl=${MRELAY_BENCH_FLOWCTL:-}
  if [ -z "$wire_flowctl" ]; then
    # The test client lives with the tests, which $B does not build: only
    # that target, in a build of its own.
    local tb=${B}-tools
    wire_flowctl=$tb/tests/tools/mrelay-flowctl
    if [ -f "$top/tests/tools/mrelay-flowctl.c" ]; then
      { [ -f "$tb/build.ninja" ] || meson setup "$tb" --buildtype=release -Dbenchmarks=false >/dev/null; } &&
        ninja -C "$tb" tests/tools/mrelay-flowctl >/dev/null || wire_flowctl=""
    fi
  fi
  wire_testpmd=$(command -v dpdk-testpmd || true)
  wire_trial=${trial_s:-2}
  wire_flows=${flows_list:-1000,100000,1000000}
  if [ "$quick" = 1 ]; then
    wire_trial=${trial_s:-0.5}
    [ -z "$flows_list" ] && wire_flows=1000
  fi
  if [ ! -x "$wire_gen" ]; then
    rows+=("relay, wire|memif 214 B|mrelay-gen not built|-|-")
    return 1
  fi
  wire_cpu_dut=0; wire_cpu_gen=1
  if [ "$(nproc)" -lt 2 ]; then
    wire_cpu_gen=0
    wire_notes+=("only one core: generator and DUT share it; these figures mean little")
  fi
  # Hugepage files a killed run left behind (its pid is in the prefix) hold
  # pages nobody uses: free them first.
  local stale pid
  for stale in /dev/hugepages/mrbench-*map_*; do
    [ -e "$stale" ] || continue
    pid=${stale#/dev/hugepages/mrbench-}; pid=${pid#gen}; pid=${pid#dpm}; pid=${pid#dp}; pid=${pid#tp}; pid=${pid%%map_*}
    case $pid in ''|*[!0-9]*) continue ;; esac
    kill -0 "$pid" 2>/dev/null || rm -f "$stale"
  done
  # Hugepages when there are enough free, else the same run without them.
  local hp free
  hp=/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages
  free=$(cat "$hp" 2>/dev/null || echo 0)
  wire_rsize=${MRELAY_BENCH_MEMIF_RSIZE:-12}
  wire_sock=/run/mrbench-$$.sock
  wire_memif="socket=$wire_sock,socket-abstract=no,rsize=$wire_rsize"
  # Enough 2 MiB pages for the generator (512 MiB) and the largest DUT.
  local fmax=0 capmax=4096 need
  for f in ${wire_flows//,/ }; do [ "$f" -gt "$fmax" ] && fmax=$f; done
  while [ $capmax -lt $((2 * fmax)) ]; do capmax=$((capmax * 2)); done
  need=$(( (512 + $(wire_dp_mem "$capmax")) / 2 + 64 ))
  if [ "$free" -ge "$need" ]; then
    wire_eal=(--no-pci --log-level=pmd.net.memif:error)
    wire_mem="2 MiB hugepages ($free free, $need needed)"
  else
    wire_eal=(--no-huge --no-shconf --no-pci --log-level=pmd.net.memif:error)
    wire_mem="no hugepages ($free free, $need needed)"
  fi
  wire_dir=$(mktemp -d /tmp/mrelay-bench-wire.XXXXXX)
  wire_notes+=("wire: net_memif copy mode, ring 2^$wire_rsize slots, $wire_mem; 214-byte G.711 RTP frames (14+20+8+12+160)")
  wire_notes+=("DUT on cpu$wire_cpu_dut, one busy-polling core: rates are per DUT core; mrelay-gen on cpu$wire_cpu_gen sends, receives and verifies every frame")
  wire_notes+=("RFC 2544 throughput: binary search, ${wire_trial} s trials, loss tolerance $tolerance, 2% resolution; latency p50/p99/p99.9 in us at 50% and 90% of it")
  wire_notes+=("load average before: $(cut -d' ' -f1-3 /proc/loadavg)")
}

bench_wire_done() {
  wire_notes+=("load average after: $(cut -d' ' -f1-3 /proc/loadavg); logs in $wire_dir")
  local n
  for n in "${wire_notes[@]}"; do echo "# $n"; done
  wire_notes=()
}

bench_wire() {
  bench_wire_setup || return
  local f tp tp50 tp90 tpmax tpcpu ratio mr mr50 mr90 mrmax mrcpu
  for f in ${wire_flows//,/ }; do
    tp=""; tp50="-"; tp90="-"; tpmax=""; tpcpu=""
    if [ -n "$wire_testpmd" ] && wire_testpmd_start "$wire_dir"; then
      wire_maxrate testpmd "$f" macswap
      tpmax=$w_max; tpcpu=$w_percpu
      wire_notes+=("testpmd, $f flows, max-rate trial: $(wire_mpps "$w_max") verified with the DUT on its core ${w_max_cpu}% of the time")
      wire_search testpmd "$f" macswap
      tp=$w_tput; tp50=$w_l50; tp90=$w_l90
      wire_notes+=("$w_note")
      wire_testpmd_stop
    fi
    mr=""; mr50="-"; mr90="-"; mrmax=""; mrcpu=""
    w_prog=""
    if wire_relay_start "$wire_dir" "$f"; then
      wire_maxrate mrelay "$f" relay
      mrmax=$w_max; mrcpu=$w_percpu
      wire_notes+=("mrelay, $f flows, max-rate trial: $(wire_mpps "$w_max") verified with the DUT on its core ${w_max_cpu}% of the time")
      wire_search mrelay "$f" relay
      mr=$w_tput; mr50=$w_l50; mr90=$w_l90
      wire_notes+=("$w_note")
      wire_relay_stop
    else
      wire_notes+=("mrelay, $f flows: not run: $wire_relay_why")
    fi
    # Latency is compared at the same offered load: testpmd again, at the
    # rates mrelay was measured at (at its own 50%/90% testpmd's core is
    # mostly idle while mrelay's is not, and a queue's delay is its load's).
    local tps50="-" tps90="-"
    if [ -n "$mr" ] && [ -n "$wire_testpmd" ] && wire_testpmd_start "$wire_dir"; then
      wire_latency testpmd "$f" macswap "$(awk -v r="$mr" 'BEGIN { printf "%.0f", r * 0.5 }')"; tps50=$w_lat
      wire_latency testpmd "$f" macswap "$(awk -v r="$mr" 'BEGIN { printf "%.0f", r * 0.9 }')"; tps90=$w_lat
      wire_testpmd_stop
    fi
    ratio=-
    [ -n "$mr" ] && [ -n "$tp" ] && ratio=$(awk -v m="$mr" -v t="$tp" 'BEGIN { if (t > 0) printf "%.2fx", m / t }')
    rows+=("relay, $(count_label "$f") flows|memif 214 B, zero loss|$( [ -n "$mr" ] && wire_mpps "$mr" || echo "not run")|testpmd macswap: $( [ -n "$tp" ] && wire_mpps "$tp" || echo "n/a")|$ratio")
    ratio=-
    [ -n "$mrcpu" ] && [ -n "$tpcpu" ] && ratio=$(awk -v m="$mrcpu" -v t="$tpcpu" 'BEGIN { if (t > 0) printf "%.2fx", m / t }')
    rows+=("  per DUT CPU-second|$f flows, max rate|$( [ -n "$mrcpu" ] && wire_mpps "$mrcpu" || echo "not run")|testpmd: $( [ -n "$tpcpu" ] && wire_mpps "$tpcpu" || echo "n/a")|$ratio")
    rows+=("  latency at 50%|$f flows, p50/p99/p99.9 us|$mr50|testpmd, same pps: $tps50|-")
    rows+=("  latency at 90%|$f flows, p50/p99/p99.9 us|$mr90|testpmd, same pps: $tps90|-")
    wire_notes+=("testpmd, $f flows, latency at 50%/90% of its own zero-loss rate: $tp50 / $tp90 us")
    [ -n "$w_prog" ] && rows+=("flow programming|$f flows, shm ring|$w_prog flows/s|-|-")
  done
  bench_wire_done
}
