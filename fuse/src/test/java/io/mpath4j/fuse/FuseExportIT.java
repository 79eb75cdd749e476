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
}
