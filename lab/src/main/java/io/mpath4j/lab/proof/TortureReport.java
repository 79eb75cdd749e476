package io.mpath4j.lab.proof;

import java.util.List;
import java.util.Map;

/**
 * What a torture run saw. Passed: at least one fault cycle, zero Java workload errors and
 * mismatches, and fio (when it ran) exited 0 with zero errors, no bad block and its verify reads
 * done.
 */
public record TortureReport(String rig, int paths, long seconds, long cycles, Map<TortureFault, Integer> cycleCounts,
        long verifiedOps, List<String> failures, FioVerify.Result fio, String fioSkipped, long redrives, long failovers,
        List<String> notes) {

    public boolean passed() {
        return cycles > 0 && failures.isEmpty() && verifiedOps > 0 && (fio == null ? fioSkipped != null : fio.passed());
    }

    /** The final report, several lines. */
    public List<String> lines() {
        List<String> l = new java.util.ArrayList<>();
        l.add("torture: " + rig + ", " + seconds + " s");
        l.add("cycles survived: " + cycles + " " + cycleCounts);
        l.add("Java workload: " + verifiedOps + " verified ops, " + failures.size() + " errors/mismatches"
                + (failures.isEmpty() ? "" : " " + failures.stream().limit(5).toList()));
        l.add("device: " + redrives + " redrives, " + failovers + " failovers");
        l.add(fio != null ? fio.toString() : "fio skipped: " + fioSkipped);
        notes.forEach(n -> l.add("note: " + n));
        l.add(passed() ? "PASS" : "FAIL");
        return l;
    }

    @Override
    public String toString() {
        return String.join("; ", lines());
    }
}
