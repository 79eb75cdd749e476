package io.mpath4j.lab.proof;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.nbd.PeerProcess;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Bounded torture runs (issue 7): random faults every 1–3 s on 2 and 4 lab-target portals while the
 * Java workload and fio through the NBD export verify every block. Long runs: {@code
 * bench/lab-proof.sh torture SECONDS PATHS}.
 */
class TortureIT {

    @Test
    void twoPathsSurviveRandomFaults() throws Exception {
        PeerProcess.requireTool("fio");
        torture(2, Duration.ofSeconds(30));
    }

    @Test
    void fourPathsSurviveRandomFaults() throws Exception {
        PeerProcess.requireTool("fio");
        torture(4, Duration.ofSeconds(30));
    }

    private static void torture(int paths, Duration d) throws Exception {
        long seed = System.nanoTime();
        TortureRun.Report r;
        try (TortureRun t = new TortureRun(paths, seed)) {
            r = t.run(d);
        }
        System.out.println(r + " (seed " + seed + ")");
        assertThat(r.cycles()).isPositive();
        assertThat(r.failures()).as("Java workload errors or mismatches (seed %d)", seed).isEmpty();
        assertThat(r.fioVerifyBad()).as("fio verify").isFalse();
        assertThat(r.fioExit()).as("fio exit status").isZero();
        assertThat(r.verifiedOps()).isPositive();
    }
}
