package io.mpath4j.core.device;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.function.Consumer;

/**
 * I/O held while no path is usable, in arrival order, within a memory and a count cap. Owned by
 * the device's serial executor; not thread-safe by itself.
 */
final class NoPathQueue {

    private final ArrayDeque<IoAttempt> queue = new ArrayDeque<>();
    private long bytes;

    /** Adds {@code a} unless a cap would be exceeded; returns false when it was refused. */
    boolean offer(IoAttempt a, long limitBytes, int limitRequests) {
        long b = a.queuedBytes();
        if (queue.size() >= limitRequests || bytes + b > limitBytes) {
            return false;
        }
        queue.addLast(a);
        bytes += b;
        return true;
    }

    int size() {
        return queue.size();
    }

    long bytes() {
        return bytes;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Removes every queued I/O, oldest first, and hands each to {@code sink}. */
    void drain(Consumer<IoAttempt> sink) {
        IoAttempt a;
        while ((a = queue.pollFirst()) != null) {
            bytes -= a.queuedBytes();
            sink.accept(a);
        }
    }

    /** Removes the I/O whose deadline passed and hands each to {@code sink}; returns the earliest remaining deadline. */
    long expire(long now, Consumer<IoAttempt> sink) {
        long earliest = Long.MAX_VALUE;
        for (Iterator<IoAttempt> it = queue.iterator(); it.hasNext(); ) {
            IoAttempt a = it.next();
            if (a.deadlineNanos <= now) {
                it.remove();
                bytes -= a.queuedBytes();
                sink.accept(a);
            } else {
                earliest = Math.min(earliest, a.deadlineNanos);
            }
        }
        return earliest;
    }
}
