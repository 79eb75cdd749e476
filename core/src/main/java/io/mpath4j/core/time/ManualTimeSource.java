package io.mpath4j.core.time;

import java.time.Duration;
import java.util.PriorityQueue;

/**
 * Time that moves only when a test says so. Scheduled tasks run on the thread that advances the
 * clock, in deadline order (ties in scheduling order), which makes engine tests replayable.
 */
public final class ManualTimeSource implements TimeSource {

    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private long now;
    private long sequence;

    public ManualTimeSource() {
        this(1_000_000_000L);
    }

    public ManualTimeSource(long startNanos) {
        this.now = startNanos;
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, long delayNanos) {
        Timer t = new Timer(now + Math.max(0, delayNanos), sequence++, task);
        timers.add(t);
        return () -> {
            synchronized (ManualTimeSource.this) {
                timers.remove(t);
            }
        };
    }

    /** Moves the clock forward, running every task that falls due on the way at its own time. */
    public void advance(Duration d) {
        advanceNanos(d.toNanos());
    }

    public void advanceNanos(long nanos) {
        long target;
        synchronized (this) {
            target = now + nanos;
        }
        while (true) {
            Timer next;
            synchronized (this) {
                next = timers.peek();
                if (next == null || next.due > target) {
                    now = target;
                    return;
                }
                timers.poll();
                now = Math.max(now, next.due);
            }
            next.task.run();
        }
    }

    /** Runs tasks that are due now (scheduled with zero delay) without moving the clock. */
    public void runDue() {
        advanceNanos(0);
    }

    /** Number of timers not yet run. */
    public synchronized int pending() {
        return timers.size();
    }

    private record Timer(long due, long seq, Runnable task) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(due, o.due);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }
}
