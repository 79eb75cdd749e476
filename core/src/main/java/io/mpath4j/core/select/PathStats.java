package io.mpath4j.core.select;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-path counters the selectors read. The engine updates them for every I/O whatever selector
 * is active, so a selector can be swapped under I/O without losing its inputs. Only per-path
 * atomics: the hot path touches no shared lock.
 *
 * <p>Estimates (the EWMAs) are updated without compare-and-set: a lost update under a race only
 * blurs an estimate, which is cheaper than contention.
 */
public final class PathStats {

    /** EWMA weight 1/8, as dm-historical-service-time uses by default. */
    static final int EWMA_SHIFT = 3;
    /** Fixed-point scale for the error rate: 1.0 == ERROR_ONE. */
    public static final int ERROR_ONE = 1 << 16;
    /** {@link #lastProbeNanos} before the first probe; engine time may be any long, even 0 or negative. */
    private static final long NEVER = Long.MIN_VALUE;

    private final String pathName;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong inFlightBytes = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong bytesDone = new AtomicLong();
    private volatile long serviceTimeEwmaNanos;
    private volatile long checkLatencyEwmaNanos;
    /** Writes acknowledged by this path, and how many of them a later flush on it covered. */
    private final AtomicLong writesAcknowledged = new AtomicLong();
    private final AtomicLong writesFlushed = new AtomicLong();
    private volatile long errorRateEwma;
    private volatile long lastCompletionNanos;
    private volatile long lastStartNanos;
    private volatile int relativeThroughput = 1;
    private volatile int weight = 1;
    /** Written only when a selector claims a probe (rare), so the hot path stays read-only. */
    private final AtomicLong lastProbeNanos = new AtomicLong(NEVER);

    public PathStats(String pathName) {
        this.pathName = pathName;
    }

    public String pathName() {
        return pathName;
    }

    /** Called by the engine just before the request is handed to the path. */
    public void start(long bytes, long nowNanos) {
        inFlight.incrementAndGet();
        inFlightBytes.addAndGet(bytes);
        lastStartNanos = nowNanos;
    }

    /**
     * Called by the engine when the path completed the request.
     *
     * @param pathFault true when the outcome counts against the path (path error, timeout, retry-later)
     */
    public void end(long bytes, long serviceNanos, boolean pathFault, long nowNanos) {
        inFlight.decrementAndGet();
        inFlightBytes.addAndGet(-bytes);
        completed.incrementAndGet();
        long e = errorRateEwma;
        if (pathFault) {
            errors.incrementAndGet();
            errorRateEwma = e + ((ERROR_ONE - e) >> 3);
        } else {
            bytesDone.addAndGet(bytes);
            errorRateEwma = e - (e >> 5);
            long s = serviceTimeEwmaNanos;
            serviceTimeEwmaNanos = s == 0 ? serviceNanos : s + ((serviceNanos - s) >> EWMA_SHIFT);
        }
        lastCompletionNanos = nowNanos;
    }

    /** Called by the engine when a medium-modifying request completed successfully on this path. */
    public void noteWriteAcknowledged() {
        writesAcknowledged.incrementAndGet();
    }

    /** The number of acknowledged writes now; pass it to {@link #noteFlushed} when a flush started then succeeds. */
    public long writesAcknowledged() {
        return writesAcknowledged.get();
    }

    /** Records that a flush started when {@code acknowledgedAtStart} writes had been acknowledged succeeded. */
    public void noteFlushed(long acknowledgedAtStart) {
        writesFlushed.accumulateAndGet(acknowledgedAtStart, Math::max);
    }

    /** True when this path acknowledged writes that no flush on it has covered yet. */
    public boolean hasUnflushedWrites() {
        return writesAcknowledged.get() > writesFlushed.get();
    }

    /** Records how long a checker took to answer (the probe latency path_latency ranks by). */
    public void recordCheck(long elapsedNanos) {
        long c = checkLatencyEwmaNanos;
        checkLatencyEwmaNanos = c == 0 ? Math.max(1, elapsedNanos) : c + ((elapsedNanos - c) >> EWMA_SHIFT);
    }

    /** Smoothed answer time of the path checker in nanoseconds; 0 when never checked. */
    public long checkLatencyEwmaNanos() {
        return checkLatencyEwmaNanos;
    }

    public int inFlight() {
        return inFlight.get();
    }

    public long inFlightBytes() {
        return inFlightBytes.get();
    }

    public long completed() {
        return completed.get();
    }

    public long errors() {
        return errors.get();
    }

    public long bytesDone() {
        return bytesDone.get();
    }

    /** Smoothed service time of successful I/O in nanoseconds; 0 when nothing completed yet. */
    public long serviceTimeEwmaNanos() {
        return serviceTimeEwmaNanos;
    }

    /** Smoothed fraction of recent completions that were path faults, in units of {@link #ERROR_ONE}. */
    public long errorRateEwma() {
        return errorRateEwma;
    }

    /** When the last request completed on this path (engine time), 0 if never. */
    public long lastCompletionNanos() {
        return lastCompletionNanos;
    }

    /** When the last request was started on this path, 0 if never. */
    public long lastStartNanos() {
        return lastStartNanos;
    }

    /** dm-service-time's relative_throughput for this path (configured, ≥ 1). */
    public int relativeThroughput() {
        return relativeThroughput;
    }

    public void setRelativeThroughput(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("relative throughput must be ≥ 1");
        }
        relativeThroughput = value;
    }

    /** Round-robin weight (rr_weight priorities: the path priority; uniform: 1). */
    public int weight() {
        return weight;
    }

    public void setWeight(int value) {
        weight = Math.max(1, value);
    }

    /**
     * Claims the one probe I/O this path may receive per {@code periodNanos}, for selectors that
     * send a request to a path they would otherwise avoid so that its estimate is refreshed
     * (dm-historical-service-time's "stale" paths). Of many threads racing for the same period,
     * exactly one gets {@code true}: a compare-and-set on the last claim time.
     */
    public boolean tryClaimProbe(long nowNanos, long periodNanos) {
        long last = lastProbeNanos.get();
        if (last != NEVER && nowNanos - last < periodNanos) {
            return false;
        }
        return lastProbeNanos.compareAndSet(last, nowNanos);
    }

    @Override
    public String toString() {
        return pathName + "{inFlight=" + inFlight() + ", ewma=" + serviceTimeEwmaNanos + "ns}";
    }
}
