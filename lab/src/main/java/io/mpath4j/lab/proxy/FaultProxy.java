package io.mpath4j.lab.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A TCP proxy between an initiator and a target that injects faults on command: latency with
 * jitter, a bandwidth limit, a silent blackhole, a reset, a half-open connection, refused
 * connections. Every control is thread-safe and applies at once to existing and new connections.
 *
 * <p><b>Threads.</b> Each connection is pumped by four virtual threads (a reader and a writer per
 * direction) doing blocking socket I/O. A delay line then is a queue between a reader that never
 * waits for time and a writer that waits until each chunk is due — straight code, where a selector
 * loop would need timers, per-connection queues and interest-set juggling for back-pressure. The
 * proxy serves test beds with a handful of connections, and virtual threads cost a few KiB each
 * and unmount while blocked, so clarity wins. Buffers are bounded: at most {@link Pump#CAPACITY}
 * bytes per direction per connection; beyond that the reader stops and the sender's window closes.
 *
 * <p>Listens only where told; tests use loopback (127.0.0.0/8) or namespaces they created.
 */
public final class FaultProxy implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FaultProxy.class.getName());
    private static final AtomicLong IDS = new AtomicLong();

    private final InetSocketAddress upstream;
    private final Duration connectTimeout;
    private final ControlBoard board = new ControlBoard(ProxyControl.PASS_THROUGH);
    private final TokenBucket toUpstreamBucket = new TokenBucket();
    private final TokenBucket toClientBucket = new TokenBucket();
    private final Tally tally = new Tally();
    private final Set<ProxiedConnection> connections = ConcurrentHashMap.newKeySet();
    private final String name;
    private final Object listenerLock = new Object();
    private ServerSocket listener; // guarded by listenerLock; null while refusing
    private Thread acceptor; // guarded by listenerLock
    private InetSocketAddress listenAddress;
    private boolean closed;

    private FaultProxy(InetSocketAddress upstream, Duration connectTimeout) {
        this.upstream = upstream;
        this.connectTimeout = connectTimeout;
        this.name = "proxy-" + IDS.incrementAndGet();
    }

    /** Starts a proxy listening on {@code listen} (port 0: an ephemeral port) towards {@code upstream}. */
    public static FaultProxy start(InetSocketAddress listen, InetSocketAddress upstream) throws IOException {
        return start(listen, upstream, Duration.ofSeconds(5));
    }

    /** As {@link #start(InetSocketAddress, InetSocketAddress)}, with the timeout of each upstream connect. */
    public static FaultProxy start(InetSocketAddress listen, InetSocketAddress upstream, Duration connectTimeout)
            throws IOException {
        if (upstream.isUnresolved()) {
            throw new IOException("cannot resolve upstream host " + upstream.getHostString());
        }
        FaultProxy p = new FaultProxy(upstream, connectTimeout);
        synchronized (p.listenerLock) {
            p.listen(listen);
        }
        return p;
    }

    private void listen(InetSocketAddress at) throws IOException {
        ServerSocket s = new ServerSocket();
        try {
            s.setReuseAddress(true); // refuse/accept closes and rebinds the same port
            s.bind(at, 128);
        } catch (IOException e) {
            s.close();
            throw new IOException("cannot listen on " + at.getHostString() + ":" + at.getPort() + ": " + e.getMessage(), e);
        }
        listener = s;
        listenAddress = (InetSocketAddress) s.getLocalSocketAddress();
        acceptor = Thread.ofVirtual().name(name + "-accept").start(() -> accept(s));
    }

    private void accept(ServerSocket s) {
        while (true) {
            Socket client;
            try {
                client = s.accept();
            } catch (IOException e) {
                return; // closed: refusing or shutting down
            }
            tally.accepted.increment();
            ProxiedConnection[] self = new ProxiedConnection[1];
            ProxiedConnection c = new ProxiedConnection(name + "-c" + tally.accepted.sum(), client, upstream, connectTimeout,
                    board, toUpstreamBucket, toClientBucket, tally, () -> connections.remove(self[0]));
            self[0] = c;
            connections.add(c);
            Thread.ofVirtual().name(name + "-connect").start(c::open);
        }
    }

    /** Where the proxy listens (the actual port when started with port 0). */
    public InetSocketAddress listenAddress() {
        synchronized (listenerLock) {
            return listenAddress;
        }
    }

    public InetSocketAddress upstream() {
        return upstream;
    }

    /** The controls in force now. */
    public ProxyControl control() {
        return board.get();
    }

    /** Adds {@code latency ± jitter} to each chunk in each direction (zero and zero: off). */
    public ProxyControl latency(Duration latency, Duration jitter) {
        return changed(board.update(c -> c.withLatency(latency, jitter)));
    }

    /** Limits each direction to {@code bytesPerSecond}, shared by all connections (0: unlimited). */
    public ProxyControl rate(long bytesPerSecond) {
        return changed(board.update(c -> c.withRate(bytesPerSecond)));
    }

    /** Stops forwarding silently in {@code directions} (none given: both); connections stay open. */
    public ProxyControl blackhole(BlackholeMode mode, Direction... directions) {
        Set<Direction> set = directions.length == 0 ? EnumSet.allOf(Direction.class) : EnumSet.copyOf(List.of(directions));
        return changed(board.update(c -> c.withBlackhole(mode, set)));
    }

    /**
     * Ends a blackhole (held bytes are forwarded, in order) and accepts new connections again.
     * Latency and rate stay as they are.
     */
    public ProxyControl restore() throws IOException {
        refuseNewConnections(false);
        return changed(board.update(c -> c.withBlackhole(BlackholeMode.OFF, EnumSet.allOf(Direction.class))));
    }

    /** Back to a plain proxy: no latency, no limit, no blackhole, accepting. */
    public ProxyControl passThrough() throws IOException {
        refuseNewConnections(false);
        return changed(board.update(c -> ProxyControl.PASS_THROUGH));
    }

    /**
     * Refuses new connections by closing the listening socket (a connect then fails with
     * ECONNREFUSED), or listens again on the same address. Existing connections are not touched.
     */
    public ProxyControl refuseNewConnections(boolean refuse) throws IOException {
        synchronized (listenerLock) {
            if (closed) {
                throw new IOException("the proxy is closed");
            }
            if (refuse && listener != null) {
                stopListening();
            } else if (!refuse && listener == null) {
                listen(listenAddress);
            }
            return changed(board.update(c -> c.withRefusing(refuse)));
        }
    }

    /**
     * Closes the listening socket and waits for the acceptor to leave accept(): the JDK closes the
     * descriptor of a socket a thread is blocked on only when that thread lets go, and until then
     * the kernel would still complete new connections.
     */
    private void stopListening() throws IOException {
        listener.close();
        listener = null;
        try {
            if (!acceptor.join(Duration.ofSeconds(5))) {
                throw new IOException("the acceptor did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while closing the listening socket", e);
        }
    }

    /** Resets every connection now (RST to both peers); returns how many. */
    public int reset() {
        int n = 0;
        for (ProxiedConnection c : List.copyOf(connections)) {
            c.reset("reset on command");
            n++;
        }
        LOG.log(Level.FINE, "{0}: reset {1} connections", new Object[] {name, n});
        return n;
    }

    /**
     * Makes every connection half-open: the upstream side is closed, the initiator's side stays open
     * and unanswered (see {@link ProxiedConnection#halfOpen()}). New connections are not affected.
     * Returns how many connections were made half-open.
     */
    public int halfOpen() {
        int n = 0;
        for (ProxiedConnection c : List.copyOf(connections)) {
            if (c.halfOpen()) {
                n++;
            }
        }
        return n;
    }

    public ProxyCounters counters() {
        return tally.snapshot(connections.size());
    }

    private ProxyControl changed(ProxyControl c) {
        LOG.log(Level.FINE, "{0}: {1}", new Object[] {name, c});
        return c;
    }

    /** Stops listening and closes every connection (FIN). */
    @Override
    public void close() {
        synchronized (listenerLock) {
            closed = true;
            if (listener != null) {
                try {
                    stopListening();
                } catch (IOException ignored) {
                    // nothing to do
                }
            }
        }
        for (ProxiedConnection c : List.copyOf(connections)) {
            c.close();
        }
    }

    @Override
    public String toString() {
        return "proxy " + listenAddress().getHostString() + ":" + listenAddress().getPort() + " -> "
                + upstream.getHostString() + ":" + upstream.getPort() + " (" + control() + ")";
    }
}
