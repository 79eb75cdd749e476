package io.mpath4j.core.select;

/**
 * multipath.conf {@code path_selector "queue-length 0"} (dm-queue-length): the path with the
 * fewest requests in flight. It adapts to a slow path without measuring time: a slow path keeps
 * its requests longer, so its queue is longer and it is chosen less.
 *
 * <p>Ties go to the first candidate from a rotating start index, so that idle paths share the
 * load instead of the first path taking every request at queue depth 1 (dm-queue-length moves
 * the chosen path to the tail of its list for the same reason).
 */
public final class QueueLengthSelector implements PathSelector {

    private final Rotation rotation = new Rotation();

    @Override
    public int select(PathStats[] candidates, long bytes, long nowNanos) {
        int n = candidates.length;
        int start = rotation.start(n);
        int best = start;
        int bestInFlight = candidates[start].inFlight();
        for (int k = 1; k < n && bestInFlight > 0; k++) {
            int i = start + k < n ? start + k : start + k - n;
            int inFlight = candidates[i].inFlight();
            if (inFlight < bestInFlight) {
                best = i;
                bestInFlight = inFlight;
            }
        }
        return best;
    }

    @Override
    public String describe() {
        return "queue-length 0";
    }

    @Override
    public String toString() {
        return describe();
    }
}
