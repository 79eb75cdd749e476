package io.mpath4j.bench;

import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import io.mpath4j.core.device.DeviceConfig;
import io.mpath4j.core.device.Engine;
import io.mpath4j.core.device.MultipathDevice;
import io.mpath4j.core.group.GroupingPolicies;
import io.mpath4j.core.monitor.MonitorConfig;
import io.mpath4j.core.path.Path;
import io.mpath4j.core.select.PathSelectors;
import io.mpath4j.lab.proxy.FaultProxy;
import io.mpath4j.nbd.client.NbdClientOptions;
import io.mpath4j.nbd.client.NbdPaths;
import io.mpath4j.nbd.client.NbdUri;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What multipath is for beyond failover (issue 7's "one benchmark harness"): does a second
 * bandwidth-limited path double the throughput, and does a latency-aware selector keep one slow
 * path from dragging the device down? Real NBD paths to nbdkit, shaped one of two ways:
 *
 * <ul>
 *   <li>{@code --uri}: one nbdkit, each path through its own in-process {@link FaultProxy} whose
 *       token bucket and delay line shape it (no root needed);
 *   <li>{@code --path} (repeated): paths shaped outside this process, by the network (the netns test
 *       bed: {@code tc htb} per path). The slow path of scenario 2 is the first {@code --path}; its
 *       delay comes from the link ({@code --slow-on-link}, tc netem) or, when the kernel has no netem,
 *       from a {@link FaultProxy} put in front of it here.
 * </ul>
 *
 * <ol>
 *   <li>Rate: 64 KiB random reads, queue depth {@code --qd}: one path vs two (multibus,
 *       service-time). Goal ≥ 1.9×.
 *   <li>Slow path: three paths, one with {@code --slow-ms} added each way; 4 KiB random reads:
 *       {@code latency} selector vs {@code round-robin}. Goal ≥ 3×.
 * </ol>
 *
 * <p>Prints one Markdown row and one {@code RESULT} line (bench/lib.sh's format, read by
 * bench/compare.sh) per scenario. Run by bench/path-scaling.sh, which starts nbdkit (and the bed);
 * closed-loop workers, each run bounded by {@code --seconds}.
 */
@Command(name = "PathScalingBenchmark", mixinStandardHelpOptions = true)
public final class PathScalingBenchmark implements Runnable {

    @Option(names = "--uri", description = "nbd://127.0.0.1:PORT/ of an nbdkit that allows multi-conn; every path through a FaultProxy")
    String uri;

    @Option(names = "--path", description = "a path shaped by the network (repeat: 2 for --scenario rate, 3 for slow; the first is the slow one)")
    List<String> paths = new ArrayList<>();

    @Option(names = "--scenario", defaultValue = "all", description = "rate, slow or all")
    String scenario;

    @Option(names = "--seconds", defaultValue = "8")
    int seconds;

    @Option(names = "--rate", defaultValue = "40", description = "MiB/s per path and direction (scenario 1, --uri only)")
    int rateMib;

    @Option(names = "--rate-label", description = "how the --path paths are limited, for the report (e.g. 320mbit tc htb)")
    String rateLabel;

    @Option(names = "--slow-ms", defaultValue = "5", description = "added latency each way on the slow path (scenario 2)")
    int slowMs;

    @Option(names = "--slow-on-link", description = "the first --path is already delayed by the network (tc netem): add nothing here")
    boolean slowOnLink;

    @Option(names = "--qd", defaultValue = "16")
    int qd;

    public static void main(String[] args) {
        System.exit(new CommandLine(new PathScalingBenchmark()).execute(args));
    }

    @Override
    public void run() {
        if ((uri == null) == paths.isEmpty()) {
            throw new CommandLine.ParameterException(new CommandLine(this), "give either --uri or --path URI ...");
        }
        if (!List.of("rate", "slow", "all").contains(scenario)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--scenario is rate, slow or all, not '" + scenario + "'");
        }
        try {
            if (!scenario.equals("slow")) {
                rateScenario();
            }
            if (!scenario.equals("rate")) {
                slowPathScenario();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void rateScenario() throws Exception {
        long rate = rateMib * 1024L * 1024L;
        Shaper limit = uri != null ? (i, p) -> p.rate(rate) : null;
        String how = uri != null ? rateMib + " MiB/s (proxy)" : (rateLabel != null ? rateLabel : "shaped by the network");
        double one = measure(1, "service-time 0", 65536, limit);
        double two = measure(2, "service-time 0", 65536, limit);
        report("scaling-rate", "rate: 2 paths vs 1, each " + how + ", 64 KiB randread qd " + qd, "MiB/s", one, two, 1.9);
    }

    private void slowPathScenario() throws Exception {
        Duration slow = Duration.ofMillis(slowMs);
        // the first path is the slow one; with --slow-on-link the network delays it already
        Shaper delay = slowOnLink ? null : (i, p) -> {
            if (i == 0) {
                p.latency(slow, Duration.ZERO);
            }
        };
        String how = slowOnLink ? "tc netem" : "proxy";
        double rr = measure(3, "round-robin 0", 4096, delay);
        double lat = measure(3, "latency 0", 4096, delay);
        report("scaling-slowpath", "slow path: latency selector vs round-robin, 3 paths, one +" + slowMs + " ms each way ("
                + how + "), 4 KiB randread qd " + qd, "IOPS", rr, lat, 3.0);
    }

    /** Shapes path {@code index}'s proxy. */
    private interface Shaper {
        void shape(int index, FaultProxy proxy);
    }

    /**
     * Throughput of one device over {@code count} paths (MiB/s for 64 KiB, IOPS for 4 KiB). With a
     * shaper, every path goes through a FaultProxy the shaper configures; without, paths connect
     * directly.
     */
    private double measure(int count, String selector, int bs, Shaper shaper) throws Exception {
        List<FaultProxy> proxies = new ArrayList<>();
        List<NbdUri> uris = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                NbdUri target = NbdUri.parse(uri != null ? uri : pathUri(i, count));
                if (shaper == null) {
                    uris.add(target);
                    continue;
                }
                FaultProxy p = FaultProxy.start(new InetSocketAddress("127.0.0.1", 0),
                        new InetSocketAddress(target.host(), target.port()));
                shaper.shape(i, p);
                proxies.add(p);
                uris.add(NbdUri.parse("nbd://127.0.0.1:" + p.listenAddress().getPort() + "/" + target.export()));
            }
            NbdPaths.Result opened = NbdPaths.connect(uris, "3600pathscaling", NbdClientOptions.DEFAULT);
            if (opened.paths().size() != count) {
                throw new IllegalStateException("opened " + opened.paths().size() + " of " + count + " paths: " + opened.warnings());
            }
            DeviceConfig config = DeviceConfig.defaults().withGrouping(GroupingPolicies.byKeyword("multibus"))
                    .withSelector(() -> PathSelectors.parse(selector, 1, false));
            try (MultipathDevice device = new MultipathDevice("scaling", config, Engine.system(MonitorConfig.DEFAULT),
                    List.<Path>copyOf(opened.paths()))) {
                long blocks = device.geometry().sizeBytes() / bs;
                run(device, bs, blocks, 2);                       // warm-up: JIT, connections, selector estimates
                long ios = run(device, bs, blocks, seconds);
                return bs >= 65536 ? ios * (double) bs / (1 << 20) / seconds : ios / (double) seconds;
            }
        } finally {
            proxies.forEach(FaultProxy::close);
        }
    }

    private String pathUri(int index, int count) {
        if (paths.size() < count) {
            throw new IllegalArgumentException("this scenario needs " + count + " --path, got " + paths.size());
        }
        return paths.get(index);
    }

    private long run(MultipathDevice device, int bs, long blocks, int secs) throws InterruptedException {
        LongAdder done = new LongAdder();
        LongAdder errors = new LongAdder();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(secs);
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < qd; w++) {
            long seed = w;
            workers.add(Thread.ofVirtual().start(() -> {
                SplittableRandom rnd = new SplittableRandom(seed);
                ByteBuffer buf = ByteBuffer.allocateDirect(bs);
                while (System.nanoTime() < end) {                 // bounded by the run's end
                    buf.clear();
                    try {
                        IoStatus s = device.submit(new IoRequest.Read(rnd.nextLong(blocks) * bs, buf)).get(30, TimeUnit.SECONDS);
                        if (s instanceof IoStatus.Ok) {
                            done.increment();
                        } else {
                            errors.increment();
                        }
                    } catch (Exception e) {
                        errors.increment();
                    }
                }
            }));
        }
        for (Thread t : workers) {
            t.join();
        }
        if (errors.sum() > 0) {
            throw new IllegalStateException(errors.sum() + " I/O errors");
        }
        return done.sum();
    }

    private static void report(String name, String what, String unit, double before, double after, double goal) {
        double ratio = after / before;
        System.out.printf(Locale.ROOT, "| %s | %.0f %s | %.0f %s | **%.2f×** | ≥ %.1f× %s |%n", what, before, unit, after, unit,
                ratio, goal, ratio >= goal ? "met" : "missed");
        // RESULT<TAB>name<TAB>ours<TAB>peer<TAB>ratio<TAB>goal<TAB>unit<TAB>what — bench/lib.sh result()
        System.out.printf(Locale.ROOT, "RESULT\t%s\t%.1f\t%.1f\t%.3f\t%.1f\t%s\t%s%n", name, after, before, ratio, goal, unit, what);
    }
}
