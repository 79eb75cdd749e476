package io.mpath4j.scsi.pr;

/** PERSISTENT RESERVE IN service actions (SPC-4 §6.13.1, table "PERSISTENT RESERVE IN service action codes"). */
public enum PrInAction {
    READ_KEYS(0x00),
    READ_RESERVATION(0x01),
    REPORT_CAPABILITIES(0x02),
    READ_FULL_STATUS(0x03);

    private final int code;

    PrInAction(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The action with this code, or {@code null} for a reserved code. */
    public static PrInAction of(int code) {
        for (PrInAction a : values()) {
            if (a.code == code) {
                return a;
            }
        }
        return null;
    }
}
