package io.mpath4j.core.select;

import static io.mpath4j.core.select.ClosedLoopSim.MS;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServiceTimeSelectorTest {

    @Test
    void bytesInFlightFollowRelativeThroughput() {
        ServiceTimeSelector s = new ServiceTimeSelector();
        PathStats[] p = {new PathStats("a"), new PathStats("b")};
        p[0].setRelativeThroughput(2);
        int[] counts = new int[2];
        for (int k = 0; k < 300; k++) {
            int i = s.select(p, 4096, k);
            counts[i]++;
            p[i].start(4096, k);
        }
        assertThat(counts[0]).isBetween(199, 201);
    }

    @Test
    void honoursRelativeThroughputUnderClosedLoop() {
        ClosedLoopSim sim = new ClosedLoopSim(new ServiceTimeSelector(), 2 * MS, 2 * MS);
        sim.path(0).setRelativeThroughput(2);
        sim.path(1).setRelativeThroughput(1);
        sim.run(12, 30_000, 64 * 1024);
        assertThat(sim.byteShare(0)).as("%s", sim).isBetween(0.62, 0.71);
    }

    @Test
    void equalEstimatesGoToTheHigherThroughput() {
        ServiceTimeSelector s = new ServiceTimeSelector();
        PathStats[] p = {new PathStats("slow"), new PathStats("fast")};
        p[1].setRelativeThroughput(2);
        p[1].start(4096, 0);
        // slow: (0 + 4096) / 1, fast: (4096 + 4096) / 2: equal, whatever the rotation
        for (int k = 0; k < 4; k++) {
            assertThat(s.select(p, 4096, k)).isEqualTo(1);
        }
    }

    @Test
    void equalPathsAlternate() {
        ServiceTimeSelector s = new ServiceTimeSelector();
        PathStats[] p = {new PathStats("a"), new PathStats("b")};
        assertThat(new int[] {s.select(p, 1, 0), s.select(p, 1, 0), s.select(p, 1, 0), s.select(p, 1, 0)})
                .containsExactly(0, 1, 0, 1);
    }

    @Test
    void largeLoadsDoNotOverflow() {
        ServiceTimeSelector s = new ServiceTimeSelector();
        PathStats[] p = {new PathStats("a"), new PathStats("b")};
        // a: 2^50 / 2^20 = 2^30 is far below b: 2^49 / 1; the cross product 2^49 * 2^20 overflows a long.
        p[0].setRelativeThroughput(1 << 20);
        p[0].start(1L << 50, 0);
        p[1].start(1L << 49, 0);
        assertThat(s.select(p, 0, 0)).isZero();
        assertThat(Products.compare(Long.MAX_VALUE, 4, Long.MAX_VALUE, 3)).isPositive();
        assertThat(Products.compare(3, 5, 5, 3)).isZero();
    }
}
