package io.mpath4j.lab.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The proxy's behaviour between two plain sockets of this test on 127.0.0.1: what arrives, what
 * does not, how connections end. No timing is asserted here (FaultProxyIT measures latency and
 * rate against real peers); "nothing arrives while blackholed" is checked with a short read
 * timeout, which can only make the test pass wrongly on a slow machine, never fail wrongly.
 */
class FaultProxyTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private ServerSocket upstreamListener;
    private FaultProxy proxy;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        upstreamListener = new ServerSocket(0, 50, LOOPBACK);
        upstreamListener.setSoTimeout(5_000);
        proxy = FaultProxy.start(new InetSocketAddress(LOOPBACK, 0),
                new InetSocketAddress(LOOPBACK, upstreamListener.getLocalPort()));
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        for (Socket s : sockets) {
            s.close();
        }
        upstreamListener.close();
    }

    /** A client connected through the proxy and the upstream end of its connection. */
    private record Pair(Socket client, Socket upstream) {
    }

    private Pair connect() throws IOException {
        Socket c = client();
        Socket u = upstreamListener.accept();
        sockets.add(u);
        u.setSoTimeout(5_000);
        return new Pair(c, u);
    }

    private Socket client() throws IOException {
        Socket c = new Socket();
        sockets.add(c);
        c.connect(proxy.listenAddress(), 2_000);
        c.setSoTimeout(5_000);
        return c;
    }

    private static byte[] readExactly(Socket s, int n) throws IOException {
        byte[] b = new byte[n];
        new DataInputStream(s.getInputStream()).readFully(b);
        return b;
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static String receive(Socket s, int n) throws IOException {
        return new String(readExactly(s, n), StandardCharsets.US_ASCII);
    }

    /** True if nothing arrives on {@code s} within {@code millis}. */
    private static boolean silentFor(Socket s, int millis) throws IOException {
        int old = s.getSoTimeout();
        s.setSoTimeout(millis);
        try {
            int b = s.getInputStream().read();
            throw new AssertionError(b < 0 ? "connection closed" : "a byte arrived: " + b);
        } catch (SocketTimeoutException expected) {
            return true;
        } finally {
            s.setSoTimeout(old);
        }
    }

    private static void waitFor(BooleanSupplier cond, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void forwardsMegabytesBothWaysIntactAndPassesTheFinOn() throws Exception {
        Pair p = connect();
        byte[] up = new byte[3 << 20];
        byte[] down = new byte[5 << 20];
        Random r = new Random(42);
        r.nextBytes(up);
        r.nextBytes(down);
        CompletableFuture<Void> w1 = CompletableFuture.runAsync(() -> write(p.client(), up));
        CompletableFuture<Void> w2 = CompletableFuture.runAsync(() -> write(p.upstream(), down));
        assertThat(Arrays.equals(readExactly(p.upstream(), up.length), up)).isTrue();
        assertThat(Arrays.equals(readExactly(p.client(), down.length), down)).isTrue();
        w1.get(10, TimeUnit.SECONDS);
        w2.get(10, TimeUnit.SECONDS);
        p.client().shutdownOutput();
        assertThat(p.upstream().getInputStream().read()).as("the client's FIN reaches the upstream").isEqualTo(-1);
        p.upstream().shutdownOutput();
        assertThat(p.client().getInputStream().read()).as("the upstream's FIN reaches the client").isEqualTo(-1);
        waitFor(() -> proxy.counters().active() == 0, "the connection is gone when both sides closed");
        ProxyCounters c = proxy.counters();
        assertThat(c.bytesToUpstream()).isEqualTo(up.length);
        assertThat(c.bytesToClient()).isEqualTo(down.length);
        assertThat(c.accepted()).isEqualTo(1);
        assertThat(c.resets()).isZero();
    }

    private static void write(Socket s, byte[] b) {
        try {
            s.getOutputStream().write(b);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void jitterNeverReordersChunks() throws Exception {
        proxy.latency(Duration.ofMillis(3), Duration.ofMillis(3));
        Pair p = connect();
        int n = 200;
        for (int i = 0; i < n; i++) {
            p.client().getOutputStream().write(ByteBuffer.allocate(4).putInt(i).array());
            if (i % 10 == 0) {
                Thread.sleep(1); // separate reads, so the chunks get different jitter
            }
        }
        DataInputStream in = new DataInputStream(p.upstream().getInputStream());
        for (int i = 0; i < n; i++) {
            assertThat(in.readInt()).isEqualTo(i);
        }
    }

    @Test
    void holdingBlackholeForwardsWhatItHeldAfterRestore() throws Exception {
        Pair p = connect();
        send(p.client(), "before");
        assertThat(receive(p.upstream(), 6)).isEqualTo("before");
        ProxyControl c = proxy.blackhole(BlackholeMode.HOLD);
        assertThat(c.blackholes(Direction.TO_UPSTREAM)).isTrue();
        send(p.client(), "held-up");
        send(p.upstream(), "held-down");
        assertThat(silentFor(p.upstream(), 300)).isTrue();
        assertThat(silentFor(p.client(), 100)).isTrue();
        assertThat(proxy.counters().active()).as("both connections stay open").isEqualTo(1);
        proxy.restore();
        assertThat(receive(p.upstream(), 7)).isEqualTo("held-up");
        assertThat(receive(p.client(), 9)).isEqualTo("held-down");
        assertThat(proxy.counters().bytesDropped()).isZero();
    }

    @Test
    void droppingBlackholeLosesWhatWasSentDuringIt() throws Exception {
        Pair p = connect();
        proxy.blackhole(BlackholeMode.DROP);
        send(p.client(), "lost");
        waitFor(() -> proxy.counters().bytesDropped() == 4, "4 bytes dropped");
        proxy.restore();
        send(p.client(), "kept");
        assertThat(receive(p.upstream(), 4)).isEqualTo("kept");
    }

    @Test
    void aBlackholeCanTakeOneDirection() throws Exception {
        Pair p = connect();
        proxy.blackhole(BlackholeMode.HOLD, Direction.TO_CLIENT);
        send(p.client(), "request");
        assertThat(receive(p.upstream(), 7)).as("requests still get through").isEqualTo("request");
        send(p.upstream(), "reply");
        assertThat(silentFor(p.client(), 300)).as("replies are held").isTrue();
        proxy.restore();
        assertThat(receive(p.client(), 5)).isEqualTo("reply");
    }

    @Test
    void aNewConnectionDuringABlackholeReachesTheUpstreamOnlyAfterRestore() throws Exception {
        proxy.blackhole(BlackholeMode.HOLD);
        Socket c = client();
        send(c, "hello");
        upstreamListener.setSoTimeout(300);
        assertThatThrownBy(upstreamListener::accept).isInstanceOf(SocketTimeoutException.class);
        upstreamListener.setSoTimeout(5_000);
        proxy.restore();
        Socket u = upstreamListener.accept();
        sockets.add(u);
        u.setSoTimeout(5_000);
        assertThat(receive(u, 5)).isEqualTo("hello");
    }

    @Test
    void resetSendsRstToBothPeers() throws Exception {
        Pair p = connect();
        send(p.client(), "x");
        assertThat(receive(p.upstream(), 1)).isEqualTo("x");
        assertThat(proxy.reset()).isEqualTo(1);
        assertThatThrownBy(() -> p.client().getInputStream().read()).isInstanceOf(SocketException.class)
                .hasMessageContaining("reset");
        assertThatThrownBy(() -> p.upstream().getInputStream().read()).isInstanceOf(SocketException.class)
                .hasMessageContaining("reset");
        waitFor(() -> proxy.counters().active() == 0, "no connection left");
        assertThat(proxy.counters().resets()).isEqualTo(1);
    }

    @Test
    void aResetByThePeerIsPassedOnAsAReset() throws Exception {
        Pair p = connect();
        p.upstream().setSoLinger(true, 0);
        p.upstream().close();
        assertThatThrownBy(() -> p.client().getInputStream().read()).isInstanceOf(SocketException.class)
                .hasMessageContaining("reset");
    }

    @Test
    void halfOpenClosesTheUpstreamAndLeavesTheClientUnanswered() throws Exception {
        Pair p = connect();
        assertThat(proxy.halfOpen()).isEqualTo(1);
        assertThat(p.upstream().getInputStream().read()).as("the target sees an orderly close").isEqualTo(-1);
        send(p.client(), "anyone there?");
        assertThat(silentFor(p.client(), 300)).as("the initiator's connection stays open and silent").isTrue();
        waitFor(() -> proxy.counters().bytesDropped() == 13, "the initiator's bytes are swallowed");
        p.client().close();
        waitFor(() -> proxy.counters().active() == 0, "the initiator's close ends the connection");
    }

    @Test
    void refusedConnectionsFailAtConnectAndAcceptResumes() throws Exception {
        Pair before = connect();
        proxy.refuseNewConnections(true);
        assertThat(proxy.control().refusing()).isTrue();
        assertThatThrownBy(this::client).isInstanceOf(ConnectException.class);
        send(before.client(), "still");
        assertThat(receive(before.upstream(), 5)).as("existing connections are untouched").isEqualTo("still");
        proxy.restore();
        Pair after = connect();
        send(after.client(), "again");
        assertThat(receive(after.upstream(), 5)).isEqualTo("again");
    }

    @Test
    void anUnreachableUpstreamResetsTheClient() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            dead = s.getLocalPort();
        }
        try (FaultProxy p = FaultProxy.start(new InetSocketAddress(LOOPBACK, 0), new InetSocketAddress(LOOPBACK, dead))) {
            Socket c = new Socket();
            sockets.add(c);
            c.connect(p.listenAddress(), 2_000);
            assertThatThrownBy(() -> { // the RST may already be in when we ask for the stream
                c.setSoTimeout(5_000);
                c.getInputStream().read();
            }).isInstanceOf(SocketException.class).hasMessageContaining("reset");
            assertThat(p.counters().upstreamFailures()).isEqualTo(1);
        }
    }
}
