package io.mpath4j.core.device;

import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A verified multi-threaded workload for the concurrency tests: each worker thread owns a
 * disjoint range of blocks and keeps up to {@code window} I/Os in flight, never two on the same
 * block. A write of block {@code b} stores the pattern of {@code (b, generation)}; a read must
 * return the pattern of the block's last acknowledged generation (zeroes before the first write).
 * With no concurrent I/O on a block, any other content is a lost, reordered or ghost write.
 *
 * <p>Bounded by time and by operation count. A future that does not complete within
 * {@code stuckAfter} is counted as stuck (and kept for the caller's final check), never waited
 * for forever.
 */
final class BlockWorkload {

    static final int BLOCK = 4096;

    /** The seed: {@code -Dmpath4j.seed=N} to replay, else from the clock. */
    static long seed() {
        String s = System.getProperty("mpath4j.seed");
        return s == null || s.isBlank() ? System.nanoTime() : Long.parseLong(s.strip());
    }

    /** The content of block {@code block} after the write of generation {@code gen}; zeroes for gen 0. */
    static byte[] pattern(int block, long gen) {
        byte[] out = new byte[BLOCK];
        if (gen == 0) {
            return out;
        }
        ByteBuffer b = ByteBuffer.wrap(out);
        b.putLong(block).putLong(gen);
        long x = block * 0x9E3779B97F4A7C15L + gen * 0xC2B2AE3D27D4EB4FL;
        while (b.hasRemaining()) {
            x ^= x >>> 31;
            x *= 0xBF58476D1CE4E5B9L;
            x ^= x >>> 29;
            b.putLong(x);
        }
        return out;
    }

    /** "(block b, gen g)" as read from a buffer's header, for mismatch messages. */
    static String describe(byte[] content) {
        ByteBuffer b = ByteBuffer.wrap(content);
        long block = b.getLong();
        long gen = b.getLong();
        return block == 0 && gen == 0 ? "(zero header)" : "(block " + block + ", gen " + gen + ")";
    }

    final MultipathDevice device;
    final int threads;
    final int blocksPerThread;
    final int window;
    final int writePercent;
    final long seed;
    final Duration stuckAfter;

    /** Last acknowledged generation of every block, indexed by block number. */
    final long[] acked;
    final AtomicLong submitted = new AtomicLong();
    final AtomicLong completedOk = new AtomicLong();
    final AtomicLong writes = new AtomicLong();
    final AtomicLong reads = new AtomicLong();
    final AtomicLong verified = new AtomicLong();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> mismatches = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<CompletableFuture<IoStatus>> stuck = new ConcurrentLinkedQueue<>();

    BlockWorkload(MultipathDevice device, int threads, int blocksPerThread, int window, int writePercent,
                  long seed, Duration stuckAfter) {
        this.device = device;
        this.threads = threads;
        this.blocksPerThread = blocksPerThread;
        this.window = window;
        this.writePercent = writePercent;
        this.seed = seed;
        this.stuckAfter = stuckAfter;
        this.acked = new long[threads * blocksPerThread];
        if ((long) acked.length * BLOCK > device.geometry().sizeBytes()) {
            throw new IllegalArgumentException("medium too small for " + acked.length + " blocks");
        }
    }

    /** Starts the workers; each stops after {@code maxOps} I/Os or at {@code stopAtNanos} (System.nanoTime). */
    List<Thread> start(int maxOps, long stopAtNanos) {
        List<Thread> out = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            out.add(Thread.ofPlatform().name("worker-" + t).daemon().start(() -> work(id, maxOps, stopAtNanos)));
        }
        return out;
    }

    private record Op(int block, long gen, boolean write, ByteBuffer buffer, CompletableFuture<IoStatus> future) {}

    private void work(int id, int maxOps, long stopAtNanos) {
        Random random = new Random(seed * 31 + id);
        int first = id * blocksPerThread;
        boolean[] busy = new boolean[blocksPerThread];
        ArrayDeque<Op> inFlight = new ArrayDeque<>();
        try {
            int ops = 0;
            while (ops < maxOps && System.nanoTime() < stopAtNanos && stuck.isEmpty()) {
                if (inFlight.size() >= Math.min(window, blocksPerThread)) {
                    Op done = inFlight.pollFirst();
                    if (!await(done)) {
                        inFlight.forEach(o -> stuck.add(o.future));
                        return;
                    }
                    busy[done.block - first] = false;
                }
                int i = random.nextInt(blocksPerThread);
                while (busy[i]) {
                    i = (i + 1) % blocksPerThread;
                }
                busy[i] = true;
                inFlight.addLast(submit(first + i, random.nextInt(100) < writePercent));
                ops++;
            }
            Op op;
            while ((op = inFlight.pollFirst()) != null) {
                if (!await(op)) {
                    inFlight.forEach(o -> stuck.add(o.future));
                    return;
                }
            }
        } catch (Throwable e) {
            failures.add("worker " + id + " threw " + e);
        }
    }

    /** Sends a write of the next generation or a read of {@code block}; the block must be idle. */
    private Op submit(int block, boolean write) {
        IoRequest request;
        ByteBuffer buffer;
        long gen;
        if (write) {
            gen = acked[block] + 1;
            buffer = ByteBuffer.wrap(pattern(block, gen));
            request = new IoRequest.Write((long) block * BLOCK, buffer, false);
            writes.incrementAndGet();
        } else {
            gen = acked[block];
            buffer = ByteBuffer.allocate(BLOCK);
            request = new IoRequest.Read((long) block * BLOCK, buffer);
            reads.incrementAndGet();
        }
        submitted.incrementAndGet();
        return new Op(block, gen, write, buffer, device.submit(request));
    }

    /** Waits for {@code op} and checks it; false when it is stuck (the worker then stops). */
    private boolean await(Op op) throws InterruptedException {
        IoStatus status;
        try {
            status = op.future.get(stuckAfter.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            stuck.add(op.future);
            return false;
        } catch (ExecutionException e) {
            failures.add("block " + op.block + ": future failed " + e.getCause());
            return true;
        }
        if (!status.isOk()) {
            failures.add((op.write ? "write" : "read") + " of block " + op.block + " gen " + op.gen + ": " + status);
            return true;
        }
        completedOk.incrementAndGet();
        if (op.write) {
            acked[op.block] = op.gen;
        } else {
            check(op.block, op.gen, op.buffer.array(), "read");
        }
        return true;
    }

    private void check(int block, long gen, byte[] actual, String what) {
        byte[] expected = pattern(block, gen);
        if (!java.util.Arrays.equals(expected, actual)) {
            mismatches.add(what + " of block " + block + ": expected gen " + gen + ", found " + describe(actual));
        } else {
            verified.incrementAndGet();
        }
    }

    /**
     * Reads every block through the device (after the workers stopped) and checks it holds its
     * last acknowledged write; returns how many reads failed or did not complete in time.
     */
    void verifyFinalContent() {
        List<CompletableFuture<IoStatus>> futures = new ArrayList<>();
        List<ByteBuffer> buffers = new ArrayList<>();
        for (int b = 0; b < acked.length; b++) {
            ByteBuffer buf = ByteBuffer.allocate(BLOCK);
            buffers.add(buf);
            submitted.incrementAndGet();
            futures.add(device.submit(new IoRequest.Read((long) b * BLOCK, buf)));
        }
        for (int b = 0; b < acked.length; b++) {
            try {
                IoStatus s = futures.get(b).get(stuckAfter.toNanos(), TimeUnit.NANOSECONDS);
                if (s.isOk()) {
                    completedOk.incrementAndGet();
                    check(b, acked[b], buffers.get(b).array(), "final read");
                } else {
                    failures.add("final read of block " + b + ": " + s);
                }
            } catch (TimeoutException e) {
                stuck.add(futures.get(b));
            } catch (InterruptedException | ExecutionException e) {
                failures.add("final read of block " + b + ": " + e);
            }
        }
    }

    /** Joins the workers, at most {@code limit} in all; returns the names of those still running. */
    static List<String> join(List<Thread> workers, Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        List<String> alive = new ArrayList<>();
        for (Thread w : workers) {
            long left = end - System.nanoTime();
            if (left > 0) {
                w.join(Duration.ofNanos(left));
            }
            if (w.isAlive()) {
                alive.add(w.getName());
            }
        }
        return alive;
    }

    /** Waits up to {@code limit} for the stuck futures; returns how many are still not done. */
    long stillStuck(Duration limit) {
        long end = System.nanoTime() + limit.toNanos();
        for (CompletableFuture<IoStatus> f : stuck) {
            long left = end - System.nanoTime();
            try {
                f.get(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | InterruptedException | ExecutionException ignored) {
                // counted below
            }
        }
        return stuck.stream().filter(f -> !f.isDone()).count();
    }

    String summary() {
        return "seed=" + seed + " submitted=" + submitted + " ok=" + completedOk + " writes=" + writes + " reads=" + reads
                + " verified=" + verified + " failures=" + failures.size() + " mismatches=" + mismatches.size()
                + " stuck=" + stuck.size();
    }

    static <T> List<T> firstFew(java.util.Collection<T> all) {
        return all.stream().limit(10).toList();
    }
}
