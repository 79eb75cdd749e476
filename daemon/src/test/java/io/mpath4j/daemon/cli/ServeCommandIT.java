package io.mpath4j.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.nbd.PeerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code mpath serve} as an administrator runs it: the shaded jar in its own JVM, two nbdkit
 * servers over one backing file at 127.0.0.1 and 127.0.0.2 as its paths, real clients (nbdinfo,
 * fio with crc32c verification) on its export, one server killed under load and brought back.
 */
class ServeCommandIT {

    private static final Path JAR = Path.of("target", "mpath.jar");
    private Path backing;
    private PeerProcess serverA;
    private PeerProcess serverB;
    private int portA;
    private int portB;

    @BeforeEach
    void startServers() throws IOException {
        assertThat(JAR).as("the shaded jar is built in the package phase, before failsafe runs").exists();
        backing = Files.createTempFile(Path.of("/dev/shm"), "mpath4j-serve-", ".img");
        try (var f = java.nio.channels.FileChannel.open(backing, java.nio.file.StandardOpenOption.WRITE)) {
            f.truncate(0);
            f.write(java.nio.ByteBuffer.allocate(1), (64L << 20) - 1);
        }
        portA = PeerProcess.freePort();
        portB = PeerProcess.freePort();
        serverA = nbdkit("127.0.0.1", portA);
        serverB = nbdkit("127.0.0.2", portB);
    }

    private PeerProcess nbdkit(String host, int port) {
        return PeerProcess.startServer(List.of("nbdkit", "-f", "--exit-with-parent", "-i", host, "-p", Integer.toString(port),
                "file", backing.toString()), host, port, Duration.ofSeconds(10));
    }

    @AfterEach
    void stopServers() throws IOException {
        for (PeerProcess p : new PeerProcess[] {serverA, serverB}) {
            if (p != null) {
                p.close();
            }
        }
        Files.deleteIfExists(backing);
    }

    private static List<String> mpath(String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    @Test
    void servesOneDeviceFromTwoNbdPathsAndSurvivesAServerKill() throws Exception {
        int port = PeerProcess.freePort();
        String export = "nbd://127.0.0.1:" + port + "/disk";
        try (PeerProcess serve = PeerProcess.startServer(mpath("serve", "--nbd", "127.0.0.1:" + port + "/disk",
                        "--wwid", "3600serveit", "--polling-interval", "1", "--request-timeout", "3", "--fencing-delay", "1",
                        "nbd://127.0.0.1:" + portA + "/", "nbd://127.0.0.2:" + portB + "/"),
                "127.0.0.1", port, Duration.ofSeconds(30))) {
            awaitOutput(serve, "serving mpatha at ");
            assertThat(serve.output()).contains("serving mpatha at " + export)
                    .contains("nbd://127.0.0.1:" + portA + "/ active").contains("nbd://127.0.0.2:" + portB + "/ active");

            String info = PeerProcess.run(List.of("nbdinfo", "--json", export), Duration.ofSeconds(20))
                    .requireSuccess("nbdinfo").output();
            assertThat(info).containsPattern("\"export-size\":\\s*67108864").containsPattern("\"can_multi_conn\":\\s*true");

            CompletableFuture<PeerProcess.Result> fio = CompletableFuture.supplyAsync(() -> PeerProcess.run(List.of("fio",
                    "--name=serve-it", "--ioengine=nbd", "--uri=" + export, "--rw=randrw", "--bs=4k", "--iodepth=16",
                    "--size=16M", "--verify=crc32c", "--verify_fatal=1", "--runtime=6", "--time_based"), Duration.ofSeconds(60)));
            Thread.sleep(2_000);
            serverB.kill(); // SIGKILL: the path's connection is reset under load
            PeerProcess.Result r = fio.get();
            assertThat(r.exitCode()).as(r.output() + "\n--- serve:\n" + serve.output()).isZero();
            assertThat(r.output()).contains("err= 0").doesNotContain("verify:");
            assertThat(serve.output()).contains("nbd://127.0.0.2:" + portB + "/: path failed");

            serverB = nbdkit("127.0.0.2", portB);
            awaitOutput(serve, "nbd://127.0.0.2:" + portB + "/: path reinstated");

            // SIGTERM: a clean stop closes the export and the paths before exiting (143 = killed by SIGTERM
            // is what a JVM reports after its shutdown hooks ran).
            assertThat(serve.terminate(Duration.ofSeconds(20))).isIn(0, 143);
            assertThat(serve.output()).contains("stopping: closing the export").contains("stopped");
        }
    }

    /** Waits (bounded) until the process has printed {@code text}, then asserts it did. */
    private static void awaitOutput(PeerProcess p, String text) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!p.output().contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(p.output()).contains(text);
    }

    /**
     * The administrator's view of a running serve: `mpath show topology` / `fail path` /
     * `reinstate path` from a second JVM over the management socket, and a Prometheus scrape with
     * curl, while fio runs against the export.
     */
    @Test
    void answersManagementCommandsAndServesMetrics() throws Exception {
        int port = PeerProcess.freePort();
        int metricsPort = PeerProcess.freePort();
        Path dir = Files.createTempDirectory("mpath4j-serve-it");
        Path socket = dir.resolve("mpath.sock");
        String pathB = "nbd://127.0.0.2:" + portB + "/";
        try (PeerProcess serve = PeerProcess.startServer(mpath("serve", "--nbd", "127.0.0.1:" + port + "/disk",
                        "--wwid", "3600mgmtit", "--polling-interval", "1", "--socket", socket.toString(),
                        "--metrics", "127.0.0.1:" + metricsPort, "nbd://127.0.0.1:" + portA + "/", pathB),
                "127.0.0.1", port, Duration.ofSeconds(30))) {
            awaitOutput(serve, "serving mpatha at ");
            assertThat(serve.output()).contains("management socket " + socket).contains("metrics at http://127.0.0.1:" + metricsPort + "/metrics");

            String topology = PeerProcess.run(mpath("show", "topology", "-s", socket.toString()), Duration.ofSeconds(30))
                    .requireSuccess("show topology").output();
            assertThat(topology).startsWith("mpatha (3600mgmtit) mpath4j NBD,").contains(pathB + " active");

            assertThat(PeerProcess.run(mpath("fail", "path", pathB, "-s", socket.toString()), Duration.ofSeconds(30))
                    .requireSuccess("fail path").output()).isEqualTo("ok\n");
            String json = PeerProcess.run(mpath("show", "paths", "--json", "-s", socket.toString()), Duration.ofSeconds(30))
                    .requireSuccess("show paths").output();
            assertThat(json).containsPattern("\"name\" : \"" + java.util.regex.Pattern.quote(pathB) + "\"[^}]*\"admin_failed\" : true");

            PeerProcess.run(List.of("fio", "--name=metrics-it", "--ioengine=nbd", "--uri=nbd://127.0.0.1:" + port + "/disk",
                    "--rw=randread", "--bs=4k", "--iodepth=8", "--size=8M", "--io_size=4M"), Duration.ofSeconds(60)).requireSuccess("fio");
            String scrape = PeerProcess.run(List.of("curl", "-sf", "http://127.0.0.1:" + metricsPort + "/metrics"), Duration.ofSeconds(20))
                    .requireSuccess("curl").output();
            // every 4 KiB read went to path A: B was failed by hand
            assertThat(scrape).containsPattern("mpath_path_io_total\\{device=\"mpatha\",path=\"nbd://127.0.0.1:" + portA + "/\"} [1-9]")
                    .contains("mpath_path_up{device=\"mpatha\",path=\"" + pathB + "\"} 0")
                    .contains("mpath_device_io_failed_total{device=\"mpatha\"} 0");

            assertThat(PeerProcess.run(mpath("reinstate", "path", pathB, "-s", socket.toString()), Duration.ofSeconds(30))
                    .requireSuccess("reinstate path").exitCode()).isZero();
            PeerProcess.Result bad = PeerProcess.run(mpath("fail", "path", "nbd://nowhere/", "-s", socket.toString()), Duration.ofSeconds(30));
            assertThat(bad.exitCode()).isEqualTo(1);
            assertThat(bad.output()).startsWith("error: no path 'nbd://nowhere/'");

            assertThat(serve.terminate(Duration.ofSeconds(20))).isIn(0, 143);
            assertThat(socket).doesNotExist();
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void missingWwidIsAOneLineError() {
        PeerProcess.Result r = PeerProcess.run(mpath("serve", "--nbd", "127.0.0.1:1/x", "nbd://127.0.0.1:" + portA + "/"),
                Duration.ofSeconds(30));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.output()).contains("error: --wwid is required").doesNotContain("Exception");
    }

    @Test
    void badUriIsAOneLineError() {
        PeerProcess.Result r = PeerProcess.run(mpath("serve", "--nbd", "127.0.0.1:1/x", "--wwid", "w", "nbd://127.0.0.1:notaport/"),
                Duration.ofSeconds(30));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.output()).startsWith("error: ").doesNotContain("Exception");
    }
}
