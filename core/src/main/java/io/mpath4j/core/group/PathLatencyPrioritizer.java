package io.mpath4j.core.group;

import io.mpath4j.core.path.AccessState;
import io.mpath4j.core.path.PathIdentity;
import io.mpath4j.core.select.PathStats;

/**
 * {@code prio path_latency}: a lower latency gives a higher priority, on a logarithmic scale, after
 * multipath-tools' {@code libmultipath/prioritizers/path_latency.c} and its multipath.conf(5)
 * text. Arguments as there: {@code "io_num=<n> base_num=<b>"}, both optional here.
 *
 * <p>The scale. Latencies between 1 µs and 100 s are cut into ranks at the powers of the base;
 * with base 10 the ten ranks of the man page: ≤1 µs, (1 µs, 10 µs], …, (10 s, 100 s], >100 s.
 * The fastest rank gets {@link #maxPriority()} (10 for base 10), each slower rank one less, so
 * every measured path gets at least 1. In a formula, for 1 µs &lt; latency ≤ 100 s:
 * {@code priority = max - ceil(log_base(latency_us))}.
 *
 * <p>How this differs from multipath-tools:
 * <ul>
 *   <li>Measurement: multipath-tools sends {@code io_num} one-block direct reads at every priority
 *       check and averages their log-latency. Here the probe is the path checker itself: the
 *       smoothed time the checker takes to answer ({@link PathStats#checkLatencyEwmaNanos()},
 *       EWMA weight 1/8). Like multipath-tools' probes it measures every path whether or not it
 *       carries I/O, so a path in a lower group is not stuck at its first estimate. When no
 *       check has been timed yet (no monitor), the smoothed service time of real I/O
 *       ({@link PathStats#serviceTimeEwmaNanos()}) stands in. {@code io_num} is accepted and
 *       range-checked for compatibility and otherwise unused.</li>
 *   <li>Offset: multipath-tools returns {@code floor(log_b(100 s) - log_b(avg))}, i.e. 0 for
 *       >100 s and 8 for ≤1 µs with base 10. The ranks here are the same, shifted up so that the
 *       slowest measured rank is 1: 0 stays reserved for "use only when nothing else is left",
 *       which a slow but working path is not.</li>
 *   <li>No measurement yet (nothing completed on the path): {@link #unmeasuredPriority()}, the
 *       middle of the range; multipath-tools always measures before it answers.</li>
 *   <li>{@code base_num}: any number in [1.1, 10] as the current multipath-tools code accepts (the
 *       man page says integers 2..10); the default is 10, the man page's example. multipath-tools
 *       falls back to 10^(1/4) when the arguments are missing or invalid; here invalid arguments
 *       are a configuration error.</li>
 * </ul>
 */
public final class PathLatencyPrioritizer implements Prioritizer {

    public static final double DEFAULT_BASE = 10;
    public static final int DEFAULT_IO_NUM = 100;
    static final double MIN_BASE = 1.1;
    static final double MAX_BASE = 10;
    static final int MIN_IO_NUM = 2;
    static final int MAX_IO_NUM = 200;

    /** Latencies at or below this (µs) share the top rank, as in path_latency.c. */
    static final double MIN_LATENCY_US = 1;
    /** Latencies above this (µs, 100 s) share the bottom rank, as in path_latency.c. */
    static final double MAX_LATENCY_US = 100_000_000;

    /** Absorbs rounding so that exact powers of the base fall into the lower rank (e.g. 10 µs → (1, 10]). */
    private static final double EPSILON = 1e-9;

    private final double base;
    private final int ioNum;
    private final String args;
    /** Number of ranks strictly between MIN and MAX latency, i.e. in (1 µs, 100 s]. */
    private final int innerRanks;

    public PathLatencyPrioritizer(double base) {
        this(base, DEFAULT_IO_NUM, "");
    }

    private PathLatencyPrioritizer(double base, int ioNum, String args) {
        if (!(base >= MIN_BASE && base <= MAX_BASE)) {
            throw new IllegalArgumentException("prio path_latency: base_num " + base + " outside [" + MIN_BASE + ", "
                    + MAX_BASE + "]");
        }
        if (ioNum < MIN_IO_NUM || ioNum > MAX_IO_NUM) {
            throw new IllegalArgumentException("prio path_latency: io_num " + ioNum + " outside [" + MIN_IO_NUM
                    + ", " + MAX_IO_NUM + "]");
        }
        this.base = base;
        this.ioNum = ioNum;
        this.args = args;
        this.innerRanks = (int) Math.ceil(log(MAX_LATENCY_US) - EPSILON);
    }

    /** Parses {@code "io_num=<n> base_num=<b>"} (either, both or none, any order). */
    public static PathLatencyPrioritizer parse(String args) {
        String a = args.strip();
        double base = DEFAULT_BASE;
        int ioNum = DEFAULT_IO_NUM;
        if (!a.isEmpty()) {
            for (String word : a.split("\\s+")) {
                try {
                    if (word.startsWith("base_num=")) {
                        base = Double.parseDouble(word.substring("base_num=".length()));
                    } else if (word.startsWith("io_num=")) {
                        ioNum = Integer.parseInt(word.substring("io_num=".length()));
                    } else {
                        throw new IllegalArgumentException("prio path_latency: unknown argument '" + word
                                + "'; expected \"io_num=<" + MIN_IO_NUM + ".." + MAX_IO_NUM + "> base_num=<"
                                + MIN_BASE + ".." + MAX_BASE + ">\"");
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("prio path_latency: not a number in '" + word + "'", e);
                }
            }
        }
        return new PathLatencyPrioritizer(base, ioNum, a.replaceAll("\\s+", " "));
    }

    public double base() {
        return base;
    }

    public int ioNum() {
        return ioNum;
    }

    /** Priority of the fastest rank (≤1 µs): 10 for base 10. */
    public int maxPriority() {
        return innerRanks + 2;
    }

    /** Priority while a path has no completed I/O to measure: the middle of 1..max. */
    public int unmeasuredPriority() {
        return (maxPriority() + 1) / 2;
    }

    @Override
    public int priority(PathIdentity identity, AccessState accessState, PathStats stats) {
        long nanos = stats == null ? 0
                : stats.checkLatencyEwmaNanos() != 0 ? stats.checkLatencyEwmaNanos() : stats.serviceTimeEwmaNanos();
        if (nanos <= 0) {
            return unmeasuredPriority();
        }
        return priorityForMicros(nanos / 1000.0);
    }

    /** The scale itself, for a latency in microseconds. */
    int priorityForMicros(double latencyUs) {
        if (latencyUs <= MIN_LATENCY_US) {
            return maxPriority();
        }
        if (latencyUs > MAX_LATENCY_US) {
            return 1;
        }
        int rank = (int) Math.ceil(log(latencyUs) - EPSILON);
        rank = Math.clamp(rank, 1, innerRanks);
        return maxPriority() - rank;
    }

    private double log(double x) {
        return Math.log(x) / Math.log(base);
    }

    @Override
    public String describe() {
        return args.isEmpty() ? "path_latency" : "path_latency " + args;
    }

    @Override
    public String toString() {
        return describe();
    }
}
