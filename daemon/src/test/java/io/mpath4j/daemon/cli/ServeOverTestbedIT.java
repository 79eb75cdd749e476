package io.mpath4j.daemon.cli;

import static io.mpath4j.nbd.Await.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.lab.testbed.Testbed;
import io.mpath4j.nbd.PeerProcess;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code mpath serve} over real links: the lab test bed (root) with two paths as network
 * namespaces, nbdkit in each target namespace on one file, mpath serve and fio (crc32c verified)
 * in the initiator namespace; path 1's link is cut silently under load (no RST, no FIN: only the
 * request timeout notices) and restored. Skipped, with the reason, when not root.
 */
class ServeOverTestbedIT {

    private static final Path JAR = Path.of("target", "mpath.jar").toAbsolutePath();
    private Path file;
    private Testbed bed;

    @BeforeEach
    void setUp() throws IOException {
        Testbed.assumeAvailable();
        assertThat(JAR).as("the shaded jar is built in the package phase, before failsafe runs").exists();
        PeerProcess.requireTool("nbdkit");
        PeerProcess.requireTool("fio");
        file = Files.createTempFile(Path.of("/dev/shm"), "mpath4j-serve-bed-", ".img");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(64 << 20);
        }
    }

    @AfterEach
    void tearDown() throws IOException {
        if (bed != null) {
            bed.close(); // kills serve, fio and nbdkit inside the namespaces, also after a failure
        }
        if (file != null) {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void aSilentLinkCutUnderLoadLosesNoIoAndTheRestoredPathIsReinstated() throws Exception {
        bed = Testbed.create(Testbed.uniquePrefix("mp4js"), 2);
        String a1 = bed.addr(1);
        String a2 = bed.addr(2);
        for (int path = 1; path <= 2; path++) {
            bed.start("run-target", Integer.toString(path), "nbdkit", "-f", "--exit-with-parent", "-i", bed.addr(path),
                    "file", file.toString());
        }
        for (String a : new String[] {a1, a2}) {
            waitFor(() -> bed.run("run-init", "timeout", "2", "nbdinfo", "--size", "nbd://" + a).exitCode() == 0,
                    Duration.ofSeconds(15), "nbdkit at " + a + " reachable from the initiator namespace");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        PeerProcess serve = bed.start("run-init", java, "-jar", JAR.toString(), "serve", "--nbd", "127.0.0.1:10810/disk",
                "--wwid", "3600testbed", "--polling-interval", "1", "--request-timeout", "3", "--fencing-delay", "1",
                "nbd://" + a1 + "/", "nbd://" + a2 + "/");
        waitFor(() -> serve.output().contains("serving mpatha at "), Duration.ofSeconds(30), "mpath serve up");

        CompletableFuture<PeerProcess.Result> fio = CompletableFuture.supplyAsync(() -> bed.run("run-init", "fio",
                "--name=bed-it", "--ioengine=nbd", "--uri=nbd://127.0.0.1:10810/disk", "--rw=randrw", "--bs=4k",
                "--iodepth=16", "--size=16M", "--verify=crc32c", "--verify_fatal=1", "--verify_state_save=0", "--runtime=12", "--time_based"));
        Thread.sleep(3_000);
        long cut = System.nanoTime();
        bed.run("cut", "1").requireSuccess("cut 1");
        String failed = "nbd://" + a1 + ":10809/: path failed";
        waitFor(() -> serve.output().contains(failed), Duration.ofSeconds(15), "the cut path is failed");
        long detectedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cut);
        PeerProcess.Result r = fio.get(90, TimeUnit.SECONDS);
        assertThat(r.exitCode()).as(r.output() + "\n--- serve:\n" + serve.output()).isZero();
        assertThat(r.output()).contains("err= 0").doesNotContain("verify:");

        bed.run("restore", "1").requireSuccess("restore 1");
        waitFor(() -> serve.output().contains("nbd://" + a1 + ":10809/: path reinstated"), Duration.ofSeconds(30),
                "the restored path is reinstated");
        System.out.printf("ServeOverTestbedIT: silent cut seen as a path failure after %d ms (request timeout 3 s); fio: %s%n",
                detectedMs, r.output().lines().filter(l -> l.contains("IOPS")).toList());
    }
}
