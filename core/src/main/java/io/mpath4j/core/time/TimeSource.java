package io.mpath4j.core.time;

/**
 * The engine's only access to time. Production uses {@link SystemTimeSource}; tests use
 * {@link ManualTimeSource} so failover, failback and checker logic run deterministically,
 * without sleeps.
 */
public interface TimeSource {

    /** Monotonic nanoseconds, like {@link System#nanoTime()}. */
    long nanoTime();

    /** Runs {@code task} once after {@code delayNanos}; tasks must be short (they hand off work). */
    Cancellable schedule(Runnable task, long delayNanos);

    /** A scheduled task that can still be called off. */
    @FunctionalInterface
    interface Cancellable {
        Cancellable NONE = () -> {};

        void cancel();
    }
}
