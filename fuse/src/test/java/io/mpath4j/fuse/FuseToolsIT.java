package io.mpath4j.fuse;

import static io.mpath4j.nbd.PeerProcess.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.core.device.DeviceConfig;
import io.mpath4j.core.device.Engine;
import io.mpath4j.core.device.MultipathDevice;
import io.mpath4j.core.monitor.MonitorConfig;
import io.mpath4j.core.path.PathIdentity;
import io.mpath4j.core.sim.MemoryPath;
import io.mpath4j.core.sim.SimulatedMedium;
import io.mpath4j.nbd.PeerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The exported file used by the programs the export is for: fio (libaio, O_DIRECT, crc32c
 * verification, several jobs at once) and losetup + mkfs.ext4 + mount. Every mount and loop
 * device is released in tearDown, also when a test fails.
 */
class FuseToolsIT {

    private final List<AutoCloseable> closers = new ArrayList<>();
    private Path dir;

    @BeforeEach
    void setUp() throws IOException {
        for (String tool : List.of("fio", "losetup", "mkfs.ext4", "mount", "umount")) {
            PeerProcess.requireTool(tool);
        }
        dir = Files.createTempDirectory("mpath4j-fuse-tools-it");
    }

    @AfterEach
    void tearDown() throws Exception {
        FuseTesting.closeAll(closers);
        FuseTesting.deleteTree(dir);
    }

    private FuseExport exportMemoryDevice(String name, long size, FuseOptions options) throws IOException {
        MultipathDevice d = new MultipathDevice(name, DeviceConfig.defaults(), Engine.system(MonitorConfig.DEFAULT),
                List.of(new MemoryPath(PathIdentity.of("memory:" + name, FuseExportIT.WWID), new SimulatedMedium(size, 512))));
        closers.add(d);
        FuseExport e = FuseExport.mount(dir.resolve("mnt"), options);
        closers.add(e);
        e.add(name, d);
        return e;
    }

    @Test
    void fioWithLibaioDirectIoVerifiesEveryBlock() throws Exception {
        FuseExport export = exportMemoryDevice("fio0", 64 << 20, FuseOptions.DEFAULTS);
        PeerProcess.Result r = PeerProcess.run(fio(export.file("fio0"), "randwrite", 4, 16 << 20, "--loops=2"),
                Duration.ofMinutes(5));
        r.requireSuccess("fio");
        assertThat(r.output()).contains("err= 0").doesNotContain("verify: bad").doesNotContainPattern("err=\\s*[1-9]");
        System.out.println("FuseToolsIT fio: " + r.output().lines().filter(l -> l.contains("IOPS")).toList());
    }

    /** fio over {@code jobs} disjoint regions of {@code perJob} bytes, writing then verifying every block. */
    static List<String> fio(Path file, String rw, int jobs, long perJob, String... more) {
        List<String> c = cmd("fio", "--name=fuse-verify", "--filename=" + file, "--ioengine=libaio", "--direct=1",
                "--rw=" + rw, "--bs=4k", "--iodepth=16", "--numjobs=" + jobs, "--size=" + perJob,
                "--offset_increment=" + perJob, "--verify=crc32c", "--do_verify=1", "--verify_fatal=1",
                "--group_reporting");
        c.addAll(List.of(more));
        return c;
    }

    @Test
    void losetupMkfsExt4MountAndFilesSurviveARemount() throws Exception {
        FuseExport export = exportMemoryDevice("ext4", 128 << 20, FuseOptions.DEFAULTS);
        Path fsMount = Files.createDirectories(dir.resolve("ext4mnt"));
        Map<String, String> sums = new LinkedHashMap<>();
        Random r = new Random(11);
        try (LoopMount first = LoopMount.attach(export.file("ext4"))) {
            PeerProcess.run(cmd("mkfs.ext4", "-q", "-F", first.loop), Duration.ofMinutes(2)).requireSuccess("mkfs.ext4");
            first.mount(fsMount);
            for (int i = 0; i < 5; i++) {
                byte[] data = new byte[(1 + r.nextInt(3)) << 20];
                r.nextBytes(data);
                Path f = fsMount.resolve("file" + i + ".bin");
                Files.write(f, data);
                sums.put(f.getFileName().toString(), FuseTesting.sha256(f));
            }
        }
        // everything went through the FUSE file: a new loop device and mount see it all
        try (LoopMount second = LoopMount.attach(export.file("ext4"))) {
            PeerProcess.run(cmd("fsck.ext4", "-n", "-f", second.loop), Duration.ofMinutes(2)).requireSuccess("fsck.ext4 -n");
            second.mount(fsMount);
            for (var e : sums.entrySet()) {
                assertThat(FuseTesting.sha256(fsMount.resolve(e.getKey()))).as(e.getKey()).isEqualTo(e.getValue());
            }
        }
    }

    /** A loop device over a file, and optionally a mount of it; close unmounts and detaches, also after a failure. */
    static final class LoopMount implements AutoCloseable {
        final String loop;
        private Path mounted;

        private LoopMount(String loop) {
            this.loop = loop;
        }

        static LoopMount attach(Path file) {
            PeerProcess.Result r = PeerProcess.run(cmd("losetup", "-f", "--show", file.toString()), Duration.ofSeconds(60));
            r.requireSuccess("losetup -f --show " + file);
            return new LoopMount(r.output().strip());
        }

        void mount(Path at) {
            PeerProcess.run(cmd("mount", loop, at.toString()), Duration.ofSeconds(60)).requireSuccess("mount " + loop);
            mounted = at;
        }

        @Override
        public void close() {
            if (mounted != null) {
                PeerProcess.Result u = PeerProcess.run(cmd("umount", mounted.toString()), Duration.ofSeconds(60));
                if (u.exitCode() != 0) {
                    PeerProcess.run(cmd("umount", "-l", mounted.toString()), Duration.ofSeconds(60));
                }
            }
            PeerProcess.run(cmd("losetup", "-d", loop), Duration.ofSeconds(60)).requireSuccess("losetup -d " + loop);
        }
    }
}
