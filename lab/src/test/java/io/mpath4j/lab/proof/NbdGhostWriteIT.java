package io.mpath4j.lab.proof;

import static io.mpath4j.nbd.PeerProcess.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import io.mpath4j.core.device.DeviceConfig;
import io.mpath4j.core.device.Engine;
import io.mpath4j.core.device.FlapDamping;
import io.mpath4j.core.device.MultipathDevice;
import io.mpath4j.core.device.NoPathRetry;
import io.mpath4j.core.device.PathView;
import io.mpath4j.core.monitor.MonitorConfig;
import io.mpath4j.lab.proxy.BlackholeMode;
import io.mpath4j.lab.proxy.Direction;
import io.mpath4j.lab.proxy.FaultProxy;
import io.mpath4j.nbd.PeerProcess;
import io.mpath4j.nbd.client.NbdClientOptions;
import io.mpath4j.nbd.client.NbdPath;
import io.mpath4j.nbd.client.NbdUri;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ghost writes over NBD (issue 7). NBD has no way to abort a command or end a server's session
 * from another connection, so {@link NbdPath#fence()} only waits the fencing delay after the
 * connection's teardown. The trial: two nbdkit processes on one file, each behind a
 * {@link FaultProxy}; the proxy of the active path A holds (blackhole HOLD, towards the server)
 * W1; the request times out, A is torn down, the engine fences (waits) and redrives W1 on B, then
 * W2 goes to B; the proxy is restored and lets W1 reach nbdkit A.
 *
 * <ul>
 *   <li>Released within the fencing delay (a link that heals, TCP delivering late): W1 lands before
 *       the redrive, and the blocks end as W2. Safe.</li>
 *   <li>Released after W2: W1 can land last and overwrite W2. This is the limit of NBD, asserted
 *       here so the documentation stays true: a hold longer than the fencing delay defeats it.</li>
 * </ul>
 */
class NbdGhostWriteIT {

    static final int BLOCK = 4096;
    static final Duration FENCING_DELAY = Duration.ofSeconds(3);
    static final NbdClientOptions OPTIONS = NbdClientOptions.DEFAULT
            .withConnectTimeout(Duration.ofSeconds(2))
            .withRequestTimeout(Duration.ofSeconds(1))
            .withFencingDelay(FENCING_DELAY)
            .withReconnect(Duration.ofMillis(50), Duration.ofMillis(200));

    private final List<AutoCloseable> closers = new ArrayList<>();
    private Path file;
    private final List<FaultProxy> proxies = new ArrayList<>();
    private final List<NbdPath> paths = new ArrayList<>();
    private final List<InetSocketAddress> upstreams = new ArrayList<>();
    private final List<PeerProcess> servers = new ArrayList<>();
    private MultipathDevice device;
    private int landedBeforeRedrive;

    @BeforeEach
    void start() throws Exception {
        PeerProcess.requireTool("nbdkit");
        file = Files.createTempFile(Path.of("/dev/shm"), "mpath4j-ghost-", ".img");
        closers.add(() -> Files.deleteIfExists(file));
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(4 << 20);
        }
        for (String host : List.of("127.0.0.1", "127.0.0.2")) {
            int port = PeerProcess.freePort();
            // --threads 1: nbdkit 1.32 (Debian 12) aborts, "raw_send_socket: Assertion `sock >= 0'
            // failed", when one worker's reply hits the reset our client sends and another worker
            // then replies on the closed socket; one worker per connection cannot race (-v: its log
            // is in the failure message)
            PeerProcess nbdkit = PeerProcess.startServer(cmd("nbdkit", "-f", "-v", "--threads", "1", "--exit-with-parent", "-i", host, "-p",
                    Integer.toString(port), "file", file.toString()), host, port, Duration.ofSeconds(10));
            closers.add(nbdkit);
            servers.add(nbdkit);
            upstreams.add(new InetSocketAddress(host, port));
            FaultProxy proxy = FaultProxy.start(new InetSocketAddress(host, 0), new InetSocketAddress(host, port));
            closers.add(proxy);
            proxies.add(proxy);
            InetSocketAddress a = proxy.listenAddress();
            NbdPath p = NbdPath.connect(new NbdUri(a.getHostString(), a.getPort(), ""), "nbd-ghost", OPTIONS);
            closers.add(p);
            paths.add(p);
        }
        device = new MultipathDevice("mpath-nbd-ghost", DeviceConfig.defaults()
                .withNoPathRetry(new NoPathRetry.Queue()).withFlapDamping(FlapDamping.DISABLED),
                Engine.system(new MonitorConfig(Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofSeconds(2))),
                paths);
        closers.add(device);
    }

    @AfterEach
    void stop() {
        for (AutoCloseable c : closers.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                // best effort
            }
        }
    }

    /** One trial; returns what the file holds at the end: 1 for W1, 2 for W2. */
    private int trial(int n, boolean releaseAfterW2) throws Exception {
        assertThat(GhostWriteTrial.waitFor(20, () -> ActivePath.usable(device) == 2))
                .as(() -> "both paths up before trial " + n + ": " + device.topology().paths() + "; " + paths + "; "
                        + proxies + "; upstreams: " + upstreams.stream().map(NbdGhostWriteIT::probe).toList()
                        + servers.stream().map(v -> v.isAlive() + " " + tail(v.output())).toList())
                .isTrue();
        int a = ActivePath.index(device, paths);
        FaultProxy proxy = proxies.get(a);
        long offset = (long) n * BLOCK;
        byte[] w1 = GhostWriteTrial.pattern(n, 1);
        byte[] w2 = GhostWriteTrial.pattern(n, 2);
        proxy.blackhole(BlackholeMode.HOLD, Direction.TO_UPSTREAM);
        CompletableFuture<IoStatus> first = device.submit(new IoRequest.Write(offset, ByteBuffer.wrap(w1), false));
        try {
            assertThat(GhostWriteTrial.waitFor(10, () -> failed(a))).as("A fails by the request timeout").isTrue();
            if (!releaseAfterW2) {
                // the link heals a sixth of the fencing delay after the teardown: W1 reaches nbdkit A then
                Thread.sleep(FENCING_DELAY.toMillis() / 6);
                proxy.restore();
                // the delayed W1 may now land on A, before the fenced redrive: that is what makes it safe
                // (the client's teardown travels behind it and may cut it off: then it never lands at all)
                if (GhostWriteTrial.waitFor(5, () -> Arrays.equals(read(offset), w1) || first.isDone()) && !first.isDone()) {
                    landedBeforeRedrive++;
                }
            }
            assertThat(first.get(30, TimeUnit.SECONDS)).as("W1, redriven on B").isEqualTo(IoStatus.OK);
            assertThat(device.submit(new IoRequest.Write(offset, ByteBuffer.wrap(w2), false)).get(30, TimeUnit.SECONDS))
                    .as("W2").isEqualTo(IoStatus.OK);
        } finally {
            proxy.restore();
        }
        // W1, if still on its way, reaches nbdkit A now: give it time to land
        Thread.sleep(500);
        byte[] now = read(offset);
        if (Arrays.equals(now, w1)) {
            return 1;
        }
        assertThat(now).as("the file holds W1 or W2").isEqualTo(w2);
        return 2;
    }

    private static String tail(String out) {
        return out.substring(Math.max(0, out.length() - 3000));
    }

    /** For a failure message: does nbdkit still greet on {@code a}? */
    private static String probe(InetSocketAddress a) {
        try (java.net.Socket so = new java.net.Socket()) {
            so.connect(a, 1000);
            so.setSoTimeout(1000);
            byte[] greeting = so.getInputStream().readNBytes(8);
            return a + " greets " + new String(greeting, java.nio.charset.StandardCharsets.US_ASCII);
        } catch (java.io.IOException e) {
            return a + ": " + e;
        }
    }

    private byte[] read(long offset) {
        byte[] now = new byte[BLOCK];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.read(ByteBuffer.wrap(now), offset);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return now;
    }

    @Test
    void aHoldShorterThanTheFencingDelayIsSafe() throws Exception {
        for (int n = 0; n < 4; n++) {
            assertThat(trial(n, false)).as("trial %d ends with W2", n).isEqualTo(2);
        }
        System.out.printf("NBD ghost writes, hold < fencing delay: 4 trials safe (the held W1 landed before the"
                + " redrive in %d), %d redrives%n", landedBeforeRedrive, device.counters().redrives());
    }

    @Test
    void aHoldLongerThanTheFencingDelayLetsTheGhostLand() throws Exception {
        // the documented limit of NBD: nothing an NBD client can do stops bytes already on the wire. The
        // client's reset travels behind W1 and sometimes makes nbdkit drop it unread, so up to 3 trials
        int ghosts = 0;
        for (int n = 0; n < 3 && ghosts == 0; n++) {
            ghosts += trial(n, true) == 1 ? 1 : 0;
        }
        assertThat(ghosts).as("W1 landed after W2").isEqualTo(1);
    }


    private boolean failed(int i) {
        return device.topology().paths().stream().filter(v -> v.name().equals(paths.get(i).identity().name()))
                .anyMatch(PathView::failed);
    }

}
