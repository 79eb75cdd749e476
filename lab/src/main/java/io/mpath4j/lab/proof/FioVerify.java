package io.mpath4j.lab.proof;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * fio through an NBD export, verifying what it wrote: random 4 KiB writes with a crc32c header per
 * block, and {@code --verify_backlog} makes each job read back and check every block it wrote
 * while it goes on writing. A time-based randrw job never verifies (fio's verify phase follows the
 * write phase, which a time-based job never leaves), so the torture writes and verifies this way;
 * {@link Result#verifyReads()} (the reads fio issued) shows that the checks ran.
 */
public final class FioVerify {

    /** Jobs × depth = 32 I/Os in flight. */
    static final int JOBS = 2;
    static final int DEPTH = 16;
    /** Each written block is read back and checked before more than this many further writes. */
    static final int BACKLOG = 256;

    private FioVerify() {
    }

    /** The command: {@code JOBS} jobs, each on its own {@code regionBytes} from {@code offsetBytes} on. */
    public static List<String> command(String nbdUri, long offsetBytes, long regionBytes, Duration runtime) {
        return List.of("fio", "--name=torture", "--ioengine=nbd", "--uri=" + nbdUri, "--rw=randwrite", "--bs=4k",
                "--iodepth=" + DEPTH, "--numjobs=" + JOBS, "--offset=" + offsetBytes, "--size=" + regionBytes,
                "--offset_increment=" + regionBytes, "--runtime=" + Math.max(1, runtime.toSeconds()), "--time_based",
                "--verify=crc32c", "--verify_backlog=" + BACKLOG, "--verify_fatal=1", "--verify_state_save=0",
                "--group_reporting");
    }

    /**
     * What fio said: its exit status, the reads (= verify reads: the job only writes) and writes it
     * issued, its error count, whether it reported a bad block, and its IOPS lines.
     */
    public record Result(int exitCode, long verifyReads, long writes, long errors, boolean verifyBad, String summary) {

        public boolean passed() {
            return exitCode == 0 && !verifyBad && errors == 0 && verifyReads > 0;
        }

        @Override
        public String toString() {
            return String.format("fio exit %d, %d writes, %d verify reads, %d errors%s; %s", exitCode, writes,
                    verifyReads, errors, verifyBad ? ", VERIFY BAD" : "", summary);
        }
    }

    private static final Pattern ISSUED = Pattern.compile("issued rwts: total=(\\d+),(\\d+),");
    private static final Pattern ERR = Pattern.compile("err=\\s*(\\d+)");
    private static final Pattern IOPS = Pattern.compile("(read|write): IOPS=([0-9.k]+)");

    /** Parses fio's normal output (with {@code --group_reporting}: one block for all jobs). */
    public static Result parse(int exitCode, String output) {
        long reads = 0;
        long writes = 0;
        Matcher m = ISSUED.matcher(output);
        while (m.find()) {
            reads += Long.parseLong(m.group(1));
            writes += Long.parseLong(m.group(2));
        }
        long errors = 0;
        m = ERR.matcher(output);
        while (m.find()) {
            errors += Long.parseLong(m.group(1));
        }
        StringBuilder summary = new StringBuilder();
        m = IOPS.matcher(output);
        while (m.find()) {
            summary.append(summary.isEmpty() ? "" : ", ").append(m.group(1)).append(" IOPS=").append(m.group(2));
        }
        boolean bad = output.contains("verify: bad") || output.contains("bad magic") || output.contains("crc32c: verify failed");
        return new Result(exitCode, reads, writes, errors, bad, summary.isEmpty() ? "no IOPS lines" : summary.toString());
    }
}
