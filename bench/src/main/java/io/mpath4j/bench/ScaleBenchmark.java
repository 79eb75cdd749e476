package io.mpath4j.bench;


import io.mpath4j.core.device.Engine;
import io.mpath4j.core.monitor.MonitorConfig;
import io.mpath4j.core.sim.SimulatedPath;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Scale harness (a plain main, not JMH: it measures one-off assembly and a latency distribution).
 *
 * <ol>
 *   <li>Assembly: 2,500 devices × 4 {@link SimulatedPath}s (group_by_prio + alua, two
 *       active/optimized paths in port group 1, two active/non-optimized in group 2) on the
 *       production engine: wall clock, common pool, a path monitor polling every 5 s that really
 *       checks. Goal: all devices assembled in ≤ 1 s.
 *   <li>Storm: 10,000 random path state changes (connection down/up, ALUA access changes with
 *       notification) from 2 threads as fast as they go, while a reader thread formats random
 *       devices' topology as {@code show topology} will and times each read. Goal: read p99 ≤ 1 ms.
 *   <li>Settling: how long after the last event until every device's topology reflects its paths'
 *       final states ({@link SettleCheck}), polled, bounded by 60 s.
 * </ol>
 *
 * <p>Exits 1 when something is inconsistent: a device that never settles, a snapshot whose active
 * group disagrees with its routes, an exception on a device executor. Goals are printed, not
 * enforced: a slow run on a loaded machine is a number to explain, not a failure.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar io.mpath4j.bench.ScaleBenchmark [--devices=N]
 * [--events=N] [--storm-threads=N] [--seed=N] [--quiet-ms=N] [--settle-timeout-s=N] [--log-events]}.
 */
public final class ScaleBenchmark {

    /** Held so the level set on it survives: JUL keeps loggers only weakly. */
    private static final Logger DEVICE_LOG = Logger.getLogger("io.mpath4j.device");
    private static final long MAX_READS = 2_000_000_000L;
    private static final long SETTLE_POLL_MILLIS = 10;

    private final Options options;
    private final List<String> failures = new ArrayList<>();
    private final AtomicLong uncaught = new AtomicLong();
    /** What the last poll before settling still found wrong: tells what took longest. */
    private List<String> stragglers = List.of();
    /** The settling time is only as precise as one poll of all devices (plus the 10 ms pause). */
    private long longestPollNanos;

    private ScaleBenchmark(Options options) {
        this.options = options;
    }

    public static void main(String[] args) throws InterruptedException {
        Options options = Options.parse(args);
        if (!options.logEvents) {
            // Every state change is logged at INFO on the device executor; 10,000 events print tens
            // of thousands of lines to the console, which would time the terminal, not the engine.
            DEVICE_LOG.setLevel(Level.WARNING);
        }
        int status = new ScaleBenchmark(options).run();
        System.exit(status);
    }

    private int run() throws InterruptedException {
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            uncaught.incrementAndGet();
            System.err.println("uncaught exception on " + t.getName() + ": " + e);
            e.printStackTrace();
        });
        Results r = new Results();
        Engine engine = Engine.system(MonitorConfig.DEFAULT);

        long t0 = System.nanoTime();
        SimulatedPath[][] paths = ScaleFleet.createPaths(options.devices, engine, options.seed);
        long t1 = System.nanoTime();
        ScaleFleet fleet = ScaleFleet.assemble(paths, engine);
        long t2 = System.nanoTime();
        fleet.awaitStarted();
        long t3 = System.nanoTime();
        r.pathCreationNanos = t1 - t0;
        r.assemblyNanos = t2 - t1;
        r.startedNanos = t3 - t1;
        expectSettled(fleet, "right after assembly");

        Histogram quiet = TopologyReader.newHistogram();
        Histogram storm = TopologyReader.newHistogram();
        Histogram settling = TopologyReader.newHistogram();
        TopologyReader reader = new TopologyReader(fleet.devices, options.seed, MAX_READS, quiet);
        reader.start();
        Histogram mQuiet = TopologyReader.newHistogram();
        Histogram mStorm = TopologyReader.newHistogram();
        Histogram mSettling = TopologyReader.newHistogram();
        ManagementSocket management = options.managementReads ? ManagementSocket.start(fleet.devices) : null;
        ManagementReader mReader = management == null ? null
                : new ManagementReader(management.path(), fleet.devices, options.seed, MAX_READS, mQuiet);
        if (mReader != null) {
            mReader.start();
        }
        // Quiet phase: the reader warms up (JIT) and shows the baseline while first checks run.
        Thread.sleep(options.quietMillis);

        long gcBefore = gcMillis();
        EventStorm events = new EventStorm(paths, options.stormThreads, options.events, options.seed);
        reader.switchTo(storm);
        if (mReader != null) {
            mReader.switchTo(mStorm);
        }
        long s0 = System.nanoTime();
        events.run();
        long s1 = System.nanoTime();
        reader.switchTo(settling);
        if (mReader != null) {
            mReader.switchTo(mSettling);
        }
        r.stormIssueNanos = s1 - s0;
        r.firstPollMismatches = devicesWithMismatches(fleet).size();
        r.settleNanos = awaitSettled(fleet, s1);
        r.longestPollNanos = longestPollNanos;
        reader.stop();
        if (mReader != null) {
            mReader.stop();
            management.close();
            if (mReader.errors.get() > 0) {
                failures.add(mReader.errors.get() + " management requests failed; first: " + mReader.firstError);
            }
        }
        r.gcMillis = gcMillis() - gcBefore;

        if (r.settleNanos < 0) {
            List<String> left = devicesWithMismatches(fleet);
            failures.add(left.size() + " devices not settled after " + options.settleTimeoutSeconds + " s; first: "
                    + String.join("\n    ", left.subList(0, Math.min(10, left.size()))));
        }
        if (reader.torn.get() > 0) {
            failures.add(reader.torn.get() + " snapshots had an active group that disagrees with their routes");
        }
        if (uncaught.get() > 0) {
            failures.add(uncaught.get() + " uncaught exceptions (see stderr)");
        }
        new ResultTable(options, r, events, reader, quiet, storm, settling).print(System.out);
        if (mReader != null) {
            ResultTable.printManagement(System.out, mReader.reads.get(), mQuiet, mStorm, mSettling);
        }
        if (!stragglers.isEmpty()) {
            System.out.println("last to settle (" + stragglers.size() + " devices at the last poll before settling), e.g.:");
            stragglers.stream().limit(5).forEach(line -> System.out.println("    " + line));
        }
        fleet.close();
        for (String f : failures) {
            System.out.println("INCONSISTENT: " + f);
        }
        return failures.isEmpty() ? 0 : 1;
    }

    private void expectSettled(ScaleFleet fleet, String when) {
        List<String> wrong = devicesWithMismatches(fleet);
        if (!wrong.isEmpty()) {
            failures.add(wrong.size() + " devices wrong " + when + "; first: " + wrong.getFirst());
        }
    }

    /** Polls until every device reflects its paths; returns nanoseconds since {@code from}, or -1 on timeout. */
    private long awaitSettled(ScaleFleet fleet, long from) throws InterruptedException {
        long deadline = from + TimeUnit.SECONDS.toNanos(options.settleTimeoutSeconds);
        while (true) { // bounded by the deadline
            long p0 = System.nanoTime();
            List<String> wrong = devicesWithMismatches(fleet);
            longestPollNanos = Math.max(longestPollNanos, System.nanoTime() - p0);
            if (wrong.isEmpty()) {
                return System.nanoTime() - from;
            }
            stragglers = wrong;
            if (System.nanoTime() > deadline) {
                return -1;
            }
            Thread.sleep(SETTLE_POLL_MILLIS);
        }
    }

    /** One line per device whose topology does not (yet) match its paths. */
    private static List<String> devicesWithMismatches(ScaleFleet fleet) {
        List<String> out = new ArrayList<>();
        for (int d = 0; d < fleet.devices.length; d++) {
            List<String> wrong = SettleCheck.mismatches(fleet.devices[d].topology(), fleet.paths[d]);
            if (!wrong.isEmpty()) {
                out.add(fleet.devices[d].name() + ": " + String.join("; ", wrong));
            }
        }
        return out;
    }

    private static long gcMillis() {
        long sum = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, gc.getCollectionTime());
        }
        return sum;
    }

    /** Measured durations, in nanoseconds unless named otherwise. */
    static final class Results {
        long pathCreationNanos;
        long assemblyNanos;
        long startedNanos;
        long stormIssueNanos;
        int firstPollMismatches;
        long settleNanos;
        long longestPollNanos;
        long gcMillis;
    }

    /** Command line (picocli); the defaults are the documented run. */
    @Command(name = "ScaleBenchmark", mixinStandardHelpOptions = true,
            description = "2,500 devices x 4 simulated paths: assembly, an event storm, show-topology reads, settling.")
    static final class Options {
        @Option(names = "--devices", defaultValue = "2500", description = "Devices (4 paths each).")
        int devices;
        @Option(names = "--events", defaultValue = "10000", description = "Path state events in the storm.")
        int events;
        @Option(names = "--storm-threads", defaultValue = "2", description = "Threads issuing the storm.")
        int stormThreads;
        @Option(names = "--seed", defaultValue = "42", description = "Seed of the storm and the paths.")
        long seed;
        @Option(names = "--quiet-ms", defaultValue = "2000", description = "Quiet phase before the storm.")
        long quietMillis;
        @Option(names = "--settle-timeout-s", defaultValue = "60", description = "Longest wait for every device to settle.")
        long settleTimeoutSeconds;
        @Option(names = "--management-reads",
                description = "Also time `show topology map M` round trips over a real management socket during the run.")
        boolean managementReads;
        @Option(names = "--log-events", description = "Keep the devices' INFO event logs.")
        boolean logEvents;

        static Options parse(String[] args) {
            Options o = new Options();
            CommandLine cli = new CommandLine(o);
            cli.parseArgs(args);
            if (cli.isUsageHelpRequested()) {
                cli.usage(System.out);
                System.exit(0);
            }
            if (o.devices < 1 || o.events < 0 || o.stormThreads < 1 || o.settleTimeoutSeconds < 1 || o.quietMillis < 0) {
                throw new IllegalArgumentException("counts and times must be positive");
            }
            return o;
        }
    }
}
