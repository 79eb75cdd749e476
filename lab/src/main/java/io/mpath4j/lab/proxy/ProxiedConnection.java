package io.mpath4j.lab.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/** One initiator connection and its upstream connection, with a {@link Pump} each way. */
final class ProxiedConnection {

    private static final Logger LOG = Logger.getLogger(ProxiedConnection.class.getName());

    private final String name;
    private final Socket client;
    private final InetSocketAddress upstreamAddress;
    private final Duration connectTimeout;
    private final ControlBoard board;
    private final TokenBucket toUpstreamBucket;
    private final TokenBucket toClientBucket;
    private final Tally tally;
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger endedDirections = new AtomicInteger();
    private volatile Socket upstream;
    private volatile Pump toUpstream;
    private volatile Pump toClient;
    private boolean halfOpenPending; // guarded by this

    ProxiedConnection(String name, Socket client, InetSocketAddress upstreamAddress, Duration connectTimeout,
            ControlBoard board, TokenBucket toUpstreamBucket, TokenBucket toClientBucket, Tally tally, Runnable onClose) {
        this.name = name;
        this.client = client;
        this.upstreamAddress = upstreamAddress;
        this.connectTimeout = connectTimeout;
        this.board = board;
        this.toUpstreamBucket = toUpstreamBucket;
        this.toClientBucket = toClientBucket;
        this.tally = tally;
        this.onClose = onClose;
    }

    /**
     * Connects upstream and starts pumping. While the way to the upstream is blackholed the connect
     * waits: behind a cut link a SYN does not get through either (the initiator, whose connect the
     * proxy's kernel already completed, sees a silent connection).
     */
    void open() {
        try {
            for (ProxyControl c = board.get(); c.blackholes(Direction.TO_UPSTREAM) && !closed.get(); c = board.get()) {
                board.awaitChange(c, Long.MAX_VALUE);
            }
            Socket s = new Socket();
            s.setTcpNoDelay(true); // the proxy adds only the delay it is told to
            s.connect(upstreamAddress, (int) connectTimeout.toMillis());
            upstream = s;
            if (closed.get()) {
                s.close();
                return;
            }
            client.setTcpNoDelay(true);
            synchronized (this) {
                toUpstream = new Pump(this, Direction.TO_UPSTREAM, client, s, board, toUpstreamBucket, tally);
                toClient = new Pump(this, Direction.TO_CLIENT, s, client, board, toClientBucket, tally);
                toUpstream.start(name);
                toClient.start(name);
                if (halfOpenPending) {
                    applyHalfOpen();
                }
            }
            if (closed.get()) { // reset while the pumps were being made: they must not wait forever
                toUpstream.interrupt();
                toClient.interrupt();
            }
        } catch (IOException e) {
            tally.upstreamFailures.increment();
            LOG.log(Level.FINE, () -> name + ": upstream " + upstreamAddress + " unreachable: " + e.getMessage());
            reset("upstream unreachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
        }
    }

    boolean isClosed() {
        return closed.get();
    }

    /** One direction delivered its FIN; when both have, the connection is done. */
    void directionEnded() {
        if (endedDirections.incrementAndGet() == 2) {
            close();
        }
    }

    /** Resets both sides now: SO_LINGER 0 makes close() send RST instead of FIN. */
    void reset(String reason) {
        if (closed.compareAndSet(false, true)) {
            LOG.log(Level.FINE, () -> name + ": reset (" + reason + ")");
            tally.resets.increment();
            for (Socket s : new Socket[] {client, upstream}) {
                if (s != null) {
                    try {
                        s.setSoLinger(true, 0);
                    } catch (IOException ignored) {
                        // already closed: nothing left to reset
                    }
                }
            }
            release();
        }
    }

    /** Closes both sides in order (FIN). */
    void close() {
        if (closed.compareAndSet(false, true)) {
            release();
        }
    }

    /**
     * Half-open: the upstream connection is closed (an orderly FIN; the target forgets the session)
     * while the initiator's connection stays open, and what the initiator sends from now on is read
     * and discarded. The initiator is left with a connection nobody answers on, as after a target
     * reboot it was not told about. A connection still being set up becomes half-open as soon as
     * its upstream connection is made. Returns false if the connection is closed.
     */
    synchronized boolean halfOpen() {
        if (closed.get()) {
            return false;
        }
        if (toUpstream == null) {
            halfOpenPending = true;
        } else {
            applyHalfOpen();
        }
        return true;
    }

    private void applyHalfOpen() {
        toUpstream.swallow();
        toClient.stop();
        closeQuietly(upstream);
    }

    private void release() {
        closeQuietly(client);
        if (upstream != null) {
            closeQuietly(upstream);
        }
        for (Pump p : new Pump[] {toUpstream, toClient}) {
            if (p != null) {
                p.interrupt();
            }
        }
        onClose.run();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }

    @Override
    public String toString() {
        return name + " " + client.getRemoteSocketAddress() + " -> " + upstreamAddress;
    }
}
