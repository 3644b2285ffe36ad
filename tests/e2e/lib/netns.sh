# SPDX-License-Identifier: BSD-3-Clause
# The end-to-end topology, sourced by tests/e2e/*.sh and scripts/demo.
#
#   caller ns (.10) --veth--+
#                           |   bridge in the root namespace (.2: Kamailio's SIP address)
#   callee ns (.20) --veth--+
#                           |
#   dataplane TAP ----------+   (.1: the relay's media address, answered by mrelay-dataplane)
#
# One /24 of the benchmark range 198.18.0.0/15 per run; every name carries the
# run's id, so parallel runs do not collide. Needs root (namespaces, links).
#
# The dataplane's media port is `net_tap0,iface=$MR_TAP`: DPDK creates the
# kernel TAP when it starts and gives the kernel side the port's own MAC. A
# bridge treats its ports' MACs as local and would swallow every frame meant
# for the dataplane, so mr_topo_attach_tap gives the kernel side another MAC
# before enslaving it. (net_af_packet on a veth works too, but receives the
# namespaces' UDP with the checksum left to offload; the kernel completes
# checksums before it writes to a TAP without offloads.)
#
#   mr_topo_init ID [NET]   names and addresses (NET = 198.18.X; default: a free one)
#   mr_topo_up              namespaces, veths, bridge; writes $MR_TOPO_STATE
#   mr_topo_attach_tap [S]  wait up to S seconds (default 20) for the TAP, enslave it
#   mr_topo_down            remove everything this run made; safe to call twice
#   mr_topo_load FILE       read a state file written by mr_topo_up (for --stop)
#   mr_in_a / mr_in_b CMD   run CMD in the caller / callee namespace

MR_TOPO_LOCK=${MR_TOPO_LOCK:-/run/lock/mrelay-e2e.lock}

# mr_net_free NET: true when NET.0/24 (NET = 198.18.X or 198.19.X) is in no address or route here.
mr_net_free() {
  local net=$1
  ! ip -4 -o addr show 2>/dev/null | grep -qF " $net." &&
  ! ip -4 route show 2>/dev/null | grep -qF "$net."
}

mr_topo_init() {
  MR_ID=$1
  local net=${2:-}
  MR_NS_A=mr-$MR_ID-a
  MR_NS_B=mr-$MR_ID-b
  MR_BR=mrbr-$MR_ID
  MR_VETH_A=mrva-$MR_ID
  MR_VETH_B=mrvb-$MR_ID
  MR_TAP=mrtap-$MR_ID
  MR_TAP_MAC=""
  MR_NET=$net
  MR_TOPO_MADE=0
  MR_TOPO_STATE=${MR_TOPO_STATE:-}
}

# Pick a free 198.18.X / 198.19.X under the lock; the caller holds it until mr_topo_up.
mr_topo_pick_net() {
  local i x
  for i in $(seq 1 64); do
    x=$(( (RANDOM % 510) + 1 ))
    if [ $x -lt 256 ]; then x=198.18.$x; else x=198.19.$((x - 256)); fi
    [ "$x" = 198.19.255 ] && continue
    if mr_net_free "$x"; then MR_NET=$x; return 0; fi
  done
  echo "netns: no free /24 in 198.18.0.0/15" >&2
  return 1
}

mr_topo_addrs() {
  MR_RELAY_IP=$MR_NET.1
  MR_SIP_IP=$MR_NET.2
  MR_A_IP=$MR_NET.10
  MR_B_IP=$MR_NET.20
}

mr_in_a() { ip netns exec "$MR_NS_A" "$@"; }
mr_in_b() { ip netns exec "$MR_NS_B" "$@"; }

mr_topo_save() {
  [ -n "$MR_TOPO_STATE" ] || return 0
  cat >"$MR_TOPO_STATE" <<STATE
MR_ID=$MR_ID
MR_NET=$MR_NET
STATE
}

mr_topo_load() {
  local f=$1 id net
  [ -f "$f" ] || return 1
  id=$(sed -n 's/^MR_ID=//p' "$f")
  net=$(sed -n 's/^MR_NET=//p' "$f")
  [ -n "$id" ] || return 1
  mr_topo_init "$id" "$net"
  MR_TOPO_STATE=$f
  mr_topo_addrs
}

# A link-local-free link: no IPv6 on it, so the relay sees only what the test sends.
mr_noipv6() { # [ns] ifname
  if [ $# = 2 ]; then
    ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1" 2>/dev/null || true
  else
    sysctl -qw "net.ipv6.conf.$1.disable_ipv6=1" 2>/dev/null || true
  fi
}

mr_topo_up() {
  local rc=0
  [ -n "${MR_ID:-}" ] || { echo "netns: mr_topo_init first" >&2; return 1; }
  mkdir -p "$(dirname "$MR_TOPO_LOCK")"
  exec {MR_LOCK_FD}>"$MR_TOPO_LOCK"
  flock -w 30 "$MR_LOCK_FD" || { echo "netns: lock $MR_TOPO_LOCK busy" >&2; exec {MR_LOCK_FD}>&-; return 1; }
  if [ -z "$MR_NET" ]; then
    mr_topo_pick_net || rc=1
  elif ! mr_net_free "$MR_NET"; then
    echo "netns: $MR_NET.0/24 is already in use here" >&2
    rc=1
  fi
  if [ $rc = 0 ]; then
    mr_topo_addrs
    MR_TOPO_MADE=1
    mr_topo_save
    {
      ip link add "$MR_BR" type bridge &&
      mr_noipv6 "$MR_BR" &&
      ip addr add "$MR_SIP_IP/24" dev "$MR_BR" &&
      ip link set "$MR_BR" up &&
      mr_topo_peer "$MR_NS_A" "$MR_VETH_A" "$MR_A_IP" &&
      mr_topo_peer "$MR_NS_B" "$MR_VETH_B" "$MR_B_IP"
    } || rc=1
  fi
  flock -u "$MR_LOCK_FD"; exec {MR_LOCK_FD}>&-
  return $rc
}

# mr_topo_peer NS VETH IP: a namespace whose eth0 is on the bridge.
mr_topo_peer() {
  local ns=$1 veth=$2 addr=$3
  ip netns add "$ns" &&
  ip link add "$veth" type veth peer name eth0 netns "$ns" &&
  mr_noipv6 "$veth" &&
  ip link set "$veth" master "$MR_BR" up &&
  ip -n "$ns" link set lo up &&
  mr_noipv6 "$ns" eth0 &&
  ip -n "$ns" addr add "$addr/24" dev eth0 &&
  ip -n "$ns" link set eth0 up
}

mr_topo_attach_tap() {
  local wait=${1:-20} i mac
  for i in $(seq 1 $((wait * 10))); do
    ip link show "$MR_TAP" >/dev/null 2>&1 && break
    sleep 0.1
  done
  ip link show "$MR_TAP" >/dev/null 2>&1 || { echo "netns: $MR_TAP did not appear in ${wait}s" >&2; return 1; }
  # Locally administered, derived from the run id, different from the port's.
  mac=$(printf '%s' "$MR_ID" | md5sum | sed -E 's/^(..)(..)(..)(..)(..).*/02:\1:\2:\3:\4:\5/')
  mr_noipv6 "$MR_TAP"
  ip link set "$MR_TAP" address "$mac" &&
  ip link set "$MR_TAP" master "$MR_BR" &&
  ip link set "$MR_TAP" up || return 1
  MR_TAP_MAC=$mac
}

mr_topo_down() {
  [ -n "${MR_ID:-}" ] || return 0
  ip netns pids "$MR_NS_A" 2>/dev/null | xargs -r kill 2>/dev/null
  ip netns pids "$MR_NS_B" 2>/dev/null | xargs -r kill 2>/dev/null
  ip netns del "$MR_NS_A" 2>/dev/null
  ip netns del "$MR_NS_B" 2>/dev/null
  ip link del "$MR_VETH_A" 2>/dev/null
  ip link del "$MR_VETH_B" 2>/dev/null
  ip link del "$MR_TAP" 2>/dev/null
  ip link del "$MR_BR" 2>/dev/null
  [ -n "$MR_TOPO_STATE" ] && rm -f "$MR_TOPO_STATE"
  MR_TOPO_MADE=0
  return 0
}
