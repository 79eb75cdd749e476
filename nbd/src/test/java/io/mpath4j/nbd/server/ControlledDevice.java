package io.mpath4j.nbd.server;

import io.mpath4j.core.BlockDevice;
import io.mpath4j.core.Geometry;
import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A BlockDevice whose completions the test triggers, in any order. Reads are filled with the byte (offset / 512). */
final class ControlledDevice implements BlockDevice {

    record Pending(IoRequest request, CompletableFuture<IoStatus> future) {
        void complete(IoStatus status) {
            if (status.isOk() && request instanceof IoRequest.Read r) {
                var b = r.buffer().duplicate();
                while (b.hasRemaining()) {
                    b.put((byte) (r.offset() / 512));
                }
            }
            future.complete(status);
        }
    }

    private final Geometry geometry;
    private final List<Pending> pending = new ArrayList<>();
    private final List<Pending> all = new ArrayList<>();
    private int submitted;

    ControlledDevice(long size) {
        this.geometry = new Geometry(size, 512, 4096, 0);
    }

    @Override
    public Geometry geometry() {
        return geometry;
    }

    @Override
    public synchronized CompletableFuture<IoStatus> submit(IoRequest request) {
        var p = new Pending(request, new CompletableFuture<>());
        pending.add(p);
        all.add(p);
        submitted++;
        notifyAll();
        return p.future();
    }

    synchronized int submitted() {
        return submitted;
    }

    /** Waits until {@code n} requests are pending and returns them (in submission order), removing them. */
    synchronized List<Pending> take(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pending.size() < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("expected " + n + " pending requests, have " + pending.size());
            }
            wait(Math.max(1, left / 1_000_000));
        }
        List<Pending> out = new ArrayList<>(pending.subList(0, n));
        pending.subList(0, n).clear();
        return out;
    }

    synchronized int pendingCount() {
        return pending.size();
    }

    /** Completes everything still pending with DeviceClosed, so that a server closing after a failed test does not wait forever. */
    @Override
    public void close() {
        List<Pending> left;
        synchronized (this) {
            left = new ArrayList<>(all);
            pending.clear();
        }
        for (Pending p : left) {
            p.future().complete(new IoStatus.DeviceClosed());
        }
    }
}
