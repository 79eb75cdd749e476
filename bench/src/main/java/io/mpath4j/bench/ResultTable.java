package io.mpath4j.bench;

import java.io.PrintStream;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/** Prints the scale harness's results as small Markdown tables, ready for docs/benchmarks.md. */
final class ResultTable {

    private static final double ASSEMBLY_GOAL_MS = 1_000;
    private static final double READ_P99_GOAL_US = 1_000;

    private final ScaleBenchmark.Options o;
    private final ScaleBenchmark.Results r;
    private final EventStorm storm;
    private final TopologyReader reader;
    private final Histogram quiet;
    private final Histogram during;
    private final Histogram settling;

    ResultTable(ScaleBenchmark.Options o, ScaleBenchmark.Results r, EventStorm storm, TopologyReader reader,
                Histogram quiet, Histogram during, Histogram settling) {
        this.o = o;
        this.r = r;
        this.storm = storm;
        this.reader = reader;
        this.quiet = quiet;
        this.during = during;
        this.settling = settling;
    }

    void print(PrintStream out) {
        out.printf(Locale.ROOT, "%nscale harness: %d devices x %d paths, %d events from %d threads, seed %d, "
                        + "%d CPUs, common pool parallelism %d%n%n",
                o.devices, ScaleFleet.PATHS, o.events, o.stormThreads, o.seed,
                Runtime.getRuntime().availableProcessors(), java.util.concurrent.ForkJoinPool.getCommonPoolParallelism());
        out.println("| measure | value | goal | ratio to goal |");
        out.println("|---|---|---|---|");
        row(out, "create " + o.devices * ScaleFleet.PATHS + " simulated paths (not assembly)", ms(r.pathCreationNanos), "", "");
        double assembly = ms(r.assemblyNanos);
        row(out, "assembly: " + o.devices + " devices built, snapshots published", assembly, "≤ 1000 ms",
                ratio(assembly, ASSEMBLY_GOAL_MS));
        row(out, "... and started (listeners attached, checkers scheduled)", ms(r.startedNanos), "", "");
        out.printf(Locale.ROOT, "| storm: events issued (%d down, %d up, %d access changes) | %.1f ms | | |%n",
                storm.downs.sum(), storm.ups.sum(), storm.accessChanges.sum(), ms(r.stormIssueNanos));
        out.printf(Locale.ROOT, "| devices not yet matching right after the storm | %d | | |%n", r.firstPollMismatches);
        if (r.settleNanos >= 0) {
            row(out, "settled: every device reflects the final path states, after the last event",
                    ms(r.settleNanos), "(bounded " + o.settleTimeoutSeconds + " s)", "");
        } else {
            out.printf(Locale.ROOT, "| settled | NOT within %d s | | |%n", o.settleTimeoutSeconds);
        }
        row(out, "... resolution: longest poll of all devices (+ 10 ms pause between polls)", ms(r.longestPollNanos), "", "");
        out.printf(Locale.ROOT, "| GC time during storm and settling | %d ms | | |%n", r.gcMillis);

        Histogram stormAndSettling = during.copy();
        stormAndSettling.add(settling);
        out.printf(Locale.ROOT, "%n`show topology` reads (snapshot + format), µs; %d reads, %d torn snapshots%n%n",
                reader.reads.get(), reader.torn.get());
        out.println("| phase | reads | p50 | p99 | p99.9 | max | p99 goal | ratio |");
        out.println("|---|---|---|---|---|---|---|---|");
        latency(out, "quiet (before the storm, first checks running)", quiet, false);
        latency(out, "storm (events being issued)", during, true);
        latency(out, "settling (events being processed)", settling, true);
        latency(out, "storm + settling", stormAndSettling, true);
        out.println();
    }

    /** The management socket's round trips (issue 6's goal: the CLI's p99 ≤ 50 ms during a storm). */
    static void printManagement(PrintStream out, long reads, Histogram quiet, Histogram during, Histogram settling) {
        Histogram stormAndSettling = during.copy();
        stormAndSettling.add(settling);
        out.printf(Locale.ROOT, "`show topology map M` over the management socket (connect + request + reply), ms; %d requests%n%n", reads);
        out.println("| phase | requests | p50 | p99 | p99.9 | max | p99 goal | ratio |");
        out.println("|---|---|---|---|---|---|---|---|");
        for (var row : java.util.List.of(java.util.Map.entry("quiet", quiet), java.util.Map.entry("storm", during),
                java.util.Map.entry("settling", settling), java.util.Map.entry("storm + settling", stormAndSettling))) {
            Histogram h = row.getValue();
            if (h.getTotalCount() == 0) {
                out.printf(Locale.ROOT, "| %s | 0 | | | | | | |%n", row.getKey());
                continue;
            }
            double p99 = ms(h.getValueAtPercentile(99));
            out.printf(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.2f | %.2f | ≤ 50 | %s |%n", row.getKey(), h.getTotalCount(),
                    ms(h.getValueAtPercentile(50)), p99, ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()),
                    ratio(p99, 50));
        }
        out.println();
    }

    private static void row(PrintStream out, String what, double millis, String goal, String ratio) {
        out.printf(Locale.ROOT, "| %s | %.1f ms | %s | %s |%n", what, millis, goal, ratio);
    }

    private static void latency(PrintStream out, String phase, Histogram h, boolean withGoal) {
        if (h.getTotalCount() == 0) {
            out.printf(Locale.ROOT, "| %s | 0 | | | | | | |%n", phase);
            return;
        }
        double p99 = us(h.getValueAtPercentile(99));
        out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.1f | %s | %s |%n", phase, h.getTotalCount(),
                us(h.getValueAtPercentile(50)), p99, us(h.getValueAtPercentile(99.9)), us(h.getMaxValue()),
                withGoal ? "≤ 1000" : "", withGoal ? ratio(p99, READ_P99_GOAL_US) : "");
    }

    /** "0.42 (met)" / "1.70 (missed)": measured divided by goal, lower is better. */
    private static String ratio(double value, double goal) {
        double q = value / goal;
        return String.format(Locale.ROOT, "%.2f (%s)", q, q <= 1 ? "met" : "missed");
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static double us(long nanos) {
        return nanos / 1e3;
    }
}
