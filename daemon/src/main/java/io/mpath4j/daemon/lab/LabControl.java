package io.mpath4j.daemon.lab;

import io.mpath4j.daemon.control.ManagementWire;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The control endpoint of a running lab target: a TCP listener on a loopback address only (it
 * changes faults of the target, so it must not be reachable from elsewhere), speaking the
 * management socket's framing ({@link ManagementWire}): {@code {"command":["group","2","standby"]}}
 * in, {@code {"ok":true,"text":"…"}} or {@code {"ok":false,"error":"…"}} out, one line each, as
 * many requests per connection as the client sends.
 */
public final class LabControl implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LabControl.class.getName());

    private final LabBench bench;
    private final Consumer<String> onStop;
    private final ServerSocket listener;
    private final Thread acceptor;

    private LabControl(LabBench bench, InetSocketAddress at, Consumer<String> onStop) throws IOException {
        this.bench = bench;
        this.onStop = onStop;
        this.listener = new ServerSocket();
        listener.bind(at);
        this.acceptor = Thread.ofVirtual().name("lab-control").start(this::acceptLoop);
    }

    /**
     * Listens on {@code at}, which must be a loopback address.
     *
     * @param onStop called (with the reason) when a client sends {@code stop}
     */
    public static LabControl start(LabBench bench, InetSocketAddress at, Consumer<String> onStop) throws IOException {
        InetAddress a = at.getAddress();
        if (a == null || !a.isLoopbackAddress()) {
            throw new IllegalArgumentException("--control " + at.getHostString() + ":" + at.getPort()
                    + " must be a loopback address (127.0.0.0/8 or ::1): it changes the target's faults");
        }
        return new LabControl(bench, at, onStop);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                Thread.ofVirtual().name("lab-control-client").start(() -> serve(s));
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    LOG.log(System.Logger.Level.WARNING, "lab control: accept failed: " + e.getMessage());
                }
            }
        }
    }

    private void serve(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
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

    /** Sends one request to a lab target's control endpoint and returns its reply text. */
    public static String send(InetSocketAddress at, List<String> words, int timeoutMillis) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(at, timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            s.getOutputStream().write(ManagementWire.request(words));
            s.getOutputStream().flush();
            String line = ManagementWire.readLine(s.getInputStream());
            if (line == null) {
                throw new IOException("the lab target at " + at.getHostString() + ":" + at.getPort() + " closed the connection without a reply");
            }
            Map<String, Object> reply = ManagementWire.parseObject(line);
            if (Boolean.TRUE.equals(reply.get("ok"))) {
                return String.valueOf(reply.get("text"));
            }
            throw new IllegalArgumentException(String.valueOf(reply.get("error")));
        } catch (java.net.ConnectException e) {
            throw new IOException("no lab target control endpoint at " + at.getHostString() + ":" + at.getPort()
                    + " (" + e.getMessage() + ")");
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing a listener: nothing to do if it fails
        }
        acceptor.interrupt();
    }
}
