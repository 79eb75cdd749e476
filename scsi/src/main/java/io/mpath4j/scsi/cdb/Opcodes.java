package io.mpath4j.scsi.cdb;

/**
 * Operation codes and service actions used by this module (SPC-4 Annex D "Operation codes"; the
 * Linux names in include/scsi/scsi_proto.h are given where they differ).
 */
public final class Opcodes {

    private Opcodes() {}

    public static final int TEST_UNIT_READY = 0x00;
    public static final int INQUIRY = 0x12;
    public static final int MODE_SENSE_6 = 0x1A;
    public static final int READ_CAPACITY_10 = 0x25;
    public static final int READ_10 = 0x28;
    public static final int WRITE_10 = 0x2A;
    public static final int SYNCHRONIZE_CACHE_10 = 0x35;
    public static final int UNMAP = 0x42;
    public static final int MODE_SENSE_10 = 0x5A;
    public static final int PERSISTENT_RESERVE_IN = 0x5E;
    public static final int PERSISTENT_RESERVE_OUT = 0x5F;
    public static final int READ_16 = 0x88;
    public static final int WRITE_16 = 0x8A;
    public static final int SYNCHRONIZE_CACHE_16 = 0x91;
    public static final int WRITE_SAME_16 = 0x93;
    /** SERVICE ACTION IN(16); Linux SERVICE_ACTION_IN_16. */
    public static final int SERVICE_ACTION_IN_16 = 0x9E;
    public static final int REPORT_LUNS = 0xA0;
    public static final int MAINTENANCE_IN = 0xA3;
    public static final int MAINTENANCE_OUT = 0xA4;

    /** SERVICE ACTION IN(16) service action READ CAPACITY(16) (SBC-3 §5.16). */
    public static final int SAI_READ_CAPACITY_16 = 0x10;
    /** MAINTENANCE IN service action REPORT TARGET PORT GROUPS (SPC-4 §6.27). */
    public static final int MI_REPORT_TARGET_PGS = 0x0A;
    /** MAINTENANCE OUT service action SET TARGET PORT GROUPS (SPC-4 §6.36). */
    public static final int MO_SET_TARGET_PGS = 0x0A;

    /**
     * CDB length implied by the group code in the top three bits of the operation code (SPC-4
     * §4.2.5.1): 6, 10, 10, reserved (variable), reserved, 12, 16 (group 4), vendor specific.
     * Returns 0 where the length is not implied.
     */
    public static int cdbLength(int opcode) {
        return switch (opcode >>> 5) {
            case 0 -> 6;
            case 1, 2 -> 10;
            case 4 -> 16;
            case 5 -> 12;
            default -> 0;
        };
    }
}
