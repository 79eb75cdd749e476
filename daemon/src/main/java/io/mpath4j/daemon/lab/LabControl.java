package io.mpath4j.daemon.lab;

import io.mpath4j.daemon.control.ManagementWire;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The control endpoint of a running lab target: a TCP listener on a loopback address only (it
 * changes faults of the target, so it must not be reachable from elsewhere) or a Unix socket
 * ({@code unix:/path}, removed again on close), speaking the
 * management socket's framing ({@link ManagementWire}): {@code {"command":["group","2","standby"]}}
 * in, {@code {"ok":true,"text":"…"}} or {@code {"ok":false,"error":"…"}} out, one line each, as
 * many requests per connection as the client sends.
 */
public final class LabControl implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LabControl.class.getName());

    private final LabBench bench;
    private final Consumer<String> onStop;
    private final ServerSocketChannel listener;
    private final Path socketFile;
    private final Thread acceptor;

    private LabControl(LabBench bench, SocketAddress at, Consumer<String> onStop) throws IOException {
        this.bench = bench;
        this.onStop = onStop;
        this.socketFile = at instanceof UnixDomainSocketAddress u ? u.getPath() : null;
        this.listener = ServerSocketChannel.open(socketFile != null ? StandardProtocolFamily.UNIX
                : ((InetSocketAddress) at).getAddress() instanceof java.net.Inet6Address ? StandardProtocolFamily.INET6
                : StandardProtocolFamily.INET);
        try {
            listener.bind(at);
        } catch (IOException e) {
            listener.close();
            throw new IOException("cannot listen on " + describe(at) + ": " + e.getMessage(), e);
        }
        this.acceptor = Thread.ofVirtual().name("lab-control").start(this::acceptLoop);
    }

    /**
     * {@code unix:/path} (or an absolute path) for a Unix socket, else {@code HOST:PORT}.
     *
     * @param hostPort parses HOST:PORT (the command line's parser, for one error style)
     */
    public static SocketAddress parseAddress(String spec, java.util.function.Function<String, InetSocketAddress> hostPort) {
        if (spec.startsWith("unix:") || spec.startsWith("/")) {
            String path = spec.startsWith("unix:") ? spec.substring(5) : spec;
            if (path.isEmpty()) {
                throw new IllegalArgumentException("--control 'unix:' needs a path, e.g. unix:/tmp/lab.sock");
            }
            return UnixDomainSocketAddress.of(path);
        }
        return hostPort.apply(spec);
    }

    /** {@code unix:/path} or {@code host:port}. */
    public static String describe(SocketAddress a) {
        return a instanceof UnixDomainSocketAddress u ? "unix:" + u.getPath()
                : ((InetSocketAddress) a).getHostString() + ":" + ((InetSocketAddress) a).getPort();
    }

    /**
     * Listens on {@code at}, which must be a loopback address.
     *
     * @param onStop called (with the reason) when a client sends {@code stop}
     */
    public static LabControl start(LabBench bench, SocketAddress at, Consumer<String> onStop) throws IOException {
        if (at instanceof InetSocketAddress inet) {
            InetAddress a = inet.getAddress();
            if (a == null || !a.isLoopbackAddress()) {
                throw new IllegalArgumentException("--control " + describe(at) + " must be a loopback address"
                        + " (127.0.0.0/8 or ::1) or unix:/path: it changes the target's faults");
            }
        } else if (Files.exists(((UnixDomainSocketAddress) at).getPath())) {
            throw new IllegalArgumentException("--control " + describe(at) + ": the file exists (another lab target?);"
                    + " remove it or choose another path");
        }
        return new LabControl(bench, at, onStop);
    }

    /** Where it listens (an ephemeral port resolved). */
    public SocketAddress address() throws IOException {
        return listener.getLocalAddress();
    }

    private void acceptLoop() {
        while (listener.isOpen()) {
            try {
                SocketChannel s = listener.accept();
                Thread.ofVirtual().name("lab-control-client").start(() -> serve(s));
            } catch (IOException e) {
                if (listener.isOpen()) {
                    LOG.log(System.Logger.Level.WARNING, "lab control: accept failed: " + e.getMessage());
                }
            }
        }
    }

    private void serve(SocketChannel s) {
        try (s; InputStream in = Channels.newInputStream(s); OutputStream out = Channels.newOutputStream(s)) {
            for (String line = ManagementWire.readLine(in); line != null; line = ManagementWire.readLine(in)) {
                if (line.isBlank()) {
                    continue;
                }
                Map<String, Object> reply = answer(line);
                out.write(ManagementWire.line(reply));
                out.flush();
                if (Boolean.TRUE.equals(reply.get("ok")) && "stopping".equals(reply.get("text"))) {
                    onStop.accept("stop requested through the control endpoint");
                    return;
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "lab control client gone: " + e.getMessage());
        }
    }

    /** The reply to one request line; a bad line changes nothing. */
    Map<String, Object> answer(String line) {
        Map<String, Object> reply = new LinkedHashMap<>();
        try {
            List<String> words = ManagementWire.parseRequest(line);
            String text = bench.apply(LabRequest.parse(words));
            reply.put("ok", true);
            reply.put("text", text);
        } catch (IllegalArgumentException | IllegalStateException | IOException e) {
            reply.put("ok", false);
            reply.put("error", e.getMessage());
        }
        return reply;
    }

    /**
     * Sends one request to a lab target's control endpoint and returns its reply text. A TCP
     * endpoint is given {@code timeoutMillis} to connect and to answer; a Unix socket is local.
     */
    public static String send(SocketAddress at, List<String> words, int timeoutMillis) throws IOException {
        try {
            if (at instanceof InetSocketAddress inet) {
                try (java.net.Socket s = new java.net.Socket()) {
                    s.connect(inet, timeoutMillis);
                    s.setSoTimeout(timeoutMillis);
                    return exchange(at, s.getInputStream(), s.getOutputStream(), words);
                }
            }
            try (SocketChannel ch = SocketChannel.open(at)) {
                return exchange(at, Channels.newInputStream(ch), Channels.newOutputStream(ch), words);
            }
        } catch (java.net.ConnectException | java.nio.file.NoSuchFileException e) {
            throw new IOException("no lab target control endpoint at " + describe(at) + " (" + e.getMessage() + ")");
        }
    }

    private static String exchange(SocketAddress at, InputStream in, OutputStream out, List<String> words) throws IOException {
        out.write(ManagementWire.request(words));
        out.flush();
        String line = ManagementWire.readLine(in);
        if (line == null) {
            throw new IOException("the lab target at " + describe(at) + " closed the connection without a reply");
        }
        Map<String, Object> reply = ManagementWire.parseObject(line);
        if (Boolean.TRUE.equals(reply.get("ok"))) {
            return String.valueOf(reply.get("text"));
        }
        throw new IllegalArgumentException(String.valueOf(reply.get("error")));
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing a listener: nothing to do if it fails
        }
        acceptor.interrupt();
        if (socketFile != null) {
            try {
                Files.deleteIfExists(socketFile);
            } catch (IOException ignored) {
                // a stale socket file is refused with a clear message at the next start
            }
        }
    }
}
