package io.mpath4j.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import io.mpath4j.core.path.AccessState;
import io.mpath4j.core.path.CheckResult;
import io.mpath4j.core.path.CheckerState;
import io.mpath4j.core.path.PathEvent;
import io.mpath4j.core.path.PathIdentity;
import io.mpath4j.core.time.ManualTimeSource;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SimulatedPathTest {

    private static final int BLOCK = 512;
    private static final Duration MS = Duration.ofMillis(1);

    private ManualTimeSource clock;
    private SimulatedMedium medium;
    private SimulatedPath a;
    private SimulatedPath b;
    private List<PathEvent> eventsA;

    @BeforeEach
    void setUp() {
        clock = new ManualTimeSource();
        medium = new SimulatedMedium(64 * BLOCK, BLOCK);
        a = new SimulatedPath(PathIdentity.of("sim:a", "wwid-1"), medium, clock, 1);
        b = new SimulatedPath(PathIdentity.of("sim:b", "wwid-1"), medium, clock, 2);
        eventsA = new ArrayList<>();
        a.setEventListener(eventsA::add);
    }

    /** Records completions and fails the test if one request is completed twice. */
    private static final class Done implements Consumer<IoStatus> {
        final List<IoStatus> statuses = new ArrayList<>();
        final List<Long> times = new ArrayList<>();
        private final ManualTimeSource clock;

        Done(ManualTimeSource clock) {
            this.clock = clock;
        }

        @Override
        public void accept(IoStatus s) {
            assertThat(statuses).as("completed more than once").isEmpty();
            statuses.add(s);
            times.add(clock.nanoTime());
        }

        boolean isDone() {
            return !statuses.isEmpty();
        }

        IoStatus status() {
            assertThat(statuses).as("completed").hasSize(1);
            return statuses.getFirst();
        }
    }

    private Done submit(SimulatedPath p, IoRequest r) {
        Done d = new Done(clock);
        p.submit(r, d);
        return d;
    }

    private static byte[] pattern(int length, int seed) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) (seed * 31 + i);
        }
        return out;
    }

    private static IoRequest.Write write(long offset, byte[] data) {
        return new IoRequest.Write(offset, ByteBuffer.wrap(data), false);
    }

    // ---------------------------------------------------------------- data

    @Test
    void dataWrittenThroughOnePathIsReadThroughAnother() {
        byte[] data = pattern(4 * BLOCK, 7);
        assertThat(submit(a, write(8 * BLOCK, data)).isDone()).isFalse();
        clock.runDue();

        ByteBuffer into = ByteBuffer.allocate(4 * BLOCK);
        Done read = submit(b, new IoRequest.Read(8 * BLOCK, into));
        clock.runDue();

        assertThat(read.status()).isEqualTo(IoStatus.OK);
        assertThat(into.array()).isEqualTo(data);
        assertThat(a.submittedCount()).isEqualTo(1);
        assertThat(a.completedCount()).isEqualTo(1);
        assertThat(b.submittedCount()).isEqualTo(1);
        assertThat(b.completedCount()).isEqualTo(1);
    }

    @Test
    void completionNeverRunsInsideSubmitEvenWithZeroLatency() {
        Done d = submit(a, IoRequest.Flush.INSTANCE);
        assertThat(d.isDone()).isFalse();
        assertThat(a.inFlightCount()).isEqualTo(1);
        clock.runDue();
        assertThat(d.status()).isEqualTo(IoStatus.OK);
        assertThat(a.inFlightCount()).isZero();
    }

    @Test
    void buffersAreAccessedWithoutMovingPositionOrLimit() {
        byte[] data = pattern(3 * BLOCK, 3);
        ByteBuffer src = ByteBuffer.wrap(data).position(BLOCK).limit(3 * BLOCK);
        submit(a, new IoRequest.Write(0, src, true));
        clock.runDue();
        assertThat(src.position()).isEqualTo(BLOCK);
        assertThat(src.limit()).isEqualTo(3 * BLOCK);
        assertThat(medium.snapshot(0, 2 * BLOCK)).isEqualTo(Arrays.copyOfRange(data, BLOCK, 3 * BLOCK));

        ByteBuffer dst = ByteBuffer.allocate(4 * BLOCK).position(BLOCK).limit(3 * BLOCK);
        submit(b, new IoRequest.Read(0, dst));
        clock.runDue();
        assertThat(dst.position()).isEqualTo(BLOCK);
        assertThat(dst.limit()).isEqualTo(3 * BLOCK);
        assertThat(Arrays.copyOfRange(dst.array(), BLOCK, 3 * BLOCK)).isEqualTo(Arrays.copyOfRange(data, BLOCK, 3 * BLOCK));
        assertThat(Arrays.copyOfRange(dst.array(), 0, BLOCK)).containsOnly(0);
    }

    @Test
    void writesReachTheMediumAtCompletionSoSlowerEarlierWritesLandLast() {
        a.setLatency(Duration.ofMillis(5));
        b.setLatency(Duration.ofMillis(1));
        byte[] first = pattern(BLOCK, 1);
        byte[] second = pattern(BLOCK, 2);
        submit(a, write(0, first));
        submit(b, write(0, second));

        clock.advance(Duration.ofMillis(1));
        assertThat(medium.snapshot(0, BLOCK)).isEqualTo(second);
        clock.advance(Duration.ofMillis(4));
        assertThat(medium.snapshot(0, BLOCK)).isEqualTo(first);
    }

    @Test
    void writeZeroesAndDiscardClearTheRange() {
        medium.write(0, pattern(4 * BLOCK, 9));
        submit(a, new IoRequest.WriteZeroes(0, BLOCK, false));
        submit(a, new IoRequest.Discard(2 * BLOCK, BLOCK));
        clock.runDue();
        assertThat(medium.snapshot(0, BLOCK)).containsOnly(0);
        assertThat(medium.snapshot(BLOCK, BLOCK)).isEqualTo(Arrays.copyOfRange(pattern(4 * BLOCK, 9), BLOCK, 2 * BLOCK));
        assertThat(medium.snapshot(2 * BLOCK, BLOCK)).containsOnly(0);
    }

    @Test
    void outOfRangeOrMisalignedRequestsAreIllegalRequests() {
        Done beyond = submit(a, new IoRequest.Read(63 * BLOCK, ByteBuffer.allocate(2 * BLOCK)));
        Done misaligned = submit(a, write(100, pattern(BLOCK, 1)));
        clock.runDue();
        assertThat(beyond.status()).isInstanceOfSatisfying(IoStatus.TargetError.class,
                e -> assertThat(e.kind()).isEqualTo(IoStatus.TargetError.Kind.ILLEGAL_REQUEST));
        assertThat(misaligned.status()).isInstanceOf(IoStatus.TargetError.class);
        assertThat(medium.snapshot(0, 2 * BLOCK)).containsOnly(0);
    }

    // ---------------------------------------------------------------- timing

    @Test
    void latencyDelaysCompletion() {
        a.setLatency(Duration.ofMillis(3));
        Done d = submit(a, IoRequest.Flush.INSTANCE);
        clock.advance(Duration.ofNanos(3_000_000 - 1));
        assertThat(d.isDone()).isFalse();
        clock.advanceNanos(1);
        assertThat(d.status()).isEqualTo(IoStatus.OK);
    }

    @Test
    void jitterIsBoundedAndReproducibleFromTheSeed() {
        List<Long> first = completionDelaysWithJitter(99);
        List<Long> again = completionDelaysWithJitter(99);
        List<Long> other = completionDelaysWithJitter(100);
        assertThat(first).isEqualTo(again).isNotEqualTo(other);
        assertThat(first).allSatisfy(t -> assertThat(t).isBetween(1_000_000L, 2_000_000L));
        assertThat(first.stream().distinct().count()).isGreaterThan(10);
    }

    private List<Long> completionDelaysWithJitter(long seed) {
        ManualTimeSource c = new ManualTimeSource(0);
        SimulatedPath p = new SimulatedPath(PathIdentity.of("sim:j", "w"), medium, c, seed);
        p.setLatency(MS);
        p.setJitter(MS);
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            p.submit(IoRequest.Flush.INSTANCE, s -> times.add(c.nanoTime()));
        }
        c.advance(Duration.ofMillis(3));
        assertThat(times).hasSize(50);
        return times.stream().sorted().toList();
    }

    @Test
    void bandwidthQueuesTransfersOnTheLink() {
        SimulatedMedium big = new SimulatedMedium(1 << 21, 4096);
        SimulatedPath p = new SimulatedPath(PathIdentity.of("sim:bw", "w"), big, clock);
        p.setBandwidth(1 << 20); // 1 MiB/s
        p.setLatency(MS);
        long start = clock.nanoTime();
        Done one = submit(p, write(0, new byte[1 << 19]));       // 0.5 s on the link
        Done two = submit(p, write(1 << 19, new byte[1 << 19])); // queued behind it
        Done flush = submit(p, IoRequest.Flush.INSTANCE);         // moves no data: latency only
        clock.advance(Duration.ofSeconds(2));
        assertThat(flush.times.getFirst() - start).isEqualTo(1_000_000);
        assertThat(one.times.getFirst() - start).isEqualTo(500_000_000 + 1_000_000);
        assertThat(two.times.getFirst() - start).isEqualTo(1_000_000_000 + 1_000_000);
    }

    // ---------------------------------------------------------------- access states

    @ParameterizedTest
    @EnumSource(value = AccessState.class, names = {"STANDBY", "UNAVAILABLE", "OFFLINE"})
    void inaccessibleStatesFailWithPathErrorAndLeaveTheMediumAlone(AccessState state) {
        a.setAccessState(state);
        Done d = submit(a, write(0, pattern(BLOCK, 5)));
        clock.runDue();
        assertThat(d.status()).isInstanceOfSatisfying(IoStatus.PathError.class,
                e -> assertThat(e.mayStillExecute()).isFalse());
        assertThat(medium.snapshot(0, BLOCK)).containsOnly(0);
        assertThat(eventsA).containsExactly(new PathEvent.AccessStateChanged(state));
    }

    @Test
    void transitioningAsksToRetryLater() {
        a.setAccessState(AccessState.TRANSITIONING);
        Done d = submit(a, new IoRequest.Read(0, ByteBuffer.allocate(BLOCK)));
        clock.runDue();
        assertThat(d.status()).isInstanceOfSatisfying(IoStatus.RetryLater.class,
                r -> assertThat(r.delay()).isEqualTo(Duration.ofMillis(100)));
    }

    @Test
    void nonOptimizedServesIoAndSilentChangesEmitNoEvent() {
        a.setAccessState(AccessState.NON_OPTIMIZED, false);
        Done d = submit(a, IoRequest.Flush.INSTANCE);
        clock.runDue();
        assertThat(d.status()).isEqualTo(IoStatus.OK);
        assertThat(eventsA).isEmpty();
        a.setAccessState(AccessState.NON_OPTIMIZED); // unchanged: no event either
        assertThat(eventsA).isEmpty();
        assertThat(a.accessState()).isEqualTo(AccessState.NON_OPTIMIZED);
    }

    // ---------------------------------------------------------------- failure modes

    @Test
    void failAllFailsEveryRequestWithAPathError() {
        a.setFailureMode(FailureMode.FAIL_ALL);
        Done w = submit(a, write(0, pattern(BLOCK, 1)));
        Done f = submit(a, IoRequest.Flush.INSTANCE);
        clock.runDue();
        assertThat(w.status()).isInstanceOf(IoStatus.PathError.class);
        assertThat(f.status()).isInstanceOf(IoStatus.PathError.class);
        assertThat(medium.snapshot(0, BLOCK)).containsOnly(0);

        a.setFailureMode(FailureMode.NONE);
        Done ok = submit(a, IoRequest.Flush.INSTANCE);
        clock.runDue();
        assertThat(ok.status()).isEqualTo(IoStatus.OK);
    }

    @Test
    void failEveryNthFailsExactlyEveryNthRequest() {
        a.setFailureMode(FailureMode.failEveryNth(3));
        List<Done> all = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            all.add(submit(a, IoRequest.Flush.INSTANCE));
        }
        clock.runDue();
        List<Boolean> failed = all.stream().map(d -> d.status() instanceof IoStatus.PathError).toList();
        assertThat(failed).containsExactly(false, false, true, false, false, true, false, false, true);
    }

    @Test
    void targetErrorIsAMediumErrorExceptForFlush() {
        a.setFailureMode(FailureMode.TARGET_ERROR);
        Done r = submit(a, new IoRequest.Read(0, ByteBuffer.allocate(BLOCK)));
        Done f = submit(a, IoRequest.Flush.INSTANCE);
        clock.runDue();
        assertThat(r.status()).isInstanceOfSatisfying(IoStatus.TargetError.class,
                e -> assertThat(e.kind()).isEqualTo(IoStatus.TargetError.Kind.MEDIUM_ERROR));
        assertThat(f.status()).isEqualTo(IoStatus.OK);
    }

    // ---------------------------------------------------------------- hang, ghost writes, fence

    @Test
    void hungRequestsNeverCompleteUntilTheModeChangesThenMayStillExecute() {
        a.setFailureMode(FailureMode.HANG);
        byte[] old = pattern(BLOCK, 1);
        Done w = submit(a, write(0, old));
        Done r = submit(a, new IoRequest.Read(BLOCK, ByteBuffer.allocate(BLOCK)));
        clock.advance(Duration.ofHours(1));
        assertThat(w.isDone()).isFalse();
        assertThat(r.isDone()).isFalse();
        assertThat(a.hungCount()).isEqualTo(2);

        a.setFailureMode(FailureMode.NONE);
        clock.runDue();
        assertThat(w.status()).isEqualTo(new IoStatus.PathError(
                "target answered after hanging; the command may still execute", true));
        assertThat(r.status()).isInstanceOfSatisfying(IoStatus.PathError.class,
                e -> assertThat(e.mayStillExecute()).isTrue());
        // The write has not landed, but it is a ghost: it still can.
        assertThat(medium.snapshot(0, BLOCK)).containsOnly(0);
        assertThat(a.pendingGhostWrites()).isEqualTo(1);
        assertThat(a.applyGhostWrites()).isEqualTo(1);
        assertThat(medium.snapshot(0, BLOCK)).isEqualTo(old);
    }

    @Test
    void withoutAFenceAGhostWriteOverwritesTheRedrivenData() {
        // The hazard the fence exists for: the engine redrives on b, then the old write lands.
        a.setGhostWriteDelay(Duration.ofMillis(50));
        a.setFailureMode(FailureMode.HANG);
        byte[] old = pattern(BLOCK, 1);
        byte[] newer = pattern(BLOCK, 2);
        Done w = submit(a, write(0, old));
        a.setDown("cable pulled");
        clock.runDue();
        assertThat(w.status()).isInstanceOfSatisfying(IoStatus.PathError.class,
                e -> assertThat(e.mayStillExecute()).isTrue());

        submit(b, write(0, newer));
        clock.runDue();
        assertThat(medium.snapshot(0, BLOCK)).isEqualTo(newer);
        clock.advance(Duration.ofMillis(50));
        assertThat(medium.snapshot(0, BLOCK)).isEqualTo(old);
        assertThat(a.ghostWritesApplied()).isEqualTo(1);
    }

    @Test
    void afterTheFenceCompletesAHungWriteNeverLands() {
        a.setGhostWriteDelay(Duration.ofMillis(50));
        a.setFenceDelay(Duration.ofMillis(10));
        a.setFailureMode(FailureMode.HANG);
        byte[] old = pattern(BLOCK, 1);
        byte[] newer = pattern(BLOCK, 2);
        Done w = submit(a, write(0, old));
        a.setDown("cable pulled");
        clock.runDue();
        assertThat(w.status()).isInstanceOfSatisfying(IoStatus.PathError.class,
                e -> assertThat(e.mayStillExecute()).isTrue());

        CompletableFuture<Void> fence = a.fence().toCompletableFuture();
        assertThat(fence).isNotDone();
        clock.advance(Duration.ofMillis(10));
        assertThat(fence).isCompleted();

        submit(b, write(0, newer));
        clock.advance(Duration.ofSeconds(1)); // well past the ghost delay
        assertThat(a.applyGhostWrites()).isZero();
        assertThat(medium.snapshot(0, BLOCK)).isEqualTo(newer);
        assertThat(a.ghostWritesApplied()).isZero();
        assertThat(a.ghostWritesDiscarded()).isEqualTo(1);
    }

    @Test
    void fenceAbortsRequestsStillHungSoTheyCannotExecute() {
        a.setFenceDelay(Duration.ofMillis(10));
        a.setFailureMode(FailureMode.HANG);
        Done w = submit(a, write(0, pattern(BLOCK, 1)));
        CompletableFuture<Void> fence = a.fence().toCompletableFuture();
        List<String> order = new ArrayList<>();
        fence.thenRun(() -> order.add("fence"));
        clock.advance(Duration.ofMillis(9));
        assertThat(fence).isNotDone();
        assertThat(w.isDone()).isFalse();
        clock.advance(MS);
        assertThat(w.status()).isEqualTo(new IoStatus.PathError("aborted by fence", false));
        assertThat(fence).isCompleted();
        assertThat(order).containsExactly("fence");

        a.setFailureMode(FailureMode.NONE);
        clock.runDue();
        assertThat(a.pendingGhostWrites()).isZero();
        assertThat(medium.snapshot(0, BLOCK)).containsOnly(0);
        assertThat(a.completedCount()).isEqualTo(1);
    }

    @Test
    void fenceAfterACleanConnectionLossCompletesAtOnce() {
        a.setFenceDelay(Duration.ofSeconds(5));
        a.setLatency(Duration.ofMillis(5));
        Done w = submit(a, write(0, pattern(BLOCK, 1)));
        a.setDown("reset");
        clock.runDue();
        assertThat(w.status()).isInstanceOfSatisfying(IoStatus.PathError.class,
                e -> assertThat(e.mayStillExecute()).isFalse());
        assertThat(a.fence().toCompletableFuture()).isCompleted();
        clock.advance(Duration.ofMillis(10));
        assertThat(medium.snapshot(0, BLOCK)).containsOnly(0);
    }

    @Test
    void impossibleFenceCompletesExceptionally() {
        a.setFenceImpossible(true);
        assertThat(a.fence().toCompletableFuture()).isCompletedExceptionally();
    }

    // ---------------------------------------------------------------- down / up, close

    @Test
    void downEmitsConnectionLostThenFailsInFlightAndNewIoAndUpRestores() {
        a.setLatency(Duration.ofMillis(5));
        List<String> order = new ArrayList<>();
        a.setEventListener(e -> order.add(e.getClass().getSimpleName()));
        Done w = new Done(clock);
        a.submit(write(0, pattern(BLOCK, 1)), s -> {
            order.add("completion");
            w.accept(s);
        });

        a.setDown("link down");
        Done after = submit(a, IoRequest.Flush.INSTANCE);
        clock.advance(Duration.ofMillis(10));

        assertThat(order).containsExactly("ConnectionLost", "completion");
        assertThat(w.status()).isEqualTo(new IoStatus.PathError("connection lost: link down", false));
        assertThat(after.status()).isInstanceOf(IoStatus.PathError.class);
        assertThat(medium.snapshot(0, BLOCK)).as("in-flight write dropped").containsOnly(0);
        assertThat(a.isDown()).isTrue();

        a.setUp();
        assertThat(order).containsExactly("ConnectionLost", "completion", "ConnectionRestored");
        Done ok = submit(a, IoRequest.Flush.INSTANCE);
        clock.advance(Duration.ofMillis(5));
        assertThat(ok.status()).isEqualTo(IoStatus.OK);
        assertThat(a.submittedCount()).isEqualTo(3);
        assertThat(a.completedCount()).isEqualTo(3);
    }

    @Test
    void downTwiceEmitsOneEvent() {
        a.setDown("x");
        a.setDown("y");
        a.setUp();
        a.setUp();
        assertThat(eventsA).containsExactly(new PathEvent.ConnectionLost("x"), new PathEvent.ConnectionRestored());
    }

    @Test
    void closeFailsInFlightAndLaterRequestsAndReleasesHungOnes() {
        a.setLatency(MS);
        Done inFlight = submit(a, IoRequest.Flush.INSTANCE);
        a.close();
        Done later = submit(a, IoRequest.Flush.INSTANCE);
        clock.advance(Duration.ofMillis(2));
        assertThat(inFlight.status()).isEqualTo(new IoStatus.PathError("path closed", false));
        assertThat(later.status()).isEqualTo(new IoStatus.PathError("path closed", false));

        b.setFailureMode(FailureMode.HANG);
        Done hung = submit(b, write(0, pattern(BLOCK, 1)));
        b.close();
        clock.runDue();
        assertThat(hung.status()).isInstanceOfSatisfying(IoStatus.PathError.class,
                e -> assertThat(e.mayStillExecute()).isTrue());
        assertThat(b.pendingGhostWrites()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- check

    private CheckResult check(SimulatedPath p) {
        CompletableFuture<CheckResult> f = p.check().toCompletableFuture();
        clock.advance(Duration.ofMillis(10));
        assertThat(f).isCompleted();
        return f.join();
    }

    @Test
    void checkReflectsAccessStateDownAndFailures() {
        a.setLatency(Duration.ofMillis(2));
        assertThat(check(a).state()).isEqualTo(CheckerState.READY);
        a.setAccessState(AccessState.NON_OPTIMIZED);
        assertThat(check(a)).isEqualTo(CheckResult.ready(AccessState.NON_OPTIMIZED));
        for (AccessState s : List.of(AccessState.STANDBY, AccessState.TRANSITIONING, AccessState.UNAVAILABLE)) {
            a.setAccessState(s);
            CheckResult r = check(a);
            assertThat(r.state()).as(s.label()).isEqualTo(CheckerState.GHOST);
            assertThat(r.accessState()).isEqualTo(s);
        }
        a.setAccessState(AccessState.OFFLINE);
        assertThat(check(a).state()).isEqualTo(CheckerState.FAULTY);

        a.setAccessState(AccessState.OPTIMIZED);
        a.setFailureMode(FailureMode.FAIL_ALL);
        assertThat(check(a).state()).isEqualTo(CheckerState.FAULTY);
        a.setFailureMode(FailureMode.TARGET_ERROR);
        assertThat(check(a).state()).isEqualTo(CheckerState.READY);
        a.setFailureMode(FailureMode.NONE);
        a.setDown("gone");
        assertThat(check(a).state()).isEqualTo(CheckerState.FAULTY);
        a.setUp();
        assertThat(check(a).state()).isEqualTo(CheckerState.READY);
    }

    @Test
    void checkTakesTheLatency() {
        a.setLatency(Duration.ofMillis(4));
        CompletableFuture<CheckResult> f = a.check().toCompletableFuture();
        clock.advance(Duration.ofMillis(3));
        assertThat(f).isNotDone();
        clock.advance(MS);
        assertThat(f).isCompleted();
    }

    @Test
    void checkHangsWithTheTargetAndFailsWhenReleased() {
        a.setFailureMode(FailureMode.HANG);
        CompletableFuture<CheckResult> f = a.check().toCompletableFuture();
        clock.advance(Duration.ofMinutes(5));
        assertThat(f).isNotDone();
        a.setFailureMode(FailureMode.NONE);
        clock.runDue();
        assertThat(f.join().state()).isEqualTo(CheckerState.FAULTY);
    }
}
