package io.mpath4j.daemon.cli;

import static io.mpath4j.daemon.MpathJar.awaitOutput;
import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.daemon.MpathJar;
import io.mpath4j.nbd.PeerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code mpath serve --connections N} from the shaded jar against a real nbdkit: N TCP connections
 * to one export are N paths of the device, I/O spreads over all of them, fio's verification
 * survives one connection being destroyed under load ({@code ss -K}), the lost path reconnects; and
 * an export without {@code NBD_FLAG_CAN_MULTI_CONN} (nbdkit's multi-conn filter) is refused with a
 * message saying why.
 */
class ServeConnectionsIT {

    private static final Pattern RECEIVED = Pattern.compile("bytes_received:(\\d+)");
    /** "127.0.0.1:PORT PEER:PORT", or as the JVM's dual-stack sockets show it, "[::ffff:127.0.0.1]:PORT …". */
    private static final Pattern LOCAL_PORT = Pattern.compile("^\\s*\\d+\\s+\\d+\\s+(?:\\[::ffff:)?127\\.0\\.0\\.1]?:(\\d+)\\s");
    private final List<PeerProcess> processes = new ArrayList<>();
    private Path dir;

    @BeforeEach
    void setUp() throws Exception {
        MpathJar.requireBuilt();
        PeerProcess.requireTool("nbdkit");
        PeerProcess.requireTool("fio");
        PeerProcess.requireTool("ss");
        dir = Files.createTempDirectory("mpath4j-serve-connections-it");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (PeerProcess p : processes.reversed()) {
            p.close();
        }
        // whatever happened, no mount may outlive the test
        PeerProcess.run(List.of("umount", "-l", dir.resolve("mnt").toString()), Duration.ofSeconds(30));
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private PeerProcess started(PeerProcess p) {
        processes.add(p);
        return p;
    }

    private PeerProcess nbdkit(int port, String... pluginAndFilters) {
        // --threads 1: nbdkit 1.32 can abort when a connection is reset under load with several
        // workers replying (see NbdGhostWriteIT); this test resets one with ss -K
        List<String> cmd = new ArrayList<>(List.of("nbdkit", "-f", "--threads", "1", "--exit-with-parent", "-i", "127.0.0.1", "-p",
                Integer.toString(port)));
        cmd.addAll(List.of(pluginAndFilters));
        return started(PeerProcess.startServer(cmd, "127.0.0.1", port, Duration.ofSeconds(10)));
    }

    private static List<String> serve(Path mnt, int connections, int port) {
        return MpathJar.command("serve", "--fuse", mnt.toString(), "--connections", Integer.toString(connections),
                "--wwid", "3600conns", "--polling-interval", "1", "--request-timeout", "3", "--fencing-delay", "1",
                "nbd://127.0.0.1:" + port + "/");
    }

    /** The client ends of our established connections to {@code port}: {local port, bytes received}. */
    private static List<long[]> connections(int port) throws Exception {
        String out = PeerProcess.run(List.of("ss", "-Htni", "state", "established", "dst", "127.0.0.1", "dport", "=", ":" + port),
                Duration.ofSeconds(10)).requireSuccess("ss").output();
        List<long[]> conns = new ArrayList<>();
        for (String line : out.split("\n")) {
            Matcher local = LOCAL_PORT.matcher(line);
            Matcher rx = RECEIVED.matcher(line);
            if (local.find()) {
                conns.add(new long[] {Long.parseLong(local.group(1)), 0});
            } else if (rx.find() && !conns.isEmpty()) {
                // ss -i prints a socket's counters on the line after its addresses
                conns.getLast()[1] = Long.parseLong(rx.group(1));
            }
        }
        return conns;
    }

    @Test
    void fourConnectionsAreFourPathsAndFioSurvivesOneDestroyed() throws Exception {
        int port = PeerProcess.freePort();
        nbdkit(port, "memory", "64M");
        Path mnt = dir.resolve("mnt");
        Path file = mnt.resolve("mpatha");
        PeerProcess serve = started(PeerProcess.start(serve(mnt, 4, port)));
        awaitOutput(serve, "serving mpatha as the file " + file);
        String nbd = "nbd://127.0.0.1:" + port + "/";
        assertThat(serve.output()).contains(nbd + " active", nbd + "#2 active", nbd + "#3 active", nbd + "#4 active");
        assertThat(connections(port)).hasSize(4);

        PeerProcess.run(fio(file, "--loops=1"), Duration.ofMinutes(4)).requireSuccess("fio write + verify over 4 connections");
        List<long[]> before = connections(port);
        assertThat(before).as("4 connections after fio").hasSize(4);
        // service-time spreads the load: every connection carried read data (fio's verify phase alone reads 32 MiB)
        assertThat(before).allSatisfy(c -> assertThat(c[1]).as("bytes received on local port %d", c[0]).isGreaterThan(1 << 20));

        PeerProcess fio = started(PeerProcess.start(fio(file, "--loops=5")));
        Thread.sleep(1500);
        assertThat(fio.isAlive()).as("fio still running when a connection is destroyed").isTrue();
        long victim = before.getFirst()[0];
        PeerProcess.run(List.of("ss", "-K", "-tn", "dst", "127.0.0.1", "dport", "=", ":" + port, "sport", "=", ":" + victim),
                Duration.ofSeconds(10)).requireSuccess("ss -K");
        long end = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (fio.isAlive() && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        assertThat(fio.isAlive()).as("fio finished within 4 minutes").isFalse();
        int exit = fio.terminate(Duration.ofSeconds(5)); // fio has exited: this just collects its status
        assertThat(exit).as("fio exit status; output:%n%s", fio.output()).isZero();
        assertThat(fio.output()).doesNotContain("verify: bad").doesNotContainPattern("err=\\s*[1-9]");
        assertThat(serve.output()).as("the device reported the lost path").contains("event: ");

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (connections(port).size() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(connections(port)).as("the destroyed connection was made again").hasSize(4)
                .noneMatch(c -> c[0] == victim);
        assertThat(serve.terminate(Duration.ofSeconds(20))).isIn(0, 143);
    }

    @Test
    void refusesSeveralConnectionsToAnExportWithoutMultiConn() throws Exception {
        int port = PeerProcess.freePort();
        nbdkit(port, "--filter=multi-conn", "memory", "16M", "multi-conn-mode=disable");
        PeerProcess.Result r = PeerProcess.run(serve(dir.resolve("mnt"), 2, port), Duration.ofSeconds(60));
        assertThat(r.exitCode()).as(r.output()).isEqualTo(2);
        assertThat(r.output()).contains("error: --connections 2: nbd://127.0.0.1:" + port + "/ does not advertise NBD_FLAG_CAN_MULTI_CONN",
                "use --connections 1");
        assertThat(connections(port)).as("the connections it opened are closed again").isEmpty();

        // one connection to the same export is fine
        Path mnt = dir.resolve("mnt");
        PeerProcess serve = started(PeerProcess.start(serve(mnt, 1, port)));
        awaitOutput(serve, "serving mpatha as the file " + mnt.resolve("mpatha"));
        assertThat(serve.terminate(Duration.ofSeconds(20))).isIn(0, 143);
    }

    private static List<String> fio(Path file, String loops) {
        return List.of("fio", "--name=conns", "--filename=" + file, "--ioengine=libaio", "--direct=1", "--rw=randwrite", "--bs=4k",
                "--iodepth=16", "--numjobs=4", "--size=8M", "--offset_increment=8M", "--verify=crc32c", "--do_verify=1",
                "--verify_fatal=1", "--group_reporting", loops);
    }
}
