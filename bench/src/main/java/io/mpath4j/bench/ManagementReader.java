package io.mpath4j.bench;

import io.mpath4j.core.device.MultipathDevice;
import io.mpath4j.daemon.control.ManagementClient;
import io.mpath4j.daemon.control.ManagementReply;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * What an administrator's {@code mpath show topology map M} costs while the fleet storms: one
 * request and reply over the real management socket (a new connection each time, as the CLI
 * makes), timed end to end on the client side. JVM start-up of the CLI process is not in it;
 * bench/cli-latency.sh measures that separately.
 *
 * <p>Histograms are written by this thread only and read after {@link #stop()} joined it.
 */
final class ManagementReader implements Runnable {

    private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final Path socket;
    private final MultipathDevice[] devices;
    private final long seed;
    private final long maxReads;
    private final Thread thread;
    private volatile Histogram phase;
    private volatile boolean stopped;
    final AtomicLong reads = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    volatile String firstError;

    ManagementReader(Path socket, MultipathDevice[] devices, long seed, long maxReads, Histogram firstPhase) {
        this.socket = socket;
        this.devices = devices;
        this.seed = seed;
        this.maxReads = maxReads;
        this.phase = firstPhase;
        this.thread = Thread.ofPlatform().name("management-reader").unstarted(this);
    }

    void start() {
        thread.start();
    }

    void switchTo(Histogram next) {
        phase = next;
    }

    void stop() throws InterruptedException {
        stopped = true;
        thread.join();
    }

    @Override
    public void run() {
        Random random = new Random(seed ^ 0x5EED);
        for (long i = 0; i < maxReads && !stopped; i++) {
            Histogram h = phase;
            String map = devices[random.nextInt(devices.length)].name();
            long t0 = System.nanoTime();
            try (ManagementClient c = ManagementClient.connect(socket)) {
                ManagementReply r = c.call(List.of("show", "topology", "map", map));
                if (!r.ok() || !r.text().startsWith(map)) {
                    fail(r.ok() ? "reply for another map: " + r.text().lines().findFirst().orElse("") : r.error());
                }
            } catch (IOException e) {
                fail(e.toString());
            }
            h.recordValue(Math.min(System.nanoTime() - t0, HIGHEST_NANOS));
            reads.incrementAndGet();
        }
    }

    private void fail(String what) {
        if (errors.getAndIncrement() == 0) {
            firstError = what;
        }
    }
}
