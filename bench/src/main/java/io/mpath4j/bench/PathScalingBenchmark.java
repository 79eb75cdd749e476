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
 * path from dragging the device down? Real NBD paths to one nbdkit, each through its own
 * {@link FaultProxy} (the kernel here has no netem; the proxy's token bucket and delay line stand in
 * for {@code tc htb} and a long link).
 *
 * <ol>
 *   <li>Rate: every path limited to {@code --rate} MiB/s each way; 64 KiB random reads, queue
 *       depth 16: one path vs two (multibus, service-time). Goal ≥ 1.9×.
 *   <li>Slow path: three paths, one with {@code --slow-ms} added each way; 4 KiB random reads,
 *       queue depth 16: {@code latency} selector vs {@code round-robin}. Goal ≥ 3×.
 * </ol>
 *
 * <p>Run by bench/path-scaling.sh, which starts nbdkit; closed-loop workers, each run bounded by
 * {@code --seconds}.
 */
@Command(name = "PathScalingBenchmark", mixinStandardHelpOptions = true)
public final class PathScalingBenchmark implements Runnable {

    @Option(names = "--uri", required = true, description = "nbd://127.0.0.1:PORT/ of an nbdkit that allows multi-conn")
    String uri;

    @Option(names = "--seconds", defaultValue = "8")
    int seconds;

    @Option(names = "--rate", defaultValue = "40", description = "MiB/s per path and direction (scenario 1)")
    int rateMib;

    @Option(names = "--slow-ms", defaultValue = "5", description = "added latency each way on the slow path (scenario 2)")
    int slowMs;

    @Option(names = "--qd", defaultValue = "16")
    int qd;

    public static void main(String[] args) {
        System.exit(new CommandLine(new PathScalingBenchmark()).execute(args));
    }

    @Override
    public void run() {
        try {
            NbdUri target = NbdUri.parse(uri);
            long rate = rateMib * 1024L * 1024L;
            double one = measure(target, 1, "service-time 0", 65536, p -> p.rate(rate));
            double two = measure(target, 2, "service-time 0", 65536, p -> p.rate(rate));
            report("rate: 2 paths vs 1, each " + rateMib + " MiB/s, 64 KiB randread qd " + qd, "MiB/s", one, two, 1.9);
            Duration slow = Duration.ofMillis(slowMs);
            int[] n = {0};
            double rr = measure(target, 3, "round-robin 0", 4096, p -> { if (n[0]++ % 3 == 0) p.latency(slow, Duration.ZERO); });
            n[0] = 0;
            double lat = measure(target, 3, "latency 0", 4096, p -> { if (n[0]++ % 3 == 0) p.latency(slow, Duration.ZERO); });
            report("slow path: latency selector vs round-robin, 3 paths, one +" + slowMs + " ms each way, 4 KiB randread qd " + qd,
                    "IOPS", rr, lat, 3.0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private interface Shaper {
        void shape(FaultProxy proxy);
    }

    /** Throughput of one device over {@code paths} proxied paths: MiB/s for 64 KiB, IOPS for 4 KiB. */
    private double measure(NbdUri target, int paths, String selector, int bs, Shaper shaper) throws Exception {
        List<FaultProxy> proxies = new ArrayList<>();
        List<NbdUri> uris = new ArrayList<>();
        try {
            for (int i = 0; i < paths; i++) {
                FaultProxy p = FaultProxy.start(new InetSocketAddress("127.0.0.1", 0),
                        new InetSocketAddress(target.host(), target.port()));
                shaper.shape(p);
                proxies.add(p);
                uris.add(NbdUri.parse("nbd://127.0.0.1:" + p.listenAddress().getPort() + "/" + target.export()));
            }
            NbdPaths.Result opened = NbdPaths.connect(uris, "3600pathscaling", NbdClientOptions.DEFAULT);
            if (opened.paths().size() != paths) {
                throw new IllegalStateException("opened " + opened.paths().size() + " of " + paths + " paths: " + opened.warnings());
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

    private static void report(String what, String unit, double before, double after, double goal) {
        double ratio = after / before;
        System.out.printf(Locale.ROOT, "| %s | %.0f %s | %.0f %s | **%.2f×** | ≥ %.1f× %s |%n", what, before, unit, after, unit,
                ratio, goal, ratio >= goal ? "met" : "missed");
    }
}
