package io.mpath4j.core.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.core.group.GroupingPolicies;
import io.mpath4j.core.monitor.MonitorConfig;
import io.mpath4j.core.monitor.PathMonitor;
import io.mpath4j.core.path.PathIdentity;
import io.mpath4j.core.select.PathSelectors;
import io.mpath4j.core.sim.SimulatedMedium;
import io.mpath4j.core.sim.SimulatedPath;
import io.mpath4j.core.time.SystemTimeSource;
import io.mpath4j.core.time.TimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The path selector is swapped every few milliseconds, through all five, while 8 threads run the
 * verified workload on 4 healthy paths of different speeds. No path fails, so nothing is
 * redriven: every I/O must reach exactly one path once (the paths' submitted counts add up to the
 * device's), complete OK with the right data, and leave no in-flight count behind in the
 * per-path statistics the selectors share. Bounded: 1 s of I/O, at most 400 swaps.
 */
class LiveSelectorChangeTest {

    static final List<String> SPECS = List.of(
            "round-robin 0", "queue-length 0", "service-time 0", "historical-service-time 0", "latency 0");
    static final Duration RUN = Duration.ofSeconds(1);
    static final Duration STUCK = Duration.ofSeconds(5);

    final long seed = BlockWorkload.seed();
    final Random random = new Random(seed);
    final TimeSource time = SystemTimeSource.instance();
    final Engine engine = new Engine(time, ForkJoinPool.commonPool(), new PathMonitor(time,
            new MonitorConfig(Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofMillis(200))));
    final SimulatedMedium medium = new SimulatedMedium(1 << 20, BlockWorkload.BLOCK);
    final List<SimulatedPath> paths = new ArrayList<>();
    final AtomicInteger selectorEvents = new AtomicInteger();
    MultipathDevice device;

    @AfterEach
    void close() {
        if (device != null) {
            device.close();
        }
    }

    @Test
    void swappingSelectorsUnderLoadLosesAndDuplicatesNothing() throws Exception {
        System.out.println("LiveSelectorChangeTest seed=" + seed + " (replay with -Dmpath4j.seed=" + seed + ")");
        long[] latencyMicros = {20, 50, 100, 200};
        for (int i = 0; i < latencyMicros.length; i++) {
            SimulatedPath p = new SimulatedPath(PathIdentity.of("sim:s" + i, "36001405se1ect0r000000000000001"),
                    medium, time, random.nextLong());
            p.setLatency(Duration.ofNanos(latencyMicros[i] * 1000));
            p.setJitter(Duration.ofNanos(latencyMicros[i] * 500));
            paths.add(p);
        }
        DeviceConfig config = DeviceConfig.defaults()
                .withGrouping(GroupingPolicies.byKeyword("multibus"))
                .withSelector(() -> PathSelectors.parse(SPECS.getFirst(), 1, false))
                .withNoPathRetry(new NoPathRetry.Queue())
                .withIoDeadline(Duration.ofSeconds(10))
                .withFlapDamping(FlapDamping.DISABLED);
        device = new MultipathDevice("mpaths", config, engine, paths);
        device.addListener(e -> {
            if (e.kind() == DeviceEvent.Kind.SELECTOR_CHANGED) {
                selectorEvents.incrementAndGet();
            }
        });

        BlockWorkload load = new BlockWorkload(device, 8, 16, 4, 50, seed, STUCK);
        long stopAt = System.nanoTime() + RUN.toNanos();
        List<Thread> workers = load.start(100_000, stopAt);

        // The swapper: next selector every 1-4 ms, in rotation from a random start, each swap applied
        // before the next (the future completes once the new snapshot is published).
        int next = random.nextInt(SPECS.size());
        int swaps = 0;
        String last = SPECS.getFirst();
        while (swaps < 400 && workers.stream().anyMatch(Thread::isAlive) && System.nanoTime() < stopAt) {
            String spec = SPECS.get(next);
            device.setSelector(() -> PathSelectors.parse(spec, 1, false)).get(5, TimeUnit.SECONDS);
            last = spec;
            swaps++;
            next = (next + 1) % SPECS.size();
            Thread.sleep(Duration.ofNanos(1_000_000 + random.nextInt(3_000_000)));
        }

        List<String> alive = BlockWorkload.join(workers, RUN.plus(STUCK).plusSeconds(5));
        String context = load.summary() + " swaps=" + swaps + " last='" + last + "'";
        System.out.println("LiveSelectorChangeTest: " + context + " per path " + paths.stream()
                .map(p -> p.identity().name() + "=" + p.submittedCount()).toList());

        assertThat(alive).as("workers still running after the bounded wait; " + context).isEmpty();
        assertThat(load.stillStuck(STUCK)).as("I/O submitted and never completed (lost); " + context).isZero();
        assertThat(BlockWorkload.firstFew(load.failures)).as("I/O failures; " + context).isEmpty();
        assertThat(BlockWorkload.firstFew(load.mismatches)).as("verify mismatches; " + context).isEmpty();
        load.verifyFinalContent();
        assertThat(load.stillStuck(STUCK)).as("final reads never completed; " + context).isZero();
        assertThat(BlockWorkload.firstFew(load.failures)).as("final read failures; " + context).isEmpty();
        assertThat(BlockWorkload.firstFew(load.mismatches)).as("final content; " + context).isEmpty();

        DeviceCounters c = device.counters();
        assertThat(c.redrives() + c.retries()).as("no path failed, so nothing may be sent twice; " + context).isZero();
        assertThat(c.submitted()).as(context).isEqualTo(load.submitted.get());
        assertThat(c.completedOk()).as("completed OK vs. submitted; " + context).isEqualTo(c.submitted());
        assertThat(c.completedFailed()).as(context).isZero();
        long sentToPaths = paths.stream().mapToLong(SimulatedPath::submittedCount).sum();
        assertThat(sentToPaths).as("requests the paths received vs. the device's (lost or duplicated by a swap?); " + context)
                .isEqualTo(c.submitted());
        for (SimulatedPath p : paths) {
            assertThat(p.completedCount()).as(p + "; " + context).isEqualTo(p.submittedCount());
            assertThat(p.submittedCount()).as(p + " never chosen; " + context).isPositive();
        }
        Topology t = device.topology();
        assertThat(t.routeSlots).hasSize(paths.size());
        long statsCompleted = 0;
        for (PathSlot s : t.routeSlots) {
            assertThat(s.stats.inFlight()).as(s.name() + " in-flight count left by a swap; " + context).isZero();
            assertThat(s.stats.inFlightBytes()).as(s.name() + " in-flight bytes; " + context).isZero();
            statsCompleted += s.stats.completed();
        }
        assertThat(statsCompleted).as("per-path statistics vs. submitted; " + context).isEqualTo(c.submitted());

        assertThat(swaps).as("swaps done while I/O ran; " + context).isGreaterThanOrEqualTo(2 * SPECS.size());
        assertThat(selectorEvents.get()).as(context).isEqualTo(swaps);
        assertThat(t.selectorDescription()).isEqualTo(PathSelectors.parse(last, 1, false).describe());
    }
}
