package io.mpath4j.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.nbd.PeerProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code mpath lab target} as a tester runs it: the shaded jar in its own JVM with two portals in
 * two ALUA groups; {@code mpath lab set} (another JVM) swaps the groups; {@code mpath discover}
 * (a third) sees the states change through each portal; SIGTERM stops the target cleanly.
 */
class LabTargetCommandIT {

    private static final Path JAR = Path.of("target", "mpath.jar");
    private Process target;

    @AfterEach
    void stop() {
        if (target != null) {
            target.destroyForcibly();
        }
    }

    private static List<String> mpath(String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static String run(String... args) {
        return PeerProcess.run(mpath(args), Duration.ofSeconds(60)).requireSuccess(String.join(" ", args)).output();
    }

    @Test
    void labSetFlipsAluaStatesThatDiscoverSees() throws Exception {
        assertThat(JAR).as("the shaded jar is built in the package phase, before failsafe runs").exists();
        target = new ProcessBuilder(mpath("lab", "target", "--portal", "127.0.0.1:0", "--portal", "127.0.0.2:0",
                "--size", "16M", "--alua", "--control", "127.0.0.1:0")).redirectErrorStream(true).start();
        // Process.destroy() closes our end of its output, so a thread collects it as it comes
        StringBuffer all = new StringBuffer();
        Thread collector = Thread.ofVirtual().start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(target.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    all.append(line).append('\n');
                }
            } catch (java.io.IOException closed) {
                // the process is gone
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!all.toString().contains("\nready\n") && target.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        String text = all.toString();
        assertThat(text).contains("ready");
        assertThat(text).contains("port group 1 active/optimized").contains("port group 2 active/non-optimized");
        Matcher portals = Pattern.compile("  portal (127\\.0\\.0\\.[12]:\\d+) tpgt").matcher(text);
        assertThat(portals.find()).isTrue();
        String first = portals.group(1);
        assertThat(portals.find()).isTrue();
        String second = portals.group(1);
        Matcher c = Pattern.compile("control (127\\.0\\.0\\.1:\\d+)").matcher(text);
        assertThat(c.find()).as(text).isTrue();
        String control = c.group(1);

        assertThat(run("discover", "iscsi://" + first)).contains("[active/optimized]");
        assertThat(run("discover", "iscsi://" + second)).contains("[active/non-optimized]");

        assertThat(run("lab", "set", "--control", control, "group", "1", "standby")).contains("port group 1 standby");
        assertThat(run("lab", "set", "--control", control, "group", "2", "active-optimized"))
                .contains("port group 2 active/optimized");
        assertThat(run("discover", "iscsi://" + first)).contains("[standby]");
        assertThat(run("discover", "iscsi://" + second)).contains("[active/optimized]");

        ProcessHandle.of(target.pid()).orElseThrow().destroy(); // SIGTERM, with our end of its output still open
        assertThat(target.waitFor(20, TimeUnit.SECONDS)).isTrue();
        collector.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(all.toString()).endsWith("stopped\n");
    }
}
