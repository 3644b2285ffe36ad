# SPDX-License-Identifier: BSD-3-Clause
# Starting and stopping mrelay's programs and Kamailio around the topology of
# netns.sh, for tests/e2e/*.sh and scripts/demo. Source netns.sh first.
#
#   mr_run_init DIR                 run directory (configs, logs, pids)
#   mr_write_config                 $MR_DIR/mrelay.ini for both programs
#   mr_start_dataplane BIN [S]      start, wait (S s) for its region, enslave its TAP
#   mr_start_control BIN [S]        start, wait (S s) until ng answers ping
#   mr_start_kamailio relay|direct [S]
#   mr_stop_all                     stop everything started here, newest first
#   mr_ng ARGS...                   tests/e2e/ngcli.py on this run's ng socket
#
# Every wait is bounded. Processes are stopped by the PIDs recorded here only.

MR_E2E_DIR=${MR_E2E_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
MR_KAM_MODULES=${MR_KAM_MODULES:-/usr/lib/x86_64-linux-gnu/kamailio/modules}
MR_PIDS=()
MR_PID_NAMES=()

mr_log() { printf '# %s\n' "$*"; }

mr_run_init() {
  MR_DIR=$1
  mkdir -p "$MR_DIR"
  MR_INSTANCE=e2e-$MR_ID
  MR_CFG=$MR_DIR/mrelay.ini
  MR_SHM_FLOWS=${MR_SHM_FLOWS:-}
  : "${MR_NG_PORT:=}"
}

# A UDP (or TCP) port on 127.0.0.1 that nothing is bound to right now.
mr_free_port() {
  python3 - "${1:-udp}" <<'PY'
import socket, sys
t = socket.SOCK_DGRAM if sys.argv[1] == "udp" else socket.SOCK_STREAM
for _ in range(50):
    s = socket.socket(socket.AF_INET, t)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    # The same number must be free for the other transport as well.
    o = socket.socket(socket.AF_INET, socket.SOCK_STREAM if t == socket.SOCK_DGRAM else socket.SOCK_DGRAM)
    try:
        o.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        o.close()
    print(port)
    break
PY
}

# The configuration both programs read. EAL: no hugepages (parallel tests
# share the machine), one lcore that forwards (workers = 0), a file prefix of
# its own; the one lcore may run on either CPU (the machine is shared with
# the other tests, sipp and Kamailio).
mr_write_config() {
  [ -n "$MR_NG_PORT" ] || MR_NG_PORT=$(mr_free_port udp)
  MR_HTTP_PORT=${MR_HTTP_PORT:-$(mr_free_port tcp)}
  MR_NG=127.0.0.1:$MR_NG_PORT
  cat >"$MR_CFG" <<CFG
; mrelay configuration of run $MR_ID (written by tests/e2e/lib/run.sh)
[dataplane]
instance = $MR_INSTANCE
workers = 0
flows = 4096
learn-window = 10000

[interface media]
device = net_tap0,iface=$MR_TAP
address = $MR_RELAY_IP/24

[control]
listen-ng = $MR_NG
listen-http = 127.0.0.1:$MR_HTTP_PORT
ctl-socket = $MR_DIR/ctl.sock
journal = $MR_DIR/journal.db
quality-log = $MR_DIR/calls.jsonl
port-min = 30000
port-max = 30999
timeout = 60
CFG
}

# EAL arguments of the dataplane, after `--`.
mr_eal_args() {
  echo "${MR_EAL:---no-huge -m 256 --no-pci --lcores 0@(0-1) --file-prefix mr-$MR_ID --log-level=notice}"
}

# mr_spawn NAME CMD...: start CMD in the background, output in $MR_DIR/NAME.log.
mr_spawn() {
  local name=$1; shift
  if [ "${MR_DETACH:-0}" = 1 ]; then
    setsid "$@" >"$MR_DIR/$name.log" 2>&1 </dev/null &
  else
    "$@" >"$MR_DIR/$name.log" 2>&1 </dev/null &
  fi
  local pid=$!
  MR_PIDS+=("$pid")
  MR_PID_NAMES+=("$name")
  echo "$pid" >"$MR_DIR/$name.pid"
  eval "MR_PID_$name=$pid"
}

mr_alive() { kill -0 "$1" 2>/dev/null; }

# mr_wait_for SECONDS PID CMD...: until CMD succeeds; fails when PID died or time ran out.
mr_wait_for() {
  local secs=$1 pid=$2 end; shift 2
  end=$(( $(date +%s%N) / 1000000 + secs * 1000 ))
  while :; do
    "$@" >/dev/null 2>&1 && return 0
    [ -n "$pid" ] && ! mr_alive "$pid" && return 1
    [ $(( $(date +%s%N) / 1000000 )) -lt $end ] || return 1
    sleep 0.1
  done
}

# mr_stop PID [SECONDS]: TERM, then KILL after SECONDS (default 5).
mr_stop() {
  local pid=$1 secs=${2:-5} i
  mr_alive "$pid" || { wait "$pid" 2>/dev/null; return 0; }
  kill -TERM "$pid" 2>/dev/null
  for i in $(seq 1 $((secs * 10))); do
    mr_alive "$pid" || break
    sleep 0.1
  done
  if mr_alive "$pid"; then
    mr_log "pid $pid did not stop on SIGTERM within ${secs}s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null
  return 0
}

mr_stop_all() {
  local i
  for ((i = ${#MR_PIDS[@]} - 1; i >= 0; i--)); do
    mr_stop "${MR_PIDS[$i]}" 8
  done
  MR_PIDS=()
  MR_PID_NAMES=()
}

mr_ng() { python3 "$MR_E2E_DIR/ngcli.py" "$MR_NG" "$@"; }

mr_region_running() {
  [ -n "$MR_SHM_FLOWS" ] || return 0
  "$MR_SHM_FLOWS" "$MR_INSTANCE" 2>/dev/null | grep -q '^region state=1 '
}

mr_start_dataplane() {
  local bin=$1 secs=${2:-30}
  # shellcheck disable=SC2046
  mr_spawn dataplane "$bin" --config "$MR_CFG" -- $(mr_eal_args)
  # Only once the port is started: DPDK's TAP PMD sets the kernel side's MAC
  # (to the port's) when it configures the port, which would undo ours.
  mr_wait_for "$secs" "$MR_PID_dataplane" mr_region_running || return 1
  mr_topo_attach_tap "$secs" || return 1
  mr_alive "$MR_PID_dataplane"
}

mr_start_control() {
  local bin=$1 secs=${2:-15}
  mr_spawn control "$bin" --config "$MR_CFG"
  mr_wait_for "$secs" "$MR_PID_control" mr_ng ping --timeout 0.5 --retries 0
}

mr_kamailio_cfg() {
  sed -e "s|@SIP_ADDR@|$MR_SIP_IP|g" \
      -e "s|@CALLEE@|$MR_B_IP:5060|g" \
      -e "s|@NG_SOCK@|udp:${MR_NG:-127.0.0.1:2223}|g" \
      -e "s|@MPATH@|$MR_KAM_MODULES/|g" \
      "$MR_E2E_DIR/kamailio.cfg" >"$MR_DIR/kamailio.cfg"
}

mr_kamailio_listening() {
  ss -Hlun "src $MR_SIP_IP:5060" 2>/dev/null | grep -q .
}

mr_start_kamailio() {
  local mode=$1 secs=${2:-15} defs=()
  [ "$mode" = relay ] && defs=(-A WITH_RELAY)
  mr_kamailio_cfg
  kamailio -c -f "$MR_DIR/kamailio.cfg" "${defs[@]}" >"$MR_DIR/kamailio-check.log" 2>&1 || {
    cat "$MR_DIR/kamailio-check.log" | sed 's/^/# /'
    return 1
  }
  mkdir -p "$MR_DIR/kamailio-run"
  mr_spawn kamailio kamailio -f "$MR_DIR/kamailio.cfg" "${defs[@]}" -DD -E \
    -m 64 -M 8 -P "$MR_DIR/kamailio-run/kamailio.pid" -Y "$MR_DIR/kamailio-run" -w "$MR_DIR"
  mr_wait_for "$secs" "$MR_PID_kamailio" mr_kamailio_listening
}

# mr_capture NS NAME FILTER: tshark in a namespace on its eth0, to $MR_DIR/NAME.pcap;
# returns when the capture runs.
mr_capture() {
  local ns=$1 name=$2 filter=$3
  mr_spawn "$name" ip netns exec "$ns" tshark -q -n -i eth0 -f "$filter" -w "$MR_DIR/$name.pcap"
  # `ip netns exec` execs tshark: the PID is tshark's. dumpcap says when it listens.
  mr_wait_for 15 "$(eval echo "\$MR_PID_$name")" grep -q "Capturing on" "$MR_DIR/$name.log"
}

# mr_capture_stop NAME: SIGINT (tshark finishes the file), bounded.
mr_capture_stop() {
  local pid
  pid=$(eval echo "\$MR_PID_$1")
  mr_alive "$pid" || return 0
  kill -INT "$pid" 2>/dev/null
  mr_wait_for 10 "" bash -c "! kill -0 $pid 2>/dev/null"
  mr_stop "$pid" 2
}

# mr_dump_logs: every log of the run, as TAP comments (after a failure).
mr_dump_logs() {
  local f
  for f in "$MR_DIR"/*.log; do
    [ -f "$f" ] || continue
    echo "# ---- $(basename "$f") (last 40 lines)"
    tail -n 40 "$f" | sed 's/^/#   /'
  done
}
