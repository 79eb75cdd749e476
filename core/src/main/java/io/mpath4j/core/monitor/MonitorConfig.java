package io.mpath4j.core.monitor;

import java.time.Duration;

/**
 * Checker timing, named as in multipath.conf.
 *
 * @param pollingInterval {@code polling_interval}: check period after a change or a failure
 * @param maxPollingInterval {@code max_polling_interval}: the period grows up to this while a path stays healthy
 * @param checkerTimeout {@code checker_timeout}: a check not answered in time counts as a timeout (path fails)
 */
public record MonitorConfig(Duration pollingInterval, Duration maxPollingInterval, Duration checkerTimeout) {

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
    }
}
