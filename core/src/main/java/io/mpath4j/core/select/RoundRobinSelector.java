package io.mpath4j.core.select;

import java.util.concurrent.atomic.AtomicLong;

/**
 * multipath.conf {@code path_selector "round-robin 0"} (dm-round-robin): paths take turns.
 *
 * <p>{@code rr_min_io_rq} consecutive requests go to a path before the next one takes over. The
 * kernel's request-based dm-round-robin now ignores repeat counts above 1; we honour them
 * because a run of neighbouring requests on one connection lets the target merge sequential I/O,
 * and an administrator who sets the option expects it to mean something.
 *
 * <p>With {@code rr_weight priorities} multipath-tools gives each path a repeat count of
 * {@code rr_min_io_rq × priority}; here each path gets a run of {@code rrMinIoRq × weight}
 * tickets in every cycle of {@code rrMinIoRq × Σ weight}, which is the same share. The engine
 * puts the path priority into {@link PathStats#weight()}.
 *
 * <p>One shared ticket counter serves all threads: a {@code getAndIncrement} per I/O is the whole
 * synchronisation, and consecutive tickets define "consecutive requests" across threads.
 */
public final class RoundRobinSelector implements PathSelector {

    private final AtomicLong tickets = new AtomicLong();
    private final int rrMinIoRq;
    private final boolean weighted;

    /**
     * @param rrMinIoRq consecutive requests per path before moving on (multipath.conf
     *     {@code rr_min_io_rq}, default 1)
     * @param weighted multipath.conf {@code rr_weight priorities}: shares proportional to
     *     {@link PathStats#weight()}
     */
    public RoundRobinSelector(int rrMinIoRq, boolean weighted) {
        if (rrMinIoRq < 1) {
            throw new IllegalArgumentException("rr_min_io_rq must be ≥ 1, was " + rrMinIoRq);
        }
        this.rrMinIoRq = rrMinIoRq;
        this.weighted = weighted;
    }

    public RoundRobinSelector() {
        this(1, false);
    }

    @Override
    public int select(PathStats[] candidates, long bytes, long nowNanos) {
        long slot = tickets.getAndIncrement() / rrMinIoRq;
        int n = candidates.length;
        if (!weighted || n == 1) {
            return Math.floorMod(slot, n);
        }
        return weightedPick(candidates, slot);
    }

    /**
     * Maps the slot onto the cumulative weights. Two passes over the candidates rather than a
     * precomputed table: weights are read live (a priority change takes effect at once) and
     * nothing is allocated.
     */
    private static int weightedPick(PathStats[] candidates, long slot) {
        long total = 0;
        for (PathStats p : candidates) {
            total += p.weight();
        }
        long position = Math.floorMod(slot, total);
        for (int i = 0; i < candidates.length; i++) {
            position -= candidates[i].weight();
            if (position < 0) {
                return i;
            }
        }
        // A weight shrank between the two passes: any path is a correct answer.
        return candidates.length - 1;
    }

    @Override
    public String describe() {
        return "round-robin 0";
    }

    @Override
    public String toString() {
        return describe() + " (rr_min_io_rq " + rrMinIoRq + (weighted ? ", rr_weight priorities)" : ")");
    }
}
