package io.mpath4j.core.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.core.Geometry;
import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import io.mpath4j.core.group.GroupingPolicies;
import io.mpath4j.core.monitor.MonitorConfig;
import io.mpath4j.core.monitor.PathMonitor;
import io.mpath4j.core.path.AccessState;
import io.mpath4j.core.path.CheckResult;
import io.mpath4j.core.path.Path;
import io.mpath4j.core.path.PathEvent;
import io.mpath4j.core.path.PathIdentity;
import io.mpath4j.core.select.PathSelectors;
import io.mpath4j.core.sim.SimulatedMedium;
import io.mpath4j.core.sim.SimulatedPath;
import io.mpath4j.core.time.SystemTimeSource;
import io.mpath4j.core.time.TimeSource;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * No path usable while 8 threads keep submitting (no_path_retry queue): the I/O waits in the
 * no-path queue, within its caps, and is released in arrival order once one path returns.
 *
 * <p>Each thread writes generations 1, 2, ... to its own block, with a read after every two
 * writes, all without waiting. The returning path has a fixed latency and no jitter, so it serves
 * requests in the order it receives them: a read returns the last write queued before it only if
 * the queue kept each thread's order. A recording wrapper also checks that order where the
 * requests reach the path. With small caps the queue overflows: the refused I/O fails at once
 * with "queue is full", and because the queue never drains while no path is usable, each thread's
 * accepted I/O is a prefix of what it submitted. Bounded: every wait has a limit.
 */
class NoPathQueueConcurrencyTest {

    static final int THREADS = 8;
    static final int PER_THREAD = 40;
    static final int PATHS = 4;
    static final int BLOCK = BlockWorkload.BLOCK;
    static final Duration WAIT = Duration.ofSeconds(5);

    final TimeSource time = SystemTimeSource.instance();
    final Engine engine = new Engine(time, ForkJoinPool.commonPool(), new PathMonitor(time,
            new MonitorConfig(Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofMillis(200))));
    final SimulatedMedium medium = new SimulatedMedium(1 << 20, BLOCK);
    final List<SimulatedPath> sims = new ArrayList<>();
    final ConcurrentLinkedQueue<IoRequest> received = new ConcurrentLinkedQueue<>();
    MultipathDevice device;

    @AfterEach
    void close() {
        if (device != null) {
            device.close();
        }
    }

    /** One submitted I/O of a worker: its index in the worker's sequence and what it expects. */
    record Op(int thread, int index, IoRequest request, long gen, CompletableFuture<IoStatus> future) {
        boolean write() {
            return request instanceof IoRequest.Write;
        }
    }

    @ParameterizedTest(name = "queue limits {0} bytes, {1} requests")
    @CsvSource({
            "268435456, 65536", // room for everything
            "65536, 65536",     // 16 blocks of 4 KiB: the byte cap overflows
            "268435456, 10"})   // the request cap overflows
    void queuedIoIsReleasedInOrderAndOverflowIsRefused(long limitBytes, int limitRequests) throws Exception {
        for (int i = 0; i < PATHS; i++) {
            SimulatedPath p = new SimulatedPath(PathIdentity.of("sim:q" + i, "36001405n0path000000000000000001"), medium, time, i);
            p.setLatency(Duration.ofNanos(50_000));
            sims.add(p);
        }
        List<Path> recorded = sims.stream().<Path>map(Recording::new).toList();
        device = new MultipathDevice("mpathq", DeviceConfig.defaults()
                .withGrouping(GroupingPolicies.byKeyword("multibus"))
                .withSelector(() -> PathSelectors.parse("round-robin 0", 1, false))
                .withNoPathRetry(new NoPathRetry.Queue())
                .withQueueLimits(limitBytes, limitRequests)
                .withIoDeadline(Duration.ofSeconds(10))
                .withFlapDamping(FlapDamping.DISABLED), engine, recorded);
        awaitUsable(PATHS);

        sims.forEach(p -> p.setDown("all links cut"));
        awaitUsable(0);

        // Phase 1: every thread submits its sequence while no path is usable.
        List<List<Op>> ops = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        CyclicBarrier go = new CyclicBarrier(THREADS);
        for (int t = 0; t < THREADS; t++) {
            List<Op> mine = new ArrayList<>();
            ops.add(mine);
            int thread = t;
            workers.add(Thread.ofPlatform().name("submitter-" + t).daemon().start(() -> {
                try {
                    go.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                long lastWrite = 0;
                for (int k = 0; k < PER_THREAD; k++) {
                    IoRequest r;
                    long gen;
                    if (k % 3 == 2) {
                        r = new IoRequest.Read((long) thread * BLOCK, ByteBuffer.allocate(BLOCK));
                        gen = lastWrite;
                    } else {
                        gen = k + 1;
                        lastWrite = gen;
                        r = new IoRequest.Write((long) thread * BLOCK, ByteBuffer.wrap(BlockWorkload.pattern(thread, gen)), false);
                    }
                    mine.add(new Op(thread, k, r, gen, device.submit(r)));
                }
            }));
        }
        assertThat(BlockWorkload.join(workers, WAIT)).as("submitters still running").isEmpty();
        int total = THREADS * PER_THREAD;
        int room = (int) Math.min(Math.min(limitBytes / BLOCK, limitRequests), total);

        // The refusals are decided on the device executor: wait (bounded) until all are in.
        DeviceCounters c = device.counters();
        long end = System.nanoTime() + WAIT.toNanos();
        while (c.queuedTotal() + c.completedFailed() < total && System.nanoTime() < end) {
            Thread.sleep(1);
        }
        assertThat(c.submitted()).isEqualTo(total);
        assertThat(c.queuedTotal()).as("I/O held in the no-path queue").isEqualTo(room);
        assertThat(c.completedFailed()).as("I/O refused by the full queue").isEqualTo(total - room);
        assertThat(c.completedOk()).as("nothing completes OK while no path is usable").isZero();
        assertThat(received).as("nothing reaches a path while none is usable").isEmpty();

        // Phase 2: one path returns; the queue is released to it.
        sims.getFirst().setUp();
        List<Op> all = ops.stream().flatMap(List::stream).toList();
        long stuck = 0;
        for (Op op : all) {
            try {
                op.future.get(Math.max(0, end + WAIT.toNanos() - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                stuck++;
            }
        }
        assertThat(stuck).as(stuck + " of " + total + " I/O never completed after the path returned").isZero();
        assertThat(c.completedOk() + c.completedFailed()).as("completions vs. submitted").isEqualTo(total);

        long accepted = 0;
        Map<IoRequest, Op> byRequest = new IdentityHashMap<>();
        for (List<Op> mine : ops) {
            // Accepted I/O is a prefix of each thread's sequence; the rest was refused.
            int prefix = 0;
            while (prefix < mine.size() && mine.get(prefix).future.join().isOk()) {
                prefix++;
            }
            long lastAckedWrite = 0;
            for (Op op : mine) {
                IoStatus s = op.future.join();
                if (op.index < prefix) {
                    byRequest.put(op.request, op);
                    if (op.write()) {
                        lastAckedWrite = op.gen;
                    } else {
                        byte[] got = new byte[BLOCK];
                        ((IoRequest.Read) op.request).buffer().get(0, got);
                        assertThat(Arrays.equals(got, BlockWorkload.pattern(op.thread, op.gen)))
                                .as("thread " + op.thread + " read #" + op.index + ": expected gen " + op.gen
                                        + ", found " + BlockWorkload.describe(got) + " (queue order broken)")
                                .isTrue();
                    }
                } else {
                    assertThat(s).as("thread " + op.thread + " I/O #" + op.index + " after its first refusal")
                            .isInstanceOfSatisfying(IoStatus.NoPathAvailable.class,
                                    n -> assertThat(n.reason()).contains("queue is full"));
                }
            }
            accepted += prefix;
            int thread = mine.getFirst().thread;
            byte[] content = medium.snapshot((long) thread * BLOCK, BLOCK);
            assertThat(Arrays.equals(content, BlockWorkload.pattern(thread, lastAckedWrite)))
                    .as("final content of thread " + thread + "'s block: expected gen " + lastAckedWrite + ", found "
                            + BlockWorkload.describe(content))
                    .isTrue();
        }
        assertThat(accepted).as("accepted I/O (each 4 KiB) within the caps").isEqualTo(room);
        assertThat(accepted * BLOCK).isLessThanOrEqualTo(limitBytes);
        assertThat(c.completedOk()).isEqualTo(room);

        // Every accepted I/O reached the path once, each thread's in the order it was submitted.
        assertThat(received).hasSize(room);
        int[] next = new int[THREADS];
        for (IoRequest r : received) {
            Op op = byRequest.get(r);
            assertThat(op).as("a request reached the path that the test did not see accepted").isNotNull();
            assertThat(op.index).as("thread " + op.thread + " request order at the path").isEqualTo(next[op.thread]);
            next[op.thread]++;
        }
        assertThat(sims.getFirst().submittedCount()).isEqualTo(room);
        assertThat(c.redrives()).isZero();
    }

    /**
     * Blackouts under the verified workload: every path goes down at once for a few ms (one of
     * them hanging first, so some writes wait for a fence and then for a path), then comes back.
     * I/O sent meanwhile and redriven I/O wait in the queue; nothing may fail, be lost or land
     * out of order with a later acknowledged write.
     */
    @org.junit.jupiter.api.Test
    void blackoutsUnderVerifiedLoadLoseNothing() throws Exception {
        long seed = BlockWorkload.seed();
        java.util.Random random = new java.util.Random(seed);
        System.out.println("NoPathQueueConcurrencyTest blackouts seed=" + seed + " (replay with -Dmpath4j.seed=" + seed + ")");
        for (int i = 0; i < PATHS; i++) {
            SimulatedPath p = new SimulatedPath(PathIdentity.of("sim:b" + i, "36001405b1ack0ut00000000000001"), medium, time,
                    random.nextLong());
            p.setLatency(Duration.ofNanos(20_000 + random.nextInt(80_000)));
            p.setJitter(Duration.ofNanos(random.nextInt(100_000)));
            p.setGhostWriteDelay(Duration.ofMillis(25));
            sims.add(p);
        }
        device = new MultipathDevice("mpathb", DeviceConfig.defaults()
                .withGrouping(GroupingPolicies.byKeyword("multibus"))
                .withSelector(() -> PathSelectors.parse("service-time 0", 1, false))
                .withNoPathRetry(new NoPathRetry.Queue())
                .withIoDeadline(Duration.ofSeconds(10))
                .withFlapDamping(FlapDamping.DISABLED), engine, sims);
        awaitUsable(PATHS);

        BlockWorkload load = new BlockWorkload(device, THREADS, 16, 4, 60, seed, WAIT);
        Duration run = Duration.ofSeconds(1);
        long stopAt = System.nanoTime() + run.toNanos();
        List<Thread> workers = load.start(50_000, stopAt);
        int blackouts = 0;
        try {
            while (System.nanoTime() < stopAt && workers.stream().anyMatch(Thread::isAlive)) {
                Thread.sleep(Duration.ofNanos(10_000_000 + random.nextInt(30_000_000)));
                SimulatedPath hung = sims.get(random.nextInt(PATHS));
                hung.setFailureMode(io.mpath4j.core.sim.FailureMode.HANG);
                Thread.sleep(Duration.ofNanos(500_000 + random.nextInt(3_000_000)));
                for (SimulatedPath p : sims) {
                    p.setDown("blackout");
                }
                hung.setFailureMode(io.mpath4j.core.sim.FailureMode.NONE);
                blackouts++;
                Thread.sleep(Duration.ofNanos(2_000_000 + random.nextInt(20_000_000)));
                // one path, or several, come back
                int back = 1 + random.nextInt(PATHS);
                for (int i = 0; i < back; i++) {
                    sims.get((blackouts + i) % PATHS).setUp();
                }
            }
        } finally {
            sims.forEach(p -> {
                p.setFailureMode(io.mpath4j.core.sim.FailureMode.NONE);
                p.setUp();
            });
        }
        List<String> alive = BlockWorkload.join(workers, run.plus(WAIT).plusSeconds(5));
        DeviceCounters c = device.counters();
        String context = load.summary() + " blackouts=" + blackouts + " queued=" + c.queuedTotal() + " redrives="
                + c.redrives() + " ghosts discarded=" + sims.stream().mapToLong(SimulatedPath::ghostWritesDiscarded).sum()
                + " applied=" + sims.stream().mapToLong(SimulatedPath::ghostWritesApplied).sum();
        System.out.println("NoPathQueueConcurrencyTest blackouts: " + context);

        assertThat(alive).as("workers still running after the bounded wait; " + context).isEmpty();
        assertThat(load.stillStuck(WAIT)).as("I/O submitted and never completed (lost); " + context).isZero();
        assertThat(BlockWorkload.firstFew(load.failures)).as("I/O failures; " + context).isEmpty();
        assertThat(BlockWorkload.firstFew(load.mismatches)).as("verify mismatches; " + context).isEmpty();
        awaitUsable(PATHS);
        load.verifyFinalContent();
        assertThat(load.stillStuck(WAIT)).as("final reads never completed; " + context).isZero();
        assertThat(BlockWorkload.firstFew(load.failures)).as("final read failures; " + context).isEmpty();
        assertThat(BlockWorkload.firstFew(load.mismatches)).as("final content; " + context).isEmpty();
        assertThat(c.submitted()).as(context).isEqualTo(load.submitted.get());
        assertThat(c.completedOk() + c.completedFailed()).as("completions vs. submitted; " + context).isEqualTo(c.submitted());
        assertThat(c.completedFailed()).as(context).isZero();
        for (SimulatedPath p : sims) {
            assertThat(p.inFlightCount()).as(p + "; " + context).isZero();
            assertThat(p.pendingGhostWrites()).as(p + " ghost writes never fenced; " + context).isZero();
        }
        assertThat(blackouts).as(context).isGreaterThan(5);
        assertThat(c.queuedTotal()).as("I/O waited in the no-path queue; " + context).isPositive();
    }

    void awaitUsable(int n) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (device.topology().usablePathCount() != n) {
            if (System.nanoTime() > end) {
                throw new AssertionError("engine routes to " + device.topology().usablePathCount() + " paths, not " + n
                        + ":\n" + TopologyListing.format(device.topology(), "MPATH4J,SIMULATED"));
            }
            Thread.sleep(1);
        }
    }

    /** Forwards to a simulated path and records every request it is sent, in order. */
    final class Recording implements Path {
        final SimulatedPath path;

        Recording(SimulatedPath path) {
            this.path = path;
        }

        @Override
        public void submit(IoRequest request, Consumer<IoStatus> completion) {
            received.add(request);
            path.submit(request, completion);
        }

        @Override
        public PathIdentity identity() {
            return path.identity();
        }

        @Override
        public Geometry geometry() {
            return path.geometry();
        }

        @Override
        public AccessState accessState() {
            return path.accessState();
        }

        @Override
        public CompletionStage<CheckResult> check() {
            return path.check();
        }

        @Override
        public CompletionStage<Void> fence() {
            return path.fence();
        }

        @Override
        public void setEventListener(Consumer<PathEvent> listener) {
            path.setEventListener(listener);
        }

        @Override
        public void close() {
            path.close();
        }
    }
}
