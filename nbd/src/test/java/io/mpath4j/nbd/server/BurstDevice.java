package io.mpath4j.nbd.server;

import io.mpath4j.core.BlockDevice;
import io.mpath4j.core.CompletionBurst;
import io.mpath4j.core.Geometry;
import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A memory disk whose completions one thread delivers in bursts, as an {@code NbdPath}'s reader
 * does: it takes everything queued, completes it inside a {@link CompletionBurst} and ends the
 * burst before it waits again. One such thread serves every connection of a server.
 */
final class BurstDevice implements BlockDevice {

    final MemoryBlockDevice memory;
    private final LinkedBlockingQueue<CompletableFuture<IoStatus>> queue = new LinkedBlockingQueue<>();
    private final Thread completer;
    /** Bursts the completing thread has ended; it moves only while that thread is not stuck. */
    final AtomicLong bursts = new AtomicLong();
    private volatile boolean closed;

    BurstDevice(int size) {
        this.memory = new MemoryBlockDevice(size, 512);
        this.completer = Thread.ofVirtual().name("burst-completer").start(this::complete);
    }

    @Override
    public Geometry geometry() {
        return memory.geometry();
    }

    @Override
    public CompletableFuture<IoStatus> submit(IoRequest request) {
        memory.submit(request); // the data moves now; the completion comes later, on the completer
        CompletableFuture<IoStatus> f = new CompletableFuture<>();
        queue.add(f);
        return f;
    }

    private void complete() {
        CompletionBurst burst = CompletionBurst.begin();
        List<CompletableFuture<IoStatus>> batch = new ArrayList<>();
        try {
            while (!closed) {
                CompletableFuture<IoStatus> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch);
                for (CompletableFuture<IoStatus> f : batch) {
                    f.complete(IoStatus.OK);
                }
                batch.clear();
                burst.end();
                bursts.incrementAndGet();
            }
        } catch (InterruptedException e) {
            // closed
        } finally {
            burst.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        completer.interrupt();
    }
}
