package io.mpath4j.lab.lu;

import java.util.List;

/**
 * One command a lab logical unit implements, with what the gates before execution need to know:
 * how it fares under a persistent reservation and in each ALUA state. The table is also what
 * REPORT SUPPORTED OPERATION CODES reports.
 *
 * @param serviceAction the service action, or -1 for a command without one
 */
record LuCommand(int opcode, int serviceAction, int cdbLength, String name, Access access, Alua alua) {

    /** How a command fares under another nexus's persistent reservation (SPC-4 §5.12.1, SBC-3 §4.17). */
    enum Access {
        /** Never conflicts (INQUIRY, REPORT LUNS, PERSISTENT RESERVE IN/OUT, READ CAPACITY, TEST UNIT READY, …). */
        ALWAYS,
        /** Conflicts only under the exclusive-access types. */
        READ,
        /** Conflicts under every type for a non-holder. */
        WRITE
    }

    /**
     * The least accessible ALUA state a command is still allowed in (SPC-4 §5.15.2.4.4-6:
     * transitioning allows the fewest commands, then unavailable, then standby).
     */
    enum Alua {
        /** Allowed in every state: INQUIRY, REPORT LUNS, REPORT TARGET PORT GROUPS, REQUEST SENSE. */
        ANY,
        /** Allowed down to unavailable (SET TARGET PORT GROUPS). */
        UNAVAILABLE,
        /** Allowed down to standby (MODE SENSE, PERSISTENT RESERVE IN/OUT, READ CAPACITY, …). */
        STANDBY,
        /** Active states only: the data path, TEST UNIT READY. */
        ACTIVE
    }

    boolean hasServiceAction() {
        return serviceAction >= 0;
    }

    /** CDB USAGE DATA (SPC-4 §6.35.3): the opcode, then a mask of the bits the lab looks at. */
    byte[] usageData() {
        byte[] u = new byte[cdbLength];
        u[0] = (byte) opcode;
        for (int i = 1; i < cdbLength - 1; i++) {
            u[i] = (byte) 0xFF;
        }
        if (hasServiceAction()) {
            u[1] = (byte) (0xE0 | serviceAction);
        }
        u[cdbLength - 1] = 0; // control byte: NACA and linking not supported
        return u;
    }

    static final int TEST_UNIT_READY = 0x00;
    static final int REQUEST_SENSE = 0x03;
    static final int READ_6 = 0x08;
    static final int WRITE_6 = 0x0A;
    static final int INQUIRY = 0x12;
    static final int RESERVE_6 = 0x16;
    static final int RELEASE_6 = 0x17;
    static final int MODE_SENSE_6 = 0x1A;
    static final int START_STOP_UNIT = 0x1B;
    static final int PREVENT_ALLOW = 0x1E;
    static final int READ_CAPACITY_10 = 0x25;
    static final int READ_10 = 0x28;
    static final int WRITE_10 = 0x2A;
    static final int WRITE_AND_VERIFY_10 = 0x2E;
    static final int VERIFY_10 = 0x2F;
    static final int PRE_FETCH_10 = 0x34;
    static final int SYNCHRONIZE_CACHE_10 = 0x35;
    static final int READ_DEFECT_DATA_10 = 0x37;
    static final int WRITE_SAME_10 = 0x41;
    static final int UNMAP = 0x42;
    static final int MODE_SENSE_10 = 0x5A;
    static final int PERSISTENT_RESERVE_IN = 0x5E;
    static final int PERSISTENT_RESERVE_OUT = 0x5F;
    static final int READ_16 = 0x88;
    static final int COMPARE_AND_WRITE = 0x89;
    static final int WRITE_16 = 0x8A;
    static final int WRITE_AND_VERIFY_16 = 0x8E;
    static final int VERIFY_16 = 0x8F;
    static final int PRE_FETCH_16 = 0x90;
    static final int SYNCHRONIZE_CACHE_16 = 0x91;
    static final int WRITE_SAME_16 = 0x93;
    static final int SERVICE_ACTION_IN_16 = 0x9E;
    static final int SAI_READ_CAPACITY_16 = 0x10;
    static final int SAI_GET_LBA_STATUS = 0x12;
    static final int REPORT_LUNS = 0xA0;
    static final int MAINTENANCE_IN = 0xA3;
    static final int MI_REPORT_TARGET_PGS = 0x0A;
    static final int MI_REPORT_SUPPORTED_OPCODES = 0x0C;
    static final int MAINTENANCE_OUT = 0xA4;
    static final int MO_SET_TARGET_PGS = 0x0A;
    static final int READ_12 = 0xA8;
    static final int WRITE_12 = 0xAA;
    static final int WRITE_AND_VERIFY_12 = 0xAE;
    static final int VERIFY_12 = 0xAF;
    static final int READ_DEFECT_DATA_12 = 0xB7;

    private static LuCommand c(int op, int sa, int len, String name, Access a, Alua alua) {
        return new LuCommand(op, sa, len, name, a, alua);
    }

    /** Every command, in opcode order. */
    static final List<LuCommand> ALL = List.of(
            c(TEST_UNIT_READY, -1, 6, "TEST UNIT READY", Access.ALWAYS, Alua.ACTIVE),
            c(REQUEST_SENSE, -1, 6, "REQUEST SENSE", Access.ALWAYS, Alua.ANY),
            c(READ_6, -1, 6, "READ(6)", Access.READ, Alua.ACTIVE),
            c(WRITE_6, -1, 6, "WRITE(6)", Access.WRITE, Alua.ACTIVE),
            c(INQUIRY, -1, 6, "INQUIRY", Access.ALWAYS, Alua.ANY),
            c(RESERVE_6, -1, 6, "RESERVE(6)", Access.WRITE, Alua.ACTIVE),
            c(RELEASE_6, -1, 6, "RELEASE(6)", Access.WRITE, Alua.ACTIVE),
            c(MODE_SENSE_6, -1, 6, "MODE SENSE(6)", Access.READ, Alua.STANDBY),
            c(START_STOP_UNIT, -1, 6, "START STOP UNIT", Access.ALWAYS, Alua.ACTIVE),
            c(PREVENT_ALLOW, -1, 6, "PREVENT ALLOW MEDIUM REMOVAL", Access.READ, Alua.ACTIVE),
            c(READ_CAPACITY_10, -1, 10, "READ CAPACITY(10)", Access.ALWAYS, Alua.STANDBY),
            c(READ_10, -1, 10, "READ(10)", Access.READ, Alua.ACTIVE),
            c(WRITE_10, -1, 10, "WRITE(10)", Access.WRITE, Alua.ACTIVE),
            c(WRITE_AND_VERIFY_10, -1, 10, "WRITE AND VERIFY(10)", Access.WRITE, Alua.ACTIVE),
            c(VERIFY_10, -1, 10, "VERIFY(10)", Access.READ, Alua.ACTIVE),
            c(PRE_FETCH_10, -1, 10, "PRE-FETCH(10)", Access.READ, Alua.ACTIVE),
            c(SYNCHRONIZE_CACHE_10, -1, 10, "SYNCHRONIZE CACHE(10)", Access.WRITE, Alua.ACTIVE),
            c(READ_DEFECT_DATA_10, -1, 10, "READ DEFECT DATA(10)", Access.READ, Alua.ACTIVE),
            c(WRITE_SAME_10, -1, 10, "WRITE SAME(10)", Access.WRITE, Alua.ACTIVE),
            c(UNMAP, -1, 10, "UNMAP", Access.WRITE, Alua.ACTIVE),
            c(MODE_SENSE_10, -1, 10, "MODE SENSE(10)", Access.READ, Alua.STANDBY),
            c(PERSISTENT_RESERVE_IN, 0x00, 10, "PERSISTENT RESERVE IN READ KEYS", Access.ALWAYS, Alua.STANDBY),
            c(PERSISTENT_RESERVE_IN, 0x01, 10, "PERSISTENT RESERVE IN READ RESERVATION", Access.ALWAYS, Alua.STANDBY),
            c(PERSISTENT_RESERVE_IN, 0x02, 10, "PERSISTENT RESERVE IN REPORT CAPABILITIES", Access.ALWAYS, Alua.STANDBY),
            c(PERSISTENT_RESERVE_IN, 0x03, 10, "PERSISTENT RESERVE IN READ FULL STATUS", Access.ALWAYS, Alua.STANDBY),
            c(PERSISTENT_RESERVE_OUT, 0x00, 10, "PERSISTENT RESERVE OUT REGISTER", Access.ALWAYS, Alua.STANDBY),
            c(PERSISTENT_RESERVE_OUT, 0x01, 10, "PERSISTENT RESERVE OUT RESERVE", Access.ALWAYS, Alua.STANDBY),
            c(PERSISTENT_RESERVE_OUT, 0x02, 10, "PERSISTENT RESERVE OUT RELEASE", Access.ALWAYS, Alua.STANDBY),
            c(PERSISTENT_RESERVE_OUT, 0x03, 10, "PERSISTENT RESERVE OUT CLEAR", Access.ALWAYS, Alua.STANDBY),
            c(PERSISTENT_RESERVE_OUT, 0x04, 10, "PERSISTENT RESERVE OUT PREEMPT", Access.ALWAYS, Alua.STANDBY),
            c(PERSISTENT_RESERVE_OUT, 0x05, 10, "PERSISTENT RESERVE OUT PREEMPT AND ABORT", Access.ALWAYS, Alua.STANDBY),
            c(PERSISTENT_RESERVE_OUT, 0x06, 10, "PERSISTENT RESERVE OUT REGISTER AND IGNORE EXISTING KEY", Access.ALWAYS,
                    Alua.STANDBY),
            c(READ_16, -1, 16, "READ(16)", Access.READ, Alua.ACTIVE),
            c(COMPARE_AND_WRITE, -1, 16, "COMPARE AND WRITE", Access.WRITE, Alua.ACTIVE),
            c(WRITE_16, -1, 16, "WRITE(16)", Access.WRITE, Alua.ACTIVE),
            c(WRITE_AND_VERIFY_16, -1, 16, "WRITE AND VERIFY(16)", Access.WRITE, Alua.ACTIVE),
            c(VERIFY_16, -1, 16, "VERIFY(16)", Access.READ, Alua.ACTIVE),
            c(PRE_FETCH_16, -1, 16, "PRE-FETCH(16)", Access.READ, Alua.ACTIVE),
            c(SYNCHRONIZE_CACHE_16, -1, 16, "SYNCHRONIZE CACHE(16)", Access.WRITE, Alua.ACTIVE),
            c(WRITE_SAME_16, -1, 16, "WRITE SAME(16)", Access.WRITE, Alua.ACTIVE),
            c(SERVICE_ACTION_IN_16, SAI_READ_CAPACITY_16, 16, "READ CAPACITY(16)", Access.ALWAYS, Alua.STANDBY),
            c(SERVICE_ACTION_IN_16, SAI_GET_LBA_STATUS, 16, "GET LBA STATUS", Access.READ, Alua.ACTIVE),
            c(REPORT_LUNS, -1, 12, "REPORT LUNS", Access.ALWAYS, Alua.ANY),
            c(MAINTENANCE_IN, MI_REPORT_TARGET_PGS, 12, "REPORT TARGET PORT GROUPS", Access.ALWAYS, Alua.ANY),
            c(MAINTENANCE_IN, MI_REPORT_SUPPORTED_OPCODES, 12, "REPORT SUPPORTED OPERATION CODES", Access.ALWAYS,
                    Alua.STANDBY),
            c(MAINTENANCE_OUT, MO_SET_TARGET_PGS, 12, "SET TARGET PORT GROUPS", Access.WRITE, Alua.UNAVAILABLE),
            c(READ_12, -1, 12, "READ(12)", Access.READ, Alua.ACTIVE),
            c(WRITE_12, -1, 12, "WRITE(12)", Access.WRITE, Alua.ACTIVE),
            c(WRITE_AND_VERIFY_12, -1, 12, "WRITE AND VERIFY(12)", Access.WRITE, Alua.ACTIVE),
            c(VERIFY_12, -1, 12, "VERIFY(12)", Access.READ, Alua.ACTIVE),
            c(READ_DEFECT_DATA_12, -1, 12, "READ DEFECT DATA(12)", Access.READ, Alua.ACTIVE));

    /** The entry for this CDB, or null when the opcode (or its service action) is not implemented. */
    static LuCommand of(byte[] cdb) {
        int op = cdb[0] & 0xFF;
        int sa = cdb.length > 1 ? cdb[1] & 0x1F : -1;
        for (LuCommand c : ALL) {
            if (c.opcode == op && (!c.hasServiceAction() || c.serviceAction == sa)) {
                return c;
            }
        }
        return null;
    }

    /** True when some entry has this opcode (so an unknown service action is INVALID FIELD IN CDB). */
    static boolean knownOpcode(int op) {
        for (LuCommand c : ALL) {
            if (c.opcode == op) {
                return true;
            }
        }
        return false;
    }
}
