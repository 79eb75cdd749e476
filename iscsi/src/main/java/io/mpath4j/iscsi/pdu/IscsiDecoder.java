package io.mpath4j.iscsi.pdu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Decodes one PDU at a time from the bytes received on a connection (RFC 7143 §11).
 *
 * <p>{@link #decode(ByteBuffer)} is incremental and pure: given the bytes received so far (from
 * the buffer's position to its limit, in any byte order setting), it returns the PDU and advances
 * the position past exactly its bytes (BHS, AHS, header digest, padded data segment, data digest)
 * if the whole PDU is there, or returns {@code null} and leaves the position alone if more bytes
 * are needed. Malformed input throws {@link IscsiProtocolException} (and nothing else); see its
 * subclasses for the cases after which the stream is still in sync.
 *
 * <p>Order of checks, so that nothing is trusted or allocated too early: the BHS and AHS (and the
 * header digest, if negotiated) are awaited first (at most 48 + 1020 + 4 bytes); the header
 * digest is verified before any length in the header is believed; the DataSegmentLength is then
 * checked against MaxRecvDataSegmentLength (§13.12: "the maximum data segment length in bytes it
 * can receive in an iSCSI PDU") before the data is awaited or copied.
 *
 * <p>Parameters: who receives ({@link Receiver}: an initiator accepts target opcodes only, a
 * target initiator opcodes only), the {@link Digests} in use, and the MaxRecvDataSegmentLength
 * this side declared (8192 during login, §13.12 default). A session makes a new decoder when
 * login completes. Instances are immutable and safe to share.
 */
public final class IscsiDecoder {

    /** Which side decodes: the opcodes it accepts. */
    public enum Receiver {
        /** An initiator: accepts target opcodes (0x20-0x3f). */
        INITIATOR,
        /** A target: accepts initiator opcodes (0x00-0x1f). */
        TARGET,
        /** Both directions, for tools that watch a whole connection (and for tests). */
        ANY
    }

    /** MaxRecvDataSegmentLength before anything is negotiated (RFC 7143 §13.12). */
    public static final int DEFAULT_MAX_RECV_DATA_SEGMENT_LENGTH = 8192;

    private static final int BHS = IscsiEncoder.BHS_LENGTH;

    private final Receiver receiver;
    private final Digests digests;
    private final int maxRecvDataSegmentLength;

    /**
     * @param maxRecvDataSegmentLength the largest data segment accepted, in [1, 2^24 - 1] (§13.12
     *     allows 512 to 2^24 - 1 for negotiation; smaller values are allowed here for tests)
     */
    public IscsiDecoder(Receiver receiver, Digests digests, int maxRecvDataSegmentLength) {
        this.receiver = Objects.requireNonNull(receiver, "receiver");
        this.digests = Objects.requireNonNull(digests, "digests");
        Wire.checkRange("MaxRecvDataSegmentLength", maxRecvDataSegmentLength, 1, IscsiEncoder.MAX_DATA_SEGMENT_LENGTH);
        this.maxRecvDataSegmentLength = maxRecvDataSegmentLength;
    }

    /** A decoder for the login phase: no digests, MaxRecvDataSegmentLength 8192. */
    public static IscsiDecoder forLogin(Receiver receiver) {
        return new IscsiDecoder(receiver, Digests.NONE, DEFAULT_MAX_RECV_DATA_SEGMENT_LENGTH);
    }

    public Receiver receiver() {
        return receiver;
    }

    public Digests digests() {
        return digests;
    }

    public int maxRecvDataSegmentLength() {
        return maxRecvDataSegmentLength;
    }

    /**
     * One PDU, or {@code null} if more bytes are needed (nothing consumed).
     *
     * @throws HeaderDigestException the header digest did not match (nothing consumed)
     * @throws DataDigestException the data digest did not match (the PDU was consumed)
     * @throws UnsupportedPduException an unknown, vendor-specific or wrong-direction opcode (the
     *     PDU was consumed)
     * @throws IscsiProtocolException any other malformed input (nothing consumed)
     */
    public Pdu decode(ByteBuffer in) throws IscsiProtocolException {
        if (in.remaining() < BHS) {
            return null;
        }
        ByteBuffer b = in.slice().order(ByteOrder.BIG_ENDIAN);
        int ahsLength = Wire.u8(b, 4) * 4;
        int headerLength = BHS + ahsLength;
        int headerDigest = digests.header() ? Crc32c.LENGTH : 0;
        if (b.remaining() < headerLength + headerDigest) {
            return null;
        }
        if (digests.header()) {
            int computed = Crc32c.compute(b, 0, headerLength);
            int received = Crc32c.read(b, headerLength);
            if (computed != received) {
                throw new HeaderDigestException(computed, received);
            }
        }
        int code = Wire.u8(b, 0) & 0x3f;
        int dataLength = Wire.u24(b, 5);
        if (dataLength > maxRecvDataSegmentLength) {
            throw new IscsiProtocolException("PDU opcode " + Wire.hex8(code) + " has DataSegmentLength " + dataLength
                    + ", over the MaxRecvDataSegmentLength of " + maxRecvDataSegmentLength);
        }
        int dataStart = headerLength + headerDigest;
        int padded = Wire.pad4(dataLength);
        int dataDigest = digests.data() && dataLength > 0 ? Crc32c.LENGTH : 0;
        int total = dataStart + padded + dataDigest;
        if (b.remaining() < total) {
            return null;
        }
        Opcode opcode = Opcode.of(code).orElse(null);
        String unsupported = opcode == null
                ? (Opcode.isVendorSpecific(code) ? "vendor-specific opcode" : "opcode not defined by RFC 7143")
                : receiver == Receiver.INITIATOR && opcode.fromInitiator() ? "an initiator opcode sent to an initiator"
                : receiver == Receiver.TARGET && !opcode.fromInitiator() ? "a target opcode sent to a target"
                : null;
        if (unsupported != null) {
            in.position(in.position() + total);
            throw new UnsupportedPduException(code, Bytes.of(b.slice(0, BHS)), unsupported);
        }
        int itt = b.getInt(16);
        if (dataDigest > 0) {
            int computed = Crc32c.compute(b, dataStart, padded);
            int received = Crc32c.read(b, dataStart + padded);
            if (computed != received) {
                in.position(in.position() + total);
                throw new DataDigestException(opcode, itt, Bytes.of(b.slice(0, BHS)), computed, received);
            }
        }
        ByteBuffer ahs = b.slice(BHS, ahsLength).order(ByteOrder.BIG_ENDIAN);
        ByteBuffer data = b.slice(dataStart, dataLength).order(ByteOrder.BIG_ENDIAN);
        Pdu pdu;
        try {
            pdu = parse(opcode, b, ahs, data);
        } catch (IllegalArgumentException e) {
            // a field combination a record rejects (e.g. T and C bits both set on a Login PDU)
            throw new IscsiProtocolException(opcode + ": " + e.getMessage());
        }
        in.position(in.position() + total);
        return pdu;
    }

    /**
     * The header of a Data-In PDU, decoded without its data segment (see
     * {@link #decodeDataInHeader(ByteBuffer)}).
     *
     * @param pdu the Data-In with every header field and an empty data segment
     * @param dataOffset where the data segment starts, counted from the buffer's position (after
     *     the BHS and the header digest, if negotiated)
     * @param dataLength the DataSegmentLength (without padding)
     * @param length the whole PDU: header, header digest, padded data segment and data digest
     */
    public record DataInHeader(Pdu.DataIn pdu, int dataOffset, int dataLength, int length) {}

    /**
     * The header of the Data-In PDU at the buffer's position, so that a receiver can place its data
     * segment itself (straight into a task's buffer) instead of having it copied into
     * {@link Bytes}. Pure, like {@link #decode(ByteBuffer)}, and it never moves the position: the
     * caller consumes {@link DataInHeader#length()} bytes once it has used the data segment (and
     * checks that they are all there).
     *
     * <p>Returns {@code null} when the bytes at the position are not a complete Data-In header:
     * fewer than the BHS (and header digest) received so far, another opcode, an AHS (which no
     * Data-In carries), or a decoder that does not accept target PDUs. The caller then uses
     * {@link #decode(ByteBuffer)}, which waits for more bytes or reports what is wrong. The data
     * digest, if negotiated, is not checked here (it covers the data segment).
     *
     * @throws HeaderDigestException the header digest did not match
     * @throws IscsiProtocolException the DataSegmentLength is over MaxRecvDataSegmentLength, or the
     *     header fields contradict each other (as {@link #decode(ByteBuffer)} would throw)
     */
    public DataInHeader decodeDataInHeader(ByteBuffer in) throws IscsiProtocolException {
        if (in.remaining() < BHS || receiver == Receiver.TARGET) {
            return null;
        }
        ByteBuffer b = in.slice().order(ByteOrder.BIG_ENDIAN);
        if ((Wire.u8(b, 0) & 0x3f) != Opcode.DATA_IN.code() || Wire.u8(b, 4) != 0) {
            return null;
        }
        int headerDigest = digests.header() ? Crc32c.LENGTH : 0;
        if (b.remaining() < BHS + headerDigest) {
            return null;
        }
        if (digests.header()) {
            int computed = Crc32c.compute(b, 0, BHS);
            int received = Crc32c.read(b, BHS);
            if (computed != received) {
                throw new HeaderDigestException(computed, received);
            }
        }
        int dataLength = Wire.u24(b, 5);
        if (dataLength > maxRecvDataSegmentLength) {
            throw new IscsiProtocolException("PDU opcode " + Wire.hex8(Opcode.DATA_IN.code()) + " has DataSegmentLength "
                    + dataLength + ", over the MaxRecvDataSegmentLength of " + maxRecvDataSegmentLength);
        }
        int dataStart = BHS + headerDigest;
        int dataDigest = digests.data() && dataLength > 0 ? Crc32c.LENGTH : 0;
        Pdu pdu;
        try {
            pdu = parse(Opcode.DATA_IN, b, b.slice(BHS, 0), b.slice(dataStart, 0));
        } catch (IllegalArgumentException e) {
            throw new IscsiProtocolException(Opcode.DATA_IN + ": " + e.getMessage());
        }
        return new DataInHeader((Pdu.DataIn) pdu, dataStart, dataLength, dataStart + Wire.pad4(dataLength) + dataDigest);
    }

    private static Pdu parse(Opcode opcode, ByteBuffer b, ByteBuffer ahs, ByteBuffer data) throws IscsiProtocolException {
        int op0 = Wire.u8(b, 0);
        int flags = Wire.u8(b, 1);
        boolean immediate = (op0 & 0x40) != 0;
        boolean f = (flags & 0x80) != 0;
        long lun = b.getLong(8);
        int itt = b.getInt(16);
        if (opcode != Opcode.SCSI_COMMAND && ahs.remaining() > 0) {
            throw new IscsiProtocolException(opcode + " carries " + ahs.remaining()
                    + " bytes of AHS; RFC 7143 defines AHS only for the SCSI Command (§11.3.5, §11.3.6)");
        }
        return switch (opcode) {
            case NOP_OUT -> new Pdu.NopOut(immediate, lun, itt, b.getInt(20), b.getInt(24), b.getInt(28), bytes(data));
            case SCSI_COMMAND -> scsiCommand(b, ahs, data, immediate, f, flags, lun, itt);
            case TASK_MANAGEMENT_REQUEST -> {
                noData(opcode, data);
                yield new Pdu.TaskManagementRequest(immediate, flags & 0x7f, lun, itt, b.getInt(20), b.getInt(24),
                        b.getInt(28), b.getInt(32), b.getInt(36));
            }
            case LOGIN_REQUEST -> {
                checkLoginStages(opcode, flags);
                yield new Pdu.LoginRequest(f, (flags & 0x40) != 0, (flags >> 2) & 3, flags & 3, Wire.u8(b, 2),
                        Wire.u8(b, 3), Wire.u48(b, 8), Wire.u16(b, 14), itt, Wire.u16(b, 20), b.getInt(24),
                        b.getInt(28), bytes(data));
            }
            case TEXT_REQUEST -> new Pdu.TextRequest(immediate, f, (flags & 0x40) != 0, lun, itt, b.getInt(20),
                    b.getInt(24), b.getInt(28), bytes(data));
            case DATA_OUT -> new Pdu.DataOut(f, lun, itt, b.getInt(20), b.getInt(28), b.getInt(36), b.getInt(40),
                    bytes(data));
            case LOGOUT_REQUEST -> {
                noData(opcode, data);
                yield new Pdu.LogoutRequest(immediate, flags & 0x7f, itt, Wire.u16(b, 20), b.getInt(24), b.getInt(28));
            }
            case SNACK_REQUEST -> {
                noData(opcode, data);
                yield new Pdu.SnackRequest(flags & 0x0f, lun, itt, b.getInt(20), b.getInt(28), b.getInt(40),
                        b.getInt(44));
            }
            case NOP_IN -> new Pdu.NopIn(lun, itt, b.getInt(20), b.getInt(24), b.getInt(28), b.getInt(32), bytes(data));
            case SCSI_RESPONSE -> {
                SenseSegment.Parts parts = SenseSegment.decode(data, "SCSI Response");
                yield new Pdu.ScsiResponse((flags & 0x10) != 0, (flags & 0x08) != 0, (flags & 0x04) != 0,
                        (flags & 0x02) != 0, Wire.u8(b, 2), Wire.u8(b, 3), itt, b.getInt(20), b.getInt(24),
                        b.getInt(28), b.getInt(32), b.getInt(36), b.getInt(40), b.getInt(44), parts.sense(),
                        parts.rest());
            }
            case TASK_MANAGEMENT_RESPONSE -> {
                noData(opcode, data);
                yield new Pdu.TaskManagementResponse(Wire.u8(b, 2), itt, b.getInt(24), b.getInt(28), b.getInt(32));
            }
            case LOGIN_RESPONSE -> {
                if (Wire.u8(b, 36) == 0) {
                    // a failed login's response ends the login whatever its stage fields say
                    checkLoginStages(opcode, flags);
                }
                yield new Pdu.LoginResponse(f, (flags & 0x40) != 0, (flags >> 2) & 3, flags & 3, Wire.u8(b, 2),
                        Wire.u8(b, 3), Wire.u48(b, 8), Wire.u16(b, 14), itt, b.getInt(24), b.getInt(28),
                        b.getInt(32), Wire.u8(b, 36), Wire.u8(b, 37), bytes(data));
            }
            case TEXT_RESPONSE -> new Pdu.TextResponse(f, (flags & 0x40) != 0, lun, itt, b.getInt(20), b.getInt(24),
                    b.getInt(28), b.getInt(32), bytes(data));
            case DATA_IN -> new Pdu.DataIn(f, (flags & 0x40) != 0, (flags & 0x04) != 0, (flags & 0x02) != 0,
                    (flags & 0x01) != 0, Wire.u8(b, 3), lun, itt, b.getInt(20), b.getInt(24), b.getInt(28),
                    b.getInt(32), b.getInt(36), b.getInt(40), b.getInt(44), bytes(data));
            case LOGOUT_RESPONSE -> {
                noData(opcode, data);
                yield new Pdu.LogoutResponse(Wire.u8(b, 2), itt, b.getInt(24), b.getInt(28), b.getInt(32),
                        Wire.u16(b, 40), Wire.u16(b, 42));
            }
            case R2T -> {
                noData(opcode, data);
                yield new Pdu.R2T(lun, itt, b.getInt(20), b.getInt(24), b.getInt(28), b.getInt(32), b.getInt(36),
                        b.getInt(40), b.getInt(44));
            }
            case ASYNC_MESSAGE -> {
                SenseSegment.Parts parts = SenseSegment.decode(data, "Asynchronous Message");
                yield new Pdu.AsyncMessage(lun, b.getInt(24), b.getInt(28), b.getInt(32), Wire.u8(b, 36),
                        Wire.u8(b, 37), Wire.u16(b, 38), Wire.u16(b, 40), Wire.u16(b, 42), parts.sense(), parts.rest());
            }
            case REJECT -> new Pdu.Reject(Wire.u8(b, 2), b.getInt(24), b.getInt(28), b.getInt(32), b.getInt(36),
                    bytes(data));
        };
    }

    private static Pdu.ScsiCommand scsiCommand(ByteBuffer b, ByteBuffer ahs, ByteBuffer data, boolean immediate,
            boolean f, int flags, long lun, int itt) throws IscsiProtocolException {
        byte[] cdb = new byte[Pdu.ScsiCommand.BHS_CDB_LENGTH];
        b.get(32, cdb);
        OptionalInt bidi = OptionalInt.empty();
        boolean sawExtended = false;
        while (ahs.hasRemaining()) {
            int at = ahs.position();
            if (ahs.remaining() < 4) {
                throw new IscsiProtocolException("SCSI Command: AHS at offset " + at + " is shorter than its 4-byte header");
            }
            int length = Wire.u16(ahs, at);
            int type = Wire.u8(ahs, at + 2);
            int size = Wire.pad4(3 + length);
            if (size > ahs.remaining()) {
                throw new IscsiProtocolException("SCSI Command: AHS type " + type + " with AHSLength " + length
                        + " overruns the TotalAHSLength (" + ahs.remaining() + " bytes left at offset " + at + ")");
            }
            switch (type) {
                case Ahs.EXTENDED_CDB -> {
                    if (sawExtended) {
                        throw new IscsiProtocolException("SCSI Command: more than one Extended CDB AHS");
                    }
                    sawExtended = true;
                    int cdbLength = length + 15; // §11.3.5: AHSLength = CDBLength - 15
                    if (length < 2 || cdbLength > Pdu.ScsiCommand.MAX_CDB_LENGTH) {
                        throw new IscsiProtocolException("SCSI Command: Extended CDB AHSLength " + length
                                + " gives a CDB length of " + cdbLength + ", outside [17, " + Pdu.ScsiCommand.MAX_CDB_LENGTH + "]");
                    }
                    byte[] whole = new byte[cdbLength];
                    System.arraycopy(cdb, 0, whole, 0, cdb.length);
                    ahs.get(at + 4, whole, cdb.length, cdbLength - cdb.length);
                    cdb = whole;
                }
                case Ahs.BIDIRECTIONAL_READ_LENGTH -> {
                    if (bidi.isPresent()) {
                        throw new IscsiProtocolException("SCSI Command: more than one Bidirectional Read AHS");
                    }
                    if (length != 5) {
                        throw new IscsiProtocolException("SCSI Command: Bidirectional Read Expected Data Transfer Length AHS has AHSLength "
                                + length + ", MUST be 5 (§11.3.6)");
                    }
                    bidi = OptionalInt.of(ahs.getInt(at + 4));
                }
                default -> throw new IscsiProtocolException("SCSI Command: unknown AHSType " + type);
            }
            ahs.position(at + size);
        }
        return new Pdu.ScsiCommand(immediate, f, (flags & 0x40) != 0, (flags & 0x20) != 0, flags & 0x07, lun, itt,
                b.getInt(20), b.getInt(24), b.getInt(28), Bytes.wrap(cdb), bidi, bytes(data));
    }

    /** §11.12.3/§11.13.3: NSG is meaningful only with T set, and stage 2 is reserved. */
    private static void checkLoginStages(Opcode opcode, int flags) throws IscsiProtocolException {
        int csg = (flags >> 2) & 3;
        int nsg = flags & 3;
        if (csg == 2 || csg == Pdu.Stage.FULL_FEATURE_PHASE) {
            throw new IscsiProtocolException(opcode + ": CSG " + csg + " is not a login stage");
        }
        if ((flags & 0x80) != 0 && (nsg == 2 || nsg <= csg)) {
            throw new IscsiProtocolException(opcode + ": transit from CSG " + csg + " to NSG " + nsg
                    + " does not move to a later stage");
        }
    }

    private static void noData(Opcode opcode, ByteBuffer data) throws IscsiProtocolException {
        if (data.hasRemaining()) {
            throw new IscsiProtocolException(opcode + " carries a data segment of " + data.remaining()
                    + " bytes; its DataSegmentLength MUST be 0");
        }
    }

    private static Bytes bytes(ByteBuffer data) {
        return Bytes.of(data);
    }
}
