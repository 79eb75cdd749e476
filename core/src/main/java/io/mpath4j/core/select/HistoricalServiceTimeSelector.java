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
 *
 * <p>The kernel measures service time from the later of submission and the previous completion
 * on the path, so that a deep queue does not inflate the per-request figure; the engine should
 * pass {@code serviceNanos} to {@link PathStats#end} measured the same way. The kernel's optional
 * table arguments (EWMA base weight, threshold multiplier) are accepted by
 * {@link PathSelectors#parse} but not used: the EWMA weight is fixed in {@link PathStats}.
 */
public final class HistoricalServiceTimeSelector extends EstimatingSelector {

    /** Probe period used by multipath.conf's plain "historical-service-time 0". */
    public static final long DEFAULT_STALE_PROBE_NANOS = 1_000_000_000L;

    public HistoricalServiceTimeSelector(long staleProbeNanos) {
        super(staleProbeNanos);
    }

    public HistoricalServiceTimeSelector() {
        this(DEFAULT_STALE_PROBE_NANOS);
    }

    /**
     * ewma × (inFlight + 1) as a double: exact while the product stays below 2^53 (a 1 s service
     * time with a million requests in flight is 10^15), which covers every real path.
     */
    @Override
    double score(PathStats p, long ewma, int inFlight) {
        return (double) ewma * (inFlight + 1);
    }

    @Override
    public String describe() {
        return "historical-service-time 0";
    }

}
