package io.mpath4j.scsi;

/**
 * The status byte of a completed SCSI command (SAM-5 §5.3.1, table "Status codes"); the Linux
 * names are {@code SAM_STAT_*} in include/scsi/scsi_proto.h.
 */
public enum ScsiStatus {
    GOOD(0x00),
    CHECK_CONDITION(0x02),
    CONDITION_MET(0x04),
    BUSY(0x08),
    /** Obsolete since SAM-4. */
    INTERMEDIATE(0x10),
    /** Obsolete since SAM-4. */
    INTERMEDIATE_CONDITION_MET(0x14),
    RESERVATION_CONFLICT(0x18),
    /** Obsolete since SAM-4. */
    COMMAND_TERMINATED(0x22),
    TASK_SET_FULL(0x28),
    ACA_ACTIVE(0x30),
    TASK_ABORTED(0x40);

    private final int code;

    ScsiStatus(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The status with this code, or {@code null} for a reserved code. */
    public static ScsiStatus of(int code) {
        for (ScsiStatus s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        return null;
    }
}
