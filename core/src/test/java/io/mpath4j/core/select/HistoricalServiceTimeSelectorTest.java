package io.mpath4j.core.select;

import static io.mpath4j.core.select.ClosedLoopSim.MS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HistoricalServiceTimeSelectorTest {

    private static final long SECOND = 1_000_000_000L;

    /** A path with estimate {@code ewma}, last started at {@code at}. */
    private static PathStats known(String name, long ewma, long at) {
        PathStats p = new PathStats(name);
        p.start(1, at);
        p.end(1, ewma, false, at);
        return p;
    }

    @Test
    void prefersTheFasterPathWhileItsQueueIsShorterThanTheSpeedRatio() {
        HistoricalServiceTimeSelector s = new HistoricalServiceTimeSelector();
        long now = 10 * SECOND;
        PathStats fast = known("fast", 1 * MS, now);
        PathStats slow = known("slow", 4 * MS, now);
        PathStats[] p = {fast, slow};
        for (int k = 0; k < 3; k++) {
            // fast 1 ms × (k + 1) beats slow 4 ms × 1
            assertThat(s.select(p, 1, now)).isZero();
            fast.start(1, now);
        }
        fast.start(1, now);
        // fast 1 ms × 5 loses to slow 4 ms × 1
        assertThat(s.select(p, 1, now)).isEqualTo(1);
    }

    @Test
    void pathWithoutEstimateIsProbedOnceNotFlooded() {
        HistoricalServiceTimeSelector s = new HistoricalServiceTimeSelector();
        long now = 10 * SECOND;
        PathStats[] p = {known("a", 1 * MS, now), new PathStats("new")};
        assertThat(s.select(p, 1, now)).isEqualTo(1);
        p[1].start(1, now);
        for (int k = 0; k < 10; k++) {
            assertThat(s.select(p, 1, now + k)).isZero();
        }
    }

    @Test
    void withoutAnyEstimateFewestInFlightWins() {
        HistoricalServiceTimeSelector s = new HistoricalServiceTimeSelector();
        PathStats[] p = {new PathStats("a"), new PathStats("b")};
        long now = 10 * SECOND;
        // the first two requests are the probes of the two unknown paths
        int first = s.select(p, 1, now);
        p[first].start(1, now);
        int second = s.select(p, 1, now);
        p[second].start(1, now);
        assertThat(first + second).isEqualTo(1);
        p[0].start(1, now);
        assertThat(s.select(p, 1, now)).isEqualTo(1);
    }

    @Test
    void slowPathGetsLittleButIsNotAbandoned() {
        ClosedLoopSim sim = new ClosedLoopSim(new HistoricalServiceTimeSelector(), 1 * MS, 4 * MS);
        sim.runFor(8, 10 * SECOND, 4096);
        assertThat(sim.share(1)).as("%s", sim).isLessThan(0.10);
        assertThat(sim.issued(1)).as("%s", sim).isPositive();
    }

    @Test
    void idleSlowPathIsProbedOncePerPeriodAndRediscoveredWhenFast() {
        // Depth 2: the fast path never has a queue long enough for the slow one to win on
        // merit, so everything the slow path gets is a probe.
        ClosedLoopSim sim = new ClosedLoopSim(new HistoricalServiceTimeSelector(SECOND), 1 * MS, 4 * MS);
        sim.runFor(2, 1 * SECOND, 4096);
        sim.resetCounts();
        sim.runFor(2, 20 * SECOND, 4096);
        assertThat(sim.issued(1)).as("%s", sim).isBetween(18L, 21L);

        sim.latency(1, 1 * MS);
        sim.runFor(2, 20 * SECOND, 4096);
        sim.resetCounts();
        sim.runFor(2, 5 * SECOND, 4096);
        assertThat(sim.share(1)).as("%s", sim).isBetween(0.35, 0.65);
        sim.drain();
        assertThat(sim.path(0).inFlight() + sim.path(1).inFlight()).isZero();
    }

    @Test
    void stalePathGetsOneProbePerPeriodEvenWithManyThreads() throws Exception {
        HistoricalServiceTimeSelector s = new HistoricalServiceTimeSelector(SECOND);
        long t0 = 10 * SECOND;
        PathStats fast = known("fast", 1 * MS, t0);
        PathStats slow = known("slow", 50 * MS, t0);
        PathStats[] p = {fast, slow};
        int threads = 4;
        for (long now : new long[] {t0 + 2 * SECOND, t0 + 4 * SECOND}) {
            AtomicInteger probes = new AtomicInteger();
            CyclicBarrier go = new CyclicBarrier(threads);
            Thread[] workers = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                workers[t] = Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    // no start(): the path stays stale, only the claim stops a second probe
                    for (int k = 0; k < 5_000; k++) {
                        if (s.select(p, 1, now) == 1) {
                            probes.incrementAndGet();
                        }
                    }
                });
            }
            for (Thread w : workers) {
                w.join();
            }
            assertThat(probes.get()).isEqualTo(1);
        }
    }

    @Test
    void describesItselfAsMultipathPrintsIt() {
        assertThat(new HistoricalServiceTimeSelector().describe()).isEqualTo("historical-service-time 0");
    }
}
