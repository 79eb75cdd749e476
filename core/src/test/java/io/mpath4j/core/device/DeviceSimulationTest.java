package io.mpath4j.core.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import io.mpath4j.core.group.GroupingPolicies;
import io.mpath4j.core.group.Prioritizers;
import io.mpath4j.core.monitor.MonitorConfig;
import io.mpath4j.core.monitor.PathMonitor;
import io.mpath4j.core.path.AccessState;
import io.mpath4j.core.path.PathIdentity;
import io.mpath4j.core.select.PathSelectors;
import io.mpath4j.core.sim.FailureMode;
import io.mpath4j.core.sim.SimulatedMedium;
import io.mpath4j.core.sim.SimulatedPath;
import io.mpath4j.core.time.ManualTimeSource;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Seeded simulation of one device under random path failures, returns, access-state changes,
 * hangs (writes that may still execute), slow completions and administrator actions, on a manual
 * clock, so every run is a deterministic replay of its seed. Invariants are checked after every
 * step; a failure names the seed, and {@code -Dmpath4j.seed=N} replays it.
 *
 * <p>Checked: every I/O completes exactly once and successfully (no_path_retry queue: no error is
 * allowed even while all paths are down); every read returns the last acknowledged write; the
 * snapshot is consistent (the route holds only usable paths of the active group, an active group
 * exists whenever a path is usable, every path is in exactly one group); after the run, with all
 * paths back, nothing stays queued, the medium matches the model, and no ghost write is left that
 * could still land (every write that may have executed on a failed path was fenced).
 */
class DeviceSimulationTest {

    private static final int BLOCK = 4096;
    private static final int BLOCKS = 64;
    private static final int RUNS = 40;
    private static final int STEPS = 400;
    private static final List<String> SELECTORS = List.of("round-robin 0", "queue-length 0", "service-time 0",
            "historical-service-time 0", "latency 0");
    private static final List<String> GROUPINGS = List.of("failover", "multibus", "group_by_prio", "group_by_tpg");
    private static final AccessState[] ACCESS = AccessState.values();

    @Test
    void randomFaultScriptsKeepEveryInvariant() {
        String prop = System.getProperty("mpath4j.seed", "");
        long master = prop.isBlank() ? System.nanoTime() : Long.parseLong(prop.trim());
        System.out.println("DeviceSimulationTest master seed " + master + " (replay: -Dmpath4j.seed=" + master + ")");
        Random seeds = new Random(master);
        long[] totals = new long[5];
        for (int run = 0; run < RUNS; run++) {
            long seed = seeds.nextLong();
            try {
                Run r = new Run(seed);
                r.execute();
                DeviceCounters c = r.device.counters();
                totals[0] += c.completedOk();
                totals[1] += c.redrives();
                totals[2] += c.failovers();
                totals[3] += c.queuedTotal();
                totals[4] += r.paths.stream().mapToLong(SimulatedPath::ghostWritesDiscarded).sum();
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("simulation run " + run + " failed; master seed " + master
                        + " (replay with -Dmpath4j.seed=" + master + "), run seed " + seed + ": " + e.getMessage(), e);
            }
        }
        System.out.printf("DeviceSimulationTest: %d runs, %d I/Os ok, %d redrives, %d failovers, %d queued, %d ghost writes fenced%n",
                RUNS, totals[0], totals[1], totals[2], totals[3], totals[4]);
        // The script must actually exercise the engine, or the invariants prove nothing.
        assertThat(totals[1]).as("redrives happened").isPositive();
        assertThat(totals[2]).as("failovers happened").isPositive();
        assertThat(totals[3]).as("queueing happened").isPositive();
        assertThat(totals[4]).as("ghost writes were fenced").isPositive();
    }

    /** One device, one random script. */
    private static final class Run {
        final long seed;
        final Random rnd;
        final ManualTimeSource clock = new ManualTimeSource();
        final SimulatedMedium medium = new SimulatedMedium((long) BLOCK * BLOCKS, 512);
        final List<SimulatedPath> paths = new ArrayList<>();
        final MultipathDevice device;
        /** Last acknowledged generation per block; 0 = never written (zeroes). */
        final long[] model = new long[BLOCKS];
        final Op[] inFlight = new Op[BLOCKS];
        final Set<String> adminFailed = new HashSet<>();
        final List<String> log = new ArrayList<>();
        long generations;

        record Op(boolean write, long generation, ByteBuffer buffer, CompletableFuture<IoStatus> future) {}

        Run(long seed) {
            this.seed = seed;
            this.rnd = new Random(seed);
            int n = 2 + rnd.nextInt(3);
            for (int i = 0; i < n; i++) {
                int tpg = 1 + i % 2;
                PathIdentity id = new PathIdentity("p" + i, "3600sim", "MPATH4J", "SIM", "1", "s", tpg, "node" + tpg);
                SimulatedPath p = new SimulatedPath(id, medium, clock, rnd.nextLong());
                p.setLatency(Duration.ofNanos(1000L * rnd.nextInt(2000)));
                p.setJitter(Duration.ofNanos(1000L * rnd.nextInt(3000)));
                p.setAccessState(tpg == 1 ? AccessState.OPTIMIZED : AccessState.NON_OPTIMIZED, false);
                paths.add(p);
            }
            FailbackPolicy failback = switch (rnd.nextInt(4)) {
                case 0 -> new FailbackPolicy.Immediate();
                case 1 -> new FailbackPolicy.Manual();
                case 2 -> new FailbackPolicy.Followover();
                default -> new FailbackPolicy.Deferred(Duration.ofSeconds(1 + rnd.nextInt(3)));
            };
            String selector = SELECTORS.get(rnd.nextInt(SELECTORS.size()));
            DeviceConfig config = DeviceConfig.defaults()
                    .withGrouping(GroupingPolicies.byKeyword(GROUPINGS.get(rnd.nextInt(GROUPINGS.size()))))
                    .withPrioritizer(Prioritizers.parse(rnd.nextBoolean() ? "alua" : "const", ""))
                    .withSelector(() -> PathSelectors.parse(selector, 1 + rnd.nextInt(3), rnd.nextBoolean()))
                    .withFailback(failback)
                    .withNoPathRetry(new NoPathRetry.Queue())
                    .withPollingInterval(Duration.ofSeconds(1))
                    .withFlapDamping(rnd.nextBoolean() ? FlapDamping.DISABLED
                            : new FlapDamping(3, Duration.ofSeconds(10), Duration.ofMillis(500), Duration.ofSeconds(4)));
            PathMonitor monitor = new PathMonitor(clock, new MonitorConfig(Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofMillis(500)));
            device = new MultipathDevice("sim", config, new Engine(clock, Runnable::run, monitor), paths);
            log.add("paths=" + n + " config=" + config.grouping().keyword() + "/" + config.prioritizer().describe()
                    + "/" + selector + "/failback " + failback);
        }

        void execute() {
            clock.runDue();
            for (int step = 0; step < STEPS; step++) {
                act(step);
                checkInvariants(step);
            }
            settle();
        }

        void act(int step) {
            int r = rnd.nextInt(100);
            SimulatedPath p = paths.get(rnd.nextInt(paths.size()));
            if (r < 30) {
                submit(rnd.nextInt(BLOCKS), true);
            } else if (r < 50) {
                submit(rnd.nextInt(BLOCKS), false);
            } else if (r < 70) {
                long micros = rnd.nextInt(10) == 0 ? rnd.nextInt(3_000_000) : rnd.nextInt(20_000);
                note(step, "advance " + micros + " us");
                clock.advance(Duration.ofNanos(1000L * micros));
            } else if (r < 76) {
                note(step, "down " + p.identity().name());
                p.setDown("simulated reset");
            } else if (r < 84) {
                note(step, "up " + p.identity().name());
                p.setUp();
            } else if (r < 89) {
                AccessState a = ACCESS[rnd.nextInt(ACCESS.length)];
                note(step, "access " + p.identity().name() + " " + a);
                p.setAccessState(a, true);
            } else if (r < 92) {
                note(step, "hang " + p.identity().name());
                p.setFailureMode(FailureMode.HANG);
            } else if (r < 95) {
                note(step, "unhang " + p.identity().name());
                p.setFailureMode(rnd.nextInt(4) == 0 ? FailureMode.failEveryNth(3) : FailureMode.NONE);
            } else if (r < 97) {
                String name = p.identity().name();
                if (adminFailed.remove(name)) {
                    note(step, "admin reinstate " + name);
                    device.reinstatePath(name).join();
                } else {
                    note(step, "admin fail " + name);
                    adminFailed.add(name);
                    device.failPath(name).join();
                }
            } else if (r < 98) {
                int g = 1 + rnd.nextInt(Math.max(1, device.topology().groups().size()));
                note(step, "switchgroup " + g);
                device.switchGroup(g).exceptionally(e -> null).join(); // refused when the group is unusable: fine
            } else if (r < 99) {
                String s = SELECTORS.get(rnd.nextInt(SELECTORS.size()));
                note(step, "selector " + s);
                device.setSelector(() -> PathSelectors.parse(s, 1, false)).join();
            } else {
                // A target that executes a write it never acknowledged, late. Only writes nobody
                // fenced can still land; the engine fences before it redrives.
                note(step, "apply ghosts " + p.identity().name());
                p.applyGhostWrites();
            }
            collect();
        }

        void note(int step, String what) {
            log.add(step + ": " + what);
            if (log.size() > 40) {
                log.removeFirst();
            }
        }

        void submit(int block, boolean write) {
            if (inFlight[block] != null) {
                return; // one operation per block at a time keeps the model exact
            }
            ByteBuffer buf = ByteBuffer.allocate(BLOCK);
            long gen = 0;
            CompletableFuture<IoStatus> f;
            if (write) {
                gen = ++generations;
                fill(buf, block, gen);
                f = device.submit(new IoRequest.Write((long) block * BLOCK, buf, rnd.nextInt(8) == 0));
            } else {
                f = device.submit(new IoRequest.Read((long) block * BLOCK, buf));
            }
            inFlight[block] = new Op(write, gen, buf, f);
        }

        /** Takes in completed operations and checks each against the model. */
        void collect() {
            for (int b = 0; b < BLOCKS; b++) {
                Op op = inFlight[b];
                if (op == null || !op.future().isDone()) {
                    continue;
                }
                inFlight[b] = null;
                IoStatus s = op.future().join();
                assertThat(s).as(context("I/O on block " + b + " failed")).isEqualTo(IoStatus.OK);
                if (op.write()) {
                    model[b] = op.generation();
                } else {
                    assertThat(generationIn(op.buffer(), b)).as(context("read of block " + b + " returned stale or foreign data"))
                            .isEqualTo(model[b]);
                }
            }
        }

        void checkInvariants(int step) {
            Topology t = device.topology();
            List<String> all = t.paths().stream().map(PathView::name).sorted().toList();
            assertThat(all).as(context("every path in exactly one group")).containsExactlyElementsOf(
                    paths.stream().map(p -> p.identity().name()).sorted().toList());
            long active = t.groups().stream().filter(g -> g.status() == GroupView.Status.ACTIVE).count();
            assertThat(active).as(context("at most one active group")).isLessThanOrEqualTo(1);
            boolean anyUsable = t.paths().stream().anyMatch(PathView::usable);
            assertThat(t.activeGroup() >= 0).as(context("an active group exists iff a path is usable")).isEqualTo(anyUsable);
            if (t.activeGroup() >= 0) {
                GroupView g = t.groups().get(t.activeGroup());
                assertThat(g.status()).isEqualTo(GroupView.Status.ACTIVE);
                List<String> route = Arrays.stream(t.routeSlots).map(PathSlot::name).toList();
                assertThat(route).as(context("route = usable paths of the active group"))
                        .containsExactlyInAnyOrderElementsOf(g.paths().stream().filter(PathView::usable).map(PathView::name).toList());
            } else {
                assertThat(t.routeSlots).isEmpty();
            }
            for (PathView v : t.paths()) {
                if (adminFailed.contains(v.name())) {
                    assertThat(v.failed()).as(context("admin-failed path " + v.name() + " stays failed")).isTrue();
                }
            }
            long outstanding = Arrays.stream(inFlight).filter(o -> o != null).count();
            DeviceCounters c = device.counters();
            assertThat(c.completedOk() + c.completedFailed() + outstanding).as(context("each I/O completes exactly once"))
                    .isEqualTo(c.submitted());
        }

        /** Brings every path back, lets time run, then checks nothing is stuck and the medium is right. */
        void settle() {
            for (SimulatedPath p : paths) {
                p.setFailureMode(FailureMode.NONE);
                p.setUp();
                p.setAccessState(AccessState.OPTIMIZED, true);
            }
            for (String name : List.copyOf(adminFailed)) {
                device.reinstatePath(name).join();
            }
            adminFailed.clear();
            for (int i = 0; i < 300 && Arrays.stream(inFlight).anyMatch(o -> o != null); i++) {
                clock.advance(Duration.ofMillis(100));
                collect();
            }
            assertThat(Arrays.stream(inFlight).filter(o -> o != null).count())
                    .as(context("I/O still outstanding 30 s after every path came back")).isZero();
            checkInvariants(STEPS);
            // Any ghost that still exists would be a write nobody fenced: let them all land now.
            for (SimulatedPath p : paths) {
                p.applyGhostWrites();
            }
            for (int b = 0; b < BLOCKS; b++) {
                ByteBuffer buf = ByteBuffer.allocate(BLOCK);
                CompletableFuture<IoStatus> f = device.submit(new IoRequest.Read((long) b * BLOCK, buf));
                for (int i = 0; i < 100 && !f.isDone(); i++) {
                    clock.advance(Duration.ofMillis(100));
                }
                assertThat(f).as(context("final read of block " + b)).isCompletedWithValue(IoStatus.OK);
                assertThat(generationIn(buf, b)).as(context("final content of block " + b + " (a ghost write landed?)"))
                        .isEqualTo(model[b]);
            }
            device.close();
        }

        String context(String what) {
            return what + " [run seed " + seed + "]\n  last steps: " + String.join("\n    ", log)
                    + "\n" + TopologyListing.format(device.topology(), "SIM");
        }

        static void fill(ByteBuffer buf, int block, long gen) {
            for (int i = 0; i < BLOCK; i += 16) {
                buf.putLong(i, block);
                buf.putLong(i + 8, gen);
            }
        }

        /** The generation the block's content encodes, after checking it is one consistent write. */
        static long generationIn(ByteBuffer buf, int block) {
            long gen = buf.getLong(8);
            for (int i = 0; i < BLOCK; i += 16) {
                long b = buf.getLong(i);
                long g = buf.getLong(i + 8);
                if (gen == 0 && b == 0 && g == 0) {
                    continue;
                }
                if (b != block || g != gen) {
                    return -1; // torn or foreign data
                }
            }
            return gen;
        }
    }
}
