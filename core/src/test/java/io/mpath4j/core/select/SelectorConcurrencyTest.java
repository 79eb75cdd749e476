package io.mpath4j.core.select;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Several threads select, start and end on one selector, as the engine's submitting threads do,
 * while the candidate array changes size between calls (paths failing and returning). Bounded
 * iteration count, no timing.
 */
class SelectorConcurrencyTest {

    private static final int THREADS = 3;
    private static final int ITERATIONS = 20_000;
    private static final int DEPTH = 4;

    @ParameterizedTest
    @ValueSource(strings = {"round-robin 0", "queue-length 0", "service-time 0", "historical-service-time 0", "latency 0"})
    void hammering(String spec) throws Exception {
        PathSelector selector = PathSelectors.parse(spec, 2, true);
        PathStats[] all = new PathStats[4];
        for (int i = 0; i < all.length; i++) {
            all[i] = new PathStats("p" + i);
            all[i].setWeight(i + 1);
            all[i].setRelativeThroughput(4 - i);
        }
        PathStats[][] views = {all, {all[1], all[3]}, {all[2]}, {all[0], all[1], all[2]}};
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CyclicBarrier go = new CyclicBarrier(THREADS);
        Thread[] workers = new Thread[THREADS];
        for (int t = 0; t < THREADS; t++) {
            int seed = t;
            workers[t] = Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                    // each thread keeps DEPTH requests of its own in flight, ending the oldest first
                    PathStats[] ring = new PathStats[DEPTH];
                    long[] startedAt = new long[DEPTH];
                    for (int k = 0; k < ITERATIONS; k++) {
                        int slot = k % DEPTH;
                        long now = clock.addAndGet(10_000);
                        if (ring[slot] != null) {
                            boolean fault = (k + seed) % 97 == 0;
                            ring[slot].end(4096, now - startedAt[slot], fault, now);
                        }
                        PathStats[] candidates = views[(k / 64 + seed) % views.length];
                        int i = selector.select(candidates, 4096, now);
                        if (i < 0 || i >= candidates.length) {
                            throw new AssertionError(spec + ": index " + i + " of " + candidates.length);
                        }
                        candidates[i].start(4096, now);
                        ring[slot] = candidates[i];
                        startedAt[slot] = now;
                    }
                    long now = clock.get();
                    for (int slot = 0; slot < DEPTH; slot++) {
                        ring[slot].end(4096, now - startedAt[slot], false, now);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
        }
        for (Thread w : workers) {
            w.join();
        }
        assertThat(failure.get()).isNull();
        long completed = 0;
        for (PathStats p : all) {
            assertThat(p.inFlight()).as(p.pathName()).isZero();
            assertThat(p.inFlightBytes()).as(p.pathName()).isZero();
            completed += p.completed();
        }
        assertThat(completed).isEqualTo((long) THREADS * ITERATIONS);
    }
}
