package io.mpath4j.daemon.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The outcome of an {@code iscsi-test-cu} run, read from its normal-mode output: each test's suite
 * and verdict, and the CUnit "Run Summary". CUnit counts a test that skipped itself as passed, so
 * a test is counted {@code skipped} here when a {@code [SKIPPED]} line came between its
 * {@code Test: NAME ...} and its verdict. A {@code [FAILED]} in brackets is libiscsi logging a
 * command's unexpected status inside a test, not a verdict; the verdict is {@code passed} or
 * {@code FAILED} after {@code ...} or at the start of a line.
 */
record CunitReport(List<TestResult> tests, int ran, int passed, int failed) {

    enum Verdict { PASSED, FAILED, SKIPPED }

    record TestResult(String suite, String test, Verdict verdict) {}

    /** Passed / failed / skipped of one suite. */
    record SuiteCounts(int passed, int failed, int skipped) {
        SuiteCounts plus(Verdict v) {
            return switch (v) {
                case PASSED -> new SuiteCounts(passed + 1, failed, skipped);
                case FAILED -> new SuiteCounts(passed, failed + 1, skipped);
                case SKIPPED -> new SuiteCounts(passed, failed, skipped + 1);
            };
        }
    }

    private static final Pattern TOKENS = Pattern.compile(
            "(?m)^Suite: (\\S+)|Test: (\\S+) (?=\\.\\.\\.)|\\[SKIPPED\\]|(?:\\.\\.\\.|^)\\s*(passed|FAILED)\\b");
    private static final Pattern SUMMARY = Pattern.compile("tests\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)");

    static CunitReport parse(String output) {
        Matcher s = SUMMARY.matcher(output);
        if (!s.find()) {
            throw new IllegalArgumentException("no CUnit Run Summary in iscsi-test-cu output:\n" + output);
        }
        List<TestResult> tests = new ArrayList<>();
        String suite = "?";
        String test = null;
        boolean skipped = false;
        Matcher m = TOKENS.matcher(output);
        while (m.find()) {
            if (m.group(1) != null) {
                suite = m.group(1);
            } else if (m.group(2) != null) {
                test = m.group(2);
                skipped = false;
            } else if (m.group(3) == null) {
                skipped = true;
            } else if (test != null) {
                Verdict v = m.group(3).equals("FAILED") ? Verdict.FAILED : skipped ? Verdict.SKIPPED : Verdict.PASSED;
                tests.add(new TestResult(suite, test, v));
                test = null;
            }
        }
        return new CunitReport(List.copyOf(tests), Integer.parseInt(s.group(2)), Integer.parseInt(s.group(3)),
                Integer.parseInt(s.group(4)));
    }

    /** Counts per suite, in run order. */
    Map<String, SuiteCounts> bySuite() {
        Map<String, SuiteCounts> out = new LinkedHashMap<>();
        for (TestResult t : tests) {
            out.merge(t.suite(), new SuiteCounts(0, 0, 0).plus(t.verdict()), (a, b) -> a.plus(t.verdict()));
        }
        return out;
    }

    long count(Verdict v) {
        return tests.stream().filter(t -> t.verdict() == v).count();
    }

    /** A Markdown table: suite | passed | failed | skipped. */
    String table() {
        StringBuilder b = new StringBuilder("| suite | passed | failed | skipped |\n|---|---:|---:|---:|\n");
        bySuite().forEach((suite, c) -> b.append("| ").append(suite).append(" | ").append(c.passed()).append(" | ")
                .append(c.failed()).append(" | ").append(c.skipped()).append(" |\n"));
        b.append("| **total** (CUnit: ").append(ran).append(" ran, ").append(passed).append(" passed, ").append(failed)
                .append(" failed) | ").append(count(Verdict.PASSED)).append(" | ").append(count(Verdict.FAILED))
                .append(" | ").append(count(Verdict.SKIPPED)).append(" |\n");
        return b.toString();
    }
}
