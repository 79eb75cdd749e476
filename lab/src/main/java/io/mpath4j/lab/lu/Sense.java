package io.mpath4j.lab.lu;

import io.mpath4j.scsi.sense.SenseData;
import io.mpath4j.scsi.sense.SenseKey;

/**
 * The sense data the lab logical units answer with (fixed format, current errors), named as in
 * SPC-4 Annex F. Tests compare against these too, so a typo is caught twice.
 */
public final class Sense {

    private Sense() {}

    private static SenseData of(SenseKey key, int asc, int ascq) {
        return SenseData.of(key, asc, ascq);
    }

    // ILLEGAL REQUEST
    public static final SenseData PARAMETER_LIST_LENGTH_ERROR = of(SenseKey.ILLEGAL_REQUEST, 0x1A, 0x00);
    public static final SenseData INVALID_COMMAND_OPERATION_CODE = of(SenseKey.ILLEGAL_REQUEST, 0x20, 0x00);
    public static final SenseData LBA_OUT_OF_RANGE = of(SenseKey.ILLEGAL_REQUEST, 0x21, 0x00);
    public static final SenseData INVALID_FIELD_IN_CDB = of(SenseKey.ILLEGAL_REQUEST, 0x24, 0x00);
    public static final SenseData LOGICAL_UNIT_NOT_SUPPORTED = of(SenseKey.ILLEGAL_REQUEST, 0x25, 0x00);
    public static final SenseData INVALID_FIELD_IN_PARAMETER_LIST = of(SenseKey.ILLEGAL_REQUEST, 0x26, 0x00);
    public static final SenseData INVALID_RELEASE_OF_PERSISTENT_RESERVATION = of(SenseKey.ILLEGAL_REQUEST, 0x26, 0x04);
    public static final SenseData SAVING_PARAMETERS_NOT_SUPPORTED = of(SenseKey.ILLEGAL_REQUEST, 0x39, 0x00);
    public static final SenseData MEDIUM_REMOVAL_PREVENTED = of(SenseKey.ILLEGAL_REQUEST, 0x53, 0x02);
    /**
     * INVALID FIELD IN CDB with a sense-key specific field pointer (SPC-4 §4.5.2.4.2: SKSV, C/D
     * set: the error is in the CDB, at byte {@code byteOffset}). libiscsi takes a bare INVALID
     * FIELD IN CDB to MAINTENANCE IN or SERVICE ACTION IN as "service action not supported"
     * unless the pointer says which other byte is wrong.
     */
    public static SenseData invalidFieldInCdb(int byteOffset) {
        return new SenseData(false, false, SenseKey.ILLEGAL_REQUEST, 0x24, 0x00,
                java.util.List.of(new io.mpath4j.scsi.sense.SenseDescriptor.SenseKeySpecific(0x40_0000 | byteOffset)));
    }

    // NOT READY (ALUA, SPC-4 §5.15.2.4)
    public static final SenseData NOT_READY_TRANSITION = of(SenseKey.NOT_READY, 0x04, 0x0A);
    public static final SenseData NOT_READY_STANDBY = of(SenseKey.NOT_READY, 0x04, 0x0B);
    public static final SenseData NOT_READY_UNAVAILABLE = of(SenseKey.NOT_READY, 0x04, 0x0C);
    public static final SenseData NOT_READY_OFFLINE = of(SenseKey.NOT_READY, 0x04, 0x12);
    public static final SenseData NOT_READY_INITIALIZING_COMMAND_REQUIRED = of(SenseKey.NOT_READY, 0x04, 0x02);
    public static final SenseData MEDIUM_NOT_PRESENT = of(SenseKey.NOT_READY, 0x3A, 0x00);
    // DATA PROTECT
    public static final SenseData WRITE_PROTECTED = of(SenseKey.DATA_PROTECT, 0x27, 0x00);
    // MISCOMPARE
    public static final SenseData MISCOMPARE_DURING_VERIFY = of(SenseKey.MISCOMPARE, 0x1D, 0x00);
    // MEDIUM / HARDWARE ERROR
    public static final SenseData UNRECOVERED_READ_ERROR = of(SenseKey.MEDIUM_ERROR, 0x11, 0x00);
    public static final SenseData WRITE_ERROR = of(SenseKey.MEDIUM_ERROR, 0x0C, 0x00);
    public static final SenseData INTERNAL_TARGET_FAILURE = of(SenseKey.HARDWARE_ERROR, 0x44, 0x00);
    // UNIT ATTENTION
    public static final SenseData POWER_ON_RESET = of(SenseKey.UNIT_ATTENTION, 0x29, 0x00);
    /** After a LOGICAL UNIT RESET (SAM-5 §7.7). */
    public static final SenseData BUS_DEVICE_RESET_FUNCTION_OCCURRED = of(SenseKey.UNIT_ATTENTION, 0x29, 0x03);
    public static final SenseData RESERVATIONS_PREEMPTED = of(SenseKey.UNIT_ATTENTION, 0x2A, 0x03);
    public static final SenseData RESERVATIONS_RELEASED = of(SenseKey.UNIT_ATTENTION, 0x2A, 0x04);
    public static final SenseData REGISTRATIONS_PREEMPTED = of(SenseKey.UNIT_ATTENTION, 0x2A, 0x05);
    public static final SenseData ASYMMETRIC_ACCESS_STATE_CHANGED = of(SenseKey.UNIT_ATTENTION, 0x2A, 0x06);
    public static final SenseData CAPACITY_DATA_HAS_CHANGED = of(SenseKey.UNIT_ATTENTION, 0x2A, 0x09);
    public static final SenseData REPORTED_LUNS_DATA_HAS_CHANGED = of(SenseKey.UNIT_ATTENTION, 0x3F, 0x0E);
}
