package io.mpath4j.lab.proof;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.nbd.PeerProcess;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Bounded torture runs (issue 7) against the lab target: random resets, blackholes, ALUA flips and
 * latency every 1–3 s on 2 and 4 portals while the Java workload and fio through the NBD export
 * verify every block. Long runs: {@code mpath torture --duration 10m --paths 4}.
 */
class TortureIT {

    @Test
    void twoPathsSurviveRandomFaults() throws Exception {
        torture(2, Duration.ofSeconds(30));
    }

    @Test
    void fourPathsSurviveRandomFaults() throws Exception {
        torture(4, Duration.ofSeconds(30));
    }

    private static void torture(int paths, Duration d) throws Exception {
        PeerProcess.requireTool("fio");
        long seed = System.nanoTime();
        TortureReport r;
        try (TortureRun t = new TortureRun(new LabRig(paths, TortureRun.SIZE), seed)) {
            r = t.run(d, true, System.out::println);
        }
        r.lines().forEach(System.out::println);
        System.out.println("(seed " + seed + ")");
        assertThat(r.cycles()).isPositive();
        assertThat(r.failures()).as("Java workload errors or mismatches (seed %d)", seed).isEmpty();
        assertThat(r.verifiedOps()).isPositive();
        assertThat(r.fio()).as("fio ran").isNotNull();
        assertThat(r.fio().verifyBad()).as("fio verify").isFalse();
        assertThat(r.fio().errors()).as("fio errors").isZero();
        assertThat(r.fio().exitCode()).as("fio exit status").isZero();
        // the job only writes: every read is a verify read, so fio really checked what it wrote
        assertThat(r.fio().verifyReads()).as("fio verify reads").isPositive();
        assertThat(r.passed()).isTrue();
    }
}
