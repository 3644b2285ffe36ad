#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# One real call through Kamailio and mrelay, checked on the wire (TAP output).
#
#   test_call.sh DATAPLANE CONTROL SHM_FLOWS     the call's media through mrelay
#   test_call.sh --srtp DATAPLANE CONTROL SHM_FLOWS SRTP_PEER MRELAYCTL
#                                                RTP from the caller, SRTP (SDES)
#                                                towards the callee
#   test_call.sh --direct                        no relay: the harness itself
#                                                (topology, Kamailio, sipp, tshark)
#
# sipp in the caller's namespace plays the sipp package's G.711 capture
# (g711a.pcap) to the address in the 200 OK's SDP; tshark in the callee's
# namespace records what arrives. With the relay, the test proves: Kamailio
# called offer/answer/delete; both SDPs name the relay's address; the callee
# got every packet of the capture, each from the relay's address and the port
# the relay put in the callee's SDP, with the capture's payload bytes in the
# capture's order; ng `list`/`query` and the dataplane's stats table show the
# call while it runs and no flow after the BYE. Needs root.
#
# --srtp: the caller calls user "srtp", for which Kamailio asks the relay to
# offer RTP/SAVP with SDES to the callee. The callee's sipp (uas_srtp.xml)
# answers RTP/SAVP with a key drawn for this run; its media side is
# tests/tools/srtp-peer, which decrypts with the key the relay offered and
# echoes each packet protected with the callee's key. The test proves: the
# peer decrypted every packet of the capture to its payload, the caller got
# every echo back as plain RTP with the capture's payload, the relay counted
# no SRTP drop, the relay's key differs from the callee's, and neither key
# is in any log of the run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
PCAP=${MR_PCAP:-/usr/share/sip-tester/g711a.pcap}

n=0; fail=0
ok() { n=$((n+1)); echo "ok $n - $*"; }
nok() { n=$((n+1)); fail=$((fail+1)); echo "not ok $n - $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
bail() { nok "$*"; completed=1; finish; }

mode=relay
srtp=0
if [ "${1:-}" = --direct ]; then
  mode=direct
elif [ "${1:-}" = --srtp ]; then
  [ $# = 6 ] || { echo "Usage: $0 --srtp DATAPLANE CONTROL SHM_FLOWS SRTP_PEER MRELAYCTL" >&2; exit 2; }
  srtp=1 DATAPLANE=$2 CONTROL=$3 MR_SHM_FLOWS=$4 SRTP_PEER=$5 MRELAYCTL=$6
else
  [ $# = 3 ] || { echo "Usage: $0 DATAPLANE CONTROL SHM_FLOWS | --direct" >&2; exit 2; }
  DATAPLANE=$1 CONTROL=$2 MR_SHM_FLOWS=$3
fi

# Prerequisites that a machine may lack for good; anything else is a failure.
[ "$(id -u)" = 0 ] || skip_all "needs root (network namespaces, TAP devices)"
[ -c /dev/net/tun ] || skip_all "no /dev/net/tun on this machine"
ip netns add "mr-probe-$$" 2>/dev/null || skip_all "network namespaces are not available here"
ip netns del "mr-probe-$$"

. "$here/lib/netns.sh"
. "$here/lib/run.sh"

id=$(printf '%04x%02x' $$ $((RANDOM % 256)))
mr_topo_init "$id"
work=$(mktemp -d "${TMPDIR:-/tmp}/mrelay-e2e.XXXXXX")
mr_run_init "$work"

completed=0
finish() {
  trap - EXIT INT TERM
  [ $completed = 1 ] || nok "the test ran to its end (it stopped early: see the logs)"
  if [ $fail -gt 0 ] || [ "${MR_E2E_KEEP_LOGS:-0}" = 1 ]; then
    mr_dump_logs
    echo "# run directory: $work"
  fi
  mr_stop_all
  mr_topo_down
  [ $fail -gt 0 ] || [ "${MR_E2E_KEEP_LOGS:-0}" = 1 ] || rm -rf "$work"
  echo "1..$n"
  [ $fail -eq 0 ]
  exit $?
}
trap finish EXIT
trap 'nok "interrupted"; completed=1; finish' INT TERM

for tool in kamailio sipp tshark python3; do
  command -v "$tool" >/dev/null || bail "$tool is installed (scripts/bootstrap installs it)"
done
[ -r "$PCAP" ] || bail "$PCAP exists (package sip-tester)"

# What the capture holds: the test's expectations come from the file itself.
rtp_fields() { # PCAP FILTER -> "src srcport dst dstport seq payload ip-csum udp-csum" lines
  # checksum status: 0 bad, 1 good, 2 not checked (UDP checksum 0)
  tshark -n -r "$1" -o rtp.heuristic_rtp:TRUE -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
    -Y "rtp && $2" -T fields -E separator=' ' -e ip.src -e udp.srcport -e ip.dst -e udp.dstport \
    -e rtp.seq -e rtp.payload -e ip.checksum.status -e udp.checksum.status 2>/dev/null
}
rtp_fields "$PCAP" "udp" >"$work/pcap.rtp"
want=$(wc -l <"$work/pcap.rtp")
want_hash=$(awk '{print $6}' "$work/pcap.rtp" | sha256sum | cut -c1-16)
check "g711a.pcap holds RTP ($want packets)" [ "$want" -gt 0 ]

mr_topo_up || bail "topology: namespaces, veths and bridge"
ok "topology $MR_NET.0/24: caller $MR_A_IP ($MR_NS_A), callee $MR_B_IP ($MR_NS_B), SIP $MR_SIP_IP"

CALLER_PORT=20000
CALLEE_PORT=40000
if [ $mode = relay ]; then
  mr_write_config
  mr_start_dataplane "$DATAPLANE" 30 || bail "mrelay-dataplane runs, its region is up and $MR_TAP is on the bridge"
  ok "mrelay-dataplane runs (instance $MR_INSTANCE, media $MR_RELAY_IP on $MR_TAP)"
  mr_start_control "$CONTROL" 15 || bail "mrelay-control answers ng ping on $MR_NG"
  ok "mrelay-control answers ng ping on $MR_NG"
  mr_start_kamailio relay 15 || bail "Kamailio listens on $MR_SIP_IP:5060 with the rtpengine module"
  ok "Kamailio listens on $MR_SIP_IP:5060, rtpengine_sock udp:$MR_NG"
  # The call runs with the relay's neighbor table cold, as with a new peer
  # in service: the first packets meet a next hop still being resolved and
  # must wait for it, not be lost. MR_E2E_WARM_NEIGH=1 pings first instead.
  if [ "${MR_E2E_WARM_NEIGH:-0}" = 1 ]; then
    check "the relay answers ping on $MR_RELAY_IP from the caller and the callee" \
      bash -c "ip netns exec '$MR_NS_A' ping -c 2 -i 0.2 -W 2 -q '$MR_RELAY_IP' >/dev/null &&
               ip netns exec '$MR_NS_B' ping -c 2 -i 0.2 -W 2 -q '$MR_RELAY_IP' >/dev/null"
  fi
else
  mr_start_kamailio direct 15 || bail "Kamailio listens on $MR_SIP_IP:5060"
  ok "Kamailio listens on $MR_SIP_IP:5060 (no relay)"
fi

# Everything that reaches the callee's media port, and the SIP at both ends.
mr_capture "$MR_NS_B" cap_b "arp or udp port 5060 or udp port 5062 or udp dst port $CALLEE_PORT" ||
  bail "tshark captures in the callee's namespace"
mr_capture "$MR_NS_A" cap_a "arp or udp port 5060 or udp port $CALLER_PORT" ||
  bail "tshark captures in the caller's namespace"

if [ $srtp = 0 ]; then
  # The callee: sipp answers with its media at $MR_B_IP:$CALLEE_PORT and sends
  # back every RTP packet it gets there (-rtp_echo), from that port.
  (cd "$work" && exec ip netns exec "$MR_NS_B" sipp -sf "$here/uas.xml" -i "$MR_B_IP" -p 5060 \
    -mi "$MR_B_IP" -mp "$CALLEE_PORT" -rtp_echo -m 1 -nostdin -timeout 40s -timeout_error \
    -trace_err -trace_msg) >"$work/uas.log" 2>&1 &
  uas_pid=$!
  SERVICE=callee
else
  # The callee: its key for this run (AES_CM_128_HMAC_SHA1_80: 30 bytes),
  # the SRTP peer at its media address, and sipp for the signaling. No
  # -trace_msg: the SIP messages carry the keys, and the test proves that no
  # log of the run does. sipp binds a media port of its own (-mp) it never
  # uses; the SDP names the peer's.
  callee_key=$(head -c 30 /dev/urandom | base64 -w0)
  offer_file=$work/offer.line
  mr_spawn peer ip netns exec "$MR_NS_B" "$SRTP_PEER" --bind "$MR_B_IP:$CALLEE_PORT" \
    --rx-file "$offer_file" --tx "AES_CM_128_HMAC_SHA1_80 inline:$callee_key" \
    --stats "$work/peer.json"
  mr_wait_for 10 "$MR_PID_peer" ip netns exec "$MR_NS_B" ss -Hlun "src $MR_B_IP:$CALLEE_PORT" ||
    bail "srtp-peer listens on $MR_B_IP:$CALLEE_PORT"
  (cd "$work" && exec ip netns exec "$MR_NS_B" sipp -sf "$here/uas_srtp.xml" -i "$MR_B_IP" -p 5062 \
    -mi "$MR_B_IP" -mp $((CALLEE_PORT + 2)) -key peer_port "$CALLEE_PORT" \
    -key callee_key "$callee_key" -key offer_file "$offer_file" \
    -m 1 -nostdin -timeout 40s -timeout_error -trace_err) >"$work/uas.log" 2>&1 &
  uas_pid=$!
  SERVICE=srtp
fi
MR_PIDS+=("$uas_pid"); MR_PID_NAMES+=(uas)
UAS_PORT=5060
[ $srtp = 1 ] && UAS_PORT=5062	# kamailio.cfg sends user "srtp" there
mr_wait_for 10 "$uas_pid" ip netns exec "$MR_NS_B" ss -Hlun "src $MR_B_IP:$UAS_PORT" ||
  bail "sipp (callee) listens on $MR_B_IP:$UAS_PORT"

# The caller: one call, the capture played after the ACK, BYE 8.5 s later.
(cd "$work" && exec ip netns exec "$MR_NS_A" sipp -sf "$here/uac_pcap.xml" "$MR_SIP_IP:5060" \
  -s "$SERVICE" -i "$MR_A_IP" -p 5060 -mi "$MR_A_IP" -mp "$CALLER_PORT" \
  -key pcap "$PCAP" -d 8500 -m 1 -l 1 -nostdin -timeout 40s -timeout_error \
  -trace_err -trace_msg) >"$work/uac.log" 2>&1 &
uac_pid=$!
MR_PIDS+=("$uac_pid"); MR_PID_NAMES+=(uac)

# While the call runs: control lists it, the dataplane has its flows.
ngcall=""
if [ $mode = relay ]; then
  listed() {
    mr_ng list >"$work/ng-list-during.json" 2>/dev/null &&
      python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d.get("calls") else 1)' \
        "$work/ng-list-during.json"
  }
  if mr_wait_for 15 "$uac_pid" listed; then
    ngcall=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["calls"][0])' \
      "$work/ng-list-during.json" 2>/dev/null)
    ok "during the call, ng list names it ($ngcall)"
  else
    nok "during the call, ng list names it"
  fi
  mr_wait_for 10 "$uac_pid" bash -c "'$MR_SHM_FLOWS' '$MR_INSTANCE' >'$work/flows-during.txt' &&
    grep -qE '^region .* flows_active=([2-9]|[1-9][0-9]+) ' '$work/flows-during.txt'"
  check "during the call, the dataplane's stats table has the call's flows ($(sed -nE 's/.*(flows_active=[0-9]+).*/\1/p' "$work/flows-during.txt" 2>/dev/null))" \
    grep -qE '^region .* flows_active=([2-9]|[1-9][0-9]+) ' "$work/flows-during.txt"
  if [ -n "$ngcall" ]; then
    mr_ng query "call-id=$ngcall" >"$work/ng-query-during.json" 2>&1
    check "during the call, ng query answers ok for it" grep -q '"result": "ok"' "$work/ng-query-during.json"
  fi
  if [ $srtp = 1 ]; then
    # libsrtp's events, counted per lcore, in the dataplane's telemetry (none in a clean call).
    tel=$(python3 - "/var/run/dpdk/mr-$MR_ID/dpdk_telemetry.v2" 2>&1 <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.settimeout(10)
s.connect(sys.argv[1])
s.recv(4096)
s.send(b'/mrelay/srtp_events')
print(json.dumps(json.loads(s.recv(65536).decode())['/mrelay/srtp_events'], sort_keys=True))
PY
)
    check "telemetry /mrelay/srtp_events counts libsrtp's four events, none in this call [$tel]" \
      [ "$tel" = '{"key_hard_limit": 0, "key_soft_limit": 0, "packet_index_limit": 0, "ssrc_collision": 0}' ]
    # Once the callee's answer is in (the call is listed from the offer on).
    mr_wait_for 10 "$uac_pid" bash -c "'$MRELAYCTL' -c '$MR_CFG' calls >'$work/ctl-calls.txt' 2>&1 &&
      grep -q 'none|AES_CM_128_HMAC_SHA1_80' '$work/ctl-calls.txt'"
    check "mrelayctl calls shows the call's SRTP suites, plain from the caller, SDES from the callee" \
      grep -q 'none|AES_CM_128_HMAC_SHA1_80' "$work/ctl-calls.txt"
    "$MRELAYCTL" -c "$MR_CFG" drops --all >"$work/ctl-drops.txt" 2>&1
    "$MRELAYCTL" -c "$MR_CFG" totals >"$work/ctl-totals.txt" 2>&1
    check "mrelayctl drops --all and totals list libsrtp's events" \
      bash -c "grep -qE '^srtp-event packet-index-limit +0' '$work/ctl-drops.txt' &&
               grep -qE '^srtp key-hard-limit +0' '$work/ctl-totals.txt'"
  fi
fi

# Bounded by sipp's own -timeout; the extra wait is a guard.
mr_wait_for 45 "" bash -c "! kill -0 $uac_pid 2>/dev/null"
wait "$uac_pid"; uac_rc=$?
check "sipp (caller): the call succeeded: INVITE, 200, ACK, media, BYE, 200 (exit $uac_rc)" [ $uac_rc = 0 ]
mr_wait_for 10 "" bash -c "! kill -0 $uas_pid 2>/dev/null"
wait "$uas_pid" 2>/dev/null; uas_rc=$?
check "sipp (callee): the call succeeded (exit $uas_rc)" [ $uas_rc = 0 ]
sleep 0.5	# the last packets' way through the relay; the capture ends after the BYE anyway
mr_capture_stop cap_b
mr_capture_stop cap_a

# What the caller saw: the callee's address or the relay's in the 200 OK.
sdp_of() { # PCAP SIP-FILTER -> "address port"
  tshark -n -r "$1" -d udp.port==5062,sip -Y "sip && sdp && $2" -T fields -E separator=' ' \
    -e sdp.connection_info.address -e sdp.media.port 2>/dev/null | head -n1
}
read -r a_sdp_ip a_sdp_port <<<"$(sdp_of "$work/cap_a.pcap" 'sip.Status-Code == 200')"
read -r b_sdp_ip b_sdp_port <<<"$(sdp_of "$work/cap_b.pcap" 'sip.Method == "INVITE"')"
if [ $mode = relay ]; then
  exp_a_ip=$MR_RELAY_IP exp_b_ip=$MR_RELAY_IP
else
  exp_a_ip=$MR_B_IP exp_b_ip=$MR_A_IP
fi
check "the caller's 200 OK names $exp_a_ip as media address (got ${a_sdp_ip:-none}:${a_sdp_port:-none})" \
  [ "${a_sdp_ip:-}" = "$exp_a_ip" ]
check "the callee's INVITE names $exp_b_ip as media address (got ${b_sdp_ip:-none}:${b_sdp_port:-none})" \
  [ "${b_sdp_ip:-}" = "$exp_b_ip" ]

# What the caller sent and the callee received.
rtp_fields "$work/cap_a.pcap" "ip.src == $MR_A_IP && udp.srcport == $CALLER_PORT" >"$work/sent.rtp"
rtp_fields "$work/cap_b.pcap" "ip.dst == $MR_B_IP && udp.dstport == $CALLEE_PORT" >"$work/recv.rtp"
sent=$(wc -l <"$work/sent.rtp")
recv=$(wc -l <"$work/recv.rtp")
echo "# RTP: g711a.pcap $want, sent by the caller $sent, received by the callee $recv"
check "the caller sent all $want packets of g711a.pcap (sent $sent)" [ "$sent" = "$want" ]
# all_match FILE COLUMNS VALUE: FILE has lines, and in each the COLUMNS (awk, e.g. '$1 " " $2') equal VALUE.
all_match() {
  [ -s "$1" ] && [ -z "$(awk -v v="$3" "($2) != v" "$1")" ]
}
check "the caller sent them to the address and port of its 200 OK ($a_sdp_ip:$a_sdp_port)" \
  all_match "$work/sent.rtp" '$3 " " $4' "${a_sdp_ip:-x} ${a_sdp_port:-x}"
check "the callee received every packet ($recv of $want)" [ "$recv" = "$want" ]
if [ $mode = relay ]; then
  exp_src="$MR_RELAY_IP ${b_sdp_port:-none}"
else
  exp_src="$MR_A_IP $CALLER_PORT"
fi
srcs=$(awk '{print $1, $2}' "$work/recv.rtp" | sort | uniq -c | sed 's/^ *//' | tr '\n' ';')
check "every packet came from $exp_src (the address and port in the callee's SDP) [$srcs]" \
  all_match "$work/recv.rtp" '$1 " " $2' "$exp_src"
recv_hash=$(awk '{print $6}' "$work/recv.rtp" | sha256sum | cut -c1-16)
if [ $srtp = 0 ]; then
  check "payload bytes identical to g711a.pcap's, in order (sha256 $recv_hash, want $want_hash)" \
    [ "$recv_hash" = "$want_hash" ]
else
  # On the wire the payload is encrypted: the bytes differ from the capture's.
  check "payload bytes on the callee's wire are not the capture's (SRTP; sha256 $recv_hash)" \
    [ -s "$work/recv.rtp" ] && [ "$recv_hash" != "$want_hash" ]
fi
if [ $mode = relay ]; then
  # What the relay wrote (a TAP adds no offload): the callee's kernel drops a bad checksum.
  bad=$(awk '$7 == 0 || $8 == 0' "$work/recv.rtp" | wc -l)
  [ -s "$work/recv.rtp" ] || bad="all (no packet)"
  check "IPv4 and UDP checksums of every relayed packet are right ($bad wrong)" [ "$bad" = 0 ]
fi
check "sequence numbers as in g711a.pcap" \
  [ "$(awk '{print $5}' "$work/recv.rtp" | sha256sum)" = "$(awk '{print $5}' "$work/pcap.rtp" | sha256sum)" ]

# The way back: the callee's echo reaches the caller, from the address and
# port of the caller's 200 OK.
rtp_fields "$work/cap_a.pcap" "ip.dst == $MR_A_IP && udp.dstport == $CALLER_PORT" >"$work/back.rtp"
back=$(wc -l <"$work/back.rtp")
echo "# RTP back: echoed by the callee and received by the caller $back"
check "the caller received the callee's echo of every packet ($back of $want)" [ "$back" = "$want" ]
check "every echoed packet came from ${a_sdp_ip:-none} ${a_sdp_port:-none} (the caller's 200 OK)" \
  all_match "$work/back.rtp" '$1 " " $2' "${a_sdp_ip:-x} ${a_sdp_port:-x}"
check "echoed payload bytes identical to g711a.pcap's, in order" \
  [ "$(awk '{print $6}' "$work/back.rtp" | sha256sum | cut -c1-16)" = "$want_hash" ]

if [ $srtp = 1 ]; then
  mr_stop "$MR_PID_peer" 5
  # The payload of every packet of the capture, as bytes, in order: what the peer hashes.
  pcap_sha=$(awk '{print $6}' "$work/pcap.rtp" | python3 -c 'import hashlib,sys
print(hashlib.sha256(b"".join(bytes.fromhex(l.strip().replace(":", "")) for l in sys.stdin)).hexdigest())')
  peer() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$work/peer.json" "$1" 2>/dev/null; }
  echo "# srtp-peer: $(cat "$work/peer.json" 2>/dev/null)"
  check "srtp-peer decrypted every packet with the key the relay offered ($(peer ok) of $want)" \
    [ "$(peer ok)" = "$want" ]
  check "srtp-peer saw no authentication failure, replay or malformed packet" \
    [ "$(peer auth_fail):$(peer replay):$(peer other):$(peer no_key)" = "0:0:0:0" ]
  check "decrypted payloads identical to g711a.pcap's, in order (sha256 $(peer payload_sha256 | cut -c1-16))" \
    [ "$(peer payload_sha256)" = "$pcap_sha" ]
  check "srtp-peer echoed every packet under the callee's key ($(peer echoed))" [ "$(peer echoed)" = "$want" ]
  offered=$(sed -nE 's/^a=crypto:[0-9]+ [A-Z0-9_]+ inline:([A-Za-z0-9+\/=]+).*/\1/p' "$work/offer.line" 2>/dev/null)
  b_proto=$(tshark -n -r "$work/cap_b.pcap" -d udp.port==5062,sip -Y 'sip.Method == "INVITE" && sdp' -T fields \
    -e sdp.media.proto 2>/dev/null | head -n1)
  check "the callee's INVITE offers RTP/SAVP (got ${b_proto:-none})" [ "$b_proto" = RTP/SAVP ]
  check "the relay offered AES_CM_128_HMAC_SHA1_80 first (the callee's answer's suite)" \
    grep -q '^a=crypto:[0-9]* AES_CM_128_HMAC_SHA1_80 inline:' "$work/offer.line"
  check "the relay's key towards the callee differs from the callee's own" \
    [ -n "$offered" ] && [ "$offered" != "$callee_key" ]
  if [ -n "$offered" ]; then
    leaks=$(grep -lF -e "$offered" -e "$callee_key" "$work"/*.log "$work"/kamailio-run/* 2>/dev/null | tr '\n' ' ')
  else
    leaks="(no offered key to look for)"
  fi
  check "neither key appears in any log of the run [${leaks:-none}]" [ -z "$leaks" ]
fi

if [ $mode = relay ]; then
  klog=$work/kamailio.log
  check "Kamailio asked the relay: offer, answer, delete" \
    bash -c "grep -q 'offer relayed' '$klog' && grep -q 'answer relayed' '$klog' && grep -q 'media deleted' '$klog'"
  check "Kamailio saw no rtpengine error" bash -c "! grep -qE 'rtpengine_(offer|answer|delete) failed|ERROR: rtpengine' '$klog'"

  # After the BYE: no call in control, no flow in the dataplane.
  gone() {
    mr_ng list >"$work/ng-list-after.json" 2>/dev/null &&
      python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if not d.get("calls") else 1)' \
        "$work/ng-list-after.json"
  }
  check "after the BYE, ng list names no call" mr_wait_for 15 "" gone
  if [ -n "$ngcall" ]; then
    mr_ng query "call-id=$ngcall" >"$work/ng-query-after.json" 2>&1
    check "after the BYE, ng query says the call is unknown" \
      bash -c "grep -q '\"result\": \"error\"' '$work/ng-query-after.json'"
  fi
  no_flows() {
    "$MR_SHM_FLOWS" "$MR_INSTANCE" >"$work/flows-after.txt" && grep -q '^region .* flows_active=0 ' "$work/flows-after.txt"
  }
  check "after the BYE, the dataplane's stats table has no active flow" mr_wait_for 15 "" no_flows
  sed 's/^/# dataplane: /' "$work/flows-after.txt" 2>/dev/null
  check "the relay dropped nothing for want of a neighbor" \
    bash -c "! grep -q 'drop reason=no-neighbor' '$work/flows-after.txt'"
  if [ $srtp = 1 ]; then
    check "the relay counted no SRTP drop" bash -c "! grep -q 'drop reason=srtp-' '$work/flows-after.txt'"
  fi
  check "the relay answers ping on $MR_RELAY_IP from the caller and the callee" \
    bash -c "ip netns exec '$MR_NS_A' ping -c 2 -i 0.2 -W 2 -q '$MR_RELAY_IP' >/dev/null &&
             ip netns exec '$MR_NS_B' ping -c 2 -i 0.2 -W 2 -q '$MR_RELAY_IP' >/dev/null"
  check "mrelay-dataplane still runs" mr_alive "$MR_PID_dataplane"
  check "mrelay-control still runs" mr_alive "$MR_PID_control"
fi
completed=1
finish
