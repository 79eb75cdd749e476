package io.mpath4j.iscsi;

import io.mpath4j.iscsi.login.ChapCredentials;
import io.mpath4j.iscsi.login.DigestOffer;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the iSCSI initiator. Immutable; change with the {@code with…} methods.
 *
 * @param initiatorName our iSCSI name (InitiatorName, RFC 7143 §13.5)
 * @param targetChap for mutual CHAP, the name and secret the target must prove; {@code null} for
 *     one-way CHAP or none (the initiator's own CHAP name and secret come from the URI)
 * @param connectTimeout TCP connect
 * @param loginTimeout the whole login, from connect to the full feature phase
 * @param commandTimeout a command without its final response this long after it was sent tears the
 *     connection down (the task may still execute: ERL 0 has no other recovery)
 * @param nopInterval a NOP-Out ping is sent when nothing was received for this long
 * @param nopTimeout a ping without answer this long tears the connection down; silent loss is
 *     thus found within {@code nopInterval + nopTimeout}
 * @param maxInFlight commands registered and unanswered per session beyond which new ones wait in
 *     the queue (the CmdSN window limits further)
 * @param reconnectInitial first back-off of the background reconnect, doubled per failure
 * @param reconnectMax largest back-off
 * @param fenceTimeout how long {@code fence()} tries to reinstate the session before it fails
 * @param fencingDelay after this long since the connection was torn down, {@code fence()} completes
 *     even without a reinstatement: by then the target has dropped the old session and its tasks
 *     (RFC 7143: at ErrorRecoveryLevel 0 a failed connection ends its tasks, and session state is
 *     kept at most DefaultTime2Wait + DefaultTime2Retain, 2 + 20 s as we offer them). When it is
 *     longer than {@code fenceTimeout} (the default) an unreachable target fails the fence
 * @param headerDigest what to offer for HeaderDigest (default None,CRC32C)
 * @param dataDigest what to offer for DataDigest (default None,CRC32C); {@link DigestOffer#REQUIRED}
 *     makes a login without CRC32C fail. An iSCSI URI's {@code header_digest} / {@code data_digest}
 *     parameter overrides these for its sessions
 * @param platformReader each session reads its socket on a platform thread (default) rather than a
 *     virtual one. A virtual reader parks on every empty read, which goes through the JDK's
 *     poller and the carrier pool: about twice the CPU per I/O (docs/benchmarks.md, iSCSI). A
 *     process with thousands of sessions may prefer virtual readers (no thread stack each)
 */
public record IscsiOptions(String initiatorName, ChapCredentials targetChap, Duration connectTimeout,
        Duration loginTimeout, Duration commandTimeout, Duration nopInterval, Duration nopTimeout, int maxInFlight,
        Duration reconnectInitial, Duration reconnectMax, Duration fenceTimeout, Duration fencingDelay,
        DigestOffer headerDigest, DigestOffer dataDigest, boolean platformReader) {

    public static final String DEFAULT_INITIATOR_NAME = "iqn.2026-11.io.mpath4j:initiator";

    public IscsiOptions {
        Objects.requireNonNull(initiatorName, "initiatorName");
        for (Duration d : new Duration[] {connectTimeout, loginTimeout, commandTimeout, nopInterval, nopTimeout,
                reconnectInitial, reconnectMax, fenceTimeout, fencingDelay}) {
            Objects.requireNonNull(d, "duration");
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("durations must be positive: " + d);
            }
        }
        Objects.requireNonNull(headerDigest, "headerDigest");
        Objects.requireNonNull(dataDigest, "dataDigest");
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be positive");
        }
    }

    public static IscsiOptions defaults() {
        // NOP-Out after 1 s of silence, 900 ms to answer: a silent path loss is found in 1.9 s plus
        // one watchdog tick (25 ms), inside the 2 s the project promises.
        return new IscsiOptions(DEFAULT_INITIATOR_NAME, null, Duration.ofSeconds(5), Duration.ofSeconds(10),
                Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMillis(900), 128, Duration.ofMillis(100),
                Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(22), DigestOffer.ALLOWED,
                DigestOffer.ALLOWED, true);
    }

    public IscsiOptions withInitiatorName(String v) {
        return new IscsiOptions(v, targetChap, connectTimeout, loginTimeout, commandTimeout, nopInterval, nopTimeout,
                maxInFlight, reconnectInitial, reconnectMax, fenceTimeout, fencingDelay,
                headerDigest, dataDigest, platformReader);
    }

    public IscsiOptions withTargetChap(ChapCredentials v) {
        return new IscsiOptions(initiatorName, v, connectTimeout, loginTimeout, commandTimeout, nopInterval, nopTimeout,
                maxInFlight, reconnectInitial, reconnectMax, fenceTimeout, fencingDelay,
                headerDigest, dataDigest, platformReader);
    }

    public IscsiOptions withTimeouts(Duration connect, Duration login, Duration command) {
        return new IscsiOptions(initiatorName, targetChap, connect, login, command, nopInterval, nopTimeout,
                maxInFlight, reconnectInitial, reconnectMax, fenceTimeout, fencingDelay,
                headerDigest, dataDigest, platformReader);
    }

    public IscsiOptions withNop(Duration interval, Duration timeout) {
        return new IscsiOptions(initiatorName, targetChap, connectTimeout, loginTimeout, commandTimeout, interval,
                timeout, maxInFlight, reconnectInitial, reconnectMax, fenceTimeout, fencingDelay,
                headerDigest, dataDigest, platformReader);
    }

    public IscsiOptions withMaxInFlight(int v) {
        return new IscsiOptions(initiatorName, targetChap, connectTimeout, loginTimeout, commandTimeout, nopInterval,
                nopTimeout, v, reconnectInitial, reconnectMax, fenceTimeout, fencingDelay,
                headerDigest, dataDigest, platformReader);
    }

    public IscsiOptions withReconnect(Duration initial, Duration max) {
        return new IscsiOptions(initiatorName, targetChap, connectTimeout, loginTimeout, commandTimeout, nopInterval,
                nopTimeout, maxInFlight, initial, max, fenceTimeout, fencingDelay,
                headerDigest, dataDigest, platformReader);
    }

    public IscsiOptions withFencingDelay(Duration v) {
        return new IscsiOptions(initiatorName, targetChap, connectTimeout, loginTimeout, commandTimeout, nopInterval,
                nopTimeout, maxInFlight, reconnectInitial, reconnectMax, fenceTimeout, v,
                headerDigest, dataDigest, platformReader);
    }

    public IscsiOptions withFenceTimeout(Duration v) {
        return new IscsiOptions(initiatorName, targetChap, connectTimeout, loginTimeout, commandTimeout, nopInterval,
                nopTimeout, maxInFlight, reconnectInitial, reconnectMax, v, fencingDelay,
                headerDigest, dataDigest, platformReader);
    }

    public IscsiOptions withDigests(DigestOffer header, DigestOffer data) {
        return new IscsiOptions(initiatorName, targetChap, connectTimeout, loginTimeout, commandTimeout, nopInterval,
                nopTimeout, maxInFlight, reconnectInitial, reconnectMax, fenceTimeout, fencingDelay, header, data,
                platformReader);
    }

    public IscsiOptions withPlatformReader(boolean v) {
        return new IscsiOptions(initiatorName, targetChap, connectTimeout, loginTimeout, commandTimeout, nopInterval,
                nopTimeout, maxInFlight, reconnectInitial, reconnectMax, fenceTimeout, fencingDelay, headerDigest,
                dataDigest, v);
    }
}
