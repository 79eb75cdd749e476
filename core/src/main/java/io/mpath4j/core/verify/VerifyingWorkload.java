package io.mpath4j.core.verify;

import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import io.mpath4j.core.device.MultipathDevice;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Verified workload on a multipath device, for failover tests and {@code mpath torture} (main code,
 * so that the CLI can run it; every module's ITs share it): each worker owns disjoint 4 KiB blocks; it writes a block with the pattern of
 * (block, generation) and reads it back, or reads a random block of its own, and checks it against
 * the last acknowledged generation. Any error or mismatch is recorded. Bounded: stops on
 * {@link #stop()} or after {@code maxOps} operations (200,000 unless given).
 */
public final class VerifyingWorkload {

    static final int BLOCK = 4096;
    private final MultipathDevice device;
    private final int workers;
    private final int blocksPerWorker;
    private final long seed;
    private final long maxOps;
    private final long[] acked;
    private final AtomicLong ops = new AtomicLong();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();

    public VerifyingWorkload(MultipathDevice device, int workers, int blocksPerWorker, long seed) {
        this(device, workers, blocksPerWorker, seed, 200_000);
    }

    /** A workload that stops itself after {@code maxOps} operations (long runs: {@code mpath torture}). */
    public VerifyingWorkload(MultipathDevice device, int workers, int blocksPerWorker, long seed, long maxOps) {
        this.maxOps = maxOps;
        this.device = device;
        this.workers = workers;
        this.blocksPerWorker = blocksPerWorker;
        this.seed = seed;
        this.acked = new long[workers * blocksPerWorker];
    }

    public void start() {
        for (int w = 0; w < workers; w++) {
            int worker = w;
            threads.add(Thread.ofVirtual().start(() -> run(worker)));
        }
    }

    public void stop() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(30_000);
        }
    }

    /** Verified operations so far. */
    public long ops() {
        return ops.get();
    }

    /** Every I/O error and mismatch seen, in order. */
    public ConcurrentLinkedQueue<String> failures() {
        return failures;
    }

    public long seed() {
        return seed;
    }

    static byte[] pattern(int block, long gen) {
        byte[] b = new byte[BLOCK];
        if (gen > 0) {
            Random r = new Random(block * 1_000_003L + gen);
            r.nextBytes(b);
            ByteBuffer.wrap(b).putInt(block).putLong(gen);
        }
        return b;
    }

    private IoStatus io(IoRequest r) {
        try {
            return device.submit(r).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            return new IoStatus.PathError("test: " + e, false);
        }
    }

    private void run(int worker) {
        Random rnd = new Random(seed + worker);
        while (!stop.get() && ops.get() < maxOps) {
            int block = worker * blocksPerWorker + rnd.nextInt(blocksPerWorker);
            if (rnd.nextInt(100) < 50) {
                long gen = acked[block] + 1;
                IoStatus s = io(new IoRequest.Write((long) block * BLOCK, ByteBuffer.wrap(pattern(block, gen)), false));
                if (!s.isOk()) {
                    failures.add("write block " + block + " gen " + gen + ": " + s);
                    continue;
                }
                acked[block] = gen;
            }
            check(block);
            ops.incrementAndGet();
        }
    }

    private void check(int block) {
        ByteBuffer b = ByteBuffer.allocate(BLOCK);
        IoStatus s = io(new IoRequest.Read((long) block * BLOCK, b));
        if (!s.isOk()) {
            failures.add("read block " + block + ": " + s);
        } else if (!Arrays.equals(b.array(), pattern(block, acked[block]))) {
            failures.add("block " + block + " does not hold generation " + acked[block]);
        }
    }

    /** Reads every block back once more (after {@link #stop()}). */
    public void verifyAll() {
        for (int block = 0; block < acked.length; block++) {
            check(block);
        }
    }
}
