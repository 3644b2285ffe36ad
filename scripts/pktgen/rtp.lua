-- SPDX-License-Identifier: BSD-3-Clause
-- pktgen-dpdk 23.06 profile: G.711 RTP on the calls that
-- scripts/pktgen/setup-calls set up through mrelay-control's ng port.
--
-- The frames are the pcap setup-calls wrote (one 214-byte frame per call,
-- caller -> relay), given to pktgen with `-s 0:flows.pcap`. This profile
-- sends them in a loop on port 0 for MRBENCH_SECONDS, answers the relay's
-- ARP for the callee address (which is the port's own address), and prints
-- what went out and what came back.
-- Every frame of one call repeats the same RTP header: pktgen measures rate
-- and loss by port counters; per-flow sequence and payload checks are
-- mrelay-gen's (scripts/bench).
--
--   MRBENCH_GEN_IP    the port's address with prefix (default 198.18.0.2/24)
--   MRBENCH_PPS       packets per second to send; converted to pktgen's rate
--                     (percent of the link speed the port reports)
--   MRBENCH_RATE      percent of the link speed, when MRBENCH_PPS is not set
--                     (default 10; 10 GbE: 100 = 5.25 Mpps of 214-byte frames)
--   MRBENCH_SECONDS   how long to send (default 10)
--
-- In pcap mode pktgen paces by the pcap's mean frame size plus 24 bytes
-- (FCS, preamble, start delimiter, inter-frame gap): 238 bytes here. A
-- virtual port (net_af_packet, net_tap) reports a nominal 10 Gb/s, so there
-- the percentage means nothing and MRBENCH_PPS is the option to use.

local port = "0"
-- setup-calls writes 214-byte frames; pktgen adds 24 (FCS, preamble, gap).
local frame_wire_bits = (214 + 24) * 8
local gen_ip = os.getenv("MRBENCH_GEN_IP") or "198.18.0.2/24"
local seconds = tonumber(os.getenv("MRBENCH_SECONDS") or "10")
local want_pps = tonumber(os.getenv("MRBENCH_PPS") or "")

-- Wall-clock seconds (10 ms resolution, no fork): pktgen.delay() sleeps in
-- 10 ms steps and runs pktgen's timers between them, so on a busy machine a
-- delay of N ms takes longer than N ms; rates are divided by measured time.
local function now()
	local f = assert(io.open("/proc/uptime", "r"))
	local t = f:read("n")
	f:close()
	return t
end

-- Link speed in Mb/s as pktgen uses it for pacing ("<UP-10000-FD>").
local function link_mbps()
	local s = pktgen.linkState(port)[tonumber(port)] or ""
	return tonumber(string.match(s, "UP%-(%d+)%-")) or 0
end

local function arp_count()
	return pktgen.pktStats(port)[tonumber(port)].arp_pkts
end

pktgen.screen("off")
pktgen.set_ipaddr(port, "src", gen_ip)
pktgen.process(port, "on")
pktgen.pcap(port, "on")
pktgen.set(port, "count", 0)
pktgen.delay(1000)

-- A NIC's link may take seconds to come up after the port starts.
local mbps = link_mbps()
for _ = 1, 20 do
	if mbps > 0 then break end
	pktgen.delay(500)
	mbps = link_mbps()
end
local rate
if want_pps then
	if mbps == 0 then
		print("rtp.lua: port " .. port .. " is down or reports no speed: no MRBENCH_PPS pacing")
		pktgen.quit()
		return
	end
	rate = 100 * want_pps * frame_wire_bits / (mbps * 1e6)
else
	rate = tonumber(os.getenv("MRBENCH_RATE") or "10")
end
pktgen.set(port, "rate", string.format("%.6f", rate))
pktgen.clr()
pktgen.delay(1000)

local arp0 = arp_count()
local t0 = now()
pktgen.start(port)
pktgen.delay(seconds * 1000)
pktgen.stop(port)
local elapsed = now() - t0
-- What is still in flight comes back; pktgen's counters are refreshed by
-- its one-second stats timer, which runs during the delay.
pktgen.delay(2000)

local st = pktgen.portStats(port, "port")[tonumber(port)]
local arp = arp_count() - arp0
-- Each ARP request from the relay is one frame in and one reply out.
local tx, rx = st.opackets - arp, st.ipackets - arp
print(string.format("mrbench pktgen seconds=%.2f link_mbps=%d rate_pct=%.4f target_pps=%.0f "
    .. "tx=%d rx=%d lost=%d loss_pct=%.4f tx_pps=%.0f rx_pps=%.0f arp=%d "
    .. "imissed=%d ierrors=%d oerrors=%d rx_nombuf=%d",
    elapsed, mbps, rate, mbps * 1e6 * rate / 100 / frame_wire_bits,
    tx, rx, tx - rx, tx > 0 and 100 * (tx - rx) / tx or 0,
    tx / elapsed, rx / elapsed, arp, st.imissed, st.ierrors, st.oerrors, st.rx_nombuf))
pktgen.quit()
