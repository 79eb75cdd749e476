package io.mpath4j.lab.target;

import io.mpath4j.iscsi.pdu.Digests;
import io.mpath4j.iscsi.pdu.IscsiDecoder;
import io.mpath4j.iscsi.pdu.IscsiEncoder;
import io.mpath4j.iscsi.pdu.IscsiProtocolException;
import io.mpath4j.iscsi.pdu.Pdu;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The PDU stream of one target connection: blocking reads decoded one PDU at a time by one reader
 * thread, and sends from any thread, serialized, each stamped with the connection's StatSN at the
 * moment it goes out (RFC 7143 §4.2.2.2: StatSN counts the status-bearing responses in the order
 * they are sent). Both directions wait while the portal is blackholed.
 */
final class PduChannel {

    private final SocketChannel channel;
    private final PortalFaults faults;
    private final BooleanSupplier open;
    private final ReentrantLock sendLock = new ReentrantLock();
    private volatile IscsiDecoder decoder = IscsiDecoder.forLogin(IscsiDecoder.Receiver.TARGET);
    private volatile Digests digests = Digests.NONE;
    private ByteBuffer in = ByteBuffer.allocate(64 * 1024).flip();
    private int statSN; // guarded by sendLock

    PduChannel(SocketChannel channel, PortalFaults faults, BooleanSupplier open, int firstStatSN) {
        this.channel = channel;
        this.faults = faults;
        this.open = open;
        this.statSN = firstStatSN;
    }

    /** Digests and MaxRecvDataSegmentLength once login ends (§13.1: digests start with the full feature phase). */
    void fullFeature(Digests d, int ourMaxRecvDataSegmentLength) {
        decoder = new IscsiDecoder(IscsiDecoder.Receiver.TARGET, d, ourMaxRecvDataSegmentLength);
        int need = ourMaxRecvDataSegmentLength + 2048;
        if (in.capacity() < need) {
            ByteBuffer bigger = ByteBuffer.allocate(need);
            bigger.put(in);
            in = bigger.flip();
        }
        sendLock.lock();
        try {
            digests = d;
        } finally {
            sendLock.unlock();
        }
    }

    /**
     * The next PDU. Throws {@link IscsiProtocolException} for malformed input (its subclasses tell
     * whether the stream is still in sync), {@link EOFException} when the initiator closed.
     */
    Pdu receive() throws IOException, IscsiProtocolException, InterruptedException {
        while (true) {
            faults.awaitOpen(open);
            Pdu p = decoder.decode(in);
            if (p != null) {
                return p;
            }
            in.compact();
            if (!in.hasRemaining()) {
                in.flip();
                throw new IscsiProtocolException("a PDU larger than the receive buffer of " + in.capacity() + " bytes");
            }
            int n;
            try {
                n = channel.read(in);
            } finally {
                in.flip();
            }
            if (n < 0) {
                throw new EOFException("the initiator closed the connection");
            }
        }
    }

    /** Sends a PDU whose sequence numbers the caller filled in (login). */
    void sendRaw(Pdu pdu) throws IOException {
        sendLock.lock();
        try {
            write(pdu);
        } finally {
            sendLock.unlock();
        }
    }

    /** Takes the next StatSN (login responses number themselves, §11.13.4). */
    int takeStatSN() {
        sendLock.lock();
        try {
            return statSN++;
        } finally {
            sendLock.unlock();
        }
    }

    /** Sends a status-bearing PDU: it takes the next StatSN. */
    void sendStatus(Stamped pdu, CommandWindow<?> window) throws IOException {
        sendLock.lock();
        try {
            write(pdu.build(statSN, window.expCmdSN(), window.maxCmdSN()));
            statSN++;
        } finally {
            sendLock.unlock();
        }
    }

    /** Sends a PDU that carries the next StatSN without taking it (Data-In without status, R2T, NOP-In ping). */
    void sendData(Stamped pdu, CommandWindow<?> window) throws IOException {
        sendLock.lock();
        try {
            write(pdu.build(statSN, window.expCmdSN(), window.maxCmdSN()));
        } finally {
            sendLock.unlock();
        }
    }

    /**
     * Sends a whole command response in one go, so no other PDU comes between its Data-In and its
     * status; the status takes the next StatSN.
     */
    void sendResponse(ResponsePlan.Planned plan, CommandWindow<?> window) throws IOException {
        sendLock.lock();
        try {
            for (ResponsePlan.StampedDataIn d : plan.data()) {
                writeDataIn(d.build(statSN, window.expCmdSN(), window.maxCmdSN()));
            }
            if (plan.collapsed() != null) {
                writeDataIn(plan.collapsed().build(statSN, window.expCmdSN(), window.maxCmdSN()));
            } else {
                write(plan.response().build(statSN, window.expCmdSN(), window.maxCmdSN()));
            }
            statSN++;
        } finally {
            sendLock.unlock();
        }
    }

    /**
     * A Data-In: header, then the data straight from the unit's buffer and the padding, in one
     * gathering write (no copy); with data digests the whole PDU goes through the encoder.
     */
    private void writeDataIn(ResponsePlan.DataInFrame f) throws IOException {
        if (digests.data()) {
            write(f.withData());
            return;
        }
        awaitOpen();
        int n = f.payload().remaining();
        ByteBuffer[] parts = {ByteBuffer.wrap(IscsiEncoder.encodeHeader(f.header(), n, digests)), f.payload().duplicate(),
                ByteBuffer.wrap(PADDING, 0, (4 - (n & 3)) & 3)};
        while (parts[0].hasRemaining() || parts[1].hasRemaining() || parts[2].hasRemaining()) {
            channel.write(parts);
        }
    }

    private static final byte[] PADDING = new byte[3];

    private void awaitOpen() throws IOException {
        try {
            faults.awaitOpen(open);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the portal is blackholed", e);
        }
        if (!open.getAsBoolean()) {
            throw new IOException("connection closed");
        }
    }

    private void write(Pdu pdu) throws IOException {
        awaitOpen();
        ByteBuffer b = ByteBuffer.wrap(IscsiEncoder.encode(pdu, digests));
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }
}
