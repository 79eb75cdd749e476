package io.mpath4j.daemon.cli;

import io.mpath4j.core.BlockDevice;
import io.mpath4j.core.IoStatus;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A verifying workload for the demo: each thread owns a stripe of blocks, writes each block with
 * a pattern derived from (block, generation), and reads blocks back checking the last generation
 * it wrote. Bounded: it stops when asked, and {@link #close()} stops it in any case.
 */
final class DemoWorkload implements AutoCloseable {

    private static final int BLOCK = 4096;

    record Result(long ios, long errors, long mismatches, long longestGapMillis) {}

    private final BlockDevice device;
    private final int threads;
    private final int blocks;
    private final AtomicLongArray generation;
    private final AtomicLong ios = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong mismatches = new AtomicLong();
    private final AtomicLong lastCompletion = new AtomicLong(System.nanoTime());
    private final AtomicLong longestGap = new AtomicLong();
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean stop;

    private DemoWorkload(BlockDevice device, int threads, long bytes) {
        this.device = device;
        this.threads = threads;
        this.blocks = (int) (bytes / BLOCK);
        this.generation = new AtomicLongArray(blocks);
    }

    static DemoWorkload start(BlockDevice device, int threads, long bytes) {
        DemoWorkload w = new DemoWorkload(device, threads, bytes);
        for (int t = 0; t < threads; t++) {
            int stripe = t;
            w.workers.add(Thread.ofVirtual().name("demo-io-" + t).start(() -> w.run(stripe)));
        }
        return w;
    }

    String progress() {
        return String.format("[%,d I/Os so far, %d errors]", ios.get(), errors.get());
    }

    private void run(int stripe) {
        ByteBuffer buf = ByteBuffer.allocateDirect(BLOCK);
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        while (!stop) {
            int block = stripe + threads * rnd.nextInt(blocks / threads);
            if (rnd.nextBoolean()) {
                long gen = generation.get(block) + 1;
                fill(buf, block, gen);
                if (complete(device.write((long) block * BLOCK, buf.clear(), false).join())) {
                    generation.set(block, gen);
                }
            } else {
                buf.clear();
                if (complete(device.read((long) block * BLOCK, buf).join())) {
                    verify(buf, block, generation.get(block));
                }
            }
        }
    }

    private boolean complete(IoStatus status) {
        long now = System.nanoTime();
        long gap = now - lastCompletion.getAndSet(now);
        longestGap.accumulateAndGet(gap, Math::max);
        ios.incrementAndGet();
        if (!status.isOk()) {
            errors.incrementAndGet();
            System.out.println("  I/O error: " + ((IoStatus.Failure) status).describe());
            return false;
        }
        return true;
    }

    private static void fill(ByteBuffer buf, int block, long gen) {
        buf.clear();
        for (int i = 0; i < BLOCK; i += 8) {
            buf.putLong(i, pattern(block, gen, i));
        }
    }

    private void verify(ByteBuffer buf, int block, long gen) {
        for (int i = 0; i < BLOCK; i += 8) {
            long expected = gen == 0 ? 0 : pattern(block, gen, i);
            if (buf.getLong(i) != expected) {
                mismatches.incrementAndGet();
                System.out.println("  DATA MISMATCH in block " + block + " (generation " + gen + ")");
                return;
            }
        }
    }

    private static long pattern(int block, long gen, int i) {
        long x = (block * 0x9E3779B97F4A7C15L) ^ (gen << 20) ^ i;
        return x * 0xBF58476D1CE4E5B9L;
    }

    /** Stops the threads, then reads every block once more and checks its last generation. */
    Result stopAndVerify() throws InterruptedException {
        close();
        ByteBuffer buf = ByteBuffer.allocateDirect(BLOCK);
        for (int b = 0; b < blocks; b++) {
            buf.clear();
            if (complete(device.read((long) b * BLOCK, buf).join())) {
                verify(buf, b, generation.get(b));
            }
        }
        return new Result(ios.get(), errors.get(), mismatches.get(), longestGap.get() / 1_000_000);
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        for (Thread t : workers) {
            t.join();
        }
    }
}
