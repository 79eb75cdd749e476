package io.mpath4j.nbd.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLSocket;

/**
 * The byte stream of one connection: the plain {@link SocketChannel}, or a TLS socket layered on
 * it after {@code NBD_OPT_STARTTLS}. One thread reads and one thread writes at a time; both may run
 * together (a channel and an {@link SSLSocket} are full duplex). Closing from any thread wakes both.
 */
sealed interface Conduit permits Conduit.Plain, Conduit.Tls {

    /** Reads into {@code dst} (a heap buffer) from its position; -1 at end of stream. */
    int read(ByteBuffer dst) throws IOException;

    /** Writes every remaining byte of {@code srcs[0..count)}. */
    void write(ByteBuffer[] srcs, int count) throws IOException;

    record Plain(SocketChannel channel) implements Conduit {
        @Override
        public int read(ByteBuffer dst) throws IOException {
            return channel.read(dst);
        }

        @Override
        public void write(ByteBuffer[] srcs, int count) throws IOException {
            int first = 0;
            while (first < count) {
                channel.write(srcs, first, count - first);
                while (first < count && !srcs[first].hasRemaining()) {
                    first++;
                }
            }
        }
    }

    record Tls(SSLSocket socket, InputStream in, OutputStream out) implements Conduit {
        static Tls over(SSLSocket socket) throws IOException {
            return new Tls(socket, socket.getInputStream(), socket.getOutputStream());
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            int n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
            if (n > 0) {
                dst.position(dst.position() + n);
            }
            return n;
        }

        @Override
        public void write(ByteBuffer[] srcs, int count) throws IOException {
            for (int i = 0; i < count; i++) {
                ByteBuffer b = srcs[i];
                if (b.hasArray()) {
                    out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
                    b.position(b.limit());
                } else {
                    byte[] copy = new byte[b.remaining()];
                    b.get(copy);
                    out.write(copy);
                }
            }
            out.flush();
        }
    }
}
