package io.mpath4j.scsi.cdb;

import static io.mpath4j.scsi.ScsiBytes.U32_MAX;
import static io.mpath4j.scsi.ScsiBytes.checkRange;
import static io.mpath4j.scsi.ScsiBytes.put16;
import static io.mpath4j.scsi.ScsiBytes.put32;
import static io.mpath4j.scsi.ScsiBytes.put64;
import static io.mpath4j.scsi.ScsiBytes.u16;
import static io.mpath4j.scsi.ScsiBytes.u32;
import static io.mpath4j.scsi.ScsiBytes.u64;
import static io.mpath4j.scsi.ScsiBytes.u8;

import io.mpath4j.scsi.Octets;
import io.mpath4j.scsi.ScsiFormatException;
import io.mpath4j.scsi.pr.PrInAction;
import io.mpath4j.scsi.pr.PrOutAction;
import io.mpath4j.scsi.pr.PrType;

/**
 * A SCSI command descriptor block. {@link #encode()} gives the CDB bytes (control byte 0: no NACA,
 * no linking); {@link #decode(byte[])} is the target side and returns the matching record, or
 * {@link Unknown} for an operation code or service action this module does not model. Bits a
 * record does not model (RDPROTECT, DPO, group numbers, the control byte) are ignored on decode
 * and written as zero on encode.
 *
 * <p>Layouts: SPC-4 §6.6 (INQUIRY), §6.11/§6.12 (MODE SENSE), §6.13/§6.14 (PERSISTENT RESERVE
 * IN/OUT), §6.27 (REPORT TARGET PORT GROUPS), §6.29 (REPORT LUNS), §6.36 (SET TARGET PORT GROUPS),
 * §6.37 (TEST UNIT READY); SBC-3 §5.8–§5.29 (READ, WRITE, READ CAPACITY, SYNCHRONIZE CACHE, UNMAP,
 * WRITE SAME).
 */
public sealed interface Cdb {

    /** The operation code (byte 0). */
    int opcode();

    /** The CDB bytes. */
    byte[] encode();

    /** Largest transfer length of READ(10)/WRITE(10): a 16-bit field (SBC-3 §5.11). */
    int MAX_BLOCKS_10 = 0xFFFF;

    /**
     * READ(10) when the range fits its 32-bit LBA and 16-bit length fields, else READ(16) — the
     * rule of Linux sd (sd_setup_read_write_cmnd uses the 16-byte form only when the LBA or the
     * length does not fit the 10-byte one). The whole range {@code lba .. lba+blocks-1} must be
     * addressable with 32 bits for the 10-byte form.
     */
    static Cdb read(long lba, long blocks, boolean fua) {
        return fits10(lba, blocks) ? new Read10(lba, (int) blocks, fua) : new Read16(lba, blocks, fua);
    }

    /** WRITE(10) or WRITE(16), by the rule of {@link #read}. */
    static Cdb write(long lba, long blocks, boolean fua) {
        return fits10(lba, blocks) ? new Write10(lba, (int) blocks, fua) : new Write16(lba, blocks, fua);
    }

    /** SYNCHRONIZE CACHE(10) or (16), by the rule of {@link #read}; {@code blocks} 0 means "to the end". */
    static Cdb synchronizeCache(long lba, long blocks, boolean immediate) {
        return fits10(lba, blocks)
                ? new SynchronizeCache10(lba, (int) blocks, immediate)
                : new SynchronizeCache16(lba, blocks, immediate);
    }

    private static boolean fits10(long lba, long blocks) {
        return lba >= 0 && blocks >= 0 && blocks <= MAX_BLOCKS_10 && lba + blocks <= U32_MAX + 1;
    }

    /** TEST UNIT READY (SPC-4 §6.37). */
    record TestUnitReady() implements Cdb {
        public int opcode() {
            return Opcodes.TEST_UNIT_READY;
        }

        public byte[] encode() {
            return new byte[6];
        }
    }

    /**
     * INQUIRY (SPC-4 §6.6): standard data when {@code evpd} is false (page code must then be 0),
     * else the VPD page {@code pageCode}. Allocation length is 16 bits since SPC-3.
     */
    record Inquiry(boolean evpd, int pageCode, int allocationLength) implements Cdb {
        public Inquiry {
            checkRange(pageCode, 0xFF, "page code");
            checkRange(allocationLength, 0xFFFF, "allocation length");
        }

        /** Standard INQUIRY; 36 bytes is the traditional safe first request (sg_inq notes). */
        public static Inquiry standard(int allocationLength) {
            return new Inquiry(false, 0, allocationLength);
        }

        public static Inquiry vpd(int pageCode, int allocationLength) {
            return new Inquiry(true, pageCode, allocationLength);
        }

        public int opcode() {
            return Opcodes.INQUIRY;
        }

        public byte[] encode() {
            byte[] b = new byte[6];
            b[0] = (byte) Opcodes.INQUIRY;
            b[1] = (byte) (evpd ? 1 : 0);
            b[2] = (byte) pageCode;
            put16(b, 3, allocationLength);
            return b;
        }
    }

    /** READ CAPACITY(10) (SBC-3 §5.15); LBA and PMI are obsolete and sent as zero. */
    record ReadCapacity10() implements Cdb {
        public int opcode() {
            return Opcodes.READ_CAPACITY_10;
        }

        public byte[] encode() {
            byte[] b = new byte[10];
            b[0] = (byte) Opcodes.READ_CAPACITY_10;
            return b;
        }
    }

    /** READ CAPACITY(16): SERVICE ACTION IN(16) with service action 10h (SBC-3 §5.16). */
    record ReadCapacity16(long allocationLength) implements Cdb {
        public ReadCapacity16 {
            checkRange(allocationLength, U32_MAX, "allocation length");
        }

        public int opcode() {
            return Opcodes.SERVICE_ACTION_IN_16;
        }

        public byte[] encode() {
            byte[] b = new byte[16];
            b[0] = (byte) Opcodes.SERVICE_ACTION_IN_16;
            b[1] = (byte) Opcodes.SAI_READ_CAPACITY_16;
            put32(b, 10, allocationLength);
            return b;
        }
    }

    /** READ(10) (SBC-3 §5.11). A transfer length of 0 transfers nothing. */
    record Read10(long lba, int blocks, boolean fua) implements Cdb {
        public Read10 {
            checkRange(lba, U32_MAX, "LBA");
            checkRange(blocks, MAX_BLOCKS_10, "transfer length");
        }

        public int opcode() {
            return Opcodes.READ_10;
        }

        public byte[] encode() {
            return rw10(Opcodes.READ_10, lba, blocks, fua);
        }
    }

    /** READ(16) (SBC-3 §5.13). */
    record Read16(long lba, long blocks, boolean fua) implements Cdb {
        public Read16 {
            checkRange(blocks, U32_MAX, "transfer length");
        }

        public int opcode() {
            return Opcodes.READ_16;
        }

        public byte[] encode() {
            return rw16(Opcodes.READ_16, lba, blocks, fua);
        }
    }

    /** WRITE(10) (SBC-3 §5.32). */
    record Write10(long lba, int blocks, boolean fua) implements Cdb {
        public Write10 {
            checkRange(lba, U32_MAX, "LBA");
            checkRange(blocks, MAX_BLOCKS_10, "transfer length");
        }

        public int opcode() {
            return Opcodes.WRITE_10;
        }

        public byte[] encode() {
            return rw10(Opcodes.WRITE_10, lba, blocks, fua);
        }
    }

    /** WRITE(16) (SBC-3 §5.34). */
    record Write16(long lba, long blocks, boolean fua) implements Cdb {
        public Write16 {
            checkRange(blocks, U32_MAX, "transfer length");
        }

        public int opcode() {
            return Opcodes.WRITE_16;
        }

        public byte[] encode() {
            return rw16(Opcodes.WRITE_16, lba, blocks, fua);
        }
    }

    /** SYNCHRONIZE CACHE(10) (SBC-3 §5.22); {@code blocks} 0 means from {@code lba} to the end. */
    record SynchronizeCache10(long lba, int blocks, boolean immediate) implements Cdb {
        public SynchronizeCache10 {
            checkRange(lba, U32_MAX, "LBA");
            checkRange(blocks, MAX_BLOCKS_10, "number of logical blocks");
        }

        public int opcode() {
            return Opcodes.SYNCHRONIZE_CACHE_10;
        }

        public byte[] encode() {
            byte[] b = new byte[10];
            b[0] = (byte) Opcodes.SYNCHRONIZE_CACHE_10;
            b[1] = (byte) (immediate ? 0x02 : 0);
            put32(b, 2, lba);
            put16(b, 7, blocks);
            return b;
        }
    }

    /** SYNCHRONIZE CACHE(16) (SBC-3 §5.23). */
    record SynchronizeCache16(long lba, long blocks, boolean immediate) implements Cdb {
        public SynchronizeCache16 {
            checkRange(blocks, U32_MAX, "number of logical blocks");
        }

        public int opcode() {
            return Opcodes.SYNCHRONIZE_CACHE_16;
        }

        public byte[] encode() {
            byte[] b = new byte[16];
            b[0] = (byte) Opcodes.SYNCHRONIZE_CACHE_16;
            b[1] = (byte) (immediate ? 0x02 : 0);
            put64(b, 2, lba);
            put32(b, 10, blocks);
            return b;
        }
    }

    /** UNMAP (SBC-3 §5.28); the data-out buffer is an {@link UnmapParameterList}. */
    record Unmap(boolean anchor, int parameterListLength) implements Cdb {
        public Unmap {
            checkRange(parameterListLength, 0xFFFF, "parameter list length");
        }

        public int opcode() {
            return Opcodes.UNMAP;
        }

        public byte[] encode() {
            byte[] b = new byte[10];
            b[0] = (byte) Opcodes.UNMAP;
            b[1] = (byte) (anchor ? 1 : 0);
            put16(b, 7, parameterListLength);
            return b;
        }
    }

    /**
     * WRITE SAME(16) (SBC-3 §5.42). With {@code unmap} the device server may deallocate the blocks
     * (Linux uses this for discard when the LBP VPD page says LBPWS); with {@code ndob} no data-out
     * buffer is sent and the blocks read back as zeros.
     */
    record WriteSame16(long lba, long blocks, boolean unmap, boolean anchor, boolean ndob) implements Cdb {
        public WriteSame16 {
            checkRange(blocks, U32_MAX, "number of logical blocks");
        }

        public int opcode() {
            return Opcodes.WRITE_SAME_16;
        }

        public byte[] encode() {
            byte[] b = new byte[16];
            b[0] = (byte) Opcodes.WRITE_SAME_16;
            b[1] = (byte) ((anchor ? 0x10 : 0) | (unmap ? 0x08 : 0) | (ndob ? 0x01 : 0));
            put64(b, 2, lba);
            put32(b, 10, blocks);
            return b;
        }
    }

    /** REPORT LUNS (SPC-4 §6.29); select report 0 = all LUNs except well-known ones. */
    record ReportLuns(int selectReport, long allocationLength) implements Cdb {
        public ReportLuns {
            checkRange(selectReport, 0xFF, "select report");
            checkRange(allocationLength, U32_MAX, "allocation length");
        }

        public int opcode() {
            return Opcodes.REPORT_LUNS;
        }

        public byte[] encode() {
            byte[] b = new byte[12];
            b[0] = (byte) Opcodes.REPORT_LUNS;
            b[2] = (byte) selectReport;
            put32(b, 6, allocationLength);
            return b;
        }
    }

    /**
     * REPORT TARGET PORT GROUPS: MAINTENANCE IN, service action 0Ah (SPC-4 §6.27). With
     * {@code extendedHeader} the PARAMETER DATA FORMAT field is 001b, asking for the header that
     * carries the implicit transition time; targets that reject it get a retry without it (Linux
     * scsi_dh_alua does exactly that, ALUA_RTPG_EXT_HDR_UNSUPP).
     */
    record ReportTargetPortGroups(boolean extendedHeader, long allocationLength) implements Cdb {
        public ReportTargetPortGroups {
            checkRange(allocationLength, U32_MAX, "allocation length");
        }

        public int opcode() {
            return Opcodes.MAINTENANCE_IN;
        }

        public byte[] encode() {
            byte[] b = new byte[12];
            b[0] = (byte) Opcodes.MAINTENANCE_IN;
            b[1] = (byte) ((extendedHeader ? 0x20 : 0) | Opcodes.MI_REPORT_TARGET_PGS);
            put32(b, 6, allocationLength);
            return b;
        }
    }

    /** SET TARGET PORT GROUPS: MAINTENANCE OUT, service action 0Ah (SPC-4 §6.36). */
    record SetTargetPortGroups(long parameterListLength) implements Cdb {
        public SetTargetPortGroups {
            checkRange(parameterListLength, U32_MAX, "parameter list length");
        }

        public int opcode() {
            return Opcodes.MAINTENANCE_OUT;
        }

        public byte[] encode() {
            byte[] b = new byte[12];
            b[0] = (byte) Opcodes.MAINTENANCE_OUT;
            b[1] = (byte) Opcodes.MO_SET_TARGET_PGS;
            put32(b, 6, parameterListLength);
            return b;
        }
    }

    /** PERSISTENT RESERVE IN (SPC-4 §6.13). */
    record PersistentReserveIn(PrInAction action, int allocationLength) implements Cdb {
        public PersistentReserveIn {
            java.util.Objects.requireNonNull(action, "action");
            checkRange(allocationLength, 0xFFFF, "allocation length");
        }

        public int opcode() {
            return Opcodes.PERSISTENT_RESERVE_IN;
        }

        public byte[] encode() {
            byte[] b = new byte[10];
            b[0] = (byte) Opcodes.PERSISTENT_RESERVE_IN;
            b[1] = (byte) action.code();
            put16(b, 7, allocationLength);
            return b;
        }
    }

    /**
     * PERSISTENT RESERVE OUT (SPC-4 §6.14). {@code typeCode} is the raw TYPE field (a {@link PrType}
     * code; kept raw so a target can reject an invalid one with the right sense); scope 0 is
     * LU_SCOPE, the only scope SPC-4 keeps. The parameter list length is 24 for the basic parameter
     * list ({@code io.mpath4j.scsi.pr.PrOutParameterList}).
     */
    record PersistentReserveOut(PrOutAction action, int scope, int typeCode, long parameterListLength) implements Cdb {
        public PersistentReserveOut {
            java.util.Objects.requireNonNull(action, "action");
            checkRange(scope, 0xF, "scope");
            checkRange(typeCode, 0xF, "type");
            checkRange(parameterListLength, U32_MAX, "parameter list length");
        }

        public PersistentReserveOut(PrOutAction action, PrType type, long parameterListLength) {
            this(action, 0, type.code(), parameterListLength);
        }

        /** The type, or {@code null} when the code is reserved or obsolete. */
        public PrType type() {
            return PrType.of(typeCode);
        }

        public int opcode() {
            return Opcodes.PERSISTENT_RESERVE_OUT;
        }

        public byte[] encode() {
            byte[] b = new byte[10];
            b[0] = (byte) Opcodes.PERSISTENT_RESERVE_OUT;
            b[1] = (byte) action.code();
            b[2] = (byte) (scope << 4 | typeCode);
            put32(b, 5, parameterListLength);
            return b;
        }
    }

    /** Mode page codes this module names (SPC-4 §7.5, SBC-3 §6.4). */
    int MODE_PAGE_CACHING = 0x08;
    int MODE_PAGE_CONTROL = 0x0A;
    int MODE_PAGE_ALL = 0x3F;

    /**
     * MODE SENSE(6) (SPC-4 §6.11). {@code pageControl}: 0 current, 1 changeable, 2 default, 3
     * saved; {@code dbd} disables block descriptors.
     */
    record ModeSense6(boolean dbd, int pageControl, int pageCode, int subpageCode, int allocationLength) implements Cdb {
        public ModeSense6 {
            checkRange(pageControl, 3, "page control");
            checkRange(pageCode, 0x3F, "page code");
            checkRange(subpageCode, 0xFF, "subpage code");
            checkRange(allocationLength, 0xFF, "allocation length");
        }

        public int opcode() {
            return Opcodes.MODE_SENSE_6;
        }

        public byte[] encode() {
            byte[] b = new byte[6];
            b[0] = (byte) Opcodes.MODE_SENSE_6;
            b[1] = (byte) (dbd ? 0x08 : 0);
            b[2] = (byte) (pageControl << 6 | pageCode);
            b[3] = (byte) subpageCode;
            b[4] = (byte) allocationLength;
            return b;
        }
    }

    /** MODE SENSE(10) (SPC-4 §6.12); {@code llbaa} allows long LBA block descriptors. */
    record ModeSense10(boolean llbaa, boolean dbd, int pageControl, int pageCode, int subpageCode, int allocationLength)
            implements Cdb {
        public ModeSense10 {
            checkRange(pageControl, 3, "page control");
            checkRange(pageCode, 0x3F, "page code");
            checkRange(subpageCode, 0xFF, "subpage code");
            checkRange(allocationLength, 0xFFFF, "allocation length");
        }

        public int opcode() {
            return Opcodes.MODE_SENSE_10;
        }

        public byte[] encode() {
            byte[] b = new byte[10];
            b[0] = (byte) Opcodes.MODE_SENSE_10;
            b[1] = (byte) ((llbaa ? 0x10 : 0) | (dbd ? 0x08 : 0));
            b[2] = (byte) (pageControl << 6 | pageCode);
            b[3] = (byte) subpageCode;
            put16(b, 7, allocationLength);
            return b;
        }
    }

    /**
     * A command this module does not model (or a modelled operation code with a service action it
     * does not know): a target answers ILLEGAL REQUEST, INVALID COMMAND OPERATION CODE (20h/00h).
     */
    record Unknown(int opcode, Octets bytes) implements Cdb {
        public byte[] encode() {
            return bytes.toArray();
        }
    }

    /**
     * Decodes a CDB as a target receives it. The array may be longer than the CDB (iSCSI carries
     * a 16-byte CDB field); it must hold at least the length implied by the operation code.
     */
    static Cdb decode(byte[] b) throws ScsiFormatException {
        if (b == null || b.length == 0) {
            throw new ScsiFormatException("CDB: empty");
        }
        int op = u8(b, 0);
        int len = Opcodes.cdbLength(op);
        if (len == 0) {
            return new Unknown(op, Octets.of(b));
        }
        if (b.length < len) {
            throw new ScsiFormatException(String.format("CDB: opcode %02Xh needs %d bytes, have %d", op, len, b.length));
        }
        boolean fua = (b[1] & 0x08) != 0;
        return switch (op) {
            case Opcodes.TEST_UNIT_READY -> new TestUnitReady();
            case Opcodes.INQUIRY -> new Inquiry((b[1] & 1) != 0, u8(b, 2), u16(b, 3));
            case Opcodes.READ_CAPACITY_10 -> new ReadCapacity10();
            case Opcodes.SERVICE_ACTION_IN_16 -> (b[1] & 0x1F) == Opcodes.SAI_READ_CAPACITY_16
                    ? new ReadCapacity16(u32(b, 10))
                    : unknown(op, b, len);
            case Opcodes.READ_10 -> new Read10(u32(b, 2), u16(b, 7), fua);
            case Opcodes.READ_16 -> new Read16(u64(b, 2), u32(b, 10), fua);
            case Opcodes.WRITE_10 -> new Write10(u32(b, 2), u16(b, 7), fua);
            case Opcodes.WRITE_16 -> new Write16(u64(b, 2), u32(b, 10), fua);
            case Opcodes.SYNCHRONIZE_CACHE_10 -> new SynchronizeCache10(u32(b, 2), u16(b, 7), (b[1] & 0x02) != 0);
            case Opcodes.SYNCHRONIZE_CACHE_16 -> new SynchronizeCache16(u64(b, 2), u32(b, 10), (b[1] & 0x02) != 0);
            case Opcodes.UNMAP -> new Unmap((b[1] & 1) != 0, u16(b, 7));
            case Opcodes.WRITE_SAME_16 -> new WriteSame16(u64(b, 2), u32(b, 10),
                    (b[1] & 0x08) != 0, (b[1] & 0x10) != 0, (b[1] & 0x01) != 0);
            case Opcodes.REPORT_LUNS -> new ReportLuns(u8(b, 2), u32(b, 6));
            case Opcodes.MAINTENANCE_IN -> (b[1] & 0x1F) == Opcodes.MI_REPORT_TARGET_PGS
                    ? new ReportTargetPortGroups((b[1] & 0xE0) == 0x20, u32(b, 6))
                    : unknown(op, b, len);
            case Opcodes.MAINTENANCE_OUT -> (b[1] & 0x1F) == Opcodes.MO_SET_TARGET_PGS
                    ? new SetTargetPortGroups(u32(b, 6))
                    : unknown(op, b, len);
            case Opcodes.PERSISTENT_RESERVE_IN -> {
                PrInAction a = PrInAction.of(b[1] & 0x1F);
                yield a == null ? unknown(op, b, len) : new PersistentReserveIn(a, u16(b, 7));
            }
            case Opcodes.PERSISTENT_RESERVE_OUT -> {
                PrOutAction a = PrOutAction.of(b[1] & 0x1F);
                yield a == null
                        ? unknown(op, b, len)
                        : new PersistentReserveOut(a, (b[2] & 0xF0) >>> 4, b[2] & 0x0F, u32(b, 5));
            }
            case Opcodes.MODE_SENSE_6 -> new ModeSense6((b[1] & 0x08) != 0, (b[2] & 0xC0) >>> 6, b[2] & 0x3F,
                    u8(b, 3), u8(b, 4));
            case Opcodes.MODE_SENSE_10 -> new ModeSense10((b[1] & 0x10) != 0, (b[1] & 0x08) != 0,
                    (b[2] & 0xC0) >>> 6, b[2] & 0x3F, u8(b, 3), u16(b, 7));
            default -> unknown(op, b, len);
        };
    }

    private static Unknown unknown(int op, byte[] b, int len) {
        return new Unknown(op, Octets.of(b, 0, len));
    }

    private static byte[] rw10(int op, long lba, int blocks, boolean fua) {
        byte[] b = new byte[10];
        b[0] = (byte) op;
        b[1] = (byte) (fua ? 0x08 : 0);
        put32(b, 2, lba);
        put16(b, 7, blocks);
        return b;
    }

    private static byte[] rw16(int op, long lba, long blocks, boolean fua) {
        byte[] b = new byte[16];
        b[0] = (byte) op;
        b[1] = (byte) (fua ? 0x08 : 0);
        put64(b, 2, lba);
        put32(b, 10, blocks);
        return b;
    }
}
