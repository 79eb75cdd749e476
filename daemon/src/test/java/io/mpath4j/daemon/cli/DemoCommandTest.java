package io.mpath4j.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The newcomer's first command must work and show what it promises. */
class DemoCommandTest {

    private static String run(String... args) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            exit = MpathCommand.commandLine().execute(args);
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(out).isZero();
        return out;
    }

    @Test
    void labDemoFlipsAluaAndSurvivesAPortalKillWithoutErrors() {
        String out = run("demo", "--step", "300", "--threads", "4");
        assertThat(out).contains("two REAL iSCSI paths")
                .contains("port group 1 active/optimized").contains("port group 2 active/non-optimized")
                .contains(">>> ALUA flip")
                .contains("I/O moved to 127.0.0.2, now the optimized path.")
                .containsPattern("iscsi://127\\.0\\.0\\.2:\\d+/\\S+ failed faulty")   // the killed portal's path
                .contains("Failed back to the optimized path 127.0.0.2.")
                .containsPattern("Result: [0-9,]+ I/Os, 0 I/O errors, 0 data mismatches")
                .containsPattern("Longest I/O stall: \\d+ ms; 0 errors, 0 mismatches.")
                // the device as a file where FUSE mounts work (root or fusermount3), else the reason
                .containsPattern("The same device is also a file \\(FUSE\\): /\\S+/mpatha, 67,108,864 bytes"
                        + "|The FUSE file export is not available on this machine: ");
    }

    @Test
    void nbdDemoSurvivesAServerCrashWithoutErrors() {
        String out = run("demo", "--nbd", "--step", "300", "--threads", "4");
        assertThat(out).contains("two REAL NBD paths")
                .containsPattern("nbd://127\\.0\\.0\\.2:\\d+/disk failed faulty")   // the crashed server's path
                .contains("path reinstated")
                .containsPattern("Result: [0-9,]+ I/Os, 0 I/O errors, 0 data mismatches");
    }

    @Test
    void simulatedDemoFailsOverAndBackWithoutErrors() {
        String out = run("demo", "--simulated", "--step", "200", "--threads", "4");
        assertThat(out).contains("SIMULATED paths")
                .contains("failed faulty")                       // the reset path is shown failed
                .contains("failover: previous group has no usable path")
                .contains("failback (immediate)")
                .containsPattern("Result: [0-9,]+ I/Os, 0 I/O errors, 0 data mismatches");
        assertThat(out.indexOf("status=active")).isPositive();
    }

    @Test
    void badOptionsAreRejectedWithAMessage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cli = MpathCommand.commandLine();
        cli.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
        int exit = cli.execute("demo", "--step", "5");
        assertThat(exit).isNotZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: --step must be").doesNotContain("Exception");
    }
}
