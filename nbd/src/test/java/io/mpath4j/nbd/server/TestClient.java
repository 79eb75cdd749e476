package io.mpath4j.nbd.server;

import io.mpath4j.nbd.protocol.ClientFlag;
import io.mpath4j.nbd.protocol.ClientFlags;
import io.mpath4j.nbd.protocol.ClientOption;
import io.mpath4j.nbd.protocol.ExpectedReadLength;
import io.mpath4j.nbd.protocol.ExportNameReply;
import io.mpath4j.nbd.protocol.NbdClientDecoder;
import io.mpath4j.nbd.protocol.NbdEncoder;
import io.mpath4j.nbd.protocol.NbdProtocolException;
import io.mpath4j.nbd.protocol.OptionReply;
import io.mpath4j.nbd.protocol.Reply;
import io.mpath4j.nbd.protocol.Request;
import io.mpath4j.nbd.protocol.ServerGreeting;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A blocking raw NBD client for tests, built on the codec; every read times out after 5 s. */
final class TestClient implements AutoCloseable {

    final SocketChannel channel;
    private final ReadableByteChannel reader;
    private final NbdClientDecoder decoder = new NbdClientDecoder();
    private ByteBuffer in = ByteBuffer.allocate(1 << 16).flip();
    /** Read lengths of reads in flight, for framing simple replies. */
    final Map<Long, Long> reads = new ConcurrentHashMap<>();
    ServerGreeting greeting;

    TestClient(InetSocketAddress address) throws IOException {
        channel = SocketChannel.open(address);
        channel.socket().setSoTimeout(5000);
        // a channel ignores SO_TIMEOUT; its socket's stream honours it
        reader = Channels.newChannel(channel.socket().getInputStream());
    }

    /** Connects and reads the greeting, sends fixed-newstyle + no-zeroes flags. */
    static TestClient connect(NbdServer server) throws IOException {
        TestClient c = new TestClient(server.localAddress());
        c.greeting = c.next(c.decoder::decodeGreeting);
        c.send(NbdEncoder.encode(new ClientFlags(ClientFlag.maskOf(ClientFlag.FIXED_NEWSTYLE, ClientFlag.NO_ZEROES))));
        return c;
    }

    interface Decode<T> {
        T decode(ByteBuffer b) throws NbdProtocolException;
    }

    <T> T next(Decode<T> d) throws IOException {
        while (true) {
            try {
                T v = d.decode(in);
                if (v != null) {
                    return v;
                }
            } catch (NbdProtocolException e) {
                throw new IOException(e);
            }
            in.compact();
            if (!in.hasRemaining()) {
                ByteBuffer b = ByteBuffer.allocate(in.capacity() * 2);
                b.put(in.flip());
                in = b;
            }
            int n;
            try {
                n = reader.read(in);
            } finally {
                in.flip();
            }
            if (n < 0) {
                throw new EOFException("server closed the connection");
            }
        }
    }

    void send(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    void send(byte[] raw) throws IOException {
        send(ByteBuffer.wrap(raw));
    }

    void option(ClientOption o) throws IOException {
        send(NbdEncoder.encode(o));
    }

    OptionReply optionReply() throws IOException {
        return next(decoder::decodeOptionReply);
    }

    /** Sends {@code o} and reads replies up to and including the first ACK or error. */
    List<OptionReply> haggle(ClientOption o) throws IOException {
        option(o);
        List<OptionReply> out = new ArrayList<>();
        while (true) {
            OptionReply r = optionReply();
            out.add(r);
            if (r instanceof OptionReply.Ack || r instanceof OptionReply.ErrorReply) {
                return out;
            }
        }
    }

    ExportNameReply exportName(String name) throws IOException {
        option(new ClientOption.ExportName(name));
        return next(b -> decoder.decodeExportNameReply(b, true));
    }

    void request(Request r) throws IOException {
        if (r.command().map(t -> t == io.mpath4j.nbd.protocol.CommandType.READ).orElse(false)) {
            reads.put(r.handle(), r.length());
        }
        send(NbdEncoder.encode(r));
    }

    Reply reply() throws IOException {
        ExpectedReadLength lengths = h -> reads.getOrDefault(h, 0L);
        Reply r = next(b -> decoder.decodeReply(b, lengths));
        return r;
    }

    /** True if the server closed the connection (EOF or reset) within the read timeout. */
    boolean closedByServer() {
        try {
            ByteBuffer b = ByteBuffer.allocate(4096);
            while (true) {
                if (reader.read(b) < 0) {
                    return true;
                }
                b.clear();
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
