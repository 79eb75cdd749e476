package io.mpath4j.bench;

import io.mpath4j.core.select.PathSelector;
import io.mpath4j.core.select.PathSelectors;
import io.mpath4j.core.select.PathStats;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-I/O decision cost of each path selector: {@code select} plus the {@link PathStats#start} /
 * {@link PathStats#end} counter updates the engine does around every request.
 *
 * <p>Each benchmark thread keeps {@link #DEPTH} requests of its own in flight (it ends the oldest
 * before choosing a path for the next), so in-flight counts and bytes are non-zero and change as
 * they would under load; service times differ per path so the estimate-based selectors have a
 * real choice to make. {@code oneThread} and {@code twoThreads} share one selector and one set of
 * paths per trial, as the submitting threads of one device do: the second shows what contention
 * on the shared counters costs.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar SelectorBenchmark}; for a quick check
 * {@code ... SelectorBenchmark -f 1 -wi 1 -w 1s -i 1 -r 1s -p paths=8}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class SelectorBenchmark {

    static final int DEPTH = 8;
    static final long BYTES = 4096;

    @State(Scope.Benchmark)
    public static class Device {

        @Param({"round-robin 0", "queue-length 0", "service-time 0", "historical-service-time 0", "latency 0"})
        String selector;

        @Param({"2", "8", "32"})
        int paths;

        PathSelector pathSelector;
        PathStats[] candidates;

        @Setup(Level.Trial)
        public void setUp() {
            // rr_min_io_rq 1 and rr_weight priorities: the costlier round-robin variant
            pathSelector = PathSelectors.parse(selector, 1, true);
            candidates = new PathStats[paths];
            long now = 1_000_000_000L;
            for (int i = 0; i < paths; i++) {
                PathStats p = new PathStats("path" + i);
                p.setWeight(1 + i % 4);
                p.setRelativeThroughput(1 + i % 3);
                // an estimate per path (100 µs .. 800 µs) so nobody is probed as "unknown"
                p.start(BYTES, now);
                p.end(BYTES, 100_000L * (1 + i % 8), false, now);
                candidates[i] = p;
            }
        }
    }

    /** One submitting thread's requests in flight and its clock. */
    @State(Scope.Thread)
    public static class Submitter {

        final PathStats[] inFlight = new PathStats[DEPTH];
        final long[] startedAt = new long[DEPTH];
        long now = 1_000_000_000L;
        int next;

        /** Ends what is still in flight so the next trial's paths start clean (they are new anyway). */
        @TearDown(Level.Trial)
        public void drain() {
            for (int k = 0; k < DEPTH; k++) {
                if (inFlight[k] != null) {
                    inFlight[k].end(BYTES, now - startedAt[k], false, now);
                    inFlight[k] = null;
                }
            }
        }
    }

    @Benchmark
    @Threads(1)
    public int oneThread(Device device, Submitter submitter) {
        return submitOne(device, submitter);
    }

    @Benchmark
    @Threads(2)
    public int twoThreads(Device device, Submitter submitter) {
        return submitOne(device, submitter);
    }

    /** What the engine does per request: finish the oldest, pick a path, account the start. */
    private static int submitOne(Device device, Submitter s) {
        // A fake clock: System.nanoTime() would cost as much as some selectors. At 50 µs per
        // request a path that never wins gets a probe once per 20,000 requests: rare, as in use.
        long now = s.now += 50_000;
        int slot = s.next;
        s.next = slot + 1 == DEPTH ? 0 : slot + 1;
        PathStats done = s.inFlight[slot];
        if (done != null) {
            done.end(BYTES, now - s.startedAt[slot], false, now);
        }
        PathStats[] candidates = device.candidates;
        int index = device.pathSelector.select(candidates, BYTES, now);
        PathStats chosen = candidates[index];
        chosen.start(BYTES, now);
        s.inFlight[slot] = chosen;
        s.startedAt[slot] = now;
        return index;
    }
}
