package io.mpath4j.core.monitor;

import io.mpath4j.core.path.AccessState;
import io.mpath4j.core.path.CheckResult;
import io.mpath4j.core.path.CheckerState;
import io.mpath4j.core.path.Path;
import io.mpath4j.core.time.TimeSource;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs every watched path's checker on its own adaptive period: {@code polling_interval} after a
 * change, doubling up to {@code max_polling_interval} while the result stays the same (as
 * multipathd does). Checks are spread over the interval (each new path starts at the next point
 * of a low-discrepancy sequence) so that thousands of paths are never checked at once, and each
 * check has a hard time budget.
 *
 * <p>The monitor holds no lock: every path's schedule is an independent timer chain.
 */
public final class PathMonitor {

    /** Golden-ratio fraction: successive multiples spread evenly over [0, 1). */
    private static final double SPREAD = 0.6180339887498949;

    private final TimeSource time;
    private final MonitorConfig config;
    private final AtomicLong registrations = new AtomicLong();

    public PathMonitor(TimeSource time, MonitorConfig config) {
        this.time = time;
        this.config = config;
    }

    public MonitorConfig config() {
        return config;
    }

    /**
     * Starts checking {@code path}; {@code onResult} receives every result (from any thread).
     * The first check runs within one polling interval.
     */
    public Watch watch(Path path, CheckListener onResult) {
        long k = registrations.getAndIncrement();
        double fraction = (k * SPREAD) % 1.0;
        long firstDelay = (long) (fraction * config.pollingInterval().toNanos());
        PathWatch w = new PathWatch(path, onResult);
        w.scheduleIn(firstDelay);
        return w;
    }

    /**
     * Receives each check's verdict, the time its check was sent (the moment the verdict
     * describes, so a receiver can tell a verdict older than something it learned since: a
     * connection loss, an ALUA notice) and how long the checker took to answer (its probe latency).
     */
    @FunctionalInterface
    public interface CheckListener {
        void onCheck(CheckResult result, long sentAtNanos, long elapsedNanos);
    }

    /** The handle of one watched path. */
    public interface Watch {
        Watch NONE = new Watch() {
            @Override
            public void checkSoon() {}

            @Override
            public void cancel() {}
        };

        /** Checks now and resets the period to {@code polling_interval} (after an event). */
        void checkSoon();

        /** Stops checking this path. */
        void cancel();
    }

    private final class PathWatch implements Watch {
        private final Path path;
        private final CheckListener onResult;
        private final AtomicBoolean cancelled = new AtomicBoolean();
        private final AtomicBoolean checking = new AtomicBoolean();
        // Written by the check in progress and by checkSoon(); a race only resets the period early.
        private volatile long periodNanos = config.pollingInterval().toNanos();
        private volatile CheckerState lastState;
        private volatile TimeSource.Cancellable next = TimeSource.Cancellable.NONE;
        private volatile boolean recheck;

        PathWatch(Path path, CheckListener onResult) {
            this.path = path;
            this.onResult = onResult;
        }

        /** Replaces the pending timer, so a watch never runs two timer chains. */
        synchronized void scheduleIn(long delayNanos) {
            next.cancel();
            if (!cancelled.get()) {
                next = time.schedule(this::runCheck, delayNanos);
            }
        }

        @Override
        public void checkSoon() {
            periodNanos = config.pollingInterval().toNanos();
            lastState = null;
            scheduleIn(0);
        }

        @Override
        public synchronized void cancel() {
            cancelled.set(true);
            next.cancel();
        }

        private void runCheck() {
            if (cancelled.get()) {
                return;
            }
            if (!checking.compareAndSet(false, true)) {
                // A check is running: its verdict may predate what prompted this one (an event),
                // so run another as soon as it finishes instead of dropping the request.
                recheck = true;
                return;
            }
            AtomicBoolean answered = new AtomicBoolean();
            long sent = time.nanoTime();
            TimeSource.Cancellable timeout = time.schedule(() -> {
                if (answered.compareAndSet(false, true)) {
                    finish(sent, new CheckResult(CheckerState.TIMEOUT, path.accessState(),
                            "checker timed out after " + config.checkerTimeout().toMillis() + " ms"));
                }
            }, config.checkerTimeout().toNanos());
            try {
                path.check().whenComplete((result, error) -> {
                    if (answered.compareAndSet(false, true)) {
                        timeout.cancel();
                        finish(sent, error == null ? result : CheckResult.faulty("checker failed: " + error));
                    }
                });
            } catch (RuntimeException e) {
                if (answered.compareAndSet(false, true)) {
                    timeout.cancel();
                    finish(sent, CheckResult.faulty("checker threw " + e));
                }
            }
        }

        private void finish(long sent, CheckResult result) {
            if (result.accessState() == AccessState.TRANSITIONING) {
                // queued I/O waits for the check that sees the transition end: look often, briefly
                periodNanos = config.transitionPollingInterval().toNanos();
            } else if (result.state() == lastState && result.state() == CheckerState.READY) {
                periodNanos = Math.min(periodNanos * 2, config.maxPollingInterval().toNanos());
            } else {
                periodNanos = config.pollingInterval().toNanos();
            }
            lastState = result.state();
            boolean again = recheck;
            recheck = false;
            checking.set(false);
            if (!cancelled.get()) {
                onResult.onCheck(result, sent, time.nanoTime() - sent);
                scheduleIn(again ? 0 : periodNanos);
            }
        }
    }
}
