package io.mpath4j.core.select;

/**
 * The probe rule shared by the estimate-based selectors (historical-service-time, latency).
 *
 * <p>A selector that always takes the path with the best estimate never sends anything to a path
 * whose estimate is bad, so the estimate never changes: a path that was slow once would be
 * shunned forever. dm-historical-service-time therefore marks a path "stale" when it has not
 * completed anything for a while and sends a single request to an idle stale path. We do the
 * same with a fixed period: an idle path that has not been given a request for
 * {@code periodNanos}, or that has no estimate yet, may receive one probe, and
 * {@link PathStats#tryClaimProbe} makes that exactly one probe per period however many threads
 * select at the same time.
 *
 * <p>Only idle paths (nothing in flight) are probed: if requests are outstanding the estimate will
 * refresh when they complete, and a path whose requests hang must not collect more of them.
 */
final class StaleProbe {

    private StaleProbe() {
    }

    /**
     * True when {@code p} is due for a probe and this caller won the claim for it. The caller
     * passes the in-flight count and estimate it has already read, so that each counter is read
     * once per candidate.
     */
    static boolean claim(PathStats p, int inFlight, long ewmaNanos, long nowNanos, long periodNanos) {
        if (inFlight != 0) {
            return false;
        }
        boolean noEstimate = ewmaNanos == 0;
        // lastStartNanos 0 means never started; a known path without starts is also worth a probe.
        long lastStart = p.lastStartNanos();
        boolean stale = lastStart == 0 || nowNanos - lastStart >= periodNanos;
        return (noEstimate || stale) && p.tryClaimProbe(nowNanos, periodNanos);
    }
}
