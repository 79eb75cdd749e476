package io.mpath4j.bench;

import io.mpath4j.core.Geometry;
import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import io.mpath4j.core.device.DeviceConfig;
import io.mpath4j.core.device.Engine;
import io.mpath4j.core.device.MultipathDevice;
import io.mpath4j.core.group.GroupingPolicies;
import io.mpath4j.core.path.PathIdentity;
import io.mpath4j.core.select.PathSelectors;
import io.mpath4j.core.sim.NullPath;
import io.mpath4j.core.time.SystemTimeSource;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the multipath engine adds to one I/O: {@link MultipathDevice#submit} over {@link NullPath}s
 * (which complete every request inline with OK and never touch data) versus calling
 * {@link NullPath#submit} directly with the same request.
 *
 * <p>Fairness. The engine allocates a {@code CompletableFuture} and one {@code IoAttempt} (which is
 * also the completion callback) per I/O. The direct side therefore also allocates a future and one
 * callback object (the bound method reference {@code future::complete}), and completes the future
 * from the path's completion, so that the difference is the engine's own work: range check, clock
 * reads, snapshot read, selection, the per-path counters and the device counters, not the cost of a
 * future that any asynchronous caller pays anyway. Both sides return the future to JMH, which keeps
 * it from being optimised away.
 *
 * <p>The engine runs as in production (wall clock, common pool) but without a path monitor, so no
 * checker runs during the measurement. Each thread reads 4 KiB at offset 0 into its own
 * preallocated buffer; the request object is reused because a path never changes it.
 *
 * <p>{@code layout}: number of paths and selector; with one path the engine skips the selector, so
 * "1" needs no selector variant. All paths are in one group ({@code multibus}). {@code twoThreads}
 * submits to the same device from two threads: the shared per-path counters are what it adds.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar EngineOverheadBenchmark}; compare each
 * {@code engine*} row with the {@code direct*} row of the same thread count and mode.
 */
@BenchmarkMode({Mode.Throughput, Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EngineOverheadBenchmark {

    static final int BYTES = 4096;
    static final String WWID = "36001405bench00000000000000000001";
    static final Geometry GEOMETRY = new Geometry(1L << 30, 512, 4096, 0);
    /** Held so its level survives (JUL keeps loggers weakly); device creation logs at INFO otherwise. */
    static final Logger DEVICE_LOG = Logger.getLogger("io.mpath4j.device");

    /** One multipath device over NullPaths, shared by the benchmark threads as one device's submitters are. */
    @State(Scope.Benchmark)
    public static class Device {

        @Param({"1", "4 round-robin 0", "4 service-time 0"})
        String layout;

        MultipathDevice device;

        @Setup(Level.Trial)
        public void setUp() {
            DEVICE_LOG.setLevel(java.util.logging.Level.WARNING);
            String[] parts = layout.split(" ", 2);
            int paths = Integer.parseInt(parts[0]);
            String selector = parts.length > 1 ? parts[1] : "service-time 0";
            List<NullPath> nullPaths = new ArrayList<>();
            for (int i = 0; i < paths; i++) {
                nullPaths.add(new NullPath(PathIdentity.of("null" + i, WWID), GEOMETRY));
            }
            // null monitor: no checker runs while we measure; the paths start usable (OPTIMIZED).
            Engine engine = new Engine(SystemTimeSource.instance(), ForkJoinPool.commonPool(), null);
            DeviceConfig config = DeviceConfig.defaults()
                    .withGrouping(GroupingPolicies.byKeyword("multibus"))
                    .withSelector(() -> PathSelectors.parse(selector, 1, false));
            device = new MultipathDevice("bench", config, engine, nullPaths);
            if (device.topology().usablePathCount() != paths) {
                throw new IllegalStateException("expected " + paths + " usable paths: " + device.topology().paths());
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            device.close();
        }
    }

    /** The reference: one NullPath called directly, no engine. It has no parameters, so it runs once per thread count. */
    @State(Scope.Benchmark)
    public static class Direct {
        final NullPath path = new NullPath(PathIdentity.of("direct", WWID), GEOMETRY);
    }

    /** Each thread's own request and buffer, allocated once. */
    @State(Scope.Thread)
    public static class Request {
        final IoRequest.Read read = new IoRequest.Read(0, ByteBuffer.allocateDirect(BYTES));
    }

    @Benchmark
    @Threads(1)
    public CompletableFuture<IoStatus> engineOneThread(Device d, Request r) {
        return d.device.submit(r.read);
    }

    @Benchmark
    @Threads(2)
    public CompletableFuture<IoStatus> engineTwoThreads(Device d, Request r) {
        return d.device.submit(r.read);
    }

    @Benchmark
    @Threads(1)
    public CompletableFuture<IoStatus> directOneThread(Direct d, Request r) {
        return direct(d, r);
    }

    @Benchmark
    @Threads(2)
    public CompletableFuture<IoStatus> directTwoThreads(Direct d, Request r) {
        return direct(d, r);
    }

    /** A future plus one callback object, completed by the path: the same allocations as the engine's. */
    private static CompletableFuture<IoStatus> direct(Direct d, Request r) {
        CompletableFuture<IoStatus> future = new CompletableFuture<>();
        d.path.submit(r.read, future::complete);
        return future;
    }
}
