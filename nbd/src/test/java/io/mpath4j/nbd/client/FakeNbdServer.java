package io.mpath4j.nbd.client;

import io.mpath4j.nbd.protocol.ClientOption;
import io.mpath4j.nbd.protocol.CommandType;
import io.mpath4j.nbd.protocol.ExportNameReply;
import io.mpath4j.nbd.protocol.HandshakeFlag;
import io.mpath4j.nbd.protocol.InfoItem;
import io.mpath4j.nbd.protocol.InfoType;
import io.mpath4j.nbd.protocol.NbdEncoder;
import io.mpath4j.nbd.protocol.NbdError;
import io.mpath4j.nbd.protocol.NbdProtocolException;
import io.mpath4j.nbd.protocol.NbdServerDecoder;
import io.mpath4j.nbd.protocol.OptionReply;
import io.mpath4j.nbd.protocol.OptionReplyType;
import io.mpath4j.nbd.protocol.Reply;
import io.mpath4j.nbd.protocol.Request;
import io.mpath4j.nbd.protocol.ServerGreeting;
import io.mpath4j.nbd.protocol.SimpleReply;
import io.mpath4j.nbd.protocol.TransmissionFlag;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted NBD server for unit tests, on 127.0.0.1, speaking through the codec. In auto mode it
 * serves a memory disk; in manual mode it hands every request to the test, which answers when and
 * how it likes (out of order, with errors, never) or closes the connection.
 */
final class FakeNbdServer implements AutoCloseable {

    /** A request received in manual mode, with the connection to answer on. */
    record Received(Request request, Conn conn) {
        void ok() throws IOException {
            conn.reply(SimpleReply.ok(request.handle()));
        }

        void error(NbdError e) throws IOException {
            conn.reply(SimpleReply.error(request.handle(), e));
        }

        void read(byte[] data) throws IOException {
            conn.reply(SimpleReply.read(request.handle(), data));
        }
    }

    final byte[] disk;
    volatile int transmissionFlags = TransmissionFlag.maskOf(TransmissionFlag.HAS_FLAGS, TransmissionFlag.SEND_FLUSH,
            TransmissionFlag.SEND_FUA, TransmissionFlag.SEND_TRIM, TransmissionFlag.SEND_WRITE_ZEROES);
    volatile boolean supportGo = true;
    volatile InfoItem.BlockSize blockSize;
    volatile long size;
    volatile boolean manual;
    final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    final List<Request> log = new CopyOnWriteArrayList<>();
    final List<Conn> conns = new CopyOnWriteArrayList<>();
    final AtomicInteger handshakes = new AtomicInteger();
    private final ServerSocket server;
    private final Thread acceptor;

    FakeNbdServer(int size) throws IOException {
        this.disk = new byte[size];
        this.size = size;
        this.server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        this.acceptor = Thread.ofVirtual().start(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    NbdUri uri() {
        return new NbdUri("127.0.0.1", port(), "fake");
    }

    Received next() throws InterruptedException {
        Received r = received.poll(5, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("no request reached the fake server within 5 s");
        }
        return r;
    }

    /** Closes every open connection (the listener stays up, so a client can reconnect). */
    void dropConnections() {
        for (Conn c : conns) {
            c.close();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        acceptor.interrupt();
        dropConnections();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Conn c = new Conn(s);
                conns.add(c);
                Thread.ofVirtual().start(c::run);
            } catch (IOException e) {
                return;
            }
        }
    }

    final class Conn {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final ByteBuffer buf = ByteBuffer.allocate(64 * 1024 * 1024).flip();
        private final NbdServerDecoder decoder = new NbdServerDecoder();

        Conn(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        synchronized void reply(Reply r) throws IOException {
            ByteBuffer b = NbdEncoder.encode(r);
            out.write(b.array(), b.arrayOffset(), b.remaining());
            out.flush();
        }

        private synchronized void send(ByteBuffer b) throws IOException {
            out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
            out.flush();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // gone
            }
        }

        @FunctionalInterface
        private interface Decode<T> {
            T decode(ByteBuffer b) throws NbdProtocolException;
        }

        private <T> T next(Decode<T> d) throws IOException, NbdProtocolException {
            while (true) {
                T v = d.decode(buf);
                if (v != null) {
                    return v;
                }
                buf.compact();
                int n = in.read(buf.array(), buf.position(), buf.remaining());
                if (n < 0) {
                    throw new IOException("eof");
                }
                buf.position(buf.position() + n).flip();
            }
        }

        void run() {
            try {
                int hs = HandshakeFlag.FIXED_NEWSTYLE.mask() | HandshakeFlag.NO_ZEROES.mask();
                send(NbdEncoder.encode(new ServerGreeting(hs)));
                next(b -> decoder.decodeClientFlags(b, hs));
                options:
                while (true) {
                    ClientOption o = next(decoder::decodeOption);
                    switch (o) {
                        case ClientOption.Go g when !supportGo ->
                                send(NbdEncoder.encode(new OptionReply.ErrorReply(g.code(), OptionReplyType.ERR_UNSUP, "")));
                        case ClientOption.Go g -> {
                            send(NbdEncoder.encode(new OptionReply.Info(g.code(), new InfoItem.Export(size, transmissionFlags))));
                            if (blockSize != null && g.requests(InfoType.BLOCK_SIZE)) {
                                send(NbdEncoder.encode(new OptionReply.Info(g.code(), blockSize)));
                            }
                            send(NbdEncoder.encode(new OptionReply.Ack(g.code())));
                            break options;
                        }
                        case ClientOption.ExportName e -> {
                            send(NbdEncoder.encode(new ExportNameReply(size, transmissionFlags), true));
                            break options;
                        }
                        default -> send(NbdEncoder.encode(new OptionReply.ErrorReply(o.code(), OptionReplyType.ERR_UNSUP, "")));
                    }
                }
                handshakes.incrementAndGet();
                while (true) {
                    Request r = next(decoder::decodeRequest);
                    log.add(r);
                    CommandType t = r.command().orElseThrow();
                    if (t == CommandType.DISC) {
                        close();
                        return;
                    }
                    if (manual) {
                        received.add(new Received(r, this));
                        continue;
                    }
                    int off = (int) r.offset();
                    switch (t) {
                        case READ -> {
                            byte[] d = new byte[(int) r.length()];
                            synchronized (disk) {
                                System.arraycopy(disk, off, d, 0, d.length);
                            }
                            reply(SimpleReply.read(r.handle(), d));
                        }
                        case WRITE -> {
                            synchronized (disk) {
                                System.arraycopy(r.data(), 0, disk, off, (int) r.length());
                            }
                            reply(SimpleReply.ok(r.handle()));
                        }
                        case WRITE_ZEROES, TRIM -> {
                            synchronized (disk) {
                                java.util.Arrays.fill(disk, off, off + (int) r.length(), (byte) 0);
                            }
                            reply(SimpleReply.ok(r.handle()));
                        }
                        default -> reply(SimpleReply.ok(r.handle()));
                    }
                }
            } catch (IOException | NbdProtocolException e) {
                close();
            }
        }
    }
}
