package io.mpath4j.nbd.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLSocket;

/**
 * The byte stream of one connection: the plain {@link SocketChannel}, or a TLS socket layered on
 * it after {@code NBD_OPT_STARTTLS}. One thread reads and one thread writes at a time; both may run
 * together (a channel and an {@link SSLSocket} are full duplex). Closing from any thread wakes both.
 */
sealed interface Conduit permits Conduit.Plain, Conduit.Polled, Conduit.Tls {

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

    /**
     * The plain channel in non-blocking mode, so that a thread that must not wait for the client
     * (one that completes I/O for many connections) can try a write ({@link #tryWrite}) and hand
     * the rest to the connection's writer. {@link #read} and {@link #write} still wait, on a
     * selector each (a virtual thread parks there as it would in a blocking read).
     */
    record Polled(SocketChannel channel, Selector readable, Selector writable) implements Conduit {

        /** Switches {@code channel} (no read or write in progress) to non-blocking mode. */
        static Polled over(SocketChannel channel) throws IOException {
            Selector r = Selector.open();
            Selector w = null;
            try {
                w = Selector.open();
                channel.configureBlocking(false);
                channel.register(r, SelectionKey.OP_READ);
                channel.register(w, SelectionKey.OP_WRITE);
                return new Polled(channel, r, w);
            } catch (IOException | RuntimeException e) {
                r.close();
                if (w != null) {
                    w.close();
                }
                throw e;
            }
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            while (true) {
                int n = channel.read(dst);
                if (n != 0) {
                    return n;
                }
                await(readable);
            }
        }

        @Override
        public void write(ByteBuffer[] srcs, int count) throws IOException {
            int first = 0;
            while (true) {
                first = writeSome(srcs, first, count);
                if (first == count) {
                    return;
                }
                await(writable);
            }
        }

        /** Writes what the socket takes now without waiting; true if every byte went out. */
        boolean tryWrite(ByteBuffer[] srcs, int count) throws IOException {
            return writeSome(srcs, 0, count) == count;
        }

        /** Writes until done or the socket takes nothing; returns the first buffer not fully written. */
        private int writeSome(ByteBuffer[] srcs, int first, int count) throws IOException {
            while (first < count) {
                long n = channel.write(srcs, first, count - first);
                while (first < count && !srcs[first].hasRemaining()) {
                    first++;
                }
                if (n == 0) {
                    break;
                }
            }
            return first;
        }

        private void await(Selector s) throws IOException {
            s.select();
            s.selectedKeys().clear();
            if (!channel.isOpen()) {
                throw new ClosedChannelException(); // closed by another thread, which woke us
            }
        }

        /** Wakes a reader or writer waiting here (after the channel was closed). */
        void wakeUp() {
            readable.wakeup();
            writable.wakeup();
        }

        void closeSelectors() {
            for (Selector s : new Selector[] {readable, writable}) {
                try {
                    s.close(); // also lets the channel's file descriptor go
                } catch (IOException ignored) {
                    // closing anyway
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
