package io.mpath4j.core.time;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs submitted tasks one at a time, in submission order, on a shared underlying executor.
 * Each multipath device owns one: its state changes are applied in order by the device alone, and
 * an event storm on one device never delays another (no lock shared by all devices).
 */
public final class SerialExecutor implements Executor {

    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Executor underlying;

    public SerialExecutor(Executor underlying) {
        this.underlying = underlying;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (scheduled.compareAndSet(false, true)) {
            underlying.execute(this::drain);
        }
    }

    private void drain() {
        try {
            // Bounded batch so one busy device yields its carrier thread to others.
            for (int i = 0; i < 1024; i++) {
                Runnable r = tasks.poll();
                if (r == null) {
                    break;
                }
                try {
                    r.run();
                } catch (RuntimeException | Error e) {
                    Thread t = Thread.currentThread();
                    t.getUncaughtExceptionHandler().uncaughtException(t, e);
                }
            }
        } finally {
            scheduled.set(false);
        }
        if (!tasks.isEmpty() && scheduled.compareAndSet(false, true)) {
            underlying.execute(this::drain);
        }
    }
}
