package io.mpath4j.core.select;

/**
 * multipath.conf {@code path_selector "historical-service-time 0"}
 * (dm-historical-service-time): the path expected to complete this request first, where the
 * expected completion time is
 *
 * <pre>  estimate = serviceTimeEwma × (inFlight + 1)</pre>
 *
 * i.e. the measured per-request service time of the path times the requests it has to finish,
 * this one included. Unlike service-time it needs no configuration: it measures. Unlike
 * queue-length it prefers a fast path even when that path has the longer queue, as long as the
 * queue is shorter than the speed ratio.
 *
 * <p>Two refinements, both from the kernel selector:
 * <ul>
 *   <li>Probing (see {@link StaleProbe}): an idle path that has not been given a request for
 *       {@code staleProbeNanos}, or has no estimate yet, gets one request per period, so a path
 *       that was slow once is noticed when it becomes fast again.</li>
 *   <li>A path without an estimate is not scored as 0 (which would send it every request until
 *       its first completion): it is used only by probe, or, when no path has an estimate yet,
 *       the one with the fewest requests in flight is taken, queue-length style.</li>
 * </ul>
 * Ties go to the first candidate from a rotating start index, so equal paths share the load.
 *
 * <p>The kernel measures service time from the later of submission and the previous completion
 * on the path, so that a deep queue does not inflate the per-request figure; the engine should
 * pass {@code serviceNanos} to {@link PathStats#end} measured the same way. The kernel's optional
 * table arguments (EWMA base weight, threshold multiplier) are accepted by
 * {@link PathSelectors#parse} but not used: the EWMA weight is fixed in {@link PathStats}.
 */
public final class HistoricalServiceTimeSelector implements PathSelector {

    /** Probe period used by multipath.conf's plain "historical-service-time 0". */
    public static final long DEFAULT_STALE_PROBE_NANOS = 1_000_000_000L;

    private final Rotation rotation = new Rotation();
    private final long staleProbeNanos;

    public HistoricalServiceTimeSelector(long staleProbeNanos) {
        if (staleProbeNanos <= 0) {
            throw new IllegalArgumentException("stale probe period must be > 0, was " + staleProbeNanos);
        }
        this.staleProbeNanos = staleProbeNanos;
    }

    public HistoricalServiceTimeSelector() {
        this(DEFAULT_STALE_PROBE_NANOS);
    }

    @Override
    public int select(PathStats[] candidates, long bytes, long nowNanos) {
        int n = candidates.length;
        int start = rotation.start(n);
        int best = -1;
        long bestEwma = 0;
        long bestQueue = 0;
        int unknown = start;
        int unknownInFlight = Integer.MAX_VALUE;
        for (int k = 0; k < n; k++) {
            int i = start + k < n ? start + k : start + k - n;
            PathStats p = candidates[i];
            int inFlight = Math.max(0, p.inFlight());
            long ewma = p.serviceTimeEwmaNanos();
            if (StaleProbe.claim(p, inFlight, ewma, nowNanos, staleProbeNanos)) {
                return i;
            }
            if (ewma <= 0) {
                if (inFlight < unknownInFlight) {
                    unknown = i;
                    unknownInFlight = inFlight;
                }
                continue;
            }
            long queue = inFlight + 1L;
            if (best < 0 || Products.compare(ewma, queue, bestEwma, bestQueue) < 0) {
                best = i;
                bestEwma = ewma;
                bestQueue = queue;
            }
        }
        return best >= 0 ? best : unknown;
    }

    @Override
    public String describe() {
        return "historical-service-time 0";
    }

    @Override
    public String toString() {
        return describe() + " (probe every " + staleProbeNanos / 1_000_000 + " ms)";
    }
}
