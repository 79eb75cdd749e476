package io.mpath4j.core.time;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Wall time: {@link System#nanoTime()} and one daemon timer thread shared by all devices. */
public final class SystemTimeSource implements TimeSource {

    private static final SystemTimeSource INSTANCE = new SystemTimeSource();

    private final ScheduledThreadPoolExecutor timer;

    private SystemTimeSource() {
        timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "mpath4j-timer");
            t.setDaemon(true);
            return t;
        });
        // Cancelled timers (checker timeouts that did not fire) must not pile up in the queue.
        timer.setRemoveOnCancelPolicy(true);
    }

    public static SystemTimeSource instance() {
        return INSTANCE;
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        ScheduledFuture<?> f = timer.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }
}
