package io.mpath4j.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.nbd.PeerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code mpath serve --fuse MOUNTPOINT} from the shaded jar in its own JVM: the device appears as
 * a file dd can use, SIGTERM unmounts it, and a mount left by a SIGKILLed run is cleaned up by the
 * next one.
 */
class ServeFuseIT {

    private static final Path JAR = Path.of("target", "mpath.jar");
    private Path dir;

    @BeforeEach
    void setUp() throws Exception {
        assertThat(JAR).as("the shaded jar is built in the package phase, before failsafe runs").exists();
        dir = Files.createTempDirectory("mpath4j-serve-fuse-it");
    }

    @AfterEach
    void tearDown() throws Exception {
        Path mnt = dir.resolve("mnt");
        // whatever happened, no mount may outlive the test
        PeerProcess.run(List.of("umount", "-l", mnt.toString()), Duration.ofSeconds(30));
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static List<String> serve(Path mnt) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-jar", JAR.toString(), "serve", "--fuse", mnt.toString(), "--wwid", "3600fuse", "memory:16M");
    }

    private static boolean mounted(Path mnt) throws Exception {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .anyMatch(l -> l.split(" ")[4].equals(mnt.toString()));
    }

    @Test
    void servesTheDeviceAsAFileAndUnmountsOnSigterm() throws Exception {
        Path mnt = dir.resolve("mnt");
        Path file = mnt.resolve("mpatha");
        try (PeerProcess serve = PeerProcess.start(serve(mnt))) {
            awaitOutput(serve, "serving mpatha as the file " + file);
            assertThat(Files.size(file)).isEqualTo(16 << 20);
            PeerProcess.run(List.of("dd", "if=/dev/urandom", "of=" + file, "bs=64k", "count=16", "conv=notrunc,fsync",
                    "status=none"), Duration.ofSeconds(60)).requireSuccess("dd into the served file");
            assertThat(serve.terminate(Duration.ofSeconds(20))).isIn(0, 143);
            assertThat(serve.output()).contains("stopped");
            assertThat(mounted(mnt)).as("unmounted after SIGTERM").isFalse();
        }
    }

    @Test
    void aMountLeftByAKilledRunIsCleanedUpByTheNextRun() throws Exception {
        Path mnt = dir.resolve("mnt");
        Path file = mnt.resolve("mpatha");
        try (PeerProcess crashed = PeerProcess.start(serve(mnt))) {
            awaitOutput(crashed, "serving mpatha as the file");
            crashed.kill();
        }
        // the kernel keeps the mount; its daemon is gone
        assertThat(mounted(mnt)).isTrue();
        try (PeerProcess serve = PeerProcess.start(serve(mnt))) {
            awaitOutput(serve, "serving mpatha as the file " + file);
            assertThat(Files.size(file)).isEqualTo(16 << 20);
            serve.terminate(Duration.ofSeconds(20));
        }
        assertThat(mounted(mnt)).isFalse();
    }

    private static void awaitOutput(PeerProcess p, String text) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!p.output().contains(text)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("expected '" + text + "' from mpath serve; output:\n" + p.output());
            }
            Thread.sleep(50);
        }
    }
}
