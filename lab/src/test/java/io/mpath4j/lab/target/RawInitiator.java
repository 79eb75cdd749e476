package io.mpath4j.lab.target;

import io.mpath4j.iscsi.login.KeyValue;
import io.mpath4j.iscsi.login.TextCodec;
import io.mpath4j.iscsi.pdu.Bytes;
import io.mpath4j.iscsi.pdu.Digests;
import io.mpath4j.iscsi.pdu.IscsiDecoder;
import io.mpath4j.iscsi.pdu.IscsiEncoder;
import io.mpath4j.iscsi.pdu.IscsiProtocolException;
import io.mpath4j.iscsi.pdu.Pdu;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A test initiator that sends whatever PDUs (or bytes) a test builds, to see how the target takes
 * malformed and out-of-order input. Blocking, one socket, reads time out after 5 s.
 */
final class RawInitiator implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final IscsiDecoder decoder = new IscsiDecoder(IscsiDecoder.Receiver.INITIATOR, Digests.NONE, 1 << 20);
    private ByteBuffer buf = ByteBuffer.allocate(2 << 20).flip();

    RawInitiator(InetSocketAddress at) throws IOException {
        socket = new Socket();
        socket.connect(at, 3000);
        socket.setSoTimeout(5000);
        in = socket.getInputStream();
    }

    void sendBytes(byte[] b) throws IOException {
        socket.getOutputStream().write(b);
        socket.getOutputStream().flush();
    }

    /** Half-closes: the target sees the end of the stream (a PDU cut short stays cut short). */
    void finishSending() throws IOException {
        socket.shutdownOutput();
    }

    void send(Pdu p) throws IOException {
        sendBytes(IscsiEncoder.encode(p, Digests.NONE));
    }

    /** The next PDU, or null at EOF (or a reset). */
    Pdu receive() throws IOException, IscsiProtocolException {
        while (true) {
            Pdu p = decoder.decode(buf);
            if (p != null) {
                return p;
            }
            buf.compact();
            int n;
            try {
                n = in.read(buf.array(), buf.position(), buf.remaining());
            } catch (SocketTimeoutException e) {
                buf.flip();
                throw e;
            } catch (IOException e) {
                n = -1; // a reset counts as the end
            }
            if (n < 0) {
                buf.flip();
                return null;
            }
            buf.position(buf.position() + n).flip();
        }
    }

    /** A one-request login straight to the full feature phase (operational stage only). */
    Pdu.LoginResponse login(String target, long isid) throws IOException, IscsiProtocolException {
        List<KeyValue> keys = List.of(KeyValue.of("InitiatorName", "iqn.2026-11.io.mpath4j:raw"),
                KeyValue.of("SessionType", "Normal"), KeyValue.of("TargetName", target),
                KeyValue.of("MaxRecvDataSegmentLength", "65536"));
        send(new Pdu.LoginRequest(true, false, 1, 3, 0, 0, isid, 0, 1, 0, 100, 0, Bytes.of(TextCodec.encode(keys))));
        return (Pdu.LoginResponse) receive();
    }

    /** A one-request discovery login (operational stage only). */
    Pdu.LoginResponse loginDiscovery() throws IOException, IscsiProtocolException {
        List<KeyValue> keys = List.of(KeyValue.of("InitiatorName", "iqn.2026-11.io.mpath4j:raw"),
                KeyValue.of("SessionType", "Discovery"));
        send(new Pdu.LoginRequest(true, false, 1, 3, 0, 0, 0x80_0000_0099L, 0, 1, 0, 100, 0,
                Bytes.of(TextCodec.encode(keys))));
        return (Pdu.LoginResponse) receive();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
