package io.mpath4j.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.lab.testbed.Testbed;
import io.mpath4j.nbd.PeerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code mpath torture --target tgt} as a tester runs it (the shaded jar, root): a real tgtd in a
 * netns test bed, silent link cuts, connection closes and rate limits on 2 and 4 links for 30 s
 * each, under the Java verifying workload and fio. Skipped, with the reason, when not root; the
 * seeds are fixed so that each run cuts a link.
 */
class TgtTortureIT {

    private static final Path JAR = Path.of("target", "mpath.jar").toAbsolutePath();

    @BeforeEach
    void setUp() {
        Testbed.assumeAvailable();
        assertThat(JAR).as("the shaded jar is built in the package phase, before failsafe runs").exists();
        PeerProcess.requireTool("tgtd");
        PeerProcess.requireTool("fio");
    }

    @Test
    void twoLinksToTgtSurviveCutsClosesAndRateLimits() {
        torture(2, 1);
    }

    @Test
    void fourLinksToTgtSurviveCutsClosesAndRateLimits() {
        torture(4, 4);
    }

    private static void torture(int paths, long seed) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        PeerProcess.Result r = PeerProcess.run(List.of(java, "-jar", JAR.toString(), "torture", "--target", "tgt",
                "--paths", Integer.toString(paths), "--duration", "30s", "--seed", Long.toString(seed)), Duration.ofSeconds(240));
        String out = r.output();
        System.out.println(out);
        assertThat(r.exitCode()).as(out).isZero();
        assertThat(out).contains("test bed 'mpt").contains("tgtd, " + paths + " portals in test bed")
                .contains("LINK_CUT").contains("0 errors/mismatches").contains("PASS")
                .contains("note: tgt has no ALUA target port groups: no ALUA flips");
        Matcher fio = Pattern.compile("fio exit 0, (\\d+) writes, (\\d+) verify reads, 0 errors").matcher(out);
        assertThat(fio.find()).as("fio clean: " + out).isTrue();
        assertThat(Long.parseLong(fio.group(2))).as("fio read back what it wrote").isPositive();
        assertThat(out).doesNotContain("NEW FAILURES").doesNotContain("VERIFY BAD");
    }
}
