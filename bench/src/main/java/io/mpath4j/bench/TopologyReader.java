package io.mpath4j.bench;

import io.mpath4j.core.device.MultipathDevice;
import io.mpath4j.core.device.Topology;
import io.mpath4j.core.device.TopologyListing;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * What {@code mpath show topology} will do, in a loop: take a random device's snapshot and format
 * it as {@code multipath -ll} does, timing each read. The harness switches {@link #phase} (quiet,
 * storm, settling) and each phase gets its own histogram.
 *
 * <p>Histograms are written by the reader thread only and read by the harness after
 * {@link #stop()} has joined the thread, so they need no synchronisation.
 */
final class TopologyReader implements Runnable {

    private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final MultipathDevice[] devices;
    private final long seed;
    private final long maxReads;
    private final Thread thread;
    private volatile Histogram phase;
    private volatile boolean stopped;
    /** Snapshots whose active group and routes disagree: must stay 0 (snapshots are published whole). */
    final AtomicLong torn = new AtomicLong();
    final AtomicLong reads = new AtomicLong();
    private long sink;

    /** @param maxReads hard bound on the loop, whatever the harness does */
    TopologyReader(MultipathDevice[] devices, long seed, long maxReads, Histogram firstPhase) {
        this.devices = devices;
        this.seed = seed;
        this.maxReads = maxReads;
        this.phase = firstPhase;
        this.thread = Thread.ofPlatform().name("topology-reader").unstarted(this);
    }

    static Histogram newHistogram() {
        return new Histogram(HIGHEST_NANOS, 3);
    }

    void start() {
        thread.start();
    }

    /** Records the following reads into {@code next}. */
    void switchTo(Histogram next) {
        phase = next;
    }

    void stop() throws InterruptedException {
        stopped = true;
        thread.join();
    }

    @Override
    public void run() {
        Random random = new Random(seed);
        for (long i = 0; i < maxReads && !stopped; i++) {
            Histogram h = phase;
            MultipathDevice d = devices[random.nextInt(devices.length)];
            long t0 = System.nanoTime();
            Topology t = d.topology();
            String listing = TopologyListing.format(t, ScaleFleet.VENDOR_PRODUCT);
            long elapsed = System.nanoTime() - t0;
            h.recordValue(Math.min(elapsed, HIGHEST_NANOS));
            sink += listing.length();
            if (!SettleCheck.internallyConsistent(t)) {
                torn.incrementAndGet();
            }
            reads.incrementAndGet();
        }
    }

    /** Keeps the formatting observable, so the JIT cannot drop it. */
    long sink() {
        return sink;
    }
}
