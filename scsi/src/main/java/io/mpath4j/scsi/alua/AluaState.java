package io.mpath4j.scsi.alua;

import io.mpath4j.core.path.AccessState;

/**
 * Asymmetric access states (SPC-4 §5.15.2.4, §6.27 table "ASYMMETRIC ACCESS STATE field"), with
 * their mapping to the engine's {@link AccessState}.
 */
public enum AluaState {
    ACTIVE_OPTIMIZED(0x0, AccessState.OPTIMIZED),
    ACTIVE_NON_OPTIMIZED(0x1, AccessState.NON_OPTIMIZED),
    STANDBY(0x2, AccessState.STANDBY),
    UNAVAILABLE(0x3, AccessState.UNAVAILABLE),
    /**
     * Logical block dependent: some LBAs are optimized through this port, others not. Linux
     * scsi_dh_alua lets I/O through (alua_prep_fn) and multipath-tools' alua prioritizer ranks it
     * below active/non-optimized, so it maps to {@link AccessState#NON_OPTIMIZED}.
     */
    LBA_DEPENDENT(0x4, AccessState.NON_OPTIMIZED),
    OFFLINE(0xE, AccessState.OFFLINE),
    TRANSITIONING(0xF, AccessState.TRANSITIONING),
    /** 5h-Dh: reserved; treated as unavailable (no I/O), never as usable. */
    RESERVED(-1, AccessState.UNAVAILABLE);

    private final int code;
    private final AccessState accessState;

    AluaState(int code, AccessState accessState) {
        this.code = code;
        this.accessState = accessState;
    }

    /** The 4-bit code; -1 for {@link #RESERVED}. */
    public int code() {
        return code;
    }

    public AccessState accessState() {
        return accessState;
    }

    public static AluaState of(int code) {
        for (AluaState s : values()) {
            if (s.code == (code & 0xF)) {
                return s;
            }
        }
        return RESERVED;
    }
}
