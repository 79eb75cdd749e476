package io.mpath4j.scsi.sense;

/** Sense keys (SPC-4 §4.5.6, table "Sense key descriptions"); every 4-bit value has an entry. */
public enum SenseKey {
    NO_SENSE,
    RECOVERED_ERROR,
    NOT_READY,
    MEDIUM_ERROR,
    HARDWARE_ERROR,
    ILLEGAL_REQUEST,
    UNIT_ATTENTION,
    DATA_PROTECT,
    BLANK_CHECK,
    VENDOR_SPECIFIC,
    COPY_ABORTED,
    ABORTED_COMMAND,
    /** 0Ch: obsolete (was EQUAL). */
    OBSOLETE_C,
    VOLUME_OVERFLOW,
    MISCOMPARE,
    COMPLETED;

    private static final SenseKey[] VALUES = values();

    public int code() {
        return ordinal();
    }

    public static SenseKey of(int code) {
        return VALUES[code & 0x0F];
    }

    /** The name as sense decoders print it ("NOT READY"). */
    public String label() {
        return name().replace('_', ' ');
    }
}
