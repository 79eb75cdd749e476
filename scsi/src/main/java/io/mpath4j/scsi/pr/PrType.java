package io.mpath4j.scsi.pr;

/**
 * Persistent reservation types (SPC-4 §6.13.3.4, table "Persistent reservation type codes"). Code
 * 0 is used in CDBs that carry no type (REGISTER, CLEAR): {@link #NONE}.
 */
public enum PrType {
    NONE(0x0),
    WRITE_EXCLUSIVE(0x1),
    EXCLUSIVE_ACCESS(0x3),
    WRITE_EXCLUSIVE_REGISTRANTS_ONLY(0x5),
    EXCLUSIVE_ACCESS_REGISTRANTS_ONLY(0x6),
    WRITE_EXCLUSIVE_ALL_REGISTRANTS(0x7),
    EXCLUSIVE_ACCESS_ALL_REGISTRANTS(0x8);

    private final int code;

    PrType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type with this code, or {@code null} for an obsolete or reserved code. */
    public static PrType of(int code) {
        for (PrType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
