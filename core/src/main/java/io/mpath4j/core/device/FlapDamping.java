package io.mpath4j.core.device;

import java.time.Duration;

/**
 * Holds out a path that keeps failing: after {@code threshold} failures within {@code window}, a
 * recovered path is kept out of service for {@code initialHold}, doubling for every further flap
 * up to {@code maxHold}. The hold level decays once the path stays up for a whole window.
 * (The purpose of multipath-tools' san_path_err_* and marginal_path_* settings.)
 */
public record FlapDamping(int threshold, Duration window, Duration initialHold, Duration maxHold) {

    public static final FlapDamping DISABLED = new FlapDamping(Integer.MAX_VALUE, Duration.ofSeconds(1),
            Duration.ofSeconds(1), Duration.ofSeconds(1));

    public static final FlapDamping DEFAULT = new FlapDamping(3, Duration.ofSeconds(60),
            Duration.ofSeconds(5), Duration.ofSeconds(300));

    public FlapDamping {
        if (threshold < 1) {
            throw new IllegalArgumentException("flap threshold must be ≥ 1");
        }
        if (window.isNegative() || window.isZero() || initialHold.isNegative() || maxHold.compareTo(initialHold) < 0) {
            throw new IllegalArgumentException("flap damping durations must be positive and maxHold ≥ initialHold");
        }
    }

    public boolean enabled() {
        return threshold != Integer.MAX_VALUE;
    }

    /** Hold time for the given level (1 = first hold). */
    long holdNanos(int level) {
        long hold = initialHold.toNanos();
        for (int i = 1; i < level && hold < maxHold.toNanos(); i++) {
            hold *= 2;
        }
        return Math.min(hold, maxHold.toNanos());
    }
}
