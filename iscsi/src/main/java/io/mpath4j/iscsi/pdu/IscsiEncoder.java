package io.mpath4j.iscsi.pdu;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Encodes PDU values into wire bytes (RFC 7143 §11): BHS, AHS, header digest, data segment padded
 * to 4 bytes with zeros (§11.2.3), data digest (present only when the data segment is not empty).
 * Reserved fields are zero; fixed-one bits (the F bit of single-PDU opcodes, the I bit of a Login
 * Request) are set; the ITT of an Asynchronous Message and Reject is 0xffffffff.
 *
 * <p>Whether the data segment fits the peer's MaxRecvDataSegmentLength is the sender's concern
 * (the session splits data to fit); this encoder checks only the 24-bit field limit.
 */
public final class IscsiEncoder {

    /** Length of the Basic Header Segment (§11.2.1). */
    public static final int BHS_LENGTH = 48;

    /** Largest DataSegmentLength the 24-bit field can carry. */
    public static final int MAX_DATA_SEGMENT_LENGTH = 0xff_ffff;

    private IscsiEncoder() {}

    /** The PDU as wire bytes, with the digests {@code digests} says are in use. */
    public static byte[] encode(Pdu pdu, Digests digests) {
        Objects.requireNonNull(pdu, "pdu");
        Objects.requireNonNull(digests, "digests");
        byte[] ahs = ahs(pdu);
        Bytes data = pdu.dataSegment();
        if (data.length() > MAX_DATA_SEGMENT_LENGTH) {
            throw new IllegalArgumentException("data segment of " + data.length() + " bytes exceeds the 24-bit DataSegmentLength");
        }
        int headerLength = BHS_LENGTH + ahs.length;
        int headerDigest = digests.header() ? Crc32c.LENGTH : 0;
        int padded = Wire.pad4(data.length());
        int dataDigest = digests.data() && data.length() > 0 ? Crc32c.LENGTH : 0;
        ByteBuffer b = ByteBuffer.allocate(headerLength + headerDigest + padded + dataDigest);
        bhs(pdu, b);
        b.put(4, (byte) (ahs.length / 4));
        Wire.putU24(b, 5, data.length());
        b.put(BHS_LENGTH, ahs);
        if (digests.header()) {
            Crc32c.write(b, headerLength, Crc32c.compute(b, 0, headerLength));
        }
        int dataStart = headerLength + headerDigest;
        b.position(dataStart);
        data.writeTo(b);
        if (dataDigest > 0) {
            Crc32c.write(b, dataStart + padded, Crc32c.compute(b, dataStart, padded));
        }
        return b.array();
    }

    /**
     * The header of a PDU whose data segment the caller sends itself, right after it (a gathering
     * write of header, data and padding, without copying the data into the PDU first): BHS and AHS
     * with DataSegmentLength {@code dataSegmentLength}, and the header digest if in use. The PDU
     * value itself must carry an empty data segment. Not for connections with data digests (the
     * digest trails the data, which this method never sees).
     */
    public static byte[] encodeHeader(Pdu pdu, int dataSegmentLength, Digests digests) {
        Objects.requireNonNull(pdu, "pdu");
        if (!pdu.dataSegment().isEmpty()) {
            throw new IllegalArgumentException("the PDU carries its own data segment");
        }
        if (dataSegmentLength < 0 || dataSegmentLength > MAX_DATA_SEGMENT_LENGTH) {
            throw new IllegalArgumentException("data segment length " + dataSegmentLength);
        }
        if (digests.data() && dataSegmentLength > 0) {
            throw new IllegalArgumentException("a data digest needs the data: use encode");
        }
        byte[] ahs = ahs(pdu);
        int headerLength = BHS_LENGTH + ahs.length;
        ByteBuffer b = ByteBuffer.allocate(headerLength + (digests.header() ? Crc32c.LENGTH : 0));
        bhs(pdu, b);
        b.put(4, (byte) (ahs.length / 4));
        Wire.putU24(b, 5, dataSegmentLength);
        b.put(BHS_LENGTH, ahs);
        if (digests.header()) {
            Crc32c.write(b, headerLength, Crc32c.compute(b, 0, headerLength));
        }
        return b.array();
    }

    /**
     * The 48-byte BHS of a non-immediate SCSI Command (§11.3) with a CDB of at most 16 bytes (no
     * AHS) and the given DataSegmentLength: byte for byte what {@link #encode} gives for the
     * equivalent {@link Pdu.ScsiCommand} without digests, minus its data segment. The session's
     * per-command fast path: no PDU record, no copies of the CDB, one array.
     */
    public static byte[] scsiCommandBhs(boolean finalPdu, boolean read, boolean write, int taskAttribute, long lun,
            int initiatorTaskTag, int expectedDataTransferLength, int cmdSN, int expStatSN, byte[] cdb,
            int dataSegmentLength) {
        if (cdb.length == 0 || cdb.length > Pdu.ScsiCommand.BHS_CDB_LENGTH) {
            throw new IllegalArgumentException("CDB of " + cdb.length + " bytes: 1 to 16 fit the BHS");
        }
        if (dataSegmentLength < 0 || dataSegmentLength > MAX_DATA_SEGMENT_LENGTH) {
            throw new IllegalArgumentException("data segment of " + dataSegmentLength + " bytes");
        }
        byte[] h = new byte[BHS_LENGTH];
        ByteBuffer b = ByteBuffer.wrap(h);
        b.put(0, (byte) Opcode.SCSI_COMMAND.code());
        b.put(1, (byte) (bit(finalPdu, 0x80) | bit(read, 0x40) | bit(write, 0x20) | (taskAttribute & 0x07)));
        Wire.putU24(b, 5, dataSegmentLength);
        b.putLong(8, lun);
        b.putInt(16, initiatorTaskTag);
        b.putInt(20, expectedDataTransferLength);
        b.putInt(24, cmdSN);
        b.putInt(28, expStatSN);
        System.arraycopy(cdb, 0, h, 32, cdb.length);
        return h;
    }

    /** The AHS of a SCSI Command (§11.3.5, §11.3.6); other PDUs carry none. */
    private static byte[] ahs(Pdu pdu) {
        if (!(pdu instanceof Pdu.ScsiCommand c)) {
            return new byte[0];
        }
        int extra = c.cdb().length() - Pdu.ScsiCommand.BHS_CDB_LENGTH;
        int extLength = extra > 0 ? Wire.pad4(3 + 1 + extra) : 0;
        int bidiLength = c.bidirectionalReadLength().isPresent() ? 8 : 0;
        ByteBuffer a = ByteBuffer.allocate(extLength + bidiLength);
        if (extra > 0) {
            a.putShort((short) (c.cdb().length() - 15)); // AHSLength = CDBLength - 15
            a.put((byte) Ahs.EXTENDED_CDB);
            a.put((byte) 0);
            a.put(c.cdb().toByteArray(), Pdu.ScsiCommand.BHS_CDB_LENGTH, extra);
            a.position(extLength);
        }
        if (bidiLength > 0) {
            a.putShort((short) 5);
            a.put((byte) Ahs.BIDIRECTIONAL_READ_LENGTH);
            a.put((byte) 0);
            a.putInt(c.bidirectionalReadLength().getAsInt());
        }
        return a.array();
    }

    private static int bit(boolean set, int mask) {
        return set ? mask : 0;
    }

    private static void opcode(ByteBuffer b, Pdu pdu, boolean immediate, int flags) {
        b.put(0, (byte) (pdu.opcode().code() | bit(immediate, 0x40)));
        b.put(1, (byte) flags);
    }

    private static void bhs(Pdu pdu, ByteBuffer b) {
        switch (pdu) {
            case Pdu.NopOut p -> {
                opcode(b, p, p.immediate(), 0x80);
                b.putLong(8, p.lun());
                b.putInt(16, p.initiatorTaskTag());
                b.putInt(20, p.targetTransferTag());
                b.putInt(24, p.cmdSN());
                b.putInt(28, p.expStatSN());
            }
            case Pdu.ScsiCommand p -> {
                opcode(b, p, p.immediate(),
                        bit(p.finalPdu(), 0x80) | bit(p.read(), 0x40) | bit(p.write(), 0x20) | p.taskAttribute());
                b.putLong(8, p.lun());
                b.putInt(16, p.initiatorTaskTag());
                b.putInt(20, p.expectedDataTransferLength());
                b.putInt(24, p.cmdSN());
                b.putInt(28, p.expStatSN());
                b.put(32, p.cdb().toByteArray(), 0, Pdu.ScsiCommand.BHS_CDB_LENGTH);
            }
            case Pdu.TaskManagementRequest p -> {
                opcode(b, p, p.immediate(), 0x80 | p.function());
                b.putLong(8, p.lun());
                b.putInt(16, p.initiatorTaskTag());
                b.putInt(20, p.referencedTaskTag());
                b.putInt(24, p.cmdSN());
                b.putInt(28, p.expStatSN());
                b.putInt(32, p.refCmdSN());
                b.putInt(36, p.expDataSN());
            }
            case Pdu.LoginRequest p -> {
                opcode(b, p, true, loginFlags(p.transit(), p.continueFlag(), p.currentStage(), p.nextStage()));
                b.put(2, (byte) p.versionMax());
                b.put(3, (byte) p.versionMin());
                Wire.putU48(b, 8, p.isid());
                b.putShort(14, (short) p.tsih());
                b.putInt(16, p.initiatorTaskTag());
                b.putShort(20, (short) p.cid());
                b.putInt(24, p.cmdSN());
                b.putInt(28, p.expStatSN());
            }
            case Pdu.TextRequest p -> {
                opcode(b, p, p.immediate(), bit(p.finalPdu(), 0x80) | bit(p.continueFlag(), 0x40));
                b.putLong(8, p.lun());
                b.putInt(16, p.initiatorTaskTag());
                b.putInt(20, p.targetTransferTag());
                b.putInt(24, p.cmdSN());
                b.putInt(28, p.expStatSN());
            }
            case Pdu.DataOut p -> {
                opcode(b, p, false, bit(p.finalPdu(), 0x80));
                b.putLong(8, p.lun());
                b.putInt(16, p.initiatorTaskTag());
                b.putInt(20, p.targetTransferTag());
                b.putInt(28, p.expStatSN());
                b.putInt(36, p.dataSN());
                b.putInt(40, p.bufferOffset());
            }
            case Pdu.LogoutRequest p -> {
                opcode(b, p, p.immediate(), 0x80 | p.reasonCode());
                b.putInt(16, p.initiatorTaskTag());
                b.putShort(20, (short) p.cid());
                b.putInt(24, p.cmdSN());
                b.putInt(28, p.expStatSN());
            }
            case Pdu.SnackRequest p -> {
                opcode(b, p, false, 0x80 | p.type());
                b.putLong(8, p.lun());
                b.putInt(16, p.initiatorTaskTag());
                b.putInt(20, p.targetTransferTagOrSnackTag());
                b.putInt(28, p.expStatSN());
                b.putInt(40, p.begRun());
                b.putInt(44, p.runLength());
            }
            case Pdu.NopIn p -> {
                opcode(b, p, false, 0x80);
                b.putLong(8, p.lun());
                b.putInt(16, p.initiatorTaskTag());
                b.putInt(20, p.targetTransferTag());
                sequence(b, p.statSN(), p.expCmdSN(), p.maxCmdSN());
            }
            case Pdu.ScsiResponse p -> {
                opcode(b, p, false, 0x80 | bit(p.bidiReadOverflow(), 0x10) | bit(p.bidiReadUnderflow(), 0x08)
                        | bit(p.residualOverflow(), 0x04) | bit(p.residualUnderflow(), 0x02));
                b.put(2, (byte) p.response());
                b.put(3, (byte) p.status());
                b.putInt(16, p.initiatorTaskTag());
                b.putInt(20, p.snackTag());
                sequence(b, p.statSN(), p.expCmdSN(), p.maxCmdSN());
                b.putInt(36, p.expDataSN());
                b.putInt(40, p.bidiReadResidualCount());
                b.putInt(44, p.residualCount());
            }
            case Pdu.TaskManagementResponse p -> {
                opcode(b, p, false, 0x80);
                b.put(2, (byte) p.response());
                b.putInt(16, p.initiatorTaskTag());
                sequence(b, p.statSN(), p.expCmdSN(), p.maxCmdSN());
            }
            case Pdu.LoginResponse p -> {
                opcode(b, p, false, loginFlags(p.transit(), p.continueFlag(), p.currentStage(), p.nextStage()));
                b.put(2, (byte) p.versionMax());
                b.put(3, (byte) p.versionActive());
                Wire.putU48(b, 8, p.isid());
                b.putShort(14, (short) p.tsih());
                b.putInt(16, p.initiatorTaskTag());
                sequence(b, p.statSN(), p.expCmdSN(), p.maxCmdSN());
                b.put(36, (byte) p.statusClass());
                b.put(37, (byte) p.statusDetail());
            }
            case Pdu.TextResponse p -> {
                opcode(b, p, false, bit(p.finalPdu(), 0x80) | bit(p.continueFlag(), 0x40));
                b.putLong(8, p.lun());
                b.putInt(16, p.initiatorTaskTag());
                b.putInt(20, p.targetTransferTag());
                sequence(b, p.statSN(), p.expCmdSN(), p.maxCmdSN());
            }
            case Pdu.DataIn p -> {
                opcode(b, p, false, bit(p.finalPdu(), 0x80) | bit(p.acknowledge(), 0x40)
                        | bit(p.residualOverflow(), 0x04) | bit(p.residualUnderflow(), 0x02) | bit(p.statusPresent(), 0x01));
                b.put(3, (byte) p.status());
                b.putLong(8, p.lun());
                b.putInt(16, p.initiatorTaskTag());
                b.putInt(20, p.targetTransferTag());
                sequence(b, p.statSN(), p.expCmdSN(), p.maxCmdSN());
                b.putInt(36, p.dataSN());
                b.putInt(40, p.bufferOffset());
                b.putInt(44, p.residualCount());
            }
            case Pdu.LogoutResponse p -> {
                opcode(b, p, false, 0x80);
                b.put(2, (byte) p.response());
                b.putInt(16, p.initiatorTaskTag());
                sequence(b, p.statSN(), p.expCmdSN(), p.maxCmdSN());
                b.putShort(40, (short) p.time2Wait());
                b.putShort(42, (short) p.time2Retain());
            }
            case Pdu.R2T p -> {
                opcode(b, p, false, 0x80);
                b.putLong(8, p.lun());
                b.putInt(16, p.initiatorTaskTag());
                b.putInt(20, p.targetTransferTag());
                sequence(b, p.statSN(), p.expCmdSN(), p.maxCmdSN());
                b.putInt(36, p.r2tSN());
                b.putInt(40, p.bufferOffset());
                b.putInt(44, p.desiredDataTransferLength());
            }
            case Pdu.AsyncMessage p -> {
                opcode(b, p, false, 0x80);
                b.putLong(8, p.lun());
                b.putInt(16, Pdu.RESERVED_TAG);
                sequence(b, p.statSN(), p.expCmdSN(), p.maxCmdSN());
                b.put(36, (byte) p.asyncEvent());
                b.put(37, (byte) p.asyncVCode());
                b.putShort(38, (short) p.parameter1());
                b.putShort(40, (short) p.parameter2());
                b.putShort(42, (short) p.parameter3());
            }
            case Pdu.Reject p -> {
                opcode(b, p, false, 0x80);
                b.put(2, (byte) p.reason());
                b.putInt(16, Pdu.RESERVED_TAG);
                sequence(b, p.statSN(), p.expCmdSN(), p.maxCmdSN());
                b.putInt(36, p.dataSNOrR2TSN());
            }
        }
    }

    private static int loginFlags(boolean transit, boolean continueFlag, int csg, int nsg) {
        return bit(transit, 0x80) | bit(continueFlag, 0x40) | (csg << 2) | nsg;
    }

    /** StatSN, ExpCmdSN, MaxCmdSN at bytes 24-35, common to most target PDUs. */
    private static void sequence(ByteBuffer b, int statSN, int expCmdSN, int maxCmdSN) {
        b.putInt(24, statSN);
        b.putInt(28, expCmdSN);
        b.putInt(32, maxCmdSN);
    }
}
