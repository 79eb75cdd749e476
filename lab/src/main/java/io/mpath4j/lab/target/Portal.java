package io.mpath4j.lab.target;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One listening portal of the lab target and its connections. A reset closes every connection
 * with a TCP RST; refusing new connections closes the listening socket (the initiator sees
 * "connection refused") until {@link #acceptNew()} binds the same address again.
 */
final class Portal {

    private static final System.Logger LOG = System.getLogger(Portal.class.getName());

    private final PortalSpec spec;
    private final LabTarget target;
    private final PortalFaults faults;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private volatile InetSocketAddress address;
    private ServerSocketChannel server; // guarded by this
    private volatile boolean stopped;

    Portal(PortalSpec spec, LabTarget target) {
        this.spec = spec;
        this.target = target;
        this.faults = new PortalFaults(this);
    }

    PortalSpec spec() {
        return spec;
    }

    PortalFaults faults() {
        return faults;
    }

    InetSocketAddress address() {
        return address;
    }

    int connectionCount() {
        return connections.size();
    }

    List<Connection> connections() {
        return List.copyOf(connections);
    }

    synchronized void start() throws IOException {
        InetSocketAddress at = address != null ? address : new InetSocketAddress(spec.host(), spec.port());
        ServerSocketChannel s = ServerSocketChannel.open();
        try {
            s.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            s.bind(at, 64);
        } catch (IOException e) {
            s.close();
            throw new IOException("cannot listen on " + spec.host() + ":" + at.getPort() + ": " + e.getMessage(), e);
        }
        server = s;
        address = (InetSocketAddress) s.getLocalAddress();
        Thread.ofVirtual().name("lab-portal " + address).start(() -> acceptLoop(s));
    }

    private void acceptLoop(ServerSocketChannel s) {
        while (!stopped && s.isOpen()) {
            SocketChannel ch;
            try {
                ch = s.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (s.isOpen()) {
                    LOG.log(System.Logger.Level.WARNING, "accept on {0} failed: {1}", address, e.getMessage());
                }
                return;
            }
            if (!s.isOpen()) {
                // Closing the channel only wakes this (virtual) thread, whose accept() then takes
                // one more connection from the backlog before it sees the close: a reset portal
                // must not serve it. Reset it, as a closed listener would.
                try {
                    ch.setOption(StandardSocketOptions.SO_LINGER, 0);
                    ch.close();
                } catch (IOException ignored) {
                    // gone already
                }
                return;
            }
            try {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                Connection c = new Connection(ch, this, target);
                connections.add(c);
                if (stopped) {
                    c.close("target stopped", true);
                    return;
                }
                c.start();
            } catch (IOException e) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // gone already
                }
            }
        }
    }

    void forget(Connection c) {
        connections.remove(c);
    }

    /** Resets every connection now; with {@code refuseNew}, also stops listening. */
    void reset(boolean refuseNew) {
        if (refuseNew) {
            closeServer();
        }
        for (Connection c : List.copyOf(connections)) {
            c.close("portal reset", true);
        }
    }

    /**
     * Asks every initiator on the portal to log out within {@code within} (AsyncEvent 1, §11.9.1),
     * and drops the connections still open after that time.
     */
    int requestLogout(java.time.Duration within) {
        int secs = (int) Math.min(0xffff, Math.max(1, within.toSeconds()));
        int sent = 0;
        for (Connection c : List.copyOf(connections)) {
            if (c.sendAsync(io.mpath4j.iscsi.pdu.Pdu.AsyncEvent.LOGOUT_REQUESTED, 0, 0, secs)) {
                sent++;
                Thread.ofVirtual().start(() -> {
                    try {
                        Thread.sleep(within);
                    } catch (InterruptedException e) {
                        return;
                    }
                    c.close("no logout within " + within.toMillis() + " ms of the request", true);
                });
            }
        }
        return sent;
    }

    /**
     * Announces that the target drops every session on the portal (AsyncEvent 3, with
     * DefaultTime2Wait {@code time2Wait} s and Time2Retain 0), then closes their connections after
     * a grace of one second, so the initiator reads the message before the close.
     */
    int dropSessions(int time2Wait) {
        int sent = 0;
        for (Connection c : List.copyOf(connections)) {
            if (c.sendAsync(io.mpath4j.iscsi.pdu.Pdu.AsyncEvent.SESSION_DROP, 0, time2Wait, 0)) {
                sent++;
            }
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(DROP_GRACE);
                } catch (InterruptedException e) {
                    // close now
                }
                c.close("the target dropped the session (asynchronous message sent)", false);
            });
        }
        return sent;
    }

    private static final java.time.Duration DROP_GRACE = java.time.Duration.ofSeconds(1);

    /** Listens again after {@code reset(true)}; nothing if already listening. */
    synchronized void acceptNew() throws IOException {
        if (!stopped && (server == null || !server.isOpen())) {
            start();
        }
    }

    synchronized boolean isListening() {
        return server != null && server.isOpen();
    }

    private synchronized void closeServer() {
        if (server != null) {
            try {
                server.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    void stop() {
        stopped = true;
        closeServer();
        for (Connection c : List.copyOf(connections)) {
            c.close("target stopped", true);
        }
    }
}
