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
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link FuseExport} mounted for real (libfuse3, /dev/fuse) over an in-memory multipath device,
 * exercised by dd and by Java file I/O through the kernel.
 */
class FuseExportIT {

    static final String WWID = "naa.600140500000000000000000000f05e1";

    private final List<AutoCloseable> closers = new ArrayList<>();
    private Path dir;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory("mpath4j-fuse-it");
    }

    @AfterEach
    void tearDown() throws Exception {
        FuseTesting.closeAll(closers);
        FuseTesting.deleteTree(dir);
    }

    private MultipathDevice memoryDevice(String name, long size, int blockSize) {
        SimulatedMedium medium = new SimulatedMedium(size, blockSize);
        MultipathDevice d = new MultipathDevice(name, DeviceConfig.defaults(), Engine.system(MonitorConfig.DEFAULT),
                List.of(new MemoryPath(PathIdentity.of("memory:" + name, WWID), medium)));
        closers.add(d);
        return d;
    }

    private FuseExport mount(FuseOptions options) throws IOException {
        FuseExport e = FuseExport.mount(dir.resolve("mnt"), options);
        closers.add(e);
        return e;
    }

    @Test
    void aDeviceIsAFileOfItsSizeAndDdRoundTripsData() throws Exception {
        FuseExport export = mount(FuseOptions.DEFAULTS);
        export.add("disk0", memoryDevice("disk0", 32 << 20, 512));
        Path file = export.file("disk0");
        try (var list = Files.list(export.mountPoint())) {
            assertThat(list.map(p -> p.getFileName().toString()).toList()).containsExactly("disk0");
        }
        assertThat(Files.size(file)).isEqualTo(32L << 20);
        assertThat(Files.isRegularFile(file)).isTrue();

        Path src = dir.resolve("random.bin");
        byte[] data = new byte[8 << 20];
        new Random(42).nextBytes(data);
        Files.write(src, data);
        PeerProcess.run(cmd("dd", "if=" + src, "of=" + file, "bs=1M", "seek=3", "conv=notrunc,fsync", "status=none"),
                Duration.ofSeconds(60)).requireSuccess("dd write");
        Path back = dir.resolve("back.bin");
        PeerProcess.run(cmd("dd", "if=" + file, "of=" + back, "bs=1M", "skip=3", "count=8", "iflag=direct", "status=none"),
                Duration.ofSeconds(60)).requireSuccess("dd read");
        assertThat(FuseTesting.sha256(back)).isEqualTo(FuseTesting.sha256(src));
    }

    @Test
    void theKernelKeepsAsManyBackgroundRequestsOutstandingAsThereAreWorkers() throws Exception {
        FuseExport export = mount(FuseOptions.DEFAULTS.withMaxThreads(24));
        export.add("bg", memoryDevice("bg", 1 << 20, 512));
        int connection = FuseMounts.find(export.mountPoint()).orElseThrow().minor();
        Path ctl = Path.of("/sys/fs/fuse/connections", Integer.toString(connection));
        if (!Files.isDirectory(ctl)) {
            // fusectl is not mounted here: mount it the way close() would for an abort
            assertThat(Libc.mountPseudo("fusectl", Path.of("/sys/fs/fuse/connections"), "fusectl")).isIn(0, Errno.EBUSY);
        }
        // init() ran at mount: the kernel's default is 12 (FUSE_DEFAULT_MAX_BACKGROUND)
        assertThat(Files.readString(ctl.resolve("max_background")).trim()).isEqualTo("24");
        assertThat(Files.readString(ctl.resolve("congestion_threshold")).trim()).isEqualTo("18");
    }

    @Test
    void unalignedWritesAndReadsOnA4kDeviceKeepTheBytesAround() throws Exception {
        FuseExport export = mount(FuseOptions.DEFAULTS.withDirectIo(true));
        export.add("d4k", memoryDevice("d4k", 1 << 20, 4096));
        byte[] expected = new byte[1 << 20];
        Random r = new Random(7);
        try (FileChannel ch = FileChannel.open(export.file("d4k"), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            for (int i = 0; i < 200; i++) {
                int off = r.nextInt(expected.length - 10_000);
                int len = 1 + r.nextInt(9_999);
                byte[] chunk = new byte[len];
                r.nextBytes(chunk);
                System.arraycopy(chunk, 0, expected, off, len);
                assertThat(ch.write(ByteBuffer.wrap(chunk), off)).isEqualTo(len);
            }
            ByteBuffer all = ByteBuffer.allocate(expected.length);
            while (all.hasRemaining()) {
                if (ch.read(all, all.position()) < 0) {
                    break;
                }
            }
            assertThat(all.array()).isEqualTo(expected);
            ByteBuffer odd = ByteBuffer.allocate(777);
            ch.read(odd, 12_345);
            assertThat(odd.array()).isEqualTo(java.util.Arrays.copyOfRange(expected, 12_345, 12_345 + 777));
            ch.force(true);
        }
    }

    @Test
    void writingPastTheEndFailsAndTruncateToAnotherSizeIsRefused() throws Exception {
        FuseExport export = mount(FuseOptions.DEFAULTS);
        export.add("small", memoryDevice("small", 1 << 20, 512));
        Path file = export.file("small");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> ch.write(ByteBuffer.allocate(4096), 1 << 20)))
                    .isInstanceOf(IOException.class).hasMessageContaining("space");
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> ch.truncate(4096)))
                    .isInstanceOf(IOException.class);
        }
        assertThat(Files.size(file)).isEqualTo(1 << 20);
        assertThat(Files.exists(export.file("nosuch"))).isFalse();
    }

    @Test
    void punchHoleAndZeroRangeZeroExactlyTheirRangeAndFsyncSucceeds() throws Exception {
        FuseExport export = mount(FuseOptions.DEFAULTS);
        export.add("z", memoryDevice("z", 1 << 20, 4096));
        Path file = export.file("z");
        byte[] ones = new byte[1 << 20];
        java.util.Arrays.fill(ones, (byte) 0x5a);
        Files.write(file, ones, StandardOpenOption.WRITE);
        // 1000 bytes into a block, over block boundaries: partial blocks are written, whole ones zeroed
        PeerProcess.run(cmd("fallocate", "--punch-hole", "--offset", "1000", "--length", "20000", file.toString()),
                Duration.ofSeconds(30)).requireSuccess("fallocate --punch-hole");
        PeerProcess.run(cmd("fallocate", "--zero-range", "--keep-size", "--offset", "65536", "--length", "8192",
                file.toString()), Duration.ofSeconds(30)).requireSuccess("fallocate --zero-range");
        PeerProcess.run(cmd("dd", "if=/dev/null", "of=" + file, "conv=notrunc,fsync", "status=none"),
                Duration.ofSeconds(30)).requireSuccess("fsync through dd");
        byte[] now = Files.readAllBytes(file);
        byte[] expected = ones.clone();
        java.util.Arrays.fill(expected, 1000, 21000, (byte) 0);
        java.util.Arrays.fill(expected, 65536, 65536 + 8192, (byte) 0);
        assertThat(now).isEqualTo(expected);
        assertThat(PeerProcess.run(cmd("fallocate", "--offset", "0", "--length", "4096", "--keep-size",
                "--collapse-range", file.toString()), Duration.ofSeconds(30)).exitCode())
                .as("collapse-range is not a block-device operation").isNotZero();
    }

    @Test
    void aStaleMountFromADeadConnectionIsDetachedAndMountedAgain() throws Exception {
        Path mnt = dir.resolve("mnt");
        FuseExport first = mount(FuseOptions.DEFAULTS);
        first.add("a", memoryDevice("a", 1 << 20, 512));
        int connection = FuseMounts.find(mnt).orElseThrow().minor();
        assertThat(FuseMounts.abort(connection)).isTrue(); // what a crashed daemon leaves behind
        assertThat(FuseMounts.isDisconnected(mnt)).as("stat says ENOTCONN").isTrue();

        FuseExport second = mount(FuseOptions.DEFAULTS);
        second.add("b", memoryDevice("b", 1 << 20, 512));
        first.close(); // must not unmount the new mount at the same place
        assertThat(Files.size(second.file("b"))).isEqualTo(1 << 20);
        assertThat(FuseMounts.isDisconnected(mnt)).isFalse();
    }

    @Test
    void closeWithAFileStillOpenAbortsTheConnectionAndReturns() throws Exception {
        FuseExport export = mount(FuseOptions.DEFAULTS);
        export.add("busy", memoryDevice("busy", 1 << 20, 512));
        Path mnt = export.mountPoint();
        FileChannel ch = FileChannel.open(export.file("busy"), StandardOpenOption.READ);
        try {
            assertThat(ch.read(ByteBuffer.allocate(4096), 0)).isEqualTo(4096);
            export.close(); // lazy unmount cannot end the connection while ch is open: after the grace period, fusectl abort
            assertThat(FuseMounts.find(mnt)).as("detached").isEmpty();
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> ch.read(ByteBuffer.allocate(4096), 0)))
                    .as("I/O on the aborted connection fails").isInstanceOf(IOException.class);
        } finally {
            // close(2) flushes through the dead connection and reports ENOTCONN; the descriptor is released anyway
            org.assertj.core.api.Assertions.catchThrowable(ch::close);
        }
    }

    @Test
    void theFileSizeFollowsTheDeviceCapacity() throws Exception {
        FuseExport export = mount(FuseOptions.DEFAULTS);
        Resizable dev = new Resizable(memoryDevice("grow", 4 << 20, 512));
        export.add("grow", dev);
        assertThat(Files.size(export.file("grow"))).isEqualTo(4 << 20);
        dev.size = 2 << 20;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (Files.size(export.file("grow")) != 2 << 20 && System.nanoTime() < deadline) {
            Thread.sleep(100); // attributes are cached for attr_timeout (1 s)
        }
        assertThat(Files.size(export.file("grow"))).isEqualTo(2 << 20);
    }

    /** A device whose reported capacity the test sets, as after a LUN resize. */
    private static final class Resizable implements io.mpath4j.core.BlockDevice {
        final MultipathDevice inner;
        volatile long size;

        Resizable(MultipathDevice inner) {
            this.inner = inner;
            this.size = inner.geometry().sizeBytes();
        }

        @Override
        public io.mpath4j.core.Geometry geometry() {
            return inner.geometry().withSize(size);
        }

        @Override
        public java.util.concurrent.CompletableFuture<io.mpath4j.core.IoStatus> submit(io.mpath4j.core.IoRequest r) {
            return inner.submit(r);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
