package io.mpath4j.core.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import io.mpath4j.core.group.GroupingPolicies;
import io.mpath4j.core.group.Prioritizers;
import io.mpath4j.core.path.AccessState;
import io.mpath4j.core.path.CheckResult;
import io.mpath4j.core.path.PathEvent;
import io.mpath4j.core.select.PathSelectors;
import io.mpath4j.core.time.ManualTimeSource;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Failover, redrive, fencing, retry and no-path behaviour of one device, on a manual clock. */
class MultipathDeviceTest {

    final ManualTimeSource clock = new ManualTimeSource();
    final Engine engine = new Engine(clock, Runnable::run, null);
    final List<DeviceEvent> events = new ArrayList<>();

    MultipathDevice device(DeviceConfig config, ScriptedPath... paths) {
        MultipathDevice d = new MultipathDevice("mpatha", config, engine, List.of(paths));
        d.addListener(events::add);
        return d;
    }

    static DeviceConfig multibus() {
        return DeviceConfig.defaults().withGrouping(GroupingPolicies.byKeyword("multibus"))
                .withSelector(() -> PathSelectors.parse("round-robin 0", 1, false))
                .withFlapDamping(FlapDamping.DISABLED);
    }

    static CompletableFuture<IoStatus> write(MultipathDevice d) {
        return d.submit(new IoRequest.Write(0, ByteBuffer.allocate(512), false));
    }

    static CompletableFuture<IoStatus> read(MultipathDevice d) {
        return d.submit(new IoRequest.Read(0, ByteBuffer.allocate(512)));
    }

    @Test
    void whenClosedCompletesOnlyAfterThePathsWereClosed() {
        java.util.ArrayDeque<Runnable> tasks = new java.util.ArrayDeque<>();
        ScriptedPath a = ScriptedPath.of("a");
        MultipathDevice d = new MultipathDevice("mpatha", multibus(), new Engine(clock, tasks::add, null), List.of(a));
        while (!tasks.isEmpty()) {
            tasks.poll().run();
        }
        d.close();
        CompletableFuture<Void> closed = d.whenClosed();
        assertThat(closed).isNotDone();
        assertThat(a.closed).isFalse();
        while (!tasks.isEmpty()) {
            tasks.poll().run();
        }
        assertThat(closed).isCompleted();
        assertThat(a.closed).isTrue();
    }

    @Test
    void failoverPolicyUsesOnlyTheFirstGroup() {
        ScriptedPath a = ScriptedPath.of("a");
        ScriptedPath b = ScriptedPath.of("b");
        MultipathDevice d = device(DeviceConfig.defaults(), a, b);
        for (int i = 0; i < 100; i++) {
            assertThat(read(d)).isCompletedWithValue(IoStatus.OK);
        }
        assertThat(d.topology().groups()).hasSize(2);
        assertThat(a.submittedCount() + b.submittedCount()).isEqualTo(100);
        assertThat(Math.min(a.submittedCount(), b.submittedCount())).isZero();
    }

    @Test
    void pathErrorFailsThePathAndRedrivesWithoutError() {
        ScriptedPath a = ScriptedPath.of("a");
        ScriptedPath b = ScriptedPath.of("b");
        a.autoOk = false;
        MultipathDevice d = device(multibus(), a, b);
        List<CompletableFuture<IoStatus>> ios = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ios.add(read(d));
        }
        assertThat(a.pending).hasSize(5);
        a.completeAll(new IoStatus.PathError("connection reset", false));

        assertThat(ios).allSatisfy(f -> assertThat(f).isCompletedWithValue(IoStatus.OK));
        assertThat(b.submittedCount()).isEqualTo(10);
        assertThat(d.topology().paths()).filteredOn(p -> p.name().equals("a")).singleElement()
                .satisfies(p -> assertThat(p.failed()).isTrue());
        assertThat(d.counters().redrives()).isEqualTo(5);
        assertThat(events).filteredOn(e -> e.kind() == DeviceEvent.Kind.PATH_FAILED).hasSize(1);
    }

    @Test
    void writeThatMayStillExecuteWaitsForFencing() {
        ScriptedPath a = ScriptedPath.of("a");
        ScriptedPath b = ScriptedPath.of("b");
        MultipathDevice d = device(DeviceConfig.defaults(), a, b);
        ScriptedPath first = d.topology().groups().getFirst().paths().getFirst().name().equals("a") ? a : b;
        ScriptedPath second = first == a ? b : a;
        first.autoOk = false;
        first.fence = new CompletableFuture<>();
        CompletableFuture<IoStatus> w = write(d);
        first.completeAll(new IoStatus.PathError("timeout", true));

        assertThat(first.fenceCalls).isEqualTo(1);
        assertThat(second.submittedCount()).as("not redriven before the fence").isZero();
        assertThat(w).isNotDone();

        first.fence.complete(null);
        assertThat(second.submittedCount()).isEqualTo(1);
        assertThat(w).isCompletedWithValue(IoStatus.OK);
    }

    @Test
    void readThatMayStillExecuteIsRedrivenAtOnce() {
        ScriptedPath a = ScriptedPath.of("a");
        ScriptedPath b = ScriptedPath.of("b");
        MultipathDevice d = device(multibus(), a, b);
        a.autoOk = false;
        b.autoOk = false;
        CompletableFuture<IoStatus> r = read(d);
        ScriptedPath first = a.pending.isEmpty() ? b : a;
        first.fence = new CompletableFuture<>();
        first.completeAll(new IoStatus.PathError("timeout", true));
        ScriptedPath other = first == a ? b : a;
        assertThat(first.fenceCalls).isZero();
        other.completeAll(IoStatus.OK);
        assertThat(r).isCompletedWithValue(IoStatus.OK);
    }

    @Test
    void unfenceableWriteFailsRatherThanRiskAGhostWrite() {
        ScriptedPath a = ScriptedPath.of("a");
        ScriptedPath b = ScriptedPath.of("b");
        MultipathDevice d = device(DeviceConfig.defaults(), a, b);
        ScriptedPath first = d.topology().groups().getFirst().paths().getFirst().name().equals("a") ? a : b;
        first.autoOk = false;
        first.fence = CompletableFuture.failedFuture(new IllegalStateException("session gone"));
        CompletableFuture<IoStatus> w = write(d);
        first.completeAll(new IoStatus.PathError("timeout", true));
        assertThat(w.join()).isInstanceOf(IoStatus.PathError.class);
        assertThat(((IoStatus.PathError) w.join()).reason()).contains("could not be fenced");
    }

    @Test
    void targetErrorGoesToTheCallerWithoutFailingThePath() {
        ScriptedPath a = ScriptedPath.of("a");
        ScriptedPath b = ScriptedPath.of("b");
        MultipathDevice d = device(multibus(), a, b);
        a.autoOk = false;
        b.autoOk = false;
        CompletableFuture<IoStatus> r = read(d);
        IoStatus.TargetError medium = new IoStatus.TargetError(IoStatus.TargetError.Kind.MEDIUM_ERROR, "MEDIUM ERROR 11/00");
        a.completeAll(medium);
        b.completeAll(medium);
        assertThat(r).isCompletedWithValue(medium);
        assertThat(d.topology().usablePathCount()).isEqualTo(2);
        assertThat(a.submittedCount() + b.submittedCount()).isEqualTo(1);
    }

    @Test
    void retryLaterResubmitsAfterTheDelay() {
        ScriptedPath a = ScriptedPath.of("a");
        MultipathDevice d = device(multibus(), a);
        a.autoOk = false;
        CompletableFuture<IoStatus> r = read(d);
        a.completeAll(new IoStatus.RetryLater(Duration.ofMillis(100), "ALUA transitioning"));
        assertThat(a.submittedCount()).isEqualTo(1);
        clock.advance(Duration.ofMillis(99));
        assertThat(a.submittedCount()).isEqualTo(1);
        clock.advance(Duration.ofMillis(1));
        assertThat(a.submittedCount()).isEqualTo(2);
        a.completeAll(IoStatus.OK);
        assertThat(r).isCompletedWithValue(IoStatus.OK);
        assertThat(d.topology().usablePathCount()).as("retry-later does not fail the path").isEqualTo(1);
        assertThat(d.counters().retries()).isEqualTo(1);
    }

    @Test
    void retryLaterStopsAtTheDeadline() {
        ScriptedPath a = ScriptedPath.of("a");
        MultipathDevice d = device(multibus().withIoDeadline(Duration.ofMillis(250)), a);
        a.autoOk = false;
        CompletableFuture<IoStatus> r = read(d);
        for (int i = 0; i < 5 && !r.isDone(); i++) {
            a.completeAll(new IoStatus.RetryLater(Duration.ofMillis(100), "busy"));
            clock.advance(Duration.ofMillis(100));
        }
        assertThat(r.join()).isInstanceOf(IoStatus.DeadlineExceeded.class);
        assertThat(((IoStatus.DeadlineExceeded) r.join()).last()).contains("busy");
    }

    @Test
    void noPathRetryFailFailsAtOnce() {
        ScriptedPath a = ScriptedPath.of("a");
        MultipathDevice d = device(multibus(), a);
        a.emit(new PathEvent.ConnectionLost("reset by peer"));
        CompletableFuture<IoStatus> r = read(d);
        assertThat(r.join()).isInstanceOf(IoStatus.NoPathAvailable.class);
        assertThat(((IoStatus.NoPathAvailable) r.join()).reason()).contains("no_path_retry fail");
    }

    @Test
    void queuedIoIsReleasedInOrderWhenAPathReturns() {
        ScriptedPath a = ScriptedPath.of("a");
        MultipathDevice d = device(multibus().withNoPathRetry(new NoPathRetry.Queue()), a);
        a.emit(new PathEvent.ConnectionLost("reset"));
        List<CompletableFuture<IoStatus>> ios = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ios.add(d.submit(new IoRequest.Read(i * 512L, ByteBuffer.allocate(512))));
        }
        assertThat(ios).noneMatch(CompletableFuture::isDone);
        assertThat(d.counters().queuedTotal()).isEqualTo(5);
        int before = a.submittedCount();

        a.emit(new PathEvent.ConnectionRestored());
        assertThat(ios).allSatisfy(f -> assertThat(f).isCompletedWithValue(IoStatus.OK));
        List<Long> offsets = a.history.subList(before, a.history.size()).stream().map(IoRequest::offset).toList();
        assertThat(offsets).containsExactly(0L, 512L, 1024L, 1536L, 2048L);
        assertThat(events).extracting(DeviceEvent::kind).contains(DeviceEvent.Kind.QUEUEING_STARTED, DeviceEvent.Kind.QUEUE_RELEASED);
    }

    @Test
    void queueRespectsItsMemoryCap() {
        ScriptedPath a = ScriptedPath.of("a");
        MultipathDevice d = device(multibus().withNoPathRetry(new NoPathRetry.Queue()).withQueueLimits(1024, 100), a);
        a.emit(new PathEvent.ConnectionLost("reset"));
        CompletableFuture<IoStatus> r1 = read(d);
        CompletableFuture<IoStatus> r2 = read(d);
        CompletableFuture<IoStatus> r3 = read(d);
        assertThat(r1).isNotDone();
        assertThat(r2).isNotDone();
        assertThat(r3.join()).isInstanceOf(IoStatus.NoPathAvailable.class);
        assertThat(((IoStatus.NoPathAvailable) r3.join()).reason()).contains("queue is full");
    }

    @Test
    void anInFlightIoThatLosesItsPathIsQueuedEvenWhenTheQueueIsFull() {
        // found by AllPathsDownIT (lab): in-flight writes were refused by the cap on their redrive
        ScriptedPath a = ScriptedPath.of("a");
        MultipathDevice d = device(multibus().withNoPathRetry(new NoPathRetry.Queue()).withQueueLimits(1024, 100), a);
        a.autoOk = false;
        CompletableFuture<IoStatus> inFlight = read(d);
        a.emit(new PathEvent.ConnectionLost("reset"));
        CompletableFuture<IoStatus> r1 = read(d);
        CompletableFuture<IoStatus> r2 = read(d);
        assertThat(read(d).join()).as("new I/O beyond the cap").isInstanceOf(IoStatus.NoPathAvailable.class);
        a.completeAll(new IoStatus.PathError("connection reset", false));
        assertThat(inFlight).as("queued beyond the cap, not refused").isNotDone();
        assertThat(r1).isNotDone();
        assertThat(r2).isNotDone();
    }

    @Test
    void queuedIoFailsAtItsDeadline() {
        ScriptedPath a = ScriptedPath.of("a");
        MultipathDevice d = device(multibus().withNoPathRetry(new NoPathRetry.Queue()).withIoDeadline(Duration.ofSeconds(2)), a);
        a.emit(new PathEvent.ConnectionLost("reset"));
        CompletableFuture<IoStatus> r1 = read(d);
        clock.advance(Duration.ofSeconds(1));
        CompletableFuture<IoStatus> r2 = read(d);
        clock.advance(Duration.ofMillis(1000));
        assertThat(r1.join()).isInstanceOf(IoStatus.DeadlineExceeded.class);
        assertThat(r2).isNotDone();
        clock.advance(Duration.ofMillis(1000));
        assertThat(r2.join()).isInstanceOf(IoStatus.DeadlineExceeded.class);
    }

    @Test
    void noPathRetryCountQueuesForThatManyPollingIntervals() {
        ScriptedPath a = ScriptedPath.of("a");
        MultipathDevice d = device(multibus().withNoPathRetry(new NoPathRetry.Retries(3)).withPollingInterval(Duration.ofSeconds(5)), a);
        a.emit(new PathEvent.ConnectionLost("reset"));
        CompletableFuture<IoStatus> r = read(d);
        clock.advance(Duration.ofSeconds(14));
        assertThat(r).isNotDone();
        clock.advance(Duration.ofSeconds(1));
        assertThat(r.join()).isInstanceOf(IoStatus.NoPathAvailable.class);
        assertThat(read(d).join()).as("budget spent: new I/O fails at once").isInstanceOf(IoStatus.NoPathAvailable.class);
        assertThat(d.topology().queueMode()).contains("exhausted");

        a.emit(new PathEvent.ConnectionRestored());
        assertThat(read(d)).isCompletedWithValue(IoStatus.OK);
        assertThat(d.topology().queueMode()).isEqualTo("queue_if_no_path for 3 checks");
    }

    @Test
    void disableQueueingFailsQueuedIoNow() {
        ScriptedPath a = ScriptedPath.of("a");
        MultipathDevice d = device(multibus().withNoPathRetry(new NoPathRetry.Queue()), a);
        a.emit(new PathEvent.ConnectionLost("reset"));
        CompletableFuture<IoStatus> r = read(d);
        d.disableQueueing().join();
        assertThat(r.join()).isInstanceOf(IoStatus.NoPathAvailable.class);
        assertThat(read(d).join()).isInstanceOf(IoStatus.NoPathAvailable.class);
        d.restoreQueueing().join();
        assertThat(read(d)).isNotDone();
    }

    @Test
    void transitioningPathQueuesEvenWithNoPathRetryFail() {
        ScriptedPath a = ScriptedPath.of("a");
        MultipathDevice d = device(multibus(), a);
        a.setAccess(AccessState.TRANSITIONING); // what its checker says too
        a.emit(new PathEvent.AccessStateChanged(AccessState.TRANSITIONING));
        CompletableFuture<IoStatus> r = read(d);
        assertThat(r).isNotDone();
        a.setAccess(AccessState.OPTIMIZED);
        a.emit(new PathEvent.AccessStateChanged(AccessState.OPTIMIZED));
        assertThat(r).isCompletedWithValue(IoStatus.OK);
    }

    @Test
    void aTransitionSeenOnOnePathChecksEveryPathOfTheUnit() {
        ScriptedPath a = ScriptedPath.of("a");
        ScriptedPath b = ScriptedPath.of("b");
        MultipathDevice d = device(multibus(), a, b);
        read(d).join();
        int aBefore = a.checks;
        int bBefore = b.checks;
        a.setAccess(AccessState.TRANSITIONING);
        a.emit(new PathEvent.AccessStateChanged(AccessState.TRANSITIONING));
        read(d).join();
        assertThat(a.checks).as("the path that reported it").isGreaterThan(aBefore);
        assertThat(b.checks).as("the other port group moves too").isGreaterThan(bBefore);
        int bAfter = b.checks;
        a.emit(new PathEvent.AccessStateChanged(AccessState.TRANSITIONING)); // no change: only a again
        read(d).join();
        assertThat(b.checks).isEqualTo(bAfter);
    }

    @Test
    void closeFailsQueuedIoAndClosesPaths() {
        ScriptedPath a = ScriptedPath.of("a");
        MultipathDevice d = device(multibus().withNoPathRetry(new NoPathRetry.Queue()), a);
        a.emit(new PathEvent.ConnectionLost("reset"));
        CompletableFuture<IoStatus> r = read(d);
        d.close();
        assertThat(r.join()).isInstanceOf(IoStatus.DeviceClosed.class);
        assertThat(a.closed).isTrue();
        assertThat(read(d).join()).isInstanceOf(IoStatus.DeviceClosed.class);
    }

    @Test
    void flushGoesToEveryPathHoldingUnflushedWrites() {
        ScriptedPath a = ScriptedPath.of("a");
        ScriptedPath b = ScriptedPath.of("b");
        ScriptedPath c = ScriptedPath.of("c");
        MultipathDevice d = device(multibus(), a, b, c);
        write(d).join();
        write(d).join(); // round-robin: one write on each of two paths
        assertThat(d.flush()).isCompletedWithValue(IoStatus.OK);
        long flushes = List.of(a, b, c).stream().flatMap(p -> p.history.stream())
                .filter(r -> r instanceof IoRequest.Flush).count();
        assertThat(flushes).as("one flush per path that acknowledged writes").isEqualTo(2);

        assertThat(d.flush()).isCompletedWithValue(IoStatus.OK);
        long after = List.of(a, b, c).stream().flatMap(p -> p.history.stream())
                .filter(r -> r instanceof IoRequest.Flush).count();
        assertThat(after).as("nothing unflushed: one ordinary flush").isEqualTo(3);
        assertThat(d.counters().submitted()).isEqualTo(d.counters().completedOk()).isEqualTo(4);
    }

    @Test
    void flushPartHittingAPathErrorIsRedriven() {
        ScriptedPath a = ScriptedPath.of("a");
        ScriptedPath b = ScriptedPath.of("b");
        MultipathDevice d = device(multibus(), a, b);
        write(d).join();
        write(d).join();
        a.autoOk = false;
        CompletableFuture<IoStatus> f = d.flush();
        assertThat(f).isNotDone();
        a.completeAll(new IoStatus.PathError("reset", false));
        assertThat(f).isCompletedWithValue(IoStatus.OK);
        assertThat(b.history.stream().filter(r -> r instanceof IoRequest.Flush).count()).isEqualTo(2);
    }

    @Test
    void requestsBeyondTheEndAreProgrammerErrors() {
        MultipathDevice d = device(multibus(), ScriptedPath.of("a"));
        assertThatThrownBy(() -> d.submit(new IoRequest.Read((1 << 20) - 256, ByteBuffer.allocate(512))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("beyond the end of mpatha");
    }

    @Test
    void pathOfAnotherUnitIsRejected() {
        MultipathDevice d = device(multibus(), ScriptedPath.of("a"));
        ScriptedPath stranger = new ScriptedPath("x", "36001405other", -1, AccessState.OPTIMIZED);
        assertThatThrownBy(() -> d.addPath(stranger).join()).hasMessageContaining("leads to 36001405other");
    }

    @Test
    void checkerFaultyFailsAndReadyReinstates() {
        ScriptedPath a = ScriptedPath.of("a");
        ScriptedPath b = ScriptedPath.of("b");
        MultipathDevice d = device(multibus(), a, b);
        a.checkResult = CheckResult.faulty("TEST UNIT READY timed out");
        d.checkNow().join();
        assertThat(d.topology().usablePathCount()).isEqualTo(1);
        assertThat(d.topology().paths().stream().filter(p -> p.name().equals("a")).findFirst().orElseThrow().failReason())
                .contains("TEST UNIT READY timed out");
        a.checkResult = CheckResult.ready(AccessState.OPTIMIZED);
        d.checkNow().join();
        assertThat(d.topology().usablePathCount()).isEqualTo(2);
    }

    @Test
    void adminFailHoldsAPathOutUntilReinstated() {
        ScriptedPath a = ScriptedPath.of("a");
        ScriptedPath b = ScriptedPath.of("b");
        MultipathDevice d = device(multibus(), a, b);
        d.failPath("a").join();
        d.checkNow().join();
        assertThat(d.topology().usablePathCount()).as("checker does not undo an admin fail").isEqualTo(1);
        for (int i = 0; i < 10; i++) {
            read(d).join();
        }
        assertThat(a.submittedCount()).isZero();
        d.reinstatePath("a").join();
        assertThat(d.topology().usablePathCount()).isEqualTo(2);
        assertThatThrownBy(() -> d.failPath("nope").join()).hasMessageContaining("has no path nope");
    }

    @Test
    void removePathRedrivesItsInFlightIo() {
        ScriptedPath a = ScriptedPath.of("a");
        ScriptedPath b = ScriptedPath.of("b");
        MultipathDevice d = device(multibus(), a, b);
        a.autoOk = false;
        List<CompletableFuture<IoStatus>> ios = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ios.add(read(d));
        }
        d.removePath("a").join();
        assertThat(a.closed).isTrue();
        assertThat(ios).allSatisfy(f -> assertThat(f).isCompletedWithValue(IoStatus.OK));
        assertThat(d.topology().paths()).extracting(PathView::name).containsExactly("b");
    }

    @Test
    void capacityChangeEventResizesTheDevice() {
        ScriptedPath a = ScriptedPath.of("a");
        MultipathDevice d = device(multibus(), a);
        a.emit(new PathEvent.CapacityChanged(2 << 20));
        assertThat(d.geometry().sizeBytes()).isEqualTo(2 << 20);
        assertThat(events).extracting(DeviceEvent::kind).contains(DeviceEvent.Kind.CAPACITY_CHANGED);
    }

    @Test
    void listingHasTheShapeOfMultipathLl() {
        ScriptedPath a = new ScriptedPath("a", "36001405deadbeef", 1, AccessState.OPTIMIZED);
        ScriptedPath b = new ScriptedPath("b", "36001405deadbeef", 2, AccessState.NON_OPTIMIZED);
        MultipathDevice d = device(DeviceConfig.defaults().withGrouping(GroupingPolicies.byKeyword("group_by_prio"))
                .withPrioritizer(Prioritizers.parse("alua", "")), a, b);
        String out = TopologyListing.format(d.topology(), "MPATH4J,SCRIPTED");
        assertThat(out).isEqualTo("""
                mpatha (36001405deadbeef) mpath4j MPATH4J,SCRIPTED
                size=1.0M features='0' hwhandler='1 alua' wp=rw
                |-+- policy='service-time 0' prio=50 status=active
                | `- a active undef running [active/optimized]
                `-+- policy='service-time 0' prio=10 status=enabled
                  `- b active undef running [active/non-optimized]
                """);
    }
}
