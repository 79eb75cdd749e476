package io.mpath4j.core.select;

import static io.mpath4j.core.select.ClosedLoopSim.MS;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueueLengthSelectorTest {

    @Test
    void prefersTheIdlePath() {
        QueueLengthSelector s = new QueueLengthSelector();
        PathStats[] p = {new PathStats("a"), new PathStats("b")};
        for (int k = 0; k < 5; k++) {
            p[0].start(4096, 1);
        }
        for (int k = 0; k < 10; k++) {
            assertThat(s.select(p, 4096, 2)).isEqualTo(1);
        }
    }

    @Test
    void idlePathsShareTheLoad() {
        QueueLengthSelector s = new QueueLengthSelector();
        PathStats[] p = {new PathStats("a"), new PathStats("b"), new PathStats("c")};
        int[] counts = new int[3];
        for (int k = 0; k < 300; k++) {
            // queue depth 1: every path is idle at every decision
            counts[s.select(p, 4096, k)]++;
        }
        assertThat(counts).containsExactly(100, 100, 100);
    }

    @Test
    void fastPathGetsMostUnderClosedLoop() {
        // Queues stay equal, so throughput follows speed: the 4x faster path should get 4/5.
        ClosedLoopSim sim = new ClosedLoopSim(new QueueLengthSelector(), 1 * MS, 4 * MS);
        sim.run(16, 20_000, 4096);
        assertThat(sim.share(0)).as("%s", sim).isBetween(0.75, 0.85);
        sim.drain();
        assertThat(sim.path(0).inFlight() + sim.path(1).inFlight()).isZero();
    }
}
