package io.mpath4j.iscsi.session;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One timer thread for every session of the process: command and TMF deadlines and NOP-Out pings
 * ({@code IscsiSession#tick}). A thread per session parked in a sleep loop was cheap as a virtual
 * thread but still woke every few milliseconds per session; one scheduler keeps thousands of
 * sessions to one thread and one heap of deadlines.
 *
 * <p>Ticks must not block: whatever may wait (a teardown's close and callbacks) is handed to a
 * virtual thread by the session. A tick that throws is logged and keeps its schedule.
 */
final class SessionTimer {

    private static final System.Logger LOG = System.getLogger(SessionTimer.class.getName());

    private static final ScheduledThreadPoolExecutor TIMER = create();

    private SessionTimer() {}

    private static ScheduledThreadPoolExecutor create() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("iscsi-session-timer").factory());
        t.setRemoveOnCancelPolicy(true); // a closed session's tick leaves the queue at once
        t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return t;
    }

    /** Runs {@code tick} every {@code periodNanos} until the returned future is cancelled. */
    static ScheduledFuture<?> every(long periodNanos, Runnable tick) {
        return TIMER.scheduleWithFixedDelay(() -> {
            try {
                tick.run();
            } catch (RuntimeException | Error e) {
                // an exception would cancel the schedule silently and leave the session unwatched
                LOG.log(System.Logger.Level.WARNING, "iSCSI session timer tick failed", e);
            }
        }, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }
}
