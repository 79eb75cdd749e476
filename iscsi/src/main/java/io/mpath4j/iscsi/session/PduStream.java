package io.mpath4j.iscsi.session;

import io.mpath4j.iscsi.pdu.Digests;
import io.mpath4j.iscsi.pdu.IscsiDecoder;
import io.mpath4j.iscsi.pdu.IscsiEncoder;
import io.mpath4j.iscsi.pdu.IscsiProtocolException;
import io.mpath4j.iscsi.pdu.Pdu;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * Blocking PDU exchange with a deadline, for the login phase and discovery (one request, one
 * answer at a time). The full feature phase takes over the socket and whatever bytes this stream
 * already read ({@link #takeLeftover()}).
 */
final class PduStream {

    private final SocketChannel channel;
    private final InputStream in;
    private final String peer;
    private IscsiDecoder decoder = IscsiDecoder.forLogin(IscsiDecoder.Receiver.INITIATOR);
    private Digests digests = Digests.NONE;
    private ByteBuffer buf = ByteBuffer.allocate(64 * 1024).flip();

    PduStream(SocketChannel channel, String peer) throws IOException {
        this.channel = channel;
        this.peer = peer;
        // the socket adaptor's stream honours SO_TIMEOUT, which channel reads do not
        this.in = channel.socket().getInputStream();
    }

    void setDecoder(IscsiDecoder d) {
        this.decoder = d;
        this.digests = d.digests();
        if (buf.capacity() < d.maxRecvDataSegmentLength() + 2048) {
            ByteBuffer bigger = ByteBuffer.allocate(d.maxRecvDataSegmentLength() + 2048);
            bigger.put(buf);
            buf = bigger.flip();
        }
    }

    void send(Pdu pdu) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(IscsiEncoder.encode(pdu, digests));
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    /** The next PDU, waiting at most until {@code deadlineNanos} ({@link System#nanoTime()}). */
    Pdu receive(long deadlineNanos, String what) throws IOException {
        while (true) {
            Pdu p;
            try {
                p = decoder.decode(buf);
            } catch (IscsiProtocolException e) {
                throw new IOException("protocol error from " + peer + " while waiting for " + what + ": "
                        + e.getMessage(), e);
            }
            if (p != null) {
                return p;
            }
            buf.compact();
            if (!buf.hasRemaining()) {
                throw new IOException(what + " from " + peer + " does not fit in " + buf.capacity() + " bytes");
            }
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                buf.flip();
                throw new SocketTimeoutException("timed out waiting for " + what + " from " + peer);
            }
            channel.socket().setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            int n;
            try {
                n = in.read(buf.array(), buf.arrayOffset() + buf.position(), buf.remaining());
            } catch (SocketTimeoutException e) {
                buf.flip();
                throw new SocketTimeoutException("timed out waiting for " + what + " from " + peer);
            } catch (IOException e) {
                buf.flip();
                throw e;
            }
            if (n < 0) {
                buf.flip();
                throw new EOFException(peer + " closed the connection while we waited for " + what);
            }
            buf.position(buf.position() + n);
            buf.flip();
        }
    }

    /** Bytes read but not decoded yet (the start of the full feature phase). */
    ByteBuffer takeLeftover() throws IOException {
        channel.socket().setSoTimeout(0);
        ByteBuffer b = ByteBuffer.allocate(buf.remaining());
        b.put(buf).flip();
        return b;
    }
}
