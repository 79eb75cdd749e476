package io.mpath4j.core.monitor;

import java.time.Duration;

/**
 * Checker timing, named as in multipath.conf.
 *
 * @param pollingInterval {@code polling_interval}: check period after a change or a failure
 * @param maxPollingInterval {@code max_polling_interval}: the period grows up to this while a path stays healthy
 * @param checkerTimeout {@code checker_timeout}: a check not answered in time counts as a timeout (path fails)
 * @param transitionPollingInterval check period while a path reports an ALUA/ANA transition (no
 *     multipath.conf keyword): I/O waits queued until a check sees the transition end, so a period
 *     of {@code polling_interval} (5 s by default) would add up to that much to every transition;
 *     scsi_dh_alua re-reads the state every 2 s. Never longer than {@code polling_interval}.
 */
public record MonitorConfig(Duration pollingInterval, Duration maxPollingInterval, Duration checkerTimeout,
        Duration transitionPollingInterval) {

    /** A check (TEST UNIT READY and RTPG for iSCSI) every 20 ms, only while a transition lasts. */
    public static final Duration DEFAULT_TRANSITION_POLLING = Duration.ofMillis(20);

    /** multipath-tools defaults: 5 s, 4 × 5 s; our checker timeout is shorter than its 30 s SCSI default. */
    public static final MonitorConfig DEFAULT = new MonitorConfig(Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(5));

    public MonitorConfig {
        if (pollingInterval.isNegative() || pollingInterval.isZero()) {
            throw new IllegalArgumentException("polling_interval must be positive");
        }
        if (maxPollingInterval.compareTo(pollingInterval) < 0) {
            throw new IllegalArgumentException("max_polling_interval must be ≥ polling_interval");
        }
        if (checkerTimeout.isNegative() || checkerTimeout.isZero()) {
            throw new IllegalArgumentException("checker_timeout must be positive");
        }
        if (transitionPollingInterval.isNegative() || transitionPollingInterval.isZero()) {
            throw new IllegalArgumentException("the transition polling interval must be positive");
        }
        if (transitionPollingInterval.compareTo(pollingInterval) > 0) {
            transitionPollingInterval = pollingInterval;
        }
    }

    /** The multipath.conf timings, with {@link #DEFAULT_TRANSITION_POLLING} during transitions. */
    public MonitorConfig(Duration pollingInterval, Duration maxPollingInterval, Duration checkerTimeout) {
        this(pollingInterval, maxPollingInterval, checkerTimeout, DEFAULT_TRANSITION_POLLING);
    }
}
