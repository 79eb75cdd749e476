package io.mpath4j.lab.target;

import java.time.Duration;

/**
 * What the lab target offers in login negotiation (RFC 7143 §13) and how it keeps connections
 * alive. The values are this target's side of each result function: the session gets the smaller
 * MaxBurstLength of the two, and so on.
 *
 * @param maxRecvDataSegmentLength what this target declares it receives per PDU
 * @param maxBurstLength the longest solicited burst and Data-In sequence
 * @param firstBurstLength the most immediate plus unsolicited data per write
 * @param maxOutstandingR2T R2Ts outstanding per write
 * @param commandWindow commands the initiator may have in flight: MaxCmdSN = ExpCmdSN + window - 1
 * @param maxWriteLength the longest write accepted (EDTL), a guard against a buffer of 4 GiB
 * @param nopInterval a NOP-In ping goes out after this long without a PDU from the initiator;
 *     {@link Duration#ZERO} for none
 * @param nopTimeout a ping unanswered this long drops the connection
 * @param loginTimeout a login not finished in this time drops the connection
 * @param drainTimeout how long a reinstatement, logout or LOGICAL UNIT RESET waits for commands
 *     that are executing
 * @param digests the HeaderDigest and DataDigest values this target accepts, in order of
 *     preference: "CRC32C,None" (the initiator chooses), "CRC32C" (required), "None"
 */
public record TargetSettings(int maxRecvDataSegmentLength, int maxBurstLength, int firstBurstLength,
        int maxOutstandingR2T, int commandWindow, int maxWriteLength, Duration nopInterval, Duration nopTimeout,
        Duration loginTimeout, Duration drainTimeout, String digests) {

    public TargetSettings {
        check("MaxRecvDataSegmentLength", maxRecvDataSegmentLength, 512, 16777215);
        check("MaxBurstLength", maxBurstLength, 512, 16777215);
        check("FirstBurstLength", firstBurstLength, 512, maxBurstLength);
        check("MaxOutstandingR2T", maxOutstandingR2T, 1, 65535);
        check("command window", commandWindow, 1, 1 << 16);
        check("max write length", maxWriteLength, 512, Integer.MAX_VALUE);
        if (!java.util.Set.of("CRC32C,None", "None,CRC32C", "CRC32C", "None").contains(digests)) {
            throw new IllegalArgumentException("digests " + digests + ": CRC32C,None or None,CRC32C or CRC32C or None");
        }
        if (nopInterval.isNegative() || !nopTimeout.isPositive() || !loginTimeout.isPositive()
                || !drainTimeout.isPositive()) {
            throw new IllegalArgumentException("bad durations");
        }
    }

    private static void check(String what, long v, long min, long max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(what + " " + v + " is outside [" + min + ", " + max + "]");
        }
    }

    /** 256 KiB PDUs, 1 MiB bursts, 4 outstanding R2Ts, a window of 128, NOP-In every 5 s. */
    public static TargetSettings defaults() {
        return new TargetSettings(262144, 1 << 20, 65536, 4, 128, 64 << 20, Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(30), "CRC32C,None");
    }

    public TargetSettings withBursts(int maxRecvDataSegment, int maxBurst, int firstBurst, int outstandingR2T) {
        return new TargetSettings(maxRecvDataSegment, maxBurst, firstBurst, outstandingR2T, commandWindow,
                maxWriteLength, nopInterval, nopTimeout, loginTimeout, drainTimeout, digests);
    }

    public TargetSettings withNop(Duration interval, Duration timeout) {
        return new TargetSettings(maxRecvDataSegmentLength, maxBurstLength, firstBurstLength, maxOutstandingR2T,
                commandWindow, maxWriteLength, interval, timeout, loginTimeout, drainTimeout, digests);
    }

    public TargetSettings withCommandWindow(int window) {
        return new TargetSettings(maxRecvDataSegmentLength, maxBurstLength, firstBurstLength, maxOutstandingR2T,
                window, maxWriteLength, nopInterval, nopTimeout, loginTimeout, drainTimeout, digests);
    }

    public TargetSettings withDigests(String list) {
        return new TargetSettings(maxRecvDataSegmentLength, maxBurstLength, firstBurstLength, maxOutstandingR2T,
                commandWindow, maxWriteLength, nopInterval, nopTimeout, loginTimeout, drainTimeout, list);
    }
}
