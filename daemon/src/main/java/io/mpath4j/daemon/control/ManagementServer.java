package io.mpath4j.daemon.control;

import io.mpath4j.core.device.DeviceEvent;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The management socket: a Unix domain socket (mode 0600, so only its owner — root for the daemon
 * — may change devices) carrying {@link ManagementWire} lines. One virtual thread per client;
 * a client that misbehaves (bad JSON, endless lines, never reads its events) loses its own
 * connection and nothing else.
 */
public final class ManagementServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ManagementServer.class.getName());
    /** Events a slow {@code events} client may lag behind before it is disconnected. */
    private static final int EVENT_BACKLOG = 4096;
    /** Queued by the hang-up watcher to end an event stream. */
    private static final Object HANGUP = new Object();

    private final Path socketPath;
    private final ServerSocketChannel server;
    private final DeviceRegistry registry;
    private final ManagementHandler handler;
    private final Set<SocketChannel> clients = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    private ManagementServer(Path socketPath, ServerSocketChannel server, DeviceRegistry registry, ManagementHandler handler) {
        this.socketPath = socketPath;
        this.server = server;
        this.registry = registry;
        this.handler = handler;
        this.acceptor = Thread.ofPlatform().daemon().name("mpath-mgmt-accept").start(this::acceptLoop);
    }

    /**
     * Binds the socket. A socket file left by a process that died is replaced; one that a live
     * process answers on is an error, so two daemons never share a socket.
     */
    public static ManagementServer start(Path socketPath, DeviceRegistry registry, ManagementHandler handler) throws IOException {
        Path parent = socketPath.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        if (Files.exists(socketPath)) {
            if (answers(socketPath)) {
                throw new IOException("another process is serving the management socket " + socketPath);
            }
            Files.delete(socketPath);
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(socketPath));
            Files.setPosixFilePermissions(socketPath, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot create the management socket " + socketPath + ": " + e.getMessage(), e);
        }
        return new ManagementServer(socketPath, server, registry, handler);
    }

    private static boolean answers(Path socketPath) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socketPath))) {
            return probe.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    public Path socketPath() {
        return socketPath;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SocketChannel client = server.accept();
                clients.add(client);
                Thread.ofVirtual().name("mpath-mgmt-client").start(() -> serve(client));
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(Level.WARNING, "management socket accept failed: " + e.getMessage());
                }
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client) {
            InputStream in = new BufferedInputStream(Channels.newInputStream(client));
            OutputStream out = Channels.newOutputStream(client);
            String line;
            while ((line = ManagementWire.readLine(in)) != null) {
                if (line.isBlank()) {
                    continue;
                }
                ManagementRequest request;
                try {
                    request = ManagementRequest.parse(ManagementWire.parseRequest(line));
                } catch (IllegalArgumentException e) {
                    out.write(ManagementWire.line(ManagementReply.error(e.getMessage()).toJson()));
                    continue;
                }
                if (request instanceof ManagementRequest.Events) {
                    streamEvents(in, out);
                    return;
                }
                out.write(ManagementWire.line(handler.handle(request).toJson()));
            }
        } catch (IOException e) {
            if (!closed) {
                LOG.log(Level.FINE, "management client dropped: " + e.getMessage());
            }
        } finally {
            clients.remove(client);
        }
    }

    /**
     * Streams device events until the client closes its side or falls {@link #EVENT_BACKLOG}
     * events behind. Listeners only enqueue: a slow client never slows a device's control thread.
     */
    private void streamEvents(InputStream in, OutputStream out) throws IOException {
        BlockingQueue<Object> queue = new ArrayBlockingQueue<>(EVENT_BACKLOG + 1);
        AtomicBoolean overflow = new AtomicBoolean();
        Consumer<DeviceEvent> listener = e -> {
            if (!queue.offer(e)) {
                overflow.set(true);
            }
        };
        List<DeviceRegistry.Entry> devices = registry.all();
        devices.forEach(d -> d.device().addListener(listener));
        // A reader that notices the client hanging up, so the stream ends without waiting for an event.
        Thread hangup = Thread.ofVirtual().start(() -> {
            try {
                while (ManagementWire.readLine(in) != null) {
                    // requests after "events" are ignored
                }
            } catch (IOException ignored) {
                // the client went away: the writer below notices it too
            }
            overflow.set(false);
            queue.offer(HANGUP);
        });
        try {
            out.write(ManagementWire.line(ManagementReply.ok("streaming events\n", Map.of("streaming", true)).toJson()));
            while (!closed) {
                Object next = queue.poll(1, TimeUnit.SECONDS);
                if (next == HANGUP) {
                    return;
                }
                if (overflow.get()) {
                    out.write(ManagementWire.line(ManagementReply.error("event stream fell more than " + EVENT_BACKLOG + " events behind; reconnect").toJson()));
                    return;
                }
                if (!(next instanceof DeviceEvent e)) {
                    continue;
                }
                out.write(ManagementWire.line(Map.of("event", TopologyJson.event(e), "text", e.toString())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            devices.forEach(d -> d.device().removeListener(listener));
            hangup.interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (SocketChannel c : clients) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        try {
            acceptor.join(2000);
            Files.deleteIfExists(socketPath);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not remove the management socket " + socketPath + ": " + e.getMessage());
        }
    }
}
