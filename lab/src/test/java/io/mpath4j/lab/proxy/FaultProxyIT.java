package io.mpath4j.lab.proxy;

import static io.mpath4j.nbd.Await.waitFor;
import static io.mpath4j.nbd.PeerProcess.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import io.mpath4j.core.device.DeviceConfig;
import io.mpath4j.core.device.Engine;
import io.mpath4j.core.device.MultipathDevice;
import io.mpath4j.core.device.NoPathRetry;
import io.mpath4j.core.device.PathView;
import io.mpath4j.core.group.GroupingPolicies;
import io.mpath4j.core.monitor.MonitorConfig;
import io.mpath4j.core.path.PathEvent;
import io.mpath4j.iscsi.IscsiOptions;
import io.mpath4j.iscsi.IscsiPath;
import io.mpath4j.iscsi.IscsiUri;
import io.mpath4j.iscsi.TgtTarget;
import io.mpath4j.nbd.PeerProcess;
import io.mpath4j.core.verify.VerifyingWorkload;
import io.mpath4j.nbd.client.NbdClientOptions;
import io.mpath4j.nbd.client.NbdPath;
import io.mpath4j.nbd.client.NbdUri;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
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
 * The fault proxy between our initiators and real targets started here on loopback: nbdkit with
 * {@link NbdPath}, tgtd with {@link IscsiPath}, and a multipath device over two proxied paths.
 * Timing is asserted only as lower bounds the proxy guarantees (it never releases a chunk early)
 * and generous upper bounds; every load is bounded.
 */
class FaultProxyIT {

    private static final NbdClientOptions NBD = NbdClientOptions.DEFAULT
            .withConnectTimeout(Duration.ofSeconds(2))
            .withRequestTimeout(Duration.ofSeconds(1))
            .withFencingDelay(Duration.ofMillis(200))
            .withReconnect(Duration.ofMillis(50), Duration.ofMillis(400));

    private final List<AutoCloseable> closers = new ArrayList<>();

    @BeforeEach
    void tools() {
        PeerProcess.requireTool("nbdkit");
    }

    @AfterEach
    void cleanUp() {
        for (AutoCloseable c : closers.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                // best effort
            }
        }
    }

    private <T extends AutoCloseable> T closing(T c) {
        closers.add(c);
        return c;
    }

    /** nbdkit on host:port serving {@code plugin args}. */
    private int nbdkit(String host, String... pluginAndArgs) {
        int port = PeerProcess.freePort();
        List<String> c = cmd("nbdkit", "-f", "--exit-with-parent", "-i", host, "-p", Integer.toString(port));
        c.addAll(List.of(pluginAndArgs));
        closing(PeerProcess.startServer(c, host, port, Duration.ofSeconds(10)));
        return port;
    }

    private FaultProxy proxy(String host, int upstreamPort) throws IOException {
        return closing(FaultProxy.start(new InetSocketAddress(host, 0), new InetSocketAddress(host, upstreamPort)));
    }

    private NbdPath nbdPath(FaultProxy p, String wwid, NbdClientOptions o) throws IOException {
        InetSocketAddress a = p.listenAddress();
        return closing(NbdPath.connect(new NbdUri(a.getHostString(), a.getPort(), ""), wwid, o));
    }

    /** An NbdPath through a proxy to nbdkit memory, with the path's events collected. */
    private record Watched(FaultProxy proxy, NbdPath path, ConcurrentLinkedQueue<PathEvent> events) {
    }

    private Watched watchedPathThroughAProxy() throws IOException {
        FaultProxy proxy = proxy("127.0.0.1", nbdkit("127.0.0.1", "memory", "16M"));
        NbdPath p = nbdPath(proxy, "proxy-it", NBD);
        ConcurrentLinkedQueue<PathEvent> events = new ConcurrentLinkedQueue<>();
        p.setEventListener(events::add);
        return new Watched(proxy, p, events);
    }

    private static IoStatus io(io.mpath4j.core.path.Path p, IoRequest r, int seconds) throws Exception {
        CompletableFuture<IoStatus> f = new CompletableFuture<>();
        p.submit(r, f::complete);
        return f.get(seconds, TimeUnit.SECONDS);
    }

    // ------------------------------------------------------------------ NBD through the proxy

    @Test
    void nbdDataStaysIntactThroughLatencyAndJitter() throws Exception {
        FaultProxy proxy = proxy("127.0.0.1", nbdkit("127.0.0.1", "memory", "64M"));
        proxy.latency(Duration.ofMillis(2), Duration.ofMillis(2));
        NbdPath p = nbdPath(proxy, "proxy-it", NBD.withRequestTimeout(Duration.ofSeconds(20)));
        long seed = System.nanoTime();
        for (int size : new int[] {512, 64 << 10, 1 << 20}) {
            List<CompletableFuture<IoStatus>> writes = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                CompletableFuture<IoStatus> f = new CompletableFuture<>();
                p.submit(new IoRequest.Write((long) i * (2 << 20), ByteBuffer.wrap(content(seed, size, i)), false), f::complete);
                writes.add(f);
            }
            for (var f : writes) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(IoStatus.OK);
            }
            List<CompletableFuture<IoStatus>> reads = new ArrayList<>();
            List<ByteBuffer> buffers = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                ByteBuffer b = ByteBuffer.allocate(size);
                buffers.add(b);
                CompletableFuture<IoStatus> f = new CompletableFuture<>();
                p.submit(new IoRequest.Read((long) i * (2 << 20), b), f::complete);
                reads.add(f);
            }
            for (int i = 0; i < 16; i++) {
                assertThat(reads.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(IoStatus.OK);
                assertThat(Arrays.equals(buffers.get(i).array(), content(seed, size, i)))
                        .as("%d bytes at block %d read back as written through the proxy (seed %d)", size, i, seed).isTrue();
            }
        }
        assertThat(proxy.counters().bytesToUpstream()).isGreaterThan(16L * (1 << 20));
        assertThat(proxy.counters().bytesToClient()).isGreaterThan(16L * (1 << 20));
    }

    @Test
    void latencyAddsAtLeastTheConfiguredDelayEachWay() throws Exception {
        FaultProxy proxy = proxy("127.0.0.1", nbdkit("127.0.0.1", "memory", "16M"));
        NbdPath p = nbdPath(proxy, "proxy-it", NBD.withRequestTimeout(Duration.ofSeconds(10)));
        long plain = medianReadNanos(p);
        proxy.latency(Duration.ofMillis(25), Duration.ZERO);
        long delayed = medianReadNanos(p);
        System.out.printf("FaultProxyIT latency: 4 KiB read median %.2f ms plain, %.2f ms with 25 ms each way%n",
                plain / 1e6, delayed / 1e6);
        // A lower bound the proxy guarantees (request and reply each held >= 25 ms), no upper bound.
        assertThat(delayed).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50)).isGreaterThan(plain);
    }

    private static long medianReadNanos(NbdPath p) throws Exception {
        long[] t = new long[15];
        for (int i = 0; i < t.length; i++) {
            long start = System.nanoTime();
            assertThat(io(p, new IoRequest.Read(i * 4096L, ByteBuffer.allocate(4096)), 10)).isEqualTo(IoStatus.OK);
            t[i] = System.nanoTime() - start;
        }
        Arrays.sort(t);
        return t[t.length / 2];
    }

    @Test
    void blackholeMakesNbdRequestsTimeOutAsPathErrorsAndRestoreBringsThePathBack() throws Exception {
        Watched w = watchedPathThroughAProxy();
        assertThat(io(w.path(), new IoRequest.Read(0, ByteBuffer.allocate(4096)), 5)).isEqualTo(IoStatus.OK);

        w.proxy().blackhole(BlackholeMode.HOLD);
        long start = System.nanoTime();
        IoStatus lost = io(w.path(), new IoRequest.Read(0, ByteBuffer.allocate(4096)), 10);
        System.out.printf("FaultProxyIT blackhole: NBD read failed after %d ms: %s%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), lost);
        assertThat(lost).as("silent loss ends as a path error at the request timeout").isInstanceOf(IoStatus.PathError.class);
        assertThat(w.proxy().counters().active()).as("the proxy kept the connection open").isPositive();

        w.proxy().restore();
        waitFor(() -> ioOk(w.path()), Duration.ofSeconds(10), "the path works again after restore");
        assertThat(w.events()).anySatisfy(e -> assertThat(e).isInstanceOf(PathEvent.ConnectionLost.class));
    }

    @Test
    void resetLosesTheConnectionAndNbdPathReconnects() throws Exception {
        Watched w = watchedPathThroughAProxy();
        assertThat(io(w.path(), new IoRequest.Write(0, ByteBuffer.wrap(content(1, 4096, 0)), false), 5)).isEqualTo(IoStatus.OK);
        assertThat(w.proxy().reset()).isEqualTo(1);
        waitFor(() -> w.events().stream().anyMatch(e -> e instanceof PathEvent.ConnectionLost), Duration.ofSeconds(5),
                "connection lost reported");
        waitFor(() -> w.events().stream().anyMatch(e -> e instanceof PathEvent.ConnectionRestored), Duration.ofSeconds(10),
                "reconnected");
        ByteBuffer back = ByteBuffer.allocate(4096);
        assertThat(io(w.path(), new IoRequest.Read(0, back), 5)).isEqualTo(IoStatus.OK);
        assertThat(back.array()).as("the data written before the reset is there").isEqualTo(content(1, 4096, 0));
        assertThat(w.proxy().counters().accepted()).isEqualTo(2);
    }

    @Test
    void halfOpenLooksLikeATargetRebootTheInitiatorWasNotToldAbout() throws Exception {
        Watched w = watchedPathThroughAProxy();
        assertThat(io(w.path(), new IoRequest.Read(0, ByteBuffer.allocate(4096)), 5)).isEqualTo(IoStatus.OK);
        assertThat(w.proxy().halfOpen()).isEqualTo(1);
        IoStatus unanswered = io(w.path(), new IoRequest.Read(0, ByteBuffer.allocate(4096)), 10);
        assertThat(unanswered).as("nobody answers on the half-open connection").isInstanceOf(IoStatus.PathError.class);
        waitFor(() -> ioOk(w.path()), Duration.ofSeconds(10), "a new connection (not half-open) works");
        assertThat(w.proxy().counters().bytesDropped()).as("the request went nowhere").isPositive();
        assertThat(w.events()).anySatisfy(e -> assertThat(e).isInstanceOf(PathEvent.ConnectionLost.class));
    }

    @Test
    void rateLimitBoundsTheThroughput() throws Exception {
        FaultProxy proxy = proxy("127.0.0.1", nbdkit("127.0.0.1", "memory", "16M"));
        NbdPath p = nbdPath(proxy, "proxy-it", NBD.withRequestTimeout(Duration.ofSeconds(30)));
        proxy.rate(512L << 10);
        long start = System.nanoTime();
        assertThat(io(p, new IoRequest.Write(0, ByteBuffer.wrap(content(2, 2 << 20, 0)), false), 40)).isEqualTo(IoStatus.OK);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("FaultProxyIT rate: 2 MiB written at 512 KiB/s in %.2f s (%.0f KiB/s)%n", seconds, 2048 / seconds);
        // 2 MiB at 512 KiB/s is 4 s less one bucket (51 KiB); the bucket never runs ahead, so >= 3.5 s always holds.
        assertThat(seconds).isGreaterThanOrEqualTo(3.5).isLessThan(30);
        proxy.rate(0);
        assertThat(io(p, new IoRequest.Write(0, ByteBuffer.wrap(content(3, 2 << 20, 0)), false), 10)).isEqualTo(IoStatus.OK);
    }

    // ------------------------------------------------------------------ iSCSI through the proxy

    @Test
    void blackholedIscsiSessionIsDetectedByTheNopTimeout() throws Exception {
        PeerProcess.requireTool("tgtd");
        TgtTarget tgt = closing(TgtTarget.start(32 << 20));
        FaultProxy proxy = proxy("127.0.0.1", tgt.port);
        InetSocketAddress a = proxy.listenAddress();
        IscsiOptions options = IscsiOptions.defaults()
                .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(10))
                .withNop(Duration.ofSeconds(1), Duration.ofMillis(900))
                .withReconnect(Duration.ofMillis(100), Duration.ofMillis(500));
        IscsiPath p = closing(IscsiPath.connect(IscsiUri.parse("iscsi://127.0.0.1:" + a.getPort() + "/" + tgt.iqn + "/1"), options));
        ConcurrentLinkedQueue<PathEvent> events = new ConcurrentLinkedQueue<>();
        p.setEventListener(events::add);
        assertThat(io(p, new IoRequest.Write(0, ByteBuffer.wrap(content(4, 65536, 0)), false), 10)).isEqualTo(IoStatus.OK);

        proxy.blackhole(BlackholeMode.HOLD);
        long start = System.nanoTime();
        waitFor(() -> events.stream().anyMatch(e -> e instanceof PathEvent.ConnectionLost), Duration.ofSeconds(10),
                "the NOP-Out timeout notices the silent loss");
        long detectedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.printf("FaultProxyIT iSCSI blackhole detected after %d ms (NOP interval 1 s, timeout 900 ms): %s%n",
                detectedMs, events);

        proxy.restore();
        waitFor(() -> events.stream().anyMatch(e -> e instanceof PathEvent.ConnectionRestored), Duration.ofSeconds(15),
                "the session is reinstated after restore");
        ByteBuffer back = ByteBuffer.allocate(65536);
        assertThat(io(p, new IoRequest.Read(0, back), 10)).isEqualTo(IoStatus.OK);
        assertThat(back.array()).isEqualTo(content(4, 65536, 0));
    }

    // ------------------------------------------------------------------ the engine over two proxied paths

    @Test
    void blackholingOnePathUnderAVerifyingWorkloadLosesNoIo() throws Exception {
        Path file = Files.createTempFile(Path.of("/dev/shm"), "mpath4j-proxy-", ".img");
        closers.add(() -> Files.deleteIfExists(file));
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(16 << 20);
        }
        // two nbdkit processes on one file: what one path writes the other reads
        FaultProxy proxyA = proxy("127.0.0.1", nbdkit("127.0.0.1", "file", file.toString()));
        FaultProxy proxyB = proxy("127.0.0.2", nbdkit("127.0.0.2", "file", file.toString()));
        NbdPath a = nbdPath(proxyA, "proxy-it-unit", NBD);
        NbdPath b = nbdPath(proxyB, "proxy-it-unit", NBD);
        MultipathDevice d = closing(new MultipathDevice("mpath-proxy",
                DeviceConfig.defaults().withGrouping(GroupingPolicies.byKeyword("multibus")).withNoPathRetry(new NoPathRetry.Queue()),
                Engine.system(new MonitorConfig(Duration.ofMillis(200), Duration.ofMillis(800), Duration.ofSeconds(1))),
                List.of(a, b)));

        VerifyingWorkload w = new VerifyingWorkload(d, 4, 64, System.nanoTime());
        w.start();
        waitFor(() -> w.ops() > 300, Duration.ofSeconds(10), "workload warm-up");
        proxyA.blackhole(BlackholeMode.HOLD);
        long cut = System.nanoTime();
        waitFor(() -> view(d, a).failed(), Duration.ofSeconds(10), "the blackholed path is failed");
        long failedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cut);
        long before = w.ops();
        waitFor(() -> w.ops() > before + 500, Duration.ofSeconds(10), "I/O continues on the other path");
        proxyA.restore();
        waitFor(() -> !view(d, a).failed(), Duration.ofSeconds(15), "the path is reinstated after restore");
        long after = w.ops();
        waitFor(() -> w.ops() > after + 300, Duration.ofSeconds(10), "I/O after reinstatement");
        w.stop();
        w.verifyAll();
        System.out.printf("FaultProxyIT engine: %d verified ops, path failed %d ms after the blackhole, %d redrives%n",
                w.ops(), failedMs, d.counters().redrives());
        assertThat(w.failures()).as("errors or mismatches seen by the workload (seed %d)", w.seed()).isEmpty();
        assertThat(proxyB.counters().resets()).isZero();
    }

    // ------------------------------------------------------------------ helpers

    private static boolean ioOk(NbdPath p) {
        try {
            return io(p, new IoRequest.Read(0, ByteBuffer.allocate(4096)), 5).isOk();
        } catch (Exception e) {
            return false;
        }
    }

    private static PathView view(MultipathDevice d, NbdPath p) {
        return d.topology().paths().stream().filter(v -> v.name().equals(p.identity().name())).findFirst().orElseThrow();
    }

    static byte[] content(long seed, int size, int i) {
        byte[] b = new byte[size];
        new Random(seed * 31 + size * 7919L + i).nextBytes(b);
        return b;
    }
}
