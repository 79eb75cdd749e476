package io.mpath4j.nbd.client;

import io.mpath4j.core.Geometry;
import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import io.mpath4j.core.path.AccessState;
import io.mpath4j.core.path.CheckResult;
import io.mpath4j.core.path.CheckerState;
import io.mpath4j.core.path.Path;
import io.mpath4j.core.path.PathEvent;
import io.mpath4j.core.path.PathIdentity;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A path to a logical unit over one NBD connection ({@link NbdConnection}), with a background
 * reconnect.
 *
 * <p><b>Identity.</b> NBD has no unit identifier (no VPD 0x83, no NGUID): the WWID is configured,
 * and it is the administrator's promise that the exports behind all paths with that WWID are the
 * same data. The name is the canonical URI ({@code nbd://127.0.0.1:10809/export}), the target node
 * {@code host:port}, the vendor {@code NBD}, the product the export name.
 *
 * <p><b>State.</b> Access state is active/optimized while connected, offline while not. When the
 * connection drops (EOF, reset, request timeout, protocol error) the path emits {@link
 * PathEvent.ConnectionLost} and reconnects in the background, first after {@code
 * reconnectInitial}, doubling up to {@code reconnectMax}, until it succeeds or the path is
 * closed; then it emits {@link PathEvent.CapacityChanged} if the export has another size, and
 * {@link PathEvent.ConnectionRestored} (the engine then checks the path and reinstates it). While
 * disconnected, {@link #submit} completes at once with a path error that cannot still execute.
 *
 * <p><b>Checker.</b> {@link #check()} reads one logical block at offset 0 (bounded by the request
 * timeout, whose expiry tears the connection down): ready if the server answered at all, even with
 * an error (the check tests the path, not the medium: a medium error is the same through every
 * path and is the caller's to see), faulty on a path error or while disconnected.
 *
 * <p><b>Fencing.</b> NBD cannot abort a command. After a connection is torn down the server may
 * still execute what it had already read from the socket, for a while. {@link #fence()} therefore
 * completes {@code fencingDelay} after the most recent teardown of one of this path's connections
 * (at once if that is already past, or if no connection was ever torn down: then every path error
 * said the request was never sent).
 */
public final class NbdPath implements Path {

    private static final System.Logger LOG = System.getLogger(NbdPath.class.getName());

    private final NbdUri uri;
    private final NbdClientOptions options;
    private final PathIdentity identity;
    private final Object lock = new Object();
    private volatile NbdConnection connection; // null while disconnected
    private volatile ExportInfo export;
    private volatile Geometry geometry;
    private volatile Consumer<PathEvent> listener = e -> {};
    private volatile boolean closed;
    private volatile boolean everTornDown;
    private volatile long lastTeardownNanos;
    private volatile String lastLoss = "";
    private Thread reconnector; // guarded by lock

    private NbdPath(NbdUri uri, String name, String wwid, NbdClientOptions options) {
        this.uri = uri;
        this.options = options;
        this.identity = new PathIdentity(name, wwid, "NBD", uri.export(), "", "", -1, uri.authority());
    }

    /** Connects to {@code uri} (blocking, within the connect timeout); the name is the canonical URI. */
    public static NbdPath connect(NbdUri uri, String wwid, NbdClientOptions options) throws IOException {
        return connect(uri, uri.toString(), wwid, options);
    }

    /**
     * Connects to {@code uri}, blocking for at most the connect timeout: the first connection must
     * succeed, because the export's size and block sizes are the path's geometry.
     *
     * @throws IOException if the server cannot be reached or refuses the export
     */
    public static NbdPath connect(NbdUri uri, String name, String wwid, NbdClientOptions options) throws IOException {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(options, "options");
        NbdPath p = new NbdPath(uri, name, wwid, options);
        NbdConnection c = NbdConnection.open(uri, options, p::onTornDown);
        synchronized (p.lock) {
            p.export = c.export();
            p.geometry = c.export().geometry();
            if (c.isTornDown()) {
                p.startReconnect();
            } else {
                p.connection = c;
            }
        }
        LOG.log(System.Logger.Level.INFO, "{0}: connected, {1} bytes, flags {2}", uri, c.export().size(),
                io.mpath4j.nbd.protocol.TransmissionFlag.setOf(c.export().transmissionFlags()));
        return p;
    }

    public NbdUri uri() {
        return uri;
    }

    public NbdClientOptions options() {
        return options;
    }

    /** What the latest handshake learned about the export. */
    public ExportInfo export() {
        return export;
    }

    /** True while a connection is up and taking requests. */
    public boolean isConnected() {
        NbdConnection c = connection;
        return c != null && c.isUsable();
    }

    @Override
    public PathIdentity identity() {
        return identity;
    }

    @Override
    public Geometry geometry() {
        return geometry;
    }

    @Override
    public AccessState accessState() {
        return isConnected() ? AccessState.OPTIMIZED : AccessState.OFFLINE;
    }

    @Override
    public void submit(IoRequest request, Consumer<IoStatus> completion) {
        NbdConnection c = connection;
        if (c == null) {
            completion.accept(new IoStatus.PathError("not connected to " + uri
                    + (lastLoss.isEmpty() ? "" : " (" + lastLoss + ")"), false));
            return;
        }
        c.submit(request, completion);
    }

    @Override
    public CompletionStage<CheckResult> check() {
        NbdConnection c = connection;
        if (c == null || !c.isUsable()) {
            return CompletableFuture.completedFuture(CheckResult.faulty("not connected to " + uri
                    + (lastLoss.isEmpty() ? "" : ": " + lastLoss)));
        }
        long size = c.export().size();
        int length = (int) Math.min(geometry.logicalBlockSize(), size);
        if (length == 0) {
            return CompletableFuture.completedFuture(new CheckResult(CheckerState.READY, AccessState.OPTIMIZED,
                    "connected (empty export, nothing to read)"));
        }
        CompletableFuture<CheckResult> f = new CompletableFuture<>();
        c.submit(new IoRequest.Read(0, ByteBuffer.allocate(length)), s -> f.complete(switch (s) {
            case IoStatus.Ok ok -> CheckResult.ready(AccessState.OPTIMIZED);
            case IoStatus.PathError pe -> CheckResult.faulty(pe.describe());
            // the server answered: the path works, whatever the medium says
            case IoStatus.Failure other -> new CheckResult(CheckerState.READY, AccessState.OPTIMIZED,
                    "server answered the check read with " + other.describe());
        }));
        return f;
    }

    @Override
    public CompletionStage<Void> fence() {
        if (!everTornDown) {
            return CompletableFuture.completedFuture(null);
        }
        long remaining = lastTeardownNanos + options.fencingDelay().toNanos() - System.nanoTime();
        if (remaining <= 0) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(remaining, TimeUnit.NANOSECONDS));
    }

    @Override
    public void setEventListener(Consumer<PathEvent> listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Tears the current connection down as a failure would (tests, administrative reset). */
    public void abortConnection(String reason) {
        NbdConnection c = connection;
        if (c != null) {
            c.abort(reason);
        }
    }

    @Override
    public void close() {
        NbdConnection c;
        Thread r;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            c = connection;
            connection = null;
            r = reconnector;
            reconnector = null;
        }
        if (r != null) {
            r.interrupt();
        }
        if (c != null) {
            c.close();
        }
    }

    @Override
    public String toString() {
        return "NbdPath[" + identity.name() + ", " + (isConnected() ? "connected" : "disconnected")
                + (lastLoss.isEmpty() ? "" : ", " + lastLoss) + "]";
    }

    // ------------------------------------------------------------------ connection life cycle

    /**
     * Runs on the thread that tore {@code c} down, after its socket is closed and before its
     * outstanding requests complete: an engine fencing on their errors sees this teardown.
     */
    private void onTornDown(NbdConnection c) {
        boolean lost;
        synchronized (lock) {
            lastTeardownNanos = c.closedAtNanos();
            everTornDown = true;
            lost = connection == c;
            if (lost) {
                connection = null;
                lastLoss = c.closeReason();
            }
        }
        if (lost && !closed) {
            emit(new PathEvent.ConnectionLost(c.closeReason()));
            startReconnect();
        }
    }

    private void startReconnect() {
        synchronized (lock) {
            if (closed || reconnector != null) {
                return;
            }
            reconnector = Thread.ofVirtual().name("nbd-reconnect " + uri).start(this::reconnectLoop);
        }
    }

    private void reconnectLoop() {
        long delay = options.reconnectInitial().toNanos();
        long max = options.reconnectMax().toNanos();
        try {
            while (!closed) {
                TimeUnit.NANOSECONDS.sleep(delay);
                if (closed) {
                    return;
                }
                NbdConnection c;
                try {
                    c = NbdConnection.open(uri, options, this::onTornDown);
                } catch (IOException e) {
                    lastLoss = "reconnect failed: " + e.getMessage();
                    delay = Math.min(delay * 2, max);
                    continue;
                }
                long oldSize;
                synchronized (lock) {
                    if (closed) {
                        c.close();
                        return;
                    }
                    if (c.isTornDown()) {
                        continue; // lost again before we could publish it
                    }
                    oldSize = geometry.sizeBytes();
                    export = c.export();
                    geometry = c.export().geometry();
                    connection = c;
                    lastLoss = "";
                    reconnector = null;
                }
                LOG.log(System.Logger.Level.INFO, "{0}: reconnected", uri);
                if (c.export().size() != oldSize) {
                    emit(new PathEvent.CapacityChanged(c.export().size()));
                }
                emit(new PathEvent.ConnectionRestored());
                return;
            }
        } catch (InterruptedException e) {
            // closed
        } finally {
            synchronized (lock) {
                if (reconnector == Thread.currentThread()) {
                    reconnector = null;
                }
            }
        }
    }

    private void emit(PathEvent e) {
        try {
            listener.accept(e);
        } catch (RuntimeException ex) {
            LOG.log(System.Logger.Level.WARNING, "path event listener failed on " + e, ex);
        }
    }
}
