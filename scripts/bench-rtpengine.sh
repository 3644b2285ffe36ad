# SPDX-License-Identifier: BSD-3-Clause
# The rtpengine scenarios of scripts/bench --peer rtpengine (sourced by it;
# uses its $B, $quick, $trial_s, $tolerance, reads the rows the wire and
# transcode scenarios added, and appends to its rows array).
#
# rtpengine (Debian's rtpengine-daemon) runs in userspace only: no kernel
# module (--table=-1), no configuration file (--config-file=none: the
# system's /etc/rtpengine is never read or touched), loopback interface, its
# own ng port and media ports, one worker thread, pinned to the core the
# memif DUT gets in the wire scenario. rtp-load (tests/perf/rtpload.c) on the
# other core sets up calls over ng and sends G.711 RTP from one socket per
# leg:
#   - relay: RFC 2544 zero-loss rate (binary search, fresh calls per trial),
#     and packets relayed per second of rtpengine's CPU time (all threads,
#     /proc/<pid>/stat) in the fastest passing trial;
#   - the tool's own ceiling: the same search with no relay (--direct), so
#     a tool that cannot keep up is seen;
#   - transcode: calls offered PCMU with ng codec transcode=opus, answered
#     Opus only, 50 packets/s each way; rtpengine's CPU per frame gives
#     two-way calls per core.
# Without rtpengine installed the rows say n/a and the run goes on
# (MRELAY_BENCH_RTPENGINE=PATH picks another binary; empty: none).

rtpe_pid=""

rtpe_stop() {
  if [ -n "$rtpe_pid" ]; then
    kill -TERM "$rtpe_pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$rtpe_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$rtpe_pid" 2>/dev/null
    wait "$rtpe_pid" 2>/dev/null
    rtpe_pid=""
  fi
}

# rtpe_bound: rtpengine itself holds 127.0.0.1:$rtpe_ng (its socket's inode
# in /proc/net/udp is one of its file descriptors), not somebody else.
rtpe_bound() {
  local ino
  ino=$(awk -v a="0100007F:$(printf %04X $rtpe_ng)" 'toupper($2) == a { print $10 }' /proc/net/udp)
  [ -n "$ino" ] && ls -l "/proc/$rtpe_pid/fd" 2>/dev/null | grep -q "socket:\[$ino\]"
}

# rtpe_start BIN DIR CPU: rtpengine in userspace with an ng port of its own
# (another port is tried when the first is taken).
rtpe_start() {
  local bin=$1 dir=$2 cpu=$3 try
  for try in 0 1 2; do
    rtpe_ng=$((20000 + ($$ + try * 3331) % 10000))
    taskset -c "$cpu" "$bin" --config-file=none --foreground --log-stderr --log-level=3 --table=-1 \
      --interface=127.0.0.1 --listen-ng=127.0.0.1:$rtpe_ng --port-min=40000 --port-max=49999 \
      --no-redis-required --num-threads=1 --delete-delay=0 2>"$dir/rtpengine.log" &
    rtpe_pid=$!
    for _ in $(seq 100); do
      rtpe_bound && return 0
      kill -0 "$rtpe_pid" 2>/dev/null || break
      sleep 0.1
    done
    rtpe_stop
  done
  return 1
}

# rtpe_kv LINE KEY: the value of KEY=... in an rtp-load line.
rtpe_kv() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p" | head -n1; }

# rtpe_row_field PATTERN N: field N ('|'-separated) of the first row matching PATTERN.
rtpe_row_field() {
  local r
  for r in "${rows[@]}"; do
    if [[ "$r" == $1 ]]; then
      cut -d'|' -f"$2" <<<"$r"
      return 0
    fi
  done
  return 1
}

bench_rtpengine() {
  local rtpe load dir calls trial maxr tc_calls tc_secs cpu_peer=0 cpu_tool=1
  rtpe=${MRELAY_BENCH_RTPENGINE-$(command -v rtpengine || true)}
  load=$B/tests/perf/rtp-load
  trial=${trial_s:-2}; calls=500; maxr=400000; tc_calls=30; tc_secs=5
  if [ "$quick" = 1 ]; then
    trial=${trial_s:-0.5}; calls=100; maxr=100000; tc_calls=10; tc_secs=1
  fi
  [ "$(nproc)" -lt 2 ] && cpu_tool=0

  # mrelay's figures from this run (wire and transcode scenarios), if they ran.
  local m_percpu m_zero m_calls
  m_percpu=$(rtpe_row_field '  per DUT CPU-second|*' 3) || m_percpu="not run (needs --only wire too)"
  m_zero=$(rtpe_row_field 'relay, *|memif 214 B*' 3) || m_zero="not run"
  m_calls=$(rtpe_row_field 'transcode PCMU<->Opus|opus-in nb*' 3) || m_calls="not run (needs --only transcode too)"

  if [ -z "$rtpe" ] || [ ! -x "$load" ]; then
    local why="rtpengine not installed"
    [ -x "$load" ] || why="rtp-load not built"
    rows+=("relay vs rtpengine|per CPU-second|$m_percpu|rtpengine: n/a ($why)|-")
    rows+=("transcode vs rtpengine|two-way PCMU<->Opus|$m_calls|rtpengine: n/a ($why)|-")
    return
  fi
  dir=$(mktemp -d /tmp/mrelay-bench-rtpengine.XXXXXX)
  # rtpengine never outlives the run; whatever traps the caller had come back after.
  local old_traps
  old_traps=$(trap -p EXIT INT TERM)
  trap 'rtpe_stop' EXIT
  trap 'rtpe_stop; exit 130' INT TERM
  local notes=() res tput ppc pcpu scpu sns dres dtput tline tc us cpc ver
  ver=$("$rtpe" --version 2>&1 | sed -n 's/^Version: //p')
  notes+=("rtpengine ${ver:-?}: userspace only (--table=-1, no kernel module), --config-file=none, one worker thread, loopback, pinned to cpu$cpu_peer; rtp-load on cpu$cpu_tool")
  notes+=("rtpengine relay: $calls calls ($((2 * calls)) streams, one socket per leg), 172-byte PCMU RTP, paced per stream, bursts of 4 per sendmmsg; RFC 2544 binary search, ${trial} s trials, loss tolerance $tolerance, 2% resolution, fresh calls every trial")
  notes+=("load average before: $(cut -d' ' -f1-3 /proc/loadavg)")

  # The tool's own ceiling: the same load between its own sockets.
  taskset -c "$cpu_tool" "$load" --direct -n "$calls" --search --max-rate 1000000 -d "$trial" \
    --tolerance "$tolerance" --burst 4 >"$dir/direct.log" 2>&1
  dres=$(grep '^rtpload result' "$dir/direct.log" | tail -n1)
  dtput=$(rtpe_kv "$dres" throughput_pps)

  if rtpe_start "$rtpe" "$dir" "$cpu_peer"; then
    taskset -c "$cpu_tool" "$load" --ng 127.0.0.1:$rtpe_ng --pid "$rtpe_pid" -n "$calls" --search \
      --max-rate "$maxr" -d "$trial" --tolerance "$tolerance" --burst 4 >"$dir/relay.log" 2>&1
    res=$(grep '^rtpload result' "$dir/relay.log" | tail -n1)
    taskset -c "$cpu_tool" "$load" --ng 127.0.0.1:$rtpe_ng --pid "$rtpe_pid" -n "$tc_calls" \
      --transcode -d "$tc_secs" >"$dir/transcode.log" 2>&1
    tc=$(grep '^rtpload transcode' "$dir/transcode.log" | tail -n1)
    tline=$(grep '^rtpload trial phase=trial' "$dir/transcode.log" | tail -n1)
    rtpe_stop
  else
    notes+=("rtpengine did not start: $(tail -n1 "$dir/rtpengine.log")")
  fi
  trap - EXIT INT TERM
  eval "$old_traps"

  tput=$(rtpe_kv "$res" throughput_pps); ppc=$(rtpe_kv "$res" peer_pkts_per_cpu_s)
  pcpu=$(rtpe_kv "$res" peer_cpu_pct); scpu=$(rtpe_kv "$res" self_cpu_pct); sns=$(rtpe_kv "$res" self_ns_per_pkt)
  us=$(rtpe_kv "$tc" us_per_frame); cpc=$(rtpe_kv "$tc" two_way_calls_per_core)

  # Ratios: mrelay's figure over rtpengine's, when both are numbers.
  local ratio=- mp
  mp=$(awk '{ if ($2 == "Mpps") print $1 * 1e6 }' <<<"$m_percpu")
  [ -n "$mp" ] && [ -n "$ppc" ] && [ "$ppc" != 0 ] && ratio=$(awk -v m="$mp" -v r="$ppc" 'BEGIN { printf "%.1fx", m / r }')
  rows+=("relay vs rtpengine|per CPU-second|$m_percpu|rtpengine UDP: $( [ -n "$ppc" ] && awk -v p="$ppc" 'BEGIN { printf "%.3f Mpps", p / 1e6 }' || echo n/a)|$ratio")
  rows+=("  zero loss|$calls calls, loopback|$m_zero|rtpengine: $( [ -n "$tput" ] && awk -v p="$tput" 'BEGIN { printf "%.3f Mpps", p / 1e6 }' || echo n/a)|-")
  ratio=-
  mp=$(awk '{ print $1 }' <<<"$m_calls")
  [[ "$mp" =~ ^[0-9.]+$ ]] && [ -n "$cpc" ] && ratio=$(awk -v m="$mp" -v r="$cpc" 'BEGIN { if (r > 0) printf "%.1fx", m / r }')
  rows+=("transcode vs rtpengine|two-way PCMU<->Opus|$m_calls|rtpengine: ${cpc:-n/a} calls/core|$ratio")
  [ -n "$us" ] && rows+=("  per 20 ms frame|rtpengine, both ways avg|-|rtpengine: $us us (CPU, incl. sockets)|-")

  [ -n "$res" ] && notes+=("rtpengine relay: zero-loss ${tput} pps; in that trial rtpengine was on its core ${pcpu}% of the time and relayed ${ppc} packets per CPU-second; rtp-load used ${scpu}% of its core, ${sns} ns per packet sent or received")
  [ -n "$dres" ] && notes+=("rtp-load alone (--direct, no relay: it sends and receives every packet itself, one core): zero-loss ${dtput} pps, using $(rtpe_kv "$dres" self_cpu_pct)% of its core, $(rtpe_kv "$dres" self_ns_per_pkt) ns per packet sent or received; drops at its own sockets are counted in every trial line (own_sock_drops)")
  [ -n "$tc" ] && notes+=("rtpengine transcode: $tc_calls calls for ${tc_secs} s, PCMU in from the caller, Opus (narrowband 16 kbit/s from libopus) in from the callee; frames in $(rtpe_kv "$tc" frames_in), out $(rtpe_kv "$tc" frames_out), sequence gaps $(rtpe_kv "$tline" gaps), rtpengine on its core $(awk -v s="$(rtpe_kv "$tc" peer_core_share)" 'BEGIN { printf "%.0f", 100 * s }')% of the time; Opus encoder at rtpengine's defaults")
  notes+=("what differs: mrelay's relay row is frames per DUT CPU-second on net_memif (DPDK, no kernel), rtpengine's is packets per CPU-second through kernel UDP sockets on loopback (its recvmsg/sendmsg and the loopback delivery to the receiver are in its CPU time; the delivery to it is in rtp-load's); mrelay's transcode row is in-process CPU of the transcoder alone (bench-transcode), rtpengine's includes its sockets and RTP handling")
  notes+=("load average after: $(cut -d' ' -f1-3 /proc/loadavg); logs in $dir")
  local n
  for n in "${notes[@]}"; do echo "# $n"; done
}
