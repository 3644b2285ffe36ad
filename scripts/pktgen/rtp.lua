-- SPDX-License-Identifier: BSD-3-Clause
-- pktgen-dpdk 23.06 profile: G.711 RTP on the calls that
-- scripts/pktgen/setup-calls set up through mrelay-control's ng port.
--
-- The frames are the pcap setup-calls wrote (one 214-byte frame per call,
-- caller -> relay), given to pktgen with `-s 0:flows.pcap`. This profile
-- sends them in a loop on port 0 at MRBENCH_RATE percent of the link for
-- MRBENCH_SECONDS, answers the relay's ARP for the callee address (which is
-- the port's own address), and prints what went out and what came back.
-- Every frame of one call repeats the same RTP header: pktgen measures rate
-- and loss by port counters; per-flow sequence and payload checks are
-- mrelay-gen's (scripts/bench).
--
--   MRBENCH_GEN_IP    the port's address with prefix (default 198.18.0.2/24)
--   MRBENCH_RATE      percent of the link speed (default 10; 10 GbE: 100 = 5.25 Mpps of 214 B)
--   MRBENCH_SECONDS   how long to send (default 10)

local port = "0"
local gen_ip = os.getenv("MRBENCH_GEN_IP") or "198.18.0.2/24"
local rate = tonumber(os.getenv("MRBENCH_RATE") or "10")
local seconds = tonumber(os.getenv("MRBENCH_SECONDS") or "10")

pktgen.screen("off")
pktgen.set_ipaddr(port, "src", gen_ip)
pktgen.process(port, "on")
-- Frame size with the FCS: pktgen's rate arithmetic uses it.
pktgen.set(port, "size", 218)
pktgen.set(port, "rate", rate)
pktgen.set(port, "count", 0)
pktgen.pcap(port, "on")
pktgen.delay(1000)
pktgen.clr()

pktgen.start(port)
pktgen.delay(seconds * 1000)
pktgen.stop(port)
-- What is still in flight comes back.
pktgen.delay(1000)

local st = pktgen.portStats(port, "port")[0]
local tx, rx = st.opackets, st.ipackets
print(string.format("mrbench pktgen seconds=%d rate_pct=%s tx=%d rx=%d lost=%d loss_pct=%.4f "
    .. "tx_pps=%.0f rx_pps=%.0f imissed=%d ierrors=%d oerrors=%d rx_nombuf=%d",
    seconds, tostring(rate), tx, rx, tx - rx, tx > 0 and 100 * (tx - rx) / tx or 0,
    tx / seconds, rx / seconds, st.imissed, st.ierrors, st.oerrors, st.rx_nombuf))
pktgen.quit()
