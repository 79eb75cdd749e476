package io.mpath4j.lab.target;

import io.mpath4j.iscsi.login.SessionParameters;
import io.mpath4j.iscsi.pdu.Bytes;
import io.mpath4j.iscsi.pdu.Pdu;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * Collects the Data-Out of one write command (RFC 7143 §4.2.5, §11.7, §11.8): immediate data in the
 * SCSI Command, then unsolicited Data-Out (Target Transfer Tag 0xffffffff) while the command's F
 * bit was 0, then solicited Data-Out answering the R2Ts this class grants — at most
 * MaxOutstandingR2T at a time, each for at most MaxBurstLength bytes.
 *
 * <p>Checks (DataPDUInOrder=Yes and DataSequenceInOrder=Yes, which this target always negotiates):
 * within a sequence DataSN counts from 0 and the buffer offset continues where the previous PDU
 * ended; the F bit ends a sequence exactly at its last byte; the immediate and unsolicited data
 * together stay within min(FirstBurstLength, EDTL), and unsolicited Data-Out is sent only with
 * InitialR2T=No. A violation is a {@link ProtocolViolation}: with sense data when it spoils this
 * write only, without when the Data-Out cannot be placed at all (an unknown Target Transfer Tag).
 * Pure (no I/O); not thread-safe (the connection's reader owns it).
 */
final class DataOutCollector {

    /** An R2T to send: the Target Transfer Tag, R2TSN, offset and length it asks for. */
    record R2TGrant(int ttt, int r2tSN, int offset, int length) {}

    private static final class Sequence {
        final int offset;
        final int length;
        int received;
        int nextDataSN;

        Sequence(int offset, int length) {
            this.offset = offset;
            this.length = length;
        }
    }

    private final byte[] buffer;
    private final int edtl;
    private final int unsolicitedLimit;
    private final int maxBurst;
    private final int maxOutstanding;
    private final IntSupplier ttts;
    private final Map<Integer, Sequence> outstanding = new LinkedHashMap<>();
    private Sequence unsolicited; // open while unsolicited Data-Out may still come
    private int received;
    private int nextSolicit;
    private int r2tSN;

    /**
     * @param commandFinal the SCSI Command's F bit: 1 means no unsolicited Data-Out follows
     * @param immediate the SCSI Command's data segment
     * @throws ProtocolViolation immediate data the session did not allow, or more than the first burst
     */
    DataOutCollector(int edtl, boolean commandFinal, Bytes immediate, SessionParameters p, IntSupplier ttts)
            throws ProtocolViolation {
        this.edtl = edtl;
        this.buffer = new byte[edtl];
        this.maxBurst = p.maxBurstLength();
        this.maxOutstanding = p.maxOutstandingR2T();
        this.ttts = ttts;
        this.unsolicitedLimit = Math.min(p.firstBurstLength(), edtl);
        if (!immediate.isEmpty()) {
            if (!p.immediateData()) {
                throw new ProtocolViolation("immediate data with ImmediateData=No", ProtocolViolation.UNEXPECTED_UNSOLICITED_DATA);
            }
            if (immediate.length() > unsolicitedLimit) {
                throw new ProtocolViolation("immediate data of " + immediate.length() + " bytes exceeds min(FirstBurstLength, EDTL) = "
                        + unsolicitedLimit, ProtocolViolation.INCORRECT_AMOUNT_OF_DATA);
            }
            immediate.asReadOnlyBuffer().get(buffer, 0, immediate.length());
            received = immediate.length();
        }
        if (!commandFinal) {
            if (p.initialR2T()) {
                throw new ProtocolViolation("SCSI Command with F=0 (unsolicited Data-Out to follow) under InitialR2T=Yes",
                        ProtocolViolation.UNEXPECTED_UNSOLICITED_DATA);
            }
            if (received >= unsolicitedLimit) {
                throw new ProtocolViolation("SCSI Command with F=0 although its immediate data fill the first burst",
                        ProtocolViolation.UNEXPECTED_UNSOLICITED_DATA);
            }
            unsolicited = new Sequence(received, unsolicitedLimit - received);
        }
        nextSolicit = received;
    }

    /** R2Ts to send now (after the command, and after each Data-Out). */
    List<R2TGrant> grants() {
        List<R2TGrant> out = new ArrayList<>();
        if (unsolicited != null) {
            return out;
        }
        while (outstanding.size() < maxOutstanding && nextSolicit < edtl) {
            int length = Math.min(maxBurst, edtl - nextSolicit);
            int ttt = ttts.getAsInt();
            outstanding.put(ttt, new Sequence(nextSolicit, length));
            out.add(new R2TGrant(ttt, r2tSN++, nextSolicit, length));
            nextSolicit += length;
        }
        return out;
    }

    /** Takes one Data-Out; returns the R2Ts it makes possible. */
    List<R2TGrant> accept(Pdu.DataOut d) throws ProtocolViolation {
        Sequence s;
        if (d.targetTransferTag() == Pdu.RESERVED_TAG) {
            s = unsolicited;
            if (s == null) {
                throw new ProtocolViolation("unsolicited Data-Out (TTT 0xffffffff) where none may come",
                        ProtocolViolation.UNEXPECTED_UNSOLICITED_DATA);
            }
        } else {
            s = outstanding.get(d.targetTransferTag());
            if (s == null) {
                throw new ProtocolViolation(String.format("Data-Out for TTT %08x, which no outstanding R2T has",
                        d.targetTransferTag()));
            }
        }
        int len = d.data().length();
        if (d.dataSN() != s.nextDataSN) {
            throw new ProtocolViolation("Data-Out DataSN " + Integer.toUnsignedString(d.dataSN()) + ", expected "
                    + s.nextDataSN + " (RFC 7143 §11.7.5)", ProtocolViolation.DATA_PHASE_ERROR);
        }
        if (d.bufferOffset() != s.offset + s.received) {
            throw new ProtocolViolation("Data-Out buffer offset " + Integer.toUnsignedString(d.bufferOffset())
                    + ", expected " + (s.offset + s.received) + " (DataPDUInOrder=Yes)", ProtocolViolation.DATA_OFFSET_ERROR);
        }
        if (len > s.length - s.received) {
            throw new ProtocolViolation("Data-Out of " + len + " bytes at offset " + d.bufferOffset() + " overruns its burst of "
                    + s.length + " bytes at offset " + s.offset, ProtocolViolation.INCORRECT_AMOUNT_OF_DATA);
        }
        d.data().asReadOnlyBuffer().get(buffer, d.bufferOffset(), len);
        s.received += len;
        s.nextDataSN++;
        received += len;
        boolean full = s.received == s.length;
        if (s == unsolicited) {
            // the unsolicited burst may end early: the F bit says where (§11.7.1)
            if (d.finalPdu()) {
                unsolicited = null;
                nextSolicit = s.offset + s.received;
            } else if (full) {
                throw new ProtocolViolation("unsolicited Data-Out reached the first burst without the F bit",
                        ProtocolViolation.INCORRECT_AMOUNT_OF_DATA);
            }
            return grants();
        }
        if (d.finalPdu() != full) {
            throw new ProtocolViolation(full ? "the last Data-Out of an R2T's burst lacks the F bit"
                    : "Data-Out with the F bit before the end of its R2T's burst", ProtocolViolation.INCORRECT_AMOUNT_OF_DATA);
        }
        if (full) {
            outstanding.remove(d.targetTransferTag());
        }
        return grants();
    }

    boolean complete() {
        return unsolicited == null && outstanding.isEmpty() && nextSolicit >= edtl;
    }

    /** R2Ts granted so far (the ExpDataSN of the SCSI Response counts them, §11.4.8). */
    int r2tCount() {
        return r2tSN;
    }

    int received() {
        return received;
    }

    byte[] buffer() {
        return buffer;
    }
}
