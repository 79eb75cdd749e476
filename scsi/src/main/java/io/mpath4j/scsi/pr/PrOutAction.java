package io.mpath4j.scsi.pr;

/** PERSISTENT RESERVE OUT service actions (SPC-4 §6.14.2, table "PERSISTENT RESERVE OUT service action codes"). */
public enum PrOutAction {
    REGISTER(0x00),
    RESERVE(0x01),
    RELEASE(0x02),
    CLEAR(0x03),
    PREEMPT(0x04),
    PREEMPT_AND_ABORT(0x05),
    REGISTER_AND_IGNORE_EXISTING_KEY(0x06),
    REGISTER_AND_MOVE(0x07),
    REPLACE_LOST_RESERVATION(0x08);

    private final int code;

    PrOutAction(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The action with this code, or {@code null} for a reserved code. */
    public static PrOutAction of(int code) {
        for (PrOutAction a : values()) {
            if (a.code == code) {
                return a;
            }
        }
        return null;
    }
}
