package io.mpath4j.core.select;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

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
    /** Resolution of the last start/completion timestamps. */
    static final long TOUCH_GRANULARITY_NANOS = 1_000_000;
    /** Fixed-point scale for the error rate: 1.0 == ERROR_ONE. */
    public static final int ERROR_ONE = 1 << 16;
    /** {@link #lastProbeNanos} before the first probe; engine time may be any long, even 0 or negative. */
    private static final long NEVER = Long.MIN_VALUE;

    private final String pathName;
    /**
     * Requests and bytes in flight packed into one word (count in the top {@value #COUNT_BITS}
     * bits, bytes below), so that start and end cost one atomic update each instead of two: the
     * submitting threads of a device all write this word, and every cross-core atomic counts.
     */
    private final AtomicLong load = new AtomicLong();
    private static final int COUNT_BITS = 20;
    private static final int BYTES_BITS = 64 - COUNT_BITS;
    private static final long ONE_REQUEST = 1L << BYTES_BITS;
    private static final long BYTES_MASK = ONE_REQUEST - 1;
    /** Plain statistics: striped, so threads completing on one path do not contend. */
    private final LongAdder completed = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder bytesDone = new LongAdder();
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
        load.addAndGet(ONE_REQUEST + bytes);
        // Timestamps feed only the stale-path probe (period ≥ 1 ms); skipping writes that would
        // change them by less than that keeps the cache line shared instead of bouncing.
        long last = lastStartNanos;
        if (last == 0 || nowNanos - last >= TOUCH_GRANULARITY_NANOS) {
            lastStartNanos = nowNanos;
        }
    }

    /**
     * Called by the engine when the path completed the request.
     *
     * @param pathFault true when the outcome counts against the path (path error, timeout, retry-later)
     */
    public void end(long bytes, long serviceNanos, boolean pathFault, long nowNanos) {
        load.addAndGet(-(ONE_REQUEST + bytes));
        completed.increment();
        long e = errorRateEwma;
        if (pathFault) {
            errors.increment();
            errorRateEwma = e + ((ERROR_ONE - e) >> 3);
        } else {
            bytesDone.add(bytes);
            if (e != 0) {
                errorRateEwma = e - (e >> 5);
            }
            long s = serviceTimeEwmaNanos;
            long next = s == 0 ? serviceNanos : s + ((serviceNanos - s) >> EWMA_SHIFT);
            if (next != s) {
                serviceTimeEwmaNanos = next;
            }
        }
        long lastDone = lastCompletionNanos;
        if (lastDone == 0 || nowNanos - lastDone >= TOUCH_GRANULARITY_NANOS) {
            lastCompletionNanos = nowNanos;
        }
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
        return (int) (load.get() >>> BYTES_BITS);
    }

    public long inFlightBytes() {
        return load.get() & BYTES_MASK;
    }

    public long completed() {
        return completed.sum();
    }

    public long errors() {
        return errors.sum();
    }

    public long bytesDone() {
        return bytesDone.sum();
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
