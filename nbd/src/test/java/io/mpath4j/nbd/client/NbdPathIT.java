package io.mpath4j.nbd.client;

import static io.mpath4j.nbd.Await.waitFor;
import static io.mpath4j.nbd.PeerProcess.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import io.mpath4j.core.device.DeviceConfig;
import io.mpath4j.core.device.DeviceEvent;
import io.mpath4j.core.device.Engine;
import io.mpath4j.core.device.MultipathDevice;
import io.mpath4j.core.device.NoPathRetry;
import io.mpath4j.core.device.PathView;
import io.mpath4j.core.group.GroupingPolicies;
import io.mpath4j.core.monitor.MonitorConfig;
import io.mpath4j.core.path.CheckerState;
import io.mpath4j.nbd.PeerProcess;
import io.mpath4j.core.verify.VerifyingWorkload;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link NbdPath} against real servers started here on loopback (127.0.0.1 and 127.0.0.2):
 * nbdkit (memory, file; blocksize-policy, error and delay filters) and qemu-nbd. Every load is
 * bounded in time and operation count.
 */
class NbdPathIT {

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
    void tools() throws IOException {
        PeerProcess.requireTool("nbdkit");
        PeerProcess.requireTool("qemu-nbd");
        dir = Files.createTempDirectory("mpath4j-nbdpath-it");
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : closers.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                // best effort
            }
        }
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }

    private PeerProcess server(String ip, int port, List<String> command) {
        PeerProcess p = PeerProcess.startServer(command, ip, port, Duration.ofSeconds(10));
        closers.add(p);
        return p;
    }

    private static List<String> nbdkit(String ip, int port, String... rest) {
        List<String> c = cmd("nbdkit", "-f", "--exit-with-parent", "-i", ip, "-p", Integer.toString(port));
        c.addAll(List.of(rest));
        return c;
    }

    private Path backingFile(long size) throws IOException {
        Path f = Files.createTempFile(dir, "disk", ".img");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(size);
        }
        return f;
    }

    private NbdPath connect(String ip, int port, String export, NbdClientOptions o) throws IOException {
        NbdPath p = NbdPath.connect(new NbdUri(ip, port, export), "nbd-it-unit", o);
        closers.add(p);
        return p;
    }

    private MultipathDevice device(List<NbdPath> paths) {
        MultipathDevice d = new MultipathDevice("mpath-nbd",
                DeviceConfig.defaults().withGrouping(GroupingPolicies.byKeyword("multibus"))
                        .withNoPathRetry(new NoPathRetry.Queue()),
                Engine.system(MONITOR), paths);
        closers.add(d);
        return d;
    }

    // ------------------------------------------------------------------ data integrity

    @Test
    void dataIntegrityAgainstNbdkitMemoryWithSplitRequests() throws Exception {
        int port = PeerProcess.freePort();
        server("127.0.0.1", port, nbdkit("127.0.0.1", port, "--filter=blocksize-policy", "memory", "256M",
                "blocksize-minimum=512", "blocksize-preferred=4096", "blocksize-maximum=1M",
                "blocksize-error-policy=error"));
        NbdPath p = connect("127.0.0.1", port, "", OPTIONS);
        assertThat(p.export().blockSizeSent()).isTrue();
        assertThat(p.export().maxRequest()).isEqualTo(1 << 20);
        assertThat(p.geometry().logicalBlockSize()).isEqualTo(512);
        verifyAllSizes(p, "nbdkit memory (max block 1 MiB)");
    }

    @Test
    void dataIntegrityAgainstNbdkitFile() throws Exception {
        Path file = backingFile(256 << 20);
        int port = PeerProcess.freePort();
        server("127.0.0.1", port, nbdkit("127.0.0.1", port, "file", file.toString()));
        verifyAllSizes(connect("127.0.0.1", port, "", OPTIONS), "nbdkit file");
    }

    @Test
    void dataIntegrityAgainstQemuNbd() throws Exception {
        Path file = backingFile(256 << 20);
        int port = PeerProcess.freePort();
        server("127.0.0.1", port, cmd("qemu-nbd", "-f", "raw", "--persistent", "--shared=8", "-b", "127.0.0.1",
                "-p", Integer.toString(port), file.toString()));
        NbdPath p = connect("127.0.0.1", port, "", OPTIONS);
        assertThat(p.export().size()).isEqualTo(256 << 20);
        verifyAllSizes(p, "qemu-nbd");
    }

    /** For each size: 64 writes in flight (16 for 4 MiB) at distinct offsets, then all read back and compared. */
    private static void verifyAllSizes(NbdPath p, String peer) throws Exception {
        long seed = System.nanoTime();
        for (int size : new int[] {512, 4096, 64 << 10, 1 << 20, 4 << 20}) {
            int n = size >= (4 << 20) ? 16 : 64;
            long stride = Math.max(size, 4096) + 4096L; // gaps catch writes that run long
            List<CompletableFuture<IoStatus>> writes = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ByteBuffer b = ByteBuffer.wrap(content(seed, size, i));
                CompletableFuture<IoStatus> f = new CompletableFuture<>();
                p.submit(new IoRequest.Write(i * stride, b, false), f::complete);
                writes.add(f);
            }
            for (var f : writes) {
                assertThat(f.get(20, TimeUnit.SECONDS)).as("%s: write of %d bytes", peer, size).isEqualTo(IoStatus.OK);
            }
            List<CompletableFuture<IoStatus>> reads = new ArrayList<>();
            List<ByteBuffer> buffers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ByteBuffer b = ByteBuffer.allocate(size + 2).position(1).limit(size + 1);
                buffers.add(b);
                CompletableFuture<IoStatus> f = new CompletableFuture<>();
                p.submit(new IoRequest.Read(i * stride, b), f::complete);
                reads.add(f);
            }
            for (int i = 0; i < n; i++) {
                assertThat(reads.get(i).get(20, TimeUnit.SECONDS)).as("%s: read of %d bytes", peer, size)
                        .isEqualTo(IoStatus.OK);
                ByteBuffer b = buffers.get(i);
                assertThat(b.position()).isEqualTo(1);
                assertThat(b.limit()).isEqualTo(size + 1);
                assertThat(Arrays.equals(b.array(), 1, size + 1, content(seed, size, i), 0, size))
                        .as("%s: %d bytes at block %d read back as written (seed %d)", peer, size, i, seed).isTrue();
            }
        }
        CompletableFuture<IoStatus> flush = new CompletableFuture<>();
        p.submit(IoRequest.Flush.INSTANCE, flush::complete);
        assertThat(flush.get(10, TimeUnit.SECONDS)).isEqualTo(IoStatus.OK);
    }

    private static byte[] content(long seed, int size, int i) {
        byte[] b = new byte[size];
        new Random(seed * 31 + size * 7919L + i).nextBytes(b);
        return b;
    }

    // ------------------------------------------------------------------ multipath

    @Test
    void killingOneOfTwoServersLosesNoIoAndTheRestartedOneIsReinstated() throws Exception {
        Path file = backingFile(64 << 20);
        int port = PeerProcess.freePort();
        List<String> cmdA = nbdkit("127.0.0.1", port, "file", file.toString());
        PeerProcess a = server("127.0.0.1", port, cmdA);
        server("127.0.0.2", port, nbdkit("127.0.0.2", port, "file", file.toString()));
        NbdPath pa = connect("127.0.0.1", port, "", OPTIONS);
        NbdPath pb = connect("127.0.0.2", port, "", OPTIONS);
        MultipathDevice d = device(List.of(pa, pb));
        ConcurrentLinkedQueue<DeviceEvent> events = new ConcurrentLinkedQueue<>();
        d.addListener(events::add);

        VerifyingWorkload w = new VerifyingWorkload(d, 8, 64, System.nanoTime());
        w.start();
        waitFor(() -> w.ops() > 500, Duration.ofSeconds(10), "workload warm-up");
        long before = w.ops();
        a.kill();
        waitFor(() -> view(d, pa).failed(), Duration.ofSeconds(5), "path to the killed server marked failed");
        waitFor(() -> w.ops() > before + 1000, Duration.ofSeconds(10), "I/O continues on the other path");

        PeerProcess a2 = server("127.0.0.1", port, cmdA);
        waitFor(() -> !view(d, pa).failed(), Duration.ofSeconds(10), "restarted path reinstated");
        long afterRestart = w.ops();
        waitFor(() -> w.ops() > afterRestart + 500, Duration.ofSeconds(10), "I/O after reinstatement");
        w.stop();
        w.verifyAll();
        assertThat(w.failures()).as("I/O errors or mismatches seen by the workload (seed %d)", w.seed()).isEmpty();
        assertThat(view(d, pa).checker()).isEqualTo(CheckerState.READY);
        assertThat(a2.isAlive()).isTrue();
        assertThat(events).as("the kill was seen as a connection loss, the restart reinstated the path")
                .anySatisfy(e -> {
                    assertThat(e.path()).isEqualTo(pa.identity().name());
                    assertThat(e.kind()).isEqualTo(DeviceEvent.Kind.PATH_FAILED);
                })
                .anySatisfy(e -> {
                    assertThat(e.path()).isEqualTo(pa.identity().name());
                    assertThat(e.kind()).isEqualTo(DeviceEvent.Kind.PATH_REINSTATED);
                });
        assertThat(view(d, pb).failed()).isFalse();
        System.out.printf("NbdPathIT multipath: %d verified ops, %d redrives, %d failovers; events %s%n", w.ops(),
                d.counters().redrives(), d.counters().failovers(),
                events.stream().filter(e -> e.path().equals(pa.identity().name())).map(DeviceEvent::toString).toList());
    }

    @Test
    void mediumErrorsComeBackAsTargetErrorsWithoutAFailover() throws Exception {
        int port = PeerProcess.freePort();
        server("127.0.0.1", port, nbdkit("127.0.0.1", port, "--filter=error", "memory", "64M",
                "error-pread=EIO", "error-pread-rate=100%"));
        NbdPath p = connect("127.0.0.1", port, "", OPTIONS);
        MultipathDevice d = device(List.of(p));
        IoStatus read = d.submit(new IoRequest.Read(0, ByteBuffer.allocate(4096))).get(10, TimeUnit.SECONDS);
        assertThat(read).isInstanceOfSatisfying(IoStatus.TargetError.class,
                e -> assertThat(e.kind()).isEqualTo(IoStatus.TargetError.Kind.MEDIUM_ERROR));
        IoStatus write = d.submit(new IoRequest.Write(0, ByteBuffer.allocate(4096), false)).get(10, TimeUnit.SECONDS);
        assertThat(write).isEqualTo(IoStatus.OK);
        assertThat(p.check().toCompletableFuture().get(5, TimeUnit.SECONDS).state())
                .as("the server answers: the path is fine").isEqualTo(CheckerState.READY);
        assertThat(view(d, p).failed()).isFalse();
        assertThat(d.counters().redrives()).isZero();
        assertThat(d.counters().failovers()).isZero();
    }

    @Test
    void aServerSlowerThanTheRequestTimeoutIsFailedOverWithoutErrors() throws Exception {
        Path file = backingFile(64 << 20);
        int port = PeerProcess.freePort();
        server("127.0.0.1", port, nbdkit("127.0.0.1", port, "--filter=delay", "file", file.toString(), "delay-read=3"));
        server("127.0.0.2", port, nbdkit("127.0.0.2", port, "file", file.toString()));
        NbdClientOptions quick = OPTIONS.withRequestTimeout(Duration.ofMillis(500));
        NbdPath slow = connect("127.0.0.1", port, "", quick);
        NbdPath fast = connect("127.0.0.2", port, "", quick);
        MultipathDevice d = device(List.of(slow, fast));
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        long seed = System.nanoTime();
        for (int i = 0; i < 16; i++) {
            IoStatus w = d.submit(new IoRequest.Write(i * 8192L, ByteBuffer.wrap(content(seed, 8192, i)), false))
                    .get(10, TimeUnit.SECONDS);
            if (!w.isOk()) {
                errors.add("write " + i + ": " + w);
            }
        }
        List<CompletableFuture<IoStatus>> reads = new ArrayList<>();
        List<ByteBuffer> bufs = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            ByteBuffer b = ByteBuffer.allocate(8192);
            bufs.add(b);
            reads.add(d.submit(new IoRequest.Read(i * 8192L, b)));
        }
        for (int i = 0; i < 16; i++) {
            IoStatus r = reads.get(i).get(15, TimeUnit.SECONDS);
            if (!r.isOk()) {
                errors.add("read " + i + ": " + r);
            } else if (!Arrays.equals(bufs.get(i).array(), content(seed, 8192, i))) {
                errors.add("read " + i + ": wrong data");
            }
        }
        assertThat(errors).isEmpty();
        assertThat(d.counters().redrives()).as("reads sent to the slow path were redriven").isPositive();
        assertThat(d.topology().paths()).filteredOn(v -> v.name().equals(slow.identity().name()))
                .singleElement().satisfies(v -> assertThat(v.failed()).isTrue());
    }

    // ------------------------------------------------------------------ helpers

    private static PathView view(MultipathDevice d, NbdPath p) {
        return d.topology().paths().stream().filter(v -> v.name().equals(p.identity().name())).findFirst().orElseThrow();
    }
}
