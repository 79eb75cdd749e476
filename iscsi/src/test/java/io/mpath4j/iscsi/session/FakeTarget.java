package io.mpath4j.iscsi.session;

import io.mpath4j.iscsi.login.KeyValue;
import io.mpath4j.iscsi.login.TextCodec;
import io.mpath4j.iscsi.pdu.Bytes;
import io.mpath4j.iscsi.pdu.Digests;
import io.mpath4j.iscsi.pdu.IscsiDecoder;
import io.mpath4j.iscsi.pdu.IscsiEncoder;
import io.mpath4j.iscsi.pdu.Pdu;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A scripted iSCSI target for unit tests: the test thread plays the target one PDU at a time,
 * encoding its answers with the codec. Loopback only; one connection at a time.
 */
final class FakeTarget implements AutoCloseable {

    final ServerSocketChannel server;
    private SocketChannel conn;
    private IscsiDecoder decoder = new IscsiDecoder(IscsiDecoder.Receiver.TARGET, Digests.NONE, (1 << 24) - 1);
    private Digests digests = Digests.NONE;

    /** Digests from now on (after the last Login Response). */
    void useDigests(Digests d) {
        digests = d;
        decoder = new IscsiDecoder(IscsiDecoder.Receiver.TARGET, d, (1 << 24) - 1);
    }
    private ByteBuffer buf = ByteBuffer.allocate(1 << 20).flip();
    int statSN = 100;
    int expCmdSN;
    int maxCmdSN;
    int window = 64;

    FakeTarget() throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    int port() throws IOException {
        return ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    void accept() throws IOException {
        conn = server.accept();
        buf = ByteBuffer.allocate(1 << 20).flip();
    }

    /** The next initiator PDU (waits up to 5 s). */
    Pdu next() throws Exception {
        conn.socket().setSoTimeout(5000);
        var in = conn.socket().getInputStream();
        while (true) {
            Pdu p = decoder.decode(buf);
            if (p != null) {
                return p;
            }
            buf.compact();
            int n;
            try {
                n = in.read(buf.array(), buf.arrayOffset() + buf.position(), buf.remaining());
            } catch (SocketTimeoutException e) {
                buf.flip();
                throw e;
            }
            if (n < 0) {
                throw new EOFException();
            }
            buf.position(buf.position() + n);
            buf.flip();
        }
    }

    <T extends Pdu> T next(Class<T> type) throws Exception {
        Pdu p = next();
        if (!type.isInstance(p)) {
            throw new AssertionError("expected " + type.getSimpleName() + ", got " + p);
        }
        return type.cast(p);
    }

    void send(Pdu p) throws IOException {
        sendRaw(encode(p));
    }

    /** {@code p} as this target puts it on the wire (with the digests in use). */
    byte[] encode(Pdu p) {
        return IscsiEncoder.encode(p, digests);
    }

    /** Bytes as they are, e.g. part of a PDU or several PDUs in one write. */
    void sendRaw(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            conn.write(b);
        }
    }

    static Map<String, String> text(Bytes text) throws Exception {
        Map<String, String> m = new LinkedHashMap<>();
        for (KeyValue kv : TextCodec.decode(text.toByteArray())) {
            m.put(kv.key(), kv.value());
        }
        return m;
    }

    static Bytes text(String... kv) {
        List<KeyValue> pairs = new java.util.ArrayList<>();
        for (int i = 0; i < kv.length; i += 2) {
            pairs.add(KeyValue.of(kv[i], kv[i + 1]));
        }
        return Bytes.of(TextCodec.encode(pairs));
    }

    Pdu.LoginResponse loginResponse(Pdu.LoginRequest r, boolean transit, int csg, int nsg, int statusClass,
            int detail, Bytes text) {
        expCmdSN = r.cmdSN();
        maxCmdSN = expCmdSN + window - 1;
        return new Pdu.LoginResponse(transit, false, csg, transit ? nsg : 0, 0, 0, r.isid(), transit && nsg == 3 ? 7 : 0,
                r.initiatorTaskTag(), statSN++, expCmdSN, maxCmdSN, statusClass, detail, text);
    }

    /**
     * Plays a login without authentication; the operational answer declares {@code operational}
     * (key, value pairs: the target's answers to our offers and its declarations).
     */
    Pdu.LoginRequest loginWithoutAuth(String... operational) throws Exception {
        Pdu.LoginRequest r = next(Pdu.LoginRequest.class);
        Map<String, String> keys = text(r.text());
        if (!"None".equals(keys.get("AuthMethod"))) {
            throw new AssertionError("AuthMethod " + keys.get("AuthMethod"));
        }
        send(loginResponse(r, true, 0, 1, 0, 0, text("AuthMethod", "None", "TargetPortalGroupTag", "1")));
        return operational(operational);
    }

    Pdu.LoginRequest operational(String... operational) throws Exception {
        Pdu.LoginRequest r = next(Pdu.LoginRequest.class);
        if (r.currentStage() != 1 || !r.transit() || r.nextStage() != 3) {
            throw new AssertionError("expected an operational request moving to FFP: " + r);
        }
        send(loginResponse(r, true, 1, 3, 0, 0, text(operational)));
        return r;
    }

    /** The typical answers: everything as offered except the target's choices here. */
    static String[] answers(String initialR2T, int targetMrdsl, int firstBurst, int maxBurst) {
        return new String[] {"HeaderDigest", "None", "DataDigest", "None", "MaxBurstLength", Integer.toString(maxBurst),
                "FirstBurstLength", Integer.toString(firstBurst), "InitialR2T", initialR2T, "ImmediateData", "Yes",
                "MaxOutstandingR2T", "1", "DataPDUInOrder", "Yes", "DataSequenceInOrder", "Yes",
                "DefaultTime2Wait", "2", "DefaultTime2Retain", "20", "ErrorRecoveryLevel", "0", "MaxConnections", "1",
                "MaxRecvDataSegmentLength", Integer.toString(targetMrdsl)};
    }

    Pdu.ScsiResponse response(Pdu.ScsiCommand c, int status, Bytes sense, boolean underflow, int residual) {
        expCmdSN = c.cmdSN() + 1;
        maxCmdSN = expCmdSN + window - 1;
        return new Pdu.ScsiResponse(false, false, false, underflow, 0, status, c.initiatorTaskTag(), 0, statSN++,
                expCmdSN, maxCmdSN, 0, 0, residual, sense, Bytes.EMPTY);
    }

    void closeConnection() throws IOException {
        if (conn != null) {
            conn.close();
        }
    }

    @Override
    public void close() throws IOException {
        closeConnection();
        server.close();
    }
}
