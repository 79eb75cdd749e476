package io.mpath4j.core.select;

/**
 * multipath.conf {@code path_selector "service-time 0"} (dm-service-time): the path that would
 * finish this request soonest if each path drained its queue at its configured speed, i.e. the
 * minimum of {@code (inFlightBytes + bytes) / relativeThroughput}.
 *
 * <p>The ratios are compared by cross-multiplication, as dm-service-time does, and exactly (see
 * {@link Products}). On equal estimates the path with the higher relative throughput wins (it
 * finishes a share of the queue faster), and among paths equal in both the rotating start index
 * spreads the load, like the other selectors.
 *
 * <p>Relative throughput is configuration ({@link PathStats#relativeThroughput()}, dm's per-path
 * table argument); without it every path has 1 and this selector balances bytes in flight.
 */
public final class ServiceTimeSelector implements PathSelector {

    private final Rotation rotation = new Rotation();

    @Override
    public int select(PathStats[] candidates, long bytes, long nowNanos) {
        int n = candidates.length;
        int start = rotation.start(n);
        long size = Math.max(0, bytes);
        int best = start;
        long bestLoad = load(candidates[start], size);
        int bestThroughput = candidates[start].relativeThroughput();
        for (int k = 1; k < n; k++) {
            int i = start + k < n ? start + k : start + k - n;
            PathStats p = candidates[i];
            long load = load(p, size);
            int throughput = p.relativeThroughput();
            // load / throughput < bestLoad / bestThroughput
            int c = Products.compare(load, bestThroughput, bestLoad, throughput);
            if (c < 0 || (c == 0 && throughput > bestThroughput)) {
                best = i;
                bestLoad = load;
                bestThroughput = throughput;
            }
        }
        return best;
    }

    private static long load(PathStats p, long bytes) {
        // Never negative, but a racing reader must not hand a negative operand to Products.
        return Math.max(0, p.inFlightBytes()) + bytes;
    }

    @Override
    public String describe() {
        return "service-time 0";
    }

    @Override
    public String toString() {
        return describe();
    }
}
