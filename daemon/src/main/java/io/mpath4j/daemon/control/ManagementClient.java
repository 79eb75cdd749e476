package io.mpath4j.daemon.control;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** The client side of the management socket, as the {@code mpath} command line uses it. */
public final class ManagementClient implements AutoCloseable {

    private final SocketChannel channel;
    private final InputStream in;

    private ManagementClient(SocketChannel channel) {
        this.channel = channel;
        this.in = new BufferedInputStream(Channels.newInputStream(channel));
    }

    /** Connects, or explains why not (no such socket, no permission, nobody listening). */
    public static ManagementClient connect(Path socket) throws IOException {
        if (!Files.exists(socket)) {
            throw new IOException("no management socket at " + socket + ": is `mpath daemon` (or `mpath serve --socket`) running?"
                    + " Use --socket or $" + SocketPaths.ENV + " to name another");
        }
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            channel.close();
            throw new IOException("cannot connect to the management socket " + socket + ": " + e.getMessage()
                    + (Files.isWritable(socket) ? " (stale socket: the serving process is gone)" : " (permission: it is mode 0600, run as its owner)"), e);
        }
        return new ManagementClient(channel);
    }

    /** Sends one command and waits for its reply. */
    public ManagementReply call(List<String> words) throws IOException {
        channel.write(java.nio.ByteBuffer.wrap(ManagementWire.request(words)));
        String line = ManagementWire.readLine(in);
        if (line == null) {
            throw new IOException("the management socket closed without a reply");
        }
        return ManagementReply.fromJson(ManagementWire.parseObject(line));
    }

    /**
     * Sends {@code events} and hands each event line (its JSON object) to {@code sink} until the
     * sink returns false or the server closes the stream.
     */
    public ManagementReply events(Predicate<Map<String, Object>> sink) throws IOException {
        ManagementReply first = call(List.of("events"));
        if (!first.ok()) {
            return first;
        }
        String line;
        while ((line = ManagementWire.readLine(in)) != null) {
            Map<String, Object> m = ManagementWire.parseObject(line);
            if (m.containsKey("ok")) {
                return ManagementReply.fromJson(m);
            }
            if (!sink.test(m)) {
                break;
            }
        }
        return first;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
