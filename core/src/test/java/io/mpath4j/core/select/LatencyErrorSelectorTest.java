package io.mpath4j.core.select;

import static io.mpath4j.core.select.ClosedLoopSim.MS;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyErrorSelectorTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void errorRateOutweighsEqualLatency() {
        LatencyErrorSelector s = new LatencyErrorSelector();
        long now = 10 * SECOND;
        PathStats clean = new PathStats("clean");
        PathStats errant = new PathStats("errant");
        for (PathStats p : new PathStats[] {clean, errant}) {
            p.start(1, now);
            p.end(1, 1 * MS, false, now);
        }
        errant.start(1, now);
        errant.end(1, 0, true, now); // rate 1/8: score × 3
        PathStats[] p = {clean, errant};
        clean.start(1, now);
        assertThat(s.select(p, 1, now)).as("clean 2 ms vs errant 3 ms").isZero();
        clean.start(1, now);
        assertThat(s.select(p, 1, now)).as("clean 3 ms vs errant 3 ms: tie").isBetween(0, 1);
        clean.start(1, now);
        assertThat(s.select(p, 1, now)).as("clean 4 ms vs errant 3 ms").isEqualTo(1);
    }

    @Test
    void errantPathGetsMuchLessThenAFairShareOnceForgiven() {
        ClosedLoopSim sim = new ClosedLoopSim(new LatencyErrorSelector(), 1 * MS, 1 * MS);
        sim.runFor(8, 1 * SECOND, 4096);
        assertThat(sim.share(1)).as("clean start %s", sim).isBetween(0.45, 0.55);

        sim.injectFaults(1, 6); // rate ≈ 0.55: score × 9.8
        sim.resetCounts();
        sim.runFor(8, SECOND / 2, 4096);
        assertThat(sim.issued(1)).as("%s", sim).isLessThan(sim.issued(0) / 10);

        sim.runFor(8, 30 * SECOND, 4096);
        sim.resetCounts();
        sim.runFor(8, 2 * SECOND, 4096);
        assertThat(sim.share(1)).as("after decay %s", sim).isBetween(0.40, 0.60);
        assertThat(sim.path(1).errorRateEwma()).isLessThan(PathStats.ERROR_ONE / 100);
    }

    @Test
    void withoutPenaltyItIsHistoricalServiceTime() {
        ClosedLoopSim sim = new ClosedLoopSim(new LatencyErrorSelector(SECOND, 0), 1 * MS, 1 * MS);
        sim.runFor(8, SECOND / 2, 4096);
        sim.injectFaults(1, 6);
        sim.resetCounts();
        sim.runFor(8, SECOND / 2, 4096);
        assertThat(sim.share(1)).as("%s", sim).isBetween(0.45, 0.55);
    }

    @Test
    void describe() {
        assertThat(new LatencyErrorSelector().describe()).isEqualTo("latency 0");
        assertThat(new LatencyErrorSelector(SECOND, 4).describe()).isEqualTo("latency 1 4");
    }
}
