package io.mpath4j.core.select;

/**
 * The scan shared by the selectors that rank paths by a measured estimate
 * (historical-service-time, latency): probe a stale path first (see {@link StaleProbe}), skip
 * paths without an estimate unless no path has one (then the one with the fewest requests in
 * flight, queue-length style), otherwise take the lowest score; ties go to the first candidate
 * from a rotating start index, so equal paths share the load. Subclasses only define the score.
 */
abstract class EstimatingSelector implements PathSelector {

    private final Rotation rotation = new Rotation();
    final long staleProbeNanos;

    EstimatingSelector(long staleProbeNanos) {
        if (staleProbeNanos <= 0) {
            throw new IllegalArgumentException("stale probe period must be > 0, was " + staleProbeNanos);
        }
        this.staleProbeNanos = staleProbeNanos;
    }

    /** Expected cost of sending one more request to {@code p}; lower is better. {@code ewma} > 0. */
    abstract double score(PathStats p, long ewma, int inFlight);

    @Override
    public final int select(PathStats[] candidates, long bytes, long nowNanos) {
        int n = candidates.length;
        int start = rotation.start(n);
        int best = -1;
        double bestScore = 0;
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
            double score = score(p, ewma, inFlight);
            if (best < 0 || score < bestScore) {
                best = i;
                bestScore = score;
            }
        }
        return best >= 0 ? best : unknown;
    }

    @Override
    public String toString() {
        return describe() + " (probe every " + staleProbeNanos / 1_000_000 + " ms)";
    }
}
