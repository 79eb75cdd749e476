package io.mpath4j.bench;

import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import io.mpath4j.iscsi.IscsiOptions;
import io.mpath4j.iscsi.IscsiPath;
import io.mpath4j.iscsi.IscsiUri;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One {@link IscsiPath}, a closed loop of reads at a fixed queue depth: the initiator's own
 * throughput, latency and CPU cost, for comparison with libiscsi's {@code iscsi-perf}
 * ({@code bench/iscsi-bench.sh}, docs/benchmarks.md "iSCSI initiator vs libiscsi").
 *
 * <p>Q slots, each with its own direct buffer; a slot's completion (on the session's thread)
 * records the latency and submits the slot's next read, until the phase's deadline. Then the
 * loop drains (bounded). A warm-up phase (JIT) runs first and is discarded. Workloads: random
 * reads aligned to the block size ({@code --random}) or sequential reads wrapping at the end of
 * the unit.
 *
 * <p>Prints a human summary and one line {@code RESULT key=value ...} for scripts. CPU time is
 * this process's (all threads, {@code OperatingSystemMXBean#getProcessCpuTime}) during the
 * measured phase only, divided by the I/Os completed in it.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar io.mpath4j.bench.IscsiBenchmark
 * --uri=iscsi://127.0.0.1:3260/IQN/1 [--qd=32] [--bs=4096] [--random] [--seconds=10]
 * [--warmup=3]}.
 */
public final class IscsiBenchmark {

    private static final long MAX_SECONDS = 3600;
    private static final long DRAIN_SECONDS = 60;

    private final Options o;
    private final IscsiPath path;
    private final long units; // block-size units in the LU
    private final AtomicLong seqNext = new AtomicLong();
    private final AtomicReference<String> firstError = new AtomicReference<>();

    private IscsiBenchmark(Options o, IscsiPath path) {
        this.o = o;
        this.path = path;
        this.units = path.geometry().sizeBytes() / o.blockSize;
        if (units < 1) {
            throw new IllegalArgumentException("unit of " + path.geometry().sizeBytes() + " bytes is smaller than one block");
        }
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        IscsiOptions io = IscsiOptions.defaults().withMaxInFlight(Math.max(128, o.queueDepth))
                .withPlatformReader(!o.virtualReader);
        IscsiPath path;
        try {
            path = IscsiPath.connect(IscsiUri.parse(o.uri), io);
        } catch (IOException e) {
            System.err.println("cannot connect to " + o.uri + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        int status;
        try {
            status = new IscsiBenchmark(o, path).run();
        } finally {
            path.close();
        }
        System.exit(status);
    }

    private int run() throws InterruptedException {
        System.out.printf(Locale.ROOT, "%s: %d bytes, block %d, %s, qd %d, warm-up %d s, measured %d s%n",
                path.uri().name(), path.geometry().sizeBytes(), o.blockSize, o.random ? "random" : "sequential",
                o.queueDepth, o.warmupSeconds, o.seconds);
        Slot[] slots = new Slot[o.queueDepth];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot(ByteBuffer.allocateDirect(o.blockSize), new SplittableRandom(o.seed + i));
        }
        if (o.warmupSeconds > 0) {
            phase(slots, o.warmupSeconds, new ConcurrentHistogram(3));
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Histogram h = new ConcurrentHistogram(3);
        long gc0 = gcMillis();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        long ios = phase(slots, o.seconds, h);
        long elapsed = System.nanoTime() - t0;
        long cpu = os.getProcessCpuTime() - cpu0;
        long gc = gcMillis() - gc0;
        if (firstError.get() != null) {
            System.out.println("ERROR: " + firstError.get());
            return 1;
        }
        double secs = elapsed / 1e9;
        double iops = ios / secs;
        double mibs = iops * o.blockSize / (1024.0 * 1024.0);
        double p50 = h.getValueAtPercentile(50) / 1000.0;
        double p99 = h.getValueAtPercentile(99) / 1000.0;
        double cpuPerIo = ios == 0 ? 0 : cpu / 1000.0 / ios;
        System.out.printf(Locale.ROOT, "%d I/Os in %.2f s: %.0f IOPS, %.1f MiB/s, latency p50 %.1f us, p99 %.1f us, "
                + "max %.1f us; CPU %.2f s (%.1f us per I/O, %.0f %% of one core); GC %d ms%n",
                ios, secs, iops, mibs, p50, p99, h.getMaxValue() / 1000.0, cpu / 1e9, cpuPerIo, 100.0 * cpu / elapsed, gc);
        System.out.printf(Locale.ROOT, "RESULT ios=%d seconds=%.3f iops=%.0f mibs=%.2f p50_us=%.1f p99_us=%.1f "
                + "cpu_s=%.3f cpu_us_per_io=%.2f gc_ms=%d%n", ios, secs, iops, mibs, p50, p99, cpu / 1e9, cpuPerIo, gc);
        return 0;
    }

    /** Runs the closed loop for {@code seconds}, then drains; returns the I/Os completed. */
    private long phase(Slot[] slots, long seconds, Histogram h) throws InterruptedException {
        AtomicLong done = new AtomicLong();
        CountDownLatch drained = new CountDownLatch(slots.length);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (Slot s : slots) {
            s.arm(h, done, drained, deadline);
        }
        for (Slot s : slots) {
            s.submit();
        }
        if (!drained.await(seconds + DRAIN_SECONDS, TimeUnit.SECONDS)) {
            firstError.compareAndSet(null, drained.getCount() + " reads still in flight " + DRAIN_SECONDS
                    + " s after the end of the phase");
        }
        return done.get();
    }

    private long nextOffset(SplittableRandom rnd) {
        long unit = o.random ? rnd.nextLong(units) : Math.floorMod(seqNext.getAndIncrement(), units);
        return unit * o.blockSize;
    }

    /** One request slot of the closed loop; also its completion callback. */
    private final class Slot implements java.util.function.Consumer<IoStatus> {
        private final ByteBuffer buffer;
        private final SplittableRandom rnd; // used by one completion at a time: the slot has one read in flight
        private Histogram histogram;
        private AtomicLong done;
        private CountDownLatch drained;
        private long deadline;
        private long started;

        Slot(ByteBuffer buffer, SplittableRandom rnd) {
            this.buffer = buffer;
            this.rnd = rnd;
        }

        void arm(Histogram h, AtomicLong d, CountDownLatch l, long end) {
            histogram = h;
            done = d;
            drained = l;
            deadline = end;
        }

        void submit() {
            buffer.clear();
            started = System.nanoTime();
            path.submit(new IoRequest.Read(nextOffset(rnd), buffer), this);
        }

        @Override
        public void accept(IoStatus s) {
            long now = System.nanoTime();
            if (!s.isOk()) {
                firstError.compareAndSet(null, s.toString());
                drained.countDown();
                return;
            }
            histogram.recordValue(now - started);
            done.incrementAndGet();
            if (now - deadline < 0 && firstError.get() == null) {
                submit();
            } else {
                drained.countDown();
            }
        }
    }

    private static long gcMillis() {
        long sum = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, gc.getCollectionTime());
        }
        return sum;
    }

    /** Command line (picocli). */
    @Command(name = "IscsiBenchmark", mixinStandardHelpOptions = true,
            description = "Closed-loop reads at a fixed queue depth over one IscsiPath.")
    static final class Options {
        @Option(names = "--uri", required = true, description = "iscsi://host[:port]/target-iqn/lun")
        String uri;
        @Option(names = "--qd", defaultValue = "32", description = "Reads in flight.")
        int queueDepth;
        @Option(names = "--bs", defaultValue = "4096", description = "Bytes per read (a multiple of the logical block size).")
        int blockSize;
        @Option(names = "--random", description = "Random reads aligned to --bs (default: sequential).")
        boolean random;
        @Option(names = "--seconds", defaultValue = "10", description = "Measured seconds.")
        long seconds;
        @Option(names = "--warmup", defaultValue = "3", description = "Warm-up seconds (discarded).")
        long warmupSeconds;
        @Option(names = "--seed", defaultValue = "42", description = "Seed of the random offsets.")
        long seed;
        @Option(names = "--virtual-reader", description = "The session reads on a virtual thread (default: platform).")
        boolean virtualReader;

        static Options parse(String[] args) {
            Options o = new Options();
            CommandLine cli = new CommandLine(o);
            cli.parseArgs(args);
            if (cli.isUsageHelpRequested()) {
                cli.usage(System.out);
                System.exit(0);
            }
            if (o.queueDepth < 1 || o.blockSize < 512 || o.seconds < 1 || o.seconds > MAX_SECONDS
                    || o.warmupSeconds < 0 || o.warmupSeconds > MAX_SECONDS) {
                throw new IllegalArgumentException("--qd >= 1, --bs >= 512, 1 <= --seconds <= 3600, 0 <= --warmup <= 3600");
            }
            return o;
        }
    }
}
