package io.mpath4j.fuse;

import static io.mpath4j.nbd.PeerProcess.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.core.device.DeviceConfig;
import io.mpath4j.core.device.Engine;
import io.mpath4j.core.device.MultipathDevice;
import io.mpath4j.core.device.NoPathRetry;
import io.mpath4j.core.group.GroupingPolicies;
import io.mpath4j.core.monitor.MonitorConfig;
import io.mpath4j.nbd.PeerProcess;
import io.mpath4j.nbd.client.NbdClientOptions;
import io.mpath4j.nbd.client.NbdPath;
import io.mpath4j.nbd.client.NbdUri;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A path failure under FUSE load: two nbdkit servers (127.0.0.1 and 127.0.0.2) over one file are
 * the two paths of a multipath device exported as a file; fio writes and verifies through it with
 * O_DIRECT while one server is SIGKILLed. The application must see no error at all.
 */
class FuseFailoverIT {

    private static final NbdClientOptions OPTIONS = NbdClientOptions.DEFAULT
            .withConnectTimeout(Duration.ofSeconds(3))
            .withRequestTimeout(Duration.ofSeconds(5))
            .withFencingDelay(Duration.ofMillis(300))
            .withReconnect(Duration.ofMillis(50), Duration.ofMillis(400));
    private static final MonitorConfig MONITOR =
            new MonitorConfig(Duration.ofMillis(200), Duration.ofMillis(800), Duration.ofSeconds(2));

    private final List<AutoCloseable> closers = new ArrayList<>();
    private Path dir;

    @BeforeEach
    void setUp() throws IOException {
        PeerProcess.requireTool("nbdkit");
        PeerProcess.requireTool("fio");
        dir = Files.createTempDirectory("mpath4j-fuse-failover-it");
    }

    @AfterEach
    void tearDown() throws Exception {
        FuseTesting.closeAll(closers);
        FuseTesting.deleteTree(dir);
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        closers.add(c);
        return c;
    }

    private PeerProcess nbdkit(String ip, int port, Path file) {
        return closeLater(PeerProcess.startServer(cmd("nbdkit", "-f", "--exit-with-parent", "-i", ip,
                "-p", Integer.toString(port), "file", file.toString()), ip, port, Duration.ofSeconds(10)));
    }

    @Test
    void killingOneNbdkitUnderFioLoadGivesFioNoError() throws Exception {
        Path backing = dir.resolve("disk.img");
        try (RandomAccessFile raf = new RandomAccessFile(backing.toFile(), "rw")) {
            raf.setLength(64 << 20);
        }
        int port = PeerProcess.freePort();
        PeerProcess a = nbdkit("127.0.0.1", port, backing);
        nbdkit("127.0.0.2", port, backing);
        NbdPath pa = closeLater(NbdPath.connect(new NbdUri("127.0.0.1", port, ""), "fuse-it-unit", OPTIONS));
        NbdPath pb = closeLater(NbdPath.connect(new NbdUri("127.0.0.2", port, ""), "fuse-it-unit", OPTIONS));
        MultipathDevice d = closeLater(new MultipathDevice("mpath-fuse",
                DeviceConfig.defaults().withGrouping(GroupingPolicies.byKeyword("multibus"))
                        .withNoPathRetry(new NoPathRetry.Queue()),
                Engine.system(MONITOR), List.of(pa, pb)));
        FuseExport export = closeLater(FuseExport.mount(dir.resolve("mnt"), FuseOptions.DEFAULTS));
        export.add("mpath-fuse", d);

        // 4 jobs x 16 MiB, written then verified, three times: long enough to kill a server in the middle
        PeerProcess fio = closeLater(PeerProcess.start(
                FuseToolsIT.fio(export.file("mpath-fuse"), "randwrite", 4, 16 << 20, "--loops=3")));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (d.counters().submitted() < 4000 && fio.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(fio.isAlive()).as("fio still running when the server is killed").isTrue();
        long submittedAtKill = d.counters().submitted();
        a.kill();
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (fio.isAlive() && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        assertThat(fio.isAlive()).as("fio finished within 4 minutes").isFalse();
        int exit = fio.terminate(Duration.ofSeconds(5)); // fio has exited: this just collects its status
        String out = fio.output();
        System.out.printf("FuseFailoverIT: killed 127.0.0.1 after %d I/Os; %d submitted in all, %d redrives, %d failovers%n%s%n",
                submittedAtKill, d.counters().submitted(), d.counters().redrives(), d.counters().failovers(),
                out.lines().filter(l -> l.contains("IOPS") || l.contains("err")).toList());
        assertThat(exit).as("fio exit status; output:%n%s", out).isZero();
        assertThat(out).contains("err= 0").doesNotContain("verify: bad").doesNotContainPattern("err=\\s*[1-9]");
        assertThat(d.counters().submitted()).as("fio went on after the kill").isGreaterThan(submittedAtKill + 1000);
        assertThat(d.counters().completedFailed()).as("I/Os the device failed").isZero();
    }
}
