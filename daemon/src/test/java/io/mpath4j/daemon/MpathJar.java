package io.mpath4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.nbd.PeerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The shaded {@code mpath} jar as integration tests run it: in its own JVM (the one running the
 * tests), so that signals, exit codes and stdout/stderr are those an administrator sees.
 */
public final class MpathJar {

    public static final Path JAR = Path.of("target", "mpath.jar");

    private MpathJar() {}

    public static void requireBuilt() {
        assertThat(JAR).as("the shaded jar is built in the package phase, before failsafe runs").exists();
    }

    /** {@code java -jar target/mpath.jar ARGS…}. */
    public static List<String> command(String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Waits (bounded, 30 s) until the process has printed {@code text}, then asserts it did. */
    public static void awaitOutput(PeerProcess p, String text) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!p.output().contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(p.output()).contains(text);
    }
}
