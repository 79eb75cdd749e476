package io.mpath4j.core.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.core.Geometry;
import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import io.mpath4j.core.path.AccessState;
import io.mpath4j.core.path.CheckResult;
import io.mpath4j.core.path.CheckerState;
import io.mpath4j.core.path.Path;
import io.mpath4j.core.path.PathEvent;
import io.mpath4j.core.path.PathIdentity;
import io.mpath4j.core.time.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Adaptive check period, spreading, and the checker time budget, on a manual clock. */
class PathMonitorTest {

    final ManualTimeSource clock = new ManualTimeSource(0);
    final MonitorConfig config = new MonitorConfig(Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(2));
    final PathMonitor monitor = new PathMonitor(clock, config);

    /** A path that records when it was checked and answers as told (or never). */
    class CountingPath implements Path {
        final List<Long> checkTimes = new ArrayList<>();
        volatile CheckResult answer = CheckResult.ready(AccessState.OPTIMIZED);
        volatile boolean hang;

        @Override
        public PathIdentity identity() {
            return PathIdentity.of("p", "w");
        }

        @Override
        public Geometry geometry() {
            return new Geometry(4096, 512, 512, 0);
        }

        @Override
        public AccessState accessState() {
            return AccessState.OPTIMIZED;
        }

        @Override
        public void submit(IoRequest request, Consumer<IoStatus> completion) {
            completion.accept(IoStatus.OK);
        }

        @Override
        public CompletionStage<CheckResult> check() {
            checkTimes.add(clock.nanoTime());
            return hang ? new CompletableFuture<>() : CompletableFuture.completedFuture(answer);
        }

        @Override
        public void setEventListener(Consumer<PathEvent> listener) {}

        @Override
        public void close() {}
    }

    static List<Long> seconds(List<Long> nanos) {
        return nanos.stream().map(n -> Duration.ofNanos(n).toMillis() / 1000).toList();
    }

    @Test
    void healthyPathIsCheckedLessOftenUpToTheMaximum() {
        CountingPath p = new CountingPath();
        List<CheckResult> results = new ArrayList<>();
        monitor.watch(p, (r, sent, t) -> results.add(r)); // first registration: offset 0
        clock.advance(Duration.ofSeconds(120));
        // 0, then +5 (first ready), +10, +20, +20, ...
        assertThat(seconds(p.checkTimes)).startsWith(0L, 5L, 15L, 35L, 55L, 75L);
        assertThat(results).allMatch(r -> r.state() == CheckerState.READY);
    }

    @Test
    void aChangeResetsThePeriod() {
        CountingPath p = new CountingPath();
        monitor.watch(p, (r, sent, t) -> {});
        clock.advance(Duration.ofSeconds(36)); // checks at 0, 5, 15, 35
        p.answer = CheckResult.faulty("gone");
        clock.advance(Duration.ofSeconds(40)); // 55 (faulty), 60, 65, 70, 75 (faulty stays at 5 s)
        assertThat(seconds(p.checkTimes)).containsExactly(0L, 5L, 15L, 35L, 55L, 60L, 65L, 70L, 75L);
    }

    @Test
    void aTransitioningPathIsCheckedEveryTransitionPollingIntervalUntilTheTransitionEnds() {
        CountingPath p = new CountingPath();
        monitor.watch(p, (r, sent, t) -> {});
        clock.advance(Duration.ofSeconds(16)); // checks at 0, 5, 15
        p.answer = new CheckResult(CheckerState.GHOST, AccessState.TRANSITIONING, "04h/0Ah");
        clock.advance(Duration.ofSeconds(20)); // 35: transitioning; then every 20 ms
        long at35 = Duration.ofSeconds(35).toNanos();
        long step = MonitorConfig.DEFAULT_TRANSITION_POLLING.toNanos();
        assertThat(p.checkTimes).contains(at35, at35 + step, at35 + 2 * step);
        p.answer = CheckResult.ready(AccessState.OPTIMIZED);
        int before = p.checkTimes.size();
        clock.advance(MonitorConfig.DEFAULT_TRANSITION_POLLING); // the check that sees the end
        clock.advance(Duration.ofSeconds(4)); // then back to polling_interval: nothing for 5 s
        assertThat(p.checkTimes).hasSize(before + 1);
    }

    @Test
    void theTransitionPollingIntervalIsNeverLongerThanThePollingInterval() {
        MonitorConfig c = new MonitorConfig(Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofSeconds(1));
        assertThat(c.transitionPollingInterval()).isEqualTo(Duration.ofMillis(10));
        assertThat(config.transitionPollingInterval()).isEqualTo(MonitorConfig.DEFAULT_TRANSITION_POLLING);
    }

    @Test
    void aCheckerThatDoesNotAnswerTimesOut() {
        CountingPath p = new CountingPath();
        p.hang = true;
        List<CheckResult> results = new ArrayList<>();
        monitor.watch(p, (r, sent, t) -> results.add(r));
        clock.advance(Duration.ofSeconds(1));
        assertThat(results).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.state()).isEqualTo(CheckerState.TIMEOUT);
            assertThat(r.message()).contains("2000 ms");
        });
    }

    @Test
    void checksOfManyPathsAreSpreadOverTheInterval() {
        List<CountingPath> paths = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            CountingPath p = new CountingPath();
            paths.add(p);
            monitor.watch(p, (r, sent, t) -> {});
        }
        clock.advance(Duration.ofMillis(4999));
        // Ten 500 ms buckets of the first interval: every bucket gets 10 ± 2 first checks.
        int[] buckets = new int[10];
        for (CountingPath p : paths) {
            assertThat(p.checkTimes).hasSize(1);
            buckets[(int) (p.checkTimes.getFirst() / 500_000_000L)]++;
        }
        assertThat(java.util.Arrays.stream(buckets).boxed().toList()).allSatisfy(n -> assertThat(n).isBetween(8, 12));
    }

    @Test
    void checkSoonDuringARunningCheckRunsAnotherRightAfterIt() {
        CountingPath p = new CountingPath();
        CompletableFuture<CheckResult> slow = new CompletableFuture<>();
        List<Long> sent = new ArrayList<>();
        CountingPath slowPath = new CountingPath() {
            @Override
            public CompletionStage<CheckResult> check() {
                checkTimes.add(clock.nanoTime());
                return checkTimes.size() == 1 ? slow : CompletableFuture.completedFuture(answer);
            }
        };
        PathMonitor.Watch w = monitor.watch(slowPath, (r, s, t) -> sent.add(s)); // first check at 0, unanswered
        clock.advance(Duration.ofMillis(500));
        w.checkSoon(); // an event arrived while the first check is still out
        clock.runDue();
        assertThat(slowPath.checkTimes).hasSize(1);
        clock.advance(Duration.ofMillis(500));
        slow.complete(CheckResult.ready(AccessState.OPTIMIZED));
        clock.runDue();
        assertThat(seconds(sent)).containsExactly(0L, 1L);
        assertThat(slowPath.checkTimes).as("the re-check ran at once, not a period later").hasSize(2);
        assertThat(p.checkTimes).isEmpty();
    }

    @Test
    void checkSoonChecksAtOnceAndCancelStops() {
        CountingPath p = new CountingPath();
        PathMonitor.Watch w = monitor.watch(p, (r, sent, t) -> {});
        clock.advance(Duration.ofSeconds(16)); // 0, 5, 15; next at 35
        w.checkSoon();
        clock.runDue();
        assertThat(seconds(p.checkTimes)).containsExactly(0L, 5L, 15L, 16L);
        clock.advance(Duration.ofSeconds(5));
        assertThat(seconds(p.checkTimes)).containsExactly(0L, 5L, 15L, 16L, 21L);
        w.cancel();
        clock.advance(Duration.ofSeconds(100));
        assertThat(p.checkTimes).hasSize(5);
        assertThat(clock.pending()).isZero();
    }
}
