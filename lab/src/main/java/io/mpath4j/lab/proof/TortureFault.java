package io.mpath4j.lab.proof;

/** The faults a torture cycle injects on one path; which ones a target offers is its {@link TortureRig}'s choice. */
public enum TortureFault {
    /** Both TCP peers of the path's connection get an RST (lab target, fault proxy) or the target closes it (tgtadm). */
    RESET,
    /** The fault proxy forwards nothing for 1–2 s; the connection stays open, no FIN, no RST. */
    BLACKHOLE,
    /** The test bed takes the path's link down for 1–2 s: a pulled cable, TCP retransmits into the void. */
    LINK_CUT,
    /** The lab target makes another target port group active/optimized (implicit ALUA). */
    ALUA_FLIP,
    /** 20–60 ms added to every chunk each way for 1–2 s. */
    LATENCY,
    /** The test bed shapes what the target sends on the path to 8 Mbit/s for 1–2 s (tc htb). */
    RATE_LIMIT
}
