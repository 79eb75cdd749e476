package io.mpath4j.nbd.server;

import io.mpath4j.nbd.protocol.NbdLimits;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * An NBD server that exports {@link io.mpath4j.core.BlockDevice}s to NBD clients (qemu, nbd-client,
 * nbdcopy, fio's nbd engine, libnbd).
 *
 * <p>Protocol: fixed newstyle negotiation (proto.md) with {@code NBD_FLAG_NO_ZEROES}; options
 * {@code EXPORT_NAME}, {@code ABORT}, {@code LIST}, {@code STARTTLS} (when TLS is configured),
 * {@code INFO}, {@code GO} and {@code STRUCTURED_REPLY}; other options are answered with {@code
 * NBD_REP_ERR_UNSUP}. Transmission: {@code READ}, {@code WRITE} (with {@code FUA}), {@code FLUSH},
 * {@code TRIM}, {@code WRITE_ZEROES} (with {@code NO_HOLE} and {@code FUA}) and {@code DISC}; other
 * commands get {@code NBD_EINVAL}. See {@link NbdConnection} for the details and {@link NbdErrors}
 * for the error mapping.
 *
 * <p>Threads: one virtual thread accepts on each listening address; each connection has one
 * virtual thread that reads (handshake, then requests) and one that writes replies. Requests are
 * submitted to the device as soon as they are read, so many are in flight per connection, and each
 * reply is written when its completion arrives (out of order, matched by handle). The device's
 * completion threads never touch a socket: they queue the reply for the connection's writer, so a
 * client that does not read its replies stalls only its own connection. Replies the device
 * completes inline, on the reader, are written by the reader itself, and a reader whose device
 * completes nearly everything inline moves to a platform thread (see {@link NbdConnection}).
 *
 * <p>Isolation: a protocol error, a bad handshake, a stalled client or an exception in one
 * connection closes that connection only. Memory per connection is bounded by {@link
 * Builder#maxBytesInFlight} (payload bytes of requests read and not yet answered; the reader stops
 * reading while over it) plus one request of at most {@link NbdLimits#maxPayload()} being read.
 *
 * <p>{@link #close()} stops accepting, closes every connection and returns once all I/O the
 * connections submitted to the devices has completed, so no buffer is in use afterwards. The
 * devices themselves stay open: the caller owns them.
 */
public final class NbdServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("io.mpath4j.nbd.server");

    final Map<String, NbdExport> exports;
    final NbdExport defaultExport;
    final NbdLimits limits;
    final long maxBytesInFlight;
    final int maxRequestsInFlight;
    final int maxConnections;
    final SSLContext tlsContext;
    final boolean tlsRequired;
    final Duration handshakeTimeout;
    final Duration replyTimeout;

    private final List<ServerSocketChannel> listeners = new ArrayList<>();
    private final List<InetSocketAddress> boundAddresses = new ArrayList<>();
    private final List<Thread> acceptors = new ArrayList<>();
    private final Set<NbdConnection> connections = ConcurrentHashMap.newKeySet();
    final ScheduledExecutorService timer;
    /** Direct buffers for read data, shared by the connections; keeps at most maxBytesInFlight idle. */
    final ReadBufferPool readBuffers;
    private volatile boolean closed;

    private NbdServer(Builder b) {
        this.exports = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.exports));
        this.defaultExport = b.defaultExport == null ? exports.get("") : exports.get(b.defaultExport);
        if (b.defaultExport != null && defaultExport == null) {
            throw new IllegalArgumentException("default export " + b.defaultExport + " is not among the exports "
                    + exports.keySet());
        }
        this.limits = b.limits;
        this.maxBytesInFlight = b.maxBytesInFlight;
        this.maxRequestsInFlight = b.maxRequestsInFlight;
        this.maxConnections = b.maxConnections;
        this.tlsContext = b.tlsContext;
        this.tlsRequired = b.tlsRequired;
        this.handshakeTimeout = b.handshakeTimeout;
        this.replyTimeout = b.replyTimeout;
        this.readBuffers = new ReadBufferPool(b.maxBytesInFlight);
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("nbd-server-timer").daemon().factory());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The addresses the server listens on, with the ports actually bound (for port 0). */
    public List<InetSocketAddress> localAddresses() {
        return List.copyOf(boundAddresses);
    }

    /** The first listening address. */
    public InetSocketAddress localAddress() {
        return boundAddresses.getFirst();
    }

    /** Connections open now (in handshake or transmission). */
    public int connectionCount() {
        return connections.size();
    }

    /** The export a client gets for {@code name}: the default export for the empty name. */
    NbdExport lookup(String name) {
        NbdExport e = exports.get(name);
        return e == null && name.isEmpty() ? defaultExport : e;
    }

    private void start(List<InetSocketAddress> addresses) throws IOException {
        try {
            for (InetSocketAddress a : addresses) {
                ServerSocketChannel ch = ServerSocketChannel.open();
                listeners.add(ch);
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                ch.bind(a, 128);
                boundAddresses.add((InetSocketAddress) ch.getLocalAddress());
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        for (int i = 0; i < listeners.size(); i++) {
            ServerSocketChannel ch = listeners.get(i);
            acceptors.add(Thread.ofVirtual().name("nbd-accept-" + boundAddresses.get(i)).start(() -> acceptLoop(ch)));
        }
        timer.scheduleWithFixedDelay(this::checkStalled, 1, 1, TimeUnit.SECONDS);
    }

    private void acceptLoop(ServerSocketChannel listener) {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = listener.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                LOG.log(Level.WARNING, "accept on " + listener + " failed", e);
                sleepQuietly(50);
                continue;
            }
            if (closed || connections.size() >= maxConnections) {
                LOG.log(Level.WARNING, closed ? "server closing: refusing a connection"
                        : "refusing a connection: " + maxConnections + " connections open");
                closeQuietly(ch);
                continue;
            }
            NbdConnection c;
            try {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
                c = new NbdConnection(this, ch);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "cannot set up a connection", e);
                closeQuietly(ch);
                continue;
            }
            connections.add(c);
            if (closed) {
                // close() may have taken its snapshot of the connections before this one was added
                c.abort("server closing");
            }
            c.start();
        }
    }

    void removed(NbdConnection c) {
        connections.remove(c);
    }

    private void checkStalled() {
        long now = System.nanoTime();
        for (NbdConnection c : connections) {
            try {
                c.checkStalled(now);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "stall check failed for " + c, e);
            }
        }
    }

    /**
     * Stops accepting, closes every connection (in-flight requests are not answered) and waits
     * until all I/O submitted to the devices has completed. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        for (ServerSocketChannel l : listeners) {
            closeQuietly(l);
        }
        for (Thread t : acceptors) {
            joinQuietly(t);
        }
        // No connection is added after the acceptors ended.
        for (NbdConnection c : connections) {
            c.abort("server closing");
        }
        for (NbdConnection c : List.copyOf(connections)) {
            c.awaitTerminated();
        }
        timer.shutdownNow();
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing: nothing to do about it
        }
    }

    private static void joinQuietly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Configuration of a server; {@link #start()} binds and returns the running server. */
    public static final class Builder {
        private final List<InetSocketAddress> addresses = new ArrayList<>();
        private final Map<String, NbdExport> exports = new LinkedHashMap<>();
        private String defaultExport;
        private NbdLimits limits = NbdLimits.DEFAULT;
        private long maxBytesInFlight = 64L * 1024 * 1024;
        private int maxRequestsInFlight = 1024;
        private int maxConnections = 1024;
        private SSLContext tlsContext;
        private boolean tlsRequired;
        private Duration handshakeTimeout = Duration.ofSeconds(30);
        private Duration replyTimeout = Duration.ofSeconds(60);

        private Builder() {}

        /** Listens on {@code address} (port 0: any free port; see {@link #localAddresses()}). */
        public Builder listen(InetSocketAddress address) {
            addresses.add(Objects.requireNonNull(address, "address"));
            return this;
        }

        public Builder export(NbdExport export) {
            if (exports.putIfAbsent(export.name(), export) != null) {
                throw new IllegalArgumentException("two exports named '" + export.name() + "'");
            }
            return this;
        }

        /** The export a client gets when it asks for the empty name. */
        public Builder defaultExport(String name) {
            this.defaultExport = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Decoder limits; {@link NbdLimits#maxPayload()} is also the maximum block size advertised
         * and the largest read served.
         */
        public Builder limits(NbdLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /**
         * Payload bytes (write data read, read data to send) of the requests of one connection that
         * are not yet answered; beyond it the server stops reading that connection's requests until
         * replies drain. Default 64 MiB. At least one request is always admitted.
         */
        public Builder maxBytesInFlight(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxBytesInFlight must be positive");
            }
            this.maxBytesInFlight = bytes;
            return this;
        }

        /** Requests of one connection not yet answered; default 1024. */
        public Builder maxRequestsInFlight(int requests) {
            if (requests <= 0) {
                throw new IllegalArgumentException("maxRequestsInFlight must be positive");
            }
            this.maxRequestsInFlight = requests;
            return this;
        }

        /** Connections beyond this are closed at once; default 1024. */
        public Builder maxConnections(int connections) {
            if (connections <= 0) {
                throw new IllegalArgumentException("maxConnections must be positive");
            }
            this.maxConnections = connections;
            return this;
        }

        /**
         * Offers {@code NBD_OPT_STARTTLS} with this context's certificate (see {@link NbdTls}). With
         * {@code required}, every option except {@code STARTTLS} and {@code ABORT} is refused with
         * {@code NBD_REP_ERR_TLS_REQD} until TLS is up ({@code EXPORT_NAME}, which has no error
         * reply, closes the connection).
         */
        public Builder tls(SSLContext context, boolean required) {
            this.tlsContext = Objects.requireNonNull(context, "context");
            this.tlsRequired = required;
            return this;
        }

        /** A connection still negotiating after this is closed; default 30 s. */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = positive(timeout, "handshakeTimeout");
            return this;
        }

        /**
         * A connection whose reply write makes no progress for this long (the client stopped
         * reading) is closed; default 60 s.
         */
        public Builder replyTimeout(Duration timeout) {
            this.replyTimeout = positive(timeout, "replyTimeout");
            return this;
        }

        private static Duration positive(Duration d, String what) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive");
            }
            return d;
        }

        public NbdServer start() throws IOException {
            if (addresses.isEmpty()) {
                throw new IllegalStateException("no address to listen on");
            }
            NbdServer s = new NbdServer(this);
            s.start(List.copyOf(addresses));
            return s;
        }
    }
}
