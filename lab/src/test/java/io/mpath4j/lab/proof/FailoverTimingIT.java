package io.mpath4j.lab.proof;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.lab.proof.FailoverTiming.Fault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A bounded run of the failover timing harness: a few trials of each fault under a verifying
 * workload. Zero I/O errors is the assertion; the gap bounds are sanity bounds (a hang, a lost
 * failover), far above the goals, because CI machines are loaded. The measured numbers come from
 * {@code bench/lab-proof.sh timing} and live in docs/benchmarks.md.
 */
class FailoverTimingIT {

    @Test
    void resetSilentCutAndAluaTransitionFailOverWithoutErrors() throws Exception {
        Duration transition = Duration.ofMillis(500);
        try (FailoverTiming t = new FailoverTiming(transition, FailoverTiming.options())) {
            t.startWorkload(8);
            for (Fault f : Fault.values()) {
                List<Long> gaps = new ArrayList<>();
                Duration window = f == Fault.RESET ? Duration.ofMillis(700) : Duration.ofMillis(3000);
                for (int i = 0; i < 3; i++) {
                    gaps.add(t.trial(f, window));
                }
                System.out.printf("failover timing %s: %s%n", f, FailoverTiming.percentiles(gaps));
                assertThat(gaps).as("%s: completion gaps (ms)", f).allMatch(g -> g < 10_000);
            }
            assertThat(t.completions()).isGreaterThan(100);
            assertThat(t.errors()).as("I/O errors or mismatches").isEmpty();
        }
    }
}
