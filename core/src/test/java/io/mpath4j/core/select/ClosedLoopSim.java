package io.mpath4j.core.select;

import java.util.Arrays;
import java.util.PriorityQueue;

/**
 * A closed-loop queueing model on a fake clock for selector distribution tests: a fixed number
 * of requests is kept in flight; whenever one completes, the next is selected and started. Each
 * path completes every request after its own fixed latency, independent of its queue (a network
 * path to a target with a deep queue). It drives the selector exactly as the engine does:
 * select, {@link PathStats#start}, then {@link PathStats#end} at completion time.
 */
final class ClosedLoopSim {

    static final long MS = 1_000_000L;

    private record Completion(long at, long seq, int path, long bytes, long startedAt)
            implements Comparable<Completion> {
        @Override
        public int compareTo(Completion o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final PathSelector selector;
    private final PathStats[] paths;
    private final long[] latencyNanos;
    private final long[] issued;
    private final long[] issuedBytes;
    private final PriorityQueue<Completion> pending = new PriorityQueue<>();
    // Not 0: engine time 0 would look like "never started".
    private long now = 1_000_000_000L;
    private long seq;

    ClosedLoopSim(PathSelector selector, long... latencyNanos) {
        this.selector = selector;
        this.latencyNanos = latencyNanos.clone();
        this.paths = new PathStats[latencyNanos.length];
        for (int i = 0; i < paths.length; i++) {
            paths[i] = new PathStats("p" + i);
        }
        this.issued = new long[paths.length];
        this.issuedBytes = new long[paths.length];
    }

    PathStats path(int i) {
        return paths[i];
    }

    void latency(int path, long nanos) {
        latencyNanos[path] = nanos;
    }

    long now() {
        return now;
    }

    /** Keeps {@code depth} requests of {@code bytes} in flight until {@code completions} more completed. */
    void run(int depth, long completions, long bytes) {
        while (pending.size() < depth) {
            submit(bytes);
        }
        for (long k = 0; k < completions; k++) {
            complete(pending.remove());
            submit(bytes);
        }
    }

    /** Runs for {@code nanos} of simulated time (at least). */
    void runFor(int depth, long nanos, long bytes) {
        long until = now + nanos;
        while (now < until) {
            run(depth, 1, bytes);
        }
    }

    /** Completes everything in flight without submitting more. */
    void drain() {
        while (!pending.isEmpty()) {
            complete(pending.remove());
        }
    }

    /** Records {@code count} requests on {@code path} that ended in a path fault, now. */
    void injectFaults(int path, int count) {
        for (int k = 0; k < count; k++) {
            paths[path].start(4096, now);
            paths[path].end(4096, 0, true, now);
        }
    }

    long issued(int path) {
        return issued[path];
    }

    double share(int path) {
        long total = 0;
        for (long n : issued) {
            total += n;
        }
        return total == 0 ? 0 : (double) issued[path] / total;
    }

    double byteShare(int path) {
        long total = 0;
        for (long n : issuedBytes) {
            total += n;
        }
        return total == 0 ? 0 : (double) issuedBytes[path] / total;
    }

    void resetCounts() {
        Arrays.fill(issued, 0);
        Arrays.fill(issuedBytes, 0);
    }

    private void submit(long bytes) {
        int i = selector.select(paths, bytes, now);
        issued[i]++;
        issuedBytes[i] += bytes;
        paths[i].start(bytes, now);
        pending.add(new Completion(now + latencyNanos[i], seq++, i, bytes, now));
    }

    private void complete(Completion c) {
        now = c.at();
        paths[c.path()].end(c.bytes(), now - c.startedAt(), false, now);
    }

    @Override
    public String toString() {
        return "issued=" + Arrays.toString(issued) + " at " + now / MS + " ms";
    }
}
