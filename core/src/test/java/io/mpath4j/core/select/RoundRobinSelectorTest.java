package io.mpath4j.core.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RoundRobinSelectorTest {

    private static PathStats[] paths(int n) {
        PathStats[] p = new PathStats[n];
        for (int i = 0; i < n; i++) {
            p[i] = new PathStats("p" + i);
        }
        return p;
    }

    private static int[] sequence(PathSelector s, PathStats[] p, int count) {
        int[] seq = new int[count];
        for (int k = 0; k < count; k++) {
            seq[k] = s.select(p, 4096, k);
        }
        return seq;
    }

    private static int[] counts(PathSelector s, PathStats[] p, int count) {
        int[] c = new int[p.length];
        for (int i : sequence(s, p, count)) {
            c[i]++;
        }
        return c;
    }

    @Test
    void takesTurnsEvenly() {
        RoundRobinSelector s = new RoundRobinSelector();
        PathStats[] p = paths(3);
        assertThat(sequence(s, p, 6)).containsExactly(0, 1, 2, 0, 1, 2);
        assertThat(counts(s, p, 300)).containsExactly(100, 100, 100);
    }

    @Test
    void rrMinIoRqGivesRunsOfThatLength() {
        RoundRobinSelector s = new RoundRobinSelector(3, false);
        assertThat(sequence(s, paths(3), 12)).containsExactly(0, 0, 0, 1, 1, 1, 2, 2, 2, 0, 0, 0);
    }

    @Test
    void weightedThreeToOneGivesThreeQuartersToTheHeavierPath() {
        RoundRobinSelector s = new RoundRobinSelector(1, true);
        PathStats[] p = paths(2);
        p[0].setWeight(3);
        p[1].setWeight(1);
        assertThat(counts(s, p, 400)).containsExactly(300, 100);
    }

    @Test
    void weightedRunsAreMinIoRqTimesWeight() {
        // multipath-tools: repeat count = rr_min_io_rq × priority
        RoundRobinSelector s = new RoundRobinSelector(2, true);
        PathStats[] p = paths(2);
        p[0].setWeight(2);
        p[1].setWeight(1);
        assertThat(sequence(s, p, 12)).containsExactly(0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1);
    }

    @Test
    void weightsAreIgnoredWithoutRrWeightPriorities() {
        RoundRobinSelector s = new RoundRobinSelector(1, false);
        PathStats[] p = paths(2);
        p[0].setWeight(3);
        assertThat(counts(s, p, 400)).containsExactly(200, 200);
    }

    @Test
    void weightChangeTakesEffectAtOnce() {
        RoundRobinSelector s = new RoundRobinSelector(1, true);
        PathStats[] p = paths(2);
        assertThat(counts(s, p, 100)).containsExactly(50, 50);
        p[1].setWeight(4);
        assertThat(counts(s, p, 500)).containsExactly(100, 400);
    }

    @Test
    void indexStaysInRangeWhenCandidatesShrink() {
        for (boolean weighted : new boolean[] {false, true}) {
            RoundRobinSelector s = new RoundRobinSelector(2, weighted);
            PathStats[] three = paths(3);
            three[2].setWeight(5);
            PathStats[] two = {three[0], three[1]};
            PathStats[] one = {three[1]};
            for (int k = 0; k < 50; k++) {
                assertThat(s.select(three, 1, k)).isBetween(0, 2);
                assertThat(s.select(two, 1, k)).isBetween(0, 1);
                assertThat(s.select(one, 1, k)).isZero();
            }
        }
    }

    @Test
    void rejectsZeroMinIo() {
        assertThatThrownBy(() -> new RoundRobinSelector(0, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rr_min_io_rq");
    }
}
