package io.mpath4j.nbd.server;

import io.mpath4j.core.BlockDevice;
import io.mpath4j.core.Geometry;
import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/** A BlockDevice over a byte[], completing every request at once on the submitting thread. */
final class MemoryBlockDevice implements BlockDevice {

    final byte[] data;
    private final Geometry geometry;
    final AtomicLong flushes = new AtomicLong();
    final AtomicLong fuaWrites = new AtomicLong();
    final AtomicLong discards = new AtomicLong();
    final AtomicLong zeroesNoUnmap = new AtomicLong();

    MemoryBlockDevice(int size, int logicalBlockSize) {
        this.data = new byte[size];
        this.geometry = new Geometry(size, logicalBlockSize, logicalBlockSize, 0);
    }

    @Override
    public Geometry geometry() {
        return geometry;
    }

    @Override
    public synchronized CompletableFuture<IoStatus> submit(IoRequest request) {
        switch (request) {
            case IoRequest.Read r -> r.buffer().duplicate().put(data, (int) r.offset(), r.buffer().remaining());
            case IoRequest.Write w -> {
                w.buffer().duplicate().get(data, (int) w.offset(), w.buffer().remaining());
                if (w.fua()) {
                    fuaWrites.incrementAndGet();
                }
            }
            case IoRequest.Flush f -> flushes.incrementAndGet();
            case IoRequest.Discard d -> {
                discards.incrementAndGet();
                Arrays.fill(data, (int) d.offset(), (int) (d.offset() + d.length()), (byte) 0);
            }
            case IoRequest.WriteZeroes z -> {
                if (!z.mayUnmap()) {
                    zeroesNoUnmap.incrementAndGet();
                }
                Arrays.fill(data, (int) z.offset(), (int) (z.offset() + z.length()), (byte) 0);
            }
        }
        return CompletableFuture.completedFuture(IoStatus.OK);
    }

    @Override
    public void close() {}
}
