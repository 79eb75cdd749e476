package io.mpath4j.core.select;

/**
 * {@code path_selector "latency 0"}: historical-service-time that also holds recent path faults
 * against a path. The score (lower is better) is
 *
 * <pre>  score = serviceTimeEwma × (inFlight + 1) × (1 + errorPenalty × errorRate)</pre>
 *
 * where {@code errorRate} is {@link PathStats#errorRateEwma()} / {@link PathStats#ERROR_ONE}, in
 * [0, 1]. Why: a path that drops requests is usually failed by the engine and reinstated by the
 * checker a few seconds later, and round after round of fail/redrive/reinstate costs far more
 * than its latency suggests. multipath-tools handles such "marginal" paths with its
 * {@code marginal_path_*} options (shunning a path for a while after repeated failures); here
 * the penalty does it gradually and per request, without timers.
 *
 * <p>Constants. PathStats raises the error rate by 1/8 of the remaining distance to 1 on every
 * fault and lowers it by 1/32 on every success. With the default {@code errorPenalty} 16:
 * <ul>
 *   <li>one fault on a clean path gives rate 1/8, a score ×3, back under ×1.5 after about 45
 *       successful requests;</li>
 *   <li>a path faulting on 10 % of its requests settles near rate 0.31, a score ×6;</li>
 *   <li>a path faulting on 1 % settles near rate 0.04, a score ×1.6: noticed, not shunned.</li>
 * </ul>
 * The rate decays only with successful completions, so a shunned path needs requests to be
 * forgiven; it gets them from load (when the clean paths' queues grow long enough) and from the
 * same stale-path probes as {@link HistoricalServiceTimeSelector}: an idle path not used for
 * {@code staleProbeNanos}, or without an estimate, receives one request per period.
 *
 * <p>The score is computed in double precision: the product of three factors can exceed a long
 * and only its order matters.
 */
public final class LatencyErrorSelector extends EstimatingSelector {

    /** Probe period for the plain "latency 0". */
    public static final long DEFAULT_STALE_PROBE_NANOS = HistoricalServiceTimeSelector.DEFAULT_STALE_PROBE_NANOS;
    /** Score multiplier at error rate 1.0 is 1 + DEFAULT_ERROR_PENALTY. */
    public static final int DEFAULT_ERROR_PENALTY = 16;

    private static final double PER_ERROR_UNIT = 1.0 / PathStats.ERROR_ONE;

    private final int errorPenalty;
    private final double penaltyPerUnit;

    /**
     * @param staleProbeNanos probe period for idle paths that are not chosen on merit
     * @param errorPenalty k in the score formula, ≥ 0 (0 makes this historical-service-time)
     */
    public LatencyErrorSelector(long staleProbeNanos, int errorPenalty) {
        super(staleProbeNanos);
        if (errorPenalty < 0) {
            throw new IllegalArgumentException("error penalty must be ≥ 0, was " + errorPenalty);
        }
        this.errorPenalty = errorPenalty;
        this.penaltyPerUnit = errorPenalty * PER_ERROR_UNIT;
    }

    public LatencyErrorSelector() {
        this(DEFAULT_STALE_PROBE_NANOS, DEFAULT_ERROR_PENALTY);
    }

    @Override
    double score(PathStats p, long ewma, int inFlight) {
        return (double) ewma * (inFlight + 1) * (1.0 + penaltyPerUnit * p.errorRateEwma());
    }

    @Override
    public String describe() {
        return errorPenalty == DEFAULT_ERROR_PENALTY ? "latency 0" : "latency 1 " + errorPenalty;
    }

}
